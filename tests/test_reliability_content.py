"""Reliability cases B3-B7, B11-B13, B16 and S6-S9 of RELIABILITY.md: hostile content in,
well-formed feeds out.

Each test is named after its case. The end-to-end ones serve hostile pages from the sample
portal over HTTP on 127.0.0.1, run the real ``feeds update`` and read the feeds back as a
reader would: strict lxml, feedparser (no bozo) and json. The fuzz test at the end drives
generated HTML through extraction and rendering.
"""

from __future__ import annotations

import html
import json
import re
import sqlite3
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import feedparser
import lxml.html
import pytest
from helpers import destoon_source, feeds, read_feeds, snapshot, write_config
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from portal import SamplePortal

from feeds.articles import build_item
from feeds.clean import absolute_url, close_bidi, plain_text, sanitize_html
from feeds.config import ArticleRules, IdentityRules, ListingRules, parse_config
from feeds.errors import FeedsError, RenderError
from feeds.extract.article import extract_article
from feeds.extract.html import parse
from feeds.extract.listing import extract_listing
from feeds.formats import FORMATS
from feeds.identity import article_key
from feeds.models import FeedMeta, Listed, Page, StoredItem
from feeds.output import publish
from feeds.render import JSON_FEED_VERSION, check_parses, render

CST = timezone(timedelta(hours=8))
ATOM = "{http://www.w3.org/2005/Atom}"
NOW = datetime(2024, 12, 14, 2, 0, tzinfo=UTC)
# What XML 1.0 cannot carry: C0 controls but tab, LF and CR, U+FFFE/U+FFFF, surrogates.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"

# --- shared builders ---------------------------------------------------------------------


def strict_xml(data: bytes) -> etree._Element:
    """Parse as the strictest reader: no recovery, no entities, no DTD, no network."""
    parser = etree.XMLParser(recover=False, resolve_entities=False, no_network=True, load_dtd=False)
    return etree.fromstring(data, parser)


def item(n: int = 1, **fields: Any) -> StoredItem:
    url = f"https://news.example.org/a/{n}.html"
    when = datetime(2024, 12, 6, 10, 0, tzinfo=CST) - timedelta(hours=n)
    base = StoredItem(
        source_id="x",
        key=f"news.example.org/a/{n}.html",
        id=url,
        url=url,
        title=f"Item {n}",
        author="Editor",
        summary=f"Summary {n}",
        content_html=f"<p>Body {n}</p>",
        published=when,
        updated=when,
        first_seen=when.astimezone(UTC),
        date_precision="time",
    )
    return replace(base, **fields)


META = FeedMeta(
    id="x",
    title="Hostile news",
    home_url="https://news.example.org/",
    description="Feeds made from hostile pages",
    self_urls={fmt: f"https://feeds.example.net/x.{fmt}" for fmt in FORMATS},
    updated=datetime(2024, 12, 6, 18, 0, tzinfo=CST),
    language="zh-CN",
)


def assert_json_feed(doc: Any) -> None:
    """The JSON Feed 1.1 shape readers rely on (https://jsonfeed.org/version/1.1)."""
    assert isinstance(doc, dict) and doc["version"] == JSON_FEED_VERSION
    assert isinstance(doc["title"], str) and doc["title"]
    for key in ("home_page_url", "feed_url", "description", "language"):
        assert isinstance(doc.get(key, ""), str)
    assert isinstance(doc["items"], list)
    ids = [i["id"] for i in doc["items"]]
    assert len(ids) == len(set(ids))
    for entry in doc["items"]:
        assert isinstance(entry["id"], str) and entry["id"]
        assert isinstance(entry.get("content_html", entry.get("content_text")), str)
        assert re.match(r"https?://", entry["url"])
        assert isinstance(entry["title"], str) and entry["title"]
        datetime.fromisoformat(entry["date_published"])
        if "date_modified" in entry:
            datetime.fromisoformat(entry["date_modified"])
        for author in entry.get("authors", []):
            assert isinstance(author["name"], str) and author["name"]


def read_rendered(rendered: dict[str, bytes], tmp_path: Path) -> dict[str, Any]:
    """Publish (which re-parses at runtime) and read back like a reader: strict, no bozo."""
    publish(tmp_path, META.id, rendered)
    parsed = read_feeds(tmp_path, META.id)
    assert_json_feed(parsed["json"])
    return parsed


def entry_fields(parsed: dict[str, Any], field: str) -> dict[str, list[Any]]:
    """``field`` of every entry, per format (feedparser names for RSS and Atom)."""
    json_name = {"link": "url", "author": "authors"}.get(field, field)
    out: dict[str, list[Any]] = {
        fmt: [e.get(field) for e in parsed[fmt].entries] for fmt in ("rss", "atom")
    }
    out["json"] = [
        (i[json_name][0]["name"] if field == "author" and json_name in i else i.get(json_name))
        for i in parsed["json"]["items"]
    ]
    return out


# --- the hostile site: one `feeds update`, many cases --------------------------------------


def article_page(
    title: str,
    *,
    info: str = "日期：2024-12-10 10:00",
    summary: str = "",
    content: str = "<p>body</p>",
    head: str = "",
) -> str:
    """A Destoon-like article page (the selectors of ``destoon_source``); raw HTML in."""
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title>{head}'
        f'</head><body><h1 id="title">{title}</h1><div class="info">{info}</div>'
        f'<div class="introduce">核心提示：{summary}</div><div id="content">{content}</div>'
        "</body></html>"
    )


def listing_page(entries: list[tuple[str, str]]) -> str:
    """A Destoon-like listing; each entry is (raw href, raw title), newest first."""
    items = "".join(
        f'<li><a href="{href}" title="{title}">{title}</a><i>2024-12-{20 - n:02d} 10:00</i></li>'
        for n, (href, title) in enumerate(entries)
    )
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>news</title></head><body>'
        f'<div class="catlist"><ul>{items}</ul></div></body></html>'
    )


