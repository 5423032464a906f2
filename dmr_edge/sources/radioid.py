"""radioid.net: users.json and rptrs.json, in every shape they have had."""

from __future__ import annotations

from typing import Any

from dmr_edge.errors import RecordError
from dmr_edge.sources import fields

_NETWORKS = {"bm": "BrandMeister", "brandmeister": "BrandMeister", "tgif": "TGIF"}


def user_row(record: Any) -> tuple[Any, ...]:
    """Given one users.json record (old or new shape), return a users row.

    The common case (an integer id, plain strings of sensible length) takes the inline path;
    anything else goes through the checks of ``fields``, with the same result. 295,000
    users a sync make the difference worth its lines.
    """
    if type(record) is not dict:
        record = fields.record(record)
    get = record.get
    raw_id = get("id")
    if raw_id is None:
        raw_id = get("radio_id")
    if type(raw_id) is int and 0 < raw_id <= _MAX_RADIO_ID:
        radio_id = raw_id
    else:
        radio_id = fields.ident(raw_id, "id", fields.MAX_RADIO_ID)
    call = get("callsign")
    if type(call) is str and len(call) <= _MAX_CALLSIGN:
        call = call.strip().upper()
    else:
        call = fields.callsign(call)
    if not call:
        raise RecordError(f"user {radio_id} has no callsign")
    first = get("fname")
    if first is None:
        first = get("name")
    surname, city, state, country = get("surname"), get("city"), get("state"), get("country")
    status = get("account_validation_status")
    return (
        radio_id,
        call,
        first.strip()
        if type(first) is str and len(first) <= _TEXT
        else fields.text(first, "fname"),
        surname.strip()
        if type(surname) is str and len(surname) <= _TEXT
        else fields.text(surname, "surname"),
        city.strip() if type(city) is str and len(city) <= _TEXT else fields.text(city, "city"),
        state.strip()
        if type(state) is str and len(state) <= _TEXT
        else fields.text(state, "state"),
        country.strip()
        if type(country) is str and len(country) <= _TEXT
        else fields.text(country, "country"),
        _flag(get("has_valid_callsign")),
        _flag(get("has_valid_email")),
        None if status is None else fields.optional_text(status, "account_validation_status"),
    )


_MAX_RADIO_ID = fields.MAX_RADIO_ID
_MAX_CALLSIGN = fields.MAX_CALLSIGN
_TEXT = fields.MAX_TEXT
_FLAGS = {1: 1, "1": 1, 0: 0, "0": 0}  # True and False hash as 1 and 0: they map too


def _flag(value: Any) -> Any:
    """radioid's flags are 0/1, as integers or (has_valid_callsign) as strings."""
    try:
        return _FLAGS.get(value)
    except TypeError:  # a list or an object: not a flag
        return None


def network_name(value: Any) -> Any:
    """Fold the spellings of one network (BM, Brandmeister, BrandMeister) into one."""
    name = fields.optional_text(value, "ipsc_network")
    if name is None:
        return None
    return _NETWORKS.get(name.lower(), name)


def trustee(value: Any) -> Any:
    """``trustee`` is a callsign string in old files and a list of callsigns in new ones.

    A trustee does not identify the repeater, so nothing in it is a reason to drop the
    repeater: a list keeps its callsigns (what cannot be one is left out) up to ``MAX_TEXT``
    characters in all; a string is cut to that.
    """
    if isinstance(value, list):
        calls: list[str] = []
        length = -1
        for item in value:
            try:
                name = fields.callsign(item, "trustee") if item else ""
            except RecordError:  # not a callsign
                continue
            if name:
                length += len(name) + 1
                if length > fields.MAX_TEXT:
                    break
                calls.append(name)
        return ",".join(calls) or None
    call = fields.optional_text(value, "trustee")
    return call.upper() if call else None


def _talkgroups(value: Any) -> Any:
    if not isinstance(value, list):
        return None
    kept = []
    for item in value[:256]:
        if not isinstance(item, dict):
            continue
        kept.append(
            {
                "talkgroup": fields.small_int(item.get("talkgroup"), "talkgroup"),
                "timeslot": fields.small_int(item.get("timeslot"), "timeslot"),
                "description": fields.text(item.get("description"), "description"),
            }
        )
    return kept


def repeater_row(record: Any) -> tuple[Any, ...]:
    """Given one rptrs.json record (old or new shape), return a repeaters row."""
    record = fields.record(record)
    repeater_id = fields.ident(record.get("id"), "id")
    tx_hz = fields.mhz_to_hz(record.get("frequency"), "frequency")
    offset_hz = fields.mhz_to_hz(record.get("offset"), "offset")
    rx_hz = tx_hz + offset_hz if tx_hz is not None and offset_hz is not None else tx_hz
    return (
        "radioid_repeaters",
        repeater_id,
        fields.callsign(record.get("callsign")),
        tx_hz,
        rx_hz,
        fields.small_int(record.get("color_code"), "color_code"),
        fields.coordinate(record.get("lat"), 90.0),
        fields.coordinate(record.get("lng"), 180.0),
        fields.text(record.get("city"), "city"),
        fields.text(record.get("state"), "state"),
        fields.text(record.get("country"), "country"),
        network_name(record.get("ipsc_network")),
        trustee(record.get("trustee")),
        "DMR",
        fields.optional_text(record.get("status"), "status"),
        fields.details(
            {
                "assigned": fields.optional_text(record.get("assigned"), "assigned"),
                "ts_linked": fields.optional_text(record.get("ts_linked"), "ts_linked"),
                "map_info": fields.optional_text(
                    record.get("map_info"), "map_info", fields.MAX_LONG_TEXT
                ),
                "talkgroups": _talkgroups(record.get("talkgroups")),
            }
        ),
    )
