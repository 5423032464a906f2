"""Cache file → records → validated rows, in fixed-size chunks.

``open_document`` undoes gzip/xz/bz2 by content (not by name). ``iter_records`` picks the
parser: the sliding-window scanner for the shapes upstreams really serve, or ijson (forced
with ``parser="ijson"``). ``RowStream`` turns records into rows and counts rejections.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import IO, Any, Callable, TypeVar

from dmr_edge.errors import ParseError, RecordError
from dmr_edge.jsonscan import DEFAULT_MAX_RECORD, SKIPPED, RecordHints, digester, scan_records
from dmr_edge.record import dataclass, field
from dmr_edge.sources import ROW_FORMAT, Row, SourceSpec, fields

T = TypeVar("T")

_MAGIC = (
    (b"\x1f\x8b", "gzip"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"BZh", "bz2"),
)
MAX_REASONS = 5
# What a digest also depends on: the conversions' version, and the Python that runs them
# (str.strip, upper and isdigit follow its Unicode version). Either changing, rows are made
# again from their records, once.
_PERSON = f"rows{ROW_FORMAT}py{sys.version_info[0]}.{sys.version_info[1]}".encode()[:16]


def compression_of(head: bytes) -> str | None:
    """Return "gzip", "xz" or "bz2" when ``head`` starts with that format's magic bytes."""
    for magic, name in _MAGIC:
        if head.startswith(magic):
            return name
    return None


def open_document(path: str) -> IO[bytes]:
    """Open a JSON document for reading, decompressing it when its content says so.

    Only the decompressor the content needs is imported. A corrupt or cut compressed
    stream raises ``ParseError`` from ``read``, whichever library found it.
    """
    raw = open(path, "rb")  # noqa: SIM115 - returned to the caller, who closes it
    head = raw.read(6)
    raw.seek(0)
    kind = compression_of(head)
    if kind == "gzip":
        import gzip
        import zlib

        inner: Any = gzip.GzipFile(fileobj=raw, mode="rb")
        errors: tuple[type[BaseException], ...] = (OSError, EOFError, zlib.error)
    elif kind == "xz":
        import lzma

        inner, errors = lzma.LZMAFile(raw, "rb"), (lzma.LZMAError, EOFError)  # noqa: SIM115
    elif kind == "bz2":
        import bz2

        inner, errors = bz2.BZ2File(raw, "rb"), (OSError, EOFError)  # noqa: SIM115
    else:
        return raw
    return _Decompressed(inner, raw, errors, kind)  # type: ignore[return-value]


class _Decompressed:
    """A decompressing reader whose corrupt input is a ``ParseError``."""

    def __init__(
        self, inner: Any, raw: IO[bytes], errors: tuple[type[BaseException], ...], kind: str
    ) -> None:
        self.inner, self.raw, self.errors, self.kind = inner, raw, errors, kind

    def read(self, size: int = -1) -> bytes:
        try:
            return self.inner.read(size)  # type: ignore[no-any-return]
        except self.errors as exc:
            raise ParseError(f"cannot decompress ({self.kind}): {exc}") from None

    def seek(self, offset: int, whence: int = 0) -> int:
        return self.inner.seek(offset, whence)  # type: ignore[no-any-return]

    def close(self) -> None:
        self.inner.close()
        self.raw.close()

    def __enter__(self) -> _Decompressed:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def ijson_backend() -> str:
    """Return the name of the ijson backend in use (yajl2_c, yajl2_cffi, python, ...)."""
    try:
        import ijson
    except ImportError:
        return "missing"
    return str(getattr(ijson, "backend", "unknown"))


class Records:
    """The records of one source document, read from a binary stream as they are iterated.

    Iterating raises ``ParseError`` when the document is malformed, cut short or of the wrong
    shape — possibly after some records were yielded, so nothing may be committed before the
    end. ``hints`` says what the parser knows about the record it has just yielded.
    """

    def __init__(
        self,
        stream: IO[bytes],
        spec: SourceSpec,
        parser: str = "auto",
        *,
        digests: bool = False,
        skip: Callable[[int], bool] | None = None,
        key: bytes = b"",
    ) -> None:
        self._records: Iterator[Any]
        if parser == "ijson":
            self.hints = RecordHints()  # ijson has no record text: no digests, no skipping
            self.hints.surrogates = True  # ijson cannot say: every row is checked
            self._records = _ijson_records(stream, spec)
        else:
            hasher = digester(key, _PERSON) if digests or skip is not None else None
            self.hints = RecordHints(digests=digests, skip=skip, hasher=hasher)
            self._records = scan_records(stream, spec.kind, spec.containers, hints=self.hints)

    def __iter__(self) -> Iterator[Any]:
        return self._records


def iter_records(
    stream: IO[bytes],
    spec: SourceSpec,
    parser: str = "auto",
    *,
    digests: bool = False,
    skip: Callable[[int], bool] | None = None,
    key: bytes = b"",
) -> Records:
    """Return the records of one source document (see ``Records``; ``digests`` and
    ``skip`` as ``RecordHints`` has them, digests keyed with ``key``)."""
    return Records(stream, spec, parser, digests=digests, skip=skip, key=key)


