"""Pi-Star: the RAM-only setup of packaging/pi-star.md, planned, applied and undone.

Given a Pi-Star system (read-only root, MMDVMHost reading ``/etc/mmdvmhost``, Pi-Star's own
``/usr/local/etc/DMRIds.dat``) with dmr-edge installed, ``plan_setup`` returns the changes
that make dmr-edge keep its database, cache and DMRIds.dat under ``/tmp/dmr-edge`` and
MMDVMHost read that file:

- ``/etc/dmr-edge/config.toml``: the RAM-only configuration (the sources' ``url``,
  ``api_key`` and ``api_key_file`` of the configuration it replaces are carried over; with
  no key, Pi-Star's own ``/etc/bmapi.key`` becomes the ``api_key_file``);
- ``/etc/systemd/system/dmr-edge.service.d/pi-star.conf``: the drop-in (no private /tmp,
  no state or cache directory on the read-only root, write access to the RAM directory,
  and at each start the RAM directory recreated and DMRIds.dat seeded from Pi-Star's
  copy, so MMDVMHost has names before the first sync after a boot ends);
- ``/etc/mmdvmhost``: ``[DMR Id Lookup] File=`` pointed at the export, ``Time=1``;
- ``systemctl stop`` of dmr-edge before the root opens, ``daemon-reload`` and ``enable``
  while it is open, ``restart`` of dmr-edge and ``try-restart`` of MMDVMHost once it is
  read-only again.

Each file it edits is first copied beside itself (``<file>.dmr-edge-orig``, once: the
first original is the one kept), and what it created or backed up is recorded in
``/etc/dmr-edge/pi-star-setup.json``, which ``plan_undo`` reads to put everything back.
Mounts holding those files that are read-only (Pi-Star's root) are remounted read-write
for the writes, as Pi-Star's ``rpi-rw`` does, and read-only again afterwards (``rpi-ro``),
also when a step fails. Every path lives under ``Layout.root``, so a stand-in tree can be
set up as well as ``/``; commands (``systemctl``, ``mount``) run only against ``/``.
"""

from __future__ import annotations

import contextlib
import difflib
import json
import os
import shlex
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional, Union

from dmr_edge.errors import DmrEdgeError

SERVICE = "dmr-edge.service"
MMDVMHOST_SERVICE = "mmdvmhost.service"
BACKUP_SUFFIX = ".dmr-edge-orig"
MANIFEST_VERSION = 1
UNIT_DIRS = ("etc/systemd/system", "lib/systemd/system", "usr/lib/systemd/system")


class SetupError(DmrEdgeError):
    """The system is not one this setup applies to, or a step of it failed."""


@dataclass(frozen=True)
class Layout:
    """Where things are, as the target system sees them, under ``root``."""

    root: Path = Path("/")
    mmdvmhost: str = "/etc/mmdvmhost"
    ram_dir: str = "/tmp/dmr-edge"
    pistar_dmrids: str = "/usr/local/etc/DMRIds.dat"
    config: str = "/etc/dmr-edge/config.toml"
    dropin: str = "/etc/systemd/system/dmr-edge.service.d/pi-star.conf"
    manifest: str = "/etc/dmr-edge/pi-star-setup.json"
    # Pi-Star's own BrandMeister key file ([key] / apikey=...), read through api_key_file.
    bmapi_key: str = "/etc/bmapi.key"
    user: str = "dmr-edge"
    # Run systemctl and mount? None: only when the target is this running system (/).
    commands: Optional[bool] = None

    @property
    def live(self) -> bool:
        """True when commands (systemctl, mount) act on the target."""
        if self.commands is not None:
            return self.commands
        return self.root.resolve() == Path("/")

    def host(self, path: str) -> Path:
        """Given a path of the target system, return it on this machine."""
        return self.root / path.lstrip("/")

    @property
    def export(self) -> str:
        return f"{self.ram_dir}/DMRIds.dat"


# --- operations -------------------------------------------------------------------------


@dataclass(frozen=True)
class Remount:
    mount_point: str  # as this machine sees it
    writable: bool

    @property
    def argv(self) -> list[str]:
        return ["mount", "-o", "remount,rw" if self.writable else "remount,ro", self.mount_point]


