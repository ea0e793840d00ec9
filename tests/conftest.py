"""Shared pytest fixtures."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from portal import Article, SamplePortal

# --- sample portal (tests/portal.py) ---------------------------------------------------------


@pytest.fixture
def portal() -> Iterator[SamplePortal]:
    """The sample Destoon portal with its 25 default articles, serving on 127.0.0.1."""
    with SamplePortal() as server:
        yield server


@pytest.fixture
def portal_factory() -> Iterator[Callable[..., SamplePortal]]:
    """Start portals with other articles or page sizes; all are stopped after the test."""
    started: list[SamplePortal] = []

    def make(articles: list[Article] | None = None, per_page: int = 10) -> SamplePortal:
        server = SamplePortal(articles, per_page=per_page)
        server.start()
        started.append(server)
        return server

    yield make
    for server in started:
        server.stop()


# --- end of sample portal --------------------------------------------------------------------


# --- PostgreSQL (tests/pg.py) ----------------------------------------------------------------


@pytest.fixture(scope="session")
def pg_databases() -> Iterator[object]:
    """The run's PostgreSQL databases; skips (fails in CI) when no server answers."""
    from pg import Databases, require_server

    require_server()
    databases = Databases()
    yield databases
    databases.drop_all()


@pytest.fixture
def pg_url(pg_databases) -> Iterator[str]:
    """A fresh empty PostgreSQL database for one test; its pools are closed after it."""
    from feeds.store.postgres import close_pools

    yield pg_databases.create()
    close_pools()
