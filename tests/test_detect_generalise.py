"""Listing detection on the page kinds of issue 15 part 2: blogs of whole posts, posts wrapped
apart, forum thread lists (vBulletin, bbPress, Discuz), paper lists, tag and author pages, lists
without dates, chrome named by where it is. Each page is built the way those sites build them."""

from __future__ import annotations

from urllib.parse import urljoin

from helpers import feeds
from test_detect import assert_round_trip, urls

from feeds.extract.detect import detect_listing
from feeds.extract.detect_score import row_cells

URL = "https://blog.example.org/"
TITLES = [
    "How we moved our build to a new continuous integration service",
    "Notes from the spring conference on distributed databases",
    "A field guide to reading flame graphs in production",
    "Why our team stopped using feature branches last year",
    "Five lessons from a week without the office network",
    "The cost of a slow test suite, measured in real money",
    "What a year of on-call taught the whole engineering team",
    "Designing an API that survives its second version",
]
SIDEBAR = (
    '<aside class="widget-area"><section class="widget"><h2 class="widget-title">Recent</h2><ul>'
    + "".join(
        f'<li><a href="/2023/0{i + 1}/old-post-number-{i}-with-a-long-slug/">An older post '
        f"about something else, number {i}</a></li>"
        for i in range(6)
    )
    + "</ul></section></aside>"
)


def page(body: str) -> str:
    return f"<!doctype html><html><head><title>Blog</title></head><body>{body}</body></html>"


def href(i: int) -> str:
    return f"/2024/05/{10 + i:02d}/post-number-{i}-{TITLES[i].split()[1].lower()}/"


def test_a_blog_of_whole_posts_is_read_by_its_headlines():
    """Each post holds its whole text with links of its own: the posts are containers of
    links, and only their headlines (``article h2 a``) read as one list."""
    prose = "".join(
        f'<p>Read <a href="https://other.example.com/paper-{n}-on-the-topic-of-this-post">the '
        f"full paper number {n} on this very topic</a> before the next part.</p>"
        for n in range(3)
    )
    posts = "".join(
        f'<article class="post"><h2 class="entry-title"><a href="{href(i)}">{TITLES[i]}</a></h2>'
        f'<div class="entry-content">{prose}</div></article>'
        for i in range(6)
    )
    text = page(f"<main>{posts}</main>{SIDEBAR}")
    detection = detect_listing(text, URL)
    assert urls(detection) == [urljoin(URL, href(i)) for i in range(6)]
    assert_round_trip(detection, text, URL)


def test_posts_wrapped_apart_get_one_more_general_selector():
    """A featured first post in another wrapper (``div.post.featured`` and ``div.card``
    afterwards): only the headlines, ``h2.post-title``, name them all."""
    first = (
        f'<div class="featured"><h2 class="post-title"><a href="{href(0)}">{TITLES[0]}</a>'
        "</h2></div>"
    )
    rest = "".join(
        f'<div class="card"><h2 class="post-title"><a href="{href(i)}">{TITLES[i]}</a></h2>'
        f"<p>{TITLES[i]} and a few more words.</p></div>"
        for i in range(1, 7)
    )
    text = page(f'<div id="content">{first}<div class="grid">{rest}</div></div>{SIDEBAR}')
    detection = detect_listing(text, URL)
    assert urls(detection) == [urljoin(URL, href(i)) for i in range(7)]
    assert detection.chosen is not None and "h2" in detection.chosen.selectors.item
    assert_round_trip(detection, text, URL)


def thread_row(i: int, title: str, state: str = "") -> str:
    """A vBulletin 4 thread row: the title in h3.threadtitle, the last post's link carrying
    the thread's title, a row classed ``hot`` when it has many replies."""
    return (
        f'<li class="threadbit {state}" id="thread_{500 + i}"><div class="inner">'
        f'<h3 class="threadtitle"><a class="title" href="showthread.php?t={500 + i}">{title}</a>'
        f'</h3><div class="author"><a href="member.php?u={i}">user{i}</a>, 03-0{i % 9 + 1}-2016'
        f'</div></div><dl class="threadlastpost"><dd><a href="showthread.php?t={500 + i}'
        f'&amp;p={9000 + i}#post{9000 + i}" title="Go to the last post of {title}">Last post '
        f"by someone</a></dd><dd>03-1{i % 9}-2016, 10:2{i % 9}</dd></dl></li>"
    )


