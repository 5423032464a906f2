"""When the daemon syncs: interval and jitter, per-source backoff, Retry-After.

The loop tests run the real daemon in this process against the loopback upstream, with a
fake monotonic clock that only moves while the daemon sleeps between cycles; the cycles
themselves (download, parse, SQLite) are real.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any, List

import pytest

from dmr_edge.config import load_settings
from dmr_edge.daemon import CycleResult, Daemon, Schedule
from dmr_edge.sources import SOURCES
from tests.conftest import PATHS, table_rows, write_config
from tests.upstream import Fault

ALL = list(SOURCES)
USERS = "radioid_users"


# --- the schedule alone ------------------------------------------------------------------


def test_jitter_keeps_every_gap_between_interval_and_interval_plus_jitter():
    schedule = Schedule(3600, 300, rand=random.Random(1).uniform)
    gaps = [schedule.gap() for _ in range(2000)]
    assert all(3600 <= gap <= 3900 for gap in gaps)
    assert max(gaps) - min(gaps) > 250  # the jitter is actually spread, not a constant


def test_jitter_is_capped_at_the_interval():
    schedule = Schedule(60, 300, rand=random.Random(2).uniform)
    assert all(60 <= schedule.gap() <= 120 for _ in range(500))


def test_backoff_doubles_from_a_sixteenth_of_the_interval_up_to_the_interval():
    schedule = Schedule(160, 0)
    assert [schedule.backoff(n) for n in range(1, 8)] == [10, 20, 40, 80, 160, 160, 160]


def test_backoff_starts_at_one_minute_for_long_intervals():
    schedule = Schedule(3600, 0)
    steps = [schedule.backoff(n) for n in (1, 2, 3, 6, 7, 100, 10_000)]
    assert steps == [60, 120, 240, 1920, 3600, 3600, 3600]


def test_a_failed_source_is_retried_with_growing_backoff_and_reset_after_success():
    schedule = Schedule(160, 0)
    schedule.record({"a": (True, None), "b": (True, None)}, now=0)
    assert schedule.due == {"a": 160, "b": 160}
    delays = []
    now = 160.0
    for _ in range(4):
        schedule.record({"a": (False, None)}, now=now)
        delays.append(schedule.due["a"] - now)
        now = schedule.due["a"]
    assert delays == [10, 20, 40, 80]
    assert schedule.due["b"] == 160  # the healthy source keeps its own time
    schedule.record({"a": (True, None)}, now=now)
    assert schedule.due["a"] == now + 160
    schedule.record({"a": (False, None)}, now=now + 160)
    assert schedule.due["a"] == now + 160 + 10  # the backoff starts over


def test_retry_after_wins_over_the_backoff_even_beyond_the_interval():
    schedule = Schedule(160, 0)
    schedule.record({"a": (False, 900.0)}, now=0)
    assert schedule.due["a"] == 900
    assert schedule.forced(["a", "b"], now=100) == ["b"]  # a manual sync respects it too
    schedule.record({"a": (False, 1.0)}, now=1000)
    assert schedule.due["a"] == 1010  # but never sooner than the first backoff step
    schedule.record({"a": (False, 10 * 86400.0)}, now=0)
    assert schedule.due["a"] == 86400  # and an absurd wish is capped at a day


def test_a_source_with_a_longer_max_age_waits_for_it():
    schedule = Schedule(3600, 0)
    schedule.record({"a": (True, None), "b": (True, None)}, now=0, max_ages={"a": 86400})
    assert schedule.due == {"a": 86400, "b": 3600}
    assert schedule.due_now(["a", "b", "new"], now=3600) == ["b", "new"]
    assert schedule.next_due(["a", "b"]) == 3600


def test_a_shorter_interval_after_reload_takes_effect_at_once_within_max_ages():
    schedule = Schedule(3600, 0)
    schedule.record({"a": (True, None), "b": (True, None)}, now=0, max_ages={"b": 7200})
    schedule.configure(60, 0, now=10, max_ages={"b": 600})
    assert schedule.due == {"a": 70, "b": 610}


# --- the loop, on a fake clock -----------------------------------------------------------


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def fake_time_daemon(settings: Any, clock: FakeClock, on_cycle: Any) -> Daemon:
    """A daemon whose idle sleeps advance the fake clock instead of waiting."""
    daemon = Daemon(
        settings, clock=clock, on_cycle=on_cycle, rand=random.Random(3).uniform, environ={}
    )
    real_wait = daemon.wait

    def wait(timeout: float) -> None:
        if daemon.cycle_running:
            real_wait(min(timeout, 0.5))  # a real cycle: wait for its worker, clock frozen
        else:
            clock.now += timeout
            real_wait(0)

    daemon.wait = wait
    return daemon


def daemon_settings(tmp_path: Path, served: Any, extra: str) -> Any:
    """Settings whose sources' max age (0 s) never holds back the interval under test."""
    extra = '[sync]\nmax_age = "0s"\n' + extra
    config = write_config(tmp_path / "config.toml", tmp_path, served, extra=extra)
    return load_settings(str(config))


