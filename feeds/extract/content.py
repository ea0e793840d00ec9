"""Main-content fallback for pages without a content selector: trafilatura (used only here),
checked against the densest block of prose (``density.py``).

trafilatura is careful on modern pages, but on old table-layout portals it often falls back
to most of the page (navigation bars, teaser lists, footers) or finds nothing. The densest
block is taken instead only when that is clearly the case: trafilatura found nothing, or its
text holds the whole block plus only link lists and fragments. Any prose that trafilatura
found outside the block (a lead paragraph, a standfirst) keeps its result.

Whichever wins, a standfirst set in the article's header apart from the body (which
trafilatura leaves out) is put back first (``with_lead``), and the captions of pictures are
taken out of the text (``strip_captions``; the pictures stay), and so are the blocks of
links at the content's edges and a heading left last, which heads a section the extractor
cut (``strip_edges``).
"""

from __future__ import annotations

import re
from collections import Counter

from bs4 import BeautifulSoup, Tag
from bs4.element import NavigableString, PageElement

from feeds.extract.density import (
    Block,
    densest_block,
    prose_and_links,
    squashed,
    squashed_text,
    visible_strings,
    weight,
)
from feeds.extract.html import attr, inside, parse
from feeds.extract.markup import HEADINGS
from feeds.extract.page import elsewhere
from feeds.extract.siblings import with_siblings
from feeds.lazyre import lazy

# A block that weighs less (about two sentences) is no article on its own.
_BLOCK_MIN = 100
# The share of the block's characters that trafilatura's text must hold for it to count as
# "the block plus more".
_INSIDE = 0.95
# The block must weigh at least this share of the prose in trafilatura's text: else that
# text is about something else (another story, a page of teasers' snippets), not the block
# plus chrome, however much chrome it holds.
_SHARE = 0.5
# Prose that trafilatura has beyond the block, as a share of the block's score, up to which
# it is taken for teaser snippets and not for part of the article.
_EXTRA_PROSE = 0.2
# A menu: at least this many items of at most this many characters, between bars or dots.
_MENU_ITEMS = 4
_MENU_ITEM_CHARS = 8
_MENU_SEPARATORS = lazy(r"\s*[|｜·•]\s*")
_BAR_ONLY = lazy(r"[\s|｜·•\u3000\u00a0]*")
_SENTENCE_MARK = lazy(r"[。，；！？,;!?]")
# trafilatura's text with less prose than this (a few sentences), beside a block that weighs
# at least _STORY_MIN, missed the story.
_FEW_SENTENCES = 300
_STORY_MIN = 1000
# Class and id words of a standfirst: the lead that news templates set in the article's
# header, apart from the body ('content__intro', 'chapo', 'teaser-text', '…__abstract').
# trafilatura (favouring precision) leaves it out with the header.
_LEAD_WORDS = frozenset(
    {"intro", "lead", "lede", "standfirst", "abstract", "chapo", "teaser", "dek", "deck",
     "excerpt", "summary", "digest"}
)  # fmt: skip
# ... unless it also names a picture: 'lede-image-data' holds a photo credit.
_NOT_LEAD_WORDS = frozenset(
    {"image", "img", "photo", "picture", "media", "video", "figure", "caption", "credit"}
)
_CLASS_WORD = lazy(r"[^a-z]+")
# Class words of a picture's caption or credit ('wp-caption-text', 'figure__caption').
_CAPTION_WORDS = frozenset({"caption", "figcaption", "credit", "credits"})
_PICTURES = ("img", "picture", "video", "svg")
# The shortest and longest text, in characters without spaces, read as a caption by position
# alone: shorter is a label or a count ('Merken', '3'), longer is a paragraph.
_CAPTION_MIN = 15
_CAPTION_MAX = 250
# How far up from a picture its caption's wrapper is looked for, and how many blocks the
# wrapper holds at most (the pictures and the caption).
_CAPTION_DEPTH = 3
_CAPTION_SIBLINGS = 4
# Where a picture beside a text is no captioned picture: a paragraph (a picture within the
# text), a teaser (a link or list item with its picture and headline), a table row or cell.
_NOT_CAPTION_WRAPPERS = frozenset({"p", "a", "li", "tr", "td", "button", "body", "html"})
# How far up from the body's first paragraph the lead is looked for (it shares the article's
# container with the body), and how much of it may be link text.
_LEAD_DEPTH = 10
_LEAD_PROSE_MIN = 40
_LEAD_LINKED = 0.2
# Chrome (negative weight) between the block and prose that trafilatura kept beyond it, above
# which that prose is the page's (a legal notice under the related links), not the story's.
_SEPARATED = 200
_ANCHOR = 10  # characters of a string that place it in the block
# A block at the content's edge with at least this share of link text is links only.
_LINKED_EDGE = 0.9
# Last in the content, a short line that leads into what the extractor cut: 'Lesen Sie auch:',
# '相关阅读：', 'Schon gelesen?' (a question only in a few words of a Latin script: a Chinese
# story may well end by asking '你怎么看？').
_LEAD_IN = lazy(r"^\S.{0,30}[:：]$|^[^\W\d_][\w'’-]*(?:\s[\w'’-]+){0,2}\?$")
# … or a line that sends the reader to the site's social accounts ('Folgen Sie uns auf
# Twitter', 'Follow us on Facebook'): every link in it goes to one.
_SOCIAL = lazy(
    r"^https?://(?:[\w-]+\.)*(?:twitter\.com|x\.com|facebook\.com|instagram\.com|linkedin\.com"
    r"|youtube\.com|t\.me|weibo\.com|tiktok\.com|pinterest\.\w+|xing\.com|threads\.net"
    r"|bsky\.app|whatsapp\.com|wa\.me)(?:[/?#]|$)",
    re.IGNORECASE,
)
_SOCIAL_TEXT_MAX = 160


