"""Liveness and deadlines: sd_notify, the heartbeat file, procd's instance watchdog.

The daemon shows it is alive only from the code that does the work: the idle loop between
cycles, and the download/parse progress callbacks of a running cycle. Nothing here runs a
thread of its own, so a hung cycle stops every signal below and the service manager (or a
cron line running ``dmr-edge status --check``) sees it.

- ``Notifier``: systemd's sd_notify protocol, one datagram per message to
  ``$NOTIFY_SOCKET`` (a path, or an abstract ``@name``), standard library only.
- ``Heartbeat``: a file whose mtime is refreshed with ``os.utime`` (no data written, to
  spare SD cards and flash), holding the age beyond which its writer should be thought dead.
- ``ProcdWatchdog``: ``ubus call service watchdog`` for OpenWrt's procd instance watchdog.
- ``Liveness``: feeds all three, each at its own pace.
- ``thread_stacks``: every thread's stack, for the log of an aborted cycle.
- ``check_health``: what ``dmr-edge status --check`` reports.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from dmr_edge.cache import age_since, ensure_dir, write_atomic

log = logging.getLogger("dmr_edge.watchdog")

HEARTBEAT_EVERY = 5.0  # at most one utime every few seconds while a cycle makes progress
IDLE_BEAT = 60.0  # while idle, the heartbeat is refreshed at least this often
STALE_MARGIN = 2 * IDLE_BEAT  # slack added to a writer's own promise


# --- sd_notify -------------------------------------------------------------------------


def notify_address(value: str) -> str | None:
    """Given ``$NOTIFY_SOCKET``, return the address to send to, or None if unusable.

    ``@name`` is Linux's abstract namespace (a leading NUL byte on the wire).
    """
    if value.startswith("@"):
        return "\0" + value[1:]
    if value.startswith("/"):
        return value
    return None  # unset, or a kind this agent does not speak (vsock:...)


def watchdog_usec_interval(environ: Mapping[str, str]) -> float | None:
    """Return ``$WATCHDOG_USEC`` in seconds when it is meant for this process, else None."""
    pid = environ.get("WATCHDOG_PID", "")
    if pid and pid != str(os.getpid()):
        return None
    try:
        usec = int(environ.get("WATCHDOG_USEC", ""))
    except ValueError:
        return None
    return usec / 1e6 if usec > 0 else None


class Notifier:
    """Sends sd_notify messages; every method is a no-op when not run by systemd."""

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        env = os.environ if environ is None else environ
        self.address = notify_address(env.get("NOTIFY_SOCKET", ""))
        self.watchdog_timeout = watchdog_usec_interval(env) if self.address else None
        self._sock: socket.socket | None = None
        self._lock = threading.Lock()
        self._warned = False

    @property
    def enabled(self) -> bool:
        return self.address is not None

    def send(self, *fields: str) -> bool:
        """Send ``KEY=value`` fields in one datagram; return whether it was sent."""
        if self.address is None:
            return False
        payload = "\n".join(fields).encode("utf-8", "replace")
        with self._lock:
            try:
                if self._sock is None:
                    self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
                self._sock.sendto(payload, self.address)
                return True
            except OSError as exc:
                if not self._warned:  # a failed ping is a warning, never a failure
                    log.warning("warning: cannot notify systemd: %s", exc)
                    self._warned = True
                return False

    def ready(self, status: str) -> None:
        self.send("READY=1", "STATUS=" + _one_line(status))

    def status(self, status: str) -> None:
        self.send("STATUS=" + _one_line(status))

    def reloading(self) -> None:
        usec = int(time.monotonic() * 1e6)  # CLOCK_MONOTONIC, as systemd expects
        self.send("RELOADING=1", f"MONOTONIC_USEC={usec}")

    def stopping(self, status: str) -> None:
        self.send("STOPPING=1", "STATUS=" + _one_line(status))

    def watchdog(self) -> None:
        self.send("WATCHDOG=1")

    def close(self) -> None:
        with self._lock:
            if self._sock is not None:
                self._sock.close()
                self._sock = None


def _one_line(text: str) -> str:
    return " ".join(text.split())[:400]


# --- heartbeat file --------------------------------------------------------------------


@dataclass(frozen=True)
class HeartbeatInfo:
    path: Path
    age: float  # seconds since the last beat (wall clock)
    stale_after: float | None  # what the writer promised; None when the file does not say
    pid: int | None
    mode: str


class Heartbeat:
    """A file touched while the agent is alive; its content says how old is too old."""

    def __init__(
        self,
        path: Path,
        stale_after: float,
        *,
        mode: str = "run",
        every: float = HEARTBEAT_EVERY,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.path = Path(path)
        self.stale_after = stale_after
        self.mode = mode
        self.every = every
        self.clock = clock
        self._last = -float("inf")
        self._warned = False

    def start(self) -> None:
        """Write the file anew (pid, mode, the age beyond which it is stale)."""
        document = {
            "pid": os.getpid(),
            "mode": self.mode,
            "stale_after": round(self.stale_after, 3),
            "started_at": round(time.time(), 3),
        }
        try:
            ensure_dir(self.path.parent)
            write_atomic(self.path, (json.dumps(document) + "\n").encode())
            self._last = self.clock()
        except OSError as exc:
            self._warn(exc)

    def beat(self, force: bool = False) -> None:
        """Refresh the mtime, at most once every ``every`` seconds unless ``force``."""
        now = self.clock()
        if not force and now - self._last < self.every:
            return
        self._last = now
        try:
            os.utime(self.path)
        except FileNotFoundError:
            self.start()  # removed by hand or by a tmpfs cleaner: write it again
        except OSError as exc:
            self._warn(exc)

    def _warn(self, exc: OSError) -> None:
        if not self._warned:
            log.warning("warning: cannot write heartbeat %s: %s", self.path, exc.strerror or exc)
            self._warned = True


def read_heartbeat(path: Path, now: float | None = None) -> HeartbeatInfo | None:
    """Return what a heartbeat file says, or None when there is none."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    stale_after: float | None = None
    pid: int | None = None
    mode = ""
    with contextlib.suppress(OSError, ValueError, TypeError, AttributeError):
        with open(path, encoding="utf-8") as handle:
            document = json.loads(handle.read(4096))
        stale_after = float(document["stale_after"])
        pid = int(document.get("pid") or 0) or None
        mode = str(document.get("mode", ""))
    return HeartbeatInfo(Path(path), age_since(st.st_mtime, now), stale_after, pid, mode)


