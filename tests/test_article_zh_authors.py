"""Chinese authors no label names (issue 15): a name after the date on the info line, a
sign-off in brackets at the story's end; and the shapes of Chinese CMS templates (DedeCMS,
PHPCMS, EmpireCMS, Discuz portal, government sites) where a wrong author would be worse than
none: a department, a source, a placeholder, a place."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from feeds.config import ArticleRules
from feeds.extract.article import extract_article
from feeds.extract.byline_words import han_person
from feeds.extract.labels import author_from
from feeds.extract.zh_names import department

NOW = datetime(2024, 12, 14, 2, 0, tzinfo=UTC)
ZH = "<p>" + "这是一篇很长的文章正文，讲述了一件发生在本地的事情，内容翔实。" * 6 + "</p>"
H1 = "<h1>一篇文章的标题</h1>"


def author_of(body: str) -> str | None:
    html = f"<html><head><title>一篇文章的标题</title></head><body>{body}</body></html>"
    page = extract_article(
        html, "https://e.com/a/1.html", ArticleRules(), now=NOW, tz=ZoneInfo("Asia/Shanghai")
    )
    return page.author


@pytest.mark.parametrize(
    "info",
    [
        "2021-06-03 10:00 张三",
        "2021年06月03日 10:00 张三",
        "发布时间：2024-12-06 09:30&nbsp;&nbsp;张三&nbsp;&nbsp;阅读：123",
        "<span>2024-12-06</span> <span>张三</span> <span>浏览 45</span>",
        "2024-12-06 09:30 | 张三 | 来源：人民网",
        # in brackets, a GBK page's private-use glyph after them (a 2004 portal's info line)
        "2004年7月16日08:19 [ 张三 ]\ue5c2  来源：[ <a href='/s'>国际金融报</a> ]",
        "2024-12-06 09:30 【张三】 来源：人民网",
    ],
)
def test_a_name_after_the_date_on_the_info_line_is_the_author(info: str) -> None:
    assert author_of(f"{H1}<div class='info'>{info}</div>{ZH}") == "张三"


def test_two_names_after_the_date_are_both_writers() -> None:
    assert author_of(f"{H1}<div class='info'>2024/12/06 张三 李四</div>{ZH}") == "张三 李四"


@pytest.mark.parametrize(
    "info",
    [
        "2021-06-03 10:00 江苏",  # a place
        "2021-06-03 10:00 新华社",  # a medium
        "2021-06-03 10:00 本站",
        "2021-06-03 10:00 admin",
        "2021-06-03 10:00 周四",  # a weekday
        "2021-06-03 10:00 北京时间",
        "2021-06-03 10:00 张三说今天的天气很好",  # prose, no name
        "2021-06-03 10:00 黄金价格",  # a phrase that opens with a surname's character
        "2021-06-03 10:00 [江苏]",
        "2021-06-03 10:00 [张三",  # a bracket left open: no name in brackets
    ],
)
def test_what_follows_a_date_and_is_no_person_is_no_author(info: str) -> None:
    assert author_of(f"{H1}<div class='info'>{info}</div>{ZH}") is None


@pytest.mark.parametrize(
    ("end", "name"),
    [
        ("<p>（张三）</p>", "张三"),
        ("<p>(记者 张三)</p>", "张三"),
        ("<p>（作者：欧阳明）</p>", "欧阳明"),
        ("<p>（张三 李四）</p>", "张三 李四"),
        ("<p>这是故事的最后一句话。（王芳）</p>", "王芳"),
    ],
)
def test_a_sign_off_at_the_story_end_is_the_author(end: str, name: str) -> None:
    assert author_of(f"{H1}{ZH}{end}") == name


@pytest.mark.parametrize(
    "end",
    [
        "<p>（完）</p>",
        "<p>（编辑：李四）</p>",  # an editor, not the writer
        "<p>（责任编辑 李四）</p>",
        "<p>（本文来源：新华社）</p>",  # a source
        "<p>（王强 摄）</p>",  # a photographer
        "<p>（张三 供图）</p>",
        "<p>（未完待续）</p>",
        "<p>（全文完）</p>",
        "<p>（新华社）</p>",
    ],
)
def test_what_brackets_close_and_is_no_writer_is_no_author(end: str) -> None:
    assert author_of(f"{H1}{ZH}{end}") is None


def test_a_bracketed_tag_after_a_link_is_no_sign_off() -> None:
    # A recommended story's link with its section's name after it, below the story.
    related = (
        "<td><a href='/b/2.html'>精彩专题：另一篇文章</a><span class='gray'>(房产)</span></td>"
    )
    assert author_of(f"{H1}{ZH}<table><tr>{related}</tr></table>") is None
    assert author_of(f"{H1}{ZH}<p><a href='/b/2.html'>另一篇文章</a>（张三）</p>") is None


def test_a_sign_off_in_the_comments_is_not_the_authors() -> None:
    comments = "<div class='comments'><p>（张三）</p></div>"
    assert author_of(f"{H1}{ZH}{comments}") is None


@pytest.mark.parametrize(
    ("info", "name"),
    [
        ("作者：张三 来源：人民网", "张三"),
        ("文｜张三", "张三"),
        ("文 / 张三", "张三"),
        ("撰稿：张三", "张三"),
        ("投稿人：张三", "张三"),
        ("记者 张三 通讯员 李四", "张三"),  # the reporter first
        ("作者：阿卜杜·热合曼", "阿卜杜·热合曼"),
        ("【作者】张三 【来源】新华网", "张三"),  # a label in lenticular brackets
        ("【本文作者】张三", "张三"),
        ("记者：张三 实习生 李四", "张三"),  # the intern is not the writer
        ("作者：张三 通讯员 李四", "张三"),
        # DedeCMS, EmpireCMS, Discuz portal
        ("<small>时间:</small>2024-12-06<small>来源:</small>未知 <small>作者:</small>张三", "张三"),
        ("发布时间：2024-12-06 09:30:00 作者：张三 来源：本站 点击：100", "张三"),
        ("2024-12-6 09:30<span>|</span>发布者: 张三<span>|</span>查看: 123", "张三"),
        # a newspaper's credits: the writer's, then the photographer's; a contributor's title
        ("张三/文 李四/图", "张三"),
        ("特约撰稿人 张三", "张三"),
    ],
)
def test_chinese_cms_bylines(info: str, name: str) -> None:
    assert author_of(f"{H1}<div class='info'>{info}</div>{ZH}") == name


@pytest.mark.parametrize(
    "info",
    [
        "作者：佚名 来源：本站",  # anonymous
        "作者：本站 来源：本站",  # 'this site'
        "发布者：admin",
        "供稿：办公室",  # a department
        "发布时间：2024-12-06 来源：市教育局 作者：办公室 字号：[大 中 小]",  # a government page
        "作者：市教育局",
        "作者：宣传科",
        "发布人：党政办",
        "撰稿：宣传部",
        "作者：某某科技有限公司",
        "作者：小编",  # 'the editor'
        "作者：原创",
        "作者：互联网",
        "发布日期：2024-12-06 信息来源：市政府办公室 浏览次数：100",  # a government page's source
        "2024-12-06 09:30:00 来源：<a>网络</a> 评论：0",  # PHPCMS, no author
    ],
)
def test_chinese_cms_lines_that_name_no_writer(info: str) -> None:
    assert author_of(f"{H1}<div class='info'>{info}</div>{ZH}") is None


@pytest.mark.parametrize(
    ("name", "person"),
    [("张三", True), ("司马相如", True), ("阿卜杜·热合曼", True), ("江苏", False),
     ("周末", False), ("北京", False), ("王者荣耀", False), ("欧阳明月", True),
     ("新华社", False), ("佚名", False), ("小编", False)],
)  # fmt: skip
def test_a_han_person_opens_with_a_surname_and_is_no_place(name: str, person: bool) -> None:
    assert han_person(name) is person


def test_a_sign_off_under_a_labelled_editor_gives_way_to_the_editor() -> None:
    # A bare name in brackets at the end is as often the editor's again as the writer's.
    page = f"{H1}<div class='info'>2024-12-06 编辑：李四</div>{ZH}<p>（张三）</p>"
    assert author_of(page) == "李四"


@pytest.mark.parametrize(
    ("name", "office"),
    [("办公室", True), ("市教育局", True), ("宣传科", True), ("党政办", True), ("小编", True),
     ("某某集团", True), ("王科", False), ("张建社", False), ("李会", False), ("张三", False),
     ("新华网", False)],  # a medium: the publisher rules read it
)  # fmt: skip
def test_a_department_is_told_from_a_person(name: str, office: bool) -> None:
    assert department(name) is office


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("责任编辑：王晓_NN9999", "王晓"),  # a portal's editor code
        ("作者：张三（某某大学教授）", "张三"),  # what the writer is
        ("作者：张三 李四", "张三 李四"),  # two writers, not one name
        ("作者：王 芳", "王芳"),  # one name padded to align
        ("作者：张 三丰", "张三丰"),
    ],
)
def test_what_stands_beside_a_chinese_name_is_cut(raw: str, name: str) -> None:
    assert author_from(raw) == name


@pytest.mark.parametrize(
    ("cells", "name"),
    [
        ("<table><tr><td>作者</td><td>张三</td><td>来源</td><td>本站</td></tr></table>", "张三"),
        ("<table><tr><th>作　者</th><td>张三</td></tr></table>", "张三"),
        ("<dl><dt>作者</dt><dd>张三</dd></dl>", "张三"),
        # a data table's header row, and a department in the cell: no writer
        ("<table><tr><td>作者</td><td>出版社</td></tr></table>", None),
        ("<table><tr><th>作者</th><th>张三</th></tr></table>", None),
        ("<table><tr><td>作者</td><td>办公室</td></tr></table>", None),
    ],
)
def test_a_label_cell_without_a_colon_names_the_writer_beside_it(
    cells: str, name: str | None
) -> None:
    assert author_of(f"{H1}{cells}{ZH}") == name


def test_a_discuz_threads_author_is_its_first_poster() -> None:
    # Discuz, the software of most Chinese boards: each post's poster in a cell of its own,
    # marked 'authi' (author info); the first post's is the thread's author.
    def post(name: str, when: str, text: str) -> str:
        return (
            "<table class='plhin'><tr><td class='pls'><div class='pi'><div class='authi'>"
            f"<a href='space-uid-5.html' class='xw1'>{name}</a></div></div><p>积分 123</p></td>"
            "<td class='plc'><div class='pi'><div class='pti'><div class='authi'>"
            f"<em id='authorposton1'>发表于 {when}</em> | <a href='#'>只看该作者</a>"
            f"</div></div></div><div class='pct'><div class='t_f'>{text}</div></div></td></tr>"
            "</table>"
        )

    thread = (
        "<div id='postlist'><h1 class='ts'><span id='thread_subject'>一篇文章的标题</span></h1>"
        f"{post('王晓明', '2024-5-13 12:03:10', ZH)}"
        f"{post('李华', '2024-5-13 13:20:00', '支持')}</div>"
    )
    assert author_of(thread) == "王晓明"


def test_a_cnblogs_posted_at_line_names_the_writer_by_the_link_after_its_date() -> None:
    line = (
        '<div class="postDesc">posted @ <span id="post-date">2024-05-13 08:17</span>&nbsp; '
        '<a href="https://www.cnblogs.com/zhangsan/">张三</a>&nbsp; 阅读(123)&nbsp; 评论(0)'
        '&nbsp; <a href="#">编辑</a>&nbsp; <a href="#">收藏</a></div>'
    )
    assert author_of(f"{H1}{ZH}{line}") == "张三"
    # A handle is a writer too; a line without the link after its date names nobody.
    assert author_of(f"{H1}{ZH}{line.replace('张三', 'java-coder')}") == "java-coder"
    unlinked = line.replace('<a href="https://www.cnblogs.com/zhangsan/">张三</a>', "张三")
    assert author_of(f"{H1}{ZH}{unlinked}") is None
    # The same line in a sidebar's list of other posts is theirs, not this page's.
    aside = f'<div class="sidebar">{line.replace("张三", "李四")}</div>'
    assert author_of(f"{H1}{ZH}{aside}") is None
