"""Article authors in the forms other extractors read too (issue 15): trafilatura's and
readability's byline markup (data attributes, 'writer', itemprop lists), a byline given as
markup in a meta tag, a list of writers, the participle before a name in the site's language,
and what is no byline: a photo's credit, a quote's speaker, a button, an app banner."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from feeds.config import ArticleRules
from feeds.extract.article import extract_article
from feeds.extract.labels import clean_name
from feeds.extract.person_names import name_list, name_shaped, person_name

NOW = datetime(2024, 12, 14, 2, 0, tzinfo=UTC)
EN = "<p>" + "This is a long story about what happened in the town last week. " * 6 + "</p>"
H1 = "<h1>A headline of the story</h1>"


def author_of(head: str, body: str) -> str | None:
    html = (
        "<html><head><title>A headline of the story</title>"
        f"{head}</head><body><article>{body}</article></body></html>"
    )
    page = extract_article(html, "https://e.com/a/1.html", ArticleRules(), now=NOW, tz=UTC)
    return page.author


@pytest.mark.parametrize(
    "byline",
    [
        "<div data-component='Byline'>Ann Lee</div>",
        "<a data-testid='AuthorURL' href='/by/ann'>Ann Lee</a>",
        "<span class='wrapper--detail__writer'>Ann Lee</span>",
        "<div class='submitted-by'><a>Ann Lee</a></div>",
        "<span itemprop='author name'>Ann Lee</span>",
        "<author>Ann Lee</author>",
    ],
)
def test_byline_markup_other_extractors_read(byline: str) -> None:
    assert author_of("", H1 + byline + EN) == "Ann Lee"


@pytest.mark.parametrize(
    "other",
    [
        "<figure><img src='a.jpg'><div class='author'>Bob Roe</div></figure>",
        "<blockquote><p>We won.</p><p class='author'>Bob Roe</p></blockquote>",
        "<div class='quote'><p>We won.</p><p class='quote-author'>Bob Roe</p></div>",
        "<div class='author-info'><div role='button' class='author-info__more'>Mehr</div></div>",
    ],
)
def test_a_credit_a_quote_or_a_button_is_no_byline(other: str) -> None:
    assert author_of("", H1 + other + "<p class='byline'>By Ann Lee</p>" + EN) == "Ann Lee"


def test_a_byline_s_label_alone_is_no_name() -> None:
    box = "<div class='author-date'><p>Published</p><span>3 weeks ago</span></div>"
    assert author_of("", H1 + box + "<span class='byline'>By Ann Lee</span>" + EN) == "Ann Lee"


def test_a_meta_byline_given_as_markup_gives_its_writers() -> None:
    meta = (
        '<meta property="og:author" content="By &lt;a href=&quot;/profiles/ann-lee&quot;&gt;'
        "Ann Lee&lt;/a&gt;, Bob Roe, &lt;a href=&quot;/p/cy&quot;&gt;Cy Fox&lt;/a&gt; and "
        'Di Gee, CNN">'
    )
    assert author_of(meta, H1 + EN) == "Ann Lee, Bob Roe, Cy Fox, Di Gee"


def test_a_long_list_of_writers_is_kept_a_sentence_is_not() -> None:
    names = (
        "Shannon Deery, Mitch Clarke, Susie O’Brien, Laura Placella, Kara Irving, Jordy Atkinson"
    )
    assert person_name(names) == names
    assert name_list("Ann Lee said on Monday that the council, which met in March, agreed") is None
    assert name_list("Ann Lee") is None  # one name is person_name's


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("Veröffentlicht von SeglerBlog", "SeglerBlog"),
        ("Geschrieben von Anna Berg", "Anna Berg"),
        ("Publié par Jean Dupont", "Jean Dupont"),
        ("Publicado por Ana Ruiz", "Ana Ruiz"),
        ("Published by Ann Lee", "Ann Lee"),
        ("Newsdesk 28. Januar 2022", "Newsdesk"),
        ("Jean Dupont 12 juillet 2020", "Jean Dupont"),
    ],
)
def test_what_stands_before_or_after_a_name_in_other_languages(raw: str, name: str) -> None:
    assert person_name(raw) == name


def test_a_phrase_is_not_name_shaped_a_name_with_particles_is() -> None:
    assert not name_shaped("Gehöre zum Inventar")  # a forum's rank for its members
    assert name_shaped("Ludwig van Beethoven")
    assert name_shaped("João da Silva Costa")


def test_a_photo_s_author_in_json_ld_is_no_writer() -> None:
    ld = (
        '<script type="application/ld+json">[{"@type": "NewsArticle", "author": {"@type": '
        '"Organization", "name": "E.com"}}, {"@type": "ImageObject", "author": "Bob Roe, '
        'Island Programme"}]</script>'
    )
    byline = "<div class='sharekit__contributors--author'>By <span>Ann Lee</span></div>"
    assert author_of(ld, H1 + byline + EN) == "Ann Lee"


def test_a_json_ld_person_by_given_and_family_name() -> None:
    ld = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "author": {"@type": '
        '"Person", "givenName": "Ann", "familyName": "Lee"}}</script>'
    )
    assert author_of(ld, H1 + EN) == "Ann Lee"


def test_json_ld_with_a_raw_line_break_in_a_string_is_read() -> None:
    ld = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "description": "One\n'
        'two", "author": {"@type": "Person", "name": "Ann Lee"}}</script>'
    )
    assert author_of(ld, H1 + EN) == "Ann Lee"


def test_an_app_banner_s_author_is_no_writer() -> None:
    meta = '<meta name="smartbanner:author" content="Jetzt in der App">'
    assert author_of(meta, H1 + "<p class='byline'>By Ann Lee</p>" + EN) == "Ann Lee"


@pytest.mark.parametrize(
    "author",
    [
        '{"@type": "Person", "name": ["Ann Lee", "Bob Roe"]}',
        '{"@type": "Person", "name": {"@type": "Person", "name": "Ann Lee"}}',
    ],
)
def test_a_json_ld_name_given_as_a_list_or_a_person_again(author: str) -> None:
    story = f'{{"@type": "NewsArticle", "author": {author}}}'
    ld = f'<script type="application/ld+json">{story}</script>'
    assert author_of(ld, H1 + EN) == "Ann Lee"


def test_a_json_ld_story_listed_under_another_key_with_its_author_by_id() -> None:
    ld = (
        '<script type="application/ld+json">{"@context": "https://schema.org", "entries": ['
        '{"@type": "Article", "author": {"@id": "#/person/1"}}, '
        '{"@type": "Person", "@id": "#/person/1", "name": "Ann Lee"}]}</script>'
    )
    assert author_of(ld, H1 + EN) == "Ann Lee"


def test_a_json_ld_comment_s_author_is_a_reader() -> None:
    ld = (
        '<script type="application/ld+json">{"@type": "WebPage", "comment": [{"@type": '
        '"Comment", "author": {"@type": "Person", "name": "Bob Roe"}}]}</script>'
    )
    assert author_of(ld, H1 + "<p class='byline'>By Ann Lee</p>" + EN) == "Ann Lee"


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("<p>Tekst: Jan de Vries</p>", "Jan de Vries"),
        ("<p>Texto: Ana Ruiz</p>", "Ana Ruiz"),
        ("<p>Yazar: Ahmet Yılmaz</p>", "Ahmet Yılmaz"),
        ("<p>Автор: Иван Петров</p>", "Иван Петров"),
        ("<p>Escrito por Ana Ruiz</p>", "Ana Ruiz"),
        ("<p>Skrevet av Lars Berg</p>", "Lars Berg"),
        ("<p>Testo di Mario Rossi</p>", "Mario Rossi"),
        ("<p>Napisał Jan Kowalski</p>", "Jan Kowalski"),
    ],
)
def test_a_byline_s_label_or_participle_in_more_languages(line: str, name: str) -> None:
    assert author_of("", H1 + line + EN) == name


ZH = "<p>" + "这是一篇很长的文章正文，讲述了一件发生在本地的事情，内容翔实。" * 6 + "</p>"


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("<p class='art-author'>文/张三</p>", "张三"),  # byline markup, the label in it
        ("<div>【作者：张三】【来源：本站】</div>", "张三"),  # a value ends at its bracket
        ("<div>信息来源：办公室 发布人：张三</div>", "张三"),  # a government site's poster
    ],
)
def test_chinese_bylines_in_markup_brackets_and_poster_labels(line: str, name: str) -> None:
    assert author_of("", "<h1>一篇文章的标题</h1>" + line + ZH) == name


def test_a_line_under_the_headline_called_a_name_before_the_site_s_own_name() -> None:
    ld = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "author": {"@type": '
        '"Organization", "name": "E.com"}, "publisher": {"@type": "Organization", "name": '
        '"E.com"}}</script>'
    )
    line = "<ul class='share'><li><div class='name'>AFP, MANILA</div></li></ul>"
    assert author_of(ld, H1 + line + EN) == "AFP, MANILA"
    assert author_of(ld, H1 + EN) == "E.com"  # the site's name is still the last resort


def test_the_source_a_story_credits_at_its_end_before_the_site_s_own_name() -> None:
    meta = '<meta name="author" content="e.com">'
    credit = (
        "<p style='text-align:right'>Quelle: <a href='https://www.kathpress.at'>kathpress</a></p>"
    )
    assert author_of(meta, H1 + EN + credit) == "kathpress"
    assert author_of(meta, H1 + "<p class='byline'>By Ann Lee</p>" + EN + credit) == "Ann Lee"


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("<div>撰文/张三 摄影/李四</div>", "张三"),  # the next credit ends the name
        ("<div>取材・文/山田太郎</div>", "山田太郎"),  # Japanese credits
        ("<div>文・写真：山田太郎</div>", "山田太郎"),
        ("<div>通讯员：张三</div>", "张三"),
        ("<div>主笔：张三</div>", "张三"),
        ("<div>录入：张三 审核：李四</div>", "张三"),  # who entered it, when nobody else
    ],
)
def test_more_chinese_and_japanese_credit_lines(line: str, name: str) -> None:
    assert author_of("", "<h1>一篇文章的标题</h1>" + line + ZH) == name


def test_a_forum_threads_author_is_its_first_posters_name():
    # phpBB: 'Post by NAME » DATE' (the first word hidden for screen readers only).
    phpbb = (
        "<h2 class='topic-title'>A headline of the story</h2><div class='post'>"
        "<p class='author'><span class='sr-only'>Post</span> by <strong>"
        "<a href='./memberlist.php?mode=viewprofile&amp;u=2' class='username'>alice_r</a>"
        "</strong> » <time datetime='2024-05-13T10:00:00+00:00'>Mon May 13, 2024</time></p>"
        f"<div class='content'>{EN}</div></div>"
    )
    assert author_of("", phpbb) == "alice_r"
    # XenForo, Flarum: the poster's name classed 'username' under the thread's title (a
    # guest sees no link to the profile).
    xenforo = (
        f"{H1}<ul class='p-description'><li><span class='username u-concealed'>alice_r"
        "</span></li><li><time datetime='2024-05-13T10:00:00+0000'>May 13, 2024</time></li>"
        f"</ul><div class='message'>{EN}</div>"
    )
    assert author_of("", xenforo) == "alice_r"


def test_a_separator_after_the_name_ends_it():
    assert clean_name("Ann Lee • May 13, 2024") == "Ann Lee"
    assert clean_name("alice_r » Mon May 13, 2024 10:00 am") == "alice_r"
    assert clean_name("约翰·史密斯") == "约翰·史密斯"  # a Chinese rendering's middle dot stays
