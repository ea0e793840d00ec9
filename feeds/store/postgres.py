"""The PostgreSQL store (psycopg 3 imported here only, for a ``postgresql://`` database): the
promises of ``SQLiteStore``, for one instance or several sharing the database. One pool per
database per process: a ``PostgresStore`` borrows a connection per call (``apply``: for its one
transaction), so a short ``open_state()`` costs none. The first open migrates (``pg_schema``) on
a connection of its own, which gives a missing server, login or database its real reason. Every
psycopg error is wrapped once, here, as a chained ``StoreError`` that says what to check (never
with a password)."""

from __future__ import annotations

import atexit
import functools
import threading
import time
import weakref
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any, TypeVar
from urllib.parse import unquote, urlsplit

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from psycopg.rows import TupleRow
from psycopg_pool import ConnectionPool, PoolTimeout

from feeds.dburl import masked
from feeds.errors import StoreError
from feeds.models import ItemError, PollPlan, SourceStatus, StoredItem
from feeds.store import pg_schema
from feeds.store.pg_cluster import PgClusterQueries
from feeds.store.pg_hub import PgHubQueries
from feeds.store.pg_rows import (
    ITEM_COLUMNS,
    STATUS_COLUMNS,
    PlanWriter,
    clean,
    item_of,
    status_of,
    utc,
)
from feeds.store.portable import INSTANTS, ORDER, TABLES, Dump, Row

# Calls of the service's poll threads, its pages and its fetchers' saves borrow a connection
# for milliseconds: a few serve 32 poll threads, and several instances stay far below
# PostgreSQL's default of 100 connections.
POOL_MIN, POOL_MAX = 1, 16
POOL_TIMEOUT = 10.0  # seconds a call waits for a connection before it fails
# Unless the URL says otherwise: a server that does not answer fails the open in seconds.
DEFAULTS = {"connect_timeout": "10", "application_name": "feeds"}
# A connection idle longer than this is checked (one round trip) before it is handed out: a
# server restart meanwhile would have dropped it. One just given back is known good: checking
# every call would triple the cost of a short query (34 µs to 108 µs here).
CHECK_AFTER_IDLE = 5.0
# pg_advisory_xact_lock(APPLY_LOCK, hashtext(source_id)): the plans of one source are written
# one after the other, as SQLite's single writer does, so two never deadlock on their rows.
APPLY_LOCK = 0x66656564
# pg_try_advisory_lock(POLL_LOCK, hashtext(source_id)), held while an instance polls it ("poll").
POLL_LOCK = 0x706F6C6C

Pool = ConnectionPool[psycopg.Connection[TupleRow]]
T = TypeVar("T")

_pools: dict[str, Pool] = {}
_pools_lock = threading.Lock()
_returned: weakref.WeakKeyDictionary[psycopg.Connection[TupleRow], float] = (
    weakref.WeakKeyDictionary()
)
_returned_lock = threading.Lock()


def _pool(url: str) -> Pool:
    """The process's pool for ``url``, made (and the schema migrated) by the first open."""
    with _pools_lock:
        pool = _pools.get(url)
        if pool is None:
            conninfo = _conninfo(url)
            with psycopg.connect(conninfo, autocommit=True) as db, db.transaction():
                pg_schema.migrate(db)
            pool = ConnectionPool(
                conninfo,
                kwargs={"autocommit": True},
                min_size=POOL_MIN,
                max_size=POOL_MAX,
                timeout=POOL_TIMEOUT,
                check=_check_if_idle,
                reset=_note_return,
                name="feeds",
                open=False,
            )
            pool.open(wait=False)
            _pools[url] = pool
        return pool


def _note_return(db: psycopg.Connection[TupleRow]) -> None:
    with _returned_lock:
        _returned[db] = time.monotonic()


def _check_if_idle(db: psycopg.Connection[TupleRow]) -> None:
    """A connection the server may have dropped (a restart) is replaced, not handed out."""
    with _returned_lock:
        returned = _returned.get(db, 0.0)
    if time.monotonic() - returned > CHECK_AFTER_IDLE:
        ConnectionPool.check_connection(db)


def _conninfo(url: str) -> str:
    given = conninfo_to_dict(url)
    return make_conninfo(url, **{k: v for k, v in DEFAULTS.items() if k not in given})


@atexit.register
def close_pools() -> None:
    """Close every pool of the process (at exit; tests, before they drop a database)."""
    with _pools_lock:
        pools = list(_pools.values())
        _pools.clear()
    for pool in pools:
        pool.close(timeout=5)


