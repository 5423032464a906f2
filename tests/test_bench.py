"""dmr-edge bench: the machinery works and its figures hang together (no timing assertions)."""

from __future__ import annotations

import gzip
import json
import os
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Dict

import pytest

from dmr_edge.bench import BenchError
from dmr_edge.bench.documents import mutate_users, write_users_csv
from dmr_edge.bench.generate import generate_file, record_count
from dmr_edge.bench.machine import filesystem_of
from dmr_edge.bench.mirror import Mirror, Served, overlap
from dmr_edge.bench.probes import MARKER, REMOVAL_PROBE, REPORT_CODE, SQLITE_PROBE
from dmr_edge.bench.run import run_bench
from dmr_edge.bench.runner import Places, child_report, run_child
from dmr_edge.bench.tables import BenchResult
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


def child_report_of(run: Any) -> Dict[str, Any]:
    return child_report(run.stderr)


def _users_ids(path: Path) -> Dict[int, Any]:
    with open_document(str(path)) as stream:
        return {r["id"]: r for r in iter_records(stream, SOURCES["radioid_users"])}


def test_the_mirror_answers_304_to_its_etag_and_always_200_without_validators(
    tmp_path: Path,
) -> None:
    body = tmp_path / "doc.json"
    body.write_bytes(b'{"users": []}')
    with Mirror() as server:
        server.set("doc", body)
        first = _get(server.url("doc"))
        etag = first.headers["ETag"]
        assert first.status == 200 and first.read() == b'{"users": []}'
        assert _get(server.url("doc"), {"If-None-Match": etag}).status == 304
        server.set("doc", body, etag=False)
        again = _get(server.url("doc"), {"If-None-Match": etag})
        assert again.status == 200 and "ETag" not in again.headers
        assert _get(server.url("missing")).status == 404


def test_the_mirror_sends_gzip_to_a_client_that_accepts_it_and_plain_json_to_others(
    tmp_path: Path,
) -> None:
    body = tmp_path / "doc.json"
    document = b'{"users": [' + b",".join(b'{"id": %d}' % i for i in range(2000)) + b"]}"
    body.write_bytes(document)
    with Mirror() as server:
        server.set("doc", body)
        packed = _get(server.url("doc"), {"Accept-Encoding": "gzip"})
        wire = packed.read()
        assert packed.headers["Content-Encoding"] == "gzip"
        assert int(packed.headers["Content-Length"]) == len(wire) < len(document) // 4
        assert gzip.decompress(wire) == document
        plain = _get(server.url("doc"))
        assert "Content-Encoding" not in plain.headers and plain.read() == document
        log = server.take_log()
    assert [(s.status, s.encoding, s.body_bytes) for s in log] == [
        (200, "gzip", len(wire)),
        (200, "identity", len(document)),
    ]
    assert server.take_log() == []


def test_a_throttled_mirror_keeps_to_its_rate_and_waits_its_latency_before_each_answer(
    tmp_path: Path,
) -> None:
    body = tmp_path / "doc.json"
    body.write_bytes(os.urandom(300_000))  # random: gzip cannot shrink it
    with Mirror(rate=600_000, latency=0.2) as server:
        server.set("doc", body)
        started = time.monotonic()
        first = _get(server.url("doc"), {"Accept-Encoding": "gzip"})
        assert len(first.read()) > 290_000
        took = time.monotonic() - started
        etag = first.headers["ETag"]
        started = time.monotonic()
        assert _get(server.url("doc"), {"If-None-Match": etag}).status == 304
        not_modified = time.monotonic() - started
    assert took >= 0.2 + 0.45  # the latency, then at least 290 kB at 600 kB/s
    assert not_modified >= 0.2


def test_overlap_tells_answers_in_flight_together_from_answers_one_after_another() -> None:
    one_by_one = [Served("a", 200, 0.0, 1.0, 1, "gzip"), Served("b", 200, 1.005, 2.0, 1, "gzip")]
    most, busy, total = overlap(one_by_one)
    assert most == 1 and busy == pytest.approx(1.995) and total == pytest.approx(1.995)
    together = [Served(r, 200, 0.0, 1.0, 1, "gzip") for r in "abc"]
    together.append(Served("d", 304, 0.5, 2.0, 0, "identity"))
    most, busy, total = overlap(together)
    assert most == 4 and busy == pytest.approx(2.0) and total == pytest.approx(4.5)


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


