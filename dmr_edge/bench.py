"""Measured performance tables: what ``dmr-edge bench`` runs.

Given a scale, a number of repeats and optionally real users files, ``run_bench`` generates
the six sources' documents deterministically (``dmr_edge.generate``), serves them from a
loopback HTTP server in this process (ETag and 304 like the real upstreams), and runs every
measurement in a fresh subprocess: ``dmr-edge sync`` with a generated config (run as the
console script runs it), the sqlite3 command-line shell, or a naive loader. Each child is
timed from spawn to exit, so interpreter start-up and imports count. Its peak RSS is its
own VmHWM (``ru_maxrss`` of a forked child also counts the parent's pages from before
exec), compared with an import-only child that loaded the same modules; its writes come
from ``/proc/<pid>/io``, read while it is a zombie, and for dmr-edge from the child itself
while SQLite holds the database, so the download cache is not counted as database writes.

Nothing here prints: ``run_bench`` returns a ``BenchResult`` whose ``markdown()`` and
``as_dict()`` the CLI shows. The figures of the Go system we replace (the seed) are the
ones it documented; its memory figures were estimates it printed, not measurements.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import platform
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Callable

from dmr_edge.errors import DmrEdgeError

SOURCE_NAMES = (
    "radioid_users",
    "radioid_repeaters",
    "brandmeister_devices",
    "brandmeister_talkgroups",
    "tgif_talkgroups",
    "hearham_repeaters",
)
USERS = "radioid_users"
PAGE = 4096  # the kernel's page: the unit /proc/<pid>/io counts written bytes in
MB = 1_000_000
SEED_RECORDS = 52_938
# What the seed (the Go system) documented, for 52,938 records.
SEED_MODES = {
    "parallel": (0.85, "~200 MB (estimate)", 62_247),
    "sequential": (1.18, "~70 MB (estimate)", 44_803),
    "streaming": (1.53, '"~10 MB" (estimate)', 34_585),
}
SEED_CHUNKS = {500: 34_415, 1000: 40_121, 2000: 43_769, 5000: 48_145}
CHUNKS = (500, 1000, 2000, 5000)
WEEK_CHANGE = 0.0033  # radioid's real weekly churn, 2025-11-16 → 2025-11-23
BIG_CHANGE = 0.05
SCALE_FACTOR = 10
CHILD_TIMEOUT = 3600.0
BASELINE_IMPORTS = "dmr_edge, dmr_edge.cli, dmr_edge.cli.sync, dmr_edge.sync, requests, ijson"

MARKER = "\x1edmr-edge-bench "

# Appended to every Python child: report the peak RSS of this process image (VmHWM; a
# forked child's ru_maxrss would include the parent's pages from before exec) on stderr.
REPORT_CODE = r"""
def _bench_report(extra=None):
    import json as _json, sys as _sys
    found = dict(extra or {})
    try:
        with open("/proc/self/status") as _status:
            for _line in _status:
                if _line.startswith("VmHWM:"):
                    found["vmhwm_kib"] = int(_line.split()[1])
    except OSError:
        pass
    found["modules"] = [_m for _m in ("requests", "ijson") if _m in _sys.modules]
    _sys.stderr.write("\n" + MARKER + _json.dumps(found) + "\n")
    _sys.stderr.flush()
""".replace("MARKER", repr(MARKER))

# Runs ``dmr-edge ARGS`` as the console script does, and counts what the process dirties in
# the page cache while SQLite holds the database (opening, every transaction with the
# commit and its checkpoint, closing), less what the cache writes inside those windows:
# the bytes written to the database file and its WAL, whatever else the process writes.
SYNC_CHILD = (
    REPORT_CODE
    + r"""
import contextlib, sys

def _io():
    try:
        with open("/proc/self/io") as handle:
            values = dict(line.split(":", 1) for line in handle)
        return int(values["write_bytes"]), int(values["cancelled_write_bytes"])
    except (OSError, KeyError, ValueError):
        return None

_state = {"depth": 0, "db": 0, "ok": _io() is not None}

@contextlib.contextmanager
def _database():
    outer = _state["depth"] == 0
    _state["depth"] += 1
    start = _io() if outer else None
    try:
        yield
    finally:
        _state["depth"] -= 1
        end = _io() if start else None
        if start and end:
            _state["db"] += (end[0] - start[0]) - (end[1] - start[1])

@contextlib.contextmanager
def _not_database():
    start = _io() if _state["depth"] else None
    try:
        yield
    finally:
        end = _io() if start else None
        if start and end:
            _state["db"] -= (end[0] - start[0]) - (end[1] - start[1])

def _wrap(cls, name, window):
    original = getattr(cls, name, None)
    if original is None:
        _state["ok"] = False
        return
    def wrapper(*args, **kwargs):
        with window():
            return original(*args, **kwargs)
    setattr(cls, name, wrapper)

try:
    from dmr_edge.store import Store
    from dmr_edge.cache import Cache
    _transaction = Store.transaction
    @contextlib.contextmanager
    def _counted_transaction(self):
        with _database():
            with _transaction(self) as conn:
                yield conn
    Store.transaction = _counted_transaction
    _wrap(Store, "__init__", _database)
    _wrap(Store, "close", _database)
    for _name in ("install", "touch", "discard", "new_temp"):
        _wrap(Cache, _name, _not_database)
except Exception:
    _state["ok"] = False

from dmr_edge.cli import main
code = main(sys.argv[1:])
_bench_report({"db_written": _state["db"] if _state["ok"] else None})
sys.exit(code)
"""
)

# One executemany of json.load's records: what a first Python loader looks like.
NAIVE_LOADER = (
    REPORT_CODE
    + r"""
import json, sqlite3, sys
source, db, schema = sys.argv[1:4]
conn = sqlite3.connect(db, isolation_level=None)
conn.execute("PRAGMA journal_mode = WAL")
conn.execute("PRAGMA synchronous = FULL")
conn.executescript(open(schema, encoding="utf-8").read())
with open(source, "rb") as handle:
    document = json.load(handle)
records = document["users"] if isinstance(document, dict) else document
def text(value):
    return "" if value is None else str(value).strip()
