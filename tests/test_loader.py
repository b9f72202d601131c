"""Loading ERPNext Customer / Sales Invoice CSV exports: good files, and bad ones that change nothing."""

from __future__ import annotations

from datetime import date

import pytest

from csm_extension.data.db import to_date, to_float
from csm_extension.data.loader import LoadError, LoadResult, load_exports

CUSTOMERS = """\
ID,Customer Name,Customer Group,Territory
ACME,Acme Ltd,Commercial,India
BETA,"Beta, Inc.",Commercial,Rest Of The World
"""

# Report View style: a leading "Sr" column, Status instead of Docstatus, amounts with separators.
INVOICES = """\
Sr,ID,Customer,Date,Payment Due Date,Is Return (Credit Note),Net Total (Company Currency),Outstanding Amount,Company,Status
1,SINV-0001,ACME,2024-01-15,2024-02-14,0,"1,234.50","1,234.50",Acme Corp,Overdue
2,SINV-0002,ACME,2024-02-01,,0,100,0,Acme Corp,Paid
3,SINV-0003,BETA,2024-02-03,2024-03-04,1,-50.25,0,Acme Corp,Return
4,SINV-0004,BETA,2024-02-04,2024-03-05,0,10,10,Acme Corp,Draft
5,SINV-0005,BETA,2024-02-05,2024-03-06,0,"12,000",0,Acme Corp,Cancelled
"""

INVOICE_HEADER = (
	"ID,Customer,Date,Payment Due Date,Is Return (Credit Note),Net Total (Company Currency),"
	"Outstanding Amount,Company,Docstatus"
)


def write(tmp_path, name, text, bom=False):
	path = tmp_path / name
	path.write_text(("\ufeff" if bom else "") + text, encoding="utf-8")
	return path


def invoices_csv(tmp_path, *rows):
	return write(tmp_path, "sales_invoices.csv", "\n".join((INVOICE_HEADER, *rows)) + "\n")


def customers_in(db):
	rows = db.sql(
		"select `name`, `customer_name`, `customer_group`, `territory`, `disabled` from `tabCustomer` order by `name`"
	)
	return [tuple(r) for r in rows]


def invoices_in(db):
	rows = db.sql(
		"select `name`, `customer`, `posting_date`, `due_date`, `docstatus`, `is_return`, `base_net_total`,"
		" `outstanding_amount`, `company` from `tabSales Invoice` order by `name`"
	)
	return [
		(r[0], r[1], to_date(r[2]), to_date(r[3]), int(r[4]), int(r[5]), to_float(r[6]), to_float(r[7]), r[8])
		for r in rows
	]


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


