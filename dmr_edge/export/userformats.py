"""The user files: MMDVMHost's ``DMRIds.dat``, radioid's ``user.csv``, Nextion's
``stripped.csv`` and AnyTone's "Digital Contacts" CSV, one line per user.

Each format turns one user row ``(id, callsign, first_name, last_name, city, state,
country)`` into one line, cleaned the way its reader splits lines and cut to what it reads.

What MMDVMHost's reader does (``UserDB.cpp``), and so what ``DMRIds.dat`` and ``user.csv``
respect:

- it reads with ``fgets`` into 256 bytes: a line longer than 255 bytes (newline included)
  is cut, and its tail read as a line of its own; every line written here is at most
  ``MAX_LINE_BYTES``;
- it splits fields on ``,``, TAB, CR and LF — not spaces — and a NUL ends a C string:
  in ``DMRIds.dat`` those never appear inside a field (each run becomes one space);
- it skips lines starting with ``#`` (a line written here always starts with an id);
- it upper-cases callsigns (stored callsigns are upper case already).

``DMRIds.dat``'s NAME is the first name only, as radioid's own ``DMRIds.dat`` and Pi-Star's
have it: MMDVMHost files that column as ``FIRST_NAME``, the displays that show it are
narrow, and whoever wants the full name, city and country exports ``user.csv``, which
MMDVMHost reads too.

NextionDriver (``helpers.c``, ``readUserDB``) reads ``stripped.csv`` with ``fgets`` into
100 bytes, splits on commas with ``strtok`` and binary-searches the ids: the rows are
radioid's ``user.csv`` rows in id order, with commas inside a field made spaces (it does
not read quotes) and lines of at most ``NEXTION_LINE_BYTES``.

AnyTone's CPS (D878UV, D878UVII, D578UV, and Alinco's DJ-MD5, which shares it) imports its
"Digital Contacts" CSV with every field quoted, CRLF line ends, the header
``ANYTONE_HEADER`` and, per contact, the running number, the id, the callsign, the name,
city, state, country and remarks, ``Private Call`` and ``None``. The CPS takes at most
``ANYTONE_WIDTHS`` characters of each text field; longer text is cut here rather than left
for the CPS to refuse or cut. A quote inside a field becomes an apostrophe.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Sequence, Tuple

from dmr_edge.export.atomic import starts_with_digit

MAX_LINE_BYTES = 255  # fgets(buffer, 256): 255 bytes and the terminating NUL
NEXTION_LINE_BYTES = 99  # NextionDriver: fgets(buffer, 100)
USERCSV_HEADER = ("RADIO_ID", "CALLSIGN", "FIRST_NAME", "LAST_NAME", "CITY", "STATE", "COUNTRY")
ANYTONE_HEADER = (
    "No.",
    "Radio ID",
    "Callsign",
    "Name",
    "City",
    "State",
    "Country",
    "Remarks",
    "Call Type",
    "Call Alert",
)
# The longest text the AnyTone CPS accepts per field, in characters.
ANYTONE_WIDTHS = {"callsign": 8, "name": 16, "city": 15, "state": 16, "country": 16}

UserRow = Sequence[Any]  # (id, callsign, first_name, last_name, city, state, country)
LineMaker = Callable[[int, UserRow], Tuple[str, bool]]  # (running number, row) → line, cut?

# Commas, TAB, CR, LF, NUL and every other control character: MMDVMHost's separators and
# what no display should receive. Used for DMRIds.dat fields and user.csv's id/callsign.
_DMRIDS_UNSAFE = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029,]+")
# user.csv quotes commas, so only control characters (line breaks above all) go.
_CSV_UNSAFE = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]+")


def clean(text: str, unsafe: re.Pattern[str] = _DMRIDS_UNSAFE) -> str:
    """Given a field, return it with each run of unsafe characters or spaces as one space."""
    if not text:
        return ""
    return " ".join(unsafe.sub(" ", text).split())


def _cut(text: str, max_bytes: int) -> str:
    """Return ``text`` cut to at most ``max_bytes`` of UTF-8, never inside a character."""
    encoded = text.encode("utf-8")
    if len(encoded) <= max_bytes:
        return text
    return encoded[: max(max_bytes, 0)].decode("utf-8", "ignore").rstrip()


def _size(text: str) -> int:
    return len(text) if text.isascii() else len(text.encode("utf-8"))


def dmrids_line(user_id: int, callsign: str, first_name: str) -> tuple[str, bool]:
    """Given a user, return its ``DMRIds.dat`` line and whether a field had to be cut."""
    call = clean(callsign).upper()
    name = clean(first_name)
    line = f"{user_id}\t{call}\t{name}\n"
    if _size(line) <= MAX_LINE_BYTES:
        return line, False
    fixed = len(f"{user_id}\t\t\n".encode())
    call = _cut(call, min(len(call.encode("utf-8")), 64, MAX_LINE_BYTES - fixed))
    name = _cut(name, MAX_LINE_BYTES - fixed - len(call.encode("utf-8")))
    return f"{user_id}\t{call}\t{name}\n", True


def _csv_field(text: str) -> str:
    if "," in text or '"' in text:
        return '"' + text.replace('"', '""') + '"'
    return text


def _csv_line(fields: list[str]) -> str:
    return ",".join(_csv_field(f) for f in fields) + "\n"


def _fit(fields: list[str], join: Callable[[list[str]], str], limit: int) -> tuple[str, bool]:
    """Join ``fields`` into a line, shortening the longest text field (never the id) until
    the line is at most ``limit`` bytes; return the line and whether anything was cut."""
    line = join(fields)
    size = _size(line)
    if size <= limit:
        return line, False
    while size > limit:
        # Shorten the longest text field by what is too much, then re-measure: quoting may
        # change as text is cut, so the loop settles it.
        longest = max(range(1, len(fields)), key=lambda i: len(fields[i].encode("utf-8")))
        width = len(fields[longest].encode("utf-8"))
        if width == 0:
            break  # nothing left to cut (an id alone cannot be that long)
        fields[longest] = _cut(fields[longest], width - max(size - limit, 1))
        line = join(fields)
        size = _size(line)
    return line, True


def usercsv_line(
    user_id: int,
    callsign: str,
    first_name: str,
    last_name: str,
    city: str,
    state: str,
    country: str,
) -> tuple[str, bool]:
    """Given a user, return its ``user.csv`` line (quoted where needed) and whether a field
    had to be cut to keep the line within ``MAX_LINE_BYTES``."""
    fields = [
        str(user_id),
        clean(callsign).upper(),
        *(clean(t, _CSV_UNSAFE) for t in (first_name, last_name, city, state, country)),
    ]
    return _fit(fields, _csv_line, MAX_LINE_BYTES)


def _plain_line(fields: list[str]) -> str:
    return ",".join(fields) + "\n"


def stripped_line(
    user_id: int,
    callsign: str,
    first_name: str,
    last_name: str,
    city: str,
    state: str,
    country: str,
) -> tuple[str, bool]:
    """Given a user, return its ``stripped.csv`` line (radioid's user.csv layout, commas in a
    field made spaces) and whether a field was cut to fit ``NEXTION_LINE_BYTES``."""
    fields = [
        str(user_id),
        clean(callsign).upper(),
        *(clean(t) for t in (first_name, last_name, city, state, country)),
    ]
    return _fit(fields, _plain_line, NEXTION_LINE_BYTES)


def _anytone_field(text: str, width: int) -> tuple[str, bool]:
    value = clean(text, _CSV_UNSAFE).replace('"', "'")
    if len(value) <= width:
        return value, False
    return value[:width].rstrip(), True


def anytone_line(
    number: int,
    user_id: int,
    callsign: str,
    first_name: str,
    city: str,
    state: str,
    country: str,
) -> tuple[str, bool]:
    """Given the running number and a user, return its AnyTone "Digital Contacts" line
    (every field quoted, CRLF) and whether a field was cut to the CPS's width."""
    widths = ANYTONE_WIDTHS
    call, cut_call = _anytone_field(callsign.upper(), widths["callsign"])
    name, cut_name = _anytone_field(first_name, widths["name"])
    place, cut_city = _anytone_field(city, widths["city"])
    region, cut_state = _anytone_field(state, widths["state"])
    nation, cut_country = _anytone_field(country, widths["country"])
    fields = (str(number), str(user_id), call, name, place, region, nation, "")
    line = ",".join(f'"{f}"' for f in fields) + ',"Private Call","None"\r\n'
    return line, cut_call or cut_name or cut_city or cut_state or cut_country


def _anytone_is_data(line: bytes) -> bool:
    return line[:1] == b'"' and line[1:2].isdigit()


@dataclass(frozen=True)
class UserFormat:
    """One user file: its label in messages, its header, how a row becomes a line, and how
    its data lines are recognised (to compare a new file with the one it replaces)."""

    kind: str
    label: str
    header: str
    line: LineMaker
    is_data: Callable[[bytes], bool] = starts_with_digit


USER_FORMATS = {
    "dmrids": UserFormat(
        "dmrids", "DMRIds.dat", "", lambda number, row: dmrids_line(row[0], row[1], row[2])
    ),
    "usercsv": UserFormat(
        "usercsv",
        "user.csv",
        ",".join(USERCSV_HEADER) + "\n",
        lambda number, row: usercsv_line(*row),
    ),
    "stripped": UserFormat("stripped", "stripped.csv", "", lambda number, row: stripped_line(*row)),
    "anytone": UserFormat(
        "anytone",
        "AnyTone contact list",
        ",".join(f'"{name}"' for name in ANYTONE_HEADER) + "\r\n",
        lambda number, row: anytone_line(number, row[0], row[1], row[2], *row[4:7]),
        _anytone_is_data,
    ),
}
