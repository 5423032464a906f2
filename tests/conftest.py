"""Shared test fixtures: a loopback upstream, configs pointing at it, CLI runners."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

import pytest

from dmr_edge.sources import SOURCES
from tests.upstream import Upstream

FIXTURES = Path(__file__).parent / "fixtures"
SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
ROOT = Path(__file__).resolve().parents[1]

# Loopback requests must never go through a proxy from the environment.
os.environ["NO_PROXY"] = "127.0.0.1,localhost"
os.environ["no_proxy"] = "127.0.0.1,localhost"

PATHS = {name: f"/{name}.json" for name in SOURCES}


def shared_file(name: str) -> Path:
    """Return a file of ../shared/data, skipping the test when it is absent."""
    path = SHARED_DATA / name
    if not path.exists():
        pytest.skip(f"needs {path} (the real snapshots in ../shared/data), which is absent")
    return path


def tiny_documents() -> Dict[str, bytes]:
    """One small, valid document per source, in each source's real shape."""
    users = json.loads((FIXTURES / "radioid-users-newformat.json").read_text())
    rptrs = json.loads((FIXTURES / "radioid-rptrs-newformat.json").read_text())
    rptrs["rptrs"] += json.loads((FIXTURES / "radioid-rptrs-nulls.json").read_text())["rptrs"]
    devices = json.loads((FIXTURES / "brandmeister-device-one-record.json").read_text())
    docs = {
        "radioid_users": users,
        "radioid_repeaters": rptrs,
        "brandmeister_devices": devices,
        "brandmeister_talkgroups": {"1": "Local", "91": "Worldwide", "3100": "USA"},
        "tgif_talkgroups": [
            {"id": "101", "name": "Tac-101 ", "description": "Rm9yIGV2ZXJ5b25l", "website": ""},
            {"id": "31665", "name": "Hotspots", "description": "", "website": "https:// "},
        ],
        "hearham_repeaters": [
            {
                "id": 1,
                "callsign": "W1AW",
                "latitude": 41.7,
                "longitude": -72.7,
                "city": "Newington",
                "group": "ARRL",
                "internet_node": "",
                "mode": "DMR",
                "encode": "",
                "decode": "",
                "frequency": 444200000,
                "offset": 5000000,
                "description": "",
                "power": "50",
                "operational": 1,
                "restriction": "",
            },
            {
                "id": 2,
                "callsign": "W1AW",
                "latitude": 41.7,
                "longitude": -72.7,
                "city": "Newington",
                "group": "",
                "internet_node": "",
                "mode": "FM",
                "encode": "100.0",
                "decode": "100.0",
                "frequency": 146520000,
                "offset": -600000,
                "description": "",
                "power": "",
                "operational": 0,
                "restriction": "",
            },
        ],
    }
    return {name: json.dumps(doc).encode() for name, doc in docs.items()}


def write_config(
    path: Path,
    tmp: Path,
    upstream: Optional[Upstream] = None,
    *,
    enabled: Optional[List[str]] = None,
    extra: str = "",
) -> Path:
    """Write a config whose sources point at ``upstream`` (paths ``/<source>.json``)."""
    lines = [f'db = "{tmp / "db.sqlite"}"', f'cache_dir = "{tmp / "cache"}"']
    lines += [
        "[http]",
        "retries = 0",
        'backoff = "0s"',
        'connect_timeout = "2s"',
        'read_timeout = "3s"',
    ]
    for name in SOURCES:
        lines.append(f"[sources.{name}]")
        if upstream is not None:
            lines.append(f'url = "{upstream.url(PATHS[name])}"')
        lines.append(f"enabled = {'true' if enabled is None or name in enabled else 'false'}")
    text = "\n".join(lines) + "\n" + extra
    path.write_text(text)
    return path


@pytest.fixture
def upstream() -> Iterator[Upstream]:
    with Upstream() as server:
        yield server


@pytest.fixture
def served(upstream: Upstream) -> Upstream:
    """An upstream serving a tiny valid document for every source, with ETags."""
    for name, body in tiny_documents().items():
        upstream.set(PATHS[name], body, etag=f'"{name}-1"')
    return upstream


@pytest.fixture
def config(tmp_path: Path, served: Upstream) -> Path:
    return write_config(tmp_path / "config.toml", tmp_path, served)


