"""A streaming scanner for the JSON documents DMR upstreams serve.

Those documents are one long list of small records (at the top, or inside a wrapper
object such as ``{"users": [...]}``), or one flat object of key → value pairs. The scanner
reads a sliding window of text and hands each record to the standard library's C scanner
(``json``'s ``scan_once``), so only one record's worth of text is ever held beyond the
window, and the per-record cost is C speed whichever ijson backend is installed.

It refuses what is not exactly one well-formed document: trailing data, a cut-off stream
(after yielding the records it could read — callers must not commit those), NaN and
Infinity, invalid UTF-8, invalid JSON inside a record (said as what and where), and any
single record larger than ``max_record`` characters.

A lone UTF-16 surrogate (``"\\ud800"``) is valid JSON but not text: SQLite cannot store it.
It can only come from a ``\\uD800``-``\\uDFFF`` escape (strict UTF-8 decoding refuses encoded
surrogates), so the scanner looks for those escapes as it reads and says, in
``RecordHints.surrogates``, whether the record it just yielded holds one; only such records
need their text checked.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator
from typing import IO, Any, Callable, Optional

from dmr_edge.errors import ParseError

DEFAULT_MAX_RECORD = 1 << 20  # characters; no real record comes near this
# Small reads keep every window string small. With 64 KiB reads of non-ASCII text the
# window strings (UCS-2, 128-400 KB) land around glibc's dynamic mmap threshold, and the
# heap kept ~12 MB of freed holes after 295k generated users, growing with the file; with
# 2 KiB reads it stays flat (measured by ``dmr-edge bench`` and tests/test_memory.py).
_READ_SIZE = 1 << 11
_WS = re.compile(r"[ \t\n\r]*")
_MARGIN = 2048  # characters of look-ahead wanted before scanning a record
_COMMA = re.compile(r"[ \t\n\r]*,[ \t\n\r]*")
# What the C scanner leaves after a number cut by the window's end ("1." or "1e+" there): the
# number may be longer than it saw.
_NUMBER_TAIL = re.compile(r"\.|[eE][+-]?")
# An error this far or farther from the window's end cannot be caused by the window's end
# (the C scanner looks at most 9 characters ahead, for "-Infinity"), so more text would not
# change it.
_LOOKAHEAD = 32
_NONE = 1 << 62  # no pending surrogate escape
_MESSAGES = (  # the json module's messages (the start of them), said plainly
    ("Invalid control character", "a control character inside a string"),
    ("Invalid \\escape", "an invalid escape in a string"),
    ("Invalid \\uXXXX escape", "an invalid \\uXXXX escape"),
    ("Expecting value", "expected a value"),
    ("Expecting ',' delimiter", "expected ','"),
    ("Expecting ':' delimiter", "expected ':'"),
    ("Expecting property name enclosed in double quotes", "expected a quoted key"),
)
# Errors about a character present in the text: never caused by the window's end.
_IN_PLACE = ("Invalid control character", "Invalid \\escape")
_CUT = "Unterminated string"  # a string running to the window's end


# Yielded instead of a record that ``RecordHints.skip`` recognised by its text.
SKIPPED: Any = object()


class TooLongNumber:
    """Stands for a JSON number of more digits than Python converts (4,300 since 3.11): a
    value no field accepts, so its record is a bad record, not a refused document."""

    __slots__ = ("digits",)

    def __init__(self, digits: str) -> None:
        self.digits = len(digits)

    def __repr__(self) -> str:
        return f"<a number of {self.digits} digits>"


def digester(key: bytes = b"", person: bytes = b"") -> Any:
    """A keyed BLAKE2b hasher to copy for each record (``record_digest``).

    Keyed with a secret of the database, so that no upstream record can be written to
    match another record's digest: a match proves equal texts (a chance of 2**-63 apart).
    """
    try:
        from _blake2 import blake2b  # without hashlib, which loads OpenSSL (3.4 MB)
    except ImportError:  # pragma: no cover - a Python built without its own BLAKE2
        from hashlib import blake2b
    return blake2b(digest_size=8, key=key[:64], person=person[:16])


def record_digest(text: str, hasher: Any) -> int:
    """The 63-bit digest of a record's JSON text with ``hasher`` (from ``digester``)."""
    h = hasher.copy()
    h.update(text.encode("utf-8", "surrogatepass"))
    return int.from_bytes(h.digest(), "big") >> 1


