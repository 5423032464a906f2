"""Talkgroups: BrandMeister's flat {"id": "name"} object and TGIF's array with base64 text."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

from dmr_edge.bench.generate.countries import _COUNTRIES, _Country
from dmr_edge.bench.generate.draw import _Draw, _key, _mix, _weighted, _words
from dmr_edge.bench.generate.layout import (
    _ENC,
    _SMALL_POOL,
    _fixed,
    _plan,
    _Seg,
    _Slot,
    _slots,
    _Source,
)
from dmr_edge.bench.generate.people import _callsign
from dmr_edge.bench.generate.radioid import _CLUBS

# Talkgroups: BrandMeister's flat {"id": "name"} object and TGIF's array with base64 text.

_BM_SPECIAL: tuple[tuple[int, str], ...] = (
    (91, "Worldwide"), (1, "Local"), (93, "North America"), (92, "Europe"), (2, "Cluster"),
    (9990, "Parrot"), (94, "Asia"), (95, "Australia"), (8, "Regional"), (9, "Local"),
    (6, "XLX"), (98, "Test"), (99, "Simplex"), (113, "Worldwide English 1"),
    (123, "Worldwide English 2"), (133, "Worldwide German"), (3100, "USA - Nationwide"),
    (9999, "Audio Test"), (97, "Oceania"), (96, "South America"), (100, "Radio Id"),
    (4000, "Disconnect"), (5000, "Status"),
) + tuple((tac, f"TAC {tac}") for tac in range(310, 320))  # fmt: skip
_TG_TOPICS = _words(
    "Chat|Emcomm|ARES|Skywarn|Youth|DX|Tech Talk|Ragchew|Net|Bridge|Multimode|YSF Bridge|"
    "AllStar Link|Friends|Family|Nets|Calling|Linked|Regional|Statewide|Hotspot|Club"
)
_TG_NAMES = (
    "{city}", "{city} Local", "{city} Link", "{city} Repeater Group", "{state} Statewide",
    "{call} Family", "{call} Hotspot", "{native} {topic}", "{country} {topic}", "{city} {topic}",
    "TG {tg}", "{club} {topic}", "{state} {topic}",
)  # fmt: skip


def _tg_name(c: _Country, d: _Draw, tg: int) -> str:
    state = d.pick(c.states)
    return d.pick(_TG_NAMES).format(
        city=d.pick(c.cities) or c.native, state=state or c.native, call=_callsign(c.calls, d),
        native=c.native, country=c.name, topic=d.pick(_TG_TOPICS), tg=tg,
        club=d.pick(_CLUBS).upper(),
    )  # fmt: skip


def _bm_fixed() -> list[tuple[int, str]]:
    """Well-known talkgroups in priority order (specials, countries, then regions)."""
    out = list(_BM_SPECIAL)
    for c in _COUNTRIES:
        if c.prefixes[0] not in range(310, 320):
            out.append((c.prefixes[0], c.native))
    for c in _COUNTRIES[:30]:
        regions = sorted({s for s in c.states if s and s != "All Regions"})
        for k, region in enumerate(regions[:9], 1):
            out.append((c.prefixes[0] * 10 + k, f"{c.name} / {region}"))
    unique: dict[int, str] = {}
    for i, name in out:
        unique.setdefault(i, name)
    return list(unique.items())


def _brandmeister_talkgroups(count: int, seed: int) -> _Source:
    key = _key(seed, 0x424D_5447)
    countries = _COUNTRIES
    fixed_all = _bm_fixed()
    n_fixed = min(len(fixed_all), max(1, count // 10))
    fixed = sorted(fixed_all[:n_fixed])
    names = {i: n for i, n in fixed}
    segs = _plan(
        count - n_fixed, [c.users for c in countries], [c.prefixes for c in countries], 1000,
        _SMALL_POOL,
    )  # fmt: skip

    def slots() -> Iterator[_Slot]:
        yield from _fixed([(i, -1) for i, _ in fixed])
        yield from _slots(segs, _key(seed, 0x1D9), 0, 0)

    def make(i: int, owner: int, g: int, run: int) -> list[Any]:
        if g < 0:
            name = names.get(i)
            if name is not None:
                return [i, name]
            g = 0  # an id added next to a well-known one
        return [i, _tg_name(countries[g], _Draw(_mix(key ^ i)), i)]

    def alter(rec: list[Any], g: int, h: int) -> None:
        d = _Draw(_mix(h ^ 0xA17E))
        old = rec[1]
        for _ in range(8):
            rec[1] = _tg_name(countries[max(g, 0)], d, rec[0])
            if rec[1] != old:
                return
        rec[1] = old + " 2"

    def encode(rec: list[Any]) -> str:
        return f'"{rec[0]}":{_ENC(rec[1])}'

    return _Source(slots(), make, alter, encode, "{", ",", "}")


_TGIF_FIXED = tuple((100 + k, f"Tac-10{k}" if k != 3 else "Tac 103") for k in range(1, 10))
_TGIF_DESC = (
    "For everyone",
    "Tac {tg} can be used by everyone",
    "Open for everyone to use.&nbsp;Ragchew as long as you like.",
    "<div>{name} in {city}</div><div>Everyone welcome, also other language speakers too.<br></div>",
    "This is a Talkgroup for Nets originating in {state}. All are welcome to participate.",
    "grupo para la comunidad de {state} sin pasarela a otros sistemas",
    "Wir freuen uns über jeden Funkamateur aus {city} und Umgebung.",
    "Administrador {call}",
    "{call} openspot2",
    "Добро пожаловать! {city}",
    "欢迎 {city} 的朋友",
    "",
)
_TGIF_WEBSITE = _weighted([
    (" ", 1671), ("https:// ", 130), ("https://", 4), ("N/A", 4), (" https://www.{club}.org", 90),
    ("https://www.qrz.com/db/{call}", 60), (" {club}.org.uk", 20), ("", 40),
])  # fmt: skip


def _tgif_talkgroups(count: int, seed: int) -> _Source:
    key = _key(seed, 0x5447_4946)
    countries = _COUNTRIES
    by_weight = _weighted([(g, max(1, c.users // 100)) for g, c in enumerate(countries)])
    n_fixed = min(len(_TGIF_FIXED), max(1, count // 10))
    fixed = _TGIF_FIXED[:n_fixed]
    names = dict(fixed)
    bulk = count - n_fixed
    n_main = min(bulk - bulk // 50, 99_880 // 2)  # 3 to 5 digits, like most real TGIF ids
    segs = [_Seg(110, 99_880, n_main, 0), _Seg(1_000_000, 7_000_000, bulk - n_main, 0)]
    segs = [s for s in segs if s.n > 0]
    if bulk - n_main > 7_000_000 // 2:
        raise ValueError("scale too large: the id space of this source is exhausted")

    def slots() -> Iterator[_Slot]:
        yield from _fixed([(i, -1) for i, _ in fixed])
        yield from _slots(segs, _key(seed, 0x1DA), 0, 0)

    def text(c: _Country, d: _Draw, tg: int, name: str) -> tuple[str, str]:
        call = _callsign(c.calls, d)
        desc = d.pick(_TGIF_DESC).format(
            tg=tg, name=name.strip(), city=d.pick(c.cities), state=d.pick(c.states) or c.name,
            call=call,
        )  # fmt: skip
        website = d.pick(_TGIF_WEBSITE).format(club=d.pick(_CLUBS), call=call.lower())
        return base64.b64encode(desc.encode("utf-8")).decode("ascii"), website

    def make(i: int, owner: int, g: int, run: int) -> dict[str, Any]:
        d = _Draw(_mix(key ^ i))
        c = countries[d.pick(by_weight)]
        name = names.get(i) if g < 0 else None
        if name is None:
            name = _tg_name(c, d, i)
            k = d.below(100)
            if k < 6:
                name += " "
            elif k < 8:
                name = name.lower()
        desc, website = text(c, d, i, name)
        return {"id": str(i), "name": name, "description": desc, "website": website}

    def alter(rec: dict[str, Any], g: int, h: int) -> None:
        d = _Draw(_mix(h ^ 0xA17E))
        c = countries[d.pick(by_weight)]
        k = d.below(3)
        if k == 0:
            old = rec["name"]
            while rec["name"] == old:
                rec["name"] = _tg_name(c, d, int(rec["id"]))
        else:
            old = rec["description"], rec["website"]
            while (rec["description"], rec["website"]) == old:
                rec["description"], rec["website"] = text(c, d, int(rec["id"]), rec["name"])

    return _Source(slots(), make, alter, _ENC, "[", ",", "]")
