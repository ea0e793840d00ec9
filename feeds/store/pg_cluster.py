"""The PostgreSQL side of issue 16 that only several instances need: the feed files as
published, so that an instance serves the feeds another one polled, byte for byte; the
instances and their heartbeats, for the status page."""

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

    def _run(self, query: str, params: Sequence[Any] = ()) -> None:
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

    def beat(self, name: str, config: str, polls: int) -> None:
        """This instance is alive (its config file's digest, its polls so far)."""
        self._run(
            """INSERT INTO instances (name, config, heartbeat, polls)
               VALUES (%s, %s, clock_timestamp(), %s)
               ON CONFLICT (name) DO UPDATE SET config = excluded.config,
                 heartbeat = excluded.heartbeat, polls = excluded.polls""",
            (name, config, polls),
        )

    def instances(self, silent_for: float) -> list[tuple[str, str, datetime, int]]:
        """Instances heard from within ``silent_for`` seconds: (name, config digest, last
        heartbeat, polls); older rows are deleted."""
        self._run(
            "DELETE FROM instances WHERE heartbeat < clock_timestamp() - make_interval(secs => %s)",
            (silent_for,),
        )
        rows = self._all("SELECT name, config, heartbeat, polls FROM instances ORDER BY name")
        return [(row[0], row[1], utc(row[2]), int(row[3])) for row in rows]
