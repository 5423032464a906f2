"""What follows a sync: exports and metrics configured to be rewritten after one.

Each step is optional and fails soft: a failed export or metrics write is a warning,
never a failed sync (the data is already safely stored).

An export is rewritten only when the sync changed users, when its file is missing, or
when the file is older than the users last applied (an earlier export failed): a sync
that changed nothing costs the SD card no write.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

EXPORT_SOURCE = "radioid_users"


def _users_applied_at(settings: Any) -> float | None:
    from dmr_edge.status import read_states

    return read_states(settings).get(EXPORT_SOURCE, {}).get("applied_at")


def run_exports(settings: Any, report: Any) -> list[str]:
    """Rewrite the configured exports that need it; return warnings for those that failed."""
    from dmr_edge.export import FORMATS, export_users, needs_rewrite

    warnings: list[str] = []
    changed = report is not None and report.changed(EXPORT_SOURCE)
    applied_at: float | None = None
    for kind in FORMATS:
        target = getattr(settings.export, kind)
        if not target:
            continue
        try:
            if applied_at is None and not changed:
                applied_at = _users_applied_at(settings) or 0.0
            if not needs_rewrite(Path(target), changed, applied_at):
                continue
            export_users(settings.db, Path(target), kind, min_ratio=settings.sync.min_ratio)
        except Exception as exc:  # a warning whatever it is: the sync itself succeeded
            warnings.append(f"export {kind} to {target} failed: {exc}")
    return warnings


def write_metrics(settings: Any, report: Any) -> list[str]:
    """Write the metrics textfile if one is configured; return a warning if that failed."""
    if not settings.metrics.textfile:
        return []
    from dmr_edge.metrics import write_textfile

    try:
        write_textfile(settings, report)
    except Exception as exc:
        reason = getattr(exc, "strerror", None) or exc
        return [f"metrics textfile {settings.metrics.textfile} not written: {reason}"]
    return []


def after_sync(settings: Any, report: Any) -> list[str]:
    """Given the settings and a ``SyncReport``, run the post-sync steps; return warnings."""
    return run_exports(settings, report) + write_metrics(settings, report)
