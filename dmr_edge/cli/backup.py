"""``dmr-edge backup --out PATH [--keep N] [--gzip]``."""

from __future__ import annotations

import argparse
from typing import Any


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    from dmr_edge.cli.sync import positive_int_arg

    parser.add_argument(
        "--out",
        required=True,
        metavar="PATH",
        help="the backup file, or a directory for time-stamped backups; with --keep, the "
        "file name gets a UTC time stamp (dmr.sqlite → dmr-20251123T101500Z.sqlite)",
    )
    parser.add_argument(
        "--keep",
        type=positive_int_arg,
        metavar="N",
        help="keep the newest N time-stamped backups of this name, remove older ones",
    )
    parser.add_argument(
        "--gzip", action="store_true", help="compress the copy (implied by an --out ending .gz)"
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")


def run(args: argparse.Namespace, ctx: Any) -> int:
    from pathlib import Path

    from dmr_edge.backup import backup

    result = backup(
        ctx.settings.db, Path(args.out).expanduser(), keep=args.keep, compress=args.gzip
    )
    if args.json:
        ctx.json(
            {
                "path": str(result.path),
                "bytes": result.bytes,
                "compressed": result.compressed,
                "seconds": round(result.seconds, 3),
                "schema_version": result.schema_version,
                "counts": result.counts,
                "integrity_check": "ok",
                "removed": [str(p) for p in result.removed],
            }
        )
    elif not ctx.quiet:
        counts = ", ".join(f"{n:,} {table}" for table, n in result.counts.items())
        ctx.out(
            f"backed up to {result.path} ({result.bytes / 1e6:.1f} MB, {counts}; "
            f"integrity_check ok) in {result.seconds:.2f} s"
        )
        for old in result.removed:
            ctx.out(f"removed older backup {old}")
    return 0
