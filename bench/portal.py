"""The bench portal: N Destoon sources of M articles each, pages of real size, on 127.0.0.1.

    .venv/bin/python bench/portal.py --sources 200 --articles 30 [--per-page 30] [--delay-ms 50]

Pages are rendered by the sample portal of the tests (``tests/portal.py``), then padded with
the weight real portal pages carry around an article (inline CSS, analytics and ad scripts, a
mega-menu and a footer sitemap), so that article pages are 80-90 KB with about 1,000 tags, like
the median page of ``../shared/corpus`` (85-108 KB, 550-750 tags, about 17 % script bytes).

Source ``i`` lives under ``/s<i>/`` (``/s<i>/news/`` is its listing) and answers with ``ETag``
and ``Last-Modified`` (304 to a matching conditional request); the same source under ``/n<i>/``
sends no validators, as many real sites do. Every answer waits ``delay`` first (a far-away
site). The portal runs in its own process so that its CPU never counts as the client's; it
prints ``READY <base url>`` once every page is rendered. Control routes (never delayed, never
logged): ``/__stats`` (JSON request log: count, bytes, by kind), ``/__reset``,
``/__delay?ms=N``, ``/__quit``.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import http.client
import json
import random
import re
import subprocess
import sys
import threading
import time
import urllib.request
from collections import Counter
from dataclasses import replace
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import portal as sample  # noqa: E402  (tests/portal.py: the sample portal's rendering)
from portal_content import ARTICLES, CHINA_TZ, Article  # noqa: E402

PLACEHOLDER = "__src__"  # the source prefix in rendered templates, replaced when served
LAST_MODIFIED = "Fri, 13 Dec 2024 08:45:00 GMT"
# What a real Destoon page carries besides the sample portal's chrome: measured on the corpus
# (median article page 85-108 KB, 17 % of it scripts), so each page gets about 40 KB more.
STYLE_BYTES = 7_000
SCRIPT_BYTES = 15_000
SITEMAP_GROUPS = 12


# --------------------------------------------------------------------------- articles


def make_articles(count: int) -> list[Article]:
    """``count`` articles, newest first, texts cycled from the sample portal's articles."""
    templates = sorted(ARTICLES, key=lambda a: a.id)
    newest = max(a.published for a in templates)
    out: list[Article] = []
    for index in range(count):
        base = templates[index % len(templates)]
        when = newest - timedelta(minutes=37 * index)
        number = count - index  # ids grow with time, as Destoon's do
        out.append(
            replace(
                base,
                id=100_000 + number,
                title=f"{base.title}（{number}）",
                date=f"{when.astimezone(CHINA_TZ):%Y-%m-%d %H:%M}",
                paragraphs=list(base.paragraphs),
                keywords=list(base.keywords),
            )
        )
    return out


# --------------------------------------------------------------------------- padding


def _words(rng: random.Random, count: int) -> list[str]:
    syllables = ("ad", "el", "in", "on", "us", "ar", "ix", "em", "ul", "or", "at", "id")
    return [
        "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))).capitalize()
        for _ in range(count)
    ]


def _style(rng: random.Random) -> str:
    rules: list[str] = []
    size = 0
    names = _words(rng, 400)
    while size < STYLE_BYTES:
        name = rng.choice(names).lower()
        rule = (
            f".{name}_{rng.randint(1, 99)} {{margin:{rng.randint(0, 20)}px {rng.randint(0, 20)}px;"
            f"padding:{rng.randint(0, 12)}px;color:#{rng.randint(0, 0xFFFFFF):06x};"
            f"font-size:{rng.randint(11, 18)}px;line-height:{rng.randint(16, 28)}px;}}"
        )
        rules.append(rule)
        size += len(rule) + 1
    return '<style type="text/css">\n' + "\n".join(rules) + "\n</style>\n"


def _script(rng: random.Random, site: str) -> str:
    """Ad slots, an analytics snippet and a config blob, as Destoon themes inline them."""
    parts = [
        "var _dtad = _dtad || [];",
        "var dt_config = "
        + json.dumps(
            {
                "slots": [
                    {
                        "id": rng.randint(1000, 9999),
                        "w": rng.choice((300, 728, 960)),
                        "h": rng.choice((90, 250, 60)),
                        "src": f"{site}file/upload/ad/{rng.randint(100000, 999999)}.jpg",
                        "href": f"{site}api/redirect.php?aid={rng.randint(1, 400)}",
                    }
                    for _ in range(40)
                ]
            },
            separators=(",", ":"),
        )
        + ";",
    ]
    names = _words(rng, 300)
    size = sum(map(len, parts))
    while size < SCRIPT_BYTES:
        fn, a, b = rng.choice(names), rng.choice(names).lower(), rng.choice(names).lower()
        body = (
            f"function dt{fn}{rng.randint(1, 999)}({a},{b}){{var e=document.getElementById('{a}');"
            f"if(!e)return false;e.style.display={b}?'block':'none';"
            f"$('#{a}').find('li').each(function(i){{if(i>{rng.randint(3, 20)})$(this).hide();}});"
            f"return true;}}"
        )
        parts.append(body)
        size += len(body) + 1
    return '<script type="text/javascript">\n' + "\n".join(parts) + "\n</script>\n"


