"""Configuration: defaults, durations, search order, and one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from dmr_edge.config import default_paths, load_settings, parse_duration
from dmr_edge.errors import ConfigError


@pytest.mark.parametrize(
    "text, seconds",
    [("90s", 90), ("15m", 900), ("1h", 3600), ("2d", 172800), (45, 45), ("1.5h", 5400)],
)
def test_durations_accept_the_documented_spellings(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["soon", "-5s", "1y", "", True])
def test_durations_refuse_anything_else(text):
    with pytest.raises(ValueError):
        parse_duration(text)


def test_built_in_defaults_serve_without_a_file(tmp_path):
    settings = load_settings(None, environ={"HOME": str(tmp_path)})
    assert settings.sources["radioid_users"].url == "https://radioid.net/static/users.json"
    assert all(s.enabled for s in settings.sources.values())
    assert settings.sync.max_age == 3600


def test_systemd_state_and_cache_directories_are_honoured():
    db, cache = default_paths({"STATE_DIRECTORY": "/srv/state", "CACHE_DIRECTORY": "/srv/c:/x"})
    assert db == Path("/srv/state/dmr.sqlite")
    assert cache == Path("/srv/c")


def test_environment_variable_names_the_config_file(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text("[sync]\nchunk = 7\n")
    settings = load_settings(None, environ={"DMR_EDGE_CONFIG": str(path), "HOME": str(tmp_path)})
    assert settings.sync.chunk == 7
    assert settings.config_path == path


@pytest.mark.parametrize(
    "toml, expected",
    [
        ("[sync]\nmdoe = 'x'\n", "unknown key 'sync.mdoe'"),
        (
            "[sync]\nchunk = 'many'\n",
            "sync.chunk: expected an integer from 1 to 100000, got 'many'",
        ),
        ("[sources.radioid_userz]\nenabled = true\n", "unknown source 'radioid_userz'"),
        ("[sources.radioid_users]\nurl = 'file:///etc/passwd'\n", "expected an http:// or https"),
        ("[daemon]\ninterval = 'often'\n", "daemon.interval: expected a duration"),
        ("colour = 1\n", "unknown key 'colour'"),
        ("[sync\n", "not valid TOML"),
    ],
)
def test_config_mistakes_are_one_line_errors_naming_file_and_key(tmp_path, toml, expected):
    path = tmp_path / "bad.toml"
    path.write_text(toml)
    with pytest.raises(ConfigError) as info:
        load_settings(str(path), environ={"HOME": str(tmp_path)})
    message = str(info.value)
    assert expected in message
    assert str(path) in message
    assert "\n" not in message


def test_config_mistake_exits_2_with_one_line_and_no_traceback(cli, tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text("[sync]\nchunk = -1\n")
    result = cli("sync", "--config", path)
    assert result.code == 2
    assert result.err.count("\n") == 1
    assert "Traceback" not in result.err
    assert "sync.chunk" in result.err


def test_missing_config_file_named_on_the_command_line_is_an_error(cli, tmp_path):
    result = cli("status", "--config", tmp_path / "nope.toml")
    assert result.code == 2
    assert "configuration file not found" in result.err


def test_common_options_work_before_and_after_the_command(cli, tmp_path, config):
    before = cli("--config", config, "--db", tmp_path / "x.sqlite", "status", "--json")
    after = cli("status", "--config", config, "--db", tmp_path / "x.sqlite", "--json")
    assert before.code == after.code == 0
    assert before.out == after.out
    assert str(tmp_path / "x.sqlite") in before.out


def test_every_command_has_help_text(cli):
    from dmr_edge.cli import COMMANDS

    for name, (_module, help_text) in COMMANDS.items():
        assert help_text
        with pytest.raises(SystemExit) as info:
            from dmr_edge.cli import build_parser

            build_parser(name).parse_args([name, "--help"])
        assert info.value.code == 0


@pytest.mark.parametrize(
    "toml, key, expected",
    [
        ('[daemon]\nwatchdog = "200000d"\n', "daemon.watchdog", "a duration of at most 366d"),
        ('[http]\nread_timeout = "200000d"\n', "http.read_timeout", "at most 366d"),
        ('[http]\ndeadline = "200000d"\n', "http.deadline", "at most 366d"),
        ("[daemon]\ninterval = nan\n", "daemon.interval", "a duration such as"),
        ("[daemon]\njitter = inf\n", "daemon.jitter", "at most 366d"),
        ("[sync]\nmax_age = -inf\n", "sync.max_age", "not negative"),
        ("[http]\nbackoff = 1e300\n", "http.backoff", "at most 366d"),
        ("[http]\nretries = 1000000000\n", "http.retries", "an integer from 0 to 100"),
        ("[sync]\nchunk = 9223372036854775807\n", "sync.chunk", "from 1 to 100000"),
        ('[http]\nca_bundle = "/nonexistent/ca.pem"\n', "http.ca_bundle", "does not exist"),
    ],
)
def test_extreme_or_impossible_values_are_one_line_config_errors_naming_the_key(
    cli, tmp_path, toml, key, expected
):
    path = tmp_path / "extreme.toml"
    path.write_text(toml)
    for command in (["sync"], ["run", "--once"], ["status"]):
        result = cli(*command, "--config", path)
        assert result.code == 2, result
        assert result.err.count("\n") == 1 and "Traceback" not in result.err
        assert f"{key}: expected" in result.err and expected in result.err
        assert "internal error" not in result.err


def test_a_cache_directory_that_cannot_be_created_is_a_config_error_naming_it(
    cli, tmp_path, served
):
    from tests.conftest import write_config

    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where a directory should go")
    config = write_config(tmp_path / "c.toml", tmp_path, served)
    for command in (["sync"], ["warm"], ["import", "--source", "radioid_users", config]):
        result = cli(*command, "--config", config, "--cache-dir", blocker / "cache")
        assert result.code == 2, result
        assert result.err == (
            f"dmr-edge: error: cache_dir {blocker / 'cache'}: cannot create it: Not a directory\n"
        )


def test_the_system_configuration_means_the_service_paths_for_every_user(tmp_path, monkeypatch):
    """The ``pi`` user running ``dmr-edge lookup`` with the packaged /etc/dmr-edge/config.toml
    (every setting commented out) means the service's database, not one in their home."""
    from dmr_edge import config as config_module

    system = tmp_path / "etc-config.toml"
    system.write_text("# every setting commented out\n")
    monkeypatch.setattr(config_module, "SYSTEM_CONFIG", system)
    monkeypatch.setattr(config_module.os, "geteuid", lambda: 1000)
    settings = load_settings(None, environ={"HOME": str(tmp_path / "home")})
    assert settings.config_path == system
    assert settings.db == Path("/var/lib/dmr-edge/dmr.sqlite")
    assert settings.cache_dir == Path("/var/cache/dmr-edge")
    own = tmp_path / "own.toml"
    own.write_text("")
    settings = load_settings(str(own), environ={"HOME": str(tmp_path / "home")})
    assert settings.db == tmp_path / "home/.local/share/dmr-edge/dmr.sqlite"


def test_a_source_named_twice_is_synced_once(cli, config, tmp_path, served):
    import json

    from tests.conftest import PATHS

    result = cli(
        "sync", "--config", config, "--source", "radioid_users", "--source", "radioid_users"
    )
    assert (result.code, result.out) == (0, "radioid_users: 2 rows changed (+2 ~0 -0)\n")
    for number, mode in enumerate(("streaming", "parallel")):
        talkgroups = [{"id": str(100 + number), "name": "Changed"}]
        served.set(PATHS["tgif_talkgroups"], json.dumps(talkgroups).encode())
        result = cli(
            "sync", "--config", config, "--mode", mode, "--max-age", "0",
            "--source", "tgif_talkgroups", "--source", "tgif_talkgroups",
        )  # fmt: skip
        assert result.code == 0, result
        assert result.out.count("tgif_talkgroups:") == 1, result.out
        assert not [p.name for p in (tmp_path / "cache").iterdir() if p.name.endswith(".tmp")]
