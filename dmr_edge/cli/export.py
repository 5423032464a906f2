"""``dmr-edge export KIND --out PATH [--force] [--json]`` and the user filters."""

from __future__ import annotations

import argparse
from typing import Any

from dmr_edge.errors import ConfigError
from dmr_edge.export import FORMATS, TALKGROUP_KINDS, USER_KINDS

_FILTERS = ("country", "id_prefix", "limit", "ascii", "extra", "no_extra")


def _positive(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive number of users, got {text!r}")
    return number


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    parser.add_argument(
        "format",
        metavar="KIND",
        choices=FORMATS,
        help="dmrids: MMDVMHost's DMRIds.dat (ID TAB CALLSIGN TAB FIRST NAME); "
        "usercsv: radioid's user.csv with its header, quoted where needed; "
        "stripped: Nextion's stripped.csv (user.csv rows, no header); "
        "anytone: AnyTone D878/D578 and Alinco DJ-MD5 Digital Contacts CSV; "
        "tglist-bm, tglist-tgif: Pi-Star's TGList_BM.txt / TGList_TGIF.txt (YSF2DMR); "
        "bm-groups: WPSD's BM_TGs.json (Nextion's groups.txt)",
    )
    parser.add_argument(
        "--out",
        metavar="PATH",
        help="file to replace atomically (default: the file [export] configures for KIND, "
        "with its options)",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="replace the file even with an empty or much smaller one",
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    users = parser.add_argument_group("user exports (dmrids, usercsv, stripped, anytone)")
    users.add_argument(
        "--country",
        metavar="NAME",
        action="append",
        help="only users of this country, however radioid spells it (Turkey = Turkiye, "
        "Mexico = México); repeat for several",
    )
    users.add_argument(
        "--id-prefix",
        metavar="DIGITS",
        action="append",
        help="only ids starting with these digits, such as an MCC (262); repeat for several",
    )
    users.add_argument(
        "--limit",
        metavar="N",
        type=_positive,
        help="at most the first N matching users by id (a radio's capacity); the report "
        "says how many were left out",
    )
    users.add_argument(
        "--ascii",
        action="store_true",
        default=None,
        help="transliterate names and places to ASCII for radio fonts",
    )
    local = users.add_mutually_exclusive_group()
    local.add_argument(
        "--extra",
        metavar="FILE",
        help="local ids in user.csv shape, merged in and replacing radioid's row of the "
        "same id (default: [export] extra)",
    )
    local.add_argument(
        "--no-extra", action="store_true", help="leave out the configured [export] extra"
    )


def _given(args: argparse.Namespace) -> list[str]:
    names = []
    for name in _FILTERS:
        value = getattr(args, name, None)
        if value not in (None, False):
            names.append("--" + name.replace("_", "-"))
    return names


def _options(args: argparse.Namespace, settings: Any) -> tuple[str, dict[str, Any]]:
    """Return the file to write and ``export_file``'s options: the configured file's when
    no --out is given, each replaced by the option given on the command line."""
    from pathlib import Path

    from dmr_edge.config import EXPORT_KINDS
    from dmr_edge.export import UserSelection
    from dmr_edge.hooks import export_options

    kind = args.format
    key = next(k for k, v in EXPORT_KINDS.items() if v == kind)
    if kind in TALKGROUP_KINDS:
        given = _given(args)
        if given:
            raise ConfigError(
                f"{', '.join(given)}: applies to user exports ({', '.join(USER_KINDS)}), not {kind}"
            )
    configured = settings.export.configured(kind)
    if args.out:
        out = args.out
        target = None
    elif not configured:
        raise ConfigError(f"where to? give --out PATH, or set [export] {key} in the configuration")
    elif len(configured) > 1:
        raise ConfigError(
            f"{len(configured)} files are configured for [export] {key}; give --out PATH"
        )
    else:
        target = configured[0]
        out = target.path
    options = {"min_ratio": settings.sync.min_ratio}
    if target is not None:
        options = export_options(settings, target)
    if kind in USER_KINDS:
        selection = options.get("selection") or UserSelection()
        options["selection"] = UserSelection.of(
            args.country if args.country else selection.countries,
            args.id_prefix if args.id_prefix else selection.id_prefixes,
            args.limit if args.limit else selection.limit,
        )
        if args.ascii:
            options["ascii"] = True
        if args.no_extra:
            options["extra"] = None
        elif args.extra:
            options["extra"] = Path(args.extra)
        elif target is None:
            options["extra"] = Path(settings.export.extra) if settings.export.extra else None
    return out, options


def run(args: argparse.Namespace, ctx: Any) -> int:
    from pathlib import Path

    from dmr_edge.export import FILE_NAMES, export_file
    from dmr_edge.progress import ProgressLine

    settings = ctx.settings
    out, options = _options(args, settings)
    label = FILE_NAMES[args.format]
    progress = ProgressLine.for_stderr(enabled=not ctx.quiet and not args.json)
    try:
        result = export_file(
            settings.db,
            Path(out),
            args.format,
            force=args.force,
            progress=(lambda done, total: progress.rows(label, done, total)) if progress else None,
            **options,
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
                "matched": result.matched,
                "left_out": result.left_out,
                "extra": result.extra,
                "replaced": result.replaced,
                "seconds": round(result.seconds, 3),
            }
        )
    elif not ctx.quiet:
        _report(ctx, args.format, result, options)
    return 0


def _report(ctx: Any, kind: str, result: Any, options: dict[str, Any]) -> None:
    what = "talkgroups" if kind in TALKGROUP_KINDS else "users"
    ctx.out(
        f"wrote {result.lines:,} {what} to {result.path} ({result.bytes / 1e6:.1f} MB) "
        f"in {result.seconds:.2f} s"
    )
    if result.left_out:
        ctx.out(
            f"left out {result.left_out:,} more matching users (--limit "
            f"{options['selection'].limit:,}; {result.matched:,} matched)"
        )
    if result.extra:
        ctx.out(f"{result.extra:,} of them local ids ({result.replaced:,} replacing radioid's row)")
    if result.shortened:
        ctx.out(f"{result.shortened:,} lines had a field cut to fit what the reader takes")
