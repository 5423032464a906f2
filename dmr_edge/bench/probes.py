"""Code that runs inside a measured child, and reports on its stderr after ``MARKER``.

``REPORT_CODE`` defines ``_bench_report(extra)``: the child's own peak RSS (VmHWM: a forked
child's ``ru_maxrss`` would include the parent's pages from before exec), which of requests
and ijson it imported, and what the whole process wrote so far (``/proc/self/io``).

``SYNC_CHILD`` runs ``dmr-edge ARGS`` as the console script does, and counts what SQLite
writes inside its calls: every connection the process opens is made by a
``sqlite3.Connection`` subclass whose calls into SQLite (execute, executemany,
executescript, commit, rollback, close, backup) are windows over the *calling thread's*
``/proc/thread-self/io``, so whatever other threads write meanwhile (downloads into the
cache) is not counted. It is a floor of what the database cost, not all of it: the rows of
a query are stepped after ``execute`` returned, by a cursor the subclass cannot reach, and
SQLite may spill dirty pages of a large transaction to the WAL then. ``runner`` takes the
database's share as what no other file accounts for, never below this floor. The probe
assumes nothing of the agent's modules, only that it opens databases with
``sqlite3.connect``.

It also notes each file the process removes (``os.unlink``, ``os.remove``), with its size
and the dirty bytes the removal cancelled: a temporary file that reached the disk before
it was removed was written all the same.

``NAIVE_LOADER`` is what a first Python loader looks like: ``json.load`` and one
``executemany``.
"""

from __future__ import annotations

MARKER = "\x1edmr-edge-bench "

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
    try:
        with open("/proc/self/io") as _io:
            _values = dict(_line.split(":", 1) for _line in _io)
        found["write_bytes"] = int(_values["write_bytes"])
        found["cancelled_write_bytes"] = int(_values["cancelled_write_bytes"])
    except (OSError, KeyError, ValueError):
        pass
    found["modules"] = [_m for _m in ("requests", "ijson") if _m in _sys.modules]
    _sys.stderr.write("\n" + MARKER + _json.dumps(found) + "\n")
    _sys.stderr.flush()
""".replace("MARKER", repr(MARKER))

SQLITE_PROBE = r"""
import os as _os, sqlite3 as _sqlite3, threading as _threading

_tls = _threading.local()
_db = {"written": 0, "windows": 0, "ok": True}
_db_lock = _threading.Lock()

def _thread_written():
    fd = getattr(_tls, "fd", None)
    if fd is None:
        try:
            fd = _os.open(f"/proc/self/task/{_threading.get_native_id()}/io", _os.O_RDONLY)
        except OSError:
            fd = -1
        _tls.fd = fd
    if fd < 0:
        return None
    try:
        text = _os.pread(fd, 1024, 0)
    except OSError:
        return None
    written = cancelled = None
    for line in text.split(b"\n"):
        if line.startswith(b"write_bytes:"):
            written = int(line[12:])
        elif line.startswith(b"cancelled_write_bytes:"):
            cancelled = int(line[22:])
    if written is None or cancelled is None:
        return None
    return written - cancelled

class _Window:
    __slots__ = ()
    def __enter__(self):
        depth = getattr(_tls, "depth", 0)
        _tls.depth = depth + 1
        if depth == 0:
            _tls.start = _thread_written()
    def __exit__(self, *exc):
        _tls.depth -= 1
        if _tls.depth == 0:
            end = _thread_written()
            with _db_lock:
                if _tls.start is None or end is None:
                    _db["ok"] = False
                else:
                    _db["written"] += end - _tls.start
                    _db["windows"] += 1

_window = _Window()

class _Cursor(_sqlite3.Cursor):
    def execute(self, *args, **kwargs):
        with _window:
            return super().execute(*args, **kwargs)
    def executemany(self, *args, **kwargs):
        with _window:
            return super().executemany(*args, **kwargs)
    def executescript(self, *args, **kwargs):
        with _window:
            return super().executescript(*args, **kwargs)

