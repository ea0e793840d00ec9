"""Listing detection (feeds/extract/detect.py): the sample portal, synthetic pages, real pages."""

from __future__ import annotations

import dataclasses
import json
import re
from collections import Counter
from html import escape
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx
import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from feeds.encoding import charset_from_content_type, decode_html
from feeds.extract.detect import Detection, detect_listing
from feeds.extract.listing import extract_listing

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
LABELLED = Path(__file__).resolve().parent / "data" / "listings"
VARIANTS = ["", "gbk/", "lying/", "relative/"]


def fetch(url: str) -> str:
    response = httpx.get(url, timeout=10)
    assert response.status_code == 200, url
    charset = charset_from_content_type(response.headers.get("content-type"))
    return decode_html(response.content, http_charset=charset)[0]


def catlist_links(text: str, url: str) -> list[str]:
    """The article links of a portal listing, read the way its config reads them."""
    soup = BeautifulSoup(text, "lxml")
    return [urljoin(url, str(li.a["href"])) for li in soup.select("div.catlist li") if li.a]


def assert_round_trip(detection: Detection, text: str, url: str) -> None:
    """Every candidate's selectors, fed to extract_listing, read exactly its entries."""
    for candidate in filter(None, (detection.chosen, *detection.candidates)):
        listing = extract_listing(text, url, candidate.selectors.rules())
        assert listing.entries == candidate.entries, candidate.selectors


def urls(detection: Detection) -> list[str]:
    assert detection.chosen is not None, detection.problem
    return [entry.url for entry in detection.chosen.entries]


# --------------------------------------------------------------------------- sample portal


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("page", ["news/", "news/list-2.html", "news/list-3.html"])
def test_portal_listing_is_exactly_the_catlist(portal, variant, page):
    url = portal.url(variant + page)
    first, second = fetch(url), fetch(url)
    detection = detect_listing(first, url)
    assert urls(detection) == catlist_links(first, url)
    assert detection.chosen is not None
    assert detection.chosen.selectors.item == "div.catlist li"
    assert detection.chosen.selectors.date == "i"
    assert all(entry.date_text for entry in detection.chosen.entries)
    assert_round_trip(detection, first, url)
    # A second fetch of the same page: the same block, selectors and items in the same order
    # (on /relative/ only the date texts may move with the clock).
    again = detect_listing(second, url)
    assert again.chosen is not None
    assert again.chosen.selectors == detection.chosen.selectors
    assert urls(again) == urls(detection)
    if variant != "relative/":
        assert again == detection


def test_portal_sidebars_lose_and_say_why(portal):
    url = portal.url("news/")
    detection = detect_listing(fetch(url), url)
    reasons = {c.selectors.item: c.reasons for c in detection.candidates}
    assert any("sidebar: 相关文章" in r for r in reasons.values()), reasons
    assert any("sidebar: 点击排行" in r for r in reasons.values()), reasons
    assert any("navigation: short link texts" in r for r in reasons.values()), reasons
    chosen = detection.chosen
    assert chosen is not None
    assert all(chosen.score > c.score for c in detection.candidates)
    assert detection.problem is None and detection.feeds == ()


@pytest.mark.parametrize("redesign", [False, True])
@pytest.mark.parametrize("listing", ["news/", "gbk/news/", "mobile/news/"])
def test_portal_pager_is_followed_to_the_last_page(portal, listing, redesign):
    """From page one, next_url walks every listing page once and stops on the last; the
    selector, given to extract_listing as listing.next, reads the same URL."""
    portal.redesign = redesign
    pages = [portal.url(listing + suffix) for suffix in ("", "list-2.html", "list-3.html")]
    pager = "nav.pager a.pager-next" if redesign else "div.pages a.next"
    walked: list[str] = []
    url: str | None = pages[0]
    while url is not None and len(walked) < 5:
        walked.append(url)
        text = fetch(url)
        detection = detect_listing(text, url)
        assert detection.chosen is not None
        if url == pages[-1]:
            assert (detection.next_url, detection.next) == (None, None)
        else:
            assert detection.next == pager
            rules = dataclasses.replace(detection.chosen.selectors.rules(), next=detection.next)
            assert extract_listing(text, url, rules).next_url == detection.next_url
        url = detection.next_url
    assert walked == pages


# --------------------------------------------------------------------------- synthetic pages

