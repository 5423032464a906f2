"""The generator of realistic upstream files: shapes, determinism, churn, quirks, memory."""

from __future__ import annotations

import base64
import io
import json
import os
import tracemalloc
from pathlib import Path
from typing import Any

import pytest

from dmr_edge.bench.generate import (
    DEFAULT_COUNTS,
    SOURCES,
    generate,
    generate_file,
    record_count,
)
from dmr_edge.bench.generate.__main__ import main


def _bytes(source: str, **kw: Any) -> bytes:
    out = io.BytesIO()
    generate(source, out, **kw)
    return out.getvalue()


def _records(source: str, **kw: Any) -> list[Any]:
    """The records of a generated document as a list (talkgroup objects as [id, name] pairs)."""
    data = _bytes(source, **kw)
    if source == "brandmeister_talkgroups":
        pairs = json.loads(data, object_pairs_hook=list)
        return [[k, v] for k, v in pairs]
    doc = json.loads(data)
    if source == "radioid_users":
        return list(doc["users"])
    if source == "radioid_repeaters":
        return list(doc["rptrs"])
    return list(doc)


def _id(source: str, record: Any) -> int:
    if source == "brandmeister_talkgroups":
        return int(record[0])
    return int(record["id"])


def _by_id(source: str, records: list[Any]) -> dict[int, Any]:
    return {_id(source, r): r for r in records}


def test_the_api_names_the_six_sources_in_order_with_their_real_sizes() -> None:
    assert SOURCES == (
        "radioid_users",
        "radioid_repeaters",
        "brandmeister_devices",
        "brandmeister_talkgroups",
        "tgif_talkgroups",
        "hearham_repeaters",
    )
    assert DEFAULT_COUNTS == {
        "radioid_users": 295_000,
        "radioid_repeaters": 10_600,
        "brandmeister_devices": 34_000,
        "brandmeister_talkgroups": 3_000,
        "tgif_talkgroups": 2_500,
        "hearham_repeaters": 16_000,
    }


def test_record_count_scales_the_default_and_never_drops_below_one() -> None:
    assert record_count("radioid_users") == 295_000
    assert record_count("radioid_users", 0.01) == 2_950
    assert record_count("tgif_talkgroups", 0.0001) == 1
    assert record_count("radioid_repeaters", 2.5) == 26_500


@pytest.mark.parametrize("source", SOURCES)
def test_every_source_writes_valid_json_of_its_shape_with_the_requested_count(source: str) -> None:
    data = _bytes(source, scale=0.01)
    assert not data.startswith(b"\xef\xbb\xbf")
    data.decode("utf-8")
    doc = json.loads(data)
    if source == "radioid_users":
        assert list(doc) == ["users"]
    elif source == "radioid_repeaters":
        assert list(doc) == ["rptrs"]
    elif source == "brandmeister_talkgroups":
        assert isinstance(doc, dict)
        assert all(k.isdigit() and isinstance(v, str) for k, v in doc.items())
    else:
        assert isinstance(doc, list)
    records = _records(source, scale=0.01)
    assert len(records) == record_count(source, 0.01)
    ids = [_id(source, r) for r in records]
    assert len(set(ids)) == len(ids), "ids are unique"
    assert ids == sorted(ids), "ids are in ascending order"


@pytest.mark.parametrize("source", SOURCES)
def test_generate_returns_the_number_of_records_it_wrote(source: str) -> None:
    out = io.BytesIO()
    assert generate(source, out, scale=0.01) == record_count(source, 0.01)
    written = generate(source, io.BytesIO(), scale=0.01, change=0.3)
    assert written == len(_records(source, scale=0.01, change=0.3))


@pytest.mark.parametrize("source", SOURCES)
def test_the_same_arguments_give_identical_bytes_and_another_seed_other_bytes(source: str) -> None:
    first = _bytes(source, scale=0.01, seed=5, change=0.1)
    assert first == _bytes(source, scale=0.01, seed=5, change=0.1)
    assert first != _bytes(source, scale=0.01, seed=6, change=0.1)


