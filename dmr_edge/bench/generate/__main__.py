"""``python -m dmr_edge.bench.generate SOURCE OUT``: write one generated upstream file."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from dmr_edge.bench.generate import SOURCES, generate, generate_file


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m dmr_edge.bench.generate",
        description="Write a deterministic, realistic upstream file for one DMR source.",
    )
    parser.add_argument("source", choices=SOURCES)
    parser.add_argument("out", help="output path, or - for standard output")
    parser.add_argument("--scale", type=float, default=1.0, help="multiplier of the real size")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--change", type=float, default=0.0, help="fraction of records changed (0.0033 = a week)"
    )
    args = parser.parse_args(argv)
    kw: dict[str, Any] = {"scale": args.scale, "seed": args.seed, "change": args.change}
    try:
        if args.out == "-":
            n = generate(args.source, sys.stdout.buffer, **kw)
            sys.stdout.buffer.flush()
        else:
            n = generate_file(args.source, args.out, **kw)
    except (OSError, ValueError) as exc:
        parser.error(str(exc))
    print(f"{n} {args.source} records written to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
