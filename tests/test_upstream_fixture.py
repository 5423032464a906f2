"""The loopback upstream used by the other tests behaves as documented."""

from __future__ import annotations

import gzip
import http.client
import json
import socket
import threading
import time
import urllib.error
import urllib.request
import zlib
from collections.abc import Iterator

import pytest

from tests.upstream import Fault, Upstream

BODY = b'{"users": [{"id": 1023007, "callsign": "VA3BOC"}]}'
BIG = b'{"users": [' + b",".join(b'{"id": %d}' % i for i in range(2000)) + b"]}"

# Ignore any http_proxy in the environment: these requests must stay on loopback.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@pytest.fixture
def up() -> Iterator[Upstream]:
    with Upstream() as server:
        yield server


def get(url: str, headers: dict[str, str] | None = None, timeout: float = 5.0):
    return OPENER.open(urllib.request.Request(url, headers=headers or {}), timeout=timeout)


def conn(up: Upstream, timeout: float = 5.0) -> http.client.HTTPConnection:
    return http.client.HTTPConnection("127.0.0.1", up.port, timeout=timeout)


def raw_get(up: Upstream, path: str, timeout: float) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", up.port), timeout=timeout)
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
    return sock


def read_until_timeout(sock: socket.socket) -> bytes:
    """Everything the server sends before it goes quiet (raises if it closes)."""
    data = b""
    while True:
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            return data
        if not chunk:
            raise AssertionError(f"server closed the connection after {data!r}")
        data += chunk


# -- normal behaviour ----------------------------------------------------------


def test_get_returns_body_with_content_type_and_length(up: Upstream) -> None:
    up.set("/users.json", BODY)
    with get(up.url("/users.json")) as resp:
        assert resp.status == 200
        assert resp.headers["Content-Type"] == "application/json"
        assert resp.headers["Content-Length"] == str(len(BODY))
        assert resp.read() == BODY


def test_urls_point_at_the_bound_loopback_port(up: Upstream) -> None:
    assert up.port > 0
    assert up.base_url == f"http://127.0.0.1:{up.port}"
    assert up.url("/users.json") == f"http://127.0.0.1:{up.port}/users.json"


def test_head_sends_headers_without_body(up: Upstream) -> None:
    up.set("/users.json", BODY, etag='"v1"')
    c = conn(up)
    c.request("HEAD", "/users.json")
    resp = c.getresponse()
    assert resp.status == 200
    assert resp.headers["Content-Length"] == str(len(BODY))
    assert resp.headers["ETag"] == '"v1"'
    assert resp.read() == b""
    c.close()


def test_unknown_path_gets_404_with_json_body(up: Upstream) -> None:
    with pytest.raises(urllib.error.HTTPError) as info:
        get(up.url("/nope.json"))
    assert info.value.code == 404
    assert json.loads(info.value.read()) == {"error": "not found"}


def test_keep_alive_serves_several_requests_on_one_connection(up: Upstream) -> None:
    up.set("/a", b"first")
    up.set("/b", b"second")
    c = conn(up)
    c.request("GET", "/a")
    assert c.getresponse().read() == b"first"
    sock = c.sock
    c.request("GET", "/b")
    assert c.getresponse().read() == b"second"
    assert c.sock is sock
    c.close()


def test_set_replaces_an_existing_route(up: Upstream) -> None:
    up.set("/users.json", b"old")
    up.set("/users.json", b"new")
    with get(up.url("/users.json")) as resp:
        assert resp.read() == b"new"


def test_query_string_is_logged_but_ignored_for_routing(up: Upstream) -> None:
    up.set("/users.json", BODY)
    with get(up.url("/users.json?x=1")) as resp:
        assert resp.read() == BODY
    assert up.requests[0].path == "/users.json?x=1"
    assert up.count("/users.json") == 1
    assert up.count("/users.json?x=1") == 1


# -- conditional requests --------------------------------------------------------


def test_second_request_with_matching_etag_gets_304(up: Upstream) -> None:
    up.set("/users.json", BODY, etag='"abc"')
    with get(up.url("/users.json")) as resp:
        etag = resp.headers["ETag"]
        assert etag == '"abc"'
    c = conn(up)
    c.request("GET", "/users.json", headers={"If-None-Match": etag})
    resp = c.getresponse()
    assert resp.status == 304
    assert resp.headers["ETag"] == '"abc"'
    assert resp.read() == b""
    c.close()


@pytest.mark.parametrize("header", ['"x", "abc"', "*", 'W/"abc"'])
def test_etag_in_a_list_star_or_weak_form_gets_304(up: Upstream, header: str) -> None:
    up.set("/users.json", BODY, etag='"abc"')
    c = conn(up)
    c.request("GET", "/users.json", headers={"If-None-Match": header})
    assert c.getresponse().status == 304
    c.close()


