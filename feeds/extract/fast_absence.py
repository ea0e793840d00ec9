"""Proofs on the lxml tree that a fallback of the bs4 path would find nothing (issue 19).

``fast_article.py`` answers a page only when the Article is the one ``article.py`` would
build. Where that path would consult a fallback, restating the fallback on lxml is often too
large; proving that it cannot find anything is small: every fallback reads a fixed kind of
markup, and a page without any such markup gives it nothing to read. Each check here is a
superset of what its fallback looks at (more markup answers "maybe" than the fallback would
read), so "absent" is a proof and "maybe" sends the page to the bs4 path. Where a superset
would say "maybe" on most pages (a name over the date: dates are everywhere), the fallback's
own reading is restated instead, on the headline it would find (tests/test_fast_article.py
holds both equal on the corpus) and through its own pure part (``byline_words.name_over_texts``).
"""

from __future__ import annotations

import itertools
import re

from lxml import etree

from feeds.clean import plain_text
from feeds.extract import byline_words, date_words, title_words
from feeds.extract.labels import AUTHOR_LABELS
from feeds.extract.markup import INLINE, INVISIBLE, STRING_CONTAINERS, split_url
from feeds.extract.person_names import name_shaped
from feeds.lazyre import lazy

# The fallbacks' own modules (bylines.py, page_dates.py, titles.py …) are bs4 modules: what the
# proofs read of them is in byline_words.py, date_words.py and title_words.py, so that no
# page the lxml path reads imports bs4 (issue 19).

# What page_dates.metadata_date reads, for each kind of markup:
# - <meta> named by property, name or itemprop as a date (DATE_META, DATE_META_LIKE);
# - JSON-LD (datePublished, dateCreated, uploadDate): any script typed as JSON;
# - microdata and hAtom: '[itemprop="datePublished"], abbr.published, .published[title]';
# - <time datetime pubdate> or <time class="… pubdate …">.
_META_KEYS = etree.XPath("//meta/@property | //meta/@name | //meta/@itemprop")
_TYPES = etree.XPath("//script/@type")
_ITEMPROPS = etree.XPath("//@itemprop")
_CLASSES = etree.XPath("//@class")
_PUBDATE_TIMES = etree.XPath("boolean(//time[@pubdate])")
_TIME_CLASSES = etree.XPath("//time/@class")


def may_have_metadata_date(root: etree._Element) -> bool:
    """False only when ``page_dates.metadata_date`` must return None on this page (with or
    without ``weak``): none of the markup it reads is there, whatever its values."""
    keys, types, props, classes, times = (
        _values(xpath, root) for xpath in (_META_KEYS, _TYPES, _ITEMPROPS, _CLASSES, _TIME_CLASSES)
    )
    if keys is None or types is None or props is None or classes is None or times is None:
        return True
    # page.metas keys a value by the attribute stripped and lower-cased.
    if any(k in date_words.DATE_META or date_words.DATE_META_LIKE.search(k) for k in keys):
        return True
    return (
        any("json" in kind for kind in types)
        or any("datepublished" in prop for prop in props)
        or any("published" in words for words in classes)
        or any("pubdate" in words for words in times)
        or _PUBDATE_TIMES(root) is not False
    )


def _values(xpath: etree.XPath, root: etree._Element) -> list[str] | None:
    """The attribute values an XPath finds, stripped and lower-cased; None (anything may be
    there) for an answer that is no list of strings, which a page parsed from text never
    gives."""
    found = xpath(root)
    if not isinstance(found, list):
        return None
    values = [v.strip().lower() for v in found if isinstance(v, str)]
    return values if len(values) == len(found) else None


