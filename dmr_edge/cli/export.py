"""``dmr-edge export dmrids|usercsv --out PATH``."""

from __future__ import annotations

import argparse
from typing import Any

from dmr_edge.errors import ConfigError


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    parser.add_argument(
        "format",
        choices=("dmrids", "usercsv"),
        help="dmrids: MMDVMHost's DMRIds.dat (ID TAB CALLSIGN TAB FIRST NAME); "
        "usercsv: radioid's user.csv with its header, quoted where needed",
    )
    parser.add_argument(
        "--out",
        metavar="PATH",
        help="file to replace atomically (default: [export] dmrids / usercsv of the config)",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="replace the file even with an empty or much smaller one",
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")


def run(args: argparse.Namespace, ctx: Any) -> int:
    from pathlib import Path

    from dmr_edge.export import FILE_NAMES, export_users
    from dmr_edge.progress import ProgressLine

    settings = ctx.settings
    out = args.out or getattr(settings.export, args.format)
    if not out:
        raise ConfigError(
            f"where to? give --out PATH, or set [export] {args.format} in the configuration"
        )
    label = FILE_NAMES[args.format]
    progress = ProgressLine.for_stderr(enabled=not ctx.quiet and not args.json)
    try:
        result = export_users(
            settings.db,
            Path(out),
            args.format,
            force=args.force,
            min_ratio=settings.sync.min_ratio,
            progress=(lambda done, total: progress.rows(label, done, total)) if progress else None,
        )
    finally:
        if progress:
            progress.clear()
    if args.json:
        ctx.json(
            {
                "format": result.kind,
                "path": str(result.path),
                "lines": result.lines,
                "bytes": result.bytes,
                "previous_lines": result.previous_lines,
                "shortened": result.shortened,
                "seconds": round(result.seconds, 3),
            }
        )
    elif not ctx.quiet:
        ctx.out(
            f"wrote {result.lines:,} users to {result.path} ({result.bytes / 1e6:.1f} MB) "
            f"in {result.seconds:.2f} s"
        )
        if result.shortened:
            ctx.out(f"{result.shortened:,} lines had a field cut to fit MMDVMHost's 255 bytes")
    return 0
