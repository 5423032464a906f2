"""The cache keeps a download compact: the gzip body as it came over the wire, or
compressed here when it came plain, with every guarantee of the plain cache intact."""

from __future__ import annotations

import gzip
import json
import os

import pytest

from tests.conftest import PATHS, cached, dump, tiny_documents, write_config
from tests.upstream import Fault

USERS = "radioid_users"


def users(count: int, first: int = 3100000) -> bytes:
    return json.dumps(
        {"users": [{"id": first + i, "callsign": f"K{i}AB", "fname": "Ann", "city": "Ames"}
                   for i in range(count)]}
    ).encode()  # fmt: skip


@pytest.fixture
def config(tmp_path, upstream):
    return write_config(tmp_path / "c.toml", tmp_path, upstream, enabled=[USERS])


def test_a_gzip_download_is_kept_as_the_bytes_that_came_over_the_wire(
    cli, tmp_path, upstream, config
):
    document = users(3000)
    upstream.set(PATHS[USERS], document, etag='"v1"', gzip=True)
    assert cli("sync", "--config", config).code == 0
    cache = tmp_path / "cache" / f"{USERS}.json"
    wire = gzip.compress(document, compresslevel=6, mtime=0)  # what the upstream sends
    assert cache.read_bytes() == wire
    assert cached(cache) == document
    assert len(wire) * 5 < len(document)
    assert json.loads(cli("status", "--json", "--config", config).out)["sources"][USERS][
        "cache_bytes"
    ] == len(wire)


def test_a_plain_download_is_compressed_and_compress_cache_false_keeps_it_plain(
    cli, tmp_path, upstream, config
):
    document = users(3000)
    upstream.set(PATHS[USERS], document, etag='"v1"')  # no gzip from this upstream
    assert cli("sync", "--config", config).code == 0
    cache = tmp_path / "cache" / f"{USERS}.json"
    assert cache.read_bytes()[:2] == b"\x1f\x8b"
    assert cached(cache) == document
    plain = write_config(tmp_path / "plain.toml", tmp_path, upstream, enabled=[USERS],
                         extra="[sync]\ncompress_cache = false\n")  # fmt: skip
    for gz in (False, True):
        upstream.set(PATHS[USERS], users(3001 + gz), etag=f'"v{2 + gz}"', gzip=gz)
        assert cli("sync", "--config", plain, "--max-age", "0").code == 0
        assert cache.read_bytes() == users(3001 + gz)


def test_a_plain_cache_of_an_older_version_is_compacted_without_a_download(
    cli, tmp_path, upstream, config
):
    plain = write_config(tmp_path / "plain.toml", tmp_path, upstream, enabled=[USERS],
                         extra="[sync]\ncompress_cache = false\n")  # fmt: skip
    upstream.set(PATHS[USERS], users(3000), etag='"v1"')
    assert cli("sync", "--config", plain).code == 0
    cache = tmp_path / "cache" / f"{USERS}.json"
    meta_path = tmp_path / "cache" / f"{USERS}.meta.json"
    assert cache.read_bytes() == users(3000)
    meta_before = json.loads(meta_path.read_text())
    checked = meta_path.stat().st_mtime_ns
    rows = dump(tmp_path / "db.sqlite")
    upstream.clear_log()
    result = cli("sync", "--config", config, "--offline")
    assert (result.code, result.out) == (0, "radioid_users: unchanged\n"), result
    assert upstream.requests == []
    assert cache.read_bytes()[:2] == b"\x1f\x8b" and cached(cache) == users(3000)
    meta = json.loads(meta_path.read_text())
    assert meta["sha256"] == meta_before["sha256"] and meta["etag"] == '"v1"'
    assert meta["size"] == os.path.getsize(cache) < meta_before["size"] / 5
    assert meta_path.stat().st_mtime_ns == checked  # as fresh as before, not fresher
    assert dump(tmp_path / "db.sqlite") == rows
    # Fresh by max-age: no request; stale: a conditional one, answered 304.
    assert cli("sync", "--config", config).out == "radioid_users: unchanged\n"
    assert upstream.requests == []
    result = cli("sync", "--config", config, "--max-age", "0")
    assert result.out == "radioid_users: 304 not modified\n"
    assert upstream.requests[0].headers.get("if-none-match") == '"v1"'


@pytest.mark.parametrize("fault", [Fault.truncate(200), Fault.corrupt_gzip()],
                         ids=["cut", "corrupt"])  # fmt: skip
