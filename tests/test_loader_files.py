"""How the loader reads files: names as given, blank lines, headers, and IDs compared as a site
compares them."""

from __future__ import annotations

import pytest

from csm_extension.data.loader import LoadError, load_exports
from tests.loader_support import (
	CUSTOMERS,
	INVOICE_HEADER,
	STATUS_HEADER,
	customers_in,
	invoices_csv,
	invoices_in,
	write,
)

# Files are written under tmp_path and given as a user would, relative to it (`more/x.csv`).
pytestmark = pytest.mark.usefixtures("in_tmp_path")


def test_files_are_named_as_given(db, tmp_path):
	bad = write(
		tmp_path, "a/b/customers.csv", "ID,Customer Name,Customer Group,Territory,Disabled\nA,a,G,T,x\n"
	)
	with pytest.raises(LoadError) as e:
		load_exports(db, "a/b/customers.csv")
	assert (
		str(e.value)
		== 'a/b/customers.csv line 2, column "Disabled": "x" is not a check value (expected 0 or 1)'
	)
	with pytest.raises(LoadError) as e:
		load_exports(db, tmp_path / bad)
	assert str(e.value) == (
		f'{tmp_path}/a/b/customers.csv line 2, column "Disabled": "x" is not a check value (expected 0 or 1)'
	)
	with pytest.raises(LoadError) as e:
		load_exports(db, "a/b/nope.csv")
	assert str(e.value) == "a/b/nope.csv: cannot open (No such file or directory)"

	customers = write(tmp_path, "a/b/customers.csv", CUSTOMERS)
	invoices = write(
		tmp_path, "a/sales_invoices.csv", f"{INVOICE_HEADER}\nSINV-1,GAMMA,2024-01-01,,0,1,0,C,1\n"
	)
	with pytest.raises(LoadError) as e:
		load_exports(db, customers, invoices)
	assert str(e.value) == (
		'a/sales_invoices.csv line 2, column "Customer": "GAMMA" is not a known customer '
		"(not in a/b/customers.csv nor the database)"
	)
	with pytest.raises(LoadError) as e:
		load_exports(db, invoices_csv=invoices)
	assert str(e.value) == (
		'a/sales_invoices.csv line 2, column "Customer": "GAMMA" is not a known customer (not in the database)'
	)
	assert customers_in(db) == []


def test_blank_lines_before_the_header(db, tmp_path):
	text = "\n  \n,,\r\nID,Customer Name,Customer Group,Territory,Disabled\nA,a,G,T,0\n\nB,b,G,T,no\n"
	with pytest.raises(LoadError) as e:
		load_exports(db, write(tmp_path, "customers.csv", text))
	assert (
		str(e.value) == 'customers.csv line 7, column "Disabled": "no" is not a check value (expected 0 or 1)'
	)

	with pytest.raises(LoadError) as e:
		load_exports(db, write(tmp_path, "customers.csv", "\n\nID,Customer Name,Customer Group\nA,a,G\n"))
	assert str(e.value) == 'customers.csv line 3, column "Territory": missing required column'

	with pytest.raises(LoadError) as e:
		load_exports(db, write(tmp_path, "customers.csv", "\n \n,\n"))
	assert str(e.value) == "customers.csv line 1: the file has only blank lines (expected a header row)"

	load_exports(db, write(tmp_path, "customers.csv", "\ufeff\n\n" + CUSTOMERS))
	assert [r[0] for r in customers_in(db)] == ["ACME", "BETA"]


@pytest.mark.parametrize(
	"text, message",
	[
		(
			"ID;Customer Name;Customer Group;Territory\nA;a;G;T\n",
			'customers.csv line 1: the header is a single field; the file seems separated by ";", '
			"but ERPNext exports commas (export it again, or save it as comma-separated CSV)",
		),
		(
			"\nID\tCustomer Name\tCustomer Group\tTerritory\nA\ta\tG\tT\n",
			"customers.csv line 2: the header is a single field; the file seems separated by tabs, "
			"but ERPNext exports commas (export it again, or save it as comma-separated CSV)",
		),
		# Labels the loader reads must be unique, compared as the loader compares them.
		(
			"ID,Customer Name,Customer Group,Territory, id \nA,a,G,T,B\n",
			'customers.csv line 1: column "ID" appears twice in the header (fields 1 and 5)',
		),
		(
			"Customer Name,ID,customer name,Customer Group,Territory,CUSTOMER NAME\n",
			'customers.csv line 1: column "Customer Name" appears 3 times in the header (fields 1, 3 and 6)',
		),
		(
			"ID,Customer Name,Customer Group,Territory\nA,a\x00,G,T\n",
			'customers.csv line 2, column "Customer Name": contains a NUL byte',
		),
		(
			"ID,Customer Name,Customer Group,Territory,\nA,a,G,T,\x00\n",
			"customers.csv line 2, field 5: contains a NUL byte",
		),
		(
			"ID,Customer Name,Customer Group,Territory,Notes\x00\n",
			"customers.csv line 1: field 5 of the header contains a NUL byte",
		),
	],
)
def test_bad_header(db, tmp_path, text, message):
	with pytest.raises(LoadError) as e:
		load_exports(db, write(tmp_path, "customers.csv", text))
	assert str(e.value) == message
	assert customers_in(db) == []