B3_TITLE = "ctrl\x00A\x01B\x0bC\x1bD\x19E &#xfffe;F&#xffff;G &#1;H"
B4_LD = '{"@type": "NewsArticle", "author": {"name": "Lone \\ud83d half"}}'
B5_TITLE = "😀 𠮷 العربية עברית \u202eevil.exe"
B6_TITLE = "a ]]> </title><script>x</script> & <![CDATA[b]]>"
S7_TEXT = "<b>x</b><script>"
S9_TITLE = '</title><item><title>forged</title></item> "q" \'s'
S9_SUMMARY = "&amp;lt; stays &amp;lt; as typed"  # text that looks pre-escaped: printed as is
S9_AUTHOR = "\"quoted\"&'single'<x>"
S6_CONTENT = """
<p>safe text <a href="rel/page.html">relative</a> <a href="https://e.org/x">abs</a></p>
<script>alert('script')</script>
<img src=x onerror=alert('onerror') alt="onerror image">
<Svg Only=1 OnLoad=alert('svg')><text>svgtext</text></Svg>
<a href="javascript:alert('href')">js link</a>
<a href="JaVaScRiPt:alert('mixed')">mixed</a>
<iframe src="//evil.example/frame"></iframe>
<iframe src="/video/1.html"></iframe>
<style>p { color: red } .stylecontent {}</style>
<p style="position:fixed;top:0">fixed</p>
<form action="https://evil.example/post"><input name=q><button>go</button></form>
<meta http-equiv="refresh" content="0;url=https://evil.example/">
<base href="https://evil.example/">
<img src="/ok.png" srcset="javascript:alert('srcset') 1x, /ok2.png 2x" alt="srcset">
<noscript><p title="</noscript><img src=x onerror=alert('mxss')>"></noscript>
<img src="https://tracker.example/pixel.gif" width="1" height="1">
<object data="https://evil.example/x.swf">objecttext</object>
<p onclick="alert('click')">clickable</p>
"""
# Text of what must be gone, handlers and dropped elements alike.
S6_MARKERS = ("alert", "stylecontent", "color: red", "svgtext", "objecttext", "evil.example")

HOSTILE = {
    # path -> (listing title as raw HTML, article page)
    "1.html": (
        "B3 controls",
        article_page(
            B3_TITLE, summary="S\x08um\x1fmary\x7f", content="<p>C\x01ontent &#x1b;ok</p>"
        ),
    ),
    "2.html": (
        "B4 surrogates",
        article_page(
            "Emoji &#55357;&#56832; pair &#xD83D;&#xDE00;",
            head=f'<script type="application/ld+json">{B4_LD}</script>',
            content="<p>&#55357;&#56832; in content, lone &#55357; half</p>",
        ),
    ),
    "3.html": (
        "B5 scripts",
        article_page(
            B5_TITLE,
            info="日期：2024-12-10 10:00 作者：\u202eردحا",
            summary="ملخص \u202b summary",
            content="<p>\u202egpj.exe</p><p>after</p>",
        ),
    ),
    "4.html": ("B6 cdata", article_page(html.escape(B6_TITLE))),
    "5.html": ("S6 sanitizer", article_page("S6 sanitizer", content=S6_CONTENT)),
    "6.html": (
        "S7 markup",
        article_page(html.escape(S7_TEXT), info=f"作者：{html.escape(S7_TEXT)}"),
    ),
    "7.html": (
        "S9 probes",
        article_page(
            html.escape(S9_TITLE),
            info=f"作者：{html.escape(S9_AUTHOR)}",
            summary=html.escape(S9_SUMMARY),
            content="<p>&amp;lt;b&amp;gt; literal ]]&gt; and a &quot;quote&quot;</p>",
        ),
    ),
    "8.html": (
        "B7 truncated",
        '<html><body><h1 id="title">B7 truncated page</h1><div id="content"><p>cut <b>mi',
    ),
    "9.html": (
        "B7 deep",
        article_page("B7 deep page", content="<div>" * 100_000 + "deep text"),
    ),
    "10.html": ("B7 empty", '<html><body><h1 id="title"> </h1><div id="content"></div>'),
}
S9_LINK = "11.html?q=&quot;x&quot;&amp;y='z'&amp;empty="
S8_LINKS = ["javascript:alert(document.domain)", "data:text/html,&lt;script&gt;alert(1)"]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """One poll of a site made of hostile pages; yields (portal, output dir, run, feeds)."""
    tmp_path = tmp_path_factory.mktemp("hostile")
    with SamplePortal(articles=[]) as portal:
        entries = [(f"/hostile/news/{path}", title) for path, (title, _) in HOSTILE.items()]
        entries += [(link, "S8 bad link") for link in S8_LINKS]
        entries.append((f"/hostile/news/{S9_LINK}", "S9 quoted link"))
        portal.route("/hostile/news/", listing_page(entries))
        for path, (_, page) in HOSTILE.items():
            portal.route(f"/hostile/news/{path}", page)
        portal.route("/hostile/news/11.html", article_page("S9 quoted link"))
        config = write_config(tmp_path, destoon_source(portal.url("hostile/news/"), include="[]"))
        run = feeds("update", config=config)
        assert run.code == 0, run.out + run.err
        yield portal, tmp_path, run, read_feeds(tmp_path / "public", "sample")


def by_link(parsed: dict[str, Any], suffix: str) -> dict[str, Any]:
    """The entry whose link ends with ``suffix``, per format."""
    found: dict[str, Any] = {}
    for fmt in ("rss", "atom"):
        found[fmt] = next(e for e in parsed[fmt].entries if e.link.endswith(suffix))
    found["json"] = next(i for i in parsed["json"]["items"] if i["url"].endswith(suffix))
    return found


def titles(entry: dict[str, Any]) -> list[str]:
    return [entry["rss"].title, entry["atom"].title, entry["json"]["title"]]


def raw_items(output: Path) -> tuple[etree._Element, etree._Element]:
    public = output / "public"
    return (
        strict_xml((public / "sample.rss").read_bytes()),
        strict_xml((public / "sample.atom").read_bytes()),
    )


# --- B3 control characters ---------------------------------------------------------------


