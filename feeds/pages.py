"""The HTML the server shows people: the index page and a feed opened in a browser.

Every value is escaped unless it is already ``_Html`` (titles, summaries and errors come from
remote sites), only http(s) addresses become links, and the pages load nothing but the
server's own style sheet, under a sandboxed CSP (``server.PAGE_CSP``). The templates live in
``feeds/templates/``.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from importlib import resources
from typing import Any
from urllib.parse import quote, urlsplit

from feeds.formats import FORMATS, REGISTRY
from feeds.status import InstanceView, RefusedConfig, SourceView, shows_poller

STATE_WORDS = {
    "ok": "ok",
    "degraded": "degraded",
    "failing": "failing",
    "pending": "waiting for its first poll",
}


def _template(name: str) -> str:
    return (resources.files("feeds") / "templates" / name).read_text(encoding="utf-8")


PAGE_CSS = _template("style.css")
INDEX_TEMPLATE = _template("index.html")  # {…} are filled by _html, which escapes
FEED_TEMPLATE = _template("feed.html")


# --- HTML helpers ---------------------------------------------------------------------------


class _Html(str):
    """Text that is already HTML: ``_html`` inserts it as it is."""


def _html(template: str, **values: object) -> _Html:
    """``template`` with its ``{name}`` fields filled, every value escaped unless ``_Html``.

    Escaping by default means a forgotten call shows markup as text instead of running it.
    """
    escaped = {
        name: value if isinstance(value, _Html) else html.escape(str(value))
        for name, value in values.items()
    }
    return _Html(template.format(**escaped))


def _join(parts: Iterable[_Html]) -> _Html:
    return _Html("".join(parts))


NOTHING = _Html("")


def _web_url(url: str) -> str | None:
    # Only http(s) addresses become links: a javascript: URL would run in our page.
    return url if urlsplit(url).scheme in ("http", "https") else None


def _feed_href(view: SourceView, fmt: str) -> str:
    # Relative, so the page works behind a reverse proxy that adds a path prefix.
    return f"feeds/{quote(view.id)}.{fmt}"


# --- times ----------------------------------------------------------------------------------


def _aware(value: datetime) -> datetime:
    # The store and the scheduler hand out aware datetimes; a naive one can only be UTC.
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def rfc3339(value: datetime) -> str:
    return _aware(value).isoformat(timespec="seconds")


def _span(seconds: float) -> str:
    minutes = int(seconds // 60)
    if minutes < 60:
        return f"{max(minutes, 1)} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes} min" if minutes and hours < 6 else f"{hours} h"
    return f"{hours // 24} days"


def since_words(when: datetime, now: datetime) -> str:
    """``when`` (in the past) in words: "just now", "12 min ago", "3 days ago"."""
    seconds = (now - _aware(when)).total_seconds()
    return "just now" if seconds < 60 else f"{_span(seconds)} ago"


def until_words(when: datetime, now: datetime) -> str:
    """``when`` (in the future) in words: "in 12 min"; "due now" once it has passed."""
    seconds = (_aware(when) - now).total_seconds()
    if seconds <= 0:
        return "due now"
    return "in under a minute" if seconds < 60 else f"in {_span(seconds)}"


def _time(when: datetime | None, words: str) -> _Html:
    if when is None:
        return _html("{words}", words=words)
    absolute = _aware(when).astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return _html(
        '<time datetime="{iso}" title="{absolute}">{words}</time>',
        iso=rfc3339(when),
        absolute=absolute,
        words=words,
    )


# --- the index page -------------------------------------------------------------------------


def _alternates(view: SourceView) -> _Html:
    return _join(
        _html(
            '<link rel="alternate" type="{type}" title="{title}" href="{href}">\n',
            type=REGISTRY[fmt].media_type,
            title=f"{view.title} ({REGISTRY[fmt].label})",
            href=_feed_href(view, fmt),
        )
        for fmt in FORMATS
    )


def _state(view: SourceView) -> _Html:
    words = STATE_WORDS.get(view.state, view.state)
    if view.state == "failing":
        plural = "s" if view.consecutive_failures != 1 else ""
        words += f" ({view.consecutive_failures} failed poll{plural} in a row)"
    return _html('<span class="{cls}">{words}</span>', cls=view.state, words=words)


def _card(view: SourceView, now: datetime, poller: bool) -> _Html:
    links = _join(
        _html(
            '<a href="{href}" type="{type}">{label}</a>',
            href=_feed_href(view, fmt),
            type=REGISTRY[fmt].media_type,
            label=REGISTRY[fmt].label,
        )
        for fmt in FORMATS
    )
    home = _web_url(view.home_url)
    site = _html('<a href="{h}">{h}</a>', h=home) if home else _html("{u}", u=view.home_url)
    last = since_words(view.last_success, now) if view.last_success else "never"
    nxt = until_words(view.next_poll, now) if view.next_poll else "not scheduled"
    error = (
        _html('<p class="error">Last error: {e}</p>', e=view.last_error)
        if view.last_error
        else NOTHING
    )
    if view.degraded:
        error = _html('<p class="error">Needs attention: {d}</p>{e}', d=view.degraded, e=error)
    polled_by = (
        _html("<dt>Polled by</dt><dd>{by}</dd>\n", by=view.polled_by or "no poll yet")
        if poller
        else NOTHING
    )
    return _html(
        '<article class="feed" id="feed-{id}">\n<h2>{title}</h2>\n'
        '<p class="subscribe">{links}</p>\n<dl>\n'
        "<dt>Website</dt><dd>{site}</dd>\n<dt>State</dt><dd>{state}</dd>\n"
        "<dt>Last success</dt><dd>{last}</dd>\n<dt>Next poll</dt><dd>{next}</dd>\n"
        "<dt>Items</dt><dd>{items} published</dd>\n{polled_by}</dl>\n{error}</article>\n",
        id=view.id,
        title=view.title,
        links=links,
        site=site,
        state=_state(view),
        last=_time(view.last_success, last),
        next=_time(view.next_poll, nxt),
        items=view.items_published,
        polled_by=polled_by,
        error=error,
    )


def _refused(refused: RefusedConfig | None, now: datetime) -> _Html:
    """The notice that the config file on disk is not the one running, and why."""
    if refused is None:
        return NOTHING
    problems = _join(_html("<li>{p}</li>\n", p=problem) for problem in refused.problems)
    return _html(
        '<section class="refused" id="config-refused">\n'
        "<h2>The changed config file was refused</h2>\n"
        "<p>The service still runs the config it had before. The file has been refused "
        "since {since}, for:</p>\n<ul>\n{problems}</ul>\n"
        "<p>Fix the file and save it (or send SIGHUP): it is read again then. "
        "<code>feeds config</code> shows the same problems.</p>\n</section>\n",
        since=_time(refused.since, since_words(refused.since, now)),
        problems=problems,
    )


def _heartbeat(instance: InstanceView) -> _Html:
    # Seconds matter here: an instance is given up after a few heartbeat periods.
    words = f"{instance.age:.0f} s ago" if instance.age < 120 else f"{_span(instance.age)} ago"
    return _time(instance.heartbeat, words)


def _instances(instances: list[InstanceView]) -> _Html:
    """The `feeds run` instances sharing the database (issue 16); nothing for one process."""
    if not instances:
        return NOTHING
    rows = _join(
        _html(
            "<tr><td>{name}{this}</td><td>{beat}</td><td>{polls}</td><td{cls}>{config}</td></tr>\n",
            name=i.name,
            this=" (this one)" if i.this else "",
            beat=_heartbeat(i),
            polls=i.polls,
            cls=NOTHING if i.same_config else _Html(' class="failing"'),
            config="same as this one's" if i.same_config else "differs",
        )
        for i in instances
    )
    differ = sum(not i.same_config for i in instances)
    warning = (
        _html(
            '<p class="error">{n} instance(s) read a different config file: each polls '
            "the sources of its own file. Give them all the same file.</p>\n",
            n=differ,
        )
        if differ
        else NOTHING
    )
    return _html(
        '<section class="instances" id="instances">\n<h2>Instances</h2>\n'
        "<p>{count} <code>feeds run</code> instance(s) share the database.</p>\n{warning}"
        "<table>\n<thead><tr><th>Instance</th><th>Last heartbeat</th><th>Polls</th>"
        "<th>Config file</th></tr></thead>\n<tbody>\n{rows}</tbody>\n</table>\n</section>\n",
        count=len(instances),
        warning=warning,
        rows=rows,
    )


def index_page(
    views: list[SourceView],
    now: datetime,
    refused: RefusedConfig | None,
    instances: list[InstanceView] | None = None,
) -> str:
    count = len(views)
    poller = shows_poller(views, instances or [])
    return _html(
        INDEX_TEMPLATE,
        alternates=_join(_alternates(v) for v in views),
        summary=f"{count} feed{'s' if count != 1 else ''}.",
        refused=_refused(refused, now),
        instances=_instances(instances or []),
        cards=_join(_card(v, now, poller) for v in views)
        or _Html("<p>No sources are configured.</p>\n"),
    )


# --- a feed in a browser --------------------------------------------------------------------


def _text(value: Any) -> str:
    # The JSON Feed file is ours, but a field of the wrong type must not break the page.
    return value if isinstance(value, str) else ""


def _shown_date(iso: str) -> _Html:
    """``2024-12-06T09:30:00+08:00`` as "2024-12-06 09:30": the source's own clock."""
    try:
        when = datetime.fromisoformat(iso)
    except ValueError:
        return NOTHING
    return _html(
        '<br><time datetime="{iso}">{shown}</time>',
        iso=iso,
        shown=when.strftime("%Y-%m-%d %H:%M"),
    )


