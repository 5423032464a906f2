"""Incremental apply: only what changed is written, vanished rows go, every mode agrees."""

from __future__ import annotations

import hashlib
import json
import random
import sqlite3
from pathlib import Path
from typing import List

import pytest

from dmr_edge.config import load_settings
from dmr_edge.sync import Syncer
from tests.conftest import PATHS, cached, dump, table_rows, write_config

USERS = PATHS["radioid_users"]


def users(count: int, seed: int = 1, change: float = 0.0, shuffle: bool = False) -> bytes:
    """Users sorted by id; ``change`` modifies, removes and adds that fraction."""
    rng = random.Random(seed)
    records = []
    for i in range(count):
        record = {
            "id": 2000000 + i * 3,
            "callsign": f"W{i}XYZ",
            "fname": f"Name {i}",
            "surname": "",
            "city": "Town",
            "state": "",
            "country": "United States",
        }
        roll = rng.random()
        if roll < change * 0.55:
            record["city"] = "Moved"
        elif roll < change * 0.65:
            continue
        records.append(record)
        if rng.random() < change * 0.35:
            records.append({"id": 2000000 + i * 3 + 1, "callsign": f"N{i}NEW", "fname": "New"})
    if shuffle:
        rng.shuffle(records)
    return json.dumps({"users": records}).encode()


def db_files_digest(db: Path) -> str:
    digest = hashlib.sha256()
    for suffix in ("", "-wal"):
        path = Path(str(db) + suffix)
        if path.exists():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def sync(tmp_path: Path, upstream, *args: str, **kw) -> object:
    config = write_config(tmp_path / "c.toml", tmp_path, upstream, enabled=["radioid_users"])
    settings = load_settings(str(config))
    return Syncer(settings, max_age=0, **kw).sync()


def test_week_a_then_week_b_equals_a_fresh_load_of_week_b(tmp_path, upstream):
    upstream.set(USERS, users(3000))
    sync(tmp_path / "a", upstream) if (tmp_path / "a").mkdir() is None else None
    upstream.set(USERS, users(3000, change=0.05))
    report = sync(tmp_path / "a", upstream)
    (tmp_path / "b").mkdir()
    fresh = sync(tmp_path / "b", upstream)
    assert dump(tmp_path / "a" / "db.sqlite") == dump(tmp_path / "b" / "db.sqlite")
    source = report.sources[0]
    assert source.inserted > 0 and source.updated > 0 and source.deleted > 0
    assert source.inserted + source.updated + source.deleted < fresh.sources[0].inserted / 5
    before = json.loads(users(3000))["users"]
    after = json.loads(users(3000, change=0.05))["users"]
    ids_before, ids_after = {u["id"] for u in before}, {u["id"] for u in after}
    assert source.inserted == len(ids_after - ids_before)
    assert source.deleted == len(ids_before - ids_after)


def test_a_second_sync_of_the_same_content_writes_nothing(tmp_path, upstream):
    upstream.set(USERS, users(2000))  # no ETag: the same bytes come back with a 200
    sync(tmp_path, upstream)
    digest = db_files_digest(tmp_path / "db.sqlite")
    report = sync(tmp_path, upstream)
    assert report.sources[0].fetch == "same" and report.sources[0].outcome == "unchanged"
    assert db_files_digest(tmp_path / "db.sqlite") == digest


def test_reordered_but_equal_content_writes_no_rows(tmp_path, upstream):
    upstream.set(USERS, users(2000))
    sync(tmp_path, upstream)
    upstream.set(USERS, users(2000, shuffle=True))
    report = sync(tmp_path, upstream)
    source = report.sources[0]
    assert source.outcome == "applied"
    assert (source.inserted, source.updated, source.deleted) == (0, 0, 0)
    assert source.unchanged == 2000


