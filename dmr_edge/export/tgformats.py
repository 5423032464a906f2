"""The talkgroup files: Pi-Star's ``TGList_BM.txt`` and ``TGList_TGIF.txt``, and WPSD's
``BM_TGs.json`` (Nextion's ``groups.txt``), one line per talkgroup, in id order.

``TGList_*.txt`` is what YSF2DMR (``TGListFile=``), DMR2YSF and the dashboards read:
``ID;OPTION;NAME;DESCRIPTION`` after a comment header. YSF2DMR (``WiresX.cpp``) reads it
with ``fgets`` into 100 bytes and ``strtok`` on ``;``: lines here are at most
``TGLIST_LINE_BYTES`` and a name never holds a ``;``. Names are spelled as Pi-Star's own
list spells them, which was read off its file (2022-10-25, built from the BrandMeister map
of the day before, line for line):

- the name is upper-cased and every character other than ``A-Z``, ``0-9``, ``-``, ``/``,
  ``_`` and whitespace is dropped (``Asia, Middle East`` → ``ASIA-MIDDLE-EAST``,
  ``D.C.`` → ``DC``, ``(WIRES-X)`` → ``WIRES-X``);
- each run of whitespace (padding and a trailing CR/LF included) and each ``_`` becomes
  ``-`` (`` Regional SP4`` → ``-REGIONAL-SP4``, ``EmComm `` → ``EMCOMM-``);
- a spaced dash or slash is then closed up (``UK Call - QSY`` → ``UK-CALL-QSY``,
  ``Trinidad / Tobago`` → ``TRINIDAD/TOBAGO``), but ``TAC- Florida`` stays
  ``TAC--FLORIDA``;
- BrandMeister ids 4000–4999 are reflectors (``4000;1;DISCONNECT;REF4000``) and 9990, the
  parrot, a private call (``9990;2;...;PC9990``); everything else is ``0;...;TG<id>``.

Pi-Star empties a name that holds any character outside ASCII; here it is transliterated
first (``Διεθνές Ελλάδα`` → ``DIETHNES-ELLADA``), so radios show something.

``BM_TGs.json`` is BrandMeister's talkgroup object as WPSD mirrors it: one ``"id": "name"``
pair per line, two spaces in, in id order, UTF-8. NextionDriver reads it line by line
(``strtok`` on ``"`` and ``:``), so the one-pair-per-line layout is part of the format.
Names lose CR/LF and other control characters and their padding.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from typing import Callable

from dmr_edge.export.translit import to_ascii

TGLIST_LINE_BYTES = 99  # YSF2DMR: fgets(buffer, 100)
_NOT_KEPT = re.compile(r"[^A-Z0-9\s/_-]")
_SPACES = re.compile(r"[\s_]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]+")


def pistar_name(name: str) -> str:
    """Given a talkgroup name, return it as Pi-Star's TGList files spell it (non-ASCII
    letters transliterated instead of emptying the name)."""
    text = to_ascii(name).upper()
    text = _NOT_KEPT.sub("", text)
    text = _SPACES.sub("-", text)
    return text.replace("---", "-").replace("-/-", "/")


def brandmeister_option(talkgroup: int) -> tuple[int, str]:
    """Return the TGList option and description prefix of a BrandMeister id."""
    if 4000 <= talkgroup <= 4999:
        return 1, "REF"
    if talkgroup == 9990:
        return 2, "PC"
    return 0, "TG"


def talkgroup_option(talkgroup: int) -> tuple[int, str]:
    """Return the TGList option of a TGIF id: every TGIF id is a talkgroup."""
    return 0, "TG"


def tglist_line(
    talkgroup: int, name: str, option: Callable[[int], tuple[int, str]]
) -> tuple[str, bool]:
    """Given a talkgroup, return its TGList line and whether its name was cut to keep the
    line within ``TGLIST_LINE_BYTES``."""
    number, prefix = option(talkgroup)
    spelled = pistar_name(name)
    line = f"{talkgroup};{number};{spelled};{prefix}{talkgroup}\n"
    if len(line) <= TGLIST_LINE_BYTES:
        return line, False
    spelled = spelled[: max(len(spelled) - (len(line) - TGLIST_LINE_BYTES), 0)]
    return f"{talkgroup};{number};{spelled};{prefix}{talkgroup}\n", True


def tglist_header(
    file_name: str, network: str, url: str, applied_at: float | None, reflectors: bool
) -> str:
    """Return the comment header of a TGList file (the source's URL and when it was last
    applied, so two exports of the same data are the same bytes)."""
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(applied_at)) if applied_at else "never"
    return (
        f"# {file_name} written by dmr-edge from the {network} talkgroups\n"
        f"# All {network} TG{' and Reflectors' if reflectors else ''} for use with YSF2DMR\n"
        f"# Sourced from {url}\n"
        f"# Talkgroups last applied {when}\n"
        "#\n"
        "# Dest ID;Option;Name;Description\n"
        "#\n"
        "# Option: TG:0, REF:1, PC:2\n"
        "#\n"
    )


def groups_name(name: str) -> str:
    """Return a talkgroup name as ``BM_TGs.json`` carries it: no control characters, no
    padding."""
    return _CONTROL.sub(" ", name).strip()


def groups_pair(talkgroup: int, name: str) -> str:
    """Return one ``  "id": "name"`` line of ``BM_TGs.json`` (without the comma)."""
    return f'  "{talkgroup}": {json.dumps(groups_name(name), ensure_ascii=False)}'


def _groups_is_data(line: bytes) -> bool:
    stripped = line.lstrip()
    return stripped[:1] == b'"' and stripped[1:2].isdigit()


def _tglist_is_data(line: bytes) -> bool:
    return line[:1].isdigit()


@dataclass(frozen=True)
class TalkgroupFormat:
    """One talkgroup file: the network and source it is made from, its label, and how its
    data lines are recognised."""

    kind: str
    label: str
    network: str
    source: str
    is_data: Callable[[bytes], bool]
    option: Callable[[int], tuple[int, str]] = talkgroup_option


TALKGROUP_FORMATS = {
    "tglist-bm": TalkgroupFormat(
        "tglist-bm",
        "TGList_BM.txt",
        "BrandMeister",
        "brandmeister_talkgroups",
        _tglist_is_data,
        brandmeister_option,
    ),
    "tglist-tgif": TalkgroupFormat(
        "tglist-tgif", "TGList_TGIF.txt", "TGIF", "tgif_talkgroups", _tglist_is_data
    ),
    "bm-groups": TalkgroupFormat(
        "bm-groups", "BM_TGs.json", "BrandMeister", "brandmeister_talkgroups", _groups_is_data
    ),
}
