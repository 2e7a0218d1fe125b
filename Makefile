# Wangge — the two commands that matter: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
# The test runs (python -m tests.run): PG_URL is the PostgreSQL run's database (default: one per checkout,
# wangge_<hash>; pytest-django makes test_<name> beside it); REDIS_URL and MQTT_URL (or TEST_REDIS_URL,
# TEST_MQTT_URL) the shared servers, where each run keeps to keys and topics of its own.
PG_URL ?=
# CLOCK=<name or ISO instant> runs the suites as if it were then (tests/clock.py); unset, the SQLite run
# uses the real clock and the PostgreSQL run the instant of the day, so each CI run tries one more.
CLOCK ?=
PYTEST_ARGS ?=
TEST_RUN = PG_URL="$(PG_URL)" CLOCK="$(CLOCK)" $(PY) -m tests.run

.PHONY: run test setup setup-dev assets demo serve lint format bench test-sqlite test-postgres e2e clean

## run: install everything, migrate, load the demo town when the database is empty, and serve on :8000
run: setup
	@$(PY) manage.py migrate --noinput -v0
	@$(PY) manage.py collectstatic --noinput -v0
	@$(PY) manage.py demo --if-empty
	@$(PY) manage.py serve --host $(HOST) --port $(PORT)

## test: the suite on SQLite and on PostgreSQL with Redis side by side, then the browser journeys
## (each run's output whole when it ends, then a summary). Locally a missing service or program skips
## what needs it, with the reason; under CI=true it fails.
test: setup-dev
	@$(TEST_RUN) -- $(PYTEST_ARGS)

test-sqlite: setup-dev
	@$(TEST_RUN) sqlite -- $(PYTEST_ARGS)

test-postgres: setup-dev
	@$(TEST_RUN) postgres -- $(PYTEST_ARGS)

e2e: setup-dev
	@$(TEST_RUN) e2e -- $(PYTEST_ARGS)

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

## bench: the benchmarks (python -m bench; e.g. BENCH_ARGS="--cases 5000000 --scale 10"), table in bench/results/latest.md
bench: setup-dev
	@$(PY) -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) node_modules var/static
