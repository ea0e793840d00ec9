"""robots.txt per RFC 9309, cached per scheme, host and port (protego is owned here).

The fetch itself goes through ``Fetcher`` like every request; this module only decides what
an answer means: 2xx is parsed (its first 500 KiB), any other 4xx allows everything, and 5xx,
429 or a broken answer disallow everything, reusing a stale copy when there is one. Answers
are kept 24 hours; failures are retried sooner so that a site's bad hour costs an hour, not a
day. A site that cannot be reached at all (RFC 9309 2.3.1.4: complete disallow) never gets
here: ``Fetcher`` reports it as the site's problem and asks again on the next request.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime
from urllib.parse import urlsplit

from protego import Protego

from feeds.models import FAILURE_TTL, TTL, RobotsAnswer

MAX_BYTES = 500 * 1024  # RFC 9309 2.5: parse at least the first 500 KiB


Fetch = Callable[[str], RobotsAnswer]


def robots_url(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/robots.txt"


def agent_token(user_agent: str) -> str:
    """'feeds/0.1 (…)' -> 'feeds': robots.txt groups name the product token."""
    return (user_agent.split("/", 1)[0].split() or ["feeds"])[0]


class RobotsCache:
    """robots.txt answers of every host the process reads, shared like ``HostLimits``.

    ``on_answer`` persists each new answer so a restart (or the next ``feeds update`` run
    from cron) does not fetch robots.txt again within its lifetime.
    """

    def __init__(
        self,
        answers: dict[str, RobotsAnswer] | None = None,
        on_answer: Callable[[str, RobotsAnswer], None] | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._answers = dict(answers or {})
        self._parsed: dict[str, Protego | None] = {}
        self._on_answer = on_answer
        self._clock = clock
        self._lock = threading.Lock()
        self._fetching: dict[str, threading.Lock] = {}

    def verdict(self, url: str, agent: str, fetch: Fetch) -> tuple[str | None, float | None]:
        """(why ``agent`` may not fetch ``url`` or None, the Crawl-delay for it if any)."""
        key = robots_url(url)
        answer = self._fresh(key)
        if answer is None:
            with self._lock:
                fetching = self._fetching.setdefault(key, threading.Lock())
            with fetching:  # one fetch per host even when many sources ask at once
                answer = self._fresh(key)
                if answer is None:
                    answer = self._refresh(key, fetch)
        if not answer.ok:
            if answer.usable:
                return None, None  # 4xx: there are no rules
            # 5xx, 429 or unreachable: RFC 9309 2.3.1.3/2.3.1.4, complete disallow for now.
            reason = answer.error or f"it answered {answer.status}"
            return f"robots.txt of the site could not be read ({reason})", None
        with self._lock:
            if key not in self._parsed:
                self._parsed[key] = Protego.parse(answer.text)
            rules = self._parsed[key]
        assert rules is not None
        delay = rules.crawl_delay(agent)
        refusal = None if rules.can_fetch(url, agent) else "robots.txt of the site disallows it"
        return refusal, float(delay) if delay else None

    def learn(self, answers: dict[str, RobotsAnswer]) -> None:
        """Answers another instance fetched (issue 16: read back from the shared store): a
        newer one replaces ours, so the cluster asks a site for robots.txt once a day."""
        with self._lock:
            for key, answer in answers.items():
                known = self._answers.get(key)
                if known is None or answer.fetched_at > known.fetched_at:
                    self._answers[key] = answer
                    self._parsed.pop(key, None)

    def _fresh(self, key: str) -> RobotsAnswer | None:
        with self._lock:
            answer = self._answers.get(key)
        if answer is not None and self._clock() < answer.expires:
            return answer
        return None

    def _refresh(self, key: str, fetch: Fetch) -> RobotsAnswer:
        answer = fetch(key)
        with self._lock:
            stale = self._answers.get(key)
        if not answer.usable and stale is not None and stale.usable:
            # RFC 9309 2.4: on a server error a crawler may keep using a cached copy; it is
            # kept for FAILURE_TTL, then asked for again.
            answer = RobotsAnswer(
                stale.status, stale.text, answer.fetched_at - TTL + FAILURE_TTL, answer.error
            )
        with self._lock:
            self._answers[key] = answer
            self._parsed.pop(key, None)
        if self._on_answer is not None:
            self._on_answer(key, answer)
        return answer
