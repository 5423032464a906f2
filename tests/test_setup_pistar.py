"""``dmr-edge setup pi-star``: the guide's manual steps as one idempotent, undoable command.

Run against a stand-in Pi-Star tree under a temporary directory (``--root``); the same
command on a booted read-only root, with systemd, is in test_systemd_nspawn.py.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from dmr_edge.config import load_settings, tomllib
from dmr_edge.errors import DmrEdgeError
from dmr_edge.setup import pistar

ROOT = Path(__file__).resolve().parent.parent

MMDVMHOST = (
    "[General]\n"
    "Callsign=M0ABC\n"
    "Id=2340000\n"
    "Duplex=0\n"
    "\n"
    "[DMR Id Lookup]\n"
    "File=/usr/local/etc/DMRIds.dat\n"
    "Time=24\n"
    "\n"
    "[DMR]\n"
    "Enable=1\n"
    "# File=/not/this/one\n"
)


def stand_in_pistar(root: Path) -> Path:
    """Given an empty directory, make it look like Pi-Star with the .deb installed."""
    (root / "etc/dmr-edge").mkdir(parents=True)
    (root / "lib/systemd/system").mkdir(parents=True)
    (root / "usr/local/etc").mkdir(parents=True)
    (root / "etc/passwd").write_text(
        "root:x:0:0:root:/root:/bin/bash\n"
        "pi-star:x:1000:1000::/home/pi-star:/bin/bash\n"
        "dmr-edge:x:101:101::/var/lib/dmr-edge:/usr/sbin/nologin\n"
    )
    unit = ROOT / "packaging/systemd/dmr-edge.service"
    (root / "lib/systemd/system/dmr-edge.service").write_bytes(unit.read_bytes())
    config = root / "etc/dmr-edge/config.toml"
    config.write_bytes((ROOT / "packaging/config.toml").read_bytes())
    config.chmod(0o640)
    (root / "etc/mmdvmhost").write_text(MMDVMHOST)
    (root / "usr/local/etc/DMRIds.dat").write_text("2340000\tM0ABC\tAlice\n")
    return root


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under root: its bytes and mode."""
    files = {}
    for path in sorted(root.rglob("*")):
        if path.is_file():
            files[str(path.relative_to(root))] = (
                path.read_bytes(),
                stat.S_IMODE(path.stat().st_mode),
            )
    return files


@pytest.fixture
def pistar_root(tmp_path: Path) -> Path:
    return stand_in_pistar(tmp_path / "pistar")


def test_setup_writes_the_ram_only_config_the_drop_in_and_points_mmdvmhost(cli, pistar_root):
    before = snapshot(pistar_root)
    result = cli("setup", "pi-star", "--root", pistar_root)
    assert result.code == 0, result
    assert "done under" in result.out

    settings = load_settings(
        str(pistar_root / "etc/dmr-edge/config.toml"), environ={"HOME": str(pistar_root)}
    )
    assert settings.db == Path("/tmp/dmr-edge/dmr.sqlite")
    assert settings.cache_dir == Path("/tmp/dmr-edge/cache")
    assert settings.export.dmrids == "/tmp/dmr-edge/DMRIds.dat"
    assert settings.sync.mode == "streaming" and settings.sync.compress_cache
    assert not settings.sources["hearham_repeaters"].enabled
    config_mode = stat.S_IMODE((pistar_root / "etc/dmr-edge/config.toml").stat().st_mode)
    assert config_mode == 0o640, "the replaced file keeps its mode"

    dropin = (pistar_root / "etc/systemd/system/dmr-edge.service.d/pi-star.conf").read_text()
    for line in (
        "PrivateTmp=no",
        "StateDirectory=",
        "CacheDirectory=",
        "ReadWritePaths=/tmp",
        "Before=mmdvmhost.service",
    ):
        assert line in dropin.splitlines(), line
    assert "/usr/local/etc/DMRIds.dat /tmp/dmr-edge/DMRIds.dat" in dropin  # the seeding

    mmdvmhost = (pistar_root / "etc/mmdvmhost").read_text()
    assert mmdvmhost == MMDVMHOST.replace(
        "File=/usr/local/etc/DMRIds.dat\nTime=24", "File=/tmp/dmr-edge/DMRIds.dat\nTime=1"
    )
    # Every edited file's original is kept beside it.
    assert (pistar_root / "etc/mmdvmhost.dmr-edge-orig").read_text() == MMDVMHOST
    backup = pistar_root / "etc/dmr-edge/config.toml.dmr-edge-orig"
    assert backup.read_bytes() == before["etc/dmr-edge/config.toml"][0]


