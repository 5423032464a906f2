"""HTTP → cache: conditional, retried, size- and time-bounded downloads.

``Fetcher.fetch`` streams a source's body into a temporary file in the cache directory
while hashing it, and returns it for the caller to validate and install; it never touches
the current cache file. ``requests`` is imported here only, when a download happens.
"""

from __future__ import annotations

import contextlib
import errno
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, Callable, Optional

from dmr_edge import __version__
from dmr_edge.cache import Cache, CacheEntry, CacheMeta
from dmr_edge.config import HttpSettings, SourceSettings
from dmr_edge.errors import FetchError, PermanentFetchError
from dmr_edge.record import dataclass

_SPACE_ERRORS = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)
_LOCAL_WRITE_ERRORS = (*_SPACE_ERRORS, errno.EROFS, errno.EACCES, errno.EPERM)
USER_AGENT = f"dmr-edge/{__version__} (+https://github.com/dmr-edge/dmr-edge)"
_BLOCK = 1 << 16

Progress = Callable[[str, int, Optional[int]], None]  # (source, bytes so far, total or None)


def load_requests() -> Any:
    """Import requests without the character-set detector it loads for ``Response.text``.

    charset_normalizer is 3.7 MB of compiled modules, and the agent never decodes a body as
    text that way (it reads bytes). requests 2.32 and newer carry on without a detector
    (with a warning, silenced here); an older one (Debian bullseye's 2.25) needs chardet
    to import at all, and then gets it as usual.
    """
    global _requests
    with _requests_lock:  # the downloads start in threads: one of them imports, once
        if _requests is None:
            _requests = _import_requests()
        return _requests


_requests: Any = None
_requests_lock = threading.Lock()


def _import_requests() -> Any:
    import sys
    import warnings

    kept_out = [name for name in ("charset_normalizer", "chardet") if name not in sys.modules]
    for name in kept_out:
        sys.modules[name] = None  # type: ignore[assignment]  # "import" of it now fails
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import requests
    except ImportError:
        for name in [n for n in sys.modules if n == "requests" or n.startswith("requests.")]:
            del sys.modules[name]  # half imported: import it again, detector and all
        for name in kept_out:
            sys.modules.pop(name, None)
        import requests
    finally:
        for name in kept_out:
            if name in sys.modules and sys.modules[name] is None:
                del sys.modules[name]
    return requests


@dataclass
class FetchResult:
    source: str
    outcome: (
        str  # "new": a changed document in temp_path; "not_modified": 304; "same": 200, same hash
    )
    http_status: int
    meta: CacheMeta
    temp_path: Path | None = None
    downloaded_bytes: int = 0
    seconds: float = 0.0
    attempts: int = 1


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Given a Retry-After header (seconds or an HTTP date), return seconds to wait."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    import email.utils

    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


