# syntax=docker/dockerfile:1
# feeds: build with `docker build -t feeds .`; see README.md ("Running as a service").
# The install steps here are replayed outside Docker by tests/test_install.py: keep them in step.

ARG PYTHON_VERSION=3.11

# --- builder: a wheel of feeds plus a wheel of every dependency ------------------------------
FROM python:${PYTHON_VERSION}-slim AS builder

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /src
COPY pyproject.toml README.md ./
COPY feeds ./feeds
# A current pip resolves the dependencies (older ones miss extras such as lxml[html_clean]);
# the postgres extra too, so one image runs on SQLite or, several at once, on PostgreSQL;
# the runtime stage installs exactly the wheels resolved here.
RUN python -m pip install --upgrade "pip>=25" \
 && python -m pip wheel --no-deps --wheel-dir /wheels . \
 && python -m pip wheel --wheel-dir /wheels /wheels/feeds-*.whl \
 && python -m pip wheel --wheel-dir /wheels "$(ls /wheels/feeds-*.whl)[postgres]"
# The browser extra's wheels (Playwright and its few dependencies), for the browser target only.
RUN python -m pip wheel --wheel-dir /wheels-browser --find-links /wheels \
        "$(ls /wheels/feeds-*.whl)[browser]" \
 && for wheel in /wheels-browser/*.whl; do \
        if [ -e "/wheels/$(basename "$wheel")" ]; then rm "$wheel"; fi; done

# --- runtime: the wheels installed, no build tools, no pip cache, a non-root user -------------
FROM python:${PYTHON_VERSION}-slim AS runtime

ARG PYTHON_VERSION
ARG VERSION=0.1.0
LABEL org.opencontainers.image.title="feeds" \
      org.opencontainers.image.description="Real RSS, Atom and JSON feeds for web portals that have none" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.base.name="docker.io/library/python:${PYTHON_VERSION}-slim"

RUN groupadd --system --gid 10001 feeds \
 && useradd --system --uid 10001 --gid feeds --home-dir /data --no-create-home \
        --shell /usr/sbin/nologin feeds \
 && mkdir -p /config /data \
 && chown feeds:feeds /data

RUN --mount=type=bind,from=builder,source=/wheels,target=/wheels \
    python -m pip install --no-cache-dir --disable-pip-version-check \
        --no-index --no-deps /wheels/*.whl \
 && python -m pip check

COPY docker/config.toml /config/config.toml

ENV FEEDS_CONFIG=/config/config.toml \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1

USER 10001:10001
WORKDIR /data
VOLUME ["/config", "/data"]
EXPOSE 8080

HEALTHCHECK --interval=30s --timeout=10s --start-period=20s --retries=3 \
    CMD ["feeds", "healthcheck"]

CMD ["feeds", "run", "--listen", "0.0.0.0:8080"]

# --- browser: the runtime plus Debian's Chromium and Playwright, for sources with
# render = "browser" (README: "Pages built by JavaScript"). Build it with
#   docker build --target browser -t feeds:browser .
# Playwright drives the system's /usr/bin/chromium (settings.browser = "chromium"); no browser
# is downloaded. Chromium runs as the same non-root user; --disable-dev-shm-usage (set by feeds)
# keeps it within Docker's 64 MB /dev/shm.
FROM runtime AS browser
USER root
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium \
 && rm -rf /var/lib/apt/lists/*
RUN --mount=type=bind,from=builder,source=/wheels-browser,target=/wheels-browser \
    python -m pip install --no-cache-dir --disable-pip-version-check \
        --no-index --no-deps /wheels-browser/*.whl \
 && python -m pip check
USER 10001:10001

# --- the default target (`docker build .`) stays the slim image, without a browser ------------
FROM runtime AS slim
