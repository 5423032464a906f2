"""Every upstream quirk of FORMATS.md, from real sample records to rows."""

from __future__ import annotations

import io
import json

import pytest

from dmr_edge.errors import ParseError, RecordError
from dmr_edge.sources import SOURCES
from dmr_edge.stream import RowStream, iter_records
from tests.conftest import FIXTURES, tiny_documents


def rows_of(source: str, document: bytes, parser: str = "auto"):
    """The rows a document gives (without the digest of each record's text ending them)."""
    stream = RowStream(iter_records(io.BytesIO(document), SOURCES[source], parser), SOURCES[source])
    return [row[:-1] for row in stream], stream.stats


def by_column(source: str, row: tuple) -> dict:
    return dict(zip(SOURCES[source].columns, row))


def test_new_radioid_users_become_rows_with_string_flags_folded():
    rows, stats = rows_of("radioid_users", (FIXTURES / "radioid-users-newformat.json").read_bytes())
    assert stats.rejected == 0
    first = by_column("radioid_users", rows[0])
    assert first["id"] == 1023007 and first["callsign"] == "VA3BOC"
    assert first["first_name"] == "Hans Juergen" and first["last_name"] == ""
    assert first["valid_callsign"] == 1 and first["validation"] == "validated"


def test_old_count_results_shape_of_users_is_accepted():
    doc = {
        "count": 1,
        "results": [
            {
                "fname": "Ann",
                "name": "Ann",
                "country": "Canada",
                "callsign": "ve3abc ",
                "city": "X",
                "surname": "Lee",
                "radio_id": 3021234,
                "id": 3021234,
                "remarks": "",
                "state": "ON",
            }
        ],
    }
    rows, _ = rows_of("radioid_users", json.dumps(doc).encode())
    assert by_column("radioid_users", rows[0])["callsign"] == "VE3ABC"


def test_radioid_repeaters_in_both_shapes_store_integer_hz_and_trustees():
    rows, stats = rows_of(
        "radioid_repeaters", (FIXTURES / "radioid-rptrs-newformat.json").read_bytes()
    )
    assert stats.rejected == 0
    wb6ece, k8cop, rr0aaa = (by_column("radioid_repeaters", r) for r in rows)
    assert wb6ece["tx_hz"] == 440_587_500 and wb6ece["rx_hz"] == 445_587_500
    assert wb6ece["network"] == "BrandMeister" and wb6ece["trustee"] == "KA6SQG"
    assert k8cop["trustee"] == "W8AOR,K8COP"
    assert rr0aaa["rx_hz"] == 145_150_000
    assert json.loads(rr0aaa["details"])["talkgroups"][0]["talkgroup"] == 250024


def test_radioid_repeater_nulls_none_string_and_zero_frequency_are_unknowns():
    rows, stats = rows_of("radioid_repeaters", (FIXTURES / "radioid-rptrs-nulls.json").read_bytes())
    assert stats.rejected == 0
    pd0jch, r0afj = (by_column("radioid_repeaters", r) for r in rows)
    assert pd0jch["trustee"] is None and pd0jch["lat"] == pytest.approx(51.824316)
    assert "map_info" not in json.loads(pd0jch["details"] or "{}")  # "None" means none
    assert r0afj["tx_hz"] is None and r0afj["rx_hz"] is None  # "0.00000", offset ""
    assert r0afj["lat"] is None and r0afj["trustee"] == "R0AFJ"


def test_brandmeister_device_uses_mhz_strings_and_number_coordinates():
    rows, _ = rows_of(
        "brandmeister_devices", (FIXTURES / "brandmeister-device-one-record.json").read_bytes()
    )
    device = by_column("brandmeister_devices", rows[0])
    assert device["id"] == 110605 and device["callsign"] == "K6UHF SCRN BLU"
    assert device["tx_hz"] == 449_740_000 and device["rx_hz"] == 444_740_000
    assert device["color_code"] == 7 and device["lng"] == pytest.approx(-117.67689)


