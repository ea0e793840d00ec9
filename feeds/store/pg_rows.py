"""The rows of the PostgreSQL store: the statements of ``apply`` and what the reads decode.

psycopg is not imported here (``postgres.py`` owns it): a ``PlanWriter`` gets the connection
of ``apply``'s transaction as anything with ``execute``.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import Any

from feeds.models import ItemFailure, NewItem, PollEnd, SourceStatus, StoredItem
from feeds.store.pg_schema import Executor

ITEM_COLUMNS = """source_id, key, id, url, title, author, summary, content_html, published,
    updated, first_seen, date_precision, status, content_hash"""
STATUS_COLUMNS = """id, created, last_attempt, last_success, last_error, consecutive_failures,
    polls, last_new, items_seen, items_published, degraded, polled_by"""


def clean(value: Any) -> Any:
    """PostgreSQL's text holds no NUL character (SQLite's does): a robots.txt or an error
    quoting a page may carry one."""
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd") if "\x00" in value else value
    if isinstance(value, list | tuple):
        return type(value)(clean(v) for v in value)
    return value


class PgConnected:
    """What the query mixins (``pg_hub``, ``pg_cluster``) need of ``PostgresStore``, which
    gives the connection of each call."""

    def _all(self, query: str, params: Sequence[Any] = ()) -> list[Any]:
        raise NotImplementedError

    def _run(self, query: str, params: Sequence[Any] = ()) -> None:
        raise NotImplementedError

    def _transaction(self) -> AbstractContextManager[Executor]:
        raise NotImplementedError


class PlanWriter:
    """The statements of ``apply``, on its connection inside its transaction."""

    def __init__(self, db: Executor, source_id: str) -> None:
        self.db, self.source_id = db, source_id
        self.seen = self.published = 0

    def run(self, query: str, params: Sequence[Any]) -> int:
        return int(self.db.execute(query, clean(params)).rowcount)

    def insert(self, new: NewItem) -> None:
        """A new item; an existing key is left untouched (ids never change)."""
        item = new.item
        inserted = self.run(
            f"""INSERT INTO items ({ITEM_COLUMNS}, published_ts)
                VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
                ON CONFLICT DO NOTHING""",
            (
                *(item.source_id, item.key, item.id, item.url, item.title, item.author),
                *(item.summary, item.content_html, item.published.isoformat()),
                *(item.updated.isoformat(), item.first_seen.isoformat(), item.date_precision),
                *(item.status, item.content_hash, item.published.timestamp()),
            ),
        )
        self.seen += inserted
        self.published += inserted * (item.status == "published")
        self.run(
            "DELETE FROM item_errors WHERE source_id = %s AND key = %s",
            (item.source_id, item.key),
        )
        for alias in new.aliases:
            self.alias(alias, item.key)

    def alias(self, key: str, item_key: str) -> None:
        if key != item_key:
            self.run(
                """INSERT INTO aliases (source_id, key, item_key) VALUES (%s, %s, %s)
                   ON CONFLICT DO NOTHING""",
                (self.source_id, key, item_key),
            )

    def edit(self, item: StoredItem) -> None:
        """An edit of a stored item: same key and id, first-seen and published kept."""
        self.run(
            """UPDATE items SET title = %s, author = %s, summary = %s, content_html = %s,
                 updated = %s, content_hash = %s WHERE source_id = %s AND key = %s""",
            (
                *(item.title, item.author, item.summary, item.content_html),
                *(item.updated.isoformat(), item.content_hash, item.source_id, item.key),
            ),
        )

    def item_error(self, failure: ItemFailure, now: datetime) -> None:
        self.run(
            """INSERT INTO item_errors (source_id, key, url, attempts, last_error, last_attempt)
               VALUES (%s, %s, %s, 1, %s, %s)
               ON CONFLICT (source_id, key) DO UPDATE SET attempts = item_errors.attempts + 1,
                 last_error = excluded.last_error, last_attempt = excluded.last_attempt""",
            (self.source_id, failure.key, failure.url, failure.error, now),
        )

    def counters(self) -> None:
        if self.seen:
            self.run(
                """UPDATE sources SET items_seen = items_seen + %s,
                     items_published = items_published + %s WHERE id = %s""",
                (self.seen, self.published, self.source_id),
            )

    def end(self, now: datetime, end: PollEnd) -> None:
        if end.ok:
            self.run(
                """UPDATE sources SET last_attempt = %s, last_success = %s, last_error = %s,
                     consecutive_failures = 0, polls = polls + 1, last_new = %s,
                     polled_by = %s WHERE id = %s""",
                (now, now, end.error, end.added, end.polled_by, self.source_id),
            )
        else:
            self.run(
                """UPDATE sources SET last_attempt = %s, last_error = %s,
                     consecutive_failures = consecutive_failures + 1, polls = polls + 1,
                     polled_by = %s WHERE id = %s""",
                (now, end.error or "failed", end.polled_by, self.source_id),
            )
        if end.ok or end.degraded is not None:  # a failure leaves the last verdict standing
            self.run(
                "UPDATE sources SET degraded = %s WHERE id = %s", (end.degraded, self.source_id)
            )
        if end.backlog is not None:
            self.run("UPDATE sources SET backlog = %s WHERE id = %s", (end.backlog, self.source_id))
        if end.last_listed is not None:
            self.run(
                "UPDATE sources SET last_listed = %s WHERE id = %s",
                (end.last_listed, self.source_id),
            )
        for url, validators in end.validators.items():
            self.validators(url, validators)

    def validators(self, url: str, validators: tuple[str | None, str | None] | None) -> None:
        etag, last_modified = validators or (None, None)
        if etag is None and last_modified is None:
            self.run(
                "DELETE FROM validators WHERE source_id = %s AND url = %s", (self.source_id, url)
            )
            return
        self.run(
            """INSERT INTO validators (source_id, url, etag, last_modified) VALUES (%s, %s, %s, %s)
               ON CONFLICT (source_id, url) DO UPDATE SET etag = excluded.etag,
                 last_modified = excluded.last_modified""",
            (self.source_id, url, etag, last_modified),
        )


def utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


def item_of(row: Sequence[Any]) -> StoredItem:
    return StoredItem(
        *(row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7]),
        published=datetime.fromisoformat(row[8]),
        updated=datetime.fromisoformat(row[9]),
        first_seen=datetime.fromisoformat(row[10]).astimezone(UTC),
        date_precision=row[11],
        status=row[12],
        content_hash=row[13],
    )


def status_of(row: Sequence[Any]) -> SourceStatus:
    return SourceStatus(
        id=row[0],
        created=utc(row[1]),
        last_attempt=utc(row[2]) if row[2] else None,
        last_success=utc(row[3]) if row[3] else None,
        last_error=row[4],
        consecutive_failures=row[5],
        polls=row[6],
        last_new=row[7],
        items_seen=row[8],
        items_published=row[9],
        degraded=row[10],
        polled_by=row[11],
    )
