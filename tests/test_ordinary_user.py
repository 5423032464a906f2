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
