"""radioid.net: users ({"users":[...]}) and repeaters ({"rptrs":[...]}, old and new format)."""

from __future__ import annotations

from typing import Any

from dmr_edge.bench.generate.countries import _COUNTRIES, _Country
from dmr_edge.bench.generate.draw import _Draw, _key, _mix, _weighted, _words
from dmr_edge.bench.generate.layout import (
    _ENC,
    _SMALL_POOL,
    _USER_POOL,
    _other,
    _plan,
    _slots,
    _Source,
)
from dmr_edge.bench.generate.people import _LANGS, _LETTERS, _callsign
from dmr_edge.bench.generate.radio import _channel, _coord, _mhz, _offset_text

# radioid.net users: {"users":[...]} sorted by id.

_EMAIL = _weighted([(1, 650), (0, 347), (2, 3)])
_NICK_SUFFIX = (", Jr.", ", Sr.", ", III", ", II")
_EN_GIVEN = _LANGS["en"][0]


def _radioid_users(count: int, seed: int) -> _Source:
    pkey, rkey = _key(seed, 0x5553_4552), _key(seed, 0x5245_4331)
    countries = _COUNTRIES
    segs = _plan(
        count, [c.users for c in countries], [c.prefixes for c in countries], 10_000, _USER_POOL
    )
    letters = _LETTERS

    def make(i: int, owner: int, g: int, run: int) -> dict[str, Any]:
        c = countries[g]
        p = _Draw(_mix(pkey ^ owner))  # the person: the same for all their ids
        given = c.given
        fname = p.pick(given)
        k = p.below(1000)
        if k < 120:
            fname = f"{fname} {p.pick(given)}"
        elif k < 200:
            fname = f"{fname} {letters[p.below(26)]}"
        surname = p.pick(c.surnames) if p.below(100) < 25 else ""
        callsign = _callsign(c.calls, p)
        k = p.below(10000)
        if k < 100:
            fname, surname = callsign, ""
        elif k < 400:
            fname, surname = fname.upper(), surname.upper()
        elif k < 450:
            fname += " "
        elif k < 480:  # a comma: "Smith, John" or "John, Jr."
            if given is _EN_GIVEN and p.below(2):
                fname += p.pick(_NICK_SUFFIX)
            else:
                fname = f"{p.pick(c.surnames)}, {fname}"
            surname = ""
        elif k < 490:
            fname = f'{fname} "{p.pick(given)}"'
        state = p.pick(c.states)
        city = p.pick(c.cities)
        k = p.below(10000)
        if k < 250:
            city = ""
        elif k < 290:
            city = "None"
        elif k < 590:
            city = city.upper()
        elif k < 690:
            city = city.lower()
        elif k < 790:
            city += " "
        elif k < 820:
            city = f"{city}, {state or c.name}"
        elif k < 825:
            city = f'"{city}"'
        country = c.alt if c.alt and p.below(500) == 0 else c.name
        r = _mix(rkey ^ i)  # this id's own flags
        unvalidated = 1 if r % 100 < 4 else 0
        return {
            "name": f"{fname} {surname}" if surname else fname,
            "fname": fname,
            "surname": surname,
            "country": country,
            "callsign": callsign,
            "city": city,
            "radio_id": i,
            "id": i,
            "state": state,
            "has_valid_callsign": "1" if (r >> 16) % 100 < 83 else "0",
            "has_valid_email": _EMAIL[(r >> 32) % 1000],
            "account_unvalidated": unvalidated,
            "account_validation_status": "unvalidated" if unvalidated else "validated",
        }

    def alter(rec: dict[str, Any], g: int, h: int) -> None:
        c = countries[g]
        d = _Draw(_mix(h ^ 0xA17E))
        k = d.below(100)
        if k < 35:
            rec["city"] = _other(rec["city"], c.cities, d)
        elif k < 60:
            old = rec["callsign"]
            while rec["callsign"] == old:
                rec["callsign"] = _callsign(c.calls, d)
        elif k < 85:
            fname = _other(rec["fname"], c.given, d)
            rec["fname"] = fname
            rec["name"] = f"{fname} {rec['surname']}" if rec["surname"] else fname
        else:
            rec["has_valid_email"] = 0 if rec["has_valid_email"] else 1
            rec["has_valid_callsign"] = "1" if rec["has_valid_callsign"] == "0" else "0"

    return _Source(
        _slots(segs, _key(seed, 0x1D5), 80, 2), make, alter, _ENC, '{"users":[\n', ",\n", "\n]}"
    )


