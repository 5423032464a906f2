"""Local ids: a file in radioid's ``user.csv`` shape merged into every user export.

Private networks hand out ids radioid does not know, or know by another name (WPSD prepends
about 5,500 such ids to its DMRIds.dat; FreeDMR keeps ``local_subscriber_ids.json``). The
file holds ``RADIO_ID,CALLSIGN,FIRST_NAME,LAST_NAME,CITY,STATE,COUNTRY`` lines (the header
line is optional, fields after the callsign may be left out, quoting as in any CSV, blank
lines and lines starting with ``#`` are skipped). A local id replaces radioid's row of the
same id.

The whole file is checked before anything is written: a malformed line is an error naming
the file and the line. It is read line by line into a temporary table of the export's own
connection (SQLite's temp store, never the database file), which hands the ids back in id
order for the merge, whatever order the file has and however long it is.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import BinaryIO, Iterator

from dmr_edge.errors import ExportError

TABLE = "temp.dmr_edge_extra"
COLUMNS = ("id", "callsign", "first_name", "last_name", "city", "state", "country")
MAX_USER_ID = (1 << 24) - 1
MAX_CALLSIGN = 64
MAX_TEXT = 256
TEMP_CACHE_KIB = 256


class _LineError(Exception):
    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line  # None: the line the row started on


def _row(fields: list[str]) -> tuple[int | str, ...]:
    if len(fields) < 2:
        raise _LineError(
            "expected at least RADIO_ID,CALLSIGN (RADIO_ID,CALLSIGN,FIRST_NAME,LAST_NAME,"
            f"CITY,STATE,COUNTRY), found {len(fields)} field"
        )
    if len(fields) > len(COLUMNS):
        raise _LineError(
            "expected at most 7 fields (RADIO_ID,CALLSIGN,FIRST_NAME,LAST_NAME,CITY,STATE,"
            f"COUNTRY), found {len(fields)}"
        )
    values = [f.strip() for f in fields] + [""] * (len(COLUMNS) - len(fields))
    radio_id = values[0]
    if not (radio_id.isdigit() and radio_id.isascii() and 0 < int(radio_id) <= MAX_USER_ID):
        raise _LineError(f"radio id {radio_id!r} is not a number from 1 to {MAX_USER_ID}")
    callsign = values[1].upper()
    if not callsign:
        raise _LineError("the callsign is empty")
    if len(callsign) > MAX_CALLSIGN:
        raise _LineError(f"the callsign is longer than {MAX_CALLSIGN} characters")
    for name, value in zip(COLUMNS[2:], values[2:]):
        if len(value) > MAX_TEXT:
            raise _LineError(f"{name} is longer than {MAX_TEXT} characters")
    return (int(radio_id), callsign, *values[2:])


class _Lines:
    """The file's lines as text, counting them; a line that is not UTF-8 raises
    ``_LineError`` with ``number`` on it."""

    def __init__(self, handle: BinaryIO) -> None:
        self.handle = handle
        self.number = 0

    def __iter__(self) -> Iterator[str]:
        for raw in self.handle:
            self.number += 1
            try:
                text = raw.decode("utf-8-sig" if self.number == 1 else "utf-8")
            except UnicodeDecodeError:
                raise _LineError("not valid UTF-8", self.number) from None
            yield text


def load(conn: sqlite3.Connection, path: Path) -> int:
    """Given the export's connection and the local ids file, check every line and fill the
    temporary table; return how many ids it holds.

    Raise ``ExportError`` naming the file and the line if a line is malformed, and naming
    the file if it cannot be read.
    """
    import csv

    # The temporary database spills to a file past this: a long file costs no more memory.
    conn.execute(f"PRAGMA temp.cache_size = -{TEMP_CACHE_KIB}")
    conn.execute(
        f"CREATE TEMP TABLE IF NOT EXISTS dmr_edge_extra (id INTEGER PRIMARY KEY, "
        f"line INTEGER NOT NULL, {', '.join(f'{c} TEXT' for c in COLUMNS[1:])})"
    )
    conn.execute(f"DELETE FROM {TABLE}")
    insert = (
        f"INSERT INTO {TABLE} (id, line, {', '.join(COLUMNS[1:])}) "
        f"VALUES ({', '.join('?' for _ in range(len(COLUMNS) + 1))}) ON CONFLICT (id) DO NOTHING"
    )
    count = 0
    first = True
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise ExportError(f"{path}: cannot read the local ids: {exc.strerror}") from None
    lines = _Lines(handle)
    reader = csv.reader(lines, strict=True)
    start = 1  # the line the row being read starts on (a quoted field may span lines)
    try:
        while True:
            start = lines.number + 1
            fields = next(reader, None)
            if fields is None:
                break
            if not fields or not "".join(fields).strip() or fields[0].lstrip()[:1] == "#":
                continue
            if first and fields[0].strip().upper() == "RADIO_ID":
                first = False
                continue
            first = False
            row = _row(fields)
            if conn.execute(insert, (row[0], start, *row[1:])).rowcount == 0:
                (earlier,) = conn.execute(
                    f"SELECT line FROM {TABLE} WHERE id = ?", (row[0],)
                ).fetchone()
                raise _LineError(f"radio id {row[0]} is already on line {earlier}")
            count += 1
    except _LineError as exc:
        raise ExportError(f"{path}, line {exc.line or start}: {exc}") from None
    except csv.Error as exc:
        raise ExportError(f"{path}, line {start}: not a CSV line: {exc}") from None
    except OSError as exc:
        raise ExportError(f"{path}: cannot read the local ids: {exc.strerror}") from None
    finally:
        handle.close()
    return count


def rows(conn: sqlite3.Connection) -> Iterator[tuple[object, ...]]:
    """Yield the local ids as user rows, in id order."""
    yield from conn.execute(f"SELECT {', '.join(COLUMNS)} FROM {TABLE} ORDER BY id")
