"""CSS selector checks shared by the config validator and the extractors (soupsieve via bs4)."""

from __future__ import annotations

from functools import lru_cache

import soupsieve
from soupsieve import SoupSieve


@lru_cache(maxsize=512)
def compiled(selector: str) -> SoupSieve:
    """Compile once per selector: a poll applies the same few selectors to many items."""
    return soupsieve.compile(selector)


def selector_problem(selector: str) -> str | None:
    """None when the selector compiles, else what is wrong and how to fix it."""
    if ":contains(" in selector:
        # soupsieve still reads it, with a FutureWarning on the terminal on every start.
        return (
            f"{selector!r} uses :contains(…), which soupsieve deprecates (write :-soup-contains(…))"
        )
    try:
        compiled(selector)
    except (soupsieve.SelectorSyntaxError, ValueError) as e:
        first = str(e).splitlines()[0]
        fix = "check it in the browser's devtools"
        return f"{selector!r} is not a valid CSS selector: {first} ({fix})"
    return None
