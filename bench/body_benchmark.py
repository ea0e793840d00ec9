"""Article bodies scored on Zyte's article-extraction benchmark, ours next to trafilatura.

    .venv/bin/python bench/body_benchmark.py DIR [--worst N]

DIR is a checkout of scrapinghub/article-extraction-benchmark (MIT): ``html/<key>.html.gz``,
181 English-language news and blog pages from 2019, and ``ground-truth.json``, each page's
``articleBody`` and ``url``, labelled by hand. None of its pages is in tests/corpus and no rule
was studied on its held-out half. Without DIR the benchmark is skipped with a message.

The score is the benchmark's own (its ``evaluate.py``): the page's text and the truth are cut
into word 4-grams (``\\w+`` tokens); per page, the matched, extra and missing 4-grams, as
shares of their sum, give a precision and a recall; both are averaged over the pages and F1 is
taken from the two means. The benchmark's README lists trafilatura at about 0.958 on it.

Ours is the text of ``extract_article``'s ``content_html`` (``ArticleRules()``: no selectors),
as bench/extract_score.py reads it; trafilatura runs with its defaults on the same decoded
text. Pages are split into dev and held-out sites by corpus_score's fixed hash (``half``).
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import re
import statistics
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

_TOKEN = re.compile(r"\w+")
SHINGLE = 4
RUNS = ("ours", "trafilatura")


def precision_recall(truth: str, found: str) -> tuple[float, float]:
    """The benchmark's per-page precision and recall over word 4-grams."""
    want, got = _shingles(truth), _shingles(found)
    matched = sum((want & got).values())
    extra = sum((got - want).values())
    missing = sum((want - got).values())
    if extra == missing == 0:
        return 1.0, 1.0
    precision = 0.0 if matched == extra == 0 else matched / (matched + extra)
    recall = 0.0 if matched == missing == 0 else matched / (matched + missing)
    return precision, recall


def _shingles(text: str) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text or "")
    spans = range(max(1, len(tokens) - SHINGLE + 1))
    return Counter(tuple(tokens[i : i + SHINGLE]) for i in spans if tokens[i : i + SHINGLE])


def f1(pairs: Sequence[tuple[float, float]]) -> tuple[float, float, float]:
    """(precision, recall, F1) as the benchmark reports them: F1 of the two means."""
    precision = statistics.mean(p for p, _ in pairs)
    recall = statistics.mean(r for _, r in pairs)
    total = precision + recall
    return precision, recall, (2 * precision * recall / total if total else 0.0)


def score(root: Path) -> list[dict]:
    truth = json.loads((root / "ground-truth.json").read_text("utf-8"))
    now = datetime.now(UTC)
    rows = []
    for key, entry in sorted(truth.items()):
        text, codec = decode_html(gzip.decompress((root / "html" / f"{key}.html.gz").read_bytes()))
        url, site = entry["url"], corpus_score.site_of(entry["url"])
        row = {"key": key, "url": url, "half": corpus_score.half(site)}
        for run in RUNS:
            if run == "ours":
                found = extract_score.run_ours(text, url, codec, UTC, now)
            else:
                found = extract_score.run_trafilatura(text, url)
            row[run] = precision_recall(entry["articleBody"], found.text or "")
        rows.append(row)
    return rows


def table(rows: list[dict]) -> str:
    lines = [
        "| sites | pages | run | precision | recall | F1 |",
        "|---|---|---|---|---|---|",
    ]
    for group in ("held-out", "dev", "all"):
        chosen = [r for r in rows if group == "all" or r["half"] == group]
        for run in RUNS:
            p, r, f = f1([row[run] for row in chosen])
            bold = "**" if run == "ours" else ""
            lines.append(
                f"| {group} | {len(chosen)} | {run} | {p:.3f} | {r:.3f} | {bold}{f:.3f}{bold} |"
            )
    return "\n".join(lines)


def worst(rows: list[dict], count: int) -> str:
    """The dev pages ours scores lowest on (held-out pages are scored, not studied)."""
    dev = [r for r in rows if r["half"] == "dev"]
    dev.sort(key=lambda r: f1([r["ours"]])[2])
    lines = []
    for row in dev[:count]:
        ours, theirs = f1([row["ours"]])[2], f1([row["trafilatura"]])[2]
        lines.append(f"- {ours:.3f} (trafilatura {theirs:.3f}) {row['key'][:12]} {row['url']}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("root", nargs="?", type=Path, help="a checkout of the benchmark")
    parser.add_argument("--worst", type=int, default=0, help="list the N worst dev pages")
    args = parser.parse_args(argv)
    if args.root is None or not (args.root / "ground-truth.json").is_file():
        print(
            "body_benchmark: skipped: give a checkout of scrapinghub/article-extraction-benchmark"
        )
        return 0
    for logger in ("trafilatura", "htmldate", "courlan", "charset_normalizer"):
        logging.getLogger(logger).setLevel(logging.CRITICAL)
    rows = score(args.root)
    print(table(rows))
    if args.worst:
        print()
        print(worst(rows, args.worst))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
