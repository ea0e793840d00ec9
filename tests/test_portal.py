"""Sanity tests of the sample portal the other tests poll (tests/portal.py)."""

from __future__ import annotations

import re
import threading
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from bs4 import BeautifulSoup, Tag
from portal import CHINA_TZ, SamplePortal, relative_label
from portal_content import (
    AI_IDS,
    ARTICLES,
    ARTICLES_BY_ID,
    DATE_ONLY_IDS,
    GBK_ONLY_ID,
    NO_AUTHOR_IDS,
    OTHER_IDS,
)

SEED = Path("/work/shared/seed/article-6894.txt")
ARTICLE_ID = re.compile(r"/news/(\d+)\.html")


_CLIENT = httpx.Client(timeout=5)  # one client: httpx.get() builds an SSL context per call


def get(url: str) -> httpx.Response:
    return _CLIENT.get(url)


def soup_of(response: httpx.Response, encoding: str = "utf-8") -> BeautifulSoup:
    return BeautifulSoup(response.content.decode(encoding), "html.parser")


def items(soup: BeautifulSoup) -> list[Tag]:
    return [li for li in soup.select("div.catlist li") if "sp" not in (li.get("class") or [])]


def article_id(href: str) -> int:
    match = ARTICLE_ID.search(urlsplit(href).path)
    assert match, href
    return int(match.group(1))


def entries(soup: BeautifulSoup) -> list[Tag]:
    """The items of a redesigned listing (``portal.redesign``)."""
    return soup.select(NEW_ITEM)


NEW_ITEM = "section.news-feed article.entry"
NEW_LINK = "h3.entry-title a"
NEW_DATE = "time.entry-date"
NEW_NEXT = "nav.pager a.pager-next[rel=next]"


def crawl(
    portal: SamplePortal,
    start: str = "news/",
    next_selector: str = "div.pages a.next",
    encoding: str = "utf-8",
) -> list[BeautifulSoup]:
    pages, url = [], portal.url(start)
    while url:
        response = get(url)
        assert response.status_code == 200, url
        soup = soup_of(response, encoding)
        pages.append(soup)
        next_link = soup.select_one(next_selector)
        url = str(next_link["href"]) if next_link else ""
        assert len(pages) < 20, "the a.next chain must end"
    return pages


# --- the model ------------------------------------------------------------------------------


def test_default_articles() -> None:
    ids = [a.id for a in ARTICLES]
    assert len(ids) == 25 and ids == sorted(ids, reverse=True)
    assert min(ids) >= 6880 and max(ids) <= 6905
    dates = [a.published for a in ARTICLES]
    assert dates == sorted(dates, reverse=True) and len(set(dates)) == len(dates)
    assert len(OTHER_IDS) == 6 and set(ids) == AI_IDS | OTHER_IDS
    assert DATE_ONLY_IDS and NO_AUTHOR_IDS and 6894 in DATE_ONLY_IDS
    seed = ARTICLES_BY_ID[6894]
    assert seed.title == "全球最大超算中心开始运转,马斯克的 AI 野心显露"
    assert seed.author == "qeexh" and seed.day == "2024-12-06" and not seed.has_time
    assert "镕" in ARTICLES_BY_ID[GBK_ONLY_ID].title


@pytest.mark.skipif(not SEED.exists(), reason="the seed text is not on this machine")
def test_seed_article_is_verbatim() -> None:
    text = SEED.read_text(encoding="utf-8")
    seed = ARTICLES_BY_ID[6894]
    assert f"核心提示:{seed.summary}" in text
    for paragraph in seed.paragraphs:
        assert paragraph in text


@pytest.mark.parametrize(
    ("when", "label"),
    [
        (datetime(2024, 12, 20, 14, 59, 40), "刚刚"),
        (datetime(2024, 12, 20, 14, 57), "3分钟前"),
        (datetime(2024, 12, 20, 13, 0), "2小时前"),
        (datetime(2024, 12, 19, 9, 27), "昨天 09:27"),
        (datetime(2024, 12, 5, 10, 23), "12-05 10:23"),
        (datetime(2023, 12, 5, 10, 23), "2023-12-05 10:23"),
    ],
)
def test_relative_label(when: datetime, label: str) -> None:
    now = datetime(2024, 12, 20, 15, 0, tzinfo=CHINA_TZ)
    assert relative_label(when.replace(tzinfo=CHINA_TZ), now) == label