FORUM_TITLES = [
    "Oil leak",
    "Help!",
    "New wheels fitted today",
    "Track day photos",
    "Sold",
    "Best tyres for winter driving",
    "Noise from the rear",
    "Meet in May?",
]


def test_a_vbulletin_thread_list_with_hot_rows_and_short_titles():
    rows = "".join(
        thread_row(i, t, "hot" if i % 3 == 0 else "") for i, t in enumerate(FORUM_TITLES)
    )
    text = page(f'<div id="threadlist"><ol id="threads" class="threads">{rows}</ol></div>')
    url = "https://forum.example.com.au/forumdisplay.php?f=12"
    detection = detect_listing(text, url)
    assert urls(detection) == [
        urljoin(url, f"showthread.php?t={500 + i}") for i in range(len(FORUM_TITLES))
    ]
    assert_round_trip(detection, text, url)


def slug(title: str) -> str:
    return title.lower().replace(" ", "-")


def test_a_bbpress_topic_list_keeps_its_sticky_topic():
    def topic(i: int, title: str, extra: str = "") -> str:
        return (
            f'<ul id="bbp-topic-{700 + i}" class="{extra}odd bbp-parent-forum-42 user-id-{i} '
            f'post-{700 + i} topic type-topic status-publish hentry"><li class="bbp-topic-title">'
            f'<a class="bbp-topic-permalink" href="/forums/topic/{slug(title)}/">{title}</a>'
            f'<p class="bbp-topic-meta">Started by: <a href="/forums/users/u{i}/" '
            f'title="View the profile of user number {i}">u{i}</a></p></li>'
            f'<li class="bbp-topic-voice-count">{i + 2}</li><li class="bbp-topic-freshness">'
            f'<a href="/forums/topic/{slug(title)}/#post-{900 + i}" '
            f'title="Reply to: {title}">3 days ago</a></li></ul>'
        )

    names = [
        "Read this first",
        "Blog wallpaper ideas",
        "Cheap hosting",
        "Theme broken",
        "Plugin for galleries",
        "Sitemap errors",
    ]
    rows = topic(0, names[0], "super-sticky ") + "".join(
        topic(i, name) for i, name in enumerate(names[1:], start=1)
    )
    text = page(f'<ul class="bbp-topics"><li class="bbp-body">{rows}</li></ul>')
    url = "https://community.example.id/forums/forum/blogging/"
    detection = detect_listing(text, url)
    assert urls(detection) == [urljoin(url, f"/forums/topic/{slug(n)}/") for n in names]
    assert_round_trip(detection, text, url)


def test_an_arxiv_like_paper_list_whose_links_are_ids():
    """The abstract links read "arXiv:2405.01234"; the titles and authors are in the ``dd``
    that describes each ``dt``."""
    entries = "".join(
        f'<dt><a name="item{i}">[{i}]</a> <a href="/abs/2405.0{1230 + i}" title="Abstract">'
        f'arXiv:2405.0{1230 + i}</a> [<a href="/pdf/2405.0{1230 + i}">pdf</a>]</dt>'
        f'<dd><div class="meta"><div class="list-title">Title: {TITLES[i]}</div>'
        f'<div class="list-authors"><a href="/a/smith_j_1">J. Smith</a>, '
        f'<a href="/a/doe_a_1">A. Doe</a></div></div></dd>'
        for i in range(8)
    )
    text = page(f'<div id="dlpage"><h3>New submissions</h3><dl id="articles">{entries}</dl></div>')
    url = "https://arxiv.example.org/list/cs.DC/new"
    detection = detect_listing(text, url)
    assert urls(detection) == [urljoin(url, f"/abs/2405.0{1230 + i}") for i in range(8)]
    assert_round_trip(detection, text, url)


