"""The daemon's optional log file, next to the stderr lines journald or logd capture.

``WatchedFileHandler`` reopens the file when logrotate has moved it away, so rotation
needs no signal and no ``copytruncate``.
"""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from dmr_edge.cache import ensure_dir
from dmr_edge.errors import ConfigError

LOGGER = "dmr_edge"
FILE_FORMAT = "%(asctime)s %(message)s"  # a file has no journald to stamp its lines
DATE_FORMAT = "%Y-%m-%d %H:%M:%S"


class LogFile:
    """At most one log file handler on the ``dmr_edge`` logger, switchable at reload."""

    def __init__(self) -> None:
        self.path: str = ""
        self.handler: logging.Handler | None = None

    def use(self, path: str) -> None:
        """Log to ``path`` from now on ("" for none); raise ``ConfigError`` if it cannot."""
        if path == self.path:
            return
        handler: logging.Handler | None = None
        if path:
            try:
                ensure_dir(Path(path).parent)
                handler = logging.handlers.WatchedFileHandler(path, encoding="utf-8")
            except OSError as exc:
                raise ConfigError(f"cannot open log file {path}: {exc.strerror or exc}") from None
            handler.setFormatter(logging.Formatter(FILE_FORMAT, DATE_FORMAT))
        self.close()
        if handler is not None:
            logging.getLogger(LOGGER).addHandler(handler)
        self.path, self.handler = path, handler

    def close(self) -> None:
        if self.handler is not None:
            logging.getLogger(LOGGER).removeHandler(self.handler)
            self.handler.close()
        self.path, self.handler = "", None