# --- procd -----------------------------------------------------------------------------


class ProcdWatchdog:
    """Feeds procd's instance watchdog (``procd_set_param watchdog 1 TIMEOUT``) over ubus."""

    def __init__(
        self,
        service: str,
        instance: str,
        *,
        runner: Callable[..., Any] = subprocess.run,
        ubus: str | None = None,
    ) -> None:
        self.service = service
        self.instance = instance
        self.runner = runner
        self.ubus = ubus or shutil.which("ubus") or ""
        self.every = 10.0  # until procd's reply tells its timeout
        self._warned = False
        if not self.ubus:
            log.warning("warning: [daemon] procd_watchdog is on but ubus is not installed")

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> ProcdWatchdog:
        env = os.environ if environ is None else environ
        return cls(
            env.get("DMR_EDGE_PROCD_SERVICE") or "dmr-edge",
            env.get("DMR_EDGE_PROCD_INSTANCE") or "instance1",
        )

    def feed(self) -> None:
        if not self.ubus:
            return
        message = json.dumps({"name": self.service, "instance": self.instance})
        try:
            done = self.runner(
                [self.ubus, "call", "service", "watchdog", message],
                capture_output=True,
                text=True,
                timeout=5,
                check=False,
            )
        except (OSError, subprocess.SubprocessError) as exc:
            self._warn(str(exc))
            return
        if done.returncode != 0:
            self._warn((done.stderr or "").strip() or f"exit status {done.returncode}")
            return
        with contextlib.suppress(ValueError, TypeError, KeyError):
            timeout = float(json.loads(done.stdout)["timeout"])
            if timeout > 0:
                self.every = max(1.0, timeout / 2)

    def _warn(self, why: str) -> None:
        if not self._warned:
            log.warning(
                "warning: cannot feed procd's watchdog (service %s, instance %s): %s",
                self.service,
                self.instance,
                why,
            )
            self._warned = True


# --- all of them -----------------------------------------------------------------------