def test_a_tag_page_whose_posts_are_classed_by_their_tags():
    """WordPress classes every post by its tags and categories (``tag-news``): those are the
    post's taxonomy, not a tag cloud."""
    posts = "".join(
        f'<article class="post-{40 + i} post type-post tag-travel tag-news category-stories '
        f'hentry"><h2 class="entry-title"><a href="{href(i)}">{TITLES[i]}</a></h2></article>'
        for i in range(5)
    )
    text = page(f'<div id="primary"><h1>Tag: travel</h1>{posts}</div>{SIDEBAR}')
    detection = detect_listing(text, URL + "tag/travel/")
    assert urls(detection) == [urljoin(URL, href(i)) for i in range(5)]
    assert_round_trip(detection, text, URL + "tag/travel/")


def test_a_list_without_dates_beside_a_dated_widget():
    """No dates in the list; a dated 'latest' widget in the footer must not win."""
    items = "".join(f'<li><a href="{href(i)}">{TITLES[i]}</a></li>' for i in range(8))
    widget = (
        '<footer class="site-footer"><ul>'
        + "".join(
            f'<li><a href="/2023/01/0{i}/older-{i}/">Older note {i}</a> 2023-01-0{i + 1}</li>'
            for i in range(5)
        )
        + "</ul></footer>"
    )
    text = page(f'<div class="content"><ul class="archive">{items}</ul></div>{widget}')
    detection = detect_listing(text, URL)
    assert urls(detection) == [urljoin(URL, href(i)) for i in range(8)]


def test_chrome_words_in_text_outside_the_list_do_not_matter():
    """'Popular', 'Related', '热门' in headings far from the list name nothing about it."""
    items = "".join(
        f'<div class="entry"><h3><a href="{href(i)}">{TITLES[i]}</a></h3>'
        f"<span>2024-05-{10 + i}</span></div>"
        for i in range(6)
    )
    top = '<div class="bar"><b>Popular:</b> <a href="/search?q=x">x</a></div>'
    text = page(
        f'{top}<div class="wrap"><div class="list">{items}</div></div>'
        '<div class="note"><strong>Related 热门</strong></div>'
    )
    detection = detect_listing(text, URL)
    assert urls(detection) == [urljoin(URL, href(i)) for i in range(6)]
    assert detection.chosen is not None
    assert not any(r.startswith(("ranking", "related")) for r in detection.chosen.reasons)


def test_a_close_call_says_why_the_list_won(tmp_path):
    """Two alike blocks of headlines: the one with dates, intros and a pager under it is the
    list; `discover` shows what it had that the other lacked, in both."""
    main = "".join(
        f'<div class="item"><a href="{href(i)}">{TITLES[i]}</a><p>{TITLES[i]}: a summary of '
        f"the post in a sentence or two.</p><em>2024-05-{10 + i}</em></div>"
        for i in range(8)
    )
    # More items than the list: the pager is what tells them apart (a block with a pager is
    # one page of a longer list, so its eight items count as a full page).
    other = "".join(
        f'<div class="item"><a href="/2023/{i + 1:02d}/another-post-{i}-with-a-long-name/">'
        f"Another long headline of an older post, number {i}</a><p>What that older post "
        f"said, in a sentence or two of summary.</p><em>2023-{i + 1:02d}-01</em></div>"
        for i in range(12)
    )
    pager = (
        '<div class="pages"><span>1</span> <a href="/page/2/">2</a> '
        '<a href="/page/2/">Next</a></div>'
    )
    text = page(
        f'<div class="col"><div class="a">{main}</div>{pager}</div>'
        f'<div class="col"><div class="b">{other}</div></div>'
    )
    detection = detect_listing(text, URL)
    assert urls(detection) == [urljoin(URL, href(i)) for i in range(8)]
    assert detection.chosen is not None
    said = [r for r in detection.chosen.reasons if r.startswith("chosen over")]
    assert said and "a pager under it" in said[0], detection.chosen.reasons
    loser = next(c for c in detection.candidates if c.selectors.item.startswith("div.b"))
    assert any(r.startswith("lost to") for r in loser.reasons)
    # And the command says it, in its plain output, not only in --json (issue 15).
    saved = tmp_path / "close.html"
    saved.write_text(text, encoding="utf-8")
    run = feeds("discover", str(saved), "--base-url", URL)
    assert "chosen: " in run.out and "chosen over" in run.out and "a pager under it" in run.out


