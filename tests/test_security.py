"""Security: which URLs are accepted, redirects, TLS verification, the BrandMeister key,
file permissions, and upstream text that must stay text.
"""

from __future__ import annotations

import json
import os
import shutil
import ssl
import stat
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Iterator, List

import pytest

from dmr_edge.config import load_settings
from dmr_edge.errors import ConfigError
from dmr_edge.sources import SOURCES
from tests.conftest import (
    PATHS,
    readable_by_everyone,
    run_as_nobody,
    run_dmr_edge,
    tiny_documents,
    write_config,
)
from tests.upstream import Fault, Upstream

SECRET = "bm-SECRET-7f3a9c2e5d1b4a6f8e0c"
DEVICES = PATHS["brandmeister_devices"]


# --- URLs and redirects ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://example.org/users.json",
        "gopher://127.0.0.1/users",
        "data:application/json,[]",
        "javascript:alert(1)",
        "/etc/dmr/users.json",
        "127.0.0.1:8080/users.json",
        "http:///nohost",
        "",
    ],
)
def test_only_http_and_https_urls_are_accepted_in_the_config(cli, tmp_path, url):
    config = tmp_path / "config.toml"
    config.write_text(f'[sources.radioid_users]\nurl = "{url}"\n')
    with pytest.raises(ConfigError, match=r"sources\.radioid_users\.url: expected an http"):
        load_settings(str(config))
    result = cli("status", "--config", config)
    assert result.code == 2
    assert "expected an http:// or https:// URL" in result.err


@pytest.mark.parametrize(
    "target", ["file:///etc/passwd", "ftp://127.0.0.1/x.json", "gopher://127.0.0.1:70/1"]
)
def test_a_redirect_to_a_non_http_scheme_is_refused(cli, config, served, tmp_path, target):
    served.set_fault(PATHS["radioid_users"], Fault.redirect(target))
    result = cli("sync", "--config", config)
    assert result.code == 1
    assert f"radioid_users: refused a URL that is not http:// or https://: {target}" in result.err
    assert not (tmp_path / "cache" / "radioid_users.json").exists()


def test_redirects_are_limited_to_the_configured_number(cli, served, tmp_path):
    config = write_config(tmp_path / "config.toml", tmp_path, served, enabled=["radioid_users"])
    config.write_text(config.read_text().replace("[http]", "[http]\nmax_redirects = 2", 1))
    served.set_fault(PATHS["radioid_users"], Fault.redirect(served.url(PATHS["radioid_users"])))
    result = cli("sync", "--config", config)
    assert result.code == 1
    assert "radioid_users: more than 2 redirects" in result.err
    assert served.count(PATHS["radioid_users"]) == 3


def test_check_follows_no_more_redirects_than_configured(cli, served, tmp_path):
    config = write_config(tmp_path / "config.toml", tmp_path, served, enabled=["radioid_users"])
    config.write_text(config.read_text().replace("[http]", "[http]\nmax_redirects = 2", 1))
    served.set_fault(PATHS["radioid_users"], Fault.redirect(served.url(PATHS["radioid_users"])))
    result = cli("check", "--config", config)
    assert result.code == 75
    assert served.count(PATHS["radioid_users"]) <= 3


# --- TLS ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> Path:
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command to make a test certificate")
    directory = tmp_path_factory.mktemp("tls")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(directory / "key.pem"), "-out", str(directory / "cert.pem")],
        check=True, capture_output=True,
    )  # fmt: skip
    return directory


@pytest.fixture
def https_upstream(certificate) -> Iterator[str]:
    body = tiny_documents()["radioid_users"]

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = HTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(certificate / "cert.pem"), str(certificate / "key.pem"))
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}/users.json"
    finally:
        server.shutdown()
        server.server_close()


def tls_config(tmp_path: Path, url: str, extra_http: str = "") -> Path:
    config = write_config(tmp_path / "config.toml", tmp_path, None, enabled=["radioid_users"])
    text = config.read_text().replace("[http]", f"[http]\n{extra_http}", 1)
    text = text.replace("[sources.radioid_users]", f'[sources.radioid_users]\nurl = "{url}"')
    config.write_text(text)
    return config


