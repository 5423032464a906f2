"""The Debian package: built from a plain copy of the tree, inspected, installed, run, removed.

Slow, and it changes the machine (installs the package, then purges it), so it runs only as
root with the build tools present: CI (.ci/run) installs them from .ci/apt-packages.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from tests.conftest import table_rows, write_config

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
# Debian's own tools and Python only: a pyenv/conda/venv python3 first on PATH would make
# pybuild build for that interpreter instead of /usr/bin/python3.
DEBIAN_PATH = "/usr/sbin:/usr/bin:/sbin:/bin"
PYBUILD_PYPROJECT = Path("/usr/share/dh-python/dhpython/build/plugin_pyproject.py")
POLICY_RC_D = Path("/usr/sbin/policy-rc.d")

# Left behind by local runs; never part of what a checkout holds.
SKIP_NAMES = {
    ".git", ".venv", ".ci-venv", "__pycache__", ".pytest_cache", ".mypy_cache",
    ".ruff_cache", "build", "dist", ".pybuild",
}  # fmt: skip
SKIP_IN_DEBIAN = {"dmr-edge", ".debhelper", "debhelper-build-stamp", "files", "tmp"}


def debian_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env.update(PATH=DEBIAN_PATH, LC_ALL="C.UTF-8", DEBIAN_FRONTEND="noninteractive")
    env.update(NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost")
    return env


def run(*args: str, cwd: Path | None = None, timeout: float = 600) -> str:
    """Run a command with Debian's PATH; return its stdout, fail the test with its output."""
    result = subprocess.run(
        list(args), cwd=cwd, env=debian_env(), capture_output=True, text=True, timeout=timeout
    )
    output = (result.stdout + result.stderr)[-6000:]
    assert result.returncode == 0, f"{' '.join(args)} exited {result.returncode}:\n{output}"
    return result.stdout


def require_build_tools() -> None:
    if os.geteuid() != 0:
        pytest.skip("needs root: it installs and purges the built package (CI runs as root)")
    for tool in ("dpkg-buildpackage", "dh_python3", "dpkg-deb", "apt-get"):
        if shutil.which(tool, path=DEBIAN_PATH) is None:
            pytest.skip(f"{tool} is missing (see .ci/apt-packages)")
    if not PYBUILD_PYPROJECT.exists():
        pytest.skip("pybuild-plugin-pyproject is not installed (see .ci/apt-packages)")


def ignore_local_leftovers(directory: str, names: list[str]) -> set[str]:
    skipped = {
        name
        for name in names
        if name in SKIP_NAMES or name.startswith(".venv") or name.endswith(".egg-info")
    }
    if Path(directory).resolve() == ROOT / "debian":
        skipped |= {name for name in names if name in SKIP_IN_DEBIAN}
    return skipped


def package_version() -> str:
    init = (ROOT / "dmr_edge" / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r'^__version__ = "([^"]+)"', init, re.MULTILINE)
    assert match, "dmr_edge/__init__.py has no __version__"
    return match.group(1)