def _sitemap(rng: random.Random, site: str) -> str:
    """The mega-menu / footer sitemap: many small links, as real portals have."""
    groups: list[str] = []
    names = [name for name, _ in sample._NEWS_CATEGORIES]
    for index in range(SITEMAP_GROUPS):
        title = names[index % len(names)]
        links = "".join(
            f'<li><a href="{site}news/list-{rng.randint(1, 900)}-{k}.html" target="_blank">'
            f"{title}{k}</a></li>"
            for k in range(10)
        )
        groups.append(f'<dl class="map_{index}"><dt>{title}</dt><dd><ul>{links}</ul></dd></dl>')
    return '<div class="sitemap m" id="foot_map">\n' + "\n".join(groups) + "\n</div>\n"


def pad(page: str, site: str, seed: int) -> str:
    """A sample-portal page with the extra weight of a real one (deterministic per seed)."""
    rng = random.Random(seed)
    head = _style(rng) + _script(rng, site)
    page = page.replace("</head>", head + "</head>", 1)
    return page.replace("</body>", _sitemap(rng, site) + "</body>", 1)


# --------------------------------------------------------------------------- pages


class Pages:
    """Every page of one source, rendered once with ``PLACEHOLDER`` as the source prefix."""

    def __init__(self, origin: str, articles: list[Article], per_page: int) -> None:
        variant = sample._Variant(PLACEHOLDER, "utf-8", "utf-8")
        self.view = sample._View(
            origin=origin,
            variant=variant,
            articles=articles,
            times={a.id: a.published for a in articles},
            hits={a.id: sample._seed_hits(a.id) for a in articles},
            now=articles[0].published if articles else sample.datetime.now(CHINA_TZ),
            per_page=per_page,
        )
        self.by_id = {a.id: a for a in articles}
        self.pages: dict[str, bytes] = {}
        site = self.view.site
        for number in range(1, self.view.pages + 1):
            text = pad(sample.render_listing(self.view, number), site, number)
            # Mobile variants live at /mobile/<source>/, as a real site's /mobile/ does, so that
            # the default identity.mobile_paths fold them into the desktop URL.
            text = text.replace(f"/{PLACEHOLDER}/mobile/", f"/mobile/{PLACEHOLDER}/")
            self.pages[self._listing_path(number)] = text.encode()
        for index, article in enumerate(articles):
            # Sidebars name the articles around this one: a window keeps rendering O(M).
            near = replace(self.view, articles=articles[max(0, index - 20) : index + 20])
            text = pad(sample.render_article(near, article), site, article.id)
            self.pages[f"news/{article.id}.html"] = text.encode()
        self.etags = {
            path: hashlib.sha1(body).hexdigest()[:16] for path, body in self.pages.items()
        }
        self.not_found = sample.render_not_found(self.view).encode()

    @staticmethod
    def _listing_path(number: int) -> str:
        return "news/" if number == 1 else f"news/list-{number}.html"

    def page(self, rest: str) -> tuple[str, bytes, str] | None:
        """(kind, template, etag) for a path below the source prefix; None for a 404."""
        if rest in ("news/index.html", "news/list-1.html"):
            rest = "news/"
        body = self.pages.get(rest)
        if body is not None:
            kind = "article" if re.fullmatch(r"news/\d+\.html", rest) else "listing"
            return kind, body, self.etags[rest]
        mobile = re.fullmatch(r"mobile/news/(\d+)\.html", rest)
        if mobile and int(mobile.group(1)) in self.by_id:
            text = sample.render_mobile_article(self.view, self.by_id[int(mobile.group(1))])
            body = text.encode()
            return "article", body, hashlib.sha1(body).hexdigest()[:16]
        return None


