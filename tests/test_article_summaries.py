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


SLOGAN = "国内领先的行业资讯平台，提供最新的市场动态、价格行情与企业服务。"


def test_the_listing_pages_description_is_read_from_its_head():
    from feeds.extract.head_meta import head_description

    page = (
        "<!doctype html><html><head><meta charset='utf-8'><title>资讯_某网</title>"
        f"<META NAME='Description' CONTENT='{SLOGAN}'></head><body><p>列表</p></body></html>"
    )
    assert head_description(page) == SLOGAN
    og = f"<html><head><meta property='og:description' content='{SLOGAN}'></head><body>"
    assert head_description(og) == SLOGAN
    assert head_description("<html><head><title>无</title></head><body></body></html>") is None
    assert head_description("<p>no head at all</p>") is None


def test_an_articles_description_the_listing_page_has_too_is_no_summary():
    # Pure: the site's description on the article page says nothing of the article, even
    # when it names no site and shares words with the story (page.site_wide misses it).
    from feeds.articles import make_item
    from feeds.config import parse_config
    from feeds.models import Article, Listed, ListingEntry

    config = parse_config(
        {"source": [{"id": "s", "urls": ["https://portal.example/news/"], "title": "S"}]}
    )
    url = "https://portal.example/1.html"
    now = datetime.now(UTC)

    def summary(found: str, site: str | None) -> str | None:
        listed = Listed("k", ListingEntry(url=url, title="题"), now, site)
        article = Article(url=url, title="题", summary=found)
        return make_item(config.sources[0], listed, article, key="k", url=url, now=now).summary

    assert summary(SLOGAN, SLOGAN) is None
    assert summary(SLOGAN[:30], SLOGAN) is None  # the site's, cut short by the CMS
    assert summary(f" {SLOGAN} ", SLOGAN.replace("，", "，\n")) is None
    own = "哈尔滨市召开会议部署冬季供暖工作，今年供暖期将于十月二十日开始。"
    assert summary(own, SLOGAN) == own
    assert summary(own, None) == own
    # Nor a short one that merely opens the site's ('资讯'): too short to tell.
    assert summary("国内领先", SLOGAN) == "国内领先"


def test_a_poll_gives_no_item_the_sites_own_description(portal, tmp_path):
    # Over real HTTP, a source with only id and url: every page of this site carries the
    # same description, which names no site and so reads like a summary on its own page.
    from helpers import feeds, read_feeds, write_config

    head = f"<head><meta charset='utf-8'><meta name='description' content='{SLOGAN}'>"
    title = "本市推进产业升级的新举措"
    links = "".join(
        f"<li><a href='/site/{n}.html'>第{n}篇：{title}</a><i>2024-12-0{n}</i></li>"
        for n in range(1, 5)
    )
    portal.route("site/", f"<html>{head}<title>资讯</title></head><body><ul>{links}</ul></body>")
    for n in range(1, 5):
        story = f"<h1>第{n}篇：{title}</h1><p>日期：2024-12-0{n}</p>{STORY}"
        portal.route(f"site/{n}.html", f"<html>{head}<title>第{n}篇</title></head>{story}")
    config = write_config(
        tmp_path, f'[[source]]\nid = "site"\nurls = ["{portal.url("site/")}"]\ntitle = "S"\n'
    )
    run = feeds("update", config=config)
    assert run.code == 0 and "4 new" in run.out, run.out
    entries = read_feeds(tmp_path / "public", "site")["json"]["items"]  # type: ignore[index]
    assert len(entries) == 4
    assert all(SLOGAN not in (e.get("summary") or "") for e in entries), entries
    assert all("供暖" in (e.get("content_html") or "") for e in entries)
