"""Field coercions shared by the sources: ids, text, frequencies, coordinates.

Each function returns a clean value, or None for a value stored as unknown, or raises
``RecordError`` saying what makes the record unusable; nothing else, whatever the input.
Limits keep one hostile record from costing unbounded memory or storage: text is cut to
its limit, except a callsign, which a record is known by.
"""

from __future__ import annotations

import json
import re
import reprlib
from decimal import Decimal, InvalidOperation
from typing import Any, Optional, Sequence

from dmr_edge.errors import RecordError

MAX_ID = (1 << 32) - 1
MAX_RADIO_ID = (1 << 24) - 1  # DMR radio ids are 24-bit
MAX_CALLSIGN = 64
MAX_TEXT = 256
MAX_LONG_TEXT = 4096  # notes (radioid's map_info reaches 17 KB) are cut to this
MAX_ENCODED_TEXT = 256 * 1024  # TGIF's base64 descriptions reach 73 KB; kept text is cut
MAX_DETAILS = 4 * MAX_LONG_TEXT  # the JSON of a repeater's extra fields
_MAX_HZ = 100_000_000_000
_HZ_PER_MHZ = Decimal(1_000_000)
_SMALL_INT = re.compile(r"-?[0-9]{1,10}")
_MAX_DIGITS = 20  # an id string longer than this is out of range, whatever its digits
_shown = reprlib.Repr()
_shown.maxstring = _shown.maxother = 40


def ident(value: Any, field: str = "id", maximum: int = MAX_ID) -> int:
    """Return a positive integer id from an int or a string of digits."""
    if type(value) is int:
        number = value
    elif isinstance(value, str) and value.strip().isdigit() and value.strip().isascii():
        digits = value.strip()
        if len(digits) > _MAX_DIGITS:
            raise RecordError(f"{field} {_show(digits)} is outside 1..{maximum}")
        number = int(digits)
    else:
        raise RecordError(f"{field} is not an integer: {_show(value)}")
    if not 0 < number <= maximum:
        raise RecordError(f"{field} {number} is outside 1..{maximum}")
    return number


def text(value: Any, field: str, limit: int = MAX_TEXT) -> str:
    """Return a string (nulls become ""), trimmed and cut to ``limit`` characters."""
    if value is None:
        return ""
    if isinstance(value, str):
        result = value.strip()
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        result = str(value)
    else:
        raise RecordError(f"{field} is not text: {_show(value)}")
    if len(result) > limit:
        return result[:limit].rstrip()
    return result


def padded_text(value: Any, field: str, limit: int = MAX_TEXT) -> str:
    """Like ``text``, but whitespace around the text becomes one space instead of nothing.

    For talkgroup names: Pi-Star's talkgroup lists spell a padded name with a dash
    (`` Regional SP4`` → ``-REGIONAL-SP4``, ``CRIRCV\\r\\n`` → ``CRIRCV-``), so the padding
    is kept, as one plain space whatever it was.
    """
    result = text(value, field, limit)
    if not result or not isinstance(value, str):
        return result
    return (" " if value[:1].isspace() else "") + result + (" " if value[-1:].isspace() else "")


def optional_text(value: Any, field: str, limit: int = MAX_TEXT) -> str | None:
    """Like ``text`` but returns None for null, "" and the string "None"."""
    result = text(value, field, limit)
    if result == "" or result == "None":
        return None
    return result


def callsign(value: Any, field: str = "callsign") -> str:
    """Return a callsign, upper-cased; refuse one longer than ``MAX_CALLSIGN`` (not cut: a
    cut callsign would be another station's)."""
    result = value.strip() if isinstance(value, str) else text(value, field, MAX_LONG_TEXT)
    if len(result) > MAX_CALLSIGN:
        raise RecordError(f"{field} is longer than {MAX_CALLSIGN} characters")
    return result.upper()


