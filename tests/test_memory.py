"""Bounded memory: a ten times larger document costs the same peak RSS."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, write_config

CHILD = """
import resource, sys
from dmr_edge.cli import main
code = main(sys.argv[1:])
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
sys.exit(code)
"""


def write_users(path: Path, count: int) -> None:
    with open(path, "w", encoding="utf-8") as out:
        out.write('{"users":[')
        for i in range(count):
            if i:
                out.write(",")
            out.write(
                json.dumps(
                    {
                        "id": 1000000 + i,
                        "callsign": f"DL{i}ABC",
                        "fname": "Jürgen",
                        "surname": "Müller",
                        "city": "Köln",
                        "state": "NRW",
                        "country": "Germany",
                        "has_valid_callsign": "1",
                    }
                )
            )
        out.write("]}")


def peak_rss_kib(tmp_path: Path, count: int) -> int:
    base = tmp_path / str(count)
    (base / "cache").mkdir(parents=True)
    write_users(base / "cache" / "radioid_users.json", count)
    config = write_config(base / "c.toml", base, None, enabled=["radioid_users"])
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            CHILD,
            "sync",
            "--offline",
            "--config",
            str(config),
            "--mode",
            "streaming",
            "--chunk",
            "1000",
            "-q",
        ],
        capture_output=True,
        text=True,
        cwd=str(ROOT),
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return int(done.stderr.strip().splitlines()[-1])


@pytest.mark.slow
def test_streaming_sync_of_a_ten_times_larger_file_does_not_raise_peak_memory(tmp_path):
    small = peak_rss_kib(tmp_path, 20_000)
    large = peak_rss_kib(tmp_path, 200_000)
    assert large - small < 2048, f"peak RSS grew from {small} KiB to {large} KiB"


def test_the_cli_process_does_not_import_requests_when_offline(tmp_path):
    config = write_config(tmp_path / "c.toml", tmp_path, None, enabled=["radioid_users"])
    (tmp_path / "cache").mkdir()
    write_users(tmp_path / "cache" / "radioid_users.json", 10)
    code = (
        "import sys\nfrom dmr_edge.cli import main\n"
        "code = main(['sync', '--offline', '-q', '--config', sys.argv[1]])\n"
        "print(code, 'requests' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(config)],
        capture_output=True,
        text=True,
        cwd=str(ROOT),
        timeout=60,
    )
    assert done.stdout.split() == ["0", "False"], done.stderr
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss > 0


SCAN_CHILD = """
import sys
from dmr_edge import jsonscan
from dmr_edge.jsonscan import scan_records

def hwm():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))

if len(sys.argv) > 2:
    jsonscan._READ_SIZE = int(sys.argv[2])
before = hwm()
with open(sys.argv[1], "rb") as stream:
    count = sum(1 for _ in scan_records(stream, "array", ("users",)))
print(count, hwm() - before)
"""


@pytest.mark.slow
def test_scanning_non_ascii_users_does_not_grow_the_heap_with_the_file(tmp_path):
    # Non-ASCII text makes the scanner's window strings UCS-2: with 64 KiB reads glibc kept
    # ~12 MB of freed heap after 295k generated users, growing with the file.
    if not Path("/proc/self/status").exists():
        pytest.skip("needs /proc/self/status (VmHWM)")
    from dmr_edge.generate import generate_file

    users = tmp_path / "users.json"
    generate_file("radioid_users", users, scale=0.5, seed=2)
    done = subprocess.run(
        [sys.executable, "-c", SCAN_CHILD, str(users)],
        capture_output=True,
        text=True,
        cwd=str(ROOT),
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    count, grown_kib = map(int, done.stdout.split())
    assert count == 147_500
    assert grown_kib < 2048, f"scanning raised peak RSS by {grown_kib} KiB"


EXPORT_CHILD = """
import sys
from dmr_edge.cli import main
code = main(sys.argv[1:])
# VmHWM is this process's own high-water mark: ru_maxrss can carry the forking parent's.
with open("/proc/self/status") as status:
    print(next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")),
          file=sys.stderr)
sys.exit(code)
"""


def export_peak_rss_kib(tmp_path: Path, count: int) -> int:
    """Peak RSS of a filtered, transliterated, capped AnyTone export with local ids merged
    in, from a database of ``count`` users (a tenth of them in the local ids file too)."""
    import sqlite3

    from dmr_edge.store import Store

    base = tmp_path / str(count)
    base.mkdir()
    Store(base / "db.sqlite").close()
    countries = ("Germany", "Türkiye", "United States", "México")
    with sqlite3.connect(str(base / "db.sqlite")) as conn:
        conn.executemany(
            "INSERT INTO users (id, callsign, first_name, last_name, city, state, country) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                (1000000 + i, f"DL{i}ABC", "Jürgen", "Müller", "Köln", "NRW", countries[i % 4])
                for i in range(count)
            ),
        )
    with open(base / "local.csv", "w", encoding="utf-8") as local:
        for i in range(0, count, 10):
            local.write(f"{1000000 + i},LOC{i},Łukasz,,Łódź,,Poland\n")
    config = write_config(base / "c.toml", base, None, enabled=["radioid_users"])
    done = subprocess.run(
        [sys.executable, "-c", EXPORT_CHILD, "export", "anytone", "--out", str(base / "a.csv"),
         "--country", "Turkey", "--country", "Germany", "--ascii", "--limit", str(count // 3),
         "--extra", str(base / "local.csv"), "--config", str(config), "-q"],
        capture_output=True, text=True, cwd=str(ROOT), timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = (base / "a.csv").read_bytes().count(b"\r\n")
    assert lines == count // 3 + 1  # the header and the limit's worth
    return int(done.stderr.strip().splitlines()[-1])


@pytest.mark.slow
def test_a_filtered_export_of_a_ten_times_larger_users_table_does_not_raise_peak_memory(tmp_path):
    if not Path("/proc/self/status").exists():
        pytest.skip("needs /proc/self/status (VmHWM)")
    # 50,000 users already fill SQLite's 2 MB page cache: what grows beyond is the export's.
    small = export_peak_rss_kib(tmp_path, 50_000)
    large = export_peak_rss_kib(tmp_path, 500_000)
    assert large - small < 1024, f"peak RSS grew from {small} KiB to {large} KiB"
