"""hearham.com repeaters: every mode, frequencies already in Hz, callsigns shared by many."""

from __future__ import annotations

from typing import Any

from dmr_edge.sources import fields


def repeater_row(record: Any) -> tuple[Any, ...]:
    record = fields.record(record)
    tx_hz = fields.hz(record.get("frequency"), "frequency")
    offset_hz = fields.hz(record.get("offset"), "offset")
    rx_hz = tx_hz + offset_hz if tx_hz is not None and offset_hz is not None else tx_hz
    operational = record.get("operational")
    status = (
        None if operational is None else ("ACTIVE" if operational in (1, "1", True) else "DOWN")
    )
    return (
        "hearham_repeaters",
        fields.ident(record.get("id"), "id"),
        fields.callsign(record.get("callsign")),
        tx_hz,
        rx_hz,
        None,
        fields.coordinate(record.get("latitude"), 90.0),
        fields.coordinate(record.get("longitude"), 180.0),
        fields.text(record.get("city"), "city"),
        "",
        "",
        fields.optional_text(record.get("group"), "group"),
        None,
        fields.optional_text(record.get("mode"), "mode", 32),
        status,
        fields.details(
            {
                "encode": fields.optional_text(record.get("encode"), "encode"),
                "decode": fields.optional_text(record.get("decode"), "decode"),
                "internet_node": fields.optional_text(record.get("internet_node"), "internet_node"),
                "power": fields.optional_text(record.get("power"), "power"),
                "restriction": fields.optional_text(record.get("restriction"), "restriction"),
                "description": fields.optional_text(
                    record.get("description"), "description", fields.MAX_LONG_TEXT
                ),
            }
        ),
    )
