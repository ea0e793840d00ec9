"""Command-line details: advice that fits the command that printed it."""

from __future__ import annotations

from helpers import destoon_source, feeds, write_config


def test_check_does_not_advise_running_check(portal, tmp_path):
    source = destoon_source(portal.url("news/")).replace("div.catlist li", "div.gone li")
    run = feeds("check", "sample", config=write_config(tmp_path, source))
    assert run.code == 1
    assert "listing.item 'div.gone li' matched no article links" in run.err
    assert "feeds check sample" not in run.err
    assert f"`feeds discover {portal.url('news/')}`" in run.err
    assert "devtools" in run.err