@pytest.mark.parametrize("chunk", [1, 99, 100, 101, 5000])
def test_chunk_boundaries_give_identical_databases(tmp_path, upstream, chunk):
    upstream.set(USERS, users(100))
    (tmp_path / "ref").mkdir()
    sync(tmp_path / "ref", upstream, chunk=100)
    upstream.set(USERS, users(100, change=0.2))
    sync(tmp_path / "ref", upstream, chunk=100)
    upstream.set(USERS, users(100))
    (tmp_path / "x").mkdir()
    sync(tmp_path / "x", upstream, chunk=chunk)
    upstream.set(USERS, users(100, change=0.2))
    sync(tmp_path / "x", upstream, chunk=chunk)
    assert dump(tmp_path / "x" / "db.sqlite") == dump(tmp_path / "ref" / "db.sqlite")


def test_every_mode_leaves_identical_databases_for_all_sources(tmp_path, served):
    dumps = {}
    for mode in ("streaming", "sequential", "parallel"):
        base = tmp_path / mode
        base.mkdir()
        config = write_config(base / "c.toml", base, served)
        report = Syncer(load_settings(str(config)), mode=mode).sync()
        assert report.exit_code == 0 and report.mode == mode
        dumps[mode] = dump(base / "db.sqlite")
    assert dumps["streaming"] == dumps["sequential"] == dumps["parallel"]
    assert sum(len(rows) for rows in dumps["streaming"].values()) == 15


def test_unsorted_input_gives_the_same_database_as_sorted(tmp_path, upstream):
    for name, shuffled in (("sorted", False), ("shuffled", True)):
        (tmp_path / name).mkdir()
        upstream.set(USERS, users(500, shuffle=shuffled))
        sync(tmp_path / name, upstream, chunk=50)
        upstream.set(USERS, users(500, change=0.1, shuffle=shuffled, seed=1))
        sync(tmp_path / name, upstream, chunk=50)
    assert dump(tmp_path / "sorted" / "db.sqlite") == dump(tmp_path / "shuffled" / "db.sqlite")


def test_duplicate_ids_keep_the_last_record_and_are_counted(tmp_path, upstream):
    doc = {
        "users": [
            {"id": 1234567, "callsign": "AA1A"},
            {"id": 1234568, "callsign": "BB1B"},
            {"id": 1234567, "callsign": "CC1C"},
        ]
    }
    upstream.set(USERS, json.dumps(doc).encode())
    report = sync(tmp_path, upstream, chunk=2)
    assert table_rows(tmp_path / "db.sqlite", "SELECT callsign FROM users WHERE id = 1234567") == [
        ("CC1C",)
    ]
    assert report.sources[0].duplicates == 1


def test_too_many_bad_records_reject_the_source_whole_and_keep_old_rows(tmp_path, upstream):
    upstream.set(USERS, users(100))
    sync(tmp_path, upstream)
    before = dump(tmp_path / "db.sqlite")
    doc = json.loads(users(100, change=0.3))
    for record in doc["users"][:10]:
        record["id"] = "not-a-number"
    upstream.set(USERS, json.dumps(doc).encode())
    report = sync(tmp_path, upstream)
    assert report.exit_code == 1
    assert "failed validation" in report.sources[0].error
    assert dump(tmp_path / "db.sqlite") == before


def test_a_few_bad_records_are_skipped_and_counted(tmp_path, upstream):
    doc = json.loads(users(100))
    doc["users"][5]["id"] = -1
    upstream.set(USERS, json.dumps(doc).encode())
    report = sync(tmp_path, upstream)
    assert report.exit_code == 0 and report.sources[0].rejected == 1
    assert table_rows(tmp_path / "db.sqlite", "SELECT count(*) FROM users") == [(99,)]


def test_an_implausibly_small_download_is_refused(tmp_path, upstream):
    upstream.set(USERS, users(1000))
    sync(tmp_path, upstream)
    before = dump(tmp_path / "db.sqlite")
    upstream.set(USERS, users(10))
    report = sync(tmp_path, upstream)
    assert report.exit_code == 1 and "implausible" in report.sources[0].error
    assert dump(tmp_path / "db.sqlite") == before
    cache = json.loads(cached(tmp_path / "cache" / "radioid_users.json"))
    assert len(cache["users"]) == 1000


