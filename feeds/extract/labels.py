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


def author_from(raw: str | None) -> str | None:
    """'日期：… 作者：qeexh  浏览：3' -> 'qeexh'; a bare 'qeexh' stays; 'By Ann' -> 'Ann'."""
    if not raw:
        return None
    match = _AUTHOR.search(raw)
    if match:
        rest = raw[match.end() :]
        end = _VALUE_END.search(rest)
        value = rest[: end.start()] if end else rest
        return _squash(value)
    if _HAS_LABEL.search(raw):
        return None  # other labels only: the author isn't on this line
    return _squash(_BY.sub("", raw))


def labelled_author(raw: str) -> str | None:
    """The author only when the line labels one ('作者：qeexh'): for lines found on the page,
    where an unlabelled line is not an author."""
    return author_from(raw) if _AUTHOR.search(raw) else None


def summary_from(raw: str | None) -> str | None:
    """'核心提示：全球最大…' -> '全球最大…'."""
    if not raw:
        return None
    match = _SUMMARY.search(raw)
    if match:
        raw = raw[match.end() :]
    return _squash(raw)


def _squash(text: str) -> str | None:
    text = _SPACE.sub(" ", text).strip(" ,;，；|｜")
    return text or None
