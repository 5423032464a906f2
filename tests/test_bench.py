"""dmr-edge bench: the machinery works and its figures hang together (no timing assertions)."""

from __future__ import annotations

import gzip
import json
import os
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Dict

import pytest

from dmr_edge.bench import (
    MARKER,
    REPORT_CODE,
    BenchResult,
    FileServer,
    filesystem_of,
    mutate_users,
    run_bench,
    run_child,
    write_users_csv,
)
from dmr_edge.generate import generate_file, record_count
from dmr_edge.sources import SOURCES
from dmr_edge.stream import iter_records, open_document
from tests.conftest import run_dmr_edge

TINY = 0.005


def _get(url: str, headers: Dict[str, str] = {}) -> Any:  # noqa: B006 - never mutated
    request = urllib.request.Request(url, headers=headers)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        return opener.open(request, timeout=10)
    except urllib.error.HTTPError as exc:
        return exc


def _users_ids(path: Path) -> Dict[int, Any]:
    with open_document(str(path)) as stream:
        return {r["id"]: r for r in iter_records(stream, SOURCES["radioid_users"])}


def test_file_server_answers_304_to_its_etag_and_always_200_without_validators(
    tmp_path: Path,
) -> None:
    body = tmp_path / "doc.json"
    body.write_bytes(b'{"users": []}')
    with FileServer() as server:
        server.set("doc", body)
        first = _get(server.url("doc"))
        etag = first.headers["ETag"]
        assert first.status == 200 and first.read() == b'{"users": []}'
        assert _get(server.url("doc"), {"If-None-Match": etag}).status == 304
        server.set("doc", body, etag=False)
        again = _get(server.url("doc"), {"If-None-Match": etag})
        assert again.status == 200 and "ETag" not in again.headers
        assert _get(server.url("missing")).status == 404


def test_run_child_reports_the_childs_own_peak_rss_not_the_pages_of_its_parent() -> None:
    ballast = bytearray(120 * 1024 * 1024)  # make this (the parent) big before forking
    ballast[::4096] = b"x" * len(ballast[::4096])
    small = run_child([sys.executable, "-c", REPORT_CODE + "\n_bench_report()\n"])
    big = run_child(
        [sys.executable, "-c", REPORT_CODE + "\nb = bytearray(80 << 20)\n_bench_report()\n"]
    )
    del ballast
    assert small.maxrss < 60 * 1024 * 1024
    assert big.maxrss >= 80 * 1024 * 1024 > small.maxrss


def test_run_child_counts_what_the_child_writes_to_files_outside_the_database(
    tmp_path: Path,
) -> None:
    code = (
        "import os\n"
        f"with open({str(tmp_path / 'out.bin')!r}, 'wb') as f:\n"
        "    f.write(os.urandom(1 << 20)); f.flush(); os.fsync(f.fileno())\n"
    )
    run = run_child([sys.executable, "-c", code], watch=tmp_path)
    if run.write_bytes is None:
        pytest.skip("no /proc/<pid>/io on this system")
    assert run.write_bytes >= 1 << 20
    assert run.other_written >= 1 << 20
    assert run.db_written is not None and run.db_written < 64 * 1024


def test_run_child_reads_the_figures_a_python_child_reports_after_the_marker() -> None:
    run = run_child(
        [sys.executable, "-c", REPORT_CODE + "\n_bench_report({'db_written': 12345})\n"]
    )
    assert run.db_written == 12345
    assert MARKER.strip()


def test_mutate_users_changes_about_the_fraction_asked_and_keeps_ids_sorted(
    tmp_path: Path,
) -> None:
    base = tmp_path / "users.json"
    generate_file("radioid_users", base, scale=0.02, seed=3)
    changed = tmp_path / "changed.json"
    written = mutate_users(base, changed, 0.05, seed=3)
    before, after = _users_ids(base), _users_ids(changed)
    assert written == len(after)
    assert list(after) == sorted(after)
    added = after.keys() - before.keys()
    removed = before.keys() - after.keys()
    modified = [i for i in before.keys() & after.keys() if before[i] != after[i]]
    total = len(added) + len(removed) + len(modified)
    assert added and removed and modified
    assert 0.02 * len(before) < total < 0.08 * len(before)