def test_B3_control_characters_are_stripped_and_feeds_parse_strictly(hostile):
    _, output, _, parsed = hostile
    entry = by_link(parsed, "/hostile/news/1.html")
    for title in titles(entry):
        assert not XML_ILLEGAL.search(title) and "\x7f" not in title
        assert re.sub(r"[^A-H]", "", title) == "ABCDEFGH"  # only the controls went
    # "Stripped or replaced": U+001F is whitespace to Python, so a space may stand for it.
    assert entry["json"]["summary"].replace(" ", "") == "Summary"
    assert entry["json"]["content_html"] == "<p>Content ok</p>"
    rss, atom = raw_items(output)  # strict parse of the files as written
    assert len(rss.findall("channel/item")) == len(atom.findall(f"{ATOM}entry"))


def test_B3_render_strips_controls_from_every_field(tmp_path):
    bad = "\x00\x01\x0b\x1b\x19\ufffe\uffff\x7f\x85"
    stored = item(
        title=f"T{bad}itle",
        author=f"A{bad}uthor",
        summary=f"S{bad}ummary",
        content_html=f"<p>C{bad}ontent</p>",
    )
    meta = replace(META, title=f"Feed{bad}", description=f"D{bad}")
    parsed = read_rendered(render(meta, [stored]), tmp_path)
    assert entry_fields(parsed, "title") == {f: ["Title"] for f in ("rss", "atom", "json")}
    assert entry_fields(parsed, "author") == {f: ["Author"] for f in ("rss", "atom", "json")}
    assert parsed["json"]["items"][0]["content_html"] == "<p>Content</p>"
    assert parsed["atom"].feed.title == "Feed"


def test_B3_plain_text_drops_controls():
    assert plain_text("a\x00b\x01c\x0bd\x1be\x19f\ufffeg\uffffh") == "abcdefgh"


# --- B4 surrogates -----------------------------------------------------------------------


def test_B4_surrogate_pair_references_become_the_emoji_and_lone_halves_ufffd(hostile):
    _, _, _, parsed = hostile
    entry = by_link(parsed, "/hostile/news/2.html")
    assert titles(entry) == ["Emoji 😀 pair 😀"] * 3
    # The JSON-LD author is "Lone \ud83d half": a lone half is U+FFFD, never an error.
    assert entry["json"]["authors"] == [{"name": "Lone \ufffd half"}]
    assert entry["atom"].author == "Lone \ufffd half"
    assert entry["json"]["content_html"] == "<p>😀 in content, lone \ufffd half</p>"


def test_B4_render_never_raises_unicode_encode_error(tmp_path):
    stored = item(
        title="pair \ud83d\ude00 lone \ud83d end",
        author="\udc00",
        summary="\ud83d\ude00",
        content_html="<p>\ud83d</p>",
    )
    rendered = render(META, [stored])
    parsed = read_rendered(rendered, tmp_path)
    assert entry_fields(parsed, "title") == {
        f: ["pair 😀 lone end"] for f in ("rss", "atom", "json")
    }
    assert "\ud83d" not in rendered["json"].decode("utf-8")


def test_B4_extraction_repairs_surrogates():
    assert parse("<p>&#55357;&#56832;|&#xd83d;&#xde00;|&#55357|&#553960;</p>").p.get_text() == (
        "😀|😀|\ufffd|\U000873e8"
    )
    assert plain_text(json.loads('"a \\ud83d b \\ud83d\\ude00"')) == "a \ufffd b 😀"


# --- B5 astral and right-to-left text ------------------------------------------------------


def test_B5_astral_and_rtl_text_kept_overrides_cannot_bleed(hostile):
    _, _, _, parsed = hostile
    entry = by_link(parsed, "/hostile/news/3.html")
    assert titles(entry) == ["😀 𠮷 العربية עברית evil.exe"] * 3
    assert entry["json"]["authors"] == [{"name": "ردحا"}]
    assert entry["json"]["summary"] == "ملخص summary"
    content = entry["json"]["content_html"]
    assert "\u202egpj.exe" in content
    assert content.count("\u202e") == content.count("\u202c") == 1  # closed with a PDF
    for fmt in ("rss", "atom"):
        assert not set(BIDI) & set(entry[fmt].title + entry[fmt].author)


def test_B5_bidi_controls_closed_in_html_and_stripped_in_text():
    assert plain_text("שלום \u202eabc\u202c \u2067x") == "שלום abc x"
    assert close_bidi("a\u202eb") == "a\u202eb\u202c"
    assert close_bidi("\u2067a\u202bb") == "\u2067a\u202bb\u202c\u2069"
    assert close_bidi("\u2067a\u202bb\u2069c") == "\u2067a\u202bb\u2069c"  # PDI ends both
    assert close_bidi("x\u202c\u2069y") == "xy"  # closers with nothing to close
    balanced = "\u202bעברית\u202c"
    assert close_bidi(balanced) == balanced
    out = sanitize_html("<p>\u202eevil</p>", page_url="https://e.org/")
    assert out == "<p>\u202eevil</p>\u202c"
    assert sanitize_html(out, page_url="https://e.org/") == out


def test_B5_render_strips_overrides_from_text_fields(tmp_path):
    stored = item(title="𠮷 \u202eevil", author="\u2066name", summary="\u202dsum")
    parsed = read_rendered(render(META, [stored]), tmp_path)
    assert entry_fields(parsed, "title") == {f: ["𠮷 evil"] for f in ("rss", "atom", "json")}
    assert parsed["json"]["items"][0]["authors"] == [{"name": "name"}]
    assert parsed["json"]["items"][0]["summary"] == "sum"


# --- B6 CDATA and markup in a title ----------------------------------------------------------


def test_B6_cdata_in_title_stays_literal_text(hostile):
    _, output, _, parsed = hostile
    entry = by_link(parsed, "/hostile/news/4.html")
    assert titles(entry) == [B6_TITLE] * 3
    rss, atom = raw_items(output)
    rss_titles = [t.text for t in rss.findall("channel/item/title")]
    atom_titles = [t.text for t in atom.findall(f"{ATOM}entry/{ATOM}title")]
    assert B6_TITLE in rss_titles and B6_TITLE in atom_titles
    # The title forged no element: one item per published article, in every format.
    expected = len(parsed["json"]["items"])
    assert len(rss_titles) == len(atom_titles) == len(parsed["rss"].entries) == expected
    assert rss.find("channel/item/script") is None


