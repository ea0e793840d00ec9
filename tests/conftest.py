"""Shared pytest fixtures."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime

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


# The lxml path answers a page without an author or a dated clock only when fast_absence
# proves that the bs4 path's fallbacks would find nothing there. Every page the author and date
# tests read is checked against that proof: a fallback that learns a new form (a label, a
# markup word, a credit line) fails here until fast_absence knows it too.
_PROOF_CHECKED = {
    "test_article_author_forms",
    "test_article_authors",
    "test_article_bylines",
    "test_article_dates",
    "test_article_zh_authors",
    "test_extract",
}


@pytest.fixture(autouse=True)
def _fast_absence_holds(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    module = request.module
    name = module.__name__.rsplit(".", 1)[-1]
    if name not in _PROOF_CHECKED or not hasattr(module, "extract_article"):
        return
    from feeds.extract import fast_absence, fast_article, page, page_dates
    from feeds.extract.html import parse

    real = module.extract_article

    def checked(text, url, *args, **kwargs):
        article = real(text, url, *args, **kwargs)
        try:
            root = fast_article._parse(text)
        except fast_article._Unsupported:
            return article  # never read by the lxml path
        if article.author and article.origins.get("author") != "selector":
            assert fast_absence.may_have_author(root, article.title or "", url), (
                f"fast_absence.may_have_author misses the author {article.author!r} the "
                "fallbacks find: teach it the new form"
            )
        if not fast_absence.may_have_metadata_date(root):
            soup = parse(text)
            now, tz = kwargs.get("now", datetime.now(UTC)), kwargs.get("tz", UTC)
            found = page_dates.metadata_date(
                soup, page.metas(soup), list(page.json_ld(soup)), now=now, tz=tz
            )
            assert found is None, f"fast_absence.may_have_metadata_date misses {found}"
        return article

    monkeypatch.setattr(module, "extract_article", checked)