def test_repeater_sources_sharing_a_table_only_touch_their_own_rows(cli, tmp_path, served):
    config = write_config(tmp_path / "c.toml", tmp_path, served, extra="[sync]\nmin_ratio = 0\n")
    assert cli("sync", "--config", config).code == 0
    served.set(PATHS["hearham_repeaters"], b"[]")
    assert cli("sync", "--config", config, "--max-age", "0").code == 0
    rows = table_rows(
        tmp_path / "db.sqlite", "SELECT source, count(*) FROM repeaters GROUP BY 1 ORDER BY 1"
    )
    assert rows == [("brandmeister_devices", 1), ("radioid_repeaters", 5)]


def watch_writes(db: Path, table: str = "users") -> None:
    """Log every row the agent inserts, updates or deletes in ``table`` (test triggers)."""
    conn = sqlite3.connect(str(db))
    with conn:
        conn.execute("CREATE TABLE IF NOT EXISTS written (what TEXT, id INTEGER)")
        for event, row in (("INSERT", "new"), ("UPDATE", "new"), ("DELETE", "old")):
            conn.execute(
                f"CREATE TRIGGER IF NOT EXISTS watch_{event.lower()} AFTER {event} ON {table} "
                f"BEGIN INSERT INTO written VALUES ('{event}', {row}.id); END"
            )
    conn.close()


def written(db: Path) -> List[tuple]:
    return table_rows(db, "SELECT what, id FROM written ORDER BY id, what")


def two_sorted_runs(document: bytes, key: str = "users") -> bytes:
    """The records of ``document`` as real 2023-2024 rptrs.json files hold them: one sorted
    run, then a second one starting again near the lowest id (which record goes to which
    run depends on its id only, so two weeks split alike)."""
    records = json.loads(document)[key]
    first = [r for r in records if int(r["id"]) % 5 not in (1, 3)]
    second = [r for r in records if int(r["id"]) % 5 in (1, 3)]
    return json.dumps({key: first + second}).encode()


def test_input_in_two_sorted_runs_counts_the_real_change_and_writes_only_it(tmp_path, upstream):
    week1, week2 = users(6000), users(6000, change=0.01, seed=3)
    upstream.set(USERS, two_sorted_runs(week1))
    sync(tmp_path, upstream, chunk=500)
    watch_writes(tmp_path / "db.sqlite")
    upstream.set(USERS, two_sorted_runs(week2))
    source = sync(tmp_path, upstream, chunk=500).sources[0]
    before = {u["id"]: u for u in json.loads(week1)["users"]}
    after = {u["id"]: u for u in json.loads(week2)["users"]}
    added, gone = set(after) - set(before), set(before) - set(after)
    changed = {i for i in set(before) & set(after) if before[i] != after[i]}
    assert (source.inserted, source.updated, source.deleted) == (
        len(added), len(changed), len(gone),
    )  # fmt: skip
    assert source.unchanged == len(after) - len(added) - len(changed)
    assert sorted(written(tmp_path / "db.sqlite")) == sorted(
        [("INSERT", i) for i in added]
        + [("UPDATE", i) for i in changed]
        + [("DELETE", i) for i in gone]
    )
    (tmp_path / "fresh").mkdir()
    sync(tmp_path / "fresh", upstream, chunk=500)
    assert dump(tmp_path / "db.sqlite") == dump(tmp_path / "fresh" / "db.sqlite")


def test_reversed_input_of_unchanged_users_changes_and_writes_nothing(tmp_path, upstream):
    document = users(5000)
    upstream.set(USERS, document)
    sync(tmp_path, upstream, chunk=1000)
    watch_writes(tmp_path / "db.sqlite")
    records = json.loads(document)["users"]
    upstream.set(USERS, json.dumps({"users": records[::-1]}).encode())
    source = sync(tmp_path, upstream, chunk=1000).sources[0]
    assert source.outcome == "applied"
    assert (source.inserted, source.updated, source.deleted, source.unchanged) == (0, 0, 0, 5000)
    assert written(tmp_path / "db.sqlite") == []


