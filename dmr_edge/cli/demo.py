"""``dmr-edge demo``: try it with no network: a loopback mirror, real syncs, lookup, export."""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from dmr_edge.errors import EXIT_OK, ConfigError

REAL_UPSTREAMS = (
    "radioid.net: users and repeaters",
    "api.brandmeister.network: devices and talkgroups",
    "api.tgif.network: talkgroups",
    "hearham.com: repeaters",
)


def _scale(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0 < value <= 20:
        raise argparse.ArgumentTypeError(f"expected a number above 0 and at most 20, got {text!r}")
    return value


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    from dmr_edge.bench.demo import DEFAULT_SCALE

    parser.add_argument(
        "--scale",
        type=_scale,
        default=DEFAULT_SCALE,
        metavar="F",
        help=f"size of the generated data: 1 is the real size, 295k users "
        f"(default {DEFAULT_SCALE:g}: 14,750 users and 3,300 repeaters and talkgroups)",
    )
    parser.add_argument(
        "--keep",
        metavar="DIR",
        type=Path,
        help="work in DIR (new or empty) and keep it: database, cache, config, DMRIds.dat",
    )


def _work_directory(keep: Path | None) -> Path:
    if keep is None:
        return Path(tempfile.mkdtemp(prefix="dmr-edge-demo-"))
    keep = keep.expanduser().resolve()
    if keep.exists() and (not keep.is_dir() or any(keep.iterdir())):
        raise ConfigError(f"--keep {keep}: not an empty directory; name a new or empty one")
    keep.mkdir(parents=True, exist_ok=True)
    return keep


def run(args: argparse.Namespace, ctx: Any) -> int:
    work = _work_directory(args.keep)
    try:
        return _demo(args, ctx, work)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


def _demo(args: argparse.Namespace, ctx: Any, work: Path) -> int:
    from dmr_edge.bench import demo
    from dmr_edge.cli.lookup import render
    from dmr_edge.cli.sync import breakdown
    from dmr_edge.config import load_settings
    from dmr_edge.export import export_users
    from dmr_edge.lock import InstanceLock
    from dmr_edge.lookup import lookup
    from dmr_edge.sync import Syncer

    started = time.monotonic()
    say = ctx.out
    # The mirror is on loopback: a proxy from the environment must not be asked for it.
    for name in ("NO_PROXY", "no_proxy"):
        os.environ[name] = ",".join(filter(None, [os.environ.get(name), "127.0.0.1"]))
    say(f"dmr-edge demo: everything happens in {work}")
    say("(no network needed; your own database, cache and configuration are not touched)")
    say("")
    note = demo.ensure_loopback()
    if note:
        say(f"note: {note}")
    documents = demo.prepare(work / "upstream", args.scale)
    total = sum(d.records for d in documents)
    total_size = sum(d.size for d in documents)
    say(f"1. Generated realistic data of the six sources (scale {args.scale:g}): {total:,} records")
    for d in documents:
        say(f"     {d.source:<24} {d.records:>8,} records  {d.size / 1e6:6.1f} MB")
    mirror = demo.serve(documents)
    try:
        say(f"   served by a loopback mirror at http://127.0.0.1:{mirror.port}/ (gzip, ETag)")
        config = demo.write_config(work, mirror, [d.source for d in documents])
        settings = load_settings(
            str(config),
            environ={"HOME": str(work)},
            db=str(work / "dmr.sqlite"),
            cache_dir=str(work / "cache"),
        )
        lock = InstanceLock(settings.lock_path)

        def sync(max_age: float | None = None) -> Any:
            lock.acquire(wait=False)
            try:
                return Syncer(settings, max_age=max_age).sync()
            finally:
                lock.release()

        say("")
        say(f"2. dmr-edge --config {config} sync --verbose")
        first = sync()
        for line in breakdown(first):
            say(f"   {line}".rstrip())
        for source in first.sources:
            if source.error:
                ctx.err(f"error: {source.source}: {source.error}")
        if first.exit_code != EXIT_OK:
            return first.exit_code
        wire = sum(s.downloaded_bytes for s in first.sources)
        say(f"   downloaded {wire / 1e6:.1f} MB (gzip) for {total_size / 1e6:.1f} MB of JSON")
        say("")
        say(f"3. dmr-edge --config {config} sync --max-age 0")
        say("   Again, checking every source: nothing changed upstream, so each answers 304")
        mirror.take_log()
        second = sync(max_age=0)
        for source in second.sources:
            say(f"   {source.source}: {source.summary()}")
        answers = [served.status for served in mirror.take_log()]
        changed = sum(s.inserted + s.updated + s.deleted for s in second.sources)
        wire = sum(s.downloaded_bytes for s in second.sources)
        say(
            f"   the mirror answered {answers.count(304)} of {len(answers)} requests with 304: "
            f"{wire:,} bytes downloaded, {changed:,} rows changed, {second.total_seconds:.3f} s"
        )
        if second.exit_code != EXIT_OK:
            return second.exit_code
    finally:
        mirror.stop()
    say("")
    user = demo.sample_user(settings.db)
    if user is not None:
        say(f"4. dmr-edge lookup {user[1]}")
        for line in render(lookup(settings.db, user[1])):
            say(f"   {line}".rstrip())
        say("")
    target = work / "DMRIds.dat"
    say(f"5. dmr-edge export dmrids --out {target}")
    result = export_users(settings.db, target, "dmrids")
    say(f"   wrote {result.lines:,} users ({result.bytes / 1e6:.1f} MB), MMDVMHost's format:")
    with open(target, encoding="utf-8", errors="replace") as exported:
        for _ in range(3):
            line = exported.readline().rstrip("\n")
            if line:
                say("     " + line.replace("\t", " ⇥ "))
    say("")
    say("Next, with a network: `dmr-edge sync` fetches every source from the real upstreams:")
    for upstream in REAL_UPSTREAMS:
        say(f"  {upstream}")
    say("into ~/.local/share/dmr-edge/dmr.sqlite (/var/lib/dmr-edge/ as root).")
    say("To use a mirror of your own, set `url` under [sources.NAME] in")
    say("~/.config/dmr-edge/config.toml, as this demo's config.toml did. With no network:")
    say("`dmr-edge import --source radioid_users users.json` loads a file brought by hand.")
    say("")
    if args.keep is not None:
        say(f"Kept in {work}: try `dmr-edge --config {config} status`.")
    else:
        say(f"Done in {time.monotonic() - started:.1f} s; {work} is removed.")
    return EXIT_OK
