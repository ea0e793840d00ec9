"""The SQLite side of issue 18: the WebSub hub's subscriptions and queue, and each source's
notice item. Instants are UTC ISO 8601 text of one width, so they compare as text."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from contextlib import AbstractContextManager
from datetime import UTC, datetime

from feeds.models import Delivery, HubCounts, HubIntent, Notice, Subscription
from feeds.store.base import Connected


def at(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def _subscription(row: sqlite3.Row) -> Subscription:
    return Subscription(
        row["topic"],
        row["callback"],
        row["secret"],
        row["lease_seconds"],
        datetime.fromisoformat(row["expires"]),
    )


class HubQueries(Connected):
    def transaction(self) -> AbstractContextManager[None]:
        raise NotImplementedError  # SQLiteStore's

    def _any(self, query: str, *params: object) -> bool:
        """A read before a write: the hub's worker looks every few seconds, and an idle look
        must not take the database's write lock from a poll."""
        return self._db.execute(query, params).fetchone() is not None

    def hub_request(self, intent: HubIntent) -> None:
        """Queue a request for verification; it replaces one pending for the same pair
        (the subscriber's last word counts)."""
        self._db.execute(
            """INSERT OR REPLACE INTO hub_intents
               (topic, callback, host, mode, secret, lease_seconds, requested, due)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
            (
                *(intent.topic, intent.callback, intent.host, intent.mode, intent.secret),
                *(intent.lease_seconds, at(intent.requested), at(intent.requested)),
            ),
        )

    def hub_counts(self, topic: str, callback: str, now: datetime) -> HubCounts:
        """Live subscriptions and pending requests of the topic and of the callback's host."""
        host = HubIntent(topic, callback, "", 0, None, now).host
        pairs = """SELECT topic, callback, host FROM hub_subscriptions WHERE expires > ?
                   UNION SELECT topic, callback, host FROM hub_intents"""
        row = self._db.execute(
            f"""SELECT coalesce(sum(topic = ?), 0), coalesce(sum(host = ?), 0),
                       coalesce(sum(topic = ? AND callback = ?), 0) FROM ({pairs})""",
            (topic, host, topic, callback, at(now)),
        ).fetchone()
        return HubCounts(topic=int(row[0]), host=int(row[1]), known=bool(row[2]))

    def hub_claim_intents(self, now: datetime, until: datetime, limit: int) -> list[HubIntent]:
        """Requests to verify now, oldest first, each held until ``until`` (then another
        worker may take it, if this one died)."""
        if not self._any("SELECT 1 FROM hub_intents WHERE due <= ? LIMIT 1", at(now)):
            return []
        with self.transaction():
            rows = self._db.execute(
                "SELECT * FROM hub_intents WHERE due <= ? ORDER BY due LIMIT ?", (at(now), limit)
            ).fetchall()
            self._db.executemany(
                "UPDATE hub_intents SET due = ? WHERE topic = ? AND callback = ?",
                [(at(until), row["topic"], row["callback"]) for row in rows],
            )
        return [
            HubIntent(
                *(row["topic"], row["callback"], row["mode"], row["lease_seconds"]),
                *(row["secret"], datetime.fromisoformat(row["requested"])),
            )
            for row in rows
        ]

    def hub_verified(self, intent: HubIntent, now: datetime) -> None:
        """The callback confirmed: subscribe (or renew, with the new lease and secret) or
        unsubscribe, and the request is done, in one transaction."""
        expires = datetime.fromtimestamp(now.timestamp() + intent.lease_seconds, UTC)
        with self.transaction():
            if intent.mode == "subscribe":
                self._db.execute(
                    """INSERT INTO hub_subscriptions
                       (topic, callback, host, secret, lease_seconds, expires)
                       VALUES (?, ?, ?, ?, ?, ?)
                       ON CONFLICT (topic, callback) DO UPDATE SET secret = excluded.secret,
                         lease_seconds = excluded.lease_seconds, expires = excluded.expires""",
                    (
                        *(intent.topic, intent.callback, intent.host, intent.secret),
                        *(intent.lease_seconds, at(expires)),
                    ),
                )
            else:
                self.hub_drop(intent.topic, intent.callback)
            self.hub_forget(intent)

    def hub_forget(self, intent: HubIntent) -> None:
        """The request is done with; a newer one for the same pair stays."""
        self._db.execute(
            "DELETE FROM hub_intents WHERE topic = ? AND callback = ? AND requested = ?",
            (intent.topic, intent.callback, at(intent.requested)),
        )

    def hub_subscriptions(self, now: datetime) -> list[Subscription]:
        rows = self._db.execute(
            "SELECT * FROM hub_subscriptions WHERE expires > ? ORDER BY topic, callback",
            (at(now),),
        )
        return [_subscription(row) for row in rows]

    def hub_queue(self, topics: Iterable[str], now: datetime) -> int:
        """A delivery owed to every live subscriber of these topics. One already queued
        keeps its time and attempts (a failing callback stays in its backoff) and counts
        one more change."""
        queued = 0
        with self.transaction():
            for topic in dict.fromkeys(topics):
                queued += self._db.execute(
                    """INSERT INTO hub_deliveries (topic, callback, due)
                       SELECT topic, callback, ? FROM hub_subscriptions
                       WHERE topic = ? AND expires > ?
                       ON CONFLICT (topic, callback) DO UPDATE SET changes = changes + 1""",
                    (at(now), topic, at(now)),
                ).rowcount
        return queued

    def hub_claim_deliveries(self, now: datetime, until: datetime, limit: int) -> list[Delivery]:
        """Deliveries due to live subscriptions, oldest first, each held until ``until``."""
        if not self._any("SELECT 1 FROM hub_deliveries WHERE due <= ? LIMIT 1", at(now)):
            return []
        with self.transaction():
            rows = self._db.execute(
                """SELECT s.*, d.attempts, d.changes FROM hub_deliveries d
                   JOIN hub_subscriptions s USING (topic, callback)
                   WHERE d.due <= ? AND s.expires > ? ORDER BY d.due LIMIT ?""",
                (at(now), at(now), limit),
            ).fetchall()
            self._db.executemany(
                "UPDATE hub_deliveries SET due = ? WHERE topic = ? AND callback = ?",
                [(at(until), row["topic"], row["callback"]) for row in rows],
            )
        return [Delivery(_subscription(row), row["attempts"], row["changes"]) for row in rows]

    def hub_delivered(self, delivery: Delivery, now: datetime) -> None:
        """Done, unless a change came meanwhile: then it is owed again, at once."""
        s = delivery.subscription
        with self.transaction():
            self._db.execute(
                """UPDATE hub_deliveries SET due = ?, attempts = 0, changes = changes - ?,
                     last_error = NULL WHERE topic = ? AND callback = ?""",
                (at(now), delivery.changes, s.topic, s.callback),
            )
            self._db.execute(
                "DELETE FROM hub_deliveries WHERE topic = ? AND callback = ? AND changes <= 0",
                (s.topic, s.callback),
            )

    def hub_retry(self, delivery: Delivery, due: datetime, error: str) -> None:
        s = delivery.subscription
        self._db.execute(
            """UPDATE hub_deliveries SET due = ?, attempts = attempts + 1, last_error = ?
               WHERE topic = ? AND callback = ?""",
            (at(due), error, s.topic, s.callback),
        )

    def hub_drop(self, topic: str, callback: str) -> None:
        """The subscription and what it is owed (a dead callback, an unsubscription)."""
        self._db.execute(
            "DELETE FROM hub_subscriptions WHERE topic = ? AND callback = ?", (topic, callback)
        )

    def hub_expire(self, now: datetime) -> int:
        """Subscriptions whose lease ended, with their deliveries; how many."""
        if not self._any("SELECT 1 FROM hub_subscriptions WHERE expires <= ? LIMIT 1", at(now)):
            return 0
        return int(
            self._db.execute(
                "DELETE FROM hub_subscriptions WHERE expires <= ?", (at(now),)
            ).rowcount
        )

    # -- a source's notice item ------------------------------------------------------

    def notice(self, source_id: str) -> Notice | None:
        row = self._db.execute("SELECT * FROM notices WHERE source_id = ?", (source_id,)).fetchone()
        if row is None:
            return None
        since, changed = (datetime.fromisoformat(row[name]) for name in ("since", "changed"))
        return Notice(row["state"], row["reason"], since, changed)

    def save_notice(self, source_id: str, notice: Notice | None) -> None:
        if notice is None:
            self._db.execute("DELETE FROM notices WHERE source_id = ?", (source_id,))
            return
        self._db.execute(
            """INSERT OR REPLACE INTO notices (source_id, state, reason, since, changed)
               VALUES (?, ?, ?, ?, ?)""",
            (source_id, notice.state, notice.reason, at(notice.since), at(notice.changed)),
        )
