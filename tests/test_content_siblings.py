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


def test_a_dropped_lead_paragraph_goes_before_the_first_kept_one():
    lead = "<p class='para'>Before it all, the mayor had <a href='/m'>warned them</a> twice.</p>"
    page = _page().replace("<article>", f"<article>{lead}")
    texts = [p.get_text() for p in parse(with_siblings(parse(page), KEPT)).find_all("p")]
    assert texts[0] == "Before it all, the mayor had warned them twice."
    assert texts[1] == SENTENCES[0] and len(texts) == 5


def test_a_paragraph_kept_but_for_its_link_is_not_put_back_twice():
    fourth = "Work would start in <a href='/spring'>the spring</a> if the vote went through."
    page = _page().replace(
        "</article>", f"<div class='text-block'><p class='para'>{fourth}</p></div></article>"
    )
    # trafilatura kept the paragraph and lost the link's text
    kept = KEPT + "<p>Work would start in if the vote went through.</p>"
    result = with_siblings(parse(page), kept)
    assert result.count("if the vote went through") == 1
    assert "three members" in result  # the one it dropped whole still comes back


def test_a_line_too_short_for_a_paragraph_is_not_put_back():
    page = _page().replace("</article>", "<p class='para'>Sharing is caring!</p></article>")
    assert "Sharing" not in with_siblings(parse(page), KEPT)


def _chunks(second_wrapper: str = "body-wrapper") -> str:
    """A story cut into two chunks by an ad rail, its paragraphs without a class."""
    first = "".join(f"<p>{s}</p>" for s in SENTENCES)
    second = "<p>It has three members, including the chair, who began in 2020.</p>"
    return (
        '<html><body><article><div class="body-wrapper"><div class="inner">'
        f'{first}</div></div><aside>Ad</aside><div class="{second_wrapper}">'
        f'<div class="inner">{second}</div></div></article></body></html>'
    )


def test_the_chunks_of_a_body_cut_by_ad_rails_all_come_back():
    result = with_siblings(parse(_chunks()), KEPT)  # the extractor kept the first chunk only
    assert "three members" in result and result.count("The council met") == 1


def test_a_teasers_summary_in_a_block_of_the_storys_class_stays_out():
    # the same inner class, in another wrapper: a teaser's, not the body's
    assert "three members" not in with_siblings(parse(_chunks("teaser")), KEPT)
