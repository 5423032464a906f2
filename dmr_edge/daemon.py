"""The daemon: sync cycles on a timer, each under a deadline.

How it fits together:

- The main thread owns the loop, the signals and the watchdog. It sleeps in ``select`` on a
  wake-up pipe (``signal.set_wakeup_fd``), so a signal or the end of a cycle wakes it at
  once; otherwise it wakes only when a source is due or a watcher must be fed. No polling.
- Each cycle runs in a worker thread: ``Syncer.sync()``, then the post-sync hooks
  (exports). The main thread waits for it until the cycle's deadline (``[daemon]
  watchdog``); past it, every thread's stack goes to the log and ``run`` returns with
  ``stuck`` set so the CLI exits non-zero at once, without waiting for the hung thread.
  Nothing is half-written: an open SQLite transaction never happened (WAL), and a download
  replaces the cache file only right before its transaction commits.
- Stopping: SIGTERM/SIGINT set a flag the worker checks at its safe points (every
  downloaded block, every written chunk, every retry sleep); there it raises ``Stop``,
  which rolls back the open transaction and discards the partial download.
- Signal handlers only record what arrived; the loop acts on it between waits (a handler
  that took a lock could deadlock the very thread it interrupted).
- Liveness (sd_notify ``WATCHDOG=1``, the heartbeat file, procd) is fed only by the idle
  loop and by the worker's progress callbacks, never by the supervising main thread, so a
  hung cycle goes quiet and the service manager notices.
"""

from __future__ import annotations

import faulthandler
import logging
import math
import os
import random
import select
import signal
import threading
import time
import traceback
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from typing import Any, Callable

from dmr_edge.arena import one_malloc_arena
from dmr_edge.config import Settings, format_duration
from dmr_edge.errors import EXIT_FAILURE, EXIT_OK, ConfigError, DmrEdgeError
from dmr_edge.lock import InstanceLock
from dmr_edge.logsetup import LogFile
from dmr_edge.record import dataclass, field
from dmr_edge.watchdog import (
    STALE_MARGIN,
    Heartbeat,
    Liveness,
    Notifier,
    ProcdWatchdog,
    thread_stacks,
)

log = logging.getLogger("dmr_edge.daemon")

RETRY_BASE_MAX = 60.0  # first retry after a failure: a minute, or interval/16 if shorter
RETRY_AFTER_MAX = 86400.0  # an upstream asking for more than a day is not taken literally
STOP_GRACE = 10.0  # how long a stop waits for the cycle to reach a safe point
LOCK_RETRY = 2.0  # seconds between tries of the work lock while an import or a sync holds it
HARD_DEADLINE_GRACE = 30.0  # faulthandler's backstop, for a main thread that cannot run

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
HANDLED_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGUSR1)


class Stop(BaseException):
    """Raised inside a cycle, at a safe point, when the daemon has been asked to stop.

    A ``BaseException`` so no ``except Exception`` on the way swallows it: every transaction
    it crosses rolls back and every temporary download it crosses is discarded.
    """


def _duration(seconds: float) -> str:
    """Return seconds as log text: ``59.9m``, ``4s``, ``0.3s``."""
    for unit, size in (("h", 3600.0), ("m", 60.0)):
        if seconds >= size:
            return f"{seconds / size:.1f}{unit}"
    return f"{seconds:.0f}s" if seconds >= 10 else f"{seconds:.1f}s"