rows = [
    (r["id"], text(r.get("callsign")).upper(), text(r.get("fname")), text(r.get("surname")),
     text(r.get("city")), text(r.get("state")), text(r.get("country")),
     r.get("has_valid_callsign"), r.get("has_valid_email"), r.get("account_validation_status"))
    for r in records
]
conn.execute("BEGIN")
conn.executemany("INSERT OR REPLACE INTO users VALUES (?,?,?,?,?,?,?,?,?,?)", rows)
conn.execute("COMMIT")
conn.close()
_bench_report()
"""
)


class BenchError(DmrEdgeError):
    """A measurement could not be taken (a child failed, a file is missing)."""


Progress = Callable[[str], None]


# --- the loopback upstream -------------------------------------------------------------


class FileServer:
    """Serve files at ``/<route>.json`` on 127.0.0.1 with ETag/304, like the upstreams do.

    A route's ETag is derived from the file's identity (inode, size, mtime), so replacing
    the file served under a route changes it. ``set(..., etag=False)`` serves a route with
    no validators at all: every request downloads the whole body again.
    """

    def __init__(self) -> None:
        self.routes: dict[str, tuple[Path, str | None]] = {}
        self.lock = threading.Lock()
        self.requests = 0
        self.server: Any = None
        self.thread: threading.Thread | None = None

    def set(self, route: str, path: Path, *, etag: bool = True) -> None:
        st = os.stat(path)
        tag = f'"{st.st_ino:x}-{st.st_size:x}-{st.st_mtime_ns:x}"' if etag else None
        with self.lock:
            self.routes[route] = (Path(path), tag)

    def lookup(self, route: str) -> tuple[Path, str | None] | None:
        with self.lock:
            self.requests += 1
            return self.routes.get(route)

    def url(self, route: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/{route}.json"

    def start(self) -> FileServer:
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

            def do_GET(self) -> None:  # noqa: N802 - the http.server spelling
                route = self.path.split("?")[0].lstrip("/")
                route = route[: -len(".json")] if route.endswith(".json") else route
                found = owner.lookup(route)
                if found is None:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                path, tag = found
                if tag is not None and tag in self.headers.get("If-None-Match", ""):
                    self.send_response(304)
                    self.send_header("ETag", tag)
                    self.end_headers()
                    return
                with open(path, "rb") as body:
                    size = os.fstat(body.fileno()).st_size
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(size))
                    if tag is not None:
                        self.send_header("ETag", tag)
                    self.end_headers()
                    self.wfile.flush()
                    with contextlib.suppress(OSError):
                        self.connection.sendfile(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(
            target=self.server.serve_forever, name="bench-upstream", daemon=True
        )
        self.thread.start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def __enter__(self) -> FileServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


# --- one child process -------------------------------------------------------------------


@dataclass
class Run:
    """What one child process cost."""

    wall: float  # seconds from spawn to exit
    cpu: float  # seconds of CPU, user + system
    maxrss: int  # bytes: the child's peak resident set (VmHWM, else ru_maxrss)
    write_bytes: int | None  # /proc/<pid>/io: bytes the child dirtied in the page cache
    cancelled: int | None  # dirty bytes dropped before reaching the disk (deleted files)
    other_written: int  # pages of files (re)written in the run directory, not the database
    exit_code: int
    report: dict[str, Any] | None = None
    stdout: str = ""
    measured_db: int | None = None  # from the child itself (SYNC_CHILD), when it could
    modules: tuple[str, ...] = ()  # of requests and ijson, those the child imported
    baseline: int = 0  # bytes: peak RSS of an import-only child with the same modules

    @property
    def db_written(self) -> int | None:
        """Bytes written to the database file and its WAL (-shm excluded)."""
        if self.measured_db is not None:
            return max(0, self.measured_db)
        if self.write_bytes is None:
            return None
        return max(0, self.write_bytes - (self.cancelled or 0) - self.other_written)

    @property
    def records(self) -> int:
        return int(self.report.get("records", 0)) if self.report else 0

    @property
    def downloaded(self) -> int:
        if not self.report:
            return 0
        return sum(int(s.get("downloaded_bytes") or 0) for s in self.report.get("sources", []))

    def changes(self) -> tuple[int, int, int]:
        if not self.report:
            return (0, 0, 0)
        sources = [s for s in self.report.get("sources", []) if s.get("outcome") == "applied"]
        return (
            sum(s["inserted"] for s in sources),
            sum(s["updated"] for s in sources),
            sum(s["deleted"] for s in sources),
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "wall_seconds": round(self.wall, 4),
            "cpu_seconds": round(self.cpu, 4),
            "peak_rss_bytes": self.maxrss,
            "baseline_rss_bytes": self.baseline,
            "write_bytes": self.write_bytes,
            "cancelled_write_bytes": self.cancelled,
            "other_files_written_bytes": self.other_written,
            "db_written_bytes": self.db_written,
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


def _file_states(directory: Path | None) -> dict[str, tuple[int, int, int]]:
    states: dict[str, tuple[int, int, int]] = {}
    if directory is None or not directory.exists():
        return states
    for root, _dirs, files in os.walk(directory):
        for name in files:
            path = os.path.join(root, name)
            with contextlib.suppress(OSError):
                st = os.stat(path)
                states[path] = (st.st_ino, st.st_size, st.st_mtime_ns)
    return states


def _pages(size: int) -> int:
    return -(-size // PAGE) * PAGE if size else PAGE


def _other_written(
    before: dict[str, tuple[int, int, int]],
    after: dict[str, tuple[int, int, int]],
    database: Path | None,
) -> int:
    """Bytes written to files (re)written in the run directory that are not the database."""
    skip = set()
    if database is not None:
        skip = {str(database) + suffix for suffix in ("", "-wal", "-shm", "-journal")}
    total = 0
    for path, state in after.items():
        if path in skip or before.get(path) == state:
            continue
        total += _pages(state[1])
    return total


def run_child(
    argv: Sequence[str],
    *,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    stdin: bytes | None = None,
    watch: Path | None = None,
    database: Path | None = None,
    timeout: float = CHILD_TIMEOUT,
    json_report: bool = False,
) -> Run:
    """Run one child to completion; return its wall time, peak RSS and writes.

    ``watch``: the run directory; files (re)written there other than ``database`` (and its
    -wal/-shm) are counted as ``other_written``, not as database writes.
    Raise ``BenchError`` if the child cannot start, times out, or exits non-zero.
    """
    before = _file_states(watch)
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
        raise BenchError(f"{_describe(argv)} took longer than {timeout:.0f}s")
    if child.returncode != 0:
        lines = [line for line in err.splitlines() if line.strip() and MARKER not in line]
        tail = lines[-3:] or out.strip().splitlines()[-3:]
        raise BenchError(f"{_describe(argv)} exited with {child.returncode}: {' | '.join(tail)}")
    report = None
    if json_report:
        try:
            report = json.loads(out)
        except ValueError:
            raise BenchError(f"{_describe(argv)} printed no JSON report") from None
    reported = _child_report(err)
    vmhwm = reported.get("vmhwm_kib") or _vmhwm_in(out)
    return Run(
        wall=wall,
        cpu=usage.ru_utime + usage.ru_stime,
        # ru_maxrss of a child includes the pages of the parent it was forked from (they
        # count until exec), so the child's own VmHWM is preferred when it reports one.
        maxrss=int(vmhwm) * 1024 if vmhwm else usage.ru_maxrss * 1024,
        write_bytes=io.get("write_bytes"),
        cancelled=io.get("cancelled_write_bytes"),
        other_written=_other_written(before, _file_states(watch), database),
        exit_code=child.returncode,
        report=report,
        stdout=out,
        measured_db=reported.get("db_written"),
        modules=tuple(reported.get("modules") or ()),
    )


def _describe(argv: Sequence[str]) -> str:
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


def _child_report(stderr: str) -> dict[str, Any]:
    """The figures a Python child wrote after ``MARKER`` on its stderr ({} if none)."""
    index = stderr.rfind(MARKER)
    if index < 0:
        return {}
    try:
        found = json.loads(stderr[index + len(MARKER) :].splitlines()[0])
    except (ValueError, IndexError):
        return {}
    return found if isinstance(found, dict) else {}


def _vmhwm_in(stdout: str) -> int | None:
    """A ``VmHWM:`` line a non-Python child printed (the sqlite3 shell's ``.shell grep``)."""
    for line in stdout.splitlines():
        if line.startswith("VmHWM:"):
            with contextlib.suppress(IndexError, ValueError):
                return int(line.split()[1])
    return None


# --- figures of several runs -------------------------------------------------------------


@dataclass
class Planned:
    """A measurement to repeat: ``once`` takes one run in a fresh child."""

    label: str
    once: Callable[[], Run]
    runs: list[Run] = field(default_factory=list)


@dataclass
class Stat:
    median: float
    low: float
    high: float

    @staticmethod
    def of(values: Sequence[float]) -> Stat | None:
        if not values:
            return None
        return Stat(float(statistics.median(values)), float(min(values)), float(max(values)))

    def as_dict(self) -> dict[str, float]:
        return {"median": self.median, "min": self.low, "max": self.high}


@dataclass
class Measured:
    """Several runs of one measurement, and the figures drawn from them."""

    label: str
    runs: list[Run]
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def records(self) -> int:
        return self.runs[0].records if self.runs else 0

    def stat(self, what: Callable[[Run], float | None]) -> Stat | None:
        values = [v for v in (what(r) for r in self.runs) if v is not None]
        return Stat.of(values)

    @property
    def wall(self) -> Stat:
        return self.stat(lambda r: r.wall)  # type: ignore[return-value]

    @property
    def rate(self) -> Stat | None:
        if not self.records:
            return None
        return self.stat(lambda r: r.records / r.wall if r.records else None)

    @property
    def rss(self) -> Stat:
        return self.stat(lambda r: r.maxrss)  # type: ignore[return-value]

    @property
    def rss_above(self) -> Stat:
        return self.stat(lambda r: r.maxrss - r.baseline)  # type: ignore[return-value]

    @property
    def cpu(self) -> Stat:
        return self.stat(lambda r: r.cpu)  # type: ignore[return-value]

    @property
    def db_written(self) -> Stat | None:
        return self.stat(lambda r: r.db_written)

    @property
    def downloaded(self) -> Stat | None:
        return self.stat(lambda r: r.downloaded)

    def as_dict(self) -> dict[str, Any]:
        def d(s: Stat | None) -> Any:
            return s.as_dict() if s is not None else None

        return {
            "label": self.label,
            "runs": len(self.runs),
            "records": self.records,
            "wall_seconds": d(self.wall),
            "cpu_seconds": d(self.cpu),
            "records_per_second": d(self.rate),
            "peak_rss_bytes": d(self.rss),
            "peak_rss_above_baseline_bytes": d(self.rss_above),
            "db_written_bytes": d(self.db_written),
            "downloaded_bytes": d(self.downloaded),
            "each_run": [r.as_dict() for r in self.runs],
            **self.extra,
        }


# --- formatting ----------------------------------------------------------------------------


def _fmt_seconds(s: Stat | None) -> str:
    if s is None:
        return "n/a"
    if s.low == s.high:
        return f"{s.median:.3f}"
    return f"{s.median:.3f} ({s.low:.3f}–{s.high:.3f})"


def _fmt_rate(s: Stat | None) -> str:
    if s is None:
        return "–"
    if s.low == s.high:
        return f"{s.median:,.0f}"
    return f"{s.median:,.0f} ({s.low:,.0f}–{s.high:,.0f})"


def _fmt_mb(s: Stat | None, signed: bool = False) -> str:
    if s is None:
        return "n/a"
    sign = "+" if signed else ""
    if abs(s.high - s.low) < 0.05 * MB:
        return f"{s.median / MB:{sign}.1f}"
    return f"{s.median / MB:{sign}.1f} ({s.low / MB:{sign}.1f}–{s.high / MB:{sign}.1f})"


def _fmt_written(s: Stat | None) -> str:
    if s is None:
        return "n/a"
    if s.high < 1_000_000:
        text = f"{s.median / 1000:.0f} kB" if s.median else "0"
        if s.low != s.high:
            text += f" ({s.low / 1000:.0f}–{s.high / 1000:.0f} kB)"
        return text
    return _fmt_mb(s) + " MB"


@dataclass
class Table:
    number: int
    title: str
    columns: list[str]
    rows: list[list[str]]
    measured: list[Measured] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)

    def markdown(self) -> str:
        lines = [f"### {self.number}. {self.title}", ""]
        lines.append("| " + " | ".join(self.columns) + " |")
        lines.append("|" + "|".join("---" for _ in self.columns) + "|")
        for row in self.rows:
            lines.append("| " + " | ".join(row) + " |")
        if self.notes:
            lines.append("")
            lines.extend(f"- {note}" for note in self.notes)
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "title": self.title,
            "columns": self.columns,
            "rows": self.rows,
            "measurements": [m.as_dict() for m in self.measured],
            "notes": self.notes,
            **self.data,
        }


