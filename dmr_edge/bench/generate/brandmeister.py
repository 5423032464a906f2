"""BrandMeister devices: repeaters and hotspots, one callsign owning several ids."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from dmr_edge.bench.generate.countries import _COUNTRIES
from dmr_edge.bench.generate.draw import _Draw, _key, _mix, _words
from dmr_edge.bench.generate.layout import (
    _ENC,
    _SMALL_POOL,
    _USER_POOL,
    _other,
    _plan,
    _Slot,
    _slots,
    _Source,
)
from dmr_edge.bench.generate.people import _callsign
from dmr_edge.bench.generate.radio import _channel, _coord, _mhz
from dmr_edge.bench.generate.radioid import _COLOR_CODES

# BrandMeister devices: a top-level array. Repeaters have 6-digit ids; hotspots are a radio id
# times 100 plus an SSID, so one callsign owns several consecutive ids.

_RPTR_HARDWARE = _words(
    "R10QCGANQ1AN|MMDVM|MMDVM_DMO|Hytera RD985|Hytera RD625|Motorola SLR5700|"
    "Motorola SLR8000|Motorola XPR8300|Homebrew MMDVM Repeater|RB_STM32|DR-2X|Kenwood NXR-5700"
)
_HOTSPOT_HARDWARE = _words(
    "MMDVM_HS_Hat|MMDVM_HS_Dual_Hat|MMDVM_ZUMspot|MMDVM_MMDVM_HS_Hat|openSPOT|openSPOT2|"
    "openSPOT3|openSPOT4|DVMEGA|MMDVM_HS_MDO|Jumbospot|SkyBridge|MMDVM_HS_Hat-v1.6.1"
)
_FIRMWARE_RPTR = _words("R02.09.00.13|R02.20.12.00|A9.00.05.002|R02.10.00.05|V1.0.28|20240210_PS4")
_FIRMWARE_HOTSPOT = _words(
    "20240210_PS4|20231127_WPSD|20190130_Pi-Star|20220929_Pi-Star|20250101_WPSD|openSPOT4_0410|"
    "v1.6.1 20221208 14.7456MHz ADF7021 FW by CA6JAU GitID #1a6d1e4|"
    "MMDVM 20180723 (D-Star/DMR/System Fusion/P25/NXDN/POCSAG/FM/M17) GitID #4c2d5a0"
)
_LINKNAMES = _words("MMDVM Host|DMRGateway|Motorola IPSC|Hytera Multi-Site Connect|openSPOT")
_STATUS_TEXT = {1: "Disconnected", 2: "Slot 1 Linked", 3: "Both Slots Linked", 4: "Slot 2 Linked"}
_MONTHS = ("01", "02", "03", "04", "05", "06")
_SITES = _words("SCRN BLU|HILL|NORTH|SOUTH|EAST|WEST|MTN|CITY|Repeater|RPT|Site 2|B|C|D")
_BM_DESC = (
    "<p><b>DMR Recommended Talkgroups</b></p>\n\n<p><b>Timeslot 1</b><br/>\n"
    "{country} - {tg} (static); {state} - {tg}1; Worldwide - 91</p>",
    "<p>Hotspot in {city}</p>",
    "Covers {city} and surrounding area",
    "",
    "",
    "<p>{city} – TS2 TG {tg} static<br>Sysop: {call}</p>",
)


def _brandmeister_devices(count: int, seed: int) -> _Source:
    okey, rkey = _key(seed, 0x424D_4F57), _key(seed, 0x424D_4456)
    countries = _COUNTRIES
    n_rptr = max(0, min(count, round(count * 0.3)))
    rptr_segs = _plan(
        n_rptr, [c.rptrs for c in countries], [c.prefixes for c in countries], 1000, _SMALL_POOL
    )
    hot_segs = _plan(
        count - n_rptr, [c.users for c in countries], [c.prefixes for c in countries], 10_000,
        _USER_POOL,
    )  # fmt: skip

    def slots() -> Iterator[_Slot]:
        yield from _slots(rptr_segs, _key(seed, 0x1D7), 300, 3)
        for _rid, owner, g, run in _slots(hot_segs, _key(seed, 0x1D8), 350, 3):
            yield owner * 100 + 1 + 2 * run, owner, g, run

    def make(i: int, owner: int, g: int, run: int) -> dict[str, Any]:
        c = countries[g]
        hotspot = i >= 100_000_000
        o = _Draw(_mix(okey ^ owner))
        callsign = _callsign(c.calls if hotspot else c.rcalls, o)
        r = _Draw(_mix(rkey ^ i))
        if not hotspot and r.below(100) < 30:
            callsign = f"{callsign} {r.pick(_SITES)}"
        hz, off = _channel(c.plan, r)
        if hotspot:
            off = 0 if r.below(100) < 85 else off
            hardware, firmware = r.pick(_HOTSPOT_HARDWARE), r.pick(_FIRMWARE_HOTSPOT)
        else:
            hardware, firmware = r.pick(_RPTR_HARDWARE), r.pick(_FIRMWARE_RPTR)
        status = r.pick((1, 2, 3, 3, 3, 4))
        city = r.pick(c.cities)
        state = r.pick(c.states)
        if state and r.below(100) < 40:
            city = f"{city}, {state}"
        lat = round(_coord(c.box[0], c.box[1], r), 5)
        lng = round(_coord(c.box[2], c.box[3], r), 5)
        if r.below(1000) < 5:
            lat = lng = 0
        tg = c.prefixes[0] * 10 + r.below(10)
        rec: dict[str, Any] = {
            "id": i, "callsign": callsign, "hardware": hardware, "firmware": firmware,
            "tx": _mhz(hz, 4), "rx": _mhz(hz + off, 4), "colorcode": r.pick(_COLOR_CODES),
            "status": status, "lastKnownMaster": c.prefixes[0] * 10 + 1 + r.below(3),
            "lat": lat, "lng": lng, "city": city,
            "website": r.pick(("", "", "", f"https://www.qrz.com/db/{callsign.split()[0]}",
                               "http://papasys.com", "http://", None)),
            "pep": r.pick((0, 1, 5, 10) if hotspot else (10, 25, 40, 50, 100)),
            "agl": r.below(10) if hotspot else r.pick((0, 10, 15, 20, 30, 50, 100)),
            "priorityDescription": None if r.below(10) else f"{callsign} {city}",
            "description": r.pick(_BM_DESC).format(
                country=c.name, state=state or c.native, tg=tg, city=city, call=callsign
            ),
        }  # fmt: skip
        k = r.below(10)
        if k < 6:
            rec["linkname"] = r.pick(_LINKNAMES)
            rec["last_seen"] = (
                f"2026-{r.pick(_MONTHS)}-{1 + r.below(28):02d} "
                f"{r.below(24):02d}:{r.below(60):02d}:{r.below(60):02d}"
            )
            if k < 4:
                rec["statusText"] = _STATUS_TEXT[status]
        return rec

    def alter(rec: dict[str, Any], g: int, h: int) -> None:
        c = countries[g]
        d = _Draw(_mix(h ^ 0xA17E))
        k = d.below(100)
        if k < 30:
            old = rec["tx"]
            while rec["tx"] == old:
                hz, off = _channel(c.plan, d)
                rec["tx"], rec["rx"] = _mhz(hz, 4), _mhz(hz + off, 4)
        elif k < 50:
            rec["city"] = _other(rec["city"], c.cities, d)
        elif k < 70:
            fw = _FIRMWARE_HOTSPOT if rec["id"] >= 100_000_000 else _FIRMWARE_RPTR
            rec["firmware"] = _other(rec["firmware"], fw, d)
        elif k < 85:
            rec["callsign"] = _other(rec["callsign"], [_callsign(c.calls, d)], d)
        else:
            rec["status"] = 1 + rec["status"] % 4
            if "statusText" in rec:
                rec["statusText"] = _STATUS_TEXT[rec["status"]]

    return _Source(slots(), make, alter, _ENC, "[", ",", "]")
