"""Tests for feeds.encoding: declarations checked against the bytes, BOMs, overrides, detection."""

from __future__ import annotations

import html
import json
import random
import re
from collections import Counter
from pathlib import Path

import pytest

from feeds.encoding import charset_from_content_type, decode_html, is_known_encoding

DATA = Path(__file__).parent / "data" / "charset"
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"

GBK_ONLY = "朱镕基与张喆"  # 镕 and 喆 are in GBK but not in GB2312
ARTICLE = (
    "本公司长期供应各类不锈钢管材、板材，质量可靠，价格优惠，欢迎新老客户来电咨询洽谈业务。"
    "联系人：张喆，地址：上海市浦东新区，营业时间为每天上午九点至下午六点。"
)


def page(body: str, head: str = "") -> str:
    return f"<html><head>{head}<title>产品供应</title></head><body><p>{body}</p></body></html>"


META_GB2312 = '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('text/html; charset="GBK"', "gbk"),
        ("text/html;charset=utf-8;format=flowed", "utf-8"),
        ("text/html; Charset='GB2312'", "gb2312"),
        ("application/xhtml+xml; charset = ISO-8859-1", "iso-8859-1"),
        ("text/html", None),
        ("text/html; charset=", None),
        ("", None),
        (None, None),
    ],
)
def test_charset_from_content_type(value: str | None, expected: str | None) -> None:
    assert charset_from_content_type(value) == expected


@pytest.mark.parametrize("name", ["gb2312", "GBK", "x-gbk", "gb_2312-80", "cp936", "latin-1"])
def test_known_encodings(name: str) -> None:
    assert is_known_encoding(name)


@pytest.mark.parametrize("name", ["nope", "", "base64", "rot13", "idna", "utf-7", "gb\x00k"])
def test_unknown_encodings(name: str) -> None:
    assert not is_known_encoding(name)


def test_gbk_bytes_declared_gb2312_decode_as_gb18030() -> None:
    text = page(GBK_ONLY, META_GB2312)
    with pytest.raises(UnicodeEncodeError):
        text.encode("gb2312")  # the page really is outside what it declares
    assert decode_html(text.encode("gbk")) == (text, "gb18030")


def test_utf8_declared_gb2312_is_utf8() -> None:
    text = page(ARTICLE, META_GB2312)
    assert decode_html(text.encode("utf-8")) == (text, "utf-8")
    assert decode_html(text.encode("utf-8"), http_charset="gbk") == (text, "utf-8")


def test_header_comes_before_meta() -> None:
    text = page("你好", '<meta charset="windows-1252">')
    raw = text.encode("gbk")  # decodes strictly both as GBK and as windows-1252
    assert decode_html(raw, http_charset="GBK") == (text, "gb18030")
    assert decode_html(raw, http_charset="iso-8859-1") == (raw.decode("cp1252"), "windows-1252")
    assert decode_html(raw) == (raw.decode("cp1252"), "windows-1252")


def test_header_the_bytes_contradict_yields_to_meta() -> None:
    text = page(ARTICLE, META_GB2312)
    assert decode_html(text.encode("gbk"), http_charset="utf-8") == (text, "gb18030")


def test_meta_forms_and_xml_declaration() -> None:
    for head in (
        '<meta charset="GBK">',
        "<meta http-equiv=Content-Type content=text/html; charset=gb2312>",
        '<meta http-equiv="Content-Type" content="text/html" charset="gb2312">',
        "<META CONTENT='text/html; charset=x-gbk' HTTP-EQUIV='Content-Type'>",
    ):
        text = page("你好", head)
        assert decode_html(text.encode("gbk")) == (text, "gb18030"), head
    text = '<?xml version="1.0" encoding="gb2312"?>\n<rss><title>你好</title></rss>'
    assert decode_html(text.encode("gbk")) == (text, "gb18030")


def test_meta_utf16_means_utf8() -> None:
    text = page("中文", '<meta charset="utf-16">')
    assert decode_html(text.encode("utf-8")) == (text, "utf-8")


