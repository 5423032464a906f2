"""radioid.net: users.json and rptrs.json, in every shape they have had."""

from __future__ import annotations

from typing import Any

from dmr_edge.errors import RecordError
from dmr_edge.sources import fields

_NETWORKS = {"bm": "BrandMeister", "brandmeister": "BrandMeister", "tgif": "TGIF"}


def user_row(record: Any) -> tuple[Any, ...]:
    """Given one users.json record (old or new shape), return a users row."""
    record = fields.record(record)
    raw_id = record.get("id")
    if raw_id is None:
        raw_id = record.get("radio_id")
    radio_id = fields.ident(raw_id, "id", fields.MAX_RADIO_ID)
    call = fields.callsign(record.get("callsign"))
    if not call:
        raise RecordError(f"user {radio_id} has no callsign")
    first = record.get("fname")
    if first is None:
        first = record.get("name")
    return (
        radio_id,
        call,
        fields.text(first, "fname"),
        fields.text(record.get("surname"), "surname"),
        fields.text(record.get("city"), "city"),
        fields.text(record.get("state"), "state"),
        fields.text(record.get("country"), "country"),
        _flag(record.get("has_valid_callsign")),
        _flag(record.get("has_valid_email")),
        fields.optional_text(record.get("account_validation_status"), "account_validation_status"),
    )


def _flag(value: Any) -> Any:
    """radioid's flags are 0/1, as integers or (has_valid_callsign) as strings."""
    if value in (1, "1", True):
        return 1
    if value in (0, "0", False):
        return 0
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