def test_records_are_compact_json_as_json_dumps_writes_them() -> None:
    for source in ("radioid_repeaters", "hearham_repeaters"):
        data = _bytes(source, scale=0.01).decode("utf-8")
        for record in _records(source, scale=0.01):
            assert json.dumps(record, ensure_ascii=False, separators=(",", ":")) in data


def test_a_one_percent_change_adds_removes_and_modifies_about_the_expected_numbers() -> None:
    base = _by_id("radioid_users", _records("radioid_users", scale=0.1, seed=3))
    changed = _by_id("radioid_users", _records("radioid_users", scale=0.1, seed=3, change=0.01))
    n = len(base)
    added = set(changed) - set(base)
    removed = set(base) - set(changed)
    modified = [i for i in set(base) & set(changed) if base[i] != changed[i]]
    assert 0.5 * 0.0035 * n < len(added) < 1.5 * 0.0035 * n
    assert 0.5 * 0.0010 * n < len(removed) < 1.5 * 0.0010 * n
    assert 0.5 * 0.0055 * n < len(modified) < 1.5 * 0.0055 * n
    for i in modified:
        assert base[i]["id"] == changed[i]["id"]
        different = {k for k in base[i] if base[i][k] != changed[i][k]}
        assert different, "a modified record really differs"
        assert different <= {"city", "callsign", "name", "fname", "has_valid_email",
                             "has_valid_callsign"}  # fmt: skip


@pytest.mark.parametrize("source", SOURCES)
def test_a_change_touches_every_source_and_keeps_its_ids_sorted_and_unique(source: str) -> None:
    base = _by_id(source, _records(source, scale=0.05, seed=11))
    records = _records(source, scale=0.05, seed=11, change=0.2)
    ids = [_id(source, r) for r in records]
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)
    changed = _by_id(source, records)
    assert set(changed) - set(base), "some ids are added"
    assert set(base) - set(changed), "some ids are removed"
    assert any(base[i] != changed[i] for i in set(base) & set(changed)), "some are modified"


def test_changes_are_spread_across_the_file_not_bunched_at_the_end() -> None:
    base = _records("radioid_users", scale=0.05, seed=2)
    changed = _by_id("radioid_users", _records("radioid_users", scale=0.05, seed=2, change=0.05))
    quarter = len(base) // 4
    for q in range(4):
        part = base[q * quarter : (q + 1) * quarter]
        assert any(changed.get(r["id"]) != r for r in part), f"quarter {q} has changes"


def test_change_zero_is_the_base_file_and_a_bigger_change_removes_a_superset() -> None:
    assert _bytes("radioid_repeaters", scale=0.1, change=0.0) == _bytes(
        "radioid_repeaters", scale=0.1
    )
    base = set(_by_id("radioid_repeaters", _records("radioid_repeaters", scale=0.1)))
    small = set(_by_id("radioid_repeaters", _records("radioid_repeaters", scale=0.1, change=0.1)))
    large = set(_by_id("radioid_repeaters", _records("radioid_repeaters", scale=0.1, change=0.5)))
    assert base - small <= base - large


def test_radioid_user_ids_are_seven_digit_24_bit_ids_in_their_countrys_prefix() -> None:
    users = _records("radioid_users", scale=0.05)
    prefixes = {"United States": {310, 311, 312}, "Germany": {262}, "United Kingdom": {234},
                "Canada": {302}, "Japan": {440}, "Russia": {250}, "China": {460},
                "Brazil": {724}}  # fmt: skip
    for user in users:
        assert 1_000_000 <= user["id"] <= 16_777_215
        assert user["id"] == user["radio_id"]
        if user["country"] in prefixes:
            assert user["id"] // 10_000 in prefixes[user["country"]], user


def test_a_scale_beyond_the_24_bit_id_space_is_refused_before_anything_is_written() -> None:
    out = io.BytesIO()
    with pytest.raises(ValueError, match="scale too large"):
        generate("radioid_users", out, scale=1000)
    assert out.getvalue() == b""


