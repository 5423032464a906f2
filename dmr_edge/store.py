"""The SQLite database: schema and migrations, transactions, per-source state, and the
incremental apply of one source's rows.

Writes touch only what changed: an upsert whose ``WHERE`` finds every column equal does
not write, and rows that vanished upstream are found by sweeping id ranges chunk by chunk
(no table is ever held in Python memory).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dmr_edge.cache import ensure_dir
from dmr_edge.errors import StoreError
from dmr_edge.sources import Row, SourceSpec

SCHEMA_VERSION = 1
MIN_SQLITE = (3, 24, 0)  # INSERT ... ON CONFLICT DO UPDATE

_SCHEMA_V1 = """
CREATE TABLE users (
    id          INTEGER PRIMARY KEY,          -- the DMR radio id (24-bit)
    callsign    TEXT NOT NULL,                -- upper case
    first_name  TEXT NOT NULL DEFAULT '',
    last_name   TEXT NOT NULL DEFAULT '',
    city        TEXT NOT NULL DEFAULT '',
    state       TEXT NOT NULL DEFAULT '',
    country     TEXT NOT NULL DEFAULT '',
    valid_callsign INTEGER,                   -- radioid's has_valid_callsign (0/1)
    valid_email INTEGER,                      -- radioid's has_valid_email (0/1)
    validation  TEXT                          -- account_validation_status (newer dumps)
);
CREATE INDEX users_callsign ON users (callsign);

CREATE TABLE repeaters (
    source      TEXT NOT NULL,                -- the source that owns the row
    id          INTEGER NOT NULL,             -- the upstream's own id (never the callsign)
    callsign    TEXT NOT NULL,
    tx_hz       INTEGER,                      -- the repeater's output, integer Hz
    rx_hz       INTEGER,                      -- the repeater's input, integer Hz
    color_code  INTEGER,
    lat         REAL,                         -- degrees
    lng         REAL,
    city        TEXT NOT NULL DEFAULT '',
    state       TEXT NOT NULL DEFAULT '',
    country     TEXT NOT NULL DEFAULT '',
    network     TEXT,
    trustee     TEXT,                         -- comma-separated callsigns
    mode        TEXT,                         -- DMR, FM, ... (hearham lists every mode)
    status      TEXT,
    details     TEXT,                         -- source-specific extras as JSON
    PRIMARY KEY (source, id)
);
CREATE INDEX repeaters_callsign ON repeaters (callsign);

CREATE TABLE talkgroups (
    network     TEXT NOT NULL,                -- BrandMeister, TGIF
    id          INTEGER NOT NULL,
    name        TEXT NOT NULL DEFAULT '',
    description TEXT,
    PRIMARY KEY (network, id)
);
CREATE INDEX talkgroups_id ON talkgroups (id);

