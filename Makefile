# spoc-kb: `make run` sets up and serves the sample knowledge base,
# `make test` sets up and runs the whole test suite.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
WORKERS ?= 2

.PHONY: setup dictionary browser haproxy run index test test-fast lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# torch is pinned first: this version installs the CPU build on the target
# machines, an unpinned one would pull a multi-GB CUDA build.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

setup: $(VENV)/.installed dictionary

# German questions over English articles are translated through the German-
# English dictionary of Debian's trans-de-en (setting translation_dictionary,
# docs/search.md). Installed where we may (root, apt-get); never a failure.
DICTIONARY := /usr/share/trans/de-en
dictionary:
	@test -f $(DICTIONARY) || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's trans-de-en for query translation"; \
	    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq trans-de-en; } \
	      || echo "trans-de-en could not be installed: German queries go untranslated"; \
	  else \
	    echo "No $(DICTIONARY) (Debian's trans-de-en, installed as root): German queries go untranslated"; \
	  fi; }

# Browser tests drive the system Chromium; install it when it is missing.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; }

# The cluster tests put HAProxy in front of several nodes; install it when missing.
haproxy:
	@command -v haproxy >/dev/null 2>&1 || { \
	  echo "Installing Debian's haproxy for the cluster tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy; }

index: setup
	$(BIN)/kb index

run: setup
	$(BIN)/kb index
	$(BIN)/kb demo traffic --days 60 --if-empty
	$(BIN)/kb insights refresh
	$(BIN)/kb serve --host $(HOST) --port $(PORT) --workers $(WORKERS) --demo-users --watch

test: setup browser haproxy
	$(BIN)/python -m pytest -q

test-fast: setup
	$(BIN)/python -m pytest -q -m "not slow and not browser and not postgres"

# Lint: ruff's rules and its formatting over the whole tree, mypy over the
# product packages (settings in pyproject.toml). CI runs it before the tests.
lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

clean:
	rm -rf var test-output .pytest_cache
