"""The PostgreSQL side of issue 16 that only several instances need: the feed files as
published, so that an instance serves the feeds another one polled, byte for byte."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any

from feeds.store.pg_rows import utc
from feeds.store.pg_schema import Executor


class PgClusterQueries:
    """Mixed into ``PostgresStore``, which gives the connection of each call."""

    def _all(self, query: str, params: Sequence[Any] = ()) -> list[Any]:
        raise NotImplementedError

    def _transaction(self) -> AbstractContextManager[Executor]:
        raise NotImplementedError

    def save_feed_docs(self, docs: dict[str, bytes]) -> None:
        """Feed files as just published (by name: ``<id>.<format>``)."""
        with self._transaction() as db:
            for name, body in docs.items():
                db.execute(
                    # The database's clock: instances on several machines compare its times.
                    """INSERT INTO feed_docs (name, body, updated)
                       VALUES (%s, %s, clock_timestamp())
                       ON CONFLICT (name) DO UPDATE SET body = excluded.body,
                         updated = excluded.updated""",
                    (name, body),
                )

    def feed_docs_since(self, after: datetime) -> list[tuple[str, bytes, datetime]]:
        """Feed files published after ``after`` (the database's clock), oldest first:
        (name, bytes, when)."""
        rows = self._all(
            "SELECT name, body, updated FROM feed_docs WHERE updated > %s ORDER BY updated",
            (after,),
        )
        return [(row[0], bytes(row[1]), utc(row[2])) for row in rows]