def test_brandmeister_talkgroups_are_a_flat_object_streamed_as_pairs():
    rows, _ = rows_of("brandmeister_talkgroups", b'{"1":"Local","91":"Worldwide"}')
    assert rows == [("BrandMeister", 1, "Local", None), ("BrandMeister", 91, "Worldwide", None)]


@pytest.mark.parametrize("wrapped", [False, True])
def test_tgif_string_ids_base64_descriptions_and_trailing_spaces(wrapped):
    records = [
        {
            "id": "101",
            "name": "Tac-101  ",
            "description": "Rm9yIGV2ZXJ5b25l",
            "website": "https:// ",
        }
    ]
    doc = {"talkgroups": records} if wrapped else records
    rows, _ = rows_of("tgif_talkgroups", json.dumps(doc).encode())
    # The padding stays as one space: Pi-Star's TGList spells it as a dash.
    assert rows == [("TGIF", 101, "Tac-101 ", "For everyone")]


def test_hearham_frequencies_stay_hz_and_shared_callsigns_keep_distinct_ids():
    doc = [
        {
            "id": 7,
            "callsign": "W1AW",
            "frequency": 444200000,
            "offset": 5000000,
            "mode": "DMR",
            "latitude": 41.7,
            "longitude": -72.7,
            "operational": 1,
        },
        {
            "id": 8,
            "callsign": "W1AW",
            "frequency": 146520000,
            "offset": -600000,
            "mode": "FM",
            "latitude": 41.7,
            "longitude": -72.7,
            "operational": 0,
        },
    ]
    rows, _ = rows_of("hearham_repeaters", json.dumps(doc).encode())
    first, second = (by_column("hearham_repeaters", r) for r in rows)
    assert (first["id"], second["id"]) == (7, 8)
    assert first["tx_hz"] == 444_200_000 and first["rx_hz"] == 449_200_000
    assert second["rx_hz"] == 145_920_000 and second["status"] == "DOWN"


@pytest.mark.parametrize(
    "record, reason",
    [
        ({"id": "abc", "callsign": "X1X"}, "not an integer"),
        ({"id": -5, "callsign": "X1X"}, "outside"),
        ({"id": 0, "callsign": "X1X"}, "outside"),
        ({"id": 1 << 24, "callsign": "X1X"}, "outside"),
        ({"id": 2**64, "callsign": "X1X"}, "outside"),
        ({"id": 1.5, "callsign": "X1X"}, "not an integer"),
        ({"id": 1234567, "callsign": "X" * 1000}, "longer than"),
        ({"id": 1234567, "callsign": ""}, "no callsign"),
        ("just a string", "not a JSON object"),
    ],
)
def test_bad_user_records_are_rejected_with_a_reason(record, reason):
    with pytest.raises(RecordError, match=reason):
        SOURCES["radioid_users"].to_row(record)


def test_rejected_records_are_counted_not_fatal():
    doc = {"users": [{"id": 1234567, "callsign": "AB1CD"}, {"id": "bad", "callsign": "X"}]}
    rows, stats = rows_of("radioid_users", json.dumps(doc).encode())
    assert len(rows) == 1 and stats.records == 2 and stats.rejected == 1
    assert "record 2" in stats.reasons[0]


@pytest.mark.parametrize(
    "document, message",
    [
        (b"", "empty"),
        (b"null", "found null"),
        (b'{"error":"maintenance","data":42}', "no record list 'users'"),
        (b"<html><body>Just a moment...</body></html>", "HTML"),
        (b'{"users":[{"id":1023007,"callsign":"VA3BOC"},{"id":10', "cut short"),
        (b'{"users":[]} trailing', "unexpected data after"),
    ],
)
def test_malformed_or_wrong_shape_documents_raise_parse_errors(document, message):
    with pytest.raises(ParseError, match=message):
        rows_of("radioid_users", document)


def _deep(depth: int) -> list:
    value: list = []
    for _ in range(depth):
        value = [value]
    return value


