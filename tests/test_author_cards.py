"""An author's card under a post (photo, name, a few lines about the writer, their accounts)
is no part of the story: ``author_cards.strip_author_cards``."""

from __future__ import annotations

from datetime import UTC, datetime

from feeds.config import ArticleRules
from feeds.extract.article import extract_article
from feeds.extract.author_cards import strip_author_cards
from feeds.extract.html import parse

STORY = (
    "<p>The bridge over the river reopened on Monday after two years of repairs, and the first "
    "buses crossed it before dawn.</p><p>Traffic on the ring road fell by a third within hours, "
    "the city said, and the ferries will stop running at the end of the month.</p>"
)
BIO = (
    "Ann Lee, photographer from Hamburg and founder of this blog.<br>"
    'I like every kind of photography. Follow me on <a href="https://instagram.com/ann">'
    "Instagram</a>."
)


BASE = "https://e.org/2024/05/bridge/"


def _page(card: str) -> str:
    return f"<html><body><article>{STORY}{card}</article></body></html>"


def test_the_lines_of_a_card_the_page_marks_as_the_writer_s_go_at_the_end() -> None:
    for card in (
        # microdata: the writer as a Person (the Simple Author Box plugin)
        f'<div class="saboxplugin-wrap" itemprop="author" itemscope '
        'itemtype="http://schema.org/Person">'
        f'<div class="saboxplugin-desc"><p>{BIO}</p></div></div>',
        # a class naming the box
        f'<div class="post-author-bio"><p>{BIO}</p></div>',
        f'<section id="about-the-author"><p>{BIO}</p></section>',
    ):
        page = parse(_page(card))
        extracted = parse(f"<div>{STORY}<p>{BIO}</p></div>")
        strip_author_cards(extracted, page, BASE)
        text = extracted.get_text()
        assert "ferries will stop" in text, card
        assert "photographer" not in text and "Instagram" not in text, card


def test_the_story_stays_where_no_card_holds_its_lines() -> None:
    # A byline's class alone ('author') is no card; the content's first block stays, though a
    # card repeats it; and a card's lines stay above the story's last paragraph.
    byline = f'<p class="author">{BIO}</p>'
    page = parse(_page(byline))
    extracted = parse(f"<div>{STORY}<p>{BIO}</p></div>")
    strip_author_cards(extracted, page, BASE)
    assert "photographer" in extracted.get_text()
    line = "The bridge over the river reopened on Monday after two years of repairs."
    card = f'<div class="author-box"><p>{line}</p></div>'
    page = parse(_page(card))
    extracted = parse(f"<div><p>{line}</p></div>")
    strip_author_cards(extracted, page, BASE)
    assert "reopened" in extracted.get_text()
    card = f'<div class="author-box"><p>{BIO}</p></div>'
    page = parse(_page(card))
    extracted = parse(f"<div><p>{BIO}</p>{STORY}</div>")
    strip_author_cards(extracted, page, BASE)
    assert "photographer" in extracted.get_text() and "ferries" in extracted.get_text()


def test_an_extracted_article_ends_with_its_story_not_its_writer_s_portrait() -> None:
    """trafilatura drops the name and bio of this card and keeps its picture, last."""
    card = (
        '<div class="saboxplugin-wrap" itemprop="author" itemscope '
        'itemtype="http://schema.org/Person"><div class="saboxplugin-gravatar">'
        '<img src="/ann.jpg" alt=""></div><div class="saboxplugin-authorname">'
        '<a class="vcard author" rel="author" href="/author/ann/"><span class="fn" '
        'itemprop="name">Ann Lee</span></a></div><div class="saboxplugin-desc">'
        f'<div itemprop="description"><p>{BIO}</p></div></div></div>'
    )
    html = (
        "<html><head><title>The bridge reopens</title></head><body><header><a href='/'>Blog</a>"
        "</header><main><article><h1>The bridge reopens</h1><div class='entry-content'>"
        f'{STORY * 3}<p><img src="/bridge.jpg" alt="The bridge"></p>{card}</div></article>'
        "</main><footer><p>© 2024 Blog</p></footer></body></html>"
    )
    now = datetime(2024, 6, 1, tzinfo=UTC)
    article = extract_article(html, BASE, ArticleRules(), now=now, tz=UTC)
    content = article.content_html or ""
    assert "ferries will stop" in content and "https://e.org/bridge.jpg" in content
    assert "ann.jpg" not in content and "photographer" not in content
