"""DMRIds.dat and user.csv: what MMDVMHost reads back, atomic replacement, the shrink guard,
and the rewrite after a sync that changed users (and only then)."""

from __future__ import annotations

import csv
import json
import os
import re
import stat
from pathlib import Path
from typing import Dict, List, Tuple

import pytest

from dmr_edge.export import _CSV_UNSAFE, MAX_LINE_BYTES, USERCSV_HEADER, clean, export_users
from dmr_edge.store import Store
from tests.conftest import PATHS, run_dmr_edge, shared_file, table_rows, write_config

# --- a reference reader, written from MMDVMHost's documented rules (UserDB.cpp) ----------

FGETS_BUFFER = 256  # char buffer[256]; fgets keeps one byte for the NUL
_SPLIT = re.compile(rb"[,\t\r\n]")


def _fgets_lines(data: bytes) -> List[bytes]:
    """Split ``data`` as repeated fgets(buffer, 256) calls would: at most 255 bytes each,
    ending after a newline when one comes first."""
    lines, start = [], 0
    while start < len(data):
        newline = data.find(b"\n", start, start + FGETS_BUFFER - 1)
        end = newline + 1 if newline != -1 else min(start + FGETS_BUFFER - 1, len(data))
        lines.append(data[start:end])
        start = end
    return lines


def _tokenize(line: bytes) -> List[bytes]:
    """strpbrk on ",\\t\\r\\n" until the rest is empty (so no token after a final
    separator); a C string ends at its first NUL."""
    line = line.split(b"\0", 1)[0]
    if not line:
        return []
    tokens = _SPLIT.split(line)
    if line[-1:] in (b",", b"\t", b"\r", b"\n"):
        tokens.pop()
    return tokens


def _atoi(token: bytes) -> int:
    digits = token.strip().split(b" ")[0]
    number = b""
    for byte in digits:
        if not 48 <= byte <= 57:
            break
        number += bytes([byte])
    return int(number) if number else 0


def mmdvm_read(path: Path) -> Dict[int, Dict[str, str]]:
    """Return {id: {"CALLSIGN": ..., "FIRST_NAME": ...}} as MMDVMHost would load ``path``."""
    lines = _fgets_lines(path.read_bytes())
    if not lines:
        return {}
    keys = ("RADIO_ID", "CALLSIGN", "FIRST_NAME", "LAST_NAME", "CITY", "STATE", "COUNTRY")
    header = [t.decode("utf-8", "replace") for t in _tokenize(lines[0])]
    index = {name: i for i, name in enumerate(header) if name in keys}
    if "RADIO_ID" in index and "CALLSIGN" in index:
        body = lines[1:]
    else:
        index = {"RADIO_ID": 0, "CALLSIGN": 1, "FIRST_NAME": 2}
        body = lines
    table: Dict[int, Dict[str, str]] = {}
    for line in body:
        if line[:1] == b"#":
            continue
        tokens = _tokenize(line)
        fields = {name: tokens[i] for name, i in index.items() if i < len(tokens)}
        if "RADIO_ID" not in fields or "CALLSIGN" not in fields:
            continue
        user_id = _atoi(fields.pop("RADIO_ID"))
        fields["CALLSIGN"] = fields["CALLSIGN"].upper()  # toupper(): ASCII letters only
        entry = table.setdefault(user_id, {})
        entry.update({k: v.decode("utf-8", "replace") for k, v in fields.items()})
    return table


# --- helpers ------------------------------------------------------------------------------

User = Tuple[int, str, str, str, str, str, str]


def make_db(db: Path, users: List[User]) -> None:
    with Store(db) as store, store.transaction() as conn:
        conn.execute("DELETE FROM users")
        conn.executemany(
            "INSERT INTO users (id, callsign, first_name, last_name, city, state, country) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            users,
        )


def plain_users(count: int, start: int = 3100000) -> List[User]:
    return [
        (start + i, f"K{i}ABC", f"Name{i}", "Last", "City", "State", "United States")
        for i in range(count)
    ]


