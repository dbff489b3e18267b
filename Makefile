# simcenter: two commands on a fresh machine.
#   make demo   set up .venv and run the main job on the shipped scenarios
#   make test   set up .venv with the development extras and run the whole test suite
# Set-up is stamped: a second run installs nothing unless pyproject.toml changed.

SHELL := /bin/bash
VENV  ?= .venv
PY    := $(VENV)/bin/python
PIP   := $(PY) -m pip --disable-pip-version-check
PYTEST_ARGS ?=

.PHONY: demo test venv dev clean help

help:
	@echo "make demo   - set up and run the main job on the shipped scenarios"
	@echo "make test   - set up (with development extras) and run the test suite"
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

venv: $(VENV)/.base
dev: $(VENV)/.dev

demo: $(VENV)/.base
	$(VENV)/bin/simcenter catalog
	$(VENV)/bin/simcenter validate scenarios
	$(VENV)/bin/simcenter run scenarios/plovdiv/base.yaml --reps 20 --out results/demo
	@echo "Results, tables and figures: results/demo/"

test: $(VENV)/.dev
	$(PY) -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .hypothesis
