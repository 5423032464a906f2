"""An online, consistent, verified copy of the database.

SQLite's online backup API copies the pages of one read snapshot, so a backup taken while
a sync writes holds the database as it was before that sync's commit or after it, never a
mix — unlike ``cp`` of a live database and its WAL. The copy is made into a temporary file
in the target directory, switched out of WAL mode so it is one self-contained file, checked
with ``PRAGMA integrity_check``, optionally gzipped (and the gzip read back), fsynced and
renamed into place. Only then are backups beyond ``keep`` removed, oldest first.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import os
import re
import shutil
import sqlite3
import tempfile
import time
from pathlib import Path

from dmr_edge.cache import TEMP_SUFFIX, fsync_dir
from dmr_edge.errors import BackupError, ConfigError, StoreError
from dmr_edge.export import locked_directory, remove_stale_temps
from dmr_edge.record import dataclass, field
from dmr_edge.store import Store

FILE_MODE = 0o644
_BLOCK = 1 << 20
_STAMP_FORMAT = "%Y%m%dT%H%M%SZ"


@dataclass
class BackupResult:
    path: Path
    bytes: int
    compressed: bool
    seconds: float
    schema_version: int
    counts: dict[str, int]  # rows per data table in the copy
    removed: list[Path] = field(default_factory=list)  # older backups rotated away


def _split_name(name: str) -> tuple[str, str, bool]:
    """Return (stem, suffix, gzipped) of a backup file name: ``dmr.sqlite.gz`` →
    ``("dmr", ".sqlite", True)``."""
    gz = name.endswith(".gz")
    if gz:
        name = name[:-3]
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem:
        return name, "", gz
    return stem, "." + ext, gz


def _pattern(stem: str, suffix: str) -> re.Pattern[str]:
    return re.compile(
        rf"^{re.escape(stem)}-(\d{{8}}T\d{{6}}Z)(?:-(\d+))?{re.escape(suffix)}(?:\.gz)?$"
    )


def plan_target(db: Path, out: Path, keep: int | None, compress: bool, now: float) -> Path:
    """Return the file this backup will be written to.

    ``out`` a directory: ``<db stem>-<UTC stamp><db suffix>[.gz]`` inside it. ``out`` a
    file and ``keep`` given: the same stamp inserted before the suffix, so a set of
    backups can rotate. Otherwise ``out`` itself (``.gz`` appended when compressing).
    """
    if out.is_dir():
        directory = out
        stem, suffix, _ = _split_name(db.name)
        suffix = suffix or ".sqlite"
        stamped = True
    else:
        directory = out.parent
        stem, suffix, gz = _split_name(out.name)
        compress = compress or gz
        stamped = keep is not None
        if not stamped:
            return (
                out if not compress or out.name.endswith(".gz") else out.with_name(out.name + ".gz")
            )
    stamp = time.strftime(_STAMP_FORMAT, time.gmtime(now))
    tail = ".gz" if compress else ""
    pattern = _pattern(stem, suffix)
    taken = {
        (m.group(1), int(m.group(2) or 0))
        for m in (pattern.match(n) for n in _listdir(directory))
        if m
    }
    # A second backup within the same second gets "-1", then "-2", ...: always above the
    # highest taken, so it sorts newest even after older ones were rotated away.
    same_second = [number for taken_stamp, number in taken if taken_stamp == stamp]
    sequence = max(same_second) + 1 if same_second else 0
    numbered = f"{stamp}-{sequence}" if sequence else stamp
    return directory / f"{stem}-{numbered}{suffix}{tail}"


def _listdir(directory: Path) -> list[str]:
    try:
        return os.listdir(directory)
    except OSError:
        return []


def rotation_set(target: Path) -> list[Path]:
    """Return the stamped backups of ``target``'s set, oldest first."""
    stem, suffix, _ = _split_name(target.name)
    stem = re.sub(r"-\d{8}T\d{6}Z(?:-\d+)?$", "", stem)
    pattern = _pattern(stem, suffix)
    found = []
    for name in _listdir(target.parent):
        match = pattern.match(name)
        if match:
            found.append(((match.group(1), int(match.group(2) or 0)), target.parent / name))
    return [path for _, path in sorted(found)]