def main_content_html(page: BeautifulSoup, text: str, url: str) -> str | None:
    """The article body as HTML, without navigation, sidebars and footers; None if none found.

    ``page`` is ``text`` parsed; it is only read."""
    extracted = _trafilatura(text, url)
    block = densest_block(page)
    if block is None or block.score < _BLOCK_MIN:
        return extracted and with_siblings(page, extracted)
    if extracted is None or block_is_better(block, extracted):
        return with_lead(page, block.html())
    return with_lead(page, with_siblings(page, extracted))


def with_lead(page: BeautifulSoup, html: str) -> str:
    """``html`` with the page's standfirst put first when the extractor left it out: a block
    named as a lead (``_LEAD_WORDS``) that is prose, in the same container as the body's first
    paragraph and before it."""
    fragment = parse(html)
    strings = [(squashed(str(s)), str(s), link) for s, _, link in visible_strings(fragment)]
    fragment.decompose()
    found = "".join(key for key, _, _ in strings)
    first = next((key for key, text, link in strings if weight(text, link) > 0), None)
    anchor = _page_string(page, first) if first else None
    if anchor is None:
        return html
    lead = _lead_before(anchor)
    if lead is None:
        return html
    text = "".join(squashed(str(s)) for s, _, _ in visible_strings(lead))
    if text[:_LEAD_PROSE_MIN] in found:
        return html
    return str(lead) + html


def _page_string(page: BeautifulSoup, key: str) -> NavigableString | None:
    """The page's visible string that holds the start of ``key`` (the extractor may have
    joined or split the page's strings)."""
    start = key[:_LEAD_PROSE_MIN]
    for string, _, _ in visible_strings(page.body or page):
        text = squashed(str(string))
        if len(text) >= len(start) and (start in text or text in key):
            return string
    return None


def _lead_before(anchor: NavigableString) -> Tag | None:
    """The innermost lead block before ``anchor`` under one of its nearest ancestors."""
    around = {id(parent) for parent in anchor.parents}
    for depth, container in enumerate(anchor.parents):
        if depth >= _LEAD_DEPTH or container.name in ("body", "html"):
            return None
        chosen: Tag | None = None
        for node in container.descendants:
            if node is anchor:
                break
            if isinstance(node, Tag) and id(node) not in around and _is_lead(node):
                if chosen is not None and not inside(node, chosen):
                    break  # a second lead: keep the first
                chosen = node
        if chosen is not None:
            return chosen
        if container.name in ("article", "main"):
            return None
    return None


