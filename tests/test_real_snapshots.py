"""The real radioid snapshots of ../shared/data: a full load, then the next week's change."""

from __future__ import annotations

import lzma
import shutil

import pytest

from dmr_edge.config import load_settings
from dmr_edge.sync import Syncer
from tests.conftest import shared_file, table_rows, write_config

pytestmark = [pytest.mark.shared_data, pytest.mark.slow]


def load(tmp_path, snapshot, source="radioid_users"):
    """Put a snapshot in the cache as ``source``'s download and apply it offline."""
    cache = tmp_path / "cache"
    cache.mkdir(exist_ok=True)
    with lzma.open(snapshot, "rb") as src, open(cache / f"{source}.json", "wb") as dst:
        shutil.copyfileobj(src, dst)
    config = write_config(tmp_path / "c.toml", tmp_path, None, enabled=[source])
    return Syncer(load_settings(str(config)), offline=True).sync().sources[0]


def test_real_week_to_week_change_counts_match_the_real_diff(tmp_path):
    week1 = shared_file("radioid-users-2025-11-16.json.xz")
    week2 = shared_file("radioid-users-2025-11-23.json.xz")
    first = load(tmp_path, week1)
    assert (first.inserted, first.rejected) == (294_530, 0)
    second = load(tmp_path, week2)
    # The raw diff has 343 changed records: 6 of them differ only by trailing spaces, which
    # the loader trims, so 337 rows change in what is stored.
    assert (second.inserted, second.updated, second.deleted) == (613, 337, 30)
    assert second.unchanged == 295_113 - 613 - 337
    assert table_rows(tmp_path / "db.sqlite", "SELECT count(*) FROM users") == [(295_113,)]
    assert table_rows(tmp_path / "db.sqlite", "PRAGMA integrity_check") == [("ok",)]


def test_real_repeater_snapshots_load_without_rejections(tmp_path):
    source = load(tmp_path, shared_file("radioid-rptrs-2026-02-08.json.xz"), "radioid_repeaters")
    assert source.outcome == "applied" and source.inserted == 10_606
    source = load(tmp_path, shared_file("radioid-rptrs-2026-02-15.json.xz"), "radioid_repeaters")
    assert source.outcome == "applied" and source.total == 10_613
    assert source.rejected == 0


def test_real_tgif_snapshot_loads_with_decoded_descriptions(tmp_path):
    source = load(tmp_path, shared_file("tgif-talkgroups-2025-06-07.json.xz"), "tgif_talkgroups")
    assert source.rejected == 0
    assert source.inserted == 2_549 - source.duplicates
    described = table_rows(
        tmp_path / "db.sqlite", "SELECT count(*) FROM talkgroups WHERE description <> ''"
    )
    assert described[0][0] > 0
