"""Listing detection and article extraction scored on tests/corpus, site by site (issue 15).

    .venv/bin/python bench/corpus_score.py [--set NAME ...] [--misses] [--no-trafilatura]

Sets: ``listings`` and ``articles`` of tests/corpus (this repository), and, when /work/shared
is present, ``shared-listings`` (/work/shared/corpus/listings, gold = expected item count only)
plus the article sets that ``bench/extract_score.py`` reads. Without /work/shared those are
skipped with a message.

Listings: ``detect_listing(text, url)``; the chosen list's entry URLs are compared with the gold
``links`` (URLs without fragment). F1 per page; "none found" is F1 0 and counts as not answered;
precision is also averaged over the pages where detection answered. shared-listings only
knows how many items the list has: there the score is min(n, gold) / max(n, gold).

Articles: ``extract_score.run_ours`` / ``run_trafilatura`` and ``extract_score.page_scores``
(the same rules as bench/extract_score.py: title, date, author, body by ``with``/``without``
snippets). Chinese pages read naive dates in Asia/Shanghai, the others in UTC.

The headline is leave-one-site-out: for every site, ``tune`` sees the pages of all the other
sites and returns parameters; the left-out site is scored with those parameters; the figure
is the mean over sites. Today nothing is tuned (``tune`` returns no parameters), so the
leave-one-site-out figure equals the per-site mean, but a tuning step plugged in here can
never be scored on pages it was tuned on.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import logging
import re
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
for path in (ROOT, ROOT / "bench"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

import extract_score  # noqa: E402

from feeds.encoding import decode_html  # noqa: E402
from feeds.extract.detect import detect_listing  # noqa: E402

CORPUS = ROOT / "tests" / "corpus"
SHARED = ROOT.parent / "shared" / "corpus"
OWN_SETS = ("listings", "articles")
# "clean": 1 where the title, author and text we found hold no mojibake (issue 15: 0 on
# Chinese pages), whatever the gold.
ARTICLE_FIELDS = ("title", "date", "author", "body", "clean")
SHANGHAI = ZoneInfo("Asia/Shanghai")
# Text decoded with the wrong codec:
# - U+FFFD, bytes no codec could read (GBK read as UTF-8);
# - UTF-8 read as Latin-1 or cp1252: a lead byte and two continuation bytes as letters and
#   symbols ('ä¸\xad' for '中', 'â€™' for '’'); not a no-break space, which real text holds
#   after an accented letter ('pomocí\xa0– jak');
# - UTF-8 read as GBK: '锟斤拷' (U+FFFD's bytes) and the rare characters that UTF-8 punctuation
#   becomes ('鈥' of '“', '銆' of '。', '锛' of '，');
# - GBK read as Latin-1: a run of Latin-1 letters in a Chinese text ('ÄãºÃ' for '你好').
_CONTINUATION = (
    "\u0080-\u009f\u00a1-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014"
    "\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122"
)
_MOJIBAKE = re.compile(
    rf"\ufffd|[\u00e0-\u00ef][{_CONTINUATION}]{{2}}|(?:[\u00c2-\u00df][{_CONTINUATION}]){{2}}"
    r"|锟斤拷|[鈥銆锛]"
)
_LATIN1_RUN = re.compile(r"[\u00a1-\u00fe]{4,}")


def mojibake(text: str, *, chinese: bool, raw: bytes = b"") -> bool:
    """Whether ``text`` shows a wrong decoding (see ``_MOJIBAKE``). A U+FFFD that the page's
    own bytes hold (a fixture saved after a wrong decoding) is the page's, not ours."""
    if "\ufffd" in text and "\ufffd".encode() in raw:
        text = text.replace("\ufffd", "")
    return bool(_MOJIBAKE.search(text) or (chinese and _LATIN1_RUN.search(text)))


Params = Mapping[str, Any]


@dataclass
class Page:
    """One corpus page: where it is, what is known about it, its bytes."""

    set: str
    file: str
    site: str
    lang: str
    kind: str
    url: str
    gold: dict[str, Any]
    raw: bytes = field(repr=False, default=b"")


@dataclass
class Scored:
    """What one extractor scored on one page: field -> score, plus what it found."""

    page: Page
    run: str
    scores: dict[str, float]
    found: dict[str, Any]
    answered: bool = True


# --- loading -------------------------------------------------------------------------------


def _read(path: Path) -> bytes:
    raw = path.read_bytes()
    return gzip.decompress(raw) if path.suffix == ".gz" else raw


