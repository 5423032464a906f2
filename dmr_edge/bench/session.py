"""One bench run: a work directory, the loopback mirrors, configurations and planned runs.

``Bench`` generates (or decompresses) the documents, serves them from a ``Mirror`` and a
throttled one, writes each run's configuration, runs ``dmr-edge`` in fresh children, and
plans repeated cold loads so that they run round-robin. The tables are drawn by the
modules named after them (``loads``, ``incremental``, ``limits``, ``device``).

Every configuration is the default one but for what a run must point somewhere: the
database, the cache directory, the source URLs (the mirror), the sources a row leaves out,
and what a row measures on purpose (a parser, an export target, the size cap of the ×10
file). Plain ``dmr-edge sync`` runs with no ``--mode`` or ``--chunk`` unless the row is
about modes or chunks; ``--max-age 0`` makes every sync check every source.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Callable

from dmr_edge.bench import BenchError
from dmr_edge.bench.documents import decompress_to, mutate_users
from dmr_edge.bench.generate import SOURCES
from dmr_edge.bench.machine import ijson_info
from dmr_edge.bench.mirror import Mirror
from dmr_edge.bench.probes import SYNC_CHILD, baseline_code
from dmr_edge.bench.runner import Places, Run, run_child
from dmr_edge.bench.stats import Measured, Planned

SOURCE_NAMES = SOURCES  # the six, in the order the generator and a sync take them
USERS = "radioid_users"
WEEK_CHANGE = 0.0033  # radioid's real weekly churn, 2025-11-16 → 2025-11-23
BIG_CHANGE = 0.05
SCALE_FACTOR = 10
# A field operator's cellular link: per connection, and before every answer.
SLOW_RATE = 2_000_000
SLOW_LATENCY = 0.1
DMR_EDGE_IMPORTS = "dmr_edge, dmr_edge.cli, dmr_edge.cli.sync, dmr_edge.sync"
NAIVE_IMPORTS = "json, sqlite3"
# The floors of a whole process: what python3 costs before dmr-edge does anything.
FLOOR_BARE = ("", False)
FLOOR_SQLITE = ("sqlite3, json", False)
FLOOR_TLS = ("sqlite3, json, requests", True)
USERS_COLD = "users, cold load (default configuration)"
EXPORT_FILE = "DMRIds.dat"

Progress = Callable[[str], None]


class Bench:
    """One bench run: a work directory, loopback mirrors and the measurements."""

    def __init__(
        self,
        work: Path,
        *,
        scale: float = 1.0,
        repeat: int = 3,
        users: Sequence[Path] = (),
        seed: int = 1,
        progress: Progress | None = None,
    ) -> None:
        if not scale > 0:
            raise BenchError(f"scale must be above zero, not {scale}")
        if repeat < 1:
            raise BenchError(f"repeat must be at least 1, not {repeat}")
        self.work = Path(work)
        self.scale = scale
        self.repeat = repeat
        self.users = [Path(u) for u in users]
        self.seed = seed
        self.progress = progress or (lambda _text: None)
        self.server = Mirror()
        self.slow = Mirror(rate=SLOW_RATE, latency=SLOW_LATENCY)
        self.docs = self.work / "docs"
        self.runs_dir = self.work / "runs"
        self.counter = 0
        self.baselines: dict[tuple[str, str, bool], dict[str, Any]] = {}
        self.planned: dict[str, Planned] = {}
        self.sqlite_version = ""
        self.env = dict(os.environ)
        # Loopback only: a proxy from the environment must not see these requests.
        self.env["NO_PROXY"] = "127.0.0.1,localhost"
        self.env["no_proxy"] = "127.0.0.1,localhost"
        for name in ("DMR_EDGE_CONFIG", "IJSON_BACKEND", "STATE_DIRECTORY", "CACHE_DIRECTORY"):
            self.env.pop(name, None)

    # -- set-up --

    def start(self) -> None:
        self.server.start()
        self.slow.start()

    def stop(self) -> None:
        self.server.stop()
        self.slow.stop()

    def prepare(self) -> None:
        """Generate (or decompress) every document and serve it."""
        from dmr_edge.bench.generate import generate_file

        self.docs.mkdir(parents=True, exist_ok=True)
        self.runs_dir.mkdir(parents=True, exist_ok=True)
        for name in SOURCE_NAMES:
            self.generated(name, name)
        if self.users:
            for index, source in enumerate(self.users):
                self.progress(f"decompressing {source}")
                route = USERS if index == 0 else f"{USERS}_real{index}"
                self.server.set(route, decompress_to(source, self.docs / f"{route}.json"))
            for change in (WEEK_CHANGE, BIG_CHANGE):
                route = f"{USERS}_change{change:g}"
                path = self.docs / f"{route}.json"
                self.progress(f"deriving users with {change:.2%} changed from {self.users[0]}")
                mutate_users(self.docs / f"{USERS}.json", path, change, self.seed)
                self.server.set(route, path)
        else:
            for change in (WEEK_CHANGE, BIG_CHANGE):
                route = f"{USERS}_change{change:g}"
                path = self.docs / f"{route}.json"
                self.progress(f"generating users with {change:.2%} changed")
                generate_file(USERS, path, scale=self.scale, seed=self.seed, change=change)
                self.server.set(route, path)
        self.slow.share(self.server)

    def generated(self, source: str, route: str, factor: int = 1) -> Path:
        """Generate ``source`` at this bench's scale × ``factor`` and serve it at ``route``."""
        from dmr_edge.bench.generate import generate_file

        path = self.docs / f"{route}.json"
        if not path.exists():
            self.progress(f"generating {source} (scale {self.scale * factor:g})")
            generate_file(source, path, scale=self.scale * factor, seed=self.seed)
        self.server.set(route, path)
        return path

    @property
    def week_route(self) -> str:
        """The route of the week's new users file: the newer real file, or a generated week."""
        if len(self.users) > 1:
            return f"{USERS}_real{len(self.users) - 1}"
        return f"{USERS}_change{WEEK_CHANGE:g}"

    @property
    def week_label(self) -> str:
        if len(self.users) > 1:
            return f"real week: {self.users[0].name} → {self.users[-1].name}"
        return f"{WEEK_CHANGE:.2%} of users changed"

    def users_note(self) -> str:
        if self.users:
            return f"users from {self.users[0].name}"
        return f"generated, scale {self.scale:g}"

    def warm_up(self) -> None:
        """Compile every module once, so that no measured child writes a .pyc file."""
        code = (
            "import pkgutil, importlib, dmr_edge\n"
            "for m in pkgutil.walk_packages(dmr_edge.__path__, 'dmr_edge.'):\n"
            "    try: importlib.import_module(m.name)\n"
            "    except Exception: pass\n"
            "import requests, ijson\n"
            "try:\n    import ijson.backends.python\nexcept Exception: pass\n"
        )
        subprocess.run([sys.executable, "-c", code], env=self.env, capture_output=True, timeout=300)
        for imports, tls in (FLOOR_BARE, FLOOR_SQLITE, FLOOR_TLS):
            self.baseline_for(imports, tls=tls)
        self.baseline_for(DMR_EDGE_IMPORTS + ", requests")

    def baseline_for(
        self, imports: str, env: dict[str, str] | None = None, *, tls: bool = False
    ) -> int:
        """Peak RSS (bytes) of a child that only imports ``imports``; measured once."""
        backend = (env or {}).get("IJSON_BACKEND", "")
        key = (imports, backend, tls)
        if key not in self.baselines:
            code = baseline_code(imports, tls)
            runs = [
                run_child([sys.executable, "-c", code], env={**self.env, **(env or {})})
                for _ in range(max(3, self.repeat))
            ]
            label = imports or "nothing (the bare interpreter)"
            if tls:
                label += " + ssl.create_default_context()"
            if backend:
                label += f" (IJSON_BACKEND={backend})"
            self.baselines[key] = {
                "imports": label,
                "peak_rss_bytes": int(statistics.median(r.maxrss for r in runs)),
                "wall_seconds": statistics.median(r.wall for r in runs),
            }
        return int(self.baselines[key]["peak_rss_bytes"])

    def floor(self, imports: str, tls: bool) -> int:
        return self.baseline_for(imports, tls=tls)

    def baseline_info(self) -> dict[str, Any]:
        return {"children": list(self.baselines.values())}

    # -- running dmr-edge --

    def new_dir(self) -> Path:
        self.counter += 1
        path = self.runs_dir / f"run{self.counter}"
        path.mkdir(parents=True)
        return path

    def places(self, run_dir: Path) -> Places:
        return Places(
            root=run_dir,
            database=run_dir / "db.sqlite",
            cache=run_dir / "cache",
            exports=(run_dir / "export",),
        )

    def write_config(
        self,
        run_dir: Path,
        routes: dict[str, str],
        *,
        parser: str | None = None,
        max_bytes: int | None = None,
        export: bool = False,
        mirror: Mirror | None = None,
    ) -> Path:
        """The default configuration, but for paths and URLs; sources not in ``routes`` off."""
        mirror = mirror or self.server
        lines = [
            f"db = {json.dumps(str(run_dir / 'db.sqlite'))}",
            f"cache_dir = {json.dumps(str(run_dir / 'cache'))}",
        ]
        if parser:
            lines += ["[sync]", f"parser = {json.dumps(parser)}"]
        if max_bytes:
            lines += ["[http]", f"max_bytes = {max_bytes}"]
        if export:
            target = run_dir / "export" / EXPORT_FILE
            target.parent.mkdir(exist_ok=True)  # an export goes where its directory is
            lines += ["[export]", f"dmrids = {json.dumps(str(target))}"]
        for name in SOURCE_NAMES:
            lines.append(f"[sources.{name}]")
            if name in routes:
                lines.append(f"url = {json.dumps(mirror.url(routes[name]))}")
            else:
                lines.append("enabled = false")
        config = run_dir / "config.toml"
        config.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return config

    def sync(
        self,
        run_dir: Path,
        *,
        mode: str | None = None,
        chunk: int | None = None,
        offline: bool = False,
        env: dict[str, str] | None = None,
        command: str = "sync",
    ) -> Run:
        """Run ``dmr-edge sync`` (or ``warm``) in a fresh child against ``run_dir``'s config."""
        config = str(run_dir / "config.toml")
        argv = [sys.executable, "-c", SYNC_CHILD, command, "--config", config]
        if mode:
            argv += ["--mode", mode]
        if chunk:
            argv += ["--chunk", str(chunk)]
        if offline:
            argv.append("--offline")
        argv += ["--max-age", "0", "--json", "-q"]
        run = run_child(
            argv,
            env={**self.env, **(env or {})},
            cwd=run_dir,
            places=self.places(run_dir),
            json_report=True,
        )
        warnings = [line for line in run.stderr.splitlines() if "warning:" in line]
        if warnings:
            # A failed export is a warning, not a failed sync; a measurement it spoils is.
            raise BenchError(f"dmr-edge {command} warned: {warnings[0]}")
        imports = ", ".join([DMR_EDGE_IMPORTS, *run.modules])
        run.baseline = self.baseline_for(imports, env if "ijson" in run.modules else None)
        return run

    def plan_cold(
        self,
        label: str,
        routes: dict[str, str],
        *,
        mode: str | None = None,
        chunk: int | None = None,
        parser: str | None = None,
        env: dict[str, str] | None = None,
        offline: bool = False,
        max_bytes: int | None = None,
    ) -> str:
        """Plan cold loads (empty database and cache) of ``routes``; return the plan's key."""
        key = json.dumps([routes, mode, chunk, parser, env, offline, max_bytes], sort_keys=True)

        def once() -> Run:
            run_dir = self.new_dir()
            try:
                self.write_config(run_dir, routes, parser=parser, max_bytes=max_bytes)
                if offline:
                    self.sync(run_dir, command="warm", env=env)
                return self.sync(run_dir, mode=mode, chunk=chunk, env=env, offline=offline)
            finally:
                shutil.rmtree(run_dir, ignore_errors=True)

        if key not in self.planned:
            self.planned[key] = Planned(label, once)
        return key

    def cold(self, label: str, routes: dict[str, str], **options: Any) -> Measured:
        """Cold loads of ``routes``, ``repeat`` times (run with everything else planned)."""
        key = self.plan_cold(label, routes, **options)
        self.run_plan()
        return Measured(label, self.planned[key].runs)

    def planned_runs(self, key: str) -> Measured:
        self.run_plan()
        return Measured(self.planned[key].label, self.planned[key].runs)

    def run_plan(self) -> None:
        """Run every planned measurement that lacks runs, round-robin.

        Taking the first run of every row, then the second, and so on spreads a burst of
        other work on the machine over all rows instead of biasing one.
        """
        pending = [p for p in self.planned.values() if len(p.runs) < self.repeat]
        for round_index in range(self.repeat):
            for item in pending:
                if len(item.runs) == round_index:
                    self.progress(f"round {round_index + 1} of {self.repeat}: {item.label}")
                    item.runs.append(item.once())

    def all_routes(self) -> dict[str, str]:
        return {name: name for name in SOURCE_NAMES}

    def plan_users_cold(self) -> str:
        """The reference: a cold load of the users alone, with the default configuration."""
        return self.plan_cold(USERS_COLD, {USERS: USERS})

    def users_cold(self) -> Measured:
        return self.cold(USERS_COLD, {USERS: USERS})

    @property
    def ijson_backend(self) -> str:
        if not hasattr(self, "_ijson"):
            self._ijson = ijson_info(self.env)
        return self._ijson[1]
