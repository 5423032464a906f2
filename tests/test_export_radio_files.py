"""Nextion's stripped.csv and AnyTone's Digital Contacts CSV: the exact bytes their readers
take, and what NextionDriver and a CSV reader get back."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Dict, List

import pytest

from dmr_edge.export import ANYTONE_WIDTHS, export_users
from tests.test_export import HOSTILE, make_db, plain_users


def nextion_users(path: Path) -> Dict[int, List[str]]:
    """{id: [call, first, last, city, country]} as NextionDriver's readUserDB loads the file:
    fgets of 100 bytes, the last byte dropped, strtok on ',' (empty fields vanish)."""
    data = path.read_bytes()
    users: Dict[int, List[str]] = {}
    start = 0
    while start < len(data):
        newline = data.find(b"\n", start, start + 99)
        end = newline + 1 if newline != -1 else min(start + 99, len(data))
        buffer, start = data[start:end][:-1], end
        tokens = [t for t in buffer.split(b",") if t]
        if not tokens:
            continue
        keys = [t.decode() for t in tokens[:7]] + [""] * 7
        if len(keys[1]) > 1:
            users[int(re.match(rb"\d*", tokens[0]).group() or b"0")] = [
                keys[1], keys[2], keys[3], keys[4], keys[6]
            ]  # fmt: skip
    return users


# --- stripped.csv -------------------------------------------------------------------------


def test_stripped_csv_is_user_csv_rows_sorted_by_id_without_a_header(tmp_path):
    make_db(
        tmp_path / "db.sqlite",
        [
            (3191868, "KI5VMF", "Jacob", "Smith", "Moore", "Oklahoma", "United States"),
            (1023007, "VA3BOC", "Hans Juergen", "", "Cornwall", "Ontario", "Canada"),
        ],
    )
    export_users(tmp_path / "db.sqlite", tmp_path / "stripped.csv", "stripped")
    assert (tmp_path / "stripped.csv").read_bytes() == (
        b"1023007,VA3BOC,Hans Juergen,,Cornwall,Ontario,Canada\n"
        b"3191868,KI5VMF,Jacob,Smith,Moore,Oklahoma,United States\n"
    )


def test_stripped_csv_lines_fit_nextiondriver_which_splits_on_commas_and_reads_99_bytes(
    tmp_path,
):
    users = plain_users(30) + HOSTILE
    make_db(tmp_path / "db.sqlite", users)
    out = tmp_path / "stripped.csv"
    result = export_users(tmp_path / "db.sqlite", out, "stripped")
    lines = out.read_bytes().splitlines(True)
    assert len(lines) == len(users) == result.lines
    assert all(len(line) <= 99 and line.count(b",") == 6 for line in lines)
    ids = [int(line.split(b",")[0]) for line in lines]
    assert ids == sorted(ids)  # NextionDriver binary-searches them
    table = nextion_users(out)
    assert set(table) == {u[0] for u in users}
    assert table[1023004][:2] == ["F4COM", "Comma Jean"]  # no comma shifts a column
    assert table[3100005] == ["K5ABC", "Name5", "Last", "City", "United States"]
    assert result.shortened == 2  # the two 300-character names


# --- AnyTone ------------------------------------------------------------------------------


def test_anytone_contacts_are_byte_for_byte_the_cps_layout(tmp_path):
    make_db(
        tmp_path / "db.sqlite",
        [
            (1023001, "VE3THW", "Wayne", "Edward", "Toronto", "Ontario", "Canada"),
            (3191868, "KI5VMF", "Jacob", "", "Moore", "Oklahoma", "United States"),
        ],
    )
    export_users(tmp_path / "db.sqlite", tmp_path / "contacts.csv", "anytone")
    assert (tmp_path / "contacts.csv").read_bytes() == (
        b'"No.","Radio ID","Callsign","Name","City","State","Country","Remarks","Call Type",'
        b'"Call Alert"\r\n'
        b'"1","1023001","VE3THW","Wayne","Toronto","Ontario","Canada","","Private Call",'
        b'"None"\r\n'
        b'"2","3191868","KI5VMF","Jacob","Moore","Oklahoma","United States","","Private Call",'
        b'"None"\r\n'
    )


def test_anytone_fields_are_cut_to_the_cps_widths_and_read_back_by_a_csv_reader(tmp_path):
    users = plain_users(10) + HOSTILE + [
        (2629999, "DL1ABCDEFG", "Maximilian-Alexander", "", "Garmisch-Partenkirchen",
         "Nordrhein-Westfalen", "Federal Republic of Germany"),
    ]  # fmt: skip
    make_db(tmp_path / "db.sqlite", users)
    out = tmp_path / "contacts.csv"
    result = export_users(tmp_path / "db.sqlite", out, "anytone")
    raw = out.read_bytes()
    assert raw.count(b"\r\n") == len(users) + 1 and b"\n" not in raw.replace(b"\r\n", b"")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))
    assert rows[0][:3] == ["No.", "Radio ID", "Callsign"] and len(rows) == len(users) + 1
    assert [row[0] for row in rows[1:]] == [str(n) for n in range(1, len(users) + 1)]
    widths = {2: "callsign", 3: "name", 4: "city", 5: "state", 6: "country"}
    for row in rows[1:]:
        assert len(row) == 10 and row[7:] == ["", "Private Call", "None"]
        for column, field in widths.items():
            assert len(row[column]) <= ANYTONE_WIDTHS[field]
    by_id = {int(row[1]): row for row in rows[1:]}
    assert by_id[2629999][2:7] == [
        "DL1ABCDE", "Maximilian-Alexa", "Garmisch-Parten", "Nordrhein-Westfa", "Federal Republic"
    ]  # fmt: skip
    assert by_id[1023004][3:5] == ["Comma, Jean", "Paris, 15e"]  # commas are fine, quoted
    assert by_id[1023010][3] == "He said 'hi'"  # a quote would end the CPS's field
    assert by_id[1023005][3] == "Line break"
    assert result.shortened == 3  # the two 300-character names and the long German one
    every_field_quoted = re.compile(rb'^("[^"]*",){9}"[^"]*"\r$')
    assert all(every_field_quoted.match(line) for line in raw.split(b"\n")[:-1])


@pytest.mark.parametrize("kind", ["dmrids", "usercsv", "stripped", "anytone"])
def test_every_user_export_refuses_an_empty_database_unless_forced(cli, tmp_path, kind):
    from tests.conftest import write_config

    cfg = write_config(tmp_path / "config.toml", tmp_path)
    make_db(tmp_path / "db.sqlite", [])
    out = tmp_path / "out"
    result = cli("export", kind, "--out", out, "--config", cfg)
    assert result.code == 1 and "holds no users" in result.err and not out.exists()
    assert cli("export", kind, "--out", out, "--config", cfg, "--force").code == 0
