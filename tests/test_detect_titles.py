"""A detected list whose links only label the way in ('Read more »', '[PDF]', '详细'), the
same words on every item, is titled by each item's headline beside the link
(``detect_titles.beside_label``): a feed whose every entry is called 'Read more' names
nothing, and a PDF behind the link has no page title to fall back on."""

from __future__ import annotations

from feeds.extract.detect import detect_listing
from feeds.extract.listing import extract_listing

TITLES = (
    "Learning Sparse Attention Patterns for Long-Context Language Models",
    "A Survey of Retrieval-Augmented Generation in Scientific Domains",
    "Robust Reinforcement Learning under Adversarial Observations",
    "Efficient Fine-Tuning of Vision Transformers with Low-Rank Adapters",
    "On the Convergence of Stochastic Gradient Descent with Momentum",
)
ZH_TITLES = (
    "关于开展二〇二五年度安全生产大检查的通知",
    "市政府召开全市冬季供暖保障工作会议",
    "关于公布第二批市级非物质文化遗产名录的通知",
    "全市优化营商环境工作推进会召开",
    "关于做好春节期间烟花爆竹安全管理工作的通知",
)
NAV = (
    '<ul class="nav"><li><a href="/">Home</a></li><li><a href="/people/">People</a></li>'
    '<li><a href="/publications/">Publications</a></li><li><a href="/news/">News</a></li></ul>'
)


def _page(body: str) -> str:
    return f"<html><body>{NAV}{body}<footer><a href='/contact'>Contact</a></footer></body></html>"


def _read(html: str, url: str) -> list[tuple[str, str | None]]:
    detection = detect_listing(html, url)
    assert detection.chosen is not None
    rules = detection.chosen.selectors.rules()
    # What a poll reads with the selectors detection derived is what it showed.
    entries = extract_listing(html, url, rules).entries
    assert [(e.url, e.title) for e in entries] == [
        (e.url, e.title) for e in detection.chosen.entries
    ]
    return [(e.url, e.title) for e in entries]


def test_a_publication_list_is_titled_by_its_papers_not_by_pdf() -> None:
    for row in (
        '<li><span class="title">{t}</span><br><span class="authors">Ann Lee, Bo Chen</span>'
        '<br><em>CVPR 2024</em> <a href="/papers/p{i}.pdf">[PDF]</a> '
        '<a href="https://github.com/lab/p{i}">[Code]</a></li>',
        '<li><b>{t}</b>. Ann Lee, Bo Chen. <i>CVPR 2024</i>. <a href="/papers/p{i}.pdf">pdf</a>'
        ' | <a href="/papers/p{i}/">project page</a></li>',
    ):
        rows = "".join(row.format(t=t, i=i) for i, t in enumerate(TITLES))
        html = _page(f"<h2>Publications</h2><ul class='pubs'>{rows}</ul>")
        found = _read(html, "https://lab.example.edu/publications/")
        assert found == [
            (f"https://lab.example.edu/papers/p{i}.pdf", t) for i, t in enumerate(TITLES)
        ]


def test_posts_linked_only_by_read_more_are_titled_by_their_headings() -> None:
    posts = "".join(
        f'<div class="post"><h2>{t}</h2><p class="meta">May 1{i}, 2024</p><p>What the post is '
        f'about, in a line or two.</p><a class="more" href="/blog/p{i}/">Read more »</a></div>'
        for i, t in enumerate(TITLES)
    )
    found = _read(_page(f"<main>{posts}</main>"), "https://blog.example.com/")
    assert [title for _, title in found] == list(TITLES)


def test_a_notice_list_with_a_details_link_is_titled_by_the_row_s_text() -> None:
    rows = "".join(
        f'<li><span class="t">{t}</span><span class="d">2024-05-1{i}</span>'
        f'<a href="/xw/{i}.html">详细</a></li>'
        for i, t in enumerate(ZH_TITLES)
    )
    found = _read(_page(f"<ul class='list'>{rows}</ul>"), "https://gov.example.cn/xw/")
    assert [title for _, title in found] == list(ZH_TITLES)


def test_links_that_differ_keep_their_own_texts() -> None:
    # Short titles, each its own ('v1.4.0'), beside an intro: the link names the entry. (Too
    # short to be chosen as a list, the block is still named among the candidates.)
    rows = "".join(
        f'<li><a href="/releases/v1.{i}.0/">v1.{i}.0</a><p>This release brings faster startup '
        f"and fixes {i + 3} bugs reported by users.</p></li>"
        for i in range(5)
    )
    detection = detect_listing(_page(f"<ul class='releases'>{rows}</ul>"), "https://e.org/r/")
    block = next(c for c in detection.candidates if c.selectors.item == "ul.releases li")
    assert block.selectors.title is None
    assert [e.title for e in block.entries] == [f"v1.{i}.0" for i in range(5)]


def test_a_link_that_wraps_its_whole_card_inside_the_item_is_titled_by_its_heading() -> None:
    # '<li><a><div class="img">…</div><div class="info"><h4>标题</h4><p>摘要</p><span>日期</span>
    # </div></a></li>': the link's text is the card's (title, intro, date), its heading the title.
    rows = "".join(
        f'<li><a href="/news/2024/{500 - i}.html"><div class="img"><img src="/up/{i}.jpg"></div>'
        f'<div class="info"><h4>{t}</h4><p>近日，公司在相关工作中取得了新的进展……</p>'
        f"<span>2024-12-{10 + i}</span></div></a></li>"
        for i, t in enumerate(ZH_TITLES)
    )
    found = _read(_page(f"<ul class='newslist'>{rows}</ul>"), "https://corp.example.com/news/")
    assert [title for _, title in found] == list(ZH_TITLES)
