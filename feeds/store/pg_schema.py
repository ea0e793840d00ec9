"""The PostgreSQL schema, as append-only migrations (the counterpart of ``schema.py``).

The same tables as SQLite's, in PostgreSQL's types: moments (status times, the schedule,
holds, robots answers) are ``timestamptz``; an item's dates stay the ISO text the pipeline
wrote, because their offset is the source's and the feeds show it, and they compare byte by
byte (``COLLATE "C"``) as in SQLite; ``seq`` keeps the insertion order that SQLite's rowid
gives. ``migrate`` applies what is missing in one transaction under an advisory lock, so
instances that start at once migrate once: the others wait, then find nothing to do. A
database migrated by a newer feeds is refused, never downgraded. Never edit a migration that
has shipped: add the next one. (psycopg is not imported here: a migration gets anything with
``execute``.)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, LiteralString, Protocol

from feeds.errors import StoreError

# pg_advisory_xact_lock key of the migrations ("feedsmig" in ASCII).
MIGRATION_LOCK = 0x66656564736D6967


class Executor(Protocol):
    def execute(self, query: LiteralString, params: Sequence[Any] | None = None) -> Any: ...


def _v1_initial(db: Executor) -> None:
    db.execute(
        """CREATE TABLE sources (
            id text COLLATE "C" PRIMARY KEY,
            created timestamptz NOT NULL,
            last_attempt timestamptz,
            last_success timestamptz,
            last_error text,
            consecutive_failures integer NOT NULL DEFAULT 0,
            polls bigint NOT NULL DEFAULT 0,
            last_new integer NOT NULL DEFAULT 0,
            degraded text,
            last_listed integer,
            items_seen bigint NOT NULL DEFAULT 0,
            items_published bigint NOT NULL DEFAULT 0
        )"""
    )
    db.execute(
        """CREATE TABLE items (
            source_id text COLLATE "C" NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
            key text COLLATE "C" NOT NULL,
            id text NOT NULL,
            url text NOT NULL,
            title text NOT NULL,
            author text,
            summary text,
            content_html text,
            published text COLLATE "C" NOT NULL,
            published_ts double precision NOT NULL,
            updated text COLLATE "C" NOT NULL,
            first_seen text COLLATE "C" NOT NULL,
            date_precision text NOT NULL,
            status text NOT NULL,
            content_hash text COLLATE "C" NOT NULL,
            listing_sig text,
            seq bigint GENERATED ALWAYS AS IDENTITY,
            PRIMARY KEY (source_id, key)
        )"""
    )
    db.execute(
        "CREATE INDEX items_newest ON items (source_id, status, published_ts DESC, "
        "first_seen DESC, seq DESC)"
    )
    db.execute("CREATE INDEX items_digest ON items (source_id, content_hash)")
    db.execute(
        """CREATE TABLE aliases (
            source_id text COLLATE "C" NOT NULL,
            key text COLLATE "C" NOT NULL,
            item_key text COLLATE "C" NOT NULL,
            PRIMARY KEY (source_id, key),
            FOREIGN KEY (source_id, item_key) REFERENCES items (source_id, key)
                ON DELETE CASCADE
        )"""
    )
    db.execute("CREATE INDEX aliases_item ON aliases (source_id, item_key)")
    _v1_state(db)


def _v1_state(db: Executor) -> None:
    """The rest of version 1: what a poll records besides items, and politeness."""
    db.execute(
        """CREATE TABLE item_errors (
            source_id text COLLATE "C" NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
            key text COLLATE "C" NOT NULL,
            url text NOT NULL,
            attempts integer NOT NULL,
            last_error text NOT NULL,
            last_attempt timestamptz NOT NULL,
            PRIMARY KEY (source_id, key)
        )"""
    )
    # Per source, because another source reading the same page must still get it (issue 12).
    db.execute(
        """CREATE TABLE validators (
            source_id text COLLATE "C" NOT NULL,
            url text COLLATE "C" NOT NULL,
            etag text,
            last_modified text,
            PRIMARY KEY (source_id, url)
        )"""
    )
    db.execute(
        'CREATE TABLE schedule (source_id text COLLATE "C" PRIMARY KEY, '
        "next_run timestamptz NOT NULL)"
    )
    db.execute(
        'CREATE TABLE host_holds (host text COLLATE "C" PRIMARY KEY, until timestamptz NOT NULL)'
    )
    db.execute(
        """CREATE TABLE robots (
            url text COLLATE "C" PRIMARY KEY,
            status integer NOT NULL,
            body text NOT NULL,
            fetched_at timestamptz NOT NULL
        )"""
    )


def _v2_websub_and_notices(db: Executor) -> None:
    """Issue 18: the WebSub hub's subscriptions, the requests it has yet to verify and the
    deliveries it owes (``due``: when a worker may take one; a claim moves it ahead), and
    each source's notice item (SQLite's ``_v7_websub_and_notices``)."""
    db.execute(
        """CREATE TABLE hub_subscriptions (
            topic text COLLATE "C" NOT NULL,
            callback text COLLATE "C" NOT NULL,
            host text COLLATE "C" NOT NULL,
            secret text,
            lease_seconds integer NOT NULL,
            expires timestamptz NOT NULL,
            PRIMARY KEY (topic, callback)
        )"""
    )
    db.execute("CREATE INDEX hub_subscriptions_host ON hub_subscriptions (host)")
    db.execute(
        """CREATE TABLE hub_intents (
            topic text COLLATE "C" NOT NULL,
            callback text COLLATE "C" NOT NULL,
            host text COLLATE "C" NOT NULL,
            mode text NOT NULL,
            secret text,
            lease_seconds integer NOT NULL,
            requested timestamptz NOT NULL,
            due timestamptz NOT NULL,
            PRIMARY KEY (topic, callback)
        )"""
    )
    db.execute(
        """CREATE TABLE hub_deliveries (
            topic text COLLATE "C" NOT NULL,
            callback text COLLATE "C" NOT NULL,
            due timestamptz NOT NULL,
            attempts integer NOT NULL DEFAULT 0,
            changes integer NOT NULL DEFAULT 1,
            last_error text,
            PRIMARY KEY (topic, callback),
            FOREIGN KEY (topic, callback) REFERENCES hub_subscriptions (topic, callback)
                ON DELETE CASCADE
        )"""
    )
    db.execute("CREATE INDEX hub_deliveries_due ON hub_deliveries (due)")
    db.execute(
        """CREATE TABLE notices (
            source_id text COLLATE "C" PRIMARY KEY REFERENCES sources (id) ON DELETE CASCADE,
            state text NOT NULL,
            reason text NOT NULL,
            since timestamptz NOT NULL,
            changed timestamptz NOT NULL
        )"""
    )


def _v3_feed_docs(db: Executor) -> None:
    """Issue 16: the feed files as published, so every instance serves the same bytes (their
    ETags and compressed forms follow from the bytes: feedfiles.represent); the instances."""
    db.execute(
        """CREATE TABLE feed_docs (
            name text COLLATE "C" PRIMARY KEY,
            body bytea NOT NULL,
            updated timestamptz NOT NULL
        )"""
    )
    db.execute("CREATE INDEX feed_docs_updated ON feed_docs (updated)")
    # The `feeds run` instances, for the status page: each writes its row as it beats.
    db.execute(
        """CREATE TABLE instances (
            name text COLLATE "C" PRIMARY KEY,
            config text NOT NULL,
            heartbeat timestamptz NOT NULL,
            polls bigint NOT NULL DEFAULT 0
        )"""
    )


def _v4_host_slots(db: Executor) -> None:
    """Issue 16: per-host concurrency and spacing kept by every instance together. A slot row
    per request a host may have in flight, leased (``until``) so a killed instance's slots
    free themselves; the earliest moment the next request to a host may start. UNLOGGED:
    written around every request and worth little after a crash of the server (which empties
    them: the requests then in flight are no longer counted, for one request's time), so no
    commit waits for the disk: a request's three statements took 0.7 to 1.1 ms instead of
    1.2 to 6.4 ms (``bench/host_gate.py``, on the 2-core machine busy with other work).
    Neither is copied by `feeds migrate`."""
    db.execute(
        """CREATE UNLOGGED TABLE host_slots (
            host text COLLATE "C" NOT NULL,
            slot integer NOT NULL,
            holder text,
            until timestamptz,
            PRIMARY KEY (host, slot)
        )"""
    )
    db.execute(
        'CREATE UNLOGGED TABLE host_pace (host text COLLATE "C" PRIMARY KEY, '
        "next_start timestamptz NOT NULL)"
    )


def _v5_backlog(db: Executor) -> None:
    db.execute("ALTER TABLE sources ADD COLUMN backlog integer NOT NULL DEFAULT 0")


def _v6_polled_by_and_robots_changes(db: Executor) -> None:
    """Issue 16: which instance (`host:pid`) polled a source last, with the poll's outcome;
    robots.txt answers numbered in the order they were saved (``version``, one writer at a
    time: ``pg_cluster.save_robots``), so the instances read only the ones saved since
    they last looked, not every host's answer every second."""
    db.execute("ALTER TABLE sources ADD COLUMN polled_by text")
    db.execute("ALTER TABLE robots ADD COLUMN version bigint NOT NULL DEFAULT 0")
    db.execute("CREATE INDEX robots_version ON robots (version)")


MIGRATIONS: tuple[Callable[[Executor], None], ...] = (
    _v1_initial,
    _v2_websub_and_notices,
    _v3_feed_docs,
    _v4_host_slots,
    _v5_backlog,
    _v6_polled_by_and_robots_changes,
)


def migrate(db: Executor) -> int:
    """Bring the schema up to date inside the caller's transaction; how many migrations ran."""
    db.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
    db.execute("CREATE TABLE IF NOT EXISTS feeds_schema (version integer NOT NULL)")
    row = db.execute("SELECT max(version) FROM feeds_schema").fetchone()
    version = int(row[0]) if row and row[0] is not None else 0
    if version > len(MIGRATIONS):
        raise StoreError(
            f"the database is from a newer feeds (schema {version})",
            fix="upgrade feeds or point settings.database elsewhere",
        )
    for migration in MIGRATIONS[version:]:
        migration(db)
    if version < len(MIGRATIONS):
        db.execute("DELETE FROM feeds_schema")
        db.execute("INSERT INTO feeds_schema (version) VALUES (%s)", (len(MIGRATIONS),))
    return len(MIGRATIONS) - version
