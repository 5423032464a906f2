"""The watchdog: a hung cycle is aborted and the process exits for a restart; systemd's
sd_notify pings come only from real progress; the heartbeat, procd, thread dumps."""

from __future__ import annotations

import io
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any, List, Optional, Tuple

import pytest

from dmr_edge.bench.generate import generate
from dmr_edge.watchdog import (
    Heartbeat,
    Liveness,
    Notifier,
    ProcdWatchdog,
    notify_address,
    read_heartbeat,
    thread_stacks,
    watchdog_usec_interval,
)
from tests.conftest import PATHS, ROOT, dump, run_dmr_edge, table_rows
from tests.test_daemon_process import DaemonProcess, daemon_config
from tests.upstream import Fault

USERS = "radioid_users"


@pytest.fixture
def dmr_log(caplog: pytest.LogCaptureFixture) -> Any:
    """caplog for the ``dmr_edge`` logger, which the CLI stops from propagating."""
    logger = logging.getLogger("dmr_edge")
    propagate, logger.propagate = logger.propagate, False
    logger.addHandler(caplog.handler)
    yield caplog
    logger.removeHandler(caplog.handler)
    logger.propagate = propagate


def cache_files(cache: Path) -> dict:
    return {p.name: p.read_bytes() for p in sorted(cache.iterdir())}


# --- a hung cycle is aborted ------------------------------------------------------------


@pytest.mark.parametrize(
    "fault, what",
    [(Fault.stall(), "never answers"), (Fault.stall_after(100), "stops mid-body")],
    ids=["no-answer", "mid-body"],
)
def test_a_cycle_stuck_on_a_stalled_upstream_is_aborted_and_the_next_start_recovers(
    tmp_path, served, fault, what
):
    config = daemon_config(
        tmp_path,
        served,
        enabled=[USERS],
        sync='max_age = "0s"',
        daemon='interval = "1h"\nwatchdog = "2s"',
        http={"read_timeout": "30s"},
    )
    assert run_dmr_edge("sync", "--config", config).returncode == 0
    db, cache = tmp_path / "db.sqlite", tmp_path / "cache"
    rows, files = dump(db), cache_files(cache)
    # A new version (so no 304), served by an upstream that hangs.
    served.set(PATHS[USERS], generated_users(0.001), etag='"v2"', fault=fault)
    with DaemonProcess("run", "--config", config, log_path=tmp_path / "d.log") as daemon:
        code = daemon.wait(timeout=60)
        elapsed = time.monotonic() - daemon.started
    log = daemon.log()
    assert code == 1, log
    assert elapsed < 2 + 20, elapsed  # the 2 s deadline plus start-up and a generous margin
    assert (
        "watchdog: cycle 1 (radioid_users) passed its deadline ([daemon] watchdog = 2s); "
        "aborting so the service manager restarts dmr-edge" in log
    )
    assert "Thread dmr-edge-cycle-1" in log and "most recent call last" in log
    assert 'dmr_edge/fetch.py", line' in log  # where it hung, for whoever reads the journal
    assert "cycle 1:" not in log  # no summary: the cycle never ended
    assert table_rows(db, "PRAGMA integrity_check") == [("ok",)]
    assert dump(db) == rows
    leftovers = {name for name in cache_files(cache)} - set(files)
    assert all(name.endswith(".tmp") for name in leftovers)  # at most a partial download
    assert {k: v for k, v in cache_files(cache).items() if k in files} == files

    served.set_fault(PATHS[USERS], None)  # what a restart by systemd or procd finds
    again = run_dmr_edge("run", "--once", "--config", config)
    assert again.returncode == 0, again
    assert set(cache_files(cache)) == set(files)  # the partial download is gone
    assert table_rows(db, "SELECT count(*) FROM users") == [(generated_count(0.001),)]