def test_tls_verification_refuses_an_unknown_certificate(tmp_path, https_upstream):
    done = run_dmr_edge("sync", "--config", tls_config(tmp_path, https_upstream))
    assert done.returncode == 1, done
    assert "radioid_users: TLS verification failed" in done.stderr
    assert not (tmp_path / "cache" / "radioid_users.json").exists()


def test_tls_verification_cannot_be_switched_off_by_the_environment(tmp_path, https_upstream):
    config = tls_config(tmp_path, https_upstream)
    for env in ({"CURL_CA_BUNDLE": ""}, {"REQUESTS_CA_BUNDLE": ""}, {"PYTHONHTTPSVERIFY": "0"}):
        done = run_dmr_edge("sync", "--config", config, env=env)
        assert done.returncode == 1, (env, done)
        assert "TLS verification failed" in done.stderr


@pytest.mark.parametrize("key", ["verify = false", "insecure = true", "verify_tls = false"])
def test_there_is_no_config_switch_to_turn_verification_off(tmp_path, key):
    config = tls_config(tmp_path, "https://127.0.0.1/users.json", key)
    with pytest.raises(ConfigError, match="unknown key"):
        load_settings(str(config))


def test_a_custom_ca_bundle_makes_a_private_mirror_trusted(tmp_path, https_upstream, certificate):
    bundle = f'ca_bundle = "{certificate / "cert.pem"}"'
    done = run_dmr_edge("sync", "--config", tls_config(tmp_path, https_upstream, bundle))
    assert done.returncode == 0, done
    assert (tmp_path / "cache" / "radioid_users.json").exists()


# --- the BrandMeister key -------------------------------------------------------------------


def keyed_config(tmp_path: Path, up: Upstream) -> Path:
    config = write_config(
        tmp_path / "config.toml", tmp_path, up,
        extra=f'[daemon]\nlog_file = "{tmp_path / "agent.log"}"\n'
              f'heartbeat = "{tmp_path / "heartbeat"}"\n',
    )  # fmt: skip
    text = config.read_text().replace(
        "[sources.brandmeister_devices]", f'[sources.brandmeister_devices]\napi_key = "{SECRET}"'
    )
    config.write_text(text)
    config.chmod(0o600)
    return config


def every_file_under(directory: Path) -> Iterator[Path]:
    for path in directory.rglob("*"):
        if path.is_file() and path.name != "config.toml":
            yield path


def test_the_brandmeister_key_never_appears_in_output_logs_status_or_files(tmp_path, served):
    config = keyed_config(tmp_path, served)
    outputs: List[str] = []

    def run(*args: str) -> None:
        done = run_dmr_edge(*args, "--config", config)
        outputs.append(f"{args}: {done.stdout}{done.stderr}")

    run("sync", "-v")
    run("sync", "-v", "--json", "--max-age", "0")
    for fault in (
        Fault.status(401, body=b'{"error": "bad key"}'),
        Fault.status(500),
        Fault.redirect("file:///etc/passwd"),
        Fault.truncate(10),
        Fault.stall(),
    ):
        served.set_fault(DEVICES, fault)
        run("sync", "-v", "--max-age", "0", "--source", "brandmeister_devices")
        run("run", "--once", "-v")
    served.set_fault(DEVICES, None)
    run("status")
    run("status", "--json")
    run("check", "-v")
    run("check", "--json")
    run("lookup", "1023007")
    run("export", "dmrids", "--out", str(tmp_path / "DMRIds.dat"))
    run("backup", "--out", str(tmp_path / "backup.sqlite"))
    run("warm", "-v", "--max-age", "0")

    # The key was really configured and sent, so its absence below means something.
    sent = [r.headers.get("authorization") for r in served.requests if r.path == DEVICES]
    assert f"Bearer {SECRET}" in sent
    assert not [r for r in served.requests if r.path != DEVICES and "authorization" in r.headers]
    for text in outputs:
        assert SECRET not in text, text
    for path in every_file_under(tmp_path):
        assert SECRET.encode() not in path.read_bytes(), path
    settings = load_settings(str(config))
    assert SECRET not in repr(settings)
    assert SECRET not in repr(settings.sources["brandmeister_devices"])


