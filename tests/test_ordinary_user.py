"""An ordinary user (uid 65534, in no group of the service's) uses what the service keeps:
``lookup``, ``status``, ``export`` and ``backup`` read a database another user wrote, in a
directory they may not write — and "cannot read" is said, never shown as empty data."""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from pathlib import Path

import pytest

from dmr_edge.store import Store
from tests.conftest import readable_by_everyone, run_as_nobody, write_config


@pytest.fixture
def service(public_tmp: Path, served) -> Path:
    """A database, cache and configuration written by the service's user (root here), laid
    out as the package does: 0755 directories, 0644 files; and a home for the user."""
    config = write_config(public_tmp / "config.toml", public_tmp, served)
    from dmr_edge.cli import main

    assert main(["sync", "--config", str(config)]) == 0
    readable_by_everyone(public_tmp)
    home = public_tmp / "home"
    home.mkdir()
    os.chown(home, 65534, 65534)
    return config


def test_an_ordinary_user_looks_up_sees_status_exports_and_backs_up(service, public_tmp):
    assert not [p for p in public_tmp.iterdir() if p.name.endswith(("-wal", "-shm"))]
    home = public_tmp / "home"
    done = run_as_nobody("lookup", "3191868", "--config", service)
    assert done.returncode == 0, done
    assert "KI5VMF" in done.stdout
    done = run_as_nobody("status", "--json", "--config", service)
    assert done.returncode == 0, done
    assert json.loads(done.stdout)["sources"]["radioid_users"]["records"] == 2
    done = run_as_nobody("export", "dmrids", "--out", home / "DMRIds.dat", "--config", service)
    assert done.returncode == 0, done
    assert (home / "DMRIds.dat").read_text().count("\n") == 2
    done = run_as_nobody("backup", "--out", home / "copy.sqlite", "--config", service)
    assert done.returncode == 0, done
    # Nothing was written where the user may not write.
    assert sorted(p.name for p in public_tmp.iterdir()) == sorted(
        ["cache", "config.toml", "db.sqlite", "db.sqlite.lock", "home"]
    )


def test_an_ordinary_user_reads_the_old_version_whole_while_the_service_writes(service, public_tmp):
    db = public_tmp / "db.sqlite"
    started, release = threading.Event(), threading.Event()

    def write() -> None:
        with Store(db) as store, store.transaction() as conn:
            conn.execute("DELETE FROM users")
            started.set()
            release.wait(60)

    writer = threading.Thread(target=write)
    writer.start()
    try:
        assert started.wait(30)
        done = run_as_nobody("lookup", "3191868", "--config", service)
        assert done.returncode == 0, done  # the old version, whole
        assert "KI5VMF" in done.stdout
    finally:
        release.set()
        writer.join()
    done = run_as_nobody("lookup", "3191868", "--config", service)
    assert done.returncode == 1  # the new version: the rows are gone


def test_a_database_the_user_may_not_read_is_an_error_saying_so_not_empty_data(service, public_tmp):
    (public_tmp / "db.sqlite").chmod(0o600)
    for command in (["lookup", "3191868"], ["status"], ["status", "--json"]):
        done = run_as_nobody(*command, "--config", service)
        assert done.returncode == 1, done
        assert done.stdout == ""
        assert done.stderr.count("\n") == 1
        assert "cannot read the database: permission denied" in done.stderr


def test_a_database_left_in_wal_mode_says_why_and_the_next_sync_makes_it_readable(
    service, public_tmp
):
    db = public_tmp / "db.sqlite"
    conn = sqlite3.connect(str(db))
    conn.execute("PRAGMA journal_mode = WAL")  # as dmr-edge 0.1 left every database
    conn.close()
    done = run_as_nobody("lookup", "3191868", "--config", service)
    assert done.returncode == 1, done
    assert "left in WAL mode" in done.stderr and "the next sync by the service" in done.stderr
    from dmr_edge.cli import main

    assert main(["sync", "--offline", "--config", str(service)]) == 0  # changes nothing...
    done = run_as_nobody("lookup", "3191868", "--config", service)
    assert done.returncode == 0, done  # ...but leaves a database every user may read


def test_files_root_makes_beside_the_service_stay_the_services(public_tmp, served):
    """`sudo dmr-edge import` on a packaged install: the cache file, its sidecar, a new
    database and the lock it creates belong to the directory's owner, so the service's
    next 304 still marks the cache as checked and its next sync can write."""
    import time

    from dmr_edge.cli import main
    from tests.conftest import NOBODY

    state = public_tmp / "state"
    (state / "cache").mkdir(parents=True)
    for path in (state, state / "cache"):
        os.chown(path, NOBODY, NOBODY)
    config = write_config(state / "c.toml", state, served, enabled=["radioid_users"])
    readable_by_everyone(public_tmp)
    first = run_as_nobody("sync", "--config", config)  # the service's own first sync
    assert first.returncode == 0, first
    (state / "db.sqlite").unlink()  # and a database root creates anew
    (state / "db.sqlite.lock").unlink()
    stick = public_tmp / "stick.json"
    stick.write_text(json.dumps({"users": [
        {"id": 3100000 + i, "callsign": f"K{i}XX"} for i in range(1, 4)
    ]}))  # fmt: skip
    assert main(["import", "--source", "radioid_users", str(stick), "--config", str(config)]) == 0
    for name in ("db.sqlite", "db.sqlite.lock", "cache/radioid_users.json",
                 "cache/radioid_users.meta.json"):  # fmt: skip
        assert (state / name).stat().st_uid == NOBODY, name
    meta = state / "cache" / "radioid_users.meta.json"
    os.utime(meta, (time.time() - 7200, time.time() - 7200))
    done = run_as_nobody("sync", "--max-age", "0", "--config", config)
    assert done.returncode == 0, done
    assert done.stdout == "radioid_users: 304 not modified\n"  # the import's validators
    assert time.time() - meta.stat().st_mtime < 60, "the 304 did not mark the cache fresh"
