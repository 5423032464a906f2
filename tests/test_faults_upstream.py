"""Every fault of the misbehaving upstream, on every source.

For each (source, fault): the sync reports one clear line naming the source and the fault,
exits with the documented code (75 temporary, 1 permanent), retries as configured, and leaves
that source's cache file, its rows and any exported DMRIds.dat exactly as they were, while
the other sources still sync their new version.
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, List, Optional

import pytest

from dmr_edge.sources import SOURCES
from tests.conftest import DATA_COLUMNS, PATHS, cached, tiny_documents, write_config
from tests.upstream import Fault, Upstream

RETRIES = 1  # every temporary failure is tried twice in these tests
READ_TIMEOUT = 0.5


@dataclass(frozen=True)
class Case:
    fault: Callable[[Upstream, str], Fault]
    code: int  # documented exit code
    says: str  # a regex the one error line must match after "<source>: "
    requests: Optional[int]  # requests the faulted path must see (None: not checked)
    extra: str = ""  # extra [http] settings


CASES: Dict[str, Case] = {
    "throttled_beyond_deadline": Case(
        lambda up, path: Fault.throttle(100), 75, r"took longer than 0\.4s", 2, 'deadline = "0.4s"'
    ),
    "truncated_mid_body": Case(lambda up, path: Fault.truncate(40), 75, r"cut short", 2),
    "truncated_before_body": Case(lambda up, path: Fault.truncate(0), 75, r"cut short", 2),
    "http_500": Case(lambda up, path: Fault.status(500), 75, r"HTTP 500", 2),
    "http_503_with_retry_after": Case(
        lambda up, path: Fault.status(503, retry_after="0"), 75, r"HTTP 503, retry after 0s", 2
    ),
    "http_429_with_retry_after": Case(
        lambda up, path: Fault.status(429, retry_after="0"), 75, r"HTTP 429, retry after 0s", 2
    ),
    "retry_after_beyond_limit_is_not_retried": Case(
        lambda up, path: Fault.status(429, retry_after="600"), 75, r"HTTP 429, retry after 600s", 1
    ),
    "html_challenge_page": Case(lambda up, path: Fault.html(), 75, r"HTML page", 2),
    "accepts_and_never_answers": Case(
        lambda up, path: Fault.stall(), 75, r"timed out waiting for the upstream", 2
    ),
    "headers_then_silence": Case(lambda up, path: Fault.stall_after(10), 75, r"stopped sending", 2),
    "slow_headers": Case(
        lambda up, path: Fault.slow_headers(3), 75, r"timed out waiting for the upstream", 2
    ),
    "connection_reset": Case(lambda up, path: Fault.reset(), 75, r"reset by the upstream", 2),
    "fails_more_times_than_retries": Case(
        lambda up, path: Fault.fail_first(RETRIES + 1), 75, r"HTTP 503", RETRIES + 1
    ),
    "valid_json_of_the_wrong_shape": Case(
        lambda up, path: Fault.wrong_shape(), 1, r"no record list|failed validation", 1
    ),
    "corrupt_gzip": Case(lambda up, path: Fault.corrupt_gzip(), 75, r"corrupt", 2),
    "redirect_to_a_file_url": Case(
        lambda up, path: Fault.redirect("file:///etc/passwd"),
        1,
        r"refused a URL that is not http:// or https://: file:///etc/passwd",
        1,
    ),
    "redirect_loop": Case(
        lambda up, path: Fault.redirect(up.url(path)), 1, r"more than 5 redirects", None
    ),
    "http_404": Case(lambda up, path: Fault.status(404), 1, r"HTTP 404", 1),
}

# Faults after which the new version must arrive.
HEALING: Dict[str, Callable[[Upstream, str], Fault]] = {
    "fails_as_many_times_as_retries": lambda up, path: Fault.fail_first(RETRIES),
    "redirect_to_another_loopback_path": lambda up, path: Fault.redirect(up.url("/moved" + path)),
    "throttled_within_deadline": lambda up, path: Fault.throttle(50_000),
}


def second_version(name: str, body: bytes) -> bytes:
    """The same document with its first record changed, so v1 and v2 differ in rows."""
    doc = json.loads(body)
    if name == "brandmeister_talkgroups":
        doc["1"] = "Local (renamed)"
        return json.dumps(doc).encode()
    records = doc if isinstance(doc, list) else next(v for v in doc.values() if isinstance(v, list))
    key = "name" if name == "tgif_talkgroups" else "city"
    records[0][key] = "Changed " + str(records[0].get(key) or "")
    return json.dumps(doc).encode()


V1 = tiny_documents()
V2 = {name: second_version(name, body) for name, body in V1.items()}


def source_rows(db: Path, name: str) -> List[tuple]:
    spec = SOURCES[name]
    conn = sqlite3.connect(str(db))
    try:
        if spec.scope_column:
            columns = DATA_COLUMNS[spec.table]
            sql = f"SELECT {columns} FROM {spec.table} WHERE {spec.scope_column} = ? ORDER BY id"
            return conn.execute(sql, (spec.scope,)).fetchall()
        return conn.execute(
            f"SELECT {DATA_COLUMNS[spec.table]} FROM {spec.table} ORDER BY id"
        ).fetchall()
    finally:
        conn.close()


def read_bytes(path: Path) -> Optional[bytes]:
    return path.read_bytes() if path.exists() else None


def make_config(tmp: Path, up: Upstream, extra_http: str = "") -> Path:
    config = write_config(
        tmp / "config.toml", tmp, up, extra=f'[export]\ndmrids = "{tmp}/DMRIds.dat"\n'
    )
    text = config.read_text()
    text = text.replace("retries = 0", f"retries = {RETRIES}")
    text = text.replace(
        'read_timeout = "3s"',
        f'read_timeout = "{READ_TIMEOUT}s"\nmax_retry_after = "60s"\n{extra_http}',
    )
    config.write_text(text)
    return config


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Dict[str, List[tuple]]:
    """Each source's rows after an uninterrupted sync of version 2."""
    tmp = tmp_path_factory.mktemp("reference")
    from dmr_edge.cli import main

    with Upstream() as up:
        for name in SOURCES:
            up.set(PATHS[name], V2[name])
        assert main(["sync", "--config", str(make_config(tmp, up)), "-q"]) == 0
    return {name: source_rows(tmp / "db.sqlite", name) for name in SOURCES}