class _RecordBound:
    """A reader that refuses to feed ijson more than ``limit`` bytes between two records.

    ijson (whatever its backend) gathers a whole string or number before it yields
    anything, so one 100 MB string would cost 100 MB and more; counting the bytes read since
    the last record bounds that, as the scanner's ``max_record`` does.
    """

    def __init__(self, stream: IO[bytes], limit: int) -> None:
        self.stream = stream
        self.limit = limit
        self.since = 0

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.since += len(data)
        if self.since > self.limit:
            raise ParseError(f"a record is larger than {self.limit} bytes")
        return data

    def seek(self, offset: int, whence: int = 0) -> int:
        self.since = 0
        return self.stream.seek(offset, whence)


def _ijson_records(stream: IO[bytes], spec: SourceSpec) -> Iterator[Any]:
    import ijson

    # Up to 4 bytes a character: never refuse a record the scanner would accept.
    bounded = _RecordBound(stream, 4 * DEFAULT_MAX_RECORD)
    reader: Any = bounded
    # A UTF-8 byte order mark is tolerated, as by the scanner; ijson would refuse it.
    start = 3 if reader.read(3) == b"\xef\xbb\xbf" else 0
    try:
        reader.seek(start)
        if spec.kind == "map":
            _ijson_top(reader, "start_map", "a JSON object")
            reader.seek(start)
            for item in ijson.kvitems(reader, "", use_float=True):
                bounded.since = 0
                yield item
            return
        prefix = _ijson_prefix(reader, spec.containers)
        reader.seek(start)
        for item in ijson.items(reader, prefix, use_float=True):
            bounded.since = 0
            yield item
    except UnicodeDecodeError:
        # yajl2 backends also fail so on a lone "\udc00" escape, which they cannot decode.
        raise ParseError("invalid UTF-8 (or a lone surrogate escape)") from None
    except (ijson.JSONError, ValueError) as exc:  # the pure-Python backend raises ValueError
        raise ParseError(f"malformed or cut-short JSON ({_one_line(exc)})") from None


def _ijson_top(stream: IO[bytes], event: str, what: str) -> None:
    """Refuse a document whose top-level value does not start with ``event``."""
    import ijson

    for _prefix, found, _value in ijson.parse(stream, use_float=True):
        if found == event:
            return
        break
    raise ParseError(f"expected {what} at the top level")


def _one_line(exc: Exception, limit: int = 200) -> str:
    """The first line of an exception's message (yajl's go on to show the text), shortened."""
    lines = str(exc).strip().splitlines() or [type(exc).__name__]
    text = " ".join(lines[0].split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _ijson_prefix(stream: IO[bytes], containers: tuple[str, ...]) -> str:
    """The ijson prefix of the record list, found as the scanner finds it.

    A list at the top, or the first member of a top-level object named like a container
    whose value is a list (``{"results": null, "users": [...]}`` holds the ``users`` list).
    """
    import ijson

    named: str | None = None  # a container's key, waiting for its value
    for prefix, event, value in ijson.parse(stream, use_float=True):
        if named is not None and prefix == named:
            if event == "start_array":
                return f"{named}.item"
            named = None
        elif prefix == "":
            if event == "start_array":
                return "item"
            if event == "map_key":
                named = value if value in containers else None
            elif event in ("string", "number", "boolean", "null"):
                break
    raise ParseError("no record list in the document")


@dataclass
class ParseStats:
    records: int = 0
    rejected: int = 0
    reasons: list[str] = field(default_factory=list)


class RowStream:
    """Records → rows, each ending with its record's digest (None when unknown); rejected
    records are counted with their first few reasons. A record the scanner skipped as
    unchanged is counted and yields no row. ``on_row`` is told each row's id as it is
    converted, in document order."""

    def __init__(
        self,
        records: Iterable[Any],
        spec: SourceSpec,
        on_row: Callable[[int], None] | None = None,
    ) -> None:
        self.records = records
        self.spec = spec
        self.stats = ParseStats()
        self.on_row = on_row
        # Records from anything but the scanner may hold lone surrogates anywhere.
        self.hints = records.hints if isinstance(records, Records) else _EVERY_ROW

    def __iter__(self) -> Iterator[Row]:
        to_row = self.spec.to_row
        columns = self.spec.columns
        at = columns.index("id")
        stats = self.stats
        hints = self.hints
        on_row = self.on_row
        for record in self.records:
            stats.records += 1
            if record is SKIPPED:
                continue
            try:
                row = to_row(record)
                if hints.surrogates:
                    fields.refuse_lone_surrogates(row, columns)
            except RecordError as exc:
                stats.rejected += 1
                if len(stats.reasons) < MAX_REASONS:
                    stats.reasons.append(f"record {stats.records}: {exc}")
                continue
            if on_row is not None:
                on_row(row[at])
            yield (*row, hints.digest)


_EVERY_ROW = RecordHints()
_EVERY_ROW.surrogates = True


def chunked(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Yield lists of at most ``size`` items."""
    batch: list[T] = []
    append = batch.append
    for item in items:
        append(item)
        if len(batch) >= size:
            yield batch
            batch = []
            append = batch.append
    if batch:
        yield batch