def load_own(name: str, root: Path = CORPUS) -> list[Page]:
    """Pages of tests/corpus/<name> (listings or articles)."""
    folder = root / name
    pages = []
    for line in (folder / "manifest.jsonl").read_text("utf-8").splitlines():
        if not line.strip():
            continue
        entry = json.loads(line)
        pages.append(
            Page(
                set=name,
                file=entry["file"],
                site=entry["site"],
                lang=entry["lang"],
                kind=entry["kind"],
                url=entry["url"],
                gold=entry,
                raw=_read(folder / entry["file"]),
            )
        )
    return pages


def load_shared(name: str, root: Path = SHARED) -> list[Page]:
    """Pages of /work/shared/corpus/<name>; the site is the page URL's registrable domain."""
    folder = root / name
    pages = []
    for line in (folder / "manifest.jsonl").read_text("utf-8").splitlines():
        if not line.strip():
            continue
        entry = json.loads(line)
        url = _shared_url(name, entry)
        lang = "zh" if name == "zh-articles" else str(entry.get("lang") or "")
        pages.append(
            Page(
                set=f"shared-{name}",
                file=entry["file"],
                site=site_of(url) if url.startswith("http") else f"{name}/{entry['file']}",
                lang="zh" if lang.startswith("zh") else lang or "?",
                kind="listing" if name == "listings" else "article",
                url=url,
                gold=entry,
                raw=(folder / entry["file"]).read_bytes(),
            )
        )
    return pages


def _shared_url(name: str, entry: Mapping[str, Any]) -> str:
    for key in ("url", "base_url", "key"):
        value = entry.get(key)
        if isinstance(value, str) and value.startswith(("http://", "https://")):
            return value
    return f"https://corpus.invalid/{name}/{entry['file']}"


def site_of(url: str) -> str:
    from publicsuffixlist import PublicSuffixList  # the same list guard.py reads

    host = (urldefrag(url).url.split("//", 1)[-1].split("/", 1)[0]).split(":")[0].lower()
    return str(_psl(PublicSuffixList).privatesuffix(host) or host)


_PSL: list[Any] = []


def _psl(factory: Callable[[], Any]) -> Any:
    if not _PSL:
        _PSL.append(factory())
    return _PSL[0]


# --- listings ------------------------------------------------------------------------------


def _clean(url: str) -> str:
    return urldefrag(url).url


def listing_found(page: Page) -> tuple[list[str], str | None]:
    """The chosen list's entry URLs (page order) and the problem when nothing was chosen."""
    text, _ = decode_html(page.raw)
    try:
        detection = detect_listing(text, page.url)
    except Exception as exc:  # a crash is a result too: count it, keep scoring
        return [], f"crash: {exc!r}"
    if detection.chosen is None:
        return [], detection.problem or "none found"
    return [_clean(e.url) for e in detection.chosen.entries], None


def listing_scores(page: Page, found: Sequence[str]) -> dict[str, float]:
    """f1 and precision of ``found`` against the gold links (or the gold item count)."""
    if "links" in page.gold:
        gold = {_clean(u) for u in page.gold["links"]}
        hits = len(gold & set(found))
        precision = hits / len(set(found)) if found else 0.0
        recall = hits / len(gold) if gold else 0.0
        f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
        return {"f1": f1, "precision": precision, "recall": recall}
    expected = int(page.gold.get("expected_items") or 0)
    n = len(set(found))
    ratio = min(n, expected) / max(n, expected) if n and expected else 0.0
    return {"f1": ratio, "precision": ratio, "recall": ratio}


def score_listing(page: Page, params: Params) -> Scored:
    del params  # nothing is tuned yet
    start = time.perf_counter()
    found, problem = listing_found(page)
    ms = (time.perf_counter() - start) * 1000
    scores = listing_scores(page, found)
    return Scored(
        page, "ours", scores, {"n": len(found), "problem": problem, "ms": ms}, bool(found)
    )


# --- articles ------------------------------------------------------------------------------


def _zone(page: Page) -> tzinfo:
    return SHANGHAI if page.lang.startswith("zh") else UTC


def _article_set(page: Page) -> str:
    """The extract_score set whose scoring rules this page's truth follows."""
    if page.set.startswith("shared-"):
        return page.set.removeprefix("shared-")
    return "articles"


def score_article(page: Page, params: Params, now: datetime, runs: Sequence[str]) -> list[Scored]:
    """Ours and, if asked, trafilatura on one article page, scored by extract_score's rules."""
    del params  # nothing is tuned yet
    text, codec = decode_html(page.raw)
    name = _article_set(page)
    out = []
    for run in runs:
        if run == "ours":
            found = extract_score.run_ours(text, page.url, codec, _zone(page), now)
        else:  # trafilatura on the decoded text, as extract_score does first
            found = extract_score.run_trafilatura(text, page.url)
        scores = extract_score.page_scores(name, page.gold, found)
        shown = " ".join(v for v in (found.title, found.author, found.text) if v)
        chinese = page.lang.startswith("zh")
        scores["clean"] = float(not mojibake(shown, chinese=chinese, raw=page.raw))
        out.append(Scored(page, run, scores, _found_summary(found)))
    return out