class Result:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err

    def __repr__(self) -> str:
        return f"Result(code={self.code}, out={self.out!r}, err={self.err!r})"


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., Result]:
    """Run ``dmr-edge`` in this process; return its exit code and output."""
    from dmr_edge.cli import main

    def run(*args: Any) -> Result:
        capsys.readouterr()
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


def run_dmr_edge(
    *args: Any, env: Optional[Dict[str, str]] = None, timeout: float = 120, **kw: Any
) -> subprocess.CompletedProcess:
    """Run ``python -m dmr_edge`` as a real subprocess."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "dmr_edge", *[str(a) for a in args]],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=full_env,
        cwd=str(ROOT),
        **kw,
    )


def cached(path: Path) -> bytes:
    """The JSON document a cache file holds (the cache keeps it gzip-compressed)."""
    from dmr_edge.stream import open_document

    with open_document(str(path)) as stream:
        return stream.read()


NOBODY = 65534


def nobody_python() -> List[str]:
    """Return the command that runs ``python -m dmr_edge`` as uid 65534, or skip the test.

    Needs root (to switch user) and an interpreter that user may execute: this one, or a
    system python3 of the same version, with this checkout and the test environment's
    packages on its path (a venv under /root is not executable for others).
    """
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        pytest.skip("needs root to run a command as another user")
    import sysconfig

    version = f"python{sys.version_info[0]}.{sys.version_info[1]}"
    site = sysconfig.get_paths()["purelib"]
    probe = "import dmr_edge, requests, ijson"
    env = {"PYTHONPATH": f"{ROOT}:{site}", "HOME": "/"}
    for candidate in (sys.executable, f"/usr/bin/{version}", f"/usr/local/bin/{version}"):
        if not os.path.exists(candidate):
            continue
        try:
            done = subprocess.run(
                [candidate, "-c", probe], env=env, capture_output=True, timeout=60,
                preexec_fn=_become_nobody, cwd="/",
            )  # fmt: skip
        except OSError:
            continue
        if done.returncode == 0:
            return [candidate]
    pytest.skip(f"no {version} that uid {NOBODY} may run, with this checkout's packages")


def _become_nobody() -> None:
    os.setgroups([])
    os.setgid(NOBODY)
    os.setuid(NOBODY)


def run_as_nobody(
    *args: Any, env: Optional[Dict[str, str]] = None, timeout: float = 120
) -> subprocess.CompletedProcess:
    """Run ``python -m dmr_edge`` as uid 65534 (an ordinary user who is in no group of the
    service's), from a directory that user may read."""
    import sysconfig

    command = nobody_python()
    full_env = {
        "PATH": "/usr/bin:/bin",
        "HOME": "/nonexistent",
        "PYTHONPATH": f"{ROOT}:{sysconfig.get_paths()['purelib']}",
        "NO_PROXY": "127.0.0.1,localhost",
    }
    full_env.update(env or {})
    return subprocess.run(
        [*command, "-m", "dmr_edge", *[str(a) for a in args]],
        capture_output=True, text=True, timeout=timeout, env=full_env, cwd="/",
        preexec_fn=_become_nobody,
    )  # fmt: skip


@pytest.fixture
def public_tmp() -> Iterator[Path]:
    """A temporary directory every user may enter (pytest's own is 0700 under root), for
    tests that run a command as another user."""
    import shutil
    import tempfile

    path = Path(tempfile.mkdtemp(prefix="dmr-edge-test-"))
    path.chmod(0o755)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def readable_by_everyone(directory: Path) -> None:
    """Make what is under ``directory`` readable by every user (directories enterable),
    writable by its owner only: the packaged layout of /var/lib/dmr-edge (0755, 0644)."""
    import stat

    for path in [directory, *directory.rglob("*")]:
        extra = stat.S_IRGRP | stat.S_IROTH
        if path.is_dir():
            extra |= stat.S_IXGRP | stat.S_IXOTH
        path.chmod((path.stat().st_mode | extra) & ~(stat.S_IWGRP | stat.S_IWOTH))


def table_rows(db: Path, sql: str, args: tuple = ()) -> List[tuple]:
    conn = sqlite3.connect(str(db))
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def dump(db: Path) -> Dict[str, List[tuple]]:
    """Every data row of the database, sorted, for comparing two databases."""
    conn = sqlite3.connect(str(db))
    try:
        return {
            table: sorted(conn.execute(f"SELECT * FROM {table}").fetchall(), key=repr)
            for table in ("users", "repeaters", "talkgroups")
        }
    finally:
        conn.close()
