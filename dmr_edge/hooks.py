"""What follows a sync: exports and metrics configured to be rewritten after one.

Each step is optional and fails soft: a failed export or metrics write is a warning,
never a failed sync (the data is already safely stored). Nothing of the export code is
imported when no export is configured.

An export is rewritten only when the sync changed its source (radioid users for the user
files, BrandMeister or TGIF talkgroups for the talkgroup files), when its file is missing,
when the file is older than the rows last applied (an earlier export failed), or older than
the configuration or its local ids file (they changed what the file holds): a sync that
changed nothing costs the SD card no write.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def export_options(settings: Any, target: Any) -> dict[str, Any]:
    """Given the settings and one configured export, return ``export_file``'s options."""
    from dmr_edge.export import USER_KINDS, UserSelection

    options: dict[str, Any] = {"min_ratio": settings.sync.min_ratio}
    if target.kind in USER_KINDS:
        extra = settings.export.extra if target.extra is None else target.extra
        options.update(
            selection=UserSelection.of(target.countries, target.id_prefixes, target.limit),
            ascii=target.ascii,
            extra=Path(extra) if extra else None,
        )
    return options


def run_exports(settings: Any, report: Any) -> list[str]:
    """Rewrite the configured exports that need it; return warnings for those that failed."""
    targets = settings.export.targets
    if not targets:
        return []
    from dmr_edge.export import SOURCE_OF, export_file, needs_rewrite
    from dmr_edge.status import read_states

    warnings: list[str] = []
    states: dict[str, Any] | None = None
    for target in targets:
        source = SOURCE_OF[target.kind]
        try:
            changed = report is not None and report.changed(source)
            applied_at = None
            if not changed:
                if states is None:
                    states = read_states(settings)
                applied_at = states.get(source, {}).get("applied_at") or 0.0
            options = export_options(settings, target)
            inputs = [p for p in (settings.config_path, options.get("extra")) if p]
            if not needs_rewrite(Path(target.path), changed, applied_at, inputs):
                continue
            export_file(settings.db, Path(target.path), target.kind, **options)
        except Exception as exc:  # a warning whatever it is: the sync itself succeeded
            warnings.append(f"export {target.kind} to {target.path} failed: {exc}")
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
