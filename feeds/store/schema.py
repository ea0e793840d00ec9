"""The SQLite schema, as append-only migrations keyed by ``PRAGMA user_version``.

Each migration is a function of one connection, run in its own transaction by
``migrate``; a database written by a newer feeds (a higher version) is refused, never
downgraded. Never edit a migration that has shipped: add the next one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable


def _v1_initial(db: sqlite3.Connection) -> None:
    db.execute(
        """CREATE TABLE sources (
            id TEXT PRIMARY KEY,
            created TEXT NOT NULL,
            last_attempt TEXT,
            last_success TEXT,
            last_error TEXT,
            consecutive_failures INTEGER NOT NULL DEFAULT 0,
            polls INTEGER NOT NULL DEFAULT 0,
            last_new INTEGER NOT NULL DEFAULT 0
        )"""
    )
    db.execute(
        """CREATE TABLE items (
            source_id TEXT NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
            key TEXT NOT NULL,
            id TEXT NOT NULL,
            url TEXT NOT NULL,
            title TEXT NOT NULL,
            author TEXT,
            summary TEXT,
            content_html TEXT,
            published TEXT NOT NULL,
            published_ts REAL NOT NULL,
            updated TEXT NOT NULL,
            first_seen TEXT NOT NULL,
            date_precision TEXT NOT NULL,
            status TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            PRIMARY KEY (source_id, key)
        )"""
    )
    db.execute("CREATE INDEX items_newest ON items (source_id, status, published_ts DESC)")
    db.execute(
        """CREATE TABLE aliases (
            source_id TEXT NOT NULL,
            key TEXT NOT NULL,
            item_key TEXT NOT NULL,
            PRIMARY KEY (source_id, key),
            FOREIGN KEY (source_id, item_key) REFERENCES items (source_id, key)
                ON DELETE CASCADE
        )"""
    )
    db.execute(
        """CREATE TABLE item_errors (
            source_id TEXT NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
            key TEXT NOT NULL,
            url TEXT NOT NULL,
            attempts INTEGER NOT NULL,
            last_error TEXT NOT NULL,
            last_attempt TEXT NOT NULL,
            PRIMARY KEY (source_id, key)
        )"""
    )
    db.execute("CREATE TABLE validators (url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT)")


def _v2_schedule(db: sqlite3.Connection) -> None:
    db.execute("CREATE TABLE schedule (source_id TEXT PRIMARY KEY, next_run TEXT NOT NULL)")


def _v3_degraded(db: sqlite3.Connection) -> None:
    db.execute("ALTER TABLE sources ADD COLUMN degraded TEXT")


def _v4_politeness_and_edits(db: sqlite3.Connection) -> None:
    db.execute("CREATE TABLE host_holds (host TEXT PRIMARY KEY, until TEXT NOT NULL)")
    db.execute(
        """CREATE TABLE robots (
            url TEXT PRIMARY KEY,
            status INTEGER NOT NULL,
            body TEXT NOT NULL,
            fetched_at TEXT NOT NULL
        )"""
    )
    db.execute("ALTER TABLE items ADD COLUMN listing_sig TEXT")
    db.execute("CREATE INDEX items_digest ON items (source_id, content_hash)")


def _v5_last_listed(db: sqlite3.Connection) -> None:
    db.execute("ALTER TABLE sources ADD COLUMN last_listed INTEGER")


def _v6_validators_per_source_and_counters(db: sqlite3.Connection) -> None:
    # Validators were kept per URL: a second source on the same listing got a 304 after the
    # first had polled and never saw the new item (issue 12). Forgetting the old ones costs
    # one full fetch per listing.
    db.execute("DROP TABLE validators")
    db.execute(
        """CREATE TABLE validators (
            source_id TEXT NOT NULL,
            url TEXT NOT NULL,
            etag TEXT,
            last_modified TEXT,
            PRIMARY KEY (source_id, url)
        )"""
    )
    # Item counts as counters kept by the writes, so a status page does not count the
    # whole history of every source on each request.
    db.execute("ALTER TABLE sources ADD COLUMN items_seen INTEGER NOT NULL DEFAULT 0")
    db.execute("ALTER TABLE sources ADD COLUMN items_published INTEGER NOT NULL DEFAULT 0")
    db.execute(
        """UPDATE sources SET
             items_seen = (SELECT count(*) FROM items i WHERE i.source_id = sources.id),
             items_published = (SELECT count(*) FROM items i WHERE i.source_id = sources.id
                                AND i.status = 'published')"""
    )


def _v7_websub_and_notices(db: sqlite3.Connection) -> None:
    """Issue 18: the WebSub hub's subscriptions, the requests it has yet to verify and the
    deliveries it owes (``due``: when a worker may take one; a claim moves it ahead), and
    each source's notice item. Instants are UTC ISO text, compared as text."""
    db.execute(
        """CREATE TABLE hub_subscriptions (
            topic TEXT NOT NULL,
            callback TEXT NOT NULL,
            host TEXT NOT NULL,
            secret TEXT,
            lease_seconds INTEGER NOT NULL,
            expires TEXT NOT NULL,
            PRIMARY KEY (topic, callback)
        )"""
    )
    db.execute("CREATE INDEX hub_subscriptions_host ON hub_subscriptions (host)")
    db.execute(
        """CREATE TABLE hub_intents (
            topic TEXT NOT NULL,
            callback TEXT NOT NULL,
            host TEXT NOT NULL,
            mode TEXT NOT NULL,
            secret TEXT,
            lease_seconds INTEGER NOT NULL,
            requested TEXT NOT NULL,
            due TEXT NOT NULL,
            PRIMARY KEY (topic, callback)
        )"""
    )
    db.execute(
        """CREATE TABLE hub_deliveries (
            topic TEXT NOT NULL,
            callback TEXT NOT NULL,
            due TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            changes INTEGER NOT NULL DEFAULT 1,
            last_error TEXT,
            PRIMARY KEY (topic, callback),
            FOREIGN KEY (topic, callback) REFERENCES hub_subscriptions (topic, callback)
                ON DELETE CASCADE
        )"""
    )
    db.execute("CREATE INDEX hub_deliveries_due ON hub_deliveries (due)")
    db.execute(
        """CREATE TABLE notices (
            source_id TEXT PRIMARY KEY REFERENCES sources(id) ON DELETE CASCADE,
            state TEXT NOT NULL,
            reason TEXT NOT NULL,
            since TEXT NOT NULL,
            changed TEXT NOT NULL
        )"""
    )


def _v8_backlog(db: sqlite3.Connection) -> None:
    db.execute("ALTER TABLE sources ADD COLUMN backlog INTEGER NOT NULL DEFAULT 0")


def _v9_polled_by(db: sqlite3.Connection) -> None:
    # Issue 16: which process (`host:pid`) polled a source last, with the poll's outcome.
    db.execute("ALTER TABLE sources ADD COLUMN polled_by TEXT")


MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (
    _v1_initial,
    _v2_schedule,
    _v3_degraded,
    _v4_politeness_and_edits,
    _v5_last_listed,
    _v6_validators_per_source_and_counters,
    _v7_websub_and_notices,
    _v8_backlog,
    _v9_polled_by,
)
