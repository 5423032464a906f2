"""The Prometheus textfile written after each sync: parseable, the documented names, the
figures of ``status --json``, replaced atomically, and never a reason for a sync to fail."""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path
from typing import Dict, List, Tuple

import pytest

from dmr_edge.metrics import METRICS
from tests.conftest import PATHS, write_config
from tests.upstream import Fault

SAMPLE = re.compile(
    r"^(?P<name>[a-zA-Z_:][a-zA-Z0-9_:]*)"
    r'(?:\{(?P<labels>[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*"'
    r'(?:,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*")*)\})?'
    r" (?P<value>[-+]?(?:[0-9]+(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?|Inf|NaN))$"
)
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')

PER_SOURCE = [
    "dmr_edge_source_records",
    "dmr_edge_source_rejected",
    "dmr_edge_source_last_success_timestamp_seconds",
    "dmr_edge_source_last_apply_timestamp_seconds",
    "dmr_edge_source_last_duration_seconds",
    "dmr_edge_source_downloaded_bytes",
    "dmr_edge_source_http_status",
    "dmr_edge_source_up",
]
GLOBAL = [
    "dmr_edge_sync_last_timestamp_seconds",
    "dmr_edge_sync_duration_seconds",
    "dmr_edge_sync_exit_code",
    "dmr_edge_database_bytes",
    "dmr_edge_process_peak_rss_bytes",
]

Samples = Dict[Tuple[str, Tuple[Tuple[str, str], ...]], float]


def parse(text: str) -> Samples:
    """Parse a textfile strictly: HELP and TYPE once per name before its samples, every
    other line ``name{labels} value``."""
    samples: Samples = {}
    typed: List[str] = []
    for line in text.splitlines():
        if line.startswith("# HELP "):
            continue
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ")
            assert kind in ("gauge", "counter") and name not in typed
            typed.append(name)
            continue
        match = SAMPLE.match(line)
        assert match, f"not a sample line: {line!r}"
        name = match.group("name")
        assert typed and typed[-1] == name, f"{name} has no TYPE line before it"
        labels = tuple(LABEL.findall(match.group("labels") or ""))
        assert (name, labels) not in samples, f"duplicate sample {line!r}"
        samples[(name, labels)] = float(match.group("value"))
    assert text.endswith("\n")
    return samples


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples[(name, tuple(labels.items()))]


@pytest.fixture
def prom(tmp_path: Path, served) -> Tuple[Path, Path]:
    textfile = tmp_path / "textfile" / "dmr_edge.prom"
    textfile.parent.mkdir()
    config = write_config(
        tmp_path / "config.toml", tmp_path, served, extra=f'[metrics]\ntextfile = "{textfile}"\n'
    )
    return config, textfile


def test_metrics_textfile_is_parseable_and_holds_the_documented_names(cli, prom):
    config, textfile = prom
    assert cli("sync", "--config", config).code == 0
    samples = parse(textfile.read_text())
    names = {name for name, _ in samples}
    assert names <= set(METRICS)
    for name in GLOBAL:
        assert (name, ()) in samples
    for source in PATHS:
        for name in PER_SOURCE:
            assert (name, (("source", source),)) in samples, (name, source)
        for change in ("inserted", "updated", "deleted"):
            key = ("dmr_edge_source_changed_rows", (("source", source), ("change", change)))
            assert key in samples
    assert value(samples, "dmr_edge_source_records", source="radioid_users") == 2
    assert value(samples, "dmr_edge_source_records", source="hearham_repeaters") == 2
    assert value(samples, "dmr_edge_source_http_status", source="radioid_users") == 200
    assert value(samples, "dmr_edge_source_up", source="tgif_talkgroups") == 1
    assert value(samples, "dmr_edge_source_downloaded_bytes", source="radioid_users") > 0
    changed = (
        "dmr_edge_source_changed_rows",
        (("source", "radioid_users"), ("change", "inserted")),
    )
    assert samples[changed] == 2
    assert value(samples, "dmr_edge_sync_exit_code") == 0
    assert value(samples, "dmr_edge_process_peak_rss_bytes") > 1_000_000
    assert value(samples, "dmr_edge_database_bytes") > 0


