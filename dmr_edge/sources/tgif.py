"""TGIF talkgroups: string ids, base64 descriptions, names with trailing spaces."""

from __future__ import annotations

import base64
import binascii
import codecs
from typing import Any

from dmr_edge.sources import fields

NETWORK = "TGIF"


def decode_description(value: Any) -> str | None:
    """Return the base64 ``description`` decoded as UTF-8, or the text if it is not base64.

    Either is cut to ``MAX_LONG_TEXT`` characters; base64 longer than ``MAX_ENCODED_TEXT``
    (a multiple of 4) is decoded as far as that, its cut last character dropped.
    """
    raw = fields.optional_text(value, "description", fields.MAX_ENCODED_TEXT)
    if raw is None:
        return None
    cut = len(raw) == fields.MAX_ENCODED_TEXT  # (or just that long)
    try:
        data = base64.b64decode(raw, validate=True)
        decoded = codecs.getincrementaldecoder("utf-8")().decode(data, final=not cut)
    except (binascii.Error, ValueError):
        return raw[: fields.MAX_LONG_TEXT]
    return decoded.strip()[: fields.MAX_LONG_TEXT] or None


def talkgroup_row(record: Any) -> tuple[Any, ...]:
    record = fields.record(record)
    return (
        NETWORK,
        fields.ident(record.get("id"), "id"),
        fields.padded_text(record.get("name"), "name"),
        decode_description(record.get("description")),
    )
