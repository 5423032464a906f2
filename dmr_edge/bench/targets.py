"""The targets, each judged on measurements taken in the same bench run.

``targets`` are what an edge device pays, all with the default configuration: the bytes
the week's sync writes, the users cache on disk, whole-process peak RSS online and
offline, and the speed of a cold load against the sqlite3 shell and a naive loader, and of
the week's incremental sync against a cold load of the same file. ``goals`` are the
earlier ones the bench still checks.
"""

from __future__ import annotations

from dataclasses import dataclass

from dmr_edge.bench.stats import Measured
from dmr_edge.bench.tables import MB, Target, fmt_bytes, fmt_written, ratio

WRITTEN_GOAL = 20 * MB
CACHE_GOAL = 8 * MB
ONLINE_RSS_GOAL = 30 * MB
OFFLINE_RSS_GOAL = 20 * MB
SQLITE_GOAL = 2.2
WEEK_GOAL = 0.5


@dataclass
class Measurements:
    """What the targets are judged on, all from one run."""

    users_cold: Measured  # online cold load of the users alone
    offline: Measured  # sync --offline of the same users, from the cache
    week: Measured  # the week's incremental sync, all six sources
    week_export: Measured  # the same with [export] dmrids
    week_cold: Measured  # a cold load of the week's new users file
    week_name: str
    sqlite: Measured | None  # the sqlite3 shell's .import of the same rows
    naive: Measured | None  # json.load + executemany


def _median(stat: object) -> float | None:
    return getattr(stat, "median", None)


def targets(m: Measurements) -> list[Target]:
    """Given the measurements, return the seven targets of what an edge device pays."""
    found: list[Target] = []
    written = _median(m.week.written)
    cache = _median(m.week.place("cache"))
    database = _median(m.week.place("database"))
    with_export = _median(m.week_export.written)
    found.append(
        Target(
            f"bytes written by the week's online sync, all of them ({m.week_name})",
            "≤ 20 MB",
            f"{fmt_bytes(written)} (cache {fmt_bytes(cache)}, database + WAL "
            f"{fmt_bytes(database)}); with `[export] dmrids` {fmt_bytes(with_export)}",
            None if written is None else written <= WRITTEN_GOAL,
        )
    )
    disk = _median(m.users_cold.cache_disk)
    size = _median(m.users_cold.stat(lambda r: r.cache_size))
    found.append(
        Target(
            "users cache on disk (on Pi-Star and OpenWrt a tmpfs: RAM)",
            "≤ 8 MB",
            f"{fmt_bytes(disk)} on disk ({fmt_bytes(size)} of files) after a cold load "
            f"of {m.users_cold.records:,} users",
            None if disk is None else disk <= CACHE_GOAL,
        )
    )
    online = m.users_cold.rss.median
    found.append(
        Target(
            "whole-process peak RSS, online sync of the users",
            "≤ 30 MB",
            f"{online / MB:.1f} MB",
            online <= ONLINE_RSS_GOAL,
        )
    )
    offline = m.offline.rss.median
    found.append(
        Target(
            "whole-process peak RSS, `sync --offline`",
            "≤ 20 MB",
            f"{offline / MB:.1f} MB",
            offline <= OFFLINE_RSS_GOAL,
        )
    )
    if m.sqlite is not None:
        times = ratio(m.offline.wall, m.sqlite.wall)
        found.append(
            Target(
                "cold load, `sync --offline`, against sqlite3 `.import` of the same rows",
                "≤ 2.2× its time",
                f"{times:.2f}× ({m.offline.wall.median:.2f} s against "
                f"{m.sqlite.wall.median:.2f} s); online, with the download, "
                f"{ratio(m.users_cold.wall, m.sqlite.wall):.2f}×",
                times <= SQLITE_GOAL,
            )
        )
    else:
        found.append(
            Target(
                "cold load, `sync --offline`, against sqlite3 `.import` of the same rows",
                "≤ 2.2× its time",
                "the sqlite3 shell is not installed (apt-get install sqlite3)",
                None,
            )
        )
    if m.naive is not None:
        # Like for like: both load a local file (the naive loader downloads nothing).
        speed = ratio(m.naive.wall, m.offline.wall)
        found.append(
            Target(
                "cold load against the naive `json.load` + `executemany` loader",
                "faster than it",
                f"{speed:.2f}× its speed from a local file (`--offline`, "
                f"{m.offline.wall.median:.2f} s against {m.naive.wall.median:.2f} s); "
                f"{ratio(m.naive.wall, m.users_cold.wall):.2f}× with the download",
                speed > 1,
            )
        )
    else:
        found.append(
            Target(
                "cold load against the naive `json.load` + `executemany` loader",
                "faster than it",
                "not measured",
                None,
            )
        )
    share = ratio(m.week.wall, m.week_cold.wall)
    found.append(
        Target(
            f"the week's incremental sync against a cold load of the same file ({m.week_name})",
            "≤ 0.5× its time",
            f"{share:.2f}× ({m.week.wall.median:.2f} s against {m.week_cold.wall.median:.2f} s;"
            " the incremental sync also checks the five other sources, which answer 304)",
            share <= WEEK_GOAL,
        )
    )
    return found


