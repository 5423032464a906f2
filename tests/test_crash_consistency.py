"""Power cuts: SIGKILL a real ``dmr-edge sync`` at many moments and check nothing is lost.

Each kill lands during the download, the parse-and-apply, or right between installing the
new cache file and committing. After every kill: ``PRAGMA integrity_check`` is ok, every
source holds exactly its old or exactly its new version (compared with databases built by
uninterrupted runs), at most one temporary file per target exists, and the next sync
completes and leaves the same database as an uninterrupted run.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import pytest

from dmr_edge.sources import SOURCES
from tests.conftest import DATA_COLUMNS, PATHS, ROOT, write_config
from tests.upstream import Fault, Upstream

generate = pytest.importorskip("dmr_edge.bench.generate", reason="needs the data generator")

pytestmark = pytest.mark.slow

USERS_SCALE = 0.2  # about 59,000 users, 16 MB (2 MB as gzip): kills land in every phase
OTHER_SCALE = 0.02
# A fifth of the users change: records whose text did not change are skipped undecoded, so
# the apply takes long enough to be hit only where there is real work.
CHANGE = 0.2
THROTTLE = 4_000_000  # bytes/s for the users download: about half a second of download
DOWNLOAD_KILLS = 16
APPLY_KILLS = 30
COMMIT_KILLS = 6
EXPORT_KILLS = 4
FIRST_LOAD_KILLS = 10
MIN_KILLS = 50


def source_digest(conn: sqlite3.Connection, name: str) -> str:
    """A hash of every row of one source, in key order."""
    spec = SOURCES[name]
    where = f"WHERE {spec.scope_column} = ?" if spec.scope_column else ""
    args = (spec.scope,) if spec.scope_column else ()
    digest = hashlib.sha256()
    for row in conn.execute(
        f"SELECT {DATA_COLUMNS[spec.table]} FROM {spec.table} {where} ORDER BY id", args
    ):
        digest.update(repr(row).encode())
    return digest.hexdigest()


def digests(db: Path) -> Dict[str, str]:
    conn = sqlite3.connect(str(db))
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return {name: source_digest(conn, name) for name in SOURCES}
    finally:
        conn.close()


def temp_files(directory: Path) -> List[str]:
    if not directory.exists():
        return []
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


@dataclass
class Versions:
    old: Dict[str, str]
    new: Dict[str, str]
    new_dmrids: Optional[bytes]
    old_dmrids: Optional[bytes]
    users_size: int


@dataclass
class Tally:
    kills: int = 0  # processes killed while still running
    finished_first: int = 0  # the process had already exited when its moment came
    by_phase: Dict[str, int] = field(default_factory=dict)
    mixed: List[str] = field(default_factory=list)
    stray: List[str] = field(default_factory=list)


class Rig:
    """A loopback upstream with two versions of every source and one working directory."""

    def __init__(self, tmp: Path, upstream: Upstream) -> None:
        self.tmp = tmp
        self.up = upstream
        self.docs: Dict[Tuple[str, int], bytes] = {}
        for version, change in ((1, 0.0), (2, CHANGE)):
            for name in SOURCES:
                path = tmp / f"{name}.v{version}.json"
                scale = USERS_SCALE if name == "radioid_users" else OTHER_SCALE
                generate.generate_file(name, path, scale=scale, seed=11, change=change)
                self.docs[name, version] = path.read_bytes()
        self.work = tmp / "work"
        self.work.mkdir()
        self.config = write_config(
            self.work / "config.toml",
            self.work,
            upstream,
            extra=f'[export]\ndmrids = "{self.work / "export" / "DMRIds.dat"}"\n',
        )
        (self.work / "export").mkdir()

    @property
    def db(self) -> Path:
        return self.work / "db.sqlite"

    @property
    def cache(self) -> Path:
        return self.work / "cache"

    @property
    def dmrids(self) -> Path:
        return self.work / "export" / "DMRIds.dat"

    def serve(self, version: int, throttle: bool = False) -> None:
        for name in SOURCES:
            fault = Fault.throttle(THROTTLE) if throttle and name == "radioid_users" else None
            # gzip on the wire, as radioid sends it: the cache keeps those very bytes, so
            # the partial download's size says how far the download got.
            self.up.set(
                PATHS[name],
                self.docs[name, version],
                etag=f'"{name}-{version}"',
                fault=fault,
                gzip=True,
            )

    def sync_in_process(self) -> int:
        from dmr_edge.cli import main

        return main(["sync", "--config", str(self.config), "--max-age", "0", "-q"])

    def save(self, label: str) -> Path:
        """Keep a copy of the database, cache files and export as the state called ``label``."""
        saved = self.tmp / label
        shutil.rmtree(saved, ignore_errors=True)
        saved.mkdir()
        if self.db.exists():
            conn = sqlite3.connect(str(self.db))
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.close()
            shutil.copy2(self.db, saved / "db.sqlite")
        if self.cache.exists():
            shutil.copytree(self.cache, saved / "cache")
        if self.dmrids.exists():
            shutil.copy2(self.dmrids, saved / "DMRIds.dat")
        return saved

    def restore(self, saved: Path) -> None:
        """Go back to a saved state, leaving stray temporary files where they are."""
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(str(self.db) + suffix).unlink(missing_ok=True)
        if (saved / "db.sqlite").exists():
            shutil.copy2(saved / "db.sqlite", self.db)
        self.cache.mkdir(exist_ok=True)
        for name in SOURCES:
            for suffix in (".json", ".meta.json"):
                target = self.cache / f"{name}{suffix}"
                target.unlink(missing_ok=True)
                if (saved / "cache" / target.name).exists():
                    shutil.copy2(saved / "cache" / target.name, target)
        self.dmrids.unlink(missing_ok=True)
        if (saved / "DMRIds.dat").exists():
            shutil.copy2(saved / "DMRIds.dat", self.dmrids)

    def start(self) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-m", "dmr_edge", "sync", "--config", str(self.config),
             "--max-age", "0", "-q"],
            cwd=str(ROOT), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip

    def users_temp_size(self) -> int:
        try:
            with os.scandir(self.cache) as entries:
                for entry in entries:
                    if entry.name.startswith(".radioid_users.") and entry.name.endswith(".tmp"):
                        return entry.stat().st_size
        except OSError:
            pass
        return -1

    def export_temps(self) -> set:
        with os.scandir(self.dmrids.parent) as entries:
            return {entry.name for entry in entries if entry.name.endswith(".tmp")}

    def users_inode(self) -> int:
        try:
            return (self.cache / "radioid_users.json").stat().st_ino
        except OSError:
            return 0


def run_until(
    rig: Rig, proc: subprocess.Popen, trigger: str, value: float, size: int, kill: bool = True
) -> str:
    """Wait for the moment described by ``trigger``/``value``, then SIGKILL; return the phase.

    "download": the users download reached ``value`` of its size; "apply": ``value`` seconds
    after it completed; "commit": the users cache file was replaced (just before commit);
    "start": ``value`` seconds after the process started; "export": a temporary export file
    appeared (DMRIds.dat is being written).
    """
    started = time.monotonic()
    inode = rig.users_inode()
    stale_exports = rig.export_temps()
    downloaded_at: Optional[float] = None
    phase = "start"
    while True:
        if proc.poll() is not None:
            return "finished"
        now = time.monotonic()
        temp = rig.users_temp_size()
        if downloaded_at is None and temp >= size:
            downloaded_at = now
        if temp >= 0:
            phase = "download" if temp < size else "apply"
        if rig.users_inode() != inode:
            phase = "commit"
        if trigger == "export" and rig.export_temps() - stale_exports:
            phase = "export"
        if (
            (trigger == "start" and now - started >= value)
            or (trigger == "download" and temp >= max(0.0, value * size))
            or (trigger == "apply" and downloaded_at is not None and now - downloaded_at >= value)
            or (trigger == "commit" and phase == "commit")
            or (trigger == "export" and phase == "export")
        ):
            break
        if now - started > 60:
            raise AssertionError(f"trigger {trigger} {value} never came")
        time.sleep(0.0005)
    if proc.poll() is not None or not kill:
        return "finished" if proc.poll() is not None else phase
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    return phase


def check_after_kill(rig: Rig, versions: Versions, label: str, tally: Tally) -> None:
    found = digests(rig.db) if rig.db.exists() else {n: versions.old[n] for n in SOURCES}
    for name in SOURCES:
        if found[name] not in (versions.old[name], versions.new[name]):
            tally.mixed.append(f"{label}: {name} is neither its old nor its new version")
    cache_temps = temp_files(rig.cache)
    per_target = [t.split(".")[1] for t in cache_temps]
    assert len(per_target) == len(set(per_target)), f"{label}: {cache_temps}"
    if len(temp_files(rig.dmrids.parent)) > 1:
        tally.stray.append(f"{label}: {temp_files(rig.dmrids.parent)}")
    dmrids = rig.dmrids.read_bytes() if rig.dmrids.exists() else None
    assert dmrids in (versions.old_dmrids, versions.new_dmrids), f"{label}: DMRIds.dat mixed"


def recover_and_compare(rig: Rig, versions: Versions, label: str) -> None:
    rig.serve(2)
    code = rig.sync_in_process()
    assert code == 0, f"{label}: the sync after the kill exited {code}"
    assert digests(rig.db) == versions.new, f"{label}: the next sync differs from a clean run"
    assert temp_files(rig.cache) == [], label
    dmrids = rig.dmrids.read_bytes() if rig.dmrids.exists() else None
    assert dmrids == versions.new_dmrids, label


def kill_plan() -> List[Tuple[str, float]]:
    plan = [("start", 0.05), ("start", 0.15)]
    plan += [("download", (i + 0.5) / DOWNLOAD_KILLS) for i in range(DOWNLOAD_KILLS)]
    plan += [("commit", 0.0)] * COMMIT_KILLS
    plan += [("export", 0.0)] * EXPORT_KILLS
    return plan


def test_sigkill_at_any_moment_of_a_sync_leaves_each_source_old_or_new(tmp_path, upstream):
    rig = Rig(tmp_path, upstream)
    size = len(gzip.compress(rig.docs["radioid_users", 2], compresslevel=6, mtime=0))

    # Uninterrupted references: the old version, then the new one on top of it.
    rig.serve(1)
    assert rig.sync_in_process() == 0
    old_state = rig.save("old")
    old = digests(rig.db)
    old_dmrids = rig.dmrids.read_bytes() if rig.dmrids.exists() else None
    rig.serve(2, throttle=True)
    proc = rig.start()
    started = time.monotonic()
    run_until(rig, proc, "download", 1.0, size, kill=False)
    downloaded = time.monotonic()
    assert proc.wait(timeout=60) == 0
    apply_window = max(time.monotonic() - downloaded, 0.05)
    versions = Versions(
        old, digests(rig.db), rig.dmrids.read_bytes() if rig.dmrids.exists() else None,
        old_dmrids, size,
    )  # fmt: skip
    assert versions.new != versions.old
    assert time.monotonic() - started < 60

    tally = Tally()
    plan = kill_plan()
    plan += [("apply", apply_window * (i + 0.5) / APPLY_KILLS) for i in range(APPLY_KILLS)]

    def kill_once(attempt: int, trigger: str, value: float) -> None:
        rig.restore(old_state)
        rig.serve(2, throttle=True)
        label = f"kill {attempt} ({trigger} {value:.3f})"
        phase = run_until(rig, rig.start(), trigger, value, size)
        if phase == "finished":
            tally.finished_first += 1
        else:
            tally.kills += 1
            tally.by_phase[phase] = tally.by_phase.get(phase, 0) + 1
        check_after_kill(rig, versions, label, tally)
        recover_and_compare(rig, versions, label)

    for attempt, (trigger, value) in enumerate(plan):
        kill_once(attempt, trigger, value)

    # The first load of all: the old version is an empty database.
    empty = Versions({}, versions.new, versions.new_dmrids, None, size)
    rig.restore(tmp_path / "nothing")
    probe = digests(rig.db) if rig.db.exists() else None
    assert probe is None
    for i in range(FIRST_LOAD_KILLS):
        rig.restore(tmp_path / "nothing")
        rig.serve(2, throttle=True)
        label = f"first-load kill {i}"
        phase = run_until(rig, rig.start(), "apply", apply_window * 2 * i / FIRST_LOAD_KILLS, size)
        if phase == "finished":
            tally.finished_first += 1
        else:
            tally.kills += 1
            tally.by_phase["first load"] = tally.by_phase.get("first load", 0) + 1
        if rig.db.exists():
            found = digests(rig.db)
            conn = sqlite3.connect(str(rig.db))
            counts = {n: source_digest(conn, n) for n in SOURCES}
            conn.close()
            empty_digest = hashlib.sha256().hexdigest()
            for name in SOURCES:
                assert found[name] in (empty_digest, empty.new[name]), (label, name, counts)
        recover_and_compare(rig, versions, label)

    # On a slow or busy machine more moments come after the sync finished: top up with
    # moments early in the apply and in the download until the count is reached.
    chooser = random.Random(3)
    attempt = len(plan)
    while tally.kills < MIN_KILLS and attempt < len(plan) + 60:
        if attempt % 2:
            kill_once(attempt, "apply", chooser.uniform(0, apply_window / 2))
        else:
            kill_once(attempt, "download", chooser.uniform(0.05, 0.95))
        attempt += 1

    print(f"\ncrash consistency: {tally.kills} kills survived, by phase {tally.by_phase}, "
          f"{tally.finished_first} moments came after the sync had finished")  # fmt: skip
    assert not tally.mixed, tally.mixed
    assert not tally.stray, f"temporary exports accumulate: {tally.stray[:3]}"
    assert tally.kills >= MIN_KILLS, tally
    assert tally.by_phase.get("download", 0) >= 3, tally
    assert tally.by_phase.get("apply", 0) + tally.by_phase.get("commit", 0) >= 3, tally


# --- export and backup ----------------------------------------------------------------------

WRITER_KILLS = 28  # per command


def users_digest_of(db: Path) -> str:
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return source_digest(conn, "radioid_users")
    finally:
        conn.close()


def run_writer_until(
    args: List[str], directory: Path, stale: set, delay: Optional[float]
) -> Tuple[str, float]:
    """Start ``dmr-edge *args``; ``delay`` seconds after its temporary file appears, SIGKILL it
    (``None``: let it finish). Return ("killed" | "finished", seconds from temp to exit)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "dmr_edge", *args], cwd=str(ROOT),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    appeared: Optional[float] = None
    deadline = time.monotonic() + 60
    while proc.poll() is None and time.monotonic() < deadline:
        now = time.monotonic()
        if appeared is None:
            with os.scandir(directory) as entries:
                if any(e.name.endswith(".tmp") and e.name not in stale for e in entries):
                    appeared = now
        if appeared is not None and delay is not None and now - appeared >= delay:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            return "killed", 0.0
        time.sleep(0.0005)
    proc.wait(timeout=60)
    assert proc.returncode == 0, proc.returncode
    return "finished", (time.monotonic() - appeared) if appeared else 0.0


