"""What the hub reads of a callback (issue 18): a subscriber's callback is a stranger's URL, so
the hub's requests to it end at the deadline and read at most REPLY_BYTES of any answer.
Raw misbehaving sockets on 127.0.0.1 (tests/faults.py), the hub's own client settings."""

from __future__ import annotations

import time

import faults
import pytest
from faults import FaultServer

from feeds.errors import FetchError
from feeds.fetch import Fetcher, HostLimits
from feeds.hub import TIMEOUT
from feeds.websub import REPLY_BYTES


def hub_client(timeout: float) -> Fetcher:
    """The client the hub's worker makes (hub.Hub._fetcher_for), with a short timeout."""
    return Fetcher(
        user_agent="feeds-test",
        timeout=min(timeout, TIMEOUT),
        limits=HostLimits(4),
        allow_private_networks=True,
    )


def test_an_endless_answer_is_read_up_to_the_cap_and_the_delivery_ends():
    with FaultServer() as server, hub_client(2.0) as client:
        url = server.on("callback", faults.endless())
        started = time.monotonic()
        reply = client.send(url, body=b"<feed/>", headers={"Content-Type": "application/atom+xml"})
        assert reply.status == 200
        assert len(reply.body) <= REPLY_BYTES
        assert time.monotonic() - started < 4


@pytest.mark.parametrize(
    "behaviour",
    [faults.silent(), faults.slow_headers(0.2), faults.trickle(0.2)],
    ids=["silent", "slow headers", "trickling body"],
)
def test_a_callback_that_stalls_is_given_up_at_the_deadline(behaviour):
    with FaultServer() as server, hub_client(1.0) as client:
        url = server.on("callback", behaviour)
        started = time.monotonic()
        with pytest.raises(FetchError):
            client.send(url, body=b"<feed/>")
        # The deadline of a request is twice the timeout (fetch/client.py), whatever stalls.
        assert time.monotonic() - started < 4
