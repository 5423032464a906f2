"""The packaged units under a real systemd: a Debian root booted with systemd-nspawn.

The .deb built from this checkout is installed (dpkg -i) into a throwaway overlay of a
debootstrapped bookworm root, which then boots with systemd as PID 1. The container shares
the host's network, so the service syncs from a loopback upstream started by the test.
Checked: the service (Type=notify, STATUS= in systemctl, the watchdog restarting a daemon
stalled by its upstream, a clean stop), the timer (one sync on schedule), the hardening
(ProtectSystem=strict and the export directories a drop-in opens; systemd-analyze
security), a Pi-Star-like read-only root (--read-only --tmpfs=/tmp) and
``dmr-edge setup pi-star`` run in it.

Needs root, debootstrap, systemd-nspawn and the Debian mirror (for the first build of the
root; ``$DMR_EDGE_ROOTS_CACHE`` keeps it between runs): skipped with the reason otherwise.
"""

from __future__ import annotations

import re
import shutil
import stat
from pathlib import Path

import pytest

from dmr_edge.setup import pistar
from tests import osroots
from tests.conftest import PATHS
from tests.test_debian_package import deb  # noqa: F401 - the .deb built from this checkout
from tests.upstream import Fault, Upstream

pytestmark = pytest.mark.slow

SYSTEMD_INCLUDE = (
    "systemd,systemd-sysv,dbus,python3,python3-ijson,python3-requests,sqlite3,"
    "ca-certificates,adduser,procps"
)
# Callsigns of tests/fixtures/radioid-users-newformat.json, which the `served` upstream serves.
CALLSIGNS = ("VA3BOC", "KI5VMF")


@pytest.fixture(scope="module")
def systemd_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    osroots.require_root_tools("debootstrap", "systemd-nspawn", "nsenter", "mount", "chroot")
    arch = osroots.run(["dpkg", "--print-architecture"]).strip()
    root, seconds = osroots.pristine_root(
        osroots.cache_dir(tmp_path_factory), f"bookworm-{arch}-systemd", "bookworm", arch,
        SYSTEMD_INCLUDE,
    )  # fmt: skip
    print(f"systemd root {root}: " + (f"debootstrap {seconds:.0f}s" if seconds else "cached"))
    return root


@pytest.fixture
def installed(systemd_root: Path, deb: Path, tmp_path: Path):  # noqa: F811
    """A writable overlay of the root with the package installed, not yet booted."""
    with osroots.overlay(systemd_root, tmp_path / "overlay") as root:
        shutil.copy(deb, root / "tmp" / deb.name)
        osroots.chroot(root, "dpkg", "-i", f"/tmp/{deb.name}")
        (root / "tmp" / deb.name).unlink()
        yield root


def sources_toml(upstream: Upstream, skip: tuple[str, ...] = ()) -> str:
    lines = []
    for name, path in PATHS.items():
        if name not in skip:
            lines += [f"[sources.{name}]", f'url = "{upstream.url(path)}"']
    return "\n".join(lines) + "\n"


def write_config(root: Path, text: str) -> None:
    """Rewrite the packaged configuration in place (its owner and mode stay the package's)."""
    config = root / "etc/dmr-edge/config.toml"
    mode = stat.S_IMODE(config.stat().st_mode)
    config.write_text(text)
    assert stat.S_IMODE(config.stat().st_mode) == mode


def drop_in(root: Path, unit: str, name: str, text: str) -> None:
    directory = root / "etc/systemd/system" / f"{unit}.d"
    directory.mkdir(parents=True, exist_ok=True)
    (directory / name).write_text(text)


def users_in(container: osroots.Container, db: str) -> int:
    out = container.run("sqlite3", db, "SELECT count(*) FROM users", check=False).strip()
    return int(out) if out.isdigit() else 0