@dataclass(frozen=True)
class Write:
    """Give ``path`` the content ``after`` (None: remove it), keeping ``backup`` first."""

    path: str  # on the target system
    before: Optional[bytes]
    after: Optional[bytes]
    reason: str
    backup: Optional[str] = None  # copy ``before`` there first (if not already there)
    restore_from: Optional[str] = None  # undo: ``after`` is that backup; remove it after
    mode: int = 0o644  # for a new file; an existing one keeps its mode and owner
    edit: bool = False  # an edit of the file (shown as a diff), not a replacement


@dataclass(frozen=True)
class Run:
    argv: tuple[str, ...]
    reason: str
    check: bool = True


Operation = Union[Remount, Write, Run]


@dataclass
class Plan:
    """What a run does, in order: run, remount read-write, write, run, remount read-only, run."""

    layout: Layout
    # Run before anything is writable: stop the service, so that no restart of the old
    # setup (a failing unit restarts every 30 s) writes to the root while it is open.
    first: list[Run] = field(default_factory=list)
    writes: list[Write] = field(default_factory=list)
    inside: list[Run] = field(default_factory=list)  # need the root writable (enable)
    after: list[Run] = field(default_factory=list)  # run once it is read-only again
    remounts: list[str] = field(default_factory=list)  # read-only mounts to open
    notes: list[str] = field(default_factory=list)
    undo: bool = False

    @property
    def empty(self) -> bool:
        return not (self.first or self.writes or self.inside or self.after)

    def operations(self) -> list[Operation]:
        ops: list[Operation] = list(self.first)
        ops += [Remount(m, True) for m in self.remounts]
        ops += self.writes
        ops += self.inside
        ops += [Remount(m, False) for m in reversed(self.remounts)]
        ops += self.after
        return ops


# --- the system it acts on --------------------------------------------------------------


class Host:
    """Commands and mount information of this machine; tests substitute their own."""

    def run(self, argv: list[str], check: bool = True) -> subprocess.CompletedProcess:
        try:
            result = subprocess.run(argv, capture_output=True, text=True, timeout=300)
        except OSError as exc:
            raise SetupError(f"{shlex.join(argv)}: {exc.strerror}") from None
        except subprocess.TimeoutExpired:
            raise SetupError(f"{shlex.join(argv)}: no answer in 300 s") from None
        if check and result.returncode != 0:
            detail = (result.stderr or result.stdout).strip().splitlines()
            raise SetupError(
                f"{shlex.join(argv)} exited {result.returncode}"
                + (f": {detail[-1]}" if detail else "")
            )
        return result

    def mountinfo(self) -> str:
        try:
            return Path("/proc/self/mountinfo").read_text(encoding="utf-8")
        except OSError:
            return ""

    def sync(self) -> None:
        os.sync()


@dataclass(frozen=True)
class Mount:
    point: str
    fstype: str
    read_only: bool


def _unescape(field_text: str) -> str:
    # mountinfo writes space, tab, newline and backslash as octal escapes.
    out, i = [], 0
    while i < len(field_text):
        if field_text[i] == "\\" and field_text[i + 1 : i + 4].isdigit():
            out.append(chr(int(field_text[i + 1 : i + 4], 8)))
            i += 4
        else:
            out.append(field_text[i])
            i += 1
    return "".join(out)


def parse_mountinfo(text: str) -> list[Mount]:
    """Given /proc/self/mountinfo, return its mounts (later lines stack over earlier)."""
    mounts = []
    for line in text.splitlines():
        left, sep, right = line.partition(" - ")
        fields, tail = left.split(), right.split()
        if not sep or len(fields) < 6 or not tail:
            continue
        options = fields[5].split(",")
        mounts.append(Mount(_unescape(fields[4]), tail[0], "ro" in options))
    return mounts


def mount_of(path: Path, mounts: list[Mount]) -> Optional[Mount]:
    """Given a path on this machine, return the mount it lives on (the last one stacked)."""
    target = os.path.realpath(path)
    found: Optional[Mount] = None
    for mount in mounts:
        point = mount.point.rstrip("/") or "/"
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and (found is None or len(point) >= len(found.point.rstrip("/") or "/")):
            found = mount
    return found


# --- the contents ------------------------------------------------------------------------

