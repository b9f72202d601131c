# Two commands for a fresh machine: `make demo` and `make test` (see README).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)
MARIADBD := $(shell command -v mariadbd || ls /usr/sbin/mariadbd 2>/dev/null)

.PHONY: setup demo test bench lint mariadb

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]' ruff
	touch $(STAMP)

setup: $(STAMP)

# Debian's MariaDB server: the tests and the benchmark start a private one of their own on 127.0.0.1.
mariadb:
ifeq ($(MARIADBD),)
	@if [ "$$(id -u)" != 0 ]; then echo "MariaDB is needed: run 'sudo apt-get install -y mariadb-server'"; exit 1; fi
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends mariadb-server >/dev/null
endif

demo: setup
	$(BIN)/csm-extension demo

test: setup mariadb
	$(BIN)/pytest

bench: setup mariadb
	$(BIN)/python benchmarks/bench_daily_pass.py

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
