"""A loopback HTTP server that serves fixed bodies and misbehaves on demand.

Used by the tests and by the benchmark to stand in for the public DMR database
endpoints. Standard library only.

    from tests.upstream import Upstream, Fault

    with Upstream() as up:
        up.set("/users.json", b'{"users": []}', etag='"v1"', gzip=True)
        up.set_fault("/users.json", Fault.fail_first(2, 503, retry_after="1"))
        fetch(up.url("/users.json"))
        assert up.count("/users.json") == 3

Behaviour of a route without a fault: GET and HEAD, conditional requests
(If-None-Match with weak comparison, lists and ``*``; If-Modified-Since by exact
string match, ignored when If-None-Match is present, as RFC 9110 says) answer
304, gzip when the route allows it and the client accepts it, Content-Length
always (except on 304). Connections are kept alive for HTTP/1.1 clients that
ask for it; faults that break the stream close the connection.

``stop()`` returns quickly even while handlers are stalled: every accepted
socket is tracked and shut down, and every deliberate wait listens to a stop
event.
"""

from __future__ import annotations

import contextlib
import gzip as gzip_module
import socket
import socketserver
import struct
import sys
import threading
import time
import zlib
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, HTTPServer

__all__ = ["CHALLENGE_PAGE", "Fault", "Request", "Upstream"]

CHALLENGE_PAGE = (
    b"<!DOCTYPE html>\n"
    b'<html lang="en-US"><head><title>Just a moment...</title>\n'
    b'<meta http-equiv="Content-Type" content="text/html; charset=UTF-8">\n'
    b'<meta name="robots" content="noindex,nofollow">\n'
    b'</head><body><div class="main-wrapper" role="main">\n'
    b'<div class="main-content"><h1 class="zone-name-title h1">radioid.net</h1>\n'
    b'<h2 class="h2" id="challenge-running">Checking if the site connection is secure</h2>\n'
    b"<noscript><div>Enable JavaScript and cookies to continue</div></noscript>\n"
    b'</div></div><script src="/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1">'
    b"</script></body></html>\n"
)

WRONG_SHAPE_BODY = b'{"error": "maintenance", "data": 42}'


@dataclass(frozen=True)
class Fault:
    """How a route misbehaves. Build one with the static constructors."""

    kind: str
    rate: int = 0
    after: int = 0
    code: int = 0
    retry_after: str | None = None
    body: bytes = b""
    location: str = ""
    seconds: float = 0.0

    @staticmethod
    def throttle(bytes_per_second: int) -> Fault:
        """Send the body in small pieces at about this rate."""
        if bytes_per_second <= 0:
            raise ValueError("bytes_per_second must be positive")
        return Fault("throttle", rate=bytes_per_second)

    @staticmethod
    def truncate(after: int) -> Fault:
        """Announce the full Content-Length, close after ``after`` body bytes."""
        if after < 0:
            raise ValueError("after must be >= 0")
        return Fault("truncate", after=after)

    @staticmethod
    def status(code: int, retry_after: str | None = None, body: bytes = b"error") -> Fault:
        """Answer every request with this status (and Retry-After when given)."""
        return Fault("status", code=code, retry_after=retry_after, body=body)

    @staticmethod
    def html() -> Fault:
        """200 text/html with a Cloudflare-like challenge page."""
        return Fault("html", code=200, body=CHALLENGE_PAGE)

    @staticmethod
    def stall() -> Fault:
        """Read the request and never answer (until the server stops)."""
        return Fault("stall")

    @staticmethod
    def stall_after(n: int) -> Fault:
        """Send the headers and the first ``n`` body bytes, then hang without closing."""
        if n < 0:
            raise ValueError("n must be >= 0")
        return Fault("stall_after", after=n)

    @staticmethod
    def reset() -> Fault:
        """Read the request, then abort the connection (RST, via SO_LINGER 0)."""
        return Fault("reset")

    @staticmethod
    def fail_first(k: int, code: int = 503, retry_after: str | None = None) -> Fault:
        """The first ``k`` requests since the fault was installed get ``code``."""
        if k < 0:
            raise ValueError("k must be >= 0")
        return Fault("fail_first", after=k, code=code, retry_after=retry_after, body=b"error")

    @staticmethod
    def wrong_shape() -> Fault:
        """200 with valid JSON of the wrong shape."""
        return Fault("wrong_shape", code=200, body=WRONG_SHAPE_BODY)

    @staticmethod
    def corrupt_gzip() -> Fault:
        """``Content-Encoding: gzip`` (whatever the client accepts) with a body that breaks
        halfway: the first half of the route body decodes, then an invalid block."""
        return Fault("corrupt_gzip")

    @staticmethod
    def redirect(location: str, code: int = 302) -> Fault:
        """Answer with a redirect to ``location`` (sent verbatim)."""
        return Fault("redirect", code=code, location=location)

    @staticmethod
    def slow_headers(seconds: float) -> Fault:
        """Wait ``seconds`` before sending anything, then answer normally."""
        if seconds < 0:
            raise ValueError("seconds must be >= 0")
        return Fault("slow_headers", seconds=seconds)


