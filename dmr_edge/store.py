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
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from dmr_edge.cache import ensure_dir, owned_like_directory
from dmr_edge.errors import StoreError
from dmr_edge.record import dataclass
from dmr_edge.sources import Row, SourceSpec

SCHEMA_VERSION = 2
MIN_SQLITE = (3, 24, 0)  # INSERT ... ON CONFLICT DO UPDATE
WRITER_WAIT = 120.0  # seconds a write waits for readers (an export on a Pi, a backup)
MIN_FREE_BYTES = 256 << 10  # what a write needs free before it starts (-shm takes 32 KiB)

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

# Each row keeps a digest of the upstream record's JSON text it was made from: a record whose
# text did not change needs neither decoding nor converting nor comparing (see
# SourceApplier). NULL where unknown (rows written by ijson, or before version 2). The
# digests are keyed with a secret of the database, so that no record an upstream serves
# (a radioid user writes their own city) can be crafted to match another one's.
_SCHEMA_V2 = """
ALTER TABLE users ADD COLUMN digest INTEGER;
ALTER TABLE repeaters ADD COLUMN digest INTEGER;
ALTER TABLE talkgroups ADD COLUMN digest INTEGER;
CREATE TABLE dmr_edge_meta (
    name        TEXT PRIMARY KEY,
    value       BLOB
);
INSERT INTO dmr_edge_meta (name, value) VALUES ('digest_key', randomblob(32));
"""

MIGRATIONS: dict[int, str] = {1: _SCHEMA_V1, 2: _SCHEMA_V2}

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

    # A 1 MiB page cache: 2 MiB measured no faster for a cold load or the real week (the
    # merge reads the table in order, and a first load appends), and costs 1 MB of RSS.
    def __init__(self, path: Path, *, readonly: bool = False, cache_kib: int = 1024) -> None:
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
                new = not self.path.exists()
                self.conn = sqlite3.connect(str(self.path), isolation_level=None, timeout=30)
                if new:
                    self.conn.execute("PRAGMA user_version")  # creates the file
                    owned_like_directory(self.path)
            self.conn.execute(f"PRAGMA cache_size = -{int(cache_kib)}")
            if not readonly:
                # A reader holding a snapshot (a long export, a backup) keeps a writer from
                # switching to WAL until it ends: wait that long, not the readers' 30 s.
                self.conn.execute(f"PRAGMA busy_timeout = {int(WRITER_WAIT * 1000)}")
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

    def digest_key(self) -> bytes:
        """The database's secret for the digests of record texts (see ``_SCHEMA_V2``)."""
        row = self.conn.execute(
            "SELECT value FROM dmr_edge_meta WHERE name = 'digest_key'"
        ).fetchone()
        return bytes(row[0]) if row and row[0] else b""

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
            self._check_room()
            # WAL while writing: readers see the old version whole until the commit.
            self.conn.execute("PRAGMA journal_mode = WAL")
            self._wal = True
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            # SQLite may have rolled back already (a full disk during a statement): then a
            # ROLLBACK would fail and hide the error that matters.
            if self.conn.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")

    def _check_room(self) -> None:
        """Refuse to start writing on a disk with less than 256 KiB free: WAL needs
        room for its -wal and -shm files, and a -shm file that could not grow leaves a
        database no reader can open until space is freed."""
        try:
            stat = os.statvfs(self.path.parent)
        except (OSError, AttributeError):
            return
        free = stat.f_bavail * stat.f_frsize
        if free < MIN_FREE_BYTES:
            raise StoreError(
                f"{self.path}: the disk is full ({free // 1024} KiB free); not writing "
                "(the rows stay as they are)"
            )

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
    rows: int = 0  # records handed to the applier, converted or skipped as unchanged
    skipped: int = 0  # records whose text matched their row's digest: not even decoded
    total: int = 0  # rows of this source in the table afterwards