def test_B6_round_trip_through_render_and_reparse(tmp_path):
    stored = [item(1, title=B6_TITLE, summary=B6_TITLE, author=B6_TITLE), item(2)]
    rendered = render(META, stored)
    parsed = read_rendered(rendered, tmp_path)
    assert entry_fields(parsed, "title")["json"] == [B6_TITLE, "Item 2"]
    for fmt in ("rss", "atom"):
        assert [e.title for e in parsed[fmt].entries] == [B6_TITLE, "Item 2"]
    # What was read back renders to the same bytes: nothing was lost or unescaped.
    again = [replace(stored[0], title=parsed["json"]["items"][0]["title"]), stored[1]]
    assert render(META, again) == rendered


# --- B7 broken markup ------------------------------------------------------------------------


def test_B7_truncated_and_deeply_nested_pages_do_not_break_the_poll(hostile):
    _, _, run, parsed = hostile
    assert "unexpected" not in run.out + run.err
    assert "RecursionError" not in run.out + run.err
    truncated = by_link(parsed, "/hostile/news/8.html")
    assert titles(truncated) == ["B7 truncated page"] * 3
    assert truncated["json"]["content_html"] == "<p>cut <b>mi</b></p>"
    deep = by_link(parsed, "/hostile/news/9.html")
    assert "deep text" in deep["json"]["content_html"]
    # The page with a blank title is published under its listing title, never as "".
    blank = by_link(parsed, "/hostile/news/10.html")
    assert titles(blank) == ["B7 empty"] * 3
    for fmt in ("rss", "atom"):
        for entry in parsed[fmt].entries:
            assert entry.title.strip() and entry.link.startswith("http://127.0.0.1:")


# Shapes from bs4's OSS-Fuzz corpus (bs4/tests/test_fuzz.py) and classic parser traps.
FUZZ_CORPUS = [
    "\xff<!DOCTyPEV PUBLIC'''\xd0'",
    ")<a><math><TR><a><mI><a><p><a>",
    "-<math><sElect><mi><sElect><sElect>",
    "\xf1<table><svg><html>",
    "<TABLE>\x00\x00<math><mi>\x00<math>x",
    "-      \xff\xff  <math>\x10<select><mi><select><select>t",
    "%&&%&&" * 5000,
    "<table><tr><td><table><tr><td>" * 2000,
    "<a>" * 5_000 + "x",
    "<![CDATA[<h1>x]]><!-- <h1>y --><h1>z",
    '<h1 id="title">unclosed <b><i><u',
    "<h1 id=title>t</h1><div id=content><p>a<p>b<table><p>c</div></div></div>",
    "<!--",
    "<h1 id=title>&#0;&#xD800;&#x110000;&#99999999999;&bogus;&amp</h1>",
    "<h1 id=title>" + "</div>" * 10_000 + "closers</h1>",
    "<h1 id=title>x</h1><div id=content>" + "<span>" * 30_000 + "<img src=a.png>",
]


@pytest.mark.parametrize("markup", FUZZ_CORPUS, ids=range(len(FUZZ_CORPUS)))
def test_B7_fuzz_corpus_extracts_without_exceptions(markup):
    rules = ArticleRules(title="h1#title", content="div#content")
    started = time.monotonic()
    article = extract_article(
        markup, "https://e.org/a/1.html", rules, now=NOW, tz=ZoneInfo("Asia/Shanghai")
    )
    assert time.monotonic() - started < 20  # generous: this is about hangs, not speed
    assert article.title is None or article.title.strip()
    page = extract_listing(markup, "https://e.org/list/", ListingRules(item="li, tr, a"))
    assert all(e.url.startswith("https://") for e in page.entries)


def test_B7_broken_link_in_a_heading_does_not_fail_the_article():
    text = (
        '<html><body><h1><a href="http://bad]test/">Headline</a></h1>'
        '<div id="c"><p>text</p></div></body></html>'
    )
    article = extract_article(
        text, "https://e.org/a/1.html", ArticleRules(content="#c"), now=NOW, tz=UTC
    )
    assert article.title in ("Headline", None)  # a heading that links "home" may be the logo
    assert article.content_html == "<p>text</p>"


def test_B7_deep_nesting_is_flattened_below_the_limit():
    soup = parse("<div>" * 5000 + "<b>x</b>" + "</div>" * 5000)
    depth, node = 0, soup.find("div")
    while node is not None:
        depth += 1
        node = node.find("div", recursive=False)
    assert depth <= 256
    assert soup.get_text() == "x"


# --- B11 link resolution ---------------------------------------------------------------------

PAGE = "https://news.example.org/list/page.html"


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("a.html", "https://news.example.org/list/a.html"),
        ("../x", "https://news.example.org/x"),
        ("/x", "https://news.example.org/x"),
        ("//cdn.example.net/i.png", "https://cdn.example.net/i.png"),
        (" http://x.example/y ", "http://x.example/y"),
        ("\t\n http://x.example/y\x00\x1f", "http://x.example/y"),
        ('http://x.example/a b"<c>', "http://x.example/a%20b%22%3Cc%3E"),
        ("HTTPS://X.example/Case", "https://X.example/Case"),
        ("JaVaScRiPt:alert(1)", None),
        ("java\tscript:alert(1)", None),
        ("java\nscript:alert(1)", None),
        ("  javascript:alert(1)", None),
        ("data:text/html,<script>alert(1)</script>", None),
        ("vbscript:msgbox(1)", None),
        ("mailto:a@example.org", None),
        ("ftp://x.example/f", None),
        ("file:///etc/passwd", None),
        ("http://bad]test/", None),
        ("http://[::1", None),
        ("http://a b.example/", None),
        ("http://x.example:port/", None),
        ("http:///nohost", None),
        ("#top", None),
        ("", None),
        (None, None),
    ],
)
def test_B11_links_resolved_trimmed_or_dropped(href, expected):
    assert absolute_url(href, PAGE) == expected


