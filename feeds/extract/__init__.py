"""Extraction stage: the only package that parses HTML (BeautifulSoup)."""