class SourceApplier:
    """Apply one source's rows, inside a transaction the caller holds, writing only what
    changed, and delete the rows the document no longer holds.

    The document is merged with the stored rows in id order. Stored (id, digest) pairs are
    read a thousand at a time ahead of a *frontier*: every stored id up to it has been
    accounted for. Upstream files are sorted by id, so for nearly every record the next
    stored row is its own:

    - ``skip(digest)``: the scanner asks, before decoding a record, whether its raw JSON
      text is the very text the next stored row was made from; then the record is skipped
      whole (no decoding, converting or binding), and the frontier moves past that row.
      A match proves the text is a whole record, as decoding is deterministic.
    - ``note(id)``: a decoded record's id; the stored ids between the frontier and it are
      rows the document dropped: they become a deletion candidate range (kept in a short
      list, or a temporary table when many).
    - ``add(rows)``: upserts (``WHERE`` some column differs: an unchanged row is never
      written); into an empty table, plain inserts, and its indexes are built afterwards.

    Nothing is deleted before the document ends: a document that is not sorted (real
    rptrs.json files of 2023-2024 hold two sorted runs; any order must work) never deletes
    a row a later record brings back. From the first record that goes back, ids are noted
    in a temporary table of seen ids, and at the end a candidate (or a stored id beyond the
    frontier) is deleted only if it was not seen. Memory stays flat either way.
    """

    _MAX_LISTED = 10_000  # candidate ranges kept in Python before they move to a table
    _FETCH = 1000  # stored (id, digest) pairs read at a time

    def __init__(self, store: Store, spec: SourceSpec, *, notes_in_add: bool = True) -> None:
        self.conn = store.conn
        self.store = store
        self.spec = spec
        self.stats = ApplyStats()
        self.notes_in_add = notes_in_add  # else the row stream calls note() as it converts
        columns = (*spec.columns, "digest")
        self.id_index = spec.columns.index("id")
        table = spec.table
        scope_col = spec.scope_column
        keys = (scope_col, "id") if scope_col else ("id",)
        values = [c for c in spec.columns if c not in keys]
        assignments = ", ".join(f"{c} = excluded.{c}" for c in (*values, "digest"))
        differs = (
            f"({', '.join(f'{table}.{c}' for c in values)}) IS NOT "
            f"({', '.join(f'excluded.{c}' for c in values)})"
        )
        placeholders = ", ".join("?" for _ in columns)
        self.upsert_sql = (
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders}) "
            f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {assignments} WHERE {differs}"
        )
        # Into an empty table: nothing to compare with; a repeated id keeps its last record.
        self.insert_sql = (
            f"INSERT OR REPLACE INTO {table} ({', '.join(columns)}) VALUES ({placeholders})"
        )
        where_scope = f"{scope_col} = ? AND " if scope_col else ""
        self.scope_args: tuple[Any, ...] = (spec.scope,) if scope_col else ()
        # A row whose data did not change but whose record's text did (spacing, order of
        # keys): its digest follows, so that the next sync skips that record.
        self.refresh_sql = (
            f"UPDATE {table} SET digest = ? WHERE {where_scope}id = ? AND digest IS NOT ?"
        )
        self.stored_sql = (
            f"SELECT id, digest FROM {table} WHERE {where_scope}id > ? ORDER BY id LIMIT ?"
        )
        self.range_sql = f"DELETE FROM {table} WHERE {where_scope}id > ? AND id < ?"
        self.unseen_range_sql = (
            self.range_sql + " AND id NOT IN (SELECT id FROM temp.dmr_edge_seen)"
        )
        self.tail_sql = f"DELETE FROM {table} WHERE {where_scope}id > ?"
        self.unseen_tail_sql = self.tail_sql + " AND id NOT IN (SELECT id FROM temp.dmr_edge_seen)"
        self.before = store.count(table, scope_col, spec.scope)
        self.first_load = self.before == 0
        self.rebuild: list[str] = []  # indexes dropped for a first load into an empty table
        self.cache_size = 0  # the connection's page cache, while a first load uses less
        if self.first_load and (scope_col is None or store.count(table) == 0):
            self._drop_indexes()
        self.stored: list[tuple[int, Any]] = []  # the next stored rows beyond the frontier
        self.stored_at = 0  # position of the next one in ``stored``
        self.exhausted = self.first_load  # no stored row lies beyond the last one read
        self.read_after: int = -(1 << 63)  # the next read starts after this id
        self.frontier: int = -(1 << 63)  # every stored id up to it is accounted for
        self.unsorted = False
        self.ranges: list[tuple[int, int]] = []  # (lo, hi): stored ids strictly between go
        self.ranges_in_table = False
        self.held: Row | None = None  # the last row of a chunk, until the next one comes
        self.changes = 0

    # --- the merge with the stored rows ---------------------------------------------------

    def _head(self) -> tuple[int, Any] | None:
        """The next stored row beyond the frontier, reading more when needed."""
        if self.stored_at >= len(self.stored):
            if self.exhausted:
                return None
            self.stored = self.conn.execute(
                self.stored_sql, (*self.scope_args, self.read_after, self._FETCH)
            ).fetchall()
            self.stored_at = 0
            if len(self.stored) < self._FETCH:
                self.exhausted = True
            if not self.stored:
                return None
            self.read_after = self.stored[-1][0]
        return self.stored[self.stored_at]

    def skip(self, digest: int) -> bool:
        """Say whether a record whose raw text has ``digest`` is the next stored row, made
        from that very text; if so it counts as seen and unchanged, and is not decoded."""
        at = self.stored_at
        if at < len(self.stored):
            head: tuple[int, Any] | None = self.stored[at]
        elif self.unsorted:
            return False
        else:
            head = self._head()
        if head is None or head[1] != digest or self.unsorted:
            return False
        self.stored_at += 1
        self.frontier = head[0]
        self.stats.skipped += 1
        return True

    def note(self, ident: int) -> None:
        """Account for a decoded record's id, in document order."""
        if self.unsorted or ident == self.frontier:  # the same id again: a repeat, kept last
            return
        if ident < self.frontier:
            self._become_unsorted()
            return
        head = self._head()
        if head is not None and head[0] < ident:
            # Stored rows between the frontier and this record: dropped by the document
            # (if it stays sorted). One range, however many rows; then read on after it.
            self._candidates(self.frontier, ident)
            stored, at = self.stored, self.stored_at
            while at < len(stored) and stored[at][0] <= ident:
                at += 1
            self.stored_at = at
            if at >= len(stored):
                self.read_after = max(self.read_after, ident)
        elif head is not None and head[0] == ident:
            self.stored_at += 1
        self.frontier = ident

    def _candidates(self, lo: int, hi: int) -> None:
        self.ranges.append((lo, hi))
        if len(self.ranges) > self._MAX_LISTED:
            self._move_ranges_to_table()

    def _move_ranges_to_table(self) -> None:
        if not self.ranges_in_table:
            self.conn.execute(
                "CREATE TEMP TABLE IF NOT EXISTS dmr_edge_gone (lo INTEGER, hi INTEGER)"
            )
            self.conn.execute("DELETE FROM temp.dmr_edge_gone")
            self.ranges_in_table = True
        self.conn.executemany("INSERT INTO temp.dmr_edge_gone VALUES (?, ?)", self.ranges)
        self.ranges = []

    def _become_unsorted(self) -> None:
        self.unsorted = True
        self.conn.execute("CREATE TEMP TABLE IF NOT EXISTS dmr_edge_seen (id INTEGER PRIMARY KEY)")
        self.conn.execute("DELETE FROM temp.dmr_edge_seen")

    # --- writing ----------------------------------------------------------------------

    def _drop_indexes(self) -> None:
        """Before a first load into an empty table: its indexes are built afterwards, in
        one sort, instead of one insert at a time (rolled back with the transaction)."""
        for name, sql in self.conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
            "AND sql IS NOT NULL",
            (self.spec.table,),
        ).fetchall():
            self.conn.execute(f'DROP INDEX "{name}"')
            self.rebuild.append(sql)
        if self.rebuild:
            # A first load appends in id order and finds nothing to update, so a smaller
            # page cache costs it no time; the index sort at the end then starts from a
            # smaller heap (0.3 MB less at the sync's peak). Restored after the rebuild.
            (self.cache_size,) = self.conn.execute("PRAGMA cache_size").fetchone()
            self.conn.execute("PRAGMA cache_size = -512")

    def add(self, rows: list[Row]) -> None:
        """Apply one chunk of converted rows (each ending with its record's digest)."""
        if not rows:
            return
        id_index = self.id_index
        self.stats.rows += len(rows)
        if self.notes_in_add:
            note = self.note
            for row in rows:
                note(row[id_index])
        self._write(self._collapse(rows))

    def _collapse(self, rows: list[Row]) -> list[Row]:
        """Of rows of one id listed one after the other (a repeated id), keep the last, so
        the row is written once, with the record that wins. The chunk's last row waits for
        the next chunk, which may repeat it."""
        id_index = self.id_index
        kept: list[Row] = [self.held] if self.held is not None else []
        for row in rows:
            if kept and kept[-1][id_index] == row[id_index]:
                kept[-1] = row
            else:
                kept.append(row)
        self.held = kept.pop()
        return kept

    def _write(self, rows: list[Row]) -> None:
        if not rows:
            return
        id_index = self.id_index
        if self.unsorted:
            self.conn.executemany(
                "INSERT OR IGNORE INTO temp.dmr_edge_seen (id) VALUES (?)",
                [(row[id_index],) for row in rows],
            )
        if self.first_load:
            self.changes += self.conn.executemany(self.insert_sql, rows).rowcount
            return
        self.changes += self.conn.executemany(self.upsert_sql, rows).rowcount
        scope = self.scope_args
        refresh = [(row[-1], *scope, row[id_index], row[-1]) for row in rows if row[-1] is not None]
        if refresh:
            self.conn.executemany(self.refresh_sql, refresh)

    def finish(self) -> ApplyStats:
        """Delete the rows the document no longer holds and return the counts."""
        if self.held is not None:
            held, self.held = self.held, None
            self._write([held])
        deleted = 0
        scope = self.scope_args
        batches: Any = [self.ranges]
        if self.ranges_in_table:
            self._move_ranges_to_table()
            cursor = self.conn.execute("SELECT lo, hi FROM temp.dmr_edge_gone")
            batches = iter(lambda: cursor.fetchmany(1000), [])
        # Candidates a later record brought back (the document went back) stay, and so do
        # the ids beyond the frontier seen after it went back.
        range_sql = self.unseen_range_sql if self.unsorted else self.range_sql
        for batch in batches:
            for lo, hi in batch:
                deleted += self.conn.execute(range_sql, (*scope, lo, hi)).rowcount
        tail_sql = self.unseen_tail_sql if self.unsorted else self.tail_sql
        deleted += self.conn.execute(tail_sql, (*scope, self.frontier)).rowcount
        for name, used in (
            ("dmr_edge_seen", self.unsorted),
            ("dmr_edge_gone", self.ranges_in_table),
        ):
            if used:
                self.conn.execute(f"DELETE FROM temp.{name}")
        self.ranges = []
        if self.rebuild:
            # Sorting the index keys in the smaller page cache of the load: a little more
            # time, 1 MB less memory at the sync's peak.
            for sql in self.rebuild:
                self.conn.execute(sql)
            self.conn.execute(f"PRAGMA cache_size = {int(self.cache_size)}")
            self.rebuild = []
        stats = self.stats
        stats.deleted += max(deleted, 0)
        stats.rows += stats.skipped
        spec = self.spec
        after = self.store.count(spec.table, spec.scope_column, spec.scope)
        stats.total = after
        # Every stored row of this source came from the document, so the difference between
        # the records handed in and the rows stored is the number of repeated ids.
        stats.duplicates = max(stats.rows - after, 0)
        stats.inserted = after - self.before + stats.deleted
        stats.updated = 0 if self.first_load else max(self.changes - stats.inserted, 0)
        stats.unchanged = max(after - stats.inserted - stats.updated, 0)
        return stats