def test_the_service_starts_as_type_notify_shows_its_status_and_stops_cleanly(installed, served):
    write_config(installed, "[http]\nretries = 0\n" + sources_toml(served))
    with osroots.Container(installed) as box:
        box.wait_for(
            "the first cycle's STATUS=",
            lambda: "cycle 1" in box.show("dmr-edge", "StatusText")["StatusText"],
        )
        shown = box.show("dmr-edge", "Type", "ActiveState", "SubState", "StatusText", "NRestarts")
        status = box.run("systemctl", "status", "dmr-edge", "--no-pager", check=False)
        print(status)
        assert shown["Type"] == "notify"
        assert (shown["ActiveState"], shown["SubState"]) == ("active", "running")
        assert re.search(r"cycle 1: 6 of 6 sources ok, 6 changed$", shown["StatusText"]), shown
        assert f'Status: "{shown["StatusText"]}"' in status
        assert users_in(box, "/var/lib/dmr-edge/dmr.sqlite") == len(CALLSIGNS)

        box.run("systemctl", "stop", "dmr-edge")
        stopped = box.show("dmr-edge", "ActiveState", "Result", "ExecMainStatus", "NRestarts")
        print(stopped)
        assert stopped == {
            "ActiveState": "inactive",
            "Result": "success",
            "ExecMainStatus": "0",
            "NRestarts": "0",
        }
        journal = box.run("journalctl", "-u", "dmr-edge", "--no-pager", "-o", "cat")
        assert "SIGTERM received: stopping" in journal and "stopped" in journal.splitlines()


def test_the_watchdog_restarts_a_daemon_stalled_by_its_upstream(installed, served):
    served.set_fault(PATHS["radioid_users"], Fault.stall())
    write_config(installed, '[http]\nretries = 0\nread_timeout = "5m"\n' + sources_toml(served))
    drop_in(
        installed,
        "dmr-edge.service",
        "watchdog.conf",
        "[Service]\nWatchdogSec=3s\nRestartSec=1s\n",
    )
    with osroots.Container(installed) as box:

        def restarts() -> int:
            return int(box.show("dmr-edge", "NRestarts")["NRestarts"])

        box.wait_for("two watchdog restarts", lambda: restarts() >= 2, timeout=60)
        journal = box.run("journalctl", "-u", "dmr-edge", "--no-pager", "-o", "cat")
        print(f"NRestarts={restarts()}")
        print("\n".join(line for line in journal.splitlines() if "atchdog" in line))
        assert "Watchdog timeout" in journal
        assert "Failed with result 'watchdog'" in journal

        served.set_fault(PATHS["radioid_users"], None)  # the upstream answers again
        box.wait_for(
            "a good cycle after the restarts",
            lambda: "6 of 6 sources ok" in box.show("dmr-edge", "StatusText")["StatusText"],
            timeout=60,
        )
        box.run("systemctl", "stop", "dmr-edge")
        stopped = box.show("dmr-edge", "ActiveState", "Result")
        assert stopped == {"ActiveState": "inactive", "Result": "success"}, stopped
        assert users_in(box, "/var/lib/dmr-edge/dmr.sqlite") == len(CALLSIGNS)


def test_the_timer_runs_one_sync_on_schedule(installed, served):
    write_config(installed, "[http]\nretries = 0\n" + sources_toml(served))
    osroots.chroot(installed, "systemctl", "disable", "dmr-edge.service")
    osroots.chroot(installed, "systemctl", "enable", "dmr-edge-sync.timer")
    drop_in(
        installed,
        "dmr-edge-sync.timer",
        "soon.conf",
        "[Timer]\nOnCalendar=\nOnActiveSec=3s\nRandomizedDelaySec=0\nAccuracySec=1s\n"
        "Persistent=false\n",
    )
    with osroots.Container(installed) as box:
        assert box.show("dmr-edge", "ActiveState")["ActiveState"] == "inactive"
        box.wait_for(
            "the timer's sync to finish",
            lambda: (
                box.show("dmr-edge-sync.service", "Result", "ActiveState", "ExecMainStatus")
                == {"Result": "success", "ActiveState": "inactive", "ExecMainStatus": "0"}
                and served.count(PATHS["radioid_users"]) > 0
            ),
            timeout=60,
        )
        timers = box.run("systemctl", "list-timers", "--all", "--no-pager")
        print(timers)
        assert served.count(PATHS["radioid_users"]) == 1, "one sync"
        assert users_in(box, "/var/lib/dmr-edge/dmr.sqlite") == len(CALLSIGNS)
        journal = box.run("journalctl", "-u", "dmr-edge-sync", "--no-pager", "-o", "cat")
        assert "run --once" in journal
        assert box.show("dmr-edge-sync.timer", "LastTriggerUSec")["LastTriggerUSec"] != "n/a"


