"""``dmr-edge backup``: an online copy through SQLite's backup API, verified, optionally
gzipped, rotated — and consistent while a real sync process writes the database."""

from __future__ import annotations

import gzip
import json
import os
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Tuple

import pytest

from dmr_edge.backup import backup
from dmr_edge.errors import BackupError
from tests.conftest import PATHS, ROOT, dump, write_config


@pytest.fixture
def synced(cli, config, tmp_path) -> Path:
    assert cli("sync", "--config", config).code == 0
    return config


def test_backup_is_a_verified_standalone_copy_of_the_database(cli, synced, tmp_path):
    out = tmp_path / "copy.sqlite"
    result = cli("backup", "--out", out, "--config", synced, "--json")
    assert result.code == 0, result
    report = json.loads(result.out)
    assert report["path"] == str(out) and report["integrity_check"] == "ok"
    assert report["counts"] == {"users": 2, "repeaters": 8, "talkgroups": 5}
    assert report["schema_version"] == 2 and report["removed"] == []
    assert dump(out) == dump(tmp_path / "db.sqlite")
    conn = sqlite3.connect(str(out))
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()
    assert not (tmp_path / "copy.sqlite-wal").exists()
    assert stat.S_IMODE(out.stat().st_mode) == 0o644
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_backup_text_report_is_one_line(cli, synced, tmp_path):
    result = cli("backup", "--out", tmp_path / "copy.sqlite", "--config", synced)
    assert result.code == 0
    assert result.out.startswith(f"backed up to {tmp_path / 'copy.sqlite'} (")
    assert "2 users, 8 repeaters, 5 talkgroups; integrity_check ok)" in result.out


def test_a_gzipped_backup_decompresses_to_the_same_database(cli, synced, tmp_path):
    result = cli("backup", "--out", tmp_path / "copy.sqlite", "--gzip", "--config", synced)
    assert result.code == 0, result
    packed = tmp_path / "copy.sqlite.gz"
    assert packed.exists() and not (tmp_path / "copy.sqlite").exists()
    (tmp_path / "restored.sqlite").write_bytes(gzip.decompress(packed.read_bytes()))
    assert dump(tmp_path / "restored.sqlite") == dump(tmp_path / "db.sqlite")
    # An --out ending in .gz compresses without --gzip.
    assert cli("backup", "--out", tmp_path / "b.sqlite.gz", "--config", synced).code == 0
    assert gzip.decompress((tmp_path / "b.sqlite.gz").read_bytes())[:16] == b"SQLite format 3\0"


def test_keep_rotation_keeps_only_the_newest_n(synced, tmp_path):
    sets = tmp_path / "backups"
    sets.mkdir()
    (sets / "dmr.sqlite.notes").write_text("not a backup")
    (sets / "other-20200101T000000Z.sqlite").write_text("another set")
    day = 86400.0
    made = [
        backup(tmp_path / "db.sqlite", sets / "dmr.sqlite", keep=3, now=1_700_000_000 + i * day)
        for i in range(5)
    ]
    assert [p.name for p in made[-1].removed] == ["dmr-20231115T221320Z.sqlite"]
    assert sorted(os.listdir(sets)) == [
        "dmr-20231116T221320Z.sqlite",
        "dmr-20231117T221320Z.sqlite",
        "dmr-20231118T221320Z.sqlite",
        "dmr.sqlite.notes",
        "other-20200101T000000Z.sqlite",
    ]


def test_backups_within_one_second_are_numbered_and_rotate_in_order(cli, synced, tmp_path):
    sets = tmp_path / "backups"
    sets.mkdir()
    for _ in range(4):
        backup(tmp_path / "db.sqlite", sets / "dmr.sqlite.gz", keep=2, now=1_700_000_000)
    assert sorted(os.listdir(sets)) == [
        "dmr-20231114T221320Z-2.sqlite.gz",
        "dmr-20231114T221320Z-3.sqlite.gz",
    ]
    result = cli("backup", "--out", sets / "dmr.sqlite.gz", "--keep", "1", "--config", synced)
    assert result.code == 0, result
    assert result.out.count("removed older backup") == 2
    assert len(os.listdir(sets)) == 1