@dataclass
class Target:
    name: str
    goal: str
    measured: str
    met: bool | None  # None: not measured in this run

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "goal": self.goal, "measured": self.measured, "met": self.met}


@dataclass
class BenchResult:
    machine: dict[str, Any]
    command: str
    baseline: dict[str, Any]
    tables: list[Table]
    targets: list[Target]
    seconds: float = 0.0

    def markdown(self) -> str:
        m = self.machine
        parts = [
            "## dmr-edge bench",
            "",
            f"`{self.command}` on {m['cpu']} ({m['cores']} cores), {m['system']}, "
            f"Python {m['python']}, SQLite {m['sqlite']}, ijson {m['ijson']} "
            f"(backend {m['ijson_backend']}); scale {m['scale']:g}, {m['repeat']} run(s) per "
            "row: median (min–max). CPU s: user + system seconds of the child (median), "
            "which other work on the machine disturbs less than wall time.",
            "",
            "Peak RSS is each child's own high-water mark (VmHWM); *above baseline* "
            "subtracts that of a child that only imports the same modules: "
            + "; ".join(
                f"{b['imports']} → {b['peak_rss_bytes'] / MB:.1f} MB in {b['wall_seconds']:.3f} s"
                for b in self.baseline["children"]
            )
            + ".",
        ]
        load = m.get("load_average")
        if load:
            parts += [
                "",
                f"Load average (1 min) {load[0]:.2f} at the start and {load[1]:.2f} at the end "
                f"on {m['cores']} cores: above 0.5 other work shared the CPU.",
            ]
        if m.get("notes"):
            parts += [""] + [f"Note: {n}" for n in m["notes"]]
        for table in self.tables:
            parts += ["", table.markdown()]
        parts += ["", "### Targets", "", "| target | goal | measured | met |", "|---|---|---|---|"]
        for t in self.targets:
            met = "n/a" if t.met is None else ("yes" if t.met else "**no**")
            parts.append(f"| {t.name} | {t.goal} | {t.measured} | {met} |")
        parts += ["", f"Bench wall time: {self.seconds:.0f} s."]
        return "\n".join(parts)

    def as_dict(self) -> dict[str, Any]:
        return {
            "machine": self.machine,
            "command": self.command,
            "baseline": self.baseline,
            "tables": [t.as_dict() for t in self.tables],
            "targets": [t.as_dict() for t in self.targets],
            "seconds": round(self.seconds, 1),
        }


# --- the machine -------------------------------------------------------------------------


