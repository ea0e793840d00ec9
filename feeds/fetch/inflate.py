"""Content-Encoding inflated under the byte cap (gzip, every member; deflate, raw or zlib)."""

from __future__ import annotations

import zlib
from collections.abc import Iterable

import httpx

from feeds.errors import FetchError
from feeds.fetch.network import Attempt, Expired


class Inflater:
    """Decodes one Content-Encoding layer (gzip or deflate) without ever producing more than
    the cap: zlib's ``max_length`` stops a 10 GB bomb after the first cap+1 bytes. A gzip body
    may hold several members one after the other (RFC 1952 2.2; gzip(1) reads them all, NUL
    padding between them included): each is inflated in turn, under the same cap."""

    def __init__(self, coding: str) -> None:
        self._coding = coding
        self._zlib = zlib.decompressobj(31 if coding == "gzip" else 15)
        self._started = False

    def feed(self, data: bytes, limit: int) -> bytes:
        if not self._started and self._coding == "deflate" and data[:1] and data[0] & 0x0F != 8:
            self._zlib = zlib.decompressobj(-15)  # raw deflate, as some servers send it
        self._started = True
        out: list[bytes] = []
        produced = 0
        while data and produced <= limit:
            if self._zlib.eof:
                if self._coding != "gzip":
                    break  # bytes after the end of a deflate stream: ignored, as browsers do
                data = data.lstrip(b"\0")
                if not data:
                    break
                self._zlib = zlib.decompressobj(31)  # the next member; not gzip: zlib.error
            piece = self._zlib.decompress(data, limit + 1 - produced)
            out.append(piece)
            produced += len(piece)
            data = self._zlib.unused_data if self._zlib.eof else self._zlib.unconsumed_tail
        return b"".join(out)


def inflaters(header: str | None) -> list[Inflater]:
    codings = [c.strip().lower() for c in (header or "").split(",")]
    codings = ["gzip" if c == "x-gzip" else c for c in codings if c and c != "identity"]
    if len(codings) > 2:  # urllib3 CVE-2025-66418: unbounded decoder chains
        raise ValueError(f"{len(codings)} content encodings stacked")
    unknown = [c for c in codings if c not in ("gzip", "deflate")]
    if unknown:  # br and zstd are not advertised, so a site sending them is broken
        raise ValueError(f"unsupported content encoding {unknown[0]}")
    return [Inflater(c) for c in reversed(codings)]


def read_capped(
    response: httpx.Response, url: str, attempt: Attempt, limit: int, truncate: bool
) -> bytes:
    """The body, inflated, at most ``limit`` bytes: cut there (``truncate``) or refused."""
    try:
        decoders = inflaters(response.headers.get("Content-Encoding"))
    except ValueError as e:
        raise FetchError(str(e), url=url, fix="the site sends a broken response") from e
    stream: Iterable[bytes] = response.iter_raw()
    if response.is_stream_consumed:  # an in-memory response (MockTransport), decoded
        stream, decoders = [response.content], []
    chunks: list[bytes] = []
    size = 0
    try:
        for raw in stream:
            if attempt.expired:  # the network layer stops a real socket at the deadline
                raise Expired(attempt)
            chunk = raw
            for decoder in decoders:
                chunk = decoder.feed(chunk, limit - size)
            size += len(chunk)
            if size > limit:
                if truncate:
                    chunks.append(chunk[: len(chunk) - (size - limit)])
                    break
                raise FetchError(
                    f"page larger than {limit // (1024 * 1024)} MB",
                    url=url,
                    fix="this is not an HTML page of a normal size; check the URL",
                )
            chunks.append(chunk)
    except zlib.error as e:
        raise FetchError(
            f"broken compressed body: {e}", url=url, fix="the site sends a broken response"
        ) from e
    return b"".join(chunks)
