"""feeds: real RSS 2.0, Atom 1.0 and JSON Feed 1.1 feeds for web portals that publish none."""

__version__ = "0.1.0"