@dataclass
class Earlier:
    """What the earlier goals are judged on."""

    users_cold: Measured
    no_change: Measured
    week: Measured
    week_name: str
    small: Measured  # generated users ×1
    big: Measured  # and ×10
    speedup: float  # parallel against sequential
    picks_parallel: bool
    pure_python: Measured | None
    naive: Measured | None
    scale_factor: int


def goals(e: Earlier) -> list[Target]:
    """Given the measurements, return the earlier goals the bench still checks."""
    found: list[Target] = []
    rate = e.users_cold.rate.median if e.users_cold.rate else 0.0
    found.append(
        Target(
            "cold load of the users",
            "≥ 150,000 records/s",
            f"{rate:,.0f} records/s ({e.users_cold.records:,} records, "
            f"{e.users_cold.wall.median:.2f} s, whole process)",
            rate >= 150_000,
        )
    )
    above = e.users_cold.rss_above.median
    found.append(
        Target(
            "memory above the import-only baseline",
            "≤ 6 MB",
            f"{above / MB:+.1f} MB",
            above <= 6 * MB,
        )
    )
    growth = e.big.rss.median - e.small.rss.median
    found.append(
        Target(
            f"memory at ×{e.scale_factor} against ×1",
            "≤ 1 MB more",
            f"{growth / MB:+.2f} MB",
            growth <= 1 * MB,
        )
    )
    found.append(
        Target(
            "parallel against sequential",
            "≥ 1.3× faster, or `auto` never picks it",
            f"{e.speedup:.2f}×; `auto` {'picks' if e.picks_parallel else 'never picks'} parallel",
            e.speedup >= 1.3 or not e.picks_parallel,
        )
    )
    written = e.no_change.db_written
    wall = e.no_change.wall.median
    found.append(
        Target(
            "no change (304): the whole process",
            "≤ 0.35 s and 0 bytes written to the db",
            f"{wall:.3f} s, {fmt_written(written)} written to the db "
            f"({fmt_written(e.no_change.written)} by the whole process)",
            wall <= 0.35 and written is not None and written.high == 0,
        )
    )
    cold_written = e.users_cold.db_written
    if e.week.db_written is not None and cold_written is not None and cold_written.median:
        share = e.week.db_written.median / cold_written.median
        found.append(
            Target(
                f"one-week change ({e.week_name}), the database",
                "≤ 10 % of the bytes a cold load writes to it",
                f"{share:.1%} ({fmt_written(e.week.db_written)} against "
                f"{fmt_written(cold_written)} for a cold load of the users)",
                share <= 0.10,
            )
        )
    if e.pure_python is not None and e.pure_python.rate is not None:
        found.append(
            Target(
                "pure-Python ijson backend installed (users)",
                "≥ 80,000 records/s",
                f"{e.pure_python.rate.median:,.0f} records/s",
                e.pure_python.rate.median >= 80_000,
            )
        )
    if e.naive is not None:
        ours = max(e.users_cold.rss_above.median, 1.0)
        theirs = e.naive.rss_above.median
        whole = e.naive.rss.median / e.users_cold.rss.median
        found.append(
            Target(
                "against the naive loader, memory",
                "≥ 20× less peak memory above each one's baseline",
                f"{theirs / ours:.0f}× less ({whole:.1f}× less counting whole processes)",
                theirs / ours >= 20,
            )
        )
    return found
