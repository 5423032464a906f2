"""The TOML reader on every supported Python: tomllib, an installed tomli, or the carried copy.

Debian bullseye (Pi-Star, Raspberry Pi OS legacy) has Python 3.9 and no python3-tomli, so
the agent carries tomli in ``dmr_edge/_vendor``. These tests run the configuration loader in
a fresh interpreter where neither ``tomllib`` nor ``tomli`` can be imported, as there.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Runs in a child interpreter: hide tomllib and tomli, make dmr_edge.config believe it runs
# on Python 3.10 while it is imported, then load the configuration named in argv.
BULLSEYE_LIKE = textwrap.dedent(
    """
    import importlib.abc, json, sys

    class Hide(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in ("tomllib", "tomli"):
                raise ModuleNotFoundError(f"No module named {name!r}", name=name)
            return None

    sys.meta_path.insert(0, Hide())
    real_version = sys.version_info
    sys.version_info = (3, 10, 0, "final", 0)
    try:
        import dmr_edge.config as config
    finally:
        sys.version_info = real_version
    from dmr_edge.errors import ConfigError

    try:
        settings = config.load_settings(sys.argv[1], environ={"HOME": sys.argv[2]})
    except ConfigError as exc:
        print(json.dumps({"reader": config.tomllib.__name__, "error": str(exc)}))
    else:
        print(json.dumps({
            "reader": config.tomllib.__name__,
            "chunk": settings.sync.chunk,
            "interval": settings.daemon.interval,
            "dmrids": settings.export.dmrids,
            "users_enabled": settings.sources["radioid_users"].enabled,
        }))
    """
)


def load_like_bullseye(config: Path, home: Path) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", BULLSEYE_LIKE, str(config), str(home)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_without_tomllib_or_tomli_the_carried_copy_reads_the_configuration(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text(
        '[sync]\nchunk = 250\n[daemon]\ninterval = "6h"\n'
        '[export]\ndmrids = "/tmp/dmr-edge/DMRIds.dat"\n'
        "[sources.radioid_users]\nenabled = false\n"
    )
    loaded = load_like_bullseye(config, tmp_path)
    assert loaded == {
        "reader": "dmr_edge._vendor.tomli",
        "chunk": 250,
        "interval": 21600.0,
        "dmrids": "/tmp/dmr-edge/DMRIds.dat",
        "users_enabled": False,
    }


def test_the_carried_copy_reads_the_packaged_configuration(tmp_path):
    loaded = load_like_bullseye(ROOT / "packaging" / "config.toml", tmp_path)
    assert loaded["reader"] == "dmr_edge._vendor.tomli"
    assert "error" not in loaded, loaded


def test_broken_toml_read_by_the_carried_copy_is_a_one_line_config_error(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text("[sync\nchunk = 1\n")
    loaded = load_like_bullseye(config, tmp_path)
    assert loaded["reader"] == "dmr_edge._vendor.tomli"
    assert loaded["error"].startswith(f"{config}: not valid TOML:"), loaded
    assert "\n" not in loaded["error"]


def test_the_carried_copy_ships_with_its_licence():
    vendored = ROOT / "dmr_edge" / "_vendor" / "tomli"
    assert "MIT License" in (vendored / "LICENSE").read_text(encoding="utf-8")
    assert {p.name for p in vendored.glob("*.py")} == {
        "__init__.py",
        "_parser.py",
        "_re.py",
        "_types.py",
    }