def test_changed_etag_gets_full_body(up: Upstream) -> None:
    up.set("/users.json", BODY, etag='"v2"')
    with get(up.url("/users.json"), {"If-None-Match": '"v1"'}) as resp:
        assert resp.status == 200
        assert resp.read() == BODY


def test_matching_last_modified_gets_304_and_other_dates_get_body(up: Upstream) -> None:
    stamp = "Sun, 23 Nov 2025 04:00:00 GMT"
    up.set("/users.json", BODY, last_modified=stamp)
    c = conn(up)
    c.request("GET", "/users.json", headers={"If-Modified-Since": stamp})
    resp = c.getresponse()
    assert resp.status == 304
    assert resp.headers["Last-Modified"] == stamp
    resp.read()
    c.request("GET", "/users.json", headers={"If-Modified-Since": "Sat, 01 Jan 2000 00:00:00 GMT"})
    resp = c.getresponse()
    assert resp.status == 200
    assert resp.read() == BODY
    c.close()


# -- gzip --------------------------------------------------------------------------


def test_gzip_route_compresses_when_client_accepts_gzip(up: Upstream) -> None:
    up.set("/users.json", BIG, gzip=True)
    with get(up.url("/users.json"), {"Accept-Encoding": "deflate, gzip"}) as resp:
        assert resp.headers["Content-Encoding"] == "gzip"
        data = resp.read()
        assert resp.headers["Content-Length"] == str(len(data))
    assert len(data) < len(BIG)
    assert gzip.decompress(data) == BIG


def test_gzip_route_sends_identity_when_client_does_not_accept_gzip(up: Upstream) -> None:
    up.set("/users.json", BIG, gzip=True)
    for headers in ({}, {"Accept-Encoding": "gzip;q=0, identity"}):
        with get(up.url("/users.json"), headers) as resp:
            assert resp.headers.get("Content-Encoding") is None
            assert resp.read() == BIG


# -- request log ---------------------------------------------------------------------


def test_request_log_records_method_path_lowercase_headers_and_time(up: Upstream) -> None:
    up.set("/users.json", BODY)
    before = time.monotonic()
    get(up.url("/users.json"), {"X-Probe": "one"}).close()
    c = conn(up)
    c.request("HEAD", "/users.json")
    c.getresponse().read()
    c.close()
    with pytest.raises(urllib.error.HTTPError):
        get(up.url("/missing"))

    log = up.requests
    assert [(r.method, r.path) for r in log] == [
        ("GET", "/users.json"),
        ("HEAD", "/users.json"),
        ("GET", "/missing"),
    ]
    assert log[0].headers["x-probe"] == "one"
    assert all(k == k.lower() for r in log for k in r.headers)
    assert before <= log[0].time <= log[1].time <= log[2].time <= time.monotonic()
    assert up.count("/users.json") == 2
    assert up.count("/missing") == 1

    up.clear_log()
    assert up.requests == []
    assert up.count("/users.json") == 0


def test_requests_returns_a_copy(up: Upstream) -> None:
    up.set("/a", b"x")
    get(up.url("/a")).close()
    snapshot = up.requests
    get(up.url("/a")).close()
    assert len(snapshot) == 1
    assert len(up.requests) == 2


# -- faults ----------------------------------------------------------------------------


def test_throttle_spreads_the_body_over_time(up: Upstream) -> None:
    body = b"x" * 4000
    up.set("/slow", body, fault=Fault.throttle(20000))  # about 0.2 s
    start = time.monotonic()
    with get(up.url("/slow")) as resp:
        assert resp.read() == body
    assert time.monotonic() - start >= 0.15


def test_truncate_announces_full_length_but_closes_early(up: Upstream) -> None:
    up.set("/users.json", BIG, fault=Fault.truncate(100))
    c = conn(up)
    c.request("GET", "/users.json")
    resp = c.getresponse()
    assert resp.headers["Content-Length"] == str(len(BIG))
    with pytest.raises(http.client.IncompleteRead) as info:
        resp.read()
    assert info.value.partial == BIG[:100]
    c.close()


def test_status_fault_answers_code_with_retry_after(up: Upstream) -> None:
    up.set("/users.json", BODY, fault=Fault.status(429, retry_after="120"))
    with pytest.raises(urllib.error.HTTPError) as info:
        get(up.url("/users.json"))
    assert info.value.code == 429
    assert info.value.headers["Retry-After"] == "120"
    assert info.value.read() == b"error"


