"""The error tree.

Every failure the agent knows how to describe is a ``DmrEdgeError``; the CLI maps the
class to an exit code in one place (``dmr_edge.cli.exit_code_for``) and prints the
message as one line. Anything else is a bug and gets a traceback under ``--verbose``.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_TEMPFAIL = 75  # sysexits.h EX_TEMPFAIL: "try again later"


class DmrEdgeError(Exception):
    """Base of every error the agent reports as one line."""

    exit_code = EXIT_FAILURE

    def __init__(self, message: str, *, source: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.source = source

    def __str__(self) -> str:
        if self.source:
            return f"{self.source}: {self.message}"
        return self.message


class ConfigError(DmrEdgeError):
    """A configuration file, option or command line that cannot be used."""

    exit_code = EXIT_USAGE


class FetchError(DmrEdgeError):
    """A download failed in a way that may heal by itself (network, 5xx, 429)."""

    exit_code = EXIT_TEMPFAIL

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, source=source)
        self.status = status
        self.retry_after = retry_after
        # No connection could be made at all: "refused", or "network" (no route, no name
        # resolution). Where every upstream says so, the machine has no network.
        self.unreachable = ""


class PermanentFetchError(FetchError):
    """A download failed in a way retrying will not fix (404, refused scheme, TLS)."""

    exit_code = EXIT_FAILURE


class ParseError(DmrEdgeError):
    """A document is not JSON, is cut short, or does not have the expected shape."""


class RejectedError(DmrEdgeError):
    """A document parsed but was refused whole (too many bad records, implausibly small)."""


class StoreError(DmrEdgeError):
    """The database cannot be opened, read or written."""


class LockError(DmrEdgeError):
    """Another dmr-edge process holds the lock."""

    exit_code = EXIT_TEMPFAIL


class ExportError(DmrEdgeError):
    """An export file cannot be written, or writing it would replace good data with less."""


class BackupError(DmrEdgeError):
    """A backup cannot be written, or the copy failed verification."""


class RecordError(ValueError):
    """One record fails validation; it is skipped and counted, not fatal."""
