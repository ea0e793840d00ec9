"""What ``feeds discover`` shows of a detection: the chosen list, its selectors and preview,
the runner-up blocks and why they lost, and a ready ``[[source]]`` block."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from feeds.extract.dates import parse_date
from feeds.extract.detect import Detection
from feeds.models import ParsedDate
from feeds.values import toml_value


def clip(text: str, width: int) -> str:
    """Clip to a display width where CJK characters count double, then pad."""
    out, used = "", 0
    for char in text:
        w = 2 if ord(char) > 0x2E80 else 1
        if used + w > width:
            out = out[:-1] + "…" if out else ""
            used = width
            break
        out += char
        used += w
    return out + " " * (width - used)


def discovery_report(
    detection: Detection, url: str, zone: tzinfo, *, render: bool = False
) -> dict[str, Any]:
    """What `feeds discover` shows, as plain data (the --json output); ``render``: the list
    was found in the page rendered by the browser."""
    now = datetime.now(UTC)
    chosen = detection.chosen
    entries = chosen.entries if chosen else ()
    dates = [
        parse_date(entry.date_text, now=now, tz=zone) if entry.date_text else None
        for entry in entries
    ]
    shown_zone = _shown_zone(dates, zone)
    items = [
        {"title": entry.title, "url": entry.url, "date": _shown_date(date, shown_zone)}
        for entry, date in zip(entries, dates, strict=True)
    ]
    selectors = dataclasses.asdict(chosen.selectors) if chosen else None
    if selectors is not None:
        selectors["next"] = detection.next
    return {
        "url": url,
        "next_url": detection.next_url,
        "zone": _zone_name(shown_zone),
        "items": items,
        "selectors": selectors,
        "reasons": list(chosen.reasons) if chosen else [],
        "problem": detection.problem,
        "candidates": [
            {
                "selectors": dataclasses.asdict(c.selectors),
                "count": len(c.entries),
                "score": round(c.score, 3),
                "reasons": list(c.reasons),
                "first": c.entries[0].title if c.entries else None,
            }
            for c in detection.candidates
        ],
        "feeds": list(detection.feeds),
        "config": _source_block(url, selectors, render) if selectors else None,
    }


def _shown_zone(dates: Sequence[ParsedDate | None], zone: tzinfo) -> tzinfo:
    """The page's own zone when its dates all state one offset (``+08:00``), else ``zone``.

    Dates without an offset are read in ``zone`` itself, so any other zone is the page's."""
    stated = {
        d.value.utcoffset()
        for d in dates
        if d is not None and d.has_time and d.value.tzinfo is not zone
    }
    offset = stated.pop() if len(stated) == 1 else None
    return timezone(offset) if offset is not None else zone


def _shown_date(date: ParsedDate | None, zone: tzinfo) -> str | None:
    """ISO 8601 to the second, in the zone shown; a day-only date stays a day."""
    if date is None:
        return None
    if not date.has_time:
        return date.value.date().isoformat()
    return date.value.astimezone(zone).replace(microsecond=0).isoformat()


def _zone_name(zone: tzinfo) -> str:
    if isinstance(zone, ZoneInfo):
        return zone.key
    minutes = int((zone.utcoffset(None) or timedelta(0)).total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _minutes(date: str | None) -> str:
    """A date of the report as the table shows it: '2024-12-13 16:45', or the day alone."""
    if date is None:
        return "-"
    return date if "T" not in date else datetime.fromisoformat(date).strftime("%Y-%m-%d %H:%M")


def _source_block(url: str, selectors: dict[str, str | None], render: bool = False) -> str:
    host = (urlsplit(url).hostname or "site").removeprefix("www.")
    source_id = re.sub(r"[^a-z0-9]+", "-", host.lower()).strip("-")[:40] or "site"
    lines = ["[[source]]", f'id = "{source_id}"', f"url = {toml_value(url)}"]
    lines += ['render = "browser"'] if render else []
    lines += ["  [source.listing]"]
    for name in ("item", "link", "title", "date", "next"):
        if selectors.get(name):
            lines.append(f"  {name} = {toml_value(selectors[name])}")
    return "\n".join(lines) + "\n"


def print_discovery(report: dict[str, Any]) -> None:
    _print_script(report.get("script"))
    for feed in report["feeds"]:
        print(f"the page advertises a feed: {feed} (subscribe to it directly if it is complete)")
    if report["selectors"] is None:
        print(f"no article list found: {report['problem']}")
    else:
        selectors = report["selectors"]
        print(f"article list: {len(report['items'])} items, item = {selectors['item']!r}")
        if report["reasons"]:  # why this block is the list (and beat a close runner-up)
            print(f"  chosen: {'; '.join(report['reasons'])}")
        for name in ("link", "title", "date", "next"):
            print(f"  {name:5} = {selectors[name]!r}")
        print(f"\n{'#':>3}  {'date (' + report['zone'] + ')':<16}  {'title':<40}  link")
        for n, item in enumerate(report["items"][:15], start=1):
            title = clip(item["title"] or "", 40)
            print(f"{n:>3}  {_minutes(item['date']):<16}  {title}  {item['url']}")
        if len(report["items"]) > 15:
            print(f"     … {len(report['items']) - 15} more")
    if report["candidates"]:
        print("\nother candidates (and why they lost):")
        for candidate in report["candidates"]:
            reasons = "; ".join(candidate["reasons"]) or "lower score"
            print(f"  {candidate['count']:4d} × {candidate['selectors']['item']}: {reasons}")
    if report["address"] not in (None, "fetched", "--base-url"):
        print(f"\nread as {report['url']} (the page's {report['address']}; --base-url overrides)")
    if report["address"] is None:
        print(f"\nno [[source]] block: {report['config_problem']}")
    if report["config"]:
        print("\nready to paste into config.toml (without [source.listing], detection runs")
        print("on each poll instead):")
        print(report["config"])


def _print_script(script: dict[str, Any] | None) -> None:
    """What `feeds discover` says of a page its scripts fill in (issue 17)."""
    if not script:
        return
    if script["signs"]:
        print(f"the page looks rendered by script: {'; '.join(script['signs'])}")
    if script["rendered"]:
        print('the article list exists only after rendering: the block sets render = "browser"')
    for api in script["apis"]:
        print(f"the page reads its data from the JSON API {api}: where a feed reader or a")
        print("  script can use that API, it is the cheapest source (one request, no browser)")
    if script["problem"]:
        print(f"it could not be rendered: {script['problem']}")
    print()