# --- pages ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "",
        "news/",
        "news/list-1.html",
        "news/list-2.html",
        "news/list-3.html",
        "news/6894.html",
        "news/6894.html?utm_source=list",
        "mobile/news/",
        "mobile/news/6894.html",
        "gbk/news/",
        "gbk/news/6897.html",
        "gbk/mobile/news/6897.html",
        "lying/news/list-2.html",
        "lying/news/6880.html",
        "relative/news/",
        "relative/news/6904.html",
    ],
)
def test_pages_answer(portal: SamplePortal, path: str) -> None:
    response = get(portal.url(path))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html; charset=")
    assert b"</html>" in response.content


@pytest.mark.parametrize(
    "path",
    [
        "nowhere.html",
        "news/list-4.html",
        "news/list-0.html",
        "news/1.html",
        "news/6894.htm",
        "skin/default/style.css",
        "file/script/config.js",
        "feed/",
        "gbk/news/1.html",
    ],
)
def test_unknown_paths_are_404_pages(portal: SamplePortal, path: str) -> None:
    response = get(portal.url(path))
    assert response.status_code == 404
    assert "404 Not Found" in response.text


def test_images(portal: SamplePortal) -> None:
    soup = soup_of(get(portal.url("news/6894.html")))
    content = soup.select_one("div#content")
    assert content is not None
    first, lazy = content.select("img")[:2]
    assert get(portal.url(str(first["src"]))).headers["content-type"] == "image/jpeg"
    assert get(portal.url(str(lazy["data-src"]))).headers["content-type"] == "image/png"
    assert get(portal.url(str(lazy["src"]))).headers["content-type"] == "image/gif"


# --- listing --------------------------------------------------------------------------------


def test_listing_chain_and_items(portal: SamplePortal) -> None:
    pages = crawl(portal)
    assert len(pages) == 3
    seen: list[int] = []
    for number, soup in enumerate(pages, start=1):
        rows = items(soup)
        distinct = list(dict.fromkeys(article_id(str(li.a["href"])) for li in rows if li.a))
        assert len(distinct) == (10 if number < 3 else 5)
        assert len(rows) == len(distinct) + (1 if number == 2 else 0)
        for li in rows:
            date, link = li.find("i"), li.find("a")
            assert date is not None and link is not None
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", date.get_text())
            assert str(link["href"]).startswith(portal.base_url)
            assert link["title"] == ARTICLES_BY_ID[article_id(str(link["href"]))].title
            assert link["target"] == "_blank"
        seen += [
            article_id(str(li.a["href"])) for li in rows if li.a and "/mobile/" not in li.a["href"]
        ]
    assert seen == [a.id for a in ARTICLES]  # newest first, nothing lost, nothing twice


def test_listing_spacers_and_pagination(portal: SamplePortal) -> None:
    soup = soup_of(get(portal.url("news/")))
    lis = soup.select("div.catlist > ul > li")
    assert [i for i, li in enumerate(lis) if li.get("class") == ["sp"]] == [5, 11]
    pages = soup.select_one("div.pages")
    assert pages is not None
    numbers = [a.get_text(strip=True) for a in pages.select("a:not(.next)")]
    assert numbers == ["2", "3"]
    assert pages.select_one("a.next")["href"] == portal.url("news/list-2.html")  # type: ignore[index]
    last = soup_of(get(portal.url("news/list-3.html")))
    assert last.select_one("div.pages a.next") is None
    assert last.select_one("div.pages") is not None