NAV = (
    [("首页", "/"), ("新闻", "/news/"), ("财经", "/finance/"), ("科技", "/tech/")]
    + [
        (name, f"/{path}/")
        for name, path in [("体育", "sports"), ("娱乐", "ent"), ("汽车", "auto"), ("房产", "house")]
    ]
    + [("About", "/about/"), ("Login", "/login")]
)
ARTICLES = [
    ("City council approves new budget for public transport", "/2024/05/03/budget-vote.html"),
    ("Local bakery wins national award for sourdough bread", "/2024/05/02/bakery-award.html"),
    ("Heavy rain expected across the region this weekend", "/2024/05/02/rain-weekend.html"),
    ("University opens new research centre for batteries", "/2024/05/01/battery-centre.html"),
    ("Train services restored after signal failure downtown", "/2024/04/30/signal-failure.html"),
    ("Museum reopens its modern art wing after renovation", "/2024/04/29/museum-reopens.html"),
    ("Football club signs young striker from academy team", "/2024/04/28/striker-signed.html"),
    ("Farmers market moves to the old station square", "/2024/04/27/market-moves.html"),
]


def page(body: str, head: str = "") -> str:
    return f"<!doctype html><html><head><title>News</title>{head}</head><body>{body}</body></html>"


def nav_html() -> str:
    items = "".join(f'<li><a href="{href}">{name}</a></li>' for name, href in NAV)
    return f'<div class="header"><ul class="menu">{items}</ul></div>'


def footer_html() -> str:
    links = ["Contact us", "Privacy policy", "Terms of use", "Advertise", "Jobs", "Sitemap"]
    items = "".join(f'<li><a href="/{t.lower().replace(" ", "-")}/">{t}</a></li>' for t in links)
    return f'<div id="footer"><ul>{items}</ul><p>© 2024 Example News</p></div>'


def list_html(articles=ARTICLES, cls: str = "news-list") -> str:
    rows = "".join(
        f'<li><a href="{href}">{title}</a> <span class="date">{href[1:11].replace("/", "-")}'
        "</span></li>"
        for title, href in articles
    )
    return f'<div class="{cls}"><ul>{rows}</ul></div>'


URL = "https://news.example.com/latest/"


def test_article_list_beats_navigation_and_footer():
    text = page(nav_html() + '<div class="main">' + list_html() + "</div>" + footer_html())
    detection = detect_listing(text, URL)
    assert urls(detection) == [urljoin(URL, href) for _, href in ARTICLES]
    assert detection.chosen is not None
    assert detection.chosen.selectors.item == "div.news-list li"
    assert detection.chosen.selectors.date == "span.date"
    assert [e.title for e in detection.chosen.entries] == [t for t, _ in ARTICLES]
    assert [e.date_text for e in detection.chosen.entries][:2] == ["2024-05-03", "2024-05-02"]
    menu = next(c for c in detection.candidates if c.selectors.item == "ul.menu li")
    assert "navigation: short link texts" in menu.reasons
    assert_round_trip(detection, text, URL)


def test_page_of_navigation_only_is_not_guessed():
    text = page(nav_html() + "<p>Welcome to our site.</p>" + footer_html())
    detection = detect_listing(text, URL)
    assert detection.chosen is None
    assert detection.problem is not None
    assert "add [source.listing] selectors" in detection.problem
    assert "navigation" in detection.problem


def test_empty_page_has_a_problem_not_an_error():
    detection = detect_listing("", URL)
    assert detection.chosen is None and detection.candidates == ()
    assert detection.problem is not None and "[source.listing]" in detection.problem


def test_json_ld_item_list_decides_between_alike_blocks():
    first, second = (
        ARTICLES[:6],
        [(t + " again", h.replace(".html", "-2.html")) for t, h in ARTICLES],
    )
    body = list_html(first, "block-a") + list_html(second, "block-b")
    without = detect_listing(page(body), URL)
    assert without.chosen is not None and without.chosen.selectors.item == "div.block-b li"
    ld = {
        "@context": "https://schema.org",
        "@type": "ItemList",
        "itemListElement": [
            {"@type": "ListItem", "position": i + 1, "url": urljoin(URL, href)}
            for i, (_, href) in enumerate(first)
        ],
    }
    head = f'<script type="application/ld+json">{json.dumps(ld)}</script>'
    detection = detect_listing(page(body, head), URL)
    assert urls(detection) == [urljoin(URL, href) for _, href in first]
    assert detection.chosen is not None
    assert "listed by JSON-LD ItemList" in detection.chosen.reasons


