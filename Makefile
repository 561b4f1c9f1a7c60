# twintowns — every target creates and uses its own virtualenv in .venv.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SOURCES ?= ../shared/sources
# Two levels of set-up in the one .venv: `make demo` installs twintowns with its
# runtime dependencies only; every other target adds the development tools.
RUNTIME := $(VENV)/.installed-runtime
STAMP := $(VENV)/.installed-dev

.PHONY: demo test lint typecheck data data-check bench docs dist dist-check clean browser-test screenshots

$(RUNTIME): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -e .
	touch $(RUNTIME)

$(STAMP): $(RUNTIME) pyproject.toml
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(RUNTIME)
	$(PY) examples/demo.py

test: $(STAMP)
	$(PY) -m pytest
	$(PY) -m mypy
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

# ruff, and the import contract: no cycle, no lower layer importing a higher one.
lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m pytest -q tests/test_imports.py

typecheck: $(STAMP)
	$(PY) -m mypy

# Rebuild the bundled dataset from the raw public sources.
data: $(STAMP)
	$(PY) -m databuild --sources $(SOURCES) --out src/twintowns/data --report databuild/report

# Rebuild into a temporary folder and fail if one byte differs from the committed data.
data-check: $(STAMP)
	rm -rf .data-check && mkdir -p .data-check
	$(PY) -m databuild --sources $(SOURCES) --out .data-check/data --report .data-check/report
	diff -r src/twintowns/data .data-check/data
	diff -r databuild/report .data-check/report
	rm -rf .data-check

bench: $(STAMP)
	$(PY) -m benchmarks

# The documentation site, built strictly (any warning fails) and offline into site/.
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(PY) -m mkdocs build --strict --clean --site-dir site

# The sdist and the wheel, built from a clean dist/ and checked with twine.
dist: $(STAMP)
	rm -rf dist build
	$(PY) -m build --quiet --outdir dist .
	$(PY) -m twine check --strict dist/*

# What `make dist` built, checked as users and packagers meet it (scripts/dist-check.sh):
# licence files and metadata, the test suite from the unpacked sdist, the wheel in a clean venv.
dist-check: dist
	scripts/dist-check.sh $(PY)

# Only the tests that open pages in headless Chromium (pytest marker "browser").
browser-test: $(STAMP)
	$(PY) -m pytest -m browser

# Renew the docs' screenshot of the offline map from the browser test's own.
screenshots: browser-test
	cp build/browser/offline-map-charlotte.png docs/img/offline-map-charlotte.png

clean:
	rm -rf $(VENV) build dist site .data-check .mypy_cache .pytest_cache .ruff_cache