# --------------------------------------------------------------------------------------------
# radioid.net repeaters: {"rptrs":[...]}, old format (trustee string) and new (trustee list,
# talkgroups list).

_ASSIGNED = _weighted([
    ("Peer", 4539), (None, 1696), ("Master", 3838), ("None", 198), ("", 98), ("peer", 45),
    ("PEER", 27), ("master", 20), ("Select Repeater Type", 7), ("Master/Peer", 6), ("3102", 6),
])  # fmt: skip
_TS_LINKED = _weighted([
    ("TS1 TS2", 822), ("Mixed Mode", 91), (None, 49), ("TS1", 36), ("TS2", 30), ("2", 7),
    ("1", 6), ("None", 3), ("1 and 2", 2), ("1&2", 2), ("TS1 & TS2", 2), ("TS1, TS2", 2),
])  # fmt: skip
_NETWORKS = _weighted([
    ("BM", 3472), ("Brandmeister", 1078), ("BrandMeister", 893), ("DMR-plus", 829),
    ("None", 446), ("DMR-MARC", 168), ("DMR", 156), ("NEDECN", 101), ("brandmeister", 73),
    ("DMR+", 55), ("BRANDMEISTER", 54), ("Interstate", 53), ("TGIF", 49), ("FreeDMR", 40),
    ("VK-DMR Network", 48), ("Western States DMR", 46), ("PNW Digital", 40), ("Mi5", 30),
    ("Mountain West DMR", 30), ("West Brandmeister", 10), ("", 20), ("ADN Systems", 25),
])  # fmt: skip
_COLOR_CODES = _weighted([
    (1, 7998), (2, 435), (7, 361), (3, 316), (5, 253), (0, 219), (4, 147), (9, 130), (8, 127),
    (10, 124), (15, 115), (11, 99), (6, 93), (12, 80), (13, 57), (14, 50),
])  # fmt: skip
_MAP_INFO = _weighted([("", 655), (None, 18), ("None", 9), ("*", 318)])
_MAP_TEXT = (
    "See www.{club}.org for talkgroups and other info.",
    "For repeater information please go to:<br>www.{club}.net<br>contact : {name} {call}",
    "TS 1 - TG 91 = Worldwide<br>TS 1 - TG {tg} = {country}<br>TS 2 - TG 9 = Local Repeater only"
    "<br><br>You Must Have [ARS] Disabled Within Your Radio.",
    "Talkgroup info at http://www.{club}.com",
    "TBD",
    "Slot2 TG 2, TG 8 (clusters)",
    "Linked to {network} &amp; {city}<br>Contact: {name} {call}<br>Email: {call_lc}@{club}.org",
    "{city} – {name} {call} – 73!",
)
_CLUBS = _words(
    "nydmr|fdarn|delmarvadmr|westernstatesdmr|dmrtexas|sardmr|k4usd|papasys|mi5dmr|w2xrx|"
    "dmr-marc|pnwdigital|brandmeister|hamdigital|cqnorth|radioclub|arrl|rsgb|darc|ari"
)
_RPTR_TG_DESC = ("{country} / {state}", "{country}", "{city} Local", "TAC {tg}", "Worldwide")


def _map_text(c: _Country, d: _Draw, callsign: str, network: str, tg: int) -> str:
    return d.pick(_MAP_TEXT).format(
        club=d.pick(_CLUBS), name=d.pick(c.given), call=callsign, call_lc=callsign.lower(),
        tg=tg, country=c.name, network=network or "BM", city=d.pick(c.cities),
    )  # fmt: skip


def _latlng_text(c: _Country, d: _Draw) -> tuple[str | None, str | None]:
    k = d.below(1000)
    if k < 10:
        return None, None
    if k < 40:
        return "", ""
    lat = _coord(c.box[0], c.box[1], d)
    lng = _coord(c.box[2], c.box[3], d)
    places = d.pick((6, 6, 7, 5))
    return f"{lat:.{places}f}", f"{lng:.{places}f}"


