"""``dmr-edge import``: a file carried on a USB stick goes through the download path —
compression recognised by content, all or nothing, incremental — and a later sync neither
undoes it offline nor misses a newer upstream document online."""

from __future__ import annotations

import bz2
import gzip
import json
import lzma
from pathlib import Path
from typing import List

import pytest

from dmr_edge.cache import Cache
from dmr_edge.lock import InstanceLock
from tests.conftest import PATHS, dump, table_rows, write_config


def users_doc(count: int, renamed: int = -1, start: int = 3100000) -> bytes:
    users = [
        {
            "id": start + i,
            "radio_id": start + i,
            "callsign": f"K{i}IMP",
            "fname": "Renamed" if i == renamed else f"Op{i}",
            "surname": "",
            "city": "Field",
            "state": "",
            "country": "United States",
            "has_valid_callsign": "1",
        }
        for i in range(count)
    ]
    return json.dumps({"users": users}).encode()


def user_ids(db: Path) -> List[int]:
    return [row[0] for row in table_rows(db, "SELECT id FROM users ORDER BY id")]


@pytest.fixture
def offline_config(tmp_path: Path) -> Path:
    return write_config(tmp_path / "config.toml", tmp_path)


def test_import_recognises_json_gzip_xz_and_bz2_by_content_not_by_name(
    cli, offline_config, tmp_path
):
    db = tmp_path / "db.sqlite"
    cases = [
        ("users.xz", 10, lambda b: b),  # plain JSON named .xz
        ("users.json", 11, gzip.compress),  # gzip named .json
        ("users.json.bz2", 12, lzma.compress),  # xz named .bz2
        ("users.json.gz", 13, bz2.compress),  # bz2 named .gz
    ]
    for name, count, pack in cases:
        path = tmp_path / name
        path.write_bytes(pack(users_doc(count)))
        result = cli(
            "import", "--source", "radioid_users", path, "--config", offline_config, "--json"
        )
        assert result.code == 0, (name, result)
        report = json.loads(result.out)["sources"][0]
        inserted = 1 if count > 10 else 10
        assert (report["outcome"], report["records"], report["inserted"]) == (
            "applied",
            count,
            inserted,
        )
        assert len(user_ids(db)) == count


def test_import_prints_what_it_changed(cli, offline_config, tmp_path):
    (tmp_path / "a.json").write_bytes(users_doc(5))
    result = cli(
        "import", "--source", "radioid_users", tmp_path / "a.json", "--config", offline_config
    )
    assert result.code == 0, result
    assert result.out == (
        f"radioid_users: imported {tmp_path / 'a.json'}: 5 records, 5 rows changed "
        "(+5 ~0 -0), 0 rejected\n"
    )
    again = cli(
        "import", "--source", "radioid_users", tmp_path / "a.json", "--config", offline_config
    )
    assert again.out == f"radioid_users: {tmp_path / 'a.json'} is what the database already holds\n"


def test_import_applies_only_what_changed(cli, offline_config, tmp_path):
    (tmp_path / "a.json").write_bytes(users_doc(20))
    b = json.loads(users_doc(21, renamed=3))
    del b["users"][7]
    (tmp_path / "b.json").write_bytes(json.dumps(b).encode())
    assert (
        cli(
            "import", "--source", "radioid_users", tmp_path / "a.json", "--config", offline_config
        ).code
        == 0
    )
    result = cli(
        "import",
        "--source",
        "radioid_users",
        tmp_path / "b.json",
        "--config",
        offline_config,
        "--json",
    )
    report = json.loads(result.out)["sources"][0]
    assert (report["inserted"], report["updated"], report["deleted"], report["unchanged"]) == (
        1,
        1,
        1,
        18,
    )
    assert table_rows(
        tmp_path / "db.sqlite", "SELECT first_name FROM users WHERE id = 3100003"
    ) == [("Renamed",)]


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda doc: doc[: len(doc) * 2 // 3], id="plain-json-cut-short"),
        pytest.param(lambda doc: gzip.compress(doc)[:-40], id="gzip-cut-short"),
        pytest.param(lambda doc: lzma.compress(doc)[:-200], id="xz-cut-short"),
        pytest.param(lambda doc: b'{"error": "maintenance", "data": 42}', id="wrong-shape"),
    ],
)
def test_a_broken_import_keeps_the_old_rows_and_the_cache(cli, offline_config, tmp_path, damage):
    db = tmp_path / "db.sqlite"
    (tmp_path / "good.json").write_bytes(users_doc(30))
    assert (
        cli(
            "import",
            "--source",
            "radioid_users",
            tmp_path / "good.json",
            "--config",
            offline_config,
        ).code
        == 0
    )
    before = dump(db)
    cache = Cache(tmp_path / "cache")
    cached = cache.path("radioid_users").read_bytes()
    (tmp_path / "bad.json").write_bytes(damage(users_doc(40, renamed=1)))
    result = cli(
        "import", "--source", "radioid_users", tmp_path / "bad.json", "--config", offline_config
    )
    assert result.code == 1, result
    assert result.err.startswith("dmr-edge: error: radioid_users: ")
    assert dump(db) == before
    assert cache.path("radioid_users").read_bytes() == cached
    assert not [p for p in (tmp_path / "cache").iterdir() if p.name.endswith(".tmp")]
    assert (tmp_path / "bad.json").exists()  # the user's file is never moved or removed