def test_write_users_csv_writes_one_row_per_user_dmr_edge_would_store(tmp_path: Path) -> None:
    base = tmp_path / "users.json"
    generate_file("radioid_users", base, scale=0.01, seed=3)
    csv_path = tmp_path / "users.csv"
    count = write_users_csv(base, csv_path)
    assert count == len(_users_ids(base))
    import csv

    with open(csv_path, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert len(rows) == count and all(len(row) == 10 for row in rows)


def test_filesystem_of_names_the_filesystem_holding_a_path(tmp_path: Path) -> None:
    if not os.path.exists("/proc/mounts"):
        pytest.skip("no /proc/mounts")
    assert filesystem_of(tmp_path) not in ("", "unknown")


def test_bench_refuses_a_zero_scale_as_a_usage_error(cli: Any) -> None:
    result = cli("bench", "--scale", "0")
    assert result.code == 2
    assert "--scale" in result.err


def test_bench_says_which_users_file_is_missing(cli: Any, tmp_path: Path) -> None:
    missing = tmp_path / "nope.json.xz"
    result = cli("bench", "--users", missing, "--repeat", "1")
    assert result.code == 1
    assert f"{missing}: no such users file" in result.err


# --- whole runs at a tiny scale ---------------------------------------------------------


def _table(result: Dict[str, Any], number: int) -> Dict[str, Any]:
    return next(t for t in result["tables"] if t["number"] == number)


def _median(measurement: Dict[str, Any], key: str) -> float:
    return measurement[key]["median"]


@pytest.mark.slow
def test_bench_prints_six_tables_whose_figures_are_positive_and_consistent(
    tmp_path: Path,
) -> None:
    proc = run_dmr_edge(
        "bench", "--scale", TINY, "--repeat", "1", "--json", "--dir", tmp_path, timeout=600
    )
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert [t["number"] for t in result["tables"]] == [1, 2, 3, 4, 5, 6]
    assert list(tmp_path.iterdir()) == []  # the work directory is removed afterwards
    baselines = {b["imports"]: b["peak_rss_bytes"] for b in result["baseline"]["children"]}
    bare = baselines["nothing (the bare interpreter)"]
    assert (
        0 < bare < baselines["dmr_edge, dmr_edge.cli, dmr_edge.cli.sync, dmr_edge.sync, requests"]
    )

    expected = sum(record_count(name, TINY) for name in SOURCES)
    modes = _table(result, 1)["measurements"]
    assert [m["records"] for m in modes] == [expected] * 3
    for m in modes + _table(result, 2)["measurements"]:
        assert m["runs"] == 1 and m["records"] == expected
        assert _median(m, "wall_seconds") > 0
        assert _median(m, "cpu_seconds") > 0
        run = m["each_run"][0]
        assert run["peak_rss_bytes"] > run["baseline_rss_bytes"] > bare
        assert _median(m, "records_per_second") > 0
        assert _median(m, "peak_rss_bytes") > 0
        assert _median(m, "db_written_bytes") > 0
        assert _median(m, "downloaded_bytes") > 0

    incremental = {m["label"]: m for m in _table(result, 3)["measurements"]}
    cold = incremental["cold load of all sources (reference)"]
    assert _median(cold, "db_written_bytes") == _table(result, 3)["cold_load_db_written_bytes"]
    users_cold = _table(result, 3)["users_cold_load_db_written_bytes"]
    assert 0 < users_cold < _median(cold, "db_written_bytes")
    nothing = incremental["no change (HTTP 304)"]
    assert _median(nothing, "downloaded_bytes") == 0
    assert _median(nothing, "db_written_bytes") == 0
    same = incremental["no change (same content, no 304)"]
    assert _median(same, "downloaded_bytes") == _median(cold, "downloaded_bytes")
    assert _median(same, "db_written_bytes") == 0
    week, big = incremental["0.33% of users changed"], incremental["5% of users changed"]
    for changed in (week, big):
        assert 0 < _median(changed, "db_written_bytes") < _median(cold, "db_written_bytes")
    assert _median(week, "db_written_bytes") <= _median(big, "db_written_bytes")

    small, large = _table(result, 4)["measurements"]
    assert small["records"] == record_count("radioid_users", TINY)
    assert large["records"] == record_count("radioid_users", TINY * 10)

    parsers = _table(result, 5)["measurements"]
    assert len(parsers) >= 3
    assert {m["records"] for m in parsers} == {small["records"]}

    limits = {m["label"]: m for m in _table(result, 6)["measurements"]}
    assert {m["records"] for m in limits.values()} == {small["records"]}
    naive = limits["table 6, naive loader"]
    # The bench reads these two children's /proc/<pid>/io from outside once they exit; a
    # user who is not root may not read an exited child's io, and the row says "n/a".
    outside_io = os.geteuid() == 0
    assert not outside_io or _median(naive, "db_written_bytes") > 0
    assert naive["each_run"][0]["baseline_rss_bytes"] > 0
    if "table 6, sqlite3 .import" in limits:
        shell = limits["table 6, sqlite3 .import"]
        assert _median(shell, "peak_rss_bytes") > 0
        assert not outside_io or _median(shell, "db_written_bytes") > 0

    names = [t["name"] for t in result["targets"]]
    assert "no change (304): the whole process" in names and len(names) >= 8
    assert all(t["met"] in (True, False, None) and t["measured"] for t in result["targets"])


@pytest.mark.slow
def test_bench_runs_tables_on_real_users_files_and_measures_the_change_between_them(
    tmp_path: Path,
) -> None:
    week1, week2 = tmp_path / "users-1.json.gz", tmp_path / "users-2.json.xz"
    with gzip.open(week1, "wb") as out:
        from dmr_edge.generate import generate

        generate("radioid_users", out, scale=TINY, seed=5)
    import lzma

    with lzma.open(week2, "wb") as out:
        generate("radioid_users", out, scale=TINY, seed=5, change=0.02)
    work = tmp_path / "work"
    work.mkdir()
    lines = []
    result = run_bench(
        scale=TINY, repeat=1, users=[week1, week2], work_dir=work, progress=lines.append
    )
    assert isinstance(result, BenchResult)
    text = result.markdown()
    for number in range(1, 7):
        assert f"### {number}. " in text
    assert "### Targets" in text
    assert f"real week: {week1.name} → {week2.name}" in text
    incremental = {m.label: m for m in result.tables[2].measured}
    real = incremental[f"real week: {week1.name} → {week2.name}"]
    inserted, updated, deleted = real.runs[0].changes()
    assert inserted + updated + deleted > 0
    users = record_count("radioid_users", TINY)
    assert result.tables[5].measured[0].records == users
    assert any("decompressing" in line for line in lines)
    assert json.loads(json.dumps(result.as_dict()))["machine"]["users"] == [str(week1), str(week2)]


def test_a_failing_child_is_reported_by_its_error_line_not_its_code() -> None:
    from dmr_edge.bench import BenchError

    code = REPORT_CODE + "\nimport sys\nprint('error: it broke', file=sys.stderr)\n"
    code += "_bench_report()\nsys.exit(3)\n"
    with pytest.raises(BenchError) as caught:
        run_child([sys.executable, "-c", code, "--flag"])
    message = str(caught.value)
    assert "exited with 3: error: it broke" in message
    assert "-c CODE --flag" in message and "_bench_report" not in message


def test_the_bench_config_is_valid_and_admits_the_ten_times_larger_users_file(
    tmp_path: Path,
) -> None:
    from dmr_edge.bench import SCALE_FACTOR, Bench
    from dmr_edge.config import load_settings

    bench = Bench(tmp_path, scale=1.0, repeat=1)
    with bench.server:
        bench.server.set("radioid_users", tmp_path)
        config = bench.write_config(tmp_path, {"radioid_users": "radioid_users"})
        settings = load_settings(str(config))
    assert [s.name for s in settings.enabled_sources()] == ["radioid_users"]
    assert settings.sources["radioid_users"].url.startswith("http://127.0.0.1:")
    users_x10 = 81_400_000 * SCALE_FACTOR  # the generated users file is ~81 MB at scale 1
    assert settings.http.max_bytes > users_x10
