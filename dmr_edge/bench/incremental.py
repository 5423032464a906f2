"""Table 3: incremental syncs, from nothing changed to a real week, with the default config."""

from __future__ import annotations

import shutil
import statistics
from pathlib import Path

from dmr_edge.bench.session import (
    BIG_CHANGE,
    SOURCE_NAMES,
    USERS,
    WEEK_CHANGE,
    Bench,
)
from dmr_edge.bench.stats import Measured
from dmr_edge.bench.tables import Table, fmt_mb, fmt_seconds, fmt_written

NO_CHANGE = "no change (HTTP 304)"
SAME_CONTENT = "no change (same content, no 304)"
REFERENCE = "cold load of all sources (reference)"
WITH_EXPORT = ", with `[export] dmrids`"


def _point_users(bench: Bench, run_dir: Path, route: str, export: bool = False) -> None:
    routes = bench.all_routes()
    routes[USERS] = route
    bench.write_config(run_dir, routes, export=export)


def _validators(bench: Bench, on: bool) -> None:
    for name in SOURCE_NAMES:
        bench.server.set(name, bench.server.path(name), etag=on)


def table_incremental(bench: Bench, users_cold: Measured) -> tuple[Table, dict[str, Measured]]:
    """Given the users' cold load, measure each kind of change; return the table and rows."""
    run_dir = bench.new_dir()
    bench.write_config(run_dir, bench.all_routes())
    bench.progress("table 3: the cold load to start from")
    reference = Measured(REFERENCE, [bench.sync(run_dir)])

    def measure(
        label: str, before: str | None = None, after: str | None = None, export: bool = False
    ) -> Measured:
        runs = []
        for index in range(bench.repeat):
            bench.progress(f"table 3, {label}: run {index + 1} of {bench.repeat}")
            if before is not None and after is not None:
                # Back to the base document (not measured), then the change (measured).
                _point_users(bench, run_dir, before, export)
                bench.sync(run_dir)
                _point_users(bench, run_dir, after, export)
            runs.append(bench.sync(run_dir))
        if before is not None:
            _point_users(bench, run_dir, before)
            bench.sync(run_dir)
        return Measured(label, runs)

    results: dict[str, Measured] = {}
    results[NO_CHANGE] = measure(NO_CHANGE)
    _validators(bench, False)
    results[SAME_CONTENT] = measure(SAME_CONTENT)
    _validators(bench, True)
    changes = [
        (f"{WEEK_CHANGE:.2%} of users changed", f"{USERS}_change{WEEK_CHANGE:g}"),
        (f"{BIG_CHANGE:.0%} of users changed", f"{USERS}_change{BIG_CHANGE:g}"),
    ]
    if len(bench.users) > 1:
        changes.append((bench.week_label, bench.week_route))
    for label, route in changes:
        results[label] = measure(label, USERS, route)
    # A hotspot exports DMRIds.dat after each sync that changed users (packaging/pi-star.md).
    label = bench.week_label + WITH_EXPORT
    results[label] = measure(label, USERS, bench.week_route, export=True)
    shutil.rmtree(run_dir, ignore_errors=True)
    all_cold = reference.runs[0].db_written or 0
    users_written = users_cold.db_written
    cold_users = int(users_written.median) if users_written is not None else 0
    rows = [_row(reference, all_cold, cold_users)]
    rows += [_row(m, all_cold, cold_users) for m in results.values()]
    notes = [
        f"All six sources enabled ({bench.users_note()}), the default configuration; every "
        "sync re-checks every source (`--max-age 0`). Only the users document changes; "
        "the five others answer 304. Wall time is the whole process, start-up included.",
        "Rows changed: +inserted ~updated −deleted. A real week of radioid churn is "
        "0.33 % (613 added, 30 removed, 343 changed of 295,113).",
        "Written, all: every byte the sync process wrote (/proc/<pid>/io write_bytes "
        "less cancelled_write_bytes), split by place in table 7.",
        "Written to db: what the sync wrote to the database, its WAL and -shm (table 7 "
        "says how it is told from the rest). Each changed 4 KiB page is written twice, to "
        "the WAL at commit and to the database at checkpoint.",
        f"Of a cold load: the db bytes against the cold load of all sources above, and "
        f"against a cold load of the users alone ({fmt_written(users_written)}, table 6).",
    ]
    table = Table(
        3,
        "Incremental syncs",
        [
            "change",
            "wall s",
            "rows changed",
            "written, all",
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
    return table, {REFERENCE: reference, **results}


def _row(m: Measured, all_cold: int, users_cold: int) -> list[str]:
    ins, upd, dele = (int(statistics.median(c)) for c in zip(*(r.changes() for r in m.runs)))
    written = m.db_written

    def share(total: int) -> str:
        if written is None or not total:
            return "n/a"
        return f"{written.median / total:.1%}"

    return [
        m.label,
        fmt_seconds(m.wall),
        f"+{ins:,} ~{upd:,} −{dele:,}",
        fmt_written(m.written),
        fmt_written(written),
        share(all_cold),
        share(users_cold),
        fmt_mb(m.downloaded),
        fmt_mb(m.rss_above, signed=True),
    ]
