"""The download cache: one file per source plus a small sidecar of what it is.

``<name>.json`` holds the last good document (gzip-compressed when configured; readers
detect that by content). ``<name>.meta.json`` records its URL, validators (ETag,
Last-Modified), the sha256 of its JSON content and the size and mtime of the cache file it
describes; a sidecar that does not match its cache file is ignored. Freshness is the
sidecar's mtime, so a 304 costs one ``utime`` and no data written.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from dmr_edge.stream import open_document

TEMP_SUFFIX = ".tmp"


@dataclass
class CacheMeta:
    url: str
    sha256: str
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
    age: float  # seconds since the last successful check; inf when missing

    def sha256(self) -> str:
        """Return the content hash, from the sidecar or by reading the file."""
        if self.meta is not None:
            return self.meta.sha256
        return content_sha256(self.path)


def content_sha256(path: Path) -> str:
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


def write_atomic(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Replace ``path`` with ``data``: temp file in the same directory, fsync, rename."""
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=str(path.parent))
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
        ensure_dir(self.directory)

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
        return CacheEntry(name, path, True, meta, max(0.0, time.time() - checked))

    def _read_meta(self, name: str) -> CacheMeta | None:
        try:
            data = json.loads(self.meta_path(name).read_text(encoding="utf-8"))
            return CacheMeta(**data)
        except (OSError, ValueError, TypeError):
            return None

    def new_temp(self, name: str) -> Path:
        """Create an empty temporary file for a download of ``name`` and return its path."""
        self.ensure()
        fd, temp = tempfile.mkstemp(prefix=f".{name}.", suffix=TEMP_SUFFIX, dir=str(self.directory))
        os.close(fd)
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
        if meta is not None:
            write_atomic(self.meta_path(name), json.dumps(asdict(meta), indent=1).encode())
            return
        with contextlib.suppress(OSError):
            os.utime(self.meta_path(name))

    def discard(self, temp: Path | None) -> None:
        if temp is not None:
            _unlink(temp)

    def remove_stale_temps(self) -> int:
        """Remove temporary files an interrupted run left behind; return how many.

        Call only while holding the instance lock, so no live download is touched.
        """
        removed = 0
        try:
            names = os.listdir(self.directory)
        except OSError:
            return 0
        for entry in names:
            if entry.startswith(".") and entry.endswith(TEMP_SUFFIX):
                _unlink(self.directory / entry)
                removed += 1
        return removed