# What the author fallbacks of article._author read, beyond the selector:
# - meta tags named for an author, a creator or a Twitter card (bylines.metadata_author,
#   meta_author_values, byline_lines.twitter_written_by, linked_author, shown_creator);
# - JSON-LD (metadata_author, linked_author): any script typed as JSON, as for dates;
# - byline markup (byline_markup.markup): <address>, and these words in a class, id, itemprop
#   or rel ('fn' counts only inside a byline, author or vcard class);
_AUTHOR_KEYS = ("author", "creator", "byl", "twitter:")
#   byline_markup's own word lists (byline_words.py), so that a word it learns is known here too
#   (and 'name' in a class: byline_fallbacks.named_line, '<div class="name">AFP</div>');
_MARKUP_WORDS = (
    *byline_words.CLASS_WORDS,
    *byline_words.ID_WORDS,
    *byline_words.FOREIGN_WORDS,
    *byline_words.DATA_WORDS,
    *byline_words.FN_HOLDERS,
)
_MARKUP_VALUES = etree.XPath(
    "//@class | //@id | //@itemprop | //@rel"
    + "".join(f" | //@{name}" for name in byline_words.DATA_ATTRS)
)
_NAME_CLASSES = etree.XPath("boolean(//@class[contains(translate(., 'NAME', 'name'), 'name')])")
_ADDRESS = etree.XPath("boolean(" + " | ".join(f"//{name}" for name in byline_words.ELEMENTS) + ")")
# - every string, comments' too, for a person named as the source (byline_lines
#   implied_author: '来源: 尹娟'); a processing instruction is a string of another shape in
#   bs4 (and rare): its page is left to the bs4 path;
_ALL_STRINGS = etree.XPath("//text() | //comment()")
_INSTRUCTIONS = etree.XPath("boolean(//processing-instruction())")
# - the text after a line that is a label only ('<b>作者：</b><!--x-->王芳', page._value_after)
#   may hold a comment's text, or a <template>'s, <rt>'s or <rp>'s, none of which is in W: a
#   label read there has one of its characters, or a colon, in that text (spaces aside).
# That text comes after the headline, so never from the <head>.
_OPAQUE = etree.XPath(
    "//comment()[not(ancestor::head)] | //template//text() | //rt//text() | //rp//text()"
)
# - the page's text, for labels, bylines and reporters (see _Texts): patterns that match at
#   least where the fallbacks' patterns match, on the text with all spaces removed (W) or
#   each run of spaces one space (N). A line a fallback reads is the text of an element or one
#   string, so its text is part of W (spaces removed) and of N (spaces collapsed).
_WRITERS = "|".join(re.escape(label) for label in AUTHOR_LABELS)  # labels.py: label + colon
_LABEL_W = lazy(rf"(?:{_WRITERS})[:：]", re.IGNORECASE)
_LABEL_CHARS = lazy("[" + re.escape("".join(set("".join(AUTHOR_LABELS)))) + ":：]", re.I)
# byline_lines._ZH_SIGNED ('张三/文', '文 张三') and ZH_BY ('文/张三', '作者丨张三', '图/文')
_ZH_BYLINE_W = lazy(
    r"[/／]文|文[/／](?:图|圖)|(?:文字|文|作者|撰文|撰稿人?|执笔|執筆|署名|记者|記者|主笔|主筆)[/／|｜丨︱︲:：]"
    r"|文[・·](?:写真|撮影|構成)[/／:：]|取材[・·]文[/／:：]"
    r"|【(?:本文)?(?:作者|撰文|撰稿|执笔|執筆)"
)
_ZH_SIGNED_N = lazy(r"(?:^|\s)文\s[\u4e00-\u9fff]{2,4}(?=\s|$)")
# byline_lines._BY's own words, after a space or a separator (a line's start is one).
_BY_N = lazy(rf"(?:^|[\s|•·–—]){byline_words.BY_WORDS}\s(?=\S)", re.IGNORECASE)
# labels._REPORTER and _POSTER ('记者 张三', '홍길동 기자', '（王煌忠／台中報導）', '…日电（刘艺）',
# '发表于'), and cnblogs' 'posted @'
_REPORTER_W = lazy(
    r"记者|記者|撰稿人|기자|[（(][\u4e00-\u9fff]{2,4}[/／]?[\u4e00-\u9fff]{1,8}(?:报道|報導|報道)[)）]"
    r"|\d日[电電][（(]|发表于|(?:本贴|本帖|此贴|此帖)由"
    r"|(?i:posted)@"  # zh_bylines.posted_at: 'posted @ 2024-05-13 08:17 张三'
)
_SPACES = lazy(r"\s+")
# - a blog's owner in the <title> or the URL (byline_lines.platform_blog_owner, implied_author);
_BLOG = lazy(r"博客|空间|日志|blog", re.IGNORECASE)
_TITLES = etree.XPath("//title")
# - a name before the headline's colon (implied_author), a bold name signing a paragraph
#   (bylines.signed_paragraph), a name over the date (bylines.name_over_date: read as it is,
#   from the texts after the headline); a name after the date and a bracketed sign-off
#   (zh_bylines: their own patterns, unanchored, on the spaced and the squeezed text).
_BOLD = etree.XPath("//p/b | //p/strong")