def test_an_offline_sync_after_an_import_keeps_the_imported_rows(cli, tmp_path, served):
    config = write_config(tmp_path / "config.toml", tmp_path, served, enabled=["radioid_users"])
    assert cli("sync", "--config", config).code == 0
    (tmp_path / "stick.json.xz").write_bytes(lzma.compress(users_doc(25)))
    assert (
        cli(
            "import", "--source", "radioid_users", tmp_path / "stick.json.xz", "--config", config
        ).code
        == 0
    )
    imported = dump(tmp_path / "db.sqlite")
    result = cli("sync", "--config", config, "--offline")
    assert result.code == 0, result
    assert result.out == "radioid_users: unchanged\n"
    assert dump(tmp_path / "db.sqlite") == imported


def test_an_import_survives_online_syncs_until_the_upstream_document_changes(cli, tmp_path, served):
    served.set(PATHS["radioid_users"], users_doc(10), etag='"u1"')
    config = write_config(tmp_path / "config.toml", tmp_path, served, enabled=["radioid_users"])
    assert cli("sync", "--config", config).code == 0
    (tmp_path / "stick.json").write_bytes(users_doc(12))
    assert (
        cli("import", "--source", "radioid_users", tmp_path / "stick.json", "--config", config).code
        == 0
    )
    assert len(user_ids(tmp_path / "db.sqlite")) == 12

    # The upstream has not changed: the validators of the last download bring a 304, and
    # the import stays.
    served.clear_log()
    result = cli("sync", "--config", config, "--max-age", "0")
    assert (result.code, result.out) == (0, "radioid_users: 304 not modified\n"), result
    assert served.requests[0].headers.get("if-none-match") == '"u1"'
    assert len(user_ids(tmp_path / "db.sqlite")) == 12

    # An upstream without validators sending that same older document again: no change.
    served.set(PATHS["radioid_users"], users_doc(10), etag=None)
    result = cli("sync", "--config", config, "--max-age", "0")
    assert (result.code, result.out) == (0, "radioid_users: unchanged\n"), result
    assert len(user_ids(tmp_path / "db.sqlite")) == 12
    result = cli("sync", "--config", config, "--offline")
    assert (result.code, result.out) == (0, "radioid_users: unchanged\n"), result

    # A newer upstream document is applied over the import, and the cache is the
    # upstream's again: the next check is a conditional one with its validators.
    served.set(PATHS["radioid_users"], users_doc(15), etag='"u2"')
    result = cli("sync", "--config", config, "--max-age", "0")
    assert result.code == 0, result
    assert len(user_ids(tmp_path / "db.sqlite")) == 15
    served.clear_log()
    assert "304" in cli("sync", "--config", config, "--max-age", "0").out
    assert served.requests[0].headers.get("if-none-match") == '"u2"'


def test_import_of_a_missing_file_is_a_usage_error(cli, offline_config, tmp_path):
    result = cli(
        "import", "--source", "radioid_users", tmp_path / "nope.json", "--config", offline_config
    )
    assert (result.code, result.err) == (
        2,
        f"dmr-edge: error: {tmp_path / 'nope.json'}: no such file\n",
    )


def test_import_needs_a_source(cli, offline_config, tmp_path):
    result = cli("import", tmp_path / "x.json", "--config", offline_config)
    assert result.code == 2
    assert "--source" in result.err


def test_import_exits_75_while_another_instance_holds_the_lock(cli, offline_config, tmp_path):
    (tmp_path / "a.json").write_bytes(users_doc(3))
    lock = InstanceLock(tmp_path / "db.sqlite.lock")
    lock.acquire()
    try:
        result = cli(
            "import", "--source", "radioid_users", tmp_path / "a.json", "--config", offline_config
        )
    finally:
        lock.release()
    assert result.code == 75
    assert "another dmr-edge is running" in result.err


def test_import_of_users_rewrites_the_configured_dmrids(cli, tmp_path):
    target = tmp_path / "DMRIds.dat"
    config = write_config(
        tmp_path / "config.toml", tmp_path, extra=f'[export]\ndmrids = "{target}"\n'
    )
    (tmp_path / "a.json.gz").write_bytes(gzip.compress(users_doc(4)))
    assert (
        cli("import", "--source", "radioid_users", tmp_path / "a.json.gz", "--config", config).code
        == 0
    )
    assert target.read_text().splitlines() == [f"{3100000 + i}\tK{i}IMP\tOp{i}" for i in range(4)]


def test_import_of_another_source_lands_in_its_table(cli, offline_config, tmp_path):
    talkgroups = {"1": "Local", "91": "Worldwide", "262": "Deutschland"}
    (tmp_path / "tg").write_bytes(bz2.compress(json.dumps(talkgroups).encode()))
    result = cli(
        "import", "--source", "brandmeister_talkgroups", tmp_path / "tg", "--config", offline_config
    )
    assert result.code == 0, result
    assert table_rows(
        tmp_path / "db.sqlite", "SELECT network, id, name FROM talkgroups ORDER BY id"
    ) == [
        ("BrandMeister", 1, "Local"),
        ("BrandMeister", 91, "Worldwide"),
        ("BrandMeister", 262, "Deutschland"),
    ]