def test_a_card_list_whose_every_card_links_the_same_author():
    """Short titles ("Devblog 86") in h1s, and in every card the author's link with a long
    title attribute: the headline is the link that leads somewhere else in each card."""
    cards = "".join(
        f'<article class="post"><h1 class="entry-title"><a href="/devblog-{80 + i}/">Devblog '
        f'{80 + i}</a></h1><span class="vcard"><a class="url" href="/author/garry/" '
        f'title="View all the posts written by Garry Newman">Garry</a></span>'
        f"<p>This week we worked on the map generator, the new textures and the servers.</p>"
        f"<time>2016-0{i % 9 + 1}-01</time></article>"
        for i in range(8)
    )
    text = page(f"<main>{cards}</main>")
    detection = detect_listing(text, URL)
    assert urls(detection) == [urljoin(URL, f"/devblog-{80 + i}/") for i in range(8)]
    assert_round_trip(detection, text, URL)


def test_a_header_scroller_of_the_same_articles_is_not_a_menu():
    """The site's header shows the newest posts as a scroller and a mega menu of thumbnails:
    the list repeating those links is not repeating a menu."""
    scroller = "".join(
        f'<li><a href="{href(i)}"><img src="/t/{i}.jpg" alt=""></a>'
        f'<a href="{href(i)}">{TITLES[i]}</a></li>'
        for i in range(6)
    )
    header = (
        '<header id="masthead"><nav class="main-menu"><ul><li><a href="/">Home</a></li>'
        f'<li><a href="/style/">Style</a><div class="sub-menu"><ul>{scroller}</ul></div></li>'
        "</ul></nav></header>"
    )
    items = "".join(
        f'<li class="entry"><h3><a href="{href(i)}">{TITLES[i]}</a></h3></li>' for i in range(8)
    )
    text = page(f'{header}<div class="content"><ul class="posts">{items}</ul></div>')
    detection = detect_listing(text, URL)
    assert urls(detection) == [urljoin(URL, href(i)) for i in range(8)]


def test_headers_inside_sections_are_not_the_site_header():
    """A "you may also like" block whose cards have a <header> with "Read more": a section's
    own header, not the site's menu that the list would be repeating."""
    posts = "".join(
        f'<div class="post"><h2><a href="{href(i)}">{TITLES[i]}</a></h2>'
        f"<p>{TITLES[i]}, told in a short summary of a sentence or two.</p></div>"
        for i in range(6)
    )
    related = "".join(
        f'<div class="item"><header class="entry-header"><h4><a href="{href(i)}">'
        f'{TITLES[i]}</a></h4><a href="{href(i)}">Read more</a></header></div>'
        for i in range(4)
    )
    text = page(
        f'<div class="content">{posts}</div><section class="more"><h3>More</h3>{related}</section>'
    )
    detection = detect_listing(text, URL)
    assert urls(detection) == [urljoin(URL, href(i)) for i in range(6)]


def test_a_thread_table_is_read_by_its_rows_not_its_columns():
    """An old board's thread table: each row a cell with the thread, a cell with the poster's
    profile link, a cell with the date. Read by the cells, the list would mix threads with
    posters; the rows are the items."""

    def poster(name: str, day: int) -> str:
        return f'<td><a href="/user_info/{name}">{name}</a><br><span>2016-03-0{day}</span></td>'

    rows = "".join(
        f'<tr><td class="no">{i + 1}</td><td><strong><a class="news1" href="/bbsarticle/HIT/'
        f'{700 + i}.html"> ● {title} about the board, thread {i}</a>(5{i}b)</strong></td>'
        f"<td>{i}/{40 + i}</td>{poster(f'poster{i}', i % 9 + 1)}{poster(f'last{i}', 9)}</tr>"
        for i, title in enumerate(FORUM_TITLES * 3)
    )
    head = "<tr><td>序号</td><td>主题</td><td>跟贴/点击</td><td>作者</td><td>最后回复</td></tr>"
    text = page(f'<table><tr><td class="list"><table>{head}{rows}</table></td></tr></table>')
    url = "http://bbs.example.com/bbsdoc/HIT.html"
    detection = detect_listing(text, url)
    assert urls(detection) == [
        urljoin(url, f"/bbsarticle/HIT/{700 + i}.html") for i in range(3 * len(FORUM_TITLES))
    ]
    assert_round_trip(detection, text, url)