def cpu_model() -> str:
    """Return the CPU model from /proc/cpuinfo (or the platform's guess)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as handle:
            for line in handle:
                key, _, value = line.partition(":")
                if key.strip() in ("model name", "Model", "Hardware", "cpu model"):
                    return value.strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown CPU"


def filesystem_of(path: Path) -> str:
    """Return the filesystem type holding ``path`` (from /proc/mounts), or "unknown"."""
    best, kind = "", "unknown"
    target = str(path.resolve())
    try:
        with open("/proc/mounts", encoding="utf-8") as handle:
            for line in handle:
                parts = line.split()
                if len(parts) < 3:
                    continue
                mount = parts[1].replace("\\040", " ")
                inside = target == mount or target.startswith(mount.rstrip("/") + "/")
                if inside and len(mount) >= len(best):
                    best, kind = mount, parts[2]
    except OSError:
        pass
    return kind


def _ijson_info(env: dict[str, str] | None = None) -> tuple[str, str]:
    code = "import ijson; print(ijson.__version__, ijson.backend)"
    try:
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60
        )
    except (OSError, subprocess.SubprocessError):
        return ("missing", "missing")
    if out.returncode != 0:
        return ("missing", "unavailable")
    version, _, backend = out.stdout.strip().partition(" ")
    return version, backend


# --- documents ------------------------------------------------------------------------


def decompress_to(source: Path, target: Path) -> Path:
    """Write the JSON inside ``source`` (plain, gzip, xz or bz2) to ``target``."""
    from dmr_edge.stream import open_document

    try:
        with open_document(str(source)) as stream, open(target, "wb") as out:
            shutil.copyfileobj(stream, out, 1 << 20)
    except OSError as exc:
        raise BenchError(f"cannot read {source}: {exc.strerror or exc}") from None
    except (EOFError, ValueError) as exc:
        raise BenchError(f"cannot decompress {source}: {exc}") from None
    return target


def write_users_csv(source: Path, target: Path) -> int:
    """Write the rows dmr-edge would store from a users document as CSV; return the count."""
    import csv

    from dmr_edge.errors import RecordError
    from dmr_edge.sources import SOURCES
    from dmr_edge.stream import iter_records, open_document

    spec = SOURCES[USERS]
    count = 0
    with (
        open_document(str(source)) as stream,
        open(target, "w", newline="", encoding="utf-8") as out,
    ):
        writer = csv.writer(out)
        for record in iter_records(stream, spec):
            try:
                row = spec.to_row(record)
            except RecordError:
                continue
            writer.writerow(["" if v is None else v for v in row])
            count += 1
    return count


def _hash32(*parts: Any) -> int:
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=4).digest()
    return int.from_bytes(digest, "big")


def mutate_users(source: Path, target: Path, change: float, seed: int = 1) -> int:
    """Write a copy of a real users document with about ``change`` of its records changed.

    Like a real week: of the changed records 55 % are modified (city, callsign or name),
    35 % added (a new id just after an existing one) and 10 % removed. Return the number of
    records written.
    """
    from dmr_edge.sources import SOURCES
    from dmr_edge.stream import iter_records, open_document

    spec = SOURCES[USERS]
    limit = int(change * 2**32)
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    written = 0
    pending: dict[str, Any] | None = None

    with open_document(str(source)) as stream, open(target, "w", encoding="utf-8") as out:
        out.write('{"users":[\n')

        def emit(record: dict[str, Any]) -> None:
            nonlocal written
            out.write((",\n" if written else "") + encode(record))
            written += 1

        def settle(record: dict[str, Any], next_id: int | None) -> None:
            rid = int(record.get("id") or 0)
            h = _hash32(seed, rid)
            if h >= limit:
                emit(record)
                return
            kind = _hash32(seed, rid, "kind") % 100
            if kind < 10:
                return  # removed
            if kind < 65:
                part = kind % 3
                if part == 0:
                    record["city"] = (record.get("city") or "") + " Heights"
                elif part == 1:
                    record["callsign"] = (record.get("callsign") or "X") + "Z"
                else:
                    record["fname"] = (record.get("fname") or "") + " Jr"
                emit(record)
                return
            emit(record)
            if next_id is None or next_id > rid + 1:
                added = dict(record, id=rid + 1, radio_id=rid + 1, callsign="N0NEW")
                emit(added)

        for record in iter_records(stream, spec):
            if not isinstance(record, dict):
                continue
            if pending is not None:
                settle(pending, int(record.get("id") or 0))
            pending = record
        if pending is not None:
            settle(pending, None)
        out.write("\n]}\n")
    return written


# --- the bench -----------------------------------------------------------------------------

DMR_EDGE_IMPORTS = "dmr_edge, dmr_edge.cli, dmr_edge.cli.sync, dmr_edge.sync"
NAIVE_IMPORTS = "json, sqlite3"


class Bench:
    """One bench run: a work directory, a loopback server and the measurements."""

    def __init__(
        self,
        work: Path,
        *,
        scale: float = 1.0,
        repeat: int = 3,
        users: Sequence[Path] = (),
        seed: int = 1,
        progress: Progress | None = None,
    ) -> None:
        if not scale > 0:
            raise BenchError(f"scale must be above zero, not {scale}")
        if repeat < 1:
            raise BenchError(f"repeat must be at least 1, not {repeat}")
        self.work = Path(work)
        self.scale = scale
        self.repeat = repeat
        self.users = [Path(u) for u in users]
        self.seed = seed
        self.progress = progress or (lambda _text: None)
        self.server = FileServer()
        self.docs = self.work / "docs"
        self.runs_dir = self.work / "runs"
        self.counter = 0
        self.baselines: dict[tuple[str, str], dict[str, Any]] = {}
        self.planned: dict[str, Planned] = {}
        self.env = dict(os.environ)
        # Loopback only: a proxy from the environment must not see these requests.
        self.env["NO_PROXY"] = "127.0.0.1,localhost"
        self.env["no_proxy"] = "127.0.0.1,localhost"
        # The bench's children must not write .pyc files: those writes would be counted.
        self.env["PYTHONDONTWRITEBYTECODE"] = "1"
        for name in ("DMR_EDGE_CONFIG", "IJSON_BACKEND"):
            self.env.pop(name, None)

    # -- set-up --

    def prepare(self) -> None:
        """Generate (or decompress) every document and serve it."""
        from dmr_edge.generate import generate_file

        self.docs.mkdir(parents=True, exist_ok=True)
        self.runs_dir.mkdir(parents=True, exist_ok=True)
        for name in SOURCE_NAMES:
            self._generated(name, name)
        if self.users:
            for index, source in enumerate(self.users):
                self.progress(f"decompressing {source}")
                route = USERS if index == 0 else f"{USERS}_real{index}"
                self.server.set(route, decompress_to(source, self.docs / f"{route}.json"))
            for change in (WEEK_CHANGE, BIG_CHANGE):
                route = f"{USERS}_change{change:g}"
                path = self.docs / f"{route}.json"
                self.progress(f"deriving users with {change:.2%} changed from {self.users[0]}")
                mutate_users(self.docs / f"{USERS}.json", path, change, self.seed)
                self.server.set(route, path)
        else:
            for change in (WEEK_CHANGE, BIG_CHANGE):
                route = f"{USERS}_change{change:g}"
                path = self.docs / f"{route}.json"
                self.progress(f"generating users with {change:.2%} changed")
                generate_file(USERS, path, scale=self.scale, seed=self.seed, change=change)
                self.server.set(route, path)

    def _generated(self, source: str, route: str, factor: int = 1) -> Path:
        """Generate ``source`` at this bench's scale × ``factor`` and serve it at ``route``."""
        from dmr_edge.generate import generate_file

        path = self.docs / f"{route}.json"
        if not path.exists():
            self.progress(f"generating {source} (scale {self.scale * factor:g})")
            generate_file(source, path, scale=self.scale * factor, seed=self.seed)
        self.server.set(route, path)
        return path

    def warm_up(self) -> None:
        """Compile every module once, so that no measured child writes a .pyc file."""
        env = dict(self.env)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        code = (
            "import pkgutil, importlib, dmr_edge\n"
            "for m in pkgutil.walk_packages(dmr_edge.__path__, 'dmr_edge.'):\n"
            "    try: importlib.import_module(m.name)\n"
            "    except Exception: pass\n"
            "import requests, ijson\n"
            "try:\n    import ijson.backends.python\nexcept Exception: pass\n"
        )
        subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, timeout=300)
        self.baseline_for("")
        self.baseline_for(DMR_EDGE_IMPORTS + ", requests")

    def baseline_for(self, imports: str, env: dict[str, str] | None = None) -> int:
        """Peak RSS (bytes) of a child that only imports ``imports``; measured once."""
        backend = (env or {}).get("IJSON_BACKEND", "")
        key = (imports, backend)
        if key not in self.baselines:
            code = REPORT_CODE + (f"\nimport {imports}" if imports else "") + "\n_bench_report()\n"
            runs = [
                run_child([sys.executable, "-c", code], env={**self.env, **(env or {})})
                for _ in range(max(3, self.repeat))
            ]
            label = imports or "nothing (the bare interpreter)"
            if backend:
                label += f" (IJSON_BACKEND={backend})"
            self.baselines[key] = {
                "imports": label,
                "peak_rss_bytes": int(statistics.median(r.maxrss for r in runs)),
                "wall_seconds": statistics.median(r.wall for r in runs),
            }
        return int(self.baselines[key]["peak_rss_bytes"])

    def baseline_info(self) -> dict[str, Any]:
        return {"children": list(self.baselines.values())}

    # -- running dmr-edge --

    def new_dir(self) -> Path:
        self.counter += 1
        path = self.runs_dir / f"run{self.counter}"
        path.mkdir(parents=True)
        return path

    def write_config(self, run_dir: Path, routes: dict[str, str], parser: str = "auto") -> Path:
        """A config whose enabled sources are ``routes`` (source name → served route)."""
        lines = [
            f"db = {json.dumps(str(run_dir / 'db.sqlite'))}",
            f"cache_dir = {json.dumps(str(run_dir / 'cache'))}",
            "[sync]",
            f'parser = "{parser}"',
            "[http]",
            "retries = 0",
            'read_timeout = "120s"',
            # The ×10 users file is larger than the default cap on a download (512 MiB).
            f"max_bytes = {16 << 30}",
        ]
        for name in SOURCE_NAMES:
            lines.append(f"[sources.{name}]")
            if name in routes:
                lines.append(f"url = {json.dumps(self.server.url(routes[name]))}")
                lines.append("enabled = true")
            else:
                lines.append("enabled = false")
        config = run_dir / "config.toml"
        config.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return config

    def sync(
        self,
        run_dir: Path,
        *,
        mode: str = "streaming",
        chunk: int = 1000,
        offline: bool = False,
        env: dict[str, str] | None = None,
        command: str = "sync",
    ) -> Run:
        """Run ``dmr-edge sync`` (or ``warm``) in a fresh child against ``run_dir``'s config."""
        config = str(run_dir / "config.toml")
        argv = [sys.executable, "-c", SYNC_CHILD, command, "--config", config]
        if command == "sync":
            argv += ["--mode", mode, "--chunk", str(chunk)]
            if offline:
                argv.append("--offline")
        argv += ["--max-age", "0", "--json", "-q"]
        run = run_child(
            argv,
            env={**self.env, **(env or {})},
            cwd=run_dir,
            watch=run_dir,
            database=run_dir / "db.sqlite",
            json_report=True,
        )
        imports = ", ".join([DMR_EDGE_IMPORTS, *run.modules])
        run.baseline = self.baseline_for(imports, env if "ijson" in run.modules else None)
        return run

    def plan_cold(
        self,
        label: str,
        routes: dict[str, str],
        *,
        mode: str = "streaming",
        chunk: int = 1000,
        parser: str = "auto",
        env: dict[str, str] | None = None,
        offline: bool = False,
    ) -> str:
        """Plan cold loads (empty database and cache) of ``routes``; return the plan's key."""
        key = json.dumps([routes, mode, chunk, parser, env, offline], sort_keys=True)

        def once() -> Run:
            run_dir = self.new_dir()
            try:
                self.write_config(run_dir, routes, parser)
                if offline:
                    self.sync(run_dir, command="warm", env=env)
                return self.sync(run_dir, mode=mode, chunk=chunk, env=env, offline=offline)
            finally:
                shutil.rmtree(run_dir, ignore_errors=True)

        if key not in self.planned:
            self.planned[key] = Planned(label, once)
        return key

    def cold(self, label: str, routes: dict[str, str], **options: Any) -> Measured:
        """Cold loads of ``routes``, ``repeat`` times (run with everything else planned)."""
        key = self.plan_cold(label, routes, **options)
        self.run_plan()
        return Measured(label, self.planned[key].runs)

    def run_plan(self) -> None:
        """Run every planned measurement that lacks runs, round-robin.

        Taking the first run of every row, then the second, and so on spreads a burst of
        other work on the machine over all rows instead of biasing one.
        """
        pending = [p for p in self.planned.values() if len(p.runs) < self.repeat]
        for round_index in range(self.repeat):
            for item in pending:
                if len(item.runs) == round_index:
                    self.progress(f"round {round_index + 1} of {self.repeat}: {item.label}")
                    item.runs.append(item.once())

    def declare(self) -> None:
        """Plan every cold load and loader run of tables 1, 2 and 4-6 before running any."""
        for mode in MODES_MEASURED:
            self.plan_cold(f"table 1, {mode}", self.all_routes(), mode=mode)
        for chunk in CHUNKS:
            self.plan_cold(f"table 2, chunk {chunk}", self.all_routes(), chunk=chunk)
        self.plan_cold(USERS_COLD, {USERS: USERS})
        if self.users:
            self._generated(USERS, f"{USERS}_x1")
            self.plan_cold("table 4, generated users ×1", {USERS: f"{USERS}_x1"})
        route = f"{USERS}_x{SCALE_FACTOR}"
        self._generated(USERS, route, SCALE_FACTOR)
        self.plan_cold(f"table 4, users ×{SCALE_FACTOR}", {USERS: route})
        for label, options in self.parser_options():
            self.plan_cold(label, {USERS: USERS}, **options)
        self.plan_cold("table 6, dmr-edge --offline", {USERS: USERS}, offline=True)
        self.plan_loaders()

    def all_routes(self) -> dict[str, str]:
        return {name: name for name in SOURCE_NAMES}

    def users_cold(self) -> Measured:
        """The reference measurement: a cold load of the users alone, streaming, chunk 1000."""
        return self.cold(USERS_COLD, {USERS: USERS})

    def _users_note(self) -> str:
        if self.users:
            return f"users from {self.users[0].name}"
        return f"generated, scale {self.scale:g}"

    # -- table 1 --

    def table_modes(self) -> tuple[Table, dict[str, Measured]]:
        results = {
            mode: self.cold(f"table 1, {mode}", self.all_routes(), mode=mode)
            for mode in MODES_MEASURED
        }
        rows = []
        for mode, m in results.items():
            seed_s, seed_mem, seed_rate = SEED_MODES[mode]
            rows.append(
                [
                    mode,
                    f"{m.records:,}",
                    _fmt_seconds(m.wall),
                    f"{m.cpu.median:.2f}",
                    _fmt_rate(m.rate),
                    _fmt_mb(m.rss),
                    _fmt_mb(m.rss_above, signed=True),
                    _fmt_written(m.db_written),
                    _fmt_mb(m.downloaded),
                    f"{seed_s:.2f} s · {seed_mem} · {seed_rate:,} rec/s",
                ]
            )
        speedup = _ratio(results["sequential"].wall, results["parallel"].wall)
        notes = [
            f"Cold load of all six sources ({self._users_note()}) from the loopback server, "
            "chunk 1000; wall time is the whole `dmr-edge sync` process, start-up included.",
            f"Parallel ran at {speedup:.2f}× the speed of sequential here. Sequential holds "
            "each whole document in memory, as the seed's compatibility mode did.",
            f"The seed's figures are for {SEED_RECORDS:,} records; its memory column was "
            "printed by the program, never measured.",
        ]
        table = Table(
            1,
            "Modes: cold load of all sources",
            [
                "mode",
                "records",
                "wall s",
                "CPU s",
                "records/s",
                "peak RSS MB",
                "above baseline MB",
                "written to db",
                "downloaded MB",
                "seed (Go): time · memory · rate",
            ],
            rows,
            list(results.values()),
            notes,
            {"parallel_speedup_over_sequential": round(speedup, 3)},
        )
        return table, results

    # -- table 2 --

    def table_chunks(self) -> Table:
        results = {
            chunk: self.cold(f"table 2, chunk {chunk}", self.all_routes(), chunk=chunk)
            for chunk in CHUNKS
        }
        rows = [
            [
                f"{chunk:,}",
                _fmt_seconds(m.wall),
                _fmt_rate(m.rate),
                _fmt_mb(m.rss_above, signed=True),
                _fmt_written(m.db_written),
                f"{SEED_CHUNKS[chunk]:,} rec/s",
            ]
            for chunk, m in results.items()
        ]
        return Table(
            2,
            "Streaming chunk sizes (all sources, cold load)",
            ["chunk", "wall s", "records/s", "above baseline MB", "written to db", "seed (Go)"],
            rows,
            list(results.values()),
            [
                f"Streaming mode, all six sources ({self._users_note()}); the seed's rates are "
                f"for {SEED_RECORDS:,} records."
            ],
        )

    # -- table 3 --

    def _point_users(self, run_dir: Path, route: str) -> None:
        routes = self.all_routes()
        routes[USERS] = route
        self.write_config(run_dir, routes)

    def _validators(self, on: bool) -> None:
        for name in SOURCE_NAMES:
            self.server.set(name, self.server.routes[name][0], etag=on)

    def table_incremental(self, users_cold: Measured) -> tuple[Table, dict[str, Measured]]:
        run_dir = self.new_dir()
        self.write_config(run_dir, self.all_routes())
        self.progress("table 3: the cold load to start from")
        reference = Measured("cold load of all sources (reference)", [self.sync(run_dir)])

        def measure(label: str, before: str | None = None, after: str | None = None) -> Measured:
            runs = []
            for index in range(self.repeat):
                self.progress(f"table 3, {label}: run {index + 1} of {self.repeat}")
                if before is not None and after is not None:
                    # Back to the base document (not measured), then the change (measured).
                    self._point_users(run_dir, before)
                    self.sync(run_dir)
                    self._point_users(run_dir, after)
                runs.append(self.sync(run_dir))
            if before is not None:
                self._point_users(run_dir, before)
                self.sync(run_dir)
            return Measured(label, runs)

        results: dict[str, Measured] = {}
        results[NO_CHANGE] = measure(NO_CHANGE)
        self._validators(False)
        results[SAME_CONTENT] = measure(SAME_CONTENT)
        self._validators(True)
        changes = [
            (f"{WEEK_CHANGE:.2%} of users changed", f"{USERS}_change{WEEK_CHANGE:g}"),
            (f"{BIG_CHANGE:.0%} of users changed", f"{USERS}_change{BIG_CHANGE:g}"),
        ]
        if len(self.users) > 1:
            label = f"real week: {self.users[0].name} → {self.users[-1].name}"
            changes.append((label, f"{USERS}_real{len(self.users) - 1}"))
        for label, route in changes:
            results[label] = measure(label, USERS, route)
        shutil.rmtree(run_dir, ignore_errors=True)
        all_cold = reference.runs[0].db_written or 0
        users_written = users_cold.db_written
        cold_users = int(users_written.median) if users_written is not None else 0
        rows = [self._incremental_row(reference, all_cold, cold_users)]
        rows += [self._incremental_row(m, all_cold, cold_users) for m in results.values()]
        notes = [
            f"All six sources enabled ({self._users_note()}); every sync re-checks every "
            "source (`--max-age 0`). Only the users document changes; the five others "
            "answer 304. Wall time is the whole process, start-up included.",
            "Rows changed: +inserted ~updated −deleted. A real week of radioid churn is "
            "0.33 % (613 added, 30 removed, 343 changed of 295,113).",
            "Written to db: the bytes the sync process dirtied in the page cache "
            "(/proc/self/io write_bytes less cancelled_write_bytes) while SQLite held the "
            "database (open, transactions with their commit and checkpoint, close), less "
            "what the download cache wrote meanwhile: the database file and its WAL. Each "
            "changed 4 KiB page is written twice, to the WAL at commit and to the database "
            "at checkpoint. The -shm index SQLite maps and deletes at close can add a few "
            "kB when another process's sync() writes it back meanwhile.",
            f"Of a cold load: against the cold load of all sources above, and against a "
            f"cold load of the users alone ({_fmt_written(users_written)}, table 6).",
        ]
        table = Table(
            3,
            "Incremental syncs",
            [
                "change",
                "wall s",
                "rows changed",
                "written to db",
                "of all-sources cold load",
                "of users cold load",
                "downloaded MB",
                "above baseline MB",
            ],
            rows,
            [reference, *results.values()],
            notes,
            {
                "cold_load_db_written_bytes": all_cold,
                "users_cold_load_db_written_bytes": cold_users,
            },
        )
        return table, results

    @staticmethod
    def _incremental_row(m: Measured, all_cold: int, users_cold: int) -> list[str]:
        ins, upd, dele = (int(statistics.median(c)) for c in zip(*(r.changes() for r in m.runs)))
        written = m.db_written

        def share(total: int) -> str:
            if written is None or not total:
                return "n/a"
            return f"{written.median / total:.1%}"

        return [
            m.label,
            _fmt_seconds(m.wall),
            f"+{ins:,} ~{upd:,} −{dele:,}",
            _fmt_written(written),
            share(all_cold),
            share(users_cold),
            _fmt_mb(m.downloaded),
            _fmt_mb(m.rss_above, signed=True),
        ]

    # -- table 4 --

    def table_scaling(self) -> tuple[Table, Measured, Measured]:
        """Generated users at ×1 and ×10 this bench's scale, streaming, chunk 1000."""
        if self.users:
            self._generated(USERS, f"{USERS}_x1")
            small = self.cold("table 4, generated users ×1", {USERS: f"{USERS}_x1"})
        else:
            small = self.users_cold()
        route = f"{USERS}_x{SCALE_FACTOR}"
        path = self._generated(USERS, route, SCALE_FACTOR)
        big = self.cold(f"table 4, users ×{SCALE_FACTOR}", {USERS: route})
        path.unlink()  # the largest file by far
        rows = []
        for factor, m in ((1, small), (SCALE_FACTOR, big)):
            per_record = m.wall.median / m.records * 1e6 if m.records else 0.0
            rows.append(
                [
                    f"×{factor} (scale {self.scale * factor:g})",
                    f"{m.records:,}",
                    _fmt_seconds(m.wall),
                    _fmt_rate(m.rate),
                    f"{per_record:.2f}",
                    _fmt_mb(m.rss),
                    _fmt_mb(m.rss_above, signed=True),
                    _fmt_written(m.db_written),
                ]
            )
        growth_time = _ratio(big.wall, small.wall)
        growth_rss = big.rss.median - small.rss.median
        notes = [
            f"Generated users only, streaming, chunk 1000, cold. ×{SCALE_FACTOR} has "
            f"{big.records / max(small.records, 1):.1f}× the records and took "
            f"{growth_time:.1f}× the time; its peak RSS differs by {growth_rss / MB:+.2f} MB.",
            "The time grows a little faster than the records: the callsign index receives "
            "its keys in random order, and a larger index misses SQLite's 2 MB page cache "
            "more often.",
        ]
        table = Table(
            4,
            f"Scaling: users ×1 and ×{SCALE_FACTOR}",
            [
                "size",
                "records",
                "wall s",
                "records/s",
                "µs/record",
                "peak RSS MB",
                "above baseline MB",
                "written to db",
            ],
            rows,
            [small, big],
            notes,
            {"time_growth": round(growth_time, 3), "rss_growth_bytes": int(growth_rss)},
        )
        return table, small, big

    # -- table 5 --

    def parser_options(self) -> list[tuple[str, dict[str, Any]]]:
        """Table 5's cold loads besides the default: (label, options of ``cold``)."""
        python = {"IJSON_BACKEND": "python"}
        options: list[tuple[str, dict[str, Any]]] = [(PURE_PYTHON_SCANNER, {"env": python})]
        if self.ijson_backend == "yajl2_c":
            options.append((IJSON_C, {"parser": "ijson"}))
        options.append((IJSON_PYTHON, {"parser": "ijson", "env": python}))
        return options

    @property
    def ijson_backend(self) -> str:
        if not hasattr(self, "_ijson"):
            self._ijson = _ijson_info(self.env)
        return self._ijson[1]

    def table_parsers(self, users_cold: Measured) -> tuple[Table, dict[str, Measured]]:
        version, c_backend = _ijson_info(self.env)
        _, py_backend = _ijson_info({**self.env, "IJSON_BACKEND": "python"})
        backends = {PURE_PYTHON_SCANNER: py_backend, IJSON_C: c_backend, IJSON_PYTHON: py_backend}
        specs: list[tuple[str, str, Measured | None]] = [
            ("scanner (default)", c_backend, users_cold)
        ]
        for label, options in self.parser_options():
            specs.append((label, backends[label], self.cold(label, {USERS: USERS}, **options)))
        if c_backend != "yajl2_c":
            specs.insert(2, (IJSON_C, "yajl2_c not installed", None))
        rows = []
        results: dict[str, Measured] = {}
        for label, backend, m in specs:
            if m is None:
                rows.append([label, backend, "not measured", "–", "–", "–", "–"])
                continue
            results[label] = m
            rows.append(
                [
                    label,
                    backend,
                    _fmt_seconds(m.wall),
                    f"{m.cpu.median:.2f}",
                    _fmt_rate(m.rate),
                    _fmt_mb(m.rss_above, signed=True),
                    f"{_ratio(m.wall, users_cold.wall):.2f}×",
                ]
            )
        notes = [
            f"Cold load of the users document ({self._users_note()}), streaming, chunk 1000. "
            "The scanner (the default) hands one record at a time from a sliding window to "
            "the standard library's C JSON decoder and never imports ijson, so a router "
            "with only ijson's pure-Python backend (OpenWrt, 32-bit ARM) gets the second "
            'row\'s speed; ijson remains the fallback (`parser = "ijson"`).',
            f"ijson {version}; ijson reads IJSON_BACKEND when it is imported and loads the "
            "backend of that name.",
        ]
        table = Table(
            5,
            "Parser and ijson backend (users)",
            [
                "parser",
                "ijson backend",
                "wall s",
                "CPU s",
                "records/s",
                "above baseline MB",
                "time vs default",
            ],
            rows,
            list(results.values()),
            notes,
        )
        return table, results

    # -- table 6 --

    def plan_loaders(self) -> None:
        """Plan the sqlite3 shell's ``.import`` (when installed) and the naive loader."""
        from dmr_edge.store import MIGRATIONS, SCHEMA_VERSION

        users_doc = self.docs / f"{USERS}.json"
        schema = "\n".join(MIGRATIONS[v] for v in range(1, SCHEMA_VERSION + 1))
        schema_path = self.work / "schema.sql"
        schema_path.write_text(schema, encoding="utf-8")
        sqlite_cli = shutil.which("sqlite3")
        if sqlite_cli and SQLITE_ROW not in self.planned:
            csv_path = self.work / "users.csv"
            self.progress("writing the users as CSV for the sqlite3 shell")
            write_users_csv(users_doc, csv_path)
            version = subprocess.run(
                [sqlite_cli, "-version"], capture_output=True, text=True, timeout=60
            )
            self.sqlite_version = version.stdout.split(" ")[0]
            script = (
                "PRAGMA journal_mode = WAL;\nPRAGMA synchronous = FULL;\n"
                + schema
                + f"\n.mode csv\n.import {csv_path} users\n"
                # The shell's own peak RSS, read by a child of the shell ($PPID).
                + ".shell grep VmHWM /proc/$PPID/status\n"
            ).encode()
            self.planned[SQLITE_ROW] = Planned(
                "table 6, sqlite3 .import",
                lambda: self._loader_once(
                    [sqlite_cli, "-batch", "-bail"], stdin=script, baseline=0
                ),
            )
        if NAIVE_ROW not in self.planned:
            naive = [sys.executable, "-c", NAIVE_LOADER, str(users_doc)]
            baseline = self.baseline_for(NAIVE_IMPORTS)
            self.planned[NAIVE_ROW] = Planned(
                "table 6, naive loader",
                lambda: self._loader_once(naive, extra=[str(schema_path)], baseline=baseline),
            )

    def _loader_once(
        self,
        argv: list[str],
        *,
        baseline: int,
        stdin: bytes | None = None,
        extra: Sequence[str] = (),
    ) -> Run:
        """One run of a loader given ``argv + [database] + extra``, in a fresh directory."""
        run_dir = self.new_dir()
        db = run_dir / "db.sqlite"
        try:
            run = run_child(
                [*argv, str(db), *extra],
                stdin=stdin,
                env=self.env,
                cwd=run_dir,
                watch=run_dir,
                database=db,
            )
            run.report = {"records": _count_rows(db)}
        finally:
            shutil.rmtree(run_dir, ignore_errors=True)
        run.baseline = baseline
        return run

    def table_limits(self, users_cold: Measured) -> tuple[Table, dict[str, Measured]]:
        self.plan_loaders()
        self.run_plan()
        results: dict[str, Measured] = {DMR_EDGE_ROW: users_cold}
        results[OFFLINE_ROW] = self.cold(
            "table 6, dmr-edge --offline", {USERS: USERS}, offline=True
        )
        for key in (SQLITE_ROW, NAIVE_ROW):
            if key in self.planned:
                results[key] = Measured(self.planned[key].label, self.planned[key].runs)
        sqlite_cli = SQLITE_ROW in results
        cli_version = getattr(self, "sqlite_version", "")
        reference = results.get(SQLITE_ROW)
        rows = []
        for label, m in results.items():
            above = _fmt_mb(m.rss_above, signed=True) if m.runs[0].baseline else "–"
            rows.append(
                [
                    label,
                    f"{m.records:,}",
                    _fmt_seconds(m.wall),
                    f"{m.cpu.median:.2f}",
                    _fmt_rate(m.rate),
                    _fmt_mb(m.rss),
                    above,
                    _fmt_written(m.db_written),
                    f"{_ratio(m.wall, reference.wall):.2f}×" if reference else "–",
                ]
            )
        notes = [
            f"The users document ({self._users_note()}). Every loader creates the same "
            "schema (the users table and its callsign index) in WAL mode with "
            "synchronous = FULL, and loads in one transaction.",
            "dmr-edge's first row is the whole `dmr-edge sync`: start-up, the download from "
            "the loopback server into the cache (hashed), the parse and the writes; the "
            "--offline row applies the same document already in the cache.",
            f"Above baseline: dmr-edge against an import-only child, the naive loader "
            f"against a child that imports {NAIVE_IMPORTS}.",
        ]
        if sqlite_cli:
            notes.append(
                f"sqlite3 shell {cli_version}: `.import` of a CSV of the rows dmr-edge stores "
                "(written beforehand, not timed): a C program doing no JSON work."
            )
        else:
            notes.append(
                "The sqlite3 shell is not installed on this machine (apt-get install "
                "sqlite3), so its row is missing."
            )
        table = Table(
            6,
            "The limits: the same users through other loaders",
            [
                "loader",
                "records",
                "wall s",
                "CPU s",
                "records/s",
                "peak RSS MB",
                "above baseline MB",
                "written to db",
                "time vs sqlite3",
            ],
            rows,
            list(results.values()),
            notes,
            {"sqlite3_cli": cli_version or None},
        )
        return table, results

    # -- targets --

    def targets(
        self,
        modes: dict[str, Measured],
        incremental: dict[str, Measured],
        small: Measured,
        big: Measured,
        parsers: dict[str, Measured],
        limits: dict[str, Measured],
        users_cold: Measured,
    ) -> list[Target]:
        from dmr_edge.sync import choose_mode

        found: list[Target] = []
        offline = limits[OFFLINE_ROW]
        rate = users_cold.rate.median if users_cold.rate else 0.0
        found.append(
            Target(
                "cold load of the users",
                "≥ 150,000 records/s",
                f"{rate:,.0f} records/s ({users_cold.records:,} records, "
                f"{users_cold.wall.median:.2f} s, whole process)",
                rate >= 150_000,
            )
        )
        sqlite_m = limits.get(SQLITE_ROW)
        if sqlite_m is not None:
            ratio = _ratio(users_cold.wall, sqlite_m.wall)
            offline_ratio = _ratio(offline.wall, sqlite_m.wall)
            found.append(
                Target(
                    "cold load against sqlite3 .import",
                    "≤ 2.5× its time",
                    f"{ratio:.2f}× ({users_cold.wall.median:.2f} s against "
                    f"{sqlite_m.wall.median:.2f} s); from the cache (--offline) "
                    f"{offline_ratio:.2f}×",
                    ratio <= 2.5,
                )
            )
        else:
            found.append(
                Target(
                    "cold load against sqlite3 .import",
                    "≤ 2.5× its time",
                    "sqlite3 shell not installed",
                    None,
                )
            )
        above = users_cold.rss_above.median
        found.append(
            Target(
                "memory above the import-only baseline",
                "≤ 6 MB",
                f"{above / MB:+.1f} MB",
                above <= 6 * MB,
            )
        )
        growth = big.rss.median - small.rss.median
        found.append(
            Target(
                f"memory at ×{SCALE_FACTOR} against ×1",
                "≤ 1 MB more",
                f"{growth / MB:+.2f} MB",
                growth <= 1 * MB,
            )
        )
        speedup = _ratio(modes["sequential"].wall, modes["parallel"].wall)
        picks_parallel = choose_mode(1 << 40)[0] == "parallel"
        found.append(
            Target(
                "parallel against sequential",
                "≥ 1.3× faster, or `auto` never picks it",
                f"{speedup:.2f}×; `auto` {'picks' if picks_parallel else 'never picks'} parallel",
                speedup >= 1.3 or not picks_parallel,
            )
        )
        nothing = incremental[NO_CHANGE]
        written = nothing.db_written
        wall = nothing.wall.median
        found.append(
            Target(
                "no change (304): the whole process",
                "≤ 0.35 s and 0 bytes written to the db",
                f"{wall:.3f} s, {_fmt_written(written)} written",
                wall <= 0.35 and written is not None and written.high == 0,
            )
        )
        real = [m for label, m in incremental.items() if label.startswith("real week")]
        week = real[0] if real else incremental[f"{WEEK_CHANGE:.2%} of users changed"]
        week_name = "the real week" if real else "a generated 0.33 % week"
        cold_written = users_cold.db_written
        if week.db_written is not None and cold_written is not None and cold_written.median:
            share = week.db_written.median / cold_written.median
            found.append(
                Target(
                    f"one-week change ({week_name})",
                    "≤ 10 % of the bytes a cold load writes",
                    f"{share:.1%} ({_fmt_written(week.db_written)} against "
                    f"{_fmt_written(cold_written)} for a cold load of the users)",
                    share <= 0.10,
                )
            )
        python = parsers.get(PURE_PYTHON_SCANNER)
        if python is not None and python.rate is not None:
            found.append(
                Target(
                    "pure-Python ijson backend installed (users)",
                    "≥ 80,000 records/s",
                    f"{python.rate.median:,.0f} records/s",
                    python.rate.median >= 80_000,
                )
            )
        naive = limits.get(NAIVE_ROW)
        if naive is not None:
            # Like for like: both load a local file (the naive loader downloads nothing).
            faster = _ratio(naive.wall, offline.wall)
            with_download = _ratio(naive.wall, users_cold.wall)
            ours = max(users_cold.rss_above.median, 1.0)
            theirs = naive.rss_above.median
            whole = naive.rss.median / users_cold.rss.median
            found.append(
                Target(
                    "against the naive loader",
                    "faster, with ≥ 20× less peak memory",
                    f"{faster:.2f}× its speed from a local file (--offline; "
                    f"{with_download:.2f}× with the download); {theirs / ours:.0f}× less "
                    f"memory above each one's baseline ({whole:.1f}× less counting whole "
                    "processes)",
                    faster > 1 and theirs / ours >= 20,
                )
            )
        return found