@pytest.mark.parametrize(
    ("bom", "codec"),
    [(b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")],
)
def test_bom_wins_over_declarations(bom: bytes, codec: str) -> None:
    text = page(ARTICLE, META_GB2312)
    assert decode_html(bom + text.encode(codec), http_charset="gbk") == (text, codec)


def test_override_wins() -> None:
    text = page(GBK_ONLY, '<meta charset="utf-8">')
    assert decode_html(text.encode("gbk"), override="gb2312") == (text, "gb18030")
    assert decode_html(text.encode("gbk"), override="x-gbk") == (text, "gb18030")
    utf8 = "<p>café</p>"
    assert decode_html(b"\xef\xbb\xbf" + utf8.encode(), override="UTF-8") == (utf8, "utf-8")
    assert decode_html(utf8.encode(), override="latin-1") == ("<p>cafÃ©</p>", "windows-1252")


def test_unknown_override_raises_naming_it() -> None:
    with pytest.raises(ValueError, match="klingon-8"):
        decode_html(b"<p>hi</p>", override="klingon-8")


@pytest.mark.parametrize("label", ["iso-8859-1", "latin1", "ascii", "US-ASCII", "windows-1252"])
def test_latin1_and_ascii_mean_windows_1252(label: str) -> None:
    text = f'<meta charset="{label}"><p>“café” – 10 €</p>'
    assert decode_html(text.encode("cp1252")) == (text, "windows-1252")


def test_windows_1252_holes_are_c1_controls_not_replacement() -> None:
    text, codec = decode_html(b'<meta charset="iso-8859-1"><p>caf\xe9 \x81\x8d\x8f\x90\x9d</p>')
    assert codec == "windows-1252"
    assert text.endswith("café \x81\x8d\x8f\x90\x9d</p>")


def test_undeclared_gbk_is_detected() -> None:
    text = page(ARTICLE)
    assert decode_html(text.encode("gbk")) == (text, "gb18030")


def test_ascii_without_declaration_is_utf8() -> None:
    assert decode_html(b"<p>plain</p>") == ("<p>plain</p>", "utf-8")
    assert decode_html(b"") == ("", "utf-8")


def test_gbk_full_width_space_is_u3000() -> None:
    # 0xA3A0: Python's gb18030 says U+E5E5 (private use), browsers say U+3000.
    text, codec = decode_html(META_GB2312.encode() + b"<p>\xa3\xa0\xa3\xa0" + "正文".encode("gbk"))
    assert (codec, text[-4:]) == ("gb18030", "\u3000\u3000正文")


def listing(meta: str) -> bytes:
    """A GBK listing whose third title the site cut in the middle of a character."""
    items = "".join(f'<li><a href="/{i}">{ARTICLE[i : i + 20]}</a></li>' for i in range(40))
    raw = f"{meta}<ul>{items}</ul>".encode("gbk")
    cut = f">{ARTICLE[2:11]}".encode("gbk")
    return raw.replace(cut, cut[:-1] + b"...", 1)


@pytest.mark.parametrize("meta", [META_GB2312, ""])
def test_truncated_gbk_character_costs_one_replacement(meta: str) -> None:
    raw = listing(meta)
    with pytest.raises(UnicodeDecodeError):
        raw.decode("gb18030")
    text, codec = decode_html(raw)
    assert codec == "gb18030"
    assert text.count("\ufffd") == 1
    assert ARTICLE[20:40] in text


def test_truncated_utf8_character_declared_gb2312() -> None:
    raw = page(ARTICLE, META_GB2312).encode("utf-8").replace("。".encode(), b"\xe3\x80", 1)
    text, codec = decode_html(raw)
    assert (codec, text.count("\ufffd")) == ("utf-8", 1)


@pytest.mark.parametrize("where", ["meta", "header"])
def test_declared_utf8_ascii_page_with_a_stray_windows_1252_quote(where: str) -> None:
    # Was cp775 ("ItÆs") or big5hkscs: detection guesses wildly from one byte.
    raw = b"<html><head>%s</head><body><p>It\x92s here</p></body></html>"
    raw %= b'<meta charset="utf-8">' if where == "meta" else b""
    text, codec = decode_html(raw, http_charset="utf-8" if where == "header" else None)
    assert "<p>It\u2019s here</p>" in text
    assert codec == "windows-1252"


def test_declared_utf8_keeps_its_utf8_when_a_few_lone_bytes_are_not() -> None:
    raw = '<meta charset="utf-8"><p>中文标题 It'.encode() + b"\x92s caf\xe9 ok</p>"
    assert decode_html(raw) == ('<meta charset="utf-8"><p>中文标题 It’s café ok</p>', "utf-8")


def test_declared_utf8_gbk_page_is_still_gbk() -> None:
    # Runs of high bytes are no stray quotes: the GB rules still decide.
    text = page(ARTICLE, '<meta charset="utf-8">')
    assert decode_html(text.encode("gbk")) == (text, "gb18030")


def test_garbage_never_raises() -> None:
    rng = random.Random(20240601)
    labels = [None, "utf-7", "base64", "idna", "undefined", "gb\x00", "utf-16", "big5", "hz"]
    for size in (0, 1, 2, 3, 7, 64, 4096, 50_000):
        for label in labels:
            raw = bytes(rng.getrandbits(8) for _ in range(size))
            if label:
                raw = f'<meta charset="{label}">'.encode() + raw
            text, codec = decode_html(raw, http_charset=rng.choice(labels))
            assert isinstance(text, str)
            assert is_known_encoding(codec)


_TAG = re.compile(r"<[^>]*>")
_LABEL = re.compile(rb"""(?:charset|encoding)\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def squash(text: str) -> str:
    return "".join(text.split())


def plain(html_text: str) -> str:
    """Text without markup or whitespace: manifest bodies are extracted text, pages are HTML."""
    return squash(html.unescape(_TAG.sub(" ", html_text)))


# (file, codec, start of the manifest body or the <title>, U+FFFD the page's own bytes force)
PAGES = [
    ("gbk-declared-gb2312.html", "gb18030", "学习目的\n\u3000\u30001.认识明白神旨意的重要性", 0),
    ("gbk-undeclared.html", "gb18030", "23日下午，在北大万众楼二层，北大中国经济研究中心", 0),
    ("gbk-undeclared-truncated.html", "gb18030", "《太行山上》主要讲述八路军总司令朱德", 2),
    ("utf8-declared-gb2312.html", "utf-8", "信息披露_融通基金管理有限公司", 0),
]


@pytest.mark.parametrize(("name", "codec", "phrase", "broken"), PAGES)
def test_real_pages(name: str, codec: str, phrase: str, broken: int) -> None:
    raw = (DATA / name).read_bytes()
    text, used = decode_html(raw)
    assert used == codec
    assert squash(phrase) in plain(text)
    assert "\ue5e5" not in text
    assert text.count("\ufffd") == broken
    if broken:
        with pytest.raises(UnicodeDecodeError):
            raw.decode(codec)


def clean_decode(raw: bytes, label: str) -> bool:
    try:
        return "\ufffd" not in raw.decode(label)
    except (LookupError, UnicodeError):
        return False


@pytest.mark.parametrize("folder", ["zh-articles", "listings"])
def test_corpus(folder: str) -> None:
    if not (CORPUS / folder).is_dir():
        pytest.skip(f"corpus not found at {CORPUS}")
    manifest = {}
    for line in (CORPUS / folder / "manifest.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        manifest[record["file"]] = record
    codecs_used: Counter[str] = Counter()
    replaced, found, pages = [], 0, sorted((CORPUS / folder).glob("*.html"))
    for path in pages:
        raw = path.read_bytes()
        text, codec = decode_html(raw)
        codecs_used[codec] += 1
        if "\ufffd" in text:
            replaced.append(path.name)
            declared = {m.group(1).decode() for m in _LABEL.finditer(raw[:4096])}
            for label in {codec, "utf-8", *declared}:
                assert not clean_decode(raw, label), f"{path.name}: U+FFFD but {label} decodes it"
        body = manifest[path.name].get("body")
        if body:
            found += squash(body)[:20] in plain(text)
    with_body = sum(1 for p in pages if manifest[p.name].get("body"))
    print(f"\n{folder}: {len(pages)} pages, codecs {dict(codecs_used)}, U+FFFD in {replaced}")
    if with_body:
        print(f"{folder}: body start found in {found}/{with_body} ({found / with_body:.0%})")
        assert found >= 0.9 * with_body
