"""Main-content fallback for pages without a content selector (trafilatura is used only here)."""

from __future__ import annotations


def main_content_html(text: str, url: str) -> str | None:
    """The article body as HTML, without navigation, sidebars and footers; None if none found."""
    # Imported here: it costs 70 ms and memory at start, and sources with a content
    # selector never need it.
    import trafilatura

    try:
        result = trafilatura.extract(
            text,
            url=url,
            output_format="html",
            include_images=True,
            include_links=True,
            include_tables=True,
            include_comments=False,
            favor_precision=True,
        )
    except Exception:  # trafilatura raises anything on odd markup; a miss is not an error
        return None
    return result if isinstance(result, str) and result.strip() else None