class Log:
    """Requests and bytes answered, by kind (listing, article, not-modified, other)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.requests: Counter[str] = Counter()
        self.bytes: Counter[str] = Counter()

    def add(self, kind: str, size: int) -> None:
        with self._lock:
            self.requests[kind] += 1
            self.bytes[kind] += size

    def reset(self) -> None:
        with self._lock:
            self.requests.clear()
            self.bytes.clear()

    def snapshot(self) -> dict[str, object]:
        with self._lock:
            return {
                "requests": sum(self.requests.values()),
                "bytes": sum(self.bytes.values()),
                "by_kind": {k: [self.requests[k], self.bytes[k]] for k in sorted(self.requests)},
            }


_SOURCE = re.compile(r"/(mobile/)?([sn])(\d+)/(.*)")


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256
    allow_reuse_address = True
    pages: Pages
    sources: int
    delay: float
    log: Log


class Handler(BaseHTTPRequestHandler):
    server: Server
    protocol_version = "HTTP/1.1"

    def version_string(self) -> str:
        return "nginx"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        if parts.path.startswith("/__"):
            self._control(parts.path, parse_qs(parts.query))
            return
        if self.server.delay:
            time.sleep(self.server.delay)
        status, kind, body, headers = self._answer(parts.path)
        if status == 304:
            kind = "not-modified"
        self.server.log.add(kind, len(body))
        self._send(status, body, "text/html; charset=utf-8", headers)

    def _answer(self, path: str) -> tuple[int, str, bytes, dict[str, str]]:
        match = _SOURCE.fullmatch(path)
        if not match or int(match.group(3)) >= self.server.sources:
            return 404, "other", b"<html><body>404</body></html>", {}
        validators = match.group(2) == "s"
        prefix = f"{match.group(2)}{match.group(3)}"
        found = self.server.pages.page((match.group(1) or "") + match.group(4))
        if found is None:
            body = self.server.pages.not_found.replace(PLACEHOLDER.encode(), prefix.encode())
            return 404, "other", body, {}
        kind, template, tag = found
        headers: dict[str, str] = {}
        if validators:
            etag = f'"{tag}-{prefix}"'
            headers = {"ETag": etag, "Last-Modified": LAST_MODIFIED}
            if self.headers.get("If-None-Match") == etag or (
                self.headers.get("If-Modified-Since") == LAST_MODIFIED
                and not self.headers.get("If-None-Match")
            ):
                return 304, kind, b"", headers
        return 200, kind, template.replace(PLACEHOLDER.encode(), prefix.encode()), headers

    def _control(self, path: str, query: dict[str, list[str]]) -> None:
        if path == "/__reset":
            self.server.log.reset()
        elif path == "/__delay":
            self.server.delay = float(query.get("ms", ["0"])[0]) / 1000
        body = json.dumps(self.server.log.snapshot()).encode()
        self._send(200, body, "application/json", {})
        if path == "/__quit":  # after the answer is written, so the caller reads it whole
            self.wfile.flush()
            threading.Thread(target=self.server.shutdown, daemon=True).start()

    def _send(self, status: int, body: bytes, kind: str, headers: dict[str, str]) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        for name, value in headers.items():
            self.send_header(name, value)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        if status != 304:
            self.wfile.write(body)


def serve(sources: int, articles: int, per_page: int, delay_ms: float) -> None:
    server = Server(("127.0.0.1", 0), Handler)
    port = server.server_address[1]
    server.pages = Pages(f"http://127.0.0.1:{port}", make_articles(articles), per_page)
    server.sources = sources
    server.delay = delay_ms / 1000
    server.log = Log()
    print(f"READY http://127.0.0.1:{port}/", flush=True)
    server.serve_forever(poll_interval=0.05)


# --------------------------------------------------------------------------- client side


class Portal:
    """The bench portal as a child process; the harness reads its log over HTTP."""

    def __init__(
        self, *, sources: int = 1, articles: int = 30, per_page: int = 30, delay_ms: float = 0
    ) -> None:
        self.sources, self.articles, self.per_page = sources, articles, per_page
        self._process = subprocess.Popen(
            [
                sys.executable,
                __file__,
                f"--sources={sources}",
                f"--articles={articles}",
                f"--per-page={per_page}",
                f"--delay-ms={delay_ms}",
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._process.stdout is not None
        line = self._process.stdout.readline().split()
        if not line or line[0] != "READY":
            self._process.kill()
            raise RuntimeError("the bench portal did not start")
        self.base_url = line[1]

    def listing(self, index: int = 0, *, validators: bool = True) -> str:
        return f"{self.base_url}{'s' if validators else 'n'}{index}/news/"

    def _call(self, route: str) -> dict[str, object]:
        with urllib.request.urlopen(self.base_url + route, timeout=10) as response:
            return json.loads(response.read())  # type: ignore[no-any-return]

    def stats(self) -> dict[str, object]:
        return self._call("__stats")

    def reset(self) -> None:
        self._call("__reset")

    def set_delay(self, ms: float) -> None:
        self._call(f"__delay?ms={ms}")

    def close(self) -> None:
        with contextlib.suppress(OSError, http.client.HTTPException):
            self._call("__quit")
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()

    def __enter__(self) -> Portal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sources", type=int, default=1)
    parser.add_argument("--articles", type=int, default=30)
    parser.add_argument("--per-page", type=int, default=30)
    parser.add_argument("--delay-ms", type=float, default=0)
    args = parser.parse_args()
    serve(args.sources, args.articles, args.per_page, args.delay_ms)


if __name__ == "__main__":
    main()
