"""Hostile and broken files, through the loopback upstream and through ``import``.

Each file gets either a clear error (and the previous rows, cache file and export stay
exactly as they were) or a counted rejection of the bad record (and the good records are
applied). The very large ones run in a child process whose peak RSS is compared with a
normal sync's: no record may make the agent allocate without limit.
"""

from __future__ import annotations

import base64
import http.server
import json
import os
import re
import sqlite3
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, Iterator, List, Tuple

import pytest

from dmr_edge.cli import COMMANDS
from dmr_edge.sources import SOURCES
from tests.conftest import DATA_COLUMNS, PATHS, ROOT, tiny_documents, write_config
from tests.upstream import Upstream

USERS = PATHS["radioid_users"]
GOOD_COUNT = 40
BIG_STRING = 100 * 1024 * 1024
RSS_ALLOWANCE_KIB = 40 * 1024  # a hostile file may cost this much above a normal sync


def user(radio_id: object, callsign: object = None, **extra: object) -> Dict[str, object]:
    record: Dict[str, object] = {
        "id": radio_id,
        "radio_id": radio_id,
        "callsign": callsign if callsign is not None else f"K{radio_id}",
        "fname": "Ann",
        "surname": "Lee",
        "city": "Springfield",
        "state": "",
        "country": "United States",
    }
    record.update(extra)
    return record


def good_users(version: int = 1) -> List[Dict[str, object]]:
    return [user(3100000 + i, city=f"City {version}") for i in range(GOOD_COUNT)]


def document(records: List[object], key: str = "users") -> bytes:
    return json.dumps({key: records}).encode()


