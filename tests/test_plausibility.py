"""``warm`` and ``sync`` judge a document by one rule (distinct rows, at least
``min_ratio`` of the previous version's), and a refused document never stays in the cache:
otherwise every later sync refuses it again, offline syncs keep failing and its validators
keep a 304 from ever bringing the upstream's next version."""

from __future__ import annotations

import json

from tests.conftest import PATHS, dump, write_config

USERS = "radioid_users"


def users(ids) -> bytes:
    return json.dumps(
        {"users": [{"id": i, "callsign": f"K{i % 100000}X", "fname": "N"} for i in ids]}
    ).encode()


def test_warm_refuses_what_sync_would_refuse_counting_repeated_ids_once(cli, tmp_path, upstream):
    upstream.set(PATHS[USERS], users(range(2000000, 2001000)), etag='"v1"')
    config = write_config(tmp_path / "c.toml", tmp_path, upstream, enabled=[USERS])
    assert cli("sync", "--config", config).code == 0
    before = dump(tmp_path / "db.sqlite")
    cached = (tmp_path / "cache" / f"{USERS}.json").read_bytes()
    # 1,000 records, but only 400 distinct ids: 400 rows where there were 1,000.
    upstream.set(PATHS[USERS], users([2000000 + i % 400 for i in range(1000)]), etag='"v2"')
    for command in ("warm", "sync"):
        result = cli(command, "--config", config, "--max-age", "0")
        assert result.code == 1, result
        assert "only 400 records where the previous version had 1000" in result.err
        assert (tmp_path / "cache" / f"{USERS}.json").read_bytes() == cached
    assert dump(tmp_path / "db.sqlite") == before
    # The cache still holds the version applied, with its validators: offline works, and
    # the next online check is a conditional one that the upstream's next version answers.
    result = cli("sync", "--config", config, "--offline")
    assert (result.code, result.out) == (0, "radioid_users: unchanged\n"), result
    upstream.clear_log()
    upstream.set(PATHS[USERS], users(range(2000000, 2001010)), etag='"v3"')
    result = cli("sync", "--config", config, "--max-age", "0")
    assert (result.code, result.out) == (0, "radioid_users: 10 rows changed (+10 ~0 -0)\n")
    assert upstream.requests[0].headers.get("if-none-match") == '"v1"'


def test_a_cached_document_refused_at_apply_is_removed_from_the_cache(cli, tmp_path, upstream):
    upstream.set(PATHS[USERS], users(range(2000000, 2001000)), etag='"v1"')
    config = write_config(tmp_path / "c.toml", tmp_path, upstream, enabled=[USERS])
    assert cli("sync", "--config", config).code == 0
    before = dump(tmp_path / "db.sqlite")
    # A warm under a looser configuration installs a much smaller document...
    loose = write_config(
        tmp_path / "loose.toml", tmp_path, upstream, enabled=[USERS],
        extra="[sync]\nmin_ratio = 0\n",
    )  # fmt: skip
    upstream.set(PATHS[USERS], users(range(2000000, 2000100)), etag='"small"')
    assert cli("warm", "--config", loose, "--max-age", "0").code == 0
    # ...which the service's sync refuses: it goes, the rows stay as they were.
    result = cli("sync", "--config", config, "--offline")
    assert result.code == 1
    assert "implausible" in result.err and "removed it from the cache" in result.err
    assert not (tmp_path / "cache" / f"{USERS}.json").exists()
    assert dump(tmp_path / "db.sqlite") == before
    result = cli("sync", "--config", config, "--offline")
    assert (result.code, result.out) == (0, "radioid_users: unchanged\n"), result
    upstream.clear_log()
    result = cli("sync", "--config", config)
    assert result.code == 1 and "implausible" in result.err  # downloaded whole, refused again
    assert "if-none-match" not in upstream.requests[0].headers
    assert not (tmp_path / "cache" / f"{USERS}.json").exists()