def mhz_to_hz(value: Any, field: str) -> Optional[int]:
    """Given MHz as a string or number ("440.58750", "+5 MHz", 444.74), return integer Hz.

    Empty, null, zero and unreadable frequencies (real files hold "-" and "TBD") mean
    "unknown" and return None: a repeater with an odd offset is still worth keeping.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, str):
        cleaned = value.strip().lower().replace("mhz", "").replace(" ", "").replace(",", ".")
        if len(cleaned) > 32:
            return None
    elif isinstance(value, (int, float)):
        if type(value) is int and not -_MAX_HZ < value < _MAX_HZ:
            return None
        cleaned = repr(value)
    else:
        return None
    try:
        mhz = Decimal(cleaned)
    except (InvalidOperation, ValueError):
        return None
    if not mhz.is_finite() or abs(mhz) > 100_000:
        return None
    hz = int((mhz * _HZ_PER_MHZ).to_integral_value())
    return hz or None


def hz(value: Any, field: str) -> int | None:
    """Given Hz as an integer (or a string of one), return integer Hz.

    As for ``mhz_to_hz``: empty, null, zero, out-of-range and unreadable frequencies (real
    files hold "-" and "TBD") mean "unknown" and return None.
    """
    if type(value) is int:
        number = value
    elif type(value) is float:
        if not -_MAX_HZ <= value <= _MAX_HZ:  # NaN and infinities too
            return None
        number = round(value)
    elif isinstance(value, str):
        cleaned = value.strip()
        if len(cleaned) > 32:
            return None
        try:
            exact = Decimal(cleaned)
        except (InvalidOperation, ValueError):
            return None
        if not exact.is_finite() or abs(exact) > _MAX_HZ:
            return None
        number = int(exact.to_integral_value())
    else:
        return None
    if abs(number) > _MAX_HZ:
        return None
    return number or None


def coordinate(value: Any, limit: float) -> float | None:
    """Return degrees as a float, or None when missing, unparsable or out of range."""
    if value is None or isinstance(value, bool):
        return None
    try:
        degrees = float(value)
    except (TypeError, ValueError, OverflowError):  # OverflowError: a 400-digit integer
        return None
    if degrees != degrees or abs(degrees) > limit:
        return None
    return degrees


def small_int(value: Any, field: str) -> int | None:
    """Return a small integer (color codes, flags) from an int or digit string, else None."""
    if value is None or value == "":
        return None
    if type(value) is int and -(1 << 31) <= value < (1 << 31):
        return value
    if isinstance(value, str) and _SMALL_INT.fullmatch(value.strip()):  # ASCII digits only
        number = int(value.strip())
        if -(1 << 31) <= number < (1 << 31):
            return number
    raise RecordError(f"{field} is not an integer: {_show(value)}")


def details(values: dict[str, Any]) -> str | None:
    """Return the extra fields as compact JSON with sorted keys, dropping empty ones.

    JSON longer than ``MAX_DETAILS`` is cut down, never refused: its largest value is
    halved (a text or a list) or dropped, until it fits.
    """
    kept = {k: v for k, v in values.items() if v not in (None, "", [], {})}
    if not kept:
        return None
    encoded = _compact(kept)
    while len(encoded) > MAX_DETAILS:
        largest = max(kept, key=lambda k: len(_compact(kept[k])))
        value = kept[largest]
        if isinstance(value, (str, list)) and len(value) > 1:
            kept[largest] = value[: len(value) // 2]
        else:
            del kept[largest]
            if not kept:
                return None
        encoded = _compact(kept)
    return encoded


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def refuse_lone_surrogates(row: Sequence[Any], columns: Sequence[str]) -> None:
    """Refuse a row whose text holds a lone UTF-16 surrogate (a "\\ud800" escape without its
    pair): it is not text, and SQLite cannot store it."""
    for column, value in zip(columns, row):
        if type(value) is str and not value.isascii():
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise RecordError(
                    f"{column} holds a lone surrogate (a \\ud800-\\udfff escape), not text"
                ) from None


def record(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise RecordError(f"record is not a JSON object: {_show(value)}")
    return value


def _show(value: Any) -> str:
    """A short repr, however large or deep the value (reprlib stops at a few levels)."""
    shown = _shown.repr(value)
    return shown if len(shown) <= 40 else shown[:37] + "..."
