"""The WebSub hub of `feeds run` (issue 18): subscription requests answered on the server's
threads, new feed documents queued by the polls, and a small worker that does the talking.

A request is checked (``websub.read_request``, the limits) and queued in the store; the
worker confirms it with a GET to the callback (§5.3) and only then subscribes. A poll that
changed a feed queues a delivery per live subscriber and wakes the worker, which POSTs the
feed's current file, signed with the subscriber's secret, and tries a failed delivery again
with backoff until the lease ends, when the callback counts as dead and is dropped. The
queue lives in the store, so it survives a restart, and a claim holds each job, so two
instances on one database never send the same one. Every request goes through
``Fetcher.send``: the egress rules of every fetch, a timeout and a cap on the answer read.
Polls never wait on a callback: all the talking is the worker's.
"""

from __future__ import annotations

import logging
import queue
import secrets
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

from feeds.app import open_state
from feeds.errors import FeedsError, FetchError
from feeds.fetch import Fetcher, HostLimits, Reply
from feeds.formats import REGISTRY, feed_url
from feeds.models import Delivery, HubIntent, Settings, Source
from feeds.websub import (
    REPLY_BYTES,
    Refusal,
    advertised,
    confirmed,
    limit_problem,
    link_header,
    next_try,
    parse_form,
    publish_form,
    read_request,
    signature,
    topics,
    verification_url,
)

log = logging.getLogger("feeds.hub")

CLAIM = timedelta(minutes=5)  # a job a worker took is free for another after this
BATCH = 16  # jobs taken at a time
IDLE = 2.0  # seconds between looks at the queue when nothing wakes the worker
WORKERS = 4  # callbacks talked to at once
TIMEOUT = 10.0  # seconds per request (at most settings.timeout); the deadline is twice it
STOP_WAIT = 5.0
LINKS_KEPT = 4096  # Link headers kept (three formats per source)

Current = Callable[[], tuple[Settings, Sequence[Source]]]


