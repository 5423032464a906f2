"""The download cache: one file per source plus a small sidecar of what it is.

``<name>.json`` holds the last good document (gzip-compressed when configured; readers
detect that by content). ``<name>.meta.json`` records its URL, validators (ETag,
Last-Modified), the sha256 of its JSON content and the size and mtime of the cache file it
describes; a sidecar that does not match its cache file is ignored. Freshness is the
sidecar's mtime, so a 304 costs one ``utime`` and no data written.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import time
from pathlib import Path

from dmr_edge.errors import ConfigError
from dmr_edge.record import asdict, dataclass
from dmr_edge.stream import compression_of, open_document

TEMP_SUFFIX = ".tmp"
# A time stamp this far ahead of the clock is in the future: a clock that was set back
# (a Pi without a real-time clock that synced while its time was wrong). Such an age is
# not "fresh" but unknown, so the source is fetched again. The slack covers file systems
# that round times up (FAT keeps 2 s).
FUTURE_SLACK = 5.0


def age_since(stamp: float, now: float | None = None) -> float:
    """Return the seconds since ``stamp``: infinite (stale) when it lies in the future."""
    age = (time.time() if now is None else now) - stamp
    if age < -FUTURE_SLACK:
        return float("inf")
    return max(0.0, age)


def temp_pattern(*names: str) -> re.Pattern[str]:
    """Return the pattern of the temporary files ``tempfile.mkstemp`` makes for any of
    ``names`` (``.NAME.XXXXXXXX.tmp``): only those are removed as leftovers, never another
    program's temporary file in a shared directory."""
    alternatives = "|".join(re.escape(name) for name in names)
    return re.compile(rf"^\.(?:{alternatives})\.[a-z0-9_]{{8}}{re.escape(TEMP_SUFFIX)}$")


@dataclass
class CacheMeta:
    url: str
    sha256: str  # of the cache file's JSON content
    # Of the document the upstream last sent (the validators below belong to it). The same
    # as ``sha256`` unless a file imported by hand replaced the download: the upstream
    # sending that older document again is then no change.
    upstream_sha256: str | None = None
    size: int = 0
    mtime_ns: int = 0
    etag: str | None = None
    last_modified: str | None = None
    records: int | None = None
    fetched_at: float = 0.0
    downloaded_bytes: int = 0
    http_status: int = 200


@dataclass
class CacheEntry:
    name: str
    path: Path
    exists: bool
    meta: CacheMeta | None  # None when missing or not matching the cache file
    age: float  # seconds since the last successful check; inf when missing or in the future
    checked_at: float = 0.0  # when the upstream last delivered or confirmed it (0: missing)

    def sha256(self) -> str:
        """Return the content hash, from the sidecar or by reading the file."""
        if self.meta is not None:
            return self.meta.sha256
        return content_sha256(self.path)


