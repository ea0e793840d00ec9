"""Render stored items as RSS 2.0, Atom 1.0 and JSON Feed 1.1 (``output`` writes the files).

``render`` is pure: the same ``FeedMeta`` and items always give the same bytes, so a feed
whose data did not change is not rewritten (``output.write_atomic`` skips identical bytes) and
readers polling with ETag/Last-Modified see no spurious updates. feedgen builds RSS and Atom
(this is the only module that imports it); JSON Feed is plain ``json``.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import lxml.html
from feedgen.feed import FeedGenerator
from lxml import etree

from feeds.clean import absolute_url, repair_surrogates, strip_bidi
from feeds.errors import RenderError
from feeds.formats import FORMATS, REGISTRY
from feeds.lazyre import lazy
from feeds.models import FeedMeta, StoredItem

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
RSS_DOCS = "https://www.rssboard.org/rss-specification"
EXCERPT_CHARS = 300  # length of the plain-text summary made from content when none is stored

# Characters XML 1.0 forbids (C0 controls but \t \n \r, lone surrogates, U+FFFE/U+FFFF) and
# the C1 controls it discourages: lxml refuses the former, and both only ever reach us
# from broken pages or mis-decoded text, never as meaning.
_XML_UNSAFE = lazy("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_SPACES = lazy(r"\s+")
# RSS elements holding text, as lxml serialises them (so with no raw "<" inside). Item
# descriptions are HTML, but their escaped text reads the same with either escaping.
_RSS_PLAIN_ELEMENT = re.compile(rb"<(title|description|dc:creator)>(.*?)</\1>", re.DOTALL)
# Elements after which text from the next block should not run on without a space.
_BLOCK_TAGS = frozenset(
    "address article aside blockquote br dd div dl dt figcaption figure "  # noqa: SIM905
    "footer h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section "
    "table td th tr ul".split()
)


def clean_text(value: str) -> str:
    """``value`` without the characters XML 1.0 cannot carry (a surrogate pair becomes the
    character it encodes, a lone surrogate goes)."""
    return _XML_UNSAFE.sub("", repair_surrogates(value, lone=""))


def _one_line(value: str) -> str:
    # Titles, names and summaries are single-line plain text; stray newlines from page
    # markup would otherwise show up in readers (and break the one-line RSS escaping
    # below). Readers show them inline, where an open bidi override would reverse the
    # reader's own text after it, so those go too (the stages before strip them as well).
    return _SPACES.sub(" ", strip_bidi(clean_text(value))).strip()


def _excerpt(content_html: str) -> str:
    """A trimmed plain-text rendering of sanitised HTML, for items stored without summary."""
    if not content_html.strip():
        return ""
    try:
        root = lxml.html.fragment_fromstring(content_html, create_parent="div")
    except (etree.ParserError, ValueError):
        return ""
    for element in root.iter():
        if element.tag in _BLOCK_TAGS:
            element.tail = " " + (element.tail or "")
    text = _SPACES.sub(" ", root.text_content()).strip()
    if len(text) <= EXCERPT_CHARS:
        return text
    cut = text[:EXCERPT_CHARS]
    # Break at a word boundary when there is one near the end; CJK text has none, so it is
    # cut at the character limit.
    space = cut.rfind(" ")
    if space >= EXCERPT_CHARS * 0.8:
        cut = cut[:space]
    return cut.rstrip() + "…"


def _timestamp(value: datetime, what: str) -> datetime:
    """``value`` ready to print: aware, whole seconds, offset kept as the source gave it.

    The offset is kept (not converted to UTC) so a reader showing the raw date sees the
    source's local day: a day-only date stays ``2024-12-06T00:00:00+08:00`` instead of
    becoming the previous day in UTC.
    """
    offset = value.utcoffset()
    if offset is None:
        raise RenderError(
            f"{what} has no time zone ({value.isoformat()})",
            fix="store aware datetimes; this is a bug in the stage that built the item",
        )
    value = value.replace(microsecond=0)  # RFC 822 has no fractions; keep all formats equal
    if offset.total_seconds() % 60:
        # Historical local mean times (e.g. +08:05:43) are not valid RFC 3339/822 offsets.
        value = value.astimezone(UTC)
    return value


def _rfc3339(value: datetime) -> str:
    return value.isoformat(timespec="seconds")


@dataclass(frozen=True)
class _Entry:
    """One item with every string cleaned and every date normalised, shared by all formats."""

    id: str
    url: str
    title: str
    author: str | None
    summary: str  # stored summary or an excerpt of the content; "" when neither exists
    content_html: str | None
    published: datetime
    updated: datetime  # never before published
    edited: bool  # updated is later than published


def _entries(items: Sequence[StoredItem]) -> list[_Entry]:
    entries: list[_Entry] = []
    seen: set[str] = set()
    for item in items:
        # Filtered items stay in the store only so they are not fetched again.
        if item.status != "published":
            continue
        item_id = clean_text(item.id).strip()
        # Duplicate ids make Atom invalid and make readers drop or merge entries.
        if not item_id or item_id in seen:
            continue
        # A link readers would open must be a web address: never javascript: or data:
        # (changedetection#1358), and an item without one is not worth publishing.
        url = absolute_url(clean_text(item.url), "")
        if url is None:
            continue
        seen.add(item_id)
        content = clean_text(item.content_html) if item.content_html else None
        if content is not None and not content.strip():
            content = None
        summary = _one_line(item.summary or "")
        if not summary and content:
            summary = strip_bidi(_excerpt(content))
        author = _one_line(item.author) if item.author else ""
        published = _timestamp(item.published, f"item {item_id} published")
        updated = max(_timestamp(item.updated, f"item {item_id} updated"), published)
        entries.append(
            _Entry(
                id=item_id,
                url=url,
                # Atom and RSS both need a title; the URL is the most useful stand-in.
                title=_one_line(item.title) or url,
                author=author or None,
                summary=summary,
                content_html=content,
                published=published,
                updated=updated,
                edited=updated > published,
            )
        )
    return entries


@dataclass(frozen=True)
class _Channel:
    title: str
    home_url: str
    description: str
    self_urls: dict[str, str]
    updated: datetime
    language: str | None
    generator: str
    hubs: tuple[str, ...] = ()  # WebSub hubs (rel="hub")


def _channel(meta: FeedMeta) -> _Channel:
    self_urls: dict[str, str] = {}
    for fmt in FORMATS:
        url = clean_text(meta.self_urls.get(fmt, "")).strip()
        if not url:
            raise RenderError(
                f"feed {meta.id} has no public URL for its {fmt} file",
                fix="give the feed a public base URL so every format has a self link",
            )
        self_urls[fmt] = url
    home_url = clean_text(meta.home_url).strip()
    title = _one_line(meta.title) or home_url
    return _Channel(
        title=title,
        home_url=home_url,
        description=_one_line(meta.description),
        self_urls=self_urls,
        updated=_timestamp(meta.updated, f"feed {meta.id} updated"),
        language=_one_line(meta.language) if meta.language else None,
        generator=_one_line(meta.generator) or "feeds",
        hubs=tuple(url for url in (clean_text(hub).strip() for hub in meta.hubs) if url),
    )


def _new_generator(channel: _Channel) -> Any:
    fg = FeedGenerator()
    fg.title(channel.title)
    # feedgen would put "now" in lastBuildDate/updated and its own name, version and URI
    # in the generator: set both so the output depends on the data alone.
    fg.updated(channel.updated)
    fg.generator(channel.generator)
    if channel.language:
        fg.language(channel.language)
    return fg


def _rss_profile_escapes(xml: bytes) -> bytes:
    """Write ``&``, ``<`` and ``>`` in plain-text RSS elements as hexadecimal references.

    RSS does not say whether a title is text or HTML. The RSS Best Practices Profile asks
    publishers to encode these characters as ``&#x26;`` ``&#x3C;`` ``&#x3E;`` in that case,
    and validators take those references as the sign of plain text. XML parsers read them
    exactly like ``&amp;`` ``&lt;`` ``&gt;``, so the document's meaning does not change.
    """

    def hexify(match: re.Match[bytes]) -> bytes:
        body = (
            match.group(2)
            .replace(b"&amp;", b"&#x26;")
            .replace(b"&lt;", b"&#x3C;")
            .replace(b"&gt;", b"&#x3E;")
        )
        return b"<%s>%s</%s>" % (match.group(1), body, match.group(1))

    return _RSS_PLAIN_ELEMENT.sub(hexify, xml)


class _RssHubLinks:
    """feedgen feed extension that writes the WebSub hubs as ``<atom:link rel="hub">``
    after the self link: feedgen's RSS keeps only the self link of the Atom links."""

    hubs: tuple[str, ...] = ()

    def extend_ns(self) -> dict[str, str]:
        return {}

    def extend_atom(self, feed: etree._Element) -> etree._Element:
        return feed

    def extend_rss(self, rss: etree._Element) -> etree._Element:
        channel = rss.find("channel")
        link = "{http://www.w3.org/2005/Atom}link"
        selflink = channel.find(link) if channel is not None else None
        if selflink is None:
            return rss
        for hub in reversed(self.hubs):
            element = etree.Element(link, href=hub, rel="hub")
            selflink.addnext(element)
        return rss


