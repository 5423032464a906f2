"""Debian roots of other releases and architectures, and systemd containers, for tests.

Recipes from ../shared/PLATFORMS.md: ``debootstrap`` (under qemu-user-static through
binfmt_misc for armhf/arm64), ``systemd-nspawn --boot`` for systemd as PID 1. A built
root is cached under ``$DMR_EDGE_ROOTS_CACHE`` when that is set (the same layout as
``packaging/test-releases.sh --cache DIR``), so a second run starts in seconds; tests
always work on a throwaway overlay of it, never on the cached root itself.

Everything here needs root; ``require_root_tools`` skips a test with the reason when
something is missing (a user's clone runs the suite as non-root).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import pytest

MIRROR = os.environ.get("DMR_EDGE_DEBIAN_MIRROR", "http://deb.debian.org/debian")
DEBIAN_PATH = "/usr/sbin:/usr/bin:/sbin:/bin"
CACHE_ENV = "DMR_EDGE_ROOTS_CACHE"
NSPAWN_RUN = Path("/run/systemd/nspawn")


def clean_env(**extra: str) -> Dict[str, str]:
    env = {
        "PATH": DEBIAN_PATH,
        "LC_ALL": "C.UTF-8",
        "DEBIAN_FRONTEND": "noninteractive",
        "NO_PROXY": "127.0.0.1,localhost",
        "no_proxy": "127.0.0.1,localhost",
        "HOME": "/root",
    }
    env.update(extra)
    return env


def run(argv: List[str], *, timeout: float = 600, check: bool = True, **kw) -> str:
    """Run a host command with Debian's PATH; return stdout+stderr, fail the test on error."""
    result = subprocess.run(
        argv,
        env=clean_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=timeout,
        **kw,
    )
    if check:
        assert result.returncode == 0, (
            f"{' '.join(argv)} exited {result.returncode}:\n" + (result.stdout[-6000:])
        )
    return result.stdout


def require_root_tools(*tools: str) -> None:
    if os.geteuid() != 0:
        pytest.skip(
            "needs root: builds OS roots, mounts overlays, boots containers (CI runs as root)"
        )
    for tool in tools:
        if shutil.which(tool, path=DEBIAN_PATH) is None:
            pytest.skip(f"{tool} is missing (see .ci/apt-packages)")


def require_mirror(release: str) -> None:
    url = f"{MIRROR}/dists/{release}/Release"
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method="HEAD"), timeout=10):
            pass
    except OSError as exc:
        pytest.skip(
            f"the Debian mirror {MIRROR} cannot be reached ({exc}); the OS roots come from it"
        )


def require_emulation(arch: str) -> None:
    """Skip unless binaries of ``arch`` can run here (natively or through binfmt qemu)."""
    host = run(["dpkg", "--print-architecture"]).strip()
    emulator = {"armhf": "qemu-arm", "armel": "qemu-arm", "arm64": "qemu-aarch64"}.get(arch)
    if arch == host or emulator is None:
        return
    binfmt = Path("/proc/sys/fs/binfmt_misc")
    if not (binfmt / "status").exists():
        subprocess.run(["mount", "-t", "binfmt_misc", "binfmt_misc", str(binfmt)], check=False)
    if not (binfmt / emulator).exists() and shutil.which("update-binfmts", path=DEBIAN_PATH):
        subprocess.run(["update-binfmts", "--enable", emulator], check=False, capture_output=True)
    entry = binfmt / emulator
    if not entry.exists() or "enabled" not in entry.read_text().split():
        pytest.skip(
            f"no {emulator} in binfmt_misc (apt-get install qemu-user-static binfmt-support)"
        )


def cache_dir(tmp_factory: pytest.TempPathFactory) -> Path:
    named = os.environ.get(CACHE_ENV)
    if named:
        path = Path(named)
        path.mkdir(parents=True, exist_ok=True)
        return path
    return tmp_factory.mktemp("os-roots")


def pristine_root(
    cache: Path, name: str, release: str, arch: str, include: str
) -> Tuple[Path, Optional[float]]:
    """Return (root, seconds debootstrap took, or None when it came from the cache).

    The stamp file records the debootstrap command: a root built otherwise is rebuilt.
    """
    root = cache / name
    stamp = root / ".dmr-edge-root"
    want = f"debootstrap --arch={arch} --variant=minbase --include={include} {release} {MIRROR}"
    if stamp.exists() and stamp.read_text().strip() == want:
        return root, None
    require_mirror(release)
    partial = cache / f"{name}.partial"
    shutil.rmtree(root, ignore_errors=True)
    shutil.rmtree(partial, ignore_errors=True)
    started = time.monotonic()
    run(
        [
            "debootstrap",
            f"--arch={arch}",
            "--variant=minbase",
            f"--include={include}",
            release,
            str(partial),
            MIRROR,
        ],
        timeout=1800,
    )
    for deb in (partial / "var/cache/apt/archives").glob("*.deb"):
        deb.unlink()
    (partial / ".dmr-edge-root").write_text(want + "\n")
    partial.rename(root)
    return root, time.monotonic() - started


