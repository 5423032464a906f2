"""The OpenWrt procd init script: what procd receives and the TOML it writes, per UCI config.

The script is sourced by a POSIX shell (dash, and busybox ash, OpenWrt's own /bin/sh, when
installed) after small stand-ins for OpenWrt's /lib/functions.sh and procd.sh. The
stand-ins load UCI files the way OpenWrt does (`uci export` output is shell code that calls
`config`, `option` and `list`) and print every procd call as one record per line.
"""

from __future__ import annotations

import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.9/3.10
    import tomli as tomllib

FILES = Path(__file__).resolve().parent.parent / "openwrt" / "dmr-edge" / "files"
INIT = FILES / "dmr-edge.init"
UCI_DEFAULTS = FILES / "dmr_edge.config"
SEP = "\x1f"
SOURCES = [
    "radioid_users",
    "radioid_repeaters",
    "brandmeister_devices",
    "brandmeister_talkgroups",
    "tgif_talkgroups",
    "hearham_repeaters",
]

# Stand-ins for the OpenWrt shell libraries rc.common loads. The UCI half follows
# /lib/functions.sh (config_get's ":-default", config_get_bool's spellings, list state);
# the procd half records each call instead of building JSON for ubus.
OPENWRT_STUBS = r"""
CONFIG_SECTIONS=""
CONFIG_NUM_SECTIONS=0
CONFIG_SECTION=""
CONFIG_LIST_STATE=""

record() {
	local IFS
	IFS="$(printf '\037')"
	printf '%s\n' "$*"
}

package() { :; }

config() {
	CONFIG_NUM_SECTIONS=$((CONFIG_NUM_SECTIONS + 1))
	CONFIG_SECTION="${2:-cfg$CONFIG_NUM_SECTIONS}"
	CONFIG_SECTIONS="$CONFIG_SECTIONS $CONFIG_SECTION"
	eval "CONFIG_${CONFIG_SECTION}_TYPE=\$1"
}

option() {
	eval "CONFIG_${CONFIG_SECTION}_$1=\$2"
}

list() {
	local len
	eval "len=\${CONFIG_${CONFIG_SECTION}_$1_LENGTH:-0}"
	[ "$len" = 0 ] && CONFIG_LIST_STATE="$CONFIG_LIST_STATE ${CONFIG_SECTION}_$1"
	len=$((len + 1))
	eval "CONFIG_${CONFIG_SECTION}_$1_ITEM$len=\$2"
	eval "CONFIG_${CONFIG_SECTION}_$1_LENGTH=$len"
}

config_load() {
	local var
	for var in $CONFIG_LIST_STATE; do
		eval "CONFIG_${var}_LENGTH="
	done
	CONFIG_LIST_STATE=""
	CONFIG_SECTIONS=""
	CONFIG_NUM_SECTIONS=0
	CONFIG_SECTION=""
	. "$UCI_DIR/$1"
}

config_get() {
	case "$3" in
		"") eval echo "\"\${CONFIG_${1}_${2}}\"" ;;
		*) eval "$1=\"\${CONFIG_${2}_${3}:-\${4}}\"" ;;
	esac
}

config_get_bool() {
	local _tmp
	config_get _tmp "$2" "$3" "$4"
	case "$_tmp" in
		1|on|true|yes|enabled) _tmp=1 ;;
		0|off|false|no|disabled) _tmp=0 ;;
		*) _tmp="$4" ;;
	esac
	eval "$1=\$_tmp"
}

config_foreach() {
	local ___function="$1"
	[ "$#" -ge 1 ] && shift
	local ___type="$1"
	[ "$#" -ge 1 ] && shift
	local section cfgtype
	for section in $CONFIG_SECTIONS; do
		config_get cfgtype "$section" TYPE
		[ -n "$___type" ] && [ "x$cfgtype" != "x$___type" ] && continue
		eval "$___function \"\$section\" \"\$@\""
	done
}

config_list_foreach() {
	local section="$1" option="$2" function="$3" len val c=1
	shift 3
	config_get len "$section" "${option}_LENGTH"
	[ -z "$len" ] && return 0
	while [ "$c" -le "$len" ]; do
		config_get val "$section" "${option}_ITEM$c"
		eval "$function \"\$val\" \"\$@\""
		c=$((c + 1))
	done
}

procd_open_instance() { record open_instance "$@"; }
procd_set_param() { record param "$@"; }
procd_append_param() { record append "$@"; }
procd_close_instance() { record close_instance; }
procd_add_reload_trigger() { record reload_trigger "$@"; }
procd_add_interface_trigger() { record interface_trigger "$@"; }
procd_send_signal() { record send_signal "$@"; }
logger() { record logger "$@"; }
"""

