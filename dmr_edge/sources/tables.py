"""Column lists shared by the sources and the store, in insert order (key columns first)."""

from __future__ import annotations

USER_COLUMNS = (
    "id",
    "callsign",
    "first_name",
    "last_name",
    "city",
    "state",
    "country",
    "valid_callsign",
    "valid_email",
    "validation",
)
REPEATER_COLUMNS = (
    "source",
    "id",
    "callsign",
    "tx_hz",
    "rx_hz",
    "color_code",
    "lat",
    "lng",
    "city",
    "state",
    "country",
    "network",
    "trustee",
    "mode",
    "status",
    "details",
)
TALKGROUP_COLUMNS = ("network", "id", "name", "description")