def test_B11_listing_honours_base_href_and_drops_bad_links():
    hrefs = [
        "a.html",
        "../x",
        "/y",
        "//cdn.example.net/z",
        " http://x.example/y ",
        "JaVaScRiPt:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html,x",
        "http://bad]test/",
    ]
    items = "".join(
        f'<li><a href="{html.escape(h)}">item {n}</a></li>' for n, h in enumerate(hrefs)
    )
    text = f'<html><head><base href="/root/"></head><body><ul>{items}</ul></body></html>'
    page = extract_listing(text, "https://news.example.org/list/p.html", ListingRules(item="li"))
    assert [e.url for e in page.entries] == [
        "https://news.example.org/root/a.html",
        "https://news.example.org/x",
        "https://news.example.org/y",
        "https://cdn.example.net/z",
        "http://x.example/y",
    ]
    assert len(page.problems) == 4  # each dropped link is reported, none raised


def test_B11_article_links_and_images_resolved_per_base_rules():
    text = (
        '<html><head><base href="https://static.example.org/base/"></head><body>'
        '<h1>t</h1><div id="c"><a href="rel.html">r</a><a href=" /abs ">a</a>'
        '<img src="//cdn.example.net/i.png" srcset="s.png 1x, java\tscript:x 2x">'
        '<a href="data:text/html,x">bad</a></div></body></html>'
    )
    rules = ArticleRules(title="h1", content="#c")
    content = extract_article(
        text, "https://news.example.org/a/1.html", rules, now=NOW, tz=UTC
    ).content_html
    assert content == (
        '<a href="https://static.example.org/base/rel.html" rel="noopener noreferrer">r</a>'
        '<a href="https://static.example.org/abs" rel="noopener noreferrer">a</a>'
        '<img src="https://cdn.example.net/i.png" '
        'srcset="https://static.example.org/base/s.png 1x">'
        '<a rel="noopener noreferrer">bad</a>'
    )


def test_B11_corrupt_link_in_an_article_is_dropped_not_an_error():
    text = (
        '<html><body><h1>t</h1><div id="c"><a href="http://bad]test/">bad</a></div></body></html>'
    )
    article = extract_article(
        text, "https://e.org/a/1.html", ArticleRules(title="h1", content="#c"), now=NOW, tz=UTC
    )
    assert article.content_html == '<a rel="noopener noreferrer">bad</a>'


# --- B12, B13 identity --------------------------------------------------------------------

B12_VARIANTS = [
    "/ident/news/1.html",
    "/ident/news/1.html?utm_source=rss",
    "/ident/news/1.html?ref=rss&amp;fbclid=IwAR0abc",
    "/ident/news/1.html#comments",
    "{https}/ident/news/1.html",  # the https:// variant of the http:// portal
    "/ident/news/1.html/",
]


def test_B12_tracking_scheme_fragment_and_slash_variants_share_a_key():
    rules = IdentityRules()
    variants = [
        "https://e.org/news/1.html",
        "https://e.org/news/1.html?utm_source=rss",
        "https://e.org/news/1.html?ref=rss&fbclid=IwAR0abc",
        "https://e.org/news/1.html#comments",
        "http://e.org/news/1.html",
        "https://e.org/news/1.html/",
        "https://www.e.org/news/1.html?utm_medium=feed&utm_campaign=x#top",
    ]
    assert {article_key(v, rules) for v in variants} == {"e.org/news/1.html"}
    assert article_key("https://e.org/", rules) == article_key("https://e.org", rules) == "e.org/"
    assert article_key("https://e.org/news/1.html?id=2", rules) != "e.org/news/1.html"


def test_B12_one_article_linked_five_ways_is_one_item(tmp_path):
    with SamplePortal(articles=[]) as portal:
        https = portal.base_url.replace("http://", "https://").rstrip("/")
        links = [v.replace("{https}", https) for v in B12_VARIANTS]
        portal.route("/ident/news/", listing_page([(link, "B12 one article") for link in links]))
        portal.route("/ident/news/1.html", article_page("B12 one article"))
        config = write_config(tmp_path, destoon_source(portal.url("ident/news/"), include="[]"))
        run = feeds("update", config=config)
        assert run.code == 0, run.out + run.err
        assert portal.count("/ident/news/1.html") == 1  # fetched once
    parsed = read_feeds(tmp_path / "public", "sample")
    for fmt in ("rss", "atom"):
        assert [e.id for e in parsed[fmt].entries] == [portal.url("ident/news/1.html")]
    assert [i["id"] for i in parsed["json"]["items"]] == [portal.url("ident/news/1.html")]


def test_B13_shared_links_and_repeats_give_stable_distinct_items(tmp_path):
    first = [
        ("/dup/news/1.html", "B13 first title"),
        ("/dup/news/1.html", "B13 other item, same link"),  # a second item on one link
        ("/dup/news/2.html", "B13 two"),
        ("/dup/news/3.html", "B13 three"),
        ("/dup/news/2.html", "B13 two"),  # the same item twice
    ]
    with SamplePortal(articles=[]) as portal:
        portal.route("/dup/news/", listing_page(first))
        for n in (1, 2, 3):
            portal.route(f"/dup/news/{n}.html", article_page(f"B13 page {n}"))
        config = write_config(
            tmp_path, destoon_source(portal.url("dup/news/"), include="[]", full_text=False)
        )
        assert feeds("update", config=config).code == 0
        before = snapshot(tmp_path / "public")
        parsed = read_feeds(tmp_path / "public", "sample")
        ids = [e.id for e in parsed["atom"].entries]
        assert sorted(ids) == [portal.url(f"dup/news/{n}.html") for n in (1, 2, 3)]
        assert (
            dict(zip(ids, (e.title for e in parsed["atom"].entries), strict=True))[
                portal.url("dup/news/1.html")
            ]
            == "B13 first title"
        )
        # The next poll lists the same entries in another order: nothing new, nothing
        # renamed, not one byte of any feed rewritten (no unread flip-flop in readers).
        portal.route("/dup/news/", listing_page(list(reversed(first))))
        run = feeds("update", config=config)
        assert run.code == 0, run.out + run.err
        assert "0 new" in run.out
        assert snapshot(tmp_path / "public") == before
    with sqlite3.connect(tmp_path / "data" / "feeds.db") as db:
        assert db.execute("SELECT count(*) FROM items").fetchone() == (3,)


# --- B16 XML entities ------------------------------------------------------------------------

