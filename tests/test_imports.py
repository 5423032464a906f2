"""A run imports only what it uses: on a router, every module is memory. A plain offline
sync (the field operator's, and what the daemon's hosts pay between downloads) loads no
HTTP stack, no compressor it does not read, no thread pool, no other command's code."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Set

import pytest

from tests.conftest import ROOT, write_config

# Modules a plain offline sync has no use for, with why they once came in.
NOT_FOR_AN_OFFLINE_SYNC = {
    "requests": "the HTTP stack: only when downloading",
    "urllib3": "the HTTP stack",
    "ssl": "TLS: only when downloading",
    "ijson": "the default parser is the scanner",
    "hashlib": "content hashes: only for a new download or a cache without its sidecar",
    "_hashlib": "OpenSSL's hashes (3 MB)",
    "email": "Retry-After dates: only after an HTTP 429/503",
    "concurrent": "thread pools: downloads use plain threads",
    "tempfile": "temporary files: only when writing the cache",
    "random": "retry jitter: only when retrying",
    "decimal": "MHz strings: only repeaters",
    "base64": "TGIF descriptions: only TGIF",
    "lzma": "an .xz document: only when one is read",
    "bz2": "a .bz2 document: only when one is read",
    "shutil": "argparse asks it for the terminal width unless told",
    "dataclasses": "inspect, ast and dis: 1.2 MB for a few __init__ methods",
    "inspect": "via dataclasses",
    "queue": "parallel mode only",
    "socket": "downloads only",
    "logging": "the daemon's log (and -v): a one-shot run prints its own lines",
    "traceback": "only for a failure under -v",
    "ctypes": "glibc's one malloc arena: asked only before a thread starts (0.3 MB)",
    "dmr_edge.fetch": None,  # the module itself is light; listed so a heavy import is noticed
}
ALLOWED_OWN = {
    "dmr_edge", "dmr_edge.cli", "dmr_edge.cli.sync", "dmr_edge.config", "dmr_edge.errors",
    "dmr_edge.record", "dmr_edge.sources", "dmr_edge.sources.brandmeister",
    "dmr_edge.sources.fields", "dmr_edge.sources.hearham", "dmr_edge.sources.radioid",
    "dmr_edge.sources.tables", "dmr_edge.sources.tgif", "dmr_edge.jsonscan", "dmr_edge.stream",
    "dmr_edge.cache", "dmr_edge.lock", "dmr_edge.progress", "dmr_edge.fetch", "dmr_edge.store",
    "dmr_edge.sync", "dmr_edge.hooks", "dmr_edge.arena", "dmr_edge.__main__",
}  # fmt: skip


def modules_after(args: list, home: Path) -> Set[str]:
    code = (
        "import json, sys; from dmr_edge.cli import main; "
        f"code = main({[str(a) for a in args]!r}); "
        "print(json.dumps([code, sorted(sys.modules)]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=str(ROOT),
        env={"HOME": str(home), "PATH": "/usr/bin:/bin"}, timeout=120,
    )  # fmt: skip
    code, modules = json.loads(done.stdout.strip().splitlines()[-1])
    assert code == 0, done
    return set(modules)


@pytest.fixture
def synced(cli, tmp_path, served):
    config = write_config(tmp_path / "c.toml", tmp_path, served)
    assert cli("sync", "--config", config).code == 0
    return config


@pytest.mark.parametrize("state", ["unchanged", "first load"])
def test_a_plain_offline_sync_imports_no_module_it_does_not_use(tmp_path, synced, state):
    only = []
    if state == "first load":  # of the users: repeaters would need decimal, TGIF base64
        (tmp_path / "db.sqlite").unlink()
        only = ["--source", "radioid_users"]
    loaded = modules_after(["sync", "--offline", "--config", synced, "-q", *only], tmp_path)
    unused = {m: why for m, why in NOT_FOR_AN_OFFLINE_SYNC.items() if why and m in loaded}
    assert unused == {}
    own = {m for m in loaded if m.startswith("dmr_edge")}
    assert own - ALLOWED_OWN == set()  # no other command's code, no export, bench or daemon


def run_code(code: str, path: str = "") -> str:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": f"{path}:{ROOT}" if path else str(ROOT)}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=str(ROOT), env=env, timeout=60)  # fmt: skip
    assert done.returncode == 0, done
    return done.stdout.strip()


def test_requests_comes_without_its_character_set_detector_and_with_no_warning():
    out = run_code(
        "import sys, warnings; warnings.simplefilter('error'); "
        "from dmr_edge.fetch import load_requests; r = load_requests(); r.Session(); "
        "print(sorted(m for m in ('charset_normalizer', 'chardet') if m in sys.modules))"
    )
    assert out == "[]"


def test_an_older_requests_that_needs_its_detector_gets_it(tmp_path):
    """Debian bullseye's requests 2.25 imports chardet unconditionally."""
    (tmp_path / "requests").mkdir()
    (tmp_path / "requests" / "__init__.py").write_text("import chardet\nVERSION = 'old'\n")
    (tmp_path / "chardet.py").write_text("")
    out = run_code(
        "import sys; from dmr_edge.fetch import load_requests; r = load_requests(); "
        "print(r.VERSION, 'chardet' in sys.modules)",
        str(tmp_path),
    )
    assert out == "old True"