MOUNTS = """\
/dev/root /rom squashfs ro,relatime 0 0
proc /proc proc rw,nosuid,nodev,noexec,noatime 0 0
sysfs /sys sysfs rw,nosuid,nodev,noexec,noatime 0 0
tmpfs /tmp tmpfs rw,nosuid,nodev,noatime 0 0
/dev/ubi0_1 /overlay ubifs rw,noatime 0 0
overlayfs:/overlay / overlay rw,noatime,lowerdir=/,upperdir=/overlay/upper 0 0
tmpfs /dev tmpfs rw,nosuid,relatime,size=512k,mode=755 0 0
/dev/sda1 /mnt/usb ext4 rw,relatime 0 0
"""


class Run(NamedTuple):
    records: list[list[str]]  # every procd/logger call, in order
    status: int  # what start_service returned
    toml_path: Path

    def params(self) -> dict[str, list[str]]:
        """procd_set_param calls, then procd_append_param additions, by parameter."""
        found: dict[str, list[str]] = {}
        for kind, *args in self.records:
            if kind == "param":
                found[args[0]] = args[1:]
            elif kind == "append":
                found[args[0]] = found.get(args[0], []) + args[1:]
        return found

    def calls(self, kind: str) -> list[list[str]]:
        return [args for first, *args in self.records if first == kind]

    def toml(self) -> dict:
        return tomllib.loads(self.toml_path.read_text(encoding="utf-8"))


SHELLS = {
    "dash": ["dash"],
    "busybox-ash": ["busybox", "sh"],
}


@pytest.fixture(params=sorted(SHELLS))
def shell(request) -> list[str]:
    command = SHELLS[request.param]
    if shutil.which(command[0]) is None:
        pytest.skip(f"{command[0]} is not installed (Debian package: {command[0]})")
    return command


def set_option(uci: str, section: str, name: str, value: str, kind: str = "option") -> str:
    """Given UCI text, return it with `kind name 'value'` set in the named section.

    An existing option line is replaced; otherwise (and always for lists) a line is added
    at the end of the section.
    """
    blocks = re.split(r"(?m)^(?=config )", uci)
    for index, block in enumerate(blocks):
        if re.match(rf"config \S+ '{re.escape(section)}'", block):
            line = f"\t{kind} {name} '{value}'"
            existing = rf"(?m)^\t{kind} {re.escape(name)} '[^']*'$"
            if kind == "option" and re.search(existing, block):
                blocks[index] = re.sub(existing, line.replace("\\", r"\\"), block)
            else:
                blocks[index] = block.rstrip("\n") + "\n" + line + "\n\n"
            return "".join(blocks)
    raise AssertionError(f"no section {section!r}")


