"""Deterministic generator of realistic upstream files for the six DMR sources.

Used by the tests and by ``dmr-edge bench`` to stand in for the real downloads
(``../shared/FORMATS.md`` describes the real shapes). Every record is derived
from ``(seed, id)`` through a 64-bit hash, never from a shared random stream,
so generation is fully deterministic, streams record by record in constant
memory, and a "changed" file can be produced without generating the base file
first::

    generate_file("radioid_users", "week1.json", scale=0.1, seed=7)
    generate_file("radioid_users", "week2.json", scale=0.1, seed=7, change=0.0033)  # a week on

With ``change=c`` the output equals the ``change=0`` output of the same seed
and scale except for about ``c`` of the records: 55 % of those are modified in
place (city, callsign, name, frequency...), 35 % are added with new ids slotted
between existing ones, 10 % are removed. The choice is a hash of the id, so it
is spread across the file, and the removed set grows monotonically with ``c``.

What the generated files carry (so the parsers meet it): radioid ids sorted and
unique inside the country prefixes radioid uses (310xxxx-329xxxx and 110xxxx
United States, 262xxxx Germany, ...), always inside 24 bits; names and cities
with accents, Cyrillic, Greek, CJK, Hangul, Thai and Hebrew, apostrophes, and a
few commas and double quotes; empty surnames and empty states; repeaters in the
old format (``trustee`` a string) and the new one (``trustee`` a list and a
``talkgroups`` list, ``lat``/``lng`` sometimes absent), with ``null`` and ``""``
coordinates, ``"None"`` map_info, ``"0.00000"`` frequencies, ``""`` offsets and
several spellings of one network; BrandMeister devices whose callsign repeats
across ids; a talkgroup *object* rather than array; base64 TGIF descriptions and
names with trailing spaces; hearham frequencies and offsets as integer Hz with
callsigns shared by many repeaters, free-form mode strings and a few
double-encoded (mojibake) cities.

Scales up to about 26 fit the 24-bit radioid id space; beyond, ``ValueError``.
Standard library only, so ``dmr-edge demo`` runs from a plain install.
``python -m dmr_edge.bench.generate SOURCE OUT`` writes one file.

Modules: ``draw`` (hashing and weighted picks), ``people`` (names, callsigns), ``countries``,
``radio`` (band plans), ``layout`` (ids in blocks, the streaming writer), then one module per
source family: ``radioid``, ``brandmeister``, ``talkgroups`` (BrandMeister and TGIF),
``hearham``. Their underscored names are shared inside this package only.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from typing import IO

from dmr_edge.bench.generate.brandmeister import _brandmeister_devices
from dmr_edge.bench.generate.draw import _key
from dmr_edge.bench.generate.hearham import _hearham_repeaters
from dmr_edge.bench.generate.layout import _drive, _Source
from dmr_edge.bench.generate.radioid import _radioid_repeaters, _radioid_users
from dmr_edge.bench.generate.talkgroups import _brandmeister_talkgroups, _tgif_talkgroups

__all__ = ["DEFAULT_COUNTS", "SOURCES", "generate", "generate_file", "record_count"]

SOURCES: tuple[str, ...] = (
    "radioid_users",
    "radioid_repeaters",
    "brandmeister_devices",
    "brandmeister_talkgroups",
    "tgif_talkgroups",
    "hearham_repeaters",
)

DEFAULT_COUNTS: dict[str, int] = {
    "radioid_users": 295_000,
    "radioid_repeaters": 10_600,
    "brandmeister_devices": 34_000,
    "brandmeister_talkgroups": 3_000,
    "tgif_talkgroups": 2_500,
    "hearham_repeaters": 16_000,
}


_BUILDERS: dict[str, Callable[[int, int], _Source]] = {
    "radioid_users": _radioid_users,
    "radioid_repeaters": _radioid_repeaters,
    "brandmeister_devices": _brandmeister_devices,
    "brandmeister_talkgroups": _brandmeister_talkgroups,
    "tgif_talkgroups": _tgif_talkgroups,
    "hearham_repeaters": _hearham_repeaters,
}


def record_count(source: str, scale: float = 1.0) -> int:
    """Records ``generate(source, ..., scale=scale, change=0)`` writes (at least 1)."""
    if source not in DEFAULT_COUNTS:
        raise ValueError(f"unknown source {source!r}; expected one of {', '.join(SOURCES)}")
    if not 0 < scale < math.inf:
        raise ValueError(f"scale must be positive, not {scale!r}")
    return max(1, round(DEFAULT_COUNTS[source] * scale))


def _prepare(source: str, scale: float, seed: int, change: float) -> _Source:
    count = record_count(source, scale)
    if not 0.0 <= change <= 1.0:
        raise ValueError(f"change must be within [0, 1], not {change!r}")
    return _BUILDERS[source](count, seed)


def generate(
    source: str, out: IO[bytes], *, scale: float = 1.0, seed: int = 0, change: float = 0.0
) -> int:
    """Write the JSON document of ``source`` to the binary file ``out``; return records written.

    Streams in constant memory. Same arguments, same bytes. ``change`` in [0, 1] alters about
    that fraction of the records relative to ``change=0`` (see the module docstring).
    Bad arguments raise ``ValueError`` before anything is written.
    """
    return _drive(_prepare(source, scale, seed, change), out, change, _key(seed, 0xC4A9_6E))


def generate_file(
    source: str,
    path: str | os.PathLike[str],
    *,
    scale: float = 1.0,
    seed: int = 0,
    change: float = 0.0,
) -> int:
    """``generate`` into a file at ``path`` (created or truncated); return records written."""
    src = _prepare(source, scale, seed, change)  # refuse bad arguments before truncating
    with open(path, "wb") as out:
        return _drive(src, out, change, _key(seed, 0xC4A9_6E))
