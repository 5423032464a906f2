"""BrandMeister: the device list (an array) and the talkgroup map (one object)."""

from __future__ import annotations

from typing import Any

from dmr_edge.errors import RecordError
from dmr_edge.sources import fields

NETWORK = "BrandMeister"


def device_row(record: Any) -> tuple[Any, ...]:
    """Given one /v2/device record, return a repeaters row (tx/rx MHz strings → Hz)."""
    record = fields.record(record)
    status = fields.optional_text(record.get("statusText"), "statusText")
    if status is None and record.get("status") is not None:
        status = fields.text(record.get("status"), "status")
    return (
        "brandmeister_devices",
        fields.ident(record.get("id"), "id"),
        fields.callsign(record.get("callsign")),
        fields.mhz_to_hz(record.get("tx"), "tx"),
        fields.mhz_to_hz(record.get("rx"), "rx"),
        fields.small_int(record.get("colorcode"), "colorcode"),
        fields.coordinate(record.get("lat"), 90.0),
        fields.coordinate(record.get("lng"), 180.0),
        fields.text(record.get("city"), "city"),
        "",
        "",
        NETWORK,
        None,
        "DMR",
        status,
        fields.details(
            {
                "hardware": fields.optional_text(record.get("hardware"), "hardware"),
                "firmware": fields.optional_text(record.get("firmware"), "firmware"),
                "master": fields.small_int(record.get("lastKnownMaster"), "lastKnownMaster"),
                "website": fields.optional_text(record.get("website"), "website"),
                "pep": fields.small_int(record.get("pep"), "pep"),
                "agl": fields.small_int(record.get("agl"), "agl"),
                "linkname": fields.optional_text(record.get("linkname"), "linkname"),
                "last_seen": fields.optional_text(record.get("last_seen"), "last_seen"),
            }
        ),
    )


def talkgroup_row(pair: Any) -> tuple[Any, ...]:
    """Given one ``(id string, name)`` pair of the /v2/talkgroup map, return a talkgroups row."""
    try:
        key, name = pair
    except (TypeError, ValueError):
        raise RecordError("talkgroup entry is not a key/value pair") from None
    if not isinstance(name, (str, type(None))):
        raise RecordError(f"talkgroup {key!r} name is not text")
    return (NETWORK, fields.ident(key, "talkgroup id"), fields.padded_text(name, "name"), None)
