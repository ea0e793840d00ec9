"""What a site asked of us, kept across restarts: Retry-After holds and robots.txt answers."""

from __future__ import annotations

from datetime import datetime

from feeds.models import RobotsAnswer
from feeds.store.base import Connected, ts


class PolitenessQueries(Connected):
    def host_holds(self, now: datetime) -> dict[str, datetime]:
        """Hosts that asked us to wait, with the time they named (expired ones dropped)."""
        self._db.execute("DELETE FROM host_holds WHERE until <= ?", (ts(now),))
        rows = self._db.execute("SELECT host, until FROM host_holds")
        return {row[0]: datetime.fromisoformat(row[1]) for row in rows}

    def save_host_hold(self, host: str, until: datetime) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO host_holds (host, until) VALUES (?, ?)", (host, ts(until))
        )

    def robots_answers(self) -> dict[str, RobotsAnswer]:
        # The body column holds the rules of a 2xx answer, else why there are none.
        answers = {}
        for url, status, body, fetched_at in self._db.execute(
            "SELECT url, status, body, fetched_at FROM robots"
        ):
            when = datetime.fromisoformat(fetched_at)
            answer = RobotsAnswer(status, body, when)
            answers[url] = answer if answer.ok else RobotsAnswer(status, "", when, body)
        return answers

    def save_robots(self, url: str, answer: RobotsAnswer) -> None:
        body = answer.text if answer.ok else answer.error
        self._db.execute(
            "INSERT OR REPLACE INTO robots (url, status, body, fetched_at) VALUES (?, ?, ?, ?)",
            (url, answer.status, body, ts(answer.fetched_at)),
        )