BAD_INVOICES = [
	(
		["SINV-1,ACME,2024-01-01,,0,1,0,C,1", "SINV-2,ACME,2024-13-45,,0,1,0,C,1"],
		'sales_invoices.csv line 3, column "Date": "2024-13-45" is not a date (expected YYYY-MM-DD)',
	),
	(
		["SINV-1,ACME,15-01-2024,,0,1,0,C,1"],
		'sales_invoices.csv line 2, column "Date": "15-01-2024" is not a date (expected YYYY-MM-DD)',
	),
	(
		["SINV-1,ACME,2024-01-01,2024-02-30,0,1,0,C,1"],
		'sales_invoices.csv line 2, column "Payment Due Date": "2024-02-30" is not a date (expected YYYY-MM-DD)',
	),
	(
		["SINV-1,ACME,2024-01-01,,0,12.3x,0,C,1"],
		'sales_invoices.csv line 2, column "Net Total (Company Currency)": "12.3x" is not a number',
	),
	(
		['SINV-1,ACME,2024-01-01,,0,5,"1,23",C,1'],
		'sales_invoices.csv line 2, column "Outstanding Amount": "1,23" is not a number',
	),
	(
		["SINV-1,ACME,2024-01-01,,0,1,0,C,1", "SINV-2,ACME,2024-01-02,,0, ,0,C,1"],
		'sales_invoices.csv line 3, column "Net Total (Company Currency)": is empty (expected a number)',
	),
	(
		["SINV-1,ACME,2024-01-01,,0,nan,0,C,1"],
		'sales_invoices.csv line 2, column "Net Total (Company Currency)": "nan" is not a number',
	),
	(
		[
			"SINV-1,ACME,2024-01-01,,0,1,0,C,1",
			"SINV-2,ACME,2024-01-02,,0,1,0,C,1",
			"SINV-3,GAMMA,2024-01-03,,0,1,0,C,1",
		],
		'sales_invoices.csv line 4, column "Customer": "GAMMA" is not a known customer '
		"(not in customers.csv nor the database)",
	),
	(
		["SINV-1,ACME,2024-01-01,,0,1,0,C,1", "SINV-1,BETA,2024-01-02,,0,1,0,C,1"],
		'sales_invoices.csv line 3, column "ID": "SINV-1" is a duplicate ID (first on line 2)',
	),
	(
		[",ACME,2024-01-01,,0,1,0,C,1"],
		'sales_invoices.csv line 2, column "ID": is empty',
	),
	(
		["SINV-1,ACME,2024-01-01,,0,1,0,C,3"],
		'sales_invoices.csv line 2, column "Docstatus": "3" is not a document status (expected 0, 1 or 2)',
	),
	(
		["SINV-1,ACME,2024-01-01,,maybe,1,0,C,1"],
		'sales_invoices.csv line 2, column "Is Return (Credit Note)": "maybe" is not a check value (expected 0 or 1)',
	),
	# ERPNext exports a Check field as 0 or 1; other spellings are refused, not guessed at.
	(
		["SINV-1,ACME,2024-01-01,,yes,1,0,C,1"],
		'sales_invoices.csv line 2, column "Is Return (Credit Note)": "yes" is not a check value (expected 0 or 1)',
	),
	(
		["SINV-1,ACME,2024-01-01,,True,1,0,C,1"],
		'sales_invoices.csv line 2, column "Is Return (Credit Note)": "True" is not a check value (expected 0 or 1)',
	),
	(
		["SINV-1,ACME,2024-01-01,,2,1,0,C,1"],
		'sales_invoices.csv line 2, column "Is Return (Credit Note)": "2" is not a check value (expected 0 or 1)',
	),
	(
		["SINV-1,ACME,2024-01-01,, ,1,0,C,1"],
		'sales_invoices.csv line 2, column "Is Return (Credit Note)": is empty (expected 0 or 1)',
	),
	(
		["SINV-1,ACME,,,0,1,0,C,1"],
		'sales_invoices.csv line 2, column "Date": is empty (expected YYYY-MM-DD)',
	),
	(
		["SINV-1,ACME,2024-01-01,,0,1,0,C,"],
		'sales_invoices.csv line 2, column "Docstatus": is empty (expected 0, 1 or 2)',
	),
	# A row must have the header's 9 fields: a long one would lose a field, a short one read as empty cells.
	(
		["SINV-1,ACME,2024-01-01,,0,1,0,C,1", "SINV-2,ACME,2024-01-02,,0,1,0,C,1,extra"],
		"sales_invoices.csv line 3: 10 fields, the header has 9",
	),
	(
		["SINV-1,ACME,2024-01-01"],
		"sales_invoices.csv line 2: 3 fields, the header has 9",
	),
]


@pytest.mark.parametrize("rows, message", BAD_INVOICES)
def test_bad_invoice_row_loads_nothing(db, tmp_path, rows, message):
	customers = write(tmp_path, "customers.csv", CUSTOMERS)
	with pytest.raises(LoadError) as e:
		load_exports(db, customers, invoices_csv(tmp_path, *rows))
	assert str(e.value) == message
	assert customers_in(db) == []
	assert invoices_in(db) == []


@pytest.mark.parametrize(
	"header, message",
	[
		(
			"ID,Customer,Payment Due Date,Is Return (Credit Note),Net Total (Company Currency),"
			"Outstanding Amount,Company,Docstatus",
			'sales_invoices.csv line 1, column "Date": missing required column',
		),
		(
			"ID,Customer,Date,Payment Due Date,Is Return (Credit Note),Net Total (Company Currency),"
			"Outstanding Amount,Company",
			'sales_invoices.csv line 1, column "Docstatus": missing required column (or "Status")',
		),
	],
)
def test_missing_column(db, tmp_path, header, message):
	path = write(tmp_path, "sales_invoices.csv", header + "\n")
	with pytest.raises(LoadError) as e:
		load_exports(db, write(tmp_path, "customers.csv", CUSTOMERS), path)
	assert str(e.value) == message
	assert customers_in(db) == []


def test_bad_customer_rows(db, tmp_path):
	dup = CUSTOMERS + "ACME,Acme again,Commercial,India\n"
	with pytest.raises(LoadError) as e:
		load_exports(db, write(tmp_path, "customers.csv", dup))
	assert str(e.value) == 'customers.csv line 4, column "ID": "ACME" is a duplicate ID (first on line 2)'

	no_territory = "ID,Customer Name,Customer Group\nACME,Acme,Commercial\n"
	with pytest.raises(LoadError) as e:
		load_exports(db, write(tmp_path, "customers.csv", no_territory))
	assert str(e.value) == 'customers.csv line 1, column "Territory": missing required column'
	assert customers_in(db) == []


CUSTOMER_HEADER = "ID,Customer Name,Customer Group,Territory,Disabled"


