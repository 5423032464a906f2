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
