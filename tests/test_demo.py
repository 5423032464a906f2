"""dmr-edge demo: no network at all, a loopback mirror, real syncs, a lookup and an export."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Dict, List, Optional

import pytest

from tests.conftest import ROOT, run_dmr_edge

SCALE = "0.01"


def _isolated_env(tmp_path: Path) -> Dict[str, str]:
    """An environment whose every default location is a directory the demo must not touch."""
    home, temp = tmp_path / "home", tmp_path / "tmp"
    for directory in (home, temp, tmp_path / "state", tmp_path / "cache"):
        directory.mkdir()
    broken = tmp_path / "broken.toml"
    broken.write_text("this is [not toml\n")
    return {
        "HOME": str(home),
        "TMPDIR": str(temp),
        "DMR_EDGE_CONFIG": str(broken),  # read, it would make every command exit 2
        "STATE_DIRECTORY": str(tmp_path / "state"),
        "CACHE_DIRECTORY": str(tmp_path / "cache"),
        # A proxy that answers nothing: the demo's requests must not go through it.
        "http_proxy": "http://127.0.0.1:9",
        "HTTP_PROXY": "http://127.0.0.1:9",
        "NO_PROXY": "",
        "no_proxy": "",
    }


def _assert_whole_demo(out: str) -> None:
    for step in ("1. Generated", "2. dmr-edge", "3. dmr-edge", "4. dmr-edge lookup", "5. dmr-edge"):
        assert step in out, out
    assert "Database sync:" in out and "Records/second:" in out  # the sync's breakdown
    assert out.count("downloaded    applied") == 6
    assert out.count(": 304 not modified") == 6
    assert "the mirror answered 6 of 6 requests with 304: 0 bytes downloaded, 0 rows" in out
    assert re.search(r"^   users \(1\)$", out, re.M), out
    assert re.search(r"wrote [\d,]+ users", out)
    assert "radioid.net" in out and "[sources.NAME]" in out


def test_the_demo_syncs_from_its_mirror_then_gets_304s_looks_up_exports_and_leaves_nothing(
    tmp_path: Path,
) -> None:
    env = _isolated_env(tmp_path)
    proc = run_dmr_edge("demo", "--scale", SCALE, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    _assert_whole_demo(proc.stdout)
    for name in ("home", "tmp", "state", "cache"):
        assert list((tmp_path / name).iterdir()) == [], name
    assert (tmp_path / "broken.toml").read_text() == "this is [not toml\n"


def test_the_demo_keeps_its_directory_with_keep_and_the_kept_database_answers(
    tmp_path: Path,
) -> None:
    env = _isolated_env(tmp_path)
    kept = tmp_path / "kept"
    proc = run_dmr_edge("demo", "--scale", SCALE, "--keep", kept, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert {p.name for p in kept.iterdir()} >= {"config.toml", "dmr.sqlite", "DMRIds.dat", "cache"}
    callsign = re.search(r"^4\. dmr-edge lookup (\S+)$", proc.stdout, re.M)
    assert callsign, proc.stdout
    env.pop("DMR_EDGE_CONFIG")
    again = run_dmr_edge("--config", kept / "config.toml", "lookup", callsign.group(1), env=env)
    assert again.returncode == 0, again.stderr
    assert callsign.group(1) in again.stdout
    lines = (kept / "DMRIds.dat").read_text(encoding="utf-8").splitlines()
    assert len(lines) > 1000 and all(line.count("\t") == 2 for line in lines)


def test_the_demo_refuses_a_keep_directory_that_is_not_empty(tmp_path: Path) -> None:
    env = _isolated_env(tmp_path)
    kept = tmp_path / "kept"
    kept.mkdir()
    (kept / "mine.txt").write_text("mine")
    proc = run_dmr_edge("demo", "--keep", kept, env=env)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        f"dmr-edge: error: --keep {kept}: not an empty directory; name a new or empty one"
    ]
    assert [p.name for p in kept.iterdir()] == ["mine.txt"]


# --- no network at all: a network namespace of its own (unshare -n leaves loopback down) ---


def _namespace_prefix(flags: str = "-rn") -> List[str]:
    """``unshare -rn`` (user and network namespaces; ``-n`` for root), or skip if not here."""
    if shutil.which("unshare") is None:
        pytest.skip("unshare (util-linux) is not installed")
    if flags == "-n" and os.geteuid() != 0:
        pytest.skip("unshare -n (a network namespace alone) needs root")
    probe = subprocess.run(["unshare", flags, "true"], capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip(f"unshare {flags} is not allowed here: {probe.stderr.strip()}")
    return ["unshare", flags]


def _as_nobody() -> List[str]:
    if os.geteuid() != 0:
        pytest.skip("only root can start a process as another user")
    if shutil.which("setpriv") is None:
        pytest.skip("setpriv (util-linux) is not installed")
    return ["setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups"]


def _python_for(prefix: List[str]) -> Optional[str]:
    """An interpreter that can run under ``prefix`` with requests and ijson, if any."""
    for python in (sys.executable, "/usr/bin/python3"):
        check = subprocess.run(
            [*prefix, python, "-c", "import requests, ijson"], capture_output=True, timeout=60
        )
        if check.returncode == 0:
            return python
    return None


def _demo_in(prefix: List[str], work: Path, python: str) -> subprocess.CompletedProcess:
    """Run the checkout's demo under ``prefix`` with ``work`` as its home and temp dir."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(work),
        "TMPDIR": str(work),
        "PYTHONPATH": str(ROOT),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    return subprocess.run(
        [*prefix, python, "-m", "dmr_edge", "demo", "--scale", SCALE],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        cwd=str(work),
    )


