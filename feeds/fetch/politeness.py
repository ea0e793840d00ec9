"""Per-host politeness shared by every fetcher of the process, and Retry-After."""

from __future__ import annotations

import email.utils
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

MAX_RETRY_AFTER = timedelta(hours=24)  # "Retry-After: 99999999" is a bug, not a plan
MAX_CRAWL_DELAY = 60.0


class HostLimits:
    """Per-host politeness shared by every fetcher of the process: all the sources on one
    host together keep to ``concurrency`` requests in flight and start requests at least
    ``interval`` seconds apart (miniflux's POLLING_LIMIT_PER_HOST), or the host's robots.txt
    Crawl-delay when longer; and no request goes to a host before its Retry-After time.

    ``on_hold(host, until)`` persists a new Retry-After hold so a restart keeps to it.
    """

    def __init__(
        self,
        concurrency: int,
        interval: float = 0.0,
        *,
        holds: dict[str, datetime] | None = None,
        on_hold: Callable[[str, datetime], None] | None = None,
    ) -> None:
        self.concurrency = concurrency
        self.interval = interval
        self._lock = threading.Lock()
        self._slots: dict[str, threading.BoundedSemaphore] = {}
        self._next_start: dict[str, float] = {}
        self._intervals: dict[str, float] = {}
        self._holds: dict[str, datetime] = dict(holds or {})
        self._on_hold = on_hold

    @contextmanager
    def slot(self, url: str) -> Iterator[None]:
        host = _host(url)
        with self._lock:
            slots = self._slots.setdefault(host, threading.BoundedSemaphore(self.concurrency))
        with slots:
            interval = max(self.interval, self._intervals.get(host, 0.0))
            if interval:
                with self._lock:
                    now = time.monotonic()
                    start = max(now, self._next_start.get(host, 0.0))
                    self._next_start[host] = start + interval
                time.sleep(max(0.0, start - now))
            yield

    def crawl_delay(self, url: str, seconds: float) -> None:
        with self._lock:
            self._intervals[_host(url)] = min(seconds, MAX_CRAWL_DELAY)

    def hold(self, url: str, until: datetime) -> None:
        host = _host(url)
        with self._lock:
            if until <= self._holds.get(host, until - timedelta(seconds=1)):
                return
            self._holds[host] = until
        if self._on_hold is not None:
            self._on_hold(host, until)

    def learn(self, holds: dict[str, datetime]) -> None:
        """Holds another instance was given (issue 16: read back from the shared store);
        the later time wins, and nothing is saved again."""
        with self._lock:
            for host, until in holds.items():
                if until > self._holds.get(host, until - timedelta(seconds=1)):
                    self._holds[host] = until

    def held_until(self, url: str, now: datetime) -> datetime | None:
        with self._lock:
            until = self._holds.get(_host(url))
        return until if until is not None and until > now else None


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower().rstrip(".")


def retry_after(value: str | None, now: datetime) -> datetime | None:
    """The time a ``Retry-After`` header (seconds or HTTP-date) names, capped at 24 hours."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        delay = timedelta(seconds=min(int(value), int(MAX_RETRY_AFTER.total_seconds())))
        return now + delay
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return min(max(when, now), now + MAX_RETRY_AFTER)
