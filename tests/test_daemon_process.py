"""``dmr-edge run`` as a real process: the lock, ``--once``, the heartbeat and
``status --check``, the log file, and an upstream outage it rides out.

``DaemonProcess`` (also used by the other ``test_daemon_*`` files) starts the daemon as a
subprocess with its stderr in a file the test can wait on.
"""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Dict, Optional

import pytest

from dmr_edge.sources import SOURCES
from tests.conftest import PATHS, ROOT, run_dmr_edge, table_rows, write_config
from tests.upstream import Fault

USERS = "radioid_users"
SCRUBBED = ("NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "JOURNAL_STREAM", "DMR_EDGE_CONFIG")


class DaemonProcess:
    """``python -m dmr_edge run ...`` in a subprocess, its stderr going to ``log_path``."""

    def __init__(self, *args: Any, log_path: Path, env: Optional[Dict[str, str]] = None) -> None:
        full_env = {k: v for k, v in os.environ.items() if k not in SCRUBBED}
        full_env.update(env or {})
        self.log_path = log_path
        self._log = open(log_path, "wb")  # noqa: SIM115 - closed by close()
        self.started = time.monotonic()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "dmr_edge", *[str(a) for a in args]],
            stdout=subprocess.DEVNULL,
            stderr=self._log,
            env=full_env,
            cwd=str(ROOT),
        )

    @property
    def pid(self) -> int:
        return self.proc.pid

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_for(self, pattern: str, timeout: float = 30, count: int = 1) -> str:
        """Wait until the log matches ``pattern`` ``count`` times; return the log."""
        deadline = time.monotonic() + timeout
        while True:
            text = self.log()
            if len(re.findall(pattern, text)) >= count:
                return text
            if self.proc.poll() is not None:
                raise AssertionError(
                    f"daemon exited {self.proc.returncode} before {pattern!r}:\n{text}"
                )
            if time.monotonic() > deadline:
                raise AssertionError(f"no {pattern!r} within {timeout}s:\n{text}")
            time.sleep(0.05)

    def send(self, signum: int) -> None:
        self.proc.send_signal(signum)

    def wait(self, timeout: float = 30) -> int:
        return self.proc.wait(timeout)

    def alive(self) -> bool:
        return self.proc.poll() is None

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        self._log.close()

    def __enter__(self) -> DaemonProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def daemon_config(
    tmp_path: Path,
    upstream: Any,
    *,
    enabled: Any = None,
    daemon: str = "",
    sync: str = "",
    http: Optional[Dict[str, str]] = None,
    name: str = "config.toml",
) -> Path:
    """A config aimed at ``upstream`` with a ``[daemon]`` table and http overrides."""
    extra = ""
    if sync:
        extra += "[sync]\n" + sync + "\n"
    extra += "[daemon]\n" + (daemon or 'interval = "1h"\njitter = "0s"') + "\n"
    path = write_config(tmp_path / name, tmp_path, upstream, enabled=enabled, extra=extra)
    if http:
        text = path.read_text()
        for key, value in http.items():
            text, replaced = re.subn(rf"(?m)^{key} = .*$", f'{key} = "{value}"', text)
            if not replaced:
                text = text.replace("[http]\n", f'[http]\n{key} = "{value}"\n', 1)
        path.write_text(text)
    return path


# --- the lock ------------------------------------------------------------------------------


def test_a_second_daemon_exits_75_at_once_while_the_daemon_holds_the_lock(tmp_path, served):
    config = daemon_config(tmp_path, served)
    with DaemonProcess("run", "--config", config, log_path=tmp_path / "d.log") as daemon:
        daemon.wait_for(r"cycle 1")
        for command in (["run"], ["run", "--once"]):
            started = time.monotonic()
            second = run_dmr_edge(*command, "--config", config, timeout=60)
            assert second.returncode == 75, second
            assert time.monotonic() - started < 30  # no waiting for the lock
            assert f"another dmr-edge is running (pid {daemon.pid})" in second.stderr
            assert "--wait" in second.stderr
        daemon.send(signal.SIGTERM)
        assert daemon.wait() == 0


