import pytest

from feeds.config import IdentityRules
from feeds.identity import article_key, canonical_url

RULES = IdentityRules()
KEY = "sicmodule.kub2b.com/news/6894.html"


@pytest.mark.parametrize(
    "url",
    [
        "https://sicmodule.kub2b.com/news/6894.html",
        "http://sicmodule.kub2b.com/news/6894.html",
        "https://sicmodule.kub2b.com/news/6894.html#comments",
        "https://sicmodule.kub2b.com/news/6894.html?utm_source=list&utm_medium=x",
        "https://sicmodule.kub2b.com/news/6894.html?spm=a1.b2&fbclid=zz",
        "https://sicmodule.kub2b.com/mobile/news/6894.html",
        "https://m.sicmodule.kub2b.com/news/6894.html",
        "https://WWW.sicmodule.kub2b.com:443/news/6894.html",
        "  https://sicmodule.kub2b.com/news/6894.html  ",
    ],
)
def test_variants_of_one_article_share_a_key(url):
    assert article_key(url, RULES) == KEY


def test_canonical_url_keeps_scheme_and_real_parameters():
    assert (
        canonical_url("http://m.example.com/a.php?b=2&a=1&utm_campaign=x#top", RULES)
        == "http://example.com/a.php?a=1&b=2"
    )


def test_different_articles_differ():
    assert article_key("https://e.com/news/1.html", RULES) != article_key(
        "https://e.com/news/2.html", RULES
    )
    assert article_key("https://e.com/show.php?id=1", RULES) != article_key(
        "https://e.com/show.php?id=2", RULES
    )


def test_rules_are_per_source():
    rules = IdentityRules(mobile_hosts=(), mobile_paths=("/m/",), drop_params=("from",))
    assert article_key("https://m.e.com/m/x.html?from=home", rules) == "m.e.com/x.html"
    # A two-label host is never folded: m.com is a site, not a mobile variant.
    assert article_key("https://m.com/x", RULES) == "m.com/x"


def test_percent_encoding_is_folded():
    assert article_key("https://e.com/新闻/1.html", RULES) == article_key(
        "https://e.com/%E6%96%B0%E9%97%BB/1.html", RULES
    )
