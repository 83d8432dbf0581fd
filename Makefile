# Two entry points for a fresh Linux machine with Python 3.11:
#   make run    set up .venv and start the program
#   make test   set up .venv (and the Debian packages the tests need) and run the tests
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# The libraries Qt needs, as derived by packaging/derive_debs.py (one list, also the .deb's Depends),
# and a CJK font so that the screen shows Chinese on a fresh machine.
QT_DEBS := $(shell grep -o '^[^\#]*' packaging/debian-libs.txt) fonts-wqy-zenhei
TEST_DEBS := poppler-utils fonts-arphic-uming xvfb binutils cups printer-driver-cups-pdf

.PHONY: run test test-postgres load-postgres test-package test-all package lint screenshots bench sysdeps-run sysdeps-test clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.run-installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.test-installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test,postgres]'
	touch $@ $(VENV)/.run-installed

# Installs missing Debian packages when run as root; otherwise says what is missing.
sysdeps-run:
	@sh .ci/debs.sh $(QT_DEBS)

sysdeps-test:
	@sh .ci/debs.sh $(QT_DEBS) $(TEST_DEBS)

run: sysdeps-run $(VENV)/.run-installed
	$(BIN)/workstation

# The many program processes the tests start keep their compiled modules in the venv (a machine may set
# PYTHONDONTWRITEBYTECODE, and then every process would compile the program again from its source).
# The tests run in one process per core (pytest-xdist; each has its own temporary folders, Xvfb displays
# and registers): 6.5 minutes instead of 10 on 2 cores. TEST_JOBS=0 runs them in this one process.
TEST_JOBS ?= auto
test: sysdeps-test $(VENV)/.test-installed
	PYTHONDONTWRITEBYTECODE= PYTHONPYCACHEPREFIX=$(CURDIR)/$(VENV)/pycache QT_QPA_PLATFORM=offscreen \
		$(BIN)/python -m pytest -q -m "not package" -n $(TEST_JOBS)

# The store and service tests again on a throwaway local PostgreSQL (loopback only).
PG_TESTS := tests/test_services.py tests/test_store.py tests/test_review.py tests/test_load.py tests/test_units.py \
	tests/test_search_index.py tests/test_register_order.py tests/test_audit_deferred.py tests/test_dashboard_queries.py \
	tests/test_user_login_race.py tests/test_handover_dates.py
test-postgres: sysdeps-test $(VENV)/.test-installed
	eval "$$(sh .ci/postgres.sh start)" && QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q $(PG_TESTS); \
	status=$$?; sh .ci/postgres.sh stop; exit $$status

# The server under load (issue 19): LOAD_CLIENTS processes for LOAD_SECONDS on the throwaway PostgreSQL; fails on a lost or
# duplicate registration number, a broken audit chain or an operation that failed.
LOAD_CLIENTS ?= 8
LOAD_SECONDS ?= 20
load-postgres: sysdeps-test $(VENV)/.test-installed
	eval "$$(sh .ci/postgres.sh start)" && $(BIN)/workstation bench --db-url "$$WORKSTATION_TEST_DB_URL" \
		--clients $(LOAD_CLIENTS) --seconds $(LOAD_SECONDS); \
	status=$$?; sh .ci/postgres.sh stop; exit $$status

$(VENV)/.package-installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[package,postgres]'
	touch $@

# A self-contained program (PyInstaller, one folder) wrapped in a .deb in the UOS/Kylin layout: dist/*.deb
package: sysdeps-test $(VENV)/.package-installed
	rm -rf dist build/pyinstaller
	$(BIN)/pyinstaller --noconfirm --log-level WARN --distpath build/bundle --workpath build/pyinstaller \
		packaging/workstation.spec
	mkdir -p dist
	$(BIN)/python packaging/build_deb.py build/bundle/workstation dist

# Install the .deb, start it as a clerk under Xvfb, register, remove (as root; .ci/run does this).
test-package: package $(VENV)/.test-installed
	WORKSTATION_DEB="$$(ls dist/*.deb)" QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -s -m package

test-all: test test-postgres test-package

lint: $(VENV)/.test-installed
	$(BIN)/ruff check workstation tests

screenshots: sysdeps-test $(VENV)/.test-installed
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m workstation.gui.screenshots screenshots

bench: $(VENV)/.run-installed
	QT_QPA_PLATFORM=offscreen $(BIN)/workstation bench --cases 100000

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis build dist
