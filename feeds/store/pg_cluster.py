"""The PostgreSQL side of issue 16 that only several instances need: the feed files as
published, so that an instance serves the feeds another one polled, byte for byte; the
instances and their heartbeats, for the status page; robots.txt answers, read back by what
changed since a marker; per-host request slots and start times, so that the instances
together keep to one host's limits (``fetch.politeness.ClusterGate``)."""

from __future__ import annotations

from datetime import datetime

from feeds.models import RobotsAnswer
from feeds.store.pg_rows import PgConnected, clean, utc

# pg_advisory_xact_lock key under which robots.txt answers are numbered ("robots" in ASCII).
ROBOTS_LOCK = 0x726F626F7473


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

    def instances(self, silent_for: float) -> list[tuple[str, str, datetime, int, float]]:
        """Instances heard from within ``silent_for`` seconds: (name, config digest, last
        heartbeat, polls, seconds since that heartbeat by the database's clock, which all
        the instances share); older rows are deleted."""
        self._run(
            "DELETE FROM instances WHERE heartbeat < clock_timestamp() - make_interval(secs => %s)",
            (silent_for,),
        )
        rows = self._all(
            """SELECT name, config, heartbeat, polls,
                 greatest(0, extract(epoch FROM clock_timestamp() - heartbeat))
               FROM instances ORDER BY name"""
        )
        return [(row[0], row[1], utc(row[2]), int(row[3]), float(row[4])) for row in rows]

    def robots_answers(self) -> dict[str, RobotsAnswer]:
        return self.robots_since(-1)[0]

    def robots_since(self, after: int) -> tuple[dict[str, RobotsAnswer], int]:
        """The robots.txt answers saved after marker ``after`` (-1: all of them), and the
        marker to ask with next time: what changed, not every host's answer (issue 16)."""
        answers, marker = {}, after
        for url, status, body, fetched_at, version in self._all(
            "SELECT url, status, body, fetched_at, version FROM robots WHERE version > %s",
            (after,),
        ):
            # The body column holds the rules of a 2xx answer, else why there are none.
            answer = RobotsAnswer(status, body, utc(fetched_at))
            ok = answer.ok
            answers[url] = answer if ok else RobotsAnswer(status, "", answer.fetched_at, body)
            marker = max(marker, int(version))
        return answers, marker

    def save_robots(self, url: str, answer: RobotsAnswer) -> None:
        """An answer, numbered after every other: the numbers are taken one writer at a time
        under a lock held to the commit, so no answer numbered below one a reader has seen
        can still commit after it (a marker misses nothing, which times could not promise)."""
        body = answer.text if answer.ok else answer.error
        with self._transaction() as db:
            db.execute("SELECT pg_advisory_xact_lock(%s)", (ROBOTS_LOCK,))
            db.execute(
                """INSERT INTO robots AS r (url, status, body, fetched_at, version)
                   VALUES (%s, %s, %s, %s, (SELECT coalesce(max(version), 0) + 1 FROM robots))
                   ON CONFLICT (url) DO UPDATE SET status = excluded.status,
                     body = excluded.body, fetched_at = excluded.fetched_at,
                     version = excluded.version""",
                clean((url, answer.status, body, answer.fetched_at)),
            )

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

    def renew_host_slots(self, holders: list[str], lease: float) -> None:
        """The slots of these holders, leased ``lease`` seconds from now: a live instance
        keeps what it holds, a killed one's slots lapse within a lease."""
        self._run(
            """UPDATE host_slots SET until = clock_timestamp() + make_interval(secs => %s)
               WHERE holder = ANY(%s::text[])""",
            (lease, holders),
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