CONFIG_TEMPLATE = """\
# dmr-edge on Pi-Star: database, cache and DMRIds.dat in RAM under {ram_dir}
# (written by `dmr-edge setup pi-star`; see packaging/pi-star.md). Nothing is written to
# the SD card, and the first cycle after each boot downloads everything again.
db = "{ram_dir}/dmr.sqlite"
cache_dir = "{ram_dir}/cache"

[sync]
mode = "streaming"          # bounded memory: this Pi also runs the radio stack
compress_cache = true       # 7 MB instead of 61 MB of RAM for users.json

[daemon]
interval = "6h"             # the data changes slowly; spare the upstream and the CPU

[export]
# MMDVMHost's [DMR Id Lookup] File= points here.
dmrids = "{export}"
"""

# Source settings of the configuration it replaces that the new one keeps: a mirror's URL,
# the BrandMeister key.
CARRIED_KEYS = ("url", "api_key", "api_key_file")
DISABLED_SOURCES = ("hearham_repeaters",)

DROPIN_TEMPLATE = """\
# dmr-edge on Pi-Star (written by `dmr-edge setup pi-star`; see packaging/pi-star.md).
[Unit]
# MMDVMHost should find a DMRIds.dat at its path when it starts.
Before={mmdvmhost_service}

[Service]
# The export must be visible to MMDVMHost, so no private /tmp.
PrivateTmp=no
# The read-only root has no room for /var/lib/dmr-edge or /var/cache/dmr-edge.
StateDirectory=
CacheDirectory=
# ProtectSystem=strict makes /tmp read-only too unless allowed here.
ReadWritePaths={ram_parent}
# /tmp is empty after each boot: recreate the directory, and seed DMRIds.dat from
# Pi-Star's daily copy so MMDVMHost has names before the first sync finishes.
ExecStartPre=+/bin/sh -c {seed}
"""


def config_text(layout: Layout, carried: Optional[dict[str, dict[str, str]]] = None) -> bytes:
    """Return the RAM-only configuration, with the carried ``[sources.NAME]`` settings."""
    from dmr_edge.sources import SOURCES

    text = CONFIG_TEMPLATE.format(ram_dir=layout.ram_dir, export=layout.export)
    carried = carried or {}
    for name in SOURCES:
        keys = carried.get(name, {})
        if name not in DISABLED_SOURCES and not keys:
            continue
        text += "\n"
        if name in DISABLED_SOURCES:
            text += "# A hotspot needs the users; drop what you do not use.\n"
        text += f"[sources.{name}]\n"
        if name in DISABLED_SOURCES:
            text += "enabled = false\n"
        for key in CARRIED_KEYS:
            if key in keys:
                text += f"{key} = {json.dumps(keys[key])}\n"
    return text.encode()


def dropin_text(layout: Layout) -> bytes:
    ram, seed_from, user = layout.ram_dir, layout.pistar_dmrids, layout.user
    target = layout.export
    script = (
        f"install -d -o {user} -g {user} -m 0755 {ram} && "
        f"{{ [ -e {target} ] || [ ! -e {seed_from} ] || "
        f"install -o {user} -g {user} -m 0644 {seed_from} {target}; }}"
    )
    return DROPIN_TEMPLATE.format(
        mmdvmhost_service=MMDVMHOST_SERVICE,
        ram_parent=os.path.dirname(ram.rstrip("/")) or "/",
        seed="'" + script + "'",
    ).encode()


def point_mmdvmhost(text: str, export: str, reload_hours: int = 1) -> str:
    """Given MMDVMHost's INI text, return it with ``[DMR Id Lookup]`` reading ``export``.

    Only ``File=`` and ``Time=`` of that section change (added when missing, the section
    too); every other byte, line endings included, stays as it was.
    """
    lines = text.splitlines(keepends=True)
    newline = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"
    wanted = {"file": f"File={export}", "time": f"Time={reload_hours}"}
    start = next(
        (i for i, line in enumerate(lines) if line.strip().lower() == "[dmr id lookup]"), None
    )
    if start is None:
        if lines and not lines[-1].endswith(("\n", "\r")):
            lines[-1] += newline
        if lines and lines[-1].strip():
            lines.append(newline)
        lines.append("[DMR Id Lookup]" + newline)
        lines += [wanted["file"] + newline, wanted["time"] + newline]
        return "".join(lines)
    end = next(
        (i for i in range(start + 1, len(lines)) if lines[i].lstrip().startswith("[")),
        len(lines),
    )
    seen: set[str] = set()
    last_key = start
    for i in range(start + 1, end):
        key, sep, _ = lines[i].partition("=")
        name = key.strip().lower()
        if not sep or lines[i].lstrip().startswith(("#", ";")):
            continue
        last_key = i
        if name in wanted and name not in seen:
            ending = lines[i][len(lines[i].rstrip("\r\n")) :] or newline
            lines[i] = wanted[name] + ending
            seen.add(name)
    missing = [wanted[name] + newline for name in ("file", "time") if name not in seen]
    if missing and not lines[last_key].endswith(("\n", "\r")):
        lines[last_key] += newline
    lines[last_key + 1 : last_key + 1] = missing
    return "".join(lines)