class Schedule:
    """When each source is next due, on a monotonic clock.

    A source that synced is due again after the interval plus a random jitter (one draw per
    cycle, so the sources of a cycle stay together), or after its own max age when that is
    longer. A source that failed is retried after an exponential backoff capped at the
    interval, or after its upstream's ``Retry-After`` when it sent one; the other sources
    keep their own times.

    Only the first cycle of a process trusts the wall clock (the cache files' ages, so a
    restart does not fetch everything again); after that, a due source is fetched (a
    conditional request), so a wall-clock jump neither storms nor stalls the loop.
    """

    def __init__(
        self,
        interval: float,
        jitter: float,
        *,
        rand: Callable[[float, float], float] = random.uniform,
    ) -> None:
        self.interval = interval
        self.jitter = jitter
        self.rand = rand
        self.due: dict[str, float] = {}
        self.failures: dict[str, int] = {}
        self.not_before: dict[str, float] = {}  # when an upstream asked us to come back

    @property
    def retry_base(self) -> float:
        return min(RETRY_BASE_MAX, self.interval / 16)

    def configure(
        self,
        interval: float,
        jitter: float,
        now: float,
        max_ages: Mapping[str, float] | None = None,
    ) -> None:
        """Apply a new interval, jitter and max ages; shorter ones take effect now."""
        self.interval, self.jitter = interval, jitter
        for name, due in self.due.items():
            if name not in self.failures:
                wait = max(interval, (max_ages or {}).get(name, 0.0))
                self.due[name] = min(due, now + wait)

    def gap(self) -> float:
        """Return the time from the end of a good cycle to the next: interval + jitter."""
        return self.interval + self.rand(0.0, min(self.jitter, self.interval))

    def backoff(self, failures: int) -> float:
        """Return the wait before retry number ``failures`` (1, 2, ...) of a source."""
        return min(self.interval, self.retry_base * 2.0 ** min(failures - 1, 40))

    def due_now(self, names: list[str], now: float) -> list[str]:
        """Return the sources due at ``now`` (a source never seen is due at once)."""
        return [n for n in names if self.due.get(n, -math.inf) <= now]

    def forced(self, names: list[str], now: float) -> list[str]:
        """Return the sources a manual "sync now" may run: all but those told to wait."""
        return [n for n in names if self.not_before.get(n, -math.inf) <= now]

    def next_due(self, names: list[str]) -> float | None:
        return min((self.due.get(n, -math.inf) for n in names), default=None)

    def record(
        self,
        outcomes: Mapping[str, tuple[bool, float | None]],
        now: float,
        max_ages: Mapping[str, float] | None = None,
    ) -> None:
        """Given each source's (succeeded, retry_after) from a cycle ending at ``now``, and
        each source's own max age, schedule its next run."""
        gap = self.gap()
        for name, (ok, retry_after) in outcomes.items():
            if ok:
                self.failures.pop(name, None)
                self.not_before.pop(name, None)
                self.due[name] = now + max(gap, (max_ages or {}).get(name, 0.0))
                continue
            failures = self.failures.get(name, 0) + 1
            self.failures[name] = failures
            delay = self.backoff(failures)
            if retry_after is not None:
                delay = min(max(retry_after, self.retry_base), RETRY_AFTER_MAX)
                self.not_before[name] = now + delay
            else:
                self.not_before.pop(name, None)
            self.due[name] = now + delay


@dataclass
class CycleResult:
    """What one cycle did: its sources, its ``SyncReport`` or error, and how it ended."""

    number: int
    started: float
    sources: list[str]
    forced: bool = False  # a manual "sync now" (SIGUSR1)
    max_age: float | None = None  # handed to the Syncer: None trusts the cache files' ages
    ended: float = 0.0
    report: Any = None  # SyncReport
    warnings: list[str] = field(default_factory=list)
    error: BaseException | None = None
    trace: str = ""
    outcome: str = "done"  # done | stopped | aborted (watchdog) | abandoned (stuck on stop)
    finished: bool = False  # set by the worker as its very last step

    @property
    def exit_code(self) -> int:
        if self.outcome == "aborted":
            return EXIT_FAILURE
        if self.outcome in ("stopped", "abandoned"):
            return EXIT_OK
        if isinstance(self.error, DmrEdgeError):
            return self.error.exit_code
        if self.error is not None or self.report is None:
            return EXIT_FAILURE
        return int(self.report.exit_code)


