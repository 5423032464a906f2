"""[export] in the configuration: today's paths, tables with filters, arrays of tables, one
line per mistake, and the rewrite after a sync for each export when its own source changed
(and only then, or when the file is missing or older than its configuration)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dmr_edge.config import EXPORT_KINDS, ExportTarget, load_settings
from dmr_edge.errors import ConfigError
from dmr_edge.export import FORMATS
from tests.conftest import PATHS, ROOT, write_config
from tests.test_export import make_db


def settings_of(tmp_path: Path, text: str):
    path = tmp_path / "c.toml"
    path.write_text(text)
    return load_settings(str(path), environ={"HOME": str(tmp_path)})


def test_every_export_kind_has_its_configuration_key():
    assert sorted(EXPORT_KINDS.values()) == sorted(FORMATS)


def test_todays_dmrids_and_usercsv_paths_configure_the_same_files_as_before(tmp_path):
    settings = settings_of(tmp_path, '[export]\ndmrids = "/a/DMRIds.dat"\nusercsv = ""\n')
    assert settings.export.targets == (ExportTarget("dmrids", "/a/DMRIds.dat"),)
    assert settings.export.dmrids == "/a/DMRIds.dat" and settings.export.usercsv == ""


def test_an_export_can_be_a_path_a_table_with_filters_or_an_array_of_tables(tmp_path):
    settings = settings_of(
        tmp_path,
        """
[export]
extra = "/etc/dmr-edge/local.csv"
tglist_bm = "/usr/local/etc/TGList_BM.txt"
bm_groups = { path = "/usr/local/etc/BM_TGs.json" }

[export.stripped]
path = "/usr/local/etc/stripped.csv"
id_prefix = 262

[[export.anytone]]
path = "/srv/contacts-de.csv"
country = "Germany"
limit = 200000
ascii = true

