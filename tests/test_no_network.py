"""With no network at all (a field operator out of coverage, a new user's offline
machine), a one-shot sync ends within seconds with one line that says so and what to do;
where some upstreams answer, the others get their retries; the daemon stays patient."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dmr_edge.sources import SOURCES
from tests.conftest import PATHS, ROOT, run_dmr_edge

SAYS = "no upstream can be reached (connection refused): no network?"


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again when the socket is


def refusing_config(tmp_path: Path, retries: int = 3, backoff: str = "2s") -> Path:
    """Every source's upstream refuses: four hosts (closed ports), as the four upstreams."""
    ports = {family: closed_port() for family in ("radioid", "brandmeister", "tgif", "hearham")}
    lines = [
        f'db = "{tmp_path / "db.sqlite"}"',
        f'cache_dir = "{tmp_path / "cache"}"',
        f'[http]\nretries = {retries}\nbackoff = "{backoff}"',
    ]
    for name in SOURCES:
        port = ports[name.split("_")[0]]
        lines.append(f'[sources.{name}]\nurl = "http://127.0.0.1:{port}/{name}.json"')
    path = tmp_path / "config.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize("command", ["sync", "warm"])
def test_with_no_upstream_reachable_one_shot_runs_end_in_seconds_with_one_line(
    tmp_path, command
):
    config = refusing_config(tmp_path)  # 3 retries with backoff: a minute of waiting before
    started = time.monotonic()
    done = run_dmr_edge(command, "--config", config)
    elapsed = time.monotonic() - started
    assert done.returncode == 75, done
    assert elapsed < 15, elapsed
    assert done.stdout == ""
    (line,) = done.stderr.splitlines()
    assert line.startswith(f"dmr-edge: error: {SAYS}")
    for hint in ("dmr-edge sync --offline", "dmr-edge import", "dmr-edge demo"):
        assert hint in line


def test_where_some_upstreams_answer_the_unreachable_one_gets_its_retries(
    cli, tmp_path, served, monkeypatch
):
    from dmr_edge.fetch import Fetcher
    from tests.conftest import write_config

    config = write_config(tmp_path / "c.toml", tmp_path, served)
    text = config.read_text().replace("retries = 0", "retries = 2")
    text = text.replace(served.url(PATHS["hearham_repeaters"]),
                        f"http://127.0.0.1:{closed_port()}/h.json")  # fmt: skip
    config.write_text(text)
    attempts = {"n": 0}
    real = Fetcher._attempt

    def count(self, source, cache, entry):  # type: ignore[no-untyped-def]
        if source.name == "hearham_repeaters":
            attempts["n"] += 1
        return real(self, source, cache, entry)

    monkeypatch.setattr(Fetcher, "_attempt", count)
    result = cli("sync", "--config", config)
    assert result.code == 75
    assert result.err == (
        "dmr-edge: error: hearham_repeaters: cannot reach upstream: connection refused\n"
    )
    assert "radioid_users: 2 rows changed" in result.out
    assert attempts["n"] == 3  # the first try, then its two retries


def test_the_daemon_keeps_its_patient_backoff(tmp_path):
    config = refusing_config(tmp_path, retries=1, backoff="0.2s")
    done = run_dmr_edge("run", "--once", "--config", config)
    assert done.returncode == 75
    assert "no upstream can be reached" not in done.stderr
    for name in SOURCES:
        assert f"{name}: error: cannot reach upstream: connection refused" in done.stderr


def test_the_quick_start_without_any_network_ends_in_seconds(tmp_path):
    """The README's first command, in a network namespace with no interface up: name
    resolution fails at once and nothing leaves the machine."""
    unshare = shutil.which("unshare")
    if unshare is None:
        pytest.skip("unshare (util-linux) is not installed")
    probe = subprocess.run([unshare, "-rn", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"cannot make a network namespace here: {probe.stderr.decode().strip()}")
    config = tmp_path / "config.toml"
    config.write_text(f'db = "{tmp_path / "db.sqlite"}"\ncache_dir = "{tmp_path / "cache"}"\n')
    started = time.monotonic()
    done = subprocess.run(
        [unshare, "-rn", sys.executable, "-m", "dmr_edge", "sync", "--config", str(config)],
        capture_output=True, text=True, timeout=120, cwd=str(ROOT),
    )  # fmt: skip
    elapsed = time.monotonic() - started
    assert done.returncode == 75, done
    assert elapsed < 15, elapsed
    (line,) = done.stderr.splitlines()
    assert "no upstream can be reached" in line and "dmr-edge sync --offline" in line


def test_one_refusing_upstream_beside_fresh_ones_is_named_and_gets_its_retries(
    cli, tmp_path, served, monkeypatch
):
    """One host refusing is that host's trouble, not the machine's: it is named, and it is
    retried, whatever the other sources did (here: nothing, they were fresh)."""
    from dmr_edge.fetch import Fetcher
    from tests.conftest import write_config

    config = write_config(tmp_path / "c.toml", tmp_path, served)
    assert cli("sync", "--config", config).code == 0
    tgif = PATHS["tgif_talkgroups"]
    text = config.read_text().replace("retries = 0", "retries = 2")
    config.write_text(text.replace(served.url(tgif), f"http://127.0.0.1:{closed_port()}/t"))
    attempts = {"n": 0}
    real = Fetcher._attempt

    def count(self, source, cache, entry):  # type: ignore[no-untyped-def]
        attempts["n"] += source.name == "tgif_talkgroups"
        return real(self, source, cache, entry)

    monkeypatch.setattr(Fetcher, "_attempt", count)
    result = cli("sync", "--config", config)  # the others are fresh: only TGIF is fetched
    assert result.code == 75, result
    assert "no network" not in result.err
    assert result.err == (
        "dmr-edge: error: tgif_talkgroups: cannot reach upstream: connection refused\n"
    )
    assert attempts["n"] == 3