def test_listing_identity_quirks(portal: SamplePortal) -> None:
    first = [str(li.a["href"]) for li in items(soup_of(get(portal.url("news/")))) if li.a]
    assert [h for h in first if "?" in h] == [portal.url("news/6902.html?utm_source=list")]
    second = [str(li.a["href"]) for li in items(soup_of(get(portal.url("news/list-2.html"))))]
    # page 2 lists one of its articles twice: at the top through its mobile URL, then in place
    twice = ARTICLES[13].id
    assert second[0] == portal.url(f"mobile/news/{twice}.html")
    assert second[4] == portal.url(f"news/{twice}.html")
    assert all("/mobile/" not in h for h in second[1:])
    truncated = [li.a for li in items(soup_of(get(portal.url("news/")))) if li.a]
    assert any(a.get_text().endswith("...") and a["title"] != a.get_text() for a in truncated)


def test_listing_chrome(portal: SamplePortal) -> None:
    soup = soup_of(get(portal.url("news/")))
    titles = [s.get_text(strip=True) for s in soup.select("div.side .side_head strong")]
    assert {"相关文章", "点击排行", "推荐图文"} <= set(titles)
    side_links = [str(a["href"]) for a in soup.select("div.side a[href]")]
    assert any(ARTICLE_ID.search(h) for h in side_links)
    assert any("/sell/" in h or "/com/" in h for h in side_links)
    assert soup.select("#menu li") and soup.select_one("div.nav")
    assert soup.title is not None and soup.title.get_text() == "资讯_企库往"
    text = re.sub(r"\s+", " ", soup.get_text(" "))
    assert "推广 热搜: page 关键词" in text and "RSS订阅 | 违规举报 | 鄂ICP备2020018471号" in text


# --- article pages --------------------------------------------------------------------------


def test_seed_article_page(portal: SamplePortal) -> None:
    response = get(portal.url("news/6894.html"))
    soup = soup_of(response)
    seed = ARTICLES_BY_ID[6894]
    assert soup.title is not None and soup.title.get_text() == f"{seed.title}_企库往"
    assert soup.select_one("h1#title").get_text() == seed.title  # type: ignore[union-attr]
    assert soup.select_one('meta[name="keywords"]') and soup.select_one('meta[name="description"]')
    assert not soup.select('link[rel="canonical"]')
    info = soup.select_one("div.info").get_text()  # type: ignore[union-attr]
    assert info.startswith("日期：2024-12-06\xa0") and "作者：qeexh\xa0\xa0caijiyuan" in info
    assert "来源" not in info and f"/mobile/news/{seed.id}.html" in info
    introduce = soup.select_one("div.introduce").get_text()  # type: ignore[union-attr]
    assert introduce == f"核心提示：{seed.summary}"
    content = soup.select_one("div#content")
    assert content is not None
    texts = [p.get_text() for p in content.find_all("p", recursive=False) if p.get_text()]
    assert texts[: len(seed.paragraphs)] == seed.paragraphs
    images = content.find_all("img")
    assert str(images[0]["src"]).startswith("/file/upload/") and images[0].has_attr("onclick")
    assert images[1]["src"] == "/skin/loading.gif"
    assert str(images[1]["data-src"]).startswith("/file/upload/")
    assert content.find("script") is not None
    relative = [a for a in content.find_all("a") if not str(a["href"]).startswith("http")]
    assert relative and re.fullmatch(r"\d+\.html", str(relative[0]["href"]))
    tips = soup.select("div.content_tip")
    assert tips[0].get_text().startswith(f"本文地址：{portal.url('news/6894.html')}")
    assert tips[1].get_text().startswith("特别提示：")
    assert soup.select("div.keytags a")
    titles = {s.get_text(strip=True) for s in soup.select("div.side .side_head strong")}
    assert {"相关文章", "最新动态", "推荐图文", "最新资讯", "点击排行"} <= titles
    assert "同类最新资讯" in soup.get_text() and "相关评论" in soup.get_text()
    text = re.sub(r"\s+", " ", soup.get_text(" "))
    assert "推广 热搜: page 关键词" in text and "RSS订阅 | 违规举报 | 鄂ICP备2020018471号" in text


@pytest.mark.parametrize("article", ARTICLES, ids=lambda a: str(a.id))
def test_info_line(portal: SamplePortal, article) -> None:
    soup = soup_of(get(portal.url(f"news/{article.id}.html")))
    info = soup.select_one("div.info").get_text()  # type: ignore[union-attr]
    date = article.date if article.has_time else article.day
    assert info.startswith(f"日期：{date}\xa0")
    assert ("作者：" in info) == (article.author is not None)
    if article.author:
        assert f"作者：{article.author}" in info
    if article.source:
        assert f"来源：{article.source}" in info
    assert re.search(r"浏览：\d+\xa0\xa0评论：0", info)