def _found_summary(found: extract_score.Extracted) -> dict[str, Any]:
    return {
        "title": found.title,
        "date": found.day.isoformat() if found.day else None,
        "author": found.author,
        "text": found.text[:120],
        "error": found.error,
    }


# --- tuning and leave-one-site-out ---------------------------------------------------------


def tune(train_pages: Sequence[Page]) -> Params:
    """Parameters learned from ``train_pages``. Nothing is tuned yet: no parameters.

    A later tuning step goes here; ``leave_one_site_out`` never shows it the site it scores.
    """
    del train_pages
    return {}


def leave_one_site_out(
    pages: Sequence[Page], score: Callable[[Page, Params], list[Scored]]
) -> list[Scored]:
    """Score every page with parameters tuned on the pages of all other sites."""
    by_site: dict[str, list[Page]] = defaultdict(list)
    for page in pages:
        by_site[page.site].append(page)
    results: list[Scored] = []
    for site, held_out in sorted(by_site.items()):
        params = tune([p for p in pages if p.site != site])
        for page in held_out:
            results.extend(score(page, params))
    return results


# --- aggregating ---------------------------------------------------------------------------


def mean(values: Iterable[float]) -> float | None:
    items = list(values)
    return sum(items) / len(items) if items else None


def site_mean(results: Sequence[Scored], field_: str) -> float | None:
    """Mean over sites of each site's mean: every site weighs the same."""
    by_site: dict[str, list[float]] = defaultdict(list)
    for r in results:
        if field_ in r.scores:
            by_site[r.page.site].append(r.scores[field_])
    return mean(sum(v) / len(v) for v in by_site.values())


def page_mean(results: Sequence[Scored], field_: str) -> float | None:
    return mean(r.scores[field_] for r in results if field_ in r.scores)


def count(results: Sequence[Scored], field_: str) -> int:
    return sum(field_ in r.scores for r in results)


def _fmt(value: float | None) -> str:
    return "  —  " if value is None else f"{value:.3f}"


def half(site: str) -> str:
    """ "dev" or "held-out", by a fixed hash of the site name (issue 15): rules are tuned by
    looking at dev sites only; held-out sites are scored, never studied, and are the headline."""
    return "held-out" if hashlib.sha256(site.encode()).digest()[0] % 2 else "dev"


def groups(results: Sequence[Scored]) -> dict[str, list[Scored]]:
    """all, dev / held-out, zh / other, and one group per kind (also per half)."""
    out: dict[str, list[Scored]] = {"all": list(results)}
    for name in ("held-out", "dev"):
        out[name] = [r for r in results if half(r.page.site) == name]
    out["zh"] = [r for r in results if r.page.lang.startswith("zh")]
    out["other"] = [r for r in results if not r.page.lang.startswith("zh")]
    for r in results:
        out.setdefault(f"kind={r.page.kind}", []).append(r)
    for r in sorted(results, key=lambda r: half(r.page.site), reverse=True):
        out.setdefault(f"{half(r.page.site)} kind={r.page.kind}", []).append(r)
        out.setdefault(
            f"{half(r.page.site)} lang={'zh' if r.page.lang.startswith('zh') else 'other'}", []
        ).append(r)
    return {k: v for k, v in out.items() if v}


def listing_table(name: str, results: Sequence[Scored]) -> str:
    lines = [
        f"## {name}: listing detection ({len(results)} pages, "
        f"{len({r.page.site for r in results})} sites)",
        "",
        "| group | pages | sites | LOSO F1 (per-site mean) | F1 (per-page mean) "
        "| answered | precision where answered |",
        "|---|---|---|---|---|---|---|",
    ]
    for label, rs in groups(results).items():
        answered = [r for r in rs if r.answered]
        lines.append(
            f"| {label} | {len(rs)} | {len({r.page.site for r in rs})} "
            f"| **{_fmt(site_mean(rs, 'f1'))}** | {_fmt(page_mean(rs, 'f1'))} "
            f"| {len(answered)}/{len(rs)} | {_fmt(page_mean(answered, 'precision'))} |"
        )
    ms = mean(r.found["ms"] for r in results if "ms" in r.found)
    if ms is not None:
        lines.append(f"\ndetection time: {ms:.0f} ms/page (mean, decoding included)")
    return "\n".join(lines)


