"""One sync: warm the cache (unless offline), then apply every changed source.

A source's changes are applied in one transaction after its document parsed to the end;
a new download replaces the cache file just before that transaction commits. Anything
that fails leaves the previous cache file and the previous rows of that source intact.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, Callable

from dmr_edge.arena import one_malloc_arena
from dmr_edge.cache import Cache, CacheEntry, CacheMeta
from dmr_edge.config import Settings, SourceSettings
from dmr_edge.errors import (
    EXIT_FAILURE,
    EXIT_OK,
    EXIT_TEMPFAIL,
    DmrEdgeError,
    FetchError,
    ParseError,
    RejectedError,
    StoreError,
)
from dmr_edge.fetch import Fetcher, FetchResult, Progress
from dmr_edge.record import asdict, dataclass, field
from dmr_edge.sources import SOURCES, Row, SourceSpec
from dmr_edge.store import ApplyStats, SourceApplier, Store
from dmr_edge.stream import ParseStats, RowStream, chunked, iter_records, open_document

DEFAULT_CHUNK = 200
RecordProgress = Callable[[str, int], None]  # (source, records parsed so far)


def _log() -> Any:
    """This module's logger, imported when there is something to log (a failure)."""
    import logging

    return logging.getLogger("dmr_edge.sync")


@dataclass
class SourceReport:
    source: str
    fetch: str = "skipped"  # downloaded | not_modified | same | cached | offline | failed | skipped
    outcome: str = "unchanged"  # applied | unchanged | failed | missing
    error: str | None = None
    exit_code: int = EXIT_OK
    retry_after: float | None = None
    http_status: int | None = None
    downloaded_bytes: int = 0
    records: int = 0
    rejected: int = 0
    inserted: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    duplicates: int = 0
    total: int = 0
    fetch_seconds: float = 0.0
    apply_seconds: float = 0.0
    reasons: list[str] = field(default_factory=list)
    unreachable: str = ""  # the download could not connect at all: "refused" or "network"

    @property
    def changed(self) -> bool:
        return self.outcome == "applied" and (self.inserted + self.updated + self.deleted) > 0

    def summary(self) -> str:
        """One short phrase for logs: 304 / unchanged / n rows changed / error."""
        if self.error:
            return f"error: {self.error}"
        if self.outcome == "applied":
            return (
                f"{self.inserted + self.updated + self.deleted} rows changed "
                f"(+{self.inserted} ~{self.updated} -{self.deleted})"
            )
        if self.fetch == "not_modified":
            return "304 not modified"
        return "unchanged"


@dataclass
class SyncReport:
    mode: str
    chunk: int
    parser: str
    sources: list[SourceReport] = field(default_factory=list)
    init_seconds: float = 0.0
    fetch_seconds: float = 0.0
    apply_seconds: float = 0.0
    total_seconds: float = 0.0
    # Every download this run tried could not connect at all: no network. A one-shot run
    # then says so in one line instead of retrying each source for a minute.
    no_network: bool = False

    @property
    def exit_code(self) -> int:
        codes = {s.exit_code for s in self.sources}
        if codes - {EXIT_OK, EXIT_TEMPFAIL}:
            return EXIT_FAILURE
        return EXIT_TEMPFAIL if EXIT_TEMPFAIL in codes else EXIT_OK

    @property
    def records(self) -> int:
        return sum(s.records for s in self.sources if s.outcome == "applied")

    def changed(self, source: str) -> bool:
        return any(s.changed for s in self.sources if s.source == source)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["records"] = self.records
        data["records_per_second"] = (
            round(self.records / self.apply_seconds) if self.apply_seconds > 0 else None
        )
        data["exit_code"] = self.exit_code
        return data


def _host(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).netloc.lower()


def _reset(report: SourceReport) -> SourceReport:
    """Clear a report of its first, deferred attempt, keeping it the same object (the
    ``SyncReport`` lists it)."""
    fresh = SourceReport(report.source)
    report.__dict__.update(fresh.__dict__)
    return report


def choose_mode(mem_available: int | None) -> tuple[str, int]:
    """Given MemAvailable in bytes (None if unknown), return (mode, chunk) as ``auto`` picks.

    Streaming with chunks of 200 rows, whatever the memory: larger chunks measured no
    faster (the real users file from the cache: 2.24 s at 200, 500 and 100, 2.29 s at
    2,000) and cost about 1 MB of RSS per 1,000 rows (200 rather than 500: 0.3 MB less).
    Parallel mode is never picked: on the 2-core machines measured it did not beat
    streaming by the margin that would justify its memory.
    """
    return "streaming", DEFAULT_CHUNK


