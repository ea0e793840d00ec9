"""Labelled fields of Chinese and Western article pages: '作者：qeexh', '核心提示：…', 'By …'.

Destoon and similar CMSs print several fields on one info line, separated by runs of spaces:
``日期:2024-12-06   作者:qeexh    caijiyuan   评论:0``. A value ends at the next label or at a
run of two or more spaces, so the author above is ``qeexh``.
"""

from __future__ import annotations

import re

AUTHOR_LABELS = ("作者", "文", "撰文", "记者", "编辑", "责任编辑", "责编", "发布者", "Author", "By")
SUMMARY_LABELS = ("核心提示", "内容提要", "摘要", "导读", "提要", "简介", "Summary")
_ANY_LABEL = r"[\w\u4e00-\u9fff]{1,6}\s*[:：]"
_GAP = r"(?:\s{2,}|[\u00a0\u3000]+|\s*[|｜]\s*)"
_SPACE = re.compile(r"[\s\u00a0\u3000]+")


def _label_pattern(labels: tuple[str, ...]) -> re.Pattern[str]:
    names = "|".join(re.escape(label) for label in labels)
    return re.compile(rf"(?:^|(?<=[\s\u00a0\u3000|｜]))(?:{names})\s*[:：]\s*", re.IGNORECASE)


_AUTHOR = _label_pattern(AUTHOR_LABELS)
_SUMMARY = _label_pattern(SUMMARY_LABELS)
_BY = re.compile(r"^\s*by\s+(?=\S)", re.IGNORECASE)
_VALUE_END = re.compile(rf"{_GAP}|\s+(?={_ANY_LABEL})")
_HAS_LABEL = re.compile(_ANY_LABEL)
# Input is cut to this before any pattern runs, so a hostile 32 KB string costs nothing (B15):
# an info line or a byline is far shorter, and a label opens a summary.
MAX_LINE = 1000
# A value this long is a paragraph the selector caught, not a name (nor a list of names).
MAX_AUTHOR = 100


def author_from(raw: str | None) -> str | None:
    """'日期：… 作者：qeexh  浏览：3' -> 'qeexh'; a bare 'qeexh' stays; 'By Ann' -> 'Ann'."""
    if not raw:
        return None
    raw = raw[:MAX_LINE]
    match = _AUTHOR.search(raw)
    if match:
        rest = raw[match.end() :]
        end = _VALUE_END.search(rest)
        return _name(rest[: end.start()] if end else rest)
    if _HAS_LABEL.search(raw):
        return None  # other labels only: the author isn't on this line
    return _name(_BY.sub("", raw))


def labelled_author(raw: str) -> str | None:
    """The author only when the line labels one ('作者：qeexh'): for lines found on the page,
    where an unlabelled line is not an author."""
    return author_from(raw) if _AUTHOR.search(raw[:MAX_LINE]) else None


# Chinese news bylines without a colon: '本报记者罗科苏盈发自北京', '（记者 格桑边觉）',
# '记者马俊峰/文'. A name is two to four characters (three-part names with '·' up to eight);
# it ends where the byline goes on (发自, 报道, 摄, a bracket, a slash, a space).
_REPORTER = re.compile(
    r"(?:本报|特约|实习|首席)?记者\s*"
    r"(?P<name>(?![们会近从在了获表采观注说问看走来对将也还就等调招到见前后为是的与及所日])"
    r"(?:[\u4e00-\u9fff]{2,4}?|[\u4e00-\u9fff]{1,4}·[\u4e00-\u9fff]{1,5}?))"
    r"(?=发自|报道|摄|通讯员|电|讯|[\s/（）()【】\[\]、，,。;；|])"
)


def reporter_from(raw: str | None) -> str | None:
    """'新华社拉萨电（记者 格桑边觉）记者近日…' -> '格桑边觉'."""
    if not raw:
        return None
    match = _REPORTER.search(raw[:MAX_LINE])
    return match["name"] if match else None


def summary_from(raw: str | None) -> str | None:
    """'核心提示：全球最大…' -> '全球最大…'."""
    if not raw:
        return None
    match = _SUMMARY.search(raw[:MAX_LINE])
    if match:
        raw = raw[match.end() :]
    return _squash(raw)


def _name(text: str) -> str | None:
    name = _squash(text)
    return name if name is not None and len(name) <= MAX_AUTHOR else None


def _squash(text: str) -> str | None:
    text = _SPACE.sub(" ", text).strip(" ,;，；|｜")
    return text or None
