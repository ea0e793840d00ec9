"""Regular expressions compiled on first use (issue 19).

Python's ``re`` compiles in Python: a class of Chinese characters (``[\\u4e00-\\u9fff]``)
alone costs about a millisecond, and the extraction modules hold some 160 patterns at module
level, most of them for fallbacks that a given page never reaches. Compiled at import, they
cost every `feeds update` a tenth of a second of CPU whether it reads a page or not; compiled
when first used, only the patterns a run needs are paid for, once per process.

``lazy`` stands in for ``re.compile`` at module level. After the first use the pattern's
methods sit on the stand-in itself, so later calls cost what a compiled pattern's do. It is
no ``re.Pattern``: pass ``lazy(...).pattern`` (known without compiling) to ``re``'s
functions, and keep ``re.compile`` for a library that checks the type (Playwright does).
"""

from __future__ import annotations

import re
from typing import Any, cast

# What callers use of a compiled pattern; each is copied onto the stand-in on first use.
_SHARED = (
    "search",
    "match",
    "fullmatch",
    "finditer",
    "findall",
    "sub",
    "subn",
    "split",
    "groups",
    "groupindex",
    "flags",
)


class _Lazy:
    def __init__(self, pattern: str, flags: int) -> None:
        self.pattern = pattern
        self._flags = flags

    def __getattr__(self, name: str) -> Any:
        # Only reached for what is not yet on the stand-in: compile once, then copy.
        compiled = re.compile(self.pattern, self._flags)
        for shared in _SHARED:
            setattr(self, shared, getattr(compiled, shared))
        return getattr(compiled, name)

    def __repr__(self) -> str:
        return f"lazy({self.pattern!r}, {self._flags})"


def lazy(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(pattern, flags)``, compiled when first used."""
    return cast(re.Pattern[str], _Lazy(pattern, flags))