class RecordHints:
    """What the scanner knows about the record it has just yielded, and what its consumer
    asks of it.

    ``digests``: give each record of a list the ``digest`` of its raw JSON text with
    ``hasher`` (None for the members of a map). ``skip``: called with the digest of the next
    record's text before it is decoded (on the fast path, where a record ends with
    ``},{``); when it says True, ``SKIPPED`` is yielded instead of the record, which costs
    no decoding at all.
    """

    __slots__ = ("surrogates", "digests", "digest", "hasher", "skip")

    def __init__(
        self,
        digests: bool = False,
        skip: Optional[Callable[[int], bool]] = None,
        hasher: Any = None,
    ) -> None:
        # The record holds a \uD800-\uDFFF escape: it may hold a lone surrogate.
        self.surrogates = False
        self.digests = digests or skip is not None
        self.digest: Optional[int] = None
        self.hasher = hasher if hasher is not None or not self.digests else digester()
        self.skip = skip


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


class _Window:
    """A text window over a binary stream, decoded as UTF-8 chunk by chunk."""

    def __init__(self, stream: IO[bytes], max_record: int) -> None:
        self.stream = stream
        self.max_record = max_record
        self.decoder = codecs.getincrementaldecoder("utf-8")("strict")
        self.text = ""
        self.pos = 0
        self.eof = False
        self.consumed_bytes = 0  # bytes read from the stream so far
        self.dropped = 0  # characters dropped from the front of the window
        # Absolute offset of the first \uD800-\uDFFF escape not yet passed (_NONE: none in
        # the text read so far), and how far the text has been searched for one.
        self.escape = _NONE
        self.searched = 0

    def fill(self) -> bool:
        """Append the next chunk; return False at end of stream."""
        if self.eof:
            return False
        data = self.stream.read(_READ_SIZE)
        self.consumed_bytes += len(data)
        try:
            if data:
                chunk = self.decoder.decode(data)
            else:
                chunk = self.decoder.decode(b"", final=True)
                self.eof = True
        except UnicodeDecodeError as exc:
            at = self.consumed_bytes - len(data) + max(exc.start, 0)
            raise ParseError(f"invalid UTF-8 near byte {at}") from None
        if self.pos > _READ_SIZE and self.pos * 2 > len(self.text):
            self.dropped += self.pos
            self.text = self.text[self.pos :]
            self.pos = 0
        self.text += chunk
        if self.escape == _NONE:
            self._find_escape()
        return not self.eof or bool(chunk)

    def _find_escape(self) -> None:
        """Look for the next surrogate escape in the text not searched yet."""
        text = self.text
        end = len(text)
        at = max(self.searched - self.dropped, 0)
        while True:
            # One character: str.find is memchr then, several times faster than for "\\u".
            at = text.find("\\", at)
            if at < 0:
                self.searched = self.dropped + end
                return
            if at + 4 > end:  # an escape cut by the window's end: looked at after the next read
                self.searched = self.dropped + at
                return
            if text[at + 1] == "u" and text[at + 2] in "dD" and text[at + 3] in "89abcdefABCDEF":
                self.escape = self.searched = self.dropped + at
                return
            at += 2  # past the escaped character, so "\\\\" never starts an escape

    def passed_escape(self) -> bool:
        """Say whether the pending surrogate escape lies before the cursor; if so, move on."""
        if self.escape >= self.dropped + self.pos:
            return False
        self.escape = _NONE
        self.searched = self.dropped + self.pos
        self._find_escape()
        return True

    def skip_ws(self) -> str:
        """Skip whitespace and return the next character ("" at end of document)."""
        while True:
            self.pos = _WS.match(self.text, self.pos).end()  # type: ignore[union-attr]
            if self.pos < len(self.text):
                return self.text[self.pos]
            if not self.fill():
                return ""

    def expect(self, chars: str, where: str) -> str:
        char = self.skip_ws()
        if not char:
            raise ParseError(f"document ends early: expected {where}")
        if char not in chars:
            raise ParseError(f"expected {where} at character {self.offset()}, found {char!r}")
        self.pos += 1
        return char

    def offset(self) -> int:
        return self.dropped + self.pos

    def value(self, scan: Any) -> Any:
        """Decode the JSON value at the cursor, reading more text until it is whole."""
        while True:
            text = self.text
            failure: tuple[int, str] | None = None
            try:
                obj, end = scan(text, self.pos)
            except StopIteration as exc:  # no value starts at exc.value
                obj, end = None, -1
                failure = (exc.value if isinstance(exc.value, int) else self.pos, "Expecting value")
            except json.JSONDecodeError as exc:
                obj, end = None, -1
                failure = (exc.pos, exc.msg)
            except ValueError as exc:  # refused NaN/Infinity, a number too long for int()
                if "not valid JSON" in str(exc):
                    raise ParseError(str(exc)) from None
                if scan is not _tolerant():
                    # An integer of more digits than int() converts (Python 3.11+): read the
                    # value again with such numbers as TooLongNumber, a bad record's value.
                    scan = _tolerant()
                    continue
                raise ParseError(
                    f"a value at character {self.offset()} cannot be read: {exc}"
                ) from None
            except RecursionError:
                raise ParseError(f"nesting too deep at character {self.offset()}") from None
            if end != -1:
                # A value that touches the end of the window may continue beyond it, and so
                # may a number followed there by what could still be part of it ("1.", "1e").
                if self.eof or (
                    end < len(text)
                    and not (type(obj) in (int, float) and _NUMBER_TAIL.fullmatch(text, end))
                ):
                    self.pos = end
                    return obj
            elif failure is not None and (
                failure[1].startswith(_IN_PLACE)
                or (not failure[1].startswith(_CUT) and failure[0] + _LOOKAHEAD < len(text))
            ):
                at, msg = failure
                said = next((plain for start, plain in _MESSAGES if msg.startswith(start)), msg)
                raise ParseError(f"invalid JSON at character {self.dropped + at}: {said}")
            elif self.eof:
                raise ParseError(f"document is cut short or malformed at character {self.offset()}")
            if len(text) - self.pos > self.max_record:
                raise ParseError(
                    f"a record at character {self.offset()} is larger than "
                    f"{self.max_record} characters"
                )
            self.fill()


