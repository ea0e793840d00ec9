"""Article dates from the page's text alone: corpus_score's article pages with what tells a
date without reading the page taken away (issue 15, part 4).

    .venv/bin/python bench/date_strip.py [--no-h1] [--misses]

Every page loses its <meta> tags, its scripts (JSON-LD included), its machine-readable
attributes (itemprop, datetime, content, pubdate, title) and its URL's path (the host stays);
with ``--no-h1`` its <h1> elements become <div>s too, so no headline is found by its tag. What
is left is what a page without metadata shows: the fallbacks of ``page_dates`` are measured
on many more pages than the few that need them as saved. Per set and half (corpus_score's
``half``): pages right, pages with no date, pages with a wrong one. ``--misses`` lists the dev
half's misses only: held-out pages are counted, never listed.
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for path in (ROOT, ROOT / "bench"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

import corpus_score  # noqa: E402
import extract_score  # noqa: E402

from feeds.encoding import decode_html  # noqa: E402

SETS = ("articles", "shared-articles", "shared-dates", "shared-zh-articles", "shared-readability")
_STRIP = (
    re.compile(r"<meta\b[^>]*>", re.I),
    re.compile(r"<script\b.*?</script>", re.I | re.S),
    re.compile(r"""\s(?:itemprop|datetime|content|pubdate|title)=("[^"]*"|'[^']*')""", re.I),
)
_H1 = re.compile(r"(?<=<)(/?)h1\b", re.I)
_PATH = re.compile(r"^(https?://[^/]+).*")


def stripped(text: str, url: str, no_h1: bool) -> tuple[str, str]:
    """The page's text and URL without their machine-readable dates."""
    for pattern in _STRIP:
        text = pattern.sub("", text)
    if no_h1:
        text = _H1.sub(r"\1div", text)
    return text, _PATH.sub(r"\1/story", url)


def outcome(page: corpus_score.Page, now: datetime, no_h1: bool) -> tuple[str, str] | None:
    """('right' | 'none' | 'wrong', what was found), or None for a page with no known date."""
    truth = extract_score.truth_day(str(page.gold.get("date") or page.gold.get("publishedTime")))
    if truth is None:
        return None
    text, codec = decode_html(page.raw)
    text, url = stripped(text, page.url, no_h1)
    found = extract_score.run_ours(text, url, codec, corpus_score._zone(page), now)
    if found.day is None:
        return "none", "None"
    return ("right" if extract_score.date_match(truth, found.day) else "wrong"), str(found.day)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--no-h1", action="store_true", help="hide the <h1> elements too")
    parser.add_argument("--misses", action="store_true", help="list the dev half's misses")
    args = parser.parse_args(argv)
    logging.getLogger("charset_normalizer").setLevel(logging.CRITICAL)
    sets, now = corpus_score.available_sets(), datetime.now(UTC)
    counts: Counter[tuple[str, str, str]] = Counter()
    for name in (s for s in SETS if s in sets):
        for page in sets[name]():
            result = outcome(page, now, args.no_h1)
            if result is None:
                continue
            half = corpus_score.half(page.site)
            counts[(name, half, result[0])] += 1
            if args.misses and half == "dev" and result[0] != "right":
                print(f"{name}/{page.file} truth={page.gold.get('date')} found={result[1]}")
    print("| set | half | right | none | wrong |\n|---|---|---|---|---|")
    for name, half in sorted({(n, h) for n, h, _ in counts}):
        row = [counts[(name, half, kind)] for kind in ("right", "none", "wrong")]
        print(f"| {name} | {half} | " + " | ".join(map(str, row)) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