def _unlink(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


def _new_temp(directory: Path, name: str) -> Path:
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{name}.", suffix=TEMP_SUFFIX, dir=str(directory))
    except OSError as exc:
        raise BackupError(f"cannot write in {directory}: {exc.strerror}") from None
    os.close(fd)
    return Path(temp)


def _copy(db: Path, temp: Path) -> tuple[int, dict[str, int]]:
    """Copy the database into ``temp`` with the online backup API and verify the copy.

    Return its schema version and row counts; raise ``BackupError`` if it is not sound.
    """
    source = Store(db, readonly=True)
    try:
        destination = sqlite3.connect(str(temp), isolation_level=None)
        try:
            # All pages in one step: one read snapshot, so a commit meanwhile is not seen.
            # A sync that starts meanwhile waits for it (up to two minutes) before it writes.
            source.conn.backup(destination)
            # A standalone file: no -wal beside it, readable with any journal mode.
            destination.execute("PRAGMA journal_mode = DELETE")
            check = [row[0] for row in destination.execute("PRAGMA integrity_check")]
            if check != ["ok"]:
                raise BackupError(f"the copy failed integrity_check: {'; '.join(check[:3])}")
            version = int(destination.execute("PRAGMA user_version").fetchone()[0])
            tables = {
                row[0]
                for row in destination.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            counts = {
                table: int(destination.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
                for table in ("users", "repeaters", "talkgroups")
                if table in tables
            }
        finally:
            destination.close()
    finally:
        source.close()
    with open(temp, "rb+") as handle:
        os.fsync(handle.fileno())
    return version, counts


def _sha256(path: Path, opener=open) -> str:  # type: ignore[no-untyped-def]
    digest = hashlib.sha256()
    with opener(path, "rb") as handle:
        for block in iter(lambda: handle.read(_BLOCK), b""):
            digest.update(block)
    return digest.hexdigest()


def _gzip(plain: Path, directory: Path, name: str) -> Path:
    """Compress ``plain`` into a new temporary file, read it back, and return its path."""
    packed = _new_temp(directory, name)
    try:
        with open(plain, "rb") as source, open(packed, "wb") as raw:
            with gzip.GzipFile(filename="", fileobj=raw, mode="wb", compresslevel=6) as sink:
                shutil.copyfileobj(source, sink, _BLOCK)
            raw.flush()
            os.fsync(raw.fileno())
        if _sha256(packed, gzip.open) != _sha256(plain):
            raise BackupError("the gzipped copy does not read back to the database copy")
    except BaseException:
        _unlink(packed)
        raise
    return packed


def _write(db: Path, target: Path) -> tuple[int, dict[str, int]]:
    """Copy, verify, optionally gzip, and rename into ``target``; return the copy's schema
    version and row counts. Nothing but ``target`` is left behind, whatever fails."""
    directory = target.parent
    temp = _new_temp(directory, target.name)
    packed: Path | None = None
    try:
        try:
            version, counts = _copy(db, temp)
        except sqlite3.Error as exc:
            raise BackupError(f"cannot copy {db} to {directory}: {exc}") from None
        final = temp
        if target.name.endswith(".gz"):
            packed = _gzip(temp, directory, target.name)
            final = packed
        os.chmod(final, FILE_MODE)
        os.replace(final, target)
        fsync_dir(directory)
    except OSError as exc:
        raise BackupError(f"cannot write {target}: {exc.strerror or exc}") from None
    finally:
        for leftover in (temp, packed, Path(f"{temp}-journal"), Path(f"{temp}-wal")):
            if leftover is not None and leftover != target:
                _unlink(leftover)
    return version, counts


def _temp_pattern(name: str) -> re.Pattern[str]:
    """The temporary files (and SQLite's side files of them) of backups of ``name``'s set."""
    stem, suffix, _ = _split_name(name)
    stem = re.sub(r"-\d{8}T\d{6}Z(?:-\d+)?$", "", stem)
    return re.compile(
        rf"^\.{re.escape(stem)}(?:-\d{{8}}T\d{{6}}Z(?:-\d+)?)?{re.escape(suffix)}(?:\.gz)?"
        rf"\.[a-z0-9_]{{8}}{re.escape(TEMP_SUFFIX)}(?:-journal|-wal|-shm)?$"
    )


def backup(
    db: Path,
    out: Path,
    *,
    keep: int | None = None,
    compress: bool = False,
    now: float | None = None,
) -> BackupResult:
    """Given the database and a target (file or directory), write a verified copy.

    Raise ``StoreError`` if the database cannot be read, ``BackupError`` if the copy cannot
    be written or fails verification (the previous backups are then untouched), and
    ``ConfigError`` for a target that makes no sense.
    """
    started = time.monotonic()
    if keep is not None and keep < 1:
        raise ConfigError("--keep must be 1 or more")
    db, out = Path(db), Path(out)
    if not db.exists():
        raise StoreError(f"{db}: no database yet (run dmr-edge sync)")
    directory = out if out.is_dir() else out.parent
    if not directory.is_dir():
        raise BackupError(f"{directory}: no such directory")
    # Under the directory's lock: two backups at once get distinct names, and the temporary
    # files of a killed backup of this set are removed.
    with locked_directory(directory, BackupError):
        target = plan_target(db, out, keep, compress, time.time() if now is None else now)
        if target.exists() and target.resolve() == db.resolve():
            raise ConfigError(f"{target} is the database itself; back it up somewhere else")
        remove_stale_temps(directory, _temp_pattern(target.name))
        version, counts = _write(db, target)
        removed: list[Path] = []
        if keep is not None:
            backups = rotation_set(target)
            for old in backups[: max(len(backups) - keep, 0)]:
                if old != target:
                    _unlink(old)
                    removed.append(old)
            if removed:
                fsync_dir(directory)
    return BackupResult(
        path=target,
        bytes=target.stat().st_size,
        compressed=target.name.endswith(".gz"),
        seconds=time.monotonic() - started,
        schema_version=version,
        counts=counts,
        removed=removed,
    )
