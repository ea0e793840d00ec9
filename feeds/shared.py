"""What the `feeds run` instances sharing a PostgreSQL database tell each other besides the
polls (issue 16), once a second on a thread of each: the feed files the others published,
copied into this instance's ``output_dir`` (same bytes, so the same ETags, gzip and 304s),
their Retry-After holds and the robots.txt answers saved since the last look (not every
host's: that cost would grow with the hosts), and a heartbeat with this instance's config
digest and polls, which the status page lists for the whole cluster."""

from __future__ import annotations

import hashlib
import logging
import os
import socket
import threading
from collections.abc import Callable
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from feeds.app import database, open_state
from feeds.errors import FeedsError
from feeds.fetch import HostLimits
from feeds.models import Settings
from feeds.output import mirror
from feeds.robots import RobotsCache
from feeds.store import open_cluster

# The status page's view of the instances: only `feeds run` shows them; `feeds update` comes
# here for instance_name alone and must not load it (issue 19).
if TYPE_CHECKING:
    from feeds.status import InstanceView

log = logging.getLogger("feeds")

EVERY_SECONDS = 1.0
# Feed files are re-read this far back: a slower transaction may commit an earlier time
# after a later one has been read.
OVERLAP = timedelta(seconds=10)


def config_digest(path: Path) -> str:
    """The config file's bytes, hashed: instances with different files show it."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    except OSError:
        return "unreadable"


def instance_name() -> str:
    """This process as the store names it (``host:pid``): the instance that polled a
    source (recorded with each poll, `feeds update`'s too), and the name its heartbeat
    gives the other instances of a cluster."""
    return f"{socket.gethostname()}:{os.getpid()}"


class Peers:
    """``state()`` gives the running settings, the config file and this process's
    politeness state (a reload replaces them); ``polled[0]`` counts this instance's polls."""

    def __init__(
        self,
        state: Callable[[], tuple[Settings, Path, HostLimits, RobotsCache]],
        polled: list[int],
    ) -> None:
        self._state = state
        self._polled = polled
        self.name = instance_name()
        self._since = datetime.fromtimestamp(0, UTC)
        self._robots_marker = -1  # robots.txt answers are read by what changed since
        self.robots_read = 0  # rows of robots.txt answers read so far (their cost)

    def run(self, stopping: threading.Event) -> None:
        while not stopping.wait(EVERY_SECONDS):
            try:
                self.exchange()
            except FeedsError as e:
                log.error("news of the other instances not read: %s", e)

    def exchange(self) -> None:
        settings, path, limits, robots = self._state()
        with closing(open_cluster(database(settings))) as store:
            store.beat(self.name, config_digest(path), self._polled[0])
            docs = store.feed_docs_since(self._since - OVERLAP)
            limits.learn(store.host_holds(datetime.now(UTC)))
            answers, self._robots_marker = store.robots_since(self._robots_marker)
        self.robots_read += len(answers)
        robots.learn(answers)
        for name, body, when in docs:
            mirror(settings.output_dir, name, body, when)
            self._since = max(self._since, when)

    def instances(self) -> list[InstanceView]:
        """Every instance heard from within three heartbeats, this one first."""
        from feeds.status import InstanceView

        settings, path, _, _ = self._state()
        with closing(open_state(settings)) as store:
            rows = store.instances(3 * settings.heartbeat)
        digest = config_digest(path)
        found = [
            InstanceView(name, name == self.name, heartbeat, age, polls, theirs == digest)
            for name, theirs, heartbeat, polls, age in rows
        ]
        return sorted(found, key=lambda row: not row.this)
