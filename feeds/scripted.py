"""Pages that build their list with JavaScript, as `feeds discover` sees them (issue 17):
the signs in the served HTML (``script_signs``, pure), and the page rendered in the browser,
detected again, with the JSON APIs it read (``look_rendered``)."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import Any

from feeds.browsing import Wait
from feeds.errors import FeedsError
from feeds.extract.detect import Detection, detect_listing
from feeds.fetch import Fetcher, Resource
from feeds.lazyre import lazy
from feeds.models import Page

# An application's root element left empty for its scripts to fill (Vue, React, Next, Nuxt).
_EMPTY_ROOT = lazy(
    r"<(div|main|section|app-root)\b[^>]*?(?:\bid\s*=\s*[\"']?"
    r"(app|root|__next|__nuxt|app-root|main-app)[\"'\s>][^>]*)?>\s*</\1\s*>",
    re.IGNORECASE,
)
# State a framework hands to the page's scripts: the list is in there, not in the markup.
_STATE = (
    ("__NEXT_DATA__", "Next.js page data (__NEXT_DATA__)"),
    ("__INITIAL_STATE__", "a state object for its scripts (window.__INITIAL_STATE__)"),
    ("__PRELOADED_STATE__", "a state object for its scripts (window.__PRELOADED_STATE__)"),
    ("__NUXT__", "Nuxt page data (window.__NUXT__)"),
    ("__APOLLO_STATE__", "GraphQL data (window.__APOLLO_STATE__)"),
)


def script_signs(html: str) -> list[str]:
    """Why the served HTML looks like a shell that scripts fill in; [] when it does not."""
    signs = []
    for match in _EMPTY_ROOT.finditer(html):
        if match.group(2):
            signs.append(f'an empty app root (<{match.group(1)} id="{match.group(2)}">)')
            break
    signs += [what for marker, what in _STATE if marker in html]
    return signs


@dataclass
class Scripted:
    signs: list[str]
    rendered: bool = False  # the list was found only in the rendered page
    apis: list[str] = field(default_factory=list)  # JSON the page read while rendering
    problem: str | None = None  # why the page could not be rendered

    def report(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


def look_rendered(
    fetcher: Fetcher, page: Page, detection: Detection
) -> tuple[Page, Detection, Scripted]:
    """The page rendered and detected again when it shows signs of scripts or no list was
    found; the rendered page and its detection are kept when they find a longer list."""
    script = Scripted(script_signs(page.text))
    if not script.signs and detection.chosen is not None:
        return page, detection, script

    def seen(resource: Resource) -> None:
        kind = next((v for k, v in resource.headers.items() if k.lower() == "content-type"), "")
        if "json" in kind and resource.url not in script.apis:
            script.apis.append(resource.url)

    fetcher.on_resource = seen
    try:
        rendered = fetcher.render(page.url, wait=Wait())
    except FeedsError as e:
        script.problem = str(e)
        return page, detection, script
    finally:
        fetcher.on_resource = None
    again = detect_listing(rendered.text, rendered.url)
    before = len(detection.chosen.entries) if detection.chosen is not None else 0
    if again.chosen is not None and len(again.chosen.entries) > before:
        script.rendered = True
        return rendered, again, script
    return page, detection, script
