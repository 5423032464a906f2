"""The streaming scanner: same records as json.loads, at any read boundary, on any backend."""

from __future__ import annotations

import io
import json
import random
import re
import subprocess
import sys

import pytest

from dmr_edge import jsonscan
from dmr_edge.errors import ParseError
from dmr_edge.jsonscan import scan_records
from dmr_edge.sources import SOURCES
from dmr_edge.stream import iter_records
from tests.conftest import ROOT, tiny_documents


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


# --- every read boundary, against json.loads ---------------------------------------------


class Pieces(io.RawIOBase):
    """Hands out a document in pieces: ``first`` bytes, then ``size`` bytes at a time."""

    def __init__(self, data: bytes, first: int, size: int) -> None:
        self.data = data
        self.at = 0
        self.first = first or size
        self.size = size

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        take = self.first if self.at == 0 else self.size
        piece = self.data[self.at : self.at + min(take, size if size >= 0 else take)]
        self.at += len(piece)
        return piece


def _refuse(name: str) -> object:
    raise ValueError(name)


def loads(document: bytes) -> object:
    """json.loads as the scanner reads JSON: NaN and Infinity are not JSON; a BOM is."""
    return json.loads(document.decode("utf-8-sig"), parse_constant=_refuse)


LONG = "x" * 2040
# A \uD800-\uDFFF escape in JSON text: after an even number of backslashes (two
# backslashes then "ud800" are an escaped backslash, then plain text).
SURROGATE_ESCAPE = re.compile(r"(?:^|[^\\])(?:\\\\)*\\u[dD][89a-fA-F]")
# Documents of the shapes the scanner reads, with numbers and literals inside and outside
# the records; non-BMP characters only as escapes (so the text holds what json.dumps shows).
VALID = [
    ("array", b'[1.5e3, -2, 0.25, true, null, false, "x", {"a": -1.0E-2, "b": [true, false,'
     b' null]}, [], {}, 0, -0.0, 12345678901234567890, 1E+2, 1e400, -7.25e-3]'),
    ("array", b'{"count": 12.5e-1, "ok": true, "none": null, "results": null, "users": [{"id": 1,'
     b' "lat": 51.5, "f": false}, 2.0, {"id": 3, "t": true}, -3e2], "version": 2.0, "tail":'
     b' -0.5e-3, "z": false, "n": null, "list": [1.5, true]}'),
    ("array", b'{"info": "' + LONG[:200].encode() + b'", "version": 2.0, "users": [1e1, 2E-1,'
     b' {"v": 3.25}], "v": 1.0}'),
    ("array", b' \n {\n "results" : {"users": [9]} ,\n "users" :\n [ 10 , 2.5 , true ,'
     b' null ] \n , "x" : 1.0e+2 } \n '),
    ("array", b'{"users": []}'),
    ("array", b"[]"),
    ("array", b'\xef\xbb\xbf[{"id": 1.25}]'),
    ("array", b'[{"s": "\\u00e9\\ud83d\\ude00"}, {"k\\ud800": "\\udfff"}, "\\\\ud800", "plain",'
     b' {"n": "\\ud800\\ud800"}, "Zo\xc3\xab \xe5\xbc\xb5 \\"q\\" \\\\", "\\/"]'),
    ("map", b'{"1": 2.5, "2": "x", "3": null, "4": true, "5": false, "6": -1e-2, "7": [1, 2.0],'
     b' "8": {"a": 1}, "9": "\\ud800", "10": 7}'),
    ("map", b"{}"),
]
INVALID = [
    ("array", doc)
    for doc in (
        b"[1.]", b"[1e]", b"[1e+]", b"[-]", b"[tru]", b"[nul]", b"[fals]", b"[truex]",
        b"[1,]", b"[01]", b"[1.5.2]", b"[1 2]", b"[1] x", b"[NaN]", b"[-Infinity]",
        b'["\\x"]', b'["\\u12"]', b'["\\u12g4"]', b'{"users": [1]', b"[1, 2", b"[",
        b'[{"a": 1,}]', b'{"users" [1]}', b'{"version": 2., "users": []}',
        b'{"users": [1], "v": 1.}', b'{"users": [1], "v": 1e}', b'{"v": tru, "users": []}',
        b'{"users": [1], "v": nul}', b'[{"a": "x\ty"}]', b'[{"a": "x\x01y"}]', b"[1.0e+]",
        b'[1, {"a": [1, 2}]',
    )
] + [("map", doc) for doc in (b'{"1": 2.}', b'{"1": tru}', b'{"1": 1,}', b"{1: 2}", b'{"1": 1e}')]