@pytest.mark.parametrize(
	"rows, message",
	[
		(["ACME,Acme,G,T,0", "BETA, ,G,T,0"], 'customers.csv line 3, column "Customer Name": is empty'),
		(
			["ACME,Acme,G,T,yes"],
			'customers.csv line 2, column "Disabled": "yes" is not a check value (expected 0 or 1)',
		),
		(
			["ACME,Acme,G,T,true"],
			'customers.csv line 2, column "Disabled": "true" is not a check value (expected 0 or 1)',
		),
		(["ACME,Acme,G,T,"], 'customers.csv line 2, column "Disabled": is empty (expected 0 or 1)'),
		(["ACME,Acme,G,T,0,"], "customers.csv line 2: 6 fields, the header has 5"),
		(["ACME,Acme,G,T,0", "BETA,Beta"], "customers.csv line 3: 2 fields, the header has 5"),
	],
)
def test_bad_customer_row_loads_nothing(db, tmp_path, rows, message):
	customers = write(tmp_path, "customers.csv", "\n".join((CUSTOMER_HEADER, *rows)) + "\n")
	with pytest.raises(LoadError) as e:
		load_exports(db, customers, write(tmp_path, "sales_invoices.csv", INVOICE_HEADER + "\n"))
	assert str(e.value) == message
	assert customers_in(db) == []


def test_file_must_be_utf8(db, tmp_path):
	utf8 = "ID,Customer Name,Customer Group,Territory\nCAFE,Café Ærø,G,T\n"
	load_exports(db, write(tmp_path, "customers.csv", utf8, bom=True))
	assert customers_in(db) == [("CAFE", "Café Ærø", "G", "T", 0)]

	# Latin-1 (as a spreadsheet might save it), after a quoted two-line name: the byte is on line 4.
	latin1 = tmp_path / "more" / "customers.csv"
	latin1.parent.mkdir()
	latin1.write_bytes(
		b'ID,Customer Name,Customer Group,Territory\r\nA,"two\r\nlines",G,T\r\nB,Caf\xe9,G,T\r\n'
	)
	with pytest.raises(LoadError) as e:
		load_exports(db, latin1, write(tmp_path, "sales_invoices.csv", INVOICE_HEADER + "\n"))
	assert str(e.value) == (
		"customers.csv line 4: not UTF-8 (byte 0xe9); ERPNext exports UTF-8, so export it again or save it as UTF-8"
	)
	assert customers_in(db) == [("CAFE", "Café Ærø", "G", "T", 0)]
	assert invoices_in(db) == []


def test_field_too_long_for_csv(db, tmp_path):
	text = "ID,Customer Name,Customer Group,Territory\nA,a,G,T\nB," + "b" * 200_000 + ",G,T\n"
	with pytest.raises(LoadError) as e:
		load_exports(db, write(tmp_path, "customers.csv", text))
	assert str(e.value) == "customers.csv line 3: field larger than field limit (131072)"
	assert customers_in(db) == []


def test_line_numbers_count_quoted_newlines(db, tmp_path):
	text = 'ID,Customer Name,Customer Group,Territory,Disabled\nA,"two\nlines",G,T,0\nB,b,G,T,perhaps\n'
	with pytest.raises(LoadError) as e:
		load_exports(db, write(tmp_path, "customers.csv", text))
	assert (
		str(e.value)
		== 'customers.csv line 4, column "Disabled": "perhaps" is not a check value (expected 0 or 1)'
	)


def test_ids_already_in_the_database_change_nothing(db, tmp_path):
	load_exports(
		db, write(tmp_path, "customers.csv", CUSTOMERS), write(tmp_path, "sales_invoices.csv", INVOICES)
	)
	before = customers_in(db), invoices_in(db)
	more = tmp_path / "more"
	more.mkdir()
	customers = write(more, "customers.csv", "ID,Customer Name,Customer Group,Territory\nNEW,New,G,T\n")
	invoices = invoices_csv(more, "SINV-NEW,NEW,2024-06-01,,0,1,0,C,1", "SINV-0003,NEW,2024-06-02,,0,1,0,C,1")
	with pytest.raises(LoadError) as e:
		load_exports(db, customers, invoices)
	assert str(e.value) == 'sales_invoices.csv line 3, column "ID": "SINV-0003" is already in the database'
	assert (customers_in(db), invoices_in(db)) == before

	with pytest.raises(LoadError) as e:
		load_exports(
			db, write(more, "customers.csv", "ID,Customer Name,Customer Group,Territory\nBETA,B,G,T\n")
		)
	assert str(e.value) == 'customers.csv line 2, column "ID": "BETA" is already in the database'
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
	with pytest.raises(LoadError, match=r"nope.csv: cannot open \(No such file or directory\)"):
		load_exports(db, tmp_path / "nope.csv")


def test_empty_file(db, tmp_path):
	with pytest.raises(LoadError) as e:
		load_exports(db, write(tmp_path, "customers.csv", ""))
	assert str(e.value) == "customers.csv line 1: the file is empty (expected a header row)"
