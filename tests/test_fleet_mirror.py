"""A fleet of agents behind one caching nginx mirror (packaging/README.md, "A fleet behind
one caching mirror"): the upstream sends each source's document in full once, whatever the
number of agents and syncs; after that, it answers the mirror's revalidations with 304."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from dmr_edge.sources import SOURCES
from tests.conftest import ROOT, tiny_documents, write_config

GUIDE = ROOT / "packaging" / "README.md"
# The path of each source under the mirror, as the guide's hotspot configuration has it.
MIRROR_PATHS = {
    "radioid_users": "/radioid/static/users.json",
    "radioid_repeaters": "/radioid/static/rptrs.json",
    "brandmeister_devices": "/brandmeister/v2/device",
    "brandmeister_talkgroups": "/brandmeister/v2/talkgroup",
    "tgif_talkgroups": "/tgif/dmr/talkgroups/json",
    "hearham_repeaters": "/hearham/api/repeaters/v1",
}
HOSTS = {
    "radioid.net": "radioid",
    "api.brandmeister.network": "brandmeister",
    "api.tgif.network": "tgif",
    "hearham.com": "hearham",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def guide_config(upstream_port: int, port: int, cache: Path) -> str:
    """The guide's nginx configuration, pointed at the loopback upstream (each upstream
    host becomes a path prefix there), with a one-second validity."""
    text = GUIDE.read_text(encoding="utf-8")
    snippet = text.split("<!-- fleet-mirror.conf: begin -->")[1].split(
        "<!-- fleet-mirror.conf: end -->"
    )[0]
    conf = snippet.split("```nginx\n")[1].split("```")[0]
    for host, prefix in HOSTS.items():
        conf = conf.replace(
            f"proxy_pass https://{host}/;",
            f"proxy_pass http://127.0.0.1:{upstream_port}/{prefix}/;",
        )
    assert "https://" not in conf
    conf = conf.replace("listen 8080;", f"listen 127.0.0.1:{port};")
    conf = conf.replace("/var/cache/nginx/dmr-edge", str(cache))
    conf, valid = re.subn(r"proxy_cache_valid 200 5m;", "proxy_cache_valid 200 1s;", conf)
    assert valid == 1
    return conf


@pytest.fixture
def mirror(tmp_path, upstream):
    nginx = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if nginx is None:
        pytest.skip("nginx is not installed (Debian package: nginx)")
    port = free_port()
    prefix = tmp_path / "nginx"
    (prefix / "logs").mkdir(parents=True)
    (prefix / "cache").mkdir()
    conf = prefix / "nginx.conf"
    temp_paths = "".join(
        f"{kind}_temp_path {prefix / kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    conf.write_text(
        f"pid {prefix / 'nginx.pid'};\nerror_log {prefix / 'logs' / 'error.log'};\n"
        "events {}\nhttp {\n"
        f"access_log {prefix / 'logs' / 'access.log'};\n{temp_paths}"
        + guide_config(upstream.port, port, prefix / "cache")
        + "}\n"
    )
    proc = subprocess.Popen(
        [nginx, "-p", str(prefix), "-c", str(conf), "-g", "daemon off; master_process off;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                err = proc.stderr.read().decode() if proc.stderr else ""
                pytest.skip(f"nginx did not start here: {err.strip()[:300]}")
            time.sleep(0.05)
    try:
        yield port
    finally:
        proc.terminate()
        proc.wait(10)


def agent_config(tmp_path: Path, name: str, port: int, upstream) -> Path:
    base = tmp_path / name
    base.mkdir()
    config = write_config(base / "config.toml", base, upstream)
    text = config.read_text()
    for source in SOURCES:
        text = re.sub(
            rf'(\[sources\.{source}\]\nurl = ")[^"]*"',
            rf'\g<1>http://127.0.0.1:{port}{MIRROR_PATHS[source]}"',
            text,
        )
    config.write_text(text)
    return config


def test_two_agents_behind_the_guides_nginx_cost_the_upstream_one_download_per_source(
    cli, tmp_path, upstream, mirror
):
    documents = tiny_documents()
    for source, path in MIRROR_PATHS.items():
        upstream.set(path, documents[source], etag=f'"{source}-1"', gzip=True)
    agents = [agent_config(tmp_path, name, mirror, upstream) for name in ("a", "b")]
    for round_ in range(3):
        for config in agents:
            result = cli("sync", "--config", config, "--max-age", "0")
            assert result.code == 0, result
            if round_ == 0:  # each agent's first load (the second one's from the mirror)
                assert "radioid_users: 2 rows changed" in result.out
            else:  # answered by the mirror with a 304
                assert result.out.count("304 not modified") == len(SOURCES), result.out
        time.sleep(1.2)  # past the mirror's validity: the next round revalidates upstream
    for source, path in MIRROR_PATHS.items():
        seen = [r for r in upstream.requests if r.path == path]
        full = [r for r in seen if r.headers.get("if-none-match") != f'"{source}-1"']
        assert len(full) == 1, (source, [(r.headers.get("if-none-match"),) for r in seen])
        assert len(seen) >= 2, source  # the mirror did revalidate, with the validators
