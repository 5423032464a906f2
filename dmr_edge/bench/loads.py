"""Tables 1, 2, 4 and 5: cold loads by mode, by chunk size, at ×1 and ×10, and by parser."""

from __future__ import annotations

from typing import Any

from dmr_edge.bench.machine import ijson_info
from dmr_edge.bench.session import (
    SCALE_FACTOR,
    USERS,
    Bench,
)
from dmr_edge.bench.stats import Measured
from dmr_edge.bench.tables import MB, Table, fmt_mb, fmt_rate, fmt_seconds, fmt_written, ratio

SEED_RECORDS = 52_938
# What the seed (the Go system) documented, for 52,938 records.
SEED_MODES = {
    "parallel": (0.85, "~200 MB (estimate)", 62_247),
    "sequential": (1.18, "~70 MB (estimate)", 44_803),
    "streaming": (1.53, '"~10 MB" (estimate)', 34_585),
}
SEED_CHUNKS = {500: 34_415, 1000: 40_121, 2000: 43_769, 5000: 48_145}
CHUNKS = (200, 500, 1000, 2000, 5000)  # 200: the default
MODES_MEASURED = ("parallel", "sequential", "streaming")
IJSON_C = 'ijson (`[sync] parser = "ijson"`)'
IJSON_PYTHON = 'ijson (`parser = "ijson"`), IJSON_BACKEND=python'
PURE_PYTHON_SCANNER = "scanner (default), IJSON_BACKEND=python"
X10_MAX_BYTES = 16 << 30  # the ×10 users file is larger than the default cap (512 MiB)


def plan(bench: Bench) -> None:
    """Plan the cold loads of tables 1, 2, 4 and 5."""
    for mode in MODES_MEASURED:
        bench.plan_cold(f"table 1, {mode}", bench.all_routes(), mode=mode, chunk=1000)
    for chunk in CHUNKS:
        bench.plan_cold(
            f"table 2, chunk {chunk}", bench.all_routes(), mode="streaming", chunk=chunk
        )
    if bench.users:
        bench.generated(USERS, f"{USERS}_x1")
        bench.plan_cold(
            "table 4, generated users ×1", {USERS: f"{USERS}_x1"}, max_bytes=X10_MAX_BYTES
        )
    route = f"{USERS}_x{SCALE_FACTOR}"
    bench.generated(USERS, route, SCALE_FACTOR)
    bench.plan_cold(f"table 4, users ×{SCALE_FACTOR}", {USERS: route}, max_bytes=X10_MAX_BYTES)
    for label, options in parser_options(bench):
        bench.plan_cold(label, {USERS: USERS}, **options)


def table_modes(bench: Bench) -> tuple[Table, dict[str, Measured]]:
    results = {
        mode: bench.cold(f"table 1, {mode}", bench.all_routes(), mode=mode, chunk=1000)
        for mode in MODES_MEASURED
    }
    rows = []
    for mode, m in results.items():
        seed_s, seed_mem, seed_rate = SEED_MODES[mode]
        rows.append(
            [
                mode,
                f"{m.records:,}",
                fmt_seconds(m.wall),
                f"{m.cpu.median:.2f}",
                fmt_rate(m.rate),
                fmt_mb(m.rss),
                fmt_mb(m.rss_above, signed=True),
                fmt_written(m.db_written),
                fmt_mb(m.downloaded),
                f"{seed_s:.2f} s · {seed_mem} · {seed_rate:,} rec/s",
            ]
        )
    speedup = ratio(results["sequential"].wall, results["parallel"].wall)
    notes = [
        f"Cold load of all six sources ({bench.users_note()}) from the loopback server, "
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


def table_chunks(bench: Bench) -> Table:
    results = {
        chunk: bench.cold(
            f"table 2, chunk {chunk}", bench.all_routes(), mode="streaming", chunk=chunk
        )
        for chunk in CHUNKS
    }
    rows = [
        [
            f"{chunk:,}",
            fmt_seconds(m.wall),
            fmt_rate(m.rate),
            fmt_mb(m.rss_above, signed=True),
            fmt_written(m.db_written),
            f"{SEED_CHUNKS[chunk]:,} rec/s" if chunk in SEED_CHUNKS else "–",
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
            f"Streaming mode, all six sources ({bench.users_note()}); the seed's rates are "
            f"for {SEED_RECORDS:,} records."
        ],
    )


def table_scaling(bench: Bench) -> tuple[Table, Measured, Measured]:
    """Generated users at ×1 and ×10 this bench's scale, default configuration, cold."""
    if bench.users:
        bench.generated(USERS, f"{USERS}_x1")
        small = bench.cold(
            "table 4, generated users ×1", {USERS: f"{USERS}_x1"}, max_bytes=X10_MAX_BYTES
        )
    else:
        small = bench.users_cold()
    route = f"{USERS}_x{SCALE_FACTOR}"
    path = bench.generated(USERS, route, SCALE_FACTOR)
    big = bench.cold(f"table 4, users ×{SCALE_FACTOR}", {USERS: route}, max_bytes=X10_MAX_BYTES)
    for served in (path, path.with_name(path.name + ".gz")):
        served.unlink(missing_ok=True)  # the largest files by far
    rows = []
    for factor, m in ((1, small), (SCALE_FACTOR, big)):
        per_record = m.wall.median / m.records * 1e6 if m.records else 0.0
        rows.append(
            [
                f"×{factor} (scale {bench.scale * factor:g})",
                f"{m.records:,}",
                fmt_seconds(m.wall),
                fmt_rate(m.rate),
                f"{per_record:.2f}",
                fmt_mb(m.rss),
                fmt_mb(m.rss_above, signed=True),
                fmt_written(m.db_written),
            ]
        )
    growth_time = ratio(big.wall, small.wall)
    growth_rss = big.rss.median - small.rss.median
    notes = [
        f"Generated users only, default configuration (but for `[http] max_bytes`, which "
        f"the ×{SCALE_FACTOR} file exceeds), cold. ×{SCALE_FACTOR} has "
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


def parser_options(bench: Bench) -> list[tuple[str, dict[str, Any]]]:
    """Table 5's cold loads besides the default: (label, options of ``cold``)."""
    python = {"IJSON_BACKEND": "python"}
    options: list[tuple[str, dict[str, Any]]] = [(PURE_PYTHON_SCANNER, {"env": python})]
    if bench.ijson_backend == "yajl2_c":
        options.append((IJSON_C, {"parser": "ijson"}))
    options.append((IJSON_PYTHON, {"parser": "ijson", "env": python}))
    return options


def table_parsers(bench: Bench, users_cold: Measured) -> tuple[Table, dict[str, Measured]]:
    version, c_backend = ijson_info(bench.env)
    _, py_backend = ijson_info({**bench.env, "IJSON_BACKEND": "python"})
    backends = {PURE_PYTHON_SCANNER: py_backend, IJSON_C: c_backend, IJSON_PYTHON: py_backend}
    specs: list[tuple[str, str, Measured | None]] = [("scanner (default)", c_backend, users_cold)]
    for label, options in parser_options(bench):
        specs.append((label, backends[label], bench.cold(label, {USERS: USERS}, **options)))
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
                fmt_seconds(m.wall),
                f"{m.cpu.median:.2f}",
                fmt_rate(m.rate),
                fmt_mb(m.rss_above, signed=True),
                f"{ratio(m.wall, users_cold.wall):.2f}×",
            ]
        )
    notes = [
        f"Cold load of the users document ({bench.users_note()}), default configuration "
        "but for the parser. "
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
