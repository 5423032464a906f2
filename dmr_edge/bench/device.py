"""Tables 7-9: what an edge device pays: bytes written by place, memory, a slow link.

Table 7 splits every byte a sync process wrote into the cache, the database (with its WAL
and -shm), the exports and the rest (``runner`` says how). Table 8 puts each process's
whole peak RSS beside the floors measured in the same run: a bare interpreter, one that
imported sqlite3 and json, and one that also imported requests and made a TLS context.
Table 9 syncs over a throttled mirror, as a field operator on a cellular link does, and
tells from the mirror's log whether the downloads overlapped.
"""

from __future__ import annotations

import shutil
import statistics
from typing import Any

from dmr_edge.bench.mirror import Served, overlap
from dmr_edge.bench.session import (
    FLOOR_BARE,
    FLOOR_SQLITE,
    FLOOR_TLS,
    SLOW_LATENCY,
    SLOW_RATE,
    Bench,
)
from dmr_edge.bench.stats import Measured, Stat
from dmr_edge.bench.tables import MB, Table, fmt_mb, fmt_seconds, fmt_written

FLOOR_NAMES = {
    FLOOR_BARE: "bare python3",
    FLOOR_SQLITE: "python3 + sqlite3, json",
    FLOOR_TLS: "python3 + sqlite3, json, requests and a TLS context",
}
SLOW_COLD = "cold load of all six sources"
SLOW_AGAIN = "the next sync: six 304s"


def table_written(bench: Bench, rows: dict[str, Measured]) -> Table:
    """Given the measurements to show (label → runs), the bytes each wrote, by place."""
    lines = []
    for label, m in rows.items():
        lines.append(
            [
                label,
                fmt_written(m.written),
                fmt_written(m.place("cache")),
                fmt_written(m.place("database")),
                fmt_written(m.place("exports")),
                fmt_written(m.place("other")),
                fmt_written(m.downloaded),
                fmt_written(m.cache_disk),
            ]
        )
    notes = [
        "Written, all: every byte the sync process wrote, from /proc/<pid>/io of the whole "
        "process (write_bytes less cancelled_write_bytes, read once it exited), with the "
        f"default configuration ({bench.users_note()}). The parts add up to it.",
        "Cache: the files created or replaced in the cache directory, each at its size in "
        "whole 4 KiB pages (a file only touched, same inode and size, costs nothing), and "
        "the temporary files written there and removed, less what their removal cancelled "
        "before it reached the disk. Exports: the same, where `[export]` points.",
        "Other: the other files of the run the process wrote: the lock file (4 kB), a "
        "heartbeat. Database + WAL: the rest, the database, its WAL and -shm; never less "
        "than what SQLite wrote inside the process's calls into it, which the process "
        "counts on the calling thread's own io counters (JSON: "
        "`db_written_in_sqlite_calls_bytes`); the difference is what SQLite spilled to the "
        "WAL while a query's rows were stepped.",
        "Downloaded: the bytes that came over HTTP, gzip-compressed as the mirror (like "
        "the upstreams) sends them. Cache on disk: the space the cache directory "
        "takes afterwards; on Pi-Star and OpenWrt it is a tmpfs, so this is RAM.",
        "The --offline row is the sync that applies a cache an earlier `warm` filled: "
        "its own writes only.",
    ]
    return Table(
        7,
        "What a sync writes, by place (the whole process)",
        [
            "sync",
            "written, all",
            "cache",
            "database + WAL",
            "exports",
            "other",
            "downloaded",
            "cache on disk after",
        ],
        lines,
        [Measured(label, m.runs, m.extra) for label, m in rows.items()],
        notes,
    )


def table_memory(
    bench: Bench, offline: Measured, online: dict[str, Measured]
) -> tuple[Table, dict[tuple[str, bool], int]]:
    """The whole process's peak RSS of each sync beside the floors measured in this run."""
    floors = {key: bench.floor(*key) for key in FLOOR_NAMES}
    bare = floors[FLOOR_BARE]
    lines = []
    for key, name in FLOOR_NAMES.items():
        value = floors[key]
        lines.append(
            [f"floor: {name}", fmt_mb(Stat.of([value])), f"{(value - bare) / MB:+.1f}", "–", "–"]
        )
    measured: list[Measured] = []

    def add(label: str, m: Measured, floor: tuple[str, bool]) -> None:
        base = floors[floor]
        lines.append(
            [
                label,
                fmt_mb(m.rss),
                f"{(m.rss.median - bare) / MB:+.1f}",
                FLOOR_NAMES[floor],
                f"{(m.rss.median - base) / MB:+.1f}",
            ]
        )
        measured.append(Measured(label, m.runs, m.extra))

    add("`sync --offline`, users from the cache", offline, FLOOR_SQLITE)
    for label, m in online.items():
        add(f"`sync`, {label}", m, FLOOR_TLS)
    notes = [
        "Peak RSS: each process's own high-water mark (VmHWM), the whole process, with "
        "the default configuration. The floors are children that only start python3, "
        "then import sqlite3 and json, then also requests and call "
        "`ssl.create_default_context()`; each measured here, now, like the syncs.",
        "An offline sync needs no network, so its floor is python3 + sqlite3 and json; an "
        "online one downloads over HTTPS from the real upstreams, so its floor has "
        "requests and a TLS context (the mirror is plain HTTP, but what requests loads at "
        "import is counted all the same).",
    ]
    table = Table(
        8,
        "Memory: the whole process beside its floors",
        ["process", "peak RSS MB", "above bare python3 MB", "its floor", "above its floor MB"],
        lines,
        measured,
        notes,
        {"floors_bytes": {FLOOR_NAMES[k]: v for k, v in floors.items()}},
    )
    return table, floors