def _is_lead(node: Tag) -> bool:
    words = set(_CLASS_WORD.split(f"{attr(node, 'class') or ''} {attr(node, 'id') or ''}".lower()))
    if words.isdisjoint(_LEAD_WORDS) or not words.isdisjoint(_NOT_LEAD_WORDS):
        return False
    if node.name in ("figure", "figcaption") or elsewhere(node, itself=True):
        return False
    prose, linked, total = prose_and_links(node)
    return prose >= _LEAD_PROSE_MIN and linked <= _LEAD_LINKED * total


def block_is_better(block: Block, extracted: str) -> bool:
    """Whether trafilatura's result is the block plus chrome: it holds (nearly) all the
    block's text, the block is at least half of it, and what it has beyond the block weighs
    less than nothing (links, fragments) with little prose among it."""
    fragment = parse(extracted)
    strings = [(squashed(str(s)), str(s), in_link) for s, _, in_link in visible_strings(fragment)]
    fragment.decompose()
    found = "".join(key for key, _, _ in strings)
    prose = sum(max(weight(string, in_link), 0.0) for _, string, in_link in strings)
    if prose < _FEW_SENTENCES and block.score >= _STORY_MIN:
        # trafilatura took another part of the page (a list of job ads, of teasers), with
        # hardly a sentence in it, beside a block that holds a story: the block is the story.
        return True
    if len(block.text) >= len(found) or block.score < _SHARE * prose:
        return False
    held = sum((Counter(block.text) & Counter(found)).values())
    if held < _INSIDE * len(block.text):
        return False
    extra = extra_prose = 0.0
    values = [None if key in block.text else weight(s, link) for key, s, link in strings]
    # A short string found in the block's text ('。', 'AP') places nothing: it is chrome there.
    anchors = [
        min(weight(s, link), 0.0) if v is None and len(key) < _ANCHOR else v
        for v, (key, s, link) in zip(values, strings, strict=True)
    ]
    for value, far in zip(values, _far_from_block(anchors), strict=True):
        if value is not None and not (far and value > 0):
            extra += value
            extra_prose += max(value, 0.0)
    return extra < 0 and extra_prose <= _EXTRA_PROSE * block.score


def _far_from_block(values: list[float | None]) -> list[bool]:
    """For each string (None: one of the block's), whether it comes after the block with
    more chrome than ``_SEPARATED`` between: a legal notice below the related links, a
    teaser's snippet, no part of the story that trafilatura kept beside the block. Prose
    before the block stays near, whatever lies between: a standfirst set apart in the
    header, above a picture or an advertisement."""
    since, far = float("inf"), []
    seen = False
    for value in values:
        seen = seen or value is None
        since = 0.0 if value is None else since - min(value, 0.0)
        far.append(seen and since > _SEPARATED)
    return far


def strip_captions(root: Tag, page: BeautifulSoup) -> None:
    """Remove the captions and credits of pictures from extracted content, in place; the
    pictures stay. A caption describes the picture, not the story: read as body text it
    breaks into the paragraphs ('Photo: AFP', 'Le piquet de grève dans le hall …'). A caption
    is known by its own markup or, as trafilatura drops class names, by the text of one of
    the page's (``page``, only read) captions."""
    marked, named = _marked_captions(page)
    placed = _placed_captions(page)
    known = (marked | placed) - {""}
    for node in list(root.find_all(True)):
        if node.parent is None or node.find(_PICTURES) is not None:
            continue  # removed with its parent, or the picture's wrapper (its caption goes)
        if _caption(node) or squashed_text(node) in known:
            node.decompose()
    # trafilatura writes a caption without markup as loose text after its picture
    # ('<img/>Abbildung: …'). One from a figcaption it keeps so on purpose (and the gold of
    # tests/corpus counts some as text): those stay. A caption a gallery names by class
    # ('caption-full', 'caption-truncated') it may write anywhere, twice (in full, then cut
    # short): that goes wherever it stands.
    loose = placed - marked
    for string in list(root.find_all(string=True)):
        if type(string) is not NavigableString:
            continue
        previous = string.previous_sibling
        after_picture = isinstance(previous, Tag) and _picture(previous)
        text = squashed(str(string))
        if (after_picture and text in loose) or (len(text) >= _CAPTION_MIN and text in named):
            string.extract()