def test_article_page_sizes(portal: SamplePortal) -> None:
    for article in ARTICLES:
        for prefix in ("", "gbk/", "lying/", "relative/"):
            size = len(get(portal.url(f"{prefix}news/{article.id}.html")).content)
            assert 30_000 <= size <= 60_000, (prefix, article.id, size)


def test_hits_change_on_every_request(portal: SamplePortal) -> None:
    def hits() -> int:
        soup = soup_of(get(portal.url("news/6890.html")))
        return int(soup.select_one("span#hits").get_text())  # type: ignore[union-attr]

    first, second = hits(), hits()
    assert second == first + 1


def test_mobile_page(portal: SamplePortal) -> None:
    soup = soup_of(get(portal.url("mobile/news/6894.html")))
    seed = ARTICLES_BY_ID[6894]
    assert soup.select_one("div.title").get_text() == seed.title  # type: ignore[union-attr]
    assert soup.select_one("h1#title") is None and soup.select_one("div#content") is None
    assert not soup.select('link[rel="canonical"]')
    texts = [p.get_text() for p in soup.select("div.content p")]
    assert texts == seed.paragraphs


# --- variants -------------------------------------------------------------------------------


def test_gbk_variant_is_real_gbk(portal: SamplePortal) -> None:
    response = get(portal.url(f"gbk/news/{GBK_ONLY_ID}.html"))
    assert response.headers["content-type"] == "text/html; charset=gbk"
    title = ARTICLES_BY_ID[GBK_ONLY_ID].title
    assert title.encode("gbk") in response.content
    with pytest.raises(UnicodeDecodeError):
        response.content.decode("utf-8")
    with pytest.raises(UnicodeDecodeError):
        response.content.decode("gb2312")
    soup = soup_of(response, "gbk")
    assert soup.select_one('meta[charset="gbk"]') is not None
    assert soup.select_one("h1#title").get_text() == title  # type: ignore[union-attr]
    listing = get(portal.url("gbk/news/"))
    hrefs = [str(li.a["href"]) for li in items(soup_of(listing, "gbk")) if li.a]
    assert hrefs[0] == portal.url(f"gbk/news/{ARTICLES[0].id}.html")


def test_lying_variant_is_utf8_declared_gb2312(portal: SamplePortal) -> None:
    response = get(portal.url("lying/news/6894.html"))
    assert response.headers["content-type"] == "text/html; charset=gb2312"
    text = response.content.decode("utf-8")  # strict: really UTF-8
    assert '<meta charset="gb2312"/>' in text
    assert ARTICLES_BY_ID[6894].title in text
    assert response.content.decode("gb2312", errors="replace") != text
    hrefs = [str(li.a["href"]) for li in items(soup_of(get(portal.url("lying/news/")))) if li.a]
    assert all(h.startswith(portal.url("lying/news/")) for h in hrefs)


def test_relative_variant_with_fixed_clock(portal: SamplePortal) -> None:
    portal.clock = lambda: datetime(2024, 12, 20, 15, 0, tzinfo=CHINA_TZ)
    stamps = [li.i.get_text() for li in items(soup_of(get(portal.url("relative/news/")))) if li.i]
    assert stamps[:5] == ["刚刚", "3分钟前", "2小时前", "昨天 09:27", "12-18 14:05"]
    assert all(re.fullmatch(r"\d{2}-\d{2} \d{2}:\d{2}", s) for s in stamps[4:])
    page = soup_of(get(portal.url(f"relative/news/{ARTICLES[0].id}.html")))
    info = page.select_one("div.info").get_text()  # type: ignore[union-attr]
    assert info.startswith("日期：2024-12-20 14:59")


def test_relative_variant_with_real_clock(portal: SamplePortal) -> None:
    stamps = [li.i.get_text() for li in items(soup_of(get(portal.url("relative/news/")))) if li.i]
    assert stamps[0] == "刚刚" and stamps[1] == "3分钟前" and stamps[3] == "昨天 09:27"


