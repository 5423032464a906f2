"""One measured child process: wall time, CPU, peak RSS, and every byte it wrote, by place.

``run_child`` times a child from spawn to exit (interpreter start-up and imports count),
takes its peak RSS from its own VmHWM, and reads ``/proc/<pid>/io`` while it is a zombie
(waited for without reaping): ``write_bytes`` less ``cancelled_write_bytes`` is what the
whole process wrote, every file included. The bytes are then split by place:

- *cache*, *exports*: the files (re)written in the cache directory and in the export
  targets' directories, each counted at its size in whole 4 KiB pages (a file created or
  replaced is written whole; one only touched, same inode and size, costs nothing), and
  the files the child wrote there and removed, less what their removal cancelled;
- *other*: the other files of the run directory the child wrote (the lock file, a
  heartbeat), counted the same way but for small files rewritten in place, which count;
- *database*: the rest: the database, its WAL, -shm and -journal. For dmr-edge the child
  also counts what SQLite wrote inside each call into it (``probes.SQLITE_PROBE``), a floor
  the rest never falls below: SQLite also writes while a query steps (it spills dirty
  pages of a large transaction to the WAL), which no call window sees.

Writes outside the run directory (a .pyc) would land in the database's share; the bench
compiles every module first so that none happens.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from dmr_edge.bench import BenchError
from dmr_edge.bench.probes import MARKER

PAGE = 4096  # the kernel's page: the unit /proc/<pid>/io counts written bytes in
CHILD_TIMEOUT = 3600.0
PLACES = ("cache", "database", "exports", "other")
DATABASE_SUFFIXES = ("", "-wal", "-shm", "-journal")

FileState = tuple[int, int, int, int]  # inode, size, mtime_ns, allocated bytes


@dataclass(frozen=True)
class Places:
    """Where a run keeps its files: the run directory and the places writes are split by."""

    root: Path
    database: Path | None = None
    cache: Path | None = None
    exports: tuple[Path, ...] = ()  # directories that hold the export targets

    def of(self, path: str) -> str:
        """Given a file's path, return its place: database, cache, exports or files."""
        if self.database is not None and path in {
            str(self.database) + suffix for suffix in DATABASE_SUFFIXES
        }:
            return "database"
        if self.cache is not None and _inside(path, self.cache):
            return "cache"
        if any(_inside(path, directory) for directory in self.exports):
            return "exports"
        return "files"


def _inside(path: str, directory: Path) -> bool:
    return path.startswith(str(directory).rstrip("/") + "/")


@dataclass
class Run:
    """What one child process cost."""

    wall: float  # seconds from spawn to exit
    cpu: float  # seconds of CPU, user + system
    maxrss: int  # bytes: the child's peak resident set (VmHWM, else ru_maxrss)
    write_bytes: int | None  # /proc/<pid>/io: bytes the child dirtied in the page cache
    cancelled: int | None  # dirty bytes dropped before reaching the disk (deleted files)
    exit_code: int
    files: dict[str, int] = field(default_factory=dict)  # place → bytes of files (re)written
    report: dict[str, Any] | None = None
    stdout: str = ""
    stderr: str = ""
    measured_db: int | None = None  # from the child itself (SYNC_CHILD), when it could
    db_windows: int = 0  # calls into SQLite the child measured
    modules: tuple[str, ...] = ()  # of requests and ijson, those the child imported
    baseline: int = 0  # bytes: peak RSS of an import-only child with the same modules
    cache_disk: int | None = None  # bytes the cache directory takes on disk afterwards
    cache_size: int | None = None  # the sum of its files' sizes afterwards

    @property
    def written(self) -> int | None:
        """Every byte the process wrote (dirtied, less what was dropped before writeback)."""
        if self.write_bytes is None:
            return None
        return max(0, self.write_bytes - (self.cancelled or 0))

    @property
    def db_written(self) -> int | None:
        """Bytes written to the database, its WAL and -shm: what no other file accounts
        for, and never less than what the child saw SQLite write inside its calls."""
        if self.written is None:
            return self.measured_db
        files = sum(self.files.get(place, 0) for place in ("cache", "exports", "files"))
        rest = max(0, self.written - files)
        return rest if self.measured_db is None else max(self.measured_db, rest)

    def breakdown(self) -> dict[str, int] | None:
        """The bytes written by place (cache, database, exports, other), adding up."""
        total, database = self.written, self.db_written
        if total is None or database is None:
            return None
        cache, exports = self.files.get("cache", 0), self.files.get("exports", 0)
        return {
            "cache": cache,
            "database": database,
            "exports": exports,
            "other": total - cache - database - exports,
        }

    @property
    def records(self) -> int:
        return int(self.report.get("records", 0)) if self.report else 0

    def sources(self) -> list[dict[str, Any]]:
        return list(self.report.get("sources", [])) if self.report else []

    @property
    def downloaded(self) -> int:
        """Bytes received over HTTP (as they came over the wire: gzip when compressed)."""
        return sum(int(s.get("downloaded_bytes") or 0) for s in self.sources())

    def changes(self) -> tuple[int, int, int]:
        applied = [s for s in self.sources() if s.get("outcome") == "applied"]
        return (
            sum(s["inserted"] for s in applied),
            sum(s["updated"] for s in applied),
            sum(s["deleted"] for s in applied),
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "wall_seconds": round(self.wall, 4),
            "cpu_seconds": round(self.cpu, 4),
            "peak_rss_bytes": self.maxrss,
            "baseline_rss_bytes": self.baseline,
            "write_bytes": self.write_bytes,
            "cancelled_write_bytes": self.cancelled,
            "written_bytes": self.written,
            "written_by_place": self.breakdown(),
            "files_written_bytes": dict(self.files),
            "db_written_bytes": self.db_written,
            "db_written_in_sqlite_calls_bytes": self.measured_db,
            "db_calls_measured": self.db_windows,
            "cache_disk_bytes": self.cache_disk,
            "cache_size_bytes": self.cache_size,
            "downloaded_bytes": self.downloaded,
            "records": self.records,
            "exit_code": self.exit_code,
        }