def test_the_key_is_not_sent_on_to_another_host_by_a_redirect(cli, served, tmp_path):
    with Upstream(host="127.0.0.2") as other:
        other.set(DEVICES, tiny_documents()["brandmeister_devices"])
        served.set_fault(DEVICES, Fault.redirect(other.url(DEVICES)))
        config = keyed_config(tmp_path, served)
        result = cli("sync", "--config", config, "--source", "brandmeister_devices")
        assert result.code == 0, result
        assert other.count(DEVICES) == 1
        assert "authorization" not in other.requests[0].headers


JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJkbXItZWRnZSJ9.c2lnbmF0dXJlLXNlY3JldC1wYXJ0"


def config_with_key(tmp_path: Path, up: Upstream, key_toml: str) -> Path:
    config = keyed_config(tmp_path, up)
    config.write_text(config.read_text().replace(f'api_key = "{SECRET}"', key_toml))
    return config


@pytest.mark.parametrize(
    "key_toml, secret",
    [
        # Pasted over two lines in a multi-line string: the HTTP library used to refuse the
        # header and quote it whole, key included, in the error line, the status and the log.
        (f'api_key = """{JWT[:30]}\n{JWT[30:]}"""', JWT[30:]),
        # A typographic ellipsis: the header could not be encoded, and every source stopped.
        ('api_key = "bm-SECRET\u2026KEY-9f8e7d"', "bm-SECRET"),
        ('api_key = "bm-SECRET KEY-9f8e7d"', "bm-SECRET"),
    ],
)
def test_a_key_that_cannot_be_sent_is_a_one_line_config_error_that_never_shows_it(
    tmp_path, served, key_toml, secret
):
    config = config_with_key(tmp_path, served, key_toml)
    for command in (["sync"], ["status"], ["check"], ["run", "--once"], ["lookup", "1023007"]):
        done = run_dmr_edge(*command, "--config", config)
        assert done.returncode == 2, done
        assert done.stdout == ""
        assert done.stderr.count("\n") == 1, done.stderr
        assert "sources.brandmeister_devices.api_key: expected a key of visible ASCII" in (
            done.stderr
        )
        assert "not shown" in done.stderr
        assert secret not in done.stderr and "KEY-9f8e7d" not in done.stderr
    assert not served.requests  # nothing went out, with or without the key
    for path in every_file_under(tmp_path):
        assert secret.encode() not in path.read_bytes(), path


def test_a_key_pasted_with_a_trailing_line_break_is_sent_without_it_and_never_shown(
    tmp_path, served
):
    config = config_with_key(tmp_path, served, f'api_key = """\n{JWT}\n"""')
    done = run_dmr_edge("sync", "-v", "--config", config)
    assert done.returncode == 0, done
    (request,) = [r for r in served.requests if r.path == DEVICES]
    assert request.headers["authorization"] == f"Bearer {JWT}"
    assert JWT not in done.stdout + done.stderr


def test_no_text_from_the_http_layer_carries_the_key_into_output_status_logs_or_backups(
    tmp_path, served, monkeypatch, capsys
):
    """Whatever exception the HTTP library raises, and however long its message (the key
    cut at 200 characters must not leave its first half behind), the key never reaches an
    error line, ``status``, the database, a backup or the daemon's log."""
    import requests

    from dmr_edge.cli import main

    long_key = "k" * 150 + "-SECRET-TAIL-" + "z" * 150
    config = config_with_key(tmp_path, served, f'api_key = "{long_key}"')
    raised = iter(
        [
            requests.exceptions.InvalidHeader(
                f"Invalid return character in header: 'Bearer {long_key}\\n'"
            ),
            requests.exceptions.ConnectionError(f"{'x' * 120} Authorization: Bearer {long_key}"),
            ValueError(f"header value {long_key!r} refused"),  # not a requests exception
        ]
    )
    real_get = requests.Session.get

    def get(self, url, **kwargs):  # type: ignore[no-untyped-def]
        if url.endswith(DEVICES):
            raise next(raised)
        return real_get(self, url, **kwargs)

    monkeypatch.setattr(requests.Session, "get", get)
    outputs = []
    for _ in range(3):
        code = main(["run", "--once", "--config", str(config)])
        assert code in (1, 75)
        assert main(["status", "--config", str(config)]) == 0
        assert main(["status", "--json", "--config", str(config)]) == 0
        captured = capsys.readouterr()
        outputs.append(captured.out + captured.err)
    assert "brandmeister_devices: error: " in "".join(outputs)
    assert main(["backup", "--config", str(config), "--out", str(tmp_path / "b.sqlite")]) == 0
    log = (tmp_path / "agent.log").read_text()
    assert "internal error: ValueError" in log  # the third one: a source-level failure
    outputs.append(log)
    for text in outputs:
        for fragment in (long_key, long_key[:100], "k" * 60, "SECRET-TAIL"):
            assert fragment not in text
    for path in every_file_under(tmp_path):
        data = path.read_bytes()
        assert b"k" * 60 not in data and b"SECRET-TAIL" not in data, path


