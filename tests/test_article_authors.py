"""Article authors: a person's name, cleaned of what stands beside it on the page, never an
account id, a company, an editor, a slogan or a sentence (issue 15, part 3)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from feeds.config import ArticleRules
from feeds.extract import byline_lines, bylines, not_writers
from feeds.extract.article import extract_article
from feeds.extract.html import parse
from feeds.extract.labels import author_from, reporter_from

NOW = datetime(2024, 12, 14, 2, 0, tzinfo=UTC)
STORY = "<p>" + "这是一篇很长的文章正文，讲述了一件发生在本地的事情，内容翔实。" * 6 + "</p>"


def author_of(head: str, body: str, url: str = "https://e.com/a/1.html") -> str | None:
    html = f"<html><head><title>一篇文章的标题_某某网</title>{head}</head><body>{body}</body>"
    page = extract_article(html, url, ArticleRules(), now=NOW, tz=ZoneInfo("Asia/Shanghai"))
    return page.author


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("zboygirl 阅读(1660)", "zboygirl"),
        ("zboygirl 阅读(1660) 评论(3)", "zboygirl"),
        ("作者：魏喆 ）", "魏喆"),
        ("Copyright © 李建忠", "李建忠"),
        ("Copyright © 2008-2024 好看的hk", "好看的hk"),
        ("© 2020 Jane Doe. All rights reserved.", "Jane Doe"),
        ("芊草凡凡 +加关注", "芊草凡凡"),
        ("Houzz Deutschland vor 5 Stunden", "Houzz Deutschland"),
        ("Michael Stratford 10/17/2022", "Michael Stratford"),  # the date line run on
        ("Anna Berg 17.10.22", "Anna Berg"),
        ("Ann Lee of The Times", "Ann Lee"),
        ("Ann Lee | Staff writer", "Ann Lee"),
        ("管不饿 关注", "管不饿"),  # a follow button
        ("张三 已关注", "张三"),
        ("Elena Oberholzer (obe)", "Elena Oberholzer"),  # her initials, as NZZ signs
    ],
)
def test_names_are_cleaned_of_what_stands_beside_them(raw: str, name: str) -> None:
    assert author_from(raw) == name


@pytest.mark.parametrize(
    "raw",
    [
        "成就一亿技术人!",  # a slogan
        "记者：您为什么选择回到家乡创业？",  # an interviewer's question
        "By",  # the name is in the next element
        "这是一句很长的话而不是任何人的名字吧",  # a sentence
    ],
)
def test_what_is_no_name_is_refused(raw: str) -> None:
    assert author_from(raw) is None


def test_markup_left_in_an_info_line_is_no_name():
    body = (
        '<h1>一篇文章的标题</h1><div>作者： size="20" &nbsp;&nbsp;来源： size="20"'
        f"&nbsp;&nbsp;发布日期： 7/5/2005 9:23:57 PM</div>{STORY}"
    )
    assert author_of("", body) is None


def test_a_label_in_its_own_element_gives_the_name_beside_it():
    body = f"<h1>一篇文章的标题</h1><div><b>作者：</b><a href='/u/1'>芊草凡凡</a></div>{STORY}"
    assert author_of("", body) == "芊草凡凡"


def test_a_label_in_its_own_element_ends_at_the_next_labelled_element():
    # DedeCMS: the labels are <small>s and the values bare text between them; joined without a
    # space, the next label ran into the name ('王芳点击').
    body = (
        "<h1>一篇文章的标题</h1><div class='info'><small>时间:</small>2024-12-06 10:30"
        f"<small>来源:</small>新华网<small>作者:</small>王芳<small>点击:</small>"
        f"<script src='/plus/count.php?aid=1'></script>次</div>{STORY}"
    )
    assert author_of("", body) == "王芳"


def test_an_account_id_in_metadata_is_not_the_author():
    head = '<meta name="author" content="L_104485">'
    body = f"<h1>一篇文章的标题</h1><div class='info'><b>作者：</b>芊草凡凡</div>{STORY}"
    assert author_of(head, body) == "芊草凡凡"
    assert author_of(head, f"<h1>一篇文章的标题</h1>{STORY}") is None


def test_a_cms_vendor_in_metadata_is_never_the_author():
    head = '<meta name="Author" content="大汉网络">'
    assert author_of(head, f"<h1>一篇文章的标题</h1>{STORY}<div>技术支持：大汉网络</div>") is None


def test_an_editor_in_metadata_gives_way_to_the_byline():
    # Chinese CMSs put the editor's account in <meta name="author">; the page says so.
    head = '<meta name="author" content="倪仕轩">'
    body = (
        "<h1>一篇文章的标题</h1><div class='meta'><span>2023-06-15 08:10</span>"
        f"<span>来源：中国新闻网</span><span id='author_x'>王帆</span></div>{STORY}"
        "<div class='m-editor'>编辑：倪仕轩 责任编辑：杨格</div>"
    )
    assert author_of(head, body) == "王帆"


def test_an_editor_is_the_author_only_when_nobody_else_is_named():
    body = f"<h1>一篇文章的标题</h1>{STORY}<div>责任编辑： 焦鹏</div>"
    assert author_of("", body) == "焦鹏"
    body = f"<h1>一篇文章的标题</h1>{STORY}<p>新京报记者 彭冲 山东冠县报道</p><div>编辑：焦鹏</div>"
    assert author_of("", body) == "彭冲"


def test_a_reporter_at_the_end_of_a_long_story_is_found():
    body = f"<h1>一篇文章的标题</h1>{STORY * 30}<p>整合 新华日报·交汇点记者 徐睿翔</p>"
    assert author_of("", body) == "徐睿翔"


def test_photo_credits_and_menus_are_no_reporters():
    assert reporter_from("新华社记者 才扬 摄") is None
    assert reporter_from("（圖／記者林悅翻攝）") is None
    assert reporter_from("第A04版：小记者训练营") is None
    body = (
        "<div class='nav'><a href='/blog'>记者博客</a></div><h1>一篇文章的标题</h1>"
        f"<p>图为现场。新华社记者 才扬 摄</p>{STORY}"
    )
    assert author_of("", body) is None


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("（中央社記者邱俊欽桃園19日電）桃園市平鎮區一家輪胎行今天清晨發生大火", "邱俊欽"),
        ("記者林悅／南市報導", "林悅"),
        ("警方已勘驗現場並報請相驗。（王煌忠／台中報導）", "王煌忠"),
    ],
)
def test_traditional_chinese_bylines(text: str, name: str) -> None:
    assert reporter_from(text) == name


def test_a_bare_by_before_the_name_link_is_not_the_name():
    # The byline's box also holds the author's role and links, too long for a name: the
    # first element that says "byline" with a short text is the bare 'By'.
    body = (
        "<h1>A headline for the story</h1><div class='c-byline'><em class='c-byline__by'>By"
        "</em> <a class='c-byline__link' rel='author' href='/author/df/'>David Fear</a>"
        "<div class='c-byline__detail'>Senior Editor at the magazine, follow him on social media"
        " for more of his reviews and stories</div></div>"
        "<p>The story itself, long enough to be prose for the extractor.</p>"
    )
    assert author_of("", body) == "David Fear"


def test_a_teasers_byline_is_not_the_authors():
    body = (
        f"<h1>一篇文章的标题</h1>{STORY}<div class='more'><p><a href='/a/2.html'>"
        "另一篇文章的标题，讲的是别的事情</a> <span class='vcard author'>"
        "<a href='/u/2'>Collectif</a></span></p></div>"
    )
    assert author_of("", body) is None


def test_the_site_named_as_the_byline_is_a_last_resort():
    head = '<meta property="og:site_name" content="ETtoday新聞雲">'
    body = (
        "<h1>一篇文章的标題</h1><div class='author'>ETtoday新聞雲</div>"
        f"<p>記者林悅／南市報導</p>{STORY}"
    )
    assert author_of(head, body) == "林悅"
    body = f"<h1>一篇文章的標題</h1><div class='author'>ETtoday新聞雲</div>{STORY}"
    assert author_of(head, body) == "ETtoday新聞雲"


def test_a_french_byline_set_after_the_lede():
    lede = "<p>" + "Le juge se récuse d'un dossier mettant en cause un cabinet comptable. " * 2
    story = "<p>" + "Jusqu'à la semaine dernière, le juge gérait la seule cause. " * 6 + "</p>"
    byline = "<p>Un texte de <strong>Frédéric Zalac</strong></p>"
    assert author_of("", f"<h1>一篇文章的标题</h1>{lede}</p>{byline}{story}") == "Frédéric Zalac"


def test_the_copyright_holder_in_the_meta_author_is_the_publisher_not_the_writer():
    # A Condé Nast title puts the group in <meta name="author">, the writer elsewhere; some
    # templates write the values in ``value``.
    for attribute in ("content", "value"):
        head = (
            f'<meta name="author" {attribute}="Condé Nast">'
            f'<meta name="copyright" {attribute}="Copyright (c) Condé Nast 2022">'
            f'<meta name="article:author" {attribute}="Arielle Pardes">'
        )
        assert author_of(head, f"<h1>一篇文章的标题</h1>{STORY}") == "Arielle Pardes", attribute
    # Alone, it is still the last resort
    head = '<meta name="author" content="Condé Nast"><meta name="copyright" content="© Condé Nast">'
    assert author_of(head, f"<h1>一篇文章的标题</h1>{STORY}") == "Condé Nast"


def test_a_label_inside_a_long_block_of_lines_is_read_on_its_own_line():
    body = f"<h1>一篇文章的标题</h1><td>{STORY * 3}<br>文：眉间尺<br><br>我的博客</td>"
    assert author_of("", body) == "眉间尺"


def test_a_footers_credits_are_no_byline():
    body = (
        f"<h1>一篇文章的标题</h1>{STORY}<div align=center>Copyright &copy;2004 China-Pub.com"
        " Source from:Oblog v2.21 Rewrited by:yaoayao</div>"
    )
    assert author_of("", body) is None


def test_citation_authors_padded_to_align_and_a_publisher_list_in_metadata():
    head = (
        '<meta name="citation_authors" content="赵  培">'
        '<meta name="Author" content="中文学术期刊,汉斯出版社,Hans Publishers">'
    )
    assert author_of(head, f"<h1>一篇文章的标题</h1>{STORY}") == "赵培"


def test_a_heading_of_the_authors_other_stories_is_no_name():
    body = (
        f"<h1>一篇文章的标题</h1>{STORY}<table id='relativeAuthorWords'><tr><td>■<span>"
        "<strong>该作者文章</strong></span></td></tr></table>"
    )
    assert author_of("", body) is None


def test_a_forum_posts_byline():
    body = (
        f"<h1>一篇文章的标题</h1>{STORY}<p><center>本贴由<b>大卫</b>于2005年8月12日16:12:21在"
        "〖<a href='/bbs/1'>心灵驿站</a>〗发表</center>"
    )
    assert author_of("", body) == "大卫"


def test_a_forum_posts_byline_closing_a_long_post_runs_to_its_verb():
    # Far below the headline only a byline that ends its line counts; the credit's board and
    # verb are part of it, not text after it.
    body = (
        f"<h1>一篇文章的标题</h1>{STORY * 20}<p><center>本贴由<b>大卫</b>于2005年8月12日16:12:21在"
        "〖<a href='/bbs/1'>心灵体操（在线心理咨询）</a>〗发表.</center>"
    )
    assert author_of("", body) == "大卫"


def test_a_host_name_above_the_date_is_no_author():
    body = (
        "<h1>这个约会软件想帮你找对象</h1><div class='meta'><span>BUSINESS.SOHU.COM</span>"
        f"<span>2017-03-01 14:27:02</span></div>{STORY}"
    )
    assert author_of("", body) is None


def test_a_reporter_named_in_the_prose_far_down_is_not_the_author():
    prose = (
        "<p>美国记者赫德里克·史密斯(Hedrick Smith)在他那本写於一九七六年的书中，讲述了这些。</p>"
    )
    body = f"<h1>一篇文章的标题</h1>{STORY * 20}{prose}{STORY}<p>（姚峰 上海报道）</p>"
    assert author_of("", body) == "姚峰"
    assert author_of("", f"<h1>一篇文章的标题</h1>{STORY * 20}{prose}{STORY}") is None


def test_a_name_right_below_the_headline_with_the_date_after_it():
    body = (
        "<h1>这个约会软件想帮你找对象</h1><div class='meta'><span>谢若含</span>"
        f"<span>2017-03-01 14:27:02</span></div>{STORY}"
    )
    assert author_of("", body) == "谢若含"
    follow = (
        "<h1>一篇文章的标题</h1><div><a href='/u/9'>管不饿</a><a class='btn'>+关注</a>"
        f"<span>2024-05-08 23:23</span></div>{STORY}"
    )
    assert author_of("", follow) == "管不饿"
    # A section's name over the date is no byline.
    section = f"<h1>一篇文章的标题</h1><div><span>社会</span><span>2024-05-08</span></div>{STORY}"
    assert author_of("", section) is None


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("作　者：张三　　来　源：新华网", "张三"),
        ("楼主：cdylng 时间：2017-03-24 20:29:10", "cdylng"),
        ("发信人: abc (小明), 信区: Joke", "abc (小明)"),
    ],
)
def test_labels_padded_to_width_and_forum_labels(line: str, name: str) -> None:
    body = f"<h1>一篇文章的标题</h1><div class='info'>{line}</div>{STORY}"
    assert author_of("", body) == name


def test_authors_a_page_implies():
    def page(title: str, body: str) -> str | None:
        html = f"<html><head><title>{title}</title></head><body>{body}</body></html>"
        url = "https://e.com/archives.php?id=1"
        found = extract_article(html, url, ArticleRules(), now=NOW, tz=ZoneInfo("Asia/Shanghai"))
        return found.author

    # A blog's owner: its name beside the blog host in <title>, or 'X的博客'.
    assert page("海姑娘 | blog.wenxuecity.com", f"<b>昨天去金矿玩</b>{STORY}") == "海姑娘"
    assert page("金矿游记_张小明的博客", f"<h1>金矿游记</h1>{STORY}") == "张小明"
    # The name before the headline's colon, when it also stands alone in the story.
    story = f"<h1>茉莉：我是怎样卷入八九民运的</h1><p>我是怎样卷入八九民运的</p><p>茉莉</p>{STORY}"
    assert page("茉莉：我是怎样卷入八九民运的", story) == "茉莉"
    assert page("专家：明年经济将继续增长", f"<h1>专家：明年经济将继续增长</h1>{STORY}") is None
    # A person named as the source; a newspaper is not.
    assert page("彩票人生", f"<h1>彩票人生</h1>{STORY}<p>来源: 尹娟 </p>") == "尹娟"
    assert page("彩票人生", f"<h1>彩票人生</h1>{STORY}<p>来源：新华网</p>") is None


EN_STORY = "<p>" + "A long paragraph of the story that tells what happened and why. " * 8 + "</p>"


def en_author_of(head: str, body: str) -> str | None:
    html = f"<html><head><title>A headline - Daily</title>{head}</head><body>{body}</body></html>"
    page = extract_article(html, "https://daily.example/a/1", ArticleRules(), now=NOW, tz=UTC)
    return page.author


def test_every_author_meta_tag_is_read_and_the_sites_name_passed_over():
    # Two author tags, the site's name first; a 'value' attribute; a site's own key.
    head = '<meta name="author" content="한국일보"><meta name="author" content="신현주 기자">'
    head += '<meta property="og:site_name" content="한국일보">'
    assert en_author_of(head, f"<h1>A headline</h1>{EN_STORY}") == "신현주"
    head = '<meta name="author" value="Stephen Collinson">'
    assert en_author_of(head, f"<h1>A headline</h1>{EN_STORY}") == "Stephen Collinson"
    head = '<meta property="lrt_authors" content="Povilas Aleksandravičius">'
    assert en_author_of(head, f"<h1>A headline</h1>{EN_STORY}") == "Povilas Aleksandravičius"
    assert bylines.meta_author_values(parse('<meta name="its_author" content="1482">')) == ["1482"]


def test_a_medium_named_as_author_gives_way_to_the_reporter():
    head = '<meta name="author" content="中央通訊社">'
    body = f"<h1>一篇文章的标题</h1><p>（中央社記者邱俊欽桃園19日電）{STORY[3:]}"
    assert author_of(head, body) == "邱俊欽"
    assert (
        author_of('<meta name="author" content="网易">', f"<h1>一篇文章的标题</h1>{STORY}")
        == "网易"
    )


def test_a_labelled_editor_is_not_the_writer_even_as_a_json_ld_person():
    ld = '{"@type": "NewsArticle", "author": {"@type": "Person", "name": "Heryadi"}}'
    head = f'<script type="application/ld+json">{ld}</script>'
    body = (
        "<h1>A headline</h1><div class='info'>Editor :  Heryadi</div>"
        f"<div class='author'>Naufal Zuhdi</div>{EN_STORY}"
    )
    assert en_author_of(head, body) == "Naufal Zuhdi"


def test_a_byline_block_gives_its_first_name():
    body = (
        "<h1>A headline</h1><div class='author'>Written by <a href='/u'>Michael Larabel</a> in "
        "<a href='/t'>Valve</a> on 1 June 2019 at 08:34 PM EDT. <a href='/c'>51 Comments</a>"
        f"</div>{EN_STORY}"
    )
    assert en_author_of("", body) == "Michael Larabel"
    body = (
        "<h1>A headline</h1><div class='article-byline'><span>Birgit Baumann</span> "
        f"<span>Anna Giulia Fink</span> <span>Jan Michael Marchart</span></div>{EN_STORY}"
    )
    assert en_author_of("", body) == "Birgit Baumann"
    byline = "<h1>A headline</h1><p class='author'>Interview: Ann Lee</p>"
    assert en_author_of("", byline) == "Ann Lee"


@pytest.mark.parametrize(
    ("name", "shaped"),
    [("Ann Lee", True), ("Ludwig van Beethoven", True), ("O’Regan Victoria", True),
     ("About", False), ("51 Comments", False), ("twitter facebook", False), ("何苗", True),
     ("新闻中心", False)],
)  # fmt: skip
def test_what_a_name_looks_like(name: str, shaped: bool) -> None:
    assert bylines.name_shaped(name) is shaped


def test_a_name_beside_the_date_after_a_summary():
    body = (
        "<h1>A headline</h1><h4>The summary of the story, in one sentence.</h4>"
        f"<div><span>Sehernur Karsu &nbsp;|</span> <span>05.04.2025 - 10:20</span></div>{EN_STORY}"
    )
    assert en_author_of("", body) == "Sehernur Karsu"


@pytest.mark.parametrize(
    "prose",
    ["罗娟向记者介绍，上海工程技术大学从2010年开始", "记者回访发现，一些人习惯性地乱扔烟头"],
)
def test_the_prose_speaking_of_the_reporter_is_no_byline(prose: str) -> None:
    assert reporter_from(prose) is None
    byline = "<p>中青报·中青网记者 魏其濛 来源：中国青年报</p>"
    body = f"<h1>一篇文章的标题</h1><p>{prose}</p>{STORY}{byline}"
    assert author_of("", body) == "魏其濛"


def test_a_story_signed_in_a_bold_paragraph_of_its_own():
    lines = EN_STORY * 4
    signed = "<p style='text-align:right'><strong>Lê Phương</strong></p>"
    assert en_author_of("", f"<h1>A headline</h1>{lines}{signed}") == "Lê Phương"
    assert en_author_of("", f"<h1>A headline</h1><p><b>Ann Lee</b></p>{lines}") == "Ann Lee"
    # A bold subheading between paragraphs, or a bold name in a sentence, signs nothing.
    inner = f"<h1>A headline</h1>{lines}<p><strong>Key Findings</strong></p>{lines}"
    assert en_author_of("", inner) is None
    sentence = f"<h1>A headline</h1>{lines}<p><strong>Ann Lee</strong> said so.</p>"
    assert en_author_of("", sentence) is None


def test_a_login_boxs_words_are_no_byline():
    body = (
        "<div class='author-login'><a>账号</a><a>密码</a><a>我的跟贴</a></div>"
        f"<h1>一篇文章的标题</h1><div>本文来源：21世纪经济报道 作者：何苗</div>{STORY}"
    )
    assert author_of('<meta name="author" content="网易">', body) == "何苗"


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("新华社北京5月19日电（刘艺、杨吉）中国科学院专家19日介绍", "刘艺"),
        ("新华社北京5月19日电（欧阳晓明）记者近日", "欧阳晓明"),
        ("本报北京5月19日电（记者 张三 李四）", "张三"),
    ],
)
def test_a_news_agencys_dateline_names_its_reporters_without_the_word(line: str, name: str):
    assert reporter_from(line) == name


def test_a_datelines_other_credits_are_no_reporters():
    assert reporter_from("新华社北京5月19日电（通讯员 张三）") is None
    assert reporter_from("中新网5月19日电（图）") is None


def test_an_editor_labelled_under_the_story_is_not_the_metadata_author():
    # <meta name="author"> holds the editor's account; the page labels him under the story,
    # far from the info line, and the agency's dateline names the reporter.
    head = '<meta name="author" content="张倩">'
    body = (
        "<h1>一篇文章的标题</h1><p>2024-05-20 来源：新华社</p>"
        f"<p><strong>新华社北京5月19日电（刘艺、杨吉）</strong>{STORY[3:-4]}</p>{STORY * 4}"
        '<div class="tool"><span>[ </span><span>责编：张倩</span><span> ]</span></div>'
    )
    assert author_of(head, body) == "刘艺"
    assert author_of(head, body.replace("责编：张倩", "分享到")) == "张倩"
    assert not_writers.labelled_editors(parse(f"<body>{body}</body>")) == ["张倩"]


def test_a_newsrooms_page_for_its_editor_beside_the_headline_names_the_writer():
    # A card for the same story comes first, under an <h2>: the <h1> is the headline.
    card = '<div class="next"><h2>Lyft extends free scooter rides</h2></div>'
    header = (
        "<h1>Lyft extends free scooter rides</h1><div>Workers won't need to pay.</div>"
        '<div><a href="/about/editors/jon-fingas/">Jon Fingas</a><span>, @jonfingas</span>'
        "<span>1h ago</span></div>"
    )
    story = "<p>" + "Emergency and transit workers can ride free through May, Lyft said. " * 5
    html = f"<html><head><title>Lyft extends free scooter rides</title></head><body>{card}"
    page = extract_article(
        f"{html}{header}{story}</p></body></html>",
        "https://e.com/a/1.html",
        ArticleRules(),
        now=NOW,
        tz=UTC,
    )
    assert page.author == "Jon Fingas"


def test_the_twitter_creator_shown_as_a_profile_link_is_the_writer():
    head = '<meta name="twitter:creator" content="delta201">'
    byline = '<span> by </span><h3><a href="/profile/142450">delta201</a></h3>'
    creator = {"twitter:creator": "@delta201"}
    assert byline_lines.shown_creator(parse(f"<body>{byline}</body>"), creator) == "delta201"
    body = f"<h2>Melas</h2>{byline}{STORY * 3}"
    assert author_of(head, body) == "delta201"
    # The handle alone, or shown only as a plain link, is maybe the site's account.
    assert author_of(head, f"<h2>Melas</h2>{STORY * 3}") is None
    plain = '<a href="https://twitter.com/delta201">delta201</a>'
    assert (
        byline_lines.shown_creator(parse(f"<body>{plain}</body>"), {"twitter:creator": "delta201"})
        is None
    )


# --- bylines that neither markup nor a colon label names (byline_lines.py) ---------------------

EN_STORY = (
    "<p>" + "A long story about something that happened in town, told in detail. " * 6 + "</p>"
)
EN_HEAD = "<h1>A headline of the story</h1>"


def story_author_of(head: str, body: str) -> str | None:
    html = f"<html><head><title>A headline of the story - Site</title>{head}</head><body>{body}"
    page = extract_article(html, "https://e.com/a/1.html", ArticleRules(), now=NOW, tz=UTC)
    return page.author


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("<p>By Jane Doe</p>", "Jane Doe"),
        ("<p>By Jane Doe | June 3, 2021</p>", "Jane Doe"),
        ("<p>von Andreas Kürten</p>", "Andreas Kürten"),
        ("<p>Par Jeanne van der Berg le 3 juin</p>", "Jeanne van der Berg"),
        (
            "<p>By <a href='/p/1'>Jane Doe</a> and <a href='/p/2'>John Roe</a></p>",
            "Jane Doe and John Roe",
        ),
        ("<div>Posted by <a href='/u/jdoe'>jdoe</a> on June 3, 2021</div>", "jdoe"),
        ("<p>June 3, 2021 · By Jane Doe</p>", "Jane Doe"),
    ],
)
def test_a_line_under_the_headline_that_opens_with_by_names_the_writer(line: str, name: str):
    assert story_author_of("", f"{EN_HEAD}{line}{EN_STORY}") == name


@pytest.mark.parametrize(
    "line",
    [
        "<h2>Von Berlin nach Hamburg</h2>",  # a heading, not a byline
        "<p>Von Berlin nach Hamburg</p>",  # 'nach' is no particle of a name
        "<p>By the numbers</p>",  # no name's shape
        "<div>Posted by <a href='/u/admin'>admin</a> on June 3</div>",  # the site's account
        "<p>Photo by Jane Doe</p>",  # a photographer
        "<p>News | By the way, nothing</p>",  # no name's shape
    ],
)
def test_a_by_line_that_names_no_writer_is_passed_over(line: str):
    assert story_author_of("", f"{EN_HEAD}{line}{EN_STORY}") is None


def test_a_by_line_in_a_related_story_is_not_the_writer():
    related = "<li><a href='/b/2'>Another story headline with many words in it</a></li>"
    body = f"{EN_HEAD}<ul class='related'>{related}<li>By Ann Lee</li></ul>{EN_STORY}"
    assert story_author_of("", body) is None


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("<p>文/张三</p>", "张三"),
        ("<p>文 / 张三</p>", "张三"),
        ("<p>文 | 张三</p>", "张三"),
        ("<p>作者丨张三</p>", "张三"),
        ("<p>图/文 张三</p>", "张三"),
        ("<p>【文/张三】</p>", "张三"),
        ("<p>文/本报记者 张三</p>", "张三"),
        ("<div>撰稿人：张三</div>", "张三"),
        ("<div>2024-01-02 本文作者：张三</div>", "张三"),
        ("<div>2024-01-02 10:00 文/张三</div>", "张三"),
        ("<p>张三/文</p>", "张三"),
        ("<p>张三 / 文 / 图</p>", "张三"),
        ("<p>文　张三</p>", "张三"),
        ("<div><strong>作者</strong>：张三</div>", "张三"),
    ],
)
def test_a_chinese_byline_with_a_slash_or_bar_names_the_writer(line: str, name: str):
    assert author_of("", f"<h1>一篇文章的标题</h1>{line}{STORY}") == name


@pytest.mark.parametrize(
    "line",
    [
        "<p>文/图：新华社</p>",
        "<p>文/新京报</p>",
        "<p>作者|这是一个很长的描述而不是名字</p>",
        "<p>文化部长</p>",
    ],
)
def test_a_chinese_slash_byline_that_names_a_medium_or_a_sentence_is_none(line: str):
    assert author_of("", f"<h1>一篇文章的标题</h1>{line}{STORY}") is None


def test_a_label_that_opens_a_bracket_is_read():
    assert author_from("【作者：张三】") == "张三"
    assert author_of("", f"<h1>一篇文章的标题</h1><div>【作者：张三】</div>{STORY}") == "张三"


def test_an_author_given_as_an_address_is_named_by_its_link():
    head = '<meta property="article:author" content="https://e.com/author/jane-doe">'
    body = f"{EN_HEAD}<div><a href='/author/jane-doe/'>Jane Doe</a></div>{EN_STORY}"
    assert story_author_of(head, body) == "Jane Doe"
    ld = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "author": {"@type": '
        '"Person", "url": "https://e.com/author/jane-doe"}}</script>'
    )
    assert story_author_of(ld, body) == "Jane Doe"


def test_an_author_address_that_is_a_profile_elsewhere_or_the_home_page_names_nobody():
    body = f"{EN_HEAD}<div><a href='/'>Some Site</a></div>{EN_STORY}"
    facebook = '<meta property="article:author" content="https://www.facebook.com/janedoe">'
    assert story_author_of(facebook, body) is None
    home = '<meta property="article:author" content="https://e.com/">'
    assert story_author_of(home, body) is None
    yoast = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "author": {"@id": '
        '"https://e.com/#/schema/person/1"}}</script>'
    )
    assert story_author_of(yoast, body) is None


def test_an_editor_in_author_markup_is_not_the_writer():
    # '<span class="author">责任编辑：王五</span>' above the story, the reporter's byline in it.
    body = (
        "<h1>一篇文章的标题</h1><span class='author'>责任编辑：王五</span>"
        f"{STORY}<p>（记者 张三）</p>"
    )
    assert author_of("", body) == "张三"


def test_a_medium_labelled_as_author_gives_way_to_the_reporter():
    body = f"<h1>一篇文章的标题</h1><div>作者：新京报</div>{STORY}<p>（新京报记者 张三）</p>"
    assert author_of("", body) == "张三"


def test_a_date_label_over_the_date_is_no_name():
    body = f"<h1>一篇文章的标题</h1><div>更新时间</div><div>2012年9月18日 14:07</div>{STORY}"
    assert author_of("", body) is None


@pytest.mark.parametrize(
    "block",
    [
        "<span class='autor'>Jana Nováková</span>",
        "<div class='article-autore'>Jana Nováková</div>",
        "<p id='auteur'>Jana Nováková</p>",
    ],
)
def test_byline_markup_is_read_in_the_page_s_language(block: str):
    assert story_author_of("", f"{EN_HEAD}{block}{EN_STORY}") == "Jana Nováková"


def test_a_script_s_class_that_begins_like_autor_is_no_byline():
    block = "<div class='autoresize'>Jana Nováková</div>"
    assert story_author_of("", f"{EN_HEAD}{block}{EN_STORY}") is None


def test_byline_markup_named_in_pinyin_is_read():
    assert (
        author_of("", f"<h1>一篇文章的标题</h1><span class='zuozhe'>张三</span>{STORY}") == "张三"
    )
    assert (
        author_of("", f"<h1>一篇文章的标题</h1><span id='jizhe'>记者 张三</span>{STORY}") == "张三"
    )


def test_a_story_s_json_ld_creator_is_its_writer_an_image_s_is_not():
    story = '{"@type": "NewsArticle", "creator": ["渡辺洋介"]}'
    image = '{"@type": "ImageObject", "creator": {"@type": "Person", "name": "Photo Grapher"}}'
    ld = '<script type="application/ld+json">{}</script>'
    assert story_author_of(ld.format(story), f"{EN_HEAD}{EN_STORY}") == "渡辺洋介"
    assert story_author_of(ld.format(image), f"{EN_HEAD}{EN_STORY}") is None


def test_a_twitter_card_labelled_written_by_names_the_writer():
    card = '<meta name="twitter:label1" content="{}"><meta name="twitter:data1" content="{}">'
    body = f"{EN_HEAD}{EN_STORY}"
    assert story_author_of(card.format("Written by", "Ann Lee"), body) == "Ann Lee"
    assert story_author_of(card.format("Est. reading time", "3 minutes"), body) is None


def test_an_e_mail_address_is_no_part_of_a_name():
    assert author_from("Ann Lee (ann@site.com)") == "Ann Lee"
    assert author_from("By Ann Lee <ann.lee@site.co.uk>") == "Ann Lee"
    assert author_from("ann@site.com") is None


@pytest.mark.parametrize("placeholder", ["佚名", "admin", "Anonymous", "未知"])
def test_a_cms_placeholder_is_nobody(placeholder: str):
    assert author_from(placeholder) is None
    head = f'<meta name="author" content="{placeholder}">'
    assert author_of(head, f"<h1>一篇文章的标题</h1><div>作者：{placeholder}</div>{STORY}") is None


def test_a_reporter_s_byline_as_metadata_gives_the_reporter():
    head = '<meta name="author" content="記者陳嘉寧／桃園機場報導">'
    assert author_of(head, f"<h1>一篇文章的标题</h1>{STORY}") == "陳嘉寧"


def test_a_platform_blog_s_owner_named_in_the_title_and_shown_as_a_link_is_the_writer():
    def owner(title: str, header: str) -> str | None:
        html = f"<html><head><title>{title}</title></head><body>{header}<h1>Python 装饰器详解</h1>"
        page = extract_article(
            f"{html}{STORY}</body></html>", "https://www.cnblogs.com/zs/p/1.html", ArticleRules(),
            now=NOW, tz=ZoneInfo("Asia/Shanghai"),
        )  # fmt: skip
        return page.author

    assert (
        owner("Python 装饰器详解 - 张三的小站 - 博客园", "<a href='/zs/'>张三的小站</a>")
        == "张三的小站"
    )
    assert owner("Python 装饰器详解_zhangsan_新浪博客", "<a href='/zs/'>zhangsan</a>") == "zhangsan"
    # Not shown as a link, or not a blog platform's title: a section's or a site's name.
    assert owner("Python 装饰器详解 - 张三的小站 - 博客园", "<p>张三的小站</p>") is None
    assert owner("Python 装饰器详解 - 技术 - 某某网", "<a href='/t/'>技术</a>") is None


def test_the_author_of_a_page_s_main_entity_is_read():
    ld = (
        '<script type="application/ld+json">{"@type": "WebPage", "mainEntity": {"@type": '
        '"NewsArticle", "author": {"@type": "Person", "name": "Ann Lee"}}}</script>'
    )
    assert story_author_of(ld, f"{EN_HEAD}{EN_STORY}") == "Ann Lee"


def test_a_forum_thread_whose_title_stands_in_its_first_post_is_the_first_poster_s() -> None:
    # vBulletin: each post names its poster above its title and text; the first post's title
    # is the page's headline, so the next post's poster stands right after it.
    def post(number: int, user: str, title: str, text: str) -> str:
        heading = f'<h2 class="title icon">{title}</h2>' if title else ""
        return (
            f'<li class="postcontainer" id="post_{number}"><div class="posthead"><span '
            f'class="date">05-13-2024, 08:1{number} AM</span></div><div class="userinfo"><a '
            f'class="username" href="member.php?u={number}"><strong>{user}</strong></a>'
            f'</div><div class="postbody">{heading}<blockquote class="postcontent">{text}'
            "</blockquote></div></li>"
        )

    title = "How do I fix the boot loop on my router?"
    prose = "The router restarts every minute since the last update, whatever I try. " * 5
    thread = f'<ol id="posts">{post(1, "alice", title, prose)}{post(2, "bob", "", prose)}</ol>'
    html = f"<html><head><title>{title} - Example Forums</title></head><body>{thread}</body>"
    url = "https://forum.example.org/showthread.php?t=5"
    assert extract_article(html, url, ArticleRules(), now=NOW, tz=UTC).author == "alice"
