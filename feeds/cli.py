"""The command line: each command is a few lines over the stages (``python -m feeds`` too)."""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from feeds import __version__
from feeds.config import ArticleRules, Config, Source, config_path, default, load_config
from feeds.errors import ConfigError, FeedsError, FetchError
from feeds.lazyre import lazy

# Each command imports the stages it runs, when it runs: an idle `feeds update` must not pay
# for extraction, rendering or the service (issue 19: tests/test_startup.py holds it to that).
if TYPE_CHECKING:
    from feeds.check import CheckReport
    from feeds.fetch import Fetcher
    from feeds.models import Page
    from feeds.scripted import Scripted

EXIT_OK, EXIT_FAILED, EXIT_CONFIG = 0, 1, 2

COMMANDS = {
    "update": "poll sources now and write their feeds",
    "check": "dry run of one source: what would be extracted, nothing written (--save: a snapshot)",
    "test": "read the saved snapshots again with the current config, offline; show what changed",
    "config": "validate the config and print it with every default filled in",
    "extract": "extract article pages (URLs or saved files) as JSON lines",
    "discover": "find the article list on a listing page and print a ready [[source]] block",
    "run": "run the service: poll every source on its schedule and serve the feeds",
    "healthcheck": "exit 0 when the service's /healthz answers (for container health checks)",
    "migrate": "copy the state to another database (SQLite to PostgreSQL), ids unchanged",
}
DEFAULT_LISTEN = "127.0.0.1:8080"


