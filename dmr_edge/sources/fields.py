"""Field coercions shared by the sources: ids, text, frequencies, coordinates.

Each function either returns a clean value or raises ``RecordError`` saying what was wrong.
Limits keep one hostile record from costing unbounded memory or storage.
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from typing import Any, Optional

from dmr_edge.errors import RecordError

MAX_ID = (1 << 32) - 1
MAX_RADIO_ID = (1 << 24) - 1  # DMR radio ids are 24-bit
MAX_CALLSIGN = 64
MAX_TEXT = 256
MAX_LONG_TEXT = 4096
MAX_ENCODED_TEXT = 256 * 1024  # TGIF's base64 descriptions reach 73 KB; kept text is cut
_HZ_PER_MHZ = Decimal(1_000_000)


def ident(value: Any, field: str = "id", maximum: int = MAX_ID) -> int:
    """Return a positive integer id from an int or a string of digits."""
    if type(value) is int:
        number = value
    elif isinstance(value, str) and value.strip().isdigit() and value.strip().isascii():
        number = int(value.strip())
    else:
        raise RecordError(f"{field} is not an integer: {_show(value)}")
    if not 0 < number <= maximum:
        raise RecordError(f"{field} {number} is outside 1..{maximum}")
    return number


def text(value: Any, field: str, limit: int = MAX_TEXT) -> str:
    """Return a string (nulls become ""), trimmed; refuse values longer than ``limit``."""
    if value is None:
        return ""
    if isinstance(value, str):
        result = value.strip()
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        result = str(value)
    else:
        raise RecordError(f"{field} is not text: {_show(value)}")
    if len(result) > limit:
        raise RecordError(f"{field} is longer than {limit} characters")
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
    return text(value, field, MAX_CALLSIGN).upper()


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
    """Given Hz as an integer (or a string of digits), return integer Hz; 0 means unknown."""
    if value is None or value == "":
        return None
    if type(value) is int:
        number = value
    elif type(value) is float and value.is_integer():
        number = int(value)
    elif isinstance(value, str):
        try:
            number = int(value.strip())
        except ValueError:
            raise RecordError(f"{field} is not a frequency in Hz: {_show(value)}") from None
    else:
        raise RecordError(f"{field} is not a frequency in Hz: {_show(value)}")
    if abs(number) > 100_000_000_000:
        raise RecordError(f"{field} {number} Hz is out of range")
    return number or None


def coordinate(value: Any, limit: float) -> float | None:
    """Return degrees as a float, or None when missing, unparsable or out of range."""
    if value is None or isinstance(value, bool):
        return None
    try:
        degrees = float(value)
    except (TypeError, ValueError):
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
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    raise RecordError(f"{field} is not an integer: {_show(value)}")


def details(values: dict[str, Any]) -> str | None:
    """Return the extra fields as compact JSON with sorted keys, dropping empty ones."""
    kept = {k: v for k, v in values.items() if v not in (None, "", [], {})}
    if not kept:
        return None
    encoded = json.dumps(kept, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    if len(encoded) > MAX_LONG_TEXT * 4:
        raise RecordError("extra fields are too large")
    return encoded


def record(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise RecordError(f"record is not a JSON object: {_show(value)}")
    return value


def _show(value: Any) -> str:
    shown = repr(value)
    return shown if len(shown) <= 40 else shown[:37] + "..."
