"""What the agent knows about itself: per-source state, cache ages, database size."""

from __future__ import annotations

import os
import sqlite3
import time
from typing import Any

from dmr_edge.cache import Cache
from dmr_edge.config import Settings
from dmr_edge.errors import StoreError
from dmr_edge.sources import SOURCES
from dmr_edge.store import STATE_FIELDS, read_failure
from dmr_edge.stream import ijson_backend


def _file_size(path: Any) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def read_states(settings: Settings) -> dict[str, dict[str, Any]]:
    """Return the stored state of every source, read-only (empty when no database yet).

    Raise ``StoreError`` saying why when the database exists but cannot be read (another
    user's database without read permission): "cannot read" is never shown as "empty".
    """
    if not settings.db.exists():
        return {}
    uri = settings.db.resolve().as_uri() + "?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=10)
        try:
            rows = conn.execute(
                f"SELECT source, {', '.join(STATE_FIELDS)} FROM source_state"
            ).fetchall()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        if "no such table" in str(exc):
            return {}  # created, never migrated: a first sync that did not get far
        raise StoreError(f"{settings.db}: {read_failure(settings.db, exc)}") from None
    return {row[0]: dict(zip(STATE_FIELDS, row[1:])) for row in rows}


def collect_status(settings: Settings, now: float | None = None) -> dict[str, Any]:
    """Return the status document ``dmr-edge status`` prints (secrets never included)."""
    now = time.time() if now is None else now
    states = read_states(settings)
    cache = Cache(settings.cache_dir)
    sources = {}
    for name, spec in SOURCES.items():
        source = settings.sources[name]
        state = states.get(name, {})
        entry = cache.entry(name)
        applied_at = state.get("applied_at")
        # The upstream last confirmed or delivered the cached copy (a 200 or a 304).
        checked_at = entry.checked_at if entry.exists and entry.meta is not None else None
        successes = [t for t in (applied_at, checked_at) if t]
        sources[name] = {
            "enabled": source.enabled,
            "url": source.url,
            "description": spec.description,
            "records": state.get("records"),
            "rejected": state.get("rejected"),
            "last_apply": applied_at,
            "age_seconds": round(now - applied_at, 1) if applied_at else None,
            "last_fetch": entry.meta.fetched_at if entry.meta else None,
            "last_success": round(max(successes), 3) if successes else None,
            # Negative ages: a time stamp in the future (the clock was set back).
            "cache_age_seconds": round(now - entry.checked_at, 1) if entry.exists else None,
            "cache_bytes": _file_size(entry.path) if entry.exists else 0,
            "last_error": state.get("last_error"),
            "last_error_at": state.get("last_error_at"),
            "inserted": state.get("inserted"),
            "updated": state.get("updated"),
            "deleted": state.get("deleted"),
            "apply_seconds": state.get("apply_seconds"),
            "http_status": entry.meta.http_status if entry.meta else None,
            "downloaded_bytes": entry.meta.downloaded_bytes if entry.meta else None,
        }
    db_bytes = sum(_file_size(str(settings.db) + suffix) for suffix in ("", "-wal", "-shm"))
    return {
        "db": str(settings.db),
        "db_bytes": db_bytes,
        "cache_dir": str(settings.cache_dir),
        "config": str(settings.config_path) if settings.config_path else None,
        "ijson_backend": ijson_backend(),
        "parser": settings.sync.parser,
        "sqlite_version": sqlite3.sqlite_version,
        "sources": sources,
    }
