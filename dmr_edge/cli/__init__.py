"""Command line: argument parsing, output and exit codes.

This package is the only place that prints, reads argv or exits. Each command lives in
its own module (``dmr_edge.cli.<name>``) exposing ``HELP``, ``add_arguments(parser)`` and
``run(args, ctx) -> int``; modules are imported only when their command runs.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from typing import Any

from dmr_edge import __version__
from dmr_edge.errors import EXIT_FAILURE, EXIT_OK, EXIT_USAGE, ConfigError, DmrEdgeError

# command name → (module, one-line help). Keep in the order `--help` should list them.
COMMANDS = {
    "warm": ("dmr_edge.cli.sync", "refresh cached downloads older than max-age"),
    "sync": ("dmr_edge.cli.sync", "warm the cache, then apply every changed source"),
    "run": ("dmr_edge.cli.run", "the daemon: sync on a timer, with a watchdog"),
    "check": ("dmr_edge.cli.check", "can each source be reached, and how fast"),
    "status": ("dmr_edge.cli.status", "per source: records, rejected, ages, last error"),
    "lookup": ("dmr_edge.cli.lookup", "what the database knows of an id or callsign"),
    "export": ("dmr_edge.cli.export", "write the files hotspots, dashboards and radios read"),
    "import": ("dmr_edge.cli.importfile", "load a file brought by hand"),
    "backup": ("dmr_edge.cli.backup", "an online, consistent copy of the database"),
    "bench": ("dmr_edge.cli.bench", "performance tables on this machine"),
    "demo": ("dmr_edge.cli.demo", "try it with no network: a loopback mirror, sync, lookup"),
    "setup": ("dmr_edge.cli.setup", "set a hotspot up in one command (pi-star)"),
}


class Context:
    """What a command needs from the CLI: settings, output, and the parsed options."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.verbose = bool(getattr(args, "verbose", False))
        self.quiet = bool(getattr(args, "quiet", False))
        self._settings: Any = None

    @property
    def settings(self) -> Any:
        if self._settings is None:
            from dmr_edge.config import load_settings

            self._settings = load_settings(
                getattr(self.args, "config", None),
                db=getattr(self.args, "db", None),
                cache_dir=getattr(self.args, "cache_dir", None),
            )
            for warning in self._settings.warnings:
                self.err(f"warning: {warning}")
        return self._settings

    def out(self, text: str = "") -> None:
        """Print a line of the command's report to stdout."""
        print(text, flush=True)

    def json(self, data: Any) -> None:
        print(json.dumps(data, indent=2, sort_keys=True, default=str), flush=True)

    def err(self, text: str) -> None:
        print(f"dmr-edge: {text}", file=sys.stderr, flush=True)


class _Formatter(argparse.HelpFormatter):
    """argparse's formatter, told the terminal width: left to itself it imports shutil
    (and with it zlib, bz2 and lzma) on every run just to ask."""

    def __init__(self, prog: str, **options: Any) -> None:
        if options.get("width") is None:
            try:
                columns = os.get_terminal_size(sys.stdout.fileno()).columns
            except (OSError, ValueError, AttributeError):
                columns = int(os.environ.get("COLUMNS", "0") or 0) or 80
            options["width"] = max(columns - 2, 40)
        super().__init__(prog, **options)


def _common(suppress: bool) -> argparse.ArgumentParser:
    """Options every command accepts, before or after the command name."""
    default: Any = argparse.SUPPRESS if suppress else None
    flag_default: Any = argparse.SUPPRESS if suppress else False
    parser = argparse.ArgumentParser(add_help=False, formatter_class=_Formatter)
    group = parser.add_argument_group("common options")
    group.add_argument("--config", metavar="FILE", default=default, help="configuration file")
    group.add_argument("--db", metavar="PATH", default=default, help="database file")
    group.add_argument("--cache-dir", metavar="DIR", default=default, help="download cache")
    group.add_argument(
        "-v", "--verbose", action="store_true", default=flag_default, help="more detail"
    )
    group.add_argument(
        "-q", "--quiet", action="store_true", default=flag_default, help="errors only"
    )
    return parser


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """Return the parser; with ``only``, load just that command's module."""
    parser = argparse.ArgumentParser(
        prog="dmr-edge",
        description="Keep a local SQLite copy of the public DMR databases fresh.",
        parents=[_common(suppress=False)],
        formatter_class=_Formatter,
    )
    parser.add_argument("--version", action="version", version=f"dmr-edge {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True
    for name, (module_name, help_text) in COMMANDS.items():
        sub = commands.add_parser(
            name,
            help=help_text,
            description=help_text,
            parents=[_common(suppress=True)],
            formatter_class=_Formatter,
        )
        if only == name:
            module = importlib.import_module(module_name)
            module.add_arguments(sub, name)
            sub.set_defaults(_module=module)
    return parser


def _command_name(argv: list[str]) -> str | None:
    for token in argv:
        if token in COMMANDS:
            return token
    return None


def configure_logging(verbose: bool, quiet: bool) -> None:
    """Log lines to stderr: for the daemon (``USES_LOGGING`` in its command module), and for
    any command under ``--verbose`` (tracebacks). Other commands print their few lines
    themselves and leave the logging module unimported (0.9 MB on a router)."""
    import logging

    level = logging.DEBUG if verbose else logging.WARNING if quiet else logging.INFO
    handler = logging.StreamHandler(sys.stderr)
    if os.environ.get("JOURNAL_STREAM"):
        handler.setFormatter(logging.Formatter("%(message)s"))  # journald stamps lines itself
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%Y-%m-%d %H:%M:%S"))
    root = logging.getLogger("dmr_edge")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(_command_name(argv))
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help, --version, or a usage error
        return int(exc.code) if isinstance(exc.code, int) else EXIT_USAGE
    ctx = Context(args)
    if ctx.verbose or getattr(args._module, "USES_LOGGING", False):
        configure_logging(ctx.verbose, ctx.quiet)
    elif "logging" in sys.modules:  # a command run before in this process set handlers up
        import logging

        logging.getLogger("dmr_edge").handlers[:] = []
    try:
        return int(args._module.run(args, ctx))
    except DmrEdgeError as exc:
        if ctx.verbose:
            import traceback

            traceback.print_exc()
        ctx.err(f"error: {exc}")
        return exc.exit_code
    except KeyboardInterrupt:
        ctx.err("interrupted")
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # a bug: say so in one line, full traceback with --verbose
        if ctx.verbose:
            import traceback

            traceback.print_exc()
        ctx.err(f"internal error: {type(exc).__name__}: {exc} (run with --verbose for details)")
        return EXIT_FAILURE


def usage_error(message: str) -> ConfigError:
    return ConfigError(message)


__all__ = ["main", "Context", "COMMANDS", "EXIT_USAGE"]
