# Two entry points for a fresh Linux machine with Python 3.11:
#   make run    set up .venv and start the program
#   make test   set up .venv (and the Debian packages the tests need) and run the tests
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
QT_DEBS := libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 libxcb-cursor0
TEST_DEBS := poppler-utils fonts-wqy-zenhei fonts-arphic-uming xvfb

.PHONY: run test test-postgres test-all lint screenshots bench sysdeps-run sysdeps-test clean

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

test: sysdeps-test $(VENV)/.test-installed
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q

# The store and service tests again on a throwaway local PostgreSQL (loopback only).
PG_TESTS := tests/test_services.py tests/test_store.py tests/test_review.py
test-postgres: sysdeps-test $(VENV)/.test-installed
	eval "$$(sh .ci/postgres.sh start)" && QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q $(PG_TESTS); \
	status=$$?; sh .ci/postgres.sh stop; exit $$status

test-all: test test-postgres

lint: $(VENV)/.test-installed
	$(BIN)/ruff check workstation tests

screenshots: sysdeps-test $(VENV)/.test-installed
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m workstation.gui.screenshots screenshots

bench: $(VENV)/.run-installed
	QT_QPA_PLATFORM=offscreen $(BIN)/workstation bench --cases 100000

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