def test_sync_and_warm_run_while_the_daemon_idles_between_cycles(tmp_path, served):
    config = daemon_config(tmp_path, served)
    with DaemonProcess("run", "--config", config, log_path=tmp_path / "d.log") as daemon:
        daemon.wait_for(r"cycle 1")
        for command in (["sync"], ["warm"]):
            done = run_dmr_edge(*command, "--config", config, "--max-age", "0", timeout=60)
            assert done.returncode == 0, done
        assert daemon.alive()
        daemon.send(signal.SIGTERM)
        assert daemon.wait() == 0


def test_an_import_runs_while_the_daemon_idles_and_the_next_cycle_keeps_it(tmp_path, served):
    """A file brought on a USB stick to a running hotspot: the daemon holds its lock only
    while a cycle runs, so the import goes in; the upstream still serving its older
    document (a 304 to the validators the import kept) does not undo it."""
    config = daemon_config(tmp_path, served, enabled=[USERS], daemon='interval = "1h"')
    stick = tmp_path / "stick.json"
    stick.write_bytes(json.dumps({"users": [
        {"id": 3100000 + i, "callsign": f"K{i}XX", "fname": "Imported"} for i in range(1, 9)
    ]}).encode())  # fmt: skip
    with DaemonProcess("run", "--config", config, log_path=tmp_path / "d.log") as daemon:
        daemon.wait_for(r"cycle 1")
        started = time.monotonic()
        done = run_dmr_edge("import", "--source", USERS, stick, "--config", config, timeout=60)
        assert done.returncode == 0, done
        assert time.monotonic() - started < 30
        assert table_rows(tmp_path / "db.sqlite", "SELECT count(*) FROM users") == [(8,)]
        daemon.send(signal.SIGUSR1)  # a cycle now: a conditional request, answered 304
        daemon.wait_for(r"cycle 2")
        assert "cycle 2 (now): radioid_users: 304 not modified" in daemon.log()
        assert table_rows(tmp_path / "db.sqlite", "SELECT count(*) FROM users") == [(8,)]
        daemon.send(signal.SIGTERM)
        assert daemon.wait() == 0


def test_a_cycle_due_while_an_import_holds_the_lock_waits_for_it(tmp_path, served):
    from tests.test_resources import lock_held

    config = daemon_config(tmp_path, served, enabled=[USERS])
    with (
        lock_held(tmp_path / "db.sqlite", seconds=3.0) as holder,
        DaemonProcess("run", "--config", config, log_path=tmp_path / "d.log") as daemon,
    ):
        log = daemon.wait_for(r"waiting: another dmr-edge")
        assert f"(pid {holder.pid}) is writing the database" in log
        assert "cycle 1" not in log
        log = daemon.wait_for(r"cycle 1: radioid_users: 2 rows changed", timeout=30)
        assert "the other dmr-edge finished; cycle starting" in log
        daemon.send(signal.SIGTERM)
        assert daemon.wait() == 0


def test_run_once_with_wait_runs_when_the_daemon_lets_go(tmp_path, served):
    config = daemon_config(tmp_path, served)
    with DaemonProcess("run", "--config", config, log_path=tmp_path / "d.log") as daemon:
        daemon.wait_for(r"cycle 1")
        with DaemonProcess(
            "run", "--once", "--wait", "--config", config, log_path=tmp_path / "once.log"
        ) as waiter:
            time.sleep(1)
            assert waiter.alive()  # still waiting for the lock
            daemon.send(signal.SIGTERM)
            assert daemon.wait() == 0
            assert waiter.wait() == 0
            assert "cycle 1: radioid_users: unchanged" in waiter.log()


# --- --once --------------------------------------------------------------------------------


