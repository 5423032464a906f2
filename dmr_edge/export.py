"""Files hotspots read: MMDVMHost's ``DMRIds.dat`` and radioid's ``user.csv``.

Both are streamed from the database by a read-only connection inside one read transaction
(a sync committing meanwhile is seen entirely or not at all), one row at a time, so memory
stays flat whatever the number of users. The target is replaced atomically: a temporary
file in its own directory, fsync, rename, fsync of the directory. A failed export leaves
the old file as it was, and a guard refuses to replace a file with an empty or much
smaller one unless forced.

What MMDVMHost's reader does (``UserDB.cpp``), and so what the writers respect:

- it reads with ``fgets`` into 256 bytes: a line longer than 255 bytes (newline included)
  is cut, and its tail read as a line of its own; every line written here is at most
  ``MAX_LINE_BYTES``;
- it splits fields on ``,``, TAB, CR and LF — not spaces — and a NUL ends a C string:
  in ``DMRIds.dat`` those never appear inside a field (each run becomes one space);
- it skips lines starting with ``#`` (a line written here always starts with an id);
- it upper-cases callsigns (stored callsigns are upper case already).

``DMRIds.dat``'s NAME is the first name only, as radioid's own ``DMRIds.dat`` and Pi-Star's
have it: MMDVMHost files that column as ``FIRST_NAME``, the displays that show it are
narrow, and whoever wants the full name, city and country exports ``user.csv``, which
MMDVMHost reads too.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import re
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Callable, Optional

from dmr_edge.cache import TEMP_SUFFIX
from dmr_edge.errors import ExportError, StoreError
from dmr_edge.store import Store

FORMATS = ("dmrids", "usercsv")
FILE_NAMES = {"dmrids": "DMRIds.dat", "usercsv": "user.csv"}
MAX_LINE_BYTES = 255  # fgets(buffer, 256): 255 bytes and the terminating NUL
FILE_MODE = 0o644  # readable by MMDVMHost's user; never writable by others
DEFAULT_MIN_RATIO = 0.5
USERCSV_HEADER = ("RADIO_ID", "CALLSIGN", "FIRST_NAME", "LAST_NAME", "CITY", "STATE", "COUNTRY")

ExportProgress = Callable[[int, Optional[int]], None]  # (rows written, rows in total)

# Commas, TAB, CR, LF, NUL and every other control character: MMDVMHost's separators and
# what no display should receive. Used for DMRIds.dat fields and user.csv's id/callsign.
_DMRIDS_UNSAFE = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029,]+")
# user.csv quotes commas, so only control characters (line breaks above all) go.
_CSV_UNSAFE = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]+")

_QUERY = "SELECT id, callsign, first_name, last_name, city, state, country FROM users ORDER BY id"


@dataclass
class ExportResult:
    kind: str
    path: Path
    lines: int  # data lines written (the user.csv header not counted)
    bytes: int
    previous_lines: int | None  # data lines of the file replaced; None when there was none
    shortened: int  # lines whose fields were cut to keep them within MAX_LINE_BYTES
    seconds: float


def clean(text: str, unsafe: re.Pattern[str] = _DMRIDS_UNSAFE) -> str:
    """Given a field, return it with each run of unsafe characters or spaces as one space."""
    if not text:
        return ""
    return " ".join(unsafe.sub(" ", text).split())


def _cut(text: str, max_bytes: int) -> str:
    """Return ``text`` cut to at most ``max_bytes`` of UTF-8, never inside a character."""
    encoded = text.encode("utf-8")
    if len(encoded) <= max_bytes:
        return text
    return encoded[: max(max_bytes, 0)].decode("utf-8", "ignore").rstrip()


def dmrids_line(user_id: int, callsign: str, first_name: str) -> tuple[str, bool]:
    """Given a user, return its ``DMRIds.dat`` line and whether a field had to be cut."""
    call = clean(callsign).upper()
    name = clean(first_name)
    line = f"{user_id}\t{call}\t{name}\n"
    if len(line.encode("utf-8")) <= MAX_LINE_BYTES:
        return line, False
    fixed = len(f"{user_id}\t\t\n".encode())
    call = _cut(call, min(len(call.encode("utf-8")), 64, MAX_LINE_BYTES - fixed))
    name = _cut(name, MAX_LINE_BYTES - fixed - len(call.encode("utf-8")))
    return f"{user_id}\t{call}\t{name}\n", True


def _csv_field(text: str) -> str:
    if "," in text or '"' in text:
        return '"' + text.replace('"', '""') + '"'
    return text


def _csv_line(fields: list[str]) -> str:
    return ",".join(_csv_field(f) for f in fields) + "\n"


def usercsv_line(
    user_id: int,
    callsign: str,
    first_name: str,
    last_name: str,
    city: str,
    state: str,
    country: str,
) -> tuple[str, bool]:
    """Given a user, return its ``user.csv`` line (quoted where needed) and whether a field
    had to be cut to keep the line within ``MAX_LINE_BYTES``."""
    fields = [
        str(user_id),
        clean(callsign).upper(),
        *(clean(t, _CSV_UNSAFE) for t in (first_name, last_name, city, state, country)),
    ]
    line = _csv_line(fields)
    size = len(line.encode("utf-8"))
    if size <= MAX_LINE_BYTES:
        return line, False
    while size > MAX_LINE_BYTES:
        # Shorten the longest text field (never the id) by what is too much, then re-measure:
        # quoting may change as text is cut, so the loop settles it.
        longest = max(range(1, len(fields)), key=lambda i: len(fields[i].encode("utf-8")))
        width = len(fields[longest].encode("utf-8"))
        fields[longest] = _cut(fields[longest], width - max(size - MAX_LINE_BYTES, 1))
        line = _csv_line(fields)
        size = len(line.encode("utf-8"))
    return line, True


def count_data_lines(path: Path) -> int | None:
    """Return the number of lines of ``path`` that start with a digit (one per user in a
    ``DMRIds.dat`` or a ``user.csv``), or None when the file does not exist."""
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed below
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ExportError(f"{path}: cannot read the current file: {exc.strerror}") from None
    with handle:
        return sum(1 for line in handle if line[:1].isdigit())


def resolve_target(path: Path) -> Path:
    """Return where ``path`` really is: a symlinked DMRIds.dat is replaced at its target,
    so the link stays a link."""
    return Path(os.path.realpath(path))


def _describe(exc: OSError, path: Path) -> str:
    reason = exc.strerror or str(exc)
    if exc.errno == errno.EROFS:
        return (
            f"{path}: read-only file system (on Pi-Star, run 'rpi-rw' first or export to "
            "a writable place)"
        )
    return f"{path}: {reason}"


@contextlib.contextmanager
def locked_directory(directory: Path, error: type[Exception] = ExportError) -> Iterator[int]:
    """Hold an exclusive ``flock`` on ``directory`` for the block; yield its descriptor.

    Writers that put temporary files in one directory (exports, backups) take it, so each
    may remove what a killed predecessor left behind without touching a live writer's file.
    """
    try:
        fd = os.open(str(directory), os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError as exc:
        raise error(f"cannot write there: {_describe(exc, directory)}") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield fd
    finally:
        os.close(fd)  # releases the lock


def remove_stale_temps(directory: Path, pattern: re.Pattern[str]) -> int:
    """Remove the temporary files in ``directory`` whose names match ``pattern`` (call it
    holding ``locked_directory``: they were left by a writer that was killed); return how
    many."""
    removed = 0
    with contextlib.suppress(OSError), os.scandir(directory) as entries:
        for entry in entries:
            if pattern.match(entry.name) and entry.is_file(follow_symlinks=False):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)
                    removed += 1
    return removed


def temp_pattern(name: str) -> re.Pattern[str]:
    """Return the pattern of the temporary files ``tempfile.mkstemp`` makes for ``name``."""
    return re.compile(rf"^\.{re.escape(name)}\.[a-z0-9_]{{8}}{re.escape(TEMP_SUFFIX)}$")


@contextlib.contextmanager
def atomic_writer(target: Path, mode: int = FILE_MODE) -> Iterator[IO[str]]:
    """Yield a text file that replaces ``target`` when the block ends without an error.

    The file is a temporary one in ``target``'s directory; it is flushed and fsynced, given
    ``mode``, renamed over ``target``, and the directory is fsynced. On any error the
    temporary file is removed and ``target`` is untouched. A temporary file of ``target``
    that a killed export left is removed first.
    """
    directory = target.parent
    with locked_directory(directory) as directory_fd:
        remove_stale_temps(directory, temp_pattern(target.name))
        try:
            fd, temp_name = tempfile.mkstemp(
                prefix=f".{target.name}.", suffix=TEMP_SUFFIX, dir=str(directory)
            )
        except OSError as exc:
            raise ExportError(f"cannot write there: {_describe(exc, directory)}") from None
        temp = Path(temp_name)
        try:
            with open(fd, "w", encoding="utf-8", newline="", buffering=1 << 20) as handle:
                yield handle
                handle.flush()
                os.fsync(handle.fileno())
                os.fchmod(handle.fileno(), mode)
            os.replace(temp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                temp.unlink()
            raise
        with contextlib.suppress(OSError):
            os.fsync(directory_fd)


def _check_shrink(
    kind: str, target: Path, lines: int, previous: int | None, force: bool, min_ratio: float
) -> None:
    if force:
        return
    if lines == 0:
        raise ExportError(
            f"{target}: the database holds no users (run 'dmr-edge sync' first); "
            "not writing an empty file (--force writes it anyway)"
        )
    if previous and lines < previous * min_ratio:
        raise ExportError(
            f"{target}: the new {FILE_NAMES[kind]} would have {lines:,} lines where the "
            f"current one has {previous:,}; keeping the current file (--force replaces it)"
        )


def export_users(
    db: Path,
    out: Path,
    kind: str,
    *,
    force: bool = False,
    min_ratio: float = DEFAULT_MIN_RATIO,
    progress: ExportProgress | None = None,
) -> ExportResult:
    """Given the database, a target path and ``dmrids`` or ``usercsv``, write the file.

    Raise ``StoreError`` if the database cannot be read, ``ExportError`` if the file cannot
    be written or the shrink guard refuses it; in both cases the old file is unchanged.
    """
    if kind not in FORMATS:
        raise ExportError(f"unknown export format {kind!r} (expected one of: {', '.join(FORMATS)})")
    started = time.monotonic()
    target = resolve_target(Path(out))
    if target.is_dir():
        raise ExportError(f"{target} is a directory; give the file to write")
    previous = count_data_lines(target)
    store = Store(db, readonly=True)
    lines = written = shortened = 0
    try:
        conn = store.conn
        try:
            conn.execute("BEGIN")  # one snapshot for the count and the rows
            total = int(conn.execute("SELECT count(*) FROM users").fetchone()[0])
            if total == 0:
                _check_shrink(kind, target, 0, previous, force, min_ratio)
            with atomic_writer(target) as handle:
                if kind == "usercsv":
                    header = ",".join(USERCSV_HEADER) + "\n"
                    handle.write(header)
                    written += len(header)
                for row in conn.execute(_QUERY):
                    if kind == "dmrids":
                        line, cut = dmrids_line(row[0], row[1], row[2])
                    else:
                        line, cut = usercsv_line(*row)
                    handle.write(line)
                    written += len(line.encode("utf-8")) if not line.isascii() else len(line)
                    shortened += cut
                    lines += 1
                    if progress is not None and lines % 4096 == 0:
                        progress(lines, total)
                if progress is not None:
                    progress(lines, total)
                _check_shrink(kind, target, lines, previous, force, min_ratio)
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            raise StoreError(f"{db}: cannot read users: {exc}") from None
        except OSError as exc:
            raise ExportError(f"cannot write {target.name}: {_describe(exc, target)}") from None
    finally:
        store.close()
    return ExportResult(
        kind=kind,
        path=target,
        lines=lines,
        bytes=written,
        previous_lines=previous,
        shortened=shortened,
        seconds=time.monotonic() - started,
    )


def needs_rewrite(target: Path, users_changed: bool, users_applied_at: float | None) -> bool:
    """Return whether an export configured to follow syncs must be written now: users
    changed, the file is missing, or it is older than the users last applied (an earlier
    export failed)."""
    if users_changed:
        return True
    try:
        mtime = resolve_target(target).stat().st_mtime
    except OSError:
        return True
    # Two seconds of slack: FAT file systems (USB sticks) keep mtimes to 2 s.
    return bool(users_applied_at) and mtime + 2 < float(users_applied_at or 0)
