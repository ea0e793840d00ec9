"""Stage 5 of a poll: the feeds rendered from the store, the truth, and published."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import html
import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from feeds import __version__
from feeds.errors import FeedsError
from feeds.formats import FORMATS, feed_url
from feeds.models import FeedMeta, Notice, Settings, Source, Store, StoredItem
from feeds.output import publish, stamped
from feeds.websub import advertised

log = logging.getLogger("feeds.publish")

# What one feed file may weigh: readers download it whole on every change (and some give up
# on large ones); 50 items of long articles stay far below it.
MAX_FEED_BYTES = 16 * 1024 * 1024


def publish_source(source: Source, settings: Settings, store: Store) -> list[Path]:
    items = store.feed_items(source.id, source.keep)
    notice = store.notice(source.id) if source.on_error == "item" else None
    if notice is not None:
        items = [notice_item(source, settings, notice), *items]
    # The source's creation time, not a status row: rendering must not grow with the
    # history (bench scenario 4b).
    created = store.source_created(source.id) or datetime.now(UTC)
    meta = FeedMeta(
        id=source.id,
        title=source.title,
        home_url=source.urls[0],
        description=f"{source.title}: articles from {source.urls[0]}",
        self_urls={fmt: feed_url(settings.base_url, source.id, fmt) for fmt in FORMATS},
        updated=max((item.updated for item in items), default=created),
        language=source.language,
        generator=f"feeds {__version__}",
        hubs=advertised(settings),
    )
    stamp = render_stamp(meta, items)
    # Nothing changed since the files were written (an idle poll): rendering would give the
    # same bytes, so feedgen is neither loaded nor run (issue 19). A write a crash cut short
    # left no stamp, or the old one, so it is rendered again here (F4).
    if stamped(settings.output_dir, source.id, stamp):
        return []
    return publish(settings.output_dir, source.id, bounded_render(meta, items), stamp)


def render_stamp(meta: FeedMeta, items: Sequence[StoredItem]) -> str:
    """What a feed's bytes are made of: everything ``render`` reads, and the code that
    renders. Deterministic, as the renderer is; a field that does not show only costs a
    render when it changes."""
    digest = hashlib.sha256(_renderer().encode())
    digest.update(repr((MAX_FEED_BYTES, meta, tuple(items))).encode(errors="surrogatepass"))
    return digest.hexdigest()


@functools.cache
def _renderer() -> str:
    """The rendering code as installed (this module, render.py, clean.py, formats.py): an
    upgrade or an edit that changes the bytes voids every stamp, with no version to bump.
    (feedgen's and lxml's own versions are not in it: after upgrading those alone, each feed
    is rewritten at its next change.)"""
    code = hashlib.sha256(__version__.encode())
    for name in ("publish.py", "render.py", "clean.py", "formats.py"):
        with contextlib.suppress(OSError):  # not installed as files: the version must do
            code.update(Path(__file__).with_name(name).read_bytes())
    return code.hexdigest()


def bounded_render(meta: FeedMeta, items: list[StoredItem]) -> dict[str, bytes]:
    """Every format, each at most MAX_FEED_BYTES: when the newest ``keep`` items are more
    than that (items are bounded, but ``keep`` is the user's), the oldest are left out."""
    from feeds.render import render  # feedgen and lxml: only when a feed is rendered

    rendered = render(meta, items)
    while len(items) > 1 and (largest := max(map(len, rendered.values()))) > MAX_FEED_BYTES:
        fits = max(1, min(len(items) - 1, int(len(items) * MAX_FEED_BYTES / largest * 0.9)))
        log.warning(
            "feed %s: %d items make %d bytes; the newest %d are published",
            meta.id,
            len(items),
            largest,
            fits,
        )
        items = items[:fits]
        rendered = render(meta, items)
    return rendered


def repair_feeds(source: Source, settings: Settings, store: Store) -> list[Path]:
    """While the site is down the feeds still follow the store: a crash between a commit and
    the feed write (F4) is repaired without waiting for the site, and a status item
    (``on_error = "item"``) shows. Unchanged bytes are not rewritten; a source with nothing
    stored yet gets no (empty) feed. The files written."""
    with contextlib.suppress(FeedsError):  # the failure recorded is the one to show
        if store.has_items(source.id):
            return publish_source(source, settings, store)
    return []


def notice_item(source: Source, settings: Settings, notice: Notice) -> StoredItem:
    """The one item that says a source is failing or degraded, since when and why: its id
    is the source's own and never changes, so readers update it in place."""
    since = notice.since.astimezone(source.zone).isoformat(" ", "minutes")
    home = source.urls[0]
    what = "cannot be read" if notice.state == "failing" else "is read around a problem"
    content = (
        f"<p>{html.escape(home)} {what} since {since}: the feed keeps its items and this "
        "item goes away when the source recovers.</p>"
        f"<p>{html.escape(notice.reason)}</p>"
        f'<p>Status page: <a href="{html.escape(settings.base_url)}">'
        f"{html.escape(settings.base_url)}</a></p>"
    )
    key = f"urn:feeds:{source.id}:status"
    return StoredItem(
        source_id=source.id,
        key=key,
        id=key,
        url=settings.base_url,
        title=f"{source.title}: {notice.state} since {since}",
        author=None,
        summary=notice.reason,
        content_html=content,
        published=notice.since.astimezone(source.zone),
        updated=notice.changed.astimezone(source.zone),
        first_seen=notice.since,
        date_precision="time",
    )