def test_radioid_users_carry_the_real_field_types_and_unicode_variety() -> None:
    users = _records("radioid_users", scale=0.05)
    assert list(users[0]) == [
        "name", "fname", "surname", "country", "callsign", "city", "radio_id", "id", "state",
        "has_valid_callsign", "has_valid_email", "account_unvalidated",
        "account_validation_status",
    ]  # fmt: skip
    assert {u["has_valid_callsign"] for u in users} == {"0", "1"}
    assert {u["has_valid_email"] for u in users} <= {0, 1, 2}
    text = [u["name"] + u["city"] for u in users]
    assert sum(1 for u in users if u["surname"] == "") > len(users) / 2, "surname is often empty"
    assert any(u["surname"] for u in users)
    assert any(not u["name"].isascii() for u in users)
    assert any("," in u["name"] for u in users), "a name with a comma"
    assert any('"' in t for t in text), "a double quote"
    assert any("'" in t for t in text), "an apostrophe"
    assert any(any("\u0400" <= ch <= "\u04ff" for ch in t) for t in text), "Cyrillic"
    assert any(any("\u0370" <= ch <= "\u03ff" for ch in t) for t in text), "Greek"
    assert any(any("\u4e00" <= ch <= "\u9fff" for ch in t) for t in text), "CJK"
    assert any(any(ch in "éèüöäñçã" for ch in t) for t in text), "accents"
    assert any(u["city"] == "" for u in users) and any(u["state"] == "" for u in users)
    calls = [u["callsign"] for u in users]
    assert len(set(calls)) < len(calls), "one person can hold several ids"
    us = [u["callsign"] for u in users if u["country"] == "United States"]
    assert all(c[0] in "KWNA" for c in us)
    de = [u["callsign"] for u in users if u["country"] == "Germany"]
    assert all(c.startswith("D") for c in de)


def test_radioid_repeaters_mix_both_formats_and_every_documented_quirk() -> None:
    rptrs = _records("radioid_repeaters", scale=0.1)
    assert any(r["map_info"] == "None" for r in rptrs)
    assert any(r["map_info"] is None for r in rptrs)
    assert any("lat" in r and r["lat"] is None for r in rptrs)
    assert any("lat" not in r for r in rptrs), "new-format records may lack coordinates"
    assert any(r["frequency"] == "0.00000" for r in rptrs)
    assert any(r["offset"] == "" for r in rptrs)
    assert any(isinstance(r["trustee"], str) for r in rptrs)
    assert any(isinstance(r["trustee"], list) for r in rptrs)
    assert {"BM", "Brandmeister", "BrandMeister"} <= {r["ipsc_network"] for r in rptrs}
    assert {r["status"] for r in rptrs} <= {"ACTIVE", "UNKNOWN"}
    assert any(r["assigned"] is None for r in rptrs)
    for r in rptrs:
        assert r["id"] == r["locator"]
        for key in ("id", "locator", "color_code", "map"):
            assert type(r[key]) is int
        assert isinstance(r["frequency"], str) and isinstance(r["offset"], str)
        assert r.get("lat") is None or isinstance(r["lat"], str)
        if isinstance(r["trustee"], list):
            assert isinstance(r["talkgroups"], list)
            for tg in r["talkgroups"]:
                assert set(tg) == {"talkgroup", "description", "timeslot", "discovery"}
                assert tg["timeslot"] in (1, 2)
    assert any(r.get("talkgroups") for r in rptrs)


def test_brandmeister_devices_follow_the_sample_and_share_callsigns_across_ids() -> None:
    devices = _records("brandmeister_devices", scale=0.02)
    sample_keys = [
        "id", "callsign", "hardware", "firmware", "tx", "rx", "colorcode", "status",
        "lastKnownMaster", "lat", "lng", "city", "website", "pep", "agl", "priorityDescription",
        "description",
    ]  # fmt: skip
    for d in devices:
        assert list(d)[: len(sample_keys)] == sample_keys
        assert set(d) - set(sample_keys) <= {"linkname", "last_seen", "statusText"}
        float(d["tx"]), float(d["rx"])
        assert isinstance(d["lat"], (int, float)) and isinstance(d["lng"], (int, float))
    assert any(d["priorityDescription"] is None for d in devices)
    assert any("<p>" in d["description"] for d in devices)
    assert any("last_seen" in d for d in devices)
    calls = [d["callsign"] for d in devices]
    assert len(set(calls)) < len(calls)
    assert any(d["id"] < 1_000_000 for d in devices) and any(d["id"] > 99_999_999 for d in devices)


