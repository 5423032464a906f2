"""One refreshed progress line on stderr for one-shot runs on a terminal."""

from __future__ import annotations

import sys
import threading
import time
from typing import IO


class ProgressLine:
    """Shows "source: 12.3 of 61.0 MB" or "source: 120,000 records" on one line."""

    def __init__(self, stream: IO[str], interval: float = 0.2) -> None:
        self.stream = stream
        self.interval = interval
        self.last = float("-inf")  # the first text shows at once, whatever the clock
        self.width = 0
        self.lock = threading.Lock()  # downloads report from their own threads
        self.downloads: dict[str, tuple[int, int | None]] = {}

    @classmethod
    def for_stderr(cls, enabled: bool = True) -> ProgressLine | None:
        """Return a progress line for stderr, or None when it is not a terminal."""
        if not enabled or not sys.stderr.isatty():
            return None
        return cls(sys.stderr)

    def _show(self, text: str, force: bool = False) -> None:
        with self.lock:
            now = time.monotonic()
            if not force and now - self.last < self.interval:
                return
            self.last = now
            pad = max(0, self.width - len(text))
            self.stream.write("\r" + text + " " * pad)
            self.stream.flush()
            self.width = len(text)

    def download(self, source: str, done: int, total: int | None) -> None:
        """Show one download's progress, or all of them together while several overlap."""
        with self.lock:
            self.downloads[source] = (done, total)
            if total is not None and done >= total:
                del self.downloads[source]
            active = dict(self.downloads) or {source: (done, total)}
        if len(active) > 1:
            got = sum(d for d, _ in active.values()) / 1e6
            expected = [t for _, t in active.values()]
            whole = f" of {sum(t or 0 for t in expected) / 1e6:.1f}" if None not in expected else ""
            self._show(f"downloading {len(active)} sources: {got:.1f}{whole} MB")
        elif total:
            self._show(f"{source}: downloading {done / 1e6:.1f} of {total / 1e6:.1f} MB")
        else:
            self._show(f"{source}: downloading {done / 1e6:.1f} MB")

    def records(self, source: str, count: int) -> None:
        self._show(f"{source}: {count:,} records")

    def rows(self, label: str, done: int, total: int | None = None) -> None:
        """Show "label: 120,000 of 295,113 rows" (an export or a backup step)."""
        if total:
            self._show(f"{label}: {done:,} of {total:,} rows")
        else:
            self._show(f"{label}: {done:,} rows")

    def clear(self) -> None:
        if self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()
            self.width = 0