HOSTILE: List[User] = [
    (1023001, "VE3THW", "Wayne", "", "Toronto", "Ontario", "Canada"),
    (1023002, "ve3low", "lower\tcase", "", "", "", ""),
    (1023003, "DL1TAB", "Tab\there", "Sur\tname", "Ci\tty", "", "Germany"),
    (1023004, "F4COM", "Comma, Jean", "Dupont, Jr", "Paris, 15e", "Ile-de-France", "France"),
    (1023005, "G0CRLF", "Line\r\nbreak", "two\nlines", "Lon\rdon", "", "United Kingdom"),
    (1023006, "EA1NUL", "Nul\x00byte", "", "", "", "Spain"),
    (1023007, "JA1LONG", "J" * 300, "K" * 300, "L" * 300, "M" * 300, "Japan"),
    (1023008, "UA1WIDE", "Ж" * 300, "Щ" * 300, "", "", "Russia"),
    (1023009, "W1HASH", "#not a comment", "", "", "", "United States"),
    (1023010, "N0QT", 'He said "hi"', 'O"Brien', '"Quoted"', "", "United States"),
    (1023011, "VK2SPC", "  lots   of\t\t spaces  ", "", "", "", "Australia"),
    (1023012, "PY2SEP", "\u2028sep\x85arators\x7f", "", "", "", "Brazil"),
    (1023013, "ZL1, X", "Call with comma", "", "", "", "New Zealand"),
]


@pytest.fixture
def cfg(tmp_path: Path) -> Path:
    return write_config(tmp_path / "config.toml", tmp_path)


# --- DMRIds.dat ---------------------------------------------------------------------------


def test_every_exported_id_round_trips_through_mmdvmhosts_reader_with_its_callsign(
    cli, cfg, tmp_path
):
    users = plain_users(500) + HOSTILE
    make_db(tmp_path / "db.sqlite", users)
    out = tmp_path / "DMRIds.dat"
    result = cli("export", "dmrids", "--out", out, "--config", cfg)
    assert result.code == 0, result
    assert "wrote 513 users" in result.out
    table = mmdvm_read(out)
    assert len(table) == len(users)
    for user_id, call, first, *_ in users:
        assert table[user_id]["CALLSIGN"] == clean(call).upper()
        assert table[user_id]["FIRST_NAME"] == _expected_name(first, user_id, call)


def _expected_name(first: str, user_id: int, call: str) -> str:
    name = clean(first)
    budget = MAX_LINE_BYTES - len(f"{user_id}\t{clean(call).upper()}\t\n".encode())
    return name.encode()[:budget].decode("utf-8", "ignore").rstrip()


def test_hostile_names_are_sanitised_in_dmrids(tmp_path):
    make_db(tmp_path / "db.sqlite", HOSTILE)
    out = tmp_path / "DMRIds.dat"
    result = export_users(tmp_path / "db.sqlite", out, "dmrids")
    data = out.read_bytes()
    lines = data.split(b"\n")
    assert lines[-1] == b"" and len(lines) - 1 == len(HOSTILE) == result.lines
    for line in lines[:-1]:
        assert len(line) + 1 <= MAX_LINE_BYTES
        assert line.count(b"\t") == 2  # exactly ID, CALLSIGN, NAME
        assert not set(line) & set(b",\r\0\x7f")
        line.decode("utf-8")  # never cut inside a character
    table = mmdvm_read(out)
    assert table[1023002] == {"CALLSIGN": "VE3LOW", "FIRST_NAME": "lower case"}
    assert table[1023004]["FIRST_NAME"] == "Comma Jean"
    assert table[1023005]["FIRST_NAME"] == "Line break"
    assert table[1023006]["FIRST_NAME"] == "Nul byte"
    assert table[1023009]["FIRST_NAME"] == "#not a comment"
    assert table[1023011]["FIRST_NAME"] == "lots of spaces"
    assert table[1023012]["FIRST_NAME"] == "sep arators"
    assert table[1023013]["CALLSIGN"] == "ZL1 X"
    assert table[1023007]["FIRST_NAME"] == "J" * (MAX_LINE_BYTES - len("1023007\tJA1LONG\t\n"))
    assert set(table[1023008]["FIRST_NAME"]) == {"Ж"}
    assert result.shortened == 2


def test_dmrids_holds_the_first_name_only_sorted_by_id(tmp_path):
    make_db(
        tmp_path / "db.sqlite",
        [
            (3191868, "KI5VMF", "Jacob", "Smith", "Moore", "Oklahoma", "United States"),
            (1023007, "VA3BOC", "Hans Juergen", "", "Cornwall", "Ontario", "Canada"),
        ],
    )
    export_users(tmp_path / "db.sqlite", tmp_path / "DMRIds.dat", "dmrids")
    assert (tmp_path / "DMRIds.dat").read_text() == (
        "1023007\tVA3BOC\tHans Juergen\n3191868\tKI5VMF\tJacob\n"
    )