def _median(values: list[float]) -> float:
    return float(statistics.median(values)) if values else 0.0


def _link_figures(logs: list[list[Served]]) -> dict[str, Any]:
    """Given the mirror's answers of each run, the median figures of how they overlapped."""
    per_run = []
    for served in logs:
        most, busy, total = overlap(served)
        per_run.append(
            {
                "answers": len(served),
                "most_in_flight": most,
                "busy_seconds": busy,
                "answers_seconds": total,
                "longest_seconds": max((s.seconds for s in served), default=0.0),
            }
        )
    return {
        "answers": int(_median([r["answers"] for r in per_run])),
        "most_in_flight": int(_median([r["most_in_flight"] for r in per_run])),
        "busy_seconds": _median([r["busy_seconds"] for r in per_run]),
        "answers_seconds": _median([r["answers_seconds"] for r in per_run]),
        "longest_seconds": _median([r["longest_seconds"] for r in per_run]),
        "each_run": per_run,
    }


def _verdict(figures: dict[str, Any]) -> str:
    """Overlapped when the answers were in flight for well under the sum of their times."""
    most, busy, total = (
        figures["most_in_flight"],
        figures["busy_seconds"],
        figures["answers_seconds"],
    )
    if figures["answers"] < 2 or not total:
        return "–"
    if most > 1 and busy < 0.8 * total:
        return f"yes: up to {most} at once, {busy / total:.0%} of the summed time"
    return "**no**: one after another"


def table_slow_link(bench: Bench) -> tuple[Table, dict[str, Measured]]:
    """Sync all six sources over the throttled mirror, cold and then again (304s)."""
    results: dict[str, Measured] = {}
    figures: dict[str, dict[str, Any]] = {}
    for variant, mode in (("default configuration", None), ("`--mode parallel`", "parallel")):
        cold, again = [], []
        cold_logs, again_logs = [], []
        for index in range(bench.repeat):
            bench.progress(f"table 9, {variant}: run {index + 1} of {bench.repeat}")
            run_dir = bench.new_dir()
            try:
                bench.write_config(run_dir, bench.all_routes(), mirror=bench.slow)
                bench.slow.take_log()
                cold.append(bench.sync(run_dir, mode=mode))
                cold_logs.append(bench.slow.take_log())
                again.append(bench.sync(run_dir, mode=mode))
                again_logs.append(bench.slow.take_log())
            finally:
                shutil.rmtree(run_dir, ignore_errors=True)
        for label, runs, logs in (
            (f"{SLOW_COLD}, {variant}", cold, cold_logs),
            (f"{SLOW_AGAIN}, {variant}", again, again_logs),
        ):
            results[label] = Measured(label, runs)
            figures[label] = _link_figures(logs)
    lines = []
    for label, m in results.items():
        f = figures[label]
        m.extra["link"] = f
        lines.append(
            [
                label,
                fmt_seconds(m.wall),
                fmt_written(m.downloaded),
                f"{f['longest_seconds']:.2f}",
                f"{f['answers_seconds']:.2f}",
                f"{f['busy_seconds']:.2f}",
                _verdict(f),
            ]
        )
    notes = [
        f"The loopback mirror throttled to {SLOW_RATE / MB:g} MB/s per connection, with "
        f"{SLOW_LATENCY * 1000:.0f} ms before every answer (a cellular link); gzip and "
        f"ETag as the upstreams ({bench.users_note()}). Wall time is what a field "
        "operator waits for `dmr-edge sync`, start-up included.",
        "From the mirror's log: the longest answer, the sum of the answers' times, and "
        "how long at least one was in flight. Downloads overlap when that last figure is "
        "well below the sum (wall time near the largest download, not the sum of all).",
    ]
    table = Table(
        9,
        "A slow link: what a field operator waits for",
        [
            "sync",
            "wall s",
            "on the wire",
            "longest answer s",
            "answers summed s",
            "in flight s",
            "downloads overlap",
        ],
        lines,
        list(results.values()),
        notes,
        {"rate_bytes_per_second": SLOW_RATE, "latency_seconds": SLOW_LATENCY},
    )
    return table, results