MODES_MEASURED = ("parallel", "sequential", "streaming")
USERS_COLD = "users, streaming, chunk 1000"
IJSON_C = 'ijson (`[sync] parser = "ijson"`)'
IJSON_PYTHON = 'ijson (`parser = "ijson"`), IJSON_BACKEND=python'
NO_CHANGE = "no change (HTTP 304)"
SAME_CONTENT = "no change (same content, no 304)"
PURE_PYTHON_SCANNER = "scanner (default), IJSON_BACKEND=python"
DMR_EDGE_ROW = "dmr-edge sync (loopback HTTP)"
OFFLINE_ROW = "dmr-edge sync --offline (from cache)"
SQLITE_ROW = "sqlite3 shell .import of the same rows as CSV"
NAIVE_ROW = "naive Python: json.load + one executemany"


def _ratio(numerator: Stat, denominator: Stat) -> float:
    return numerator.median / denominator.median if denominator.median else 0.0


def _count_rows(db: Path) -> int:
    conn = sqlite3.connect(str(db))
    try:
        return int(conn.execute("SELECT count(*) FROM users").fetchone()[0])
    finally:
        conn.close()


@contextlib.contextmanager
def work_directory(parent: Path | None, keep: bool = False) -> Iterator[Path]:
    """A fresh work directory under ``parent`` (or the temp directory), removed afterwards."""
    if parent is not None:
        Path(parent).mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix="dmr-edge-bench-", dir=str(parent) if parent else None))
    try:
        yield path
    finally:
        if not keep:
            shutil.rmtree(path, ignore_errors=True)


