"""Resources run out or are shared: full disks, read-only directories, a held lock, readers
while a sync writes, and the daemon through many cycles against a flaky upstream.

The disk-full and read-only cases mount a small tmpfs when running as root (CI does);
elsewhere the disk-full case falls back to ``RLIMIT_FSIZE`` in a child process and the
read-only cases skip (root ignores permission bits, so only a read-only mount is honest).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import random
import re
import resource
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Dict, Iterator, List

import pytest

from dmr_edge.sources import SOURCES
from tests.conftest import DATA_COLUMNS, PATHS, ROOT, run_dmr_edge, tiny_documents, write_config
from tests.upstream import Fault, Upstream

generate = pytest.importorskip("dmr_edge.bench.generate", reason="needs the data generator")

USERS = PATHS["radioid_users"]


def _mount_works() -> bool:
    if os.geteuid() != 0 or not Path("/proc/mounts").exists():
        return False
    probe = Path(f"/tmp/dmr-edge-mount-probe-{os.getpid()}")
    probe.mkdir(exist_ok=True)
    try:
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(probe)],
                              capture_output=True)  # fmt: skip
        if done.returncode != 0:
            return False
        subprocess.run(["umount", str(probe)], check=True)
        return True
    except OSError:
        return False
    finally:
        with contextlib.suppress(OSError):
            probe.rmdir()


CAN_MOUNT = _mount_works()
needs_mount = pytest.mark.skipif(
    not CAN_MOUNT, reason="needs root and mount(8) to make a small or read-only tmpfs"
)


@contextlib.contextmanager
def tmpfs(path: Path, size: str) -> Iterator[Path]:
    path.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(path)],
                   check=True)  # fmt: skip
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def remount(path: Path, options: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{options}", str(path)], check=True)


def users_rows(db: Path) -> List[tuple]:
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return conn.execute(f"SELECT {DATA_COLUMNS['users']} FROM users ORDER BY id").fetchall()
    finally:
        conn.close()


def big_users(tmp: Path, scale: float = 0.05, change: float = 0.0) -> bytes:
    path = tmp / f"users-{scale}-{change}.json"
    generate.generate_file("radioid_users", path, scale=scale, seed=9, change=change)
    return path.read_bytes()


def config_for(tmp: Path, up: Upstream, db: Path, cache: Path) -> Path:
    config = write_config(tmp / "config.toml", tmp, up, enabled=["radioid_users"])
    text = config.read_text()
    text = text.replace(f'db = "{tmp / "db.sqlite"}"', f'db = "{db}"')
    text = text.replace(f'cache_dir = "{tmp / "cache"}"', f'cache_dir = "{cache}"')
    config.write_text(text)
    return config


def one_error_line(err: str) -> str:
    assert "Traceback" not in err and "internal error" not in err, err
    lines = [line for line in err.splitlines() if "error" in line]
    assert len(lines) == 1, err
    return lines[0]


# --- disk full ------------------------------------------------------------------------------


@needs_mount
def test_a_full_disk_under_the_database_fails_clearly_keeps_old_rows_and_recovers(
    cli, upstream, tmp_path
):
    small = tmp_path / "small"
    with tmpfs(small, "1m"):
        config = config_for(tmp_path, upstream, small / "db.sqlite", tmp_path / "cache")
        upstream.set(USERS, tiny_documents()["radioid_users"], etag='"v1"')
        assert cli("sync", "--config", config).code == 0
        before = users_rows(small / "db.sqlite")

        upstream.set(USERS, big_users(tmp_path), etag='"v2"')
        result = cli("sync", "--config", config, "--max-age", "0")
        assert result.code == 1, result
        line = one_error_line(result.err)
        assert re.search(r"radioid_users: database write failed: database or disk is full", line)
        assert users_rows(small / "db.sqlite") == before

        remount(small, "size=64m")  # space is freed
        result = cli("sync", "--config", config, "--max-age", "0")
        assert result.code == 0, result
        assert len(users_rows(small / "db.sqlite")) > 10_000


def test_a_file_size_limit_under_the_database_fails_clearly_and_keeps_old_rows(upstream, tmp_path):
    # What a full disk looks like where mounting a tmpfs is not possible: RLIMIT_FSIZE makes
    # every write past the limit fail with EFBIG (Python ignores SIGXFSZ).
    config = config_for(tmp_path, upstream, tmp_path / "db.sqlite", tmp_path / "cache")
    upstream.set(USERS, tiny_documents()["radioid_users"], etag='"v1"')
    assert run_dmr_edge("sync", "--config", config).returncode == 0
    before = users_rows(tmp_path / "db.sqlite")
    big = big_users(tmp_path)
    (tmp_path / "cache" / "radioid_users.json").write_bytes(big)  # the apply is what runs out

    limit = 512 * 1024

    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    done = subprocess.run(
        [sys.executable, "-m", "dmr_edge", "sync", "--config", str(config), "--offline"],
        capture_output=True, text=True, cwd=str(ROOT), preexec_fn=limited, timeout=120,
    )  # fmt: skip
    assert done.returncode == 1, done
    line = one_error_line(done.stderr)
    assert re.search(r"radioid_users: .*(disk is full|disk I/O error|File too large)", line), line
    assert users_rows(tmp_path / "db.sqlite") == before
    again = run_dmr_edge("sync", "--config", config, "--offline")
    assert again.returncode == 0, again
    assert len(users_rows(tmp_path / "db.sqlite")) > 10_000


@needs_mount
def test_a_full_disk_under_the_cache_fails_clearly_and_keeps_the_old_cache_file(
    cli, upstream, tmp_path
):
    small = tmp_path / "small"
    with tmpfs(small, "1m"):
        config = config_for(tmp_path, upstream, tmp_path / "db.sqlite", small / "cache")
        upstream.set(USERS, tiny_documents()["radioid_users"], etag='"v1"')
        assert cli("sync", "--config", config).code == 0
        cached = (small / "cache" / "radioid_users.json").read_bytes()
        before = users_rows(tmp_path / "db.sqlite")

        # Larger than the 1 MB file system even as the gzip the cache keeps.
        upstream.set(USERS, big_users(tmp_path, 0.3), etag='"v2"')
        result = cli("sync", "--config", config, "--max-age", "0")
        assert result.code == 75, result
        line = one_error_line(result.err)
        assert "radioid_users: cannot write the download into" in line
        assert "No space left on device" in line
        assert (small / "cache" / "radioid_users.json").read_bytes() == cached
        assert [p.name for p in (small / "cache").iterdir() if p.name.endswith(".tmp")] == []
        assert users_rows(tmp_path / "db.sqlite") == before

        remount(small, "size=64m")
        assert cli("sync", "--config", config, "--max-age", "0").code == 0
        assert len(users_rows(tmp_path / "db.sqlite")) > 10_000


# --- read-only directories ------------------------------------------------------------------


@needs_mount
def test_a_read_only_database_directory_gives_one_clear_line_and_no_traceback(
    cli, upstream, tmp_path
):
    small = tmp_path / "state"
    with tmpfs(small, "16m"):
        config = config_for(tmp_path, upstream, small / "db.sqlite", tmp_path / "cache")
        upstream.set(USERS, tiny_documents()["radioid_users"], etag='"v1"')
        assert cli("sync", "--config", config).code == 0
        before = users_rows(small / "db.sqlite")
        remount(small, "ro")
        upstream.set(USERS, big_users(tmp_path, 0.001), etag='"v2"')
        for command in (["sync", "--max-age", "0"], ["warm", "--max-age", "0"], ["run", "--once"]):
            result = cli(*command, "--config", config)
            assert result.code == 1, (command, result)
            line = one_error_line(result.err)
            assert "Read-only file system" in line or "readonly" in line, line
        status = cli("status", "--config", config)
        assert status.code == 0, status
        assert "Traceback" not in status.err
        remount(small, "rw")
        assert users_rows(small / "db.sqlite") == before


@needs_mount
def test_a_read_only_cache_directory_fails_each_source_clearly_and_keeps_the_rows(
    cli, upstream, tmp_path
):
    small = tmp_path / "cache-mount"
    with tmpfs(small, "16m"):
        config = config_for(tmp_path, upstream, tmp_path / "db.sqlite", small)
        upstream.set(USERS, tiny_documents()["radioid_users"], etag='"v1"')
        assert cli("sync", "--config", config).code == 0
        before = users_rows(tmp_path / "db.sqlite")
        remount(small, "ro")
        upstream.set(USERS, big_users(tmp_path, 0.001), etag='"v2"')
        result = cli("sync", "--config", config, "--max-age", "0")
        assert result.code == 1, result
        line = one_error_line(result.err)
        assert re.search(r"radioid_users: cannot write the download into .*Read-only", line)
        assert users_rows(tmp_path / "db.sqlite") == before
        # What the cache already holds can still be applied without writing to it.
        assert cli("sync", "--config", config, "--offline").code == 0


@needs_mount
def test_an_export_to_a_read_only_place_says_what_to_do_from_a_shell_and_under_a_service(
    cli, upstream, tmp_path, monkeypatch
):
    config = config_for(tmp_path, upstream, tmp_path / "db.sqlite", tmp_path / "cache")
    upstream.set(USERS, tiny_documents()["radioid_users"], etag='"v1"')
    assert cli("sync", "--config", config).code == 0
    place = tmp_path / "ro"
    with tmpfs(place, "1m"):
        (place / "DMRIds.dat").write_text("1234567\tOLD\tName\n")
        remount(place, "ro")
        out = ["export", "dmrids", "--config", config, "--out", str(place / "DMRIds.dat")]
        monkeypatch.delenv("INVOCATION_ID", raising=False)
        shell = cli(*out)
        assert shell.code != 0
        assert "read-only file system (on Pi-Star, run 'rpi-rw' first" in one_error_line(shell.err)
        monkeypatch.setenv("INVOCATION_ID", "0123456789abcdef")  # as systemd sets for a unit
        service = cli(*out)
        assert service.code == shell.code
        line = one_error_line(service.err)
        assert "ReadWritePaths=" in line and "systemctl edit dmr-edge" in line, line
        assert "rpi-rw" not in line
        assert (place / "DMRIds.dat").read_text() == "1234567\tOLD\tName\n"


# --- the lock -------------------------------------------------------------------------------

HOLD_LOCK = """
import sys, time
from pathlib import Path
from dmr_edge.lock import InstanceLock
lock = InstanceLock(Path(sys.argv[1]))
lock.acquire()
print("held", flush=True)
time.sleep(float(sys.argv[2]))
"""


@contextlib.contextmanager
def lock_held(db: Path, seconds: float = 30) -> Iterator[subprocess.Popen]:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(db.with_name(db.name + ".lock")), str(seconds)],
        stdout=subprocess.PIPE, text=True, cwd=str(ROOT),
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        yield holder
    finally:
        holder.kill()
        holder.wait()


def test_sync_exits_75_at_once_while_another_process_holds_the_lock(config, tmp_path):
    with lock_held(tmp_path / "db.sqlite") as holder:
        started = time.monotonic()
        done = run_dmr_edge("sync", "--config", config)
        assert time.monotonic() - started < 30
    assert done.returncode == 75, done
    line = one_error_line(done.stderr)
    assert f"another dmr-edge is running (pid {holder.pid})" in line
    assert not (tmp_path / "db.sqlite").exists() or users_rows(tmp_path / "db.sqlite") == []


def test_sync_exits_75_while_a_daemon_cycle_runs(tmp_path, served):
    from tests.test_daemon_process import DaemonProcess, daemon_config

    served.set_fault(PATHS["radioid_users"], Fault.throttle(150))  # a cycle of a few seconds
    config = daemon_config(tmp_path, served)
    with DaemonProcess("run", "--config", config, log_path=tmp_path / "d.log") as daemon:
        daemon.wait_for(r"dmr-edge run: pid")
        time.sleep(0.5)
        done = run_dmr_edge("sync", "--config", config)
        assert done.returncode == 75, done
        assert f"another dmr-edge is running (pid {daemon.pid})" in one_error_line(done.stderr)
        daemon.send(signal.SIGTERM)
        assert daemon.wait() == 0


def test_sync_with_wait_runs_once_the_lock_is_released(config, tmp_path):
    with lock_held(tmp_path / "db.sqlite", seconds=1.0):
        done = run_dmr_edge("sync", "--config", config, "--wait")
    assert done.returncode == 0, done
    assert len(users_rows(tmp_path / "db.sqlite")) == 2


# --- readers while a sync writes -------------------------------------------------------------


def users_digest(conn: sqlite3.Connection) -> str:
    digest = hashlib.sha256()
    conn.execute("BEGIN")
    try:
        for row in conn.execute(f"SELECT {DATA_COLUMNS['users']} FROM users ORDER BY id"):
            digest.update(repr(row).encode())
    finally:
        conn.execute("COMMIT")
    return digest.hexdigest()


def test_readers_during_a_sync_see_the_old_or_the_new_version_whole(cli, upstream, tmp_path):
    db = tmp_path / "db.sqlite"
    config = config_for(tmp_path, upstream, db, tmp_path / "cache")
    old_doc, new_doc = big_users(tmp_path, 0.05), big_users(tmp_path, 0.05, change=0.5)
    upstream.set(USERS, old_doc, etag='"v1"')
    assert cli("sync", "--config", config).code == 0
    reader = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
    old = users_digest(reader)
    old_export = tmp_path / "old.csv"
    assert cli("export", "usercsv", "--config", config, "--out", old_export).code == 0
    probe_id, probe_old = users_rows(db)[len(users_rows(db)) // 2][:2]

    upstream.set(USERS, new_doc, etag='"v2"', fault=Fault.throttle(20_000_000))
    writer = subprocess.Popen(
        [sys.executable, "-m", "dmr_edge", "sync", "--config", str(config), "--max-age", "0"],
        cwd=str(ROOT), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    seen: List[str] = []
    exports: List[bytes] = []
    lookups: List[str] = []
    while writer.poll() is None:
        seen.append(users_digest(reader))
        if len(exports) < 6:
            out = tmp_path / f"during-{len(exports)}.csv"
            done = run_dmr_edge("export", "usercsv", "--config", config, "--out", out,
                                "--force")  # fmt: skip
            assert done.returncode == 0, done
            exports.append(out.read_bytes())
            found = run_dmr_edge("lookup", "--config", config, str(probe_id))
            assert found.returncode == 0, found
            lookups.append(found.stdout)
    assert writer.wait() == 0, writer.stderr.read() if writer.stderr else ""
    new = users_digest(reader)
    new_export = tmp_path / "new.csv"
    assert cli("export", "usercsv", "--config", config, "--out", new_export).code == 0
    reader.close()

    assert new != old
    assert set(seen) <= {old, new}, "a reader saw a mix of two versions"
    assert old in seen  # the readers really ran while the sync was writing
    for data in exports:
        assert data in (old_export.read_bytes(), new_export.read_bytes())
    for text in lookups:
        assert str(probe_id) in text


# --- a long run -----------------------------------------------------------------------------


def rss_kib(pid: int) -> int:
    match = re.search(r"^VmRSS:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text(), re.M)
    assert match
    return int(match.group(1))


FLAKY = [
    Fault.status(503, retry_after="0"),
    Fault.truncate(50),
    Fault.reset(),
    Fault.html(),
    Fault.corrupt_gzip(),
    Fault.wrong_shape(),
    Fault.stall_after(5),
    None,
    None,
]


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_the_daemon_against_a_flaky_upstream_grows_neither_memory_nor_fds_nor_temp_files(
    tmp_path, served
):
    from tests.test_daemon_process import DaemonProcess, daemon_config

    config = daemon_config(
        tmp_path, served, sync='max_age = "0s"', daemon='interval = "50ms"\njitter = "0s"',
        http={"read_timeout": "0.3s", "connect_timeout": "0.3s"},
    )  # fmt: skip
    chooser = random.Random(7)
    stop = threading.Event()
    faults: Dict[str, int] = {}

    def shuffle_faults() -> None:
        while not stop.wait(0.03):
            name = chooser.choice(list(SOURCES))
            fault = chooser.choice(FLAKY)
            served.set_fault(PATHS[name], fault)
            key = fault.kind if fault else "none"
            faults[key] = faults.get(key, 0) + 1

    def injected() -> int:
        return sum(v for k, v in list(faults.items()) if k != "none")

    def cycles(text: str) -> int:
        numbers = re.findall(r"cycle (\d+):", text)
        return int(numbers[-1]) if numbers else 0

    shuffler = threading.Thread(target=shuffle_faults, daemon=True)
    with DaemonProcess("run", "--config", config, log_path=tmp_path / "d.log") as daemon:
        shuffler.start()
        try:
            daemon.wait_for(r"cycle 20:", timeout=60)
            # A cycle in flight holds a socket, a temp file and the database open: compare the
            # floor of early samples with the floor of late ones, which a leak would raise.
            samples: List[tuple] = []
            start_cycles = cycles(daemon.log())
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and (
                cycles(daemon.log()) < start_cycles + 150 or injected() < 60
            ):
                time.sleep(0.05)
                samples.append((rss_kib(daemon.pid), len(os.listdir(f"/proc/{daemon.pid}/fd"))))
                temps = [p.name for p in (tmp_path / "cache").iterdir()
                         if p.name.endswith(".tmp")]  # fmt: skip
                assert len(temps) <= len(SOURCES), temps
            quarter = max(len(samples) // 4, 1)
            warm = tuple(min(s[i] for s in samples[:quarter]) for i in (0, 1))
            end = tuple(min(s[i] for s in samples[-quarter:]) for i in (0, 1))
            ran = cycles(daemon.log()) - start_cycles
        finally:
            stop.set()
            shuffler.join()
        daemon.send(signal.SIGTERM)
        assert daemon.wait(timeout=30) == 0
    assert ran >= 50, f"only {ran} cycles"
    assert end[1] <= warm[1], (warm, end)
    assert end[0] - warm[0] < 2048, (warm, end)  # KiB
    assert injected() >= 50, faults
    log = daemon.log()
    assert "Traceback" not in log
    leftovers = [p.name for p in (tmp_path / "cache").iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []
    conn = sqlite3.connect(str(tmp_path / "db.sqlite"))
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    conn.close()


@needs_mount
def test_a_nearly_full_disk_fails_each_source_with_one_line_and_readers_still_read(cli, tmp_path):
    """8-16 KB free: a write must not start (switching to WAL then leaves a -shm file that
    cannot grow, and no reader can open the database until space is freed); each source
    says so in one line, and lookup still reads the rows."""
    with tmpfs(tmp_path / "disk", "3m") as disk:
        config = tmp_path / "c.toml"
        names = ("radioid_users", "tgif_talkgroups")
        config.write_text(
            f'db = "{disk}/db.sqlite"\ncache_dir = "{tmp_path}/cache"\n'
            "[sync]\ncompress_cache = false\n"
            + "".join(f"[sources.{n}]\nenabled = {str(n in names).lower()}\n" for n in SOURCES)
        )
        cache = tmp_path / "cache"
        cache.mkdir()

        def documents(tag: str) -> None:
            users = [{"id": 1000 + i, "callsign": f"W{i}X", "fname": f"{tag}{i}" * 3,
                      "city": "c" * 40} for i in range(6000)]  # fmt: skip
            (cache / "radioid_users.json").write_text(json.dumps({"users": users}))
            talkgroups = [{"id": str(100 + i), "name": f"{tag}{i}"} for i in range(300)]
            (cache / "tgif_talkgroups.json").write_text(json.dumps(talkgroups))

        documents("a")
        assert cli("--config", config, "sync", "--offline").code == 0
        stat = os.statvfs(disk)
        with open(disk / "filler", "wb") as filler:
            filler.write(b"\0" * (stat.f_bavail * stat.f_frsize - 12 * 1024))
        documents("b")
        result = cli("--config", config, "sync", "--offline")
        assert result.code == 1, result
        assert "internal error" not in result.err and "Traceback" not in result.err
        errors = result.err.splitlines()
        assert [line.split(": ")[2] for line in errors] == list(names), errors
        assert all("the disk is full" in line for line in errors), errors
        looked = cli("--config", config, "lookup", "W5X")
        assert looked.code == 0, looked
        assert "a5a5a5" in looked.out
        (disk / "filler").unlink()
        assert cli("--config", config, "sync", "--offline").code == 0
