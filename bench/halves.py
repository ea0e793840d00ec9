"""Article fields scored in two halves of the sites: dev (looked at while tuning) and held-out
(not looked at), next to trafilatura and htmldate on the same pages (issue 15, parts 3 and 4).

    .venv/bin/python bench/halves.py [--set NAME ...] [--misses dev] [--limit N]

A site's half is fixed by a hash of its name (``half``), so it never depends on what scores
well. Sets are those of ``bench/corpus_score.py`` that hold articles: ``articles``
(tests/corpus) and, when /work/shared is there, ``shared-zh-articles``, ``shared-articles``,
``shared-readability``, ``shared-dates``. The shared sets were tuned on before the split was
made: their held-out half is cleaner than their dev half, but not unseen.

Figures are corpus_score's: the mean over sites of each site's mean, by extract_score's
rules. htmldate runs ``find_date`` on the decoded text with the page URL, once as it comes
(newest date) and once with ``original_date=True``; the better per set is shown. ``moji`` counts
pages whose title, author or body from ours holds mojibake (U+FFFD, or UTF-8 read as
Latin-1: "Ã©", "â€™").
``--misses dev`` lists the dev half's misses only: the held-out half is read at the end.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import re
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for path in (ROOT, ROOT / "bench"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

import corpus_score  # noqa: E402
import extract_score  # noqa: E402
from htmldate import find_date  # noqa: E402

from feeds.encoding import decode_html  # noqa: E402

HALVES = ("dev", "held")
RUNS = ("ours", "trafilatura", "htmldate", "htmldate_original")
# U+FFFD, or UTF-8 bytes read as Latin-1/cp1252 ('Ã©', 'â€™', 'æ–°').
_MOJIBAKE = re.compile(r"\ufffd|[ÃÂ][\x80-\xbf]|â€[\x80-\xbf™œ]")


def site_key(page: corpus_score.Page) -> str:
    """The page's site; a page whose set names no URL (zh-articles, readability) is its own."""
    return f"{page.set}/{page.file}" if page.site == "corpus.invalid" else page.site


def half(site: str) -> str:
    """'dev' or 'held', fixed by the site's name alone."""
    return HALVES[hashlib.sha256(site.encode("utf-8")).digest()[0] & 1]


def mojibake(*texts: str | None) -> bool:
    return any(t and _MOJIBAKE.search(t) for t in texts)


def score_page(page: corpus_score.Page, now: datetime) -> dict[str, dict[str, float]]:
    """Run -> field -> score on one page; 'ours' also gets 'moji' and 'ms'."""
    text, codec = decode_html(page.raw)
    name = corpus_score._article_set(page)
    ours = extract_score.run_ours(text, page.url, codec, corpus_score._zone(page), now)
    theirs = extract_score.run_trafilatura(text, page.url)
    out = {
        "ours": extract_score.page_scores(name, page.gold, ours),
        "trafilatura": extract_score.page_scores(name, page.gold, theirs),
    }
    out["ours"]["moji"] = float(mojibake(ours.title, ours.author, ours.text))
    out["ours"]["ms"] = 1000 * ours.seconds
    if "date" in out["ours"]:
        for run, original in (("htmldate", False), ("htmldate_original", True)):
            found = extract_score.Extracted(day=_htmldate(text, page.url, original))
            out[run] = {"date": extract_score.page_scores(name, page.gold, found).get("date", 0)}
    page_misses[page.file + page.set] = (ours, out["ours"])
    return out


page_misses: dict[str, tuple[extract_score.Extracted, dict[str, float]]] = {}


def _htmldate(text: str, url: str, original: bool) -> date | None:
    url_arg = url if not url.startswith("https://corpus.invalid") else None
    try:
        found = find_date(text, url=url_arg, original_date=original)
    except Exception:  # a crash is a miss
        return None
    return date.fromisoformat(found) if found else None


