"""Documents the bench measures: real users files decompressed, changed by a share, as CSV.

Given a real users file, ``decompress_to`` writes its JSON out, ``mutate_users`` derives a
copy with a given share of the records changed the way a real week changes them, and
``write_users_csv`` writes the rows dmr-edge would store, for the sqlite3 shell's
``.import``.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

from dmr_edge.bench import BenchError

USERS = "radioid_users"


def decompress_to(source: Path, target: Path) -> Path:
    """Write the JSON inside ``source`` (plain, gzip, xz or bz2) to ``target``."""
    from dmr_edge.stream import open_document

    try:
        with open_document(str(source)) as stream, open(target, "wb") as out:
            shutil.copyfileobj(stream, out, 1 << 20)
    except OSError as exc:
        raise BenchError(f"cannot read {source}: {exc.strerror or exc}") from None
    except (EOFError, ValueError) as exc:
        raise BenchError(f"cannot decompress {source}: {exc}") from None
    return target


def write_users_csv(source: Path, target: Path) -> int:
    """Write the rows dmr-edge would store from a users document as CSV; return the count."""
    import csv

    from dmr_edge.errors import RecordError
    from dmr_edge.sources import SOURCES
    from dmr_edge.stream import iter_records, open_document

    spec = SOURCES[USERS]
    count = 0
    with (
        open_document(str(source)) as stream,
        open(target, "w", newline="", encoding="utf-8") as out,
    ):
        writer = csv.writer(out)
        for record in iter_records(stream, spec):
            try:
                row = spec.to_row(record)
            except RecordError:
                continue
            writer.writerow(["" if v is None else v for v in row])
            count += 1
    return count


def _hash32(*parts: Any) -> int:
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=4).digest()
    return int.from_bytes(digest, "big")


def mutate_users(source: Path, target: Path, change: float, seed: int = 1) -> int:
    """Write a copy of a real users document with about ``change`` of its records changed.

    Like a real week: of the changed records 55 % are modified (city, callsign or name),
    35 % added (a new id just after an existing one) and 10 % removed. Return the number of
    records written.
    """
    from dmr_edge.sources import SOURCES
    from dmr_edge.stream import iter_records, open_document

    spec = SOURCES[USERS]
    limit = int(change * 2**32)
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    written = 0
    pending: dict[str, Any] | None = None

    with open_document(str(source)) as stream, open(target, "w", encoding="utf-8") as out:
        out.write('{"users":[\n')

        def emit(record: dict[str, Any]) -> None:
            nonlocal written
            out.write((",\n" if written else "") + encode(record))
            written += 1

        def settle(record: dict[str, Any], next_id: int | None) -> None:
            rid = int(record.get("id") or 0)
            h = _hash32(seed, rid)
            if h >= limit:
                emit(record)
                return
            kind = _hash32(seed, rid, "kind") % 100
            if kind < 10:
                return  # removed
            if kind < 65:
                part = kind % 3
                if part == 0:
                    record["city"] = (record.get("city") or "") + " Heights"
                elif part == 1:
                    record["callsign"] = (record.get("callsign") or "X") + "Z"
                else:
                    record["fname"] = (record.get("fname") or "") + " Jr"
                emit(record)
                return
            emit(record)
            if next_id is None or next_id > rid + 1:
                added = dict(record, id=rid + 1, radio_id=rid + 1, callsign="N0NEW")
                emit(added)

        for record in iter_records(stream, spec):
            if not isinstance(record, dict):
                continue
            if pending is not None:
                settle(pending, int(record.get("id") or 0))
            pending = record
        if pending is not None:
            settle(pending, None)
        out.write("\n]}\n")
    return written


def count_rows(db: Path) -> int:
    conn = sqlite3.connect(str(db))
    try:
        return int(conn.execute("SELECT count(*) FROM users").fetchone()[0])
    finally:
        conn.close()
