"""``dmr-edge lookup ID|CALLSIGN|TALKGROUP``."""

from __future__ import annotations

import argparse
from typing import Any

from dmr_edge.cli.sync import positive_int_arg
from dmr_edge.errors import EXIT_FAILURE, EXIT_OK


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    parser.add_argument(
        "query",
        metavar="ID|CALLSIGN|NAME",
        help="a radio, repeater or talkgroup id; a callsign (any case); or part of a "
        "talkgroup name",
    )
    parser.add_argument(
        "--limit",
        type=positive_int_arg,
        default=50,
        metavar="N",
        help="at most N matches of each kind",
    )
    parser.add_argument("--json", action="store_true", help="print the matches as JSON")


def table(headers: list[str], rows: list[list[str]]) -> list[str]:
    """Return ``rows`` under ``headers`` as aligned text lines (the last column unpadded)."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows)]
    lines = []
    for row in [headers, *rows]:
        cells = [str(cell).ljust(width) for cell, width in zip(row[:-1], widths)]
        lines.append("  " + "  ".join([*cells, str(row[-1])]).rstrip())
    return lines


def _place(*parts: Any) -> str:
    return ", ".join(str(p) for p in parts if p)


def render(result: Any) -> list[str]:
    """Return the text report of a ``LookupResult``."""
    lines: list[str] = []
    if result.users:
        lines.append(f"users ({len(result.users)})")
        lines += table(
            ["ID", "CALLSIGN", "NAME", "LOCATION"],
            [
                [
                    u["id"],
                    u["callsign"],
                    " ".join(p for p in (u["first_name"], u["last_name"]) if p),
                    _place(u["city"], u["state"], u["country"]),
                ]
                for u in result.users
            ],
        )
    if result.repeaters:
        if lines:
            lines.append("")
        lines.append(f"repeaters ({len(result.repeaters)}; frequencies in MHz)")
        lines += table(
            ["SOURCE", "ID", "CALLSIGN", "TX", "RX", "CC", "NETWORK", "STATUS", "LOCATION"],
            [
                [
                    r["source"],
                    r["id"],
                    r["callsign"],
                    r["tx_mhz"] or "-",
                    r["rx_mhz"] or "-",
                    "-" if r["color_code"] is None else r["color_code"],
                    r["network"] or r["mode"] or "-",
                    r["status"] or "-",
                    _place(r["city"], r["state"], r["country"]),
                ]
                for r in result.repeaters
            ],
        )
    if result.talkgroups:
        if lines:
            lines.append("")
        lines.append(f"talkgroups ({len(result.talkgroups)})")
        lines += table(
            ["NETWORK", "ID", "NAME"],
            [[t["network"], t["id"], t["name"]] for t in result.talkgroups],
        )
    if result.truncated:
        lines.append("")
        lines.append("(more matches than --limit; showing the first of each kind)")
    return lines


def run(args: argparse.Namespace, ctx: Any) -> int:
    from dmr_edge.lookup import lookup

    result = lookup(ctx.settings.db, args.query, limit=args.limit)
    if args.json:
        ctx.json(result.as_dict())
    elif result.found:
        for line in render(result):
            ctx.out(line)
    if not result.found:
        if not args.json:
            ctx.err(f"nothing known of {args.query.strip()!r}")
        return EXIT_FAILURE
    return EXIT_OK
