"""The .deb on the releases hotspots run: bullseye armhf, bookworm armhf, trixie arm64.

Two levels, for CI's time:

- every release: apt resolves the package's dependencies against that release's own
  archive for that architecture (``apt-get install --simulate`` of the .deb on an empty
  system), which is what failed on bullseye while the package asked for python3-tomli;
- bullseye armhf (the largest group of hotspots, and the release that broke), or every
  root named in ``$DMR_EDGE_RELEASE_ROOTS`` (``all`` for the three, ``none``, or any
  RELEASE:ARCH such as ``bullseye:amd64``: the same libraries without qemu, in a minute):
  a debootstrapped root, under qemu-user for armhf and arm64, where
  ``packaging/test-releases.sh`` installs the .deb with apt, syncs from a loopback
  upstream, exports DMRIds.dat and looks a callsign up as root and as an ordinary user. A
  root costs 2 to 5 minutes to build and 1 to 3 minutes to use under qemu;
  ``$DMR_EDGE_ROOTS_CACHE`` keeps built roots between runs.

Needs root and the Debian mirror (the roots and indexes come from it; the agent itself only
talks to the loopback upstream): skipped with the reason otherwise.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests import osroots
from tests.test_debian_package import deb  # noqa: F401 - the .deb built from this checkout

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "packaging" / "test-releases.sh"
RELEASES = ("bullseye:armhf", "bookworm:armhf", "trixie:arm64")
KEYRING = Path("/usr/share/keyrings/debian-archive-keyring.gpg")


@pytest.fixture
def package(request: pytest.FixtureRequest) -> Path:
    """The .deb built from this checkout, once root is known to be there."""
    osroots.require_root_tools("apt-get", "dpkg-buildpackage")
    return request.getfixturevalue("deb")


def apt_for(tmp: Path, release: str, arch: str) -> list[str]:
    """An apt-get that sees only ``release``/``arch`` of the mirror, and an empty system."""
    for sub in ("lists/partial", "cache/archives/partial", "etc/preferences.d"):
        (tmp / sub).mkdir(parents=True, exist_ok=True)
    (tmp / "status").write_text("")
    sources = tmp / "etc/sources.list"
    sources.write_text(f"deb [arch={arch} signed-by={KEYRING}] {osroots.MIRROR} {release} main\n")
    options = {
        "Dir::Etc::SourceList": sources,
        "Dir::Etc::SourceParts": tmp / "etc/none",
        "Dir::Etc::Preferences": tmp / "etc/none",
        "Dir::Etc::PreferencesParts": tmp / "etc/preferences.d",
        "Dir::State::Lists": tmp / "lists",
        "Dir::State::status": tmp / "status",
        "Dir::Cache": tmp / "cache",
        "APT::Architecture": arch,
        "APT::Architectures": arch,
        "Debug::NoLocking": "1",
        "APT::Sandbox::User": "root",
    }
    return ["apt-get", "-q", *(f"-o{key}={value}" for key, value in options.items())]


def test_the_release_script_is_shellcheck_clean():
    shellcheck = shutil.which("shellcheck")
    if shellcheck is None:
        pytest.skip("shellcheck is not installed (Debian package: shellcheck)")
    result = subprocess.run([shellcheck, str(SCRIPT)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout


def test_the_release_script_says_how_to_use_it_without_root():
    result = subprocess.run(["bash", str(SCRIPT), "--help"], capture_output=True, text=True)
    assert result.returncode == 0
    assert "test-releases.sh [--cache DIR]" in result.stdout
    assert "bullseye:armhf" in result.stdout


@pytest.mark.slow
@pytest.mark.parametrize("spec", RELEASES)
def test_the_package_depends_only_on_what_each_release_archive_has(package, tmp_path, spec):
    release, arch = spec.split(":")
    osroots.require_mirror(release)
    apt = apt_for(tmp_path, release, arch)
    osroots.run([*apt, "update"], timeout=300)
    plan = osroots.run([*apt, "install", "--simulate", "--no-install-recommends", str(package)])
    installs = [line.split()[1] for line in plan.splitlines() if line.startswith("Inst ")]
    print(f"{spec}: {' '.join(installs)}")
    assert "dmr-edge" in installs
    assert {"python3-ijson", "python3-requests", "adduser"} <= set(installs)
    if release == "bullseye":
        # The reason the package carries its TOML reader: bullseye has none to depend on.
        show = subprocess.run([*apt, "show", "python3-tomli"], capture_output=True, text=True)
        assert show.returncode != 0 or not show.stdout.strip(), show.stdout


def roots_to_run() -> list[str]:
    named = os.environ.get("DMR_EDGE_RELEASE_ROOTS", "bullseye:armhf").strip()
    if named == "all":
        return list(RELEASES)
    if named in ("", "none"):
        return []
    return [spec for spec in named.split() if spec]


@pytest.mark.slow
@pytest.mark.parametrize(
    "spec", list(RELEASES) + [spec for spec in roots_to_run() if spec not in RELEASES]
)
def test_the_package_installs_syncs_exports_and_looks_up_in_a_release_root(
    package,
    tmp_path_factory,
    spec,
):
    if spec not in roots_to_run():
        pytest.skip(
            f"{spec}: DMR_EDGE_RELEASE_ROOTS names {' '.join(roots_to_run()) or 'none'} "
            "(default bullseye:armhf; 'all' runs the three roots, as "
            "packaging/test-releases.sh does by hand)"
        )
    release, arch = spec.split(":")
    osroots.require_root_tools("debootstrap", "chroot", "mount")
    osroots.require_emulation(arch)
    osroots.require_mirror(release)
    cache = osroots.cache_dir(tmp_path_factory)
    result = subprocess.run(
        ["bash", str(SCRIPT), "--cache", str(cache), "--deb", str(package)]
        + ["--mirror", osroots.MIRROR, spec],
        env=osroots.clean_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=2400,
    )
    print(result.stdout)
    summary = result.stdout[result.stdout.rfind("######## summary") :]
    assert result.returncode == 0, summary
    for step in (
        "apt install",
        "sync (as the service user)",
        "export DMRIds.dat",
        "lookup as root",
        "lookup as an ordinary user (65534)",
        "status as an ordinary user (65534)",
        "export as an ordinary user (65534)",
    ):
        assert any(step in line and line.endswith(" ok") for line in summary.splitlines()), step
