# Every install step lives here so a clean clone needs only `make test` or `make run`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-slow lint typecheck venv clean browser postgres bench bench-tools

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

# `make run PORT=8081` when 8080 is taken; LISTEN=0.0.0.0:8080 to be reachable from elsewhere.
PORT ?= 8080
LISTEN ?= 127.0.0.1:$(PORT)

run: $(STAMP)
	$(BIN)/feeds run --config $${FEEDS_CONFIG:-config.toml} --listen $(LISTEN)

lint: $(STAMP)
	$(BIN)/ruff check feeds tests bench
	$(BIN)/ruff format --check feeds tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

# The browser test needs Debian's chromium; CI (CI=true, root) installs it, elsewhere the test
# skips with a message when it is missing.
browser:
	@if [ -n "$$CI" ] && ! command -v chromium >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 \
	  && [ "$$(id -u)" = 0 ]; then \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) \
	    >/dev/null || echo "chromium could not be installed: the browser test will skip"; \
	fi

# The PostgreSQL store's tests need a server on 127.0.0.1:5432 (user postgres, trust auth). CI
# (CI=true) starts the machine's own cluster when it is down, and its tests fail rather than
# skip without one; elsewhere they skip with a message.
postgres:
	@if [ -n "$$CI" ] && command -v pg_isready >/dev/null 2>&1 && ! pg_isready -q -h 127.0.0.1; then \
	  if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then \
	    pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start \
	      || echo "PostgreSQL could not be started: its tests will fail"; \
	  fi; \
	fi

# The soak (pytest marker `soak`, minutes long) and then the corpus-wide tests (CPU-bound:
# every corpus page extracted and detected, both readers held equal) run in their own pytest
# beside the rest of the suite, which is mostly waiting on sockets, so that the two cores
# share the work; all must pass.
CORPUS_TESTS := tests/test_corpus.py tests/test_fast_article.py tests/test_fast_listing.py
test: lint typecheck browser postgres
	@rm -f .soak.log .corpus.log; ($(BIN)/pytest -q -p no:cacheprovider -m soak > .soak.log 2>&1; \
	  echo $$? > .soak.code; \
	  $(BIN)/pytest -q -p no:cacheprovider $(CORPUS_TESTS) > .corpus.log 2>&1; \
	  echo $$? > .corpus.code) & \
	$(BIN)/pytest -q $(CORPUS_TESTS:%=--ignore=%); main=$$?; wait; \
	soak=$$(cat .soak.code); corpus=$$(cat .corpus.code); \
	echo "--- soak (pytest -m soak):"; tail -n 5 .soak.log; \
	echo "--- corpus ($(CORPUS_TESTS)):"; tail -n 5 .corpus.log; \
	rm -f .soak.code .corpus.code; \
	[ $$main -eq 0 ] && [ $$soak -eq 0 ] && [ $$corpus -eq 0 ]

# The long reliability runs (pytest marker `slow`): crash loop, soak, peak memory.
test-slow: $(STAMP)
	$(BIN)/pytest -q -m slow

# The peers of the benchmark (issue 5) live in their own venv, never in the package's deps.
PEERS := bench/.venv-peers
PEERS_STAMP := $(PEERS)/.installed
PEER_PACKAGES := morss==20230627.2039 newslinkrss==0.12.0 lxml_html_clean

$(PEERS_STAMP):
	$(PY) -m venv $(PEERS)
	@if $(PEERS)/bin/pip install --quiet $(PEER_PACKAGES); then touch $(PEERS_STAMP); \
	else echo "the peers could not be installed: their rows will say so"; fi

# Scenarios 1-5 and the serving benchmark; tables on stdout and in bench/results/latest.md.
# BENCH_ARGS="--only 1,3 --quick" runs a subset while developing.
# wrk and nginx (the serving table) and GNU time (peak RSS) come from Debian's packages;
# installed here when missing and root, else the rows that need them say so.
bench-tools:
	@missing=""; for tool in wrk nginx:/usr/sbin/nginx time:/usr/bin/time php-cli:/usr/bin/php; do \
	  name=$${tool%%:*}; path=$${tool#*:}; \
	  command -v $$name >/dev/null 2>&1 || [ -x "$$path" ] || missing="$$missing $$name"; done; \
	for ext in curl mbstring xml; do \
	  php -r "exit(extension_loaded('$$ext') ? 0 : 1);" 2>/dev/null || missing="$$missing php-$$ext"; done; \
	if [ -n "$$missing" ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing) \
	    >/dev/null || echo "could not install$$missing: those rows will say so"; fi

bench: $(STAMP) $(PEERS_STAMP) bench-tools
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
