"""Diagnostic only: the feeds command line with a full ``gc.collect()`` after every new item.

    .venv/bin/python bench/gc_after_item.py update --config CONFIG

BeautifulSoup trees are reference cycles (parent <-> children), so a parsed page is freed by
the cyclic collector, not when its last reference goes. Comparing peak memory with and without
this patch shows how much of it is pages kept alive after they are processed. Nothing in
feeds is changed: the patch lives in this process only.
"""

from __future__ import annotations

import gc
import sys
from typing import Any

import feeds.articles as articles
from feeds.cli import main

_build_item = articles.build_item


def build_item_then_collect(*args: Any, **kwargs: Any) -> Any:
    try:
        return _build_item(*args, **kwargs)
    finally:
        gc.collect()


articles.build_item = build_item_then_collect

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
