# The README's two commands: `make run` and `make test`. Nothing here depends on anything
# installed by hand: the virtualenv, Python packages, Chromium and axe-core are installed
# on first use.

VENV    := .venv
PYTHON  := $(VENV)/bin/python
PIP     := $(VENV)/bin/pip
LMS     := $(VENV)/bin/lms
PYTEST  := $(VENV)/bin/pytest
RUFF    := $(VENV)/bin/ruff
HOST    ?= 127.0.0.1
PORT    ?= 5000
AXE     := tests/e2e/node_modules/axe-core/axe.min.js

.PHONY: run test test-slow lint format bench chromium clean

$(PYTHON):
	python3 -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

# Stamp files: reinstall only when pyproject.toml changes.
$(VENV)/.installed-app: pyproject.toml | $(PYTHON)
	$(PIP) install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(PYTHON)
	$(PIP) install --quiet -e '.[test]'
	@touch $@ $(VENV)/.installed-app

## run: migrate the SQLite database, load the demo into an empty one, serve on 127.0.0.1:5000
run: $(VENV)/.installed-app
	$(LMS) db upgrade
	$(LMS) demo --if-empty
	$(LMS) run --host $(HOST) --port $(PORT)

## test: lint, then the whole suite on SQLite and on PostgreSQL (skipped with a reason when
## none answers, except under CI=true where that fails)
test: $(VENV)/.installed-test $(AXE) chromium
	$(RUFF) check .
	$(RUFF) format --check .
	@echo "=== Test suite on SQLite ==="
	LMS_TEST_DATABASE_URL=sqlite $(PYTEST)
	@echo "=== Test suite on PostgreSQL ==="
	@url=$$($(PYTHON) -m tests.support.databases postgres-url); status=$$?; \
	if [ $$status -ne 0 ]; then \
	  if [ "$$CI" = "true" ]; then \
	    echo "PostgreSQL run FAILED: $$url (CI must run the suite on PostgreSQL)"; exit 1; \
	  fi; \
	  echo "PostgreSQL run SKIPPED: $$url"; \
	else \
	  LMS_TEST_DATABASE_URL="$$url" $(PYTEST) || exit $$?; \
	  echo "=== Both runs passed: SQLite and PostgreSQL ==="; \
	fi

## test-slow: the long sampling runs that the default suite deselects (-m slow)
test-slow: $(VENV)/.installed-test
	$(PYTEST) -m slow

## bench: time the pages that list people (the requirements matrix too) with 2,000 synthetic mentors (N=… to change)
bench: $(VENV)/.installed-test
	$(PYTHON) -m bench.pages $(or $(N),2000)

lint: $(VENV)/.installed-test
	$(RUFF) check .
	$(RUFF) format --check .

format: $(VENV)/.installed-test
	$(RUFF) format .
	$(RUFF) check --fix .

# axe-core for the browser tests' accessibility scans, from the npm registry, at install time.
$(AXE): tests/e2e/package.json
	@command -v npm >/dev/null || { echo "npm is needed to install axe-core for the browser tests (apt-get install npm)"; exit 1; }
	cd tests/e2e && npm install --no-audit --no-fund --loglevel=error
	@touch $@

# Debian's Chromium for the browser tests (Playwright never downloads a browser here).
chromium:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "Installing Debian's chromium for the browser tests..."; \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; \
	  else \
	    echo "Chromium is missing and this is not root: run 'sudo apt-get install chromium', then make test again."; \
	    exit 1; \
	  fi; \
	fi

clean:
	rm -rf $(VENV) tests/e2e/node_modules test-artifacts .pytest_cache .ruff_cache *.egg-info