def test_the_key_can_live_in_a_key_file_of_its_own_or_in_pi_stars_bmapi_key(tmp_path, served):
    config = keyed_config(tmp_path, served)
    key_file = tmp_path / "bm.key"
    config.write_text(
        config.read_text().replace(f'api_key = "{SECRET}"', f'api_key_file = "{key_file}"')
    )
    config.chmod(0o644)  # no secret in it: every user may read it
    key_file.write_text(f"{SECRET}\n")
    key_file.chmod(0o640)
    for content, sent in (
        (f"{SECRET}\n", f"Bearer {SECRET}"),
        (f"[key]\napikey={SECRET}\n", f"Bearer {SECRET}"),  # Pi-Star's /etc/bmapi.key
        ("[key]\napikey=None\n", None),  # Pi-Star's file with no key set
    ):
        key_file.write_text(content)
        served.clear_log()
        done = run_dmr_edge("sync", "--config", config, "--max-age", "0")
        assert done.returncode == 0, done
        assert "readable by every user" not in done.stderr
        (request,) = [r for r in served.requests if r.path == DEVICES]
        assert request.headers.get("authorization") == sent
    both = config.read_text().replace(
        "[sources.brandmeister_devices]", f'[sources.brandmeister_devices]\napi_key = "{SECRET}"'
    )
    (tmp_path / "both.toml").write_text(both)
    done = run_dmr_edge("status", "--config", tmp_path / "both.toml")
    assert done.returncode == 2 and "give api_key or api_key_file, not both" in done.stderr
    key_file.write_text(SECRET)
    key_file.chmod(0o644)
    done = run_dmr_edge("status", "--config", config)
    assert f"{key_file} is an API key file and is readable by every user" in done.stderr


def test_a_user_who_may_not_read_the_key_file_can_still_look_up_and_see_status(public_tmp, served):
    """The service's key file is 0640 root:dmr-edge; an ordinary user runs lookup and status
    with the same configuration, and only a download that needs the key says why not."""
    config = keyed_config(public_tmp, served)
    key_file = public_tmp / "bm.key"
    key_file.write_text(SECRET)
    config.write_text(
        config.read_text().replace(f'api_key = "{SECRET}"', f'api_key_file = "{key_file}"')
    )
    assert run_dmr_edge("sync", "--config", config).returncode == 0
    readable_by_everyone(public_tmp)
    key_file.chmod(0o600)
    done = run_as_nobody("lookup", "1023007", "--config", config)
    assert done.returncode == 0, done
    assert "1023007" in done.stdout
    done = run_as_nobody("status", "--config", config)
    assert done.returncode == 0, done
    done = run_as_nobody("check", "--source", "brandmeister_devices", "--config", config)
    assert done.returncode == 75, done
    assert "cannot read sources.brandmeister_devices.api_key_file" in done.stdout
    assert "permission denied" in done.stdout
    assert SECRET not in done.stdout + done.stderr


# --- permissions ----------------------------------------------------------------------------


def test_a_config_holding_a_key_and_readable_by_everyone_draws_a_warning(cli, served, tmp_path):
    config = keyed_config(tmp_path, served)
    config.chmod(0o644)
    result = cli("status", "--config", config)
    assert result.code == 0
    assert "holds an API key and is readable by every user" in result.err
    config.chmod(0o640)
    assert "readable by every user" not in cli("status", "--config", config).err
    plain = write_config(tmp_path / "plain.toml", tmp_path, served)
    plain.chmod(0o644)
    assert "readable by every user" not in cli("status", "--config", plain).err


