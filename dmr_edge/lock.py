"""A single-instance lock: ``fcntl.flock`` on a file next to the database."""

from __future__ import annotations

import errno
import fcntl
import os
import time
from pathlib import Path

from dmr_edge.cache import ensure_dir
from dmr_edge.errors import LockError, StoreError


class InstanceLock:
    """Held by ``run``, ``sync`` and ``warm`` so a cron job and the service never collide."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.fd: int | None = None

    def acquire(self, wait: bool = False, timeout: float | None = None) -> None:
        """Take the lock; raise ``LockError`` if another process holds it (unless ``wait``).

        Raise ``StoreError`` if the lock file cannot be created (a read-only filesystem).
        """
        try:
            ensure_dir(self.path.parent)
            fd = os.open(str(self.path), os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise StoreError(f"cannot create the lock file {self.path}: {exc.strerror}") from None
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN):
                    os.close(fd)
                    raise
                if not wait or (deadline is not None and time.monotonic() > deadline):
                    holder = _read_pid(fd)
                    os.close(fd)
                    who = f" (pid {holder})" if holder else ""
                    raise LockError(
                        f"another dmr-edge is running{who}; lock {self.path} is held "
                        "(use --wait to wait for it)"
                    ) from None
                time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self.fd = fd

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
