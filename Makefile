# Wangge — the two commands that matter: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
# CLOCK=<name or ISO instant> runs the suite as if it were then (tests/clock.py); unset, the SQLite run
# uses the real clock and the PostgreSQL run the instant of the day, so each CI run tries one more.
CLOCK ?=

.PHONY: run test setup setup-dev assets demo serve lint format bench test-sqlite test-postgres e2e clean

## run: install everything, migrate, load the demo town when the database is empty, and serve on :8000
run: setup
	@$(PY) manage.py migrate --noinput -v0
	@$(PY) manage.py collectstatic --noinput -v0
	@$(PY) manage.py demo --if-empty
	@$(PY) manage.py serve --host $(HOST) --port $(PORT)

## test: the whole suite on SQLite, then on PostgreSQL when one answers at 127.0.0.1:5432
test: setup-dev
	@$(MAKE) --no-print-directory test-sqlite
	@if $(PY) -c "import psycopg,sys; psycopg.connect('$(PG_URL)', connect_timeout=3).close()" 2>/dev/null; then \
		$(MAKE) --no-print-directory test-postgres; \
	else echo "PostgreSQL does not answer at $(PG_URL): the PostgreSQL run was skipped."; fi

# The browser journeys run in their own process: Playwright's sync API refuses a process where another
# test left an asyncio loop behind. They start their own server on SQLite, so they run once.
test-sqlite:
	@echo "== Test suite on SQLite =="
	@$(VENV)/bin/pytest -q -p no:cacheprovider --ignore=tests/e2e $(if $(CLOCK),--clock=$(CLOCK)) $(PYTEST_ARGS)
	@echo "== Browser journeys (headless Chromium) =="
	@$(VENV)/bin/pytest -q -p no:cacheprovider tests/e2e

test-postgres:
	@clock="$(or $(CLOCK),$$($(PY) -m tests.clock))"; \
	echo "== Test suite on PostgreSQL ($(PG_URL)), clock at $$clock =="; \
	DATABASE_URL=$(PG_URL) $(VENV)/bin/pytest -q -p no:cacheprovider --ignore=tests/e2e --clock=$$clock $(PYTEST_ARGS)

# --- set-up: each step reruns only when its inputs changed ------------------------------------------
setup: $(VENV)/.base-installed node_modules/.installed wangge/locale/zh_Hans/LC_MESSAGES/django.mo
setup-dev: setup $(VENV)/.dev-installed

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

$(VENV)/.base-installed: requirements/base.txt pyproject.toml | $(VENV)/bin/python
	$(PIP) install -q -r requirements/base.txt
	$(PIP) install -q --no-deps -e .
	@touch $@

$(VENV)/.dev-installed: requirements/dev.txt $(VENV)/.base-installed
	$(PIP) install -q -r requirements/dev.txt
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

wangge/locale/zh_Hans/LC_MESSAGES/django.mo: wangge/locale/zh_Hans/LC_MESSAGES/django.po $(VENV)/.base-installed
	$(PY) manage.py compiletranslations

demo: setup
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py demo

serve: setup
	$(PY) manage.py serve --host $(HOST) --port $(PORT)

lint: setup-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run -v0

format: setup-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

e2e: setup-dev
	$(VENV)/bin/pytest -q tests/e2e

## bench: the benchmarks (python -m bench; e.g. BENCH_ARGS="--cases 5000000 --scale 10"), table in bench/results/latest.md
bench: setup-dev
	@$(PY) -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) node_modules var/static