def test_the_loop_syncs_at_start_then_every_interval_plus_jitter(tmp_path, served):
    settings = daemon_settings(tmp_path, served, '[daemon]\ninterval = "100s"\njitter = "10s"\n')
    clock = FakeClock()
    cycles: List[CycleResult] = []

    def on_cycle(result: CycleResult) -> None:
        cycles.append(result)
        if len(cycles) == 5:
            daemon.request_stop()

    daemon = fake_time_daemon(settings, clock, on_cycle)
    assert daemon.run() == 0
    assert cycles[0].started == 1000.0
    gaps = [b.started - a.started for a, b in zip(cycles, cycles[1:])]
    assert all(100 <= gap <= 110 for gap in gaps), gaps
    assert len(set(gaps)) > 1  # jittered
    assert all(c.sources == ALL and c.exit_code == 0 for c in cycles)
    # Later cycles ask the upstream again (conditional: 304) whatever the cache files' age.
    assert served.count(PATHS[USERS]) == 5
    assert table_rows(tmp_path / "db.sqlite", "SELECT count(*) FROM users") == [(2,)]


def test_one_failing_source_backs_off_alone_and_recovers(tmp_path, served):
    settings = daemon_settings(tmp_path, served, '[daemon]\ninterval = "160s"\njitter = "0s"\n')
    clock = FakeClock()
    cycles: List[CycleResult] = []

    def on_cycle(result: CycleResult) -> None:
        cycles.append(result)
        if result.number == 1:
            served.set_fault(PATHS[USERS], Fault.status(503))
        if result.number == 4:
            served.set_fault(PATHS[USERS], None)
        if result.number == 6:
            daemon.request_stop()

    daemon = fake_time_daemon(settings, clock, on_cycle)
    assert daemon.run() == 0
    started = [c.started - 1000 for c in cycles]
    # 1: all fine. 2: users answers 503. 3, 4: users alone, after 10 s then 20 s, fails.
    # 5: users alone after 40 s, recovers. 6: the other five, on their own time.
    assert started == [0, 160, 170, 190, 230, 320]
    assert [c.sources for c in cycles] == [ALL, ALL, [USERS], [USERS], [USERS], ALL[1:]]
    assert [c.exit_code for c in cycles] == [0, 75, 75, 75, 0, 0]
    assert daemon.schedule.due[USERS] == 1000 + 230 + 160  # back on the normal interval
    for path in ALL[1:]:
        assert served.count(PATHS[path]) == 3  # never re-fetched because of users' outage


def test_retry_after_from_the_upstream_sets_the_next_try(tmp_path, served):
    settings = daemon_settings(tmp_path, served, '[daemon]\ninterval = "160s"\njitter = "0s"\n')
    served.set_fault(PATHS[USERS], Fault.status(429, retry_after="30"))
    clock = FakeClock()
    cycles: List[CycleResult] = []

    def on_cycle(result: CycleResult) -> None:
        cycles.append(result)
        if result.number == 1:
            served.set_fault(PATHS[USERS], None)
        if result.number == 2:
            daemon.request_stop()

    daemon = fake_time_daemon(settings, clock, on_cycle)
    assert daemon.run() == 0
    assert [c.started - 1000 for c in cycles] == [0, 30]
    assert cycles[1].sources == [USERS] and cycles[1].exit_code == 0


def test_a_sync_now_request_runs_every_source_at_once(tmp_path, served):
    settings = daemon_settings(tmp_path, served, '[daemon]\ninterval = "1h"\njitter = "0s"\n')
    clock = FakeClock()
    cycles: List[CycleResult] = []

    def on_cycle(result: CycleResult) -> None:
        cycles.append(result)
        if result.number == 1:
            daemon.request_cycle()
        else:
            daemon.request_stop()

    daemon = fake_time_daemon(settings, clock, on_cycle)
    assert daemon.run() == 0
    assert [c.started for c in cycles] == [1000, 1000]
    assert cycles[1].forced and cycles[1].sources == ALL and cycles[1].max_age == 0
    assert served.count(PATHS[USERS]) == 2


@pytest.mark.parametrize("interval", ["0s", "-1s", "soon"])
def test_run_refuses_an_interval_that_is_not_a_positive_duration(cli, config, interval):
    result = cli("run", "--config", config, "--once", "--interval", interval)
    assert result.code == 2
    assert "--interval" in result.err
