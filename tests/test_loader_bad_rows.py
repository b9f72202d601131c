"""Rows and values the loader refuses (file, line and column named, nothing written), and edge values
it accepts."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from csm_extension.data.export_columns import SALES_INVOICE_STATUSES
from csm_extension.data.loader import LoadError, LoadResult, load_exports
from tests.loader_support import (
	CUSTOMER_HEADER,
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
	# Numbers: plain decimals or the thousands form only, not what float() also takes; below 1e12.
	(
		["SINV-1,ACME,2024-01-01,,0,1_000,0,C,1"],
		'sales_invoices.csv line 2, column "Net Total (Company Currency)": "1_000" is not a number',
	),
	(
		["SINV-1,ACME,2024-01-01,,0,١٢,0,C,1"],
		'sales_invoices.csv line 2, column "Net Total (Company Currency)": "١٢" is not a number',
	),
	(
		['SINV-1,ACME,2024-01-01,,0,5,"١,٢٣٤",C,1'],
		'sales_invoices.csv line 2, column "Outstanding Amount": "١,٢٣٤" is not a number',
	),
	(
		["SINV-1,ACME,2024-01-01,,0,5,-inf,C,1"],
		'sales_invoices.csv line 2, column "Outstanding Amount": "-inf" is not a number',
	),
	(
		["SINV-1,ACME,2024-01-01,,0,0x10,0,C,1"],
		'sales_invoices.csv line 2, column "Net Total (Company Currency)": "0x10" is not a number',
	),
	(
		["SINV-1,ACME,2024-01-01,,0,1e12,0,C,1"],
		'sales_invoices.csv line 2, column "Net Total (Company Currency)": "1e12" is too large: '
		"ERPNext stores amounts as decimal(21,9), less than 1,000,000,000,000",
	),
	(
		['SINV-1,ACME,2024-01-01,,0,5,"-1,000,000,000,000.00",C,1'],
		'sales_invoices.csv line 2, column "Outstanding Amount": "-1,000,000,000,000.00" is too large: '
		"ERPNext stores amounts as decimal(21,9), less than 1,000,000,000,000",
	),
	(
		["SINV-1,ACME,2024-01-01,,0,1e400,0,C,1"],
		'sales_invoices.csv line 2, column "Net Total (Company Currency)": "1e400" is too large: '
		"ERPNext stores amounts as decimal(21,9), less than 1,000,000,000,000",
	),
	# Dates: years 1900-2199 only (0001-01-01 would break the daily pass's date arithmetic).
	(
		["SINV-1,ACME,0001-01-01,,0,1,0,C,1"],
		'sales_invoices.csv line 2, column "Date": "0001-01-01" is outside the years 1900-2199',
	),
	(
		["SINV-1,ACME,1899-12-31,,0,1,0,C,1"],
		'sales_invoices.csv line 2, column "Date": "1899-12-31" is outside the years 1900-2199',
	),
	(
		["SINV-1,ACME,2024-01-01,2200-01-01,0,1,0,C,1"],
		'sales_invoices.csv line 2, column "Payment Due Date": "2200-01-01" is outside the years 1900-2199',
	),
	(
		["SINV-1,ACME,٢٠٢٤-٠١-٠١,,0,1,0,C,1"],
		'sales_invoices.csv line 2, column "Date": "٢٠٢٤-٠١-٠١" is not a date (expected YYYY-MM-DD)',
	),
	# What ERPNext refuses across columns.
	(
		["SINV-1,ACME,2024-01-15,2024-01-10,0,1,0,C,1"],
		'sales_invoices.csv line 2, column "Payment Due Date": "2024-01-10" is before the Date "2024-01-15" '
		"(ERPNext: Due Date cannot be before Posting Date)",
	),
	(
		["SINV-1,ACME,2024-01-15,,1,-5,0,C,1", "SINV-2,ACME,2024-01-15,,1,5,0,C,1"],
		'sales_invoices.csv line 3, column "Net Total (Company Currency)": "5" is positive, but a return '
		'("Is Return (Credit Note)" 1) has a negative or zero net total',
	),
	# IDs and the Customer link: what a site's varchar(140) `name` can hold.
	(
		["S" * 141 + ",ACME,2024-01-01,,0,1,0,C,1"],
		'sales_invoices.csv line 2, column "ID": is 141 characters long (ERPNext names hold at most 140)',
	),
	(
		["SINV-1," + "A" * 141 + ",2024-01-01,,0,1,0,C,1"],
		'sales_invoices.csv line 2, column "Customer": is 141 characters long (ERPNext names hold at most 140)',
	),
	(
		['"SINV\n1",ACME,2024-01-01,,0,1,0,C,1', "SINV-2,ACME,2024-01-01,,0,1,0,x,y"],
		'sales_invoices.csv line 2, column "ID": contains a line break; '
		"ERPNext names cannot hold control characters",
	),
	(
		["SINV-1,AC\x07ME,2024-01-01,,0,1,0,C,1"],
		'sales_invoices.csv line 2, column "Customer": contains a control character (U+0007); '
		"ERPNext names cannot hold control characters",
	),
	(
		["SINV-\x001,ACME,2024-01-01,,0,1,0,C,1"],
		'sales_invoices.csv line 2, column "ID": contains a NUL byte',
	),
	(
		["SINV-1,ACME,2024-01-01,,0,1,0,C\x00,1"],
		'sales_invoices.csv line 2, column "Company": contains a NUL byte',
	),
	# A site compares names without case (and accents): these would be one record there.
	(
		["SINV-1,ACME,2024-01-01,,0,1,0,C,1", "sinv-1,BETA,2024-01-02,,0,1,0,C,1"],
		'sales_invoices.csv line 3, column "ID": "sinv-1" is a duplicate ID (first on line 2 as "SINV-1"; '
		"ERPNext compares names ignoring case and accents)",
	),
	(
		["SINV-1,ACME,2024-01-01,,0,1,0,C,1", "SINV-2,acme,2024-01-02,,0,1,0,C,1"],
		'sales_invoices.csv line 3, column "Customer": "acme" is not a known customer (did you mean "ACME"?)',
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
	latin1 = Path("more", "customers.csv")
	latin1.parent.mkdir()
	latin1.write_bytes(
		b'ID,Customer Name,Customer Group,Territory\r\nA,"two\r\nlines",G,T\r\nB,Caf\xe9,G,T\r\n'
	)
	with pytest.raises(LoadError) as e:
		load_exports(db, latin1, write(tmp_path, "sales_invoices.csv", INVOICE_HEADER + "\n"))
	assert str(e.value) == (
		"more/customers.csv line 4: not UTF-8 (byte 0xe9); ERPNext exports UTF-8, so export it again or save it as UTF-8"
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


def test_edge_values_that_load(db, tmp_path):
	long_id = "C" * 140
	customers = write(
		tmp_path,
		"customers.csv",
		f"ID,Customer Name,Customer Group,Territory\n{long_id},Long,G,T\nBjørn,S1,G,T\nBJORN,S2,G,T\n",
	)
	invoices = invoices_csv(
		tmp_path,
		# the limits themselves; a due date on the posting date; a return with a negative outstanding
		f"SINV-1,{long_id},1900-01-01,2199-12-31,0,999999999999.99,+3,C,1",
		"SINV-2,Bjørn,2024-01-15,2024-01-15,1,-1.5E1,-20,C,1",
		'SINV-3,BJORN,2024-01-15,,1,0,"-999,999,999,999.5",C,1',
		"SINV-4,BJORN,2024-01-16,,0,1e3,.5,C,1",
	)
	assert load_exports(db, customers, invoices) == LoadResult(customers=3, invoices=4)
	# "ø" and "o" are different letters to ERPNext's collation too, so both names load.
	assert sorted(r[0] for r in customers_in(db)) == sorted([long_id, "BJORN", "Bjørn"])
	assert invoices_in(db) == [
		("SINV-1", long_id, date(1900, 1, 1), date(2199, 12, 31), 1, 0, 999999999999.99, 3.0, "C"),
		("SINV-2", "Bjørn", date(2024, 1, 15), date(2024, 1, 15), 1, 1, -15.0, -20.0, "C"),
		("SINV-3", "BJORN", date(2024, 1, 15), None, 1, 1, 0.0, -999999999999.5, "C"),
		("SINV-4", "BJORN", date(2024, 1, 16), None, 1, 0, 1000.0, 0.5, "C"),
	]


def test_status_is_one_of_erpnexts(db, tmp_path):
	customers = write(tmp_path, "customers.csv", CUSTOMERS)
	rows = [f"SINV-{i},ACME,2024-01-01,,0,1,0,C,{status}" for i, status in enumerate(SALES_INVOICE_STATUSES)]
	rows.append("SINV-LOWER,ACME,2024-01-01,,0,1,0,C,partly paid and discounted")
	invoices = write(tmp_path, "sales_invoices.csv", "\n".join((STATUS_HEADER, *rows)) + "\n")
	load_exports(db, customers, invoices)
	docstatus = {r[0]: r[4] for r in invoices_in(db)}
	# Draft 0, Cancelled 2, ERPNext 15's eleven other statuses 1 (whatever the case).
	assert docstatus.pop("SINV-0") == 0 and SALES_INVOICE_STATUSES[0] == "Draft"
	assert docstatus.pop("SINV-11") == 2 and SALES_INVOICE_STATUSES[11] == "Cancelled"
	assert list(docstatus.values()) == [1] * 12

	bad = write(
		tmp_path, "more/sales_invoices.csv", STATUS_HEADER + "\nSINV-B,ACME,2024-01-01,,0,1,0,C,Banana\n"
	)
	with pytest.raises(LoadError) as e:
		load_exports(db, invoices_csv=bad)
	assert str(e.value) == (
		'more/sales_invoices.csv line 2, column "Status": "Banana" is not a Sales Invoice status (expected one of: '
		"Draft, Return, Credit Note Issued, Submitted, Paid, Partly Paid, Unpaid, Unpaid and Discounted, "
		"Partly Paid and Discounted, Overdue and Discounted, Overdue, Cancelled, Internal Transfer)"
	)