def test_metrics_after_an_unchanged_sync_show_304_and_no_changes(cli, prom):
    config, textfile = prom
    assert cli("sync", "--config", config).code == 0
    first = parse(textfile.read_text())
    assert cli("sync", "--config", config, "--max-age", "0").code == 0
    again = parse(textfile.read_text())
    source = "radioid_users"
    assert value(again, "dmr_edge_source_http_status", source=source) == 304
    assert value(again, "dmr_edge_source_downloaded_bytes", source=source) == 0
    key = ("dmr_edge_source_changed_rows", (("source", source), ("change", "inserted")))
    assert again[key] == 0
    name = "dmr_edge_source_last_success_timestamp_seconds"
    assert value(again, name, source=source) >= value(first, name, source=source)
    apply = "dmr_edge_source_last_apply_timestamp_seconds"
    assert value(again, apply, source=source) == value(first, apply, source=source)


def test_metrics_show_a_failing_source_and_are_written_anyway(cli, prom, served):
    config, textfile = prom
    assert cli("sync", "--config", config).code == 0
    before = parse(textfile.read_text())
    served.set_fault(PATHS["tgif_talkgroups"], Fault.status(503))
    result = cli("sync", "--config", config, "--max-age", "0")
    assert result.code == 75
    samples = parse(textfile.read_text())
    assert value(samples, "dmr_edge_source_up", source="tgif_talkgroups") == 0
    assert value(samples, "dmr_edge_source_http_status", source="tgif_talkgroups") == 503
    assert value(samples, "dmr_edge_source_up", source="radioid_users") == 1
    assert value(samples, "dmr_edge_sync_exit_code") == 75
    # The rows are still there, and so is the time of the last success.
    assert value(samples, "dmr_edge_source_records", source="tgif_talkgroups") == 2
    name = "dmr_edge_source_last_success_timestamp_seconds"
    assert value(samples, name, source="tgif_talkgroups") == pytest.approx(
        value(before, name, source="tgif_talkgroups"), abs=0.01
    )


def test_metrics_file_is_replaced_atomically_and_readable(cli, prom):
    config, textfile = prom
    assert cli("sync", "--config", config).code == 0
    inode = textfile.stat().st_ino
    assert cli("sync", "--config", config, "--max-age", "0").code == 0
    assert textfile.stat().st_ino != inode  # a rename, never a rewrite in place
    assert stat.S_IMODE(textfile.stat().st_mode) == 0o644
    assert os.listdir(textfile.parent) == ["dmr_edge.prom"]


def test_a_metrics_file_that_cannot_be_written_is_a_warning(cli, tmp_path, served):
    textfile = tmp_path / "missing" / "dmr_edge.prom"
    config = write_config(
        tmp_path / "config.toml", tmp_path, served, extra=f'[metrics]\ntextfile = "{textfile}"\n'
    )
    result = cli("sync", "--config", config)
    assert result.code == 0
    assert (
        f"dmr-edge: warning: metrics textfile {textfile} not written: No such file or directory"
        in result.err
    )


def test_status_json_carries_the_same_figures(cli, prom):
    config, textfile = prom
    assert cli("sync", "--config", config).code == 0
    samples = parse(textfile.read_text())
    status = json.loads(cli("status", "--config", config, "--json").out)
    for source, figures in status["sources"].items():
        label = {"source": source}
        assert figures["records"] == value(samples, "dmr_edge_source_records", **label)
        assert figures["rejected"] == value(samples, "dmr_edge_source_rejected", **label)
        assert figures["last_success"] == pytest.approx(
            value(samples, "dmr_edge_source_last_success_timestamp_seconds", **label), abs=0.01
        )
        assert figures["last_apply"] == pytest.approx(
            value(samples, "dmr_edge_source_last_apply_timestamp_seconds", **label), abs=0.01
        )
        assert figures["http_status"] == value(samples, "dmr_edge_source_http_status", **label)
        assert figures["downloaded_bytes"] == value(
            samples, "dmr_edge_source_downloaded_bytes", **label
        )


def test_metric_help_texts_are_single_lines():
    for name, (kind, help_text) in METRICS.items():
        assert re.match(r"^dmr_edge_[a-z_]+$", name)
        assert kind == "gauge" and "\n" not in help_text and help_text.endswith(".")
