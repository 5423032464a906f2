"""hearham: all-mode repeaters, frequencies in Hz, callsigns shared by many repeaters."""

from __future__ import annotations

from typing import Any

from dmr_edge.bench.generate.countries import _COUNTRIES, _Country
from dmr_edge.bench.generate.draw import _Draw, _key, _mix, _weighted, _words
from dmr_edge.bench.generate.layout import _ENC, _other, _Seg, _slots, _Source
from dmr_edge.bench.generate.people import _callsign
from dmr_edge.bench.generate.radio import _coord
from dmr_edge.bench.generate.radioid import _CLUBS

# hearham: a top-level array of all-mode repeaters, frequencies in Hz, callsigns shared.

_HH_MODES = _weighted([
    ("FM", 620), ("DMR", 110), ("D-STAR", 50), ("D-star", 5), ("DSTAR", 3), ("Fusion", 30),
    ("YSF", 25), ("C4FM", 10), ("YSF/FM", 20), ("DMR/FM", 3), ("D-STAR/FM", 2), ("P25", 20),
    ("P25/FM", 3), ("NXDN", 12), ("NFM", 5), ("DMR   ", 4), ("M17", 2), ("FUSION", 2),
    ("P25YSFD-STARNXDNDMR/FM", 1), ("DMR/NFM", 1),
])  # fmt: skip
_HH_FM_BANDS = _weighted([
    ((144_390_000, 720, 5_000, "2m"), 60), ((420_000_000, 2400, 12_500, "70cm"), 30),
    ((51_000_000, 600, 5_000, "6m"), 4), ((222_000_000, 600, 5_000, "1.25m"), 4),
    ((29_520_000, 17, 10_000, "10m"), 2),
])  # fmt: skip
_HH_DIGITAL_BANDS = _weighted([
    ((420_000_000, 2400, 12_500, "70cm"), 75), ((144_390_000, 720, 5_000, "2m"), 23),
    ((1_240_000_000, 4800, 12_500, "23cm"), 2),
])  # fmt: skip
_HH_OFFSETS = {
    "2m": _weighted([(-600_000, 5), (600_000, 4), (0, 1)]),
    "70cm": _weighted([(5_000_000, 5), (-5_000_000, 3), (-7_600_000, 3), (0, 1)]),
    "6m": _weighted([(-1_000_000, 3), (-500_000, 2), (-1_700_000, 1)]),
    "1.25m": _weighted([(-1_600_000, 1)]),
    "10m": _weighted([(-100_000, 1)]),
    "23cm": _weighted([(-12_000_000, 2), (-20_000_000, 1), (-28_000_000, 1)]),
}
_CTCSS = _words(
    "67.0|71.9|74.4|77.0|79.7|82.5|85.4|88.5|91.5|94.8|97.4|100.0|103.5|107.2|110.9|114.8|"
    "118.8|123.0|127.3|131.8|136.5|141.3|146.2|151.4|156.7|162.2|167.9|173.8|179.9|186.2|192.8"
)
_DCS = _words("DCS023|D023|DCS 043|DCS411N|DPL411|D244/NAC293|DCS172.0|D031*")
_HH_GROUP = (
    "", "", "", "{city} Amateur Radio Club", "{city} ARC", "{call} Repeater Group",
    "{state} Repeater Council", "Cascade Radio Club", "{club} Network", "{city} ARES",
)  # fmt: skip
_HH_NODE = ("", "", "", "", "", "", "AllStar {n5}", "EchoLink {n6}", "IRLP {n4}", "{n5}")
_HH_DESC = (
    "", "", "", "Open repeater, all welcome", "Linked to {node}", "Net every Tuesday 8pm",
    "Wide coverage from {city}", "Emergency power, {state} ARES", "Repeater sur le {city}",
    "Relais in {city} – Rufzeichen {call}",
)  # fmt: skip
_HH_RESTRICT = _weighted([("", 80), ("Open", 8), ("Closed", 4), ("Members only", 3),
                          ("Private", 2), ("Emergency use", 3)])  # fmt: skip
_HH_NEWS = ("Off the air", "Back on the air", "Testing", "New antenna")
_HH_POWER = ("unknown", "unknown", "unknown", "", "5", "10", "25", "50", "100", "50W")


