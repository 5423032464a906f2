"""``dmr-edge warm`` and ``dmr-edge sync``."""

from __future__ import annotations

import argparse
from typing import Any

from dmr_edge.config import MODES, parse_duration
from dmr_edge.errors import ConfigError
from dmr_edge.sources import SOURCES


def duration_arg(text: str) -> float:
    try:
        return parse_duration(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"expected {exc}, got {text!r}") from None


def positive_int_arg(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def add_source_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--source",
        action="append",
        choices=list(SOURCES),
        metavar="NAME",
        help=f"only this source (repeatable): {', '.join(SOURCES)}",
    )


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    parser.add_argument(
        "--max-age",
        type=duration_arg,
        metavar="DUR",
        help="refresh cached downloads older than this (default: config, 1h)",
    )
    add_source_arguments(parser)
    parser.add_argument(
        "--wait",
        action="store_true",
        help="wait for another running dmr-edge instead of exiting with 75",
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    if name == "sync":
        parser.add_argument("--mode", choices=MODES, help="auto, streaming, sequential, parallel")
        parser.add_argument(
            "--chunk",
            type=positive_int_arg,
            metavar="N",
            help="rows per write batch (default 1000, or by memory in auto)",
        )
        parser.add_argument(
            "--offline", action="store_true", help="do not download: apply what the cache holds"
        )


def run(args: argparse.Namespace, ctx: Any) -> int:
    from dmr_edge.lock import InstanceLock
    from dmr_edge.progress import ProgressLine
    from dmr_edge.sync import Syncer

    settings = ctx.settings
    only = args.source
    if only:
        disabled = [n for n in only if not settings.sources[n].enabled]
        if disabled and not getattr(args, "offline", False):
            pass  # naming a source on the command line runs it even if disabled in config
    if not settings.enabled_sources(only):
        raise ConfigError("no source is enabled (see [sources.NAME] enabled in the config)")
    progress = ProgressLine.for_stderr(enabled=not ctx.quiet and not args.json)
    syncer = Syncer(
        settings,
        mode=getattr(args, "mode", None),
        chunk=getattr(args, "chunk", None),
        offline=getattr(args, "offline", False),
        max_age=args.max_age,
        only=only,
        fetch_progress=progress.download if progress else None,
        record_progress=progress.records if progress else None,
    )
    lock = InstanceLock(settings.lock_path)
    lock.acquire(wait=args.wait)
    try:
        report = syncer.warm() if args.command == "warm" else syncer.sync()
    finally:
        lock.release()
        if progress:
            progress.clear()
    if args.command == "sync":
        from dmr_edge.hooks import after_sync

        for warning in after_sync(settings, report):
            ctx.err(f"warning: {warning}")
    print_report(ctx, args, report)
    return report.exit_code


NO_NETWORK = (
    "no upstream can be reached ({reason}): no network? Apply what the cache holds with "
    "'dmr-edge sync --offline', load a file with 'dmr-edge import --source NAME FILE', or "
    "try it all on a loopback mirror with 'dmr-edge demo'"
)


def print_report(ctx: Any, args: argparse.Namespace, report: Any) -> None:
    if report.no_network and not args.json:
        # One line, not one per source: the machine has no network, nothing is wrong with
        # any upstream in particular.
        reasons = sorted({s.error.split(": ", 1)[-1] for s in report.sources if s.unreachable})
        ctx.err("error: " + NO_NETWORK.format(reason=", ".join(reasons)))
        return
    if args.json:
        ctx.json(report.as_dict())
    elif ctx.verbose and args.command == "sync":
        for line in breakdown(report):
            ctx.out(line)
    elif not ctx.quiet:
        for source in report.sources:
            # A failed source is said once, on stderr below, not twice on a terminal.
            if not source.error:
                ctx.out(f"{source.source}: {source.summary()}")
    for source in report.sources:
        if source.error:
            ctx.err(f"error: {source.source}: {source.error}")


def breakdown(report: Any) -> list:
    """The seed's timing breakdown plus per-source counts, as lines of text."""
    rate = report.records / report.apply_seconds if report.apply_seconds > 0 else 0.0
    lines = [
        f"Mode:                 {report.mode} (chunk {report.chunk}, parser {report.parser})",
        f"Database init:        {report.init_seconds:.3f} s",
        f"Fetch (network):      {report.fetch_seconds:.3f} s",
        f"Database sync:        {report.apply_seconds:.3f} s",
        f"Total time:           {report.total_seconds:.3f} s",
        f"Total records:        {report.records:,}",
        f"Records/second:       {rate:,.0f}",
        "",
        f"{'source':<24} {'fetch':<13} {'outcome':<10} {'records':>8} {'inserted':>8} "
        f"{'updated':>8} {'deleted':>8} {'unchanged':>9} {'rejected':>8} {'seconds':>8}",
    ]
    for s in report.sources:
        lines.append(
            f"{s.source:<24} {s.fetch:<13} {s.outcome:<10} {s.records:>8} {s.inserted:>8} "
            f"{s.updated:>8} {s.deleted:>8} {s.unchanged:>9} {s.rejected:>8} "
            f"{s.fetch_seconds + s.apply_seconds:>8.3f}"
        )
        for reason in s.reasons[:3]:
            lines.append(f"    rejected {reason}")
    return lines