XXE = (
    '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">'
    '<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">'
    '<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">'
    '<!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;"><!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">]>'
)


def test_B16_pages_with_external_entities_and_billion_laughs_are_not_expanded():
    page = XXE + "<html><body><h1>&xxe;</h1><div id=c><p>&h;|&xxe;</p></div></body></html>"
    started = time.monotonic()
    article = extract_article(
        page, "https://e.org/a.html", ArticleRules(content="#c"), now=NOW, tz=UTC
    )
    assert time.monotonic() - started < 5
    text = (article.title or "") + (article.content_html or "")
    assert "root:" not in text and "aaaaaaaaaa" not in text


def test_B16_runtime_feed_check_refuses_a_doctype_and_expands_nothing():
    # The runtime check is the one place the product parses XML. Our feeds never carry a
    # DOCTYPE, so one is refused, and quickly: no file read, no entity expanded.
    rss = (XXE.replace("<!DOCTYPE r", "<!DOCTYPE rss") + "<rss>&xxe;&h;</rss>").encode()
    started = time.monotonic()
    with pytest.raises(RenderError, match="DOCTYPE"):
        check_parses("x", {"rss": rss})
    assert time.monotonic() - started < 5


def test_B16_runtime_check_rejects_a_broken_feed_and_keeps_the_old_file(tmp_path):
    good = render(META, [item()])
    publish(tmp_path, "x", good)
    broken = dict(good, atom=good["atom"].replace(b"</feed>", b"<entry>"))
    with pytest.raises(RenderError, match=r"feed x: the atom file does not parse"):
        publish(tmp_path, "x", broken)
    for fmt in FORMATS:  # no format was replaced: the three files still agree
        assert (tmp_path / f"x.{fmt}").read_bytes() == good[fmt]
    with pytest.raises(RenderError, match="json"):
        publish(tmp_path, "x", dict(good, json=b'{"version": "1", "items": []}'))


# --- S6 sanitizer ----------------------------------------------------------------------------

FORBIDDEN_ELEMENTS = {
    "script",
    "style",
    "noscript",
    "form",
    "input",
    "button",
    "meta",
    "base",
    "svg",
    "object",
    "embed",
    "link",
    "title",
}


def assert_sanitized(content: str, *, origin: str, markers: tuple[str, ...] = ()) -> None:
    """Re-parse sanitized HTML and check Miniflux-like rules on every element; iframes may
    only come from ``origin``, and no ``markers`` (text of dropped elements) may be left."""
    root = lxml.html.fragment_fromstring(content, create_parent="div")
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        assert el.tag not in FORBIDDEN_ELEMENTS, el.tag
        for name, value in el.attrib.items():
            assert not name.lower().startswith("on") and name.lower() != "style", name
            if name in ("href", "src", "poster"):
                allowed = ("http://", "https://", "mailto:") if name == "href" else ("http",)
                assert value.startswith(allowed), value
            if name == "srcset":
                assert all(c.strip().startswith("http") for c in value.split(",")), value
        if el.tag == "iframe":
            assert (el.get("src") or "").startswith(f"{origin}/")
        if el.tag == "a":
            assert el.get("rel") == "noopener noreferrer"
        if el.tag == "img":
            assert (el.get("width"), el.get("height")) != ("1", "1")
    for marker in markers:
        assert marker not in content, marker


def test_S6_hostile_article_body_is_sanitized_end_to_end(hostile):
    portal, _, _, parsed = hostile
    content = by_link(parsed, "/hostile/news/5.html")["json"]["content_html"]
    root = lxml.html.fragment_fromstring(content, create_parent="div")
    for el in root.iter("iframe"):  # the portal is http; only its own host may frame
        assert el.get("src") == portal.url("video/1.html")
    assert_sanitized(content, origin=portal.base_url.rstrip("/"), markers=S6_MARKERS)
    assert f'href="{portal.url("hostile/news/rel/page.html")}"' in content
    assert "safe text" in content and "clickable" in content and "fixed" in content
    assert sanitize_html(content, page_url=portal.url("hostile/news/5.html")) == content


def test_S6_sanitizer_rules_and_idempotence():
    page_url = "https://news.example.org/a/1.html"
    out = sanitize_html(S6_CONTENT, page_url=page_url)
    assert_sanitized(out, origin="https://news.example.org", markers=S6_MARKERS)
    assert '<a href="https://news.example.org/a/rel/page.html" rel="noopener noreferrer">' in out
    assert '<iframe src="https://news.example.org/video/1.html"></iframe>' in out
    assert "evil.example" not in out and "tracker.example" not in out
    assert 'srcset="https://news.example.org/ok2.png 2x"' in out
    assert sanitize_html(out, page_url=page_url) == out


@pytest.mark.parametrize(
    "vector",
    [
        '<a href="javascript&colon;alert(1)">x</a>',
        '<a href="&#106;avascript:alert(1)">x</a>',
        '<a href="  javascript:alert(1)">x</a>',
        '<img src="data:image/svg+xml,<svg onload=alert(1)>">',
        '<video poster="javascript:alert(1)" src="https://e.org/v.mp4"></video>',
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></math>",
        "<svg><style><img src=x onerror=alert(1)></style></svg>",
        "<p title='</p><script>alert(1)</script>'>t</p>",
        "<!--<img src=x onerror=alert(1)>-->",
        '<iframe srcdoc="<script>alert(1)</script>" src="https://news.example.org/f"></iframe>',
        '<a href="https://e.org/" target="_blank" rel="opener">t</a>',
        '<img src="https://t.example/p.gif" width="0" height="0">',
    ],
)
def test_S6_known_xss_vectors_are_neutralised(vector):
    page_url = "https://news.example.org/a/1.html"
    out = sanitize_html(vector, page_url=page_url)
    assert_sanitized(out, origin="https://news.example.org")
    assert sanitize_html(out, page_url=page_url) == out


# --- S7 markup in text fields ----------------------------------------------------------------


