from feeds.decide import first_match, judge, needs_article, unseen


def test_ascii_terms_match_whole_words_and_cjk_anywhere():
    assert first_match(["AI"], ["全球AI训练集群"]) == "AI"
    assert first_match(["AI"], ["the ai boom"]) == "AI"
    assert first_match(["AI"], ["she said the training failed"]) is None
    assert first_match(["人工智能"], ["发展人工智能产业"]) == "人工智能"
    assert first_match(["re:GPT-?\\d"], ["GPT4 训练"]) == "re:GPT-?\\d"


def test_judge():
    assert judge([], [], ["x"]).keep
    assert judge(["AI"], [], ["AI 芯片"]).keep
    assert not judge(["AI"], [], ["钢材价格"]).keep
    verdict = judge(["AI"], ["招聘"], ["AI 招聘"])
    assert not verdict.keep and "exclude" in verdict.reason


def test_needs_article_skips_excluded_items():
    assert needs_article(["AI"], [], ["钢材"])
    assert not needs_article([], ["招聘"], ["某公司招聘"])


def test_unseen_keeps_first_order_once():
    assert unseen(["a", "b", "a", "c", "d"], {"c"}) == ["a", "b", "d"]


def test_backoff_doubles_and_is_capped_but_never_gives_up():
    from feeds.decide import MAX_BACKOFF, backoff_delay

    assert backoff_delay(1800, 0) == 1800
    assert backoff_delay(1800, 1) == 3600
    assert backoff_delay(1800, 2) == 7200
    assert backoff_delay(1800, 50) == MAX_BACKOFF
    assert backoff_delay(86400, 5) == 86400  # a daily source is never polled less than daily


def test_first_runs_keep_future_times_and_stagger_overdue_ones():
    from datetime import UTC, datetime, timedelta

    from feeds.decide import first_runs

    now = datetime(2024, 12, 14, tzinfo=UTC)
    later = now + timedelta(minutes=10)
    runs = first_runs({"a": later, "b": None, "c": now - timedelta(hours=1), "d": None}, now)
    assert runs["a"] == later
    assert sorted(runs[k] for k in "bcd") == [
        now,
        now + timedelta(seconds=2),
        now + timedelta(seconds=4),
    ]