def mmdvmhost_lookup_file(text: str) -> Optional[str]:
    """Given MMDVMHost's INI text, return ``[DMR Id Lookup] File=``, or None."""
    section = ""
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("["):
            section = stripped.lower()
        elif section == "[dmr id lookup]" and stripped.lower().startswith("file"):
            key, sep, value = stripped.partition("=")
            if sep and key.strip().lower() == "file":
                return value.strip()
    return None


# --- reading the target ------------------------------------------------------------------


def _read(path: Path) -> Optional[bytes]:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise SetupError(f"{path}: cannot read: {exc.strerror}") from None


def _has_user(layout: Layout) -> bool:
    passwd = _read(layout.host("/etc/passwd")) or b""
    return any(line.split(b":", 1)[0] == layout.user.encode() for line in passwd.splitlines())


def _service_may_read(layout: Layout, path: str) -> bool:
    """Return whether the service's user may read ``path`` (by its mode, owner and group)."""
    try:
        st = layout.host(path).stat()
    except OSError:
        return False
    if st.st_mode & 0o004:
        return True
    ids: dict[str, tuple[int, int]] = {}
    for line in (_read(layout.host("/etc/passwd")) or b"").decode(errors="replace").splitlines():
        fields = line.split(":")
        if len(fields) > 3 and fields[2].isdigit() and fields[3].isdigit():
            ids[fields[0]] = (int(fields[2]), int(fields[3]))
    uid, gid = ids.get(layout.user, (-1, -1))
    return bool(
        (st.st_uid == uid and st.st_mode & 0o400) or (st.st_gid == gid and st.st_mode & 0o040)
    )


