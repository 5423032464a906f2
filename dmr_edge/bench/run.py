"""``run_bench``: every measurement of ``dmr-edge bench``, in order, and the tables.

Given a scale, a number of repeats and optionally real users files, generate the six
sources' documents, serve them from loopback mirrors (a fast one, and a throttled one for
the slow link), plan the repeated cold loads so that they run round-robin, then draw
tables 1-9 and judge the targets on the same run. Nothing here prints: the CLI shows
``BenchResult.markdown()`` or ``as_dict()``.
"""

from __future__ import annotations

import contextlib
import os
import platform
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from dmr_edge.bench import BenchError, device, incremental, limits, loads
from dmr_edge.bench.machine import cpu_model, filesystem_of, ijson_info, load_average
from dmr_edge.bench.session import (
    SCALE_FACTOR,
    USERS,
    USERS_COLD,
    Bench,
    Progress,
)
from dmr_edge.bench.stats import Measured
from dmr_edge.bench.tables import BenchResult, ratio
from dmr_edge.bench.targets import Earlier, Measurements, goals, targets

WEEK_COLD = "cold load of the week's new users file"


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
    from dmr_edge.sync import choose_mode

    started = time.monotonic()
    load_start = load_average()
    for path in users:
        if not Path(path).is_file():
            raise BenchError(f"{path}: no such users file")
    with work_directory(work_dir, keep) as work:
        bench = Bench(work, scale=scale, repeat=repeat, users=users, progress=progress)
        bench.start()
        try:
            bench.prepare()
            bench.warm_up()
            # Plan every repeated cold load before running any, so they run round-robin.
            loads.plan(bench)
            bench.plan_users_cold()
            limits.plan(bench)
            bench.plan_cold(WEEK_COLD, {USERS: bench.week_route})
            modes_table, modes = loads.table_modes(bench)
            chunks_table = loads.table_chunks(bench)
            users_cold = bench.users_cold()
            incremental_table, changes = incremental.table_incremental(bench, users_cold)
            scaling_table, small, big = loads.table_scaling(bench)
            parsers_table, parsers = loads.table_parsers(bench, users_cold)
            limits_table, loaders = limits.table_limits(bench, users_cold)
            week_cold = bench.cold(WEEK_COLD, {USERS: bench.week_route})
            offline = loaders[limits.OFFLINE_ROW]
            week = changes[bench.week_label]
            week_export = changes[bench.week_label + incremental.WITH_EXPORT]
            written: dict[str, Measured] = {
                USERS_COLD: users_cold,
                WEEK_COLD: week_cold,
                "users, `sync --offline` from the cache": offline,
                **changes,
            }
            written_table = device.table_written(bench, written)
            memory_table, _floors = device.table_memory(
                bench,
                offline,
                {
                    "users, cold load": users_cold,
                    f"the week ({bench.week_label}), all six sources": week,
                    "all six sources, cold load": changes[incremental.REFERENCE],
                    "nothing changed (six 304s)": changes[incremental.NO_CHANGE],
                },
            )
            slow_table, _slow = device.table_slow_link(bench)
            found = targets(
                Measurements(
                    users_cold=users_cold,
                    offline=offline,
                    week=week,
                    week_export=week_export,
                    week_cold=week_cold,
                    week_name=bench.week_label,
                    sqlite=loaders.get(limits.SQLITE_ROW),
                    naive=loaders.get(limits.NAIVE_ROW),
                )
            )
            earlier = goals(
                Earlier(
                    users_cold=users_cold,
                    no_change=changes[incremental.NO_CHANGE],
                    week=week,
                    week_name=bench.week_label,
                    small=small,
                    big=big,
                    speedup=ratio(modes["sequential"].wall, modes["parallel"].wall),
                    picks_parallel=choose_mode(1 << 40)[0] == "parallel",
                    pure_python=parsers.get(loads.PURE_PYTHON_SCANNER),
                    naive=loaders.get(limits.NAIVE_ROW),
                    scale_factor=SCALE_FACTOR,
                )
            )
            version, backend = ijson_info(bench.env)
            fs = filesystem_of(work)
        finally:
            bench.stop()
    notes = []
    if fs in ("tmpfs", "ramfs"):
        notes.append(
            f"the work directory was on {fs}: nothing there reaches a disk, so the "
            "bytes-written figures may read 0; use --dir on a real filesystem."
        )
    load_end = load_average()
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
            written_table,
            memory_table,
            slow_table,
        ],
        targets=found,
        goals=earlier,
        seconds=time.monotonic() - started,
    )
