"""Hundreds of short cycles against the loopback upstream: the daemon's memory and open
file descriptors stay flat (a leak of one socket or one connection per cycle would show)."""

from __future__ import annotations

import os
import re
import signal
import time
from pathlib import Path

import pytest

from tests.test_daemon_process import DaemonProcess, daemon_config


def rss_kib(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.M)
    assert match, status
    return int(match.group(1))


def open_fds(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def floor_sample(pid: int, samples: int = 10) -> tuple:
    """The lowest RSS and fd count over a second: a cycle in flight holds a socket and files
    open, so a single sample can land mid-cycle."""
    rss, fds = [], []
    for _ in range(samples):
        rss.append(rss_kib(pid))
        fds.append(open_fds(pid))
        time.sleep(0.1)
    return min(rss), min(fds)


def cycles_done(daemon: DaemonProcess) -> int:
    numbers = re.findall(r"cycle (\d+):", daemon.log())
    return int(numbers[-1]) if numbers else 0


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_hundreds_of_cycles_leave_memory_and_file_descriptors_flat(tmp_path, served):
    config = daemon_config(
        tmp_path, served, sync='max_age = "0s"', daemon='interval = "50ms"\njitter = "0s"'
    )
    with DaemonProcess("run", "--config", config, log_path=tmp_path / "d.log") as daemon:
        daemon.wait_for(r"cycle 30:", timeout=60)
        warm = (*floor_sample(daemon.pid), cycles_done(daemon))
        deadline = time.monotonic() + 20  # bounded in time whatever the machine's speed
        while cycles_done(daemon) < warm[2] + 300 and time.monotonic() < deadline:
            time.sleep(0.2)
        end = (*floor_sample(daemon.pid), cycles_done(daemon))
        daemon.send(signal.SIGTERM)
        assert daemon.wait() == 0
    ran = end[2] - warm[2]
    assert ran >= 100, f"only {ran} cycles in 20 s"
    assert end[1] == warm[1], (warm, end)
    assert end[0] - warm[0] < 1024, (warm, end)  # KiB: no per-cycle growth
    assert served.count("/radioid_users.json") >= end[2]  # every cycle really asked
    assert "error" not in daemon.log()
