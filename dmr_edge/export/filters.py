"""Which users an export holds: by country, by id prefix, up to a count.

Countries are matched as a user means them, not as radioid happens to spell them this year:
case, accents, spaces and punctuation do not count (``UNITED STATES`` of 2023 files is
``United States``, ``México`` is ``Mexico``), and the names radioid has renamed or spells
its own way are one country (``Turkey``/``Turkiye``/``Türkiye``, ``Korea Republic of``/
``South Korea``, ``USA``/``United States``, ...).

An id prefix such as an MCC (``262``) becomes id ranges for SQLite (262, 2620–2629,
26200–26299, ...), so a small country costs a range scan, not a pass over every user.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from dmr_edge.errors import ConfigError
from dmr_edge.export.translit import to_ascii

MAX_USER_ID = (1 << 24) - 1  # DMR radio ids are 24-bit

# Spellings of one country → the key it is matched by (keys: ASCII, lower case, letters and
# digits only). radioid's own spellings are on the left as often as users' are.
_ALIASES = {
    "turkiye": "turkey",
    "usa": "unitedstates",
    "us": "unitedstates",
    "unitedstatesofamerica": "unitedstates",
    "uk": "unitedkingdom",
    "greatbritain": "unitedkingdom",
    "korearepublicof": "southkorea",
    "republicofkorea": "southkorea",
    "korea": "southkorea",
    "argentinarepublic": "argentina",
    "bosniaandhercegovina": "bosniaandherzegovina",
    "bosnia": "bosniaandherzegovina",
    "luxemburg": "luxembourg",
    "northmacedonia": "macedonia",
    "eswatini": "swaziland",
    "swasiland": "swaziland",
    "mauretania": "mauritania",
    "aalandislands": "alandislands",
    "czechia": "czechrepublic",
    "russianfederation": "russia",
    "thenetherlands": "netherlands",
    "holland": "netherlands",
    "cotedivoire": "ivorycoast",
    "caboverde": "capeverde",
    "bruneidarussalam": "brunei",
    "macau": "macao",
    "virginislandsus": "usvirginislands",
    "burma": "myanmar",
}
_NOT_KEY = re.compile(r"[^a-z0-9]+")
_DIGITS = re.compile(r"^[1-9][0-9]{0,7}$")
_CACHE_LIMIT = 4096


def country_key(name: str) -> str:
    """Given a country as anyone spells it, return the key it is matched by."""
    key = _NOT_KEY.sub("", to_ascii(name).casefold())
    return _ALIASES.get(key, key)


def check_prefix(value: str) -> str:
    """Return an id prefix (digits, not starting with 0, at most 8); raise ``ConfigError``
    otherwise."""
    text = str(value).strip()
    if not _DIGITS.match(text) or int(text) > MAX_USER_ID:
        raise ConfigError(
            f"id prefix {value!r}: expected up to 8 digits not starting with 0 (such as 262)"
        )
    return text


def prefix_ranges(prefix: str) -> list[tuple[int, int]]:
    """Return the id ranges ``[low, high]`` whose ids start with ``prefix``."""
    ranges = []
    number = int(prefix)
    scale = 1
    while number * scale <= MAX_USER_ID:
        ranges.append((number * scale, min((number + 1) * scale - 1, MAX_USER_ID)))
        scale *= 10
    return ranges


@dataclass(frozen=True)
class UserSelection:
    """The users an export holds: those of any of ``countries`` (all when empty) whose id
    starts with any of ``id_prefixes`` (all when empty), the first ``limit`` by id."""

    countries: tuple[str, ...] = ()
    id_prefixes: tuple[str, ...] = ()
    limit: int | None = None

    @classmethod
    def of(
        cls,
        countries: Iterable[str] = (),
        id_prefixes: Iterable[str] = (),
        limit: int | None = None,
    ) -> UserSelection:
        """Return a selection, checking the prefixes and the limit (``ConfigError``)."""
        if limit is not None and limit <= 0:
            raise ConfigError(f"limit {limit}: expected a positive number of users")
        names = tuple(c for c in (str(c).strip() for c in countries) if c)
        return cls(names, tuple(check_prefix(p) for p in id_prefixes), limit)

    @property
    def filtered(self) -> bool:
        return bool(self.countries or self.id_prefixes)

    def describe(self) -> str:
        """Return the filter in words, for messages: ``country Germany, id prefix 262``."""
        parts = []
        if self.countries:
            parts.append("country " + " or ".join(self.countries))
        if self.id_prefixes:
            parts.append("id prefix " + " or ".join(self.id_prefixes))
        return ", ".join(parts)

    def where(self) -> tuple[str, list[int]]:
        """Return the SQL condition on ``id`` for the prefixes ("" for none) and its
        parameters."""
        ranges = sorted({r for p in self.id_prefixes for r in prefix_ranges(p)})
        if not ranges:
            return "", []
        clause = " OR ".join("id BETWEEN ? AND ?" for _ in ranges)
        return f"({clause})", [bound for pair in ranges for bound in pair]

    def country_matcher(self) -> CountryMatcher | None:
        """Return what tells whether a stored country is one of ours, or None for any."""
        if not self.countries:
            return None
        return CountryMatcher({country_key(c) for c in self.countries})


class CountryMatcher:
    """Tells whether a stored country spelling is one of the wanted countries; remembers
    the answer per spelling (a few hundred in practice, bounded whatever the data)."""

    def __init__(self, keys: set[str]) -> None:
        self.keys = keys
        self.known: dict[str, bool] = {}

    def __call__(self, country: str) -> bool:
        answer = self.known.get(country)
        if answer is None:
            if len(self.known) >= _CACHE_LIMIT:
                self.known.clear()
            answer = self.known[country] = country_key(country) in self.keys
        return answer