def _item(item: Mapping[str, Any]) -> _Html:
    url = _web_url(_text(item.get("url")))
    title = _text(item.get("title")) or url or "(untitled)"
    heading = _html('<a href="{u}">{t}</a>', u=url, t=title) if url else _html("{t}", t=title)
    authors = item.get("authors")
    names = [_text(a.get("name")) for a in authors if isinstance(a, dict)] if authors else []
    byline = _html(" · {n}", n=", ".join(n for n in names if n)) if any(names) else NOTHING
    summary = _text(item.get("summary"))
    return _html(
        "<li>{heading}{date}{byline}{summary}</li>\n",
        heading=heading,
        date=_shown_date(_text(item.get("date_published"))),
        byline=byline,
        summary=_html("<p>{s}</p>", s=summary) if summary else NOTHING,
    )


def feed_page(source_id: str, fmt: str, feed: Mapping[str, Any], address: str) -> str:
    """The page a browser gets for ``/feeds/<source_id>.<fmt>``, from the feed's JSON Feed
    document: its items, and how to subscribe (``address``, the feed's public URL)."""
    title = _text(feed.get("title")) or source_id
    items = [i for i in feed.get("items") or () if isinstance(i, dict)]
    listed = (
        _html('<ol class="items">\n{li}</ol>\n', li=_join(_item(i) for i in items))
        if items
        else _Html("<p>No items yet.</p>\n")
    )
    name = quote(source_id)
    formats = _join(
        _html(
            '<a href="{href}" type="{type}">{label}</a>',
            href=f"{name}.{other}",
            type=REGISTRY[other].media_type,
            label=REGISTRY[other].label,
        )
        for other in FORMATS
    )
    home = _web_url(_text(feed.get("home_page_url")))
    description = _text(feed.get("description"))
    language = _text(feed.get("language"))
    return _html(
        FEED_TEMPLATE,
        lang=_html(' lang="{l}"', l=language) if language else NOTHING,
        title=title,
        alternates=_join(
            _html(
                '<link rel="alternate" type="{type}" title="{title}" href="{href}">\n',
                type=REGISTRY[other].media_type,
                title=f"{title} ({REGISTRY[other].label})",
                href=f"{name}.{other}",
            )
            for other in FORMATS
        ),
        description=_html("<p>{d}</p>\n", d=description) if description else NOTHING,
        address=address,
        formats=formats,
        website=_html('<a href="{h}">Website</a> · ', h=home) if home else NOTHING,
        items=listed,
    )