def test_backup_into_a_directory_names_the_copy_after_the_database(cli, synced, tmp_path):
    (tmp_path / "usb").mkdir()
    result = cli("backup", "--out", tmp_path / "usb", "--config", synced, "--json")
    name = Path(json.loads(result.out)["path"]).name
    assert name.startswith("db-") and name.endswith("Z.sqlite")


def test_backup_refuses_the_database_itself_as_target(cli, synced, tmp_path):
    result = cli("backup", "--out", tmp_path / "db.sqlite", "--config", synced)
    assert result.code == 2
    assert "is the database itself" in result.err


def test_backup_before_any_sync_says_so(cli, tmp_path):
    config = write_config(tmp_path / "config.toml", tmp_path)
    result = cli("backup", "--out", tmp_path / "copy.sqlite", "--config", config)
    assert (result.code, result.err) == (
        1,
        f"dmr-edge: error: {tmp_path / 'db.sqlite'}: no database yet (run dmr-edge sync)\n",
    )


def test_a_corrupt_database_is_not_backed_up_over_good_backups(synced, tmp_path):
    sets = tmp_path / "backups"
    sets.mkdir()
    good = backup(tmp_path / "db.sqlite", sets / "dmr.sqlite", keep=1, now=1_700_000_000)
    broken = tmp_path / "broken.sqlite"
    conn = sqlite3.connect(str(broken))
    conn.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, callsign TEXT)")
    conn.execute("CREATE INDEX users_callsign ON users (callsign)")
    conn.executemany("INSERT INTO users VALUES (?, ?)", [(i, f"K{i}") for i in range(3000)])
    conn.commit()
    conn.close()
    data = bytearray(broken.read_bytes())
    page = 4096
    data[3 * page + 100 : 3 * page + 400] = b"\xa5" * 300  # scribble over a b-tree page
    broken.write_bytes(bytes(data))
    with pytest.raises(BackupError):
        backup(broken, sets / "dmr.sqlite", keep=1, now=1_700_000_100)
    assert os.listdir(sets) == [good.path.name]


def test_backup_into_a_missing_directory_fails_with_one_line(cli, synced, tmp_path):
    result = cli("backup", "--out", tmp_path / "nodir" / "x.sqlite", "--config", synced)
    assert (result.code, result.err) == (
        1,
        f"dmr-edge: error: {tmp_path / 'nodir'}: no such directory\n",
    )


# --- while a sync writes ------------------------------------------------------------------


def _users_file(path: Path, scale: float, change: float) -> int:
    """A large users.json: from dmr_edge.bench.generate when present, else built here."""
    try:
        from dmr_edge.bench.generate import generate_file
    except ImportError:  # pragma: no cover - the generator is part of the package
        count = int(295_000 * scale)
        users = (
            {
                "id": 1_000_000 + i * 7,
                "callsign": f"K{i}GEN",
                "fname": f"Name{i}" if (i * 2654435761) % 1000 >= change * 1000 else f"New{i}",
                "surname": "",
                "city": "Town",
                "state": "",
                "country": "United States",
            }
            for i in range(count)
        )
        with open(path, "w") as handle:
            handle.write('{"users":[')
            handle.write(",".join(json.dumps(u) for u in users))
            handle.write("]}")
        return count
    return generate_file("radioid_users", path, scale=scale, seed=11, change=change)


Signature = Tuple[int, int, int, int]


