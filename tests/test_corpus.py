"""Floors on tests/corpus (issue 15): listing detection and article fields, site by site.

The corpus is third-party pages with hand-checked gold (see tests/corpus/README.md); it lives
in tests/ so this runs without ../shared. The figures are the leave-one-site-out (per-site mean)
scores of ``bench/corpus_score.py``, ours only; each floor sits a little below what the code
scored when the corpus was added, so a regression fails and an improvement never does.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

import corpus_score  # noqa: E402

# Measured when the corpus was added, minus a small margin.
LISTING_F1_FLOOR = 0.96  # measured 0.979 on 90 pages (0.962 before a list read by its links)
# 0.983 on 107 pages (0091-0107 added; striped sections read as one list)
# 0.956 on 135 pages with 0111-0135 (25 Chinese listings never seen) before any rule saw them,
# 0.972 after year and month headings divide one list, archive links open with their day and a
# flat page's date line dates the heading above it
# 0.970 on 145 pages (0136-0145 added after those rules; 0.958 with the code before them)
# 0.965 on 173 pages (0167-0173, autopager's last unseen sites, scored before any rule)
LISTING_PRECISION_FLOOR = 0.95  # where detection answers; measured 0.995 (1.000 on 75 pages)
ARTICLE_FLOORS = {"title": 0.94, "date": 0.96, "author": 0.83, "body": 0.94, "clean": 1.0}
# clean: no page's title, author or text shows mojibake (issue 15's "0 mojibake"), measured
# 1.000 on 150 pages when the check came (eighth session)
# measured title 0.963, date 0.990, author 0.695, body 0.964 (issue 15, parts 3 and 4; were
# 0.927, 0.969, 0.630, 0.957); with pages 0104-0128 (25 Chinese): 0.966, 0.990, 0.685, 0.962;
# author 0.815 after the previous rounds, 0.827 with editors labelled anywhere and agency datelines
# 0.851 with bylines that neither markup nor a colon label names ('By Ann Lee', '文/张三')
# 0.863 with the byline forms other extractors read (issue 15, fifth session)
# With pages 0129-0146 (18 unseen Chinese pages, scored before any rule saw them): title 0.979,
# date 0.954, author 0.835, body 0.956; date 0.972 and author 0.863 after the rules they showed
# on dev sites (hover dates of '1周前', footer-only meta authors, '的个人博客' links, '作者︱'
# credits at the story's end, counters' words): the date floor follows the harder corpus.
# With pages 0147-0150 (Zhihu, Weibo, Paopao; held-out, unseen): title 0.959, date 0.973,
# author 0.855, body 0.947: the author and body floors follow too.
# With pages 0151-0170 (20 unseen Chinese pages from 15 sites, scored before any rule saw them):
# title 0.956, date 0.961, author 0.825, body 0.955; author 0.835 after the two rules their dev
# sites showed (a header classed 'unauthorized', a meta author that is the home link's text).
# With pages 0201-0229 (29 unseen Chinese news, government, forum and blog pages from 27 sites,
# tenth session): title 0.950, date 0.976, author 0.849, body 0.954.
# With pages 0230-0272 (43 unseen postlight fixtures, English news mostly; eleventh session):
# title 0.945, date 0.943, author 0.845, body 0.957 before any rule saw them; a day found
# without its time is then scored as that calendar day (as trafilatura's are), and the rules
# their dev sites showed give title 0.940, date 0.976, author 0.867, body 0.959.
# Issue 15's targets for Chinese pages never tuned on, held on the held-out sites' Chinese
# pages (no rule studies them: bench/corpus_score.py); measured 0.938, 0.778, 0.942 on 108
# pages of 65 sites (tenth session).
HELD_OUT_CHINESE_FLOORS = {"date": 0.92, "author": 0.75, "body": 0.88}


def test_listing_detection_floor() -> None:
    pages = corpus_score.load_own("listings")
    assert len(pages) >= 50
    results = corpus_score.run_set("listings", pages, trafilatura=False)
    f1 = corpus_score.site_mean(results, "f1")
    table = corpus_score.listing_table("listings", results)
    assert f1 is not None and f1 >= LISTING_F1_FLOOR, table
    # Precision first: a wrong list is worse than none.
    answered = [r for r in results if r.answered]
    precision = corpus_score.page_mean(answered, "precision")
    assert precision is not None and precision >= LISTING_PRECISION_FLOOR, table


@pytest.fixture(scope="module")
def article_results() -> list[corpus_score.Scored]:
    pages = corpus_score.load_own("articles")
    assert len(pages) >= 100
    return corpus_score.run_set("articles", pages, trafilatura=False)


@pytest.mark.parametrize("field", sorted(ARTICLE_FLOORS))
def test_article_field_floor(article_results: list[corpus_score.Scored], field: str) -> None:
    score = corpus_score.site_mean(article_results, field)
    assert score is not None and score >= ARTICLE_FLOORS[field], (
        f"{field}: {score}\n" + corpus_score.article_table("articles", article_results)
    )


@pytest.mark.parametrize("field", sorted(HELD_OUT_CHINESE_FLOORS))
def test_held_out_chinese_pages_meet_the_issue_s_targets(
    article_results: list[corpus_score.Scored], field: str
) -> None:
    held_out = [
        r
        for r in article_results
        if r.page.lang.startswith("zh") and corpus_score.half(r.page.site) == "held-out"
    ]
    score = corpus_score.site_mean(held_out, field)
    assert score is not None and score >= HELD_OUT_CHINESE_FLOORS[field], f"{field}: {score}"


def test_leave_one_site_out_never_tunes_on_the_scored_site(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pages = [
        corpus_score.Page("t", str(i), site, "en", "news", "https://x.example/", {})
        for i, site in enumerate(["a.com", "a.com", "b.com", "c.com"])
    ]
    trained: list[set[str]] = []
    scored: list[str] = []

    def spy(train: list[corpus_score.Page]) -> dict[str, object]:
        trained.append({p.site for p in train})
        return {}

    def score(page: corpus_score.Page, params: object) -> list[corpus_score.Scored]:
        scored.append(page.site)
        return []

    monkeypatch.setattr(corpus_score, "tune", spy)
    corpus_score.leave_one_site_out(pages, score)
    assert sorted(scored) == ["a.com", "a.com", "b.com", "c.com"]
    assert trained == [{"b.com", "c.com"}, {"a.com", "c.com"}, {"a.com", "b.com"}]


@pytest.mark.parametrize(
    ("text", "chinese", "bad"),
    [
        ("中文正常的句子。", True, False),
        ("Müller Straße, café… ok", False, False),
        ("S\xa0jejich pomocí\xa0– jak dále", False, False),  # Czech with no-break spaces
        ("ä¸\xadæ–‡", True, True),  # UTF-8 read as cp1252
        ("it\u00e2\u20ac\u2122s", False, True),
        ("锟斤拷", True, True),  # UTF-8 read as GBK
        ("鈥滄垜", True, True),
        ("ÄãºÃÊÀ½ç", True, True),  # GBK read as Latin-1
        ("\ufffd", True, True),
    ],
)
def test_mojibake_is_told_from_text(text: str, chinese: bool, bad: bool) -> None:
    assert corpus_score.mojibake(text, chinese=chinese) is bad


def test_a_replacement_character_the_pages_bytes_hold_is_the_pages() -> None:
    raw = "记者胡\ufffd报道".encode()
    assert not corpus_score.mojibake("记者胡\ufffd报道", chinese=True, raw=raw)
    assert corpus_score.mojibake("记者胡\ufffd报道", chinese=True, raw="记者胡报道".encode())
