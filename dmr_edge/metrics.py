"""A Prometheus textfile for node_exporter's textfile collector, written after each sync.

The figures are those of ``dmr-edge status --json`` (one source of truth, ``collect_status``)
plus what only the sync that just ran knows: its durations, bytes received, HTTP status and
changed rows, and the process's peak RSS. The file is replaced atomically, so the collector
never reads half of it. ``METRICS`` lists every name with its type and help; the README
documents the same list.
"""

from __future__ import annotations

import math
import sys
import time
from pathlib import Path
from typing import Any

from dmr_edge.cache import write_atomic
from dmr_edge.config import Settings
from dmr_edge.status import collect_status

# name → (type, help). Per-source metrics carry a ``source`` label.
METRICS: dict[str, tuple[str, str]] = {
    "dmr_edge_source_records": ("gauge", "Rows the source holds in the database."),
    "dmr_edge_source_rejected": (
        "gauge",
        "Records of the last applied document rejected by validation.",
    ),
    "dmr_edge_source_last_success_timestamp_seconds": (
        "gauge",
        "Unix time the source last synced without error (applied, or confirmed unchanged).",
    ),
    "dmr_edge_source_last_apply_timestamp_seconds": (
        "gauge",
        "Unix time a new document of the source was last applied to the database.",
    ),
    "dmr_edge_source_last_duration_seconds": (
        "gauge",
        "Seconds the last sync spent on the source (download and apply).",
    ),
    "dmr_edge_source_downloaded_bytes": (
        "gauge",
        "Bytes received from the upstream by the last sync (0 for a 304 or no request).",
    ),
    "dmr_edge_source_http_status": (
        "gauge",
        "HTTP status of the last request to the upstream (0: none was made).",
    ),
    "dmr_edge_source_up": ("gauge", "1 if the last sync of the source ended without error."),
    "dmr_edge_source_changed_rows": (
        "gauge",
        "Rows the last sync inserted, updated or deleted (label change).",
    ),
    "dmr_edge_sync_last_timestamp_seconds": ("gauge", "Unix time the last sync ended."),
    "dmr_edge_sync_duration_seconds": ("gauge", "Seconds the last sync took in total."),
    "dmr_edge_sync_exit_code": ("gauge", "Exit code of the last sync (0, 1 or 75)."),
    "dmr_edge_database_bytes": ("gauge", "Size of the database with its WAL, in bytes."),
    "dmr_edge_process_peak_rss_bytes": (
        "gauge",
        "Peak resident memory of the process that wrote this file, in bytes.",
    ),
}


def peak_rss_bytes() -> int | None:
    """Return this process's peak resident set size in bytes (None where unknown)."""
    try:
        import resource
    except ImportError:  # pragma: no cover - not on Linux
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak if sys.platform == "darwin" else peak * 1024)  # Linux: KiB


def _number(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    number = float(value)
    if math.isnan(number):
        return "NaN"
    if math.isinf(number):
        return "+Inf" if number > 0 else "-Inf"
    return repr(round(number, 6))


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _labels(labels: dict[str, str]) -> str:
    if not labels:
        return ""
    return "{" + ",".join(f'{key}="{_escape(value)}"' for key, value in labels.items()) + "}"


def collect_samples(
    settings: Settings, report: Any = None, now: float | None = None
) -> list[tuple[str, dict[str, str], Any]]:
    """Return (name, labels, value) samples for the status now and the sync just run."""
    now = time.time() if now is None else now
    status = collect_status(settings, now=now)
    by_source = {s.source: s for s in report.sources} if report is not None else {}
    samples: list[tuple[str, dict[str, str], Any]] = []
    for name, figures in status["sources"].items():
        ran = by_source.get(name)
        if not figures["enabled"] and ran is None:
            continue
        label = {"source": name}
        samples.append(("dmr_edge_source_records", label, figures["records"] or 0))
        samples.append(("dmr_edge_source_rejected", label, figures["rejected"] or 0))
        if figures["last_success"]:
            samples.append(
                ("dmr_edge_source_last_success_timestamp_seconds", label, figures["last_success"])
            )
        if figures["last_apply"]:
            samples.append(
                ("dmr_edge_source_last_apply_timestamp_seconds", label, figures["last_apply"])
            )
        if ran is not None:
            samples += [
                (
                    "dmr_edge_source_last_duration_seconds",
                    label,
                    ran.fetch_seconds + ran.apply_seconds,
                ),
                ("dmr_edge_source_downloaded_bytes", label, ran.downloaded_bytes),
                ("dmr_edge_source_http_status", label, ran.http_status or 0),
                ("dmr_edge_source_up", label, 0 if ran.error else 1),
            ]
            for change in ("inserted", "updated", "deleted"):
                value = getattr(ran, change) if ran.outcome == "applied" else 0
                samples.append(
                    ("dmr_edge_source_changed_rows", {"source": name, "change": change}, value)
                )
        else:
            samples += [
                ("dmr_edge_source_last_duration_seconds", label, figures["apply_seconds"] or 0),
                ("dmr_edge_source_downloaded_bytes", label, figures["downloaded_bytes"] or 0),
                ("dmr_edge_source_http_status", label, figures["http_status"] or 0),
                ("dmr_edge_source_up", label, 0 if figures["last_error"] else 1),
            ]
    if report is not None:
        samples += [
            ("dmr_edge_sync_last_timestamp_seconds", {}, now),
            ("dmr_edge_sync_duration_seconds", {}, report.total_seconds),
            ("dmr_edge_sync_exit_code", {}, report.exit_code),
        ]
    samples.append(("dmr_edge_database_bytes", {}, status["db_bytes"]))
    rss = peak_rss_bytes()
    if rss is not None:
        samples.append(("dmr_edge_process_peak_rss_bytes", {}, rss))
    return samples


def render(samples: list[tuple[str, dict[str, str], Any]]) -> str:
    """Return the Prometheus text exposition of ``samples``, grouped by metric name."""
    lines: list[str] = []
    for name, (kind, help_text) in METRICS.items():
        rows = [(labels, value) for metric, labels, value in samples if metric == name]
        if not rows:
            continue
        lines.append(f"# HELP {name} {help_text}")
        lines.append(f"# TYPE {name} {kind}")
        lines += [f"{name}{_labels(labels)} {_number(value)}" for labels, value in rows]
    return "\n".join(lines) + "\n"


def write_textfile(settings: Settings, report: Any = None, path: str | Path | None = None) -> Path:
    """Write the metrics to ``path`` (default ``[metrics] textfile``) atomically; return it.

    Raise ``OSError`` if it cannot be written (the hook turns that into a warning).
    """
    target = Path(path or settings.metrics.textfile)
    write_atomic(target, render(collect_samples(settings, report)).encode("utf-8"))
    return target
