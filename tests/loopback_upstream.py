"""Serve generated data of the six sources on 127.0.0.1 until stopped, for OS-root tests.

    python3 -m tests.loopback_upstream --dir DIR [--scale 0.002] [--stall radioid_users]

Standard library only (the checkout's ``dmr_edge.bench.generate`` and ``tests.upstream``), so the
host's own ``/usr/bin/python3`` runs it without a venv. It writes DIR/<source>.json, starts
``tests.upstream.Upstream`` (ETags and 304s, as the real upstreams answer), writes
DIR/sources.toml (a ``[sources.*]`` table per source pointing at it), prints one JSON line
(``base_url``, a ``callsign`` and ``id`` present in the users file, ``users``) and serves
until SIGTERM or SIGINT. ``--stall SOURCE`` makes that route read the request and never
answer, for watchdog tests. A chroot or a container sharing the host's network reaches it
at the same address.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from pathlib import Path

from dmr_edge.bench.generate import SOURCES, generate_file
from tests.upstream import Fault, Upstream


def sample_user(users_json: Path) -> tuple[str, int]:
    """Return (callsign, id) of a user of a generated users.json."""
    document = json.loads(users_json.read_text(encoding="utf-8"))
    for user in document["users"]:
        if user.get("callsign"):
            return str(user["callsign"]), int(user["id"])
    raise ValueError(f"{users_json}: no user has a callsign")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m tests.loopback_upstream")
    parser.add_argument("--dir", required=True, type=Path, help="where to write the files")
    parser.add_argument("--scale", type=float, default=0.002, help="of the real sizes")
    parser.add_argument("--stall", action="append", default=[], choices=SOURCES)
    args = parser.parse_args(argv)

    args.dir.mkdir(parents=True, exist_ok=True)
    counts = {}
    for source in SOURCES:
        counts[source] = generate_file(source, args.dir / f"{source}.json", scale=args.scale)
    callsign, user_id = sample_user(args.dir / "radioid_users.json")

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    with Upstream() as upstream:
        lines = []
        for source in SOURCES:
            body = (args.dir / f"{source}.json").read_bytes()
            fault = Fault.stall() if source in args.stall else None
            upstream.set(f"/{source}.json", body, etag=f'"{source}-1"', fault=fault)
            lines += [f"[sources.{source}]", f'url = "{upstream.url(f"/{source}.json")}"']
        (args.dir / "sources.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
        info = {
            "base_url": upstream.base_url,
            "callsign": callsign,
            "id": user_id,
            "users": counts["radioid_users"],
        }
        print(json.dumps(info), flush=True)
        while not stop.wait(0.5):
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
