"""Article authors on unseen sites (issue 15, part 3): bylines labelled in more languages, a
Scandinavian 'Af'/'Av', a Korean reporter's '기자', a label's value in brackets of its own, a
line that goes on after the name; CMS names and newsrooms are no persons."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from feeds.config import ArticleRules
from feeds.extract.article import extract_article
from feeds.extract.labels import clean_name, labelled_author, reporter_from

NOW = datetime(2024, 12, 14, 2, 0, tzinfo=UTC)
STORY = "<p>" + "A long paragraph of the story, telling what happened in town last week. " * 6
STORY += "</p>"


def author_of(head: str, body: str) -> str | None:
    html = (
        f"<html><head><title>A story title - Example News</title>{head}</head>"
        f"<body><h1>A story title</h1>{body}{STORY}</body></html>"
    )
    url = "https://www.example.com/news/2024/05/story.html"
    return extract_article(html, url, ArticleRules(), now=NOW, tz=UTC).author


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("<p>Penulis: Rina Wati</p>", "Rina Wati"),
        ("<p>Reporter: Rina Wati | Editor: Budi Santoso</p>", "Rina Wati"),
        ("<p>Kirjoittaja: Matti Virtanen</p>", "Matti Virtanen"),
        ("<p>Szerző: Kovács Anna</p>", "Kovács Anna"),
        ("<p>Текст: Иван Петров</p>", "Иван Петров"),
        ("<p>Af Mette Holm</p>", "Mette Holm"),
        ("<p>Av Kari Nordmann</p>", "Kari Nordmann"),
        ("<p>Par Jean Dupont, publié le 1 mai 2024</p>", "Jean Dupont"),
        ("<p>홍길동 기자 hong@example.com</p>", "홍길동"),
    ],
)
def test_bylines_in_more_languages(line: str, name: str) -> None:
    assert author_of("", line) == name


def test_a_scandinavian_sentence_is_no_byline() -> None:
    assert author_of("", "<p>Av og til regner det i Bergen.</p>") is None


@pytest.mark.parametrize(
    "vendor",
    [
        *("WordPress", "Drupal", "Blogger", "WordPress.com", "TYPO3 CMS"),
        # Chinese templates: the software by its name, its credit line, or what it is
        *("Destoon.COM", "Powered by DedeCMS", "织梦内容管理系统", "MetInfo", "yourname"),
    ],
)
def test_a_cms_named_as_author_is_nobody(vendor: str) -> None:
    assert author_of(f'<meta name="author" content="{vendor}">', "") is None


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("发布时间：2024-05-01 作者：【李四】 浏览次数：123", "李四"),
        ("作者：〔李四〕", "李四"),
        ("【作者：张三】【来源：本站】", "张三"),
    ],
)
def test_a_labelled_name_in_brackets_of_its_own(raw: str, name: str) -> None:
    assert labelled_author(raw) == name


def test_an_empty_bracket_names_nobody() -> None:
    assert labelled_author("作者：【】") is None


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("홍길동 기자 hong@example.com", "홍길동"),
        ("(서울=연합뉴스) 홍길동 기자 =", "홍길동"),
        ("기자회견에서 말했다", None),  # a press conference, no byline
    ],
)
def test_korean_reporters(raw: str, name: str | None) -> None:
    assert reporter_from(raw) == name


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("Example News Staff", "Example News Staff"),  # a newsroom, not 'Example'
        ("Ann Lee, Staff Writer", "Ann Lee"),
        ("Ann Lee Senior Correspondent", "Ann Lee"),
        ("Paddy, Staff Writer", "Paddy"),
        # after a comma the role may name any beat
        ("Ann Lee, Senior Transport Reporter", "Ann Lee"),
        ("Ann Lee, City Hall Bureau Chief Correspondent", "Ann Lee"),
        ("Ann Lee, BBC News", "Ann Lee, BBC News"),  # no role: left to the other rules
        # the date's label in the page's language ends the name
        ("Jean Dupont Publié le 13 mai 2024 à 10h00", "Jean Dupont"),
        ("Anna Berg Aktualisiert am 3. Juni 2024", "Anna Berg"),
        ("María García Actualizado 13/05/2024", "María García"),
    ],
)
def test_a_role_after_a_name_goes_but_a_newsroom_stays_whole(raw: str, name: str) -> None:
    assert clean_name(raw) == name


ZH_STORY = "<p>" + "这是一篇很长的文章正文，讲述了一件发生在本地的事情，内容翔实。" * 6 + "</p>"


def zh_author_of(line: str) -> str | None:
    html = (
        "<html><head><title>一篇文章的标题_某某网</title></head><body><h1>一篇文章的标题</h1>"
        f"{line}{ZH_STORY}</body></html>"
    )
    url = "https://www.example.cn/news/2024/05/1.html"
    return extract_article(html, url, ArticleRules(), now=NOW, tz=UTC).author


@pytest.mark.parametrize(
    "line",
    [
        '<div class="info">整理：张三</div>',
        '<div class="info">编译：张三</div>',
        '<div class="info">采写：张三</div>',
        '<div class="info">图文：张三</div>',
        '<div class="author">张三的博客</div>',  # the blog's owner
    ],
)
def test_chinese_bylines_of_more_forms(line: str) -> None:
    assert zh_author_of(line) == "张三"


@pytest.mark.parametrize(("raw", "name"), [("支全明 SF099", "支全明"), ("王晓_NN9999", "王晓")])
def test_a_portals_editor_code_is_cut(raw: str, name: str) -> None:
    assert clean_name(raw) == name


@pytest.mark.parametrize("footer", ["div", "footer"])
def test_a_byline_in_the_storys_own_footer(footer: str) -> None:
    # Blogger's 'post-footer', WordPress's 'entry-footer': the story's, not the page's footer.
    byline = (
        f'<{footer} class="post-footer"><span class="post-author vcard">Posted by '
        '<span class="fn"><a href="https://www.blogger.com/profile/1" rel="author">'
        f"<span>Dana White</span></a></span></span></{footer}>"
    )
    assert author_of("", byline) == "Dana White"


def test_a_byline_in_the_pages_footer_is_not_the_storys() -> None:
    byline = '<div class="site-footer"><span class="author">Dana White</span></div>'
    assert author_of("", byline) is None


@pytest.mark.parametrize(
    "newsroom", ["Staff", "Example Desk", "Redaktion Musterstadt", "News Team"]
)
def test_a_newsroom_in_metadata_yields_to_the_byline(newsroom: str) -> None:
    head = f'<meta name="author" content="{newsroom}">'
    assert author_of(head, "<p>By Jane Doe</p>") == "Jane Doe"


def test_a_newsroom_in_metadata_signs_when_nobody_else_does() -> None:
    assert author_of('<meta name="author" content="Redaktion Musterstadt">', "") == (
        "Redaktion Musterstadt"
    )