def test_protect_system_lets_the_service_write_only_the_export_directories_a_drop_in_opens(
    installed, served
):
    for directory in ("srv/hotspot", "srv/elsewhere"):
        (installed / directory).mkdir(parents=True)
        osroots.chroot(installed, "chown", "dmr-edge:dmr-edge", f"/{directory}")
    write_config(
        installed,
        "[http]\nretries = 0\n[export]\n"
        'dmrids = "/srv/hotspot/DMRIds.dat"\nusercsv = "/srv/elsewhere/user.csv"\n'
        + sources_toml(served),
    )
    # The drop-in packaging/README.md documents: the directories of the configured exports.
    drop_in(
        installed, "dmr-edge.service", "exports.conf", "[Service]\nReadWritePaths=/srv/hotspot\n"
    )
    with osroots.Container(installed) as box:
        box.wait_for(
            "the first cycle",
            lambda: "cycle 1" in box.show("dmr-edge", "StatusText")["StatusText"],
        )
        journal = box.wait_for(
            "the refused export in the journal",
            lambda: (lambda j: "user.csv" in j and j)(
                box.run("journalctl", "-u", "dmr-edge", "--no-pager", "-o", "cat")
            ),
            timeout=30,
        )
        print("\n".join(line for line in journal.splitlines() if "export" in line.lower()))
        dmrids = box.run("cat", "/srv/hotspot/DMRIds.dat")
        assert {line.split("\t")[1] for line in dmrids.splitlines()} == set(CALLSIGNS)
        assert not (installed / "srv/elsewhere/user.csv").exists()
        assert "/srv/elsewhere: read-only file system" in journal

        for unit in ("dmr-edge.service", "dmr-edge-sync.service"):
            security = box.run("systemd-analyze", "security", unit, "--no-pager", check=False)
            verdict = security.strip().splitlines()[-1]
            print(verdict)
            assert re.search(r"Overall exposure level for \S+: \d+\.\d+ OK", verdict), verdict


def pistar_config(upstream: Upstream) -> str:
    """The configuration of packaging/pi-star.md, its sources pointing at ``upstream``."""
    layout = pistar.Layout()
    carried = {name: {"url": upstream.url(path)} for name, path in PATHS.items()}
    return pistar.config_text(layout, carried).decode()


def test_a_pi_star_like_read_only_root_keeps_the_database_and_dmrids_in_tmp(installed, served):
    write_config(installed, pistar_config(served))
    drop_in(
        installed, "dmr-edge.service", "pi-star.conf", pistar.dropin_text(pistar.Layout()).decode()
    )
    (installed / "usr/local/etc").mkdir(parents=True, exist_ok=True)
    (installed / "usr/local/etc/DMRIds.dat").write_text("1234567\tPISTAR\tSeed\n")
    before = osroots.tree_state(installed)
    with osroots.Container(installed, read_only=True) as box:
        assert "ro" in box.run("findmnt", "-no", "OPTIONS", "/").split(",")
        box.wait_for(
            "the synced DMRIds.dat in /tmp/dmr-edge",
            lambda: "VA3BOC" in box.run("cat", "/tmp/dmr-edge/DMRIds.dat", check=False),
        )
        shown = box.show("dmr-edge", "ActiveState", "StatusText", "NRestarts")
        print(shown)
        assert shown["ActiveState"] == "active" and shown["NRestarts"] == "0", shown
        listing = box.run("ls", "-l", "/tmp/dmr-edge")
        print(listing)
        assert {"dmr.sqlite", "DMRIds.dat", "cache"} <= set(listing.split())
        lookup = box.run("dmr-edge", "lookup", CALLSIGNS[0])
        assert CALLSIGNS[0] in lookup
    changed = osroots.changed_paths(before, osroots.tree_state(installed))
    print("files changed outside /tmp:", changed or "none")
    assert changed == []


