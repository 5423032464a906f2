"""Property-based: random valid records round-trip, random damage never corrupts.

- Any list of valid users (any order, repeated ids, any letters, commas and quotes in
  names) synced over any earlier list leaves exactly that list in the database (the last
  record of a repeated id wins), and ``user.csv`` and ``DMRIds.dat`` give it back.
- The same for talkgroups (BrandMeister's map) and repeaters (hearham's Hz integers).
- Any random byte damage to a valid download (flips, insertions, deletions, cuts) leaves
  a database whose integrity check passes and whose users are exactly the old version or
  exactly what a clean load of the damaged file gives; it never ends in a traceback.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import shutil
import sqlite3
import tempfile
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import DATA_COLUMNS, PATHS, write_config
from tests.upstream import Upstream

# A random second version may be much smaller than the first: let it replace it.
ANY_SIZE = "min_ratio = 0.0"
PROFILE = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

letters = st.characters(
    min_codepoint=0x41, max_codepoint=0x7FF, categories=("Lu", "Ll", "Lo", "Nd")
)
word = st.text(letters, min_size=1, max_size=8)
# Names with single spaces, commas and quotes inside, never at the ends (upstream text is
# trimmed; the export collapses runs of spaces).
name = (
    st.lists(word, min_size=0, max_size=3)
    .flatmap(
        lambda words: st.tuples(
            st.just(words),
            st.lists(
                st.sampled_from([" ", ", ", '"', "'"]), min_size=len(words), max_size=len(words)
            ),
        )
    )
    .map(lambda pair: "".join(w + s for w, s in zip(pair[0], pair[1])).rstrip(" ,\"'").strip())
)
callsign = st.text(st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"), min_size=3,
                   max_size=8)  # fmt: skip
radio_id = st.integers(min_value=1, max_value=(1 << 24) - 1)

user = st.fixed_dictionaries(
    {
        "id": radio_id,
        "callsign": callsign,
        "fname": name,
        "surname": name,
        "city": name,
        "state": name,
        "country": name,
        "has_valid_callsign": st.sampled_from(["1", "0"]),
        "has_valid_email": st.sampled_from([1, 0]),
    }
)
users = st.lists(user, min_size=1, max_size=60)
talkgroups = st.dictionaries(
    st.integers(min_value=1, max_value=(1 << 32) - 1).map(str), name, min_size=1, max_size=40
)
repeater = st.fixed_dictionaries(
    {
        "id": st.integers(min_value=1, max_value=(1 << 32) - 1),
        "callsign": callsign,
        "latitude": st.floats(min_value=-90, max_value=90, allow_nan=False),
        "longitude": st.floats(min_value=-180, max_value=180, allow_nan=False),
        "city": name,
        "mode": st.sampled_from(["DMR", "FM", "D-STAR"]),
        "frequency": st.integers(min_value=1, max_value=10_000_000_000),
        "offset": st.integers(min_value=-10_000_000, max_value=10_000_000),
    }
)
repeaters = st.lists(repeater, min_size=1, max_size=40)


@pytest.fixture(scope="module")
def upstream_module() -> Iterator[Upstream]:
    with Upstream() as server:
        yield server


@contextlib.contextmanager
def workspace(up: Upstream, enabled: List[str], sync_options: str = "") -> Iterator[Path]:
    tmp = Path(tempfile.mkdtemp(prefix="dmr-edge-property-"))
    try:
        config = write_config(tmp / "config.toml", tmp, up, enabled=enabled)
        if sync_options:
            text = config.read_text().replace("[http]", f"[sync]\n{sync_options}\n[http]", 1)
            config.write_text(text)
        yield tmp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def sync(tmp: Path, *extra: str) -> Tuple[int, str, str]:
    from dmr_edge.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["sync", "--config", str(tmp / "config.toml"), "--max-age", "0", *extra])
    return code, out.getvalue(), err.getvalue()


def export(tmp: Path, kind: str) -> str:
    from dmr_edge.cli import main

    target = tmp / f"out.{kind}"
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        assert main(["export", kind, "--config", str(tmp / "config.toml"), "--out",
                     str(target)]) == 0  # fmt: skip
    return target.read_text(encoding="utf-8")


def rows(db: Path, sql: str) -> List[tuple]:
    conn = sqlite3.connect(str(db))
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def expected_users(records: List[Dict[str, Any]]) -> List[tuple]:
    last: Dict[int, Dict[str, Any]] = {}
    for record in records:
        last[record["id"]] = record
    return [
        (r["id"], r["callsign"], r["fname"], r["surname"], r["city"], r["state"], r["country"],
         int(r["has_valid_callsign"]), r["has_valid_email"], None)
        for _, r in sorted(last.items())
    ]  # fmt: skip


def serve(up: Upstream, source: str, doc: Any, tag: str) -> None:
    up.set(PATHS[source], json.dumps(doc).encode(), etag=f'"{tag}"')


@PROFILE
@given(first=users, second=users)
def test_random_valid_users_round_trip_through_sync_and_export(upstream_module, first, second):
    with workspace(upstream_module, ["radioid_users"], ANY_SIZE) as tmp:
        for version, records in ((1, first), (2, second)):
            serve(upstream_module, "radioid_users", {"users": records}, f"{id(records)}-{version}")
            code, out, err = sync(tmp)
            assert code == 0, err
        want = expected_users(second)
        users_sql = f"SELECT {DATA_COLUMNS['users']} FROM users ORDER BY id"
        assert rows(tmp / "db.sqlite", users_sql) == want

        table = list(csv.reader(io.StringIO(export(tmp, "usercsv"))))
        assert table[0] == ["RADIO_ID", "CALLSIGN", "FIRST_NAME", "LAST_NAME", "CITY", "STATE",
                            "COUNTRY"]  # fmt: skip
        assert [tuple(r) for r in table[1:]] == [(str(w[0]), *w[1:7]) for w in want]

        lines = export(tmp, "dmrids").splitlines()
        data = [line.split("\t") for line in lines if line and not line.startswith("#")]
        assert [(int(d[0]), d[1]) for d in data] == [(w[0], w[1]) for w in want]


@PROFILE
@given(first=talkgroups, second=talkgroups)
def test_random_talkgroup_maps_round_trip_through_sync(upstream_module, first, second):
    with workspace(upstream_module, ["brandmeister_talkgroups"], ANY_SIZE) as tmp:
        for version, doc in ((1, first), (2, second)):
            serve(upstream_module, "brandmeister_talkgroups", doc, f"{id(doc)}-{version}")
            code, out, err = sync(tmp)
            assert code == 0, err
        got = rows(tmp / "db.sqlite", "SELECT id, name FROM talkgroups ORDER BY id")
        assert got == sorted((int(k), v) for k, v in second.items())


@PROFILE
@given(first=repeaters, second=repeaters)
def test_random_repeaters_round_trip_through_sync_in_hz(upstream_module, first, second):
    with workspace(upstream_module, ["hearham_repeaters"], ANY_SIZE) as tmp:
        for version, doc in ((1, first), (2, second)):
            serve(upstream_module, "hearham_repeaters", doc, f"{id(doc)}-{version}")
            code, out, err = sync(tmp)
            assert code == 0, err
        last = {r["id"]: r for r in second}
        want = [
            (i, r["callsign"], r["frequency"], r["frequency"] + r["offset"] or None, r["city"],
             r["mode"], r["latitude"], r["longitude"])
            for i, r in sorted(last.items())
        ]  # fmt: skip
        got = rows(
            tmp / "db.sqlite",
            "SELECT id, callsign, tx_hz, rx_hz, city, mode, lat, lng FROM repeaters ORDER BY id",
        )
        assert got == want


# --- random damage ------------------------------------------------------------------------

BASE = [
    {"id": 3100000 + i, "callsign": f"K{i}AB", "fname": f"Name {i}", "surname": "", "city": "X",
     "state": "", "country": "United States", "has_valid_callsign": "1", "has_valid_email": 0}
    for i in range(30)
]  # fmt: skip
OLD = json.dumps({"users": BASE}).encode()
NEW = json.dumps({"users": [dict(r, city="Y") for r in BASE]}).encode()

mutation = st.one_of(
    st.tuples(st.just("flip"), st.integers(0, len(NEW) - 1), st.integers(1, 255)),
    st.tuples(st.just("insert"), st.integers(0, len(NEW)), st.binary(min_size=1, max_size=8)),
    st.tuples(st.just("delete"), st.integers(0, len(NEW) - 1), st.integers(1, 40)),
    st.tuples(st.just("cut"), st.integers(0, len(NEW) - 1), st.just(0)),
)


def damage(data: bytes, mutations: List[Tuple[str, int, Any]]) -> bytes:
    buf = bytearray(data)
    for kind, at, arg in mutations:
        at = min(at, len(buf))
        if kind == "flip" and at < len(buf):
            buf[at] ^= arg
        elif kind == "insert":
            buf[at:at] = arg
        elif kind == "delete":
            del buf[at : at + arg]
        elif kind == "cut":
            del buf[at:]
    return bytes(buf)


def users_table(db: Path) -> Optional[List[tuple]]:
    if not db.exists():
        return None
    conn = sqlite3.connect(str(db))
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return conn.execute(f"SELECT {DATA_COLUMNS['users']} FROM users ORDER BY id").fetchall()
    finally:
        conn.close()


@settings(PROFILE, max_examples=80)
@given(
    mutations=st.lists(mutation, min_size=1, max_size=4), parser=st.sampled_from(["auto", "ijson"])
)
def test_random_damage_to_a_download_never_corrupts_the_database(
    upstream_module, mutations, parser
):
    damaged = damage(NEW, mutations)
    with (
        workspace(upstream_module, ["radioid_users"]) as tmp,
        workspace(upstream_module, ["radioid_users"]) as clean,
    ):
        for where in (tmp, clean):
            config = where / "config.toml"
            config.write_text(
                config.read_text().replace("[http]", f'[sync]\nparser = "{parser}"\n[http]', 1)
            )
        serve_bytes(upstream_module, OLD, "old")
        assert sync(tmp)[0] == 0
        old = users_table(tmp / "db.sqlite")

        serve_bytes(upstream_module, damaged, f"damaged-{hash(damaged)}")
        code, out, err = sync(tmp)
        assert code in (0, 1, 75), err
        assert "internal error" not in err and "Traceback" not in err, err
        after = users_table(tmp / "db.sqlite")

        clean_code, _, _ = sync(clean)  # the damaged file loaded on its own into a fresh db
        fresh = users_table(clean / "db.sqlite") if clean_code == 0 else None
        if code != 0:
            assert after == old
        else:
            assert after in (old, fresh)


def serve_bytes(up: Upstream, body: bytes, tag: str) -> None:
    up.set(PATHS["radioid_users"], body, etag=f'"{tag}"')