def with_bad_record(raw_record: str) -> bytes:
    """The good version-2 users with one hostile record (raw JSON text) in the middle."""
    good = [json.dumps(r) for r in good_users(2)]
    good.insert(GOOD_COUNT // 2, raw_record)
    return ('{"users": [' + ", ".join(good) + "]}").encode()


V1 = document(good_users(1))
V2 = document(good_users(2))


@dataclass(frozen=True)
class Hostile:
    body: Callable[[], bytes]
    outcome: str  # "error": refused whole; "rejected": one record counted; "applied"
    says: str = ""  # regex the error line must match
    http_code: int = 1  # exit code through the upstream (import is always 1 for errors)


def _nested(depth: int) -> bytes:
    return with_bad_record(
        json.dumps(user(3200000))[:-1] + ', "x": ' + "[" * depth + "]" * depth + "}"
    )


CORPUS: Dict[str, Hostile] = {
    "truncated_mid_record": Hostile(lambda: V2[: len(V2) // 2], "error", r"cut short|malformed"),
    "invalid_utf8": Hostile(
        lambda: V2.replace(b"Ann", b"A\xff\xfenn", 1), "error", r"invalid UTF-8"
    ),
    "utf8_bom": Hostile(lambda: b"\xef\xbb\xbf" + V2, "applied"),
    "empty_file": Hostile(lambda: b"", "error", r"empty", http_code=75),
    "only_whitespace": Hostile(lambda: b" \n\t\n", "error", r"document is empty"),
    "null": Hostile(lambda: b"null", "error", r"found null"),
    "a_bare_string": Hostile(lambda: b'"users"', "error", r"found a string"),
    "wrong_top_level_key": Hostile(
        lambda: document(good_users(2), "people"),
        "error",
        r"no record list 'users' or 'results'.*'people'",
    ),
    "records_that_are_not_objects": Hostile(
        lambda: b'{"users": [1, "two", null, [3]]}', "error", r"4 of 4 records failed validation"
    ),
    "trailing_garbage": Hostile(lambda: V2 + b' {"more": 1}', "error", r"unexpected data after"),
    "id_abc": Hostile(lambda: with_bad_record('{"id": "abc", "callsign": "X1"}'), "rejected"),
    "id_negative": Hostile(lambda: with_bad_record('{"id": -5, "callsign": "X1"}'), "rejected"),
    "id_zero": Hostile(lambda: with_bad_record('{"id": 0, "callsign": "X1"}'), "rejected"),
    "id_above_2_24": Hostile(
        lambda: with_bad_record('{"id": 16777216, "callsign": "X1"}'), "rejected"
    ),
    "id_above_2_63": Hostile(
        lambda: with_bad_record('{"id": 9223372036854775809, "callsign": "X1"}'), "rejected"
    ),
    "id_as_float": Hostile(
        lambda: with_bad_record('{"id": 3200000.0, "callsign": "X1"}'), "rejected"
    ),
    "id_as_fraction": Hostile(
        lambda: with_bad_record('{"id": 3200000.5, "callsign": "X1"}'), "rejected"
    ),
    "id_as_exponent": Hostile(
        lambda: with_bad_record('{"id": 1e400, "callsign": "X1"}'), "rejected"
    ),
    "nan_literal": Hostile(
        lambda: with_bad_record('{"id": NaN, "callsign": "X1"}'), "error", r"NaN is not valid JSON"
    ),
    "infinity_literal": Hostile(
        lambda: with_bad_record('{"id": 3200000, "lat": -Infinity}'),
        "error",
        r"Infinity is not valid JSON",
    ),
    "one_megabyte_callsign": Hostile(
        lambda: with_bad_record(json.dumps(user(3200000, "K" * 1_000_000))), "rejected"
    ),
    "ten_thousand_deep_nesting": Hostile(lambda: _nested(10_000), "error", r"nesting too deep"),
    "duplicate_ids": Hostile(
        lambda: document(
            good_users(2)
            + [user(3100000, "DUP1", city="City 2"), user(3100000, "DUP2", city="City 2")]
        ),
        "applied",
    ),
    "json_bomb_of_repeated_keys": Hostile(
        lambda: with_bad_record(
            '{"id": 3200000, "callsign": "X1", ' + '"k": "vvvvvvvv", ' * 150_000 + '"z": 0}'
        ),
        "error",
        r"larger than \d+ characters",
    ),
    "many_small_repeated_keys_within_limits": Hostile(
        lambda: with_bad_record(
            '{"id": 3200000, "city": "City 2", ' + '"callsign": "X1", ' * 20_000 + '"z": 0}'
        ),
        "applied",
    ),
    "lone_high_surrogate_in_a_name": Hostile(
        lambda: with_bad_record('{"id": 3200000, "callsign": "X1", "fname": "An\\ud800n"}'),
        "rejected",
    ),
    "lone_low_surrogate_in_a_city": Hostile(
        lambda: with_bad_record('{"id": 3200000, "callsign": "X1", "city": "City 2\\udfff"}'),
        "rejected",
    ),
    "id_of_5000_digits_as_text": Hostile(
        lambda: with_bad_record('{"id": "' + "1" * 5000 + '", "callsign": "X1"}'), "rejected"
    ),
    "id_of_a_unicode_digit": Hostile(
        lambda: with_bad_record('{"id": "\u00b2", "callsign": "X1"}'), "rejected"
    ),
    "tab_inside_a_string": Hostile(
        lambda: with_bad_record('{"id": 3200000, "callsign": "X1", "city": "City\t2"}'),
        "error",
        r"invalid JSON at character \d+: a control character inside a string",
    ),
    "null_sibling_named_like_a_container": Hostile(
        lambda: b'{"results": null, ' + V2[1:], "applied"
    ),
}


def users_rows(db: Path) -> List[tuple]:
    conn = sqlite3.connect(str(db))
    try:
        return conn.execute(f"SELECT {DATA_COLUMNS['users']} FROM users ORDER BY id").fetchall()
    finally:
        conn.close()


def make_config(tmp: Path, up: Upstream) -> Path:
    return write_config(
        tmp / "config.toml", tmp, up, enabled=["radioid_users"],
        extra=f'[export]\ndmrids = "{tmp / "DMRIds.dat"}"\n',
    )  # fmt: skip


def snapshot(tmp: Path) -> Dict[str, object]:
    dmrids = tmp / "DMRIds.dat"
    return {
        "rows": users_rows(tmp / "db.sqlite"),
        "cache": (tmp / "cache" / "radioid_users.json").read_bytes(),
        "dmrids": dmrids.read_bytes() if dmrids.exists() else None,
    }


def check(result, case: Hostile, before: Dict[str, object], tmp: Path, code_if_error: int):
    assert "Traceback" not in result.err and "internal error" not in result.err, result.err
    after = snapshot(tmp)
    if case.outcome == "error":
        assert result.code == code_if_error, result
        errors = [line for line in result.err.splitlines() if "error" in line]
        assert len(errors) == 1, result.err
        assert "radioid_users" in errors[0]
        assert re.search(case.says, errors[0]), errors[0]
        assert after == before
        return None
    assert result.code == 0, result
    report = json.loads(result.out)
    source = report["sources"][0]
    rows = users_rows(tmp / "db.sqlite")
    assert {row[4] for row in rows} == {"City 2"}
    if case.outcome == "rejected":
        assert source["rejected"] == 1
        assert len(rows) == GOOD_COUNT
    assert after["rows"] != before["rows"]
    return source


@pytest.fixture
def at_version_one(cli, upstream, tmp_path):
    upstream.set(USERS, V1, etag='"v1"')
    config = make_config(tmp_path, upstream)
    assert cli("sync", "--config", config).code == 0
    return config


@pytest.mark.parametrize("name", list(CORPUS))
def test_a_hostile_download_is_refused_or_its_bad_record_counted(
    cli, upstream, tmp_path, at_version_one, name
):
    case = CORPUS[name]
    before = snapshot(tmp_path)
    upstream.set(USERS, case.body(), etag='"hostile"')
    result = cli("sync", "--config", at_version_one, "--max-age", "0", "--json")
    source = check(result, case, before, tmp_path, case.http_code)
    if name == "duplicate_ids":
        assert source["duplicates"] >= 1
        assert users_rows(tmp_path / "db.sqlite")[0][1] in ("DUP1", "DUP2")


needs_import = pytest.mark.skipif("import" not in COMMANDS, reason="dmr-edge import not there yet")


@needs_import
@pytest.mark.parametrize("name", list(CORPUS))
def test_a_hostile_file_brought_by_hand_is_refused_or_its_bad_record_counted(
    cli, upstream, tmp_path, at_version_one, name
):
    case = CORPUS[name]
    before = snapshot(tmp_path)
    hostile = tmp_path / "hostile.json"
    hostile.write_bytes(case.body())
    result = cli("import", "--config", at_version_one, "--source", "radioid_users", hostile,
                 "--json")  # fmt: skip
    if case.outcome == "error":
        check(result, case, before, tmp_path, 1)
    else:
        assert result.code == 0, result
        rows = users_rows(tmp_path / "db.sqlite")
        assert {row[4] for row in rows} == {"City 2"}


# --- bad values in any source, beside a healthy one --------------------------------------

DIGITS_400 = "1" * 400


def source_document(name: str, extra: List[str]) -> bytes:
    """The tiny valid document of a source in its real shape, with raw JSON records added."""
    doc = json.loads(tiny_documents()[name])
    if SOURCES[name].kind == "map":
        members = [f"{json.dumps(k)}: {json.dumps(v)}" for k, v in doc.items()]
        return ("{" + ", ".join(members + extra) + "}").encode()
    key = None
    if isinstance(doc, dict):
        key = next(k for k, v in doc.items() if isinstance(v, list))
    records = doc[key] if key else doc
    text = "[" + ", ".join([json.dumps(r) for r in records] + extra) + "]"
    return (f'{{"{key}": {text}}}' if key else text).encode()


def good_count(name: str) -> int:
    doc = json.loads(tiny_documents()[name])
    if isinstance(doc, dict) and SOURCES[name].kind == "array":
        doc = next(v for v in doc.values() if isinstance(v, list))
    return len(doc)


def source_rows(db: Path, name: str) -> List[tuple]:
    spec = SOURCES[name]
    where = f" WHERE {spec.scope_column} = ?" if spec.scope_column else ""
    args = (spec.scope,) if spec.scope_column else ()
    conn = sqlite3.connect(str(db))
    try:
        return conn.execute(
            f"SELECT {DATA_COLUMNS[spec.table]} FROM {spec.table}{where}", args
        ).fetchall()
    finally:
        conn.close()


def sync_config(tmp: Path, up: Upstream, enabled: List[str], sync: str = "") -> Path:
    config = write_config(tmp / "config.toml", tmp, up, enabled=enabled)
    # A tiny document with one bad record: let the rest through the reject threshold.
    settings = "reject_threshold = 0.5\n" + sync
    config.write_text(config.read_text().replace("[http]", f"[sync]\n{settings}[http]", 1))
    return config


# name: (source, the bad record as raw JSON, "rejected" or the column stored as unknown)
BAD_VALUES: Dict[str, Tuple[str, str, str]] = {
    "lone_surrogate_in_a_user_city": (
        "radioid_users",
        '{"id": 3199999, "callsign": "X1", "city": "Spring\\ud800field"}',
        "rejected",
    ),
    "lone_surrogate_in_radioid_map_info": (
        "radioid_repeaters",
        '{"id": 999001, "callsign": "X1", "map_info": "<b>\\udc00</b>"}',
        "rejected",
    ),
    "lone_surrogate_in_a_radioid_talkgroup_description": (
        "radioid_repeaters",
        '{"id": 999001, "callsign": "X1", "talkgroups": [{"talkgroup": 9, "description":'
        ' "\\ud83d"}]}',
        "rejected",
    ),
    "latitude_of_400_digits": (
        "radioid_repeaters",
        '{"id": 999001, "callsign": "X1", "lat": ' + DIGITS_400 + "}",
        "lat",
    ),
    "unicode_digit_color_code": (
        "radioid_repeaters",
        '{"id": 999001, "callsign": "X1", "color_code": "\\u00b2"}',
        "rejected",
    ),
    "color_code_beyond_any_sqlite_integer": (
        "radioid_repeaters",
        '{"id": 999001, "callsign": "X1", "color_code": "99999999999999999999"}',
        "rejected",
    ),
    "lone_surrogate_in_brandmeister_hardware": (
        "brandmeister_devices",
        '{"id": 999001, "callsign": "X1", "hardware": "R\\udbff"}',
        "rejected",
    ),
    "longitude_of_400_digits": (
        "brandmeister_devices",
        '{"id": 999001, "callsign": "X1", "lng": -' + DIGITS_400 + "}",
        "lng",
    ),
    "brandmeister_master_of_5000_digits_as_text": (
        "brandmeister_devices",
        '{"id": 999001, "callsign": "X1", "lastKnownMaster": "' + "3" * 5000 + '"}',
        "rejected",
    ),
    "lone_surrogate_in_a_brandmeister_talkgroup_name": (
        "brandmeister_talkgroups",
        '"999001": "World\\ud800"',
        "rejected",
    ),
    "lone_surrogate_in_a_tgif_name": (
        "tgif_talkgroups",
        '{"id": "999001", "name": "\\udfff"}',
        "rejected",
    ),
    "lone_surrogate_in_a_hearham_description": (
        "hearham_repeaters",
        '{"id": 999001, "callsign": "X1", "description": "\\ud800"}',
        "rejected",
    ),
    "hearham_latitude_of_400_digits": (
        "hearham_repeaters",
        '{"id": 999001, "callsign": "X1", "latitude": ' + DIGITS_400 + "}",
        "lat",
    ),
}


@pytest.mark.parametrize("name", list(BAD_VALUES))
def test_a_bad_value_in_any_source_is_a_rejected_record_and_the_next_source_is_still_applied(
    cli, upstream, tmp_path, name
):
    source, raw, outcome = BAD_VALUES[name]
    names = list(SOURCES)
    healthy = names[(names.index(source) + 1) % len(names)]
    upstream.set(PATHS[source], source_document(source, [raw]))
    upstream.set(PATHS[healthy], tiny_documents()[healthy])
    config = sync_config(tmp_path, upstream, [source, healthy])
    result = cli("sync", "--config", config, "--json")
    assert result.code == 0, result
    assert "Traceback" not in result.err and "internal error" not in result.err, result.err
    report = {s["source"]: s for s in json.loads(result.out)["sources"]}
    db = tmp_path / "db.sqlite"
    assert len(source_rows(db, healthy)) == good_count(healthy)
    rows = source_rows(db, source)
    if outcome == "rejected":
        assert report[source]["rejected"] == 1, report[source]
        assert re.search(r"record \d+: .+", report[source]["reasons"][0])
        assert len(rows) == good_count(source)
    else:  # kept, with the unreadable value stored as unknown
        assert report[source]["rejected"] == 0, report[source]
        assert len(rows) == good_count(source) + 1
        column = SOURCES[source].columns.index(outcome)
        assert [row[column] for row in rows if row[1] == 999001] == [None]


# --- long text is cut; unreadable frequencies are unknown ----------------------------------


def radioid_repeater(repeater_id: int, callsign: str, **extra: object) -> Dict[str, object]:
    record: Dict[str, object] = {
        "locator": repeater_id, "id": repeater_id, "callsign": callsign, "city": "Town",
        "state": "", "country": "United States", "frequency": "444.12500", "color_code": 1,
        "offset": "+5.000", "assigned": "Peer", "ts_linked": "TS1 TS2", "trustee": "W1AW",
        "map_info": "", "map": 0, "ipsc_network": "BM", "lat": "1.5", "lng": "2.5",
        "status": "ACTIVE",
    }  # fmt: skip
    record.update(extra)
    return record


def notes(length: int) -> str:
    """HTML notes as radioid's map_info holds them, ``length`` characters long."""
    return ('<p>Net Tuesday 20:00, "all welcome" &amp; links:</p>\n' * 400)[:length]


def test_long_notes_and_names_are_cut_and_only_a_too_long_callsign_rejects_a_repeater(
    cli, upstream, tmp_path
):
    talkgroups = [
        {"talkgroup": 91 + i, "timeslot": 1, "description": "T" * 300, "discovery": 0}
        for i in range(256)
    ]
    records = [
        radioid_repeater(311001, "N4KYS", map_info=notes(17_185)),
        radioid_repeater(262001, "DB0NGU", map_info=notes(14_858)),
        radioid_repeater(234001, "GB3FV", map_info=notes(4_440)),
        radioid_repeater(311002, "W1LONG", city="C" * 300, state="S" * 300,
                         trustee=[f"K{i}ABC" for i in range(100)], talkgroups=talkgroups),
        radioid_repeater(311003, "W" * 65),
    ] + [radioid_repeater(311100 + i, f"W{i}OK") for i in range(20)]  # fmt: skip
    upstream.set(PATHS["radioid_repeaters"], json.dumps({"rptrs": records}).encode())
    config = write_config(tmp_path / "config.toml", tmp_path, upstream,
                          enabled=["radioid_repeaters"])  # fmt: skip
    result = cli("sync", "--config", config, "--json")
    assert result.code == 0, result
    report = json.loads(result.out)["sources"][0]
    assert report["rejected"] == 1
    assert "callsign is longer than 64 characters" in report["reasons"][0]
    columns = SOURCES["radioid_repeaters"].columns
    rows = {row[1]: dict(zip(columns, row)) for row in source_rows(tmp_path / "db.sqlite",
                                                                  "radioid_repeaters")}  # fmt: skip
    assert len(rows) == 24 and 311003 not in rows
    for repeater_id, length in ((311001, 17_185), (262001, 14_858), (234001, 4_440)):
        kept = json.loads(rows[repeater_id]["details"])["map_info"]
        assert notes(length).startswith(kept) and len(kept) >= 4096 - 1
    wide = rows[311002]
    assert wide["city"] == "C" * 256 and wide["state"] == "S" * 256
    assert len(wide["trustee"]) <= 256 and wide["trustee"].startswith("K0ABC,K1ABC,")
    extra = json.loads(wide["details"])
    assert len(wide["details"]) <= 4 * 4096 and extra["talkgroups"][0]["talkgroup"] == 91


# source: (the record as raw JSON with text too long for its field, column, kept text)
LONG_TEXT = {
    "radioid_users": ('{"id": 3199999, "callsign": "X1", "fname": "' + "N" * 300 + '"}',
                      "first_name", "N" * 256),
    "brandmeister_devices": ('{"id": 999001, "callsign": "X1", "city": "' + "C" * 300 + '"}',
                             "city", "C" * 256),
    "brandmeister_talkgroups": ('"999001": "' + "N" * 300 + '"', "name", "N" * 256),
    "tgif_talkgroups": (
        '{"id": "999001", "name": "' + "N" * 300 + '", "description": "'
        + base64.b64encode(("D" * 300_000).encode()).decode() + '"}',
        "description", "D" * 4096,
    ),
    "hearham_repeaters": ('{"id": 999001, "callsign": "X1", "description": "' + "D" * 5000
                          + '", "city": "' + "C" * 300 + '"}', "city", "C" * 256),
}  # fmt: skip


@pytest.mark.parametrize("source", list(LONG_TEXT))
def test_text_longer_than_its_field_is_cut_in_every_source(cli, upstream, tmp_path, source):
    raw, column, kept = LONG_TEXT[source]
    upstream.set(PATHS[source], source_document(source, [raw]))
    config = write_config(tmp_path / "config.toml", tmp_path, upstream, enabled=[source])
    result = cli("sync", "--config", config, "--json")
    assert result.code == 0, result
    assert json.loads(result.out)["sources"][0]["rejected"] == 0
    columns = SOURCES[source].columns
    rows = [dict(zip(columns, r)) for r in source_rows(tmp_path / "db.sqlite", source)]
    assert len(rows) == good_count(source) + 1
    row = next(r for r in rows if r["id"] in (3199999, 999001))
    assert row[column] == kept
    if source == "tgif_talkgroups":
        assert row["name"] == "N" * 256
    if source == "hearham_repeaters":
        assert json.loads(row["details"])["description"] == "D" * 4096


def test_hearham_dash_and_tbd_frequencies_are_stored_as_unknown(cli, upstream, tmp_path):
    odd = [
        '{"id": 999001, "callsign": "X1", "frequency": "-", "offset": "TBD"}',
        '{"id": 999002, "callsign": "X2", "frequency": "TBD", "offset": 600000}',
        '{"id": 999003, "callsign": "X3", "frequency": 146520000, "offset": "-"}',
        '{"id": 999004, "callsign": "X4", "frequency": [], "offset": true}',
    ]
    upstream.set(PATHS["hearham_repeaters"], source_document("hearham_repeaters", odd))
    config = write_config(tmp_path / "config.toml", tmp_path, upstream,
                          enabled=["hearham_repeaters"])  # fmt: skip
    result = cli("sync", "--config", config, "--json")
    assert result.code == 0, result
    assert json.loads(result.out)["sources"][0]["rejected"] == 0
    rows = {r[1]: r[3:5] for r in source_rows(tmp_path / "db.sqlite", "hearham_repeaters")}
    assert rows[999001] == (None, None) and rows[999002] == (None, None)
    assert rows[999003] == (146_520_000, 146_520_000) and rows[999004] == (None, None)


# --- both parsers, through a sync -----------------------------------------------------------


@pytest.mark.parametrize("parser", ["auto", "ijson"])
def test_both_parsers_find_the_user_list_beside_a_null_results_member(
    cli, upstream, tmp_path, parser
):
    upstream.set(USERS, b'{"results": null, ' + V2[1:])
    config = sync_config(tmp_path, upstream, ["radioid_users"], f'parser = "{parser}"\n')
    result = cli("sync", "--config", config, "--json")
    assert result.code == 0, result
    assert len(users_rows(tmp_path / "db.sqlite")) == GOOD_COUNT


@pytest.mark.parametrize(
    "body",
    [
        V2.replace(b"City 2", b"City\t2", 1),
        V2[: len(V2) // 2],
        V2 + b" trailing",
        V2.replace(b"3100005", b"1" * 30, 1),
        b"\n".join([b'{"users": [', b'{"id": 3100000,', b' "callsign": K1}', b"]}"]),
    ],
    ids=["tab", "truncated", "trailing_data", "integer_overflow", "bare_word_on_a_new_line"],
)
def test_an_ijson_parse_error_is_one_line(cli, upstream, tmp_path, at_version_one, body):
    set_parser(at_version_one, "ijson")
    before = snapshot(tmp_path)
    upstream.set(USERS, body, etag='"hostile"')
    result = cli("sync", "--config", at_version_one, "--max-age", "0")
    assert result.code == 1, result
    assert len(result.err.strip().splitlines()) == 1, result.err
    assert result.err.startswith("dmr-edge: error: radioid_users: malformed or cut-short JSON (")
    assert snapshot(tmp_path) == before


# --- bounded memory ----------------------------------------------------------------------


def test_an_integer_of_5000_digits_is_a_bad_record_not_a_refused_document(tmp_path):
    """Python 3.11+ converts no integer of more than 4,300 digits: the scanner then reads
    that record again with such a number as a value no field accepts."""
    from dmr_edge.config import load_settings
    from dmr_edge.importfile import import_file

    body = document([user(1001, "W1A"), user(1003, "W3C")])[:-2] + (
        b',{"id":1002,"callsign":"W2B","fname":' + b"7" * 5000 + b"}]}"
    )
    (tmp_path / "doc.json").write_bytes(body)
    config = write_config(tmp_path / "c.toml", tmp_path, None, enabled=["radioid_users"])
    config.write_text(config.read_text() + "[sync]\nreject_threshold = 0.5\n")
    report = import_file(load_settings(str(config)), "radioid_users", tmp_path / "doc.json")
    (source,) = report.sources
    assert source.error is None, source.error
    assert (source.rejected, source.inserted) == (1, 2)
    assert "a number of 5000 digits" in source.reasons[0]


@pytest.mark.parametrize("digits", [4301, 20000])
def test_parser_ijson_refuses_an_integer_of_thousands_of_digits_without_crashing(tmp_path, digits):
    """ijson's C backend crashed (SIGSEGV) on such a number before the record list."""
    body = b'{"count":' + b"7" * digits + b',"users":[{"id":1001,"callsign":"W1A"}]}'
    (tmp_path / "doc.json").write_bytes(body)
    config = write_config(tmp_path / "c.toml", tmp_path, None, enabled=["radioid_users"])
    config.write_text(config.read_text() + '[sync]\nparser = "ijson"\n')
    done = subprocess.run(
        [sys.executable, "-m", "dmr_edge", "import", "--source", "radioid_users",
         str(tmp_path / "doc.json"), "--config", str(config)],
        cwd=str(ROOT), capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode in (0, 1), f"exit {done.returncode} (-11: SIGSEGV) {done.stderr}"
    assert "Traceback" not in done.stderr


def big_string_chunks() -> Iterator[bytes]:
    """A users document whose one record holds a 100 MB string, produced piece by piece."""
    yield b'{"users": [{"id": 3100000, "callsign": "K1", "fname": "'
    piece = b"A" * (1 << 20)
    for _ in range(BIG_STRING // len(piece)):
        yield piece
    yield b'"}]}'


BIG_LENGTH = sum(len(c) for c in big_string_chunks() if len(c) < 1000) + BIG_STRING


class StreamingUpstream:
    """A loopback server streaming one generated body (never held whole in memory)."""

    def __init__(self, chunks: Callable[[], Iterator[bytes]], length: int) -> None:
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(length))
                self.end_headers()
                try:
                    for chunk in chunks():
                        self.wfile.write(chunk)
                except OSError:
                    pass
                outer.served += 1

        self.served = 0
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> StreamingUpstream:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"


def peak_rss_kib(*args: object) -> Tuple[int, int, str]:
    """Run ``dmr-edge`` in a child; return (exit code, peak RSS in KiB, stderr)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "dmr_edge", *[str(a) for a in args]],
        cwd=str(ROOT), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    assert proc.stderr is not None
    err = proc.stderr.read().decode()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, usage.ru_maxrss, err


def set_parser(config: Path, parser: str) -> None:
    text = config.read_text()
    config.write_text(text.replace("[http]", f'[sync]\nparser = "{parser}"\n[http]', 1))


@pytest.mark.slow
@pytest.mark.parametrize("parser", ["auto", "ijson"])
def test_a_100_megabyte_string_is_refused_in_bounded_memory(tmp_path, parser):
    with Upstream() as up:
        up.set(USERS, V1)
        config = make_config(tmp_path, up)
        set_parser(config, parser)
        code, baseline, err = peak_rss_kib("sync", "--config", config)
        assert code == 0, err
    before = snapshot(tmp_path)
    with StreamingUpstream(big_string_chunks, BIG_LENGTH) as big:
        text = config.read_text()
        text = re.sub(r'url = "http://127\.0\.0\.1:\d+/radioid_users\.json"',
                      f'url = "{big.url(USERS)}"', text)  # fmt: skip
        config.write_text(text)
        code, peak, err = peak_rss_kib("sync", "--config", config, "--max-age", "0")
        assert big.served == 1
    assert code == 1, err
    assert re.search(r"radioid_users: .*(larger than|too large|longer than)", err), err
    assert snapshot(tmp_path) == before
    assert peak - baseline < RSS_ALLOWANCE_KIB, (peak, baseline)
    assert not [p for p in (tmp_path / "cache").iterdir() if p.name.endswith(".tmp")]


@pytest.mark.slow
@needs_import
def test_importing_a_100_megabyte_string_is_refused_in_bounded_memory(cli, tmp_path):
    hostile = tmp_path / "hostile.json"
    with open(hostile, "wb") as out:
        for chunk in big_string_chunks():
            out.write(chunk)
    with Upstream() as up:
        up.set(USERS, V1)
        config = make_config(tmp_path, up)
        code, baseline, err = peak_rss_kib("sync", "--config", config)
        assert code == 0, err
    before = snapshot(tmp_path)
    code, peak, err = peak_rss_kib("import", "--config", config, "--source", "radioid_users",
                                   hostile)  # fmt: skip
    assert code == 1, err
    assert "radioid_users" in err and "Traceback" not in err
    assert snapshot(tmp_path) == before
    assert peak - baseline < RSS_ALLOWANCE_KIB, (peak, baseline)


@pytest.mark.slow
@pytest.mark.parametrize(
    "name", ["one_megabyte_callsign", "ten_thousand_deep_nesting", "json_bomb_of_repeated_keys"]
)
def test_large_hostile_records_cost_bounded_memory(tmp_path, name):
    with Upstream() as up:
        up.set(USERS, V1)
        config = make_config(tmp_path, up)
        code, baseline, err = peak_rss_kib("sync", "--config", config)
        assert code == 0, err
        up.set(USERS, CORPUS[name].body(), etag='"hostile"')
        code, peak, err = peak_rss_kib("sync", "--config", config, "--max-age", "0")
    assert code in (0, 1), err
    assert "Traceback" not in err
    assert peak - baseline < RSS_ALLOWANCE_KIB, (peak, baseline)