def may_have_author(root: etree._Element, title: str, url: str) -> bool:
    """False only when every author fallback of ``article._author`` must find nothing on this
    page, for a page whose selectors give this title and no author."""
    keys, types, words = (_values(xpath, root) for xpath in (_META_KEYS, _TYPES, _MARKUP_VALUES))
    if keys is None or types is None or words is None:
        return True
    if any(w in key for key in keys for w in _AUTHOR_KEYS) or any("json" in t for t in types):
        return True
    if any(w in value for value in words for w in _MARKUP_WORDS) or _ADDRESS(root) is not False:
        return True
    if _NAME_CLASSES(root) is not False:
        return True
    if byline_words.COLON_NAME.match(title) or _blog(root, url) or _INSTRUCTIONS(root) is not False:
        return True
    if _label_cell(root):
        return True
    return _source_person(root) or _opaque(root) or _signed(root) or _in_text(root, title)


def _label_cell(root: etree._Element) -> bool:
    """Whether some table or definition-list cell is a writer's label alone
    (zh_bylines.label_cell)."""
    for cell in root.iter(*byline_words.CELLS):
        if _SPACES.sub("", _text(cell)) in byline_words.CELL_LABELS:
            return True
    return False


def _blog(root: etree._Element, url: str) -> bool:
    """Whether the page's <title> (as get_text or html.text_of reads it) or its URL names a
    blog."""
    split = split_url(url)
    host_path = f"{split.hostname or ''}{split.path}" if split is not None else ""
    if "blog" in url.lower() or "blog" in host_path.lower():
        return True
    found = _TITLES(root)
    if not isinstance(found, list):
        return True
    elements = [t for t in found if isinstance(t, etree._Element)]
    return any(_BLOG.search(_text(t)) or _BLOG.search(_visible_text(t) or "") for t in elements)


def _opaque(root: etree._Element) -> bool:
    found = _OPAQUE(root)
    if not isinstance(found, list):
        return True
    for item in found:
        text = item.text if isinstance(item, etree._Element) else item
        if isinstance(text, str) and _LABEL_CHARS.search(text):
            return True
    return False


def _source_person(root: etree._Element) -> bool:
    found = _ALL_STRINGS(root)
    if not isinstance(found, list):
        return True
    for string in found:
        text = string.text if isinstance(string, etree._Element) else string
        match = byline_words.SOURCE_LABEL.search(text) if isinstance(text, str) else None
        if match and not byline_words.ORGANISATION.search(match[1]):
            return True
    return False


def _signed(root: etree._Element) -> bool:
    """Whether some bold text is the whole of its paragraph and shaped like a name."""
    found = _BOLD(root)
    if not isinstance(found, list):
        return True
    for bold in found:
        if not isinstance(bold, etree._Element):
            return True
        text = " ".join(_text(bold, " ").split())
        para = bold.getparent()
        if para is not None and " ".join(_text(para, " ").split()) == text and name_shaped(text):
            return True
    return False


def _in_text(root: etree._Element, title: str) -> bool:
    """Whether the page's text may hold a labelled author or editor, a byline's word, a
    reporter, or a name over the date below the headline."""
    headline = _headline(root, title)
    if headline is None:
        return True  # bs4's headline may be a text of no heading: not restated
    texts = _Texts(headline)
    texts.walk(root, inside=False)
    whole = "".join(texts.strings)
    squeezed, spaced = _SPACES.sub("", whole), " ".join(" ".join(texts.strings).split())
    patterns = (_LABEL_W, _ZH_BYLINE_W, _REPORTER_W, byline_words.SOURCE_WORD)
    if any(p.search(squeezed) for p in patterns) or byline_words.may_sign_off(squeezed):
        return True
    if _ZH_SIGNED_N.search(spaced) or _BY_N.search(spaced):
        return True
    if byline_words.may_name_after_date(spaced):
        return True  # zh_bylines.name_after_date: its line is part of the spaced text
    after = slice(texts.after_headline, texts.after_headline + byline_words.NAME_OVER_DATE)
    if byline_words.name_over_texts(texts.visible[after]) is not None:
        return True
    # byline_lines.profile_link: a link to a person's page among the texts on either side.
    near = byline_words.PROFILE_TEXTS
    before = texts.links[max(texts.before_headline - near, 0) : texts.before_headline]
    links = texts.links[texts.after_headline : texts.after_headline + near] + before
    return any(link is not None and _profile_like(link) for link in links)