def _render_rss(channel: _Channel, entries: Sequence[_Entry]) -> bytes:
    fg = _new_generator(channel)
    if channel.hubs:
        fg.register_extension("feeds_hubs", _RssHubLinks, atom=False, rss=True)
        fg.feeds_hubs.hubs = channel.hubs
    # Names go to dc:creator: RSS <author> must be an email address, which we never have.
    fg.load_extension("dc", atom=False, rss=True)
    fg.description(channel.description or channel.title)  # RSS requires a non-empty one
    fg.docs(RSS_DOCS)
    fg.link(href=channel.self_urls["rss"], rel="self", type="application/rss+xml")
    # feedgen takes the channel <link> from the last link added.
    fg.link(href=channel.home_url, rel="alternate")
    for entry in entries:
        fe = fg.add_entry(order="append")
        fe.title(entry.title)
        fe.link(href=entry.url)
        fe.guid(entry.id, permalink=entry.id == entry.url)
        fe.published(entry.published)
        if entry.summary:
            # RSS readers treat <description> as HTML; escape so plain text stays text.
            fe.description(html.escape(entry.summary, quote=False))
        if entry.content_html:
            fe.content(entry.content_html)  # becomes <content:encoded>
        if entry.author:
            fe.dc.dc_creator(entry.author)
    xml: bytes = fg.rss_str(pretty=True, encoding="UTF-8", xml_declaration=True)
    return _rss_profile_escapes(xml)