def test_status_fault_without_retry_after_sends_no_such_header(up: Upstream) -> None:
    up.set("/users.json", BODY, fault=Fault.status(500, body=b"boom"))
    with pytest.raises(urllib.error.HTTPError) as info:
        get(up.url("/users.json"))
    assert info.value.code == 500
    assert "Retry-After" not in info.value.headers
    assert info.value.read() == b"boom"


def test_html_fault_serves_a_challenge_page_with_status_200(up: Upstream) -> None:
    up.set("/users.json", BODY, fault=Fault.html())
    with get(up.url("/users.json")) as resp:
        assert resp.status == 200
        assert resp.headers["Content-Type"].startswith("text/html")
        page = resp.read()
    assert page.startswith(b"<!DOCTYPE html>")
    assert b"Just a moment" in page


def test_stall_reads_the_request_and_never_answers(up: Upstream) -> None:
    up.set("/users.json", BODY, fault=Fault.stall())
    sock = raw_get(up, "/users.json", timeout=0.3)
    try:
        assert read_until_timeout(sock) == b""
        assert up.count("/users.json") == 1
    finally:
        sock.close()


def test_stall_after_sends_headers_and_some_bytes_then_hangs_open(up: Upstream) -> None:
    up.set("/users.json", BIG, fault=Fault.stall_after(50))
    sock = raw_get(up, "/users.json", timeout=0.3)
    try:
        data = read_until_timeout(sock)
    finally:
        sock.close()
    head, _, body = data.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200")
    assert f"Content-Length: {len(BIG)}".encode() in head
    assert body == BIG[:50]


def test_reset_aborts_the_connection(up: Upstream) -> None:
    up.set("/users.json", BODY, fault=Fault.reset())
    sock = raw_get(up, "/users.json", timeout=2.0)
    try:
        with pytest.raises(ConnectionResetError):
            # The first recv may return b"" on some stacks only if a FIN came first;
            # a reset must surface as an error instead.
            while True:
                if not sock.recv(65536):
                    raise AssertionError("got a clean close instead of a reset")
    finally:
        sock.close()


def test_fail_first_fails_k_times_then_serves_normally(up: Upstream) -> None:
    up.set("/users.json", BODY, fault=Fault.fail_first(2, 503, retry_after="1"))
    for _ in range(2):
        with pytest.raises(urllib.error.HTTPError) as info:
            get(up.url("/users.json"))
        assert info.value.code == 503
        assert info.value.headers["Retry-After"] == "1"
    with get(up.url("/users.json")) as resp:
        assert resp.read() == BODY
    assert up.count("/users.json") == 3


def test_fail_first_counts_per_route(up: Upstream) -> None:
    up.set("/a", b"a", fault=Fault.fail_first(1, 500))
    up.set("/b", b"b", fault=Fault.fail_first(1, 500))
    with pytest.raises(urllib.error.HTTPError):
        get(up.url("/a"))
    with pytest.raises(urllib.error.HTTPError):
        get(up.url("/b"))
    assert get(up.url("/a")).read() == b"a"
    assert get(up.url("/b")).read() == b"b"


def test_set_fault_changes_only_the_fault_and_restarts_its_count(up: Upstream) -> None:
    up.set("/users.json", BODY, etag='"e"', fault=Fault.fail_first(1))
    with pytest.raises(urllib.error.HTTPError):
        get(up.url("/users.json"))
    assert get(up.url("/users.json")).read() == BODY
    up.set_fault("/users.json", Fault.fail_first(1, 502))
    with pytest.raises(urllib.error.HTTPError) as info:
        get(up.url("/users.json"))
    assert info.value.code == 502
    up.set_fault("/users.json", None)
    with get(up.url("/users.json")) as resp:
        assert resp.headers["ETag"] == '"e"'
        assert resp.read() == BODY


def test_set_fault_on_unknown_route_raises_key_error(up: Upstream) -> None:
    with pytest.raises(KeyError):
        up.set_fault("/nope", Fault.stall())


def test_wrong_shape_serves_valid_json_of_another_shape(up: Upstream) -> None:
    up.set("/users.json", BODY, fault=Fault.wrong_shape())
    with get(up.url("/users.json")) as resp:
        assert resp.status == 200
        assert resp.headers["Content-Type"] == "application/json"
        doc = json.loads(resp.read())
    assert doc == {"error": "maintenance", "data": 42}


