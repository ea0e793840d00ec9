"""Paragraphs of the story's own class that the extractor dropped are put back (issue 15)."""

from __future__ import annotations

from feeds.extract.html import parse
from feeds.extract.siblings import with_siblings

SENTENCES = [
    "The council met on Monday to discuss the budget for next year.",
    "Officials said the plan would cost more than expected at first.",
    "Residents asked for the old bridge to be repaired before winter.",
]
SHORT = 'It has three members, including <a href="/chair">the chair</a>, who began in 2020.'


def _page(extra: str = "") -> str:
    blocks = [f'<div class="text-block"><p class="para">{s}</p></div>' for s in SENTENCES]
    blocks.insert(2, f'<div class="text-block"><p class="para">{SHORT}</p></div>')
    return f"<html><body><article>{''.join(blocks)}</article>{extra}</body></html>"


# trafilatura's result: it deleted the short block with a link
KEPT = "".join(f"<p>{s}</p>" for s in SENTENCES)


def test_a_dropped_paragraph_of_the_storys_class_is_put_back_in_place():
    result = parse(with_siblings(parse(_page()), KEPT))
    texts = [p.get_text() for p in result.find_all("p")]
    assert len(texts) == 4 and texts[2].startswith("It has three members")
    assert result.find("a", href="/chair") is not None


def test_teasers_comments_and_other_classes_stay_out():
    teaser = '<p class="para"><a href="/n/1">Another story about the council budget</a></p>'
    comment = f'<div class="comments"><p class="para">{SENTENCES[0]} I disagree!</p></div>'
    other = '<p class="note">This note is set in another class, apart from the story.</p>'
    result = with_siblings(parse(_page(teaser + comment + other)), KEPT)
    assert "Another story" not in result and "I disagree" not in result
    assert "another class" not in result
    assert "three members" in result  # the story's own paragraph still comes back


def test_without_a_class_that_the_kept_paragraphs_share_nothing_changes():
    plain = _page().replace(' class="para"', "")
    assert with_siblings(parse(plain), KEPT) == KEPT
    first = KEPT[: KEPT.index("</p>") + 4]  # one kept paragraph: too few to name a class
    assert with_siblings(parse(_page()), first) == first