@pytest.mark.parametrize("flags", ["-n", "-rn"])
def test_the_demo_runs_in_a_network_namespace_with_loopback_down_and_nothing_else(
    tmp_path: Path, flags: str
) -> None:
    prefix = _namespace_prefix(flags)
    down = subprocess.run(
        [*prefix, sys.executable, "-c", "import socket; print(socket.if_nameindex())"],
        capture_output=True,
        text=True,
    )
    assert down.stdout.strip() == "[(1, 'lo')]"  # loopback only, and (below) down
    proc = _demo_in(prefix, tmp_path, sys.executable)
    assert proc.returncode == 0, proc.stderr
    assert "note: the loopback interface was down" in proc.stdout
    _assert_whole_demo(proc.stdout)
    assert list(tmp_path.iterdir()) == []


def test_the_demo_runs_as_an_ordinary_user_in_a_network_namespace_of_its_own(
    tmp_path: Path,
) -> None:
    prefix = _as_nobody() + _namespace_prefix()
    python = _python_for(prefix)
    if python is None:
        pytest.skip("no Python with requests and ijson that uid 65534 may run")
    # pytest's tmp_path is under a directory only root may enter: work in /tmp instead.
    work = Path(tempfile.mkdtemp(prefix="dmr-edge-demo-test-", dir="/tmp"))
    try:
        os.chown(work, 65534, 65534)
        proc = _demo_in(prefix, work, python)
        assert proc.returncode == 0, proc.stderr
        assert "note: the loopback interface was down" in proc.stdout
        _assert_whole_demo(proc.stdout)
        assert list(work.iterdir()) == []
    finally:
        shutil.rmtree(work, ignore_errors=True)


def test_where_loopback_cannot_be_brought_up_the_demo_says_so_in_one_line(
    tmp_path: Path,
) -> None:
    prefix = _namespace_prefix()
    if shutil.which("setpriv") is None:
        pytest.skip("setpriv (util-linux) is not installed")
    # Without CAP_NET_ADMIN in its namespace, the process cannot set loopback up.
    prefix += ["setpriv", "--bounding-set", "-net_admin"]
    proc = _demo_in(prefix, tmp_path, sys.executable)
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines() == [
        "dmr-edge: error: loopback (127.0.0.1) is unreachable here (Network is unreachable); "
        "bring it up with `ip link set lo up` and run `dmr-edge demo` again (it needs "
        "CAP_NET_ADMIN: root, or `unshare -rn`)"
    ]
    assert list(tmp_path.iterdir()) == []


# --- from a plain install: no test dependencies --------------------------------------------


@pytest.mark.slow
def test_the_demo_runs_from_a_plain_pip_install_with_no_test_extras(tmp_path: Path) -> None:
    source = tmp_path / "source"
    tracked = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\0")
    for name in filter(None, tracked):
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    install = subprocess.run(
        [str(venv / "bin" / "pip"), "install", "-q", "--no-cache-dir", str(source)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert install.returncode == 0, install.stdout + install.stderr
    python = str(venv / "bin" / "python")
    extras = subprocess.run(
        [python, "-c", "import pytest"], capture_output=True, text=True, cwd=str(tmp_path)
    )
    assert extras.returncode != 0  # no test dependency came with the plain install
    env = {"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "HOME": str(tmp_path), "TMPDIR": str(tmp_path)}
    proc = subprocess.run(
        [str(venv / "bin" / "dmr-edge"), "demo", "--scale", SCALE],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        cwd=str(tmp_path),
    )
    assert proc.returncode == 0, proc.stderr
    _assert_whole_demo(proc.stdout)
    where = subprocess.run(
        [python, "-c", "import dmr_edge.bench.generate as g; print(g.__file__)"],
        capture_output=True,
        text=True,
        cwd=str(tmp_path),
        env=env,
    )
    assert where.stdout.startswith(str(venv)), where  # the installed copy ran, not the checkout
    probe = subprocess.run(["unshare", "-rn", "true"], capture_output=True)
    if shutil.which("unshare") and probe.returncode == 0:
        offline = subprocess.run(
            ["unshare", "-rn", str(venv / "bin" / "dmr-edge"), "demo", "--scale", SCALE],
            capture_output=True,
            text=True,
            timeout=300,
            env=env,
            cwd=str(tmp_path),
        )
        assert offline.returncode == 0, offline.stderr
        assert "note: the loopback interface was down" in offline.stdout
        _assert_whole_demo(offline.stdout)