def test_corrupt_gzip_claims_gzip_but_does_not_decompress(up: Upstream) -> None:
    up.set("/users.json", BIG, gzip=True, fault=Fault.corrupt_gzip())
    with get(up.url("/users.json"), {"Accept-Encoding": "gzip"}) as resp:
        assert resp.headers["Content-Encoding"] == "gzip"
        data = resp.read()
        assert resp.headers["Content-Length"] == str(len(data))
    assert data[:2] == b"\x1f\x8b"
    with pytest.raises((OSError, EOFError, zlib.error)):
        gzip.decompress(data)
    # A streaming inflater gets a valid prefix before the stream breaks.
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    out = b""
    with pytest.raises(zlib.error):
        for i in range(0, len(data), 64):
            out += inflater.decompress(data[i : i + 64])
    assert len(out) > 0
    assert BIG.startswith(out)


def test_redirect_to_a_loopback_path_is_followed(up: Upstream) -> None:
    up.set("/old.json", b"", fault=Fault.redirect("/new.json", 301))
    up.set("/new.json", BODY)
    with get(up.url("/old.json")) as resp:
        assert resp.read() == BODY
        assert resp.geturl() == up.url("/new.json")
    assert [r.path for r in up.requests] == ["/old.json", "/new.json"]


@pytest.mark.parametrize("location", ["file:///etc/passwd", "ftp://127.0.0.1/users.json"])
def test_redirect_to_another_scheme_is_sent_verbatim(up: Upstream, location: str) -> None:
    up.set("/users.json", BODY, fault=Fault.redirect(location))
    c = conn(up)
    c.request("GET", "/users.json")
    resp = c.getresponse()
    assert resp.status == 302
    assert resp.headers["Location"] == location
    assert resp.read() == b""
    c.close()
    with pytest.raises(urllib.error.URLError):  # refused (file:) or unreachable (ftp:)
        get(up.url("/users.json"), timeout=1.0)


def test_slow_headers_delays_the_answer_then_answers_normally(up: Upstream) -> None:
    up.set("/users.json", BODY, fault=Fault.slow_headers(0.3))
    with pytest.raises((socket.timeout, urllib.error.URLError)):
        get(up.url("/users.json"), timeout=0.1).read()
    start = time.monotonic()
    with get(up.url("/users.json"), timeout=2.0) as resp:
        assert resp.read() == BODY
    assert time.monotonic() - start >= 0.25


@pytest.mark.parametrize("make", [Fault.stall, lambda: Fault.truncate(-1), Fault.reset])
def test_faults_are_immutable_values(make) -> None:
    try:
        fault = make()
    except ValueError:
        return  # invalid arguments are refused up front
    with pytest.raises(AttributeError):
        fault.kind = "other"
    assert fault == make()


# -- lifecycle ---------------------------------------------------------------------------


def test_start_and_stop_work_without_a_with_block() -> None:
    server = Upstream(host="127.0.0.1").start()
    try:
        server.set("/a", b"ok")
        assert get(server.url("/a")).read() == b"ok"
    finally:
        server.stop()
    server.stop()  # idempotent
    with pytest.raises(OSError):
        get(server.url("/a"), timeout=1.0)


def test_stop_returns_quickly_while_connections_are_stalled() -> None:
    server = Upstream().start()
    server.set("/stall", BODY, fault=Fault.stall())
    server.set("/stall-after", BIG, fault=Fault.stall_after(10))
    server.set("/slow", BIG, fault=Fault.throttle(100))
    server.set("/ok", BODY)
    idle = conn(server)  # an idle keep-alive connection
    idle.request("GET", "/ok")
    idle.getresponse().read()
    socks = [raw_get(server, p, timeout=5.0) for p in ("/stall", "/stall-after", "/slow")]
    deadline = time.monotonic() + 2.0
    while server.count("/slow") < 1 or server.count("/stall") < 1:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    start = time.monotonic()
    server.stop()
    assert time.monotonic() - start < 2.0
    for sock in socks:
        sock.settimeout(2.0)
        try:
            while sock.recv(65536):
                pass  # drained to EOF: the server closed it
        except OSError:
            pass  # a reset is fine too
        sock.close()
    idle.close()
    leftover = [t for t in threading.enumerate() if t.name.startswith("upstream-")]
    assert leftover == []


def test_concurrent_clients_are_served_in_parallel(up: Upstream) -> None:
    up.set("/slow", b"x" * 3000, fault=Fault.throttle(10000))  # about 0.3 s each
    results: list[bytes] = []

    def fetch() -> None:
        with get(up.url("/slow")) as resp:
            results.append(resp.read())

    threads = [threading.Thread(target=fetch) for _ in range(5)]
    start = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert time.monotonic() - start < 1.2  # one after another would take 1.5 s
    assert results == [b"x" * 3000] * 5