def test_the_quirky_real_dmrids_sample_reads_as_the_reference_reader_expects():
    table = mmdvm_read(shared_file("samples/DMRIds-quirks.dat"))
    assert table[1023001] == {"CALLSIGN": "VE3THW", "FIRST_NAME": "Wayne"}
    assert table[1023008] == {"CALLSIGN": "VE3JMR", "FIRST_NAME": ""}
    assert table[1140160]["FIRST_NAME"] == "Jose"  # the tab splits "Jose<TAB>Luis"


# --- user.csv -----------------------------------------------------------------------------


def test_user_csv_round_trips_through_the_csv_module_with_commas_and_quotes_in_names(tmp_path):
    users = plain_users(50) + HOSTILE
    make_db(tmp_path / "db.sqlite", users)
    out = tmp_path / "user.csv"
    export_users(tmp_path / "db.sqlite", out, "usercsv")
    with open(out, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert tuple(rows[0]) == USERCSV_HEADER
    assert len(rows) - 1 == len(users)
    by_id = {int(row[0]): row for row in rows[1:]}
    for user_id, call, first, last, city, state, country in users:
        row = by_id[user_id]
        assert len(row) == 7
        assert row[1] == clean(call).upper()
        if user_id in (1023007, 1023008):  # cut to fit 255 bytes: a prefix survives
            assert clean(first, _CSV_UNSAFE).startswith(row[2])
            continue
        assert row[2:] == [clean(t, _CSV_UNSAFE) for t in (first, last, city, state, country)]
    assert by_id[1023004][2:5] == ["Comma, Jean", "Dupont, Jr", "Paris, 15e"]
    assert by_id[1023010][2:5] == ['He said "hi"', 'O"Brien', '"Quoted"']
    assert all(len(line) <= MAX_LINE_BYTES for line in out.read_bytes().splitlines(True))


def test_user_csv_is_read_by_mmdvmhosts_reader_through_its_header(tmp_path):
    users = plain_users(20) + HOSTILE
    make_db(tmp_path / "db.sqlite", users)
    out = tmp_path / "user.csv"
    export_users(tmp_path / "db.sqlite", out, "usercsv")
    table = mmdvm_read(out)
    assert len(table) == len(users)
    for user_id, call, *_ in users:
        assert table[user_id]["CALLSIGN"] == clean(call).upper()
    assert table[3100003] == {
        "CALLSIGN": "K3ABC",
        "FIRST_NAME": "Name3",
        "LAST_NAME": "Last",
        "CITY": "City",
        "STATE": "State",
        "COUNTRY": "United States",
    }


def test_user_csv_without_commas_is_byte_for_byte_radioids_layout(tmp_path):
    make_db(
        tmp_path / "db.sqlite",
        [(3191868, "KI5VMF", "Jacob", "", "Moore", "Oklahoma", "United States")],
    )
    export_users(tmp_path / "db.sqlite", tmp_path / "user.csv", "usercsv")
    assert (tmp_path / "user.csv").read_text() == (
        "RADIO_ID,CALLSIGN,FIRST_NAME,LAST_NAME,CITY,STATE,COUNTRY\n"
        "3191868,KI5VMF,Jacob,,Moore,Oklahoma,United States\n"
    )


# --- atomic replacement and the guard -----------------------------------------------------


def test_export_of_a_missing_database_leaves_the_old_file_intact(cli, cfg, tmp_path):
    out = tmp_path / "DMRIds.dat"
    out.write_text("1\tOLD\tfile\n")
    result = cli("export", "dmrids", "--out", out, "--config", cfg, "--db", tmp_path / "none")
    assert result.code == 1
    assert (
        result.err == f"dmr-edge: error: {tmp_path / 'none'}: no database yet (run dmr-edge sync)\n"
    )
    assert out.read_text() == "1\tOLD\tfile\n"
    assert sorted(os.listdir(tmp_path)) == ["DMRIds.dat", "config.toml"]


def test_export_that_fails_midway_leaves_the_old_file_and_no_temporary_file(tmp_path):
    make_db(tmp_path / "db.sqlite", plain_users(20000))
    out = tmp_path / "DMRIds.dat"
    out.write_text("1\tOLD\tfile\n")

    def interrupted(done, total):
        if done < total:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        export_users(tmp_path / "db.sqlite", out, "dmrids", progress=interrupted, force=True)
    assert out.read_text() == "1\tOLD\tfile\n"
    assert [n for n in os.listdir(tmp_path) if "DMRIds" in n] == ["DMRIds.dat"]


def test_export_into_a_missing_directory_fails_with_one_clear_line(cli, cfg, tmp_path):
    make_db(tmp_path / "db.sqlite", plain_users(3))
    result = cli("export", "dmrids", "--out", tmp_path / "nodir" / "DMRIds.dat", "--config", cfg)
    assert result.code == 1
    assert result.err == (
        f"dmr-edge: error: cannot write there: {tmp_path / 'nodir'}: No such file or directory\n"
    )


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root writes anywhere")
def test_export_into_an_unwritable_directory_keeps_the_old_file(cli, cfg, tmp_path):
    make_db(tmp_path / "db.sqlite", plain_users(3))
    locked = tmp_path / "etc"
    locked.mkdir()
    (locked / "DMRIds.dat").write_text("1\tOLD\tfile\n")
    locked.chmod(0o555)
    try:
        result = cli("export", "dmrids", "--out", locked / "DMRIds.dat", "--config", cfg)
    finally:
        locked.chmod(0o755)
    assert result.code == 1
    assert "Permission denied" in result.err
    assert (locked / "DMRIds.dat").read_text() == "1\tOLD\tfile\n"
    assert os.listdir(locked) == ["DMRIds.dat"]


def test_shrink_guard_refuses_a_much_smaller_file_and_force_overrides_it(cli, cfg, tmp_path):
    db = tmp_path / "db.sqlite"
    out = tmp_path / "DMRIds.dat"
    make_db(db, plain_users(100))
    assert cli("export", "dmrids", "--out", out, "--config", cfg).code == 0
    before = out.read_bytes()
    make_db(db, plain_users(40))
    result = cli("export", "dmrids", "--out", out, "--config", cfg)
    assert result.code == 1
    assert result.err == (
        f"dmr-edge: error: {out}: the new DMRIds.dat would have 40 lines where the current "
        "one has 100; keeping the current file (--force replaces it)\n"
    )
    assert out.read_bytes() == before
    assert [n for n in os.listdir(tmp_path) if "DMRIds" in n] == ["DMRIds.dat"]
    forced = cli("export", "dmrids", "--out", out, "--config", cfg, "--force")
    assert forced.code == 0, forced
    assert len(out.read_text().splitlines()) == 40


def test_a_moderately_smaller_export_is_written_without_force(cli, cfg, tmp_path):
    db, out = tmp_path / "db.sqlite", tmp_path / "user.csv"
    make_db(db, plain_users(100))
    assert cli("export", "usercsv", "--out", out, "--config", cfg).code == 0
    make_db(db, plain_users(60))
    assert cli("export", "usercsv", "--out", out, "--config", cfg).code == 0
    assert len(out.read_text().splitlines()) == 61


def test_export_refuses_to_write_an_empty_file_unless_forced(cli, cfg, tmp_path):
    make_db(tmp_path / "db.sqlite", [])
    out = tmp_path / "DMRIds.dat"
    result = cli("export", "dmrids", "--out", out, "--config", cfg)
    assert result.code == 1
    assert "holds no users" in result.err and "--force" in result.err
    assert not out.exists()
    assert cli("export", "dmrids", "--out", out, "--config", cfg, "--force").code == 0
    assert out.read_bytes() == b""


def test_exported_file_is_mode_0644_whatever_the_umask(tmp_path):
    make_db(tmp_path / "db.sqlite", plain_users(3))
    out = tmp_path / "DMRIds.dat"
    out.write_text("")
    out.chmod(0o666)
    old = os.umask(0o000)
    try:
        export_users(tmp_path / "db.sqlite", out, "dmrids", force=True)
    finally:
        os.umask(old)
    assert stat.S_IMODE(out.stat().st_mode) == 0o644


def test_export_through_a_symlink_replaces_its_target_and_keeps_the_link(tmp_path):
    make_db(tmp_path / "db.sqlite", plain_users(3))
    real_dir = tmp_path / "data"
    real_dir.mkdir()
    (real_dir / "DMRIds.dat").write_text("")
    link = tmp_path / "DMRIds.dat"
    link.symlink_to(real_dir / "DMRIds.dat")
    export_users(tmp_path / "db.sqlite", link, "dmrids", force=True)
    assert link.is_symlink()
    assert len((real_dir / "DMRIds.dat").read_text().splitlines()) == 3


def test_export_without_out_or_config_says_where_to_set_it(cli, cfg, tmp_path):
    make_db(tmp_path / "db.sqlite", plain_users(3))
    result = cli("export", "usercsv", "--config", cfg)
    assert result.code == 2
    assert result.err == (
        "dmr-edge: error: where to? give --out PATH, or set [export] usercsv in the configuration\n"
    )


def test_export_json_reports_lines_and_bytes(cli, cfg, tmp_path):
    make_db(tmp_path / "db.sqlite", plain_users(7))
    out = tmp_path / "DMRIds.dat"
    result = cli("export", "dmrids", "--out", out, "--config", cfg, "--json")
    report = json.loads(result.out)
    assert report["lines"] == 7 and report["bytes"] == out.stat().st_size
    assert report["previous_lines"] is None and report["format"] == "dmrids"


def test_export_reads_one_snapshot_while_a_writer_holds_a_transaction(tmp_path):
    db = tmp_path / "db.sqlite"
    make_db(db, plain_users(100))
    writer = Store(db)
    try:
        writer.conn.execute("BEGIN IMMEDIATE")
        writer.conn.execute("DELETE FROM users WHERE id % 2 = 0")
        result = export_users(db, tmp_path / "DMRIds.dat", "dmrids")  # not blocked, old data
        assert result.lines == 100
        writer.conn.execute("COMMIT")
    finally:
        writer.close()


# --- the after-sync hook ------------------------------------------------------------------


def _users_doc(extra: int = 0) -> bytes:
    users = [
        {
            "id": 3100000 + i,
            "callsign": f"K{i}XYZ",
            "fname": f"Op{i}",
            "surname": "",
            "city": "Town",
            "state": "",
            "country": "United States",
        }
        for i in range(20 + extra)
    ]
    return json.dumps({"users": users}).encode()


@pytest.fixture
def hooked(tmp_path, served):
    dmrids, usercsv = tmp_path / "DMRIds.dat", tmp_path / "user.csv"
    served.set(PATHS["radioid_users"], _users_doc(), etag='"u1"')
    extra = f'[export]\ndmrids = "{dmrids}"\nusercsv = "{usercsv}"\n'
    config = write_config(tmp_path / "config.toml", tmp_path, served, extra=extra)
    return config, dmrids, usercsv, served


def test_after_sync_hook_rewrites_dmrids_only_when_users_changed(cli, hooked):
    config, dmrids, usercsv, served = hooked
    assert cli("sync", "--config", config).code == 0
    assert len(dmrids.read_text().splitlines()) == 20
    assert len(usercsv.read_text().splitlines()) == 21
    first = (dmrids.stat().st_mtime_ns, dmrids.stat().st_ino, usercsv.stat().st_ino)

    # 304 for every source: nothing changed, nothing written.
    result = cli("sync", "--config", config, "--max-age", "0")
    assert result.code == 0 and "304" in result.out, result
    assert (dmrids.stat().st_mtime_ns, dmrids.stat().st_ino, usercsv.stat().st_ino) == first

    # Another source changed, users did not: still nothing written.
    served.set(PATHS["tgif_talkgroups"], b'[{"id": "9", "name": "New"}]', etag='"t2"')
    assert cli("sync", "--config", config, "--max-age", "0").code == 0
    assert table_rows(config.parent / "db.sqlite", "SELECT name FROM talkgroups WHERE id = 9")
    assert (dmrids.stat().st_mtime_ns, dmrids.stat().st_ino, usercsv.stat().st_ino) == first

    # Users changed: both files are replaced (a new inode: a rename, not a rewrite in place).
    served.set(PATHS["radioid_users"], _users_doc(extra=5), etag='"u2"')
    assert cli("sync", "--config", config, "--max-age", "0").code == 0
    assert dmrids.stat().st_ino != first[1] and usercsv.stat().st_ino != first[2]
    assert len(dmrids.read_text().splitlines()) == 25


def test_after_sync_hook_writes_a_missing_export_even_without_changes(cli, hooked):
    config, dmrids, usercsv, _ = hooked
    assert cli("sync", "--config", config).code == 0
    dmrids.unlink()
    assert cli("sync", "--config", config, "--max-age", "0").code == 0
    assert len(dmrids.read_text().splitlines()) == 20


def test_a_failed_export_after_sync_is_a_warning_and_is_retried_next_time(cli, tmp_path, served):
    target = tmp_path / "later" / "DMRIds.dat"
    config = write_config(
        tmp_path / "config.toml", tmp_path, served, extra=f'[export]\ndmrids = "{target}"\n'
    )
    result = cli("sync", "--config", config)
    assert result.code == 0
    assert f"dmr-edge: warning: export dmrids to {target} failed: cannot write there:" in result.err
    target.parent.mkdir()
    assert cli("sync", "--config", config, "--max-age", "0").code == 0
    assert target.read_text().splitlines()[0].startswith("1023007\tVA3BOC\t")


def test_a_sync_run_as_a_subprocess_leaves_a_complete_dmrids(tmp_path, served):
    target = tmp_path / "DMRIds.dat"
    config = write_config(
        tmp_path / "config.toml", tmp_path, served, extra=f'[export]\ndmrids = "{target}"\n'
    )
    done = run_dmr_edge("sync", "--config", config)
    assert done.returncode == 0, done.stderr
    assert set(mmdvm_read(target)) == {1023007, 3191868}


# --- the real snapshot --------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.shared_data
def test_export_of_the_real_users_snapshot_has_one_line_per_user(cli, cfg, tmp_path):
    snapshot = shared_file("radioid-users-2025-11-23.json.xz")
    result = cli("import", "--source", "radioid_users", snapshot, "--config", cfg)
    assert result.code == 0, result
    users = table_rows(tmp_path / "db.sqlite", "SELECT count(*) FROM users")[0][0]
    assert users == 295113
    out = tmp_path / "DMRIds.dat"
    assert cli("export", "dmrids", "--out", out, "--config", cfg).code == 0
    with open(out, "rb") as handle:
        assert sum(1 for _ in handle) == users
    table = mmdvm_read(out)
    assert len(table) == users
    assert table[3191868]["CALLSIGN"] == "KI5VMF"
    csv_out = tmp_path / "user.csv"
    assert cli("export", "usercsv", "--out", csv_out, "--config", cfg).code == 0
    with open(csv_out, newline="", encoding="utf-8") as handle:
        assert sum(1 for _ in csv.reader(handle)) == users + 1


# --- what a killed export leaves behind ---------------------------------------------------


def test_the_next_export_removes_what_a_killed_export_left_and_nothing_else(tmp_path):
    make_db(tmp_path / "db.sqlite", plain_users(3))
    stale = tmp_path / ".DMRIds.dat.k1ll3d_x.tmp"
    stale.write_text("half a file")
    others = [tmp_path / ".user.csv.k1ll3d_x.tmp", tmp_path / ".DMRIds.dat.bak", tmp_path / "x.tmp"]
    for other in others:
        other.write_text("not ours")
    export_users(tmp_path / "db.sqlite", tmp_path / "DMRIds.dat", "dmrids")
    assert not stale.exists()
    assert all(other.exists() for other in others)


@pytest.mark.slow
def test_sigkill_during_an_export_leaves_the_old_file_and_the_next_export_cleans_up(tmp_path):
    import signal
    import subprocess
    import sys
    import time

    from tests.conftest import ROOT

    db = tmp_path / "db.sqlite"
    make_db(db, plain_users(200_000))
    config = write_config(tmp_path / "config.toml", tmp_path)
    target_dir = tmp_path / "etc"
    target_dir.mkdir()
    target = target_dir / "DMRIds.dat"
    target.write_text("1\tOLD\tfile\n")
    killed = 0
    for _ in range(3):
        proc = subprocess.Popen(
            [sys.executable, "-m", "dmr_edge", "export", "dmrids", "--out", str(target),
             "--config", str(config), "--force"],
            cwd=str(ROOT), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while proc.poll() is None and time.monotonic() < deadline:
            if [n for n in os.listdir(target_dir) if n.endswith(".tmp")]:
                os.kill(proc.pid, signal.SIGKILL)
                killed += 1
                break
            time.sleep(0.0005)
        proc.wait(timeout=30)
        temps = [n for n in os.listdir(target_dir) if n.endswith(".tmp")]
        assert len(temps) <= 1  # only the one of the export just killed
        if proc.returncode == -signal.SIGKILL:
            assert target.read_text() == "1\tOLD\tfile\n"
    assert killed, "no export was caught while writing"
    export_users(db, target, "dmrids", force=True)
    assert os.listdir(target_dir) == ["DMRIds.dat"]
    assert len(mmdvm_read(target)) == 200_000
