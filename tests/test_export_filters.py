"""Which users a user export holds: countries as users spell them, id prefixes, a limit that
says what it left out, and ASCII for radio fonts."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import List

import pytest

from dmr_edge.export import UserSelection, country_key, export_users
from dmr_edge.export.translit import to_ascii
from tests.conftest import ROOT, write_config
from tests.test_export import User, make_db

SPELLINGS: List[User] = [
    (2860001, "TA1AAA", "Ahmet", "", "Istanbul", "", "Turkey"),  # 2023 files
    (2860002, "TA1BBB", "Mehmet", "", "Ankara", "", "Turkiye"),  # 2025 files
    (2860003, "TA1CCC", "Ayşe", "", "İzmir", "", "Türkiye"),  # a few 2025 records
    (3340001, "XE1AAA", "José", "", "Ciudad de México", "", "Mexico"),
    (3340002, "XE1BBB", "María", "", "Puebla", "", "México"),
    (3100001, "K1AAA", "John", "", "Boston", "Massachusetts", "UNITED STATES"),  # 2023
    (3100002, "K1BBB", "Jane", "", "Austin", "Texas", "United States"),
    (4500001, "HL1AAA", "Kim", "", "Seoul", "", "Korea Republic of"),
    (2620001, "DL1AAA", "Jürgen", "Müller", "Köln", "Nordrhein-Westfalen", "Germany"),
    (2620002, "DL1BBB", "Grüße", "", "Düsseldorf", "", "Germany"),
    (2630001, "DM1AAA", "Uwe", "", "Jena", "Thüringen", "Germany"),
    (2020001, "SV1AAA", "Γιώργος", "Παπαδόπουλος", "Αθήνα", "", "Greece"),
    (2500001, "R1AAA", "Сергей", "Щукин", "Москва", "", "Russia"),
]


@pytest.fixture
def cfg(tmp_path: Path) -> Path:
    make_db(tmp_path / "db.sqlite", SPELLINGS)
    return write_config(tmp_path / "config.toml", tmp_path)


def ids_of(path: Path) -> List[int]:
    return [int(line.split("\t")[0]) for line in path.read_text().splitlines()]


@pytest.mark.parametrize(
    "asked, expected",
    [
        ("Turkey", [2860001, 2860002, 2860003]),
        ("türkiye", [2860001, 2860002, 2860003]),
        ("Mexico", [3340001, 3340002]),
        ("MÉXICO", [3340001, 3340002]),
        ("United States", [3100001, 3100002]),
        ("USA", [3100001, 3100002]),
        ("south korea", [4500001]),
        ("germany", [2620001, 2620002, 2630001]),
        ("Atlantis", []),
    ],
)
def test_a_country_matches_every_spelling_radioid_has_used_for_it(tmp_path, cfg, asked, expected):
    out = tmp_path / "DMRIds.dat"
    selection = UserSelection.of([asked])
    result = export_users(tmp_path / "db.sqlite", out, "dmrids", selection=selection, force=True)
    assert ids_of(out) == expected
    assert result.lines == result.matched == len(expected)


def test_country_keys_ignore_case_accents_and_punctuation_and_know_renamed_countries():
    assert country_key("U.S.A.") == country_key("United States") == country_key("UNITED STATES")
    assert country_key("Côte d'Ivoire") == country_key("Ivory Coast")
    assert country_key("Bosnia and Hercegovina") == country_key("Bosnia and Herzegovina")
    assert country_key("Czechia") == country_key("Czech Republic")
    assert country_key("Türkiye") == country_key("Turkey") != country_key("Turkmenistan")


def test_several_countries_and_prefixes_widen_and_both_kinds_narrow(cli, tmp_path, cfg):
    out = tmp_path / "DMRIds.dat"
    run = ["export", "dmrids", "--out", out, "--config", cfg, "--force"]
    assert cli(*run, "--country", "Turkey", "--country", "Greece").code == 0
    assert ids_of(out) == [2020001, 2860001, 2860002, 2860003]
    assert cli(*run, "--id-prefix", "262", "--id-prefix", "334").code == 0
    assert ids_of(out) == [2620001, 2620002, 3340001, 3340002]
    assert cli(*run, "--id-prefix", "26", "--country", "Germany").code == 0
    assert ids_of(out) == [2620001, 2620002, 2630001]
    assert cli(*run, "--id-prefix", "2620001").code == 0  # a whole id is a prefix too
    assert ids_of(out) == [2620001]


def test_an_id_prefix_covers_ids_of_every_length_that_start_with_it(tmp_path):
    users = [(i, f"K{i}", "N", "", "", "", "X") for i in (262, 2629, 26200, 262999, 2629999,
                                                           16777215, 2630000, 1262000)]  # fmt: skip
    make_db(tmp_path / "db.sqlite", users)
    out = tmp_path / "DMRIds.dat"
    export_users(tmp_path / "db.sqlite", out, "dmrids", selection=UserSelection.of([], ["262"]))
    assert ids_of(out) == [262, 2629, 26200, 262999, 2629999]
    export_users(tmp_path / "db.sqlite", out, "dmrids", selection=UserSelection.of([], ["1677"]),
                 force=True)  # fmt: skip
    assert ids_of(out) == [16777215]


def test_a_limit_keeps_the_first_n_by_id_and_says_how_many_it_left_out(cli, tmp_path, cfg):
    out = tmp_path / "contacts.csv"
    result = cli(
        "export", "anytone", "--out", out, "--country", "Germany", "--country", "Turkey",
        "--limit", "4", "--config", cfg,
    )  # fmt: skip
    assert result.code == 0, result
    assert result.out.splitlines()[1] == "left out 2 more matching users (--limit 4; 6 matched)"
    rows = out.read_text().splitlines()[1:]
    assert [row.split('"')[3] for row in rows] == ["2620001", "2620002", "2630001", "2860001"]
    report = json.loads(
        cli("export", "anytone", "--out", out, "--limit", "4", "--config", cfg, "--json").out
    )
    assert (report["lines"], report["matched"], report["left_out"]) == (4, 13, 9)


def test_a_filter_that_matches_nobody_is_refused_and_keeps_the_old_file(cli, tmp_path, cfg):
    out = tmp_path / "DMRIds.dat"
    out.write_text("1\tOLD\tfile\n")
    result = cli("export", "dmrids", "--out", out, "--country", "Atlantis", "--id-prefix", "999",
                 "--config", cfg)  # fmt: skip
    assert result.code == 1
    assert result.err == (
        f"dmr-edge: error: {out}: no users match country Atlantis, id prefix 999; not writing "
        "an empty file (--force writes it anyway)\n"
    )
    assert out.read_text() == "1\tOLD\tfile\n"


@pytest.mark.parametrize(
    "args, message",
    [
        (["--id-prefix", "0262"], "id prefix '0262': expected up to 8 digits not starting with 0"),
        (["--id-prefix", "26a"], "id prefix '26a'"),
        (["--id-prefix", "123456789"], "id prefix '123456789'"),
        (["--limit", "0"], "expected a positive number of users, got '0'"),
        (["--extra", "x", "--no-extra"], "not allowed with argument"),
    ],
)
def test_bad_filter_options_are_usage_errors(cli, tmp_path, cfg, args, message):
    result = cli("export", "dmrids", "--out", tmp_path / "o", *args, "--config", cfg)
    assert result.code == 2
    assert message in result.err
    assert not (tmp_path / "o").exists()


def test_ascii_transliterates_names_and_places_for_radio_fonts(tmp_path, cfg):
    out = tmp_path / "contacts.csv"
    export_users(tmp_path / "db.sqlite", out, "anytone", ascii=True)
    raw = out.read_bytes()
    assert raw.isascii()
    text = raw.decode()
    assert '"2620001","DL1AAA","Jurgen","Koln","Nordrhein-Westfa","Germany"' in text
    assert '"2620002","DL1BBB","Grusse","Dusseldorf"' in text
    assert '"2020001","SV1AAA","Giorgos","Athina","","Greece"' in text
    assert '"2500001","R1AAA","Sergey","Moskva","","Russia"' in text
    assert '"2860003","TA1CCC","Ayse","Izmir","","Turkiye"' in text
    usercsv = tmp_path / "user.csv"
    export_users(tmp_path / "db.sqlite", usercsv, "usercsv", ascii=True)
    assert "2500001,R1AAA,Sergey,Shchukin,Moskva,,Russia\n" in usercsv.read_text()
    assert "2020001,SV1AAA,Giorgos,Papadopoulos,Athina,,Greece\n" in usercsv.read_text()


def test_without_ascii_names_keep_their_letters(tmp_path, cfg):
    out = tmp_path / "DMRIds.dat"
    export_users(tmp_path / "db.sqlite", out, "dmrids")
    assert "2620002\tDL1BBB\tGrüße\n" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "text, ascii",
    [
        ("Straße", "Strasse"),
        ("Ærøskøbing", "AEroskobing"),
        ("Łódź", "Lodz"),
        ("Þórshöfn", "Thorshofn"),
        ("Œuvre", "OEuvre"),
        ("Đakovo", "Dakovo"),
        ("Dığınıç", "Diginic"),
        ("Щука Жук", "Shchuka Zhuk"),
        ("Київ", "Kiyiv"),
        ("Ђорђе", "Djordje"),
        ("Διεθνές Ελλάδα", "Diethnes Ellada"),
        ("ＴＧ５９６３", "TG5963"),
        ("Grizz’ HQ – “ok”…", 'Grizz\' HQ - "ok"...'),
        ("中国二区", ""),
        ("plain ASCII", "plain ASCII"),
    ],
)
def test_transliteration_spells_latin_greek_and_cyrillic_letters_in_ascii(text, ascii):
    assert to_ascii(text) == ascii


def test_ascii_text_never_imports_unicodedata():
    code = (
        "import sys\nfrom dmr_edge.export.translit import to_ascii\n"
        "to_ascii('plain'); print('unicodedata' in sys.modules)\n"
        "to_ascii('é'); print('unicodedata' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=str(ROOT), timeout=60)  # fmt: skip
    assert done.stdout.split() == ["False", "True"], done.stderr
