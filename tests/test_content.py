"""Main content without a selector: the densest block of prose beside trafilatura (issue 6)."""

from __future__ import annotations

from datetime import UTC, datetime

from feeds.config import ArticleRules
from feeds.extract.article import extract_article
from feeds.extract.content import block_is_better, strip_captions, strip_edges, with_lead
from feeds.extract.density import densest_block, weight
from feeds.extract.html import parse

NOW = datetime(2024, 12, 14, 2, 0, tzinfo=UTC)
SENTENCE = "记者今日从市政府获悉，本市将继续推进老旧小区改造工程，预计年内完成改造面积超过一百万。"
NAV = "".join(f'<a href="/c{i}.html">栏目{i}</a> | ' for i in range(30))
RELATED = "".join(f'<li><a href="/n/{i}.html">相关新闻第{i}条的标题</a></li>' for i in range(12))
PARAGRAPHS = "".join(f"<br>　　第{i}段：{SENTENCE}" for i in range(6))
# An old portal laid out in tables: trafilatura keeps the navigation bar around the story.
PORTAL = f"""<html><head><title>本市推进老旧小区改造_新闻中心</title></head><body>
<table><tr><td>{NAV}</td></tr></table>
<table><tr><td width="600"><b>本市推进老旧小区改造</b><br>2024-05-01 来源：本站
<div>{PARAGRAPHS}</div></td><td><ul>{RELATED}</ul></td></tr></table>
<table><tr><td>{NAV}</td></tr></table>
<div>Copyright 2004-2024 新闻中心 版权所有</div></body></html>"""


def test_a_table_layout_portal_keeps_the_story_and_drops_its_chrome():
    article = extract_article(PORTAL, "https://e.cn/a.html", ArticleRules(), now=NOW, tz=UTC)
    content = article.content_html or ""
    assert all(f"第{i}段" in content for i in range(6))
    assert "栏目" not in content and "相关新闻" not in content and "Copyright" not in content
    assert article.origins["content"] == "extractor"


def test_prose_counts_by_characters_and_chrome_against():
    assert weight(SENTENCE, in_link=False) == len(SENTENCE)
    assert weight("Officials said on Monday that the bridge would reopen.", False) > 0
    assert weight(SENTENCE, in_link=True) < 0  # a teaser headline, however long
    assert weight("来源：本站", False) < 0  # a label, not a sentence
    assert weight("3.5 10:30", False) < 0  # '.' and ':' inside numbers are no punctuation


def test_the_densest_block_is_the_story_not_the_page_around_it():
    block = densest_block(parse(PORTAL))
    assert block is not None and block.node.name == "td"
    assert SENTENCE in block.text and "栏目" not in block.text


def test_a_footer_or_a_cookie_notice_is_never_the_block():
    links = "".join(f'<p><a href="/{i}">Story {i}: a headline</a></p>' for i in range(20))
    notice = f"<p>{SENTENCE * 3}</p>"
    for chrome in (f'<div class="cookie-consent">{notice}</div>', f"<footer>{notice}</footer>"):
        assert densest_block(parse(f"<html><body>{links}{chrome}</body></html>")) is None


def test_trafilatura_is_kept_when_it_has_prose_beyond_the_block():
    block = densest_block(parse(f"<html><body><div>{PARAGRAPHS}</div></body></html>"))
    assert block is not None
    with_nav = f"<div>{NAV}</div><div>{PARAGRAPHS}</div>"
    assert block_is_better(block, with_nav)
    lead = "<p>The council voted on Monday to rebuild the old estates, officials said.</p>" * 8
    assert not block_is_better(block, f"{lead}<div>{PARAGRAPHS}</div>")
    assert not block_is_better(block, f"<div>{PARAGRAPHS}</div>")  # nothing beyond it
    # However much chrome trafilatura kept around the story, the story is the block
    assert block_is_better(block, f"<div>{PARAGRAPHS}</div><div>{NAV * 10}</div>")
    # trafilatura's prose is mostly another story's: the block is not "its article plus chrome"
    other = "<p>The council voted on Monday to rebuild the old estates, officials said.</p>"
    assert not block_is_better(block, f"<div>{PARAGRAPHS}</div><div>{other * 12}</div>")


def test_a_menu_in_the_storys_own_cell_is_not_content_nor_summary():
    menu = "首页 | 时事 | 生活 | 财经 | 体育 | 娱乐 | 教育 | 健康"
    links = " | ".join(f"<a href='/c{i}.html'>{w}</a>" for i, w in enumerate(menu.split(" | ")))
    for nav in (menu, links):
        page = f"""<html><head><title>本市推进老旧小区改造_松花江网</title>
        <meta name="description" content="首页 | 时事 | 生活 | 财经 | 体育 | 娱乐"></head><body>
        <table width=760><tr><td>{nav}<br><b>本市推进老旧小区改造</b><br>2024-05-01 来源：本站
        {PARAGRAPHS}</td></tr></table><table><tr><td>{nav}</td></tr></table></body></html>"""
        article = extract_article(page, "https://e.cn/a.html", ArticleRules(), now=NOW, tz=UTC)
        content = article.content_html or ""
        assert all(f"第{i}段" in content for i in range(6))
        assert "时事" not in content and "财经" not in content
        assert article.summary is None


