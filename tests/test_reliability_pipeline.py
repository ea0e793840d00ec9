"""RELIABILITY.md cases of whole polls: edits (B14), redesigns (F11), and health instead of
silence when selectors stop finding titles or dates; through the real command line against
the sample portal.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

import httpx
from helpers import destoon_source, feeds, read_feeds, write_config

from feeds.articles import content_digest


def feed_entries(tmp_path):
    return read_feeds(tmp_path / "public", "sample")


def feed_ids(tmp_path) -> list[str]:
    return [e.id for e in feed_entries(tmp_path)["atom"].entries]


class Polled(NamedTuple):
    config: Path
    page: str  # the listing page as the first poll read it
    ids: list[str]  # the feed's ids after it


def first_poll(portal, tmp_path) -> Polled:
    """The sample source polled once, with what a later change of the listing starts from."""
    listing = portal.url("news/")
    config = write_config(tmp_path, destoon_source(listing))
    assert feeds("update", config=config).code == 0
    page = httpx.get(listing).content.decode("utf-8", "replace")
    return Polled(config, page, feed_ids(tmp_path))


def article_id(link: str) -> int:
    match = re.search(r"/news/(\d+)\.html", link)
    assert match, link
    return int(match.group(1))


def test_B14_a_repeat_poll_adds_nothing_and_an_edit_keeps_the_id(portal, tmp_path):
    config = write_config(tmp_path, destoon_source(portal.url("news/")))
    assert feeds("update", config=config).code == 0
    again = feeds("update", config=config)
    assert "0 new" in again.out and "0 article pages" in again.out
    before = feed_entries(tmp_path)
    entry = before["atom"].entries[0]
    edited_title = entry.title + "（更正）"
    portal.edit_article(article_id(entry.link), title=edited_title)

    run = feeds("update", config=config)
    assert run.code == 0 and "0 new" in run.out and "1 edited" in run.out, run.out
    after = feed_entries(tmp_path)
    assert [e.id for e in after["atom"].entries] == [e.id for e in before["atom"].entries]
    changed = next(e for e in after["atom"].entries if e.id == entry.id)
    assert changed.title == edited_title
    assert changed.updated_parsed > changed.published_parsed  # Atom updated bumped
    item = next(i for i in after["json"]["items"] if i["id"] == entry.id)
    assert item["title"] == edited_title and item["date_modified"] > item["date_published"]
    untouched = [e for e in after["atom"].entries if e.id != entry.id]
    assert all(e.updated == e.published for e in untouched)

    quiet = feeds("update", config=config)
    assert "0 new" in quiet.out and "edited" not in quiet.out and "0 article pages" in quiet.out


def test_B14_cosmetic_changes_are_not_edits(portal, tmp_path):
    config = write_config(tmp_path, destoon_source(portal.url("news/")))
    assert feeds("update", config=config).code == 0
    entry = feed_entries(tmp_path)["atom"].entries[0]
    # Spacing in the title, and the view counter the page shows, change on every visit.
    portal.edit_article(article_id(entry.link), title=f"  {entry.title}  ")
    run = feeds("update", config=config)
    assert "0 article pages" in run.out and "edited" not in run.out
    one = content_digest("标题", "摘要", "<p>正文  第一段</p>\n<p>第二段</p>")
    two = content_digest(" 标题 ", "摘要", "<div><p>正文 第一段</p><p>第二段</p></div>")
    assert one == two
    assert one != content_digest("标题", "摘要", "<p>正文 第一段</p><p>第三段</p>")


def test_F11_a_redesign_keeps_the_feed_and_says_so(portal, tmp_path):
    config = write_config(tmp_path, destoon_source(portal.url("news/")))
    assert feeds("update", config=config).code == 0
    before = feed_entries(tmp_path)
    portal.redesign = True
    run = feeds("update", config=config)
    assert run.code == 1  # the operator must act
    assert "DEGRADED" in run.out and "selectors no longer match" in run.out
    after = feed_entries(tmp_path)
    assert [e.id for e in after["atom"].entries] == [e.id for e in before["atom"].entries]
    status = feeds("update", config=config)
    assert "0 new" in status.out


def test_F11_links_switching_to_https_keep_their_ids(portal, tmp_path):
    config, page, before = first_poll(portal, tmp_path)
    portal.route("news/", page.replace("http://127.0.0.1", "https://127.0.0.1").encode())
    run = feeds("update", config=config)
    assert run.code == 0 and "0 new" in run.out and "0 article pages" in run.out, run.out
    assert feed_ids(tmp_path) == before


def test_F11_titles_gone_from_the_listing_mark_the_source_degraded(portal, tmp_path):
    config, page, before = first_poll(portal, tmp_path)
    # The anchors lose their text (titles moved into an attribute the selector doesn't read).
    stripped = re.sub(r'(<li><i>[^<]*</i><a href="[^"]+")[^>]*>[^<]+(</a>)', r"\1>\2", page)
    assert stripped != page
    portal.route("news/", stripped.encode())
    run = feeds("update", config=config)
    assert run.code == 1 and "DEGRADED listing.title 'a' found no title" in run.out, run.out
    assert feed_ids(tmp_path) == before


def test_F11_a_new_path_scheme_does_not_flood_the_feed(portal, tmp_path):
    config, page, before = first_poll(portal, tmp_path)
    # The redesign moves articles from /news/123.html to /news/show-123/ (both served).
    moved = re.sub(r"/news/(\d+)\.html", r"/news/show-\1/", page)
    for number in set(re.findall(r"/news/(\d+)\.html", page)):
        article = httpx.get(portal.url(f"news/{number}.html")).content
        portal.route(f"news/show-{number}/", article)
    portal.route("news/", moved.encode())
    run = feeds("update", config=config)
    assert run.code == 0 and "0 new" in run.out, run.out
    assert feed_ids(tmp_path) == before
    again = feeds("update", config=config)  # the new URLs are aliases now: nothing fetched
    assert "0 new" in again.out and "0 article pages" in again.out


def keep_items(page: str, keep: int) -> tuple[str, str]:
    """The listing with only its first ``keep`` items left, and the removed items' markup."""
    items = re.findall(r"<li><i>.*?</li>", page, re.S)
    assert len(items) >= 8
    for item in items[keep:]:
        page = page.replace(item, "", 1)
    return page, "".join(items[keep:])


def split_listing(page: str, keep: int) -> str:
    """The listing with only ``keep`` items left where the selectors look (div.catlist) and
    the others moved into a new block of another class: a half-done redesign."""
    page, moved = keep_items(page, keep)
    block = f'<div class="newlist"><ul>{moved}</ul></div><div class="catlist">'
    return page.replace('<div class="catlist">', block, 1)


def test_far_fewer_items_than_usual_heals_from_detection(portal, tmp_path):
    config, page, before = first_poll(portal, tmp_path)
    portal.route("news/", split_listing(page, keep=2).encode())
    run = feeds("update", config=config)
    assert run.code == 1 and "DEGRADED selectors no longer match; detected" in run.out, run.out
    assert "0 new" in run.out
    assert feed_ids(tmp_path) == before


def test_far_fewer_items_without_a_stand_in_says_which_selector(portal, tmp_path):
    config, page, _ = first_poll(portal, tmp_path)
    portal.route("news/", keep_items(page, 2)[0].encode())
    run = feeds("update", config=config)
    assert run.code == 1, run.out
    assert "listing.item 'div.catlist li' found 2 items where there are usually 10" in run.out
