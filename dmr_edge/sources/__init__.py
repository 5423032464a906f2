"""The six upstream sources: where they live, what they look like, and record → row.

Each source is a ``SourceSpec``. ``to_row`` turns one parsed JSON record into the tuple of
column values for its table, or raises ``RecordError`` (the record is skipped and counted).
"""

from __future__ import annotations

from typing import Any, Callable

from dmr_edge.record import dataclass
from dmr_edge.sources import brandmeister, hearham, radioid, tgif
from dmr_edge.sources.tables import REPEATER_COLUMNS, TALKGROUP_COLUMNS, USER_COLUMNS

Row = tuple[Any, ...]

# The version of the record → row conversions. It seeds the digests that let a sync skip a
# record whose text did not change: bump it whenever a conversion changes, so that rows
# made by the old code are converted again.
ROW_FORMAT = 1


@dataclass(frozen=True)
class SourceSpec:
    name: str
    default_url: str
    table: str
    columns: tuple[str, ...]
    # The scope column and value this source owns in a shared table ("source" for repeaters,
    # "network" for talkgroups); None when the source owns the whole table.
    scope_column: str | None
    scope: str | None
    # "array": a list of records, at the top or inside one of ``containers``;
    # "map": one JSON object of key → value pairs.
    kind: str
    containers: tuple[str, ...]
    to_row: Callable[..., Row]
    description: str


SOURCES: dict[str, SourceSpec] = {
    spec.name: spec
    for spec in (
        SourceSpec(
            name="radioid_users",
            default_url="https://radioid.net/static/users.json",
            table="users",
            columns=USER_COLUMNS,
            scope_column=None,
            scope=None,
            kind="array",
            containers=("users", "results"),
            to_row=radioid.user_row,
            description="radioid.net radio user ids",
        ),
        SourceSpec(
            name="radioid_repeaters",
            default_url="https://radioid.net/static/rptrs.json",
            table="repeaters",
            columns=REPEATER_COLUMNS,
            scope_column="source",
            scope="radioid_repeaters",
            kind="array",
            containers=("rptrs", "results"),
            to_row=radioid.repeater_row,
            description="radioid.net repeaters",
        ),
        SourceSpec(
            name="brandmeister_devices",
            default_url="https://api.brandmeister.network/v2/device",
            table="repeaters",
            columns=REPEATER_COLUMNS,
            scope_column="source",
            scope="brandmeister_devices",
            kind="array",
            containers=("devices", "results"),
            to_row=brandmeister.device_row,
            description="BrandMeister repeaters and hotspots",
        ),
        SourceSpec(
            name="brandmeister_talkgroups",
            default_url="https://api.brandmeister.network/v2/talkgroup",
            table="talkgroups",
            columns=TALKGROUP_COLUMNS,
            scope_column="network",
            scope="BrandMeister",
            kind="map",
            containers=(),
            to_row=brandmeister.talkgroup_row,
            description="BrandMeister talkgroups",
        ),
        SourceSpec(
            name="tgif_talkgroups",
            default_url="https://api.tgif.network/dmr/talkgroups/json",
            table="talkgroups",
            columns=TALKGROUP_COLUMNS,
            scope_column="network",
            scope="TGIF",
            kind="array",
            containers=("talkgroups", "results"),
            to_row=tgif.talkgroup_row,
            description="TGIF talkgroups",
        ),
        SourceSpec(
            name="hearham_repeaters",
            default_url="https://hearham.com/api/repeaters/v1",
            table="repeaters",
            columns=REPEATER_COLUMNS,
            scope_column="source",
            scope="hearham_repeaters",
            kind="array",
            containers=("repeaters", "results"),
            to_row=hearham.repeater_row,
            description="hearham.com repeaters (all modes)",
        ),
    )
}