def site_mean(rows: Sequence[tuple[str, dict[str, float]]], field: str) -> tuple[float, int]:
    by_site: dict[str, list[float]] = defaultdict(list)
    for site, scores in rows:
        if field in scores:
            by_site[site].append(scores[field])
    if not by_site:
        return float("nan"), 0
    return sum(sum(v) / len(v) for v in by_site.values()) / len(by_site), len(by_site)


def report(name: str, pages: Sequence[corpus_score.Page], misses_half: str | None) -> None:
    now = datetime.now(UTC)
    rows: dict[str, dict[str, list[tuple[str, dict[str, float]]]]] = {
        h: defaultdict(list) for h in HALVES
    }
    for page in pages:
        for run, scores in score_page(page, now).items():
            rows[half(site_key(page))][run].append((site_key(page), scores))
    print(f"## {name}")
    print("| half | field | sites | ours | trafilatura | htmldate (newest / original) |")
    print("|---|---|---|---|---|---|")
    for h in HALVES:
        fields = sorted({f for _, s in rows[h]["ours"] for f in s} - {"moji", "ms"})
        for field in sorted(fields, key=corpus_score.ARTICLE_FIELDS.index):
            ours, n = site_mean(rows[h]["ours"], field)
            theirs, _ = site_mean(rows[h]["trafilatura"], field)
            hd = ""
            if field == "date":
                hd = " / ".join(f"{site_mean(rows[h][r], 'date')[0]:.3f}" for r in RUNS[2:])
            print(f"| {h} | {field} | {n} | **{ours:.3f}** | {theirs:.3f} | {hd} |")
        ms = [s["ms"] for _, s in rows[h]["ours"]] or [0.0]
        moji = sum(s["moji"] for _, s in rows[h]["ours"])
        print(f"| {h} | pages {len(ms)}, mojibake {moji:.0f}, ms/page {sum(ms) / len(ms):.0f} |")
    if misses_half:
        _print_misses(name, [p for p in pages if half(site_key(p)) == misses_half])
    print()


def _print_misses(name: str, pages: Sequence[corpus_score.Page]) -> None:
    print(f"### {name}: misses")
    for page in pages:
        found, scores = page_misses[page.file + page.set]
        wrong = {f: round(v, 2) for f, v in scores.items() if f not in ("ms", "moji") and v < 1}
        if scores.get("moji"):
            wrong["mojibake"] = 1.0
        if not wrong or (set(wrong) == {"body"} and wrong["body"] >= 0.8):
            continue
        keys = ("title", "date", "author", "byline")
        truth = {k: page.gold.get(k) for k in keys if k in page.gold}
        print(f"- {page.file} {page.site} {wrong}\n    truth {truth}")
        day = found.day.isoformat() if found.day else None
        print(f"    found {{title: {found.title!r}, date: {day}, author: {found.author!r}}}")
        if "body" in wrong:
            print(f"    text {found.text[:160]!r}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--set", action="append", dest="sets", help="a set name (repeatable)")
    parser.add_argument("--misses", choices=HALVES, help="list this half's misses")
    parser.add_argument("--limit", type=int, default=None, help="first N pages of each set")
    parser.add_argument("--dump", help="write every page's scores and findings here (JSON)")
    args = parser.parse_args(argv)
    for logger in ("trafilatura", "htmldate", "courlan", "charset_normalizer"):
        logging.getLogger(logger).setLevel(logging.CRITICAL)
    sets = {k: v for k, v in corpus_score.available_sets().items() if not k.endswith("listings")}
    start = time.perf_counter()
    for name in args.sets or list(sets):
        pages = sets[name]()[: args.limit]
        report(name, pages, args.misses)
    print(f"total {time.perf_counter() - start:.1f} s")
    if args.dump:
        Path(args.dump).write_text(json.dumps(_dump(), ensure_ascii=False, indent=0), "utf-8")
    return 0


def _dump() -> dict[str, dict[str, object]]:
    out: dict[str, dict[str, object]] = {}
    for key, (found, scores) in page_misses.items():
        day = found.day.isoformat() if found.day else None
        out[key] = {"scores": scores, "title": found.title, "date": day, "author": found.author}
    return out


if __name__ == "__main__":
    raise SystemExit(main())