def test_S7_markup_in_title_and_author_is_plain_text(hostile):
    _, output, _, parsed = hostile
    entry = by_link(parsed, "/hostile/news/6.html")
    assert titles(entry) == [S7_TEXT] * 3
    assert entry["rss"].author == entry["atom"].author == S7_TEXT
    assert entry["json"]["authors"] == [{"name": S7_TEXT}]
    rss, atom = raw_items(output)
    for title in atom.iter(f"{ATOM}title"):
        assert title.get("type", "text") == "text"  # RFC 4287: absent means text
    atom_entry = next(e for e in atom.iter(f"{ATOM}entry") if e.findtext(f"{ATOM}title") == S7_TEXT)
    assert atom_entry.find(f"{ATOM}title/*") is None  # text, not child elements
    rss_item = next(i for i in rss.iter("item") if i.findtext("title") == S7_TEXT)
    assert len(rss_item.find("title")) == 0


def test_S7_rss_escapes_text_with_hex_references_and_atom_says_text(tmp_path):
    rendered = render(META, [item(title=S7_TEXT, author=S7_TEXT, summary=S7_TEXT)])
    assert b"<title>&#x3C;b&#x3E;x&#x3C;/b&#x3E;&#x3C;script&#x3E;</title>" in rendered["rss"]
    assert b"<script>" not in rendered["rss"] and b"<script>" not in rendered["atom"]
    atom = strict_xml(rendered["atom"])
    assert atom.find(f"{ATOM}entry/{ATOM}summary").get("type") == "text"
    parsed = read_rendered(rendered, tmp_path)
    assert parsed["atom"].entries[0].summary == S7_TEXT
    assert parsed["json"]["items"][0]["summary"] == S7_TEXT


# --- S8 dangerous links ----------------------------------------------------------------------


def test_S8_javascript_and_data_links_never_reach_a_feed(hostile):
    _, output, _, parsed = hostile
    public = output / "public"
    for fmt in FORMATS:
        data = (public / f"sample.{fmt}").read_bytes().lower()
        assert b"javascript:" not in data and b"data:text" not in data
    assert "S8 bad link" not in json.dumps(parsed["json"], ensure_ascii=False)


def test_S8_render_leaves_out_items_without_a_web_link(tmp_path):
    stored = [
        item(1, url="javascript:alert(document.domain)"),
        item(2, url="data:text/html,<script>alert(1)</script>", id="urn:x:2"),
        item(3, url=" JaVaScRiPt:alert(1)", id="urn:x:3"),
        item(4),
    ]
    rendered = render(META, stored)
    for fmt in FORMATS:
        assert b"alert" not in rendered[fmt] and b"data:" not in rendered[fmt]
    parsed = read_rendered(rendered, tmp_path)
    for fields in entry_fields(parsed, "link").values():
        assert fields == ["https://news.example.org/a/4.html"]


# --- S9 injection probes ---------------------------------------------------------------------


def test_S9_probes_in_every_field_round_trip_and_forge_nothing(hostile):
    portal, output, _, parsed = hostile
    entry = by_link(parsed, "/hostile/news/7.html")
    assert titles(entry) == [S9_TITLE] * 3
    assert entry["json"]["authors"] == [{"name": S9_AUTHOR}]
    assert entry["atom"].author == S9_AUTHOR
    assert entry["json"]["summary"] == S9_SUMMARY  # pre-escaped text is not unescaped
    assert entry["atom"].summary == S9_SUMMARY
    assert '&amp;lt;b&amp;gt; literal ]]&gt; and a "quote"' in entry["json"]["content_html"]
    quoted = by_link(parsed, "11.html?empty=&q=%22x%22&y=%27z%27")
    for fmt in ("rss", "atom"):
        assert quoted[fmt].link == portal.url("hostile/news/11.html?empty=&q=%22x%22&y=%27z%27")
    # Items in every format == published rows in the store; no probe forged an item.
    with sqlite3.connect(output / "data" / "feeds.db") as db:
        (rows,) = db.execute("SELECT count(*) FROM items WHERE status = 'published'").fetchone()
    rss, atom = raw_items(output)
    assert rows == len(HOSTILE) + 1
    assert len(rss.findall("channel/item")) == len(atom.findall(f"{ATOM}entry")) == rows
    assert len(parsed["json"]["items"]) == len(parsed["rss"].entries) == rows


def test_S9_attribute_and_text_escaping_in_render(tmp_path):
    url = "https://e.org/a?q=\"x\"&y='z'&lt=<1>"
    stored = [
        item(1, title="</title><item>", summary="]]>&amp;lt;", author='"a" <b>', url=url),
        item(2, title="&amp;lt; already escaped"),
    ]
    rendered = render(META, stored)
    parsed = read_rendered(rendered, tmp_path)
    expected_url = "https://e.org/a?q=%22x%22&y='z'&lt=%3C1%3E"
    assert entry_fields(parsed, "link") == {
        f: [expected_url, "https://news.example.org/a/2.html"] for f in ("rss", "atom", "json")
    }
    assert entry_fields(parsed, "title")["json"] == ["</title><item>", "&amp;lt; already escaped"]
    for fmt in ("rss", "atom"):
        assert [e.title for e in parsed[fmt].entries] == [
            "</title><item>",
            "&amp;lt; already escaped",
        ]
    assert parsed["atom"].entries[0].summary == "]]>&amp;lt;"
    assert parsed["json"]["items"][0]["authors"] == [{"name": '"a" <b>'}]
    atom = strict_xml(rendered["atom"])
    links = [
        link.get("href") for link in atom.iter(f"{ATOM}link") if link.get("rel") == "alternate"
    ]
    assert expected_url in links
    assert len(atom.findall(f"{ATOM}entry")) == 2


# --- fuzz: generated hostile HTML through extraction and rendering ---------------------------

FUZZ_SOURCE = parse_config(
    {
        "settings": {"timezone": "Asia/Shanghai"},
        "source": [
            {
                "id": "fuzz",
                "url": "https://news.example.org/list/",
                "include": [],
                "listing": {"item": "li", "link": "a", "title": "a", "date": "i"},
                "article": {
                    "title": "h1",
                    "date": ".info",
                    "author": ".info",
                    "summary": ".intro",
                    "content": "#body",
                },
            }
        ],
    },
    path=Path("config.toml"),
).sources[0]

