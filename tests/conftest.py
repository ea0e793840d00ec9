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