def test_article_cards():
    cards = "".join(
        f'<article class="post"><a class="thumb" href="{href}"><img src="/i/{i}.jpg" alt=""></a>'
        f'<header class="entry-header"><h2 class="post-title"><a href="{href}">{title}</a></h2>'
        f'<time datetime="2024-05-0{i + 1}">May {i + 1}, 2024</time></header>'
        f'<p>{title}. More inside. <a href="/tag/local/">local</a></p></article>'
        for i, (title, href) in enumerate(ARTICLES[:6])
    )
    recent = "".join(f'<li><a href="{href}">{title}</a></li>' for title, href in ARTICLES[6:])
    aside = f'<aside class="widget"><h3>Recent posts</h3><ul>{recent}</ul></aside>'
    text = page(nav_html() + f"<main>{cards}</main>" + aside + footer_html())
    detection = detect_listing(text, URL)
    assert urls(detection) == [urljoin(URL, href) for _, href in ARTICLES[:6]]
    assert detection.chosen is not None
    selectors = detection.chosen.selectors
    assert selectors.item.split()[-1].startswith("article")
    assert selectors.link is not None and "h2" in selectors.link
    assert selectors.date == "time"
    assert detection.chosen.entries[0].date_text == "May 1, 2024"
    assert "<article> cards" in detection.chosen.reasons
    assert_round_trip(detection, text, URL)


def test_a_more_row_is_left_out_of_the_list():
    rows = (
        list_html()[: -len("</ul></div>")] + '<li><a href="/news/">More news »</a></li></ul></div>'
    )
    text = page(nav_html() + rows)
    detection = detect_listing(text, URL)
    assert urls(detection) == [urljoin(URL, href) for _, href in ARTICLES]
    assert_round_trip(detection, text, URL)


def test_layout_wrapper_named_after_a_sidebar_is_not_chrome():
    sidebar = (
        '<div class="sidebar"><ul><li><a href="/x/">Subscribe to the newsletter</a></li></ul></div>'
    )
    text = page(nav_html() + f'<div class="layout has-sidebar">{list_html()}{sidebar}</div>')
    detection = detect_listing(text, URL)
    assert len(urls(detection)) == len(ARTICLES)


def test_advertised_feeds_are_reported():
    head = (
        '<link rel="alternate" type="application/rss+xml" title="RSS" href="/feed.xml">'
        '<link rel="alternate" type="application/atom+xml" href="https://news.example.com/atom">'
        '<link rel="alternate" type="application/feed+json" href="feed.json">'
        '<link rel="alternate" hreflang="de" href="/de/">'
        '<link rel="stylesheet" type="text/css" href="/s.css">'
    )
    detection = detect_listing(page(list_html(), head), URL)
    assert detection.feeds == (
        "https://news.example.com/feed.xml",
        "https://news.example.com/atom",
        "https://news.example.com/latest/feed.json",
    )
    assert detection.chosen is not None


def test_detection_is_deterministic():
    text = page(nav_html() + list_html() + list_html(ARTICLES[:4], "other") + footer_html())
    results = {repr(detect_listing(text, URL)) for _ in range(3)}
    assert len(results) == 1


# --------------------------------------------------------------------------- pagination


def pager_page(pager: str) -> str:
    """A listing with a pager under it (and a menu above, whose links must never count)."""
    return page(nav_html() + list_html() + pager + footer_html())


@pytest.mark.parametrize(
    ("pager", "selector"),
    [
        # The words, not the position: on page two the pager's first link is "上一页".
        (
            '<div class="pages"><a href="/latest/list-2.html">下一页</a></div>',
            'div.pages a:-soup-contains-own("下一页")',
        ),
        (
            '<div class="pagenav"><strong>1</strong> <a href="list-2.html">2</a> '
            '<a href="list-2.html">下页</a></div>',
            'div.pagenav a:-soup-contains-own("下页")',
        ),
        (
            '<ul class="pagination"><li><a href="?page=2">2</a></li>'
            '<li><a href="?page=2" aria-label="Next">›</a></li></ul>',
            'ul.pagination a:-soup-contains-own("›")',
        ),
        (
            '<div class="nav-links"><a class="next page-numbers" href="/latest/page/2/">'
            "Next »</a></div>",
            "div.nav-links a.next",
        ),
        ('<div class="nav-previous"><a href="/latest/page/2/">« Older posts</a></div>', None),
        ('<p><a rel="next" href="/latest/list-2.html">Weiter</a></p>', "a[rel~=next]"),
    ],
)
def test_next_page_from_words_rel_and_arrows(pager, selector):
    text = pager_page(pager)
    detection = detect_listing(text, URL)
    assert detection.next_url is not None
    assert re.search(r"(?:list-2\.html|page/2/|\?page=2)$", detection.next_url)
    if selector is not None:
        assert detection.next == selector
    assert detection.next is not None
    rules = dataclasses.replace(detection.chosen.selectors.rules(), next=detection.next)
    assert extract_listing(text, URL, rules).next_url == detection.next_url


