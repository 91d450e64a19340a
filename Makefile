# Allegra Jewels. Quick start: `make run` (demo shop) and `make test` (every test).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PORT ?= 8000
# pip must install exactly what the lock files say, checked by hash.
PIP_INSTALL := $(PIP) install --quiet --disable-pip-version-check --require-hashes --no-deps

.PHONY: run test policy-report bench lint format clean lock install install-dev browser seed

$(VENV)/bin/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.base-installed: requirements/base.txt | $(VENV)/bin/activate
	$(PIP_INSTALL) -r requirements/base.txt
	touch $@

$(VENV)/.dev-installed: requirements/base.txt requirements/dev.txt | $(VENV)/.base-installed
	$(PIP_INSTALL) -r requirements/base.txt -r requirements/dev.txt
	touch $@

install: $(VENV)/.base-installed
install-dev: $(VENV)/.dev-installed

## run: the demo shop in development mode, web server and task worker together
run: install var/dev-keys.env
	@mkdir -p var
	$(DEV_KEYS) DEBUG=1 $(PY) manage.py migrate --no-input -v 0
	$(DEV_KEYS) DEBUG=1 $(PY) manage.py ensure_processors -v 0
	$(DEV_KEYS) DEBUG=1 $(PY) manage.py seed_demo
	DEBUG=1 PORT=$(PORT) scripts/run-dev

seed: install var/dev-keys.env
	$(DEV_KEYS) DEBUG=1 $(PY) manage.py seed_demo

# Encryption keys of the development database, made once (never committed: var/ is ignored). Each recipe
# line is its own shell, so the lines that touch customer data load them with $(DEV_KEYS).
DEV_KEYS := set -a; . ./var/dev-keys.env; set +a;
var/dev-keys.env: | $(VENV)/.base-installed
	@mkdir -p var
	DEBUG=1 $(PY) manage.py generate_dev_keys --output $@

## browser: Debian's Chromium for the browser tests (Playwright drives it; it never downloads a browser)
browser:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
		echo "Installing Debian's chromium package for the browser tests..."; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null); \
	else \
		echo "The browser tests need Chromium at /usr/bin/chromium: run 'sudo apt-get install chromium'."; \
		exit 1; \
	fi

## test: everything the tests need, then every test
test: install-dev browser
	$(PY) -m pytest $(PYTEST_ARGS)

## policy-report: every clause of the policy with the tests that prove it
policy-report: install-dev
	$(PY) -m pytest -q -p no:randomly --policy-report $(PYTEST_ARGS)

## bench: gunicorn + wrk on 10,000 products in var/bench/, then checkout on PostgreSQL (BENCH_ARGS="--skip-checkout" etc.)
bench: install-dev
	@command -v wrk >/dev/null || if [ "$$(id -u)" = 0 ]; then \
		echo "Installing Debian's wrk package for the benchmark..."; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null); \
	else \
		echo "make bench needs the load generator wrk: run 'sudo apt-get install wrk'."; exit 1; \
	fi
	$(PY) bench/run.py $(BENCH_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## lock: re-resolve requirements/*.in into exact, hashed lock files
lock: | $(VENV)/bin/activate
	$(PIP) install --quiet pip-tools
	cd requirements && ../$(VENV)/bin/pip-compile -q --generate-hashes --allow-unsafe --no-emit-index-url --no-emit-find-links --strip-extras -o base.txt base.in
	cd requirements && ../$(VENV)/bin/pip-compile -q --generate-hashes --allow-unsafe --no-emit-index-url --no-emit-find-links --strip-extras -o dev.txt dev.in

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache bench/results
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