@pytest.fixture(scope="module")
def deb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the package the way the README says, in a copy of the tree; return the .deb."""
    require_build_tools()
    work = tmp_path_factory.mktemp("debian-build")
    source = work / "dmr-edge"
    shutil.copytree(ROOT, source, symlinks=True, ignore=ignore_local_leftovers)
    run("dpkg-buildpackage", "-us", "-uc", "-b", cwd=source, timeout=900)
    built = sorted(work.glob("dmr-edge_*_all.deb"))
    assert len(built) == 1, sorted(p.name for p in work.iterdir())
    return built[0]


def field(deb: Path, name: str) -> str:
    return run("dpkg-deb", "--field", str(deb), name).strip()


def contents(deb: Path) -> set[str]:
    """Given a .deb, return the paths it installs, as absolute paths."""
    listing = run("dpkg-deb", "--contents", str(deb))
    return {line.split()[-1].lstrip(".").rstrip("/") or "/" for line in listing.splitlines()}


def control_file(deb: Path, name: str) -> str:
    return run("dpkg-deb", "--info", str(deb), name)


def test_package_version_matches_the_python_package(deb):
    assert field(deb, "Version") == package_version()
    assert field(deb, "Architecture") == "all"
    assert deb.name == f"dmr-edge_{package_version()}_all.deb"


def test_package_installs_the_program_the_library_the_units_and_the_config(deb):
    files = contents(deb)
    assert "/usr/bin/dmr-edge" in files
    assert "/usr/lib/python3/dist-packages/dmr_edge/__init__.py" in files
    assert "/usr/lib/python3/dist-packages/dmr_edge/cli/__init__.py" in files
    for unit in ("dmr-edge.service", "dmr-edge-sync.service", "dmr-edge-sync.timer"):
        assert {f"/lib/systemd/system/{unit}", f"/usr/lib/systemd/system/{unit}"} & files, unit
    assert "/etc/dmr-edge/config.toml" in files
    assert "/usr/lib/sysusers.d/dmr-edge.conf" in files
    assert not [f for f in files if "/tests/" in f or f.endswith("/tests")], "tests are shipped"


def test_package_depends_on_debian_python_libraries_not_pip(deb):
    depends = field(deb, "Depends")
    names = {
        alternative.split()[0] for part in depends.split(",") for alternative in part.split("|")
    }
    assert {"python3-ijson", "python3-requests", "adduser"} <= names, depends
    # Bullseye (Python 3.9) has no python3-tomli: the package carries its own TOML reader,
    # so neither that package nor a newer python3 may be required (see debian/py3dist-overrides).
    assert "python3-tomli" not in names, depends
    assert not re.search(r"python3 \((>=|>>) 3\.1\d", depends), depends


def test_package_carries_its_toml_reader_for_python_older_than_3_11(deb):
    vendored = "/usr/lib/python3/dist-packages/dmr_edge/_vendor/tomli"
    files = contents(deb)
    for name in ("__init__.py", "_parser.py", "_re.py", "_types.py", "LICENSE"):
        assert f"{vendored}/{name}" in files, name


def test_configuration_is_a_conffile(deb):
    assert control_file(deb, "conffiles").split() == ["/etc/dmr-edge/config.toml"]


def test_only_the_daemon_is_enabled_and_started_on_install(deb):
    postinst = control_file(deb, "postinst")
    assert "deb-systemd-helper enable 'dmr-edge.service'" in postinst
    assert "deb-systemd-invoke $_dh_action 'dmr-edge.service'" in postinst
    timer_lines = [line for line in postinst.splitlines() if "dmr-edge-sync" in line]
    assert timer_lines, "the timer's state is tracked"
    assert not [line for line in timer_lines if "deb-systemd-invoke" in line], "timer started"
    # The timer is only re-enabled on upgrade when the admin had enabled it.
    enable_timer = postinst.index("deb-systemd-helper enable 'dmr-edge-sync.timer'")
    assert "was-enabled 'dmr-edge-sync.timer'" in postinst[:enable_timer]
    # The user must exist before debhelper's snippet starts the service.
    assert postinst.index("adduser --system") < postinst.index("deb-systemd-invoke")


def sync_installed_package_against_loopback(tmp_path: Path, upstream) -> None:
    """Given a served loopback upstream, run the installed dmr-edge sync against it.

    Proves the package works with Debian's python3-requests and python3-ijson, not just
    with the versions pip would pick.
    """
    config = write_config(tmp_path / "config.toml", tmp_path, upstream)
    result = subprocess.run(
        ["/usr/bin/dmr-edge", "sync", "--config", str(config)],
        cwd=tmp_path,
        env=debian_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert table_rows(tmp_path / "db.sqlite", "SELECT count(*) FROM users") == [(2,)]


@pytest.fixture
def no_service_start():
    """Keep maintainer scripts from starting services where systemd is running (policy-rc.d)."""
    created = False
    if Path("/run/systemd/system").exists() and not POLICY_RC_D.exists():
        POLICY_RC_D.write_text("#!/bin/sh\n# written by dmr-edge's package test\nexit 101\n")
        POLICY_RC_D.chmod(0o755)
        created = True
    try:
        yield
    finally:
        if created:
            POLICY_RC_D.unlink()


def test_installed_package_runs_with_debian_python(deb, tmp_path, served, no_service_start):
    try:
        run("apt-get", "install", "-y", "--no-install-recommends", str(deb))
        program = Path("/usr/bin/dmr-edge")
        assert program.read_text(encoding="utf-8").splitlines()[0] == "#!/usr/bin/python3"
        assert run(str(program), "--version").strip() == f"dmr-edge {package_version()}"

        # Every user may read the configuration (lookup works for them); only the service's
        # group may read the key file beside it.
        config = Path("/etc/dmr-edge/config.toml")
        assert stat.S_IMODE(config.stat().st_mode) == 0o644
        assert run("stat", "-c", "%U:%G", str(config)).strip() == "root:root"
        key_file = Path("/etc/dmr-edge/bm.key")
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o640
        assert run("stat", "-c", "%U:%G", str(key_file)).strip() == "root:dmr-edge"
        assert key_file.read_bytes() == b""

        assert run("getent", "passwd", "dmr-edge").split(":")[5] == "/var/lib/dmr-edge"

        sync_installed_package_against_loopback(tmp_path, served)
    finally:
        subprocess.run(
            ["apt-get", "purge", "-y", "dmr-edge"],
            env=debian_env(),
            capture_output=True,
            timeout=300,
        )
    assert not Path("/usr/bin/dmr-edge").exists()
    assert not Path("/etc/dmr-edge/bm.key").exists()
