"""Local ids: merged into every user export in id order, replacing radioid's row of the same
id; a malformed line is an error naming the file and the line, and nothing is written."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from dmr_edge.errors import ExportError
from dmr_edge.export import UserSelection, export_users
from tests.conftest import write_config
from tests.test_export import make_db, mmdvm_read, plain_users

RADIOID = [
    (2620001, "DL1AAA", "Jürgen", "", "Köln", "", "Germany"),
    (2620005, "DL5EEE", "Eva", "", "Bonn", "", "Germany"),
    (3100001, "K1AAA", "John", "", "Boston", "Massachusetts", "United States"),
]

LOCAL = (
    "RADIO_ID,CALLSIGN,FIRST_NAME,LAST_NAME,CITY,STATE,COUNTRY\n"
    "# our repeater keepers\n"
    "9990001,DB0ABC,Repeater,,Aachen,,Germany\n"
    "2620005,dl5eee,Eva (club),,Bonn,,Germany\n"
    "\n"
    '1000001,N0LOCAL,"Smith, Jr",,Here,,\n'
    "2620003,DL3CCC\n"
)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    make_db(tmp_path / "db.sqlite", RADIOID)
    return tmp_path / "db.sqlite"


def test_local_ids_are_merged_in_id_order_and_replace_radioids_row_of_the_same_id(tmp_path, db):
    extra = tmp_path / "local.csv"
    extra.write_text(LOCAL)
    out = tmp_path / "user.csv"
    result = export_users(db, out, "usercsv", extra=extra)
    assert out.read_text().splitlines() == [
        "RADIO_ID,CALLSIGN,FIRST_NAME,LAST_NAME,CITY,STATE,COUNTRY",
        '1000001,N0LOCAL,"Smith, Jr",,Here,,',
        "2620001,DL1AAA,Jürgen,,Köln,,Germany",
        "2620003,DL3CCC,,,,,",
        "2620005,DL5EEE,Eva (club),,Bonn,,Germany",
        "3100001,K1AAA,John,,Boston,Massachusetts,United States",
        "9990001,DB0ABC,Repeater,,Aachen,,Germany",
    ]
    assert (result.lines, result.extra, result.replaced) == (6, 4, 1)


def test_local_ids_are_kept_whatever_the_filter_and_count_toward_the_limit(tmp_path, db):
    extra = tmp_path / "local.csv"
    extra.write_text(LOCAL)
    out = tmp_path / "DMRIds.dat"
    selection = UserSelection.of(["United States"])
    export_users(db, out, "dmrids", extra=extra, selection=selection)
    assert sorted(mmdvm_read(out)) == [1000001, 2620003, 2620005, 3100001, 9990001]
    result = export_users(
        db, out, "dmrids", extra=extra, selection=UserSelection.of([], [], 3), force=True
    )
    assert sorted(mmdvm_read(out)) == [1000001, 2620001, 2620003]
    assert (result.matched, result.left_out) == (6, 3)


def test_the_configured_extra_file_is_merged_into_every_user_export(cli, tmp_path, db):
    extra = tmp_path / "local.csv"
    extra.write_text(LOCAL)
    config = write_config(
        tmp_path / "config.toml", tmp_path, extra=f'[export]\nextra = "{extra}"\n'
    )
    for kind in ("dmrids", "usercsv", "stripped", "anytone"):
        out = tmp_path / kind
        result = cli("export", kind, "--out", out, "--config", config)
        assert result.code == 0, result
        assert "4 of them local ids (1 replacing radioid's row)" in result.out
        assert "9990001" in out.read_text() and "DB0ABC" in out.read_text()
    no_extra = cli(
        "export", "dmrids", "--out", tmp_path / "plain", "--no-extra", "--config", config
    )
    assert no_extra.code == 0 and "local ids" not in no_extra.out
    assert sorted(mmdvm_read(tmp_path / "plain")) == [2620001, 2620005, 3100001]


@pytest.mark.parametrize(
    "line, reason",
    [
        ("abc,DL1X,Name", "radio id 'abc' is not a number from 1 to 16777215"),
        ("0,DL1X", "radio id '0' is not a number from 1 to 16777215"),
        ("16777216,DL1X", "radio id '16777216' is not a number from 1 to 16777215"),
        ("2620009", "expected at least RADIO_ID,CALLSIGN"),
        ("2620009,,Name", "the callsign is empty"),
        ("2620009,DL1X,a,b,c,d,e,f", "expected at most 7 fields"),
        ("2620009,DL1X," + "N" * 300, "first_name is longer than 256 characters"),
        ('2620009,DL1X,"unterminated', "not a CSV line"),
        ("2620001,DL1X,again", "radio id 2620001 is already on line 2"),
    ],
)
def test_a_malformed_local_ids_line_is_an_error_naming_file_and_line_and_nothing_is_written(
    cli, tmp_path, db, line, reason
):
    extra = tmp_path / "local.csv"
    extra.write_text(f"RADIO_ID,CALLSIGN\n2620001,DL1LOC,Local\n3100009,K9X\n{line}\n9,N9\n")
    config = write_config(tmp_path / "config.toml", tmp_path)
    out = tmp_path / "DMRIds.dat"
    out.write_text("1\tOLD\tfile\n")
    result = cli("export", "dmrids", "--out", out, "--extra", extra, "--config", config)
    assert result.code == 1
    assert result.err.startswith(f"dmr-edge: error: {extra}, line 4: {reason}")
    assert result.err.count("\n") == 1
    assert out.read_text() == "1\tOLD\tfile\n"
    assert [n for n in os.listdir(tmp_path) if "DMRIds" in n] == ["DMRIds.dat"]


def test_a_local_ids_file_that_is_not_utf8_or_missing_is_named_in_the_error(tmp_path, db):
    extra = tmp_path / "local.csv"
    extra.write_bytes(b"2620009,DL1X,Ok\n2620010,DL1Y,J\xfcrgen\n")
    with pytest.raises(ExportError) as info:
        export_users(db, tmp_path / "DMRIds.dat", "dmrids", extra=extra)
    assert str(info.value) == f"{extra}, line 2: not valid UTF-8"
    with pytest.raises(ExportError) as info:
        export_users(db, tmp_path / "DMRIds.dat", "dmrids", extra=tmp_path / "none.csv")
    assert str(info.value) == (
        f"{tmp_path / 'none.csv'}: cannot read the local ids: No such file or directory"
    )
    assert not (tmp_path / "DMRIds.dat").exists()


def test_local_ids_in_any_order_and_a_bom_still_merge_sorted(tmp_path):
    make_db(tmp_path / "db.sqlite", plain_users(1000, start=2000000))
    extra = tmp_path / "local.csv"
    lines = [f"{2000999 - 2 * i},LOC{i},Local" for i in range(300)]  # descending, interleaved
    extra.write_text("\ufeff" + "\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "DMRIds.dat"
    result = export_users(tmp_path / "db.sqlite", out, "dmrids", extra=extra)
    ids = [int(line.split("\t")[0]) for line in out.read_text().splitlines()]
    assert ids == sorted(set(ids)) and len(ids) == 1000
    assert (result.extra, result.replaced) == (300, 300)
    assert mmdvm_read(out)[2000999]["CALLSIGN"] == "LOC0"
