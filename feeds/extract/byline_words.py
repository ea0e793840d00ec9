"""The words of the byline fallbacks that the lxml path's proofs read too (issue 19): kept
apart from the bs4 modules that use them (``byline_markup.py``, ``byline_lines.py``), so that
``fast_absence.py`` knows a word they learn without importing bs4."""

from __future__ import annotations

# '[class*="author" i]', '[id*="author" i]' …: words anywhere in the class or the id.
# 'writer', 'submitted-by', 'posted-by': what readability and trafilatura read as bylines too.
CLASS_WORDS = ("author", "byline", "contributor", "writer", "submitted-by", "posted-by")
ID_WORDS = ("author", "byline")
ELEMENTS = ("address", "author")  # bylines whatever their attributes
# '.byline .fn, .author .fn, .vcard .fn': hCard's name inside a byline.
FN_HOLDERS = frozenset({"byline", "author", "vcard"})
FOREIGN_WORDS = ("autor", "auteur", "zuozhe", "jizhe")
# Script-rendered pages name their parts in data attributes: '<div data-component="Byline">',
# '<a data-testid="AuthorURL">'.
DATA_ATTRS = ("data-testid", "data-component")
DATA_WORDS = ("author", "byline")
# Western bylines: the word that opens them (byline_lines._BY). Not 'de', 'di', 'av': they
# open sentences and place names too often ('De Madrid a Sevilla').
# It opens the line, follows a separator ('June 3, 2021 · By Ann Lee') or the date ('Posted on
# June 3, 2021 by Ann Lee').
BY_WORDS = (
    r"(?:(?:written|posted|words|story|reported|text)\s+by|by|von|par|por"
    # The participle in the site's language: 'Escrito por', 'Skrevet av', 'Testo di'.
    r"|(?:escrito|publicado|redactado)\s+por|(?:scritto|pubblicato)\s+da|testo\s+di"
    r"|(?:skrevet|skrivet)\s+a[vf]|(?:geschrieben|verfasst|veröffentlicht)\s+von"
    r"|(?:écrit|publié|rédigé)\s+par|(?:geschreven|geplaatst)\s+door|napisał[a]?"
    r"|door)"
)