def test_link_rel_next_in_the_head():
    head = '<link rel="next" href="https://news.example.com/latest/list-2.html">'
    detection = detect_listing(page(nav_html() + list_html(), head), URL)
    assert detection.next_url == "https://news.example.com/latest/list-2.html"
    assert detection.next == "link[rel~=next]"


def test_single_arrow_beats_double_arrow_to_the_last_page():
    pager = (
        '<div class="pages"><span>1</span> <a href="list-2.html">2</a> '
        '<a href="list-9.html">»</a> <a href="list-2.html">›</a></div>'
    )
    detection = detect_listing(pager_page(pager), URL)
    assert detection.next_url == urljoin(URL, "list-2.html")


@pytest.mark.parametrize(
    ("here", "pager", "following"),
    [
        (URL, '<span class="cur">1</span><a href="list-2.html">2</a>', "list-2.html"),
        (URL + "index.html", '<b>1</b><a href="index_1.html">2</a>', "index_1.html"),
        (
            URL + "list-2.html",
            '<a href="list-1.html">1</a><span class="cur">2</span><a href="list-3.html">3</a>',
            "list-3.html",
        ),
        (URL + "?page=4", '<a href="?page=3">3</a><em>4</em><a href="?page=5">5</a>', "?page=5"),
    ],
)
def test_numbered_pager_without_words_follows_the_current_url(here, pager, following):
    text = pager_page(f'<div class="paging">{pager}<a href="list-7.html">7</a></div>')
    detection = detect_listing(text, here)
    assert detection.next_url == urljoin(here, following)
    assert detection.next is not None and "+" in detection.next
    rules = dataclasses.replace(detection.chosen.selectors.rules(), next=detection.next)
    assert extract_listing(text, here, rules).next_url == detection.next_url


@pytest.mark.parametrize(
    "pager",
    [
        # Off the listing's site: an ad, a partner, a hostile page.
        '<div class="pages"><a rel="next" href="https://ads.example.org/list-2.html">下一页</a>'
        "</div>",
        '<div class="pages"><a href="https://news.example.net/latest/list-2.html">Next</a></div>',
        # Links that go nowhere: script pagers, fragments, the last page's "next" to itself.
        '<div class="pages"><a href="javascript:void(0)" onclick="toPage(2)">下一页</a></div>',
        '<div class="pages"><a href="#page=2">2</a> <a href="#page=2">下一页</a></div>',
        '<div class="pages"><a href="/latest/">下一页</a></div>',
        # Not a pager: a carousel arrow to an article, a number in a headline list.
        '<div class="slider"><a href="/2024/04/20/gallery.html">›</a></div>',
        '<div class="pages"><span>1</span> <a href="/2024/05/07/photos.html">2</a></div>',
    ],
)
def test_no_next_page_is_guessed(pager):
    detection = detect_listing(pager_page(pager), URL)
    assert (detection.next_url, detection.next) == (None, None)
    assert detection.chosen is not None  # the list is still found


def test_the_pager_under_the_list_wins_over_one_above_it():
    above = '<div class="topnav"><a href="/archive/list-2.html">Next</a></div>'
    below = '<div class="pages"><a href="/latest/list-2.html">Next</a></div>'
    text = page(nav_html() + above + list_html() + below + footer_html())
    detection = detect_listing(text, URL)
    assert detection.next_url == urljoin(URL, "/latest/list-2.html")
    assert detection.next == 'div.pages a:-soup-contains-own("Next")'


# --------------------------------------------------------------------------- real pages