def test_run_once_syncs_everything_writes_the_heartbeat_and_exits_0(cli, config, tmp_path):
    result = cli("run", "--once", "--config", config)
    assert result.code == 0, result
    assert re.search(
        r"cycle 1: radioid_users: 2 rows changed .*hearham_repeaters: 2 rows", result.err
    )
    assert table_rows(tmp_path / "db.sqlite", "SELECT count(*) FROM users") == [(2,)]
    beat = json.loads((tmp_path / "db.sqlite.heartbeat").read_text())
    assert beat["mode"] == "once" and beat["pid"] == os.getpid()
    assert beat["stale_after"] == 3600 + 300 + 900 + 120  # interval + jitter + watchdog + slack


def test_run_once_exits_75_when_an_upstream_is_down_and_names_it(cli, config, served):
    served.set_fault(PATHS[USERS], Fault.status(503, retry_after="120"))
    result = cli("run", "--once", "--config", config)
    assert result.code == 75
    assert "radioid_users: error: upstream answered HTTP 503, retry after 120s" in result.err
    assert "radioid_repeaters: 5 rows changed" in result.err


def test_run_once_exits_1_when_an_upstream_sends_garbage(cli, config, served):
    served.set_fault(PATHS["tgif_talkgroups"], Fault.wrong_shape())
    result = cli("run", "--once", "--config", config)
    assert result.code == 1
    assert "tgif_talkgroups: error:" in result.err


def test_run_once_refuses_to_start_with_no_source_enabled(cli, tmp_path, served):
    config = write_config(tmp_path / "c.toml", tmp_path, served, enabled=[])
    result = cli("run", "--once", "--config", config)
    assert result.code == 2
    assert "no source is enabled" in result.err


def test_run_once_logs_to_a_log_file_as_well(cli, config, tmp_path):
    log_file = tmp_path / "logs" / "dmr-edge.log"
    result = cli("run", "--once", "--config", config, "--log-file", log_file)
    assert result.code == 0
    text = log_file.read_text()
    assert re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d dmr-edge run --once: pid", text)
    assert "cycle 1: radioid_users: 2 rows changed" in text


def test_log_file_survives_logrotate_moving_it_away(tmp_path, served):
    log_file = tmp_path / "dmr-edge.log"
    config = daemon_config(tmp_path, served, daemon=f'interval = "1h"\nlog_file = "{log_file}"')
    with DaemonProcess("run", "--config", config, log_path=tmp_path / "d.log") as daemon:
        daemon.wait_for(r"cycle 1")
        log_file.rename(tmp_path / "dmr-edge.log.1")  # what logrotate does
        daemon.send(signal.SIGUSR1)
        daemon.wait_for(r"cycle 2")
        daemon.send(signal.SIGTERM)
        assert daemon.wait() == 0
    assert "cycle 1" in (tmp_path / "dmr-edge.log.1").read_text()
    reopened = log_file.read_text()
    assert "cycle 2 (now)" in reopened and "stopped" in reopened


def test_stderr_lines_carry_no_timestamp_under_journald(cli, config, monkeypatch):
    monkeypatch.setenv("JOURNAL_STREAM", "8:1234")
    result = cli("run", "--once", "--config", config)
    assert result.code == 0
    assert result.err.startswith("dmr-edge run --once: pid")


def test_the_log_never_shows_an_api_key(cli, tmp_path, served):
    config = write_config(tmp_path / "c.toml", tmp_path, served, extra="")
    text = config.read_text().replace(
        "[sources.brandmeister_devices]\n",
        '[sources.brandmeister_devices]\napi_key = "s3cr3t-key-value"\n',
    )
    config.write_text(text)
    config.chmod(0o600)
    served.set_fault(PATHS["brandmeister_devices"], Fault.status(401))
    result = cli("run", "--once", "--config", config, "-v")
    assert result.code == 1
    assert "brandmeister_devices: error: upstream answered HTTP 401" in result.err
    assert "s3cr3t" not in result.err + result.out
    requests = [r for r in served.requests if r.path == PATHS["brandmeister_devices"]]
    assert requests[0].headers.get("authorization") == "Bearer s3cr3t-key-value"


# --- heartbeat and status --check ----------------------------------------------------------


