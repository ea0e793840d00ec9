"""The PostgreSQL side of issue 18 (``hub.py``'s counterpart): the WebSub hub's subscriptions
and queue, and each source's notice item. A claim takes rows ``FOR UPDATE SKIP LOCKED``, so
instances sharing the database never deliver the same change twice."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from feeds.models import Delivery, HubCounts, HubIntent, Notice, Subscription
from feeds.store.pg_rows import PgConnected, clean, utc

_INTENT = "topic, callback, mode, lease_seconds, secret, requested"
_SUBSCRIPTION = "s.topic, s.callback, s.secret, s.lease_seconds, s.expires"


def _intent(row: Sequence[Any]) -> HubIntent:
    return HubIntent(row[0], row[1], row[2], row[3], row[4], utc(row[5]))


def _subscription(row: Sequence[Any]) -> Subscription:
    return Subscription(row[0], row[1], row[2], row[3], utc(row[4]))


class PgHubQueries(PgConnected):
    """Mixed into ``PostgresStore``."""

    def hub_request(self, intent: HubIntent) -> None:
        self._run(
            """INSERT INTO hub_intents
               (topic, callback, host, mode, secret, lease_seconds, requested, due)
               VALUES (%s, %s, %s, %s, %s, %s, %s, %s)
               ON CONFLICT (topic, callback) DO UPDATE SET host = excluded.host,
                 mode = excluded.mode, secret = excluded.secret,
                 lease_seconds = excluded.lease_seconds, requested = excluded.requested,
                 due = excluded.due""",
            (
                *(intent.topic, intent.callback, intent.host, intent.mode, intent.secret),
                *(intent.lease_seconds, intent.requested, intent.requested),
            ),
        )

    def hub_counts(self, topic: str, callback: str, now: datetime) -> HubCounts:
        host = HubIntent(topic, callback, "", 0, None, now).host
        (row,) = self._all(
            """SELECT count(*) FILTER (WHERE topic = %s), count(*) FILTER (WHERE host = %s),
                      count(*) FILTER (WHERE topic = %s AND callback = %s)
               FROM (SELECT topic, callback, host FROM hub_subscriptions WHERE expires > %s
                     UNION SELECT topic, callback, host FROM hub_intents) AS pairs""",
            (topic, host, topic, callback, now),
        )
        return HubCounts(topic=int(row[0]), host=int(row[1]), known=bool(row[2]))

    def hub_claim_intents(self, now: datetime, until: datetime, limit: int) -> list[HubIntent]:
        rows = self._all(
            """UPDATE hub_intents i SET due = %s
               FROM (SELECT topic, callback FROM hub_intents WHERE due <= %s
                     ORDER BY due LIMIT %s FOR UPDATE SKIP LOCKED) AS c
               WHERE i.topic = c.topic AND i.callback = c.callback
               RETURNING i.topic, i.callback, i.mode, i.lease_seconds, i.secret, i.requested""",
            (until, now, limit),
        )
        return sorted(map(_intent, rows), key=lambda intent: intent.requested)

    def hub_verified(self, intent: HubIntent, now: datetime) -> None:
        expires = now + timedelta(seconds=intent.lease_seconds)
        pair = (intent.topic, intent.callback)
        with self._transaction() as db:
            if intent.mode == "subscribe":
                db.execute(
                    """INSERT INTO hub_subscriptions
                       (topic, callback, host, secret, lease_seconds, expires)
                       VALUES (%s, %s, %s, %s, %s, %s)
                       ON CONFLICT (topic, callback) DO UPDATE SET secret = excluded.secret,
                         lease_seconds = excluded.lease_seconds, expires = excluded.expires""",
                    clean((*pair, intent.host, intent.secret, intent.lease_seconds, expires)),
                )
            else:
                db.execute(
                    "DELETE FROM hub_subscriptions WHERE topic = %s AND callback = %s",
                    clean(pair),
                )
            db.execute(
                """DELETE FROM hub_intents WHERE topic = %s AND callback = %s
                   AND requested = %s""",
                clean((*pair, intent.requested)),
            )

    def hub_forget(self, intent: HubIntent) -> None:
        self._run(
            "DELETE FROM hub_intents WHERE topic = %s AND callback = %s AND requested = %s",
            (intent.topic, intent.callback, intent.requested),
        )

    def hub_subscriptions(self, now: datetime) -> list[Subscription]:
        rows = self._all(
            f"""SELECT {_SUBSCRIPTION} FROM hub_subscriptions s WHERE s.expires > %s
                ORDER BY s.topic, s.callback""",
            (now,),
        )
        return [_subscription(row) for row in rows]

    def hub_queue(self, topics: Iterable[str], now: datetime) -> int:
        (row,) = self._all(
            """WITH queued AS (
                 INSERT INTO hub_deliveries (topic, callback, due)
                 SELECT topic, callback, %s FROM hub_subscriptions
                 WHERE topic = ANY(%s::text[]) AND expires > %s
                 ON CONFLICT (topic, callback)
                   DO UPDATE SET changes = hub_deliveries.changes + 1
                 RETURNING 1)
               SELECT count(*) FROM queued""",
            (now, list(dict.fromkeys(topics)), now),
        )
        return int(row[0])

    def hub_claim_deliveries(self, now: datetime, until: datetime, limit: int) -> list[Delivery]:
        rows = self._all(
            f"""WITH c AS (
                  SELECT d.topic, d.callback FROM hub_deliveries d
                  JOIN hub_subscriptions s USING (topic, callback)
                  WHERE d.due <= %s AND s.expires > %s
                  ORDER BY d.due LIMIT %s FOR UPDATE OF d SKIP LOCKED)
                UPDATE hub_deliveries d SET due = %s FROM c, hub_subscriptions s
                WHERE d.topic = c.topic AND d.callback = c.callback
                  AND s.topic = d.topic AND s.callback = d.callback
                RETURNING {_SUBSCRIPTION}, d.attempts, d.changes""",
            (now, now, limit, until),
        )
        return [Delivery(_subscription(row), row[5], row[6]) for row in rows]

    def hub_delivered(self, delivery: Delivery, now: datetime) -> None:
        pair = (delivery.subscription.topic, delivery.subscription.callback)
        with self._transaction() as db:
            db.execute(
                """UPDATE hub_deliveries SET due = %s, attempts = 0, changes = changes - %s,
                     last_error = NULL WHERE topic = %s AND callback = %s""",
                clean((now, delivery.changes, *pair)),
            )
            db.execute(
                """DELETE FROM hub_deliveries WHERE topic = %s AND callback = %s
                   AND changes <= 0""",
                clean(pair),
            )

    def hub_retry(self, delivery: Delivery, due: datetime, error: str) -> None:
        self._run(
            """UPDATE hub_deliveries SET due = %s, attempts = attempts + 1, last_error = %s
               WHERE topic = %s AND callback = %s""",
            (due, error, delivery.subscription.topic, delivery.subscription.callback),
        )

    def hub_drop(self, topic: str, callback: str) -> None:
        self._run(
            "DELETE FROM hub_subscriptions WHERE topic = %s AND callback = %s", (topic, callback)
        )

    def hub_expire(self, now: datetime) -> int:
        rows = self._all("DELETE FROM hub_subscriptions WHERE expires <= %s RETURNING 1", (now,))
        return len(rows)

    # -- a source's notice item ------------------------------------------------------

    def notice(self, source_id: str) -> Notice | None:
        rows = self._all(
            "SELECT state, reason, since, changed FROM notices WHERE source_id = %s",
            (source_id,),
        )
        return Notice(rows[0][0], rows[0][1], utc(rows[0][2]), utc(rows[0][3])) if rows else None

    def save_notice(self, source_id: str, notice: Notice | None) -> None:
        if notice is None:
            self._run("DELETE FROM notices WHERE source_id = %s", (source_id,))
            return
        self._run(
            """INSERT INTO notices (source_id, state, reason, since, changed)
               VALUES (%s, %s, %s, %s, %s)
               ON CONFLICT (source_id) DO UPDATE SET state = excluded.state,
                 reason = excluded.reason, since = excluded.since, changed = excluded.changed""",
            (source_id, notice.state, notice.reason, notice.since, notice.changed),
        )