# --- the redesign ---------------------------------------------------------------------------

LISTING_PAGES = ["news/", "news/list-2.html", "news/list-3.html"]
VARIANT_PREFIXES = [("", "utf-8"), ("gbk/", "gbk"), ("lying/", "utf-8"), ("relative/", "utf-8")]


def classic_links(soup: BeautifulSoup) -> list[tuple[str, str]]:
    return [(str(li.a["href"]), str(li.a["title"])) for li in items(soup) if li.a]


def new_links(soup: BeautifulSoup) -> list[tuple[str, str]]:
    links = [entry.select_one(NEW_LINK) for entry in entries(soup)]
    return [(str(a["href"]), str(a["title"])) for a in links if a is not None]


@pytest.mark.parametrize(("prefix", "encoding"), VARIANT_PREFIXES)
def test_redesign_lists_the_same_links_in_the_same_order(
    portal: SamplePortal, prefix: str, encoding: str
) -> None:
    portal.clock = lambda: datetime(2024, 12, 20, 15, 0, tzinfo=CHINA_TZ)
    classic = [classic_links(s) for s in crawl(portal, f"{prefix}news/", encoding=encoding)]
    portal.redesign = True
    redesigned = [
        new_links(s) for s in crawl(portal, f"{prefix}news/", NEW_NEXT, encoding=encoding)
    ]
    assert len(classic) == len(redesigned) == 3
    assert redesigned == classic  # same URLs (quirks included), same titles, same order
    hrefs = [href for page in redesigned for href, _ in page]
    assert portal.url(f"{prefix}news/6902.html?utm_source=list") in hrefs
    assert hrefs[10] == portal.url(f"{prefix}mobile/news/{ARTICLES[13].id}.html")
    assert all(h.startswith(portal.url(prefix)) for h in hrefs)


@pytest.mark.parametrize(("prefix", "encoding"), VARIANT_PREFIXES)
@pytest.mark.parametrize("page", LISTING_PAGES)
def test_redesign_breaks_the_classic_selectors(
    portal: SamplePortal, prefix: str, encoding: str, page: str
) -> None:
    portal.redesign = True
    response = get(portal.url(prefix + page))
    assert response.status_code == 200
    charset = {"gbk/": "gbk", "lying/": "gb2312"}.get(prefix, "utf-8")
    assert response.headers["content-type"] == f"text/html; charset={charset}"
    soup = soup_of(response, encoding)
    assert soup.select("div.catlist li") == [] and soup.select("div.catlist") == []
    assert soup.select_one("div.pages a.next") is None and soup.select_one("div.pages") is None
    assert soup.select("div.side") == [] and soup.select("#menu li") == []
    assert soup.select_one("div.nav") is None and soup.select("li.sp") == []
    assert entries(soup)  # the articles are there, in the new markup


def test_redesign_new_selectors(portal: SamplePortal) -> None:
    portal.redesign = True
    pages = crawl(portal, next_selector=NEW_NEXT)
    counts = [len(entries(soup)) for soup in pages]
    assert counts == [portal.per_page, portal.per_page + 1, 5]
    seen: list[int] = []
    for soup in pages:
        for entry in entries(soup):
            link, date = entry.select_one(NEW_LINK), entry.select_one(NEW_DATE)
            assert link is not None and date is not None
            article = ARTICLES_BY_ID[article_id(str(link["href"]))]
            assert link["title"] == article.title and link["target"] == "_blank"
            assert link.get_text() == article.title or link.get_text().endswith("...")
            assert date.get_text() == article.date
            assert date["datetime"] == article.published.isoformat()
            if "/mobile/" not in str(link["href"]):
                seen.append(article.id)
    assert seen == [a.id for a in ARTICLES]
    first = pages[0]
    pager = first.select_one("nav.pager")
    assert pager is not None
    assert [a.get_text() for a in pager.select("a.pager-num")] == ["2", "3"]
    assert pager.select_one("[aria-current=page]").get_text() == "1"  # type: ignore[union-attr]
    assert pager.select_one(NEW_NEXT)["href"] == portal.url("news/list-2.html")  # type: ignore[index]
    assert pages[1].select_one("nav.pager a.pager-prev[rel=prev]") is not None
    assert pages[2].select_one(NEW_NEXT) is None and pages[2].select_one("nav.pager")
    # separators between groups of five are no items
    assert len(first.select("section.news-feed > *")) > portal.per_page