# Any code point, surrogates and controls included (st.text's default leaves those out).
_TEXT = st.text(st.characters(min_codepoint=0, max_codepoint=0x10FFFF), max_size=12)
_NASTY_TEXT = st.sampled_from(
    [
        "\x00",
        "\x01",
        "\x0b",
        "\x1b",
        "\x7f",
        "\x85",
        "\ufffe",
        "\uffff",
        "\ud83d",
        "\ude00",
        "\ud83d\ude00",
        "\u202e",
        "\u2067",
        "\u202c",
        "𠮷",
        "ع",
        "]]>",
        "<![CDATA[",
        "]]&gt;",
        "</title>",
        "<item>",
        "</entry>",
        "&",
        "&amp;",
        "&amp;lt;",
        "&#0;",
        "&#1;",
        "&#55357;&#56832;",
        "&#xD83D;",
        "&#x110000;",
        "&#99999999;",
        "&nbsp;",
        "&bogus;",
        "&#",
        '"',
        "'",
        "<",
        ">",
        "作者：",
        "日期：2024-12-06 10:23",
        "3小时前",
        "javascript:alert(1)",
        " ",
        "\n",
        "\t",
    ]
)
_TAGS = st.sampled_from(
    [
        "p",
        "div",
        "b",
        "a",
        "img",
        "script",
        "style",
        "noscript",
        "svg",
        "math",
        "table",
        "tr",
        "td",
        "select",
        "iframe",
        "textarea",
        "title",
        "template",
        "li",
        "h1",
        "base",
        "meta",
        "form",
    ]
)
_ATTRIBUTES = st.sampled_from(
    [
        "",
        ' href="javascript:alert(1)"',
        ' href="/rel/x.html"',
        ' href="http://bad]test/"',
        " src=x onerror=alert(1)",
        ' srcset="javascript:x 1x, /a.png 2x"',
        ' style="position:fixed"',
        ' title="</noscript><img src=x onerror=alert(1)>"',
        ' id="body"',
        ' class="info"',
        ' class="intro"',
        ' width="1" height="1"',
    ]
)


@st.composite
def _fragment(draw: st.DrawFn, deep: int, depth: int = 0) -> str:
    parts: list[str] = []
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.integers(0, 9))
        if kind <= 3:
            parts.append(draw(_TEXT) + draw(_NASTY_TEXT))
        elif kind <= 7 and depth < 3:
            tag = draw(_TAGS)
            inner = draw(_fragment(deep, depth + 1))
            close = draw(st.sampled_from([f"</{tag}>", "", f"</{tag.upper()}>"]))
            parts.append(f"<{tag}{draw(_ATTRIBUTES)}>{inner}{close}")
        elif kind == 8:
            tag = draw(_TAGS)
            parts.append(f"<{tag}>" * draw(st.integers(1, deep)))  # deep, never closed
        else:
            parts.append(
                draw(st.sampled_from(["<!--", "-->", "<![CDATA[x]]>", "<!DOCTYPE x", "<"]))
            )
    return "".join(parts)


@st.composite
def _site(draw: st.DrawFn, deep: int) -> tuple[str, list[str]]:
    """A listing page and the article pages its entries link to, all hostile; runs of
    unclosed tags go up to ``deep`` levels."""

    def fragment() -> str:
        return draw(_fragment(deep))

    articles: list[str] = []
    items: list[str] = []
    for n in range(draw(st.integers(1, 3))):
        title = fragment()
        href = draw(st.sampled_from([f"/a/{n}.html", f"a/{n}.html?utm_source=x#c", f"/a/{n}/"]))
        items.append(f'<li><a href="{href}">{title}</a><i>{fragment()}</i></li>')
        articles.append(
            "<html><head>"
            + draw(st.sampled_from(["", '<meta charset="utf-8">', "<base href='/'>"]))
            + f"</head><body><h1>{fragment()}</h1><div class=info>{fragment()}"
            + f"</div><div class=intro>{fragment()}</div><div id=body>"
            + fragment()
            + ("" if draw(st.booleans()) else "</div></body></html>")
        )
    listing = f"<html><body><ul>{''.join(items)}{fragment()}</ul></body></html>"
    return listing, articles


def _check_site(site: tuple[str, list[str]]) -> None:
    """Extract, build items and render like a poll; every feed must parse strictly."""
    listing, articles = site
    list_url = FUZZ_SOURCE.urls[0]
    entries = extract_listing(listing, list_url, FUZZ_SOURCE.listing).entries
    stored: list[StoredItem] = []
    for entry, text in zip(entries, articles, strict=False):
        listed = Listed(article_key(entry.url, FUZZ_SOURCE.identity), entry, NOW)
        page = Page(url=entry.url, text=text, encoding="utf-8", fetched_at=NOW)
        try:
            built = build_item(FUZZ_SOURCE, listed, page, now=NOW).item
        except FeedsError:
            continue  # e.g. no title anywhere: the item is skipped, which is allowed
        assert built.title.strip() and built.url.startswith("https://news.example.org/")
        stored.append(built)
    rendered = render(META, stored)
    check_parses(META.id, rendered)
    for fmt in ("rss", "atom"):
        root = strict_xml(rendered[fmt])
        count = len(root.findall("channel/item") if fmt == "rss" else root.findall(f"{ATOM}entry"))
        result = feedparser.parse(rendered[fmt])
        assert not result.bozo, f"{fmt}: {result.get('bozo_exception')}"
        assert len(result.entries) == count
    doc = json.loads(rendered["json"].decode("utf-8"))
    assert_json_feed(doc)
    published = {i.id for i in stored if i.status == "published"}
    assert {i["id"] for i in doc["items"]} == published
    for entry_doc in doc["items"]:
        if "content_html" in entry_doc:
            assert_sanitized(entry_doc["content_html"], origin="https://news.example.org")


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
@given(_site(deep=300))
def test_B7_fuzz_hostile_html_gives_strictly_valid_feeds(site):
    _check_site(site)


@pytest.mark.slow
@settings(
    max_examples=1000, deadline=None, suppress_health_check=list(HealthCheck), derandomize=False
)
@given(_site(deep=5000))
def test_B7_fuzz_hostile_html_gives_strictly_valid_feeds_long_run(site):
    _check_site(site)