def _scanner() -> Any:
    decoder = json.JSONDecoder(parse_constant=_refuse_constant)
    return json.scanner.make_scanner(decoder)  # type: ignore[attr-defined]


def _int_or_too_long(digits: str) -> Any:
    try:
        return int(digits)
    except ValueError:
        return TooLongNumber(digits)


_TOLERANT: list[Any] = []


def _tolerant() -> Any:
    """A scanner whose integers too long for ``int()`` become ``TooLongNumber`` (slower: a
    Python call per integer, so only for the record that needs it)."""
    if not _TOLERANT:
        decoder = json.JSONDecoder(parse_constant=_refuse_constant, parse_int=_int_or_too_long)
        _TOLERANT.append(json.scanner.make_scanner(decoder))  # type: ignore[attr-defined]
    return _TOLERANT[0]


def scan_records(
    stream: IO[bytes],
    kind: str,
    containers: tuple[str, ...] = (),
    max_record: int = DEFAULT_MAX_RECORD,
    hints: RecordHints | None = None,
) -> Iterator[Any]:
    """Given a binary stream, yield each record of the document, then check its end.

    ``kind`` "array": a list at the top level or under one of ``containers`` in a top-level
    object; yields each element. ``kind`` "map": a top-level object; yields (key, value).
    Raise ``ParseError`` on anything malformed, cut short or of the wrong shape. ``hints``,
    when given, is kept up to date for each record yielded.
    """
    window = _Window(stream, max_record)
    hints = hints if hints is not None else RecordHints()
    scan = _scanner()
    first = window.skip_ws()
    if first == "\ufeff":  # a UTF-8 byte order mark: tolerated, it is unambiguous
        window.pos += 1
        first = window.skip_ws()
    if not first:
        raise ParseError("document is empty")
    if kind == "map":
        if first != "{":
            raise ParseError(f"expected a JSON object at the top level, found {_describe(first)}")
        window.pos += 1
        yield from _members(window, scan, hints)
    elif first == "[":
        window.pos += 1
        yield from _elements(window, scan, hints)
    elif first == "{":
        window.pos += 1
        yield from _wrapped(window, scan, containers, hints)
    else:
        raise ParseError(
            f"expected a JSON list or object at the top level, found {_describe(first)}"
        )
    if window.skip_ws():
        raise ParseError(f"unexpected data after the document at character {window.offset()}")


