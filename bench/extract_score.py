"""Article extraction scored on the saved corpus, next to trafilatura on the same pages (issue 6).

    .venv/bin/python bench/extract_score.py [--set NAME ...] [--limit N] [--misses]

The corpus is /work/shared/corpus (third-party pages, see its README for sources and licences).
Each page is decoded once with ``decode_html``; that text goes to ours
(``extract_article`` with ``ArticleRules()``: no selectors, only the automatic fallbacks) and to
trafilatura (``extract(output_format="json", with_metadata=True)``, its defaults otherwise).
trafilatura also gets the raw bytes in a second run, so its own charset handling is measured;
per set and field the better of its two runs is reported, with the input that won.

Scores (mean over the pages whose manifest has a truth for the field; '' and 'unknown' are
no truth):

* title: normalised (NFKC, case-folded, punctuation as spaces) equal, or one contains the other
  and the shorter is at least 30% of the longer (so a bare site name does not count);
* date: the same calendar day as the manifest; a truth with an offset is compared in that
  offset; truths without a day ('2018', '1998-3') are skipped. Ours is
  ``article.date or article.metadata_date``;
* author: normalised containment, either way;
* body: zh-articles, character-level F1 (multiset overlap, whitespace ignored) against the
  manifest ``body``; articles, the share of ``with`` snippets found plus ``without`` snippets
  absent (whitespace ignored). readability has no body truth.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import statistics
import sys
import time
import unicodedata
import warnings
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import trafilatura
from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from feeds.config import ArticleRules  # noqa: E402
from feeds.encoding import decode_html  # noqa: E402
from feeds.extract.article import extract_article  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
SETS: tuple[str, ...] = ("zh-articles", "articles", "readability", "dates")
FIELDS: dict[str, tuple[str, ...]] = {
    "zh-articles": ("date", "author", "body"),
    "articles": ("title", "date", "author", "body"),
    "readability": ("title", "date", "author"),
    "dates": ("date",),
}
# Naive dates on the page are read in this zone; only the calendar day is compared.
ZONES: dict[str, tzinfo] = {"zh-articles": ZoneInfo("Asia/Shanghai")}
TRUTH_KEYS = {"author": ("author", "byline"), "date": ("date", "publishedTime")}

warnings.filterwarnings("ignore", category=MarkupResemblesLocatorWarning)


@dataclass
class Extracted:
    """What one extractor found on one page, in comparable form."""

    title: str | None = None
    day: datetime | date | None = None
    author: str | None = None
    text: str = ""
    seconds: float = 0.0
    error: str | None = None


# --- normalising and matching ----------------------------------------------------------------

_NON_WORD = re.compile(r"[\W_]+")
_SPACE = re.compile(r"\s+")
_TRUTH_DATE = re.compile(
    r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?\s*$"
)


def norm(text: str | None) -> str:
    if not text:
        return ""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return _NON_WORD.sub(" ", folded).strip()


def title_match(truth: str, found: str | None) -> bool:
    a, b = norm(truth), norm(found)
    if not a or not b:
        return False
    if a == b:
        return True
    short, long = sorted((a, b), key=len)
    return short in long and len(short) >= 0.3 * len(long)


def author_match(truth: str, found: str | None) -> bool:
    a, b = norm(truth), norm(found)
    return bool(a and b) and (a in b or b in a)


def truth_day(value: str) -> tuple[date, tzinfo | None] | None:
    """The manifest's calendar day (as written) and its offset, if it has one."""
    m = _TRUTH_DATE.match(value)
    if m is None:
        return None
    try:
        day = date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None
    offset = m[7]
    if not offset or not m[4]:
        return day, None
    if offset == "Z":
        return day, UTC
    sign = -1 if offset[0] == "-" else 1
    digits = offset[1:].replace(":", "")
    return day, timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


def date_match(truth: tuple[date, tzinfo | None], found: datetime | date | None) -> bool:
    day, zone = truth
    if found is None:
        return False
    if isinstance(found, datetime):
        if zone is not None and found.tzinfo is not None:
            found = found.astimezone(zone)
        found = found.date()
    return found == day


def _squash(text: str) -> str:
    return _SPACE.sub("", unicodedata.normalize("NFKC", text))


