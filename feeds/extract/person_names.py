"""What a person's name looks like in a byline: ``person_name`` reads one out of a byline's
text ('By Ann Lee' -> 'Ann Lee', 'Veröffentlicht von Ann Lee' -> 'Ann Lee'), a list of
writers too long for one name ('Ann Lee, Bob Ray, Cy Fox and Di Gee, CNN'), and
``name_shaped`` says whether a text has a name's shape wherever it stands."""

from __future__ import annotations

import html
import re

from feeds.extract.labels import MAX_AUTHOR, author_from, clean_name, reporter_from
from feeds.lazyre import lazy

# Words of a page's furniture, never a name: sections, sharing, sources.
UI_WORD = lazy(
    r"来源|來源|分享|微博|微信|首页|首頁|新闻|新聞|社会|社會|关注|评论|評論|阅读|閱讀|网|網|报|報|频道|专栏"
    r"|home|share|news",
    re.IGNORECASE,
)
# One word of a person's name: capitalised, letters with an inner apostrophe or hyphen, or an
# initial ('J.').
_NAME_WORD = lazy(r"[^\W\d_][^\W\d_]*(?:['’-][^\W\d_]+)*\.?")
# Lower-case words of a name ('Ludwig van Beethoven'); any other opens a phrase ('deinen
# Hochzeitsbloggern', 'the editors'), no person's name.
PARTICLES = frozenset(
    {"van", "von", "de", "der", "den", "da", "di", "du", "la", "le", "del", "della", "dos", "das"}
    | {"bin", "ibn", "al", "el", "ter", "te", "zu", "y"}
)
# What joins two writers' names in one byline ('Ann Lee und Bo Ray').
_JOINERS = frozenset({"and", "und", "et", "e", "y", "en", "og", "och", "i"})
_REPORTER_WORD = lazy("记者|記者")
_AUTHOR_MAX = 60  # longer is a sentence or a bio, not a name
_AUTHOR_RAW_MAX = 500  # bounded before any pattern runs (B15)
_AUTHOR_WORDS = 6
# What precedes a name in bylines of the languages we read; 'By' and labels go in labels.py.
# 'Published by', 'Veröffentlicht von', 'Publié par' (WordPress themes print them in the
# site's language).
_BYLINE_PREFIX = lazy(
    r"^(?:(?:von|par|por|di|door|av|af|de|from|(?:written|posted|post|published|words|story|text)\s+by"
    r"|(?:veröffentlicht|geschrieben|verfasst|gepostet|erstellt)\s+von"
    r"|(?:publié|écrit|rédigé|posté)\s+par|(?:publicado|escrito)\s+por"
    r"|(?:pubblicato|scritto)\s+da|(?:geplaatst|geschreven)\s+door|interview)\s*:?\s+"
    r"|interview\s*:\s*)",
    re.IGNORECASE,
)
# The same in Chinese bylines marked up as such: '<p class="author">文/张三</p>', '作者丨张三'.
_ZH_PREFIX = lazy(
    r"^(?:(?:图|圖)\s*[/／]\s*文|文\s*[/／]\s*(?:图|圖)|文字|文|(?:本文|文章)?作者|撰文|撰稿人?|执笔"
    r"|執筆|署名)\s*[/／|｜丨]\s*"
)
# A byline given as markup in an attribute ('<meta property="og:author" content="By <a
# href=…>Ann Lee</a>, …">'): its tags go, its text stays.
_TAG = lazy(r"<[^<>]{0,300}>")
# Several writers in one byline: 'Ann Lee, Bob Ray and Cy Fox', 'Ann Lee; Bob Ray'.
_LIST_SPLIT = lazy(r"\s*(?:[,;/、，；]|\s&\s|\s(?:and|und|et|y|e|en|og|och)\s)\s*")
_LIST_MAX = 8
# A byline's label or a control alone, no name: '<p>Published</p>' in an 'author-info' box.
_NOT_NAMES = frozenset(
    {"by", "published", "posted", "updated", "written", "author", "authors", "more", "mehr"}
    | {"veröffentlicht", "autor", "auteur", "publié", "publicado", "pubblicato"}
    # A counter's word, its number cleaned off ('人氣( 23925 )', a span classed 'author-views').
    | {"人气", "人氣", "浏览", "瀏覽", "点击", "點擊", "阅读", "閱讀", "评论", "評論", "留言"}
    | {"收藏", "点赞", "點讚", "回复", "回覆", "views", "hits", "comments", "likes"}
)


def name_shaped(name: str) -> bool:
    """Whether a text looks like a person's name wherever it stands: two to four capitalised
    words ('Ann Lee', 'Victoria O’Regan', 'BOB FISCHER', 'Ludwig van Beethoven'), or two to
    four Chinese, Japanese or Korean characters outside the words of a page's furniture. A
    lower-case word inside is a name's particle or joins two names, else it is a phrase ('Gehöre
    zum Inventar', a forum's rank)."""
    if re.fullmatch(r"[\u4e00-\u9fff\uac00-\ud7af]{2,4}", name):
        return not UI_WORD.search(name)
    words = name.replace("\u00a0", " ").split()
    if not 2 <= len(words) <= 4 or not all(_NAME_WORD.fullmatch(w) for w in words):
        return False
    if not (words[0][0].isupper() and words[-1][0].isupper()):
        return False  # 'van', 'de' only inside
    inner = (w for w in words[1:-1] if w[0].islower())
    return all(w in PARTICLES or w in _JOINERS for w in inner)


def person_name(raw: str | None) -> str | None:
    """A name from a byline's text: 'By Ann Lee' -> 'Ann Lee'; None for what can't be one
    (a sentence, a bio, a link, a bare date). Several writers' names too long for one stay
    as a list ('Ann Lee, Bob Ray, Cy Fox')."""
    raw = raw[:_AUTHOR_RAW_MAX] if raw else None
    if raw and "<" in raw and ">" in raw:
        raw = html.unescape(_TAG.sub(" ", raw))
    # A reporter's byline as the value: '記者陳嘉寧／桃園機場報導' -> '陳嘉寧'.
    reporter = reporter_from(raw) if raw and _REPORTER_WORD.search(raw) else None
    name = reporter or author_from(raw)
    if not name:  # too long for one name: a list of them ('Ann Lee, Bob Ray, …') at most
        return name_list(clean_name(raw) or "") if raw and len(raw) > MAX_AUTHOR else None
    name = _ZH_PREFIX.sub("", _BYLINE_PREFIX.sub("", name)).strip(" ,;:|")
    if not name or name.startswith(("http", "@", "www.")) or name.casefold() in _NOT_NAMES:
        return None
    if any(c in name for c in '=<>{}"'):  # markup or code that leaked into the text
        return None
    if len(name) > _AUTHOR_MAX or len(name.split()) > _AUTHOR_WORDS:
        return name_list(name)
    if not any(c.isalpha() for c in name):
        return None
    return name


def name_list(text: str) -> str | None:
    """The writers a long byline lists, each in a name's shape, up to the first part that is
    not one ('Ann Lee, Bob Ray and Cy Fox, CNN' -> 'Ann Lee, Bob Ray, Cy Fox'); None unless
    it names two at least (a sentence has no such list)."""
    names: list[str] = []
    for part in _LIST_SPLIT.split(text):
        if not name_shaped(part):
            break
        names.append(part)
    return ", ".join(names[:_LIST_MAX]) if len(names) >= 2 else None