def expected_records(kind: str, document: bytes) -> list:
    value = loads(document)
    if kind == "map":
        return [list(pair) for pair in value.items()]
    return value if isinstance(value, list) else value["users"]


def scanned(kind: str, stream: io.RawIOBase) -> list:
    """The records, each with whether the scanner said it may hold a lone surrogate."""
    hints = jsonscan.RecordHints()
    out = []
    for record in scan_records(stream, kind, ("users", "results"), hints=hints):
        out.append((list(record) if kind == "map" else record, hints.surrogates))
    return out


def readers(document: bytes):
    for split in range(1, len(document)):  # one read boundary at every offset
        yield f"split at {split}", Pieces(document, split, 1 << 20)
    for size in range(1, 40):  # pieces of every small size
        yield f"pieces of {size}", Pieces(document, size, size)


@pytest.mark.parametrize("margin", [jsonscan._MARGIN, 0, 7])
@pytest.mark.parametrize("index", range(len(VALID)))
def test_the_scanner_reads_what_json_loads_reads_at_every_read_boundary(
    monkeypatch, margin, index
):
    monkeypatch.setattr(jsonscan, "_MARGIN", margin)
    kind, document = VALID[index]
    records = expected_records(kind, document)
    # What the scanner sees: a record whose text holds a \uD800-\uDFFF escape.
    hints = [bool(SURROGATE_ESCAPE.search(json.dumps(r))) for r in records]
    expected = list(zip(records, hints))
    for where, reader in readers(document):
        assert scanned(kind, reader) == expected, where


@pytest.mark.parametrize("margin", [jsonscan._MARGIN, 0])
@pytest.mark.parametrize("index", range(len(INVALID)))
def test_the_scanner_refuses_what_json_loads_refuses_at_every_read_boundary(
    monkeypatch, margin, index
):
    monkeypatch.setattr(jsonscan, "_MARGIN", margin)
    kind, document = INVALID[index]
    with pytest.raises(ValueError):
        loads(document)
    for where, reader in readers(document):
        try:
            scanned(kind, reader)
        except ParseError:
            continue
        pytest.fail(f"{document!r} read, {where}")


def test_a_number_beside_the_record_list_is_read_whole_at_the_window_edge():
    # "2.0" cut after "2." by the first 2,048-character read: once taken for a whole 2.
    for length in range(2000, 2060):
        document = ('{"info":"%s","version":2.0e1,"users":[{"id":1}]}' % ("x" * length)).encode()
        assert list(scan_records(io.BytesIO(document), "array", ("users",))) == [{"id": 1}]


# --- the two parsers agree -----------------------------------------------------------------

