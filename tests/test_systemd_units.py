"""The systemd units in packaging/systemd: what they must say, and that systemd accepts them.

The plain parse checks always run; the `systemd-analyze` checks run where it is installed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import NamedTuple

import pytest

UNITS = Path(__file__).resolve().parent.parent / "packaging" / "systemd"
DAEMON = UNITS / "dmr-edge.service"
ONESHOT = UNITS / "dmr-edge-sync.service"
TIMER = UNITS / "dmr-edge-sync.timer"
SYSUSERS = UNITS / "dmr-edge.sysusers"
SERVICES = [DAEMON, ONESHOT]

# Lines that say what the service is, not how it is confined or tuned: no comment needed.
SELF_EXPLANATORY = {"ExecStart", "ExecReload"}

# Confinement every service unit must carry, with the exact value.
REQUIRED_HARDENING = {
    "User": "dmr-edge",
    "Group": "dmr-edge",
    "StateDirectory": "dmr-edge",
    "CacheDirectory": "dmr-edge",
    "ProtectSystem": "strict",
    "ReadWritePaths": "-/usr/local/etc",
    "NoNewPrivileges": "true",
    "PrivateTmp": "true",
    "ProtectHome": "true",
    "PrivateDevices": "true",
    "Environment": "PYTHONFAULTHANDLER=1",
}


class Directive(NamedTuple):
    section: str
    key: str
    value: str
    line: int
    commented: bool  # the line right above it is a comment


def parse_unit(path: Path) -> list[Directive]:
    """Given a unit file, return its directives in order, noting which have a comment above."""
    directives = []
    section = ""
    previous = ""
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
        elif line and not line.startswith(("#", ";")):
            key, sep, value = line.partition("=")
            assert sep, f"{path.name}:{number}: not a key=value line: {raw!r}"
            directives.append(
                Directive(section, key.strip(), value.strip(), number, previous.startswith("#"))
            )
        previous = line
    return directives


def values(path: Path, section: str) -> dict[str, list[str]]:
    """Given a unit file and a section, return each key's values (keys may repeat)."""
    found: dict[str, list[str]] = {}
    for directive in parse_unit(path):
        if directive.section == section:
            found.setdefault(directive.key, []).append(directive.value)
    return found


def seconds(span: str) -> float:
    """Given a systemd time span such as "10min" or "1h 30s", return it in seconds."""
    units = {"": 1, "s": 1, "sec": 1, "min": 60, "m": 60, "h": 3600, "hr": 3600, "d": 86400}
    total = 0.0
    for amount, unit in re.findall(r"(\d+(?:\.\d+)?)\s*([a-z]*)", span):
        total += float(amount) * units[unit]
    return total


def test_daemon_is_type_notify_with_a_watchdog_shorter_than_the_cycle_deadline():
    service = values(DAEMON, "Service")
    assert service["Type"] == ["notify"]
    watchdog = seconds(service["WatchdogSec"][0])
    # Long enough for any step that pings nothing, short enough to beat the daemon's own
    # 15 min cycle deadline at catching a process too stuck to abort itself.
    assert 60 <= watchdog <= 15 * 60


def test_daemon_runs_the_agent_reloads_with_sighup_and_restarts_on_failure():
    service = values(DAEMON, "Service")
    assert service["ExecStart"] == ["/usr/bin/dmr-edge run"]
    assert service["ExecReload"] == ["/bin/kill -HUP $MAINPID"]
    assert service["Restart"] == ["on-failure"]
    assert seconds(service["RestartSec"][0]) > 0
    assert service["RestartPreventExitStatus"] == ["2"]
    assert values(DAEMON, "Install")["WantedBy"] == ["multi-user.target"]


def test_daemon_memory_limits_fit_a_pi_zero():
    service = values(DAEMON, "Service")
    for key in ("MemoryHigh", "MemoryMax"):
        limit = service[key][0]
        assert limit.endswith("M"), f"{key}={limit}"
        assert 64 <= int(limit[:-1]) <= 512
    assert int(service["MemoryHigh"][0][:-1]) < int(service["MemoryMax"][0][:-1])


@pytest.mark.parametrize("unit", SERVICES, ids=lambda p: p.name)
def test_service_carries_the_required_hardening(unit):
    service = values(unit, "Service")
    for key, expected in REQUIRED_HARDENING.items():
        assert expected in service.get(key, []), f"{unit.name}: {key}={expected} missing"
    assert "DynamicUser" not in service, "a fixed user keeps exported files' owner stable"