def test_duplicate_labels_of_other_columns_and_status_columns(db, tmp_path):
	# A label the loader does not read may repeat; Status and Docstatus are read, so they may not.
	customers = write(
		tmp_path, "customers.csv", "Sr,ID,Customer Name,Customer Group,Territory,Sr\n1,A,a,G,T,1\n"
	)
	load_exports(db, customers)
	assert [r[0] for r in customers_in(db)] == ["A"]
	invoices = write(
		tmp_path, "sales_invoices.csv", STATUS_HEADER + ",status\nSINV-1,A,2024-01-01,,0,1,0,C,Paid,Draft\n"
	)
	with pytest.raises(LoadError) as e:
		load_exports(db, invoices_csv=invoices)
	assert (
		str(e.value)
		== 'sales_invoices.csv line 1: column "Status" appears twice in the header (fields 9 and 10)'
	)


SAME_NAME = "ERPNext compares names ignoring case and accents"
HEADER = "ID,Customer Name,Customer Group,Territory\n"


@pytest.mark.parametrize(
	"rows, message",
	[
		(
			CUSTOMERS.split("\n", 1)[1] + "Acme,Acme again,G,T\n",
			f'line 4, column "ID": "Acme" is a duplicate ID (first on line 2 as "ACME"; {SAME_NAME})',
		),
		(
			"Café,1,G,T\nStraße,2,G,T\nCAFE,3,G,T\n",
			f'line 4, column "ID": "CAFE" is a duplicate ID (first on line 2 as "Café"; {SAME_NAME})',
		),
		(
			"Straße,1,G,T\nSTRASSE,2,G,T\n",
			f'line 3, column "ID": "STRASSE" is a duplicate ID (first on line 2 as "Straße"; {SAME_NAME})',
		),
	],
)
def test_ids_in_one_file_are_compared_as_a_site_compares_them(db, tmp_path, rows, message):
	with pytest.raises(LoadError) as e:
		load_exports(db, write(tmp_path, "customers.csv", HEADER + rows))
	assert str(e.value) == f"customers.csv {message}"


def test_ids_against_the_database_are_compared_as_a_site_compares_them(db, tmp_path):
	load_exports(
		db,
		write(tmp_path, "customers.csv", CUSTOMERS),
		invoices_csv(tmp_path, "SINV-1,ACME,2024-01-01,,0,1,0,C,1"),
	)
	before = customers_in(db), invoices_in(db)
	with pytest.raises(LoadError) as e:
		load_exports(
			db,
			write(
				tmp_path,
				"more/customers.csv",
				"ID,Customer Name,Customer Group,Territory\nNEW,n,G,T\nbeta,b,G,T\n",
			),
		)
	assert str(e.value) == (
		'more/customers.csv line 3, column "ID": "beta" is already in the database as "BETA" '
		"(ERPNext compares names ignoring case and accents)"
	)
	with pytest.raises(LoadError) as e:
		load_exports(db, invoices_csv=invoices_csv(tmp_path / "more", "sinv-1,ACME,2024-01-02,,0,1,0,C,1"))
	assert str(e.value) == (
		'more/sales_invoices.csv line 2, column "ID": "sinv-1" is already in the database as "SINV-1" '
		"(ERPNext compares names ignoring case and accents)"
	)
	# An invoice's customer must be spelt as the customer is; the message points at the customer meant.
	with pytest.raises(LoadError) as e:
		load_exports(
			db,
			invoices_csv=invoices_csv(
				tmp_path / "more", "SINV-2,BETA,2024-01-02,,0,1,0,C,1", "SINV-3,Beta,2024-01-02,,0,1,0,C,1"
			),
		)
	assert str(e.value) == (
		'more/sales_invoices.csv line 3, column "Customer": "Beta" is not a known customer (did you mean "BETA"?)'
	)
	assert (customers_in(db), invoices_in(db)) == before