def start_at_version_one(
    cli, tmp: Path, up: Upstream, extra_http: str = "", gzip: bool = False
) -> Path:
    """Sync version one of every source, then serve version two (gzip-encoded, as radioid
    serves it, when ``gzip``)."""
    for name in SOURCES:
        up.set(PATHS[name], V1[name], etag=f'"{name}-1"', gzip=gzip)
    config = make_config(tmp, up, extra_http)
    first = cli("sync", "--config", config)
    assert first.code == 0, first
    for name in SOURCES:
        up.set(PATHS[name], V2[name], etag=f'"{name}-2"', gzip=gzip)
        up.set("/moved" + PATHS[name], V2[name], gzip=gzip)
    up.clear_log()
    return config


@pytest.mark.parametrize(
    "source, gzip",
    [(name, False) for name in SOURCES] + [("radioid_users", True)],
    ids=[*SOURCES, "radioid_users-gzip"],
)
@pytest.mark.parametrize("fault_name", list(CASES))
def test_a_faulty_upstream_changes_nothing_of_its_source_and_stops_no_other(
    cli, upstream, tmp_path, reference, source, fault_name, gzip
):
    case = CASES[fault_name]
    config = start_at_version_one(cli, tmp_path, upstream, case.extra, gzip=gzip)
    db, cache = tmp_path / "db.sqlite", tmp_path / "cache"
    cache_before = read_bytes(cache / f"{source}.json")
    rows_before = source_rows(db, source)
    dmrids_before = read_bytes(tmp_path / "DMRIds.dat")
    assert cache_before is not None and rows_before

    path = PATHS[source]
    upstream.set_fault(path, case.fault(upstream, path))
    result = cli("sync", "--config", config, "--max-age", "0")

    assert result.code == case.code, result
    errors = [line for line in result.err.splitlines() if "error" in line]
    assert len(errors) == 1, result.err
    assert re.search(rf"^dmr-edge: error: {source}: .*({case.says})", errors[0]), errors[0]
    assert "Traceback" not in result.err
    if case.requests is not None:
        assert upstream.count(path) == case.requests
    assert read_bytes(cache / f"{source}.json") == cache_before
    assert source_rows(db, source) == rows_before
    if source == "radioid_users":
        assert read_bytes(tmp_path / "DMRIds.dat") == dmrids_before
    for other in SOURCES:
        if other != source:
            assert source_rows(db, other) == reference[other], other
    assert not [p.name for p in cache.iterdir() if p.name.endswith(".tmp")]
    assert sqlite3.connect(str(db)).execute("PRAGMA integrity_check").fetchone() == ("ok",)