def _caption(node: Tag) -> bool:
    """Whether ``node`` is a caption or credit that holds no picture itself (not the
    wrapper of the picture, whose class often says caption too: 'wp-caption')."""
    words = _CLASS_WORD.split((attr(node, "class") or "").lower())
    named = any(word in _CAPTION_WORDS or word.endswith("caption") for word in words)
    if node.name != "figcaption" and not named:
        return False
    return node.find(_PICTURES) is None


def _marked_captions(page: BeautifulSoup) -> tuple[set[str], set[str]]:
    """The texts of the captions the page marks up (figcaption, or a class that says so), and
    of those named by class outside any figcaption: each whole, and without its links ('less',
    '... more'), which the extractor may write apart."""
    marked: set[str] = set()
    named: set[str] = set()
    for node in page.find_all(True):
        if not _caption(node):
            continue
        strings = list(visible_strings(node))
        whole = "".join(squashed(str(s)) for s, _, _ in strings)
        marked.add(whole)
        if node.name != "figcaption" and node.find_parent("figcaption") is None:
            named.add(whole)
            named.add("".join(squashed(str(s)) for s, _, link in strings if not link))
    return marked, named - {""}


def _placed_captions(page: BeautifulSoup) -> set[str]:
    """The texts of the page's captions known by their place alone: a short text that shares
    its wrapper with pictures and nothing else ('<div class="imginline"><img><span>Abbildung:
    …</span></div>'). Looked for beside each picture and up through the text-less wrappers
    around it (a link, a <picture>). Not inside a paragraph, where a picture may stand beside
    a phrase of the text, nor a link or list item (a teaser's headline), and not longer than
    a caption."""
    found: set[str] = set()
    for picture in page.find_all(_PICTURES):
        holder = picture
        for _ in range(_CAPTION_DEPTH):
            parent = holder.parent
            if parent is None or parent.name in _NOT_CAPTION_WRAPPERS:
                break
            children = [c for c in parent.children if isinstance(c, Tag) or str(c).strip()]
            if len(children) > _CAPTION_SIBLINGS:
                break
            others = [c for c in children if c is not holder and not _picture_or_break(c)]
            if others:
                caption = others[0]
                if len(others) == 1 and isinstance(caption, Tag) and _placed(caption):
                    found.add(squashed_text(caption))
                break  # the text beside the picture is at this level
            holder = parent
    return found


def _picture_or_break(node: PageElement) -> bool:
    return _picture_only(node) or (isinstance(node, Tag) and node.name == "br")


def _placed(node: Tag) -> bool:
    if node.name == "a" or node.find(_PICTURES) is not None:
        return False
    return _CAPTION_MIN <= len(squashed_text(node)) <= _CAPTION_MAX


def _picture(node: Tag) -> bool:
    """A picture, or a wrapper (a link, a span) that holds one and no text."""
    if node.name in _PICTURES:
        return True
    return node.find(_PICTURES) is not None and not squashed_text(node)


def strip_menus(root: Tag) -> None:
    """Remove navigation left inside extracted content, in place: a run of four or more short
    links separated by bars or dots ('<a>首页</a> | <a>时事</a> | …'), or a text that is such a
    menu itself ('首页 | 时事 | 生活 | 财经'). Table layouts put the menu in the story's cell."""
    for string in list(root.find_all(string=True)):
        if type(string) is NavigableString and menu_like(str(string)):
            string.extract()
    for link in list(root.find_all("a")):
        if link.parent is None:
            continue  # removed with an earlier run
        run = _link_run(link)
        if len(run) >= _MENU_ITEMS:
            for node in run:
                node.extract()


