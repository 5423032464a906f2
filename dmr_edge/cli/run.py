"""``dmr-edge run``: the daemon (``dmr_edge.daemon``), or one cycle of it with ``--once``."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from typing import Any

from dmr_edge.cli.sync import duration_arg
from dmr_edge.record import replace

log = logging.getLogger("dmr_edge")
USES_LOGGING = True  # the daemon logs its cycles (dmr_edge.cli configures it)


def _positive_duration_arg(text: str) -> float:
    seconds = duration_arg(text)
    if seconds <= 0:
        raise argparse.ArgumentTypeError(f"expected a duration above zero, got {text!r}")
    return seconds


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    parser.add_argument(
        "--interval",
        type=_positive_duration_arg,
        metavar="DUR",
        help="time between cycles (default: [daemon] interval, 1h)",
    )
    parser.add_argument(
        "--once",
        action="store_true",
        help="run one cycle exactly as the daemon would, then exit with its code",
    )
    parser.add_argument(
        "--wait",
        action="store_true",
        help="wait for another running dmr-edge instead of exiting with 75",
    )
    parser.add_argument(
        "--log-file",
        metavar="PATH",
        help="also log to this file, reopened after logrotate (default: [daemon] log_file)",
    )


def _with_overrides(settings: Any, args: argparse.Namespace) -> Any:
    changes = {}
    if args.interval is not None:
        changes["interval"] = args.interval
    if args.log_file is not None:
        changes["log_file"] = os.path.expanduser(args.log_file)
    return replace(settings, daemon=replace(settings.daemon, **changes)) if changes else settings


def run(args: argparse.Namespace, ctx: Any) -> int:
    from dmr_edge.config import load_settings
    from dmr_edge.daemon import Daemon

    def reload() -> Any:
        settings = load_settings(
            getattr(args, "config", None),
            db=getattr(args, "db", None),
            cache_dir=getattr(args, "cache_dir", None),
        )
        for warning in settings.warnings:
            log.warning("warning: %s", warning)
        return _with_overrides(settings, args)

    daemon = Daemon(
        _with_overrides(ctx.settings, args),
        load=reload,
        once=args.once,
        wait_for_lock=args.wait,
        hard_deadline=True,
    )
    code = daemon.run()
    if daemon.stuck:
        # A cycle thread is hung (the watchdog fired, or a stop found it blocked in I/O):
        # exiting normally would wait for it. Flush what was logged and leave now.
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    return code