def carried_settings(existing: Optional[bytes]) -> dict[str, dict[str, str]]:
    """Given the configuration being replaced, return its sources' ``CARRIED_KEYS``."""
    if not existing:
        return {}
    from dmr_edge.config import tomllib

    try:
        document = tomllib.loads(existing.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        return {}
    sources = document.get("sources", {})
    carried: dict[str, dict[str, str]] = {}
    for name, table in sources.items() if isinstance(sources, dict) else ():
        if isinstance(table, dict):
            keys = {k: v for k, v in table.items() if k in CARRIED_KEYS and isinstance(v, str)}
            if keys:
                carried[str(name)] = keys
    return carried


def read_manifest(layout: Layout) -> dict[str, Any]:
    raw = _read(layout.host(layout.manifest))
    if raw is None:
        return {}
    try:
        manifest = json.loads(raw)
    except ValueError:
        raise SetupError(f"{layout.manifest}: not the JSON this setup writes") from None
    if not isinstance(manifest, dict) or manifest.get("version") != MANIFEST_VERSION:
        raise SetupError(f"{layout.manifest}: not a record of this setup's version")
    return manifest


def _systemctl_state(host: Host, layout: Layout) -> tuple[bool, bool]:
    """Return (enabled, active) of dmr-edge.service; (False, False) for a stand-in root."""
    if not layout.live:
        return False, False
    enabled = host.run(["systemctl", "is-enabled", "--quiet", SERVICE], check=False)
    active = host.run(["systemctl", "is-active", "--quiet", SERVICE], check=False)
    return enabled.returncode == 0, active.returncode == 0


def _read_only_mounts(host: Host, paths: list[Path]) -> tuple[list[str], list[Mount]]:
    mounts = parse_mountinfo(host.mountinfo())
    points: list[str] = []
    for path in paths:
        probe = path
        while not probe.exists() and probe != probe.parent:
            probe = probe.parent
        mount = mount_of(probe, mounts)
        if mount is not None and mount.read_only and mount.point not in points:
            points.append(mount.point)
    return points, mounts


# --- planning ----------------------------------------------------------------------------


def plan_setup(layout: Layout, host: Host) -> Plan:
    """Given where things are, return what ``dmr-edge setup pi-star`` would do.

    Raise ``SetupError`` when dmr-edge is not installed there or MMDVMHost's
    configuration is missing.
    """
    plan = Plan(layout)
    if not any(layout.host(f"/{d}/{SERVICE}").exists() for d in UNIT_DIRS):
        raise SetupError(
            f"{SERVICE} is not installed under {layout.root} (install the .deb first, or "
            "the unit by hand: see packaging/README.md)"
        )
    if not _has_user(layout):
        raise SetupError(
            f"there is no '{layout.user}' user in {layout.host('/etc/passwd')} (the .deb "
            "creates it; by hand: adduser --system --group dmr-edge)"
        )
    mmdvmhost_before = _read(layout.host(layout.mmdvmhost))
    if mmdvmhost_before is None:
        raise SetupError(
            f"{layout.host(layout.mmdvmhost)} does not exist: is this Pi-Star? "
            "(--mmdvmhost FILE names MMDVMHost's configuration)"
        )
    manifest = read_manifest(layout)
    recorded: dict[str, dict[str, str]] = dict(manifest.get("files", {}))

    def change(path: str, after: bytes, reason: str, edit: bool = False) -> None:
        before = _read(layout.host(path))
        if before == after:
            return
        if path in recorded:
            entry = recorded[path]  # the first original stays the one kept
        elif before is None:
            entry = {"created": path}
        else:
            entry = {"backup": path + BACKUP_SUFFIX}
        recorded[path] = entry
        plan.writes.append(
            Write(path, before, after, reason, backup=entry.get("backup"), edit=edit)
        )

    config_before = _read(layout.host(layout.config))
    carried = carried_settings(config_before)
    brandmeister = carried.setdefault("brandmeister_devices", {})
    if (
        not ({"api_key", "api_key_file"} & set(brandmeister))
        and layout.host(layout.bmapi_key).is_file()
    ):
        brandmeister["api_key_file"] = layout.bmapi_key
    if brandmeister.get("api_key_file") == layout.bmapi_key and not _service_may_read(
        layout, layout.bmapi_key
    ):
        plan.notes.append(
            f"{layout.bmapi_key} holds the BrandMeister key but the {layout.user} user may "
            f"not read it: chgrp {layout.user} {layout.bmapi_key} && chmod 0640 "
            f"{layout.bmapi_key} (under rpi-rw), or BrandMeister devices are fetched without it"
        )
    change(layout.config, config_text(layout, carried), "the RAM-only configuration")
    change(layout.dropin, dropin_text(layout), "the systemd drop-in for a read-only root")
    try:
        mmdvmhost_text = mmdvmhost_before.decode("utf-8")
    except UnicodeDecodeError:
        raise SetupError(f"{layout.mmdvmhost}: not UTF-8 text") from None
    mmdvmhost_after = point_mmdvmhost(mmdvmhost_text, layout.export).encode("utf-8")
    change(layout.mmdvmhost, mmdvmhost_after, f"MMDVMHost reads {layout.export}", edit=True)
    mmdvmhost_changed = any(w.path == layout.mmdvmhost for w in plan.writes)

    enabled, active = _systemctl_state(host, layout)
    if plan.writes:
        record = {
            "version": MANIFEST_VERSION,
            "files": recorded,
            "service_was_enabled": manifest.get("service_was_enabled", enabled),
        }
        after = (json.dumps(record, indent=2, sort_keys=True) + "\n").encode()
        before = _read(layout.host(layout.manifest))
        if before != after:
            plan.writes.append(Write(layout.manifest, before, after, "what --undo puts back"))
    if layout.live:
        service_files = {layout.config, layout.dropin}
        if any(w.path in service_files for w in plan.writes):
            # Also when it is not active: a failing one waits to restart, and would.
            plan.first.append(Run(("systemctl", "stop", SERVICE), "while its files change"))
        if plan.writes:
            plan.inside.append(Run(("systemctl", "daemon-reload"), "read the drop-in"))
        if not enabled:
            plan.inside.append(Run(("systemctl", "enable", SERVICE), "start it at boot"))
        if any(w.path in service_files for w in plan.writes) or not active:
            plan.after.append(Run(("systemctl", "restart", SERVICE), "run with the new setup"))
        if mmdvmhost_changed:
            plan.after.append(
                Run(
                    ("systemctl", "try-restart", MMDVMHOST_SERVICE),
                    f"MMDVMHost reads {layout.export} from now on",
                )
            )
    elif plan.writes:
        plan.notes.append(
            f"{layout.root} is not this running system: systemctl and mount are left out"
        )
    needs_root_writable = [layout.host(w.path) for w in plan.writes]
    if any(r.argv[1] == "enable" for r in plan.inside):
        needs_root_writable.append(layout.host("/etc/systemd/system"))
    if layout.live:
        plan.remounts, mounts = _read_only_mounts(host, needs_root_writable)
        ram = mount_of(Path(os.path.dirname(layout.ram_dir.rstrip("/")) or "/"), mounts)
        if ram is not None and ram.fstype != "tmpfs":
            plan.notes.append(
                f"{os.path.dirname(layout.ram_dir)} is {ram.fstype}, not RAM (tmpfs): the "
                "database will be written to that disk"
            )
    if not mmdvmhost_changed and mmdvmhost_lookup_file(mmdvmhost_text) == layout.export:
        plan.notes.append(f"MMDVMHost already reads {layout.export}")
    if plan.writes:
        if layout.host(layout.pistar_dmrids).exists():
            plan.notes.append(
                f"at each start of {SERVICE} (after a boot: {layout.ram_dir} is empty), "
                f"{layout.export} is seeded from {layout.pistar_dmrids} until the first sync"
            )
        else:
            plan.notes.append(
                f"there is no {layout.pistar_dmrids} to seed {layout.export} from: after a "
                "boot MMDVMHost has no names until the first sync ends"
            )
        if mmdvmhost_changed:
            plan.notes.append(
                "saving settings in the Pi-Star dashboard may rewrite [DMR Id Lookup] File=: "
                "run `dmr-edge setup pi-star` again after it, which puts it back"
            )
    return plan


def plan_undo(layout: Layout, host: Host) -> Plan:
    """Given where things are, return what ``--undo`` would do to put back the originals."""
    plan = Plan(layout, undo=True)
    manifest = read_manifest(layout)
    if not manifest:
        plan.notes.append(f"no record of a Pi-Star setup ({layout.manifest}): nothing to undo")
        return plan
    touched_mmdvmhost = False
    for path, entry in sorted(manifest.get("files", {}).items()):
        before = _read(layout.host(path))
        if "backup" in entry:
            original = _read(layout.host(entry["backup"]))
            if original is None:
                plan.notes.append(f"{entry['backup']} is gone: {path} is left as it is")
                continue
            plan.writes.append(
                Write(path, before, original, "put back", restore_from=entry["backup"])
            )
        elif before is not None:
            plan.writes.append(Write(path, before, None, "created by the setup"))
        touched_mmdvmhost |= path == layout.mmdvmhost
    plan.writes.append(
        Write(layout.manifest, _read(layout.host(layout.manifest)), None, "the record")
    )
    if layout.live:
        enabled, _ = _systemctl_state(host, layout)
        plan.first.append(Run(("systemctl", "stop", SERVICE), "while its files change"))
        plan.inside.append(Run(("systemctl", "daemon-reload"), "forget the drop-in"))
        if manifest.get("service_was_enabled"):
            plan.after.append(
                Run(("systemctl", "start", SERVICE), "run with the old setup", check=False)
            )
        elif enabled:
            plan.inside.append(Run(("systemctl", "disable", SERVICE), "as it was"))
        if touched_mmdvmhost:
            plan.after.append(
                Run(
                    ("systemctl", "try-restart", MMDVMHOST_SERVICE),
                    "read its old file",
                    check=False,
                )
            )
        points = [layout.host(w.path) for w in plan.writes]
        points += [layout.host(w.restore_from) for w in plan.writes if w.restore_from]
        plan.remounts, _ = _read_only_mounts(host, points)
    return plan


# --- applying ----------------------------------------------------------------------------


def _write_atomically(target: Path, content: bytes, mode: int) -> None:
    """Replace ``target`` with ``content``: a new file renamed over it, same mode and owner."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(f".{target.name}.dmr-edge-setup.tmp")
    try:
        old = target.stat()
    except FileNotFoundError:
        old = None
    with open(temp, "wb") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
    if old is not None:
        os.chmod(temp, old.st_mode & 0o7777)
        if hasattr(os, "chown") and (old.st_uid, old.st_gid) != (os.getuid(), os.getgid()):
            with contextlib.suppress(PermissionError):
                os.chown(temp, old.st_uid, old.st_gid)
    else:
        os.chmod(temp, mode)
    os.replace(temp, target)


def _apply_write(layout: Layout, write: Write) -> None:
    target = layout.host(write.path)
    try:
        if write.backup and write.before is not None:
            backup = layout.host(write.backup)
            if not backup.exists():
                shutil.copy2(target, backup)
                owner = target.stat()
                if hasattr(os, "chown") and os.geteuid() == 0:
                    os.chown(backup, owner.st_uid, owner.st_gid)
        if write.restore_from:
            # The backup sits beside the file: renaming it back restores content, mode and
            # owner at once.
            os.replace(layout.host(write.restore_from), target)
        elif write.after is None:
            target.unlink(missing_ok=True)
            parent = target.parent
            if parent.name.endswith(".service.d") and not any(parent.iterdir()):
                parent.rmdir()
        else:
            _write_atomically(target, write.after, write.mode)
    except OSError as exc:
        raise SetupError(f"{write.path}: {exc.strerror or exc}") from None


def apply(plan: Plan, host: Host, report: Callable[[Operation], None]) -> list[str]:
    """Carry out ``plan`` in order, telling ``report`` of each operation before it runs.

    The mounts it made writable are made read-only again whatever happens; raise
    ``SetupError`` for the first failure (after that), or when that remount fails. Return
    the commands allowed to fail (restarts on undo) that did, as warnings.
    """
    for run in plan.first:
        report(run)
        host.run(list(run.argv), check=run.check)
    opened: list[str] = []
    failure: Optional[BaseException] = None
    try:
        for point in plan.remounts:
            step = Remount(point, True)
            report(step)
            host.run(step.argv)
            opened.append(point)
        for write in plan.writes:
            report(write)
            _apply_write(plan.layout, write)
        for run in plan.inside:
            report(run)
            host.run(list(run.argv), check=run.check)
    except BaseException as exc:
        failure = exc
    finally:
        closing_errors = []
        if opened:
            host.sync()
        for point in reversed(opened):
            step = Remount(point, False)
            report(step)
            try:
                host.run(step.argv)
            except SetupError as exc:
                closing_errors.append(f"{exc} (still read-write: run rpi-ro)")
    if failure is not None:
        if closing_errors:
            raise SetupError(f"{failure}; and {'; '.join(closing_errors)}") from failure
        raise failure
    if closing_errors:
        raise SetupError("; ".join(closing_errors))
    warnings = []
    for run in plan.after:
        report(run)
        result = host.run(list(run.argv), check=run.check)
        if result.returncode != 0:
            warnings.append(f"{shlex.join(run.argv)} exited {result.returncode}")
    return warnings


def describe(op: Operation) -> str:
    """Return the one-line description of an operation, as a dry run prints it."""
    if isinstance(op, Remount):
        return f"run: {shlex.join(op.argv)}"
    if isinstance(op, Run):
        return f"run: {shlex.join(op.argv)}  # {op.reason}"
    if op.after is None:
        return f"remove {op.path}  # {op.reason}"
    if op.restore_from:
        return f"put back {op.path} from {op.restore_from}"
    if op.before is None:
        return f"write {op.path} (new file, mode {op.mode:04o})  # {op.reason}"
    kept = f", original kept as {op.backup}" if op.backup else ""
    if op.edit:
        return f"edit {op.path}{kept}  # {op.reason}"
    return f"replace {op.path}{kept}  # {op.reason}"


def content_lines(op: Write) -> list[str]:
    """Return what a write changes: the new content, or a unified diff for an edit."""
    after = (op.after or b"").decode("utf-8", "replace").splitlines(keepends=True)
    if op.before is None or not op.edit:
        return [line.rstrip("\r\n") for line in after]
    before = op.before.decode("utf-8", "replace").splitlines(keepends=True)
    diff = difflib.unified_diff(before, after, op.path, op.path + " (new)", n=1)
    return [line.rstrip("\r\n") for line in diff]
