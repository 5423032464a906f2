"""packaging/config.toml, installed as /etc/dmr-edge/config.toml by the Debian package.

Every setting in it is commented out and shows its default: untouched, it must change
nothing; uncommented, every key must be one the agent accepts, and every key the agent
accepts should be documented there.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.9/3.10
    import tomli as tomllib

EXAMPLE = Path(__file__).resolve().parent.parent / "packaging" / "config.toml"
COMMENTED_SETTING = re.compile(r"^# ?(\[[a-z_.]+\]|[a-z_]+ = .*)$")


def uncommented(text: str) -> str:
    """Given the example, return it with every commented-out table and key made live."""
    lines = []
    for line in text.splitlines():
        match = COMMENTED_SETTING.match(line)
        lines.append(match.group(1) if match else line)
    return "\n".join(lines) + "\n"


def keys(document: dict, prefix: str = "") -> set[str]:
    found = set()
    for key, value in document.items():
        if isinstance(value, dict):
            found |= keys(value, f"{prefix}{key}.")
        else:
            found.add(f"{prefix}{key}")
    return found


def test_untouched_example_sets_nothing():
    document = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    assert keys(document) == set()


def test_untouched_example_gives_the_built_in_defaults():
    config = pytest.importorskip("dmr_edge.config")
    document = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    environ = {"STATE_DIRECTORY": "/var/lib/dmr-edge", "CACHE_DIRECTORY": "/var/cache/dmr-edge"}
    assert config.settings_from_document(document, "example", environ) == (
        config.settings_from_document({}, "defaults", environ)
    )


# Shown as an example value rather than the default: unset, chunk is chosen by memory and
# a source's max_age follows [sync] max_age.
EXAMPLE_VALUES = {("sync", "chunk"), ("sources", "radioid_users", "max_age")}


def test_every_documented_setting_is_accepted_and_shows_the_default():
    config = pytest.importorskip("dmr_edge.config")
    document = tomllib.loads(uncommented(EXAMPLE.read_text(encoding="utf-8")))
    for *tables, key in EXAMPLE_VALUES:
        table = document
        for name in tables:
            table = table[name]
        del table[key]
    environ = {"STATE_DIRECTORY": "/var/lib/dmr-edge", "CACHE_DIRECTORY": "/var/cache/dmr-edge"}
    documented = config.settings_from_document(document, "example", environ)
    assert documented == config.settings_from_document({}, "defaults", environ)


def test_every_setting_the_agent_accepts_is_documented():
    config = pytest.importorskip("dmr_edge.config")
    document = tomllib.loads(uncommented(EXAMPLE.read_text(encoding="utf-8")))
    sections = getattr(config, "_SECTIONS", None)
    source_schema = getattr(config, "_SOURCE", None)
    if sections is None or source_schema is None:
        pytest.skip("dmr_edge.config no longer exposes its schema tables")
    accepted = {"db", "cache_dir"}
    accepted |= {f"{name}.{key}" for name, schema in sections.items() for key in schema}
    documented = keys(document)
    documented_source_keys = {
        key.split(".", 2)[2] for key in documented if key.startswith("sources.")
    }
    assert accepted - documented == set()
    assert set(source_schema) - documented_source_keys == set()