def _tone(mode: str, d: _Draw) -> str:
    if "FM" in mode and "C4FM" not in mode:
        k = d.below(100)
        if k < 80:
            tone = d.pick(_CTCSS)
            if "DMR" in mode:
                return f"CC{1 + d.below(3)}/{tone}"
            return tone
        return "" if k < 95 else d.pick(_DCS)
    if mode.startswith("DMR"):
        return f"CC{d.pick((1, 1, 1, 2, 3, 7))}" if d.below(100) < 70 else ""
    if mode.startswith("P25"):
        return d.pick(("NAC293", "NAC293", "", "NAC353/D244"))
    if mode.startswith("NXDN"):
        return d.pick(("RAN1", ""))
    return ""


def _mojibake(text: str) -> str:
    """UTF-8 read as Latin-1: how hearham stores some European cities ("VÃ¤stra GÃ¶taland")."""
    return text.encode("utf-8").decode("latin-1")


def _hearham_repeaters(count: int, seed: int) -> _Source:
    okey, rkey = _key(seed, 0x4848_4F57), _key(seed, 0x4848_5250)
    countries = _COUNTRIES
    boost = {"United States": 25, "Canada": 25}
    by_weight = _weighted(
        [(g, max(1, c.rptrs * boost.get(c.name, 10) // 100)) for g, c in enumerate(countries)]
    )
    segs = [_Seg(1, count * 13 // 5 + 10, count, 0)]

    def frequency(c: _Country, mode: str, d: _Draw) -> tuple[int, int]:
        bands = _HH_FM_BANDS if mode in ("FM", "NFM") else _HH_DIGITAL_BANDS
        lo, n, step, band = d.pick(bands)
        off = d.pick(_HH_OFFSETS[band])
        if band == "70cm" and c.plan not in ("na", "la") and off:
            off = -7_600_000 if c.plan in ("eu",) else -5_000_000
        return lo + d.below(n) * step, off

    def make(i: int, owner: int, g: int, run: int) -> dict[str, Any]:
        o = _Draw(_mix(okey ^ owner))
        c = countries[o.pick(by_weight)]
        callsign = _callsign(c.rcalls, o)
        group = o.pick(_HH_GROUP)
        r = _Draw(_mix(rkey ^ i))
        city = r.pick(c.cities)
        state = r.pick(c.states)
        if state:
            city = f"{city}, {state}"
        if r.below(1000) < 8 and not city.isascii():
            city = _mojibake(city)
        mode = r.pick(_HH_MODES)
        hz, off = frequency(c, mode, r)
        enc = _tone(mode, r)
        lat = round(_coord(c.box[0], c.box[1], r), r.pick((4, 5, 6, 7)))
        lng = round(_coord(c.box[2], c.box[3], r), r.pick((4, 5, 6, 7)))
        if r.below(1000) < 3:
            lat = lng = 0.0
        fill = {
            "city": city.split(",")[0], "state": state or c.name, "call": callsign,
            "club": r.pick(_CLUBS).upper(), "n4": 1000 + r.below(9000), "n5": 2000 + r.below(60000),
            "n6": 100000 + r.below(900000),
        }  # fmt: skip
        node = r.pick(_HH_NODE).format(**fill)
        return {
            "id": i, "callsign": callsign, "latitude": lat, "longitude": lng, "city": city,
            "group": group.format(**fill), "internet_node": node, "mode": mode, "encode": enc,
            "decode": r.pick(("", "", enc, enc, enc)), "frequency": hz, "offset": off,
            "description": r.pick(_HH_DESC).format(node=node or "AllStar", **fill),
            "power": r.pick(_HH_POWER), "operational": 0 if r.below(100) < 15 else 1,
            "restriction": r.pick(_HH_RESTRICT),
        }  # fmt: skip

    def alter(rec: dict[str, Any], g: int, h: int) -> None:
        d = _Draw(_mix(h ^ 0xA17E))
        c = countries[d.pick(by_weight)]
        k = d.below(100)
        if k < 35:
            old = rec["frequency"], rec["offset"]
            while (rec["frequency"], rec["offset"]) == old:
                rec["frequency"], rec["offset"] = frequency(c, rec["mode"], d)
        elif k < 55:
            rec["operational"] = 1 - rec["operational"]
        elif k < 75:
            old_tone = rec["encode"]
            rec["encode"] = _other(old_tone, _CTCSS, d)
            rec["decode"] = rec["encode"] if rec["decode"] else ""
        elif k < 90:
            rec["city"] = _other(rec["city"], c.cities, d)
        else:
            rec["description"] = _other(rec["description"], _HH_NEWS, d)

    return _Source(_slots(segs, _key(seed, 0x1DB), 350, 6), make, alter, _ENC, "[", ",", "]")
