"""Save pages of the sample portal as a golden site folder (run from tests/: see README.md).

    PYTHONPATH=. python sites/save_sample.py destoon-sample /news/ 10
    PYTHONPATH=. python sites/save_sample.py destoon-gbk /gbk/news/list-2.html 10

Absolute links to the portal are stored as ``__BASE__/``; the golden test serves the folder
and puts its own address back.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import httpx
from portal import SamplePortal

HERE = Path(__file__).resolve().parent


def main(name: str, listing: str, articles: int) -> None:
    pages = HERE / name / "pages"
    with SamplePortal() as portal:
        base = portal.base_url.rstrip("/").encode()

        def save(path: str) -> bytes:
            body = httpx.get(portal.url(path.lstrip("/"))).content.replace(base, b"__BASE__")
            target = pages / (path.strip("/") + ("/index.html" if path.endswith("/") else ""))
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(body)
            return body

        listing_page = save(listing)
        links = re.findall(rb'<i>[^<]*</i><a href="__BASE__(/[^"?]+\.html)', listing_page)
        # Mobile links are fetched under their desktop URL (identity folding), so save that.
        desktop = [link.decode().replace("/mobile/", "/") for link in links]
        for link in list(dict.fromkeys(desktop))[:articles]:
            save(link)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
