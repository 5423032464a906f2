"""A document brought by hand (a USB stick in the field) applied as if it were a download.

The file goes through exactly the code a download goes through: ``Syncer.apply_source``
with a fetch result whose temporary file is a copy of the import. So the same streaming
parser, the same validation and plausibility checks, the same incremental apply in one
transaction (all or nothing), and — just before that transaction commits — the copy is
installed as the source's cache file, as a download would be.

Why the cache is updated too: the next sync compares the cache file's content hash with
the ``applied_hash`` of the database. Were the cache left holding the older download, any
later sync — offline or with a fresh cache — would see a hash different from the import's
and re-apply the older file over it. With the import as the cache, an offline sync finds
nothing to do.

And why the import keeps the last download's validators: the upstream may still serve the
older document the import replaced. The next online sync sends that download's ETag and
Last-Modified, so a 304 keeps the import; and the sidecar remembers the hash of what the
upstream sent (``upstream_sha256``), so an upstream without validators that answers 200
with that same older document changes nothing either. Only a document that changed
upstream is applied over the import.

Compression is recognised by content (gzip, xz, bz2 or plain JSON, whatever the name) by
``stream.open_document``; the copy keeps the file's own compression, or is gzipped when the
file is plain JSON and the cache is kept compact (``sync.compress_cache``, the default).
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

from dmr_edge.cache import Cache, CacheEntry, CacheMeta, content_sha256, gzip_copy
from dmr_edge.config import Settings
from dmr_edge.errors import ConfigError, ParseError
from dmr_edge.fetch import FetchResult
from dmr_edge.sources import SOURCES
from dmr_edge.store import Store
from dmr_edge.stream import compression_of
from dmr_edge.sync import RecordProgress, SourceReport, Syncer, SyncReport


def _check_file(path: Path) -> None:
    if not path.exists():
        raise ConfigError(f"{path}: no such file")
    if not path.is_file():
        raise ConfigError(f"{path}: not a regular file")
    if not os.access(path, os.R_OK):
        raise ConfigError(f"{path}: not readable")


def _copy(path: Path, temp: Path, compress: bool) -> None:
    """Copy the file into the cache: compressed when it is plain JSON and the cache is kept
    compact, else as it is (a .gz, .xz or .bz2 stays in its own compression)."""
    with open(path, "rb") as source:
        plain = compression_of(source.read(6)) is None
    if not (compress and plain):
        shutil.copyfile(path, temp)
        return
    gzip_copy(path, temp)


def _imported_meta(url: str, digest: str, previous: CacheEntry) -> CacheMeta:
    """The sidecar of an imported file: its own hash, and the validators and upstream hash
    of the last download of the same URL (none when there was none)."""
    meta = CacheMeta(url=url, sha256=digest, fetched_at=time.time(), http_status=0)
    old = previous.meta
    if previous.exists and old is not None and old.url == url:
        meta.etag, meta.last_modified = old.etag, old.last_modified
        meta.upstream_sha256 = old.upstream_sha256 or old.sha256
        meta.fetched_at, meta.http_status = old.fetched_at, old.http_status
    return meta


def import_file(
    settings: Settings,
    source: str,
    path: Path,
    *,
    mode: str | None = None,
    chunk: int | None = None,
    record_progress: RecordProgress | None = None,
    store: Store | None = None,
) -> SyncReport:
    """Given a source name and a document file, apply it like a download of that source.

    Return a ``SyncReport`` with one ``SourceReport`` (its ``error``/``exit_code`` say why
    the file was refused; nothing was changed then). Raise ``ConfigError`` for an unknown
    source or a file that cannot be read.
    """
    if source not in SOURCES:
        raise ConfigError(f"unknown source '{source}' (expected one of: {', '.join(SOURCES)})")
    path = Path(path).expanduser()
    _check_file(path)
    started = time.monotonic()
    syncer = Syncer(
        settings,
        mode=mode,
        chunk=chunk,
        offline=True,
        only=[source],
        record_progress=record_progress,
    )
    report = SyncReport(syncer.mode, syncer.chunk, settings.sync.parser)
    source_report = SourceReport(source, fetch="imported")
    report.sources = [source_report]
    cache = Cache(settings.cache_dir)
    try:
        digest = content_sha256(path)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
    except Exception as exc:  # a corrupt gzip/xz/bz2 stream: the apply would say the same
        raise ParseError(f"{path}: cannot decompress: {exc}", source=source) from None
    cache.ensure()
    cache.remove_stale_temps()
    temp = cache.new_temp(source)
    own_store = store is None
    try:
        _copy(path, temp, settings.sync.compress_cache)
        meta = _imported_meta(settings.sources[source].url, digest, cache.entry(source))
        result = FetchResult(source, "new", 0, meta, temp, 0)
        if store is None:
            store = Store(settings.db)
        report.init_seconds = time.monotonic() - started
        syncer.apply_source(store, settings.sources[source], result, source_report)
        report.apply_seconds = source_report.apply_seconds
    finally:
        cache.discard(temp)  # a no-op once installed as the cache file
        if own_store and store is not None:
            store.close()
    report.total_seconds = time.monotonic() - started
    return report
