"""How old is the data: a time stamp in the future (a Pi without a real-time clock that
synced while its clock was ahead, then corrected) is stale, never forever fresh."""

from __future__ import annotations

import json
import os
import sqlite3
import time
from pathlib import Path

from tests.conftest import PATHS, write_config

DAY = 86400.0
USERS = "radioid_users"


def date_ahead(path: Path, seconds: float) -> None:
    when = time.time() + seconds
    os.utime(path, (when, when))


def date_cache_ahead(cache: Path, name: str, seconds: float) -> None:
    """Date a source's cache file and sidecar ahead, as a sync under a clock that ran ahead
    would have written them (the sidecar records its cache file's mtime)."""
    date_ahead(cache / f"{name}.json", seconds)
    meta_path = cache / f"{name}.meta.json"
    meta = json.loads(meta_path.read_text())
    meta["mtime_ns"] = (cache / f"{name}.json").stat().st_mtime_ns
    meta_path.write_text(json.dumps(meta))
    date_ahead(meta_path, seconds)


def test_a_cache_dated_in_the_future_is_stale_and_fetched_again(cli, tmp_path, served):
    config = write_config(tmp_path / "c.toml", tmp_path, served, enabled=[USERS])
    assert cli("sync", "--config", config).code == 0
    cache = tmp_path / "cache"
    served.clear_log()
    assert cli("sync", "--config", config).out == "radioid_users: unchanged\n"  # fresh: 1h
    assert served.requests == []
    date_cache_ahead(cache, USERS, DAY)
    result = cli("sync", "--config", config)
    assert (result.code, result.out) == (0, "radioid_users: 304 not modified\n"), result
    assert served.count(PATHS[USERS]) == 1  # a conditional request, not a full download
    # Confirmed by the upstream now: fresh again, dated by today's clock.
    served.clear_log()
    assert cli("sync", "--config", config).out == "radioid_users: unchanged\n"
    assert served.requests == []


def test_status_check_is_not_ok_while_data_or_heartbeat_is_dated_in_the_future(
    cli, tmp_path, served
):
    config = write_config(tmp_path / "c.toml", tmp_path, served, enabled=[USERS])
    assert cli("run", "--once", "--config", config).code == 0
    assert cli("status", "--check", "--config", config).code == 0
    ahead = time.time() + DAY
    conn = sqlite3.connect(str(tmp_path / "db.sqlite"))
    with conn:
        conn.execute("UPDATE source_state SET applied_at = ?", (ahead,))
    conn.close()
    date_cache_ahead(tmp_path / "cache", USERS, DAY)
    result = cli("status", "--check", "--config", config)
    assert result.code == 1, result
    assert "radioid_users data is dated in the future (was the clock set back?)" in result.err
    date_ahead(tmp_path / "db.sqlite.heartbeat", DAY)
    result = cli("status", "--check", "--config", config)
    assert "heartbeat" in result.err and "dated in the future" in result.err
    status = json.loads(cli("status", "--json", "--config", config).out)
    assert status["sources"][USERS]["cache_age_seconds"] < -DAY + 60  # valid JSON, no inf
    assert "future" in cli("status", "--config", config).out