@pytest.mark.parametrize("fault_name", list(HEALING))
@pytest.mark.parametrize("source", list(SOURCES))
def test_a_fault_that_heals_within_the_configured_retries_brings_the_new_version(
    cli, upstream, tmp_path, reference, source, fault_name
):
    config = start_at_version_one(cli, tmp_path, upstream)
    path = PATHS[source]
    upstream.set_fault(path, HEALING[fault_name](upstream, path))
    result = cli("sync", "--config", config, "--max-age", "0")
    assert result.code == 0, result
    assert result.err == ""
    for name in SOURCES:
        assert source_rows(tmp_path / "db.sqlite", name) == reference[name], name
    assert cached(tmp_path / "cache" / f"{source}.json") == V2[source]
    if fault_name == "fails_as_many_times_as_retries":
        assert upstream.count(path) == RETRIES + 1


def test_a_source_whose_first_sync_fails_leaves_no_cache_file_and_no_rows(cli, upstream, tmp_path):
    for name in SOURCES:
        upstream.set(PATHS[name], V1[name])
    upstream.set_fault(PATHS["radioid_users"], Fault.truncate(30))
    config = make_config(tmp_path, upstream)
    result = cli("sync", "--config", config)
    assert result.code == 75
    assert not (tmp_path / "cache" / "radioid_users.json").exists()
    assert source_rows(tmp_path / "db.sqlite", "radioid_users") == []
    assert source_rows(tmp_path / "db.sqlite", "tgif_talkgroups")


def test_warm_keeps_the_old_cache_file_when_the_download_is_refused(cli, upstream, tmp_path):
    config = start_at_version_one(cli, tmp_path, upstream)
    before = (tmp_path / "cache" / "radioid_users.json").read_bytes()
    upstream.set_fault(PATHS["radioid_users"], Fault.wrong_shape())
    result = cli("warm", "--config", config, "--max-age", "0")
    assert result.code == 1, result
    assert "radioid_users: no record list" in result.err
    assert (tmp_path / "cache" / "radioid_users.json").read_bytes() == before
    assert cached(tmp_path / "cache" / "tgif_talkgroups.json") == V2["tgif_talkgroups"]


def test_the_failed_source_is_remembered_in_status_until_it_syncs_again(cli, upstream, tmp_path):
    config = start_at_version_one(cli, tmp_path, upstream)
    upstream.set_fault(PATHS["hearham_repeaters"], Fault.html())
    assert cli("sync", "--config", config, "--max-age", "0").code == 75
    status = json.loads(cli("status", "--config", config, "--json").out)
    assert "HTML page" in status["sources"]["hearham_repeaters"]["last_error"]
    assert status["sources"]["tgif_talkgroups"]["last_error"] is None
    # Once the upstream heals, the next sync applies the new version and no error remains.
    upstream.set_fault(PATHS["hearham_repeaters"], None)
    assert cli("sync", "--config", config, "--max-age", "0").code == 0
    status = json.loads(cli("status", "--config", config, "--json").out)
    assert status["sources"]["hearham_repeaters"]["last_error"] is None
    assert source_rows(tmp_path / "db.sqlite", "hearham_repeaters")[0][8].startswith("Changed")