@pytest.mark.parametrize("command", ["export", "backup"])
def test_sigkill_at_any_moment_of_an_export_or_backup_leaves_the_old_file_or_the_new_one(
    tmp_path, upstream, command
):
    rig = Rig(tmp_path, upstream)
    rig.serve(2)
    assert rig.sync_in_process() == 0
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    target = out_dir / ("DMRIds.dat" if command == "export" else "dmr-backup.sqlite")
    args = (["export", "dmrids", "--force"] if command == "export" else ["backup"]) + [
        "--config",
        str(rig.config),
        "--out",
        str(target),
    ]
    old_bytes = b"3100000\tOLD\tversion\n" if command == "export" else None
    db_digest = users_digest_of(rig.db)

    def reset() -> None:
        target.unlink(missing_ok=True)
        if old_bytes is not None:
            target.write_bytes(old_bytes)

    def stale() -> set:
        return {n for n in os.listdir(out_dir) if n.endswith(".tmp")}

    reset()
    _, window = run_writer_until(args, out_dir, stale(), None)
    new_bytes = target.read_bytes()
    reset()
    killed = 0
    for i in range(WRITER_KILLS):
        outcome, _ = run_writer_until(args, out_dir, stale(), window * i / WRITER_KILLS)
        killed += outcome == "killed"
        temps = stale()
        assert len(temps) <= 1, f"{command} kill {i}: stray temporary files {temps}"
        if command == "export":
            assert target.read_bytes() in (old_bytes, new_bytes), f"export kill {i}: mixed file"
        elif target.exists():
            assert users_digest_of(target) == db_digest, f"backup kill {i}: partial copy"
        assert users_digest_of(rig.db) == db_digest  # the database itself is never touched
        # The next run completes, cleans up, and gives what an uninterrupted run gives.
        assert run_writer_until(args, out_dir, stale(), None)[0] == "finished"
        assert stale() == set()
        if command == "export":
            assert target.read_bytes() == new_bytes
        else:
            assert users_digest_of(target) == db_digest
        reset()
    print(f"\n{command}: {killed} kills survived of {WRITER_KILLS} moments")
    assert killed >= WRITER_KILLS // 2