def test_run_child_splits_what_the_child_wrote_by_place_and_the_parts_add_up(
    tmp_path: Path,
) -> None:
    cache, export = tmp_path / "cache", tmp_path / "export"
    cache.mkdir()
    export.mkdir()
    (cache / "kept.json").write_bytes(b"x" * 5000)  # there before: touched, not rewritten
    code = (
        "import os\n"
        "def write(path, size):\n"
        "    with open(path, 'wb') as f:\n"
        "        f.write(os.urandom(size)); f.flush(); os.fsync(f.fileno())\n"
        f"write({str(cache / 'new.json')!r}, 1 << 20)\n"
        f"write({str(export / 'DMRIds.dat')!r}, 300_000)\n"
        f"write({str(tmp_path / 'elsewhere.bin')!r}, 200_000)\n"
        f"os.utime({str(cache / 'kept.json')!r})\n"
    )
    places = Places(root=tmp_path, database=tmp_path / "db.sqlite", cache=cache, exports=(export,))
    run = run_child([sys.executable, "-c", code], places=places)
    if run.write_bytes is None:
        pytest.skip("no /proc/<pid>/io on this system")
    assert run.files == {
        "cache": 1 << 20,
        "database": 0,
        "exports": 303_104,  # 300,000 bytes in whole 4 KiB pages
        "files": 200_704,
    }
    parts = run.breakdown()
    assert parts is not None and sum(parts.values()) == run.written
    assert parts["cache"] == 1 << 20 and parts["exports"] == 303_104
    # No SQLite here: the database is what no file accounts for, and "other" the rest.
    assert parts["database"] + parts["other"] == run.written - (1 << 20) - 303_104
    assert run.cache_size == (1 << 20) + 5000


def test_the_sqlite_probe_counts_what_sqlite_writes_and_not_what_other_threads_write(
    tmp_path: Path,
) -> None:
    database = tmp_path / "db.sqlite"
    code = (
        REPORT_CODE
        + SQLITE_PROBE
        + (
            "import os, sqlite3, threading\n"
            "def writer():\n"
            f"    with open({str(tmp_path / 'big.bin')!r}, 'wb') as f:\n"
            "        for _ in range(16):\n"
            "            f.write(os.urandom(1 << 20))\n"
            "        f.flush(); os.fsync(f.fileno())\n"
            "thread = threading.Thread(target=writer)\n"
            "thread.start()\n"
            f"conn = sqlite3.connect({str(database)!r}, isolation_level=None)\n"
            "conn.execute('PRAGMA journal_mode = WAL')\n"
            "conn.execute('PRAGMA synchronous = FULL')\n"
            "conn.execute('CREATE TABLE t (a INTEGER PRIMARY KEY, b TEXT)')\n"
            "conn.execute('BEGIN')\n"
            "rows = ((i, 'x' * 100) for i in range(50000))\n"
            "conn.executemany('INSERT INTO t VALUES (?, ?)', rows)\n"
            "conn.execute('COMMIT')\n"
            "cursor = conn.cursor()\n"
            "cursor.execute('UPDATE t SET b = ? WHERE a < 1000', ('y',))\n"
            "conn.close()\n"
            "thread.join()\n"
            "_bench_report({'db_written': _db['written'] if _db['ok'] else None,\n"
            "               'db_windows': _db['windows']})\n"
        )
    )
    run = run_child([sys.executable, "-c", code], places=Places(tmp_path, database=database))
    if run.write_bytes is None or run.measured_db is None:
        pytest.skip("no /proc/<pid>/io or /proc/<pid>/task/<tid>/io on this system")
    size = database.stat().st_size
    # Every page goes to the WAL at commit and to the database at checkpoint: about twice.
    assert 1.5 * size < run.measured_db < 3 * size
    assert run.db_windows >= 7
    parts = run.breakdown()
    # No query stepped after its execute here, so SQLite wrote (nearly) all inside its calls.
    assert parts is not None and 0 <= parts["database"] - run.measured_db < 64 * 1024
    assert parts["other"] == 16 << 20  # the other thread's file: not the database's