def content_sha256(path: Path) -> str:
    import hashlib

    digest = hashlib.sha256()
    with open_document(str(path)) as stream:
        for block in iter(lambda: stream.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def ensure_dir(directory: Path, mode: int = 0o755) -> None:
    """Create ``directory`` and its missing parents, none writable by others whatever the
    umask (``mkdir(parents=True)`` gives parents 0777 less the umask: all of it under 0)."""
    missing = []
    current = Path(directory)
    while not current.exists() and current != current.parent:
        missing.append(current)
        current = current.parent
    for path in reversed(missing):
        with contextlib.suppress(FileExistsError):
            path.mkdir(mode & 0o755)


def fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(str(directory), os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def owned_like_directory(path: Path | str) -> None:
    """Run as root in a directory another user owns (``sudo dmr-edge import`` beside the
    service), give a new file that directory's owner, as SQLite does for its -wal and -shm:
    the service must still be able to update it."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return
    try:
        st = os.stat(os.path.dirname(os.path.abspath(path)))
        if st.st_uid != 0:
            os.chown(path, st.st_uid, st.st_gid)
    except OSError:
        pass


def write_atomic(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Replace ``path`` with ``data``: temp file in the same directory, fsync, rename."""
    import tempfile

    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=str(path.parent))
    owned_like_directory(temp)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException:
        _unlink(Path(temp))
        raise
    fsync_dir(path.parent)


def gzip_copy(source: Path, target: Path) -> None:
    """Write ``source`` into ``target`` gzip-compressed (level 6), fsynced."""
    import gzip
    import shutil

    with open(source, "rb") as plain, open(target, "wb") as raw:
        sink = gzip.GzipFile(filename="", fileobj=raw, mode="wb", compresslevel=6, mtime=0)
        with sink:
            shutil.copyfileobj(plain, sink, 1 << 16)
        raw.flush()
        os.fsync(raw.fileno())


def _unlink(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


class Cache:
    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    def path(self, name: str) -> Path:
        return self.directory / f"{name}.json"

    def meta_path(self, name: str) -> Path:
        return self.directory / f"{name}.meta.json"

    def ensure(self) -> None:
        """Create the cache directory; raise ``ConfigError`` naming it when it cannot be
        (a parent nobody may write, a file in its place)."""
        try:
            ensure_dir(self.directory)
        except OSError as exc:
            raise ConfigError(
                f"cache_dir {self.directory}: cannot create it: {exc.strerror or exc}"
            ) from None
        if not self.directory.is_dir():
            raise ConfigError(f"cache_dir {self.directory}: exists and is not a directory")

    def entry(self, name: str) -> CacheEntry:
        path = self.path(name)
        try:
            st = path.stat()
        except OSError:
            return CacheEntry(name, path, False, None, float("inf"))
        meta = self._read_meta(name)
        meta_path = self.meta_path(name)
        if meta is not None and (meta.size != st.st_size or meta.mtime_ns != st.st_mtime_ns):
            meta = None  # the sidecar describes another file (a crash between two renames)
        try:
            checked = meta_path.stat().st_mtime if meta is not None else st.st_mtime
        except OSError:
            checked = st.st_mtime
        return CacheEntry(name, path, True, meta, age_since(checked), checked)

    def _read_meta(self, name: str) -> CacheMeta | None:
        try:
            data = json.loads(self.meta_path(name).read_text(encoding="utf-8"))
            return CacheMeta(**data)
        except (OSError, ValueError, TypeError):
            return None

    def new_temp(self, name: str) -> Path:
        """Create an empty temporary file for a download of ``name`` and return its path."""
        import tempfile

        self.ensure()
        fd, temp = tempfile.mkstemp(prefix=f".{name}.", suffix=TEMP_SUFFIX, dir=str(self.directory))
        os.close(fd)
        owned_like_directory(temp)
        return Path(temp)

    def install(self, name: str, temp: Path, meta: CacheMeta) -> None:
        """Make a fully received, validated download the cache file of ``name``."""
        with open(temp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.chmod(temp, 0o644)
        st = temp.stat()
        meta.size, meta.mtime_ns = st.st_size, st.st_mtime_ns
        os.replace(temp, self.path(name))
        write_atomic(self.meta_path(name), json.dumps(asdict(meta), indent=1).encode())

    def touch(self, name: str, meta: CacheMeta | None = None) -> None:
        """Mark the cache of ``name`` as checked now (a 304); rewrite the sidecar if given."""
        path = self.meta_path(name)
        if meta is None:
            try:
                os.utime(path)
                return
            except PermissionError:  # another user's sidecar: write it anew, ours
                meta = self._read_meta(name)
            except OSError:
                return
            if meta is None:
                return
        write_atomic(path, json.dumps(asdict(meta), indent=1).encode())

    def compact(self, name: str) -> bool:
        """Compress a plain cache file of ``name`` in place (gzip, level 6), keeping its
        sidecar's validators, hash and freshness; return whether it did. A cache left
        plain by an older version (or ``compress_cache = false``) so stops costing nine
        times its compressed size in RAM or flash, with no download."""
        path = self.path(name)
        try:
            with open(path, "rb") as handle:
                head = handle.read(6)
        except OSError:
            return False
        if not head or compression_of(head) is not None:
            return False
        entry = self.entry(name)
        meta_path = self.meta_path(name)
        try:
            checked = meta_path.stat()
        except OSError:
            checked = None
        temp = self.new_temp(name)
        try:
            gzip_copy(path, temp)
            os.chmod(temp, 0o644)
            st = temp.stat()
            os.replace(temp, path)
        except BaseException:
            _unlink(temp)
            raise
        if entry.meta is not None:
            entry.meta.size, entry.meta.mtime_ns = st.st_size, st.st_mtime_ns
            write_atomic(meta_path, json.dumps(asdict(entry.meta), indent=1).encode())
            if checked is not None:  # still as fresh as it was: no request came in between
                os.utime(meta_path, ns=(checked.st_atime_ns, checked.st_mtime_ns))
        return True

    def drop(self, name: str) -> bool:
        """Remove the cache file of ``name`` and its sidecar (a document that was refused);
        return whether the cache file is gone (not so in a read-only directory)."""
        _unlink(self.path(name))
        _unlink(self.meta_path(name))
        return not self.path(name).exists()

    def discard(self, temp: Path | None) -> None:
        if temp is not None:
            _unlink(temp)

    def remove_stale_temps(self) -> int:
        """Remove the temporary files an interrupted run of the agent left behind (partial
        downloads, imports and sidecars of the sources); return how many. Other programs'
        files in a shared directory are left alone.

        Call only while holding the instance lock, so no live download is touched.
        """
        from dmr_edge.sources import SOURCES

        names = [*SOURCES, *(f"{name}.meta.json" for name in SOURCES)]
        pattern = temp_pattern(*names)
        removed = 0
        try:
            entries = os.listdir(self.directory)
        except OSError:
            return 0
        for entry in entries:
            if pattern.match(entry):
                _unlink(self.directory / entry)
                removed += 1
        return removed