HOSTILE_VALUES = [
    "\ud800", "x\udfffy", "\ud83d", 10**400, -(10**400), "1" * 400, "1" * 5000, "\u00b2",
    "\u0663", "--5", "-", "TBD", "", " ", "None", 1e308, float("inf"), -0.0, True, False, [],
    {}, [1], {"a": 1}, "x" * 20_000, 2**63, 2**64, -(2**63) - 1, "1e999999", "sNaN", "NaN",
    "0x10", "1_000", "\x00", _deep(900), "9" * 30, 1.5, "1.5", "+5", "1e9999999999999999999",
]  # fmt: skip


def hostile_records(source: str):
    """Each source's first sample record with each field (and a few absent ones) made hostile."""
    doc = json.loads(tiny_documents()[source])
    if SOURCES[source].kind == "map":
        key, name = next(iter(doc.items()))
        yield from ((value, name) for value in HOSTILE_VALUES)
        yield from ((key, value) for value in HOSTILE_VALUES)
        return
    if isinstance(doc, dict):
        doc = next(v for v in doc.values() if isinstance(v, list))
    sample = doc[0]
    names = set(sample) | {"lat", "lng", "map_info", "trustee", "color_code", "hardware"}
    for name in sorted(names):
        for value in HOSTILE_VALUES:
            yield {**sample, name: value}
    for name in ("talkgroup", "timeslot", "description"):
        for value in HOSTILE_VALUES:
            yield {**sample, "talkgroups": [{"talkgroup": 9, "timeslot": 1, name: value}]}
    yield from HOSTILE_VALUES  # records that are not objects


@pytest.mark.parametrize("source", list(SOURCES))
def test_every_hostile_field_value_gives_a_rejected_record_or_a_row_sqlite_stores(source):
    import sqlite3

    spec = SOURCES[source]
    conn = sqlite3.connect(":memory:")
    columns = ", ".join(f"c{i}" for i in range(len(spec.columns)))
    conn.execute(f"CREATE TABLE t ({columns})")
    insert = f"INSERT INTO t VALUES ({', '.join('?' * len(spec.columns))})"
    for record in hostile_records(source):
        stream = RowStream([record], spec)  # not from the scanner: every row is checked
        rows = [row[:-1] for row in stream]  # nothing but RecordError may come out of a record
        assert len(rows) + stream.stats.rejected == 1
        if rows:
            conn.execute(insert, rows[0])
            assert rows[0][spec.columns.index("id")] is not None
    conn.close()


# The rows the conversions make of the fixture documents, as a digest. When this changes,
# rows stored by the previous code may differ from what the new code makes of the same
# record text, and a sync skips records whose text did not change: bump ROW_FORMAT in
# dmr_edge/sources/__init__.py (so every row is made again once), then update ROWS_DIGEST.
ROWS_FORMAT = 1
EXPECTED_ROWS_DIGEST = "d51ea940e2824d3655837620b3013f246b3be1dfc201c85295ade79bd15440fe"


def test_a_change_to_what_the_conversions_make_bumps_row_format():
    import hashlib

    from dmr_edge.sources import ROW_FORMAT
    from tests.conftest import tiny_documents

    digest = hashlib.sha256()
    for name, document in sorted(tiny_documents().items()):
        rows, _ = rows_of(name, document)
        digest.update(repr((name, rows)).encode())
    for path in sorted(FIXTURES.glob("*.json")):
        name = "radioid_users" if "users" in path.name else "radioid_repeaters"
        if "device" in path.name:
            name = "brandmeister_devices"
        rows, _ = rows_of(name, path.read_bytes())
        digest.update(repr((path.name, rows)).encode())
    assert (ROW_FORMAT, digest.hexdigest()) == (ROWS_FORMAT, EXPECTED_ROWS_DIGEST), (
        "the conversions make other rows of the same records: bump ROW_FORMAT and update "
        "ROWS_FORMAT and EXPECTED_ROWS_DIGEST in tests/test_formats.py"
    )
