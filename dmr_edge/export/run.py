"""One export from start to end: read the database, write the file, replace the old one.

Every export streams from a read-only connection inside one read transaction (a sync
committing meanwhile is seen entirely or not at all), one row at a time, so memory stays
flat whatever the number of rows: the filters are SQL ranges and a per-row test, the
local ids come back from a temporary table in id order and are merged with radioid's rows
as two sorted streams, and a limit only stops the writing (the rest is counted, never
held). The target is replaced atomically (``atomic.atomic_writer``); a failed export
leaves the old file as it was, and a guard refuses to replace a file with an empty or much
smaller one unless forced.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any, Callable, Optional, Sequence

from dmr_edge.errors import ExportError, StoreError
from dmr_edge.export import extra as local_ids
from dmr_edge.export.atomic import atomic_writer, count_data_lines, describe, resolve_target
from dmr_edge.export.filters import UserSelection
from dmr_edge.export.tgformats import (
    TALKGROUP_FORMATS,
    TalkgroupFormat,
    groups_pair,
    tglist_header,
    tglist_line,
)
from dmr_edge.export.userformats import USER_FORMATS, UserFormat
from dmr_edge.record import dataclass
from dmr_edge.store import Store

USER_KINDS = tuple(USER_FORMATS)
TALKGROUP_KINDS = tuple(TALKGROUP_FORMATS)
FORMATS = USER_KINDS + TALKGROUP_KINDS
FILE_NAMES = {
    **{kind: fmt.label for kind, fmt in USER_FORMATS.items()},
    **{kind: fmt.label for kind, fmt in TALKGROUP_FORMATS.items()},
}
# The source whose rows each export is made from (what a sync must change to rewrite it).
SOURCE_OF = {
    **{kind: "radioid_users" for kind in USER_KINDS},
    **{kind: fmt.source for kind, fmt in TALKGROUP_FORMATS.items()},
}
DEFAULT_MIN_RATIO = 0.5
_PROGRESS_EVERY = 4096

ExportProgress = Callable[[int, Optional[int]], None]  # (rows read, rows in total)

_USERS = "SELECT id, callsign, first_name, last_name, city, state, country FROM users"


@dataclass
class ExportResult:
    kind: str
    path: Path
    lines: int  # data lines written (headers not counted)
    bytes: int
    previous_lines: int | None  # data lines of the file replaced; None when there was none
    shortened: int  # lines whose fields were cut to fit the reader
    seconds: float
    matched: int = 0  # entries that passed the filter (written and left out by the limit)
    left_out: int = 0  # matched entries beyond the limit
    extra: int = 0  # local ids written
    replaced: int = 0  # of those, ids whose radioid row they replaced


class _Counter:
    """Counts what is written to a text file, in bytes."""

    def __init__(self, handle: IO[str]) -> None:
        self.handle = handle
        self.bytes = 0

    def write(self, text: str) -> None:
        self.handle.write(text)
        self.bytes += len(text) if text.isascii() else len(text.encode("utf-8"))


def _check_shrink(
    label: str,
    target: Path,
    lines: int,
    previous: int | None,
    force: bool,
    min_ratio: float,
    empty: str,
) -> None:
    if force:
        return
    if lines == 0:
        raise ExportError(
            f"{target}: {empty}; not writing an empty file (--force writes it anyway)"
        )
    if previous and lines < previous * min_ratio:
        raise ExportError(
            f"{target}: the new {label} would have {lines:,} lines where the "
            f"current one has {previous:,}; keeping the current file (--force replaces it)"
        )


def _target(out: Path) -> Path:
    target = resolve_target(Path(out))
    if target.is_dir():
        raise ExportError(f"{target} is a directory; give the file to write")
    return target


RADIOID, LOCAL, REPLACING = 0, 1, 2  # where a merged row comes from


def _merge(
    users: Iterator[Sequence[Any]], local: Iterator[Sequence[Any]]
) -> Iterator[tuple[Sequence[Any], int]]:
    """Merge two streams of rows sorted by id; a local row replaces the user row of the same
    id. Yield ``(row, RADIOID | LOCAL | REPLACING)``."""
    user = next(users, None)
    own = next(local, None)
    while user is not None or own is not None:
        if user is not None and (own is None or user[0] < own[0]):
            yield user, RADIOID
            user = next(users, None)
        elif own is not None:
            origin = LOCAL
            if user is not None and user[0] == own[0]:
                origin = REPLACING
                user = next(users, None)
            yield own, origin
            own = next(local, None)


def _ascii_row(row: Sequence[Any]) -> tuple[Any, ...]:
    from dmr_edge.export.translit import to_ascii

    return (row[0], *(to_ascii(text or "") for text in row[1:]))


@contextlib.contextmanager
def _reading(db: Path, what: str, target: Path) -> Iterator[sqlite3.Connection]:
    """Yield a read-only connection to ``db`` for one export to ``target``, closed after:
    a database error becomes a ``StoreError`` ("cannot read ``what``"), a write error an
    ``ExportError`` naming the target."""
    store = Store(db, readonly=True)
    try:
        yield store.conn
    except sqlite3.Error as exc:
        raise StoreError(f"{db}: cannot read {what}: {exc}") from None
    except OSError as exc:
        raise ExportError(f"cannot write {target.name}: {describe(exc, target)}") from None
    finally:
        store.close()


def export_users(
    db: Path,
    out: Path,
    kind: str,
    *,
    force: bool = False,
    min_ratio: float = DEFAULT_MIN_RATIO,
    progress: ExportProgress | None = None,
    selection: UserSelection | None = None,
    ascii: bool = False,
    extra: Path | None = None,
) -> ExportResult:
    """Given the database, a target path and a user format (``dmrids``, ``usercsv``,
    ``stripped``, ``anytone``), write the file.

    ``selection`` keeps the users of some countries or id prefixes, up to a limit; ``ascii``
    transliterates names and places; ``extra`` is a local ids file merged in (its ids are
    kept whatever the selection, and replace radioid's row of the same id).

    Raise ``StoreError`` if the database cannot be read, ``ExportError`` if the file cannot
    be written, the local ids file is malformed, or the shrink guard refuses the result; in
    every case the old file is unchanged.
    """
    if kind not in USER_FORMATS:
        raise ExportError(
            f"unknown user export {kind!r} (expected one of: {', '.join(USER_FORMATS)})"
        )
    fmt = USER_FORMATS[kind]
    selection = selection or UserSelection()
    started = time.monotonic()
    target = _target(out)
    previous = count_data_lines(target, fmt.is_data)
    with _reading(db, "users", target) as conn:
        extra_count = local_ids.load(conn, Path(extra)) if extra is not None else 0
        conn.execute("BEGIN")  # one snapshot for the counts and the rows
        total = int(conn.execute("SELECT count(*) FROM users").fetchone()[0])
        if selection.filtered and total:
            empty = f"no users match {selection.describe()}"
        else:
            empty = "the database holds no users (run 'dmr-edge sync' first)"
        if total == 0 and extra_count == 0:
            _check_shrink(fmt.label, target, 0, previous, force, min_ratio, empty)
        with atomic_writer(target) as handle:
            result = _write_users(
                conn, _Counter(handle), fmt, selection, ascii, extra_count > 0, total, progress
            )
            _check_shrink(fmt.label, target, result.lines, previous, force, min_ratio, empty)
        conn.execute("COMMIT")
    result.kind, result.path, result.previous_lines = kind, target, previous
    result.seconds = time.monotonic() - started
    return result


def _write_users(
    conn: sqlite3.Connection,
    out: _Counter,
    fmt: UserFormat,
    selection: UserSelection,
    ascii: bool,
    with_extra: bool,
    total: int,
    progress: ExportProgress | None,
) -> ExportResult:
    where, params = selection.where()
    query = f"{_USERS} WHERE {where} ORDER BY id" if where else f"{_USERS} ORDER BY id"
    users: Iterator[Sequence[Any]] = iter(conn.execute(query, params))
    # A second cursor on the same connection: the local ids, sorted by SQLite.
    local: Iterator[Sequence[Any]] = local_ids.rows(conn) if with_extra else iter(())
    wanted = selection.country_matcher()
    limit = selection.limit
    if fmt.header:
        out.write(fmt.header)
    lines = shortened = left_out = own = replaced = scanned = 0
    for row, origin in _merge(users, local):
        scanned += 1
        if progress is not None and scanned % _PROGRESS_EVERY == 0:
            progress(scanned, total)
        if origin == RADIOID and wanted is not None and not wanted(row[6]):
            continue
        if limit is not None and lines >= limit:
            left_out += 1
            continue
        if ascii:
            row = _ascii_row(row)
        line, cut = fmt.line(lines + 1, row)
        out.write(line)
        lines += 1
        shortened += cut
        own += origin != RADIOID
        replaced += origin == REPLACING
    if progress is not None:
        progress(scanned, total)
    return ExportResult(
        kind=fmt.kind,
        path=Path(),
        lines=lines,
        bytes=out.bytes,
        previous_lines=None,
        shortened=shortened,
        seconds=0.0,
        matched=lines + left_out,
        left_out=left_out,
        extra=own,
        replaced=replaced,
    )


def export_talkgroups(
    db: Path,
    out: Path,
    kind: str,
    *,
    force: bool = False,
    min_ratio: float = DEFAULT_MIN_RATIO,
    progress: ExportProgress | None = None,
) -> ExportResult:
    """Given the database, a target path and a talkgroup format (``tglist-bm``,
    ``tglist-tgif``, ``bm-groups``), write the file.

    Raise ``StoreError`` if the database cannot be read, ``ExportError`` if the file cannot
    be written or the shrink guard refuses it; in both cases the old file is unchanged.
    """
    if kind not in TALKGROUP_FORMATS:
        raise ExportError(
            f"unknown talkgroup export {kind!r} (expected one of: {', '.join(TALKGROUP_FORMATS)})"
        )
    fmt = TALKGROUP_FORMATS[kind]
    started = time.monotonic()
    target = _target(out)
    previous = count_data_lines(target, fmt.is_data)
    empty = (
        f"the database holds no {fmt.network} talkgroups (run 'dmr-edge sync' first, "
        f"with {fmt.source} enabled)"
    )
    with _reading(db, "talkgroups", target) as conn:
        conn.execute("BEGIN")
        total = int(
            conn.execute(
                "SELECT count(*) FROM talkgroups WHERE network = ?", (fmt.network,)
            ).fetchone()[0]
        )
        if total == 0:
            _check_shrink(fmt.label, target, 0, previous, force, min_ratio, empty)
        state = conn.execute(
            "SELECT url, applied_at FROM source_state WHERE source = ?", (fmt.source,)
        ).fetchone()
        rows = conn.execute(
            "SELECT id, name FROM talkgroups WHERE network = ? ORDER BY id", (fmt.network,)
        )
        with atomic_writer(target) as handle:
            counter = _Counter(handle)
            lines, shortened = _write_talkgroups(counter, fmt, state, rows, total, progress)
            _check_shrink(fmt.label, target, lines, previous, force, min_ratio, empty)
        conn.execute("COMMIT")
    return ExportResult(
        kind=kind,
        path=target,
        lines=lines,
        bytes=counter.bytes,
        previous_lines=previous,
        shortened=shortened,
        seconds=time.monotonic() - started,
        matched=lines,
    )


def _write_talkgroups(
    out: _Counter,
    fmt: TalkgroupFormat,
    state: Sequence[Any] | None,
    rows: Iterable[Sequence[Any]],
    total: int,
    progress: ExportProgress | None,
) -> tuple[int, int]:
    lines = shortened = 0
    if fmt.kind == "bm-groups":
        out.write("{\n")
        for talkgroup, name in rows:
            out.write((",\n" if lines else "") + groups_pair(talkgroup, name))
            lines += 1
        out.write("\n}\n" if lines else "}\n")
    else:
        url, applied_at = state if state else ("", None)
        reflectors = fmt.option(4000)[0] == 1  # BrandMeister's reflector range
        out.write(tglist_header(fmt.label, fmt.network, url or "", applied_at, reflectors))
        for talkgroup, name in rows:
            line, cut = tglist_line(talkgroup, name, fmt.option)
            out.write(line)
            lines += 1
            shortened += cut
            if progress is not None and lines % _PROGRESS_EVERY == 0:
                progress(lines, total)
    if progress is not None:
        progress(lines, total)
    return lines, shortened


def export_file(db: Path, out: Path, kind: str, **options: Any) -> ExportResult:
    """Write the export ``kind`` to ``out``: a user export with ``export_users``' options,
    a talkgroup export with ``force``, ``min_ratio`` and ``progress`` only."""
    if kind in TALKGROUP_FORMATS:
        return export_talkgroups(db, out, kind, **options)
    return export_users(db, out, kind, **options)


def needs_rewrite(
    target: Path,
    source_changed: bool,
    applied_at: float | None,
    inputs: Iterable[Path] = (),
) -> bool:
    """Return whether an export configured to follow syncs must be written now: its source
    changed, the file is missing, it is older than the rows last applied (an earlier export
    failed), or older than one of ``inputs`` (the configuration, a local ids file)."""
    if source_changed:
        return True
    try:
        mtime = resolve_target(target).stat().st_mtime
    except OSError:
        return True
    for path in inputs:
        try:
            if Path(path).stat().st_mtime > mtime:
                return True
        except OSError:
            continue  # a missing input is the export's own error to report
    # Two seconds of slack: FAT file systems (USB sticks) keep mtimes to 2 s.
    return bool(applied_at) and mtime + 2 < float(applied_at or 0)