def test_a_second_run_changes_nothing_and_says_so(cli, pistar_root):
    assert cli("setup", "pi-star", "--root", pistar_root).code == 0
    after_first = snapshot(pistar_root)
    stamps = {p: os.stat(pistar_root / p).st_mtime_ns for p in after_first}

    again = cli("setup", "pi-star", "--root", pistar_root)
    assert again.code == 0, again
    assert "already in place: nothing to change" in again.out
    assert snapshot(pistar_root) == after_first
    assert {p: os.stat(pistar_root / p).st_mtime_ns for p in after_first} == stamps


def test_dry_run_prints_exactly_what_it_would_write_and_changes_nothing(cli, pistar_root):
    before = snapshot(pistar_root)
    result = cli("setup", "pi-star", "--root", pistar_root, "--dry-run")
    assert result.code == 0, result
    assert snapshot(pistar_root) == before

    layout = pistar.Layout(root=pistar_root)
    printed = result.out.splitlines()
    for line in pistar.config_text(layout).decode().splitlines():
        assert f"    {line}" in printed, line
    for line in pistar.dropin_text(layout).decode().splitlines():
        assert f"    {line}" in printed, line
    assert "    -File=/usr/local/etc/DMRIds.dat" in printed
    assert "    +File=/tmp/dmr-edge/DMRIds.dat" in printed
    assert any(line.startswith("edit /etc/mmdvmhost, original kept as") for line in printed)

    # What the dry run announced is what the real run then does.
    real = cli("setup", "pi-star", "--root", pistar_root)
    announced = [line for line in printed if not line.startswith(("    ", "dry run", "note"))]
    done = [line for line in real.out.splitlines() if not line.startswith(("done", "note"))]
    assert done == announced


def test_undo_puts_every_file_back_as_it_was(cli, pistar_root):
    before = snapshot(pistar_root)
    assert cli("setup", "pi-star", "--root", pistar_root).code == 0
    assert snapshot(pistar_root) != before

    undo = cli("setup", "pi-star", "--root", pistar_root, "--undo")
    assert undo.code == 0, undo
    assert snapshot(pistar_root) == before
    assert not (pistar_root / "etc/systemd/system/dmr-edge.service.d").exists()

    nothing = cli("setup", "pi-star", "--root", pistar_root, "--undo")
    assert nothing.code == 0
    assert "nothing to undo" in nothing.out


def test_a_rerun_after_the_dashboard_rewrote_mmdvmhost_fixes_only_that_and_keeps_the_first_original(
    cli, pistar_root
):
    assert cli("setup", "pi-star", "--root", pistar_root).code == 0
    config = (pistar_root / "etc/dmr-edge/config.toml").read_bytes()
    dashboard = MMDVMHOST.replace("Duplex=0", "Duplex=1")  # the dashboard saved settings
    (pistar_root / "etc/mmdvmhost").write_text(dashboard)

    again = cli("setup", "pi-star", "--root", pistar_root)
    assert again.code == 0, again
    assert [line for line in again.out.splitlines() if line.startswith("edit")] == [
        "edit /etc/mmdvmhost, original kept as /etc/mmdvmhost.dmr-edge-orig"
        "  # MMDVMHost reads /tmp/dmr-edge/DMRIds.dat"
    ]
    assert "File=/tmp/dmr-edge/DMRIds.dat" in (pistar_root / "etc/mmdvmhost").read_text()
    assert (pistar_root / "etc/dmr-edge/config.toml").read_bytes() == config
    assert (pistar_root / "etc/mmdvmhost.dmr-edge-orig").read_text() == MMDVMHOST

    assert cli("setup", "pi-star", "--root", pistar_root, "--undo").code == 0
    assert (pistar_root / "etc/mmdvmhost").read_text() == MMDVMHOST


