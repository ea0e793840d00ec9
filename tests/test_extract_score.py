"""Article extraction vs trafilatura on the saved corpus (issue 6), on a bounded subset.

The corpus is third-party (see /work/shared/corpus/README.md for sources and licences); the
test skips when it is absent. It asserts what is true today: our figures do not fall below the
ones recorded here, and ours >= trafilatura only where that already holds. Where ours is still
behind, a soft "XFAIL" line is printed instead, so the suite stays green and the gap stays
visible. ``bench/extract_score.py`` runs the whole corpus.
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

# Our scores on SUBSET when this test was last updated; a drop of more than TOLERANCE fails.
RECORDED: dict[tuple[str, str], float] = {
    ("zh-articles", "date"): 0.913,
    ("zh-articles", "author"): 0.391,
    ("zh-articles", "body"): 0.843,
    ("articles", "title"): 0.950,
    ("articles", "date"): 1.000,
    ("articles", "author"): 1.000,
    ("articles", "body"): 0.891,
    ("readability", "title"): 1.000,
    ("readability", "date"): 1.000,
    ("readability", "author"): 1.000,
    ("dates", "date"): 1.000,
}
TOLERANCE = 0.01

# Where ours >= trafilatura holds on SUBSET: asserted. Every other field is a soft check.
# articles/body is trafilatura's (favor_precision) on these pages: content.py takes the densest
# block instead only on old table layouts; ahead on the whole set (0.919 / 0.911), behind on
# these first 20 pages.
AT_LEAST_TRAFILATURA = {key for key in RECORDED if key != ("articles", "body")}

# Issue 6 wants ours "clearly better" on the Chinese pages: this margin, per field (soft).
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
    soft: list[str] = []
    for (name, field), recorded in RECORDED.items():
        row = results[name]["fields"][field]
        ours, theirs = row["ours"], row["trafilatura"]
        assert ours >= recorded - TOLERANCE, f"{name}/{field}: {ours:.3f} < recorded {recorded}"
        if (name, field) in AT_LEAST_TRAFILATURA:
            assert ours >= theirs, f"{name}/{field}: ours {ours:.3f} < trafilatura {theirs:.3f}"
        elif ours < theirs:
            soft.append(f"XFAIL {name}/{field}: ours {ours:.3f} < trafilatura {theirs:.3f}")
        else:
            soft.append(f"XPASS {name}/{field}: ours {ours:.3f} >= trafilatura {theirs:.3f}")
        if name == "zh-articles" and ours < theirs + CLEARLY_BETTER:
            soft.append(
                f"XFAIL {name}/{field}: not clearly better "
                f"(ours {ours:.3f}, trafilatura {theirs:.3f}, margin {CLEARLY_BETTER})"
            )
    with capsys.disabled():
        print("\n" + _tables(results))
        print("\n".join(["", "soft checks (issue 6: ours >= trafilatura everywhere):", *soft]))


def test_every_page_is_scored(results: dict[str, dict[str, Any]]) -> None:
    for name, limit in SUBSET.items():
        result = results[name]
        assert result["errors"]["ours"] == 0, result["errors"]
        assert result["pages"] == (limit or result["pages"]) > 0
        assert all(row["n"] > 0 for row in result["fields"].values())
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
