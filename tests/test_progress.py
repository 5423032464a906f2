"""Progress on one refreshed stderr line for sync, import and export — on a terminal only,
and never with --quiet or --json. The terminal is a real pseudo-terminal."""

from __future__ import annotations

import io
import json
import os
import pty
import re
import subprocess
import sys
from pathlib import Path
from typing import Tuple

import pytest

from dmr_edge.progress import ProgressLine
from tests.conftest import ROOT, write_config


def run_on_a_terminal(*args: object) -> Tuple[int, str, str]:
    """Run dmr-edge with stderr on a pseudo-terminal; return (exit code, stdout, stderr)."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "dmr_edge", *[str(a) for a in args]],
        cwd=str(ROOT),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=slave,
    )
    os.close(slave)
    received = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        received.append(data)
    os.close(master)
    out = proc.stdout.read().decode() if proc.stdout else ""
    proc.wait(timeout=60)
    return proc.returncode, out, b"".join(received).decode()


def run_on_a_pipe(*args: object) -> Tuple[int, str, str]:
    done = subprocess.run(
        [sys.executable, "-m", "dmr_edge", *[str(a) for a in args]],
        cwd=str(ROOT),
        capture_output=True,
        text=True,
        timeout=60,
    )
    return done.returncode, done.stdout, done.stderr


def users_file(path: Path, count: int) -> Path:
    users = [
        {"id": 2000000 + i, "callsign": f"DL{i}PRG", "fname": "Op", "country": "Germany"}
        for i in range(count)
    ]
    path.write_text(json.dumps({"users": users}))
    return path


@pytest.fixture
def offline(tmp_path: Path) -> Path:
    config = write_config(tmp_path / "config.toml", tmp_path)
    users_file(tmp_path / "users.json", 5000)
    return config


def test_import_on_a_terminal_shows_records_on_one_refreshed_line(offline, tmp_path):
    code, out, err = run_on_a_terminal(
        "import",
        "--source",
        "radioid_users",
        tmp_path / "users.json",
        "--config",
        offline,
        "--chunk",
        "500",
    )
    assert code == 0, err
    assert "\rradioid_users: 500 records" in err
    progress = err.split("\r")
    assert all("\n" not in part for part in progress[:-1])  # one line, refreshed in place
    assert err.endswith("\r")  # and erased before the report
    assert out.startswith("radioid_users: imported")


def test_export_on_a_terminal_shows_rows_against_the_total(offline, tmp_path):
    run_on_a_pipe(
        "import", "--source", "radioid_users", tmp_path / "users.json", "--config", offline
    )
    code, _, err = run_on_a_terminal(
        "export", "dmrids", "--out", tmp_path / "DMRIds.dat", "--config", offline
    )
    assert code == 0, err
    assert "\rDMRIds.dat: 4,096 of 5,000 rows" in err
    assert err.endswith("\r")


def test_sync_on_a_terminal_shows_the_download_and_the_source(tmp_path, served):
    config = write_config(tmp_path / "config.toml", tmp_path, served)
    code, _, err = run_on_a_terminal("sync", "--config", config)
    assert code == 0, err
    # Six downloads overlap: one line for them all, or one source's while it is alone.
    assert re.search(r"\r(downloading \d sources|[a-z_]+: downloading) ", err), err
    assert " MB" in err


@pytest.mark.parametrize("runner", [run_on_a_pipe, run_on_a_terminal], ids=["pipe", "tty"])
@pytest.mark.parametrize("extra", [["--quiet"], ["--json"], []], ids=["quiet", "json", "plain"])
def test_progress_only_on_a_terminal_and_never_with_quiet_or_json(offline, tmp_path, runner, extra):
    code, _, err = runner(
        "import",
        "--source",
        "radioid_users",
        tmp_path / "users.json",
        "--config",
        offline,
        "--chunk",
        "500",
        *extra,
    )
    assert code == 0, err
    shown = "records" in err or "\r" in err
    assert shown == (runner is run_on_a_terminal and not extra)


def test_progress_line_refreshes_at_most_every_interval_and_clears_itself():
    stream = io.StringIO()
    line = ProgressLine(stream, interval=3600)
    line.records("radioid_users", 1000)
    line.records("radioid_users", 2000)  # within the interval: not shown
    line.rows("DMRIds.dat", 5, None)
    assert stream.getvalue() == "\rradioid_users: 1,000 records"
    line.clear()
    assert stream.getvalue().endswith("\r" + " " * len("radioid_users: 1,000 records") + "\r")
    line.clear()  # a second clear writes nothing
    assert stream.getvalue().count("\r") == 3


def test_a_shorter_progress_text_blanks_the_rest_of_the_longer_one():
    stream = io.StringIO()
    line = ProgressLine(stream, interval=0)
    line.download("radioid_users", 12_300_000, 61_000_000)
    line.rows("x", 1)
    last = stream.getvalue().split("\r")[-1]
    assert last.startswith("x: 1 rows") and len(last) == len(
        "radioid_users: downloading 12.3 of 61.0 MB"
    )
