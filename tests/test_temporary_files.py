"""Temporary files in the cache directory: every command that makes them removes what a
killed run of its own left behind when it starts, and only that — never another program's
file in a shared directory."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import List

from tests.conftest import PATHS, ROOT, write_config
from tests.upstream import Fault

USERS = "radioid_users"


def temps(cache: Path) -> List[str]:
    if not cache.exists():
        return []
    return sorted(p.name for p in cache.iterdir() if p.name.endswith(".tmp"))


def start(*args: object) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "dmr_edge", *[str(a) for a in args]],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=str(ROOT),
    )  # fmt: skip


def kill_once_it_made_a_temporary_file(proc: subprocess.Popen, cache: Path) -> None:
    before = set(temps(cache))
    deadline = time.monotonic() + 30
    while not set(temps(cache)) - before:
        assert proc.poll() is None, "the command ended before it made its temporary file"
        assert time.monotonic() < deadline, "no temporary file within 30 s"
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()


def test_killed_warms_and_imports_leave_at_most_one_partial_download(tmp_path, served):
    config = write_config(tmp_path / "c.toml", tmp_path, served, enabled=[USERS])
    cache = tmp_path / "cache"
    served.set_fault(PATHS[USERS], Fault.stall_after(100))  # a download that never ends
    for _ in range(3):
        proc = start("warm", "--config", config, "--max-age", "0")
        kill_once_it_made_a_temporary_file(proc, cache)
        # The new warm removed what the killed one before it left: one partial, its own.
        assert len(temps(cache)) == 1, temps(cache)
    big = tmp_path / "stick.json"
    big.write_bytes(json.dumps({"users": [{"id": 1000000 + i, "callsign": f"K{i}"}
                                          for i in range(200000)]}).encode())  # fmt: skip
    proc = start("import", "--source", USERS, big, "--config", config)
    kill_once_it_made_a_temporary_file(proc, cache)
    assert len(temps(cache)) == 1, temps(cache)  # the import's own copy only
    served.set_fault(PATHS[USERS], None)
    done = subprocess.run(
        [sys.executable, "-m", "dmr_edge", "warm", "--config", str(config), "--max-age", "0"],
        capture_output=True, text=True, cwd=str(ROOT), timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done
    assert temps(cache) == []


def test_cleanup_removes_only_the_agents_own_leftovers_in_a_shared_cache_dir(cli, tmp_path, served):
    shared = tmp_path / "shared"
    shared.mkdir()
    ours = [".radioid_users.k1ll3d_x.tmp", ".radioid_users.meta.json.k1ll3d_y.tmp",
            ".hearham_repeaters.abcd1234.tmp"]  # fmt: skip
    theirs = [".mmdvm-upload.tmp", ".other.abcd1234.tmp", "x.tmp", ".radioid_users.tmp",
              ".radioid_users.json.swp", ".DMRIds.dat.k1ll3d_x.tmp"]  # fmt: skip
    for name in ours + theirs:
        (shared / name).write_text("partial")
    config = write_config(tmp_path / "c.toml", tmp_path, served)
    for command in ("warm", "sync"):
        result = cli(command, "--config", config, "--cache-dir", shared, "--max-age", "0")
        assert result.code == 0, result
        assert sorted(p.name for p in shared.iterdir() if p.name in ours) == []
        assert sorted(p.name for p in shared.iterdir() if p.name in theirs) == sorted(theirs)
        for name in ours:
            (shared / name).write_text("partial")
