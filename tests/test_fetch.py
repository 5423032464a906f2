"""warm and sync against a loopback upstream: conditional GET, faults, atomic cache."""

from __future__ import annotations

import gzip
import json

from tests.conftest import PATHS, dump, table_rows, tiny_documents, write_config
from tests.upstream import Fault

USERS = PATHS["radioid_users"]


def users_config(tmp_path, upstream, extra=""):
    return write_config(
        tmp_path / "c.toml", tmp_path, upstream, enabled=["radioid_users"], extra=extra
    )


def users_doc(*ids: int) -> bytes:
    return json.dumps(
        {"users": [{"id": i, "callsign": f"K{i}", "fname": "A"} for i in ids]}
    ).encode()


def test_second_warm_sends_if_none_match_and_rewrites_nothing_on_304(cli, tmp_path, upstream):
    upstream.set(USERS, users_doc(1000001, 1000002), etag='"v1"')
    config = users_config(tmp_path, upstream)
    assert cli("warm", "--config", config).code == 0
    cache = tmp_path / "cache" / "radioid_users.json"
    stamp = cache.stat().st_mtime_ns
    result = cli("warm", "--config", config, "--max-age", "0")
    assert result.code == 0 and "304" in result.out
    assert upstream.requests[-1].headers["if-none-match"] == '"v1"'
    assert cache.stat().st_mtime_ns == stamp


def test_fresh_cache_is_not_fetched_again_within_max_age(cli, tmp_path, upstream):
    upstream.set(USERS, users_doc(1000001), etag='"v1"')
    config = users_config(tmp_path, upstream)
    assert cli("sync", "--config", config).code == 0
    assert cli("sync", "--config", config, "--max-age", "1h").code == 0
    assert upstream.count(USERS) == 1


def test_missing_cache_is_fetched_whatever_max_age_says(cli, tmp_path, upstream):
    upstream.set(USERS, users_doc(1000001))
    config = users_config(tmp_path, upstream)
    assert cli("warm", "--config", config, "--max-age", "30d").code == 0
    assert (tmp_path / "cache" / "radioid_users.json").exists()


def test_user_agent_names_dmr_edge_and_gzip_is_asked_for(cli, tmp_path, upstream):
    upstream.set(USERS, users_doc(1000001), gzip=True)
    assert cli("sync", "--config", users_config(tmp_path, upstream)).code == 0
    headers = upstream.requests[-1].headers
    assert headers["user-agent"].startswith("dmr-edge/")
    assert "gzip" in headers["accept-encoding"]
    assert table_rows(tmp_path / "db.sqlite", "SELECT id FROM users") == [(1000001,)]


def fault_keeps_old_cache_and_rows(cli, tmp_path, upstream, fault, expected_code=75, extra=""):
    upstream.set(USERS, users_doc(1000001, 1000002), etag='"v1"')
    config = users_config(tmp_path, upstream)
    assert cli("sync", "--config", config).code == 0
    if extra:
        config.write_text(config.read_text().replace("[http]\n", extra, 1))
    cache = tmp_path / "cache" / "radioid_users.json"
    before_cache, before_rows = cache.read_bytes(), dump(tmp_path / "db.sqlite")
    upstream.set(USERS, users_doc(1000003, 1000004, 1000005), etag='"v2"', fault=fault)
    result = cli("sync", "--config", config, "--max-age", "0")
    assert result.code == expected_code, result
    assert "radioid_users" in result.err
    assert cache.read_bytes() == before_cache
    assert dump(tmp_path / "db.sqlite") == before_rows
    assert not [p for p in cache.parent.iterdir() if p.name.endswith(".tmp")]
    return result


def test_truncated_body_keeps_the_old_cache_and_rows(cli, tmp_path, upstream):
    result = fault_keeps_old_cache_and_rows(cli, tmp_path, upstream, Fault.truncate(after=10))
    assert "cut short" in result.err or "download failed" in result.err


def test_html_page_keeps_the_old_cache_and_rows(cli, tmp_path, upstream):
    result = fault_keeps_old_cache_and_rows(cli, tmp_path, upstream, Fault.html())
    assert "HTML" in result.err


def test_server_error_keeps_the_old_cache_and_rows(cli, tmp_path, upstream):
    result = fault_keeps_old_cache_and_rows(cli, tmp_path, upstream, Fault.status(500))
    assert "HTTP 500" in result.err


