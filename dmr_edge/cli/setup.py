"""``dmr-edge setup pi-star [--dry-run] [--undo] [--root DIR]``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from dmr_edge.errors import EXIT_OK


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    parser.add_argument(
        "target",
        choices=("pi-star",),
        help="pi-star: database, cache and DMRIds.dat in RAM (/tmp), MMDVMHost reading it "
        "(packaging/pi-star.md)",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="print what it would write and run, change nothing"
    )
    parser.add_argument("--undo", action="store_true", help="put back what the setup changed")
    parser.add_argument(
        "--root",
        metavar="DIR",
        default="/",
        help="set up the system under DIR (a stand-in tree or an image); commands such as "
        "systemctl and mount run only for / (default: /)",
    )
    parser.add_argument(
        "--mmdvmhost",
        metavar="FILE",
        default="/etc/mmdvmhost",
        help="MMDVMHost's configuration (default: /etc/mmdvmhost)",
    )
    parser.add_argument(
        "--ram-dir",
        metavar="DIR",
        default="/tmp/dmr-edge",
        help="where the database, cache and DMRIds.dat live (default: /tmp/dmr-edge)",
    )
    parser.add_argument(
        "--pistar-dmrids",
        metavar="FILE",
        default="/usr/local/etc/DMRIds.dat",
        help="Pi-Star's own DMRIds.dat, which seeds the export after each boot "
        "(default: /usr/local/etc/DMRIds.dat)",
    )


def run(args: argparse.Namespace, ctx: Any) -> int:
    from dmr_edge.setup import pistar

    layout = pistar.Layout(
        root=Path(args.root),
        mmdvmhost=args.mmdvmhost,
        ram_dir=args.ram_dir.rstrip("/") or "/",
        pistar_dmrids=args.pistar_dmrids,
    )
    host = pistar.Host()
    plan = pistar.plan_undo(layout, host) if args.undo else pistar.plan_setup(layout, host)
    where = "" if layout.live else f" under {layout.root}"
    if plan.empty:
        for note in plan.notes:
            ctx.out(f"note: {note}")
        if not args.undo:
            ctx.out(f"Pi-Star setup{where} is already in place: nothing to change")
        return EXIT_OK
    if args.dry_run:
        ctx.out(
            f"dry run{where}: this is what `dmr-edge setup pi-star"
            f"{' --undo' if args.undo else ''}` would do, in order"
        )
        for op in plan.operations():
            ctx.out(pistar.describe(op))
            if isinstance(op, pistar.Write) and op.after is not None and not op.restore_from:
                for line in pistar.content_lines(op):
                    ctx.out(f"    {line}")
        for note in plan.notes:
            ctx.out(f"note: {note}")
        return EXIT_OK

    def report(op: Any) -> None:
        ctx.out(pistar.describe(op))

    for warning in pistar.apply(plan, host, report):
        ctx.err(
            f"warning: {warning} (the files are back as they were; with them, "
            "`systemctl status` tells how the services fare)"
        )
    for note in plan.notes:
        ctx.out(f"note: {note}")
    if args.undo:
        ctx.out(f"undone{where}: the files are as they were before the setup")
    else:
        ctx.out(
            f"done{where}: dmr-edge keeps {layout.ram_dir} fresh and MMDVMHost reads "
            f"{layout.export}; `dmr-edge setup pi-star --undo` puts everything back"
        )
    return EXIT_OK
