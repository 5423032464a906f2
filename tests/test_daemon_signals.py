"""Signals to ``dmr-edge run``: SIGTERM/SIGINT stop it cleanly at any point of a cycle,
SIGHUP reloads the configuration (keeping the old one when the new one is broken),
SIGUSR1 syncs now."""

from __future__ import annotations

import io
import signal
import time
from pathlib import Path

import pytest

from dmr_edge.bench.generate import generate
from dmr_edge.config import load_settings
from dmr_edge.daemon import Daemon
from tests.conftest import PATHS, dump, run_dmr_edge, table_rows
from tests.test_daemon_process import DaemonProcess, daemon_config
from tests.upstream import Fault

USERS = "radioid_users"


def users_document(scale: float, change: float = 0.0) -> bytes:
    out = io.BytesIO()
    generate(USERS, out, scale=scale, seed=5, change=change)
    return out.getvalue()


def cache_files(cache: Path) -> dict:
    return {p.name: p.read_bytes() for p in sorted(cache.iterdir())}


@pytest.fixture
def synced_v1(tmp_path, upstream):
    """Sync users version 1 (of the given scale) into the database; return the config, the
    rows and the cache files. Version 2 is what the test makes the upstream serve next."""

    def sync(scale: float = 0.02, chunk: int = 25) -> tuple:
        upstream.set(PATHS[USERS], users_document(scale), etag='"v1"')
        config = daemon_config(
            tmp_path, upstream, enabled=[USERS], sync=f'max_age = "0s"\nchunk = {chunk}'
        )
        first = run_dmr_edge("sync", "--config", config)
        assert first.returncode == 0, first
        return config, dump(tmp_path / "db.sqlite"), cache_files(tmp_path / "cache")

    return sync


