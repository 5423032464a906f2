"""The loopback mirror: files served like the upstreams serve them, fast or over a slow link.

``Mirror`` serves files at ``/<route>.json`` on 127.0.0.1 over HTTP/1.1 with keep-alive, an
ETag and 304 answers to ``If-None-Match``, and gzip when the client accepts it (radioid's
61 MB users.json comes as about 7 MB of gzip); every download the bench and the demo make
goes through it. ``Mirror(rate=..., latency=...)`` is a cellular link: each connection
gets ``rate`` bytes per second and every request waits ``latency`` seconds before its
answer. Each answer is logged (``take_log``), so a caller can tell whether downloads
overlapped. Standard library only.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

GZIP_LEVEL = 6  # what gzip(1) and nginx's gzip_static files use by default
_PIECE = 16 * 1024  # bytes sent at a time on a throttled connection


@dataclass
class Served:
    """One answer of the mirror: to which route, when, and how many body bytes."""

    route: str
    status: int
    started: float  # time.monotonic() when the request had been read
    ended: float  # when the last byte of the answer was handed to the kernel
    body_bytes: int
    encoding: str  # "gzip" or "identity"

    @property
    def seconds(self) -> float:
        return self.ended - self.started


@dataclass
class _Route:
    path: Path
    etag: str | None
    gzip_path: Path | None


def gzip_file(source: Path, target: Path, level: int = GZIP_LEVEL) -> Path:
    """Write ``source`` gzip-compressed to ``target`` in constant memory; return ``target``."""
    packer = zlib.compressobj(level, zlib.DEFLATED, 31)  # 31: a gzip header and trailer
    temp = target.with_name(target.name + ".part")
    with open(source, "rb") as src, open(temp, "wb") as out:
        for block in iter(lambda: src.read(1 << 20), b""):
            out.write(packer.compress(block))
        out.write(packer.flush())
    os.replace(temp, target)
    return target


def overlap(served: list[Served], slack: float = 0.02) -> tuple[int, float, float]:
    """Given answers, return (most in flight at once, seconds any was in flight, their sum).

    An answer is logged a moment after its last byte left, while a client that fetches one
    source after another may already have sent its next request: answers that overlap by
    less than ``slack`` seconds do not count as in flight together.
    """
    events = sorted(
        [(s.started, 1) for s in served] + [(max(s.started, s.ended - slack), -1) for s in served]
    )
    most = current = 0
    for _moment, step in events:
        current += step
        most = max(most, current)
    busy = since = 0.0
    current = 0
    for moment, step in sorted([(s.started, 1) for s in served] + [(s.ended, -1) for s in served]):
        if current == 0:
            since = moment
        current += step
        if current == 0:
            busy += moment - since
    return most, busy, sum(s.seconds for s in served)


class Mirror:
    """Serve files at ``/<route>.json`` on 127.0.0.1 with ETag/304 and gzip.

    A route's ETag is derived from the file's identity (inode, size, mtime), so replacing
    the file served under a route changes it; ``set(..., etag=False)`` serves a route with
    no validators at all, so every request downloads the whole body again. With ``gzip``
    (the default) each file is compressed once when it is set, and a client that sends
    ``Accept-Encoding: gzip`` gets the compressed body.
    """

    def __init__(self, *, rate: int | None = None, latency: float = 0.0, gzip: bool = True) -> None:
        if rate is not None and rate <= 0:
            raise ValueError("rate must be a positive number of bytes per second")
        self.rate = rate
        self.latency = latency
        self.gzip = gzip
        self.routes: dict[str, _Route] = {}
        self.lock = threading.Lock()
        self.idle = threading.Condition(self.lock)
        self.in_flight = 0
        self.requests = 0
        self.log: list[Served] = []
        self.server: Any = None
        self.thread: threading.Thread | None = None

    # --- what is served --------------------------------------------------------------

    def set(self, route: str, path: Path, *, etag: bool = True) -> None:
        """Serve ``path`` at ``route`` (compressing it first when gzip is on)."""
        path = Path(path)
        st = os.stat(path)
        tag = f'"{st.st_ino:x}-{st.st_size:x}-{st.st_mtime_ns:x}"' if etag else None
        packed = None
        if self.gzip and path.is_file():
            packed = path.with_name(path.name + ".gz")
            fresh = packed.exists() and packed.stat().st_mtime_ns >= st.st_mtime_ns
            if not fresh:
                gzip_file(path, packed)
        with self.lock:
            self.routes[route] = _Route(path, tag, packed)

    def share(self, other: Mirror) -> None:
        """Serve the routes of ``other`` (already compressed) as they are now."""
        with other.lock:
            routes = dict(other.routes)
        with self.lock:
            self.routes.update(routes)

    def path(self, route: str) -> Path:
        with self.lock:
            return self.routes[route].path

    def lookup(self, route: str) -> _Route | None:
        with self.lock:
            self.requests += 1
            self.in_flight += 1
            return self.routes.get(route)

    def url(self, route: str) -> str:
        return f"http://127.0.0.1:{self.port}/{route}.json"

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    def take_log(self, settle: float = 2.0) -> list[Served]:
        """Return the answers given since the last call, and forget them.

        A client may have its answer a moment before the mirror notes it: wait up to
        ``settle`` seconds for the answers in flight to be noted.
        """
        with self.idle:
            self.idle.wait_for(lambda: self.in_flight == 0, timeout=settle)
            log, self.log = self.log, []
        return log

    def _served(self, record: Served) -> None:
        with self.idle:
            self.log.append(record)
            self.in_flight -= 1
            self.idle.notify_all()

    # --- the server ------------------------------------------------------------------

    def start(self) -> Mirror:
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

            def do_HEAD(self) -> None:  # noqa: N802 - the http.server spelling
                self._answer(body=False)

            def do_GET(self) -> None:  # noqa: N802
                self._answer(body=True)

            def _answer(self, body: bool) -> None:
                started = time.monotonic()
                route = self.path.split("?")[0].lstrip("/")
                route = route[: -len(".json")] if route.endswith(".json") else route
                found = owner.lookup(route)
                served = Served(route, 0, started, started, 0, "identity")
                try:
                    served.status, served.body_bytes, served.encoding = self._send(found, body)
                finally:
                    # Noted even when the client went away mid-answer (status 0 then).
                    served.ended = time.monotonic()
                    owner._served(served)

            def _send(self, found: _Route | None, body: bool) -> tuple[int, int, str]:
                """Answer the request; return (status, body bytes sent, encoding)."""
                if owner.latency:
                    time.sleep(owner.latency)
                if found is None:
                    self._empty(404, None)
                    return 404, 0, "identity"
                if found.etag is not None and found.etag in self.headers.get("If-None-Match", ""):
                    self._empty(304, found.etag)
                    return 304, 0, "identity"
                accepts = "gzip" in self.headers.get("Accept-Encoding", "").lower()
                packed = found.gzip_path if accepts else None
                sent = 0
                with open(packed or found.path, "rb") as handle:
                    size = os.fstat(handle.fileno()).st_size
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(size))
                    if packed is not None:
                        self.send_header("Content-Encoding", "gzip")
                    self.send_header("Vary", "Accept-Encoding")
                    if found.etag is not None:
                        self.send_header("ETag", found.etag)
                    self.end_headers()
                    self.wfile.flush()
                    if body:
                        with contextlib.suppress(OSError):
                            sent = self._body(handle, size)
                return 200, sent, "gzip" if packed is not None else "identity"

            def _empty(self, status: int, tag: str | None) -> None:
                self.send_response(status)
                if tag is not None:
                    self.send_header("ETag", tag)
                if status != 304:
                    self.send_header("Content-Length", "0")
                self.end_headers()

            def _body(self, handle: Any, size: int) -> int:
                if owner.rate is None:
                    self.connection.sendfile(handle)
                    return size
                began = time.monotonic()
                sent = 0
                for piece in iter(lambda: handle.read(_PIECE), b""):
                    self.wfile.write(piece)
                    sent += len(piece)
                    ahead = sent / owner.rate - (time.monotonic() - began)
                    if ahead > 0:
                        time.sleep(ahead)
                self.wfile.flush()
                return sent

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(
            target=self.server.serve_forever, name="dmr-edge-mirror", daemon=True
        )
        self.thread.start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def __enter__(self) -> Mirror:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