def test_labelled_pages_precision_recall_f1():
    """Two corpus pages whose article links we labelled by reading them (labels.json)."""
    labels = json.loads((LABELLED / "labels.json").read_text(encoding="utf-8"))
    scores = []
    for entry in labels["pages"]:
        text = decode_html((LABELLED / entry["file"]).read_bytes())[0]
        detection = detect_listing(text, entry["page_url"])
        found = set(urls(detection)) if detection.chosen else set()
        truth = set(entry["articles"])
        hits = len(found & truth)
        precision = hits / len(found) if found else 0.0
        recall = hits / len(truth)
        f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
        scores.append(f1)
        print(f"{entry['file']}: precision {precision:.2f} recall {recall:.2f} F1 {f1:.2f}")
        assert_round_trip(detection, text, entry["page_url"])
    assert min(scores) >= 0.85, scores


def _page_url(entry: dict[str, object], text: str) -> str:
    """The manifest's base_url, else the site most absolute links point to (the saved page's
    own site: the corpus lacks the URL of some pages)."""
    if entry.get("base_url"):
        return str(entry["base_url"])
    hosts = Counter(urlsplit(u).netloc for u in re.findall(r'href="(https?://[^"/]+)', text))
    return f"https://{hosts.most_common(1)[0][0]}/" if hosts else "https://localhost/"


# What each corpus listing really lists, read by hand from the page: a selector for its headline
# links, what an article URL of that site looks like, and the next page its pager links to
# (None where the pager is script or "#page=2"). The manifest's counts are what
# GerapyAutoExtractor returns on these pages (its own tests assert its output; version 0.2.1
# gives exactly 7 and 56), not the pages' lists: on 0006 its 7 links are the "今日推荐" box
# beside the 140-item news list of 国际新闻, on 0008 the 56 column-article cards among the 100
# search results (answers and questions are results of the same list).
NETEASE = (  # news, channel (game/) and dy.163.com articles, photo galleries, videos
    r"163\.com/(?:(?:\w+/)?\d{2}/\d{4}/\d{2}/\w+|(?:v2/)?article/(?:detail/)?\w+"
    r"|photo(?:view|new)/\w+/\d+|(?:paike|video)/\w+/\w+)\.html$"
)
ZHIHU = r"zhihu\.com/(?:question/\d+(?:/answer/\d+)?|p/\d+)$"
CORPUS_TRUTH = {
    "0001.html": ("ul.glist li > a[title]", r"/contents/[\d/]+-\w{32}\.html$", "index2.html"),
    "0002.html": ("div.infor-con h2 a", r"/Upload/File/\d{6}/\d+_\d+\.pdf$", "information_3.html"),
    "0003.html": ("div.list-all > a", r"/upload/user/\d+/[\d-]+/\d+\.pdf$", None),
    "0004.html": ("div#expertList1 li > a", r"/main/a/\d{8}/\d+\.shtml$", None),
    "0005.html": ("div.tabContents td > a", NETEASE, None),
    "0006.html": ("ul.newsdata_list div.data_row h3 > a", NETEASE, None),
    "0007.html": ("ul.list_txt li > a:not(.cBlue)", NETEASE, None),
    "0008.html": ("div.SearchResult-Card div.ContentItem h2 a", ZHIHU, None),
}


def test_corpus_listings_against_their_real_lists():
    """Per page: the manifest's count, the real list's, what detection found, the share of
    article links among them, precision, recall and F1 against the real list, the next page."""
    folder = CORPUS / "listings"
    if not (folder / "manifest.jsonl").exists():
        pytest.skip(f"no corpus at {folder}")
    rows, failures, near_manifest = [], [], 0
    for line in (folder / "manifest.jsonl").read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        name = entry["file"]
        text = decode_html((folder / name).read_bytes())[0]
        url = _page_url(entry, text)
        detection = detect_listing(text, url)
        assert_round_trip(detection, text, url)
        selector, article, next_page = CORPUS_TRUTH[name]
        soup = BeautifulSoup(text, "lxml")
        truth = [urljoin(url, str(a["href"])) for a in soup.select(selector)]
        found = [e.url for e in detection.chosen.entries] if detection.chosen else []
        hits = len(set(found) & set(truth))
        precision = hits / len(set(found)) if found else 0.0
        recall = hits / len(set(truth))
        f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
        articles = sum(re.search(article, u) is not None for u in found) / max(1, len(found))
        expected = entry["expected_items"]
        near_manifest += abs(len(found) - expected) <= 0.3 * expected
        wanted_next = urljoin(url, next_page) if next_page else None
        rows.append(
            f"{name:<9} {expected:>8} {len(truth):>5} {len(found):>5} {articles:>8.0%} "
            f"{precision:>5.2f} {recall:>5.2f} {f1:>5.2f}  {detection.next or '-'}"
        )
        if abs(len(found) - len(truth)) > 0.3 * len(truth) or f1 < 0.85 or articles < 0.9:
            failures.append(f"{name}: {detection.chosen or detection.problem}")
        if detection.next_url != wanted_next:
            failures.append(f"{name}: next page {detection.next_url}, not {wanted_next}")
    print(f"\n{'page':<9} manifest  real found articles    P     R    F1  next selector")
    print("\n".join(rows))
    print(f"within ±30% of the manifest's count: {near_manifest} of {len(rows)}")
    assert not failures, failures
    # The two others are the pages where the manifest counts another block (see CORPUS_TRUTH).
    assert near_manifest >= 6, rows


