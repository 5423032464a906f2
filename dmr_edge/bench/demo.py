"""What ``dmr-edge demo`` sets up: generated upstream data, a loopback mirror, a config.

Given a work directory, ``prepare`` writes the six sources' documents (the bench's
generator), ``DemoMirror`` serves them on 127.0.0.1 as the upstreams do (gzip, ETag/304),
and ``write_config`` points a configuration at it with the database, cache and export
inside the work directory, so the user's own database, cache and configuration are never
touched. No network is needed: only loopback, which ``ensure_loopback`` brings up in a
fresh network namespace (``unshare -n`` leaves it down). Nothing here prints.
"""

from __future__ import annotations

import contextlib
import errno
import json
import socket
import sqlite3
import struct
from dataclasses import dataclass
from pathlib import Path

from dmr_edge.bench import BenchError
from dmr_edge.bench.mirror import Mirror

DEFAULT_SCALE = 0.05  # 14,750 users, 3,300 repeaters and talkgroups: about 1 s on a PC
SEED = 7
SIOCGIFFLAGS, SIOCSIFFLAGS, IFF_UP = 0x8913, 0x8914, 0x1


class DemoError(BenchError):
    """The demo cannot run here (loopback unreachable, a work directory in the way)."""


@dataclass
class Upstream:
    """One generated document: its source, records and bytes."""

    source: str
    path: Path
    records: int
    size: int


def prepare(directory: Path, scale: float = DEFAULT_SCALE) -> list[Upstream]:
    """Generate the six sources' documents into ``directory``; return what was written."""
    from dmr_edge.bench.generate import SOURCES, generate_file

    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for source in SOURCES:
        path = directory / f"{source}.json"
        records = generate_file(source, path, scale=scale, seed=SEED)
        written.append(Upstream(source, path, records, path.stat().st_size))
    return written


def _reachable(timeout: float = 2.0) -> OSError | None:
    """Try a loopback connection to ourselves; return the error, or None if it works."""
    with contextlib.ExitStack() as stack:
        try:
            listener = stack.enter_context(socket.socket(socket.AF_INET, socket.SOCK_STREAM))
            listener.bind(("127.0.0.1", 0))
            listener.listen(1)
            client = stack.enter_context(
                socket.create_connection(listener.getsockname(), timeout=timeout)
            )
            client.close()
        except OSError as exc:
            return exc
    return None


def _bring_lo_up() -> None:
    """Set the loopback interface up (needs CAP_NET_ADMIN in this network namespace)."""
    import fcntl

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        request = struct.pack("16sH22x", b"lo", 0)
        flags = struct.unpack("16sH22x", fcntl.ioctl(sock.fileno(), SIOCGIFFLAGS, request))[1]
        fcntl.ioctl(sock.fileno(), SIOCSIFFLAGS, struct.pack("16sH22x", b"lo", flags | IFF_UP))


def ensure_loopback() -> str | None:
    """Make sure 127.0.0.1 answers; return what had to be done (None: nothing).

    A fresh network namespace (``unshare -n``, ``unshare -rn``) has only a loopback
    interface, and it is down. Bring it up there (only there: where other interfaces exist
    loopback is the system's business). Raise ``DemoError`` with a hint when it cannot.
    """
    error = _reachable()
    if error is None:
        return None
    try:
        names = {name for _index, name in socket.if_nameindex()}
    except OSError:
        names = set()
    hint = (
        "loopback (127.0.0.1) is unreachable here "
        f"({error.strerror or error}); bring it up with `ip link set lo up` and run "
        "`dmr-edge demo` again"
    )
    if names != {"lo"}:
        raise DemoError(hint)
    try:
        _bring_lo_up()
    except (OSError, ImportError) as exc:
        if isinstance(exc, OSError) and exc.errno in (errno.EPERM, errno.EACCES):
            hint += " (it needs CAP_NET_ADMIN: root, or `unshare -rn`)"
        raise DemoError(hint) from None
    error = _reachable()
    if error is not None:
        raise DemoError(hint)
    return "the loopback interface was down (a network namespace of its own): brought it up"


def serve(documents: list[Upstream]) -> Mirror:
    """Start a loopback mirror serving each document at its source's name."""
    mirror = Mirror()
    for document in documents:
        mirror.set(document.source, document.path)
    return mirror.start()


def write_config(work: Path, mirror: Mirror, sources: list[str]) -> Path:
    """A configuration in ``work``: its database, cache and the mirror's URLs; return it."""
    lines = [
        f"db = {json.dumps(str(work / 'dmr.sqlite'))}",
        f"cache_dir = {json.dumps(str(work / 'cache'))}",
    ]
    for source in sources:
        lines += [f"[sources.{source}]", f"url = {json.dumps(mirror.url(source))}"]
    config = work / "config.toml"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return config


def sample_user(db: Path) -> tuple[int, str] | None:
    """A user worth looking up: the first with a callsign that several users do not share."""
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        row = conn.execute(
            "SELECT id, callsign FROM users WHERE callsign <> '' "
            "AND callsign IN (SELECT callsign FROM users GROUP BY callsign HAVING count(*) = 1) "
            "ORDER BY id LIMIT 1"
        ).fetchone()
    except sqlite3.Error:
        return None
    finally:
        conn.close()
    return (int(row[0]), str(row[1])) if row else None
