# The two commands of the README's quick start: `make build` and `make test`.
# Each sets up everything it needs on a fresh machine (Debian, Python 3.11).

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: build test check lint frameworks system-packages test-system-packages node-packages clean

build: system-packages $(STAMP)
	$(BIN)/guidebuild build

test: test-system-packages node-packages $(STAMP)
	$(BIN)/ruff check src tests benchmarks conf.py
	$(BIN)/mypy
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks conf.py
	$(BIN)/mypy

system-packages:
	@scripts/system-packages.sh

test-system-packages:
	@scripts/system-packages.sh --test

# pdf.js for the PDF form's round-trip tests, at the version package-lock.json pins.
node-packages: test-system-packages
	@test -d tests/js/node_modules || npm ci --prefix tests/js --no-audit --no-fund

# Reinstall when the dependencies change.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The frameworks shipped in the package, generated from checklists/ and a build: run it
# after editing checklists/, the recommendations, or the code that reads a framework
# (guidebuild.framework.compiled.MAKERS); a test fails until then.
frameworks: $(STAMP)
	$(BIN)/guidebuild build --no-pdf -q
	$(BIN)/python scripts/bundle_frameworks.py

clean:
	rm -rf _build .pytest_cache .mypy_cache .ruff_cache
