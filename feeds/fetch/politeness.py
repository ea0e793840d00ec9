"""Per-host politeness shared by every fetcher of the process, and Retry-After."""

from __future__ import annotations

import email.utils
import logging
import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Protocol
from urllib.parse import urlsplit

from feeds.errors import FetchError, StoreError

log = logging.getLogger(__name__)

MAX_RETRY_AFTER = timedelta(hours=24)  # "Retry-After: 99999999" is a bug, not a plan
MAX_CRAWL_DELAY = 60.0
# How long a waiter sleeps between two tries for a slot another instance holds: short, so a
# slot freed is taken again within a request's time at the portal; jittered, so the waiters
# of several instances do not ask in step.
POLL_PAUSE = (0.01, 0.04)
# Seconds a shared slot is leased for unless told (settings.heartbeat makes it two heartbeats):
# a live process renews the leases of the slots it holds every third of that, however long its
# requests take; a killed one's lapse by themselves, so that the other instances do not wait
# long for its share of a host (a lease of minutes let 20 kills exhaust a host's slots).
SLOT_LEASE = 30.0


class ClusterGate(Protocol):
    """Per-host concurrency and spacing kept with the other instances of a cluster (issue 16:
    three instances impose on a portal what one would), in the shared database; the store
    implements it (``PgClusterQueries``), fetch/ only sees this."""

    def take_host_slot(self, host: str, slots: int, holder: str, lease: float) -> int | None:
        """One of the host's first ``slots`` slots, leased to ``holder`` for ``lease``
        seconds, or None when all are taken."""
        ...

    def give_host_slot(self, host: str, slot: int, holder: str) -> None: ...

    def renew_host_slots(self, holders: list[str], lease: float) -> None:
        """The slots of these holders, leased ``lease`` seconds from now."""
        ...

    def reserve_host_start(self, host: str, interval: float) -> float:
        """Seconds to wait before starting a request to ``host``, the next start pushed
        ``interval`` seconds past this one."""
        ...


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
        cluster: ClusterGate | None = None,
        patience: float = 60.0,
        lease: float = SLOT_LEASE,
    ) -> None:
        self.concurrency = concurrency
        self.interval = interval
        # With a cluster gate the limits are the cluster's: a slot of this process (which
        # keeps its own threads off the database) and then one of the shared slots, waited
        # for at most ``patience`` seconds (the request deadline).
        self.cluster = cluster
        self.patience = patience
        self.lease = lease
        self._held: set[str] = set()  # holders of the shared slots this process has now
        self._renewing = False
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
            if self.cluster is None:
                time.sleep(self._local_wait(host, interval))
                yield
                return
            with self._cluster_slot(self.cluster, host, url, interval):
                yield

    def _local_wait(self, host: str, interval: float) -> float:
        """Seconds until this process may start a request to ``host``."""
        if not interval:
            return 0.0
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next_start.get(host, 0.0))
            self._next_start[host] = start + interval
        return max(0.0, start - now)

    @contextmanager
    def _cluster_slot(
        self, gate: ClusterGate, host: str, url: str, interval: float
    ) -> Iterator[None]:
        """A shared slot and start time of ``host``. A database that fails here fails no
        request: it goes out under this process's limits, and the log says so."""
        import uuid  # only a cluster takes slots; its import costs an idle poll (issue 19)

        holder = uuid.uuid4().hex
        taken: int | None = None
        try:
            taken = self._take(gate, host, url, holder, self.lease)
            self._renew_while_held(gate, holder)
            wait = gate.reserve_host_start(host, interval) if interval else 0.0
        except StoreError as e:
            log.warning("shared host limits failed, %s keeps to this instance's: %s", host, e)
            wait = self._local_wait(host, interval)
        try:
            time.sleep(max(0.0, wait))
            yield
        finally:
            if taken is not None:
                with self._lock:
                    self._held.discard(holder)
                try:
                    gate.give_host_slot(host, taken, holder)
                except StoreError as e:  # its lease frees it
                    log.warning("could not give back a shared slot of %s: %s", host, e)

    def _take(self, gate: ClusterGate, host: str, url: str, holder: str, lease: float) -> int:
        give_up = time.monotonic() + self.patience
        while True:
            taken = gate.take_host_slot(host, self.concurrency, holder, lease)
            if taken is not None:
                return taken
            if time.monotonic() >= give_up:
                raise FetchError(
                    f"no request slot of {host} came free in {self.patience:g} s: the "
                    f"instances of the cluster keep {self.concurrency} request(s) in flight",
                    url=url,
                    fix="raise settings.host_concurrency, or spread the sources over time",
                )
            time.sleep(random.uniform(*POLL_PAUSE))

    def _renew_while_held(self, gate: ClusterGate, holder: str) -> None:
        """Counts ``holder`` among the slots to renew; starts the thread that renews them
        when none runs (it ends when the process holds no slot)."""
        with self._lock:
            self._held.add(holder)
            if self._renewing:
                return
            self._renewing = True
        threading.Thread(target=self._renew, args=(gate,), name="slots", daemon=True).start()

    def _renew(self, gate: ClusterGate) -> None:
        while True:
            time.sleep(self.lease / 3)
            with self._lock:
                holders = sorted(self._held)
                if not holders:
                    self._renewing = False
                    return
            try:
                gate.renew_host_slots(holders, self.lease)
            except StoreError as e:  # the next renewal, two before the leases lapse
                log.warning("shared host slots not renewed: %s", e)

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
