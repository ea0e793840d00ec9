"""The PostgreSQL side of issue 16 that only several instances need: the feed files as
published, so that an instance serves the feeds another one polled, byte for byte; the
instances and their heartbeats, for the status page; per-host request slots and start times,
so that the instances together keep to one host's limits (``fetch.politeness.ClusterGate``)."""

from __future__ import annotations

from datetime import datetime

from feeds.store.pg_rows import PgConnected, utc


class PgClusterQueries(PgConnected):
    """Mixed into ``PostgresStore``."""

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

    def take_host_slot(self, host: str, slots: int, holder: str, lease: float) -> int | None:
        """A free (or expired) slot among the host's first ``slots``, leased to ``holder``;
        None when all are held. SKIP LOCKED: two takers never wait on nor get the same row.
        The host's rows are made the first time it has none free (one round trip when a
        slot is free, two when none is)."""
        for _ in range(2):
            rows = self._all(
                """UPDATE host_slots SET holder = %s,
                     until = clock_timestamp() + make_interval(secs => %s)
                   WHERE (host, slot) = (
                     SELECT host, slot FROM host_slots
                     WHERE host = %s AND slot < %s
                       AND (holder IS NULL OR until < clock_timestamp())
                     ORDER BY slot LIMIT 1 FOR UPDATE SKIP LOCKED)
                   RETURNING slot""",
                (holder, lease, host, slots),
            )
            if rows:
                return int(rows[0][0])
            made = self._all(
                """INSERT INTO host_slots (host, slot) SELECT %s, generate_series(0, %s - 1)
                   ON CONFLICT (host, slot) DO NOTHING RETURNING slot""",
                (host, slots),
            )
            if not made:
                return None
        return None

    def give_host_slot(self, host: str, slot: int, holder: str) -> None:
        """Gives a slot back, unless its lease ran out and another holder has it now."""
        self._run(
            """UPDATE host_slots SET holder = NULL, until = NULL
               WHERE host = %s AND slot = %s AND holder = %s""",
            (host, slot, holder),
        )

    def reserve_host_start(self, host: str, interval: float) -> float:
        """Seconds until this request to ``host`` may start, the next start pushed
        ``interval`` past it, in one statement (the row lock orders the instances)."""
        rows = self._all(
            """WITH now AS (SELECT clock_timestamp() AS t)
               INSERT INTO host_pace AS p (host, next_start)
               SELECT %s, now.t + make_interval(secs => %s) FROM now
               ON CONFLICT (host) DO UPDATE SET next_start =
                 greatest(p.next_start, (SELECT t FROM now)) + make_interval(secs => %s)
               RETURNING extract(epoch FROM p.next_start - (SELECT t FROM now))""",
            (host, interval, interval),
        )
        return max(0.0, float(rows[0][0]) - interval)
