"""Pages of the sample portal whose article list is built by a script (issue 17), and a
counting server on another loopback address that no rendered page may reach.

Served through ``SamplePortal.route`` (``add_script_pages``)::

    js/list.html        an empty ``<div id="app">`` that js/app.js fills from js/api-1.json
    js/more.html        page 1 the same way, then a "加载更多" button appends js/api-N.json
    js/evil.html        the list as on js/list.html, and tries to reach ``secret`` through an
                        image, an iframe, fetch(), a redirect of its own site (js/jump),
                        a WebSocket, an EventSource, a beacon, window.open and the metadata
                        address
    js/api-N.json       page N of the portal's articles, newest first: {items, more}

The items are marked up as the classic listing's (``div.catlist li``, ``a``, ``i``), so the
static source's selectors read them and the feeds can be compared item for item.
"""

from __future__ import annotations

import json
import socketserver
import threading
from types import TracebackType

from portal import SamplePortal

APP_JS = """
function show(items, append) {
  var app = document.getElementById('app');
  var list = app.querySelector('ul');
  if (!list || !append) {
    app.innerHTML = '<div class="catlist"><ul></ul></div>';
    list = app.querySelector('ul');
  }
  items.forEach(function (item) {
    var li = document.createElement('li');
    var a = document.createElement('a');
    a.href = item.url; a.title = item.title; a.textContent = item.title;
    var i = document.createElement('i'); i.textContent = item.date;
    li.appendChild(i); li.appendChild(a); list.appendChild(li);
  });
}
function load(page, append) {
  return fetch('/js/api-' + page + '.json').then(function (r) { return r.json(); })
    .then(function (data) {
      // later than the first paint, as an API answer is
      setTimeout(function () { show(data.items, append); }, 150);
      return data.more;
    });
}
"""

SHELL = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>资讯 - 企库往</title>
<link rel="stylesheet" href="/js/site.css"></head>
<body><div id="app"></div>{extra}<script src="/js/app.js"></script><script>{script}</script>
</body></html>"""

MORE_SCRIPT = """
var page = 1;
load(1, false).then(function (more) {
  var button = document.getElementById('more');
  button.style.display = more ? 'block' : 'none';
  button.onclick = function () {
    page += 1;
    load(page, true).then(function (more) { if (!more) button.style.display = 'none'; });
  };
});
"""


def evil_extra(secret: str) -> str:
    return f'<img src="{secret}img"><iframe src="{secret}frame"></iframe>'


def evil_script(secret: str) -> str:
    ws = secret.replace("http://", "ws://")
    return f"""
load(1, false);
fetch('{secret}fetch').catch(function () {{}});
fetch('/js/jump').catch(function () {{}});
fetch('http://169.254.169.254/latest/meta-data/').catch(function () {{}});
try {{ new WebSocket('{ws}socket'); }} catch (e) {{}}
try {{ new EventSource('{secret}events'); }} catch (e) {{}}
try {{ navigator.sendBeacon('{secret}beacon', 'x'); }} catch (e) {{}}
try {{ window.open('{secret}popup'); }} catch (e) {{}}
try {{ var img = new Image(); img.src = '{secret}image2'; }} catch (e) {{}}
alert('a dialog nobody answers');
"""


def add_script_pages(portal: SamplePortal, secret: str) -> None:
    """Routes the script pages on ``portal``; ``secret`` is the base URL (ending in /) that
    the hostile page tries to reach."""
    articles = sorted(portal.articles, key=lambda a: a.id, reverse=True)
    per_page = portal.per_page
    pages = max(1, -(-len(articles) // per_page))
    for number in range(1, pages + 1):
        chunk = articles[(number - 1) * per_page : number * per_page]
        data = {
            "items": [
                {"url": portal.url(f"news/{a.id}.html"), "title": a.title, "date": a.date}
                for a in chunk
            ],
            "more": number < pages,
        }
        portal.route(
            f"js/api-{number}.json",
            json.dumps(data, ensure_ascii=False),
            content_type="application/json; charset=utf-8",
        )
    portal.route("js/app.js", APP_JS, content_type="application/javascript")
    portal.route("js/site.css", "#more { display: none }", content_type="text/css")
    portal.route("js/list.html", SHELL.format(extra="", script="load(1, false);"))
    button = '<button id="more" type="button">加载更多</button>'
    portal.route("js/more.html", SHELL.format(extra=button, script=MORE_SCRIPT))
    portal.route("js/evil.html", SHELL.format(extra=evil_extra(secret), script=evil_script(secret)))
    portal.route("js/jump", "", status=302, headers={"Location": secret + "redirected"})


class _Counting(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        server: SecretServer = self.server.owner  # type: ignore[attr-defined]
        with server.lock:
            server.connections += 1
        try:
            self.request.recv(4096)
            self.request.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecret")
        except OSError:
            pass


class SecretServer:
    """Counts every connection made to it, whatever is said on it."""

    def __init__(self, host: str = "127.0.0.2") -> None:
        self._server = socketserver.ThreadingTCPServer((host, 0), _Counting)
        self._server.daemon_threads = True
        self._server.owner = self  # type: ignore[attr-defined]
        self.lock = threading.Lock()
        self.connections = 0
        self.url = f"http://{host}:{self._server.server_address[1]}/secret/"

    def __enter__(self) -> SecretServer:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
