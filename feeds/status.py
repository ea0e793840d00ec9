"""What the service shows about each source: config + stored status + next poll (pure)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

from feeds.formats import FORMATS, feed_url
from feeds.models import Source, SourceStatus


@dataclass(frozen=True)
class SourceView:
    id: str
    title: str
    home_url: str
    every: int  # seconds between polls
    feed_urls: dict[str, str]  # format -> public URL
    state: str  # "ok", "degraded", "failing" or "pending" (never polled)
    last_attempt: datetime | None
    last_success: datetime | None
    last_error: str | None
    consecutive_failures: int
    next_poll: datetime | None
    items_published: int
    items_seen: int
    last_new: int
    degraded: str | None = None  # what the operator should fix, when state is "degraded"
    polled_by: str | None = None  # the process (`host:pid`) of the last poll (issue 16)


def source_view(
    source: Source,
    status: SourceStatus | None,
    next_poll: datetime | None,
    base_url: str,
) -> SourceView:
    failures = status.consecutive_failures if status else 0
    if status is None or status.last_attempt is None:
        state = "pending"
    elif failures:
        state = "failing"
    elif status.degraded:
        state = "degraded"
    else:
        state = "ok"
    return SourceView(
        id=source.id,
        title=source.title,
        home_url=source.urls[0],
        every=source.every,
        feed_urls={fmt: feed_url(base_url, source.id, fmt) for fmt in FORMATS},
        state=state,
        last_attempt=status.last_attempt if status else None,
        last_success=status.last_success if status else None,
        last_error=status.last_error if status else None,
        consecutive_failures=failures,
        next_poll=next_poll,
        items_published=status.items_published if status else 0,
        items_seen=status.items_seen if status else 0,
        last_new=status.last_new if status else 0,
        degraded=status.degraded if status else None,
        polled_by=status.polled_by if status else None,
    )


def source_views(
    sources: Sequence[Source],
    base_url: str,
    statuses: Mapping[str, SourceStatus],
    next_polls: Mapping[str, datetime],
) -> list[SourceView]:
    return [source_view(s, statuses.get(s.id), next_polls.get(s.id), base_url) for s in sources]


@dataclass(frozen=True)
class InstanceView:
    """One `feeds run` of those sharing a PostgreSQL database (issue 16), as its heartbeat
    says: ``age`` is seconds since that heartbeat by the database's clock (one clock for
    instances on several machines)."""

    name: str  # host:pid
    this: bool  # the instance answering
    heartbeat: datetime
    age: float
    polls: int  # polls this instance ran since it started
    same_config: bool  # its config file is this one's, byte for byte


def shows_poller(views: Sequence[SourceView], instances: Sequence[InstanceView]) -> bool:
    """Whether the index page names the instance that polled each source: when several
    instances are heard from, or the last polls name more than one process (a cluster, or
    a single process restarted); one process that did every poll looks as it always did."""
    return len(instances) > 1 or len({v.polled_by for v in views} - {None}) > 1


@dataclass(frozen=True)
class RefusedConfig:
    """A changed config file that the service refused to load: it runs the one it had."""

    since: datetime  # the first refusal since the last config that loaded
    problems: tuple[str, ...]  # every problem, as `feeds config` prints them


class ServiceState(Protocol):
    """What the HTTP server reads from the running service; the scheduler implements it.

    Every call returns the current truth: a config reload changes the sources and folders.
    """

    def views(self) -> list[SourceView]:
        """One view per configured source, in config order."""
        ...

    def intervals(self) -> dict[str, int]:
        """Source id -> seconds between polls, from the config alone (cheap: no store read)."""
        ...

    def output_dir(self) -> Path:
        """Where the feed files are (``settings.output_dir``)."""
        ...

    def base_url(self) -> str:
        """``settings.base_url``, ending in '/'."""
        ...

    def metrics_text(self) -> str:
        """The Prometheus text of the service's counters."""
        ...

    def healthy(self) -> bool:
        """False when the scheduler has stopped."""
        ...

    def instances(self) -> list[InstanceView]:
        """The `feeds run` instances sharing a PostgreSQL database (issue 16), this one
        first: name (host:pid), last heartbeat, polls, whether its config file is this
        one's byte for byte; empty for one process on SQLite."""
        ...

    def refused_config(self) -> RefusedConfig | None:
        """Why the config file on disk is not the running one; None when it is."""
        ...


class HubFace(Protocol):
    """What the server asks of the WebSub hub (``feeds.hub.Hub``), when the service has one."""

    def links(self, source_id: str, fmt: str) -> str | None:
        """A feed's HTTP Link header (its hubs and itself), or None when it names no hub."""
        ...

    def answer(self, body: bytes, content_type: str) -> tuple[int, str]:
        """The status and text answering a subscription request (POST /hub)."""
        ...