def test_short_lines_of_a_poem_are_no_menu():
    from feeds.extract.content import menu_like

    assert not menu_like("床前明月光  疑是地上霜  举头望明月  低头思故乡")
    assert not menu_like("记者 张三 | 编辑 李四")
    assert menu_like("首页 | 时事 | 生活 | 财经")
    assert menu_like("Home · News · Sport · Weather · Business")


BODY = "<p>Officials said on Monday that the bridge would reopen in spring.</p><p>Work began.</p>"
LEAD = "Two years after the flood, the river town gets its only crossing back, at twice the cost."


def _story(lead: str, before: str = "") -> str:
    return f"""<html><body>{before}<main><article><header><h1>The bridge reopens</h1>
{lead}</header><div class="article-body">{BODY}</div></article></main></body></html>"""


def test_the_standfirst_the_extractor_left_in_the_header_is_put_first():
    page = parse(_story(f'<div class="content__intro">{LEAD}</div>'))
    content = with_lead(page, BODY)
    assert content.startswith('<div class="content__intro">') and content.endswith(BODY)
    assert with_lead(page, f"<p>{LEAD}</p>{BODY}") == f"<p>{LEAD}</p>{BODY}"  # already in


def test_teasers_photo_credits_and_sidebars_are_no_standfirst():
    teasers = "".join(
        f'<a href="/n/{i}">Another story number {i} in the news</a>' for i in range(3)
    )
    credit = f'<div class="lede-image-data">{LEAD} Photo: AFP</div>'
    sidebar = f'<aside class="sidebar"><p class="teaser">{LEAD}</p></aside>'
    for lead, before in ((f'<div class="teaser">{teasers}</div>', ""), (credit, ""), ("", sidebar)):
        assert with_lead(parse(_story(lead, before)), BODY) == BODY


def test_captions_go_and_their_pictures_stay():
    caption = "The old bridge in 2019. Photo: AFP"
    page = parse(f"""<html><body><article><figure><img src="/b.jpg">
<h2 class="figure__caption">{caption}</h2></figure>{BODY}</article></body></html>""")
    # trafilatura's output has lost the class; the page's caption text still names it
    content = parse(f'<img src="/b.jpg"><h2>{caption}</h2>{BODY}')
    strip_captions(content, page)
    wrapped = parse(
        f'<div class="wp-caption"><img src="/c.jpg"><p class="wp-caption-text">'
        f"Photo: Reuters</p></div><figcaption>Work began.</figcaption>{BODY}"
    )
    strip_captions(wrapped, parse(BODY))
    for fragment in (content, wrapped):
        assert "Photo:" not in fragment.get_text() and fragment.find("img") is not None
        assert "reopen in spring." in fragment.get_text()
    assert wrapped.get_text().count("Work began.") == 1  # the caption went, the paragraph stayed


def test_a_text_alone_beside_a_picture_is_its_caption():
    caption = "Abbildung: Die Schneehöhe im Mattertal, farblich codiert"
    page = parse(f"""<html><body><article>{BODY}<div class="imginline"><img src="/s.png">
<span>{caption}</span></div><p>More text follows here.</p></article></body></html>""")
    # trafilatura flattens the wrapper: the caption is loose text after the picture
    flat = parse(f'{BODY}<img src="/s.png"/>{caption}<p>More text follows here.</p>')
    strip_captions(flat, page)
    kept = parse(f"<div><img src='/s.png'><span>{caption}</span></div>{BODY}")
    strip_captions(kept, page)
    for fragment in (flat, kept):
        assert "Abbildung" not in fragment.get_text() and fragment.find("img") is not None
        assert "reopen in spring." in fragment.get_text()


def test_a_galleries_captions_go_wherever_the_extractor_wrote_them():
    caption = "The defence ministers shake hands in Hanoi on Wednesday."
    short = "The defence ministers shake hands in Hanoi"
    page = parse(f"""<html><body><ul class="gallery"><li><img src="/g.jpg">
<div class="caption"><div class="caption-full">{caption}<a>less</a></div>
<div class="caption-truncated">{short}<a>... more</a></div></div></li></ul>{BODY}</body></html>""")
    # trafilatura flattened the gallery: both captions loose in the item, apart from the picture
    content = parse(
        f'<ul><li><img src="/g.jpg"/><b>Gallery</b>{caption}<a>less</a>{short}'
        f"<a>... more</a></li></ul>{BODY}"
    )
    strip_captions(content, page)
    text = content.get_text()
    assert "shake hands" not in text and "reopen in spring." in text
    assert content.find("img") is not None


def test_a_picture_beside_a_phrase_a_headline_or_a_count_leaves_the_text_alone():
    phrase = "<strong>The council voted on Monday</strong>"
    teaser = '<a href="/n/2"><img src="/t.jpg"><span>Another story in the news today</span></a>'
    count = '<div class="likes"><img src="/heart.svg"><span>12</span></div>'
    page = parse(f"<html><body><p><img src='/b.jpg'>{phrase}</p>{teaser}{count}</body></html>")
    content = parse(f"<p><img src='/b.jpg'>{phrase} to rebuild it.</p>{teaser}<p>12</p>")
    strip_captions(content, page)
    text = content.get_text()
    assert "The council voted" in text and "Another story" in text and "12" in text


