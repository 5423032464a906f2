"""Replacing a file that another program reads, so that it never sees half of one.

The new file is written to a temporary file in the target's own directory, flushed and
fsynced, given its mode, renamed over the target, and the directory is fsynced. A failed
write leaves the old file as it was. Writers that share a directory (exports, backups)
hold an ``flock`` on it, so each may remove what a killed predecessor left behind without
touching a live writer's file.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Callable

from dmr_edge.cache import TEMP_SUFFIX, temp_pattern
from dmr_edge.errors import ExportError

FILE_MODE = 0o644  # readable by MMDVMHost's user; never writable by others


def starts_with_digit(line: bytes) -> bool:
    """Whether a line is a data line of DMRIds.dat, user.csv or a TGList (one per entry)."""
    return line[:1].isdigit()


def count_data_lines(
    path: Path, is_data: Callable[[bytes], bool] = starts_with_digit
) -> int | None:
    """Return the number of data lines of ``path`` (by default those starting with a digit:
    one per user in a ``DMRIds.dat`` or a ``user.csv``), or None when it does not exist."""
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed below
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ExportError(f"{path}: cannot read the current file: {exc.strerror}") from None
    with handle:
        return sum(1 for line in handle if is_data(line))


def resolve_target(path: Path) -> Path:
    """Return where ``path`` really is: a symlinked DMRIds.dat is replaced at its target,
    so the link stays a link."""
    return Path(os.path.realpath(path))


def describe(exc: OSError, path: Path) -> str:
    """Given an OSError about ``path``, return one line saying what went wrong."""
    reason = exc.strerror or str(exc)
    if exc.errno == errno.EROFS:
        if os.environ.get("INVOCATION_ID"):  # a systemd unit: ProtectSystem= made it so
            return (
                f"{path}: read-only file system (the service may write only where its unit "
                "allows: add the directory to ReadWritePaths= with 'systemctl edit "
                "dmr-edge', or export to a writable place)"
            )
        return (
            f"{path}: read-only file system (on Pi-Star, run 'rpi-rw' first or export to "
            "a writable place)"
        )
    return f"{path}: {reason}"


@contextlib.contextmanager
def locked_directory(directory: Path, error: type[Exception] = ExportError) -> Iterator[int]:
    """Hold an exclusive ``flock`` on ``directory`` for the block; yield its descriptor.

    Writers that put temporary files in one directory (exports, backups) take it, so each
    may remove what a killed predecessor left behind without touching a live writer's file.
    """
    try:
        fd = os.open(str(directory), os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError as exc:
        raise error(f"cannot write there: {describe(exc, directory)}") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield fd
    finally:
        os.close(fd)  # releases the lock


def remove_stale_temps(directory: Path, pattern: re.Pattern[str]) -> int:
    """Remove the temporary files in ``directory`` whose names match ``pattern`` (call it
    holding ``locked_directory``: they were left by a writer that was killed); return how
    many."""
    removed = 0
    with contextlib.suppress(OSError), os.scandir(directory) as entries:
        for entry in entries:
            if pattern.match(entry.name) and entry.is_file(follow_symlinks=False):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)
                    removed += 1
    return removed


@contextlib.contextmanager
def atomic_writer(target: Path, mode: int = FILE_MODE) -> Iterator[IO[str]]:
    """Yield a text file that replaces ``target`` when the block ends without an error.

    The file is a temporary one in ``target``'s directory; it is flushed and fsynced, given
    ``mode``, renamed over ``target``, and the directory is fsynced. On any error the
    temporary file is removed and ``target`` is untouched. A temporary file of ``target``
    that a killed export left is removed first. Text is written as UTF-8, line ends as given
    (no newline translation).
    """
    directory = target.parent
    with locked_directory(directory) as directory_fd:
        remove_stale_temps(directory, temp_pattern(target.name))
        try:
            fd, temp_name = tempfile.mkstemp(
                prefix=f".{target.name}.", suffix=TEMP_SUFFIX, dir=str(directory)
            )
        except OSError as exc:
            raise ExportError(f"cannot write there: {describe(exc, directory)}") from None
        temp = Path(temp_name)
        try:
            with open(fd, "w", encoding="utf-8", newline="", buffering=1 << 20) as handle:
                yield handle
                handle.flush()
                os.fsync(handle.fileno())
                os.fchmod(handle.fileno(), mode)
            os.replace(temp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                temp.unlink()
            raise
        with contextlib.suppress(OSError):
            os.fsync(directory_fd)
