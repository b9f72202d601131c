"""What the loader tests share: sample exports, writing them where a user would, reading tables back."""

from __future__ import annotations

import os
from pathlib import Path

from csm_extension.data.db import to_date, to_float

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


def write(directory, name, text, bom=False):
	"""Write a file under `directory` and return its path relative to tmp_path, as a user would give it."""
	path = Path(directory) / name
	path.parent.mkdir(parents=True, exist_ok=True)
	path.write_text(("\ufeff" if bom else "") + text, encoding="utf-8")
	return Path(os.path.relpath(path))


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


CUSTOMER_HEADER = "ID,Customer Name,Customer Group,Territory,Disabled"
STATUS_HEADER = INVOICE_HEADER.replace(",Docstatus", ",Status")