def test_many_vanished_rows_in_any_order_are_deleted_and_counted_once(tmp_path, upstream):
    records = json.loads(users(36000))["users"]
    upstream.set(USERS, json.dumps({"users": records}).encode())
    sync(tmp_path, upstream, chunk=1000)
    kept = [r for i, r in enumerate(records) if i % 3]  # 12,000 vanish: more candidates
    # than the applier keeps in memory, so they go through its temporary table
    for order in (kept, kept[::-1]):
        upstream.set(USERS, json.dumps({"users": order}).encode())
        source = sync(tmp_path, upstream, chunk=1000, mode="streaming").sources[0]
        upstream.set(USERS, json.dumps({"users": records}).encode())
        assert sync(tmp_path, upstream, chunk=1000).sources[0].inserted == len(records) - len(kept)
        assert (source.inserted, source.updated, source.deleted) == (0, 0, len(records) - len(kept))


# --- skipping records whose text did not change -----------------------------------------


def compact_records(records: List[dict]) -> List[bytes]:
    return [json.dumps(r, separators=(",", ":")).encode() for r in records]


def users_text(texts: List[bytes]) -> bytes:
    return b'{"users":[' + b",".join(texts) + b"]}"


def a_user(i: int, **extra: object) -> dict:
    record = {"id": i, "callsign": f"W{i}X", "fname": f"N{i}", "surname": "", "city": "T",
              "state": "", "country": "US"}  # fmt: skip
    record.update(extra)
    return record


def import_text(tmp: Path, body: bytes) -> object:
    from dmr_edge.importfile import import_file

    config = write_config(tmp / "c.toml", tmp, None, enabled=["radioid_users"])
    config.write_text(config.read_text() + "[sync]\nmin_ratio = 0\n")
    (tmp / "doc.json").write_bytes(body)
    return import_file(load_settings(str(config)), "radioid_users", tmp / "doc.json").sources[0]


def _crc_adler(data: bytes) -> tuple:
    import zlib

    return zlib.crc32(data, 1) & 0x7FFFFFFF, zlib.adler32(data, 2)


def forge(prefix: bytes, old: bytes) -> bytes:
    """Text F (capitals, digits and ':;<=>?@': nothing JSON escapes) such that
    ``prefix + F + b"}"`` has the CRC-32 and Adler-32 of ``old``: both are linear, so
    anyone writing ~330 characters of their own record can match another text's."""
    import zlib

    def adler(data: bytes) -> int:
        return zlib.adler32(data, 2)

    def crc(data: bytes) -> int:
        return zlib.crc32(data, 1) & 0x7FFFFFFF

    n, lo, hi = len(old), 0x30, 0x5A
    F = bytearray(b"M" * (n - len(prefix) - 1))

    def text() -> bytes:
        return prefix + bytes(F) + b"}"

    need = (adler(old) & 0xFFFF) - (adler(text()) & 0xFFFF)  # Adler's A: the byte sum
    for i in range(20):
        step = max(lo - F[i], min(hi - F[i], need))
        F[i] += step
        need -= step
    db = ((adler(old) >> 16) - (adler(text()) >> 16)) % 65521  # B: +d at i, -d at i+80
    db = db - 65521 if db > 32760 else db
    q, r = divmod(db, 80)
    for i in range(20, 100):
        d = max(-13, min(13, q))
        F[i] += d
        F[i + 80] -= d
        q -= d
    if r:
        F[180] += 1
        F[180 + r] -= 1
    base, triples = crc(text()), list(range(262, len(F) - 2, 3))  # CRC: (+1,-2,+1) triples
    basis: dict = {}
    for k, s in enumerate(triples):
        G = bytearray(F)
        G[s], G[s + 1], G[s + 2] = G[s] + 1, G[s + 1] - 2, G[s + 2] + 1
        v, m = crc(prefix + bytes(G) + b"}") ^ base, 1 << k
        for bit in reversed(range(31)):
            if (v >> bit) & 1:
                if bit in basis:
                    v, m = v ^ basis[bit][0], m ^ basis[bit][1]
                else:
                    basis[bit] = (v, m)
                    break
    t, chosen = crc(old) ^ base, 0
    for bit in reversed(range(31)):
        if (t >> bit) & 1:
            t, chosen = t ^ basis[bit][0], chosen ^ basis[bit][1]
    for k, s in enumerate(triples):
        if (chosen >> k) & 1:
            F[s], F[s + 1], F[s + 2] = F[s] + 1, F[s + 1] - 2, F[s + 2] + 1
    assert _crc_adler(text()) == _crc_adler(old)  # a collision for unkeyed checksums
    return bytes(F)


