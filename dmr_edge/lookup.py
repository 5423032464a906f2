"""What the database knows of a radio id, a callsign or a talkgroup name.

Every query is served by an index: users by primary key or ``users_callsign``; repeaters
by ``(source, id)`` for each repeater source or by ``repeaters_callsign``; talkgroups by
``talkgroups_id``. Only a talkgroup name is matched with ``LIKE`` over the talkgroups
table, which holds a few thousand rows.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from pathlib import Path
from typing import Any

from dmr_edge.errors import ConfigError, StoreError
from dmr_edge.record import dataclass, field
from dmr_edge.sources import SOURCES
from dmr_edge.store import Store

DEFAULT_LIMIT = 50
REPEATER_SOURCES = tuple(name for name, spec in SOURCES.items() if spec.table == "repeaters")

_USER_COLUMNS = "id, callsign, first_name, last_name, city, state, country, valid_callsign"
_REPEATER_COLUMNS = (
    "source, id, callsign, tx_hz, rx_hz, color_code, lat, lng, city, state, country, "
    "network, trustee, mode, status, details"
)


@dataclass
class LookupResult:
    query: str
    kind: str  # "id" or "callsign"
    users: list[dict[str, Any]] = field(default_factory=list)
    repeaters: list[dict[str, Any]] = field(default_factory=list)
    talkgroups: list[dict[str, Any]] = field(default_factory=list)
    truncated: bool = False  # some kind had more matches than the limit

    @property
    def found(self) -> int:
        return len(self.users) + len(self.repeaters) + len(self.talkgroups)

    def as_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "kind": self.kind,
            "users": self.users,
            "repeaters": self.repeaters,
            "talkgroups": self.talkgroups,
            "truncated": self.truncated,
        }


def mhz(hz: int | None) -> str | None:
    """Given integer Hz, return MHz with five decimals ("440.58750"), exact for any Hz
    multiple of 10; None stays None."""
    if hz is None:
        return None
    sign = "-" if hz < 0 else ""
    whole, rest = divmod(abs(int(hz)), 1_000_000)
    return f"{sign}{whole}.{rest // 10:05d}"


def _rows(conn: sqlite3.Connection, sql: str, args: tuple[Any, ...]) -> list[dict[str, Any]]:
    cursor = conn.execute(sql, args)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor]


def _repeater(row: dict[str, Any]) -> dict[str, Any]:
    row["tx_mhz"] = mhz(row["tx_hz"])
    row["rx_mhz"] = mhz(row["rx_hz"])
    tx, rx = row["tx_hz"], row["rx_hz"]
    row["offset_mhz"] = mhz(rx - tx) if tx is not None and rx is not None else None
    with contextlib.suppress(ValueError):  # unreadable JSON: keep the stored text
        row["details"] = json.loads(row["details"]) if row["details"] else None
    return row


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def lookup_in(conn: sqlite3.Connection, query: str, limit: int = DEFAULT_LIMIT) -> LookupResult:
    """Given an open connection and a query, return every user, repeater and talkgroup it
    names: by id when the query is all digits, else by callsign and talkgroup name."""
    text = query.strip()
    if not text:
        raise ConfigError("nothing to look up: give a radio id, a callsign or a talkgroup name")
    fetch = limit + 1
    placeholders = ", ".join("?" for _ in REPEATER_SOURCES)
    if text.isascii() and text.isdigit():
        number = int(text)
        result = LookupResult(text, "id")
        result.users = _rows(
            conn, f"SELECT {_USER_COLUMNS} FROM users WHERE id = ? LIMIT ?", (number, fetch)
        )
        # One primary-key probe per repeater source: (source, id) is the key.
        result.repeaters = _rows(
            conn,
            f"SELECT {_REPEATER_COLUMNS} FROM repeaters "
            f"WHERE source IN ({placeholders}) AND id = ? ORDER BY source LIMIT ?",
            (*REPEATER_SOURCES, number, fetch),
        )
        result.talkgroups = _rows(
            conn,
            "SELECT network, id, name, description FROM talkgroups WHERE id = ? "
            "ORDER BY network LIMIT ?",
            (number, fetch),
        )
    else:
        call = text.upper()
        result = LookupResult(text, "callsign")
        # Exact callsign, or the callsign followed by a space or punctuation up to '-'
        # ("K6UHF SCRN BLU", "K6UHF-1"): an index range, not a scan.
        low, high = call + " ", call + "."
        result.users = _rows(
            conn,
            f"SELECT {_USER_COLUMNS} FROM users "
            "WHERE callsign = ? OR (callsign >= ? AND callsign < ?) ORDER BY callsign, id LIMIT ?",
            (call, low, high, fetch),
        )
        result.repeaters = _rows(
            conn,
            f"SELECT {_REPEATER_COLUMNS} FROM repeaters "
            "WHERE callsign = ? OR (callsign >= ? AND callsign < ?) "
            "ORDER BY callsign, source, id LIMIT ?",
            (call, low, high, fetch),
        )
        result.talkgroups = _rows(
            conn,
            "SELECT network, id, name, description FROM talkgroups "
            "WHERE name LIKE ? ESCAPE '\\' ORDER BY network, id LIMIT ?",
            (f"%{_like_escape(text)}%", fetch),
        )
    for kind in ("users", "repeaters", "talkgroups"):
        rows = getattr(result, kind)
        if len(rows) > limit:
            del rows[limit:]
            result.truncated = True
    result.repeaters = [_repeater(row) for row in result.repeaters]
    return result


def lookup(db: Path, query: str, limit: int = DEFAULT_LIMIT) -> LookupResult:
    """Given the database path and a query, return what the database knows of it.

    Raise ``StoreError`` if the database cannot be opened or read.
    """
    store = Store(db, readonly=True)
    try:
        conn = store.conn
        conn.execute("BEGIN")  # the three answers from one version of the data
        try:
            return lookup_in(conn, query, limit)
        finally:
            conn.execute("COMMIT")
    except sqlite3.Error as exc:
        raise StoreError(f"{db}: cannot read: {exc}") from None
    finally:
        store.close()