def _signature(db: Path) -> Tuple[Signature, int]:
    """Return (a fingerprint of the users table, the users' stored record count)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        fingerprint = conn.execute(
            "SELECT count(*), total(id), total(length(callsign) + length(first_name) * 3 "
            "+ length(city) * 7), total(id % 9973 * length(first_name)) FROM users"
        ).fetchone()
        records = conn.execute(
            "SELECT records FROM source_state WHERE source = 'radioid_users'"
        ).fetchone()[0]
        return tuple(int(v) for v in fingerprint), records  # type: ignore[return-value]
    finally:
        conn.close()


@pytest.mark.slow
def test_backups_taken_while_a_sync_process_writes_each_hold_one_whole_version(
    cli, tmp_path, upstream
):
    a_file, b_file = tmp_path / "users-a.json", tmp_path / "users-b.json"
    count_a = _users_file(a_file, scale=0.3, change=0.0)
    count_b = _users_file(b_file, scale=0.3, change=0.05)
    upstream.set(PATHS["radioid_users"], a_file.read_bytes(), etag='"a"')
    config = write_config(
        tmp_path / "config.toml",
        tmp_path,
        upstream,
        enabled=["radioid_users"],
        extra='[sync]\nmode = "streaming"\nchunk = 500\n',
    )
    db = tmp_path / "db.sqlite"
    assert cli("sync", "--config", config).code == 0
    version_a = _signature(db)
    # Version B's fingerprint, from a scratch database loaded from the same file.
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    scratch_config = write_config(scratch / "config.toml", scratch)
    assert cli("import", "--source", "radioid_users", b_file, "--config", scratch_config).code == 0
    version_b = _signature(scratch / "db.sqlite")
    assert version_a != version_b
    assert version_a[0][0] == count_a and version_b[0][0] == version_b[1]

    upstream.set(PATHS["radioid_users"], b_file.read_bytes(), etag='"b"')
    copies = tmp_path / "copies"
    copies.mkdir()
    wal = Path(f"{db}-wal")
    seen = []
    sync = subprocess.Popen(
        [sys.executable, "-m", "dmr_edge", "sync", "--config", str(config), "--max-age", "0"],
        cwd=str(ROOT),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        started = time.monotonic()
        while True:
            running = sync.poll() is None
            writing = running and wal.exists() and wal.stat().st_size > 0
            made = backup(db, copies / "dmr.sqlite", keep=3)
            seen.append((writing, running, _signature(made.path)))
            if not running:
                break
            assert time.monotonic() - started < 120, "the sync did not finish"
    finally:
        out, err = sync.communicate(timeout=120)
    assert sync.returncode == 0, err
    versions = {version_a: "A (before)", version_b: "B (after)"}
    for _, _, signature in seen:
        assert signature in versions, signature  # one whole version, never a mix
        fingerprint, records = signature
        assert records == fingerprint[0]  # state and rows from the same commit
    during = [versions[s] for w, _, s in seen if w]
    print(
        f"\nbackup while syncing: {len(seen)} backups of a {count_a:,} → {count_b:,} users "
        f"sync; {len(during)} taken while the sync was writing (WAL not empty): "
        f"{during.count('A (before)')} hold version A, {during.count('B (after)')} version B; "
        f"the last holds {versions[seen[-1][2]]}; every copy passed integrity_check"
    )
    assert during, "no backup overlapped the sync's write transaction"
    assert seen[-1][2] == version_b
    assert len(os.listdir(copies)) == 3


def test_a_backup_removes_what_a_killed_backup_of_its_set_left(synced, tmp_path):
    sets = tmp_path / "backups"
    sets.mkdir()
    stale = [
        sets / ".dmr-20231114T221320Z.sqlite.k1ll3d_x.tmp",
        sets / ".dmr-20231114T221320Z.sqlite.k1ll3d_x.tmp-journal",
        sets / ".dmr-20231114T221320Z-2.sqlite.gz.k1ll3d_y.tmp",
    ]
    kept = [sets / ".other-20231114T221320Z.sqlite.k1ll3d_x.tmp", sets / "dmr.sqlite.tmp"]
    for path in stale + kept:
        path.write_bytes(b"partial")
    backup(tmp_path / "db.sqlite", sets / "dmr.sqlite", keep=2, now=1_700_000_000)
    assert not any(path.exists() for path in stale)
    assert all(path.exists() for path in kept)
