"""``dmr-edge status``."""

from __future__ import annotations

import argparse
import time
from typing import Any

from dmr_edge.cli.sync import duration_arg


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    parser.add_argument("--json", action="store_true", help="print the status as JSON")
    parser.add_argument(
        "--check",
        action="store_true",
        help="exit 1 with one line why when the heartbeat is stale or data is too old",
    )
    parser.add_argument(
        "--max-age",
        type=duration_arg,
        metavar="DUR",
        help="with --check: data age limit (default: a source's max age plus one interval, "
        "jitter and watchdog)",
    )


def _age(seconds: float | None) -> str:
    if seconds is None:
        return "never"
    if seconds < -5:
        return "future"  # a time stamp ahead of the clock: the clock was set back
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds / size:.1f}{unit}"
    return f"{seconds:.0f}s"


def _when(stamp: float | None) -> str:
    if not stamp:
        return "never"
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(stamp))


def run(args: argparse.Namespace, ctx: Any) -> int:
    from dmr_edge.status import collect_status

    if args.check:
        from dmr_edge.watchdog import check_health

        healthy, why = check_health(ctx.settings, args.max_age)
        if not healthy:
            ctx.err(why)
        elif not ctx.quiet:
            ctx.out(why)
        return 0 if healthy else 1
    status = collect_status(ctx.settings)
    if args.json:
        ctx.json(status)
        return 0
    ctx.out(f"database: {status['db']} ({status['db_bytes'] / 1e6:.1f} MB)")
    ctx.out(f"cache:    {status['cache_dir']}")
    ctx.out(f"config:   {status['config'] or 'built-in defaults'}")
    ctx.out(
        f"parser:   {status['parser']} (ijson backend: {status['ijson_backend']}, "
        f"SQLite {status['sqlite_version']})"
    )
    ctx.out("")
    ctx.out(
        f"{'source':<24} {'on':<3} {'records':>8} {'rejected':>8}  {'last apply':<19} "
        f"{'age':>6}  {'cache age':>9}  last error"
    )
    for name, s in status["sources"].items():
        ctx.out(
            f"{name:<24} {'yes' if s['enabled'] else 'no':<3} {s['records'] or 0:>8} "
            f"{s['rejected'] or 0:>8}  {_when(s['last_apply']):<19} {_age(s['age_seconds']):>6}  "
            f"{_age(s['cache_age_seconds']):>9}  {s['last_error'] or '-'}"
        )
    return 0