def _load_average() -> float | None:
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):
        return None


def run_bench(
    *,
    scale: float = 1.0,
    repeat: int = 3,
    users: Sequence[Path] = (),
    work_dir: Path | None = None,
    keep: bool = False,
    command: str = "dmr-edge bench",
    progress: Progress | None = None,
) -> BenchResult:
    """Given the options of ``dmr-edge bench``, take every measurement; return the tables.

    Raise ``BenchError`` when a measurement cannot be taken.
    """
    started = time.monotonic()
    load_start = _load_average()
    for path in users:
        if not Path(path).is_file():
            raise BenchError(f"{path}: no such users file")
    with work_directory(work_dir, keep) as work:
        bench = Bench(work, scale=scale, repeat=repeat, users=users, progress=progress)
        with bench.server:
            bench.prepare()
            bench.warm_up()
            bench.declare()
            modes_table, modes = bench.table_modes()
            chunks_table = bench.table_chunks()
            users_cold = bench.users_cold()
            incremental_table, incremental = bench.table_incremental(users_cold)
            scaling_table, small, big = bench.table_scaling()
            parsers_table, parsers = bench.table_parsers(users_cold)
            limits_table, limits = bench.table_limits(users_cold)
            targets = bench.targets(modes, incremental, small, big, parsers, limits, users_cold)
            version, backend = _ijson_info(bench.env)
            fs = filesystem_of(work)
    notes = []
    if fs in ("tmpfs", "ramfs"):
        notes.append(
            f"the work directory was on {fs}: nothing there reaches a disk, so the "
            "bytes-written figures may read 0; use --dir on a real filesystem."
        )
    load_end = _load_average()
    machine = {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "system": f"{platform.system()} {platform.release()} {platform.machine()}",
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "ijson": version,
        "ijson_backend": backend,
        "scale": scale,
        "repeat": repeat,
        "users": [str(u) for u in users],
        "work_filesystem": fs,
        "load_average": [load_start, load_end] if load_start is not None else None,
        "notes": notes,
    }
    return BenchResult(
        machine=machine,
        command=command,
        baseline=bench.baseline_info(),
        tables=[
            modes_table,
            chunks_table,
            incremental_table,
            scaling_table,
            parsers_table,
            limits_table,
        ],
        targets=targets,
        seconds=time.monotonic() - started,
    )
