"""A single-instance lock: ``fcntl.flock`` on a file next to the database."""

from __future__ import annotations

import errno
import fcntl
import os
import time
from pathlib import Path

from dmr_edge.cache import ensure_dir, owned_like_directory
from dmr_edge.errors import LockError, StoreError


class InstanceLock:
    """An exclusive lock on a file beside the database.

    Two are used. The work lock (``Settings.lock_path``) is held by whatever writes the
    cache or the database — ``sync``, ``warm``, ``import``, and the daemon while a cycle
    runs — so a cron job, an import from a USB stick and the service never write at the
    same time, yet an import can run while the daemon idles between cycles. The daemon lock
    (``Settings.daemon_lock_path``) is held by ``run`` for its whole life: one daemon per
    database.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.fd: int | None = None
        self.holder: int | None = None  # the pid that held it when taking it last failed

    def acquire(self, wait: bool = False, timeout: float | None = None) -> None:
        """Take the lock; raise ``LockError`` if another process holds it (unless ``wait``).

        Raise ``StoreError`` if the lock file cannot be created (a read-only filesystem).
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self.try_acquire():
            if not wait or (deadline is not None and time.monotonic() > deadline):
                who = f" (pid {self.holder})" if self.holder else ""
                raise LockError(
                    f"another dmr-edge is running{who}; lock {self.path} is held "
                    "(use --wait to wait for it)"
                )
            time.sleep(0.2)

    def try_acquire(self) -> bool:
        """Take the lock if it is free; return whether it was taken (``holder`` names the
        pid holding it when it was not). Raise ``StoreError`` if the lock file cannot be
        created."""
        if self.fd is not None:
            return True
        try:
            ensure_dir(self.path.parent)
            new = not self.path.exists()
            fd = os.open(str(self.path), os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise StoreError(f"cannot create the lock file {self.path}: {exc.strerror}") from None
        if new:
            owned_like_directory(self.path)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            self.holder = _read_pid(fd)
            os.close(fd)
            if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN):
                raise StoreError(f"cannot lock {self.path}: {exc.strerror}") from None
            return False
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self.fd = fd
        self.holder = None
        return True

    def release(self) -> None:
        if self.fd is not None:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None

    def __enter__(self) -> InstanceLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def _read_pid(fd: int) -> int | None:
    try:
        data = os.pread(fd, 32, 0).decode().strip()
        return int(data) if data.isdigit() else None
    except (OSError, ValueError):
        return None