class Fetcher:
    """Downloads sources with one configuration of timeouts, retries and TLS."""

    def __init__(
        self,
        http: HttpSettings,
        *,
        compress: bool = False,
        sleep: Callable[[float], Any] = time.sleep,
        progress: Progress | None = None,
    ) -> None:
        self.http = http
        self.compress = compress
        self.sleep = sleep
        self.progress = progress

    def _session(self) -> Any:
        requests = load_requests()

        session = requests.Session()
        session.max_redirects = self.http.max_redirects
        session.headers["User-Agent"] = USER_AGENT
        return session

    def fetch(
        self,
        source: SourceSettings,
        cache: Cache,
        entry: CacheEntry,
        *,
        first_try_only: bool = False,
        tried: int = 0,
    ) -> FetchResult:
        """Download ``source`` unless the cached copy is still current.

        Retry temporary failures with capped exponential backoff, honouring Retry-After.
        Raise ``FetchError`` (temporary) or ``PermanentFetchError`` when it cannot. With
        ``first_try_only``, a first attempt that could not connect at all (``unreachable``)
        is not retried: the caller decides, knowing whether any other upstream answered,
        and gives the attempts it already made as ``tried`` when it retries.
        """
        if source.api_key_error:
            raise PermanentFetchError(source.api_key_error, source=source.name)
        attempts = tried
        started = time.monotonic()
        if tried:
            self.sleep(self._backoff(tried))
        while True:
            attempts += 1
            try:
                result = self._attempt(source, cache, entry)
            except FetchError as exc:
                # Whatever the HTTP layer said (a header it refused, a URL it echoed), the
                # key goes no further than here.
                exc.message = source.redact(exc.message)
                if isinstance(exc, PermanentFetchError):
                    raise
                if attempts > self.http.retries or (first_try_only and exc.unreachable):
                    raise
                wait = exc.retry_after
                if wait is None:
                    wait = self._backoff(attempts)
                elif wait > self.http.max_retry_after:
                    raise  # the daemon will come back when the upstream asked
                self.sleep(wait)
                continue
            result.attempts = attempts
            result.seconds = time.monotonic() - started
            return result

    def _backoff(self, attempts: int) -> float:
        """The wait before retry number ``attempts``: capped, exponential, jittered."""
        import random

        wait = min(self.http.backoff_max, self.http.backoff * 2 ** (attempts - 1))
        return wait * random.uniform(0.5, 1.0)

    def _headers(self, source: SourceSettings, entry: CacheEntry) -> dict[str, str]:
        headers = {"Accept": "application/json", "Accept-Encoding": "gzip"}
        meta = entry.meta
        if entry.exists and meta is not None and meta.url == source.url:
            if meta.etag:
                headers["If-None-Match"] = meta.etag
            if meta.last_modified:
                headers["If-Modified-Since"] = meta.last_modified
        if source.api_key:
            headers["Authorization"] = f"Bearer {source.api_key}"
        return headers

    def _attempt(self, source: SourceSettings, cache: Cache, entry: CacheEntry) -> FetchResult:
        requests = load_requests()

        name = source.name
        http = self.http
        session = self._session()
        try:
            response = session.get(
                source.url,
                headers=self._headers(source, entry),
                stream=True,
                timeout=(http.connect_timeout, http.read_timeout),
                verify=http.ca_bundle or True,
            )
        except requests.exceptions.SSLError as exc:
            session.close()
            raise PermanentFetchError(
                f"TLS verification failed: {_short(exc, source)}", source=name
            ) from None
        except (
            requests.exceptions.InvalidSchema,
            requests.exceptions.MissingSchema,
            requests.exceptions.InvalidURL,
        ) as exc:
            session.close()
            raise PermanentFetchError(_refused(exc, source), source=name) from None
        except requests.exceptions.TooManyRedirects:
            session.close()
            raise PermanentFetchError(
                f"more than {http.max_redirects} redirects", source=name
            ) from None
        except requests.exceptions.Timeout:
            session.close()
            raise FetchError(
                f"timed out waiting for the upstream (no answer within {http.read_timeout:g}s)",
                source=name,
            ) from None
        except requests.exceptions.RequestException as exc:
            session.close()
            error = FetchError(
                f"cannot reach upstream: {_describe(exc, http, source)}", source=name
            )
            found = _UNREACHABLE.search(str(exc))
            if isinstance(exc, requests.exceptions.ConnectionError) and found:
                error.unreachable = "refused" if "refused" in found.group(0).lower() else "network"
            raise error from None
        try:
            return self._receive(source, cache, entry, response)
        finally:
            response.close()
            session.close()

    def _receive(
        self, source: SourceSettings, cache: Cache, entry: CacheEntry, response: Any
    ) -> FetchResult:
        import hashlib
        import zlib

        requests = load_requests()
        import urllib3

        name = source.name
        status = response.status_code
        if status == 304 and entry.exists:
            meta = entry.meta or CacheMeta(url=source.url, sha256=entry.sha256())
            return FetchResult(name, "not_modified", 304, meta)
        if status == 429 or status >= 500:
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
            hint = f", retry after {retry_after:.0f}s" if retry_after is not None else ""
            raise FetchError(
                f"upstream answered HTTP {status}{hint}",
                source=name,
                status=status,
                retry_after=retry_after,
            )
        if status != 200:
            raise PermanentFetchError(
                f"upstream answered HTTP {status}", source=name, status=status
            )
        content_type = response.headers.get("Content-Type", "").lower()
        if "html" in content_type:
            raise FetchError(
                f"upstream sent an HTML page ({content_type.split(';')[0]}), not JSON",
                source=name,
                status=status,
            )
        declared = response.headers.get("Content-Length")
        total = int(declared) if declared and declared.isdigit() else None
        temp: Path | None = None
        digest = hashlib.sha256()
        received = 0
        deadline = time.monotonic() + self.http.deadline
        first = True
        # The check in the loop below only runs when a block arrives; an upstream that drips
        # a byte now and then (never long enough for the read timeout) would hold the
        # download far past the deadline. The timer cuts the socket at the deadline.
        expired = threading.Event()
        timer = threading.Timer(self.http.deadline, _expire, (response, expired))
        timer.daemon = True
        timer.start()
        try:
            temp = cache.new_temp(name)
            # The empty file mkstemp made, opened without truncating it: ext4 flushes a file
            # truncated and rewritten when it is closed, so a download then found to be the
            # same document (and discarded) would still have been written to the card.
            with open(temp, "r+b") as raw:
                body = _Body(response, raw, self.compress, self.http.max_bytes)
                try:
                    for block in body.blocks():
                        if first and block.lstrip()[:1] == b"<":
                            raise FetchError("upstream sent an HTML page, not JSON", source=name)
                        first = first and not block.strip()
                        digest.update(block)
                        received += len(block)
                        if received > self.http.max_bytes:
                            raise PermanentFetchError(
                                f"the document is larger than http.max_bytes "
                                f"({self.http.max_bytes} bytes); refusing it",
                                source=name,
                            )
                        if self.progress is not None:
                            self.progress(name, response.raw.tell(), total)
                        if time.monotonic() > deadline:
                            raise FetchError(
                                f"download took longer than {self.http.deadline:.0f}s", source=name
                            )
                finally:
                    body.close()  # before its file: never a writer left to a closed file
            wire = response.raw.tell()
            if total is not None and wire < total:
                raise FetchError(f"download cut short at {wire} of {total} bytes", source=name)
            if received == 0:
                raise FetchError("upstream sent an empty body", source=name)
        except zlib.error:
            cache.discard(temp)
            raise FetchError(
                "download failed: the body is corrupt (its Content-Encoding does not decode)",
                source=name,
            ) from None
        except (requests.exceptions.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
            cache.discard(temp)
            if expired.is_set():
                raise FetchError(
                    f"download took longer than {self.http.deadline:g}s", source=name
                ) from None
            if isinstance(
                exc, (requests.exceptions.RequestException, urllib3.exceptions.HTTPError)
            ):
                raise FetchError(
                    f"download failed: {_describe(exc, self.http, source)}", source=name
                ) from None
            if exc.errno in _LOCAL_WRITE_ERRORS:
                # The cache directory, not the upstream: a full disk may be freed (75), a
                # read-only or forbidden directory needs someone to fix it (1).
                error = FetchError if exc.errno in _SPACE_ERRORS else PermanentFetchError
                raise error(
                    f"cannot write the download into {cache.directory}: {exc.strerror}",
                    source=name,
                ) from None
            raise FetchError(f"download failed: {_short(exc, source)}", source=name) from None
        except BaseException:
            cache.discard(temp)
            raise
        finally:
            timer.cancel()
        sha256 = digest.hexdigest()
        meta = CacheMeta(
            url=source.url,
            sha256=sha256,
            upstream_sha256=sha256,
            etag=response.headers.get("ETag"),
            last_modified=response.headers.get("Last-Modified"),
            fetched_at=time.time(),
            downloaded_bytes=response.raw.tell(),
            http_status=status,
        )
        if entry.exists:
            # The same document as the cache holds, or as the upstream sent last time (the
            # cache holding a newer file imported by hand): nothing changed upstream.
            try:
                current: str | None = entry.sha256()
            except Exception:  # a damaged cache file: this download replaces it
                current = None
            known = {current}
            if entry.meta is not None and entry.meta.upstream_sha256:
                known.add(entry.meta.upstream_sha256)
            if current is not None and sha256 in known:
                cache.discard(temp)
                meta.sha256 = current
                if entry.meta is not None:
                    meta.records = entry.meta.records
                return FetchResult(name, "same", status, meta, None, meta.downloaded_bytes)
        return FetchResult(name, "new", status, meta, temp, meta.downloaded_bytes)


class _Body:
    """A response body read block by block: yields the document's bytes (to hash, check
    and count) and writes the cache file — the compressed body as it came over the wire
    when the upstream sent gzip (radioid's 61 MB users.json is a 7 MB gzip stream: no CPU
    spent compressing it again), else compressed here; or the plain document when the
    cache is configured uncompressed (``sync.compress_cache = false``).

    A document that is itself compressed (a mirror serving ``users.json.gz`` as a file,
    with or without a gzip Content-Encoding around it) is written as it is: readers undo
    its compression by its content. ``max_bytes`` bounds what goes to the file as well
    as the document: wire bytes that decode to almost nothing (empty gzip members, a
    padded header) cannot fill a cache directory that is RAM on Pi-Star and OpenWrt.
    """

    _MAX_BLOCK = 1 << 18  # decoded bytes per step: a gzip bomb costs no more memory

    def __init__(self, response: Any, raw: IO[bytes], compress: bool, max_bytes: int) -> None:
        self.response = response
        encoding = response.headers.get("Content-Encoding", "").strip().lower()
        self.wire_gzip = encoding in ("gzip", "x-gzip")
        self.raw = raw
        self.compress = compress
        self.max_bytes = max_bytes
        self.sink: Any = None  # decided by the document's first bytes
        self.pending: list[bytes] = []  # wire bytes read before the decision

    def _decide(self, head: bytes) -> None:
        from dmr_edge.stream import compression_of

        if compression_of(head) is not None or not self.compress:
            self.sink = self.raw  # the document as it is (compressed already, or plain)
        elif self.wire_gzip:
            self.sink = _WIRE  # the wire bytes: a gzip stream of the document
            for wire in self.pending:
                self.raw.write(wire)
        else:
            import gzip

            self.sink = gzip.GzipFile(
                filename="", fileobj=self.raw, mode="wb", compresslevel=6, mtime=0
            )
        self.pending = []

    def _write(self, block: bytes) -> None:
        if self.sink is None:
            self._decide(block)
        if self.sink is not _WIRE:
            self.sink.write(block)

    def _bound_wire(self) -> None:
        if self.response.raw.tell() > self.max_bytes:
            raise PermanentFetchError(
                f"the download is larger than http.max_bytes ({self.max_bytes} bytes) on the "
                "wire; refusing it"
            )

    def blocks(self) -> Iterator[bytes]:
        if not self.wire_gzip:
            for block in self.response.iter_content(_BLOCK):
                self._bound_wire()
                if block:
                    self._write(block)
                    yield block
            return
        import zlib

        inflate = zlib.decompressobj(wbits=47)  # gzip, one member after the other
        ended = False
        for wire in self.response.raw.stream(_BLOCK, decode_content=False):
            self._bound_wire()
            if self.sink is _WIRE:
                self.raw.write(wire)
            elif self.sink is None:
                self.pending.append(wire)
            data = wire
            while data:
                if ended:  # the next member of a multi-member stream, or zeros after one
                    data = data.lstrip(b"\0")
                    if not data:
                        break
                    inflate, ended = zlib.decompressobj(wbits=47), False
                block = inflate.decompress(data, self._MAX_BLOCK)
                data = inflate.unconsumed_tail or inflate.unused_data
                ended = inflate.eof
                if block:
                    self._write(block)
                    yield block
        if not ended and not inflate.eof:
            raise FetchError("download cut short: the gzip stream ends before its end")

    def close(self) -> None:
        if self.sink is not None and self.sink is not _WIRE and self.sink is not self.raw:
            self.sink.close()


_WIRE: Any = object()  # _Body writes the wire bytes themselves


# What urllib3 and the resolver say when no connection can be made at all.
_UNREACHABLE = re.compile(
    r"Connection refused|Name or service not known|Temporary failure in name resolution|"
    r"No address associated with hostname|nodename nor servname|NameResolutionError|"
    r"Failed to resolve|Network is unreachable|No route to host|getaddrinfo failed",
    re.IGNORECASE,
)


def _expire(response: Any, expired: threading.Event) -> None:
    """Shut the socket of a download that outlived its deadline, waking a blocked read."""
    import socket

    expired.set()
    connection = getattr(response.raw, "connection", None) or getattr(
        response.raw, "_connection", None
    )
    sock = getattr(connection, "sock", None)
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


def _describe(exc: BaseException, http: HttpSettings, source: SourceSettings) -> str:
    """Name the fault behind a requests/urllib3 exception in a few plain words."""
    requests = load_requests()

    text = source.redact(str(exc))
    if isinstance(exc, requests.exceptions.ContentDecodingError):
        return "the body is corrupt (its Content-Encoding does not decode)"
    cut = re.search(r"IncompleteRead\((\d+) bytes read, (\d+) more expected", text)
    if cut:
        return (
            f"cut short: the connection closed after {cut.group(1)} bytes, "
            f"{cut.group(2)} more expected"
        )
    if "Connection broken" in text or "InvalidChunkLength" in text:
        return "cut short: the connection broke before the end of the body"
    if "timed out" in text.lower():
        return f"the upstream stopped sending (nothing for {http.read_timeout:g}s)"
    if "reset by peer" in text or "ConnectionResetError" in text:
        return "the connection was reset by the upstream"
    if "refused" in text.lower():
        return "connection refused"
    if "RemoteDisconnected" in text:
        return "the upstream closed the connection without an answer"
    if "Network is unreachable" in text or "No route to host" in text:
        return "no route to the upstream (network unreachable)"
    if re.search(r"Name or service not known|NameResolutionError|name resolution", text):
        return "cannot resolve the upstream's host name"
    return _short(exc, source)


def _refused(exc: BaseException, source: SourceSettings) -> str:
    named = re.search(r"'([^']*)'", source.redact(str(exc)))
    target = f": {named.group(1)[:200]}" if named else ""
    return f"refused a URL that is not http:// or https://{target}"


def _short(exc: BaseException, source: SourceSettings) -> str:
    """Return the first line of an exception's text, the key removed before it is cut."""
    full = source.redact(str(exc))
    text = full.splitlines()[0] if full else type(exc).__name__
    return text if len(text) <= 200 else text[:197] + "..."