class _Connection(_sqlite3.Connection):
    def cursor(self, factory=None):
        return super().cursor(factory or _Cursor)
    def execute(self, *args, **kwargs):
        with _window:
            return super().execute(*args, **kwargs)
    def executemany(self, *args, **kwargs):
        with _window:
            return super().executemany(*args, **kwargs)
    def executescript(self, *args, **kwargs):
        with _window:
            return super().executescript(*args, **kwargs)
    def commit(self):
        with _window:
            return super().commit()
    def rollback(self):
        with _window:
            return super().rollback()
    def close(self):
        with _window:
            return super().close()
    def backup(self, *args, **kwargs):
        with _window:
            return super().backup(*args, **kwargs)
    def __exit__(self, *args):
        with _window:
            return super().__exit__(*args)
    def __del__(self):
        # A connection dropped without close() is closed here, still inside a window.
        try:
            with _window:
                super().close()
        except Exception:
            pass

_plain_connect = _sqlite3.connect

def _measured_connect(*args, **kwargs):
    if len(args) < 6 and "factory" not in kwargs:
        kwargs["factory"] = _Connection
    return _plain_connect(*args, **kwargs)

_sqlite3.connect = _measured_connect
"""

# Files the process removes (a discarded download, a replaced export's temporary file) are
# gone when the parent looks; each removal is noted with the file's size and how many of
# its dirty bytes the removal cancelled, so what reached the disk is still counted.
REMOVAL_PROBE = r"""
_removed = []

class _MeasuredRemoval:
    # An instance, not a function: set as a class attribute (pathlib's accessor on Python
    # 3.9 and 3.10 holds os.unlink so), it must not become a method.
    def __init__(self, original):
        self.original = original
    def __call__(self, path, *args, **kwargs):
        try:
            size = _os.stat(path, dir_fd=kwargs.get("dir_fd")).st_size
            name = _os.fsdecode(_os.fspath(path))
        except (OSError, TypeError, ValueError):
            return self.original(path, *args, **kwargs)
        before = _thread_cancelled()
        result = self.original(path, *args, **kwargs)
        after = _thread_cancelled()
        if len(_removed) < 10000:
            cancelled = after - before if before is not None and after is not None else None
            _removed.append([_os.path.abspath(name), size, cancelled])
        return result

def _thread_cancelled():
    fd = getattr(_tls, "fd", None)
    if fd is None:
        _thread_written()
        fd = _tls.fd
    if fd < 0:
        return None
    try:
        text = _os.pread(fd, 1024, 0)
    except OSError:
        return None
    for line in text.split(b"\n"):
        if line.startswith(b"cancelled_write_bytes:"):
            return int(line[22:])
    return None

_os.unlink = _MeasuredRemoval(_os.unlink)
_os.remove = _MeasuredRemoval(_os.remove)
import sys as _sys
_accessor = getattr(_sys.modules.get("pathlib"), "_NormalAccessor", None)
if _accessor is not None and hasattr(_accessor, "unlink"):
    # Imported before this probe (by a .pth file): it holds the unpatched os.unlink.
    _accessor.unlink = _MeasuredRemoval(_accessor.unlink)
"""


SYNC_CHILD = (
    REPORT_CODE
    + SQLITE_PROBE
    + REMOVAL_PROBE
    + r"""
import sys
from dmr_edge.cli import main
code = main(sys.argv[1:])
_bench_report(
    {
        "db_written": _db["written"] if _db["ok"] else None,
        "db_windows": _db["windows"],
        "removed": _removed,
    }
)
sys.exit(code)
"""
)

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


def baseline_code(imports: str, tls: bool = False) -> str:
    """The code of a child that imports ``imports`` (and makes a TLS context), then reports."""
    code = REPORT_CODE + (f"\nimport {imports}" if imports else "")
    if tls:
        code += "\nimport ssl\n_context = ssl.create_default_context()"
    return code + "\n_bench_report()\n"
