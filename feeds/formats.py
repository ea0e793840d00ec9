"""The feed formats, declared once: their name (the file extension), label, media type and
what a strict re-parse must find. render.py gives each its renderer; the server, the pages,
the status views and the tests all read this table (adding a format is an entry here and a
renderer there)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Format:
    name: str  # the file extension and the key everywhere: "rss"
    label: str  # for people: "RSS"
    media_type: str  # what readers are served
    xml_root: str | None  # the root element a strict parse must find; None for JSON


REGISTRY: dict[str, Format] = {
    f.name: f
    for f in (
        Format("rss", "RSS", "application/rss+xml", "rss"),
        Format("atom", "Atom", "application/atom+xml", "{http://www.w3.org/2005/Atom}feed"),
        Format("json", "JSON Feed", "application/feed+json", None),
    )
}
FORMATS: tuple[str, ...] = tuple(REGISTRY)


def feed_url(base_url: str, source_id: str, fmt: str) -> str:
    """The public address of one feed file: built here and nowhere else."""
    return f"{base_url}feeds/{source_id}.{fmt}"
