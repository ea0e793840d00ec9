"""The poll's pure decisions (select_work, plan_batch, plan_edits) on plain values: no store,
no network, no fixture. The pipeline tests cover the same decisions end to end."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from feeds.decide import listing_signature, plan_batch, plan_edits, select_work
from feeds.models import Built, Facts, Failed, Listed, ListingEntry, StoredItem

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


def listed(key: str, title: str | None = None) -> Listed:
    return Listed(key, ListingEntry(f"https://example.com/{key}", title=title or key), NOW)


def item(key: str, words: str = "", day: int = 5) -> StoredItem:
    when = datetime(2026, 12, day, 8, 0, tzinfo=UTC)
    return StoredItem(
        source_id="s",
        key=key,
        id=f"id-{key}",
        url=f"https://example.com/{key}",
        title=key,
        author=None,
        summary=None,
        content_html=f"<p>{words or key}</p>",
        published=when,
        updated=when,
        first_seen=when,
        date_precision="time",
        content_hash=words or key,
    )


def built(key: str, words: str = "", day: int = 5, aliases: frozenset[str] = frozenset()) -> Built:
    return Built(listed(key), item(key, words, day), aliases)


# --- select_work ---------------------------------------------------------------------------


def test_new_entries_are_each_key_once_in_listing_order_up_to_the_cap():
    entries = [listed("a"), listed("b"), listed("a"), listed("c"), listed("d")]
    work = select_work(entries, known={"b"}, stored_signatures={}, cap=2, max_edits=5)
    assert [one.key for one in work.new] == ["a", "c"]
    assert work.deferred == 1  # d waits for the next poll


def test_a_known_entry_whose_title_changed_is_reread_and_an_unchanged_one_is_not():
    entries = [listed("old", "New title"), listed("same", "Same")]
    stored = {"old": listing_signature("Old title"), "same": listing_signature("Same")}
    work = select_work(entries, known={"old", "same"}, stored_signatures=stored, cap=9, max_edits=9)
    assert [one.key for one in work.reread] == ["old"]
    assert work.new == ()


def test_whitespace_in_a_title_is_no_edit_and_rereads_are_capped():
    entries = [listed("a", "A  title"), listed("b", "B2"), listed("c", "C2")]
    stored = {"a": listing_signature("A title"), "b": listing_signature("B"), "c": "x"}
    work = select_work(entries, known={"a", "b", "c"}, stored_signatures=stored, cap=9, max_edits=1)
    assert [one.key for one in work.reread] == ["b"]
    assert work.skipped_edits == 1


def test_known_items_stored_without_a_signature_get_one_without_a_reread():
    work = select_work(
        [listed("a")], known={"a"}, stored_signatures={"a": None}, cap=9, max_edits=9
    )
    assert work.reread == ()
    assert work.backfill == ("a",)


# --- plan_batch ----------------------------------------------------------------------------


def test_new_outcomes_become_new_items_with_their_signatures():
    plan = plan_batch(
        "s", NOW, [built("a"), built("b")], Facts(), signatures={"a": "sig-a"}, max_attempts=3
    )
    assert [new.item.key for new in plan.new_items] == ["a", "b"]
    assert plan.signatures == (("a", "sig-a"),)
    assert plan.added == 2


def test_an_article_known_under_its_canonical_key_becomes_an_alias():
    outcome = Built(listed("m.a"), item("a"), frozenset({"m.a"}))
    plan = plan_batch(
        "s", NOW, [outcome], Facts(known=frozenset({"a"})), signatures={}, max_attempts=3
    )
    assert plan.new_items == ()
    assert sorted(plan.aliases) == [("a", "a"), ("m.a", "a")]


def test_two_links_to_one_article_in_one_batch_make_one_item():
    first = Built(listed("a"), item("a"))
    second = Built(listed("m.a"), item("a"), frozenset({"m.a"}))
    plan = plan_batch("s", NOW, [first, second], Facts(), signatures={}, max_attempts=3)
    assert [new.item.key for new in plan.new_items] == ["a"]
    assert ("m.a", "a") in plan.aliases


def test_same_words_on_the_same_day_under_a_new_url_are_an_alias_not_a_flood():
    plan = plan_batch(
        "s",
        NOW,
        [built("new-path", words="story"), built("other", words="story", day=6)],
        Facts(twins={"new-path": "old-path"}),
        signatures={},
        max_attempts=3,
    )
    assert ("new-path", "old-path") in plan.aliases
    assert [new.item.key for new in plan.new_items] == ["other"]  # another day: another item


def test_a_failure_is_counted_and_its_listing_text_published_only_after_max_attempts():
    failed = Failed(listed("a"), "HTTP 500", fallback=item("a"))
    early = plan_batch("s", NOW, [failed], Facts(attempts={"a": 1}), signatures={}, max_attempts=3)
    assert [f.key for f in early.failures] == ["a"] and early.new_items == ()
    late = plan_batch("s", NOW, [failed], Facts(attempts={"a": 2}), signatures={}, max_attempts=3)
    assert [f.key for f in late.failures] == ["a"]
    assert [new.item.key for new in late.new_items] == ["a"]


def test_a_failure_without_listing_text_is_never_published():
    failed = Failed(listed("a"), "timeout", fallback=None)
    plan = plan_batch("s", NOW, [failed], Facts(attempts={"a": 9}), signatures={}, max_attempts=3)
    assert plan.new_items == () and len(plan.failures) == 1


# --- plan_edits ----------------------------------------------------------------------------


def test_changed_words_update_the_item_in_place_and_keep_its_identity():
    stored = item("a", words="before")
    fresh = replace(item("a", words="after"), id="another-id", first_seen=NOW)
    entries = [listed("a", "A new title")]
    work = select_work(entries, known={"a"}, stored_signatures={"a": "old"}, cap=9, max_edits=9)
    plan = plan_edits("s", NOW, work, [Built(listed("a"), fresh)], Facts(stored={"a": stored}))
    (edit,) = plan.edits
    assert (edit.id, edit.key, edit.first_seen, edit.published) == (
        stored.id,
        stored.key,
        stored.first_seen,
        stored.published,
    )
    assert edit.content_hash == "after" and edit.updated == NOW
    assert plan.signatures == (("a", work.signatures["a"]),)


def test_unchanged_words_or_a_failed_reread_edit_nothing_but_keep_the_signature():
    stored = item("a", words="same")
    work = select_work(
        [listed("a", "T")], known={"a"}, stored_signatures={"a": "x"}, cap=9, max_edits=9
    )
    rereads = [Built(listed("a"), item("a", words="same")), Failed(listed("a"), "500", None)]
    plan = plan_edits("s", NOW, work, rereads, Facts(stored={"a": stored}))
    assert plan.edits == ()
    assert [key for key, _ in plan.signatures] == ["a"]


def test_an_edit_never_dates_the_update_before_the_publication():
    future = replace(item("a", words="before"), published=NOW + timedelta(hours=1))
    work = select_work(
        [listed("a", "T")], known={"a"}, stored_signatures={"a": "x"}, cap=9, max_edits=9
    )
    plan = plan_edits(
        "s", NOW, work, [Built(listed("a"), item("a", words="after"))], Facts(stored={"a": future})
    )
    assert plan.edits[0].updated == future.published