def test_a_slow_but_progressing_cycle_is_not_mistaken_for_a_hang_by_sd_notify(tmp_path, upstream):
    body = generated_users(0.01)
    upstream.set(PATHS[USERS], body, etag='"v1"', fault=Fault.throttle(len(body) // 2))
    config = daemon_config(tmp_path, upstream, enabled=[USERS], daemon='interval = "1h"')
    with (
        NotifySocket(f"@dmr-edge-test-{uuid.uuid4().hex}") as notify,
        DaemonProcess(
            "run", "--config", config, log_path=tmp_path / "d.log", env=notify.env(1.0)
        ) as daemon,
    ):
        daemon.wait_for(r"cycle 1: radioid_users: \d+ rows changed")
        daemon.send(signal.SIGTERM)
        assert daemon.wait() == 0
    requested = upstream.requests[0].time
    working = [t for t, m in notify.messages if m == "WATCHDOG=1" and t > requested]
    pings = [t for t in working if t < requested + 1.6]  # the download takes about 2 s
    assert len(pings) >= 3, notify.messages


# --- sd_notify -------------------------------------------------------------------------


class NotifySocket:
    """A datagram socket standing in for systemd's notification socket."""

    def __init__(self, address: str) -> None:
        self.address = address
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind("\0" + address[1:] if address.startswith("@") else address)
        self.sock.settimeout(0.1)
        self.messages: List[Tuple[float, str]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._receive, daemon=True)
        self._thread.start()

    def _receive(self) -> None:
        while not self._stop.is_set():
            try:
                data = self.sock.recv(4096)
            except socket.timeout:
                continue
            except OSError:
                return
            now = time.monotonic()
            for line in data.decode().split("\n"):
                self.messages.append((now, line))

    def env(self, watchdog_seconds: float) -> dict:
        return {"NOTIFY_SOCKET": self.address, "WATCHDOG_USEC": str(int(watchdog_seconds * 1e6))}

    def texts(self) -> List[str]:
        return [m for _, m in self.messages]

    def wait_for(self, text: str, timeout: float = 30) -> float:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for t, m in list(self.messages):
                if m.startswith(text):
                    return t
            time.sleep(0.02)
        raise AssertionError(f"no {text!r} in {self.texts()}")

    def __enter__(self) -> NotifySocket:
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(2)
        self.sock.close()


def generated_count(scale: float) -> int:
    from dmr_edge.bench.generate import record_count

    return record_count(USERS, scale)


def generated_users(scale: float, seed: int = 1, change: float = 0.0) -> bytes:
    out = io.BytesIO()
    generate(USERS, out, scale=scale, seed=seed, change=change)
    return out.getvalue()


def test_sd_notify_says_ready_pings_while_idle_goes_quiet_while_stuck_and_says_stopping(
    tmp_path, served
):
    config = daemon_config(
        tmp_path,
        served,
        enabled=[USERS],
        sync='max_age = "0s"',
        http={"read_timeout": "3s"},
    )
    short = Path(f"/tmp/dmr-edge-notify-{uuid.uuid4().hex[:8]}.sock")  # under 108 bytes
    try:
        with (
            NotifySocket(str(short)) as notify,
            DaemonProcess(
                "run", "--config", config, log_path=tmp_path / "d.log", env=notify.env(1.0)
            ) as daemon,
        ):
            ready = notify.wait_for("READY=1")
            daemon.wait_for(r"cycle 1: radioid_users: 2 rows changed")
            notify.wait_for("STATUS=", timeout=5)
            time.sleep(1.6)  # idle: the loop pings every half WATCHDOG_USEC
            idle = [t for t, m in notify.messages if m == "WATCHDOG=1" and t > ready]
            assert len(idle) >= 2, notify.messages

            served.set_fault(PATHS[USERS], Fault.stall())
            daemon.send(signal.SIGUSR1)  # a cycle now, which hangs until the 3 s read timeout
            daemon.wait_for(r"cycle 2 \(now\): radioid_users: error: timed out")
            stalled = served.requests[-1].time
            time.sleep(1.0)
            daemon.send(signal.SIGTERM)
            assert daemon.wait() == 0
    finally:
        short.unlink()
    pings = [t for t, m in notify.messages if m == "WATCHDOG=1"]
    quiet = [t for t in pings if stalled + 0.05 < t < stalled + 2.9]
    assert quiet == [], (stalled, pings)
    assert any(t > stalled + 3 for t in pings)  # alive again once the cycle failed
    texts = notify.texts()
    assert texts[0] == "READY=1" and texts[1].startswith("STATUS=started")
    assert any(
        t.startswith("STATUS=") and "cycle 1: 1 of 1 sources ok, 1 changed" in t for t in texts
    )
    assert any("cycle 2: 0 of 1 sources ok, 0 changed; 1 failed" in t for t in texts)
    assert texts[-2:] == ["STOPPING=1", "STATUS=stopping"]


def test_sd_notify_reports_a_watchdog_abort_in_its_status(tmp_path, served):
    config = daemon_config(
        tmp_path, served, enabled=[USERS], daemon='interval = "1h"\nwatchdog = "1s"'
    )
    served.set_fault(PATHS[USERS], Fault.stall())
    with (
        NotifySocket(f"@dmr-edge-test-{uuid.uuid4().hex}") as notify,
        DaemonProcess(
            "run", "--config", config, log_path=tmp_path / "d.log", env=notify.env(30.0)
        ) as daemon,
    ):
        assert daemon.wait(timeout=60) == 1
        time.sleep(0.2)
    texts = notify.texts()
    assert "READY=1" in texts
    assert texts[-1] == "STATUS=watchdog: cycle 1 passed its 1s deadline"
    assert "STOPPING=1" not in texts  # an abort is a failure, for systemd to restart


def test_notify_socket_addresses():
    assert notify_address("/run/systemd/notify") == "/run/systemd/notify"
    assert notify_address("@abstract/name") == "\0abstract/name"
    assert notify_address("") is None
    assert notify_address("vsock:2:1234") is None


def test_watchdog_usec_applies_only_to_the_process_it_names():
    assert watchdog_usec_interval({"WATCHDOG_USEC": "20000000"}) == 20.0
    pid = str(os.getpid())
    assert watchdog_usec_interval({"WATCHDOG_USEC": "3000000", "WATCHDOG_PID": pid}) == 3.0
    assert watchdog_usec_interval({"WATCHDOG_USEC": "3000000", "WATCHDOG_PID": "1"}) is None
    assert watchdog_usec_interval({"WATCHDOG_USEC": "soon"}) is None
    assert watchdog_usec_interval({}) is None


def test_notifier_without_a_socket_does_nothing():
    notifier = Notifier({})
    assert not notifier.enabled
    assert notifier.send("READY=1") is False


def test_notifier_warns_once_when_systemd_is_gone(tmp_path, dmr_log):
    notifier = Notifier({"NOTIFY_SOCKET": str(tmp_path / "missing.sock")})
    assert notifier.send("WATCHDOG=1") is False
    assert notifier.send("WATCHDOG=1") is False
    warnings = [r for r in dmr_log.records if "cannot notify systemd" in r.getMessage()]
    assert len(warnings) == 1


# --- liveness pacing, heartbeat, procd --------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Recorder(Notifier):
    def __init__(self, watchdog: Optional[float]) -> None:
        super().__init__({})
        self.watchdog_timeout = watchdog
        self.sent: List[str] = []

    def send(self, *fields: str) -> bool:
        self.sent.extend(fields)
        return True


def test_liveness_pings_systemd_at_most_every_quarter_of_its_timeout():
    clock, notifier = Clock(), Recorder(watchdog=20.0)
    liveness = Liveness(notifier, clock=clock)
    assert liveness.idle_slice() == 10.0  # idle: half of WATCHDOG_USEC
    for step in range(200):  # 20 s of progress events every 0.1 s
        clock.now = step * 0.1
        liveness.alive()
    assert notifier.sent.count("WATCHDOG=1") == 4


def test_liveness_idles_at_most_a_minute_without_a_systemd_watchdog():
    liveness = Liveness(Recorder(watchdog=None))
    assert liveness.idle_slice() == 60.0
    liveness.alive()  # and sends nothing


def test_heartbeat_touches_the_file_at_most_every_few_seconds(tmp_path):
    clock = Clock()
    path = tmp_path / "hb"
    beat = Heartbeat(path, stale_after=1020, clock=clock)
    beat.start()
    info = read_heartbeat(path)
    assert info is not None and info.stale_after == 1020 and info.pid == os.getpid()
    content = path.read_bytes()
    os.utime(path, (1, 1))
    clock.now = 1.0
    beat.beat()
    assert path.stat().st_mtime == 1  # too soon: no write
    clock.now = 6.0
    beat.beat()
    assert path.stat().st_mtime > time.time() - 60
    assert path.read_bytes() == content  # only the mtime changes: nothing rewritten
    path.unlink()
    clock.now = 12.0
    beat.beat()
    assert read_heartbeat(path) is not None  # written again when someone removed it


def test_heartbeat_in_an_unwritable_place_is_a_warning(tmp_path, dmr_log):
    blocker = tmp_path / "file"
    blocker.write_text("")
    beat = Heartbeat(blocker / "hb", stale_after=60)
    beat.start()
    beat.beat(force=True)
    assert sum("cannot write heartbeat" in r.getMessage() for r in dmr_log.records) == 1


def test_procd_watchdog_is_fed_over_ubus_and_learns_its_timeout():
    calls: List[Any] = []

    def runner(argv: List[str], **kw: Any) -> subprocess.CompletedProcess:
        calls.append(argv)
        reply = {"name": "dmr-edge", "instance": "instance1", "mode": 1, "timeout": 30}
        return subprocess.CompletedProcess(argv, 0, json.dumps(reply), "")

    procd = ProcdWatchdog("dmr-edge", "instance1", runner=runner, ubus="/bin/ubus")
    liveness = Liveness(Recorder(None), procd=procd, clock=Clock())
    liveness.alive()
    assert calls == [
        [
            "/bin/ubus",
            "call",
            "service",
            "watchdog",
            '{"name": "dmr-edge", "instance": "instance1"}',
        ]
    ]
    assert procd.every == 15.0
    assert liveness.idle_slice() == 15.0


def test_procd_watchdog_failures_are_one_warning(dmr_log):
    def runner(argv: List[str], **kw: Any) -> subprocess.CompletedProcess:
        return subprocess.CompletedProcess(argv, 4, "", "Not found")

    procd = ProcdWatchdog("dmr-edge", "instance1", runner=runner, ubus="/bin/ubus")
    procd.feed()
    procd.feed()
    messages = [r.getMessage() for r in dmr_log.records]
    assert messages == [
        "warning: cannot feed procd's watchdog (service dmr-edge, instance instance1): Not found"
    ]


def test_procd_watchdog_names_come_from_the_environment():
    procd = ProcdWatchdog.from_environ(
        {"DMR_EDGE_PROCD_SERVICE": "dmr_edge", "DMR_EDGE_PROCD_INSTANCE": "main"}
    )
    assert (procd.service, procd.instance) == ("dmr_edge", "main")


def test_thread_stacks_show_every_thread_by_name():
    release = threading.Event()
    worker = threading.Thread(target=release.wait, name="stuck-worker", daemon=True)
    worker.start()
    try:
        text = thread_stacks()
    finally:
        release.set()
        worker.join()
    assert "Thread stuck-worker" in text and "Thread MainThread" in text
    assert "in wait" in text


HOG = """
import re, sys
import dmr_edge.daemon
import dmr_edge.sync
from dmr_edge.cli import main

class Hog:  # a parser that never returns and never lets go of the interpreter lock
    def __init__(self, *args, **kwargs):
        pass

    def sync(self):
        re.match(r"(a+)+$", "a" * 64 + "b")

dmr_edge.sync.Syncer = Hog
dmr_edge.daemon.HARD_DEADLINE_GRACE = 1.0
raise SystemExit(main(sys.argv[1:]))
"""


def test_a_cycle_hung_while_holding_the_interpreter_lock_is_killed_by_the_backstop(
    tmp_path, served
):
    """The main thread cannot even run its check then: faulthandler's own C thread dumps
    every stack and exits 1 shortly after the deadline."""
    config = daemon_config(tmp_path, served, daemon='interval = "1h"\nwatchdog = "1s"')
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", HOG, "run", "--config", str(config)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=str(ROOT),
    )
    assert done.returncode == 1, done
    assert time.monotonic() - started < 1 + 1 + 20
    assert "Timeout (0:00:02)!" in done.stderr
    assert "in sync" in done.stderr and "dmr_edge/daemon.py" in done.stderr
