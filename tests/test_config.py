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
        ("[sync]\nchunk = 'many'\n", "sync.chunk: expected a positive integer, got 'many'"),
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
