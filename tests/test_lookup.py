"""``dmr-edge lookup``: by radio id, callsign (any case, several matches) and talkgroup,
across every source, with frequencies in MHz — and every query served by an index."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from dmr_edge.lookup import lookup_in, mhz
from dmr_edge.store import Store


@pytest.fixture
def synced(cli, config, tmp_path) -> Path:
    """The tiny documents of every source, plus a callsign shared by two ids and sources."""
    assert cli("sync", "--config", config).code == 0
    db = tmp_path / "db.sqlite"
    with Store(db) as store, store.transaction() as conn:
        conn.execute(
            "INSERT INTO users (id, callsign, first_name, last_name, city, state, country) "
            "VALUES (3191869, 'KI5VMF', 'Jacob', 'Second', 'Moore', 'Oklahoma', 'United States')"
        )
        conn.execute(
            "INSERT INTO repeaters (source, id, callsign, tx_hz, rx_hz, color_code, mode) "
            "VALUES ('hearham_repeaters', 110601, 'KI5VMF', 446006250, 446006250, NULL, 'DMR')"
        )
        conn.execute("INSERT INTO talkgroups (network, id, name) VALUES ('TGIF', 91, '100%_real')")
    return config


def test_lookup_by_radio_id_shows_the_user(cli, synced):
    result = cli("lookup", "3191868", "--config", synced)
    assert result.code == 0, result
    assert result.out.splitlines() == [
        "users (1)",
        "  ID       CALLSIGN  NAME   LOCATION",
        "  3191868  KI5VMF    Jacob  Moore, Oklahoma, United States",
    ]


def test_lookup_by_callsign_ignores_case_and_lists_every_match(cli, synced):
    result = cli("lookup", "ki5vmf", "--config", synced)
    assert result.code == 0, result
    lines = result.out.splitlines()
    assert lines[0] == "users (2)"
    assert "3191868  KI5VMF    Jacob         Moore, Oklahoma, United States" in lines[2]
    assert "3191869  KI5VMF    Jacob Second  Moore, Oklahoma, United States" in lines[3]
    assert lines[5] == "repeaters (1; frequencies in MHz)"
    assert "hearham_repeaters  110601  KI5VMF    446.00625  446.00625" in lines[7]


def test_lookup_by_id_finds_repeaters_of_every_source_and_talkgroups(cli, synced):
    result = cli("lookup", "110601", "--config", synced, "--json")
    found = json.loads(result.out)
    assert found["kind"] == "id"
    assert [(r["source"], r["callsign"]) for r in found["repeaters"]] == [
        ("hearham_repeaters", "KI5VMF"),
        ("radioid_repeaters", "WB6ECE"),
    ]
    radioid = found["repeaters"][1]
    assert (radioid["tx_mhz"], radioid["rx_mhz"], radioid["offset_mhz"]) == (
        "440.58750",
        "445.58750",
        "5.00000",
    )
    assert radioid["tx_hz"] == 440587500 and radioid["color_code"] == 2
    assert isinstance(radioid["details"], dict)  # the stored JSON comes back as an object
    tg = json.loads(cli("lookup", "91", "--config", synced, "--json").out)["talkgroups"]
    assert [(t["network"], t["name"]) for t in tg] == [
        ("BrandMeister", "Worldwide"),
        ("TGIF", "100%_real"),
    ]


def test_lookup_of_a_brandmeister_device_by_its_base_callsign(cli, synced):
    result = cli("lookup", "K6UHF", "--config", synced, "--json")
    repeaters = json.loads(result.out)["repeaters"]
    assert [(r["source"], r["callsign"], r["tx_mhz"]) for r in repeaters] == [
        ("brandmeister_devices", "K6UHF SCRN BLU", "449.74000")
    ]


def test_lookup_of_a_shared_repeater_callsign_lists_each_repeater(cli, synced):
    result = cli("lookup", "w1aw", "--config", synced)
    lines = result.out.splitlines()
    assert lines[0] == "repeaters (2; frequencies in MHz)"
    assert "444.20000" in lines[2] and "449.20000" in lines[2]
    assert "146.52000" in lines[3] and "145.92000" in lines[3]


def test_lookup_of_a_talkgroup_name_matches_a_part_of_it_literally(cli, synced):
    found = json.loads(cli("lookup", "world", "--config", synced, "--json").out)
    assert [(t["network"], t["id"]) for t in found["talkgroups"]] == [("BrandMeister", 91)]
    literal = json.loads(cli("lookup", "0%_", "--config", synced, "--json").out)
    assert [t["name"] for t in literal["talkgroups"]] == ["100%_real"]
    assert json.loads(cli("lookup", "%", "--config", synced, "--json").out)["talkgroups"] == [
        {"description": None, "id": 91, "name": "100%_real", "network": "TGIF"}
    ]


def test_lookup_of_something_unknown_exits_1_with_one_line(cli, synced):
    result = cli("lookup", "N0WHERE", "--config", synced)
    assert (result.code, result.out, result.err) == (
        1,
        "",
        "dmr-edge: nothing known of 'N0WHERE'\n",
    )
    empty = cli("lookup", "9999999", "--config", synced, "--json")
    assert empty.code == 1
    assert json.loads(empty.out)["users"] == []


def test_lookup_before_any_sync_says_so(cli, tmp_path):
    from tests.conftest import write_config

    config = write_config(tmp_path / "config.toml", tmp_path)
    result = cli("lookup", "3191868", "--config", config)
    assert result.code == 1
    assert (
        result.err
        == f"dmr-edge: error: {tmp_path / 'db.sqlite'}: no database yet (run dmr-edge sync)\n"
    )


def test_lookup_limit_cuts_each_kind_and_says_so(cli, synced):
    result = cli("lookup", "KI5VMF", "--config", synced, "--limit", "1")
    assert "users (1)" in result.out
    assert result.out.rstrip().endswith(
        "(more matches than --limit; showing the first of each kind)"
    )


@pytest.mark.parametrize("query", ["3191868", "KI5VMF", "k6uhf", "world", "110601"])
def test_every_lookup_query_is_served_by_an_index(synced, tmp_path, query):
    conn = sqlite3.connect(str(tmp_path / "db.sqlite"))
    statements: list = []
    conn.set_trace_callback(statements.append)
    lookup_in(conn, query)
    conn.set_trace_callback(None)
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 3
    for sql in selects:
        plan = " / ".join(row[-1] for row in conn.execute("EXPLAIN QUERY PLAN " + sql))
        if "FROM talkgroups WHERE name LIKE" in sql:
            continue  # a few thousand talkgroups: a LIKE '%…%' scan is the honest way
        assert "SCAN" not in plan.replace("SCAN CONSTANT", ""), (sql, plan)
        assert "USING" in plan, (sql, plan)
    conn.close()


def test_frequencies_are_shown_in_mhz_exactly():
    assert mhz(440587500) == "440.58750"
    assert mhz(446006250) == "446.00625"
    assert mhz(145925000) == "145.92500"
    assert mhz(-600000) == "-0.60000"
    assert mhz(None) is None