def test_the_replaced_configuration_keeps_its_mirror_urls_and_brandmeister_key(cli, pistar_root):
    config = pistar_root / "etc/dmr-edge/config.toml"
    config.write_text(
        '[sources.brandmeister_devices]\napi_key = "s3cr\\"et"\n'
        '[sources.radioid_users]\nurl = "http://mirror.example:8080/users.json"\nmax_age = "2h"\n'
    )
    config.chmod(0o640)
    assert cli("setup", "pi-star", "--root", pistar_root).code == 0
    settings = load_settings(str(config), environ={"HOME": str(pistar_root)})
    assert settings.sources["brandmeister_devices"].api_key == 's3cr"et'
    assert settings.sources["radioid_users"].url == "http://mirror.example:8080/users.json"
    assert settings.sources["radioid_users"].max_age is None, "only urls and keys are kept"
    assert not settings.sources["hearham_repeaters"].enabled
    assert stat.S_IMODE(config.stat().st_mode) == 0o640
    # Carried over from its own output, the configuration stays the same: idempotent.
    assert "nothing to change" in cli("setup", "pi-star", "--root", pistar_root).out


def test_pi_stars_own_brandmeister_key_file_is_used_and_a_key_the_service_cannot_read_is_named(
    cli, pistar_root
):
    key = pistar_root / "etc/bmapi.key"
    key.write_text("# Pi-Star's BrandMeister API key\n[key]\napikey=abc123XYZ\n")
    key.chmod(0o640)  # root's group, which the dmr-edge user is not in
    result = cli("setup", "pi-star", "--root", pistar_root)
    assert result.code == 0, result
    config = (pistar_root / "etc/dmr-edge/config.toml").read_text()
    assert '[sources.brandmeister_devices]\napi_key_file = "/etc/bmapi.key"\n' in config
    assert "abc123XYZ" not in config + result.out + result.err
    assert "/etc/bmapi.key holds the BrandMeister key but the dmr-edge user may not read it" in (
        result.out
    )

    key.chmod(0o644)
    assert "nothing to change" in cli("setup", "pi-star", "--root", pistar_root).out
    # (The path is the target system's: loading it here would read this machine's /etc.)
    document = tomllib.loads((pistar_root / "etc/dmr-edge/config.toml").read_text())
    assert document["sources"]["brandmeister_devices"] == {"api_key_file": "/etc/bmapi.key"}


@pytest.mark.parametrize(
    "before, after",
    [
        (  # CRLF line endings stay CRLF
            "[DMR Id Lookup]\r\nFile=/usr/local/etc/DMRIds.dat\r\nTime=24\r\n",
            "[DMR Id Lookup]\r\nFile=/x/DMRIds.dat\r\nTime=1\r\n",
        ),
        (  # Time= missing: added after the last key of the section
            "[DMR Id Lookup]\nFile=/old\n\n[DMR]\nEnable=1\n",
            "[DMR Id Lookup]\nFile=/x/DMRIds.dat\nTime=1\n\n[DMR]\nEnable=1\n",
        ),
        (  # no such section: appended
            "[General]\nId=1",
            "[General]\nId=1\n\n[DMR Id Lookup]\nFile=/x/DMRIds.dat\nTime=1\n",
        ),
        (  # comments and other sections' File= are left alone
            "[NXDN Id Lookup]\nFile=/n\n[DMR Id Lookup]\n# File=/c\nFile=/old\nTime=1\n",
            "[NXDN Id Lookup]\nFile=/n\n[DMR Id Lookup]\n# File=/c\nFile=/x/DMRIds.dat\nTime=1\n",
        ),
    ],
)
def test_mmdvmhost_edit_changes_file_and_time_of_its_section_only(before, after):
    assert pistar.point_mmdvmhost(before, "/x/DMRIds.dat") == after
    assert pistar.point_mmdvmhost(after, "/x/DMRIds.dat") == after


