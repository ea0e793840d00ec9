"""The wiring of a run, for the CLI and the service alike: where the store is, the fetcher
with its settings, and the politeness state every fetcher of the process shares."""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable
from contextlib import closing
from datetime import UTC, datetime

from feeds.browsing import browser_options
from feeds.dburl import parse_database
from feeds.fetch import Fetcher, HostLimits
from feeds.models import RobotsAnswer, Settings
from feeds.robots import RobotsCache
from feeds.store import Backend, has_state, open_cluster, open_store


def database(settings: Settings) -> str:
    """The one place that says where the state lives: settings.database (a path or a
    postgresql:// URL, config.py fills in the default), else <data_dir>/feeds.db."""
    return settings.database or str(settings.data_dir / "feeds.db")


def is_shared(settings: Settings) -> bool:
    """Whether the state is in PostgreSQL, where several `feeds run` share the polls."""
    return parse_database(database(settings)).backend == "postgresql"


def open_state(settings: Settings) -> Backend:
    """The store of these settings, for one thread. SQLite: a connection of its own;
    PostgreSQL: a handle on the process's connection pool, so opening one per poll or per
    page costs no connection."""
    return open_store(database(settings))


def shared_politeness(
    settings: Settings, *, persist: bool = True
) -> tuple[HostLimits, RobotsCache]:
    """The host limits and robots.txt answers every fetcher of the process shares, loaded
    from the store and saved back as they change, so a restart (or the next `feeds update`
    from cron) keeps to a Retry-After and does not fetch robots.txt again. The saves come
    from fetch threads, so each opens its own short connection. ``persist=False`` (for
    `feeds check`, which writes nothing) reads what is stored and keeps the rest in memory."""
    holds: dict[str, datetime] = {}
    answers: dict[str, RobotsAnswer] = {}
    if persist or has_state(database(settings)):
        with closing(open_state(settings)) as store:
            holds = store.host_holds(datetime.now(UTC))
            answers = store.robots_answers()

    def save_hold(host: str, until: datetime) -> None:
        with closing(open_state(settings)) as store:
            store.save_host_hold(host, until)

    def save_robots(url: str, answer: RobotsAnswer) -> None:
        with closing(open_state(settings)) as store:
            store.save_robots(url, answer)

    limits = HostLimits(
        settings.host_concurrency,
        settings.host_interval,
        holds=holds,
        on_hold=save_hold if persist else None,
        # On PostgreSQL the instances keep to each host's limits together (issue 16); the
        # handle borrows a pooled connection per call, so the fetch threads may share it.
        cluster=open_cluster(database(settings)) if persist and is_shared(settings) else None,
        patience=2 * settings.timeout,  # the request deadline (Fetcher.deadline)
        # A killed instance's slots lapse within two heartbeats, as its polls are retried.
        lease=2 * settings.heartbeat,
    )
    return limits, RobotsCache(answers, on_answer=save_robots if persist else None)


def open_fetcher(
    settings: Settings,
    politeness: tuple[HostLimits, RobotsCache] | None = None,
    on_fetch: Callable[[str, int, float, int], None] | None = None,
) -> Fetcher:
    """The fetcher of a run, with the settings' identity, timeouts and address policy."""
    limits, robots = politeness or shared_politeness(settings)
    return Fetcher(
        user_agent=settings.user_agent,
        timeout=settings.timeout,
        limits=limits,
        robots=robots,
        allow_private_networks=settings.allow_private_networks,
        on_fetch=on_fetch,
        browser=browser_options(settings),
    )


# glibc's mallopt parameter for the number of malloc arenas (malloc.h: M_ARENA_MAX).
_M_ARENA_MAX = -8


def fewer_malloc_arenas(arenas: int = 2) -> bool:
    """Let the threads of `feeds run` share ``arenas`` malloc arenas. glibc gives every thread
    that allocates an arena of its own (up to 8 per core); the poll threads parse pages in
    turn, and what each frees stays in its arena, so the service grew by arenas, not by
    data (issue 19: 200 sources after one round, 99 MB resident with the default, 74 MB
    with two). Called before any thread starts; False where the C library is not glibc."""
    import ctypes

    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # musl, macOS: their allocators need no such help
        return False
    return bool(mallopt(_M_ARENA_MAX, arenas))


def free_memory() -> None:
    """Called by `feeds run` after each poll. What the poll left in reference cycles (parsed
    pages, responses) is collected now, not on the cyclic GC's own schedule; then the free
    pages of the C heap go back to the system: glibc keeps what the parsers freed, and
    returns it only from the top of the heap by itself (issue 19: 200 sources, about 3 MB of
    82 after one round)."""
    gc.collect()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    import ctypes  # only `feeds run` needs it: an idle `feeds update` does not load it

    try:
        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # musl, macOS: nothing to trim this way
        return None