MMDVMHOST_STANDIN = (
    "[General]\nCallsign=M0ABC\nId=2340000\n\n"
    "[DMR Id Lookup]\nFile=/usr/local/etc/DMRIds.dat\nTime=24\n\n[DMR]\nEnable=1\n"
)
# Reads its [DMR Id Lookup] File= at start, as MMDVMHost does, and says what it found.
MMDVMHOST_PROGRAM = """#!/bin/sh
file=$(sed -n '/^\\[DMR Id Lookup\\]/,/^\\[/s/^File=//p' /etc/mmdvmhost)
echo "DMR Id Lookup: $file, $(wc -l < "$file") ids"
exec sleep infinity
"""
MMDVMHOST_UNIT = """[Unit]
Description=stand-in for MMDVMHost: reads the DMR id file its configuration names
[Service]
ExecStart=/usr/local/bin/mmdvmhost-standin
[Install]
WantedBy=multi-user.target
"""


def test_setup_pi_star_sets_a_read_only_root_up_in_one_command_and_undoes_it(installed, served):
    # Pi-Star with the .deb installed: its own MMDVMHost configuration and DMRIds.dat, and
    # (so no test reaches the real upstreams) the sources pointing at the loopback one.
    write_config(installed, "[http]\nretries = 0\n" + sources_toml(served))
    (installed / "etc/mmdvmhost").write_text(MMDVMHOST_STANDIN)
    (installed / "usr/local/etc").mkdir(parents=True, exist_ok=True)
    (installed / "usr/local/etc/DMRIds.dat").write_text("1234567\tPISTAR\tSeed\n")
    program = installed / "usr/local/bin/mmdvmhost-standin"
    program.write_text(MMDVMHOST_PROGRAM)
    program.chmod(0o755)
    (installed / "etc/systemd/system/mmdvmhost.service").write_text(MMDVMHOST_UNIT)
    osroots.chroot(installed, "systemctl", "enable", "mmdvmhost.service")
    original = {
        path: (installed / path).read_bytes()
        for path in ("etc/mmdvmhost", "etc/dmr-edge/config.toml")
    }
    before = osroots.tree_state(installed)

    with osroots.Container(installed, read_only=True) as box:

        def root_is_read_only() -> bool:
            return "ro" in box.run("findmnt", "-no", "OPTIONS", "/").split(",")

        assert root_is_read_only()
        dry = box.run("dmr-edge", "setup", "pi-star", "--dry-run")
        print(dry)
        steps = [line for line in dry.splitlines() if not line.startswith(("    ", "note:"))]
        assert steps[1:3] == [
            "run: systemctl stop dmr-edge.service  # while its files change",
            "run: mount -o remount,rw /",  # rpi-rw
        ]
        assert "run: mount -o remount,ro /" in steps  # rpi-ro
        assert (
            root_is_read_only()
            and (installed / "etc/mmdvmhost").read_bytes() == (original["etc/mmdvmhost"])
        )

        done = box.run("dmr-edge", "setup", "pi-star")
        print(done)
        assert root_is_read_only(), "back to read-only (rpi-ro)"
        assert "File=/tmp/dmr-edge/DMRIds.dat" in box.run("cat", "/etc/mmdvmhost")
        box.wait_for(
            "the synced DMRIds.dat",
            lambda: "VA3BOC" in box.run("cat", "/tmp/dmr-edge/DMRIds.dat", check=False),
        )
        standin = box.run("journalctl", "-u", "mmdvmhost", "--no-pager", "-o", "cat")
        print(standin)
        assert "DMR Id Lookup: /tmp/dmr-edge/DMRIds.dat" in standin
        assert box.show("dmr-edge", "ActiveState")["ActiveState"] == "active"

        again = box.run("dmr-edge", "setup", "pi-star")
        print(again)
        assert "already in place: nothing to change" in again
        assert "remount" not in again and root_is_read_only()

        undone = box.run("dmr-edge", "setup", "pi-star", "--undo")
        print(undone)
        assert root_is_read_only()
        for path, content in original.items():
            assert (installed / path).read_bytes() == content, path
        assert not (installed / "etc/systemd/system/dmr-edge.service.d").exists()
    changed = osroots.changed_paths(before, osroots.tree_state(installed))
    print("changed after setup and undo:", changed)
    assert [p for p in changed if not (installed / p).is_dir()] == [], changed