def test_status_check_passes_while_the_daemon_runs_and_fails_when_it_is_gone(tmp_path, served):
    config = daemon_config(tmp_path, served)
    beat = tmp_path / "db.sqlite.heartbeat"
    with DaemonProcess("run", "--config", config, log_path=tmp_path / "d.log") as daemon:
        daemon.wait_for(r"cycle 1")
        check = run_dmr_edge("status", "--check", "--config", config)
        assert check.returncode == 0, check
        assert re.match(r"ok: heartbeat \d+s old, oldest data \d+s \(\w+\)\n$", check.stdout)
        assert json.loads(beat.read_text())["stale_after"] == 900 + 120
        daemon.send(signal.SIGKILL)  # a hung or dead daemon stops touching the file
        daemon.wait()
    old = time.time() - 2 * 3600
    os.utime(beat, (old, old))
    check = run_dmr_edge("status", "--check", "--config", config)
    assert check.returncode == 1
    assert check.stdout == ""
    assert re.match(
        r"dmr-edge: heartbeat 2\.0h old \(stale after 17\.0m\): dmr-edge run is not "
        r"making progress\n$",
        check.stderr,
    ), check.stderr


def test_status_check_fails_when_data_is_older_than_max_age(cli, config, tmp_path):
    assert cli("run", "--once", "--config", config).code == 0
    assert cli("status", "--check", "--config", config).code == 0
    old = time.time() - 3 * 86400
    for name in SOURCES:
        for path in (tmp_path / "cache").glob(f"{name}*"):
            os.utime(path, (old, old))
    conn = sqlite3.connect(str(tmp_path / "db.sqlite"))
    with conn:
        conn.execute("UPDATE source_state SET applied_at = ?", (old,))
    conn.close()
    result = cli("status", "--check", "--config", config, "--max-age", "1d")
    assert result.code == 1
    assert "radioid_users data is 3.0d old (limit 1.0d)" in result.err
    assert result.err.count("\n") == 1  # one line
    assert cli("status", "--check", "--config", config, "--max-age", "4d").code == 0


def test_status_check_fails_when_there_is_no_heartbeat(cli, config, tmp_path):
    assert cli("sync", "--config", config).code == 0
    result = cli("status", "--check", "--config", config)
    assert result.code == 1
    assert f"no heartbeat at {tmp_path / 'db.sqlite.heartbeat'}" in result.err


# --- an outage ----------------------------------------------------------------------------


@pytest.mark.slow
def test_the_daemon_rides_out_an_upstream_outage_and_recovers(tmp_path, served):
    """503s with growing backoff while the other sources stay on their own schedule, a
    Retry-After honoured, then recovery and the normal interval again."""
    config = daemon_config(
        tmp_path, served, sync='max_age = "0s"', daemon='interval = "16s"\njitter = "0s"'
    )
    served.set_fault(PATHS[USERS], Fault.status(503))
    with DaemonProcess("run", "--config", config, log_path=tmp_path / "d.log") as daemon:
        daemon.wait_for(r"radioid_users: error: upstream answered HTTP 503 \(retry in 1\.0s\)")
        daemon.wait_for(r"radioid_users: error: upstream answered HTTP 503 \(retry in 2\.0s\)")
        daemon.wait_for(r"radioid_users: error: upstream answered HTTP 503 \(retry in 4\.0s\)")
        served.set_fault(PATHS[USERS], Fault.status(503, retry_after="3"))
        daemon.wait_for(r"retry after 3s \(retry in 3\.0s\)")
        served.set_fault(PATHS[USERS], None)
        text = daemon.wait_for(
            r"cycle \d+: radioid_users: 2 rows changed \(\+2 ~0 -0\) "
            r"\[\d+\.\ds, next in \d+\.\ds\]"
        )
        daemon.send(signal.SIGTERM)
        assert daemon.wait() == 0
    assert served.count(PATHS["radioid_repeaters"]) == 1  # not re-fetched during the outage
    assert table_rows(tmp_path / "db.sqlite", "SELECT count(*) FROM users") == [(2,)]
    # Three growing backoffs, the Retry-After, then the recovery: five cycles.
    assert re.findall(r"cycle (\d+)", text) == ["1", "2", "3", "4", "5"]