# --------------------------------------------------------------------------- odd markup


def discuz_page() -> str:
    """A Discuz thread list: recent threads date as <span title=…>2 天前</span> inside the
    <em>, older ones as the <em>'s own text, so the date elements differ in tag (issue 15)."""
    rows = []
    for i in range(8):
        recent = f'<span title="2024-12-0{i + 1}">{i + 1} 天前</span>'
        when = recent if i < 4 else f"2024-11-{i + 10}"
        rows.append(
            f'<tbody id="normalthread_{1000 + i}"><tr><th class="common">'
            f'<a href="forum.php?mod=viewthread&amp;tid={1000 + i}" class="s xst">'
            f"第{i}个帖子的标题比较长一些的内容</a></th>"
            f'<td class="by"><cite><a href="home.php?uid=1">user</a></cite><em>{when}</em></td>'
            "</tr></tbody>"
        )
    return page('<table id="threadlisttableid">' + "".join(rows) + "</table>")


def test_a_discuz_thread_list_with_dates_in_different_tags_is_read():
    text, url = discuz_page(), "https://bbs.example.com/forum-2-1.html"
    detection = detect_listing(text, url)
    assert len(urls(detection)) == 8
    assert_round_trip(detection, text, url)


def test_namespaced_tags_get_selectors_that_compile():
    rows = "".join(
        f'<o:p class="row"><a href="{href}">{title}</a></o:p>' for title, href in ARTICLES
    )
    text = page(f'<div class="list">{rows}</div>')
    detection = detect_listing(text, URL)
    assert urls(detection) == [urljoin(URL, href) for _, href in ARTICLES]
    assert_round_trip(detection, text, URL)


_TAG = st.from_regex(r"[a-z][^\s/>=\x00]{0,6}", fullmatch=True)
_NAME = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=10)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    item=_TAG,
    wrapper=_TAG,
    dates=st.lists(_TAG, min_size=1, max_size=3),
    names=st.lists(st.tuples(_NAME, _NAME), min_size=1, max_size=3),
)
def test_detection_never_crashes_on_odd_names(item, wrapper, dates, names):
    """Any tag, class or id a page may carry (colons, quotes, digits first, control
    characters, CJK, empty) gives a Detection, never an exception."""
    rows = []
    for i, (title, href) in enumerate(ARTICLES):
        cls, ident = (escape(v) for v in names[i % len(names)])
        date = dates[i % len(dates)]
        rows.append(
            f'<{item} class="{cls}" id="{ident}{i % 2}"><a class="{cls}" href="{href}">{title}</a>'
            f' <{date} class="{cls}">{href[1:11]}</{date}></{item}>'
        )
    cls, ident = (escape(v) for v in names[0])
    text = page(f'<{wrapper} class="{cls}" id="{ident}">' + "".join(rows) + f"</{wrapper}>")
    detection = detect_listing(text, URL)
    assert_round_trip(detection, text, URL)


@pytest.mark.parametrize("depth", [250, 300])
def test_a_list_nested_too_deep_fails_and_says_why(depth):
    """Parsing folds elements deeper than html.MAX_DEPTH into text (a bound against pages
    built to exhaust every later tree walk); a list down there is lost, and the problem
    must say so rather than only that no block was found (issue 13)."""
    text = page("<div>" * depth + list_html() + "</div>" * depth)
    detection = detect_listing(text, URL)
    if depth == 250:
        assert len(urls(detection)) == len(ARTICLES)
        return
    assert detection.chosen is None and detection.problem is not None
    assert "nests elements more than 256 levels deep" in detection.problem
    assert "add [source.listing] selectors" in detection.problem