def assert_previous_version_kept(tmp_path: Path, rows: dict, files: dict) -> None:
    db = tmp_path / "db.sqlite"
    assert table_rows(db, "PRAGMA integrity_check") == [("ok",)]
    assert dump(db) == rows
    assert cache_files(tmp_path / "cache") == files  # no partial download left either


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["TERM", "INT"])
def test_a_stop_during_a_download_exits_0_at_once_and_keeps_the_previous_version(
    tmp_path, upstream, synced_v1, signum
):
    config, rows, files = synced_v1()
    v2 = users_document(0.02, change=0.05)
    upstream.set(PATHS[USERS], v2, etag='"v2"', fault=Fault.throttle(len(v2) // 20))
    with DaemonProcess("run", "-v", "--config", config, log_path=tmp_path / "d.log") as daemon:
        daemon.wait_for(r"radioid_users: downloading")
        sent = time.monotonic()
        daemon.send(signum)
        assert daemon.wait(timeout=30) == 0
        assert time.monotonic() - sent < 10  # the download was meant to take 20 s
    log = daemon.log()
    assert "cycle 1 stopped after" in log and "rolled back" in log
    assert log.rstrip().endswith("stopped")
    assert_previous_version_kept(tmp_path, rows, files)


def test_a_stop_while_rows_are_being_written_rolls_the_transaction_back(
    tmp_path, upstream, synced_v1
):
    # 29,500 users, one row per chunk: a transaction that stays open for a second or so.
    config, rows, files = synced_v1(0.1, chunk=1)
    upstream.set(PATHS[USERS], users_document(0.1, change=0.5), etag='"v2"')
    with DaemonProcess("run", "-v", "--config", config, log_path=tmp_path / "d.log") as daemon:
        daemon.wait_for(r"radioid_users: writing rows")  # row 1 of 29,500 is in the transaction
        daemon.send(signal.SIGTERM)
        assert daemon.wait(timeout=30) == 0
    assert "cycle 1 stopped after" in daemon.log()
    assert_previous_version_kept(tmp_path, rows, files)
    # And the next start applies version 2 whole.
    again = run_dmr_edge("run", "--once", "--config", config)
    assert again.returncode == 0, again
    assert dump(tmp_path / "db.sqlite") != rows


def test_a_stop_while_idle_exits_0(tmp_path, served):
    config = daemon_config(tmp_path, served)
    with DaemonProcess("run", "--config", config, log_path=tmp_path / "d.log") as daemon:
        daemon.wait_for(r"cycle 1:")
        daemon.send(signal.SIGTERM)
        assert daemon.wait(timeout=30) == 0
    last = daemon.log().splitlines()[-2:]
    assert last[0].endswith(" SIGTERM received: stopping") and last[1].endswith(" stopped")


@pytest.mark.slow
def test_a_stop_while_blocked_on_a_stalled_socket_gives_up_on_the_cycle_and_exits_0(
    tmp_path, upstream, synced_v1
):
    config, rows, files = synced_v1()
    config.write_text(config.read_text().replace('read_timeout = "3s"', 'read_timeout = "60s"'))
    upstream.set(PATHS[USERS], users_document(0.02, change=0.1), etag='"v2"', fault=Fault.stall())
    with DaemonProcess("run", "-v", "--config", config, log_path=tmp_path / "d.log") as daemon:
        daemon.wait_for(r"dmr-edge run: pid")
        deadline = time.monotonic() + 10
        while upstream.count(PATHS[USERS]) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)  # the first request was the sync in the fixture
        daemon.send(signal.SIGTERM)
        assert daemon.wait(timeout=40) == 0
    log = daemon.log()
    assert "the cycle did not reach a safe point within 10s" in log
    assert_previous_version_kept(tmp_path, rows, files)


# --- SIGHUP ------------------------------------------------------------------------------


def test_sighup_with_a_broken_config_keeps_the_old_one_and_a_good_one_applies(tmp_path, served):
    config = daemon_config(tmp_path, served, enabled=["tgif_talkgroups"])
    good = config.read_text()
    db = tmp_path / "db.sqlite"
    with DaemonProcess("run", "--config", config, log_path=tmp_path / "d.log") as daemon:
        daemon.wait_for(r"cycle 1: tgif_talkgroups: 2 rows changed")

        config.write_text(good.replace('interval = "1h"', 'interval = "soon"'))
        daemon.send(signal.SIGHUP)
        daemon.wait_for(
            r"reload failed, still running on the previous configuration: "
            r".*daemon\.interval: expected a duration"
        )
        config.write_text(good + "[[not toml")
        daemon.send(signal.SIGHUP)
        daemon.wait_for(r"reload failed.*not valid TOML", count=1)
        assert daemon.alive()

        enabled = daemon_config(
            tmp_path, served, enabled=["tgif_talkgroups", "brandmeister_talkgroups"]
        )
        assert enabled == config
        daemon.send(signal.SIGHUP)
        daemon.wait_for(
            r"reloaded .*config\.toml: every 1h, watchdog 15m, sources "
            r"brandmeister_talkgroups, tgif_talkgroups"
        )
        # The newly enabled source is due at once; the other keeps its own time.
        daemon.wait_for(r"cycle 2: brandmeister_talkgroups: 3 rows changed \(\+3 ~0 -0\) \[")
        daemon.send(signal.SIGTERM)
        assert daemon.wait() == 0
    assert table_rows(db, "SELECT network, count(*) FROM talkgroups GROUP BY 1 ORDER BY 1") == [
        ("BrandMeister", 3),
        ("TGIF", 2),
    ]
    assert served.count(PATHS["tgif_talkgroups"]) == 1


def test_sighup_refuses_to_move_the_database_under_a_running_daemon(tmp_path, served):
    config = daemon_config(tmp_path, served, enabled=["tgif_talkgroups"])
    with DaemonProcess("run", "--config", config, log_path=tmp_path / "d.log") as daemon:
        daemon.wait_for(r"cycle 1:")
        config.write_text(config.read_text().replace("db.sqlite", "other.sqlite"))
        daemon.send(signal.SIGHUP)
        daemon.wait_for(
            r"reload failed.*db changed from .*db\.sqlite to .*other\.sqlite: "
            r"that needs a restart"
        )
        daemon.send(signal.SIGUSR1)
        daemon.wait_for(r"cycle 2 \(now\): tgif_talkgroups: 304 not modified")
        daemon.send(signal.SIGTERM)
        assert daemon.wait() == 0
    assert not (tmp_path / "other.sqlite").exists()


def test_sigusr1_syncs_every_source_now(tmp_path, served):
    config = daemon_config(tmp_path, served)
    with DaemonProcess("run", "--config", config, log_path=tmp_path / "d.log") as daemon:
        daemon.wait_for(r"cycle 1:")
        daemon.send(signal.SIGUSR1)
        text = daemon.wait_for(
            r"cycle 2 \(now\): radioid_users: 304 not modified; .*"
            r"hearham_repeaters: 304 not modified"
        )
        daemon.send(signal.SIGTERM)
        assert daemon.wait() == 0
    assert "SIGUSR1 received: syncing now" in text
    assert all(served.count(path) == 2 for path in PATHS.values())


def test_a_stop_arriving_inside_the_transaction_rolls_it_back(tmp_path, upstream, synced_v1):
    """The same, deterministic: the stop lands exactly between two chunks of one source."""
    config, rows, files = synced_v1(0.02, chunk=25)
    upstream.set(PATHS[USERS], users_document(0.02, change=0.5), etag='"v2"')
    seen = []

    class StopsInside(Daemon):
        def _on_records(self, source: str, count: int) -> None:
            seen.append(count)
            if count >= 1000:  # as if SIGTERM arrived now
                self.request_stop()
                self.stopping.set()
            super()._on_records(source, count)

    daemon = StopsInside(load_settings(str(config)), environ={})
    assert daemon.run() == 0
    assert seen[-1] == 1000
    assert_previous_version_kept(tmp_path, rows, files)
