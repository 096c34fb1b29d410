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
# The address printed on certificates, in their QR codes and by the demo: the one `make run`
# serves on (PORT=… included) unless LMS_PUBLIC_URL is set. 0.0.0.0 is not an address to visit.
LMS_PUBLIC_URL ?= http://$(if $(filter 0.0.0.0,$(HOST)),127.0.0.1,$(HOST)):$(PORT)
AXE     := tests/e2e/node_modules/axe-core/axe.min.js

.PHONY: run public-url test test-slow lint format bench chromium clean

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
## (HOST=… PORT=… to change; LMS_PUBLIC_URL follows them unless set)
run: export LMS_PUBLIC_URL := $(LMS_PUBLIC_URL)
run: $(VENV)/.installed-app
	$(LMS) db upgrade
	$(LMS) demo --if-empty
	$(LMS) run --host $(HOST) --port $(PORT)

## public-url: print the address `make run` gives the app (certificates, QR codes, demo banner)
public-url:
	@echo "$(LMS_PUBLIC_URL)"

## test: lint, then the whole suite on SQLite, the PostgreSQL fault test (its own throw-away
## cluster; skipped with a reason when none can be started) and the whole suite on PostgreSQL
## (skipped with a reason when none answers, except under CI=true where that fails)
test: $(VENV)/.installed-test $(AXE) chromium
	$(RUFF) check .
	$(RUFF) format --check .
	@echo "=== Test suite on SQLite ==="
	LMS_TEST_DATABASE_URL=sqlite $(PYTEST)
	@echo "=== Fault test: PostgreSQL restarted under load (a throw-away cluster of its own) ==="
	@echo "(skipped, with the reason below, where no cluster can be started here)"
	$(PYTEST) -m fault tests/fault
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

## bench: issue 15's figures on SQLite and PostgreSQL: list pages at N = 100 and 10,000 (BIG=1
## adds 100,000, slow), the raw-driver twin, the audit packet and the certificate. Not in test.
bench: $(VENV)/.installed-test
	$(PYTHON) -m bench $(if $(BIG),--with-100k)
	$(PYTHON) -m bench.oncall $(or $(N),5000)
	$(PYTHON) -m bench.supervision $(or $(SUPERVISION_N),5000)
	$(PYTHON) -m bench.requirements $(or $(REQUIREMENTS_N),5000)

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