def test_a_cut_or_corrupt_gzip_download_never_replaces_the_compact_cache(
    cli, tmp_path, upstream, config, fault
):
    upstream.set(PATHS[USERS], users(3000), etag='"v1"', gzip=True)
    assert cli("sync", "--config", config).code == 0
    cache = tmp_path / "cache" / f"{USERS}.json"
    before, rows = cache.read_bytes(), dump(tmp_path / "db.sqlite")
    upstream.set(PATHS[USERS], users(3100), etag='"v2"', gzip=True, fault=fault)
    result = cli("sync", "--config", config, "--max-age", "0")
    assert result.code == 75, result
    assert "cut short" in result.err or "corrupt" in result.err
    assert cache.read_bytes() == before
    assert dump(tmp_path / "db.sqlite") == rows
    assert not [p for p in cache.parent.iterdir() if p.name.endswith(".tmp")]


def test_an_imported_plain_file_is_kept_compressed(cli, tmp_path, upstream, config):
    stick = tmp_path / "users.json"
    stick.write_bytes(users(2000))
    assert cli("import", "--source", USERS, stick, "--config", config).code == 0
    cache = tmp_path / "cache" / f"{USERS}.json"
    assert cache.read_bytes()[:2] == b"\x1f\x8b" and cached(cache) == users(2000)
    assert cli("sync", "--offline", "--config", config).out == "radioid_users: unchanged\n"


def test_warm_then_sync_apply_a_compact_cache(cli, tmp_path, served):
    config = write_config(tmp_path / "c.toml", tmp_path, served)
    assert cli("warm", "--config", config).code == 0
    for name in tiny_documents():
        assert (tmp_path / "cache" / f"{name}.json").read_bytes()[:2] == b"\x1f\x8b"
    result = cli("sync", "--offline", "--config", config)
    assert result.code == 0 and "radioid_users: 2 rows changed" in result.out


DOC = json.dumps({"users": [{"id": 1000 + i, "callsign": f"W{i}X"} for i in range(50)]}).encode()


class served_raw:  # noqa: N801 - a context manager, used as a function
    """A loopback server answering every GET with ``body`` and ``headers`` as they are."""

    def __init__(self, body: bytes, headers: dict) -> None:
        import http.server
        import socketserver
        import threading

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                self.send_response(200)
                for key, value in {**headers, "Content-Length": str(len(body))}.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(body)

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/u.json"

    def __enter__(self) -> served_raw:
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def users_config(tmp_path, url: str, http: str = ""):
    config = write_config(tmp_path / "c.toml", tmp_path, None, enabled=[USERS])
    text = config.read_text().replace("[http]\n", "[http]\n" + http, 1)
    text = text.replace(f"[sources.{USERS}]\n", f'[sources.{USERS}]\nurl = "{url}"\n')
    config.write_text(text)
    return config


@pytest.mark.parametrize(
    "body, encoding",
    [
        (gzip.compress(DOC), None),  # a mirror serving users.json.gz as a file
        (gzip.compress(gzip.compress(DOC)), "gzip"),  # that, with a gzip encoding around it
        (gzip.compress(DOC) + b"\0" * 16, "gzip"),  # gzip padded with zeros
        (gzip.compress(DOC[:10]) + gzip.compress(DOC[10:]), "gzip"),  # two gzip members
    ],
    ids=["gz-file", "gz-in-gzip", "zero-padded", "two-members"],
)
def test_a_compressed_document_in_any_wrapping_is_applied_and_kept_compact(
    cli, tmp_path, body, encoding
):
    headers = {"Content-Type": "application/octet-stream"}
    if encoding:
        headers["Content-Encoding"] = encoding
    with served_raw(body, headers) as server:
        result = cli("--config", users_config(tmp_path, server.url), "sync")
    assert result.code == 0, result
    assert result.out == "radioid_users: 50 rows changed (+50 ~0 -0)\n"
    cache = tmp_path / "cache" / f"{USERS}.json"
    assert cache.read_bytes()[:2] == b"\x1f\x8b" and cached(cache) == DOC


def test_wire_bytes_that_decode_to_almost_nothing_are_bounded_by_max_bytes(cli, tmp_path):
    """Empty gzip members (or a gzip header with a long comment) decode to nothing: they
    must not fill a cache directory that is RAM on Pi-Star and OpenWrt."""
    members = gzip.compress(DOC[:5]) + gzip.compress(b"") * 200_000 + gzip.compress(DOC[5:])
    headers = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
    with served_raw(members, headers) as server:
        config = users_config(tmp_path, server.url, http="max_bytes = 100000\n")
        result = cli("--config", config, "sync")
    assert result.code == 1, result
    assert "larger than http.max_bytes (100000 bytes) on the wire" in result.err
    assert not (tmp_path / "cache" / f"{USERS}.json").exists()
    assert not [p for p in (tmp_path / "cache").iterdir() if p.name.endswith(".tmp")]