@dataclass(frozen=True)
class Request:
    """One request as the server saw it."""

    method: str
    path: str  # the request target as sent, query string included
    headers: dict[str, str]
    time: float  # time.monotonic() when the request head had been read


@dataclass
class _Route:
    body: bytes
    content_type: str
    etag: str | None
    last_modified: str | None
    gzip_body: bytes | None
    fault: Fault | None
    fault_hits: int = 0  # requests seen since the fault was installed
    lock: threading.Lock = field(default_factory=threading.Lock)


def _gzip(data: bytes) -> bytes:
    return gzip_module.compress(data, compresslevel=6, mtime=0)


def _corrupt_gzip(data: bytes) -> bytes:
    """A gzip stream that decodes the first half of ``data`` and then breaks.

    The first half is deflated and flushed to a byte boundary (Z_FULL_FLUSH), so
    the next byte starts a block header; 0x06 there declares block type 3, which
    does not exist, so every inflater fails at that point whatever ``data`` is.
    Garbage follows and the CRC/size trailer is missing (truncated).
    """
    half = len(data) // 2
    deflater = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    prefix = deflater.compress(data[:half]) + deflater.flush(zlib.Z_FULL_FLUSH)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03"
    return header + prefix + b"\x06\xde\xad\xbe\xef"


def _strip_weak(tag: str) -> str:
    tag = tag.strip()
    return tag[2:] if tag[:2] in ("W/", "w/") else tag


def _accepts_gzip(header: str | None) -> bool:
    if not header:
        return False
    for item in header.split(","):
        name, _, params = item.strip().partition(";")
        if name.strip().lower() not in ("gzip", "x-gzip", "*"):
            continue
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if q > 0:
            return True
    return False