def test_redesign_relative_dates(portal: SamplePortal) -> None:
    portal.clock = lambda: datetime(2024, 12, 20, 15, 0, tzinfo=CHINA_TZ)
    portal.redesign = True
    dates = [e.select_one(NEW_DATE) for e in entries(soup_of(get(portal.url("relative/news/"))))]
    stamps = [d.get_text() for d in dates if d is not None]
    assert stamps[:5] == ["刚刚", "3分钟前", "2小时前", "昨天 09:27", "12-18 14:05"]
    assert [d["datetime"] for d in dates[:2] if d is not None] == [
        "2024-12-20T14:59:40+08:00",
        "2024-12-20T14:57:00+08:00",
    ]


def test_redesign_is_a_full_page(portal: SamplePortal) -> None:
    paths = [p + page for p in ("", "gbk/", "lying/", "relative/") for page in LISTING_PAGES]
    classic = [len(get(portal.url(path)).content) for path in paths]
    portal.redesign = True
    for path, before in zip(paths, classic, strict=True):
        size = len(get(portal.url(path)).content)  # as heavy as the classic page, give or take
        assert 25_000 <= size <= 60_000 and abs(size - before) < before * 0.1, (path, size)
    soup = soup_of(get(portal.url("news/")))
    assert soup.title is not None and soup.title.get_text() == "资讯_企库往"
    assert soup.select("header.site-header nav.main-nav li") and soup.select_one("nav.crumbs")
    titles = [h.get_text(strip=True) for h in soup.select("aside section.widget h4")]
    assert {"相关文章", "点击排行", "推荐图文", "推荐企业", "最新供应"} <= set(titles)
    side_links = [str(a["href"]) for a in soup.select("aside a[href]")]
    assert any(ARTICLE_ID.search(h) for h in side_links)
    assert any("/sell/" in h for h in side_links) and any("/com/" in h for h in side_links)
    assert soup.select_one("footer.site-footer") is not None
    text = re.sub(r"\s+", " ", soup.get_text(" "))
    assert "推广 热搜: page 关键词" in text and "鄂ICP备2020018471号" in text
    mobile = soup_of(get(portal.url("mobile/news/")))
    assert len(entries(mobile)) == portal.per_page and mobile.select_one("div.pages") is None
    assert mobile.select_one(NEW_NEXT)["href"] == portal.url("mobile/news/list-2.html")  # type: ignore[index]


def test_redesign_flips_while_running(portal: SamplePortal) -> None:
    def listing() -> BeautifulSoup:
        return soup_of(get(portal.url("news/")))

    classic = listing()
    assert len(items(classic)) == portal.per_page and not entries(classic)
    portal.redesign = True
    redesigned = listing()
    assert not items(redesigned) and len(entries(redesigned)) == portal.per_page
    assert new_links(redesigned) == classic_links(classic)
    article = soup_of(get(portal.url("news/6894.html")))  # article pages keep their template
    assert article.select_one("h1#title") and article.select_one("div#content")
    portal.redesign = False
    back = listing()
    assert not entries(back) and classic_links(back) == classic_links(classic)
    assert back.select_one("div.pages a.next") is not None and back.select("div.side")
    added = portal.add_article("OpenAI 发布新一代大模型")
    portal.redesign = True
    top = new_links(listing())[0]
    assert top == (portal.url(f"news/{added.id}.html"), added.title)


# --- the API --------------------------------------------------------------------------------


