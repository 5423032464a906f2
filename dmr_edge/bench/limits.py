"""Table 6: the limits: the same users through the sqlite3 shell and a naive Python loader."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Sequence

from dmr_edge.bench.documents import count_rows, write_users_csv
from dmr_edge.bench.probes import NAIVE_LOADER
from dmr_edge.bench.runner import Places, Run, run_child
from dmr_edge.bench.session import NAIVE_IMPORTS, USERS, Bench
from dmr_edge.bench.stats import Measured, Planned
from dmr_edge.bench.tables import Table, fmt_mb, fmt_rate, fmt_seconds, fmt_written, ratio

DMR_EDGE_ROW = "dmr-edge sync (loopback HTTP)"
OFFLINE_ROW = "dmr-edge sync --offline (from cache)"
SQLITE_ROW = "sqlite3 shell .import of the same rows as CSV"
NAIVE_ROW = "naive Python: json.load + one executemany"
OFFLINE_LABEL = "table 6, dmr-edge --offline"


def plan(bench: Bench) -> None:
    """Plan the --offline cold load, the sqlite3 shell's .import and the naive loader."""
    bench.plan_cold(OFFLINE_LABEL, {USERS: USERS}, offline=True)
    plan_loaders(bench)


def plan_loaders(bench: Bench) -> None:
    """Plan the sqlite3 shell's ``.import`` (when installed) and the naive loader."""
    from dmr_edge.store import MIGRATIONS

    users_doc = bench.docs / f"{USERS}.json"
    # The tables and indexes as the first schema has them: the same rows in the same table,
    # without the digest column the agent adds for its own incremental syncs.
    schema = MIGRATIONS[1]
    schema_path = bench.work / "schema.sql"
    schema_path.write_text(schema, encoding="utf-8")
    sqlite_cli = shutil.which("sqlite3")
    if sqlite_cli and SQLITE_ROW not in bench.planned:
        csv_path = bench.work / "users.csv"
        bench.progress("writing the users as CSV for the sqlite3 shell")
        write_users_csv(users_doc, csv_path)
        version = subprocess.run(
            [sqlite_cli, "-version"], capture_output=True, text=True, timeout=60
        )
        bench.sqlite_version = version.stdout.split(" ")[0]
        script = (
            "PRAGMA journal_mode = WAL;\nPRAGMA synchronous = FULL;\n"
            + schema
            + f"\n.mode csv\n.import {csv_path} users\n"
            # The shell's own peak RSS, read by a child of the shell ($PPID).
            + ".shell grep VmHWM /proc/$PPID/status\n"
        ).encode()
        bench.planned[SQLITE_ROW] = Planned(
            "table 6, sqlite3 .import",
            lambda: _loader_once(bench, [sqlite_cli, "-batch", "-bail"], stdin=script, baseline=0),
        )
    if NAIVE_ROW not in bench.planned:
        naive = [sys.executable, "-c", NAIVE_LOADER, str(users_doc)]
        baseline = bench.baseline_for(NAIVE_IMPORTS)
        bench.planned[NAIVE_ROW] = Planned(
            "table 6, naive loader",
            lambda: _loader_once(bench, naive, extra=[str(schema_path)], baseline=baseline),
        )


def _loader_once(
    bench: Bench,
    argv: list[str],
    *,
    baseline: int,
    stdin: bytes | None = None,
    extra: Sequence[str] = (),
) -> Run:
    """One run of a loader given ``argv + [database] + extra``, in a fresh directory."""
    run_dir = bench.new_dir()
    db = run_dir / "db.sqlite"
    try:
        run = run_child(
            [*argv, str(db), *extra],
            stdin=stdin,
            env=bench.env,
            cwd=run_dir,
            places=Places(root=run_dir, database=db),
        )
        run.report = {"records": count_rows(db)}
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)
    run.baseline = baseline
    return run


def table_limits(bench: Bench, users_cold: Measured) -> tuple[Table, dict[str, Measured]]:
    plan_loaders(bench)
    bench.run_plan()
    results: dict[str, Measured] = {DMR_EDGE_ROW: users_cold}
    results[OFFLINE_ROW] = bench.cold(OFFLINE_LABEL, {USERS: USERS}, offline=True)
    for key in (SQLITE_ROW, NAIVE_ROW):
        if key in bench.planned:
            results[key] = Measured(bench.planned[key].label, bench.planned[key].runs)
    sqlite_cli = SQLITE_ROW in results
    cli_version = bench.sqlite_version
    reference = results.get(SQLITE_ROW)
    rows = []
    for label, m in results.items():
        above = fmt_mb(m.rss_above, signed=True) if m.runs[0].baseline else "–"
        rows.append(
            [
                label,
                f"{m.records:,}",
                fmt_seconds(m.wall),
                f"{m.cpu.median:.2f}",
                fmt_rate(m.rate),
                fmt_mb(m.rss),
                above,
                fmt_written(m.db_written),
                f"{ratio(m.wall, reference.wall):.2f}×" if reference else "–",
            ]
        )
    notes = [
        f"The users document ({bench.users_note()}). Every loader creates the same "
        "schema (the users table and its callsign index) in WAL mode with "
        "synchronous = FULL, and loads in one transaction.",
        "dmr-edge's first row is the whole `dmr-edge sync`: start-up, the download from "
        "the loopback server into the cache (hashed), the parse and the writes; the "
        "--offline row applies the same document already in the cache.",
        f"Above baseline: dmr-edge against an import-only child, the naive loader "
        f"against a child that imports {NAIVE_IMPORTS}.",
    ]
    if sqlite_cli:
        notes.append(
            f"sqlite3 shell {cli_version}: `.import` of a CSV of the rows dmr-edge stores "
            "(written beforehand, not timed): a C program doing no JSON work."
        )
    else:
        notes.append(
            "The sqlite3 shell is not installed on this machine (apt-get install "
            "sqlite3), so its row is missing."
        )
    table = Table(
        6,
        "The limits: the same users through other loaders",
        [
            "loader",
            "records",
            "wall s",
            "CPU s",
            "records/s",
            "peak RSS MB",
            "above baseline MB",
            "written to db",
            "time vs sqlite3",
        ],
        rows,
        list(results.values()),
        notes,
        {"sqlite3_cli": cli_version or None},
    )
    return table, results


# -- targets --