def test_a_city_crafted_to_match_its_old_text_neither_skips_nor_refuses_the_users(tmp_path):
    """A radioid user writes their own city: crafted so that the text up to a "},{" inside
    it has the CRC-32/Adler-32 of the record's old text, it made a checksum-based skip jump
    into the string and every hotspot refuse users.json. Digests keyed with a secret of
    the database cannot be matched so."""
    prefix = b'{"id":3999999,"callsign":"EV1L","fname":"Eve","surname":"","city":"'
    old = prefix + b"M" * 400 + b'","state":"","country":"US"}'
    new = prefix + forge(prefix, old) + b'},{","state":"","country":"US"}'
    assert json.loads(new)["city"].endswith("},{")  # a valid record: its city ends in "},{"
    before = compact_records([a_user(3000000 + i) for i in range(100)])
    after = compact_records([a_user(4000000 + i) for i in range(100)])
    assert import_text(tmp_path, users_text(before + [old] + after)).outcome == "applied"
    after[0] = compact_records([a_user(4000000, callsign="K1NEW")])[0]
    report = import_text(tmp_path, users_text(before + [new] + after))
    assert report.error is None, report.error
    assert (report.inserted, report.updated, report.deleted) == (0, 2, 0)
    rows = table_rows(tmp_path / "db.sqlite", "SELECT id, callsign, city FROM users "
                      "WHERE id IN (3999999, 4000000) ORDER BY id")  # fmt: skip
    city = json.loads(new)["city"][:256]  # cut to the field's 256 characters
    assert rows == [(3999999, "EV1L", city), (4000000, "K1NEW", "T")]


def test_the_digests_are_keyed_with_a_secret_of_each_database(tmp_path):
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        import_text(tmp_path / name, users_text(compact_records([a_user(1001)])))
    digests = [
        table_rows(tmp_path / name / "db.sqlite", "SELECT digest FROM users")[0][0]
        for name in ("a", "b")
    ]
    assert digests[0] is not None and digests[1] is not None and digests[0] != digests[1]


def test_a_repeated_id_is_written_once_and_does_not_stop_the_skipping(tmp_path, monkeypatch):
    import dmr_edge.store as store

    skipped: List[int] = []
    finish = store.SourceApplier.finish

    def counting(self):  # type: ignore[no-untyped-def]
        skipped.append(self.stats.skipped)
        return finish(self)

    monkeypatch.setattr(store.SourceApplier, "finish", counting)
    for week in range(3):
        records = [a_user(i) for i in range(1000, 3000)] + [a_user(5000 + week)]
        records.insert(5, a_user(1004, city="Elsewhere"))  # id 1004 listed twice in a row
        report = import_text(tmp_path, users_text(compact_records(records)))
    assert (report.inserted, report.updated, report.deleted) == (1, 0, 1), report
    assert report.duplicates == 1
    assert skipped[-1] > 1900, skipped
    assert table_rows(tmp_path / "db.sqlite", "SELECT city FROM users WHERE id = 1004") == [
        ("Elsewhere",)
    ]  # the last record of the repeated id wins
