"""``dmr-edge import --source NAME FILE``."""

from __future__ import annotations

import argparse
from typing import Any

from dmr_edge.config import MODES
from dmr_edge.sources import SOURCES


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    from dmr_edge.cli.sync import positive_int_arg

    parser.add_argument(
        "--source",
        required=True,
        choices=list(SOURCES),
        metavar="NAME",
        help=f"which source the file is a copy of: {', '.join(SOURCES)}",
    )
    parser.add_argument(
        "file",
        metavar="FILE",
        help="the document: plain JSON, gzip, xz or bz2 (recognised by content, not name)",
    )
    parser.add_argument("--mode", choices=MODES, help="auto, streaming, sequential, parallel")
    parser.add_argument("--chunk", type=positive_int_arg, metavar="N", help="rows per write batch")
    parser.add_argument(
        "--wait",
        action="store_true",
        help="wait for another running dmr-edge instead of exiting with 75",
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")


def run(args: argparse.Namespace, ctx: Any) -> int:
    from pathlib import Path

    from dmr_edge.hooks import after_sync
    from dmr_edge.importfile import import_file
    from dmr_edge.lock import InstanceLock
    from dmr_edge.progress import ProgressLine

    settings = ctx.settings
    progress = ProgressLine.for_stderr(enabled=not ctx.quiet and not args.json)
    lock = InstanceLock(settings.lock_path)
    lock.acquire(wait=args.wait)
    try:
        report = import_file(
            settings,
            args.source,
            Path(args.file),
            mode=args.mode,
            chunk=args.chunk,
            record_progress=progress.records if progress else None,
        )
    finally:
        lock.release()
        if progress:
            progress.clear()
    for warning in after_sync(settings, report):
        ctx.err(f"warning: {warning}")
    source = report.sources[0]
    if args.json:
        ctx.json(report.as_dict())
    elif not ctx.quiet:
        if source.outcome == "applied":
            ctx.out(
                f"{source.source}: imported {args.file}: {source.records:,} records, "
                f"{source.summary()}, {source.rejected:,} rejected"
            )
        elif source.outcome == "unchanged":
            ctx.out(f"{source.source}: {args.file} is what the database already holds")
    if source.error:
        ctx.err(f"error: {source.source}: {source.error}")
    return report.exit_code