def pg_error(e: Exception, what: str, url: str) -> StoreError:
    """What went wrong with PostgreSQL, and what to check; the password scrubbed."""
    text = _scrub(" ".join(line.strip() for line in str(e).splitlines() if line.strip()), url)
    lowered, state = text.lower(), getattr(e, "sqlstate", None) or ""
    if isinstance(e, PoolTimeout):
        text = f"no connection to {masked(url)} within {POOL_TIMEOUT:g} s"
        fix = "check settings.database and that PostgreSQL is running and not overloaded"
    elif state == "3D000" or ("database" in lowered and "does not exist" in lowered):
        fix = "create it (createdb NAME) or correct the database name in settings.database"
    elif state.startswith("28") or any(
        word in lowered for word in ("password", "authentication", "pg_hba.conf", "role ")
    ):
        fix = "check the user and password in settings.database and the server's pg_hba.conf"
    elif state in ("40001", "40P01"):
        fix = "another writer held the same rows; it is retried on the next poll"
    elif state == "53100":
        fix = "the PostgreSQL server's disk is full; free space there"
    elif state == "53300" or "too many" in lowered:
        fix = "PostgreSQL refuses more connections: raise max_connections or run fewer instances"
    elif state == "25006":
        fix = "the server is a read-only replica: point settings.database at the primary"
    elif state == "42501":
        fix = "the user lacks rights on the database: make it the owner, or GRANT them"
    elif isinstance(e, psycopg.ProgrammingError) and "invalid" in lowered:
        fix = "correct settings.database: libpq reads its URL and query parameters"
    elif isinstance(e, psycopg.OperationalError):
        fix = "check settings.database and that PostgreSQL is running"
    else:
        fix = "check settings.database and the PostgreSQL server's log"
    return StoreError(f"{what}: {text}", fix=fix)


def _scrub(text: str, url: str) -> str:
    try:
        password = urlsplit(url).password
    except ValueError:
        password = None
    text = text.replace(url, masked(url))
    for secret in {password, unquote(password or "")} - {None, ""}:
        text = text.replace(str(secret), "***")
    return text


def _wrapped(method: Callable[..., T]) -> Callable[..., T]:
    @functools.wraps(method)
    def call(self: PostgresStore, *args: Any, **kwargs: Any) -> T:
        try:
            return method(self, *args, **kwargs)
        except psycopg.Error as e:
            raise pg_error(e, f"{method.__name__} failed", self.url) from e

    return call


