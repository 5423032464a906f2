"""``dmr-edge bench``: the performance tables on this machine, on generated data."""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path
from typing import Any


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a number above zero, got {text!r}")
    return value


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    parser.add_argument(
        "--scale",
        type=_positive_float,
        default=1.0,
        metavar="F",
        help="multiply the generated sizes (1 = 295k users and the real sizes of the others)",
    )
    parser.add_argument(
        "--users",
        action="append",
        type=Path,
        default=[],
        metavar="FILE",
        help="a real users.json (plain, .gz, .xz, .bz2) for every table but 4; "
        "give a second, newer one to measure the real week between them",
    )
    parser.add_argument(
        "--repeat",
        type=_positive_int,
        default=3,
        metavar="N",
        help="runs per row; the tables show the median and min-max (default 3)",
    )
    parser.add_argument(
        "--dir",
        type=Path,
        metavar="DIR",
        help="where to put the generated files and databases (default: the temp directory; "
        "needs about 2 GB at scale 1, on a real disk for the bytes-written figures)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    parser.add_argument("--json", action="store_true", help="print every figure as JSON")


def run(args: argparse.Namespace, ctx: Any) -> int:
    from dmr_edge.bench.run import run_bench

    command = "dmr-edge bench"
    if args.scale != 1.0:
        command += f" --scale {args.scale:g}"
    for users in args.users:
        command += f" --users {shlex.quote(str(users))}"
    if args.repeat != 3:
        command += f" --repeat {args.repeat}"

    def progress(text: str) -> None:
        if not ctx.quiet and sys.stderr.isatty():
            sys.stderr.write(f"\r\033[Kbench: {text}")
            sys.stderr.flush()
        elif ctx.verbose:
            ctx.err(f"bench: {text}")

    try:
        result = run_bench(
            scale=args.scale,
            repeat=args.repeat,
            users=args.users,
            work_dir=args.dir,
            keep=args.keep,
            command=command,
            progress=progress,
        )
    finally:
        if not ctx.quiet and sys.stderr.isatty():
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()
    if args.json:
        ctx.json(result.as_dict())
    else:
        ctx.out(result.markdown())
    return 0