CREATE TABLE source_state (
    source          TEXT PRIMARY KEY,
    url             TEXT,
    etag            TEXT,                     -- validators of the applied download
    last_modified   TEXT,
    applied_hash    TEXT,                     -- sha256 of the document last applied
    applied_at      REAL,                     -- unix time
    records         INTEGER,
    rejected        INTEGER,
    inserted        INTEGER,
    updated         INTEGER,
    deleted         INTEGER,
    unchanged       INTEGER,
    bytes           INTEGER,                  -- size of the applied document
    apply_seconds   REAL,
    last_error      TEXT,
    last_error_at   REAL
);
"""

MIGRATIONS: dict[int, str] = {1: _SCHEMA_V1}

STATE_FIELDS = (
    "url",
    "etag",
    "last_modified",
    "applied_hash",
    "applied_at",
    "records",
    "rejected",
    "inserted",
    "updated",
    "deleted",
    "unchanged",
    "bytes",
    "apply_seconds",
    "last_error",
    "last_error_at",
)


def read_failure(path: Path, exc: sqlite3.Error) -> str:
    """Given a failure to read the database, return one line saying why, in the reader's
    terms: whose permission is missing, or what a running writer needs first."""
    text = str(exc)
    if not os.access(path, os.R_OK):
        return "cannot read the database: permission denied (it is not readable by this user)"
    if "readonly" in text or "unable to open" in text:
        directory = path.parent
        if not os.access(directory, os.W_OK):
            return (
                f"cannot read the database now: it was left in WAL mode and its directory "
                f"{directory} is not writable by this user; the next sync by the service "
                "makes it readable (or run this command as the service's user)"
            )
    return f"cannot read the database: {text}"


def check_sqlite_version() -> None:
    if sqlite3.sqlite_version_info < MIN_SQLITE:
        raise StoreError(
            f"SQLite {sqlite3.sqlite_version} is too old; dmr-edge needs 3.24 or newer"
        )


class Store:
    """One connection to the database, with the schema migrated to ``SCHEMA_VERSION``.

    The database is in WAL mode only while this agent writes it, and back in rollback
    (``DELETE``) mode at rest. WAL lets ``lookup``, ``export`` and ``backup`` read the old
    version of a source while a sync writes the new one; but a WAL database can only be
    opened by someone who may write its directory (for the ``-shm`` file), unless another
    connection has it open. At rest in rollback mode, the database is one file that any
    user allowed to read it can query: the ``pi`` user can look a callsign up in the
    service's database without write access to /var/lib/dmr-edge. A sync that changes
    nothing opens no write transaction and switches nothing, so it writes no byte.
    """

    def __init__(self, path: Path, *, readonly: bool = False, cache_kib: int = 2048) -> None:
        check_sqlite_version()
        self.path = Path(path)
        self.readonly = readonly
        self._wal = False  # this connection switched the database to WAL
        try:
            if readonly:
                if not self.path.exists():
                    raise StoreError(f"{self.path}: no database yet (run dmr-edge sync)")
                uri = self.path.resolve().as_uri() + "?mode=ro"
                self.conn = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=30)
            else:
                ensure_dir(self.path.parent)
                self.conn = sqlite3.connect(str(self.path), isolation_level=None, timeout=30)
            self.conn.execute(f"PRAGMA cache_size = -{int(cache_kib)}")
            if not readonly:
                # Left in WAL by a crash, an older dmr-edge or a reader holding it at the
                # last close: closing this connection switches it back.
                mode = self.conn.execute("PRAGMA journal_mode").fetchone()[0]
                self._wal = str(mode).lower() == "wal"
                # FULL: a commit survives a power cut.
                self.conn.execute("PRAGMA synchronous = FULL")
                self.conn.execute("PRAGMA journal_size_limit = 4194304")
                self._migrate()
            else:
                self._check_version()
        except sqlite3.Error as exc:
            if readonly:
                raise StoreError(f"{self.path}: {read_failure(self.path, exc)}") from None
            raise StoreError(f"{self.path}: cannot open database: {exc}") from None
        except OSError as exc:
            raise StoreError(f"{self.path}: cannot open database: {exc.strerror}") from None

    def close(self) -> None:
        if self._wal:
            # Back to a single file any reader may open. It fails while another connection
            # has the database open (a reader): it then stays in WAL, its -wal and -shm
            # files stay beside it for every reader, and the next writer tries again.
            with contextlib.suppress(sqlite3.Error):
                self.conn.execute("PRAGMA busy_timeout = 0")
                self.conn.execute("PRAGMA journal_mode = DELETE")
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- schema ------------------------------------------------------------------------

    def version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def _check_version(self) -> None:
        version = self.version()
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: database schema {version} is newer than this dmr-edge "
                f"understands ({SCHEMA_VERSION}); upgrade dmr-edge"
            )

    def _migrate(self) -> None:
        self._check_version()
        version = self.version()
        if version == SCHEMA_VERSION:
            return
        with self.transaction():
            for target in range(version + 1, SCHEMA_VERSION + 1):
                for statement in MIGRATIONS[target].split(";\n"):
                    if statement.strip():
                        self.conn.execute(statement)
                self.conn.execute(f"PRAGMA user_version = {target}")

    # --- transactions ------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Run the block in one write transaction; roll back on any exception."""
        if not self._wal:
            # WAL while writing: readers see the old version whole until the commit.
            self.conn.execute("PRAGMA journal_mode = WAL")
            self._wal = True
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")

    # --- per-source state --------------------------------------------------------------

    def state(self, source: str) -> dict[str, Any]:
        """Return the stored state of a source (empty dict if it was never synced)."""
        cursor = self.conn.execute(
            f"SELECT {', '.join(STATE_FIELDS)} FROM source_state WHERE source = ?", (source,)
        )
        row = cursor.fetchone()
        return dict(zip(STATE_FIELDS, row)) if row else {}

    def set_state(self, source: str, **values: Any) -> None:
        """Create or update a source's state row with the given fields."""
        unknown = set(values) - set(STATE_FIELDS)
        if unknown:
            raise ValueError(f"unknown state fields {sorted(unknown)}")
        names = ["source", *values]
        updates = ", ".join(f"{name} = excluded.{name}" for name in values) or "source = source"
        self.conn.execute(
            f"INSERT INTO source_state ({', '.join(names)}) "
            f"VALUES ({', '.join('?' for _ in names)}) "
            f"ON CONFLICT (source) DO UPDATE SET {updates}",
            (source, *values.values()),
        )

    def record_error(self, source: str, message: str) -> None:
        """Remember a source's last error, in its own small transaction."""
        with self.transaction():
            self.set_state(source, last_error=message, last_error_at=time.time())

    def clear_error(self, source: str) -> None:
        """Forget a source's last error (writes only if there was one)."""
        if self.state(source).get("last_error"):
            with self.transaction():
                self.set_state(source, last_error=None, last_error_at=None)

    def count(self, table: str, scope_column: str | None = None, scope: Any = None) -> int:
        if scope_column is None:
            return int(self.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
        return int(
            self.conn.execute(
                f"SELECT count(*) FROM {table} WHERE {scope_column} = ?", (scope,)
            ).fetchone()[0]
        )


@dataclass
class ApplyStats:
    inserted: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    duplicates: int = 0
    rows: int = 0  # rows handed to the applier
    total: int = 0  # rows of this source in the table afterwards


class SourceApplier:
    """Apply one source's rows, chunk by chunk, inside a transaction the caller holds.

    Changed and new rows are upserted as they come; an unchanged row is never written.
    Vanished rows are found by sweeping id ranges: for each chunk, the ids already stored
    between the previous chunk's highest id and this chunk's highest id that the chunk does
    not contain are candidates for deletion. Upstream files are usually sorted by id, so
    this reads each stored id once and the candidates are the few rows really gone.

    Nothing is deleted before the document ends, so a document that is not sorted (real
    rptrs.json files hold two sorted runs; any order must work) never deletes a row that a
    later chunk brings back. From the first chunk that goes back below the swept range, the
    ids of every chunk are noted in a temporary table of seen ids; at the end, a candidate
    is deleted unless it was seen, and so is a stored id above the swept range that was
    never seen. Candidates are few when the document is sorted and are kept in a short
    list; many (a reversed document) move to a temporary table: memory stays flat.
    """

    _MAX_LISTED = 10_000  # candidates kept in Python before they move to a temporary table

    def __init__(self, store: Store, spec: SourceSpec) -> None:
        self.conn = store.conn
        self.store = store
        self.spec = spec
        self.stats = ApplyStats()
        columns = spec.columns
        self.id_index = columns.index("id")
        table = spec.table
        scope_col = spec.scope_column
        keys = (scope_col, "id") if scope_col else ("id",)
        values = [c for c in columns if c not in keys]
        assignments = ", ".join(f"{c} = excluded.{c}" for c in values)
        differs = (
            f"({', '.join(f'{table}.{c}' for c in values)}) IS NOT "
            f"({', '.join(f'excluded.{c}' for c in values)})"
        )
        self.upsert_sql = (
            f"INSERT INTO {table} ({', '.join(columns)}) "
            f"VALUES ({', '.join('?' for _ in columns)}) "
            f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {assignments} WHERE {differs}"
        )
        where_scope = f"{scope_col} = ? AND " if scope_col else ""
        self.scope_args: Sequence[Any] = (spec.scope,) if scope_col else ()
        self.range_sql = f"SELECT id FROM {table} WHERE {where_scope}id > ? AND id <= ?"
        self.delete_sql = f"DELETE FROM {table} WHERE {where_scope}id = ?"
        self.gone_sql = (
            f"DELETE FROM {table} WHERE {where_scope}id IN (SELECT id FROM temp.dmr_edge_gone)"
        )
        self.unseen_gone_sql = (
            f"DELETE FROM {table} WHERE {where_scope}id IN (SELECT id FROM temp.dmr_edge_gone "
            "WHERE id NOT IN (SELECT id FROM temp.dmr_edge_seen))"
        )
        self.tail_sql = f"DELETE FROM {table} WHERE {where_scope}id > ?"
        self.unseen_tail_sql = (
            f"DELETE FROM {table} WHERE {where_scope}id > ? "
            "AND id NOT IN (SELECT id FROM temp.dmr_edge_seen)"
        )
        self.swept: int = -(1 << 63)  # every stored id <= swept has been accounted for
        self.seen_mode = False
        self.gone: list[int] = []  # deletion candidates, while few
        self.gone_table = False  # candidates moved to temp.dmr_edge_gone
        self.before = store.count(table, scope_col, spec.scope)
        self.changes = 0

    def add(self, rows: list[Row]) -> None:
        """Apply one chunk of rows."""
        if not rows:
            return
        id_index = self.id_index
        ids = sorted(row[id_index] for row in rows)
        self.stats.rows += len(rows)
        if not self.seen_mode and ids[0] <= self.swept:
            self._switch_to_seen()
        if self.seen_mode:
            self.conn.executemany(
                "INSERT OR IGNORE INTO temp.dmr_edge_seen (id) VALUES (?)", [(i,) for i in ids]
            )
        else:
            distinct = set(ids)
            stored = self.conn.execute(self.range_sql, (*self.scope_args, self.swept, ids[-1]))
            self.gone.extend(i for (i,) in stored if i not in distinct)
            if len(self.gone) > self._MAX_LISTED:
                self._move_gone_to_table()
            self.swept = ids[-1]
        self.changes += self.conn.executemany(self.upsert_sql, rows).rowcount

    def _temp_table(self, name: str) -> None:
        self.conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS {name} (id INTEGER PRIMARY KEY)")
        self.conn.execute(f"DELETE FROM temp.{name}")

    def _move_gone_to_table(self) -> None:
        if not self.gone_table:
            self._temp_table("dmr_edge_gone")
            self.gone_table = True
        self.conn.executemany(
            "INSERT OR IGNORE INTO temp.dmr_edge_gone (id) VALUES (?)", [(i,) for i in self.gone]
        )
        self.gone = []

    def _switch_to_seen(self) -> None:
        self.seen_mode = True
        self._temp_table("dmr_edge_seen")
        if self.gone:
            self._move_gone_to_table()

    def finish(self) -> ApplyStats:
        """Delete the rows the document no longer holds and return the counts."""
        deleted = 0
        scope = self.scope_args
        if self.seen_mode:
            if self.gone_table:
                deleted += self.conn.execute(self.unseen_gone_sql, scope).rowcount
            deleted += self.conn.execute(self.unseen_tail_sql, (*scope, self.swept)).rowcount
        else:
            if self.gone_table:
                self._move_gone_to_table()
                deleted += self.conn.execute(self.gone_sql, scope).rowcount
            elif self.gone:
                gone = [(*scope, i) for i in self.gone]
                deleted += self.conn.executemany(self.delete_sql, gone).rowcount
            deleted += self.conn.execute(self.tail_sql, (*scope, self.swept)).rowcount
        for name, used in (("dmr_edge_seen", self.seen_mode), ("dmr_edge_gone", self.gone_table)):
            if used:
                self.conn.execute(f"DELETE FROM temp.{name}")
        self.gone = []
        self.stats.deleted += max(deleted, 0)
        spec = self.spec
        after = self.store.count(spec.table, spec.scope_column, spec.scope)
        stats = self.stats
        stats.total = after
        # Every stored row of this source came from the document, so the difference between
        # the rows handed in and the rows stored is the number of repeated ids.
        stats.duplicates = max(stats.rows - after, 0)
        stats.inserted = after - self.before + stats.deleted
        stats.updated = max(self.changes - stats.inserted, 0)
        stats.unchanged = max(after - stats.inserted - stats.updated, 0)
        return stats
