"""Per-source snapshots as regression tests (issue 18): `feeds check SOURCE --save` keeps the
pages a check fetched and the fields it read from them; `feeds test` reads the same pages
again, offline, with the current config and code, and says field by field what changed.

A snapshot is a folder, ``snapshots/<id>/`` beside the config file:

- ``snapshot.json``: when it was taken, the check's ``--limit``, and each page as fetched:
  the URL asked for, the final URL, status, ``Content-Type``, ``ETag``, ``Last-Modified``,
  the time of the fetch and its file under ``pages/``;
- ``pages/``: the bodies, byte for byte as they came (after the transfer's compression); a
  page that could not be fetched is kept as its error, and fails the same way again;
- ``expected.json``: per listing entry, its key, link, title, date, author, summary, a
  digest of its content (size and hash) and what the check did with it (``status``).

The replay runs the check's own stages (``check.check_source``) over ``ReplayFetcher`` at the
time the snapshot was taken, so relative dates read the same.
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from feeds.check import CheckReport, check_source
from feeds.errors import FeedsError, FetchError, SnapshotError
from feeds.fetch.replay import ReplayFetcher
from feeds.models import Page, Source

log = logging.getLogger("feeds.snapshots")

FIELDS = ("link", "title", "date", "author", "summary", "content", "status")
SHOWN = 70  # characters of a value in a difference


@dataclass(frozen=True)
class Snapshot:
    folder: Path
    saved: datetime
    limit: int
    pages: dict[str, Page | FetchError]  # the URL asked for -> the page, or its error
    expected: list[dict[str, Any]]


@dataclass(frozen=True)
class Outcome:
    """One source's `feeds test`: what its snapshot gives now, and how that differs."""

    source_id: str
    snapshot: Snapshot
    items: list[dict[str, Any]]
    differences: list[tuple[str, str]]  # (entry key, or "" for the whole; what changed)


def root_of(config_path: Path) -> Path:
    """Where the snapshots are: ``snapshots/`` beside the config file."""
    return config_path.parent / "snapshots"


def folder_of(root: Path, source_id: str) -> Path:
    return root / source_id


def records(report: CheckReport) -> list[dict[str, Any]]:
    return [
        {"key": row.key, **{name: getattr(row, name) for name in FIELDS}} for row in report.items
    ]