class _AtomEntryLinkRel:
    """feedgen entry extension that writes ``rel="alternate"`` on entry links.

    feedgen 1.0 drops every attribute but ``href`` from entry links (it reuses its loop
    variable); rel defaults to alternate in Atom, but stating it helps readers that look
    for it. feedgen calls ``extend_atom`` with the finished ``<entry>`` element.
    """

    def extend_ns(self) -> dict[str, str]:
        return {}

    def extend_rss(self, item: etree._Element) -> etree._Element:
        return item

    def extend_atom(self, entry: etree._Element) -> etree._Element:
        for link in entry.findall("link"):
            if link.get("rel") is None:
                link.set("rel", "alternate")
        return entry


def _render_atom(channel: _Channel, entries: Sequence[_Entry]) -> bytes:
    fg = _new_generator(channel)
    fg.id(channel.self_urls["atom"])
    # Atom requires an author on every entry or on the feed (RFC 4287 §4.1.1): the site, on
    # the feed. Put on each entry, it would show in readers as the writer of every article.
    fg.author(name=channel.title)
    if channel.description:
        fg.subtitle(channel.description)
    fg.link(href=channel.self_urls["atom"], rel="self", type="application/atom+xml")
    fg.link(href=channel.home_url, rel="alternate", type="text/html")
    for hub in channel.hubs:
        fg.link(href=hub, rel="hub")
    for entry in entries:
        fe = fg.add_entry(order="append")
        fe.register_extension("feeds_link_rel", _AtomEntryLinkRel, atom=True, rss=False)
        fe.id(entry.id)
        fe.title(entry.title)
        fe.updated(entry.updated)
        fe.published(entry.published)
        fe.link(href=entry.url, rel="alternate")
        if entry.author:
            fe.author(name=entry.author)
        if entry.summary:
            fe.summary(entry.summary, type="text")
        if entry.content_html:
            fe.content(entry.content_html, type="html")
    xml: bytes = fg.atom_str(pretty=True, encoding="UTF-8", xml_declaration=True)
    return xml