def _update_arguments(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("sources", nargs="*", metavar="SOURCE", help="source ids (default: all)")


def _check_arguments(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("source", metavar="SOURCE")
    sub.add_argument("--json", action="store_true", help="print one JSON object")
    sub.add_argument(
        "--limit", type=int, default=5, help="article pages to fetch and show (default 5)"
    )
    sub.add_argument(
        "--save", action="store_true", help="keep the pages and fields as snapshots/SOURCE/"
    )


def _test_arguments(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("sources", nargs="*", metavar="SOURCE", help="source ids (default: all)")
    sub.add_argument("--update", action="store_true", help="accept what the snapshots give now")


def _extract_arguments(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("targets", nargs="+", metavar="URL|FILE")
    sub.add_argument("--source", metavar="ID", help="use this source's article rules")
    sub.add_argument("--base-url", metavar="URL", help="the URL a saved file came from")
    sub.add_argument("--json", action="store_true", help="one compact JSON line per page")


def _discover_arguments(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("target", metavar="URL|FILE")
    sub.add_argument("--base-url", metavar="URL", help="the URL a saved file came from")
    sub.add_argument("--json", action="store_true", help="print one JSON object")


def _migrate_arguments(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--to", required=True, metavar="DATABASE", help="path or URL")
    sub.add_argument("--force", action="store_true", help="replace what the target holds")


def _run_arguments(sub: argparse.ArgumentParser) -> None:
    sub.add_argument(
        "--listen", metavar="HOST:PORT", default=DEFAULT_LISTEN, help=f"default {DEFAULT_LISTEN}"
    )
    sub.add_argument("--log-format", choices=("text", "json"), default="text")


def _healthcheck_arguments(sub: argparse.ArgumentParser) -> None:
    sub.add_argument(
        "--url",
        default=f"http://{DEFAULT_LISTEN}/healthz",
        help=f"default http://{DEFAULT_LISTEN}/healthz",
    )


# Each command's own arguments; every command but healthcheck also takes --config.
ARGUMENTS: dict[str, Callable[[argparse.ArgumentParser], None]] = {
    "update": _update_arguments,
    "check": _check_arguments,
    "test": _test_arguments,
    "config": lambda sub: None,
    "extract": _extract_arguments,
    "discover": _discover_arguments,
    "migrate": _migrate_arguments,
    "run": _run_arguments,
    "healthcheck": _healthcheck_arguments,
}


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser of every command; of only the one ``argv`` names, when it names one: each
    subparser costs a millisecond (argparse looks up its message catalogues anew for every
    one), and the others could never match (issue 19: an idle `feeds update`)."""
    parser = argparse.ArgumentParser(
        prog="feeds", description="RSS, Atom and JSON feeds for web portals that have none."
    )
    parser.add_argument("--version", action="version", version=f"feeds {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    named = [argv[0]] if argv and argv[0] in ARGUMENTS else list(ARGUMENTS)
    for name in named:
        sub = commands.add_parser(name, help=COMMANDS[name], description=COMMANDS[name])
        if name != "healthcheck":
            sub.add_argument(
                "--config",
                metavar="PATH",
                help="config file (default: $FEEDS_CONFIG or ./config.toml)",
            )
        ARGUMENTS[name](sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser(argv).parse_args(argv)
    if args.command == "healthcheck":
        return cmd_healthcheck(args.url)
    try:
        if args.command == "discover" or (
            args.command == "extract" and not args.source and not args.config
        ):
            config = _optional_config(args.config)
        else:
            config = load_config(config_path(args.config, os.environ))
        handler = {
            "update": cmd_update,
            "check": cmd_check,
            "config": cmd_config,
            "extract": cmd_extract,
            "run": cmd_run,
            "discover": cmd_discover,
            "migrate": cmd_migrate,
            "test": cmd_test,
        }[args.command]
        return handler(args, config)
    except ConfigError as e:
        print(e, file=sys.stderr)
        return EXIT_CONFIG
    except FeedsError as e:
        print(e, file=sys.stderr)
        return EXIT_FAILED


def _optional_config(cli_value: str | None) -> Config | None:
    path = config_path(cli_value, os.environ)
    return load_config(path) if path.exists() else None


def _fetcher(config: Config | None, *, persist: bool = False) -> Fetcher:
    """``persist``: remember Retry-After holds and robots.txt answers in the store (only the
    commands that write state do; `check`, `extract` and `discover` leave no trace)."""
    from feeds.app import open_fetcher, shared_politeness
    from feeds.fetch import Fetcher

    if config is None:  # `feeds extract` works without a config file, on the defaults
        return Fetcher(
            user_agent=default("settings.user_agent"), timeout=default("settings.timeout")
        )
    return open_fetcher(config.settings, shared_politeness(config.settings, persist=persist))


def cmd_update(args: argparse.Namespace, config: Config | None) -> int:
    assert config is not None
    from feeds.app import open_state
    from feeds.output import OutputClaim
    from feeds.pipeline import update_source
    from feeds.shared import instance_name

    sources = [config.source(s) for s in args.sources] if args.sources else list(config.sources)
    store = open_state(config.settings)
    ok = True
    try:
        # The claim removes temp files of writes a crash interrupted (none if `feeds run`
        # is writing beside us); the polls then rewrite whatever feed is behind the store.
        with _fetcher(config, persist=True) as fetcher, OutputClaim(config.settings.output_dir):
            for source in sources:
                result = update_source(source, config.settings, store, fetcher, by=instance_name())
                # A degraded source worked around broken selectors: the operator must act.
                ok &= result.ok and result.degraded is None
                if result.ok:
                    print(
                        f"{source.id}: ok, {result.new} new, {result.filtered} filtered, "
                        f"{result.listed} listed, {result.article_fetches} article pages fetched, "
                        f"{len(result.written)} files written"
                    )
                    if result.edited:
                        print(f"{source.id}:   {result.edited} edited")
                    if result.degraded:
                        print(f"{source.id}:   DEGRADED {result.degraded}")
                    for problem in result.problems:
                        print(f"{source.id}:   {problem}")
                else:
                    print(f"{source.id}: FAILED {result.error}")
                    if result.degraded:
                        print(f"{source.id}:   {result.degraded}")
    finally:
        store.close()
    return EXIT_OK if ok else EXIT_FAILED


def cmd_check(args: argparse.Namespace, config: Config | None) -> int:
    assert config is not None
    from feeds import snapshots
    from feeds.check import check_source

    source = config.source(args.source)
    fetched: list[tuple[str, Page | FetchError]] = []
    now = datetime.now(UTC)
    with _fetcher(config) as fetcher:
        fetcher.on_page = lambda url, page: fetched.append((url, page))
        try:
            report = check_source(source, fetcher, limit=args.limit, now=now)
        except FeedsError as e:
            _advise_for_check(e, source)
            raise
    if args.json:
        print(json.dumps(dataclasses.asdict(report), ensure_ascii=False, indent=2))
    else:
        _print_check(report)
    if args.save and report.items:
        folder = snapshots.folder_of(snapshots.root_of(config.path), source.id)
        snapshots.save(folder, report, fetched, saved=now, limit=args.limit)
        print(
            f"saved: {len(fetched)} pages and {len(report.items)} items in {folder}/",
            file=sys.stderr,
        )
    return EXIT_OK if report.items else EXIT_FAILED


def cmd_test(args: argparse.Namespace, config: Config | None) -> int:
    """Every snapshot (or those of SOURCE...) read again, offline: what changed."""
    assert config is not None
    from feeds import snapshots

    root = snapshots.root_of(config.path)
    named = [config.source(source_id) for source_id in args.sources]
    sources = named or [
        s for s in config.sources if (snapshots.folder_of(root, s.id) / "snapshot.json").exists()
    ]
    if not sources:
        print(f"no snapshots in {root}/: take one with `feeds check SOURCE --save`")
        return EXIT_OK
    failed = False
    for source in sources:
        folder = snapshots.folder_of(root, source.id)
        if not (folder / "snapshot.json").exists():
            take = f"take one with `feeds check {source.id} --save`"
            print(f"{source.id}: no snapshot in {folder}/ ({take})")
            failed = True
            continue
        outcome = snapshots.run(source, folder)
        saved = outcome.snapshot.saved.isoformat(" ", "minutes")
        if not outcome.differences:
            print(f"{source.id}: ok, {len(outcome.items)} items as saved {saved}")
            continue
        print(f"{source.id}: {len(outcome.differences)} difference(s) from the snapshot of {saved}")
        shown = None
        for key, what in outcome.differences:
            if key != shown:
                print(f"  {key}" if key else "")
                shown = key
            print(f"    {what}")
        if args.update:
            snapshots.accept(outcome)
            print(f"{source.id}: snapshot updated: what it gives now is what it should give")
        else:
            failed = True
    if failed and not args.update:
        print("(a deliberate change? `feeds test --update` accepts it)")
    return EXIT_FAILED if failed else EXIT_OK


_RUN_CHECK = lazy(r"(?:run|check it with) `feeds check [^`]+`")


def _advise_for_check(error: FeedsError, source: Source) -> None:
    """The poll's errors advise running `feeds check SOURCE`; met by that very command, the
    advice must point further: the page itself, and what detection finds on it."""
    if error.fix and f"`feeds check {source.id}`" in error.fix:
        url = error.url or source.urls[0]
        error.fix = _RUN_CHECK.sub(
            "compare the selectors with the page in the browser's devtools, or run "
            f"`feeds discover {url}` to see the article list detection finds",
            error.fix,
        )


def _print_check(report: CheckReport) -> None:
    from feeds.discover import clip

    print(f"source {report.source_id}: {len(report.items)} items from {', '.join(report.pages)}")
    print("\nselector matches (listing, summed over pages):")
    for label, count in report.listing_matches.items():
        print(f"  {count:5d}  {label}")
    if report.article_matches:
        print(f"selector matches (article pages, over {report.articles_fetched} fetched):")
        for label, count in report.article_matches.items():
            print(f"  {count:5d}  {label}")
    print(f"\n{'#':>3}  {'date':<22}  {'author':<12}  {'title':<40}  link")
    for n, row in enumerate(report.items, start=1):
        title, author = clip(row.title or "", 40), clip(row.author or "", 12)
        print(f"{n:>3}  {row.date or '-':<22}  {author}  {title}  {row.link}")
        if row.status not in ("article", "listing only"):
            print(f"     {row.status}")
    if len(report.items) > report.articles_fetched:
        print(
            f"(rows after {report.articles_fetched}: listing data only; "
            "--limit N fetches more article pages)"
        )
    for problem in report.problems:
        print(f"problem: {problem}")


def cmd_config(args: argparse.Namespace, config: Config | None) -> int:
    assert config is not None
    from feeds.config import effective_toml

    print(f"# {config.path}: valid, {len(config.sources)} source(s)")
    print(effective_toml(config), end="")
    return EXIT_OK


def cmd_extract(args: argparse.Namespace, config: Config | None) -> int:
    from feeds.extract.article import extract_article
    from feeds.fetch import read_file
    from feeds.guard import Scope

    source: Source | None = config.source(args.source) if config and args.source else None
    rules = source.article if source else ArticleRules()
    zone = ZoneInfo(config.settings.timezone if config else default("settings.timezone"))
    if source:
        zone = source.zone
    encoding = source.encoding if source else None
    failed = False
    with _fetcher(config) as fetcher:
        for target in args.targets:
            try:
                if target.startswith(("http://", "https://")):
                    robots = source.robots if source else True
                    page = fetcher.get(
                        target, scope=Scope.of([target], robots=robots), encoding=encoding
                    )
                else:
                    path = Path(target)
                    url = args.base_url or path.resolve().as_uri()
                    page = read_file(path, url=url, encoding=encoding)
            except (FeedsError, OSError) as e:
                print(json.dumps({"target": target, "error": str(e)}, ensure_ascii=False))
                failed = True
                continue
            now = page.fetched_at or datetime.now(UTC)
            article = extract_article(
                page.text, page.url, rules, now=now, tz=zone, encoding=page.encoding
            )
            date = article.date or article.metadata_date
            record = {
                "target": target,
                "url": article.url,
                "canonical_url": article.canonical_url,
                "title": article.title,
                "date": date.value.isoformat() if date else None,
                "date_has_time": date.has_time if date else None,
                "author": article.author,
                "summary": article.summary,
                "content": article.content_html,
                "encoding": article.encoding,
                "language": article.language,
                "origins": article.origins,
            }
            indent = None if args.json else 2
            print(json.dumps(record, ensure_ascii=False, indent=indent))
    return EXIT_FAILED if failed else EXIT_OK


def cmd_run(args: argparse.Namespace, config: Config | None) -> int:
    assert config is not None
    from feeds import logs
    from feeds.app import fewer_malloc_arenas
    from feeds.listener import Listen
    from feeds.service import Service

    try:
        listen = Listen.parse(args.listen)
    except ValueError as e:
        print(f"run: {e}", file=sys.stderr)
        return EXIT_CONFIG
    logs.setup(args.log_format)
    fewer_malloc_arenas()
    service = Service(config)
    service.start()
    service.run_server(listen)
    if service.abandoned:
        # Polls hung on a site still hold their (non-daemon) threads, which the interpreter
        # would join forever at exit. Their writes are transactions: nothing half-done stays.
        logging.shutdown()
        sys.stdout.flush()
        os._exit(EXIT_OK)
    return EXIT_OK


def cmd_migrate(args: argparse.Namespace, config: Config | None) -> int:
    assert config is not None
    from feeds.migrate import migrate, report

    print("\n".join(report(migrate(config.settings, args.to, force=args.force))))
    return EXIT_OK


def cmd_healthcheck(url: str) -> int:
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return EXIT_OK if response.status == 200 else EXIT_FAILED
    except OSError as e:
        print(f"healthcheck: {url} does not answer: {e}", file=sys.stderr)
        return EXIT_FAILED


def cmd_discover(args: argparse.Namespace, config: Config | None) -> int:
    from feeds.discover import discovery_report, print_discovery
    from feeds.extract.detect import declared_address, detect_listing
    from feeds.fetch import read_file
    from feeds.scripted import look_rendered

    target: str = args.target
    address: str | None = "--base-url" if args.base_url else None
    script: Scripted | None = None
    try:
        if target.startswith(("http://", "https://")):
            with _fetcher(config) as fetcher:
                page = fetcher.get(target)
                detection = detect_listing(page.text, page.url)
                # a page its scripts fill in: rendered, detected again, its APIs named
                page, detection, script = look_rendered(fetcher, page, detection)
            address = "fetched"
        else:
            path = Path(target)
            page = read_file(path, url=args.base_url or path.resolve().as_uri())
            declared = None if args.base_url else declared_address(page.text)
            if declared is not None:
                # A saved page read as if fetched from the address it gives itself: its
                # relative links resolve and its own site is known (issue 12.9).
                page = dataclasses.replace(page, url=declared[0])
                address = declared[1]
            detection = detect_listing(page.text, page.url)
    except (FeedsError, OSError) as e:
        print(f"discover: {e}", file=sys.stderr)
        return EXIT_FAILED
    rendered = script is not None and script.rendered
    report = discovery_report(detection, page.url, _page_zone(config, page.url), render=rendered)
    report["address"] = address
    report["script"] = script.report() if script is not None else None
    if address is None:
        report["config"] = None  # a file:// URL that `feeds config` would refuse
        report["config_problem"] = (
            f"{target} does not say its address (no <link rel=canonical>, og:url or "
            "<base href>); pass --base-url URL, the address it was saved from, for a "
            "[[source]] block and links that resolve"
        )
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print_discovery(report)
    return EXIT_OK if detection.chosen is not None and address is not None else EXIT_FAILED


def _page_zone(config: Config | None, url: str) -> tzinfo:
    """The zone of a configured source that reads this page, else the settings' zone."""
    if config is None:
        return ZoneInfo(default("settings.timezone"))
    for source in config.sources:
        if url in source.urls:
            return source.zone
    return ZoneInfo(config.settings.timezone)
