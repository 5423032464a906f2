"""A sync against a loopback upstream of every source."""

from __future__ import annotations

from tests.conftest import dump, table_rows


def test_sync_loads_every_source_into_its_table(cli, config, tmp_path):
    result = cli("sync", "--config", config)
    assert result.code == 0, result
    db = tmp_path / "db.sqlite"
    assert table_rows(db, "SELECT count(*) FROM users") == [(2,)]
    assert table_rows(db, "SELECT source, count(*) FROM repeaters GROUP BY source ORDER BY 1") == [
        ("brandmeister_devices", 1), ("hearham_repeaters", 2), ("radioid_repeaters", 5)]
    assert table_rows(db, "SELECT network, count(*) FROM talkgroups GROUP BY 1 ORDER BY 1") == [
        ("BrandMeister", 3), ("TGIF", 2)]


def test_second_sync_of_the_same_data_writes_nothing(cli, config, tmp_path, served):
    assert cli("sync", "--config", config).code == 0
    db = tmp_path / "db.sqlite"
    before = dump(db)
    result = cli("sync", "--config", config, "--max-age", "0")
    assert result.code == 0
    assert "304" in result.out
    assert dump(db) == before