class Daemon:
    """``dmr-edge run``: the loop, its signals, its lock and its watchdog."""

    def __init__(
        self,
        settings: Settings,
        *,
        load: Callable[[], Settings] | None = None,
        once: bool = False,
        wait_for_lock: bool = False,
        hard_deadline: bool = False,
        clock: Callable[[], float] = time.monotonic,
        rand: Callable[[float, float], float] = random.uniform,
        environ: Mapping[str, str] | None = None,
        on_cycle: Callable[[CycleResult], None] | None = None,
    ) -> None:
        self.settings = settings
        self.load = load
        self.once = once
        self.wait_for_lock = wait_for_lock
        self.hard_deadline = hard_deadline
        self.clock = clock
        self.environ = os.environ if environ is None else environ
        self.on_cycle = on_cycle
        self.schedule = Schedule(settings.daemon.interval, settings.daemon.jitter, rand=rand)
        self.notifier = Notifier(self.environ)
        self.liveness = Liveness(self.notifier, clock=clock)
        self.log_file = LogFile()
        self.stopping = threading.Event()  # read by the worker at its safe points
        self.stuck = False  # a thread is hung: the caller must exit without waiting for it
        self.cycles = 0
        self.cycle_running = False
        self.wait: Callable[[float], None] = self._wait  # tests may drive a fake clock
        self._pending: list[int] = []  # signals received, not yet acted on
        self._stop_requested = False
        self._reload_requested = False
        self._now_requested = False
        self._phases: set[tuple[str, str]] = set()
        self._synced_once = False
        self._rfd = self._wfd = -1
        self._work_lock = InstanceLock(settings.lock_path)
        self._lock_waiting_for: int | None = None  # pid already named in the log

    # --- lifecycle ---------------------------------------------------------------------

    def run(self) -> int:
        """Hold the daemon lock and run cycles until stopped (one with ``once``), each
        cycle holding the work lock (so ``import`` or ``sync`` may run between cycles).

        Return the exit code: 0 when stopped by a signal, the cycle's with ``once``, 1 when
        the watchdog aborted a cycle (then ``stuck`` is set). Raise ``LockError`` when
        another daemon holds the lock (or, with ``once`` and no ``wait_for_lock``, another
        dmr-edge writes the database), ``ConfigError`` for an unusable configuration.
        """
        lock = InstanceLock(self.settings.daemon_lock_path)
        lock.acquire(wait=self.wait_for_lock)
        self._work_lock = InstanceLock(self.settings.lock_path)
        try:
            self.log_file.use(self.settings.daemon.log_file)
            self._open_wakeup()
            with self._signal_handlers():
                self._start_watchers()
                return self._loop()
        finally:
            self._close_wakeup()
            self.notifier.close()
            self.log_file.close()
            if not self.stuck:  # a hung thread may still write: keep the locks until exit
                self._work_lock.release()
                lock.release()

    def request_stop(self) -> None:
        """Ask the loop to stop, as SIGTERM does (callable from any thread)."""
        self._pending.append(signal.SIGTERM)
        self._wake()

    def request_cycle(self) -> None:
        """Ask for a cycle now, as SIGUSR1 does (callable from any thread)."""
        self._pending.append(signal.SIGUSR1)
        self._wake()

    def _names(self) -> list[str]:
        return [source.name for source in self.settings.enabled_sources()]

    @staticmethod
    def _max_ages(settings: Settings) -> dict[str, float]:
        return {name: settings.max_age_for(name) for name in settings.sources}

    def _start_watchers(self) -> None:
        daemon = self.settings.daemon
        if self.once:
            stale_after = daemon.interval + daemon.jitter + daemon.watchdog + STALE_MARGIN
        else:
            stale_after = daemon.watchdog + STALE_MARGIN
        heartbeat = Heartbeat(
            self.settings.heartbeat_path,
            stale_after,
            mode="once" if self.once else "run",
            clock=self.clock,
        )
        heartbeat.start()
        procd = ProcdWatchdog.from_environ(self.environ) if daemon.procd_watchdog else None
        self.liveness = Liveness(self.notifier, heartbeat, procd, clock=self.clock)

    def _loop(self) -> int:
        settings = self.settings
        names = self._names()
        jitter = min(settings.daemon.jitter, settings.daemon.interval)
        log.info(
            "dmr-edge %s: pid %d, every %s%s, watchdog %s, sources %s, database %s",
            "run --once" if self.once else "run",
            os.getpid(),
            format_duration(settings.daemon.interval),
            f" plus up to {format_duration(jitter)}" if jitter else "",
            format_duration(settings.daemon.watchdog),
            ", ".join(names) or "none",
            settings.db,
        )
        self.notifier.ready("started; first sync running" if names else "started; no source")
        if self.once:
            if not names:
                raise ConfigError("no source is enabled (see [sources.NAME] enabled in the config)")
            if not self.wait_for_lock:
                self._work_lock.acquire()
            while not self._take_work_lock():
                self._take_signals()
                if self._stop_requested:
                    return EXIT_OK
                self.liveness.alive()
                self.wait(LOCK_RETRY)
            result = self._locked_cycle(names, forced=False)
            if result.outcome != "aborted":
                self.notifier.stopping("stopping after one cycle")
            return result.exit_code
        warned_idle = False
        while True:
            self._take_signals()
            if self._stop_requested:
                break
            now = self.clock()
            names = self._names()
            forced = self._now_requested
            self._now_requested = False
            due = self.schedule.forced(names, now) if forced else self.schedule.due_now(names, now)
            if due and not self._take_work_lock():
                # An import or a sync writes the database: wait for it, alive and listening.
                self._now_requested = self._now_requested or forced
                self.liveness.alive()
                self.wait(LOCK_RETRY)
                continue
            if due:
                result = self._locked_cycle(due, forced)
                if result.outcome == "aborted":
                    return result.exit_code
                if result.outcome in ("stopped", "abandoned"):
                    break
                continue
            if names:
                warned_idle = False
            elif not warned_idle:
                log.warning("warning: no source is enabled; waiting for a configuration reload")
                warned_idle = True
            self.liveness.alive()  # the idle loop itself is the proof of life
            timeout = self.liveness.idle_slice()
            next_due = self.schedule.next_due(names)
            if next_due is not None:
                timeout = min(timeout, max(0.0, next_due - now))
            self.wait(timeout)
        self.notifier.stopping("stopping")
        log.info("stopped")
        return EXIT_OK

    # --- signals and waking up ---------------------------------------------------------

    def _open_wakeup(self) -> None:
        self._rfd, self._wfd = os.pipe()
        os.set_blocking(self._rfd, False)
        os.set_blocking(self._wfd, False)

    def _close_wakeup(self) -> None:
        for fd in (self._rfd, self._wfd):
            if fd >= 0:
                with suppress(OSError):
                    os.close(fd)
        self._rfd = self._wfd = -1

    def _wake(self) -> None:
        if self._wfd >= 0:
            with suppress(OSError):  # a full pipe already wakes the loop
                os.write(self._wfd, b"\0")

    def _wait(self, timeout: float) -> None:
        """Sleep until ``timeout`` passes, a signal arrives or the cycle's worker ends."""
        if self._rfd < 0:
            time.sleep(max(0.0, timeout))
            return
        readable, _, _ = select.select([self._rfd], [], [], max(0.0, timeout))
        if readable:
            with suppress(OSError):
                while os.read(self._rfd, 512):
                    pass

    def _on_signal(self, signum: int, frame: Any) -> None:
        self._pending.append(signum)  # nothing else: see the module docstring

    @contextmanager
    def _signal_handlers(self) -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread():
            yield  # signals are delivered to the main thread only: nothing to install
            return
        previous: dict[int, Any] = {}
        old_fd = signal.set_wakeup_fd(self._wfd, warn_on_full_buffer=False)
        try:
            for signum in HANDLED_SIGNALS:
                previous[signum] = signal.signal(signum, self._on_signal)
            yield
        finally:
            for number, handler in previous.items():
                signal.signal(number, handler if handler is not None else signal.SIG_DFL)
            signal.set_wakeup_fd(old_fd)

    def _take_signals(self) -> None:
        pending, self._pending = self._pending, []
        for signum in pending:
            if signum in STOP_SIGNALS:
                if not self._stop_requested:
                    log.info("%s received: stopping", signal.Signals(signum).name)
                self._stop_requested = True
                self.stopping.set()
            elif signum == signal.SIGHUP:
                self._reload_requested = True
            elif signum == signal.SIGUSR1:
                log.info("SIGUSR1 received: syncing now")
                self._now_requested = True
        if self._reload_requested and not self.cycle_running and not self._stop_requested:
            self._reload()

    def _reload(self) -> None:
        self._reload_requested = False
        if self.load is None:
            return
        self.notifier.reloading()
        old = self.settings
        try:
            new = self.load()
            if new.db != old.db:
                raise ConfigError(f"db changed from {old.db} to {new.db}: that needs a restart")
            self.log_file.use(new.daemon.log_file)
        except ConfigError as exc:
            log.error("error: reload failed, still running on the previous configuration: %s", exc)
            self.notifier.ready(f"reload failed: {exc}")
            return
        except Exception as exc:  # a bug must not take the running daemon down
            log.error(
                "error: reload failed (%s: %s), still running on the previous configuration",
                type(exc).__name__,
                exc,
            )
            self.notifier.ready("reload failed")
            return
        self.settings = new
        timing = (new.daemon.interval, new.daemon.jitter, self._max_ages(new))
        if timing != (old.daemon.interval, old.daemon.jitter, self._max_ages(old)):
            self.schedule.configure(*timing[:2], self.clock(), timing[2])
        if (new.heartbeat_path, new.daemon) != (old.heartbeat_path, old.daemon):
            self._start_watchers()
        log.info(
            "reloaded %s: every %s, watchdog %s, sources %s",
            new.config_path or "the built-in defaults",
            format_duration(new.daemon.interval),
            format_duration(new.daemon.watchdog),
            ", ".join(self._names()) or "none",
        )
        self.notifier.ready("configuration reloaded")

    # --- one cycle ---------------------------------------------------------------------

    def _take_work_lock(self) -> bool:
        """Take the work lock if it is free; say once in the log who holds it if not."""
        if self._work_lock.try_acquire():
            if self._lock_waiting_for is not None:
                log.info("the other dmr-edge finished; cycle starting")
            self._lock_waiting_for = None
            return True
        holder = self._work_lock.holder or 0
        if holder != self._lock_waiting_for:
            log.info(
                "waiting: another dmr-edge%s is writing the database (an import or a sync); "
                "the cycle starts when it ends",
                f" (pid {holder})" if holder else "",
            )
            self._lock_waiting_for = holder
        return False

    def _locked_cycle(self, names: list[str], forced: bool) -> CycleResult:
        """Run a cycle holding the work lock, and let go of it afterwards (unless a thread
        is hung: it may still write, so the lock stays until the process exits)."""
        try:
            return self._cycle(names, forced)
        finally:
            if not self.stuck:
                self._work_lock.release()

    def _cycle(self, names: list[str], forced: bool) -> CycleResult:
        """Run one cycle in a worker thread and supervise it; return how it went."""
        settings = self.settings
        self.cycles += 1
        started = self.clock()
        result = CycleResult(self.cycles, started, list(names), forced)
        if forced or self._synced_once:
            result.max_age = 0.0  # the monotonic schedule says these sources are due
        one_malloc_arena()
        worker = threading.Thread(
            target=self._work,
            args=(settings, result),
            name=f"dmr-edge-cycle-{self.cycles}",
            daemon=True,
        )
        deadline = started + settings.daemon.watchdog
        give_up: float | None = None
        self.cycle_running = True
        self._arm_backstop(settings.daemon.watchdog)
        self.liveness.alive()
        worker.start()
        try:
            while not result.finished:
                self._take_signals()
                now = self.clock()
                if self.stopping.is_set() and give_up is None:
                    give_up = now + STOP_GRACE
                if now >= deadline:
                    return self._abort(result, settings)
                if give_up is not None and now >= give_up:
                    log.warning(
                        "warning: the cycle did not reach a safe point within %s (blocked in "
                        "I/O); exiting without it: what it had not committed is discarded",
                        _duration(STOP_GRACE),
                    )
                    self.stuck = True
                    result.outcome = "abandoned"
                    return result
                self.wait((deadline if give_up is None else min(deadline, give_up)) - now)
        finally:
            self._disarm_backstop()
            self.cycle_running = False
        worker.join()
        result.ended = self.clock()
        self._finish(result)
        return result

    def _work(self, settings: Settings, result: CycleResult) -> None:
        """The worker thread: sync the cycle's sources, then run the post-sync hooks."""
        from dmr_edge.hooks import after_sync
        from dmr_edge.sync import Syncer

        self._phases = set()
        try:
            syncer = Syncer(
                settings,
                only=result.sources,
                max_age=result.max_age,
                patient=True,
                sleep=self._sleep,
                fetch_progress=self._on_download,
                record_progress=self._on_records,
            )
            result.report = syncer.sync()
            # Exports run even if a stop arrived meanwhile: the data is committed already.
            result.warnings = after_sync(settings, result.report)
        except BaseException as exc:
            result.error = exc
            if not isinstance(exc, (Stop, DmrEdgeError)):
                result.trace = traceback.format_exc()
        finally:
            result.finished = True
            self._wake()

    def _checkpoint(self, source: str, phase: str) -> None:
        """A safe point of the worker: stop here if asked, else show progress."""
        if self.stopping.is_set():
            raise Stop()
        if (source, phase) not in self._phases:
            self._phases.add((source, phase))
            log.debug("%s: %s", source, phase)
        self.liveness.alive()

    def _on_download(self, source: str, done: int, total: int | None) -> None:
        self._checkpoint(source, "downloading")

    def _on_records(self, source: str, count: int) -> None:
        self._checkpoint(source, "writing rows")

    def _sleep(self, seconds: float) -> None:
        """The fetcher's retry wait: alive, and cut short by a stop."""
        end = time.monotonic() + seconds
        while True:
            if self.stopping.is_set():
                raise Stop()
            left = end - time.monotonic()
            if left <= 0:
                return
            self.liveness.alive()
            self.stopping.wait(min(left, self.liveness.idle_slice()))

    def _abort(self, result: CycleResult, settings: Settings) -> CycleResult:
        limit = format_duration(settings.daemon.watchdog)
        log.critical(
            "watchdog: cycle %d (%s) passed its deadline ([daemon] watchdog = %s); aborting "
            "so the service manager restarts dmr-edge. Every thread's stack follows.",
            result.number,
            ", ".join(result.sources),
            limit,
        )
        log.critical("%s", thread_stacks())
        self.notifier.status(f"watchdog: cycle {result.number} passed its {limit} deadline")
        self.stuck = True
        result.outcome = "aborted"
        result.ended = self.clock()
        return result

    def _arm_backstop(self, deadline: float) -> None:
        """If the main thread itself cannot run at the deadline (a C call holding the GIL),
        faulthandler's own thread dumps every stack and exits 1 a little later."""
        if self.hard_deadline:
            with suppress(ValueError, OSError, RuntimeError, AttributeError):
                faulthandler.dump_traceback_later(deadline + HARD_DEADLINE_GRACE, exit=True)

    def _disarm_backstop(self) -> None:
        if self.hard_deadline:
            faulthandler.cancel_dump_traceback_later()

    def _finish(self, result: CycleResult) -> None:
        """Log the cycle's one line, schedule its sources, update systemd's STATUS."""
        now = result.ended
        seconds = result.ended - result.started
        if isinstance(result.error, Stop):
            result.outcome = "stopped"
            log.info(
                "cycle %d stopped after %s: its open transaction rolled back, partial "
                "downloads discarded",
                result.number,
                _duration(seconds),
            )
            return
        outcomes: dict[str, tuple[bool, float | None]] = {}
        if result.report is not None:
            for source in result.report.sources:
                outcomes[source.source] = (source.exit_code == EXIT_OK, source.retry_after)
        else:
            outcomes = {name: (False, None) for name in result.sources}
        self.schedule.record(outcomes, now, self._max_ages(self.settings))
        self._synced_once = True
        parts = []
        if result.report is not None:
            for source in result.report.sources:
                text = f"{source.source}: {source.summary()}"
                if source.exit_code != EXIT_OK and not self.once:
                    text += f" (retry in {_duration(self.schedule.due[source.source] - now)})"
                parts.append(text)
        else:
            error = result.error
            message = str(error) if isinstance(error, DmrEdgeError) else repr(error)
            parts.append(f"error: {message}")
            if result.trace:
                log.error("internal error in cycle %d:\n%s", result.number, result.trace.rstrip())
        failed = sum(1 for ok, _ in outcomes.values() if not ok)
        tail = f"{_duration(seconds)}"
        next_due = self.schedule.next_due(self._names())
        if not self.once and next_due is not None:
            tail += f", next in {_duration(max(0.0, next_due - now))}"
        line = f"cycle {result.number}{' (now)' if result.forced else ''}: " + "; ".join(parts)
        (log.warning if failed else log.info)("%s [%s]", line, tail)
        for warning in result.warnings:
            log.warning("warning: %s", warning)
        ok = len(outcomes) - failed
        changed = (
            sum(1 for s in result.report.sources if s.changed) if result.report is not None else 0
        )
        self.notifier.status(
            f"{time.strftime('%H:%M:%S')} cycle {result.number}: {ok} of {len(outcomes)} "
            f"sources ok, {changed} changed" + (f"; {failed} failed" if failed else "")
        )
        if self.on_cycle is not None:
            self.on_cycle(result)
