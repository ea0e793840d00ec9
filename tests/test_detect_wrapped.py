"""Listing detection on a list some of whose items are wrapped in small groups standing among
the others (issue 15): an events page of linked cards, with runs of smaller cards (one, two or
three) each in a ``div.group`` between the big ones, in date order, is one list (MozTW's events
page); a box of links after the list, or under its own heading, is not."""

from __future__ import annotations

from test_detect import assert_round_trip, urls
from test_detect_unseen_more import page

from feeds.extract.detect import detect_listing

URL = "https://www.example.org/events/"


def card(n: int, size: str = "on") -> str:
    return (
        f'<a href="/events/event-{n}/"><article class="{size}"><header>'
        f"<h2>The community gathering number {n} in town</h2>"
        f"<time>2016/{n % 12 + 1}/{n % 28 + 1}</time></header></article></a>"
    )


def events(after: str = "") -> str:
    wrapped = [[3, 4], [7], [10, 11, 12]]
    cards = [card(1), card(2), *groups(wrapped[0]), card(5), card(6), *groups(wrapped[1])]
    cards += [card(8), card(9), *groups(wrapped[2]), card(13), card(14)]
    return page(f'<div id="event-list"><div class="events">{"".join(cards)}{after}</div></div>')


def groups(numbers: list[int]) -> list[str]:
    return [f'<div class="group">{"".join(card(n, "small") for n in numbers)}</div>']


EVERY_EVENT = [f"https://www.example.org/events/event-{n}/" for n in range(1, 15)]


def test_cards_wrapped_in_groups_among_the_others_are_one_list() -> None:
    html = events()
    detection = detect_listing(html, URL)
    assert urls(detection) == EVERY_EVENT  # the lone wrapped card (7) too
    assert_round_trip(detection, html, URL)


def test_a_group_after_the_last_card_stays_out() -> None:
    """A wrapper after the list's last item is no part of it: a box of other links."""
    html = events(after=f'<div class="group">{card(90, "small")}{card(91, "small")}</div>')
    found = urls(detect_listing(html, URL))
    assert not {"https://www.example.org/events/event-90/"} & set(found)