def test_add_article_appears_at_top(portal: SamplePortal) -> None:
    newest = ARTICLES[0]
    added = portal.add_article("OpenAI 发布 GPT-5 大模型", summary="测试摘要")
    assert added.id == newest.id + 1 and added.published > newest.published
    assert portal.articles[0] is added and portal.page_count == 3
    for prefix in ("", "gbk/"):
        encoding = "gbk" if prefix else "utf-8"
        first = items(soup_of(get(portal.url(f"{prefix}news/")), encoding))[0]
        assert first.a is not None and first.a["title"] == added.title
        assert first.a["href"] == portal.url(f"{prefix}news/{added.id}.html")
    page = soup_of(get(portal.url(f"news/{added.id}.html")))
    assert page.select_one("h1#title").get_text() == added.title  # type: ignore[union-attr]
    assert page.select_one("div.introduce").get_text() == "核心提示：测试摘要"  # type: ignore[union-attr]
    # one more article: page 1's last one moves to page 2, 26 items make 3 pages still
    rows = items(soup_of(get(portal.url("news/list-3.html"))))
    assert len(rows) == 6


def test_add_article_date_only_and_no_author(portal: SamplePortal) -> None:
    added = portal.add_article("钢材价格周评", date="2024-12-20", author=None)
    assert not added.has_time and added.day == "2024-12-20"
    info = soup_of(get(portal.url(f"news/{added.id}.html"))).select_one("div.info")
    assert info is not None and info.get_text().startswith("日期：2024-12-20\xa0")
    assert "作者" not in info.get_text()
    assert ARTICLES_BY_ID[ARTICLES[0].id] is ARTICLES[0] and len(ARTICLES) == 25  # model untouched


def test_request_log(portal: SamplePortal) -> None:
    get(portal.url("news/"))
    portal.clear_log()
    get(portal.url("news/"))
    get(portal.url("news/list-2.html"))
    get(portal.url("news/6894.html?utm_source=list"))
    get(portal.url("gbk/news/"))
    _CLIENT.head(portal.url("news/6890.html"))
    assert portal.requests == [
        ("GET", "/news/"),
        ("GET", "/news/list-2.html"),
        ("GET", "/news/6894.html?utm_source=list"),
        ("GET", "/gbk/news/"),
        ("HEAD", "/news/6890.html"),
    ]
    assert portal.count("/news/") == 4 and portal.count("/news/68") == 2
    assert portal.count("/gbk/") == 1 and portal.count("/mobile/") == 0


def test_request_log_is_thread_safe(portal: SamplePortal) -> None:
    portal.clear_log()
    threads = [
        threading.Thread(target=get, args=(portal.url(f"news/{a.id}.html"),)) for a in ARTICLES
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert portal.count("/news/") == len(ARTICLES)


def test_set_status(portal: SamplePortal) -> None:
    portal.set_status("/news/list-2.html", 500)
    assert get(portal.url("news/list-2.html")).status_code == 500
    assert get(portal.url("news/")).status_code == 200
    portal.set_status(portal.url("news/6894.html"), 503)  # a full URL works too
    assert get(portal.url("news/6894.html")).status_code == 503
    portal.set_status("news/6890.html", 404)
    assert get(portal.url("news/6890.html")).status_code == 404
    portal.set_status("/news/list-2.html", 200)
    assert get(portal.url("news/list-2.html")).status_code == 200
    assert portal.count("/news/list-2.html") == 2  # failures are logged too


def test_stop_and_restart_on_the_same_port(portal: SamplePortal) -> None:
    url = portal.url("news/")
    portal.stop()
    with pytest.raises(httpx.ConnectError):
        get(url)
    portal.start()
    assert portal.url("news/") == url and get(url).status_code == 200


def test_factory_page_size_and_small_sites(portal_factory) -> None:
    small = portal_factory(per_page=5)
    assert len(crawl(small)) == 5
    tiny = portal_factory(articles=list(ARTICLES[:3]))
    pages = crawl(tiny)
    assert len(pages) == 1 and len(items(pages[0])) == 3
    assert small.base_url != tiny.base_url
    empty = portal_factory(articles=[])
    assert get(empty.url("news/")).status_code == 200
    assert empty.add_article("第一篇").id == 1


def test_base_url_needs_a_started_portal() -> None:
    portal = SamplePortal()
    with pytest.raises(RuntimeError):
        _ = portal.base_url
    with portal:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/", portal.base_url)