def article_table(name: str, results: Sequence[Scored]) -> str:
    ours = [r for r in results if r.run == "ours"]
    theirs = [r for r in results if r.run != "ours"]
    lines = [
        f"## {name}: article extraction ({len(ours)} pages, "
        f"{len({r.page.site for r in ours})} sites); LOSO = per-site mean, ours / trafilatura",
        "",
        "| group | field | n | sites | LOSO ours | LOSO trafilatura | per-page ours "
        "| per-page trafilatura |",
        "|---|---|---|---|---|---|---|---|",
    ]
    grouped_theirs = groups(theirs)
    for label, rs in groups(ours).items():
        other = grouped_theirs.get(label, [])
        for field_ in ARTICLE_FIELDS:
            n = count(rs, field_)
            if not n:
                continue
            sites = len({r.page.site for r in rs if field_ in r.scores})
            lines.append(
                f"| {label} | {field_} | {n} | {sites} | **{_fmt(site_mean(rs, field_))}** "
                f"| {_fmt(site_mean(other, field_))} | {_fmt(page_mean(rs, field_))} "
                f"| {_fmt(page_mean(other, field_))} |"
            )
    return "\n".join(lines)


def misses(results: Sequence[Scored], limit: int, held_out: bool = False) -> str:
    """The worst pages of ours: lowest mean score first, with what was found; pages of
    held-out sites only when asked (they are scored, not studied: see ``half``)."""
    ours = [r for r in results if r.run == "ours" and r.scores]
    if not held_out:
        ours = [r for r in ours if half(r.page.site) == "dev"]
    worst = sorted(ours, key=lambda r: sum(r.scores.values()) / len(r.scores))[:limit]
    lines = ["### worst pages (ours)"]
    for r in worst:
        shown = {k: round(v, 2) for k, v in r.scores.items()}
        lines.append(f"- {r.page.set}/{r.page.file} {r.page.site} [{r.page.kind}] {shown}")
        if "links" in r.page.gold or "expected_items" in r.page.gold:
            lines.append(f"    found {r.found['n']} entries; {r.found['problem'] or ''}".rstrip())
        else:
            truth = {k: r.page.gold.get(k) for k in ("title", "date", "author")}
            got = {k: r.found.get(k) for k in ("title", "date", "author", "error")}
            lines.append(f"    truth {truth}\n    found {got}")
    return "\n".join(lines)


# --- running -------------------------------------------------------------------------------


def available_sets() -> dict[str, Callable[[], list[Page]]]:
    """Set name -> loader; the shared sets only when /work/shared is there."""
    sets: dict[str, Callable[[], list[Page]]] = {
        name: (lambda n=name: load_own(n)) for name in OWN_SETS
    }
    if SHARED.is_dir():
        for name in ("listings", *extract_score.SETS):
            if (SHARED / name / "manifest.jsonl").is_file():
                sets[f"shared-{name}"] = lambda n=name: load_shared(n)
    return sets


def run_set(name: str, pages: Sequence[Page], trafilatura: bool) -> list[Scored]:
    if name.endswith("listings"):
        return leave_one_site_out(pages, lambda p, params: [score_listing(p, params)])
    now = datetime.now(UTC)
    runs = ("ours", "trafilatura") if trafilatura else ("ours",)
    return leave_one_site_out(pages, lambda p, params: score_article(p, params, now, runs))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--set", action="append", dest="sets", help="a set name (repeatable)")
    parser.add_argument("--misses", action="store_true", help="list the worst pages")
    parser.add_argument("--limit", type=int, default=15, help="how many worst pages")
    parser.add_argument("--held-out-misses", action="store_true", help="list held-out pages too")
    parser.add_argument("--no-trafilatura", action="store_true", help="ours only (faster)")
    parser.add_argument(
        "--from-file", default="", help="only pages from this file name on (e.g. 0129.html.gz)"
    )
    args = parser.parse_args(argv)
    for logger in ("trafilatura", "htmldate", "courlan", "charset_normalizer"):
        logging.getLogger(logger).setLevel(logging.CRITICAL)
    sets = available_sets()
    if not SHARED.is_dir():
        print(f"(no {SHARED}: scoring tests/corpus only)\n")
    chosen = args.sets or list(sets)
    unknown = [s for s in chosen if s not in sets]
    if unknown:
        print(f"corpus_score: unknown set(s) {unknown} (choose from {sorted(sets)})")
        return 2
    start = time.perf_counter()
    for name in chosen:
        pages = [p for p in sets[name]() if p.file >= args.from_file]
        results = run_set(name, pages, not args.no_trafilatura)
        table = listing_table if name.endswith("listings") else article_table
        print(table(name, results))
        if args.misses:
            print()
            print(misses(results, args.limit, args.held_out_misses))
        print()
    print(f"total {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