class Hub:
    """``current()`` gives the running settings and sources (a reload changes them)."""

    def __init__(self, current: Current) -> None:
        self._current = current
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._pings: queue.SimpleQueue[tuple[str, str]] = queue.SimpleQueue()
        self._fetcher: tuple[tuple[object, ...], Fetcher] | None = None
        self._fetcher_lock = threading.Lock()
        # Link headers by feed, for the settings they were made from (asked per request).
        self._links: tuple[object, dict[tuple[str, str], str | None]] = (None, {})

    # -- the server's side -----------------------------------------------------------

    def links(self, source_id: str, fmt: str) -> str | None:
        """The Link header of a feed: its hubs and itself; None when it names no hub."""
        settings, _ = self._current()
        made_for, made = self._links
        if made_for is not settings:  # a reload: settings are replaced, never changed
            made = {}
            self._links = (settings, made)
        key = (source_id, fmt)
        link = made.get(key, "")
        if link == "":  # not made yet (the route's threads may race here: both make it)
            hubs = advertised(settings)
            link = link_header(hubs, feed_url(settings.base_url, source_id, fmt)) if hubs else None
            if len(made) >= LINKS_KEPT:
                made.clear()
            made[key] = link
        return link

    def answer(self, body: bytes, content_type: str) -> tuple[int, str]:
        """The answer to a subscription request (POST <base_url>hub): 202 when it is
        queued for verification, else the refusal and what to do."""
        settings, sources = self._current()
        if not settings.websub:
            return 404, "no WebSub hub here (settings.websub is off)"
        form = parse_form(body, content_type)
        if isinstance(form, Refusal):
            return form.status, form.reason
        now = datetime.now(UTC)
        intent = read_request(
            form,
            served=topics(settings.base_url, (source.id for source in sources)),
            now=now,
            min_lease=settings.websub_min_lease,
            allow_private=settings.allow_private_networks,
        )
        if isinstance(intent, Refusal):
            return intent.status, intent.reason
        try:
            with closing(open_state(settings)) as store:
                refusal = limit_problem(store.hub_counts(intent.topic, intent.callback, now))
                if refusal is not None:
                    return refusal.status, refusal.reason
                store.hub_request(intent)
        except FeedsError as e:
            log.error("hub: request not queued: %s", e)
            return 503, "the hub cannot take requests now; try again later"
        self._wake.set()
        log.info("hub: %s to %s by %s, to confirm", intent.mode, intent.topic, intent.callback)
        return 202, f"accepted: the hub confirms with a GET to {intent.callback}"

    # -- the service's side ----------------------------------------------------------

    def published(self, source_id: str, written: Iterable[Path]) -> None:
        """A poll changed these feed files: queue their documents for the subscribers (one
        quick write; the worker does the rest) and the pings of external hubs."""
        settings, _ = self._current()
        changed = [
            feed_url(settings.base_url, source_id, path.suffix[1:])
            for path in written
            if path.suffix[1:] in REGISTRY
        ]
        if not changed:
            return
        if settings.websub:
            try:
                with closing(open_state(settings)) as store:
                    store.hub_queue(changed, datetime.now(UTC))
            except FeedsError as e:
                log.error("hub: deliveries not queued: %s", e, extra={"source": source_id})
        for hub in settings.websub_hubs:
            for topic in changed:
                self._pings.put((hub, topic))
        self._wake.set()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="websub", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """The worker ends after the requests in flight (a hung one is left behind: its
        job is claimed, so it is taken again once the claim runs out)."""
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(STOP_WAIT)
        with self._fetcher_lock:
            if self._fetcher is not None and not (self._thread and self._thread.is_alive()):
                self._fetcher[1].close()

    # -- the worker ------------------------------------------------------------------

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                busy = self.work()
            except Exception:  # a bug must not end the hub: log it, look again later
                log.exception("hub: worker round failed")
                busy = False
            if not busy:
                self._wake.wait(IDLE)
                self._wake.clear()

    def work(self) -> bool:
        """One round: leases that ended, then requests to confirm, deliveries due and
        pings, a few at a time in parallel. Whether there was anything to do."""
        settings, sources = self._current()
        now = datetime.now(UTC)
        intents: list[HubIntent] = []
        deliveries: list[Delivery] = []
        with closing(open_state(settings)) as store:
            if store.hub_expire(now):
                log.info("hub: subscriptions whose lease ended removed")
            if settings.websub:
                intents = store.hub_claim_intents(now, now + CLAIM, BATCH)
                deliveries = store.hub_claim_deliveries(now, now + CLAIM, BATCH)
        pings: list[tuple[str, str]] = []
        while not self._pings.empty() and len(pings) < BATCH:
            pings.append(self._pings.get())
        if not (intents or deliveries or pings):
            return False
        fetcher = self._fetcher_for(settings)
        served = topics(settings.base_url, (source.id for source in sources))
        jobs: list[Callable[[], None]] = [
            *(partial(self._verify, fetcher, settings, intent) for intent in intents),
            *(partial(self._deliver, fetcher, settings, served, d) for d in deliveries),
            *(partial(self._ping, fetcher, hub, topic) for hub, topic in pings),
        ]
        with ThreadPoolExecutor(WORKERS, thread_name_prefix="websub") as pool:
            for done in [pool.submit(job) for job in jobs]:
                if done.exception() is not None:
                    log.error("hub: job failed", exc_info=done.exception())
        return True

    def _fetcher_for(self, settings: Settings) -> Fetcher:
        """One client for the worker, made again when the settings it depends on change."""
        key = (settings.user_agent, settings.timeout, settings.allow_private_networks)
        with self._fetcher_lock:
            if self._fetcher is None or self._fetcher[0] != key:
                if self._fetcher is not None:
                    self._fetcher[1].close()
                fetcher = Fetcher(
                    user_agent=settings.user_agent,
                    timeout=min(settings.timeout, TIMEOUT),
                    limits=HostLimits(settings.host_concurrency),
                    allow_private_networks=settings.allow_private_networks,
                )
                self._fetcher = (key, fetcher)
            return self._fetcher[1]

    def _verify(self, fetcher: Fetcher, settings: Settings, intent: HubIntent) -> None:
        """§5.3: the callback must echo a challenge, or nothing changes."""
        challenge = secrets.token_urlsafe(32)
        url = verification_url(intent, challenge)
        try:
            reply = fetcher.send(url, method="GET", max_bytes=REPLY_BYTES)
            ok = confirmed(reply.status, reply.body, challenge)
            why = "confirmed" if ok else f"answered {reply.status} without the challenge"
        except FetchError as e:
            ok, why = False, str(e)
        with closing(open_state(settings)) as store:
            if ok:
                store.hub_verified(intent, datetime.now(UTC))
            else:
                store.hub_forget(intent)
        level = logging.INFO if ok else logging.WARNING
        log.log(level, "hub: %s of %s to %s: %s", intent.mode, intent.callback, intent.topic, why)

    def _deliver(
        self,
        fetcher: Fetcher,
        settings: Settings,
        served: dict[str, tuple[str, str]],
        delivery: Delivery,
    ) -> None:
        """§7: the feed's current document, with its type, links and signature."""
        sub = delivery.subscription
        found = served.get(sub.topic)
        if found is None:  # the source was removed: nothing will ever come
            with closing(open_state(settings)) as store:
                store.hub_drop(sub.topic, sub.callback)
            return
        source_id, fmt = found
        reply: Reply | None = None
        try:
            body = (settings.output_dir / f"{source_id}.{fmt}").read_bytes()
            headers = {
                "Content-Type": f"{REGISTRY[fmt].media_type}; charset=utf-8",
                "Link": link_header(advertised(settings), sub.topic),
            }
            if sub.secret:
                headers["X-Hub-Signature"] = signature(sub.secret, body)
            reply = fetcher.send(sub.callback, body=body, headers=headers, max_bytes=REPLY_BYTES)
            error = None if 200 <= reply.status < 300 else f"the callback answered {reply.status}"
        except (FetchError, OSError) as e:
            error = str(e)
        self._settle(settings, delivery, reply, error)

    def _settle(
        self, settings: Settings, delivery: Delivery, reply: Reply | None, error: str | None
    ) -> None:
        sub, now = delivery.subscription, datetime.now(UTC)
        when = next_try(delivery.attempts + 1, now, sub.expires)
        with closing(open_state(settings)) as store:
            if error is None:
                store.hub_delivered(delivery, now)
                log.info("hub: %s delivered to %s", sub.topic, sub.callback)
            elif (reply is not None and reply.status == 410) or when is None:
                # §7: 410 Gone ends a subscription; a callback still failing when its lease
                # would end before the next try is dead.
                store.hub_drop(sub.topic, sub.callback)
                why = "it is gone" if when is not None else "dead until its lease's end"
                log.warning("hub: %s dropped, %s: %s", sub.callback, why, error)
            else:
                store.hub_retry(delivery, when, error)
                again = when.isoformat(timespec="seconds")
                log.warning(
                    "hub: delivery to %s failed, again at %s: %s", sub.callback, again, error
                )

    def _ping(self, fetcher: Fetcher, hub: str, topic: str) -> None:
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        try:
            reply = fetcher.send(hub, body=publish_form(topic), headers=form, trusted=True)
        except FetchError as e:
            log.warning("hub: ping of %s about %s failed: %s", hub, topic, e)
            return
        level = logging.INFO if 200 <= reply.status < 300 else logging.WARNING
        log.log(level, "hub: ping of %s about %s: %d", hub, topic, reply.status)
