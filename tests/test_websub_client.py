"""The hub of `feeds run` against an existing WebSub subscriber from PyPI: Flask-WebSub
(https://pypi.org/project/Flask-WebSub/, its ``subscriber`` module: discovery from the Link
header and the feed, subscription, verification, notifications, unsubscription).

Flask-WebSub is not a dependency of feeds: this test skips where it is not installed
(``pip install flask-websub`` into the venv runs it)."""

from __future__ import annotations

import threading

import pytest
from helpers import free_port, service, wait_for
from test_websub_service import hub_config

flask_websub = pytest.importorskip("flask_websub", reason="pip install flask-websub to run it")


def test_a_flask_websub_subscriber_subscribes_gets_new_items_and_unsubscribes(portal, tmp_path):
    from flask import Flask
    from flask_websub.subscriber import (
        SQLite3SubscriberStorage,
        SQLite3TempSubscriberStorage,
        Subscriber,
        discover,
    )
    from werkzeug.serving import make_server

    callback_port = free_port()
    app = Flask(__name__)
    app.config["SERVER_NAME"] = f"127.0.0.1:{callback_port}"
    subscriber = Subscriber(
        SQLite3SubscriberStorage(str(tmp_path / "subs.db")),
        SQLite3TempSubscriberStorage(str(tmp_path / "temp.db")),
    )
    app.register_blueprint(subscriber.build_blueprint(url_prefix="/callbacks"))
    confirmed: list[str] = []
    notified: list[bytes] = []
    subscriber.add_success_handler(lambda topic, callback, mode: confirmed.append(mode))
    subscriber.add_listener(lambda topic, callback, body: notified.append(body))
    server = make_server("127.0.0.1", callback_port, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()

    port = free_port()
    config = hub_config(tmp_path, portal, port)
    topic = f"http://127.0.0.1:{port}/feeds/sample.rss"
    try:
        with service(config, port=port) as proc:
            wait_for(lambda: (tmp_path / "public" / "sample.rss").exists())
            with app.app_context():
                found = discover(topic)
                assert found == {"hub_url": proc.base + "hub", "topic_url": topic}
                callback_id = subscriber.subscribe(**found, lease_seconds=600)
            wait_for(lambda: confirmed == ["subscribe"], timeout=30)
            portal.add_article("Flask-WebSub 收到推送")
            wait_for(lambda: notified, timeout=30)
            assert "Flask-WebSub 收到推送".encode() in notified[0]
            with app.app_context():
                subscriber.unsubscribe(callback_id)
            wait_for(lambda: confirmed == ["subscribe", "unsubscribe"], timeout=30)
    finally:
        server.shutdown()