[[export.anytone]]
path = "/srv/contacts-dach.csv"
country = ["Germany", "Austria", "Switzerland"]
id_prefix = ["262", 232, "228"]
extra = ""
""",
    )
    export = settings.export
    assert export.extra == "/etc/dmr-edge/local.csv"
    assert export.configured("tglist-bm") == [
        ExportTarget("tglist-bm", "/usr/local/etc/TGList_BM.txt")
    ]
    assert export.configured("bm-groups") == [
        ExportTarget("bm-groups", "/usr/local/etc/BM_TGs.json")
    ]
    assert export.configured("stripped") == [
        ExportTarget("stripped", "/usr/local/etc/stripped.csv", id_prefixes=("262",))
    ]
    assert export.configured("anytone") == [
        ExportTarget("anytone", "/srv/contacts-de.csv", ("Germany",), (), 200000, True),
        ExportTarget("anytone", "/srv/contacts-dach.csv", ("Germany", "Austria", "Switzerland"),
                     ("262", "232", "228"), extra=""),
    ]  # fmt: skip


@pytest.mark.parametrize(
    "toml, expected",
    [
        ("[export]\ndmrids = 5\n", "export.dmrids: expected a path, a table with path = PATH"),
        ("[export]\ntglist-bm = 'x'\n", "unknown key 'export.tglist-bm' (expected one of: "),
        ("[export.anytone]\ncountry = 'DE'\n", "export.anytone: expected path = PATH"),
        ("[export.anytone]\npath = 'a'\nlimt = 5\n", "unknown key 'export.anytone.limt'"),
        ("[export.anytone]\npath = 'a'\nlimit = 0\n", "export.anytone.limit: expected a positive"),
        ("[export.anytone]\npath = 'a'\nascii = 'yes'\n", "export.anytone.ascii: expected true or"),
        ("[export.anytone]\npath = 'a'\ncountry = ['']\n", "export.anytone.country: expected a na"),
        ("[export.dmrids]\npath = 'a'\nid_prefix = '0262'\n", "export.dmrids.id_prefix: expected"),
        (
            "[[export.usercsv]]\npath = 'a'\n[[export.usercsv]]\npath = 'b'\nid_prefix = true\n",
            "export.usercsv[1].id_prefix: expected id prefixes",
        ),
        (
            "[export.tglist_bm]\npath = 'a'\ncountry = 'DE'\n",
            "export.tglist_bm.country: applies to user exports only (dmrids, usercsv, stripped, ",
        ),
        (
            "[export]\ndmrids = '/x/f'\nstripped = '/x/f'\n",
            "export.stripped: /x/f is written by export.dmrids already",
        ),
        ("[export]\nextra = 7\n", "export.extra: expected a path string"),
    ],
)
def test_export_configuration_mistakes_are_one_line_errors_naming_file_and_key(
    cli, tmp_path, toml, expected
):
    path = tmp_path / "bad.toml"
    path.write_text(toml)
    with pytest.raises(ConfigError) as info:
        load_settings(str(path), environ={"HOME": str(tmp_path)})
    assert expected in str(info.value) and str(path) in str(info.value)
    result = cli("sync", "--offline", "--config", path)
    assert result.code == 2
    assert result.err.count("\n") == 1 and expected in result.err


def test_export_without_out_writes_the_configured_file_with_its_filters(cli, tmp_path):
    make_db(
        tmp_path / "db.sqlite",
        [(2620001 + i, f"DL{i}X", "Jürgen", "", "Köln", "", "Germany") for i in range(5)]
        + [(3100001 + i, f"K{i}X", "John", "", "Boston", "", "United States") for i in range(5)],
    )
    out = tmp_path / "contacts.csv"
    config = write_config(
        tmp_path / "config.toml",
        tmp_path,
        extra=f'[export.anytone]\npath = "{out}"\ncountry = "Germany"\nlimit = 3\nascii = true\n',
    )
    result = cli("export", "anytone", "--config", config)
    assert result.code == 0, result
    rows = out.read_text().splitlines()[1:]
    assert [r.split('"')[3] for r in rows] == ["2620001", "2620002", "2620003"]
    assert '"Jurgen","Koln"' in rows[0]
    # An option on the command line replaces the configured one of the same name.
    assert cli("export", "anytone", "--limit", "4", "--config", config).code == 0
    assert len(out.read_text().splitlines()) == 5
    assert cli("export", "anytone", "--country", "USA", "--config", config).code == 0
    assert out.read_text().splitlines()[1].split('"')[3] == "3100001"


def test_several_configured_files_of_one_kind_need_out_to_choose(cli, tmp_path):
    config = write_config(
        tmp_path / "config.toml",
        tmp_path,
        extra='[[export.dmrids]]\npath = "/a"\n[[export.dmrids]]\npath = "/b"\n',
    )
    result = cli("export", "dmrids", "--config", config)
    assert result.code == 2
    assert result.err == (
        "dmr-edge: error: 2 files are configured for [export] dmrids; give --out PATH\n"
    )


# --- the rewrite after a sync -------------------------------------------------------------


def _users(extra: int = 0) -> bytes:
    users = [
        {"id": 2620000 + i, "callsign": f"DL{i}ABC", "fname": f"Jürgen{i}", "surname": "",
         "city": "Köln", "state": "", "country": "Germany"}
        for i in range(30 + extra)
    ] + [
        {"id": 3100000 + i, "callsign": f"K{i}XYZ", "fname": f"Op{i}", "surname": "",
         "city": "Town", "state": "", "country": "United States"}
        for i in range(30)
    ]  # fmt: skip
    return json.dumps({"users": users}).encode()


def _stamp(*paths: Path) -> tuple:
    return tuple((p.stat().st_ino, p.stat().st_mtime_ns) for p in paths)


@pytest.fixture
def followed(tmp_path, served):
    files = {
        "anytone": tmp_path / "contacts-de.csv",
        "tglist_bm": tmp_path / "TGList_BM.txt",
        "tglist_tgif": tmp_path / "TGList_TGIF.txt",
        "bm_groups": tmp_path / "BM_TGs.json",
    }
    served.set(PATHS["radioid_users"], _users(), etag='"u1"')
    extra = (
        f'[export]\ntglist_bm = "{files["tglist_bm"]}"\ntglist_tgif = "{files["tglist_tgif"]}"\n'
        f'bm_groups = "{files["bm_groups"]}"\n'
        f'[export.anytone]\npath = "{files["anytone"]}"\ncountry = "Germany"\nlimit = 25\n'
        "ascii = true\n"
    )
    config = write_config(tmp_path / "config.toml", tmp_path, served, extra=extra)
    return config, files, served


def test_a_filtered_export_is_rewritten_after_a_sync_that_changed_users_and_only_then(
    cli, followed
):
    config, files, served = followed
    old = time.time() - 60
    os.utime(config, (old, old))  # the configuration predates every export
    result = cli("sync", "--config", config)
    assert result.code == 0, result
    contacts = files["anytone"].read_text().splitlines()
    assert len(contacts) == 26 and contacts[1].startswith('"1","2620000","DL0ABC","Jurgen0"')
    first = _stamp(*files.values())

    # Nothing changed upstream (304 everywhere): no file is written.
    assert cli("sync", "--config", config, "--max-age", "0").code == 0
    assert _stamp(*files.values()) == first

    # Users changed: the contact list is rewritten, the talkgroup files are not.
    served.set(PATHS["radioid_users"], _users(extra=5), etag='"u2"')
    assert cli("sync", "--config", config, "--max-age", "0").code == 0
    assert _stamp(files["anytone"]) != first[:1]
    assert _stamp(files["tglist_bm"], files["tglist_tgif"], files["bm_groups"]) == first[1:]


def test_a_talkgroup_export_is_rewritten_after_a_sync_that_changed_its_own_network_only(
    cli, followed
):
    config, files, served = followed
    old = time.time() - 60
    os.utime(config, (old, old))
    assert cli("sync", "--config", config).code == 0
    assert [line for line in files["tglist_bm"].read_text().splitlines() if line[0] != "#"] == [
        "1;0;LOCAL;TG1", "91;0;WORLDWIDE;TG91", "3100;0;USA;TG3100"
    ]  # fmt: skip
    assert json.loads(files["bm_groups"].read_text()) == {"1": "Local", "91": "Worldwide",
                                                           "3100": "USA"}  # fmt: skip
    assert "101;0;TAC-101-;TG101" in files["tglist_tgif"].read_text()
    first = dict(zip(files, _stamp(*files.values())))

    served.set(PATHS["brandmeister_talkgroups"], b'{"1":"Local","91":"World-wide"}', etag='"b2"')
    assert cli("sync", "--config", config, "--max-age", "0").code == 0
    after = dict(zip(files, _stamp(*files.values())))
    assert after["tglist_bm"] != first["tglist_bm"] and after["bm_groups"] != first["bm_groups"]
    assert after["tglist_tgif"] == first["tglist_tgif"] and after["anytone"] == first["anytone"]
    assert "91;0;WORLD-WIDE;TG91" in files["tglist_bm"].read_text()

    served.set(PATHS["tgif_talkgroups"], b'[{"id": "9", "name": "New"}]', etag='"t2"')
    assert cli("sync", "--config", config, "--max-age", "0").code == 0
    again = dict(zip(files, _stamp(*files.values())))
    assert again["tglist_tgif"] != after["tglist_tgif"]
    assert {k: again[k] for k in ("tglist_bm", "bm_groups", "anytone")} == {
        k: after[k] for k in ("tglist_bm", "bm_groups", "anytone")
    }


def test_a_missing_file_or_a_newer_configuration_is_rewritten_without_upstream_changes(
    cli, followed
):
    config, files, served = followed
    old = time.time() - 60
    os.utime(config, (old, old))
    assert cli("sync", "--config", config).code == 0
    files["tglist_bm"].unlink()
    assert cli("sync", "--config", config, "--max-age", "0").code == 0
    assert files["tglist_bm"].exists()
    first = dict(zip(files, _stamp(*files.values())))
    # A new limit in the configuration: every export is due once.
    config.write_text(config.read_text().replace("limit = 25", "limit = 20"))
    assert cli("sync", "--config", config, "--max-age", "0").code == 0
    assert len(files["anytone"].read_text().splitlines()) == 21
    assert all(_stamp(files[k]) != (first[k],) for k in files)
    second = dict(zip(files, _stamp(*files.values())))
    assert cli("sync", "--config", config, "--max-age", "0").code == 0
    assert dict(zip(files, _stamp(*files.values()))) == second


def test_a_newer_local_ids_file_rewrites_the_user_exports_after_a_sync(cli, tmp_path, served):
    target, local = tmp_path / "DMRIds.dat", tmp_path / "local.csv"
    local.write_text("9990001,DB0ABC,Repeater\n")
    old = time.time() - 60
    os.utime(local, (old, old))
    config = write_config(
        tmp_path / "config.toml", tmp_path, served,
        extra=f'[export]\ndmrids = "{target}"\nextra = "{local}"\n',
    )  # fmt: skip
    os.utime(config, (old, old))
    assert cli("sync", "--config", config).code == 0
    assert "9990001\tDB0ABC\tRepeater" in target.read_text()
    local.write_text("9990001,DB0ABC,Repeater\n9990002,DB0XYZ,Relay\n")
    assert cli("sync", "--config", config, "--max-age", "0").code == 0
    assert "9990002\tDB0XYZ\tRelay" in target.read_text()


def test_a_malformed_local_ids_file_is_a_sync_warning_and_keeps_the_exported_file(
    cli, tmp_path, served
):
    target, local = tmp_path / "DMRIds.dat", tmp_path / "local.csv"
    target.write_text("1\tOLD\tfile\n")
    local.write_text("9990001,DB0ABC\nbad,line\n")
    config = write_config(
        tmp_path / "config.toml", tmp_path, served,
        extra=f'[export]\ndmrids = "{target}"\nextra = "{local}"\n',
    )  # fmt: skip
    result = cli("sync", "--config", config)
    assert result.code == 0
    assert (
        f"dmr-edge: warning: export dmrids to {target} failed: {local}, line 2: radio id "
        "'bad' is not a number" in result.err
    )
    assert target.read_text() == "1\tOLD\tfile\n"


def test_a_sync_with_no_export_configured_imports_none_of_the_export_code(tmp_path, served):
    config = write_config(tmp_path / "config.toml", tmp_path, served)
    code = (
        "import sys\nfrom dmr_edge.cli import main\n"
        "code = main(['sync', '-q', '--config', sys.argv[1]])\n"
        "print(code, sorted(m for m in sys.modules if m.startswith('dmr_edge.export')))\n"
    )
    done = subprocess.run([sys.executable, "-c", code, str(config)], capture_output=True,
                          text=True, cwd=str(ROOT), timeout=120)  # fmt: skip
    assert done.stdout.strip() == "0 []", done.stderr