def test_a_class_that_ends_in_caption_names_a_caption():
    page = parse("<html><body><p>x</p></body></html>")
    content = parse(f'<div><img src="/d.jpg"></div><p class="imageCaption">A rare bill</p>{BODY}')
    strip_captions(content, page)
    assert "rare bill" not in content.get_text() and "reopen" in content.get_text()


def test_links_at_the_edges_and_a_heading_left_last_are_no_story():
    share = '<p><a href="/fb">Share on Facebook</a> <a href="/x">Share on X</a></p>'
    related = '<h2>Related articles</h2><ul><li><a href="/n/1">Another story</a></li></ul>'
    notice = '<p><a href="/c"><b>版权声明</b></a></p><img src="/code.png">'
    content = parse(f"<div>{share}<h1>The bridge reopens</h1>{BODY}{related}{notice}</div>")
    strip_edges(content)
    text = content.get_text()
    assert "Share" not in text and "Related" not in text and "版权" not in text
    assert "The bridge reopens" in text and "reopen in spring." in text and "Work began." in text
    assert content.find("img") is not None  # the picture stays


def test_a_line_leading_into_a_cut_section_or_to_social_accounts_goes_last():
    social = (
        '<p>Folgen Sie uns auf <a href="https://twitter.com/site">Twitter</a><br>'
        'Liken Sie uns auf <a href="https://www.facebook.com/site/">Facebook</a></p>'
    )
    for tail in (f"{social}<p></p><p>Schon gelesen?</p>", "<p>Lesen Sie auch:</p>", social):
        content = parse(f"{BODY}<p>Ann Lee</p>{tail}")
        strip_edges(content)
        text = content.get_text()
        assert "Ann Lee" in text and "reopen in spring." in text, tail
        assert "Twitter" not in text and "gelesen" not in text and "Lesen" not in text, tail
    # A story may end by asking, and a link in its last line may go anywhere else.
    for end in (
        "<p>你怎么看？</p>",
        "<p>Will the bridge hold this time?</p>",
        '<p>Read the <a href="https://example.gov/report">report</a>.</p>',
    ):
        content = parse(f"{BODY}{end}")
        strip_edges(content)
        assert parse(end).get_text() in content.get_text(), end


def test_the_story_is_never_stripped_to_nothing_nor_its_linked_title_and_pictures():
    title = '<h1><a href="/a.html">The bridge reopens</a></h1>'
    pictures = '<a href="/b.jpg"><img src="/b.jpg"></a>'
    content = parse(f"{title}{pictures}{BODY}<h3>Work began</h3><p>It will end soon.</p>")
    strip_edges(content)
    assert content.find("h1") is not None and content.find("img") is not None
    assert "It will end soon." in content.get_text() and content.find("h3") is not None
    only_links = parse('<p><a href="/1">One link</a></p>')
    strip_edges(only_links)
    assert "One link" in only_links.get_text()


def test_loose_paragraphs_beside_related_links_are_a_run_of_the_cells_children():
    # '<p>' never closed: the story's paragraphs are children of the cell that also holds
    # the related links, and no element holds the paragraphs alone.
    story = "".join(f"<p>第{i}段：{SENTENCE}" for i in range(4))
    related = f"<b>相关报道：</b>{RELATED * 3}"
    cell = f"<td>{story}<p>来源：新闻晨报{related}</td>"
    block = densest_block(parse(f"<html><body><table><tr>{cell}</tr></table></body></html>"))
    assert block is not None and block.node.name == "td" and block.run
    assert all(f"第{i}段" in block.html() for i in range(4))
    assert "相关新闻" not in block.html() and "相关新闻" not in block.text


def test_a_run_never_takes_in_a_notice():
    notice = f"<div class='cookie-consent'><p>{SENTENCE * 3}</p></div>"
    page = f"<html><body>{NAV * 2}<p>{SENTENCE}</p>{notice}<p>{SENTENCE}</p>{NAV * 2}</body></html>"
    block = densest_block(parse(page))
    assert block is not None and block.node.name == "p" and "cookie" not in block.html()


def test_prose_far_below_the_block_does_not_keep_trafilatura():
    story = f"<div>{PARAGRAPHS * 2}</div>"
    block = densest_block(parse(f"<html><body>{story}</body></html>"))
    assert block is not None
    legal = (
        "本网站所有内容均由合作方提供，未经本网书面许可，不得转载、摘编或以其它方式使用上述作品。"
    )
    notice = f"<p>{legal * 3}</p>"  # a legal notice under the related links
    links = "".join(f"<li><a href='/n/{i}.html'>相关新闻第{i:02}条标题</a></li>" for i in range(21))
    assert block_is_better(block, f"{story}<ul>{links}</ul>{notice}")
    # The same prose right after the story, with no chrome between, is the story's.
    assert not block_is_better(block, f"{story}{notice}<ul>{links}</ul>")