def start(shell: list[str], tmp_path: Path, uci: str | None = None, mounts: str = MOUNTS) -> Run:
    """Source the init script with the stand-ins, run start_service and service_triggers."""
    uci_dir = tmp_path / "uci"
    uci_dir.mkdir(exist_ok=True)
    (uci_dir / "dmr_edge").write_text(
        UCI_DEFAULTS.read_text(encoding="utf-8") if uci is None else uci, encoding="utf-8"
    )
    (tmp_path / "mounts").write_text(mounts, encoding="utf-8")
    (tmp_path / "stubs.sh").write_text(OPENWRT_STUBS, encoding="utf-8")
    toml_path = tmp_path / "var" / "etc" / "dmr-edge.toml"
    harness = tmp_path / "harness.sh"
    harness.write_text(
        f"UCI_DIR='{uci_dir}'\n"
        f". '{tmp_path / 'stubs.sh'}'\n"
        f". '{INIT}'\n"
        f"CONF='{toml_path}'\n"
        f"MOUNTS='{tmp_path / 'mounts'}'\n"
        "start_service\n"
        'record start_service_status "$?"\n'
        "service_triggers\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [*shell, str(harness)], capture_output=True, text=True, timeout=60, cwd=tmp_path
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stderr == "", result.stderr
    records = [line.split(SEP) for line in result.stdout.splitlines()]
    status = [int(args[0]) for kind, *args in records if kind == "start_service_status"]
    records = [r for r in records if r[0] != "start_service_status"]
    return Run(records, status[0], toml_path)


@pytest.fixture
def default_storage():
    """The shipped default storage, /tmp/dmr-edge: removed afterwards if the test made it."""
    path = Path("/tmp/dmr-edge")
    existed = path.exists()
    yield path
    if not existed and path.is_dir():
        shutil.rmtree(path, ignore_errors=True)


def test_shellcheck_finds_nothing_in_the_init_script():
    shellcheck = shutil.which("shellcheck")
    if shellcheck is None:
        pytest.skip("shellcheck is not installed (Debian package: shellcheck)")
    # -s sh: POSIX sh is the dialect closest to busybox ash, OpenWrt's /bin/sh.
    result = subprocess.run(
        [shellcheck, "-s", "sh", str(INIT)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_init_script_is_an_executable_rc_common_procd_script():
    text = INIT.read_text(encoding="utf-8")
    assert text.startswith("#!/bin/sh /etc/rc.common\n")
    assert re.search(r"(?m)^USE_PROCD=1$", text)
    assert re.search(r"(?m)^START=99$", text)
    assert INIT.stat().st_mode & stat.S_IXUSR, "git must record the executable bit"


def test_defaults_run_the_agent_under_procd_with_respawn_and_logd(shell, tmp_path, default_storage):
    run = start(shell, tmp_path)
    assert run.status == 0
    toml = str(run.toml_path)
    assert [r[0] for r in run.records if r[0] in ("open_instance", "close_instance")] == [
        "open_instance",
        "close_instance",
    ]
    assert run.params() == {
        "command": ["/usr/bin/dmr-edge", "run", "--config", toml],
        "env": ["DMR_EDGE_PROCD_SERVICE=dmr-edge", "DMR_EDGE_PROCD_INSTANCE=instance1"],
        "respawn": ["3600", "5", "5"],
        "stdout": ["1"],
        "stderr": ["1"],
        "term_timeout": ["15"],
        "nice": ["10"],
        "reload_signal": ["HUP"],
        "file": ["/etc/config/dmr_edge", toml],
    }
    assert run.calls("reload_trigger") == [["dmr_edge"]]
    assert run.calls("interface_trigger") == []
    assert run.calls("logger") == []


def test_defaults_write_a_private_toml_with_data_in_ram(shell, tmp_path, default_storage):
    run = start(shell, tmp_path)
    assert stat.S_IMODE(run.toml_path.stat().st_mode) == 0o600, "it can hold an API key"
    assert run.toml() == {
        "db": "/tmp/dmr-edge/dmr.sqlite",
        "cache_dir": "/tmp/dmr-edge/cache",
        "sync": {"mode": "streaming", "compress_cache": True},
        "http": {},
        "daemon": {"interval": "1h", "jitter": "5m", "watchdog": "15m", "procd_watchdog": False},
        "export": {},
        "metrics": {},
        "sources": {name: {"enabled": True} for name in SOURCES},
    }
    assert default_storage.is_dir()


def test_generated_toml_is_accepted_by_the_agent(shell, tmp_path, default_storage):
    config = pytest.importorskip("dmr_edge.config")
    uci = UCI_DEFAULTS.read_text(encoding="utf-8")
    uci = set_option(uci, "main", "export_dmrids", "/tmp/dmr-edge/DMRIds.dat")
    uci = set_option(uci, "main", "api_key", "secret")
    uci = set_option(uci, "main", "procd_watchdog", "1")
    uci = set_option(uci, "radioid_users", "url", "https://mirror.example/users.json")
    document = start(shell, tmp_path, uci).toml()
    settings = config.settings_from_document(document, "generated", {})
    assert str(settings.db) == "/tmp/dmr-edge/dmr.sqlite"
    assert settings.sources["radioid_users"].url == "https://mirror.example/users.json"
    assert settings.sources["brandmeister_devices"].api_key == "secret"


def test_a_disabled_source_is_disabled_in_the_toml(shell, tmp_path, default_storage):
    uci = set_option(UCI_DEFAULTS.read_text(encoding="utf-8"), "hearham_repeaters", "enabled", "0")
    sources = start(shell, tmp_path, uci).toml()["sources"]
    assert sources["hearham_repeaters"] == {"enabled": False}
    assert [name for name, table in sources.items() if table["enabled"]] == SOURCES[:-1]


def test_usb_storage_puts_database_and_cache_on_the_mounted_drive(shell, tmp_path):
    storage = tmp_path / "usb" / "dmr-edge"
    mounts = MOUNTS + f"/dev/sdb1 {tmp_path / 'usb'} ext4 rw,relatime 0 0\n"
    uci = set_option(UCI_DEFAULTS.read_text(encoding="utf-8"), "main", "storage", f"{storage}/")
    run = start(shell, tmp_path, uci, mounts)
    assert run.status == 0
    assert run.toml()["db"] == f"{storage}/dmr.sqlite"
    assert run.toml()["cache_dir"] == f"{storage}/cache"
    assert storage.is_dir()


def test_storage_on_flash_is_refused_unless_allowed(shell, tmp_path):
    unmounted = tmp_path / "usb" / "dmr-edge"  # its drive is not in the mount table...
    # ...and neither is a RAM /tmp: the path resolves to the root overlay, the flash.
    mounts = "".join(line for line in MOUNTS.splitlines(True) if " /tmp " not in line)
    uci = set_option(UCI_DEFAULTS.read_text(encoding="utf-8"), "main", "storage", str(unmounted))
    refused = start(shell, tmp_path, uci, mounts)
    assert refused.status != 0
    assert refused.calls("open_instance") == []
    assert not refused.toml_path.exists()
    (message,) = refused.calls("logger")
    assert "on the router's flash" in message[-1] and str(unmounted) in message[-1]

    allowed = start(shell, tmp_path, set_option(uci, "main", "allow_flash", "1"), mounts)
    assert allowed.status == 0
    assert allowed.toml()["db"] == f"{unmounted}/dmr.sqlite"


def test_procd_watchdog_replaces_the_reload_signal(shell, tmp_path, default_storage):
    uci = UCI_DEFAULTS.read_text(encoding="utf-8")
    uci = set_option(uci, "main", "procd_watchdog", "1")
    uci = set_option(uci, "main", "procd_watchdog_timeout", "300")
    run = start(shell, tmp_path, uci)
    params = run.params()
    # procd's watchdog parameter is [mode, timeout]: mode 1 is "passive", pinged over ubus.
    assert params["watchdog"] == ["1", "300"]
    # With reload_signal set, procd would send SIGHUP instead of restarting on expiry.
    assert "reload_signal" not in params
    # The agent feeds `ubus call service watchdog` for this service and instance.
    assert params["env"] == ["DMR_EDGE_PROCD_SERVICE=dmr-edge", "DMR_EDGE_PROCD_INSTANCE=instance1"]
    assert run.toml()["daemon"]["procd_watchdog"] is True


def test_disabled_service_starts_no_instance(shell, tmp_path):
    uci = set_option(UCI_DEFAULTS.read_text(encoding="utf-8"), "main", "enabled", "0")
    run = start(shell, tmp_path, uci)
    assert run.status == 0
    assert run.calls("open_instance") == []
    assert not run.toml_path.exists()


def test_secrets_and_odd_characters_survive_into_the_toml(shell, tmp_path, default_storage):
    key = 'k"ey\\with$(touch pwned)`quotes`'
    uci = UCI_DEFAULTS.read_text(encoding="utf-8")
    uci = set_option(uci, "main", "api_key", key)
    uci = set_option(uci, "main", "export_dmrids", "/tmp/dmr-edge/DMR Ids.dat")
    uci = set_option(uci, "main", "ca_bundle", "/etc/ssl/fleet.pem")
    uci = set_option(uci, "main", "interval", "6h")
    uci = set_option(uci, "tgif_talkgroups", "max_age", "1d")
    toml = start(shell, tmp_path, uci).toml()
    assert toml["sources"]["brandmeister_devices"] == {"enabled": True, "api_key": key}
    assert "api_key" not in toml["sources"]["radioid_users"]
    assert toml["export"] == {"dmrids": "/tmp/dmr-edge/DMR Ids.dat"}
    assert toml["http"] == {"ca_bundle": "/etc/ssl/fleet.pem"}
    assert toml["daemon"]["interval"] == "6h"
    assert toml["sources"]["tgif_talkgroups"] == {"enabled": True, "max_age": "1d"}
    assert not (tmp_path / "pwned").exists()


def test_api_key_reaches_brandmeister_without_a_source_section(shell, tmp_path, default_storage):
    uci = UCI_DEFAULTS.read_text(encoding="utf-8")
    uci = re.sub(r"(?ms)^config source 'brandmeister_devices'\n.*?\n\n", "", uci)
    uci = set_option(uci, "main", "api_key", "k1")
    sources = start(shell, tmp_path, uci).toml()["sources"]
    assert sources["brandmeister_devices"] == {"api_key": "k1"}


def test_interfaces_listed_trigger_an_immediate_sync(shell, tmp_path, default_storage):
    uci = UCI_DEFAULTS.read_text(encoding="utf-8")
    uci = set_option(uci, "main", "sync_on_interface", "wan", kind="list")
    uci = set_option(uci, "main", "sync_on_interface", "wwan", kind="list")
    run = start(shell, tmp_path, uci)
    assert run.calls("interface_trigger") == [
        ["interface.*.up", "wan", "/etc/init.d/dmr-edge", "sync_now"],
        ["interface.*.up", "wwan", "/etc/init.d/dmr-edge", "sync_now"],
    ]


def test_verbose_adds_the_flag_to_the_command_line(shell, tmp_path, default_storage):
    uci = set_option(UCI_DEFAULTS.read_text(encoding="utf-8"), "main", "verbose", "1")
    command = start(shell, tmp_path, uci).params()["command"]
    assert command[-1] == "--verbose"


def test_agent_feeds_the_procd_instance_the_init_script_creates(shell, tmp_path, default_storage):
    watchdog = pytest.importorskip("dmr_edge.watchdog")
    env = dict(item.split("=", 1) for item in start(shell, tmp_path).params()["env"])
    told = watchdog.ProcdWatchdog.from_environ(env)
    guessed = watchdog.ProcdWatchdog.from_environ({})
    assert (told.service, told.instance) == ("dmr-edge", "instance1")
    assert (guessed.service, guessed.instance) == (told.service, told.instance)
