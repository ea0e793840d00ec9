from feeds.clean import html_text, plain_text, sanitize_html, xml_safe
from feeds.extract.labels import author_from, summary_from


def test_author_from_destoon_info_lines():
    assert author_from("日期：2024-12-06 10:23  来源：新华网  作者：qeexh  浏览：12") == "qeexh"
    assert author_from("日期:2024-12-06     作者:qeexh    caijiyuan   评论:0") == "qeexh"
    assert author_from("作者：qeexh") == "qeexh"
    assert author_from("qeexh") == "qeexh"
    assert author_from("By Ann Lee") == "Ann Lee"
    assert author_from("日期：2024-12-06 来源：新华网") is None
    assert author_from("") is None


def test_summary_labels():
    assert summary_from("核心提示：全球最大超算中心开始运转") == "全球最大超算中心开始运转"
    assert summary_from("  摘要: a short text ") == "a short text"
    assert summary_from("no label") == "no label"


def test_plain_text():
    assert plain_text("  a\n\tb\u3000c ") == "a b c"
    assert plain_text("x\x0by\u202ez") == "xyz"
    assert plain_text("   ") is None


def test_sanitize_html_allowlist():
    html = (
        '<p onclick="x()">a<script>alert(1)</script><a href="javascript:alert(1)">j</a>'
        '<img src="https://e.com/i.png" onerror="x"><iframe src="https://evil.com/"></iframe>'
        '<iframe src="https://e.com/v"></iframe><form><input></form><style>p{}</style></p>'
    )
    out = sanitize_html(html, page_url="https://e.com/a.html")
    assert "script" not in out and "onclick" not in out and "onerror" not in out
    assert "javascript:" not in out and "evil.com" not in out and "<form" not in out
    assert 'src="https://e.com/v"' in out
    assert "p{}" not in out


def test_xml_safe_and_html_text():
    assert xml_safe("a\x00b\x1fc\ufffe") == "abc"
    assert html_text("<p>a &amp; <b>b</b></p>") == "a & b"