def strip_edges(root: Tag) -> None:
    """Remove, in place, what the extractor left at the edges of the content that is no part
    of the story: blocks that are all links before the first text and after the last ('Share
    on Facebook', '版权声明', teaser links), and last a heading or a line leading into a section
    the extractor cut ('Related articles', 'Lesen Sie auch:') or to the site's social accounts
    ('Folgen Sie uns auf Twitter'). Pictures stay."""
    box = blocks_holder(root)
    for last in (True, False):
        edges = [c for c in box.children if not _blank(c)]
        texts = sum(not _picture_only(c) for c in edges)
        for node in reversed(edges) if last else edges:
            if _picture_only(node):
                continue  # a picture stays, and what is beyond it is looked at
            if texts < 2 or not _edge_chrome(node, last):
                break
            node.extract()
            texts -= 1


def blocks_holder(root: Tag) -> Tag:
    """The element whose children are the content's blocks: ``root``, or the one wrapper it
    holds (trafilatura writes ``<body><div><p>…``)."""
    box = root
    while True:
        children = [c for c in box.children if not _blank(c)]
        if len(children) != 1 or not isinstance(children[0], Tag) or children[0].name == "p":
            return box
        box = children[0]


def _blank(node: PageElement) -> bool:
    return isinstance(node, NavigableString) and not node.strip()


def _edge_chrome(node: PageElement, last: bool) -> bool:
    if _heading(node):
        return last  # last, it heads a cut section; first, it is the title (linked or not)
    if last and isinstance(node, Tag) and (_lead_in(node) or _social(node)):
        return True
    return _all_links(node)


def _lead_in(node: Tag) -> bool:
    return bool(_LEAD_IN.match(" ".join(node.get_text(" ").split())))


def _social(node: Tag) -> bool:
    links = node.find_all("a")
    if not links or len(node.get_text(" ").strip()) > _SOCIAL_TEXT_MAX:
        return False
    return all(_SOCIAL.match(str(link.get("href") or "").strip()) for link in links)


def _picture_only(node: PageElement) -> bool:
    return isinstance(node, Tag) and _picture(node)


def _all_links(node: PageElement) -> bool:
    """Whether ``node`` shows only link text, or nothing, and no picture."""
    if not isinstance(node, Tag):
        return False
    if node.name in _PICTURES or node.find(_PICTURES) is not None:
        return False
    _, linked, total = prose_and_links(node)
    return linked >= _LINKED_EDGE * total


def _heading(node: PageElement) -> bool:
    return isinstance(node, Tag) and node.name in HEADINGS


def menu_like(text: str) -> bool:
    """'首页 | 时事 | 生活 | 财经 | 体育': four or more short items between separators."""
    items = [item for item in _MENU_SEPARATORS.split(text) if item.strip()]
    if len(items) < _MENU_ITEMS or not _MENU_SEPARATORS.search(text):
        return False
    return all(_short_item(item) for item in items)


def _short_item(text: str) -> bool:
    text = text.strip()
    return len(text) <= _MENU_ITEM_CHARS and not _SENTENCE_MARK.search(text)


def _link_run(first: Tag) -> list[PageElement]:
    """``first`` and the short links after it, with the bars between them, while the run
    lasts; empty unless ``first`` opens the run."""
    previous = first.previous_sibling
    if isinstance(previous, Tag) and previous.name == "a" and _short_item(previous.get_text()):
        return []  # not the run's first link
    run: list[PageElement] = []
    links = 0
    node: PageElement | None = first
    while node is not None:
        if isinstance(node, Tag) and node.name == "a" and _short_item(node.get_text()):
            links += 1
        elif not (isinstance(node, NavigableString) and _BAR_ONLY.fullmatch(str(node))):
            break
        run.append(node)
        node = node.next_sibling
    return run if links >= _MENU_ITEMS else []


def _trafilatura(text: str, url: str) -> str | None:
    # Imported here: it costs 70 ms and memory at start, and sources with a content
    # selector never need it.
    import trafilatura

    try:
        result = trafilatura.extract(
            text,
            url=url,
            output_format="html",
            include_images=True,
            include_links=True,
            include_tables=True,
            include_comments=False,
            favor_precision=True,
        )
    except Exception:  # trafilatura raises anything on odd markup; a miss is not an error
        return None
    return result if isinstance(result, str) and result.strip() else None