def _elements(window: _Window, scan: Any, hints: RecordHints) -> Iterator[Any]:
    if window.skip_ws() == "]":
        window.pos += 1
        return
    comma = _COMMA.match
    skip, digests, hasher = hints.skip, hints.digests, hints.hasher
    if digests:
        copy = hasher.copy
        from_bytes = int.from_bytes
    window.skip_ws()
    while True:
        # Fast path, nearly every record: a whole value, a comma and the start of the next
        # value, all inside the window and short of its last _MARGIN characters. The window
        # is read ahead before a record can straddle its end: a scan that fails there costs
        # an exception whose message counts the lines of the whole window. A record that
        # reaches the next surrogate escape is left to the careful path, which says so.
        text = window.text
        size = len(text)
        pos = window.pos
        stop = size if window.eof else size - _MARGIN
        bound = min(size, window.escape - window.dropped)
        while pos < stop:
            cut = -1
            if skip is not None and text[pos] == "{":
                # The record's text as far as the next "},{": if its digest is the next
                # stored row's, it is that row's very text, so a whole record (decoding is
                # deterministic), and unchanged: no need to decode it at all.
                cut = text.find("},{", pos, bound)
                if cut >= 0:
                    h = copy()
                    h.update(text[pos : cut + 1].encode("utf-8", "surrogatepass"))
                    digest = from_bytes(h.digest(), "big") >> 1  # as record_digest()
                    if skip(digest):
                        pos = cut + 2
                        yield SKIPPED
                        continue
            try:
                obj, end = scan(text, pos)
            except (StopIteration, ValueError, RecursionError):
                break
            found = comma(text, end)
            if found is None:
                break
            after = found.end()
            if after >= bound:
                break
            if digests:
                if end != cut + 1:
                    h = copy()
                    h.update(text[pos:end].encode("utf-8", "surrogatepass"))
                    digest = from_bytes(h.digest(), "big") >> 1
                hints.digest = digest  # as record_digest() computes it
            pos = after
            yield obj
        window.pos = pos
        if pos >= stop and not window.eof:
            window.fill()
            continue
        # The careful path decides the rest: the list's end, a value cut by the window's
        # end, an error (scanning the value again), a record holding a surrogate escape.
        start = window.offset()
        record = window.value(scan)
        if digests:
            begin = start - window.dropped
            hints.digest = record_digest(window.text[begin : window.pos], hasher)
        hints.surrogates = window.passed_escape()
        yield record
        hints.surrogates = False
        if window.expect(",]", "',' or ']' between records") == "]":
            return
        window.skip_ws()


def _members(window: _Window, scan: Any, hints: RecordHints) -> Iterator[tuple[str, Any]]:
    if window.skip_ws() == "}":
        window.pos += 1
        return
    while True:
        key = _key(window, scan)
        window.skip_ws()
        value = window.value(scan)
        hints.surrogates = window.passed_escape()
        yield key, value
        hints.surrogates = False
        if window.expect(",}", "',' or '}' between members") == "}":
            return


def _key(window: _Window, scan: Any) -> str:
    if window.skip_ws() != '"':
        raise ParseError(f"expected a quoted key at character {window.offset()}")
    key = window.value(scan)
    window.expect(":", "':' after a key")
    return key


def _wrapped(
    window: _Window, scan: Any, containers: tuple[str, ...], hints: RecordHints
) -> Iterator[Any]:
    found: str | None = None
    seen = []
    if window.skip_ws() != "}":
        while True:
            key = _key(window, scan)
            window.passed_escape()
            seen.append(key)
            if key in containers and window.skip_ws() == "[":
                if found is not None:
                    raise ParseError(f"the document holds two record lists ({found!r}, {key!r})")
                found = key
                window.pos += 1
                yield from _elements(window, scan, hints)
            else:
                window.skip_ws()
                window.value(scan)  # small siblings such as "count"; bounded by max_record
                window.passed_escape()
            if window.expect(",}", "',' or '}' between members") == "}":
                break
    else:
        window.pos += 1
    if found is None:
        keys = ", ".join(repr(k) for k in seen[:8]) or "none"
        wanted = " or ".join(repr(c) for c in containers)
        raise ParseError(f"no record list {wanted} in the document (its keys: {keys})")


def _describe(char: str) -> str:
    names = {'"': "a string", "n": "null", "t": "true", "f": "false", "<": "'<' (HTML?)"}
    if char in names:
        return names[char]
    if char in "-0123456789":
        return "a number"
    return repr(char)
