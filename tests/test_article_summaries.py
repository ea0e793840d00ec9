"""Article summaries: the site's own meta description (the same on every page) is never an
article's summary (issue 15, part 3)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from feeds.config import ArticleRules
from feeds.extract.article import extract_article

NOW = datetime(2024, 12, 14, 2, 0, tzinfo=UTC)
STORY = (
    "<p>哈尔滨市今天召开会议，部署冬季供暖工作，要求各供热企业确保居民室温达标。</p>"
    "<p>会议指出，今年供暖期将于十月二十日开始，比往年提前五天，各区要做好准备。</p>"
) * 3


def summary_of(title: str, description: str, body: str = STORY) -> str | None:
    html = (
        f"<html><head><title>{title}</title><meta name='description' content='{description}'>"
        f"</head><body><h1>{title.split('_')[0]}</h1><div class='content'>{body}</div>"
        "</body></html>"
    )
    url = "https://www.shjnet.cn/news/1.html"
    page = extract_article(html, url, ArticleRules(), now=NOW, tz=ZoneInfo("Asia/Shanghai"))
    return page.summary


def test_the_sites_description_is_not_the_articles_summary():
    site = "松花江网，是经国家互联网信息办公室批准的哈尔滨地区重点新闻网站，提供本地资讯与服务。"
    assert summary_of("哈尔滨部署冬季供暖工作_松花江网", site) is None


def test_the_articles_own_description_is_kept():
    own = "哈尔滨市召开会议部署冬季供暖工作，今年供暖期将于十月二十日开始。"
    assert summary_of("哈尔滨部署冬季供暖工作_松花江网", own) == own
    # Naming the site is no fault when the rest is the article's.
    named = "松花江网讯 哈尔滨市召开会议部署冬季供暖工作，今年供暖期提前五天开始。"
    assert summary_of("哈尔滨部署冬季供暖工作_松花江网", named) == named


def test_site_wide_descriptions_by_their_words():
    from feeds.extract.page import site_wide

    article = "Strava update adds points of interest to the route builder for cyclists. " * 8
    assert site_wide("nachtkritik.de - das unabhängige Theaterportal", article, {"nachtkritik"})
    assert site_wide("Nachrichten und Luftfahrtinformationen", article, set())
    assert not site_wide("Strava adds points of interest to routes", article, {"strava"})
    assert not site_wide("Ein Bericht über neue Karten und Wege", article, set())