def char_f1(truth: str, found: str) -> float:
    t, f = Counter(_squash(truth)), Counter(_squash(found))
    overlap = sum((t & f).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(f.values()), overlap / sum(t.values())
    return 2 * precision * recall / (precision + recall)


def snippets_score(found: str, with_: Sequence[str], without: Sequence[str]) -> float | None:
    total = len(with_) + len(without)
    if not total:
        return None
    text = _squash(found)
    good = sum(_squash(s) in text for s in with_) + sum(_squash(s) not in text for s in without)
    return good / total


def has_truth(value: Any) -> bool:
    if isinstance(value, list):
        return bool(value)
    return isinstance(value, str) and value.strip().casefold() not in ("", "unknown")


# --- the two extractors ----------------------------------------------------------------------


def run_ours(text: str, url: str, codec: str, zone: tzinfo, now: datetime) -> Extracted:
    start = time.perf_counter()
    try:
        article = extract_article(text, url, ArticleRules(), now=now, tz=zone, encoding=codec)
    except Exception as exc:  # a crash is a result too: count it, keep scoring
        return Extracted(seconds=time.perf_counter() - start, error=repr(exc))
    seconds = time.perf_counter() - start
    parsed = article.date or article.metadata_date
    # A day found without its time is that calendar day, not midnight in the zone it was
    # read in (compared in the truth's offset, midnight UTC falls on the day before in the
    # Americas).
    day = (parsed.value if parsed.has_time else parsed.value.date()) if parsed else None
    body = ""
    if article.content_html:
        body = BeautifulSoup(article.content_html, "lxml").get_text(" ")
    return Extracted(
        title=article.title,
        day=day,
        author=article.author,
        text=body,
        seconds=seconds,
    )


def run_trafilatura(content: str | bytes, url: str) -> Extracted:
    start = time.perf_counter()
    try:
        raw = trafilatura.extract(content, url=url, output_format="json", with_metadata=True)
    except Exception as exc:
        return Extracted(seconds=time.perf_counter() - start, error=repr(exc))
    seconds = time.perf_counter() - start
    data: dict[str, Any] = json.loads(raw) if raw else {}
    day: date | None = None
    if data.get("date"):
        try:
            day = date.fromisoformat(str(data["date"])[:10])
        except ValueError:
            day = None
    return Extracted(
        title=data.get("title") or None,
        day=day,
        author=data.get("author") or None,
        text=data.get("text") or "",
        seconds=seconds,
    )


# --- scoring ---------------------------------------------------------------------------------


def page_scores(name: str, entry: dict[str, Any], found: Extracted) -> dict[str, float]:
    """field -> score in [0, 1] for the fields this page has a truth for."""
    out: dict[str, float] = {}
    for field in FIELDS[name]:
        if field == "title" and has_truth(entry.get("title")):
            out[field] = float(title_match(entry["title"], found.title))
        elif field in ("date", "author"):
            key = next((k for k in TRUTH_KEYS[field] if has_truth(entry.get(k))), None)
            if key is None:
                continue
            if field == "author":
                out[field] = float(author_match(entry[key], found.author))
            elif (day := truth_day(entry[key])) is not None:
                out[field] = float(date_match(day, found.day))
        elif field == "body" and name == "zh-articles" and has_truth(entry.get("body")):
            out[field] = char_f1(entry["body"], found.text)
        elif field == "body" and name == "articles":
            score = snippets_score(found.text, entry.get("with") or [], entry.get("without") or [])
            if score is not None:
                out[field] = score
    return out


def _manifest(name: str) -> list[dict[str, Any]]:
    path = CORPUS / name / "manifest.jsonl"
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def _page_url(name: str, entry: dict[str, Any]) -> str:
    for value in (entry.get("url"), entry.get("key")):
        if isinstance(value, str) and value.startswith(("http://", "https://")):
            return value
    return f"https://corpus.invalid/{name}/{entry['file']}"


def _mean(values: Iterable[float]) -> float:
    items = list(values)
    return sum(items) / len(items) if items else 0.0


def score_set(name: str, limit: int | None = None) -> dict[str, Any]:
    zone = ZONES.get(name, UTC)
    now = datetime.now(UTC)
    entries = _manifest(name)[:limit] if limit else _manifest(name)
    runs = ("ours", "trafilatura_text", "trafilatura_bytes")
    per_run: dict[str, dict[str, list[float]]] = {r: {f: [] for f in FIELDS[name]} for r in runs}
    seconds: dict[str, list[float]] = {r: [] for r in runs}
    errors: dict[str, int] = dict.fromkeys(runs, 0)
    pages: list[dict[str, Any]] = []
    for entry in entries:
        raw = (CORPUS / name / entry["file"]).read_bytes()
        text, codec = decode_html(raw)
        url = _page_url(name, entry)
        found = {
            "ours": run_ours(text, url, codec, zone, now),
            "trafilatura_text": run_trafilatura(text, url),
            "trafilatura_bytes": run_trafilatura(raw, url),
        }
        record: dict[str, Any] = {"file": entry["file"], "codec": codec, "scores": {}}
        for run, result in found.items():
            seconds[run].append(result.seconds)
            errors[run] += result.error is not None
            scores = page_scores(name, entry, result)
            record["scores"][run] = scores
            for field, value in scores.items():
                per_run[run][field].append(value)
        record["found"] = {
            run: {
                "title": r.title,
                "date": r.day.isoformat() if r.day else None,
                "author": r.author,
                "text": r.text[:200],
                "error": r.error,
            }
            for run, r in found.items()
        }
        pages.append(record)
    fields: dict[str, dict[str, Any]] = {}
    for field in FIELDS[name]:
        n = len(per_run["ours"][field])
        if not n:
            continue
        ours = _mean(per_run["ours"][field])
        by_text = _mean(per_run["trafilatura_text"][field])
        by_bytes = _mean(per_run["trafilatura_bytes"][field])
        fields[field] = {
            "ours": ours,
            "trafilatura": max(by_text, by_bytes),
            "trafilatura_input": (
                "same" if by_text == by_bytes else "text" if by_text > by_bytes else "bytes"
            ),
            "trafilatura_text": by_text,
            "trafilatura_bytes": by_bytes,
            "n": n,
        }
    return {
        "pages": len(entries),
        "fields": fields,
        "ms_per_page": {r: 1000 * _mean(seconds[r]) for r in runs},
        "ms_median": {r: 1000 * statistics.median(seconds[r] or [0.0]) for r in runs},
        "errors": errors,
        "records": pages,
    }


def score(sets: Sequence[str] = SETS, limit: int | None = None) -> dict[str, dict[str, Any]]:
    """Score every set in ``sets`` (first ``limit`` pages of each, all if None)."""
    for logger in ("trafilatura", "htmldate", "courlan", "charset_normalizer"):
        logging.getLogger(logger).setLevel(logging.CRITICAL)
    _warm_up(sets)
    return {name: score_set(name, limit) for name in sets}


def _warm_up(sets: Sequence[str]) -> None:
    """One untimed run of each extractor, so first-call imports and caches are not timed."""
    name = sets[0] if sets else SETS[0]
    entry = _manifest(name)[0]
    raw = (CORPUS / name / entry["file"]).read_bytes()
    text, codec = decode_html(raw)
    run_ours(text, _page_url(name, entry), codec, UTC, datetime.now(UTC))
    run_trafilatura(text, _page_url(name, entry))
    run_trafilatura(raw, _page_url(name, entry))


def format_table(name: str, result: dict[str, Any]) -> str:
    ms, med = result["ms_per_page"], result["ms_median"]
    lines = [
        f"## {name}: {result['pages']} pages; ms/page mean (median): ours {ms['ours']:.0f} "
        f"({med['ours']:.0f}), trafilatura {ms['trafilatura_text']:.0f} "
        f"({med['trafilatura_text']:.0f}) on text / {ms['trafilatura_bytes']:.0f} "
        f"({med['trafilatura_bytes']:.0f}) on bytes",
        "",
        "| field  | ours    | trafilatura | n   | trafilatura's better input (text / bytes) |",
        "|--------|---------|-------------|-----|-------------------------------------------|",
    ]
    for field, row in result["fields"].items():
        mark = "*" if row["ours"] < row["trafilatura"] else " "
        inputs = (
            f"{row['trafilatura_input']} "
            f"({row['trafilatura_text']:.3f} / {row['trafilatura_bytes']:.3f})"
        )
        lines.append(
            f"| {field:<6} | {row['ours']:.3f} {mark} | {row['trafilatura']:<11.3f} "
            f"| {row['n']:<3} | {inputs:<41} |"
        )
    if any(result["errors"].values()):
        lines.append(f"errors: {result['errors']}")
    return "\n".join(lines)


def format_misses(name: str, result: dict[str, Any], run: str = "ours") -> str:
    """Pages where ``run`` scores below the better trafilatura run, field by field."""
    lines = [f"### {name}: pages where {run} is behind trafilatura"]
    for record in result["records"]:
        scores = record["scores"]
        for field, value in scores[run].items():
            best = max(scores["trafilatura_text"].get(field, 0), scores["trafilatura_bytes"][field])
            if value < best:
                ours, text = record["found"][run], record["found"]["trafilatura_text"]
                key = "text" if field == "body" else field
                lines.append(
                    f"{record['file']} {field} {value:.2f}<{best:.2f} "
                    f"ours={ours[key]!r:.80} trafilatura={text[key]!r:.80}"
                )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", action="append", choices=SETS, dest="sets")
    parser.add_argument("--limit", type=int, default=None, help="first N pages of each set")
    parser.add_argument("--misses", action="store_true", help="list pages where ours is behind")
    args = parser.parse_args(argv)
    if not CORPUS.is_dir():
        print(f"no corpus at {CORPUS}", file=sys.stderr)
        return 2
    start = time.perf_counter()
    results = score(args.sets or SETS, args.limit)
    for name, result in results.items():
        print(format_table(name, result))
        print()
        if args.misses:
            print(format_misses(name, result))
            print()
    print("* ours is behind trafilatura on this field")
    print(f"total {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