LONG_INFO = b'{"info":"' + LONG.encode() + b'","version":2.0,"users":[{"id":1}]}'
# (source, document): odd documents, each read alike by the scanner and by ijson (the same
# records, or both refusing).
ODD = [("radioid_users", doc) for doc in (
    b'{"results":null,"users":[{"id":1}]}', b'{"users":null,"results":[1]}',
    b'{"results":{"users":[1]},"users":[2]}', b'{"results":"users","users":[2]}',
    b'{"results":[],"count":0}', b'{"count":3,"users":[]}', b"[]", b"[[]]",
    b'[1, "two", null, [3], {}, 2.5e-3, true]', LONG_INFO,
    b'{"users":[{"id":1}],"tail":{"a":[1,2]},"v":-0.5e-3}', b'\xef\xbb\xbf{"users":[1]}',
    b'{"users":[{"id":1,"a":"x\ty"}]}', b'{"users":[{"id":1,"a":"x\x1fy"}]}',
    b'{"users":[1]} trailing', b'{"users":[1]} {}', b"[1] [2]", b"", b" \n", b"null",
    b'"users"', b"12", b'{"people":[1]}', b"{}", b"[NaN]", b"[-Infinity]", b"[1.]", b"[01]",
    b"[1,]", b'{"users":[1],}', b'["\\ud83d\\ude00", "\\u00e9"]', b'[{"a":"\xff"}]',
    b'[{"a":"\xed\xa0\x80"}]', b'[{"a":' * 500 + b"1" + b"}" * 500 + b"]",
    b'{"users":[1]', b'{"users":[1', b'{"users"', b'{"a":1,"users":[1]}',
    b'{"users": [1], "a": 1.5e}', b"<html><body>Just a moment...</body></html>",
    b'{"users":[{"id":1}],"users_count":1}', b'{"users" :\n[ 1 ,\n2 ]\n}',
)] + [("brandmeister_talkgroups", doc) for doc in (
    b'{"1":"Local","91":"World"}', b"{}", b"[]", b'{"1":2.5,"2":null,"3":[1],"4":{"a":1}}',
    b'{"1":"a",}', b'{"1":"a"} x', b"null", b'\xef\xbb\xbf{"1":"a"}', b'{"1":"a\tb"}',
)]
# Where they differ, on purpose or through ijson's backends; each is one bad document or
# record, and neither parser fails other than with a ParseError.
DIFFERENT = [("radioid_users", doc) for doc in (
    b'{"users":[1],"users":[2]}',  # the scanner refuses two record lists; ijson reads on
    b'{"users":[1],"results":[2]}',  # (finding them costs ijson a second full pass)
    b"[1e400]",  # json reads infinity (a record rejected by its fields); ijson refuses
    b"[" + b"1" * 30 + b"]",  # beyond 64 bits: yajl2 refuses the document
    b'["\\ud800"]', b'["\\udc00"]',  # lone surrogates: yajl2 gives "?" or refuses
    b"[" * 5000 + b"]" * 5000,  # deeper than Python's recursion: the scanner refuses
)]


def parse_outcome(source: str, document: bytes, parser: str) -> object:
    try:
        records = list(iter_records(io.BytesIO(document), SOURCES[source], parser))
    except ParseError as exc:
        assert "\n" not in str(exc), str(exc)
        return "refused"
    return [list(r) if isinstance(r, tuple) else r for r in records]


def disagreements() -> list:
    """The ODD documents (as indexes) that the scanner and ijson read differently."""
    for source, document in DIFFERENT:
        for parser in ("scanner", "ijson"):
            parse_outcome(source, document, parser)
    return [
        i
        for i, (source, document) in enumerate(ODD)
        if parse_outcome(source, document, "scanner") != parse_outcome(source, document, "ijson")
    ]


def test_the_scanner_and_ijson_read_odd_documents_alike():
    assert [ODD[i] for i in disagreements()] == []


def test_the_scanner_and_the_pure_python_ijson_backend_read_odd_documents_alike():
    code = (
        "import json, ijson\n"
        "from tests.test_jsonscan import disagreements\n"
        "print(ijson.backend, json.dumps(disagreements()))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=str(ROOT),
        env={"IJSON_BACKEND": "python", "PATH": "/usr/bin:/bin"},
    ).stdout.split(" ", 1)  # fmt: skip
    assert out[0] == "python"
    assert [ODD[i] for i in json.loads(out[1])] == []


def test_a_tab_inside_a_string_is_invalid_json_at_its_character_not_a_large_record():
    document = b'{"users":[{"id":1,"a":"x\ty"}' + b',{"id":2}' * 200_000 + b"]}"
    with pytest.raises(ParseError) as caught:
        list(scan_records(io.BytesIO(document), "array", ("users",)))
    at = document.index(b"\t")
    assert str(caught.value) == (
        f"invalid JSON at character {at}: a control character inside a string"
    )
