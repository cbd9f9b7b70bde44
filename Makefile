# tapelog: `make demo` opens the TUI on a demo archive, `make test` runs the tests.
# Both create the virtualenv (.venv) with everything, offline Whisper models included.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
DEMO_ARCHIVE ?= demo-archive

.PHONY: venv demo demo-build test test-fast lint bench samples clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "tapelog needs Python >= 3.11")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[models,dev]'
	@touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/tapelog --archive $(DEMO_ARCHIVE) demo

demo-build: $(STAMP)
	$(VENV)/bin/tapelog --archive $(DEMO_ARCHIVE) demo --no-tui

test: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pytest -n 2 -q

test-fast: $(STAMP)
	$(VENV)/bin/pytest -n 2 -q -m "not slow"

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

bench: $(STAMP)
	$(PY) bench/run_all.py

samples: $(STAMP)
	$(PY) samples/make_samples.py

clean:
	rm -rf $(VENV) $(DEMO_ARCHIVE) .pytest_cache .ruff_cache bench/out