def _render_json(channel: _Channel, entries: Sequence[_Entry]) -> bytes:
    # Keys are inserted in a fixed order (version first, as in the spec's examples), which
    # keeps the output stable and readable without sort_keys.
    doc: dict[str, Any] = {
        "version": JSON_FEED_VERSION,
        "title": channel.title,
        "home_page_url": channel.home_url,
        "feed_url": channel.self_urls["json"],
    }
    if channel.description:
        doc["description"] = channel.description
    if channel.language:
        doc["language"] = channel.language
    if channel.hubs:
        doc["hubs"] = [{"type": "WebSub", "url": hub} for hub in channel.hubs]
    items: list[dict[str, Any]] = []
    for entry in entries:
        item: dict[str, Any] = {"id": entry.id, "url": entry.url, "title": entry.title}
        if entry.content_html:
            item["content_html"] = entry.content_html
        else:
            # JSON Feed requires content_html or content_text on every item.
            item["content_text"] = entry.summary
        if entry.summary:
            item["summary"] = entry.summary
        item["date_published"] = _rfc3339(entry.published)
        if entry.edited:
            item["date_modified"] = _rfc3339(entry.updated)
        if entry.author:
            item["authors"] = [{"name": entry.author}]
        items.append(item)
    doc["items"] = items
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def render(meta: FeedMeta, items: Sequence[StoredItem]) -> dict[str, bytes]:
    """Every format of one feed, keyed by format name (also the file extension).

    ``items`` come newest first and keep that order. Items not ``published`` and repeated
    ids are left out. Pure: no clock, no environment, so equal input gives equal bytes.
    """
    channel = _channel(meta)
    entries = _entries(items)
    try:
        return {fmt: _RENDERERS[fmt](channel, entries) for fmt in FORMATS}
    except ValueError as exc:  # feedgen's and lxml's way of rejecting a value
        raise RenderError(
            f"feed {meta.id} could not be rendered: {exc}",
            fix="check the stored items of this feed; this is likely a bug",
        ) from exc


def check_parses(feed_id: str, rendered: dict[str, bytes]) -> None:
    """Read every rendered file back with a strict parser, as the pickiest reader would.

    One bad character or an escaping bug would make the whole feed unreadable, and readers
    keep no old copy: a file that fails here is not published, the previous one stays
    served, and the error names the feed. XML is parsed with no DTD, entities or network,
    and without lxml's size limits (those guard against hostile input, not our own).
    """
    for fmt, data in rendered.items():
        try:
            if REGISTRY[fmt].xml_root is None:
                doc = json.loads(data.decode("utf-8"))
                if not isinstance(doc, dict) or doc.get("version") != JSON_FEED_VERSION:
                    raise ValueError("not a JSON Feed 1.1 document")
                items = doc.get("items")
                if not isinstance(items, list):
                    raise ValueError("no items list")
                if not all(isinstance(i, dict) and isinstance(i.get("id"), str) for i in items):
                    raise ValueError("an item has no string id")
            else:
                # We never write a DOCTYPE (text escapes "<"): one could only come from
                # injected markup, and its entities are not for a parser to look at.
                if b"<!DOCTYPE" in data:
                    raise ValueError("the file has a DOCTYPE")
                parser = etree.XMLParser(
                    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True
                )
                root = etree.fromstring(data, parser)
                if root.tag != REGISTRY[fmt].xml_root:
                    raise ValueError(f"root element is {root.tag}")
        except (ValueError, etree.XMLSyntaxError) as exc:  # JSONDecodeError is a ValueError
            raise RenderError(
                f"feed {feed_id}: the {fmt} file does not parse ({exc}); the previous file is kept",
                fix="this is a bug in rendering; report it with the feed's latest items",
            ) from exc


# Each format of ``formats.REGISTRY`` and its renderer; checked when this module loads, so a
# format without one fails at start, never as a KeyError at request time.
_RENDERERS: dict[str, Callable[[_Channel, Sequence[_Entry]], bytes]] = {
    "rss": _render_rss,
    "atom": _render_atom,
    "json": _render_json,
}
if set(_RENDERERS) != set(FORMATS):
    raise ImportError(f"render: renderers {sorted(_RENDERERS)} != formats {list(FORMATS)}")