class Liveness:
    """Tells every configured watcher that the agent is alive, each at its own pace.

    Call ``alive()`` only from code that is itself doing the work (the idle loop, a
    progress callback): that is what makes a hang visible.
    """

    def __init__(
        self,
        notifier: Notifier,
        heartbeat: Heartbeat | None = None,
        procd: ProcdWatchdog | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.notifier = notifier
        self.heartbeat = heartbeat
        self.procd = procd
        self.clock = clock
        self._lock = threading.Lock()
        self._last_ping = -float("inf")
        self._last_procd = -float("inf")

    def idle_slice(self) -> float:
        """Return the longest idle sleep that still feeds every watcher in time."""
        slices = [IDLE_BEAT]
        if self.notifier.watchdog_timeout:
            slices.append(self.notifier.watchdog_timeout / 2)
        if self.procd is not None:
            slices.append(self.procd.every)
        return max(0.01, min(slices))

    def alive(self) -> None:
        now = self.clock()
        timeout = self.notifier.watchdog_timeout
        with self._lock:
            ping = bool(timeout) and now - self._last_ping >= (timeout or 0) / 4
            if ping:
                self._last_ping = now
            feed = self.procd is not None and now - self._last_procd >= self.procd.every / 2
            if feed:
                self._last_procd = now
        if ping:
            self.notifier.watchdog()
        if self.heartbeat is not None:
            self.heartbeat.beat()
        if feed and self.procd is not None:
            self.procd.feed()


def thread_stacks() -> str:
    """Return every thread's current stack, most recent call last, as text."""
    names = {thread.ident: thread.name for thread in threading.enumerate()}
    parts = []
    for ident, frame in sys._current_frames().items():
        name = names.get(ident, "unknown")
        stack = "".join(traceback.format_stack(frame))
        parts.append(f"Thread {name} (id {ident}), most recent call last:\n{stack}")
    return "\n".join(parts).rstrip()


# --- dmr-edge status --check -----------------------------------------------------------


def check_health(
    settings: Any, max_age: float | None = None, now: float | None = None
) -> tuple[bool, str]:
    """Given settings (and an optional data age limit), return (healthy, one line why).

    Unhealthy when the heartbeat is missing or older than its writer promised, or when an
    enabled source's data was last confirmed with its upstream longer ago than ``max_age``
    (by default: its own max age plus one daemon interval, jitter and watchdog).
    """
    from dmr_edge.status import collect_status

    now = time.time() if now is None else now
    daemon = settings.daemon
    problems: list[str] = []
    beat = read_heartbeat(settings.heartbeat_path, now)
    if beat is None:
        problems.append(f"no heartbeat at {settings.heartbeat_path} (is dmr-edge run running?)")
    else:
        limit = beat.stale_after
        if limit is None:
            limit = daemon.watchdog + STALE_MARGIN
        if beat.age == math.inf:
            problems.append(
                f"heartbeat {settings.heartbeat_path} is dated in the future (was the clock "
                "set back?): it proves nothing until it is touched again"
            )
        elif beat.age > limit:
            problems.append(
                f"heartbeat {_age(beat.age)} old (stale after {_age(limit)}): "
                f"dmr-edge {beat.mode or 'run'} is not making progress"
            )
    status = collect_status(settings, now=now)
    oldest: tuple[float, str] | None = None
    for name, source in status["sources"].items():
        if not source["enabled"]:
            continue
        # When the upstream last delivered or confirmed (304) what we hold.
        success = source.get("last_success")
        if not success:
            problems.append(f"{name} was never synced")
            continue
        age = age_since(success, now)
        if age == math.inf:
            problems.append(
                f"{name} data is dated in the future (was the clock set back?); "
                "it is fetched again at the next sync"
            )
            continue
        limit = max_age
        if limit is None:
            limit = settings.max_age_for(name) + daemon.interval + daemon.jitter + daemon.watchdog
        if age > limit:
            problems.append(f"{name} data is {_age(age)} old (limit {_age(limit)})")
        if oldest is None or age > oldest[0]:
            oldest = (age, name)
    if problems:
        return False, "; ".join(problems)
    parts = []
    if beat is not None:
        parts.append(f"heartbeat {_age(beat.age)} old")
    if oldest is not None:
        parts.append(f"oldest data {_age(oldest[0])} ({oldest[1]})")
    return True, "ok: " + ", ".join(parts)


def _age(seconds: float) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds / size:.1f}{unit}"
    return f"{seconds:.0f}s"
