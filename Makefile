# simcenter: two commands on a fresh machine.
#   make demo   set up .venv and run the main job on the shipped scenarios
#   make test   set up .venv with the development extras and run the whole test suite
# Set-up is stamped: a second run installs nothing unless pyproject.toml changed.

SHELL := /bin/bash
VENV  ?= .venv
PY    := $(VENV)/bin/python
PIP   := $(PY) -m pip --disable-pip-version-check
PYTEST_ARGS ?=

.PHONY: demo test bench venv dev clean help

help:
	@echo "make demo   - set up and run the main job on the shipped scenarios"
	@echo "make test   - set up (with development extras) and run the test suite"
	@echo "make bench  - set up and run the benchmarks (table; benchmarks/results.json)"
	@echo "make clean  - remove .venv and generated output"

$(VENV)/.python:
	@PYTHON_BIN="$${PYTHON:-$$(scripts/find-python)}" || exit 1; \
	echo "Using $$PYTHON_BIN ($$($$PYTHON_BIN --version))"; \
	"$$PYTHON_BIN" -m venv $(VENV) && \
	$(PIP) install --quiet --upgrade "pip>=24" && \
	touch $@

$(VENV)/.base: $(VENV)/.python pyproject.toml
	$(PIP) install --quiet -e .
	@touch $@

$(VENV)/.dev: $(VENV)/.base pyproject.toml
	$(PIP) install --quiet -e ".[dev]"
	@touch $@

# Browser tests drive Debian's Chromium; install it when missing (needs root, as on CI).
CHROMIUM ?= /usr/bin/chromium
$(VENV)/.system:
	@if [ ! -x "$(CHROMIUM)" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Chromium for the browser tests (apt-get)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "Chromium not found at $(CHROMIUM): browser tests will fail. Install it, e.g. sudo apt-get install chromium"; \
	  fi; \
	fi
	@mkdir -p $(VENV) && touch $@

# The model's compiled loops (simcenter/fast/, Numba) are compiled once per machine, about
# 20 s, and cached next to the code: done here, so that the first run, test or demo does not wait.
$(VENV)/.compiled: $(VENV)/.base $(wildcard simcenter/fast/*.py)
	@echo "Compiling the model's loops (once per machine, about 20 s)"
	$(PY) -m simcenter.run.warm
	@touch $@

venv: $(VENV)/.base $(VENV)/.compiled
dev: $(VENV)/.dev $(VENV)/.compiled

demo: $(VENV)/.base $(VENV)/.compiled
	$(VENV)/bin/simcenter catalog
	$(VENV)/bin/simcenter validate scenarios
	$(VENV)/bin/simcenter compare scenarios/plovdiv --reps 30 --out results/plovdiv
	@echo "The comparison report: results/plovdiv/report.html (also report.md, summary.csv, figures/)"

test: $(VENV)/.dev $(VENV)/.system $(VENV)/.compiled
	$(PY) -m pytest $(PYTEST_ARGS)

# Speed and memory at 1,000 .. 1,000,000 entrepreneurs, against idiomatic Mesa and bare numpy
# (docs/performance.md). About two minutes; the table is printed, the figures go to benchmarks/results.json.
bench: $(VENV)/.base $(VENV)/.compiled
	$(PY) benchmarks/run.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .hypothesis