@contextmanager
def overlay(lower: Path, work: Path) -> Iterator[Path]:
    """A writable view of ``lower`` whose changes all land in ``work/upper``."""
    for sub in ("upper", "work", "merged"):
        (work / sub).mkdir(parents=True, exist_ok=True)
    merged = work / "merged"
    run(
        [
            "mount",
            "-t",
            "overlay",
            "overlay",
            "-o",
            f"lowerdir={lower},upperdir={work / 'upper'},workdir={work / 'work'}",
            str(merged),
        ]
    )
    try:
        yield merged
    finally:
        subprocess.run(["umount", "-l", str(merged)], check=False)


def chroot(root: Path, *argv: str, timeout: float = 600, check: bool = True) -> str:
    return run(
        ["chroot", str(root), "env", "-i", *_env_args(), *argv], timeout=timeout, check=check
    )


def _env_args() -> List[str]:
    return [f"{k}={v}" for k, v in clean_env().items()]


# --- systemd as PID 1 ----------------------------------------------------------------------


def ensure_nspawn_runtime_dir() -> None:
    """/run/systemd/nspawn must be a tmpfs on this kind of machine (see PLATFORMS.md)."""
    NSPAWN_RUN.mkdir(parents=True, exist_ok=True)
    if subprocess.run(["mountpoint", "-q", str(NSPAWN_RUN)], check=False).returncode != 0:
        run(["mount", "-t", "tmpfs", "tmpfs", str(NSPAWN_RUN)])


class Container:
    """``systemd-nspawn --boot`` of a root; commands run inside with nsenter."""

    def __init__(self, root: Path, *, read_only: bool = False, log: Optional[Path] = None):
        self.root = root
        self.read_only = read_only
        self.log = log or root.parent / "console.log"
        self.process: Optional[subprocess.Popen] = None
        self.init_pid: Optional[int] = None

    def __enter__(self) -> Container:
        ensure_nspawn_runtime_dir()
        argv = [
            "systemd-nspawn",
            "-D",
            str(self.root),
            "--register=no",
            "--keep-unit",
            "--console=pipe",
        ]
        if self.read_only:
            argv += ["--read-only", "--tmpfs=/tmp"]
        argv.append("--boot")
        self._console = open(self.log, "wb")
        self.process = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=self._console, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert self.process.poll() is None, "nspawn exited:\n" + self.console()
            children = _children(self.process.pid)
            if children:
                self.init_pid = children[0]
                state = self.run("systemctl", "is-system-running", check=False).strip()
                if state in ("running", "degraded"):
                    return self
            time.sleep(0.3)
        raise AssertionError("the container did not finish booting:\n" + self.console())

    def __exit__(self, *exc: object) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()  # nspawn asks the container's systemd to halt
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self._console.close()

    def console(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]

    def run(self, *argv: str, check: bool = True, timeout: float = 120) -> str:
        assert self.init_pid is not None
        result = subprocess.run(
            ["nsenter", "-t", str(self.init_pid), "-a", "env", "-i", *_env_args(), *argv],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=timeout,
        )
        if check:
            assert result.returncode == 0, (
                f"in the container: {' '.join(argv)} exited {result.returncode}:\n{result.stdout}"
            )
        return result.stdout

    def show(self, unit: str, *props: str) -> Dict[str, str]:
        out = self.run("systemctl", "show", unit, *(f"-p{p}" for p in props))
        return dict(line.split("=", 1) for line in out.splitlines() if "=" in line)

    def wait_for(self, what: str, check, timeout: float = 90, interval: float = 0.5):
        """Poll ``check()`` until it returns a true value; return it, or fail naming ``what``."""
        deadline = time.monotonic() + timeout
        while True:
            value = check()
            if value:
                return value
            if time.monotonic() > deadline:
                journal = self.run("journalctl", "-b", "--no-pager", "-n", "60", check=False)
                raise AssertionError(f"timed out waiting for {what}; journal:\n{journal}")
            time.sleep(interval)


def _children(pid: int) -> List[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def tree_state(root: Path) -> Dict[str, Tuple[int, int, int]]:
    """Every path under root (not following mounts): (mode, size, mtime in ns)."""
    state = {}
    device = root.stat().st_dev
    for directory, dirs, files in os.walk(root):
        keep = []
        for name in dirs:
            path = os.path.join(directory, name)
            st = os.lstat(path)
            state[os.path.relpath(path, root)] = (st.st_mode, 0, st.st_mtime_ns)
            if st.st_dev == device:
                keep.append(name)
        dirs[:] = keep
        for name in files:
            path = os.path.join(directory, name)
            st = os.lstat(path)
            state[os.path.relpath(path, root)] = (st.st_mode, st.st_size, st.st_mtime_ns)
    return state


def changed_paths(before: Dict[str, Tuple[int, int, int]], after: Dict[str, Tuple[int, int, int]]):
    """Return the sorted paths added, removed or modified between two ``tree_state``s."""
    return sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p))