def test_brandmeister_talkgroups_are_a_flat_object_of_id_strings_to_names() -> None:
    doc = json.loads(_bytes("brandmeister_talkgroups"))
    assert len(doc) == 3_000
    assert doc["91"] == "Worldwide"
    assert doc["1"] == "Local"


def test_tgif_talkgroups_have_string_ids_base64_descriptions_and_padded_names() -> None:
    tgs = _records("tgif_talkgroups", scale=0.2)
    assert tgs[0]["id"] == "101"
    for tg in tgs:
        assert list(tg) == ["id", "name", "description", "website"]
        assert isinstance(tg["id"], str) and tg["id"].isdigit()
        base64.b64decode(tg["description"], validate=True).decode("utf-8")
    assert any(tg["name"] != tg["name"].rstrip() for tg in tgs), "a name with a trailing space"


def test_hearham_gives_integer_hz_shares_callsigns_and_mixes_modes() -> None:
    rptrs = _records("hearham_repeaters", scale=0.05)
    for r in rptrs:
        assert type(r["frequency"]) is int and r["frequency"] > 1_000_000
        assert type(r["offset"]) is int and abs(r["offset"]) < 50_000_000
        assert type(r["id"]) is int
        assert r["operational"] in (0, 1)
        assert isinstance(r["latitude"], (int, float))
    modes = {r["mode"] for r in rptrs}
    assert {"FM", "DMR"} <= modes
    calls = [r["callsign"] for r in rptrs]
    assert len(set(calls)) < 0.9 * len(calls), "many records share a callsign"


def test_generate_file_writes_the_same_bytes_to_a_path(tmp_path: Path) -> None:
    path = tmp_path / "rptrs.json"
    assert generate_file("radioid_repeaters", path, scale=0.01, seed=4) == 106
    assert path.read_bytes() == _bytes("radioid_repeaters", scale=0.01, seed=4)


def test_generate_file_refuses_bad_arguments_without_truncating_the_file(tmp_path: Path) -> None:
    path = tmp_path / "users.json"
    path.write_bytes(b"good data")
    with pytest.raises(ValueError):
        generate_file("radioid_users", path, change=2.0)
    assert path.read_bytes() == b"good data"


def test_the_command_line_writes_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "tg.json"
    assert main(["tgif_talkgroups", str(path), "--scale", "0.01", "--seed", "2"]) == 0
    assert path.read_bytes() == _bytes("tgif_talkgroups", scale=0.01, seed=2)
    assert "25" in capsys.readouterr().err


@pytest.mark.parametrize("kw", [{"scale": 0}, {"scale": -1.0}, {"change": 1.5}, {"change": -0.1}])
def test_bad_arguments_are_refused_with_a_clear_error(kw: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="scale|change"):
        generate("radioid_users", io.BytesIO(), **kw)
    with pytest.raises(ValueError, match="unknown source"):
        generate("radioid", io.BytesIO())


def _peak(scale: float) -> int:
    tracemalloc.reset_peak()
    with open(os.devnull, "wb") as out:
        generate("radioid_users", out, scale=scale)
    return tracemalloc.get_traced_memory()[1]


def _peak_growth(small: float, large: float) -> int:
    tracemalloc.start()
    try:
        _peak(small)  # warm up lazily created objects
        return _peak(large) - _peak(small)
    finally:
        tracemalloc.stop()


def test_memory_does_not_grow_with_the_scale() -> None:
    assert _peak_growth(0.005, 0.05) < 1_000_000


@pytest.mark.slow
def test_memory_of_a_full_size_users_file_is_that_of_a_tenth() -> None:
    assert _peak_growth(0.1, 1.0) < 1_000_000
