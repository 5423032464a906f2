"""The streaming scanner: same records as json.loads, at any read boundary, on any backend."""

from __future__ import annotations

import io
import json
import random
import subprocess
import sys

import pytest

from dmr_edge import jsonscan
from dmr_edge.errors import ParseError
from dmr_edge.jsonscan import scan_records
from dmr_edge.sources import SOURCES
from dmr_edge.stream import iter_records
from tests.conftest import tiny_documents


class OneByteAtATime(io.RawIOBase):
    def __init__(self, data: bytes) -> None:
        self.data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        return self.data.read(1)


def sample_document(count: int = 300) -> bytes:
    rng = random.Random(4)
    users = [
        {
            "id": 1000000 + i,
            "callsign": f"AB{i}CD",
            "fname": "Zoë 張" * rng.randint(0, 3),
            "city": 'Saint-Étienne, "Loire"',
            "lat": rng.random(),
            "n": None,
            "x": [1, {"y": True}],
        }
        for i in range(count)
    ]
    return json.dumps(
        {"count": count, "users": users, "tail": {"a": [1, 2]}},
        ensure_ascii=False,
        indent=rng.choice([None, 1]),
    ).encode()


def test_records_match_json_loads_when_read_one_byte_at_a_time(monkeypatch):
    monkeypatch.setattr(jsonscan, "_READ_SIZE", 1)
    document = sample_document(60)
    records = list(scan_records(OneByteAtATime(document), "array", ("users",)))
    assert records == json.loads(document)["users"]


@pytest.mark.parametrize("read_size", [3, 17, 256, 4096])
def test_records_match_json_loads_at_every_window_size(monkeypatch, read_size):
    monkeypatch.setattr(jsonscan, "_READ_SIZE", read_size)
    document = sample_document()
    assert (
        list(scan_records(io.BytesIO(document), "array", ("users",)))
        == json.loads(document)["users"]
    )


def test_a_truncated_stream_yields_what_it_read_then_raises():
    document = sample_document(50)
    seen = []
    with pytest.raises(ParseError):
        for record in scan_records(io.BytesIO(document[: len(document) // 2]), "array", ("users",)):
            seen.append(record)
    assert 0 < len(seen) < 50


def test_a_record_larger_than_the_limit_is_refused_without_reading_it_all():
    document = b'[{"id":1,"callsign":"' + b"x" * 3_000_000 + b'"}]'
    with pytest.raises(ParseError, match="larger than"):
        list(scan_records(io.BytesIO(document), "array", max_record=1 << 20))


@pytest.mark.parametrize(
    "document, message",
    [
        (b"[NaN]", "NaN"),
        (b'[{"a":Infinity}]', "Infinity"),
        (b"[" * 10000 + b"]" * 10000, "nesting too deep"),
        (b'[{"a":"\xff"}]', "invalid UTF-8"),
        (b'{"users":[],"users":[]}', "two record lists"),
    ],
)
def test_invalid_json_is_refused_with_a_reason(document, message):
    with pytest.raises(ParseError, match=message):
        list(scan_records(io.BytesIO(document), "array", ("users",)))


def test_a_byte_order_mark_is_tolerated():
    assert list(scan_records(io.BytesIO(b"\xef\xbb\xbf[1]"), "array")) == [1]


@pytest.mark.parametrize("source", list(SOURCES))
def test_scanner_and_ijson_give_the_same_records_for_every_source(source):
    document = tiny_documents()[source]
    spec = SOURCES[source]
    scanned = list(iter_records(io.BytesIO(document), spec, "scanner"))
    parsed = list(iter_records(io.BytesIO(document), spec, "ijson"))
    assert [tuple(r) if isinstance(r, tuple) else r for r in scanned] == [
        tuple(r) if isinstance(r, tuple) else r for r in parsed
    ]


def test_the_pure_python_ijson_backend_gives_the_same_rows(tmp_path):
    document = tmp_path / "users.json"
    document.write_bytes(sample_document(20))
    code = (
        "import io, json, sys, ijson\n"
        "from dmr_edge.sources import SOURCES\n"
        "from dmr_edge.stream import iter_records\n"
        "spec = SOURCES['radioid_users']\n"
        "rows = list(iter_records(open(sys.argv[1], 'rb'), spec, 'ijson'))\n"
        "print(ijson.backend, len(rows), json.dumps(rows[3], sort_keys=True))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(document)],
        capture_output=True,
        text=True,
        check=True,
        env={"IJSON_BACKEND": "python", "PATH": "/usr/bin:/bin"},
    ).stdout.split(" ", 2)
    assert out[0] == "python" and out[1] == "20"
    assert json.loads(out[2]) == json.loads(document.read_bytes())["users"][3]


def test_a_number_beside_the_record_list_is_read_whole_at_the_window_edge():
    # "2.0" cut after "2." by the first 2,048-character read: once taken for a whole 2.
    for length in range(2000, 2060):
        document = ('{"info":"%s","version":2.0e1,"users":[{"id":1}]}' % ("x" * length)).encode()
        assert list(scan_records(io.BytesIO(document), "array", ("users",))) == [{"id": 1}]


def test_a_tab_inside_a_string_is_invalid_json_at_its_character_not_a_large_record():
    document = b'{"users":[{"id":1,"a":"x\ty"}' + b',{"id":2}' * 200_000 + b"]}"
    with pytest.raises(ParseError) as caught:
        list(scan_records(io.BytesIO(document), "array", ("users",)))
    at = document.index(b"\t")
    assert str(caught.value) == (
        f"invalid JSON at character {at}: a control character inside a string"
    )