def test_a_file_written_and_removed_counts_unless_its_removal_cancelled_its_writes(
    tmp_path: Path,
) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    # pathlib imported first, as a .pth file does: on Python 3.9 it holds os.unlink.
    code = (
        "import pathlib\n"
        + REPORT_CODE
        + SQLITE_PROBE
        + REMOVAL_PROBE
        + (
            "import os\n"
            f"cache = pathlib.Path({str(cache)!r})\n"
            "for name in ('synced.tmp', 'dropped.tmp', 'by-pathlib.tmp'):\n"
            "    with open(cache / name, 'wb') as f:\n"
            "        f.write(os.urandom(400_000))\n"
            "        if name == 'synced.tmp':\n"
            "            f.flush(); os.fsync(f.fileno())\n"
            "os.unlink(cache / 'synced.tmp')\n"
            "os.remove(cache / 'dropped.tmp')\n"
            "(cache / 'by-pathlib.tmp').unlink()\n"
            "_bench_report({'removed': _removed})\n"
        )
    )
    run = run_child([sys.executable, "-c", code], places=Places(tmp_path, cache=cache))
    if run.write_bytes is None:
        pytest.skip("no /proc/<pid>/io on this system")
    report = child_report_of(run)
    assert [Path(path).name for path, _size, _cancelled in report["removed"]] == [
        "synced.tmp",
        "dropped.tmp",
        "by-pathlib.tmp",
    ]
    # The synced file reached the disk; the others were dropped from the page cache, unless
    # the kernel had begun writing them back meanwhile.
    assert 401_408 <= run.files["cache"] <= 3 * 401_408
    parts = run.breakdown()
    assert parts is not None and sum(parts.values()) == run.written
    assert parts["cache"] == run.files["cache"] and abs(parts["database"]) < 64 * 1024


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
def test_bench_prints_nine_tables_whose_figures_are_positive_and_consistent(
    tmp_path: Path,
) -> None:
    proc = run_dmr_edge(
        "bench", "--scale", TINY, "--repeat", "1", "--json", "--dir", tmp_path, timeout=600
    )
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert [t["number"] for t in result["tables"]] == list(range(1, 10))
    assert list(tmp_path.iterdir()) == []  # the work directory is removed afterwards
    baselines = {b["imports"]: b["peak_rss_bytes"] for b in result["baseline"]["children"]}
    bare = baselines["nothing (the bare interpreter)"]
    assert (
        0 < bare < baselines["dmr_edge, dmr_edge.cli, dmr_edge.cli.sync, dmr_edge.sync, requests"]
    )
    # Every dmr-edge run's bytes, split by place, add up to what the whole process wrote.
    for table in result["tables"]:
        for m in table["measurements"]:
            for run in m["each_run"]:
                parts = run["written_by_place"]
                if parts is not None:
                    assert sum(parts.values()) == run["written_bytes"], (table["title"], m)
                    assert min(parts["cache"], parts["database"], parts["exports"]) >= 0
                    assert abs(parts["other"]) <= 64 * 1024  # the lock file, not the unknown

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
    # Nothing to write to the database. A page the kernel wrote back while it was being
    # written (another process's sync(), on a shared machine) is dirtied and counted twice,
    # and what no file accounts for is the database's share: a few kB, now and then.
    shm = 32 * 1024
    assert _median(nothing, "db_written_bytes") <= shm
    same = incremental["no change (same content, no 304)"]
    assert _median(same, "downloaded_bytes") == _median(cold, "downloaded_bytes")
    assert _median(same, "db_written_bytes") <= shm
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
    assert _median(naive, "db_written_bytes") > 0  # the child reports its own io
    assert naive["each_run"][0]["baseline_rss_bytes"] > 0
    if "table 6, sqlite3 .import" in limits:
        # The bench reads the shell's /proc/<pid>/io from outside once it exits; a user who
        # is not root may not read an exited child's io, and the row says "n/a".
        shell = limits["table 6, sqlite3 .import"]
        assert _median(shell, "peak_rss_bytes") > 0
        assert os.geteuid() != 0 or _median(shell, "db_written_bytes") > 0

    written = {m["label"]: m for m in _table(result, 7)["measurements"]}
    place = lambda m, name: m["written_by_place_bytes"][name]["median"]  # noqa: E731
    users = written["users, cold load (default configuration)"]
    assert place(users, "cache") > 0 and place(users, "database") > 0
    assert _median(users, "cache_disk_bytes") > 0
    assert place(users, "exports") == 0
    offline = written["users, `sync --offline` from the cache"]
    assert place(offline, "cache") == 0 and place(offline, "database") > 0
    assert place(written["no change (HTTP 304)"], "database") <= shm
    assert place(written["no change (HTTP 304)"], "cache") == 0
    exporting = written["0.33% of users changed, with `[export] dmrids`"]
    assert place(exporting, "exports") > 0
    assert place(written["0.33% of users changed"], "exports") == 0

    memory = _table(result, 8)
    floors = list(memory["floors_bytes"].values())
    assert 0 < floors[0] < floors[1] < floors[2]
    assert [row[0] for row in memory["rows"][:3]] == [
        "floor: bare python3",
        "floor: python3 + sqlite3, json",
        "floor: python3 + sqlite3, json, requests and a TLS context",
    ]
    assert all(_median(m, "peak_rss_bytes") > floors[1] for m in memory["measurements"])

    slow = {m["label"]: m for m in _table(result, 9)["measurements"]}
    assert len(slow) == 4
    cold = slow["cold load of all six sources, default configuration"]
    assert cold["link"]["answers"] == 6
    assert _median(cold, "downloaded_bytes") > 0
    again = slow["the next sync: six 304s, `--mode parallel`"]
    assert _median(again, "downloaded_bytes") == 0
    assert again["link"]["answers"] == 6
    # Six 304s, each after 100 ms of latency, all asked at once by the parallel mode.
    assert again["link"]["most_in_flight"] > 1
    assert again["link"]["busy_seconds"] < again["link"]["answers_seconds"]
    for m in slow.values():
        link = m["link"]
        assert link["longest_seconds"] >= 0.1  # the latency before every answer
        assert link["busy_seconds"] <= link["answers_seconds"] + 0.01

    names = [t["name"] for t in result["targets"]]
    assert len(names) == 7
    for words in (
        "bytes written by the week's online sync",
        "users cache on disk",
        "peak RSS, online sync",
        "peak RSS, `sync --offline`",
        "against sqlite3 `.import`",
        "naive `json.load`",
        "incremental sync against a cold load",
    ):
        assert sum(words in name for name in names) == 1, words
    assert all(t["met"] in (True, False, None) and t["measured"] for t in result["targets"])
    goals = [t["name"] for t in result["goals"]]
    assert "no change (304): the whole process" in goals and len(goals) >= 7


