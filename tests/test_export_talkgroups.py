"""TGList_BM.txt, TGList_TGIF.txt and BM_TGs.json: Pi-Star's spelling line for line, what
YSF2DMR and NextionDriver read back, and the guards every export keeps."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Dict, List, Tuple

import pytest

from dmr_edge.export import export_talkgroups
from dmr_edge.export.tgformats import pistar_name
from dmr_edge.store import Store
from tests.conftest import shared_file, table_rows, write_config

# --- reference readers, written from the readers' documented code -------------------------


def ysf2dmr_read(path: Path) -> Dict[int, Tuple[str, str, str]]:
    """{id: (option, name, description)} as YSF2DMR's WiresX.cpp loads a TGList: fgets of
    100 bytes, '#' lines skipped, strtok on ';' (empty fields vanish), a line missing a
    field dropped."""
    data = path.read_bytes()
    table: Dict[int, Tuple[str, str, str]] = {}
    start = 0
    while start < len(data):
        newline = data.find(b"\n", start, start + 99)
        end = newline + 1 if newline != -1 else min(start + 99, len(data))
        line, start = data[start:end], end
        if line[:1] == b"#":
            continue
        tokens = [t for t in re.split(rb"[;\r\n]", line) if t]
        if len(tokens) >= 4:
            table[int(tokens[0])] = tuple(t.decode() for t in tokens[1:4])  # type: ignore[assignment]
    return table


def nextion_groups(path: Path) -> List[Tuple[int, str]]:
    """[(id, name)] as NextionDriver's readGroups loads groups.txt: fgets of 100 bytes,
    strtok on ' ":' for the number, then twice on ':"' for the name."""
    groups = []
    for raw in path.read_bytes().split(b"\n"):
        line = raw[:99]
        first = [t for t in re.split(rb'[ ":]', line) if t]
        if not first:
            continue
        number = int(re.match(rb"\d*", first[0]).group() or b"0")
        rest = line[line.find(first[0]) + len(first[0]) :]
        parts = [t for t in re.split(rb'[:"]', rest) if t]
        if len(parts) < 2:
            continue
        groups.append((number, parts[1].decode()))
    return groups


# --- helpers ------------------------------------------------------------------------------


def make_talkgroups(db: Path, rows: List[Tuple[str, int, str]]) -> None:
    with Store(db) as store, store.transaction() as conn:
        conn.execute("DELETE FROM talkgroups")
        conn.executemany("INSERT INTO talkgroups (network, id, name) VALUES (?, ?, ?)", rows)
        store.set_state(
            "brandmeister_talkgroups",
            url="https://api.brandmeister.network/v2/talkgroup",
            applied_at=1674432000.0,
        )


def data_lines(path: Path) -> List[str]:
    return [line for line in path.read_text().splitlines() if line and line[0] != "#"]


@pytest.fixture
def cfg(tmp_path: Path) -> Path:
    return write_config(tmp_path / "config.toml", tmp_path)


# --- Pi-Star's spelling -------------------------------------------------------------------

# Names of the BrandMeister map of 2022-10-24 and how Pi-Star's TGList_BM.txt of the next
# day spells them.
PISTAR_SPELLINGS = [
    ("World-wide", "WORLD-WIDE"),
    ("Asia, Middle East", "ASIA-MIDDLE-EAST"),
    ("UK Call - QSY to 2351 or 2352", "UK-CALL-QSY-TO-2351-OR-2352"),
    ("TAC 311 USA NO NETS!!!", "TAC-311-USA-NO-NETS"),
    ("Trinidad / Tobago", "TRINIDAD/TOBAGO"),
    ("DSTAR-SU / 24009 (WIRES-X)", "DSTAR-SU/24009-WIRES-X"),
    ("*RUSSIA* (EchoLink)", "RUSSIA-ECHOLINK"),
    (" Regional SP4", "-REGIONAL-SP4"),
    ("EmComm ", "EMCOMM-"),
    ("CRIRCV ", "CRIRCV-"),
    ("Newfoundland & Labrador", "NEWFOUNDLAND-LABRADOR"),
    ("D.C. - 10 Minute Limit", "DC-10-MINUTE-LIMIT"),
    ("TAC- Florida", "TAC--FLORIDA"),
    ("WI--Fusion", "WI--FUSION"),
    ("Nebraska_Hub", "NEBRASKA-HUB"),
    ("Vinnyts`ka obl", "VINNYTSKA-OBL"),
    ("The Hornet's Nest", "THE-HORNETS-NEST"),
    ("Russia / Tarko-Sale / RT9K / Emergency", "RUSSIA/TARKO-SALE/RT9K/EMERGENCY"),
    ("Estonia-RUS / ham-dmr.ee", "ESTONIA-RUS/HAM-DMREE"),
    ("Elizabeth  Schools", "ELIZABETH-SCHOOLS"),
    ("PT DSTAR<>DMR", "PT-DSTARDMR"),
    ("R. A. T. A.", "R-A-T-A"),
    ("", ""),
]


@pytest.mark.parametrize("name, spelled", PISTAR_SPELLINGS)
def test_talkgroup_names_are_spelled_as_pi_star_spells_them(name, spelled):
    assert pistar_name(name) == spelled


@pytest.mark.parametrize(
    "name, spelled",
    [
        ("Διεθνές Ελλάδα", "DIETHNES-ELLADA"),
        ("Dépt Haute-Loire ", "DEPT-HAUTE-LOIRE-"),
        ("Sør- og Østlandet", "SOR--OG-OSTLANDET"),  # as "TAC- Florida" is
        ("Одесский Радио Линк", "ODESSKIY-RADIO-LINK"),
        ("Valle d’Aosta", "VALLE-DAOSTA"),
    ],
)
def test_non_ascii_talkgroup_names_are_transliterated_instead_of_emptied(name, spelled):
    assert pistar_name(name) == spelled


@pytest.mark.shared_data
def test_tglist_bm_from_the_real_2022_map_matches_pi_stars_file_wherever_its_name_is_ascii(
    cli, cfg, tmp_path
):
    snapshot = shared_file("bm-talkgroups-2022-10-24.json.xz")
    sample = shared_file("samples/TGList_BM-excerpt.txt")
    result = cli("import", "--source", "brandmeister_talkgroups", snapshot, "--config", cfg)
    assert result.code == 0, result
    out = tmp_path / "TGList_BM.txt"
    result = cli("export", "tglist-bm", "--out", out, "--config", cfg)
    assert result.code == 0, result
    assert "wrote 1,646 talkgroups" in result.out
    ours = {line.split(b";", 1)[0]: line for line in out.read_bytes().splitlines(True)}
    upstream = json.loads(__import__("lzma").open(snapshot).read())
    pistar = [line for line in sample.read_bytes().splitlines(True) if line[:1] != b"#"]
    assert len(pistar) == 11
    compared = 0
    for line in pistar:
        talkgroup = line.split(b";", 1)[0]
        if upstream[talkgroup.decode()].isascii():
            assert ours[talkgroup] == line  # byte for byte, LF included
            compared += 1
        else:  # Pi-Star empties these names; they are transliterated here
            assert line == talkgroup + b";0;;TG" + talkgroup + b"\n"
    assert compared == 9
    assert ours[b"202"] == b"202;0;DIETHNES-ELLADA;TG202\n"
    assert ours[b"20843"] == b"20843;0;DEPT-HAUTE-LOIRE-;TG20843\n"
    # The comment lines Pi-Star's readers rely on are there too.
    text = out.read_text()
    assert "# Dest ID;Option;Name;Description\n" in text
    assert "# Option: TG:0, REF:1, PC:2\n" in text


@pytest.mark.shared_data
def test_the_real_2022_map_keeps_every_talkgroup_readable_by_ysf2dmr(cli, cfg, tmp_path):
    snapshot = shared_file("bm-talkgroups-2022-10-24.json.xz")
    assert cli("import", "--source", "brandmeister_talkgroups", snapshot, "--config", cfg).code == 0
    out = tmp_path / "TGList_BM.txt"
    assert cli("export", "tglist-bm", "--out", out, "--config", cfg).code == 0
    lines = data_lines(out)
    ids = [int(line.split(";")[0]) for line in lines]
    assert ids == sorted(ids) and len(ids) == 1646
    assert all(len(line) + 1 <= 99 for line in lines)
    table = ysf2dmr_read(out)
    upstream = json.loads(__import__("lzma").open(snapshot).read())
    # Only an empty upstream name leaves YSF2DMR without the talkgroup (as with Pi-Star's).
    empty = {int(k) for k, v in upstream.items() if not v.strip()}
    assert set(table) == set(ids) - empty
    assert table[4000] == ("1", "DISCONNECT", "REF4000")
    assert table[9990] == ("2", "PARROT-PRIVATE-CALL-ONLY", "PC9990")
    assert table[91] == ("0", "WORLD-WIDE", "TG91")


def test_reflectors_and_the_parrot_get_pi_stars_options_only_on_brandmeister(tmp_path):
    db = tmp_path / "db.sqlite"
    rows = [
        ("BrandMeister", 4000, "Disconnect"),
        ("BrandMeister", 4269, "BARS"),
        ("BrandMeister", 9990, "Parrot - Private Call ONLY"),
        ("BrandMeister", 310997, "Parrot"),
        ("TGIF", 4000, "Some TG"),
        ("TGIF", 9990, "Parrot"),
    ]
    make_talkgroups(db, rows)
    export_talkgroups(db, tmp_path / "bm.txt", "tglist-bm")
    export_talkgroups(db, tmp_path / "tgif.txt", "tglist-tgif")
    assert data_lines(tmp_path / "bm.txt") == [
        "4000;1;DISCONNECT;REF4000",
        "4269;1;BARS;REF4269",
        "9990;2;PARROT-PRIVATE-CALL-ONLY;PC9990",
        "310997;0;PARROT;TG310997",
    ]
    assert data_lines(tmp_path / "tgif.txt") == ["4000;0;SOME-TG;TG4000", "9990;0;PARROT;TG9990"]
    assert "# All TGIF TG for use with YSF2DMR\n" in (tmp_path / "tgif.txt").read_text()


def test_a_tglist_line_never_exceeds_what_ysf2dmr_reads_and_holds_no_semicolon(tmp_path):
    db = tmp_path / "db.sqlite"
    make_talkgroups(
        db,
        [("TGIF", 1, "A;B;C"), ("TGIF", 2, "Long name " * 20), ("TGIF", 3, "#hash first")],
    )
    result = export_talkgroups(db, tmp_path / "t.txt", "tglist-tgif")
    lines = data_lines(tmp_path / "t.txt")
    assert lines[0] == "1;0;ABC;TG1"
    assert len(lines[1]) + 1 == 99 and lines[1].endswith(";TG2")
    assert lines[2] == "3;0;HASH-FIRST;TG3"
    assert result.shortened == 1
    assert set(ysf2dmr_read(tmp_path / "t.txt")) == {1, 2, 3}


def test_padded_and_cr_lf_names_from_upstream_keep_their_padding_for_the_tglist(cli, cfg, tmp_path):
    doc = {"2604": " Regional SP4", "2940": "EmComm ", "5152": "CRIRCV\r\n", "91": "World-wide"}
    (tmp_path / "tg.json").write_text(json.dumps(doc))
    result = cli(
        "import", "--source", "brandmeister_talkgroups", tmp_path / "tg.json", "--config", cfg
    )
    assert result.code == 0, result
    assert table_rows(tmp_path / "db.sqlite", "SELECT id, name FROM talkgroups ORDER BY id") == [
        (91, "World-wide"),
        (2604, " Regional SP4"),
        (2940, "EmComm "),
        (5152, "CRIRCV "),
    ]
    out = tmp_path / "TGList_BM.txt"
    assert cli("export", "tglist-bm", "--out", out, "--config", cfg).code == 0
    assert data_lines(out) == [
        "91;0;WORLD-WIDE;TG91",
        "2604;0;-REGIONAL-SP4;TG2604",
        "2940;0;EMCOMM-;TG2940",
        "5152;0;CRIRCV-;TG5152",
    ]


def test_the_tglist_header_names_the_source_and_when_it_was_applied(tmp_path):
    db = tmp_path / "db.sqlite"
    make_talkgroups(db, [("BrandMeister", 91, "World-wide")])
    export_talkgroups(db, tmp_path / "TGList_BM.txt", "tglist-bm")
    head = (tmp_path / "TGList_BM.txt").read_text().split("91;", 1)[0]
    assert head == (
        "# TGList_BM.txt written by dmr-edge from the BrandMeister talkgroups\n"
        "# All BrandMeister TG and Reflectors for use with YSF2DMR\n"
        "# Sourced from https://api.brandmeister.network/v2/talkgroup\n"
        "# Talkgroups last applied 2023-01-23 00:00 UTC\n"
        "#\n"
        "# Dest ID;Option;Name;Description\n"
        "#\n"
        "# Option: TG:0, REF:1, PC:2\n"
        "#\n"
    )


# --- BM_TGs.json --------------------------------------------------------------------------


def test_bm_groups_is_the_talkgroup_object_one_pair_a_line_read_back_by_json_and_nextion(
    tmp_path,
):
    db = tmp_path / "db.sqlite"
    make_talkgroups(
        db,
        [
            ("BrandMeister", 91, "World-wide"),
            ("BrandMeister", 202, "Διεθνές Ελλάδα"),
            ("BrandMeister", 5152, "CRIRCV "),
            ("BrandMeister", 2604, " Regional SP4"),
            ("BrandMeister", 20843, "Dépt Haute-Loire\r\n\r\n"),
            ("BrandMeister", 7, 'Say "hi"'),
            ("TGIF", 1, "not BrandMeister"),
        ],
    )
    out = tmp_path / "BM_TGs.json"
    result = export_talkgroups(db, out, "bm-groups")
    text = out.read_text(encoding="utf-8")
    assert text.startswith('{\n  "7": "Say \\"hi\\"",\n  "91": "World-wide",\n  "202": "Διεθνές')
    assert text.endswith('\n  "20843": "Dépt Haute-Loire"\n}\n')
    assert json.loads(text) == {
        "7": 'Say "hi"',
        "91": "World-wide",
        "202": "Διεθνές Ελλάδα",
        "2604": "Regional SP4",
        "5152": "CRIRCV",
        "20843": "Dépt Haute-Loire",
    }
    assert result.lines == 6
    groups = nextion_groups(out)
    assert [number for number, _ in groups] == [7, 91, 202, 2604, 5152, 20843]  # sorted
    assert dict(groups)[91] == "World-wide" and dict(groups)[2604] == "Regional SP4"


@pytest.mark.shared_data
def test_bm_groups_of_the_real_2022_map_round_trips_to_the_cleaned_map(cli, cfg, tmp_path):
    snapshot = shared_file("bm-talkgroups-2022-10-24.json.xz")
    assert cli("import", "--source", "brandmeister_talkgroups", snapshot, "--config", cfg).code == 0
    out = tmp_path / "BM_TGs.json"
    assert cli("export", "bm-groups", "--out", out, "--config", cfg).code == 0
    upstream = json.loads(__import__("lzma").open(snapshot).read())
    got = json.loads(out.read_text(encoding="utf-8"))
    assert list(got) == sorted(upstream, key=int)
    assert got == {k: " ".join(v.replace("\r", " ").replace("\n", " ").split(" ")).strip()
                   for k, v in upstream.items()}  # fmt: skip
    assert all("\r" not in v and "\n" not in v and v == v.strip() for v in got.values())


# --- the guards ---------------------------------------------------------------------------


def test_a_talkgroup_export_of_an_empty_network_is_refused_and_the_old_file_kept(
    cli, cfg, tmp_path
):
    make_talkgroups(tmp_path / "db.sqlite", [("BrandMeister", 91, "World-wide")])
    out = tmp_path / "TGList_TGIF.txt"
    out.write_text("1;0;OLD;TG1\n")
    result = cli("export", "tglist-tgif", "--out", out, "--config", cfg)
    assert result.code == 1
    assert result.err == (
        f"dmr-edge: error: {out}: the database holds no TGIF talkgroups (run 'dmr-edge sync' "
        "first, with tgif_talkgroups enabled); not writing an empty file (--force writes it "
        "anyway)\n"
    )
    assert out.read_text() == "1;0;OLD;TG1\n"
    assert sorted(n for n in os.listdir(tmp_path) if "TGIF" in n) == ["TGList_TGIF.txt"]


def test_a_much_smaller_talkgroup_list_is_refused_unless_forced(tmp_path):
    db = tmp_path / "db.sqlite"
    make_talkgroups(db, [("BrandMeister", i, f"TG {i}") for i in range(1, 101)])
    out = tmp_path / "BM_TGs.json"
    export_talkgroups(db, out, "bm-groups")
    before = out.read_bytes()
    make_talkgroups(db, [("BrandMeister", i, f"TG {i}") for i in range(1, 31)])
    with pytest.raises(Exception) as info:
        export_talkgroups(db, out, "bm-groups")
    assert "the new BM_TGs.json would have 30 lines where the current one has 100" in str(
        info.value
    )
    assert out.read_bytes() == before
    assert export_talkgroups(db, out, "bm-groups", force=True).lines == 30


def test_user_filters_given_to_a_talkgroup_export_are_a_usage_error(cli, cfg, tmp_path):
    make_talkgroups(tmp_path / "db.sqlite", [("BrandMeister", 91, "World-wide")])
    result = cli(
        "export", "tglist-bm", "--out", tmp_path / "t.txt", "--country", "Germany", "--ascii",
        "--config", cfg,
    )  # fmt: skip
    assert result.code == 2
    assert result.err == (
        "dmr-edge: error: --country, --ascii: applies to user exports (dmrids, usercsv, "
        "stripped, anytone), not tglist-bm\n"
    )
    assert not (tmp_path / "t.txt").exists()
