"""Database fixtures: `db` is an empty ERPNext-shaped database on SQLite and on a private MariaDB."""

from __future__ import annotations

import itertools
import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from mariadb_server import INSTALL_HINT, MariaDBUnavailable, find_binaries, private_mariadb  # noqa: E402

from csm_extension.data.db import PyMySQLDatabase, SQLiteDatabase  # noqa: E402
from csm_extension.data.schema import create_erpnext_tables  # noqa: E402

SKIP_ENV = "CSM_SKIP_MARIADB"
_database_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def mariadb_server():
	"""Connection kwargs of a private MariaDB for the whole session; missing binaries fail the tests."""
	if os.environ.get(SKIP_ENV) == "1":
		pytest.skip(f"{SKIP_ENV}=1: MariaDB tests skipped ({INSTALL_HINT} to run them)")
	missing = None
	try:
		find_binaries()
	except MariaDBUnavailable as e:
		missing = str(e)
	if missing:
		pytest.fail(f"{missing} (or set {SKIP_ENV}=1 to skip the MariaDB tests)", pytrace=False)
	with private_mariadb() as params:
		yield params


def _fresh_mariadb(params: dict, name: str) -> PyMySQLDatabase:
	# A database per test: no state leaks between tests, and creating one takes milliseconds.
	admin = PyMySQLDatabase(**{**params, "database": None})
	admin.sql(f"CREATE DATABASE `{name}`")
	admin.close()
	return PyMySQLDatabase(**{**params, "database": name})


@pytest.fixture(params=["sqlite", "mariadb"])
def db(request):
	"""An empty database with `tabCustomer` and `tabSales Invoice`, on each backend."""
	if request.param == "sqlite":
		database = SQLiteDatabase(":memory:")
	else:
		name = f"csm_test_{next(_database_numbers)}"
		database = _fresh_mariadb(request.getfixturevalue("mariadb_server"), name)
	create_erpnext_tables(database)
	database.statements = 0
	yield database
	if request.param == "mariadb":
		database.sql(f"DROP DATABASE `{name}`")
	database.close()


@pytest.fixture
def loaded(tmp_path, capsys):
	"""The CDNOW slice loaded by `csm-extension load` into a fresh SQLite file (the command's tests)."""
	from csm_extension.cli import main
	from tests.cli_support import SLICE

	db = tmp_path / "slice.sqlite"
	code = main(
		[
			"load",
			"--db",
			str(db),
			"--customers",
			str(SLICE / "customers.csv"),
			"--invoices",
			str(SLICE / "sales_invoices.csv"),
		]
	)
	assert code == 0
	assert capsys.readouterr().out == f"Loaded 300 customers and 1,023 sales invoices into {db}\n"
	return db


@pytest.fixture
def in_tmp_path(tmp_path, monkeypatch):
	"""Work in tmp_path, so files are given (and named in messages) as `customers.csv`, `more/x.csv`."""
	monkeypatch.chdir(tmp_path)