def test_nothing_the_agent_creates_is_writable_by_others_even_under_umask_0(tmp_path, served):
    config = write_config(
        tmp_path / "config.toml", tmp_path / "state", served,
        extra=f'[export]\ndmrids = "{tmp_path / "out" / "DMRIds.dat"}"\n'
              f'usercsv = "{tmp_path / "out" / "user.csv"}"\n'
              f'[daemon]\nheartbeat = "{tmp_path / "state" / "run" / "heartbeat"}"\n'
              f'[metrics]\ntextfile = "{tmp_path / "out" / "dmr_edge.prom"}"\n',
    )  # fmt: skip
    (tmp_path / "out").mkdir()

    def umask_0() -> None:
        os.umask(0)

    for args in (
        ["sync"],
        ["run", "--once"],
        ["backup", "--out", str(tmp_path / "b.sqlite")],
        ["export", "usercsv", "--out", str(tmp_path / "out" / "u2.csv")],
    ):
        done = run_dmr_edge(*args, "--config", config, preexec_fn=umask_0)
        assert done.returncode == 0, (args, done)
    written = [p for p in (tmp_path / "state").rglob("*") if p.name != "config.toml"]
    written += [p for p in (tmp_path / "out").iterdir()] + [tmp_path / "b.sqlite"]
    assert any(p.name == "db.sqlite" for p in written)
    assert any(p.name == "DMRIds.dat" for p in written)
    loose = [f"{p} {stat.filemode(p.stat().st_mode)}" for p in written
             if p.stat().st_mode & stat.S_IWOTH]  # fmt: skip
    assert loose == []


# --- upstream text stays text ---------------------------------------------------------------


def test_upstream_text_is_never_run_or_used_as_a_path(cli, upstream, tmp_path):
    canary = tmp_path / "pwned"
    hostile = [
        {"id": 3100001, "callsign": "../../../../etc/cron.d/x", "fname": f"$(touch {canary})",
         "surname": f"`touch {canary}`", "city": f"; touch {canary}", "state": "%s%n%x",
         "country": "'; DROP TABLE users; --"},
        {"id": 3100002, "callsign": "K1ABC", "fname": "{{7*7}}", "surname": "${PATH}",
         "city": "\\\\server\\share", "state": "", "country": "<script>x</script>"},
    ]  # fmt: skip
    upstream.set(PATHS["radioid_users"], json.dumps({"users": hostile}).encode())
    config = write_config(
        tmp_path / "config.toml", tmp_path, upstream, enabled=["radioid_users"],
        extra=f'[export]\ndmrids = "{tmp_path / "DMRIds.dat"}"\n'
              f'usercsv = "{tmp_path / "user.csv"}"\n',
    )  # fmt: skip
    assert cli("sync", "--config", config).code == 0
    assert cli("lookup", "--config", config, "3100001").code == 0
    assert not canary.exists()
    expected = {"cache", "config.toml", "db.sqlite", "db.sqlite-shm", "db.sqlite-wal",
                "db.sqlite.lock", "DMRIds.dat", "user.csv"}  # fmt: skip
    assert {p.name for p in tmp_path.iterdir()} <= expected
    assert sorted(p.name for p in (tmp_path / "cache").iterdir()) == [
        "radioid_users.json", "radioid_users.meta.json"]  # fmt: skip
    from tests.conftest import table_rows

    stored = table_rows(tmp_path / "db.sqlite", "SELECT callsign, first_name, country FROM users")
    assert ("../../../../ETC/CRON.D/X", f"$(touch {canary})",
            "'; DROP TABLE users; --") in stored  # fmt: skip
    assert "3100001\t../../../../ETC/CRON.D/X\t" in (tmp_path / "DMRIds.dat").read_text()


def test_every_source_name_is_a_fixed_cache_file_name():
    # Cache paths come from the source names in the code, never from anything upstream sent.
    from dmr_edge.cache import Cache

    cache = Cache(Path("/var/cache/dmr-edge"))
    for name in SOURCES:
        assert cache.path(name) == Path(f"/var/cache/dmr-edge/{name}.json")
