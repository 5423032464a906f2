"""One source's trouble stays in that source: an exception nobody foresaw, while fetching,
converting or storing one source's records, fails that source alone — one line, a status
entry — and every other source is still applied, in ``sync``, ``warm``, ``import`` and the
daemon's cycle."""

from __future__ import annotations

import json
from typing import Any

import pytest

from dmr_edge.record import replace
from dmr_edge.sources import SOURCES
from tests.conftest import FIXTURES, table_rows

BROKEN = "radioid_repeaters"


@pytest.fixture
def broken_source(monkeypatch):
    """Make the repeaters' record → row conversion fail with a bug (a KeyError)."""

    def to_row(record: Any) -> Any:
        raise KeyError("a field the code forgot")

    monkeypatch.setitem(SOURCES, BROKEN, replace(SOURCES[BROKEN], to_row=to_row))


def status_of(cli, config) -> dict:
    return json.loads(cli("status", "--json", "--config", config).out)["sources"]


def test_a_bug_converting_one_source_fails_it_alone_and_the_others_are_applied(
    cli, config, tmp_path, broken_source
):
    result = cli("sync", "--config", config)
    assert result.code == 1, result
    lines = result.err.splitlines()
    assert lines == [
        f"dmr-edge: error: {BROKEN}: internal error: KeyError: 'a field the code forgot'"
    ]
    assert "Traceback" not in result.err
    db = tmp_path / "db.sqlite"
    assert table_rows(db, "SELECT count(*) FROM users") == [(2,)]
    assert table_rows(db, "SELECT source, count(*) FROM repeaters GROUP BY 1 ORDER BY 1") == [
        ("brandmeister_devices", 1), ("hearham_repeaters", 2)
    ]  # fmt: skip
    assert table_rows(db, "SELECT count(*) FROM talkgroups") == [(5,)]
    states = status_of(cli, config)
    assert "internal error: KeyError" in states[BROKEN]["last_error"]
    assert states["radioid_users"]["last_error"] is None


def test_with_verbose_the_bug_shows_its_traceback(cli, config, broken_source):
    result = cli("sync", "-v", "--config", config)
    assert result.code == 1
    assert "Traceback (most recent call last)" in result.err
    assert "KeyError: 'a field the code forgot'" in result.err


def test_a_bug_while_fetching_one_source_fails_it_alone(cli, config, tmp_path, monkeypatch):
    from dmr_edge.fetch import Fetcher

    real = Fetcher.fetch

    def fetch(self, source, cache, entry, **options):  # type: ignore[no-untyped-def]
        if source.name == BROKEN:
            raise RuntimeError("the HTTP library broke")
        return real(self, source, cache, entry, **options)

    monkeypatch.setattr(Fetcher, "fetch", fetch)
    for command in ("warm", "sync"):
        result = cli(command, "--config", config, "--max-age", "0")
        assert result.code == 1, result
        assert result.err == (
            f"dmr-edge: error: {BROKEN}: internal error: RuntimeError: the HTTP library broke\n"
        )
    assert table_rows(tmp_path / "db.sqlite", "SELECT count(*) FROM users") == [(2,)]
    assert not (tmp_path / "cache" / f"{BROKEN}.json").exists()
    assert (tmp_path / "cache" / "radioid_users.json").exists()


def test_warm_import_and_the_daemon_cycle_contain_the_bug_too(
    cli, config, tmp_path, broken_source
):
    result = cli("warm", "--config", config)
    assert result.code == 1
    assert f"{BROKEN}: internal error: KeyError" in result.err
    assert not (tmp_path / "cache" / f"{BROKEN}.json").exists()  # refused, not installed
    assert (tmp_path / "cache" / "tgif_talkgroups.json").exists()

    result = cli("run", "--once", "--config", config)
    assert result.code == 1
    assert f"{BROKEN}: error: internal error: KeyError" in result.err
    assert "hearham_repeaters: 2 rows changed" in result.err
    assert "internal error in cycle" not in result.err  # the cycle itself went on

    stick = FIXTURES / "radioid-rptrs-newformat.json"
    result = cli("import", "--source", BROKEN, stick, "--config", config)
    assert result.code == 1
    assert result.err.splitlines()[-1].startswith(f"dmr-edge: error: {BROKEN}: internal error")
    assert table_rows(tmp_path / "db.sqlite", "SELECT count(*) FROM repeaters WHERE source = ?",
                      (BROKEN,)) == [(0,)]  # fmt: skip


def test_a_damaged_cache_file_without_its_sidecar_fails_only_its_own_source(cli, tmp_path):
    import gzip

    from tests.conftest import write_config

    cache = tmp_path / "cache"
    cache.mkdir()
    config = write_config(
        tmp_path / "c.toml", tmp_path, None, enabled=["radioid_users", "tgif_talkgroups"]
    )
    users = [{"id": 1000 + i, "callsign": f"W{i}X"} for i in range(2000)]
    body = gzip.compress(json.dumps({"users": users}).encode())
    (cache / "radioid_users.json").write_bytes(body[: len(body) // 2])
    (cache / "tgif_talkgroups.json").write_text(json.dumps([{"id": "101", "name": "Tac"}]))
    result = cli("--config", config, "sync", "--offline")
    assert result.code == 1, result
    (line,) = result.err.splitlines()
    assert line.startswith("dmr-edge: error: radioid_users: the cached copy is damaged"), line
    assert line.endswith("; removed it from the cache")
    assert not (cache / "radioid_users.json").exists()
    assert table_rows(tmp_path / "db.sqlite", "SELECT count(*) FROM talkgroups") == [(1,)]


def test_a_cache_that_cannot_be_installed_fails_that_source_of_warm_alone(
    cli, config, tmp_path, monkeypatch
):
    from dmr_edge.cache import Cache

    real = Cache.install

    def install(self, name, temp, meta):  # type: ignore[no-untyped-def]
        if name == BROKEN:
            raise OSError(28, "No space left on device")
        return real(self, name, temp, meta)

    monkeypatch.setattr(Cache, "install", install)
    result = cli("warm", "--config", config)
    assert result.code == 1, result
    assert result.err.splitlines() == [
        f"dmr-edge: error: {BROKEN}: internal error: OSError: [Errno 28] No space left on device"
    ]
    assert (tmp_path / "cache" / "tgif_talkgroups.json").exists()
    assert not [p for p in (tmp_path / "cache").iterdir() if p.name.endswith(".tmp")]