def test_both_services_share_one_hardening_block():
    def hardening(unit: Path) -> list[str]:
        text = unit.read_text(encoding="utf-8")
        block = text[text.index("# A fixed system user") :]
        return block.split("[Install]")[0].split("\n")

    daemon = [line for line in hardening(DAEMON) if line]
    oneshot = [line for line in hardening(ONESHOT) if line]
    assert oneshot == daemon


@pytest.mark.parametrize("unit", SERVICES, ids=lambda p: p.name)
def test_every_hardening_and_tuning_line_has_a_comment_above_it(unit):
    bare = [
        f"{unit.name}:{d.line}: {d.key}={d.value}"
        for d in parse_unit(unit)
        if d.section == "Service" and d.key not in SELF_EXPLANATORY and not d.commented
    ]
    assert bare == []


def test_oneshot_service_runs_one_cycle_and_accepts_a_temporary_failure():
    service = values(ONESHOT, "Service")
    assert service["Type"] == ["oneshot"]
    assert service["ExecStart"] == ["/usr/bin/dmr-edge run --once"]
    assert service["SuccessExitStatus"] == ["75"]
    assert seconds(service["TimeoutStartSec"][0]) > 15 * 60
    assert "Install" not in {d.section for d in parse_unit(ONESHOT)}, "started by the timer only"


def test_timer_is_hourly_randomized_and_catches_up_after_downtime():
    timer = values(TIMER, "Timer")
    hourly = (
        timer.get("OnCalendar") == ["hourly"]
        or seconds(timer.get("OnUnitActiveSec", ["0"])[0]) == 3600
    )
    assert hourly, timer
    assert seconds(timer["RandomizedDelaySec"][0]) > 0
    assert timer["Persistent"] == ["true"]
    assert values(TIMER, "Install")["WantedBy"] == ["timers.target"]


def test_sysusers_file_declares_the_service_user_with_the_state_directory_as_home():
    entries = [
        line.split()
        for line in SYSUSERS.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert len(entries) == 1
    kind, name = entries[0][:2]
    assert (kind, name) == ("u", "dmr-edge")
    assert "/var/lib/dmr-edge" in entries[0]


def copy_units_with_an_existing_binary(destination: Path) -> list[Path]:
    """Given a directory, copy the units there with ExecStart pointing at a real binary.

    `systemd-analyze verify` rejects a unit whose ExecStart binary does not exist, and
    /usr/bin/dmr-edge exists only once the package is installed.
    """
    stand_in = shutil.which("true") or "/bin/true"
    copies = []
    for unit in (DAEMON, ONESHOT, TIMER):
        copy = destination / unit.name
        copy.write_text(
            unit.read_text(encoding="utf-8").replace("/usr/bin/dmr-edge", stand_in),
            encoding="utf-8",
        )
        copies.append(copy)
    return copies


def systemd_analyze() -> str:
    tool = shutil.which("systemd-analyze")
    if tool is None:
        pytest.skip("systemd-analyze is not installed (Debian package: systemd)")
    return tool


def test_systemd_analyze_verify_accepts_the_units(tmp_path):
    tool = systemd_analyze()
    units = copy_units_with_an_existing_binary(tmp_path)
    result = subprocess.run(
        [tool, "verify", *map(str, units)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    ours = [
        line
        for line in (result.stdout + result.stderr).splitlines()
        if "dmr-edge" in line or str(tmp_path) in line
    ]
    assert result.returncode == 0, result.stdout + result.stderr
    assert ours == []


def test_systemd_analyze_rates_the_daemon_exposure_as_low(tmp_path):
    tool = systemd_analyze()
    daemon = copy_units_with_an_existing_binary(tmp_path)[0]
    result = subprocess.run(
        [tool, "security", "--offline=yes", "--no-pager", str(daemon)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    match = re.search(r"Overall exposure level for \S+: (\d+(?:\.\d+)?)", result.stdout)
    if match is None:
        pytest.skip(f"this systemd-analyze has no offline security report: {result.stderr[:200]}")
    # 0 is fully locked down, 10 is unconfined; "OK" starts below 5.
    assert float(match.group(1)) <= 2.0, result.stdout