def mem_available(meminfo: str = "/proc/meminfo") -> int | None:
    try:
        with open(meminfo, encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def resolve_mode(mode: str, chunk: int | None) -> tuple[str, int]:
    if mode == "auto":
        auto_mode, auto_chunk = choose_mode(mem_available())
        return auto_mode, chunk or auto_chunk
    return mode, chunk or DEFAULT_CHUNK


def check_plausible(
    spec: SourceSpec, parsed: ParseStats, rows: int, previous: int | None, settings: Settings
) -> None:
    """Raise ``RejectedError`` if a parsed document should not replace the previous one.

    The one rule ``warm`` and ``sync`` share: at most ``reject_threshold`` of the records
    fail validation, and the document holds at least ``min_ratio`` of the previous
    version's rows. ``rows`` and ``previous`` count distinct ids (what the table holds
    after an apply): a document repeating one id 300,000 times is one row, not 300,000.
    """
    threshold = settings.sync.reject_threshold
    if parsed.records and parsed.rejected / parsed.records > threshold:
        first = f"; first: {parsed.reasons[0]}" if parsed.reasons else ""
        raise RejectedError(
            f"{parsed.rejected} of {parsed.records} records failed validation "
            f"(more than {threshold:.0%}); keeping the previous version{first}",
            source=spec.name,
        )
    ratio = settings.sync.min_ratio
    if previous and rows < previous * ratio:
        raise RejectedError(
            f"only {rows} records where the previous version had {previous}; "
            f"refusing it as implausible (sync.min_ratio = {ratio})",
            source=spec.name,
        )


class DistinctIds:
    """Counts distinct ids in bounded memory, as the table would hold them: a 2 MiB bitmap
    for ids below 2**24 (radio ids, talkgroups, most repeaters) and a set for the few above
    (BrandMeister's nine-digit hotspot ids)."""

    _BITMAP_IDS = 1 << 24

    def __init__(self) -> None:
        self.bits: bytearray | None = None
        self.large: set[int] = set()
        self.count = 0

    def add(self, ident: int) -> None:
        if 0 <= ident < self._BITMAP_IDS:
            if self.bits is None:
                self.bits = bytearray(self._BITMAP_IDS >> 3)
            byte, bit = ident >> 3, 1 << (ident & 7)
            if not self.bits[byte] & bit:
                self.bits[byte] |= bit
                self.count += 1
        elif ident not in self.large:
            self.large.add(ident)
            self.count += 1


def previous_rows(state: dict[str, Any], entry: CacheEntry | None) -> int | None:
    """Return the rows of the version a new document would replace: what the database
    holds for the source, or else what the cached document held."""
    if state.get("records") is not None:
        return int(state["records"])
    if entry is not None and entry.meta is not None:
        return entry.meta.records
    return None


def validate_document(
    path: Path, spec: SourceSpec, settings: Settings, previous: int | None
) -> tuple[ParseStats, int]:
    """Parse a whole document without storing it; return its parse counts and distinct
    rows, or raise if ``sync`` would refuse it."""
    ids = DistinctIds()
    add = ids.add
    at = spec.columns.index("id")
    with open_document(str(path)) as stream:
        rows = RowStream(iter_records(stream, spec, settings.sync.parser), spec)
        for row in rows:
            add(row[at])
    check_plausible(spec, rows.stats, ids.count, previous, settings)
    return rows.stats, ids.count


class _Producer:
    """Parse a document in a thread, handing chunks of rows over a bounded queue."""

    _END = object()

    def __init__(self, rows: RowStream, chunk: int) -> None:
        import queue

        self.rows = rows
        self.chunk = chunk
        self.full = queue.Full
        self.queue: queue.Queue[Any] = queue.Queue(maxsize=4)
        self.stopped = threading.Event()
        one_malloc_arena()
        self.thread = threading.Thread(target=self._run, name="dmr-edge-parse", daemon=True)
        self.thread.start()

    def _put(self, item: Any) -> bool:
        while not self.stopped.is_set():
            try:
                self.queue.put(item, timeout=0.1)
                return True
            except self.full:
                continue
        return False

    def _run(self) -> None:
        try:
            for batch in chunked(self.rows, self.chunk):
                if not self._put(batch):
                    return
        except BaseException as exc:  # handed to the consumer, which re-raises it
            self._put(exc)
            return
        self._put(self._END)

    def __iter__(self) -> Iterator[list[Row]]:
        try:
            while True:
                item = self.queue.get()
                if item is self._END:
                    return
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            self.stopped.set()
            self.thread.join(timeout=5)


class Syncer:
    """Runs warm and sync for a set of sources with one configuration."""

    def __init__(
        self,
        settings: Settings,
        *,
        mode: str | None = None,
        chunk: int | None = None,
        offline: bool = False,
        max_age: float | None = None,
        only: list[str] | None = None,
        patient: bool = False,
        sleep: Callable[[float], Any] = time.sleep,
        fetch_progress: Progress | None = None,
        record_progress: RecordProgress | None = None,
    ) -> None:
        self.settings = settings
        self.mode, self.chunk = resolve_mode(
            mode or settings.sync.mode, chunk or settings.sync.chunk
        )
        self.offline = offline
        self.max_age = max_age
        self.patient = patient  # the daemon: every failed download gets its retries
        self._states: dict[str, dict[str, Any]] | None = None  # warm: read once, if needed
        self.sources = settings.enabled_sources(only)
        self.cache = Cache(settings.cache_dir)
        self.fetcher = Fetcher(
            settings.http,
            compress=settings.sync.compress_cache,
            sleep=sleep,
            progress=fetch_progress,
        )
        self.record_progress = record_progress

    # --- fetch -------------------------------------------------------------------------

    def _stale(self, source: SourceSettings, entry: CacheEntry) -> bool:
        if not entry.exists:
            return True  # a missing cache is always fetched, whatever max-age says
        if entry.meta is not None and entry.meta.url != source.url:
            return True
        max_age = (
            self.max_age if self.max_age is not None else self.settings.max_age_for(source.name)
        )
        return entry.age >= max_age

    def _fetch(
        self,
        source: SourceSettings,
        report: SourceReport,
        first_try_only: bool = False,
        tried: int = 0,
    ) -> FetchResult | None:
        """Fetch one source if its cache is stale; record the outcome in ``report``."""
        entry = self.cache.entry(source.name)
        if self.offline:
            report.fetch = "offline"
            return None
        if not self._stale(source, entry):
            report.fetch = "cached"
            return None
        try:
            result = self.fetcher.fetch(
                source, self.cache, entry, first_try_only=first_try_only, tried=tried
            )
        except FetchError as exc:
            report.fetch = "failed"
            self._fail(report, exc)
            report.retry_after = exc.retry_after
            report.http_status = exc.status
            report.unreachable = exc.unreachable
            return None
        except Exception as exc:  # a bug, or a library failing in a way not foreseen
            report.fetch = "failed"
            self._fail_unexpected(report, source, exc)
            return None
        report.fetch_seconds = result.seconds
        report.http_status = result.http_status
        report.downloaded_bytes = result.downloaded_bytes
        report.fetch = {"new": "downloaded"}.get(result.outcome, result.outcome)
        if result.outcome != "new":
            try:
                self._refresh(source.name, entry, result)
            except OSError as exc:  # the data is as good: only its freshness is not noted
                _log().warning(
                    "dmr-edge: warning: %s: cannot mark the cache as checked: %s",
                    source.name,
                    exc,
                )
        return result

    def _refresh(self, name: str, entry: CacheEntry, result: FetchResult) -> None:
        """Mark an unchanged cache as fresh (304, or the same bytes again)."""
        meta = result.meta
        if entry.meta is not None and result.outcome == "not_modified":
            self.cache.touch(name)
            return
        st = entry.path.stat()
        meta.size, meta.mtime_ns = st.st_size, st.st_mtime_ns
        if entry.meta is not None:
            meta.etag = meta.etag or entry.meta.etag
            meta.last_modified = meta.last_modified or entry.meta.last_modified
            meta.upstream_sha256 = meta.upstream_sha256 or entry.meta.upstream_sha256
        self.cache.touch(name, meta)

    @staticmethod
    def _fail(report: SourceReport, exc: DmrEdgeError) -> None:
        if report.error is None:
            report.error = exc.message
            report.exit_code = exc.exit_code

    @staticmethod
    def _fail_unexpected(report: SourceReport, source: SourceSettings, exc: Exception) -> None:
        """An exception nobody foresaw fails this source alone: one line (the key never in
        it), the traceback in the debug log, the other sources still run."""
        import traceback

        _log().debug("%s: %s", source.name, source.redact(traceback.format_exc()).rstrip())
        text = source.redact(" ".join(str(exc).split()))
        text = text if len(text) <= 200 else text[:197] + "..."
        report.error = f"internal error: {type(exc).__name__}: {text}".rstrip(": ")
        report.exit_code = EXIT_FAILURE

    def fetch_all(
        self, reports: dict[str, SourceReport], report: SyncReport | None = None
    ) -> dict[str, FetchResult | None]:
        """Download every stale source, all at once: a field operator's cellular link is
        bound by latency, so six downloads one after the other cost six times the wait.

        A one-shot run tries each source once first. Where not a single upstream could be
        connected to (no route, no name resolution, refused everywhere), there is no
        network: it ends there (``report.no_network``), within seconds. Where some answered,
        the unreachable ones get their retries. The daemon (``patient``) retries as usual.
        """
        first_try_only = not self.patient
        results = self._each(self.sources, reports, first_try_only)
        if not first_try_only:
            return results
        unreachable = [s for s in self.sources if reports[s.name].unreachable]
        tried = [s for s in self.sources if reports[s.name].fetch not in ("cached", "offline")]
        # One host refusing is that host's trouble (it gets its retries); refused by two
        # hosts or more, or no route or name at all, is the machine's.
        hosts = {_host(s.url) for s in unreachable}
        machine = any(reports[s.name].unreachable == "network" for s in unreachable)
        if unreachable and len(unreachable) == len(tried) and (machine or len(hosts) > 1):
            if report is not None:
                report.no_network = True
            return results
        if unreachable and self.settings.http.retries:
            for source in unreachable:
                reports[source.name] = _reset(reports[source.name])
            results.update(self._each(unreachable, reports, False, tried=1))
        return results

    def _each(
        self,
        sources: list[SourceSettings],
        reports: dict[str, SourceReport],
        first_try_only: bool,
        tried: int = 0,
    ) -> dict[str, FetchResult | None]:
        """Fetch ``sources``, each in its own thread when there are several to download
        (offline, each only looks at its cache: no thread, no arena)."""
        if len(sources) < 2 or self.offline:
            return {s.name: self._fetch(s, reports[s.name], first_try_only, tried) for s in sources}
        results: dict[str, FetchResult | None] = {}
        raised: list[BaseException] = []

        def run(source: SourceSettings) -> None:
            try:
                report = reports[source.name]
                results[source.name] = self._fetch(source, report, first_try_only, tried)
            except BaseException as exc:  # a stop request, handed to the caller
                raised.append(exc)

        one_malloc_arena()
        threads = [
            threading.Thread(target=run, args=(s,), name=f"dmr-edge-fetch-{s.name}", daemon=True)
            for s in sources
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if raised:
            for result in results.values():
                if result is not None and result.temp_path is not None:
                    self.cache.discard(result.temp_path)
            raise raised[0]
        return {s.name: results.get(s.name) for s in sources}

    def _prepare(self) -> None:
        """Before a warm or a sync (holding the instance lock): the cache directory exists
        (or a configuration error says why it cannot), and what a killed run left in it
        is gone."""
        if not self.offline:
            self.cache.ensure()
        self.cache.remove_stale_temps()
        if self.settings.sync.compress_cache:
            for source in self.sources:
                with contextlib.suppress(OSError):  # a read-only cache stays as it is
                    self.cache.compact(source.name)

    # --- warm --------------------------------------------------------------------------

    def warm(self) -> SyncReport:
        """Refresh stale cache files, validating each download before it replaces one."""
        started = time.monotonic()
        report = SyncReport(self.mode, self.chunk, self.settings.sync.parser)
        reports = {s.name: SourceReport(s.name) for s in self.sources}
        report.sources = list(reports.values())
        self._prepare()
        self._states = None
        results = self.fetch_all(reports, report)
        try:
            for source in self.sources:
                result = results.get(source.name)
                if result is not None and result.temp_path is not None:
                    try:
                        self._validate_and_install(source, result, reports[source.name])
                    except Exception as exc:  # installing it failed (a full cache directory)
                        self._fail_unexpected(reports[source.name], source, exc)
        finally:
            for result in results.values():  # no-ops for those installed
                if result is not None and result.temp_path is not None:
                    self.cache.discard(result.temp_path)
        report.fetch_seconds = sum(r.fetch_seconds for r in report.sources)
        report.total_seconds = time.monotonic() - started
        return report

    def _validate_and_install(
        self, source: SourceSettings, result: FetchResult, report: SourceReport
    ) -> None:
        """Warm's check of a download: install it as the cache only if sync would apply it."""
        assert result.temp_path is not None
        if self._states is None:
            from dmr_edge.status import read_states

            try:
                self._states = read_states(self.settings)
            except StoreError:
                self._states = {}  # the cached document's own count serves
        spec = SOURCES[source.name]
        previous = previous_rows(self._states.get(source.name, {}), self.cache.entry(source.name))
        try:
            parsed, rows = validate_document(result.temp_path, spec, self.settings, previous)
        except (ParseError, RejectedError) as exc:
            self._fail(report, exc)
            return
        except Exception as exc:
            self._fail_unexpected(report, source, exc)
            return
        result.meta.records = rows
        self.cache.install(source.name, result.temp_path, result.meta)
        report.records = parsed.records
        report.rejected = parsed.rejected

    # --- sync --------------------------------------------------------------------------

    def sync(self, store: Store | None = None) -> SyncReport:
        """Warm (unless offline), then apply each changed source in its own transaction."""
        started = time.monotonic()
        report = SyncReport(self.mode, self.chunk, self.settings.sync.parser)
        own_store = store is None
        if store is None:
            store = Store(self.settings.db)
        report.init_seconds = time.monotonic() - started
        reports = {s.name: SourceReport(s.name) for s in self.sources}
        report.sources = list(reports.values())
        try:
            self._prepare()
            results = self.fetch_all(reports, report)
            for source in self.sources:
                source_report = reports[source.name]
                self.apply_source(store, source, results.get(source.name), source_report)
                if source_report.error:
                    self._remember_error(store, source.name, source_report.error)
        finally:
            for result in results.values() if "results" in locals() else ():
                if result is not None and result.temp_path is not None:
                    self.cache.discard(result.temp_path)  # no-op once installed
            if own_store:
                store.close()
        report.fetch_seconds = sum(r.fetch_seconds for r in report.sources)
        report.apply_seconds = sum(r.apply_seconds for r in report.sources)
        report.total_seconds = time.monotonic() - started
        return report

    def apply_source(
        self,
        store: Store,
        source: SourceSettings,
        result: FetchResult | None,
        report: SourceReport,
    ) -> None:
        """Apply one source's new document (or its cache) to the database, recording the
        outcome in ``report``. Whatever fails — reading the state, a damaged cache, the
        apply — fails this source alone."""
        import sqlite3

        try:
            self._apply_source(store, source, result, report)
        except DmrEdgeError as exc:
            report.outcome, report.error = "failed", None
            self._fail(report, exc)
        except sqlite3.Error as exc:
            report.outcome, report.error = "failed", None
            self._fail(report, StoreError(f"database read failed: {exc}", source=source.name))
        except Exception as exc:
            report.outcome, report.error = "failed", None
            self._fail_unexpected(report, source, exc)

    def _apply_source(
        self,
        store: Store,
        source: SourceSettings,
        result: FetchResult | None,
        report: SourceReport,
    ) -> None:
        name = source.name
        spec = SOURCES[name]
        entry = self.cache.entry(name)
        state = store.state(name)
        if result is not None and result.temp_path is not None:
            document, meta = result.temp_path, result.meta
        elif entry.exists:
            document = entry.path
            try:
                meta = entry.meta or CacheMeta(url=source.url, sha256=entry.sha256())
            except ParseError as exc:  # a damaged cache file without its sidecar
                removed = self.cache.drop(name)
                raise ParseError(
                    f"the cached copy is damaged ({exc.message})"
                    + ("; removed it from the cache" if removed else ""),
                    source=name,
                ) from None
        elif state.get("applied_hash") and report.error is None:
            # The cache is disposable: without it the rows stay as last applied.
            report.outcome = "unchanged"
            report.total = state.get("records") or 0
            return
        else:
            report.outcome = "missing"
            if report.error is None:
                report.error = "no cached copy to apply (run a sync without --offline)"
                report.exit_code = EXIT_FAILURE
            return
        if state.get("applied_hash") == meta.sha256:
            report.outcome = "unchanged"
            report.total = state.get("records") or 0
            if report.error is None and state.get("last_error"):
                store.clear_error(name)
            return
        started = time.monotonic()
        cached = result is None or result.temp_path is None
        try:
            parsed, stats = self._apply_document(
                store, spec, document, meta, previous_rows(state, entry), result
            )
        except DmrEdgeError as exc:
            report.outcome = "failed"
            report.error = None  # the apply error says more than a fetch error before it
            # A refused document never stays in the cache: it would be refused at every
            # offline sync, and its validators would keep a 304 from ever bringing the
            # upstream's next version. The rows keep the version last applied.
            if cached and isinstance(exc, (ParseError, RejectedError)) and self.cache.drop(name):
                exc.message += "; removed it from the cache"
            self._fail(report, exc)
            return
        except Exception as exc:
            report.outcome = "failed"
            report.error = None
            self._fail_unexpected(report, source, exc)
            return
        finally:
            report.apply_seconds = time.monotonic() - started
        report.outcome = "applied"
        report.records, report.rejected, report.reasons = (
            parsed.records,
            parsed.rejected,
            parsed.reasons,
        )
        for key in ("inserted", "updated", "deleted", "unchanged", "duplicates", "total"):
            setattr(report, key, getattr(stats, key))

    @staticmethod
    def _remember_error(store: Store, name: str, message: str) -> None:
        # The database itself may be what failed (disk full): then there is nowhere to note it.
        with contextlib.suppress(Exception):
            store.record_error(name, message)

    def _rows(self, stream: IO[bytes], spec: SourceSpec, applier: SourceApplier) -> RowStream:
        """The rows of a document for ``applier``. Where parsing runs in this thread (not
        in parallel mode), records whose text did not change are skipped undecoded and
        each row's id reaches the applier as it is converted."""
        parallel = self.mode == "parallel"
        skip = None if parallel or applier.first_load else applier.skip
        records = iter_records(
            stream,
            spec,
            self.settings.sync.parser,
            digests=True,
            skip=skip,
            key=applier.store.digest_key(),
        )
        applier.notes_in_add = parallel
        return RowStream(records, spec, on_row=None if parallel else applier.note)

    def _apply_document(
        self,
        store: Store,
        spec: SourceSpec,
        document: Path,
        meta: CacheMeta,
        previous: int | None,
        result: FetchResult | None,
    ) -> tuple[ParseStats, ApplyStats]:
        import sqlite3

        progress = self.record_progress
        started = time.monotonic()
        try:
            with open_document(str(document)) as opened:
                stream: IO[bytes] = opened
                if self.mode == "sequential":
                    import io

                    stream = io.BytesIO(opened.read())  # the seed's compatibility mode
                with store.transaction():
                    applier = SourceApplier(store, spec)
                    rows = self._rows(stream, spec, applier)
                    batches = (
                        _Producer(rows, self.chunk)
                        if self.mode == "parallel"
                        else chunked(rows, self.chunk)
                    )
                    for batch in batches:
                        applier.add(batch)
                        if progress is not None:
                            progress(spec.name, rows.stats.records)
                    stats = applier.finish()
                    check_plausible(spec, rows.stats, stats.total, previous, self.settings)
                    size = os.path.getsize(document)
                    if result is not None and result.temp_path is not None:
                        meta.records = stats.total
                        # Cache first, then commit: a crash in between leaves a new cache
                        # and old rows, which the next sync applies; never the reverse.
                        self.cache.install(spec.name, result.temp_path, meta)
                    store.set_state(
                        spec.name,
                        url=meta.url,
                        etag=meta.etag,
                        last_modified=meta.last_modified,
                        applied_hash=meta.sha256,
                        applied_at=time.time(),
                        records=stats.total,
                        rejected=rows.stats.rejected,
                        inserted=stats.inserted,
                        updated=stats.updated,
                        deleted=stats.deleted,
                        unchanged=stats.unchanged,
                        bytes=size,
                        apply_seconds=round(time.monotonic() - started, 3),
                        last_error=None,
                        last_error_at=None,
                    )
        except sqlite3.Error as exc:
            raise StoreError(f"database write failed: {exc}", source=spec.name) from None
        except OSError as exc:
            raise StoreError(
                f"cannot read or write {exc.filename or 'a file'}: {exc.strerror}", source=spec.name
            ) from None
        except ParseError as exc:
            exc.source = exc.source or spec.name
            raise
        return rows.stats, stats