def _read_proc_io(pid: int) -> dict[str, int]:
    values: dict[str, int] = {}
    try:
        with open(f"/proc/{pid}/io", encoding="ascii") as handle:
            for line in handle:
                key, _, number = line.partition(":")
                values[key.strip()] = int(number)
    except (OSError, ValueError):
        return {}
    return values


def file_states(directory: Path | None) -> dict[str, FileState]:
    """Every file under ``directory``: (inode, size, mtime_ns, bytes allocated)."""
    states: dict[str, FileState] = {}
    if directory is None or not directory.exists():
        return states
    for root, _dirs, files in os.walk(directory):
        for name in files:
            path = os.path.join(root, name)
            with contextlib.suppress(OSError):
                st = os.stat(path)
                states[path] = (st.st_ino, st.st_size, st.st_mtime_ns, st.st_blocks * 512)
    return states


def pages(size: int) -> int:
    """Bytes of whole pages that writing ``size`` bytes from scratch dirties."""
    return -(-size // PAGE) * PAGE


def files_written(
    before: dict[str, FileState], after: dict[str, FileState], places: Places
) -> dict[str, int]:
    """Given the files before and after a run, return bytes of files (re)written by place.

    A file that is new, or replaced (another inode), or changed size, counts its size in
    whole pages. One whose inode and size stayed counts nothing in the cache and exports
    (a 304 only touches the cache), but its size if its mtime moved among the other files
    (a lock file or heartbeat is rewritten in place).
    """
    found = {"cache": 0, "database": 0, "exports": 0, "files": 0}
    for path, state in after.items():
        old = before.get(path)
        place = places.of(path)
        if old is not None and old[:2] == state[:2] and (place != "files" or old[2] == state[2]):
            continue
        found[place] += pages(state[1])
    return found


def removed_written(removed: list[Any], places: Places) -> dict[str, int]:
    """Given the files a child removed ([path, size, bytes cancelled]), what reached the disk.

    A file written from scratch dirtied its size in whole pages; what its removal cancelled
    never reached the disk. The rest did, by place.
    """
    found = {"cache": 0, "database": 0, "exports": 0, "files": 0}
    for entry in removed:
        try:
            path, size, cancelled = str(entry[0]), int(entry[1]), entry[2]
        except (IndexError, TypeError, ValueError):
            continue
        if cancelled is None:
            continue
        found[places.of(path)] += max(0, pages(size) - int(cancelled))
    return found


def run_child(
    argv: Sequence[str],
    *,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    stdin: bytes | None = None,
    places: Places | None = None,
    timeout: float = CHILD_TIMEOUT,
    json_report: bool = False,
) -> Run:
    """Run one child to completion; return its wall time, peak RSS and writes.

    ``places``: where the child's files are, to split what it wrote by place.
    Raise ``BenchError`` if the child cannot start, times out, or exits non-zero.
    """
    root = places.root if places is not None else None
    before = file_states(root)
    started = time.perf_counter()
    try:
        child = subprocess.Popen(
            list(argv),
            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            cwd=str(cwd) if cwd else None,
            start_new_session=True,
        )
    except OSError as exc:
        raise BenchError(f"cannot start {argv[0]}: {exc.strerror}") from None
    outputs: dict[str, bytes] = {}

    def drain(name: str, pipe: IO[bytes]) -> None:
        outputs[name] = pipe.read()
        pipe.close()

    readers = [
        threading.Thread(target=drain, args=(name, pipe), daemon=True)
        for name, pipe in (("out", child.stdout), ("err", child.stderr))
    ]
    for reader in readers:
        reader.start()
    if stdin is not None and child.stdin is not None:
        with contextlib.suppress(BrokenPipeError):
            child.stdin.write(stdin)
        child.stdin.close()
    timed_out = threading.Event()

    def kill() -> None:
        timed_out.set()
        with contextlib.suppress(OSError):
            os.killpg(child.pid, signal.SIGKILL)

    timer = threading.Timer(timeout, kill)
    timer.start()
    io: dict[str, int] = {}
    try:
        if hasattr(os, "waitid"):
            # Wait for the exit without reaping, so /proc/<pid>/io is still there to read.
            os.waitid(os.P_PID, child.pid, os.WEXITED | os.WNOWAIT)
            wall = time.perf_counter() - started
            io = _read_proc_io(child.pid)
            _, status, usage = os.wait4(child.pid, 0)
        else:  # pragma: no cover - no waitid (macOS): no write figures
            _, status, usage = os.wait4(child.pid, 0)
            wall = time.perf_counter() - started
    finally:
        timer.cancel()
    child.returncode = os.waitstatus_to_exitcode(status)
    for reader in readers:
        reader.join()
    out = outputs.get("out", b"").decode("utf-8", "replace")
    err = outputs.get("err", b"").decode("utf-8", "replace")
    if timed_out.is_set():
        raise BenchError(f"{describe(argv)} took longer than {timeout:.0f}s")
    if child.returncode != 0:
        lines = [line for line in err.splitlines() if line.strip() and MARKER not in line]
        tail = lines[-3:] or out.strip().splitlines()[-3:]
        raise BenchError(f"{describe(argv)} exited with {child.returncode}: {' | '.join(tail)}")
    report = None
    if json_report:
        try:
            report = json.loads(out)
        except ValueError:
            raise BenchError(f"{describe(argv)} printed no JSON report") from None
    reported = child_report(err)
    if "write_bytes" not in io and "write_bytes" in reported:
        # An exited child's io is not readable to a user who is not root; the child's own
        # figures, taken just before it exited, stand in.
        io = {
            "write_bytes": int(reported["write_bytes"]),
            "cancelled_write_bytes": int(reported.get("cancelled_write_bytes") or 0),
        }
    vmhwm = reported.get("vmhwm_kib") or vmhwm_in(out)
    after = file_states(root)
    files: dict[str, int] = {}
    if places is not None:
        files = files_written(before, after, places)
        gone = removed_written(list(reported.get("removed") or []), places)
        files = {place: files[place] + gone[place] for place in files}
    cache_disk = cache_size = None
    if places is not None and places.cache is not None:
        cached = [state for path, state in after.items() if _inside(path, places.cache)]
        cache_disk = sum(state[3] for state in cached)
        cache_size = sum(state[1] for state in cached)
    return Run(
        wall=wall,
        cpu=usage.ru_utime + usage.ru_stime,
        # ru_maxrss of a child includes the pages of the parent it was forked from (they
        # count until exec), so the child's own VmHWM is preferred when it reports one.
        maxrss=int(vmhwm) * 1024 if vmhwm else usage.ru_maxrss * 1024,
        write_bytes=io.get("write_bytes"),
        cancelled=io.get("cancelled_write_bytes"),
        exit_code=child.returncode,
        files=files,
        report=report,
        stdout=out,
        stderr=err[-4000:],
        measured_db=reported.get("db_written"),
        db_windows=int(reported.get("db_windows") or 0),
        modules=tuple(reported.get("modules") or ()),
        cache_disk=cache_disk,
        cache_size=cache_size,
    )


def describe(argv: Sequence[str]) -> str:
    """A command line for a message: the code of ``python -c`` elided."""
    shown = [os.path.basename(argv[0])]
    skip = False
    for arg in argv[1:]:
        if skip:
            shown.append("CODE")
            skip = False
            continue
        skip = arg == "-c"
        shown.append(arg)
    text = " ".join(shown)
    return text if len(text) <= 160 else text[:157] + "..."


def child_report(stderr: str) -> dict[str, Any]:
    """The figures a Python child wrote after ``MARKER`` on its stderr ({} if none)."""
    index = stderr.rfind(MARKER)
    if index < 0:
        return {}
    try:
        found = json.loads(stderr[index + len(MARKER) :].splitlines()[0])
    except (ValueError, IndexError):
        return {}
    return found if isinstance(found, dict) else {}


def vmhwm_in(stdout: str) -> int | None:
    """A ``VmHWM:`` line a non-Python child printed (the sqlite3 shell's ``.shell grep``)."""
    for line in stdout.splitlines():
        if line.startswith("VmHWM:"):
            with contextlib.suppress(IndexError, ValueError):
                return int(line.split()[1])
    return None