@pytest.mark.slow
def test_bench_runs_tables_on_real_users_files_and_measures_the_change_between_them(
    tmp_path: Path,
) -> None:
    week1, week2 = tmp_path / "users-1.json.gz", tmp_path / "users-2.json.xz"
    with gzip.open(week1, "wb") as out:
        from dmr_edge.bench.generate import generate

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
    for number in range(1, 10):
        assert f"### {number}. " in text
    assert "### Targets" in text
    assert f"real week: {week1.name} → {week2.name}" in text
    incremental = {m.label: m for m in result.tables[2].measured}
    real = incremental[f"real week: {week1.name} → {week2.name}"]
    inserted, updated, deleted = real.runs[0].changes()
    assert inserted + updated + deleted > 0
    exporting = incremental[f"real week: {week1.name} → {week2.name}, with `[export] dmrids`"]
    assert (exporting.runs[0].breakdown() or {})["exports"] > 0
    judged = [t.name for t in result.targets if f"{week1.name} → {week2.name}" in t.name]
    assert len(judged) == 2  # the week's bytes written, and its time against a cold load
    users = record_count("radioid_users", TINY)
    assert result.tables[5].measured[0].records == users
    assert any("decompressing" in line for line in lines)
    assert json.loads(json.dumps(result.as_dict()))["machine"]["users"] == [str(week1), str(week2)]


def test_a_failing_child_is_reported_by_its_error_line_not_its_code() -> None:
    code = REPORT_CODE + "\nimport sys\nprint('error: it broke', file=sys.stderr)\n"
    code += "_bench_report()\nsys.exit(3)\n"
    with pytest.raises(BenchError) as caught:
        run_child([sys.executable, "-c", code, "--flag"])
    message = str(caught.value)
    assert "exited with 3: error: it broke" in message
    assert "-c CODE --flag" in message and "_bench_report" not in message


def test_the_bench_measures_the_default_configuration_but_for_paths_and_urls(
    tmp_path: Path,
) -> None:
    from dmr_edge.bench.loads import X10_MAX_BYTES
    from dmr_edge.bench.session import SCALE_FACTOR, Bench
    from dmr_edge.config import load_settings

    bench = Bench(tmp_path, scale=1.0, repeat=1)
    defaults = load_settings(None, environ={"HOME": str(tmp_path)})
    with bench.server:
        bench.server.set("radioid_users", tmp_path)
        config = bench.write_config(tmp_path, {"radioid_users": "radioid_users"})
        settings = load_settings(str(config))
        exporting = load_settings(
            str(bench.write_config(tmp_path, {"radioid_users": "radioid_users"}, export=True))
        )
        larger = load_settings(
            str(
                bench.write_config(
                    tmp_path, {"radioid_users": "radioid_users"}, max_bytes=X10_MAX_BYTES
                )
            )
        )
    assert [s.name for s in settings.enabled_sources()] == ["radioid_users"]
    assert settings.sources["radioid_users"].url.startswith("http://127.0.0.1:")
    assert (settings.sync, settings.http, settings.export, settings.daemon) == (
        defaults.sync,
        defaults.http,
        defaults.export,
        defaults.daemon,
    )
    assert exporting.export.dmrids == str(tmp_path / "export" / "DMRIds.dat")
    assert (tmp_path / "export").is_dir()
    users_x10 = 81_400_000 * SCALE_FACTOR  # the generated users file is ~81 MB at scale 1
    assert settings.http.max_bytes < users_x10 < larger.http.max_bytes