class PostgresStore(PgHubQueries, PgClusterQueries):
    """A handle on the process's pool for one PostgreSQL database (see the module doc)."""

    def __init__(self, url: str) -> None:
        self.url = url
        try:
            self._pool = _pool(url)
        except psycopg.Error as e:
            raise pg_error(e, f"cannot open the database {masked(url)}", url) from e

    def __repr__(self) -> str:
        return f"PostgresStore({masked(self.url)!r})"

    def close(self) -> None:
        """Nothing to give back: every call returned its connection to the pool."""

    def __enter__(self) -> PostgresStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _all(self, query: str, params: Sequence[Any] = ()) -> list[TupleRow]:
        with self._pool.connection() as db:
            return db.execute(query, clean(params)).fetchall()

    def _one(self, query: str, params: Sequence[Any] = ()) -> TupleRow | None:
        rows = self._all(query, params)
        return rows[0] if rows else None

    def _run(self, query: str, params: Sequence[Any] = ()) -> None:
        with self._pool.connection() as db:
            db.execute(query, clean(params))

    @contextmanager
    def _transaction(self) -> Iterator[psycopg.Connection[TupleRow]]:
        with self._pool.connection() as db, db.transaction():
            yield db

    # -- reads of a poll ------------------------------------------------------------

    def has_items(self, source_id: str) -> bool:
        return (
            self._one("SELECT 1 FROM items WHERE source_id = %s LIMIT 1", (source_id,)) is not None
        )

    def known_keys(self, source_id: str, keys: Iterable[str]) -> set[str]:
        """Which of these keys the store has seen, as an item or as an alias of one."""
        wanted = list(keys)
        rows = self._all(
            """SELECT key FROM items WHERE source_id = %s AND key = ANY(%s::text[])
               UNION SELECT key FROM aliases WHERE source_id = %s AND key = ANY(%s::text[])""",
            (source_id, wanted, source_id, wanted),
        )
        return {row[0] for row in rows}

    def listing_sigs(self, source_id: str, keys: Iterable[str]) -> dict[str, str | None]:
        rows = self._all(
            "SELECT key, listing_sig FROM items WHERE source_id = %s AND key = ANY(%s::text[])",
            (source_id, list(keys)),
        )
        return {row[0]: row[1] for row in rows}

    def items(self, source_id: str, keys: Iterable[str]) -> dict[str, StoredItem]:
        rows = self._all(
            f"SELECT {ITEM_COLUMNS} FROM items WHERE source_id = %s AND key = ANY(%s::text[])",
            (source_id, list(keys)),
        )
        return {row[1]: item_of(row) for row in rows}

    def item(self, source_id: str, key: str) -> StoredItem | None:
        return self.items(source_id, [key]).get(key)

    def twins(self, source_id: str, items: Iterable[StoredItem]) -> dict[str, str]:
        """For each item, the first stored item with the same words on the same day (see
        ``ItemQueries.twins``), all in one query."""
        wanted = list(items)
        if not wanted:
            return {}
        rows = self._all(
            """SELECT DISTINCT ON (w.key) w.key, i.key
               FROM unnest(%s::text[], %s::text[], %s::text[]) AS w (key, hash, day)
               JOIN items i ON i.source_id = %s AND i.content_hash = w.hash
                 AND left(i.published, 10) = w.day
               ORDER BY w.key, i.seq""",
            (
                [item.key for item in wanted],
                [item.content_hash for item in wanted],
                [item.published.isoformat()[:10] for item in wanted],
                source_id,
            ),
        )
        return {row[0]: row[1] for row in rows}

    def item_attempts(self, source_id: str, keys: Iterable[str]) -> dict[str, int]:
        rows = self._all(
            "SELECT key, attempts FROM item_errors WHERE source_id = %s AND key = ANY(%s::text[])",
            (source_id, list(keys)),
        )
        return {row[0]: int(row[1]) for row in rows}

    def validators(self, source_id: str, url: str) -> tuple[str | None, str | None]:
        row = self._one(
            "SELECT etag, last_modified FROM validators WHERE source_id = %s AND url = %s",
            (source_id, url),
        )
        return (row[0], row[1]) if row else (None, None)

    def backlog(self, source_id: str) -> int:
        row = self._one("SELECT backlog FROM sources WHERE id = %s", (source_id,))
        return int(row[0]) if row and row[0] is not None else 0

    def last_listed(self, source_id: str) -> int | None:
        row = self._one("SELECT last_listed FROM sources WHERE id = %s", (source_id,))
        return int(row[0]) if row and row[0] is not None else None

    # -- what feeds and status pages are built from ---------------------------------

    def feed_items(self, source_id: str, limit: int) -> list[StoredItem]:
        """The newest published items: by date, then newest first-seen, then insertion."""
        rows = self._all(
            f"""SELECT {ITEM_COLUMNS} FROM items WHERE source_id = %s AND status = 'published'
                ORDER BY published_ts DESC, first_seen DESC, seq DESC LIMIT %s""",
            (source_id, limit),
        )
        return [item_of(row) for row in rows]

    def item_errors(self, source_id: str) -> list[ItemError]:
        rows = self._all(
            """SELECT key, url, attempts, last_error FROM item_errors WHERE source_id = %s
               ORDER BY last_attempt DESC""",
            (source_id,),
        )
        return [ItemError(row[0], row[1], row[2], row[3]) for row in rows]

    def ensure_source(self, source_id: str, now: datetime) -> None:
        self._run(
            "INSERT INTO sources (id, created) VALUES (%s, %s) ON CONFLICT DO NOTHING",
            (source_id, now),
        )

    def source_created(self, source_id: str) -> datetime | None:
        row = self._one("SELECT created FROM sources WHERE id = %s", (source_id,))
        return utc(row[0]) if row else None

    def source_status(self, source_id: str) -> SourceStatus | None:
        row = self._one(f"SELECT {STATUS_COLUMNS} FROM sources WHERE id = %s", (source_id,))
        return status_of(row) if row else None

    def statuses(self) -> dict[str, SourceStatus]:
        return {
            row[0]: status_of(row) for row in self._all(f"SELECT {STATUS_COLUMNS} FROM sources")
        }

    def polled_sources(self) -> set[str]:
        return {
            row[0] for row in self._all("SELECT id FROM sources WHERE last_success IS NOT NULL")
        }

    # -- schedule and politeness ----------------------------------------------------

    def next_runs(self) -> dict[str, datetime]:
        return {
            row[0]: utc(row[1]) for row in self._all("SELECT source_id, next_run FROM schedule")
        }

    @contextmanager
    def exclusive(self, key: int) -> Iterator[None]:
        """Held by one process of the cluster at a time (a session advisory lock)."""
        try:
            with self._pool.connection() as db:
                db.execute("SELECT pg_advisory_lock(%s)", (key,))
                try:
                    yield
                finally:
                    db.execute("SELECT pg_advisory_unlock(%s)", (key,))
        except psycopg.Error as e:
            raise pg_error(e, "exclusive failed", self.url) from e

    @contextmanager
    def polling(self, source_id: str) -> Iterator[bool]:
        """Whether this process may poll ``source_id`` now: True for one process of the
        cluster at a time, until the block ends or the process dies (a session advisory lock,
        on a connection of its own so that a long poll holds none of the pool's)."""
        try:
            with psycopg.connect(_conninfo(self.url), autocommit=True) as db:
                row = db.execute(
                    "SELECT pg_try_advisory_lock(%s, hashtext(%s))", (POLL_LOCK, source_id)
                ).fetchone()
                yield bool(row and row[0])
        except psycopg.Error as e:
            raise pg_error(e, "polling failed", self.url) from e

    def next_run(self, source_id: str) -> datetime | None:
        row = self._one("SELECT next_run FROM schedule WHERE source_id = %s", (source_id,))
        return utc(row[0]) if row else None

    def save_next_run(self, source_id: str, when: datetime) -> None:
        self._run(
            """INSERT INTO schedule (source_id, next_run) VALUES (%s, %s)
               ON CONFLICT (source_id) DO UPDATE SET next_run = excluded.next_run""",
            (source_id, when),
        )

    def host_holds(self, now: datetime) -> dict[str, datetime]:
        """Hosts that asked us to wait, with the time they named (expired ones dropped)."""
        with self._pool.connection() as db:
            db.execute("DELETE FROM host_holds WHERE until <= %s", (now,))
            rows = db.execute("SELECT host, until FROM host_holds").fetchall()
        return {row[0]: utc(row[1]) for row in rows}

    def save_host_hold(self, host: str, until: datetime) -> None:
        self._run(
            """INSERT INTO host_holds (host, until) VALUES (%s, %s)
               ON CONFLICT (host) DO UPDATE SET until = excluded.until""",
            (host, until),
        )

    # -- the one write of a poll ----------------------------------------------------

    def apply(self, plan: PollPlan) -> None:
        """Write one plan in one transaction: all of it, or (on any error) none of it."""
        with self._pool.connection() as db, db.transaction():
            write = PlanWriter(db, plan.source_id)
            write.run(
                "SELECT pg_advisory_xact_lock(%s, hashtext(%s))", (APPLY_LOCK, plan.source_id)
            )
            for failure in plan.failures:
                write.item_error(failure, plan.now)
            for new in plan.new_items:
                write.insert(new)
            for key, item_key in plan.aliases:
                write.alias(key, item_key)
            for edit in plan.edits:
                write.edit(edit)
            for key, signature in plan.signatures:
                write.run(
                    "UPDATE items SET listing_sig = %s WHERE source_id = %s AND key = %s",
                    (signature, plan.source_id, key),
                )
            write.counters()
            if plan.end is not None:
                write.end(plan.now, plan.end)

    # -- `feeds migrate` (portable.Backend) -----------------------------------------

    def count_items(self) -> int:
        row = self._one("SELECT count(*) FROM items")
        return int(row[0]) if row else 0

    def dump(self) -> Generator[tuple[str, Iterator[Row]]]:
        """Every table, read in one snapshot (REPEATABLE READ) through server-side cursors,
        so a large store streams instead of filling the memory."""
        try:
            with self._pool.connection() as db, db.transaction():
                db.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                for table, columns in TABLES.items():
                    cursor = db.cursor(name=f"feeds_dump_{table}")
                    order = ORDER.get(table, "seq")  # items: in the order they came
                    cursor.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY {order}")
                    yield table, self._portable(cursor, columns)
        except psycopg.Error as e:
            raise pg_error(e, "dump failed", self.url) from e

    def _portable(self, cursor: Iterable[TupleRow], columns: tuple[str, ...]) -> Iterator[Row]:
        moments = [i for i, name in enumerate(columns) if name in INSTANTS]
        try:
            for row in cursor:
                values = list(row)
                for i in moments:
                    values[i] = utc(values[i]).isoformat() if values[i] is not None else None
                yield tuple(values)
        except psycopg.Error as e:
            raise pg_error(e, "dump failed", self.url) from e

    def load(self, dump: Dump) -> dict[str, int]:
        """Replace everything with ``dump``, in one transaction (COPY, for speed)."""
        counts: dict[str, int] = {}
        with self._pool.connection() as db, db.transaction():
            for table in reversed(TABLES):
                db.execute(f"DELETE FROM {table}")
            for table, rows in dump:
                written = 0
                columns = ", ".join(TABLES[table])
                with db.cursor().copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(clean(row))
                        written += 1
                counts[table] = written
        return counts


def _wrap_public_methods(cls: type[PostgresStore]) -> None:
    """Every public call raises StoreError, chained, and nothing else of psycopg's."""
    for name in dir(cls):
        attribute = getattr(cls, name)
        if name.startswith("_") or name == "dump" or not callable(attribute):
            continue
        setattr(cls, name, _wrapped(attribute))


_wrap_public_methods(PostgresStore)