@pytest.mark.parametrize(
    "remove, expected",
    [
        ("etc/mmdvmhost", "does not exist: is this Pi-Star?"),
        ("lib/systemd/system/dmr-edge.service", "dmr-edge.service is not installed"),
    ],
)
def test_a_system_that_is_not_pi_star_with_dmr_edge_is_refused_in_one_line(
    cli, pistar_root, remove, expected
):
    (pistar_root / remove).unlink()
    before = snapshot(pistar_root)
    result = cli("setup", "pi-star", "--root", pistar_root)
    assert result.code == 1
    assert expected in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert snapshot(pistar_root) == before


class RecordingHost(pistar.Host):
    """This machine's host, except that mount and systemctl are recorded, not run, and the
    stand-in root is reported as a read-only mount, as Pi-Star's root is."""

    def __init__(self, read_only: Path, fail: tuple[str, ...] = ()) -> None:
        self.read_only = read_only
        self.fail = fail
        self.ran: list[list[str]] = []

    def run(self, argv, check=True):
        import subprocess

        self.ran.append(list(argv))
        if argv[0] == "systemctl" and argv[1] in ("is-enabled", "is-active"):
            return subprocess.CompletedProcess(argv, 1, "", "")
        if tuple(argv[:2]) == self.fail:
            raise pistar.SetupError(f"{' '.join(argv)} exited 1: failed on purpose")
        return subprocess.CompletedProcess(argv, 0, "", "")

    def mountinfo(self):
        return (
            "22 1 8:2 / / rw,relatime shared:1 - ext4 /dev/root rw\n"
            f"30 22 8:2 / {self.read_only} ro,relatime shared:2 - ext4 /dev/root ro\n"
            "31 22 0:30 / /tmp rw,nosuid shared:3 - tmpfs tmpfs rw\n"
        )

    def sync(self):
        pass


def test_a_read_only_root_is_opened_for_the_writes_and_closed_again_before_the_restarts(
    pistar_root,
):
    host = RecordingHost(pistar_root)
    layout = pistar.Layout(root=pistar_root, commands=True)
    plan = pistar.plan_setup(layout, host)
    host.ran.clear()
    pistar.apply(plan, host, lambda op: None)
    point = str(pistar_root)
    assert host.ran == [
        ["systemctl", "stop", "dmr-edge.service"],
        ["mount", "-o", "remount,rw", point],
        ["systemctl", "daemon-reload"],
        ["systemctl", "enable", "dmr-edge.service"],
        ["mount", "-o", "remount,ro", point],
        ["systemctl", "restart", "dmr-edge.service"],
        ["systemctl", "try-restart", "mmdvmhost.service"],
    ]


def test_the_root_goes_back_to_read_only_when_a_step_fails(pistar_root):
    host = RecordingHost(pistar_root, fail=("systemctl", "enable"))
    layout = pistar.Layout(root=pistar_root, commands=True)
    plan = pistar.plan_setup(layout, host)
    host.ran.clear()
    with pytest.raises(DmrEdgeError, match="failed on purpose"):
        pistar.apply(plan, host, lambda op: None)
    assert host.ran[-1] == ["mount", "-o", "remount,ro", str(pistar_root)]
    assert ["systemctl", "restart", "dmr-edge.service"] not in host.ran


def test_the_guide_puts_the_one_command_first_and_keeps_the_manual_steps():
    guide = (ROOT / "packaging/pi-star.md").read_text(encoding="utf-8")
    one_command = guide.index("dmr-edge setup pi-star")
    assert one_command < guide.index("rpi-rw")
    assert guide.index("### The systemd drop-in") > one_command
    # The drop-in the guide shows by hand is the one the command writes.
    dropin = pistar.dropin_text(pistar.Layout()).decode()
    for line in dropin.splitlines():
        if line.startswith(("ExecStartPre=", "ReadWritePaths=", "PrivateTmp=")):
            assert line in guide, line