def _profile_like(link: etree._Element) -> bool:
    if byline_words.OWN_PAGE_WORD.search("".join(str(t) for t in link.itertext())):
        return True  # 'my38778570 的个人博客' (byline_lines.profile_link), any address
    href = (link.get("href") or "").strip()
    return bool(byline_words.PERSON_PAGE.search(href)) and not byline_words.ACCOUNT_PAGE.search(
        href
    )


def _headline(root: etree._Element, title: str) -> etree._Element | None:
    """titles.headline's <h1>/<h2> that agrees with the title (an <h1> first), or None."""
    headings = list(itertools.islice(root.iter("h1", "h2"), title_words.HEADINGS_MAX))
    for heading in sorted(headings, key=lambda h: h.tag != "h1"):
        if title_words.heading_agrees(_visible_text(heading), title):
            return heading
    return None


class _Texts:
    """The page's strings as bs4 holds them (those get_text reads: no comments, nothing in a
    script, style, template, rt or rp), and of those, the ones bylines read as visible (not in
    INVISIBLE, not blank; stripped), with where the headline's texts end among them."""

    def __init__(self, headline: etree._Element) -> None:
        self.strings: list[str] = []
        self.visible: list[str] = []
        self.links: list[etree._Element | None] = []  # each visible text's nearest <a>
        self.before_headline = self.after_headline = 0
        self._headline = headline

    def walk(
        self, element: etree._Element, *, inside: bool, link: etree._Element | None = None
    ) -> None:
        if element is self._headline:
            self.before_headline = len(self.visible)
        inside = inside or element.tag in STRING_CONTAINERS
        link = element if element.tag == "a" else link
        shown = element.tag not in INVISIBLE
        if element.text and not inside:
            self._add(element.text, shown, link)
        for child in element:
            if isinstance(child.tag, str):
                self.walk(child, inside=inside, link=link)
            if child.tail and not inside:
                self._add(child.tail, shown, link)
        if element is self._headline:
            self.after_headline = len(self.visible)

    def _add(self, text: str, shown: bool, link: etree._Element | None) -> None:
        self.strings.append(text)
        if shown and (stripped := text.strip()):
            self.visible.append(stripped)
            self.links.append(link)


def _text(element: etree._Element, separator: str = "") -> str:
    """bs4's get_text(separator) of an element that is no container (whitespace-only strings
    may be unfolded: only compared once spaces are collapsed)."""
    if any(a.tag in STRING_CONTAINERS for a in (element, *element.iterancestors())):
        return ""  # its strings are of another kind in bs4, which get_text leaves out
    texts = _Texts(element)
    texts.walk(element, inside=False)
    return separator.join(texts.strings)


def _visible_text(element: etree._Element) -> str | None:
    """html.text_of: the text, no comments or scripts, blocks set apart by spaces."""
    parts: list[str] = []
    inside = any(a.tag in STRING_CONTAINERS for a in element.iterancestors())
    _visible_parts(element, inside or element.tag in STRING_CONTAINERS, parts)
    return plain_text("".join(parts))


def _visible_parts(element: etree._Element, inside: bool, parts: list[str]) -> None:
    if element.text and not inside:
        parts.append(element.text)
    for child in element:
        if isinstance(child.tag, str):
            gap = "" if child.tag in INLINE else " "
            parts.append(gap)
            _visible_parts(child, inside or child.tag in STRING_CONTAINERS, parts)
            parts.append(gap)
        if child.tail and not inside:
            parts.append(child.tail)