def test_cells_of_one_row_are_columns_unless_each_holds_a_headline():
    # (row, units of the cell's main link): a title beside a poster's name in every row.
    assert row_cells([(1, 8.0), (1, 1.0), (2, 7.0), (2, 1.0), (3, 9.0), (3, 1.0)])
    # A grid of stories, two headlines to a row; a one-column table.
    assert not row_cells([(1, 8.0), (1, 7.0), (2, 9.0), (2, 6.0)])
    assert not row_cells([(1, 8.0), (2, 7.0), (3, 9.0)])


def test_rows_that_hold_rows_are_read_by_their_links():
    """A JSP board whose thread rows each hold a small table for the last post, with another
    link to the same thread: any row selector that takes the thread rows takes the rows around
    or inside them too. The thread links share a class and a kind of URL
    (``a.forum[href*="thread.jsp"]``, while the pager's links are ``a.forum`` too): the
    element holding each is named by them, and reads back exactly the thread links."""
    rows = "".join(
        f'<tr bgcolor="#eeeeee"><td><img src="images/topic.gif"></td><td><font size="-1">'
        f'<a href="thread.jsp?forum=2&amp;thread={900 + i}&amp;tstart=0" class="forum">'
        f"<b>{TITLES[i]}</b></a></font></td><td><font>{i + 3}</font></td><td><font>"
        f'<a href="profile.jsp?user={40 + i}"><b>member{i}</b></a></font></td>'
        f"<td><table><tr><td><font>Mar {11 + i}, 2016 10:49 AM</font></td><td><font>by: "
        f'<a href="thread.jsp?forum=2&amp;thread={900 + i}&amp;message={7000 + i}#{7000 + i}"'
        f' title="Jump to Message">member{i} &raquo;</a></font></td></tr></table></td></tr>'
        for i in range(8)
    )
    pager = "".join(
        f'<a class="forum" href="forum.jsp?forum=2&amp;start={15 * n}">{n + 1}</a> '
        for n in range(1, 5)
    )
    head = "<tr><td></td><td><b>TOPIC</b></td><td><b>REPLIES</b></td><td><b>AUTHOR</b></td></tr>"
    pages = f"<table><tr><td><font>Pages: {pager}</font></td></tr></table>"
    text = page(f"<table><tr><td>{pages}<table>{head}{rows}</table>{pages}</td></tr></table>")
    url = "http://forum.example.com/forum.jsp?forum=2"
    detection = detect_listing(text, url)
    assert urls(detection) == [
        urljoin(url, f"thread.jsp?forum=2&thread={900 + i}&tstart=0") for i in range(8)
    ]
    assert detection.chosen is not None
    assert any(r.startswith("read by their links") for r in detection.chosen.reasons)
    assert_round_trip(detection, text, url)


def test_a_sidebar_is_chrome_however_many_links_its_tag_cloud_holds():
    """An author page: six cards whose link wraps the heading, beside an <aside> with six
    popular posts and a tag cloud of thirty links. The aside holds most of the page's links,
    which made it a layout wrapper, not chrome, and its popular list came within a hair of
    the cards; an <aside> is a sidebar whatever it holds (unless it holds <main>)."""
    cards = "".join(
        f'<div class="card"><a href="{href(i)}"><h3>{TITLES[i]}</h3></a><span>Ann Lee</span></div>'
        for i in range(6)
    )
    tags = "".join(f'<a href="/tag/topic-{n}/">topic{n}</a> ' for n in range(30))
    aside = SIDEBAR.replace("</section></aside>", f"</section><div>{tags}</div></aside>")
    text = page(f"<main><h1>Posts by Ann Lee</h1>{cards}</main>{aside}")
    detection = detect_listing(text, URL)
    assert urls(detection) == [urljoin(URL, href(i)) for i in range(6)]
    runner_up = detection.candidates[0]
    assert any(r.startswith("sidebar:") for r in runner_up.reasons), runner_up.reasons
    assert detection.chosen is not None and runner_up.score < 0.6 * detection.chosen.score
