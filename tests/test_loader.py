"""Loading ERPNext Customer / Sales Invoice CSV exports: good files, and failures that change nothing."""

from __future__ import annotations

from datetime import date

import pytest

from csm_extension.data.loader import LoadError, LoadResult, load_exports
from tests.loader_support import (
	CUSTOMERS,
	INVOICES,
	customers_in,
	invoices_csv,
	invoices_in,
	write,
)

# Files are written under tmp_path and given as a user would, relative to it (`more/x.csv`).
pytestmark = pytest.mark.usefixtures("in_tmp_path")


def test_good_load(db, tmp_path):
	result = load_exports(
		db,
		write(tmp_path, "customers.csv", CUSTOMERS),
		write(tmp_path, "sales_invoices.csv", INVOICES, bom=True),
	)
	assert result == LoadResult(customers=2, invoices=5)
	assert customers_in(db) == [
		("ACME", "Acme Ltd", "Commercial", "India", 0),
		("BETA", "Beta, Inc.", "Commercial", "Rest Of The World", 0),
	]
	# Status -> docstatus: Draft 0, Cancelled 2, anything else (Overdue, Paid, Return) 1.
	assert invoices_in(db) == [
		("SINV-0001", "ACME", date(2024, 1, 15), date(2024, 2, 14), 1, 0, 1234.5, 1234.5, "Acme Corp"),
		("SINV-0002", "ACME", date(2024, 2, 1), None, 1, 0, 100.0, 0.0, "Acme Corp"),
		("SINV-0003", "BETA", date(2024, 2, 3), date(2024, 3, 4), 1, 1, -50.25, 0.0, "Acme Corp"),
		("SINV-0004", "BETA", date(2024, 2, 4), date(2024, 3, 5), 0, 0, 10.0, 10.0, "Acme Corp"),
		("SINV-0005", "BETA", date(2024, 2, 5), date(2024, 3, 6), 2, 0, 12000.0, 0.0, "Acme Corp"),
	]


def test_docstatus_column_and_disabled(db, tmp_path):
	# Customer Group and Territory may be empty: ERPNext 15 does not require them.
	customers = write(
		tmp_path, "customers.csv", "ID,Customer Name,Customer Group,Territory,Disabled\nOLD,Old,,,1\n"
	)
	invoices = invoices_csv(tmp_path, "SINV-1,OLD,2024-03-01,2024-03-31,0,5,0,C,2")
	load_exports(db, customers, invoices)
	assert customers_in(db) == [("OLD", "Old", None, None, 1)]
	assert invoices_in(db) == [("SINV-1", "OLD", date(2024, 3, 1), date(2024, 3, 31), 2, 0, 5.0, 0.0, "C")]


def test_invoices_may_name_customers_already_loaded(db, tmp_path):
	load_exports(db, customers_csv=write(tmp_path, "customers.csv", CUSTOMERS))
	result = load_exports(db, invoices_csv=invoices_csv(tmp_path, "SINV-9,BETA,2024-05-01,,0,1,0,C,1"))
	assert result == LoadResult(customers=0, invoices=1)
	assert [r[0] for r in invoices_in(db)] == ["SINV-9"]


def test_progress_per_batch(db, tmp_path):
	calls = []
	load_exports(
		db,
		write(tmp_path, "customers.csv", CUSTOMERS),
		write(tmp_path, "sales_invoices.csv", INVOICES),
		progress=lambda *args: calls.append(args),
		batch_size=2,
	)
	assert calls == [("customers", 2, 2), ("invoices", 2, 5), ("invoices", 4, 5), ("invoices", 5, 5)]


def test_ids_already_in_the_database_change_nothing(db, tmp_path):
	load_exports(
		db, write(tmp_path, "customers.csv", CUSTOMERS), write(tmp_path, "sales_invoices.csv", INVOICES)
	)
	before = customers_in(db), invoices_in(db)
	more = tmp_path / "more"
	customers = write(more, "customers.csv", "ID,Customer Name,Customer Group,Territory\nNEW,New,G,T\n")
	invoices = invoices_csv(more, "SINV-NEW,NEW,2024-06-01,,0,1,0,C,1", "SINV-0003,NEW,2024-06-02,,0,1,0,C,1")
	with pytest.raises(LoadError) as e:
		load_exports(db, customers, invoices)
	assert (
		str(e.value) == 'more/sales_invoices.csv line 3, column "ID": "SINV-0003" is already in the database'
	)
	assert (customers_in(db), invoices_in(db)) == before

	with pytest.raises(LoadError) as e:
		load_exports(
			db, write(more, "customers.csv", "ID,Customer Name,Customer Group,Territory\nBETA,B,G,T\n")
		)
	assert str(e.value) == 'more/customers.csv line 2, column "ID": "BETA" is already in the database'
	assert (customers_in(db), invoices_in(db)) == before


def test_failure_while_writing_rolls_everything_back(db, tmp_path):
	class FailOnInvoices:
		def __init__(self, inner):
			self.inner = inner

		def __getattr__(self, name):
			return getattr(self.inner, name)

		def executemany(self, query, rows):
			if "tabSales Invoice" in query:
				raise RuntimeError("disk full")
			return self.inner.executemany(query, rows)

	with pytest.raises(RuntimeError, match="disk full"):
		load_exports(
			FailOnInvoices(db),
			write(tmp_path, "customers.csv", CUSTOMERS),
			write(tmp_path, "sales_invoices.csv", INVOICES),
		)
	assert customers_in(db) == []


def test_missing_file(db, tmp_path):
	with pytest.raises(LoadError) as e:
		load_exports(db, "nope.csv")
	assert str(e.value) == "nope.csv: cannot open (No such file or directory)"


def test_empty_file(db, tmp_path):
	with pytest.raises(LoadError) as e:
		load_exports(db, write(tmp_path, "customers.csv", ""))
	assert str(e.value) == "customers.csv line 1: the file is empty (expected a header row)"


def test_statements_do_not_grow_with_the_rows(db, tmp_path):
	"""Lookups are set-based: a load of 300 rows costs the statements a load of 2 does."""
	load_exports(
		db, write(tmp_path, "customers.csv", "ID,Customer Name,Customer Group,Territory\nBASE,b,G,T\n")
	)

	def load(tag, n):
		customers = "".join(f"{tag}{i},c,G,T\n" for i in range(n))
		invoices = [
			f"SINV-{tag}{i},{'BASE' if i % 2 else f'{tag}{i}'},2024-01-01,,0,1,0,C,1" for i in range(n)
		]
		before = db.statements
		load_exports(
			db,
			write(
				tmp_path, f"{tag}/customers.csv", "ID,Customer Name,Customer Group,Territory\n" + customers
			),
			invoices_csv(tmp_path / tag, *invoices),
		)
		return db.statements - before

	assert load("small", 2) == load("large", 300)
	assert len(customers_in(db)) == 303