def _radioid_repeaters(count: int, seed: int) -> _Source:
    okey, rkey = _key(seed, 0x4F57_4E52), _key(seed, 0x5250_5452)
    countries = _COUNTRIES
    segs = _plan(
        count, [c.rptrs for c in countries], [c.prefixes for c in countries], 1000, _SMALL_POOL
    )

    def frequency(c: _Country, d: _Draw) -> tuple[str, str]:
        if d.below(1000) < 8:
            return "0.00000", d.pick(("", "", "0.000", "+5.000"))
        hz, off = _channel(c.plan, d)
        return _mhz(hz, 5), _offset_text(off, d)

    def make(i: int, owner: int, g: int, run: int) -> dict[str, Any]:
        c = countries[g]
        o = _Draw(_mix(okey ^ owner))  # the owner: callsign, trustee, network
        callsign = _callsign(c.rcalls, o)
        trustee: str | None = callsign if o.below(100) < 45 else _callsign(c.calls, o)
        network = o.pick(_NETWORKS)
        r = _Draw(_mix(rkey ^ i))
        city = "" if r.below(100) < 4 else r.pick(c.cities)
        state = r.pick(c.states)
        freq, offset = frequency(c, r)
        color_code = r.pick(_COLOR_CODES)
        assigned = r.pick(_ASSIGNED)
        ts_linked = r.pick(_TS_LINKED)
        map_info = r.pick(_MAP_INFO)
        if map_info == "*":
            map_info = _map_text(c, r, callsign, network, c.prefixes[0] * 10 + r.below(10))
        map_ = 1 if r.below(100) < 36 else 0
        lat, lng = _latlng_text(c, r)
        status = "UNKNOWN" if r.below(1000) < 4 else "ACTIVE"
        head: dict[str, Any] = {
            "locator": i, "id": i, "callsign": callsign, "city": city, "state": state,
            "country": c.name, "frequency": freq, "color_code": color_code, "offset": offset,
            "assigned": assigned, "ts_linked": ts_linked,
        }  # fmt: skip
        if r.below(100) >= 25:  # old format
            if r.below(1000) < 6:
                trustee = None
            head.update(
                trustee=trustee, map_info=map_info, map=map_, ipsc_network=network,
                lat=lat, lng=lng, status=status,
            )  # fmt: skip
            return head
        trustees = [trustee]
        if r.below(100) < 20:
            trustees.append(_callsign(c.calls, r))
        elif r.below(100) < 3:
            trustees = []
        head.update(map_info=map_info, map=map_, ipsc_network=network, trustee=trustees)
        if r.below(2):
            head.update(lat=lat, lng=lng)
        tgs = []
        for _ in range(r.pick((0, 0, 0, 1, 2, 2, 3, 4))):
            tg = r.pick(
                (91, 9, c.prefixes[0] * 10 + r.below(10), c.prefixes[0] * 1000 + r.below(99))
            )
            desc = r.pick(_RPTR_TG_DESC).format(
                country=c.name, state=r.pick(c.states) or c.native, city=r.pick(c.cities), tg=tg
            )
            tgs.append({"talkgroup": tg, "description": desc, "timeslot": 1 + r.below(2),
                        "discovery": 1 if r.below(10) == 0 else 0})  # fmt: skip
        head.update(status=status, talkgroups=tgs)
        return head

    def alter(rec: dict[str, Any], g: int, h: int) -> None:
        c = countries[g]
        d = _Draw(_mix(h ^ 0xA17E))
        k = d.below(100)
        if k < 35:
            old = rec["frequency"], rec["offset"]
            while (rec["frequency"], rec["offset"]) == old:
                rec["frequency"], rec["offset"] = frequency(c, d)
        elif k < 55:
            rec["city"] = _other(rec["city"], c.cities, d)
        elif k < 70:
            rec["color_code"] = (rec["color_code"] + 1 + d.below(14)) % 16
        elif k < 85:
            new = _callsign(c.calls, d)
            if isinstance(rec["trustee"], list):
                rec["trustee"] = [new, *rec["trustee"]][:2]
            else:
                rec["trustee"] = new if rec["trustee"] != new else new + "A"
        else:
            rec["ts_linked"] = _other(rec["ts_linked"], ("TS1 TS2", "Mixed Mode", "TS1", "TS2"), d)

    return _Source(
        _slots(segs, _key(seed, 0x1D6), 250, 4), make, alter, _ENC, '{"rptrs":[\n', ",\n", "\n]}"
    )