def save(
    folder: Path,
    report: CheckReport,
    fetched: Sequence[tuple[str, Page | FetchError]],
    *,
    saved: datetime,
    limit: int,
) -> None:
    """Write the snapshot of one check, replacing the one there was."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
    try:
        (work / "pages").mkdir()
        # In the order of their URLs: article pages are fetched a few at a time, and the same
        # check must give the same files.
        ordered = sorted(dict(fetched).items())
        pages = [
            _page_entry(work, number, url, page, saved)
            for number, (url, page) in enumerate(ordered, start=1)
        ]
        meta = {"source": report.source_id, "saved": saved.isoformat(), "limit": limit}
        _write_json(work / "snapshot.json", {**meta, "pages": pages})
        _write_json(work / "expected.json", records(report))
        if folder.exists():
            shutil.rmtree(folder)
        work.rename(folder)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _page_entry(
    work: Path, number: int, url: str, page: Page | FetchError, saved: datetime
) -> dict[str, Any]:
    if isinstance(page, FetchError):
        error = {"message": page.message, "fix": page.fix, "status": page.status}
        return {"url": url, "error": {**error, "url": page.url}}
    name = f"pages/{number:03d}.html"
    (work / name).write_bytes(page.content)
    return {
        "url": url,
        "final_url": page.url,
        "status": page.status,
        "headers": {
            "Content-Type": page.content_type,
            "ETag": page.etag,
            "Last-Modified": page.last_modified,
        },
        "fetched_at": (page.fetched_at or saved).isoformat(),
        "moved_to": page.moved_to,
        "file": name,
    }


def load(folder: Path) -> Snapshot:
    try:
        meta = json.loads((folder / "snapshot.json").read_text("utf-8"))
        expected = json.loads((folder / "expected.json").read_text("utf-8"))
        pages = {entry["url"]: _page_of(folder, entry) for entry in meta["pages"]}
        saved = datetime.fromisoformat(meta["saved"])
        return Snapshot(folder, saved, int(meta["limit"]), pages, expected)
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as e:
        raise SnapshotError(
            f"{folder} cannot be read ({type(e).__name__}: {e})",
            fix=f"take it again with `feeds check {folder.name} --save`",
        ) from e


def _page_of(folder: Path, entry: dict[str, Any]) -> Page | FetchError:
    if "error" in entry:
        error = entry["error"]
        return FetchError(
            error["message"], url=error["url"], fix=error["fix"], status=error["status"]
        )
    headers = entry["headers"]
    return Page(
        url=entry["final_url"],
        text="",
        encoding="",
        status=entry["status"],
        etag=headers.get("ETag"),
        last_modified=headers.get("Last-Modified"),
        fetched_at=datetime.fromisoformat(entry["fetched_at"]),
        content=(folder / entry["file"]).read_bytes(),
        moved_to=entry.get("moved_to"),
        content_type=headers.get("Content-Type"),
    )


def run(source: Source, folder: Path) -> Outcome:
    """The snapshot read again with this source's config: offline, at the time it was taken."""
    snapshot = load(folder)
    fix = (
        "the config reads a page the saved check did not fetch; if that is meant, take a new "
        f"snapshot with `feeds check {source.id} --save`"
    )
    with ReplayFetcher(snapshot.pages, fix=fix) as fetcher:
        try:
            report = check_source(source, fetcher, limit=snapshot.limit, now=snapshot.saved)
        except FeedsError as e:
            return Outcome(source.id, snapshot, [], [("", f"the listing gives nothing now: {e}")])
    items = records(report)
    return Outcome(source.id, snapshot, items, compare(snapshot.expected, items))


def accept(outcome: Outcome) -> None:
    """`feeds test --update`: what the snapshot gives now becomes what it should give."""
    _write_json(outcome.snapshot.folder / "expected.json", outcome.items)


def compare(
    expected: Sequence[dict[str, Any]], got: Sequence[dict[str, Any]]
) -> list[tuple[str, str]]:
    """Field by field, entry by entry (by key): (key, what changed), for people to read."""
    before = {item["key"]: item for item in expected}
    after = {item["key"]: item for item in got}
    found = [
        (key, f"gone (was {_shown(before[key].get('title'))})")
        for key in before
        if key not in after
    ]
    found += [
        (key, f"new: {_shown(after[key].get('title'))}") for key in after if key not in before
    ]
    for key in (key for key in before if key in after):
        for name in FIELDS:
            old, new = before[key].get(name), after[key].get(name)
            if old != new:
                found.append((key, f"{name}: {_shown(old)} -> {_shown(new)}"))
    if not found and list(before) != list(after):
        found.append(("", "the entries come in another order"))
    return found


def problems(root: Path, sources: Iterable[Source]) -> list[str]:
    """For a reload: the sources whose snapshot the new config breaks, each with the first
    difference and what to do. A source without a snapshot has nothing to break."""
    found = []
    for source in sources:
        folder = folder_of(root, source.id)
        if not (folder / "snapshot.json").exists():
            continue
        try:
            outcome = run(source, folder)
        except SnapshotError as e:  # not the config's doing: said, and not held against it
            log.warning("%s", e, extra={"source": source.id})
            continue
        if outcome.differences:
            count = len(outcome.differences)
            key, what = outcome.differences[0]
            found.append(
                f"source {source.id}: the new config breaks its snapshot, {count} difference(s), "
                f"first: {key + ': ' if key else ''}{what} (see them with `feeds test "
                f"{source.id}`; `feeds test {source.id} --update` accepts them)"
            )
    return found


def _shown(value: Any) -> str:
    if value is None:
        return "none"
    text = str(value)
    return repr(text if len(text) <= SHOWN else text[: SHOWN - 1] + "…")


def _write_json(path: Path, value: Any) -> None:
    path.write_text(json.dumps(value, ensure_ascii=False, indent=2) + "\n", "utf-8")