class _Server(socketserver.ThreadingMixIn, HTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], upstream: Upstream) -> None:
        self.upstream = upstream
        self.stopping = threading.Event()
        self.errors: list[BaseException] = []
        self._open: set[socket.socket] = set()
        self._to_reset: set[socket.socket] = set()
        self._handler_threads: set[threading.Thread] = set()
        self._track_lock = threading.Lock()
        host = address[0]
        if ":" in host:
            self.address_family = socket.AF_INET6
        super().__init__(address, _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind calls socket.getfqdn(), a reverse DNS lookup
        # that can take seconds on a badly configured machine. Skip it.
        socketserver.TCPServer.server_bind(self)
        self.server_name = str(self.server_address[0])
        self.server_port = int(self.server_address[1])

    def process_request(self, request: socket.socket, client_address: object) -> None:  # type: ignore[override]
        if self.stopping.is_set():
            self.shutdown_request(request)
            return
        thread = threading.Thread(
            target=self.process_request_thread,
            args=(request, client_address),
            name="upstream-handler",
            daemon=True,
        )
        with self._track_lock:
            self._open.add(request)
            self._handler_threads.add(thread)
        thread.start()

    def process_request_thread(self, request: socket.socket, client_address: object) -> None:  # type: ignore[override]
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self._track_lock:
                self._handler_threads.discard(threading.current_thread())

    def mark_for_reset(self, request: socket.socket) -> None:
        with self._track_lock:
            self._to_reset.add(request)

    def shutdown_request(self, request: socket.socket) -> None:  # type: ignore[override]
        with self._track_lock:
            self._open.discard(request)
            reset = request in self._to_reset
            self._to_reset.discard(request)
        if reset:
            # No shutdown(SHUT_WR): that would send a FIN before the RST.
            with contextlib.suppress(OSError):
                request.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_request(request)
        else:
            super().shutdown_request(request)

    def handle_error(self, request: object, client_address: object) -> None:
        exc = sys.exc_info()[1]
        if exc is None or isinstance(exc, (OSError, ValueError)):
            return  # the client (or stop()) went away mid-response: expected here
        self.errors.append(exc)

    def abort_connections(self, timeout: float) -> None:
        """Wake and close every handler; wait up to ``timeout`` for their threads."""
        self.stopping.set()
        with self._track_lock:
            sockets = list(self._open)
            threads = list(self._handler_threads)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        deadline = time.monotonic() + timeout
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "dmr-edge-test-upstream/1"
    server: _Server

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def do_GET(self) -> None:  # noqa: N802
        self._serve(head=False)

    def do_HEAD(self) -> None:  # noqa: N802
        self._serve(head=True)

    # -- helpers ---------------------------------------------------------

    def _wait(self, seconds: float | None) -> bool:
        """Sleep, waking early on stop. True when the server is stopping."""
        return self.server.stopping.wait(seconds)

    def _headers_dict(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for name, value in self.headers.items():
            key = name.lower()
            out[key] = f"{out[key]}, {value}" if key in out else value
        return out

    def _send(
        self,
        code: int,
        body: bytes,
        *,
        head: bool,
        content_type: str | None = "text/plain",
        extra: list[tuple[str, str]] | None = None,
        close: bool = False,
    ) -> None:
        self.send_response(code)
        if content_type:
            self.send_header("Content-Type", content_type)
        for name, value in extra or ():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        if close:
            self.close_connection = True
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if not head and body:
            self.wfile.write(body)

    def _start_body(
        self, code: int, length: int, content_type: str, extra: list[tuple[str, str]]
    ) -> None:
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        for name, value in extra:
            self.send_header(name, value)
        self.send_header("Content-Length", str(length))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()

    def _not_modified(self, route: _Route) -> bool:
        inm = self.headers.get("If-None-Match")
        if inm is not None:
            if route.etag is None:
                return inm.strip() == "*"
            wanted = _strip_weak(route.etag)
            return any(t.strip() == "*" or _strip_weak(t) == wanted for t in inm.split(","))
        ims = self.headers.get("If-Modified-Since")
        return ims is not None and route.last_modified is not None and ims == route.last_modified

    # -- the request -----------------------------------------------------

    def _serve(self, *, head: bool) -> None:
        up = self.server.upstream
        up._log(Request(self.command, self.path, self._headers_dict(), time.monotonic()))
        route_path = self.path.split("?", 1)[0].split("#", 1)[0]
        route = up._route(route_path)
        if route is None:
            self._send(
                404,
                b'{"error": "not found"}',
                head=head,
                content_type="application/json",
            )
            return

        with route.lock:
            fault = route.fault
            route.fault_hits += 1
            hits = route.fault_hits
        kind = fault.kind if fault else ""

        if fault is not None:
            if kind == "stall":
                self.close_connection = True
                self._wait(None)
                return
            if kind == "reset":
                self.close_connection = True
                self.server.mark_for_reset(self.request)
                return
            if kind == "slow_headers" and self._wait(fault.seconds):
                self.close_connection = True
                return
            if kind == "status" or (kind == "fail_first" and hits <= fault.after):
                extra = [("Retry-After", fault.retry_after)] if fault.retry_after else []
                self._send(fault.code, fault.body, head=head, extra=extra)
                return
            if kind == "html":
                self._send(
                    200,
                    fault.body,
                    head=head,
                    content_type="text/html; charset=UTF-8",
                    extra=[("Server", "cloudflare"), ("Cache-Control", "no-store")],
                )
                return
            if kind == "wrong_shape":
                self._send(200, fault.body, head=head, content_type="application/json")
                return
            if kind == "redirect":
                self._send(
                    fault.code,
                    b"",
                    head=head,
                    content_type=None,
                    extra=[("Location", fault.location)],
                )
                return
            if kind == "corrupt_gzip":
                self._send(
                    200,
                    _corrupt_gzip(route.body),
                    head=head,
                    content_type=route.content_type,
                    extra=[("Content-Encoding", "gzip")],
                )
                return

        validators: list[tuple[str, str]] = []
        if route.etag is not None:
            validators.append(("ETag", route.etag))
        if route.last_modified is not None:
            validators.append(("Last-Modified", route.last_modified))
        if route.gzip_body is not None:
            validators.append(("Vary", "Accept-Encoding"))

        if self._not_modified(route):
            self.send_response(304)
            for name, value in validators:
                self.send_header(name, value)
            if self.close_connection:
                self.send_header("Connection", "close")
            self.end_headers()
            return

        body = route.body
        extra = list(validators)
        if route.gzip_body is not None and _accepts_gzip(self.headers.get("Accept-Encoding")):
            body = route.gzip_body
            extra.append(("Content-Encoding", "gzip"))

        if kind in ("truncate", "stall_after"):
            self.close_connection = True
        self._start_body(200, len(body), route.content_type, extra)
        if head:
            return

        if kind == "truncate":
            self.wfile.write(body[: fault.after])  # type: ignore[union-attr]
            return
        if kind == "stall_after":
            self.wfile.write(body[: fault.after])  # type: ignore[union-attr]
            self._wait(None)
            return
        if kind == "throttle":
            self._write_throttled(body, fault.rate)  # type: ignore[union-attr]
            return
        self.wfile.write(body)

    def _write_throttled(self, body: bytes, rate: int) -> None:
        chunk = max(1, min(64 * 1024, rate // 50))
        start = time.monotonic()
        sent = 0
        while sent < len(body):
            piece = body[sent : sent + chunk]
            self.wfile.write(piece)
            sent += len(piece)
            delay = start + sent / rate - time.monotonic()
            if delay > 0 and sent < len(body) and self._wait(delay):
                self.close_connection = True
                return


class Upstream:
    """A loopback HTTP server with per-route bodies and faults.

    Use as a context manager, or call ``start()`` and ``stop()``.
    """

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self._routes: dict[str, _Route] = {}
        self._routes_lock = threading.Lock()
        self._log_list: list[Request] = []
        self._log_lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._port: int | None = None

    # -- lifecycle -------------------------------------------------------

    def start(self) -> Upstream:
        if self._server is not None:
            raise RuntimeError("Upstream already started")
        server = _Server((self.host, 0), self)
        self._port = int(server.server_address[1])
        thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="upstream-server",
            daemon=True,
        )
        self._server = server
        self._thread = thread
        thread.start()
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None:
            return
        self._server = None
        self._thread = None
        server.stopping.set()
        server.shutdown()  # stops accepting; returns within one poll interval
        server.server_close()
        server.abort_connections(timeout=1.0)
        if thread is not None:
            thread.join(1.0)

    def __enter__(self) -> Upstream:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- addresses -------------------------------------------------------

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("Upstream not started")
        return self._port

    @property
    def base_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def url(self, path: str) -> str:
        if not path.startswith("/"):
            path = "/" + path
        return self.base_url + path

    # -- routes ----------------------------------------------------------

    def set(
        self,
        path: str,
        body: bytes,
        *,
        content_type: str = "application/json",
        etag: str | None = None,
        last_modified: str | None = None,
        gzip: bool = False,
        fault: Fault | None = None,
    ) -> None:
        """Serve ``body`` at ``path`` (replacing any previous route there)."""
        route = _Route(
            body=bytes(body),
            content_type=content_type,
            etag=etag,
            last_modified=last_modified,
            gzip_body=_gzip(body) if gzip else None,
            fault=fault,
        )
        with self._routes_lock:
            self._routes[path] = route

    def set_fault(self, path: str, fault: Fault | None) -> None:
        """Change only the fault of an existing route; restarts fail_first's count."""
        route = self._route(path)
        if route is None:
            raise KeyError(path)
        with route.lock:
            route.fault = fault
            route.fault_hits = 0

    def _route(self, path: str) -> _Route | None:
        with self._routes_lock:
            return self._routes.get(path)

    # -- request log -----------------------------------------------------

    def _log(self, request: Request) -> None:
        with self._log_lock:
            self._log_list.append(request)

    @property
    def requests(self) -> list[Request]:
        """A copy of the request log, oldest first."""
        with self._log_lock:
            return list(self._log_list)

    def count(self, path: str) -> int:
        """Requests seen for ``path`` (query strings ignored unless ``path`` has one)."""
        with_query = "?" in path
        with self._log_lock:
            return sum(
                1
                for r in self._log_list
                if (r.path if with_query else r.path.split("?", 1)[0]) == path
            )

    def clear_log(self) -> None:
        with self._log_lock:
            self._log_list.clear()