def test_rate_limit_keeps_the_old_cache_and_rows_and_reports_retry_after(cli, tmp_path, upstream):
    result = fault_keeps_old_cache_and_rows(
        cli, tmp_path, upstream, Fault.status(429, retry_after="120")
    )
    assert "HTTP 429" in result.err and "retry after 120s" in result.err


def test_wrong_shape_keeps_the_old_cache_and_rows(cli, tmp_path, upstream):
    result = fault_keeps_old_cache_and_rows(cli, tmp_path, upstream, Fault.wrong_shape(), 1)
    assert "no record list" in result.err


def test_not_found_is_a_permanent_failure(cli, tmp_path, upstream):
    fault_keeps_old_cache_and_rows(cli, tmp_path, upstream, Fault.status(404), 1)


def test_retries_recover_from_transient_failures_honouring_retry_after(tmp_path, upstream):
    from dmr_edge.config import load_settings
    from dmr_edge.sync import Syncer

    upstream.set(USERS, users_doc(1000001), fault=Fault.fail_first(2, 503, retry_after="7"))
    config = users_config(tmp_path, upstream, "")
    text = config.read_text().replace("retries = 0", "retries = 3")
    config.write_text(text)
    waits = []
    syncer = Syncer(load_settings(str(config)), sleep=waits.append)
    report = syncer.sync()
    assert report.exit_code == 0
    assert waits == [7.0, 7.0]
    assert upstream.count(USERS) == 3


def test_a_failed_source_never_stops_the_others(cli, tmp_path, served):
    served.set_fault(USERS, Fault.status(503))
    config = write_config(tmp_path / "c.toml", tmp_path, served)
    result = cli("sync", "--config", config)
    assert result.code == 75
    db = tmp_path / "db.sqlite"
    assert table_rows(db, "SELECT count(*) FROM users") == [(0,)]
    assert table_rows(db, "SELECT count(*) FROM talkgroups") == [(5,)]
    status = json.loads(cli("status", "--config", config, "--json").out)
    assert "HTTP 503" in status["sources"]["radioid_users"]["last_error"]


def test_compressed_cache_is_stored_as_gzip_and_applies_the_same(cli, tmp_path, served):
    config = write_config(
        tmp_path / "c.toml", tmp_path, served, extra="[sync]\ncompress_cache = true\n"
    )
    assert cli("sync", "--config", config).code == 0
    cache = tmp_path / "cache" / "radioid_users.json"
    assert cache.read_bytes()[:2] == b"\x1f\x8b"
    assert gzip.decompress(cache.read_bytes()) == tiny_documents()["radioid_users"]
    plain = tmp_path / "plain"
    plain.mkdir()
    assert cli("sync", "--config", write_config(plain / "c.toml", plain, served)).code == 0
    assert dump(tmp_path / "db.sqlite") == dump(plain / "db.sqlite")


def test_offline_sync_applies_the_cache_without_any_request(cli, tmp_path, upstream):
    upstream.set(USERS, users_doc(1000001))
    config = users_config(tmp_path, upstream)
    assert cli("warm", "--config", config).code == 0
    upstream.clear_log()
    assert cli("sync", "--config", config, "--offline").code == 0
    assert upstream.requests == []
    assert table_rows(tmp_path / "db.sqlite", "SELECT id FROM users") == [(1000001,)]


def test_api_key_is_sent_as_bearer_and_never_printed(cli, tmp_path, served):
    secret = "s3cr3t-key-value"
    config = write_config(tmp_path / "c.toml", tmp_path, served, enabled=["brandmeister_devices"])
    text = config.read_text().replace(
        "[sources.brandmeister_devices]", f'[sources.brandmeister_devices]\napi_key = "{secret}"'
    )
    config.write_text(text)
    config.chmod(0o600)
    outputs = [
        cli("sync", "--config", config, "-v", "--max-age", "0"),
        cli("status", "--config", config, "--json"),
        cli("status", "--config", config),
    ]
    assert served.requests[-1].headers["authorization"] == f"Bearer {secret}"
    for result in outputs:
        assert secret not in result.out + result.err


def test_a_document_larger_than_max_bytes_is_refused_keeping_the_old_cache(cli, tmp_path, upstream):
    result = fault_keeps_old_cache_and_rows(
        cli, tmp_path, upstream, None, 1, extra="[http]\nmax_bytes = 40\n"
    )
    assert "larger than http.max_bytes" in result.err
