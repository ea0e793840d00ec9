"""Article extraction vs trafilatura on the saved corpus (issue 6), on a bounded subset.

The corpus is third-party (see /work/shared/corpus/README.md for sources and licences); the
test skips when it is absent. Asserted: every score stays above its floor in ``FLOORS`` (a
little below what was measured when this file was last updated), and ours >= trafilatura
where that holds today. Where ours is still behind, or not clearly ahead, an "info:" line is
printed: it is reported, not asserted. ``bench/extract_score.py`` runs the whole corpus.
"""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
BENCH = Path(__file__).resolve().parents[1] / "bench"
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

import extract_score  # noqa: E402

# Subset: every Chinese page, the first 20 of each other set (about 10 s).
SUBSET: dict[str, int | None] = {
    "zh-articles": None,
    "articles": 20,
    "readability": 20,
    "dates": 20,
}

# Floors on SUBSET, each a little below the score measured on it (the comment): one more
# page lost on a field fails. Raise a floor when a change raises the score for good.
FLOORS: dict[tuple[str, str], float] = {
    ("zh-articles", "date"): 0.90,  # 0.913 (23 pages with a date)
    ("zh-articles", "author"): 0.77,  # 0.783 (was 0.391 before issue 15's bylines)
    ("zh-articles", "body"): 0.87,  # 0.886
    ("articles", "title"): 0.94,  # 0.950
    ("articles", "date"): 0.99,  # 1.000
    ("articles", "author"): 0.99,  # 1.000
    ("articles", "body"): 0.88,  # 0.891
    # 0.950: lowered from 0.99 on purpose. The story's one <h1> now beats social and SEO
    # titles that word it otherwise (titles._story_headline): trafilatura's corpus labels
    # the headline the page shows, readability's what its algorithm reads from <title>.
    ("readability", "title"): 0.94,
    ("readability", "date"): 0.99,  # 1.000
    ("readability", "author"): 0.99,  # 1.000
    ("dates", "date"): 0.99,  # 1.000
}

# Where ours >= trafilatura holds on SUBSET: asserted. articles/body is trafilatura's
# (favor_precision) on these pages: content.py takes the densest block instead only on old
# table layouts; ahead on the whole set (0.919 / 0.911), behind on these first 20 pages.
AT_LEAST_TRAFILATURA = {key for key in FLOORS if key != ("articles", "body")}

# Issue 6 wants ours "clearly better" on the Chinese pages: this margin, per field (info).
CLEARLY_BETTER = 0.05


@pytest.fixture(scope="module")
def results() -> dict[str, dict[str, Any]]:
    if not CORPUS.is_dir():
        pytest.skip(f"no corpus at {CORPUS}")
    if extract_score.CORPUS != CORPUS:
        pytest.skip(f"bench reads {extract_score.CORPUS}, not {CORPUS}")
    out: dict[str, dict[str, Any]] = {}
    for name, limit in SUBSET.items():
        out.update(extract_score.score([name], limit))
    return out


def _tables(results: dict[str, dict[str, Any]]) -> str:
    return "\n\n".join(extract_score.format_table(n, r) for n, r in results.items())


def test_scores_next_to_trafilatura(
    results: dict[str, dict[str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    info: list[str] = []
    for (name, field), floor in FLOORS.items():
        row = results[name]["fields"][field]
        ours, theirs = row["ours"], row["trafilatura"]
        assert ours >= floor, f"{name}/{field}: {ours:.3f} fell below its floor {floor}"
        if (name, field) in AT_LEAST_TRAFILATURA:
            assert ours >= theirs, f"{name}/{field}: ours {ours:.3f} < trafilatura {theirs:.3f}"
        elif ours < theirs:
            info.append(f"info: {name}/{field}: ours {ours:.3f} < trafilatura {theirs:.3f}")
        if name == "zh-articles" and ours < theirs + CLEARLY_BETTER:
            info.append(
                f"info: {name}/{field}: not clearly better "
                f"(ours {ours:.3f}, trafilatura {theirs:.3f}, margin {CLEARLY_BETTER})"
            )
    with capsys.disabled():
        print("\n" + _tables(results))
        print("\n".join(["", "reported, not asserted (issue 6: ours >= trafilatura):", *info]))


def _manifest_pages(name: str) -> int:
    """Pages listed by a set's manifest, counted here rather than by the code under test."""
    lines = (CORPUS / name / "manifest.jsonl").read_text("utf-8").splitlines()
    return sum(1 for line in lines if line.strip())


def test_every_page_is_scored(results: dict[str, dict[str, Any]]) -> None:
    for name, limit in SUBSET.items():
        result = results[name]
        expected = min(limit, _manifest_pages(name)) if limit else _manifest_pages(name)
        assert expected > 0
        assert result["pages"] == expected == len(result["records"]), name
        assert result["errors"]["ours"] == 0, result["errors"]
        assert all(row["n"] > 0 for row in result["fields"].values())
        assert set(result["fields"]) == set(extract_score.FIELDS[name])
        assert all(ms > 0 for ms in result["ms_per_page"].values())


def test_matching_rules() -> None:
    es = extract_score
    assert es.title_match("Get your Code Covered | Code", "Get your Code Covered")
    assert not es.title_match("Get your Frontend JavaScript Code Covered | Code", "Code")
    assert es.author_match("By Nathan Willis\n   March 25, 2015", "Nathan Willis")
    assert not es.author_match("Jane Doe", None)
    late = es.truth_day("2017-02-23T17:18:13-08:00")
    assert late is not None
    assert es.date_match(late, datetime(2017, 2, 24, 1, 18, tzinfo=UTC))
    assert es.date_match(late, date(2017, 2, 23))
    assert es.truth_day("2018") is None and es.truth_day("1998-3") is None
    assert es.char_f1("新征程 催人奋进", "新征程催人奋进") == 1.0
    assert es.char_f1("abc", "") == 0.0
    assert es.snippets_score("a b c", ["b"], ["zz"]) == 1.0
    assert not es.has_truth("UNKNOWN") and not es.has_truth("") and es.has_truth(["x"])
