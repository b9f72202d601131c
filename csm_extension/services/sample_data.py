"""The committed CDNOW slice as real ERPNext documents in a site: Customers, submitted Sales Invoices and
Payment Entries for the invoices the slice marks as paid. For demos, and to compare the daily pass in a
site with the offline command on the same data.

	bench --site SITE execute csm_extension.services.sample_data.load_cdnow_slice --kwargs "{'limit': 300}"
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import frappe
from frappe.utils import flt, getdate

SLICE = Path(__file__).resolve().parents[2] / "fixtures" / "cdnow_slice"
ITEM = "CDNOW Purchase"


def _rows(name: str) -> list[dict]:
	with open(SLICE / name, newline="", encoding="utf-8") as f:
		return list(csv.DictReader(f))


def _company(company: str | None) -> str:
	from erpnext import get_default_company

	company = company or get_default_company()
	if not company:
		frappe.throw("No Company on this site: complete the setup wizard first")
	return company


def _fiscal_years(company: str, years) -> None:
	from erpnext.accounts.utils import FiscalYearError, get_fiscal_year

	for year in sorted(years):
		try:
			get_fiscal_year(f"{year}-06-30", company=company)
		except FiscalYearError:
			frappe.get_doc(
				{
					"doctype": "Fiscal Year",
					"year": str(year),
					"year_start_date": f"{year}-01-01",
					"year_end_date": f"{year}-12-31",
					"companies": [{"company": company}],
				}
			).insert(ignore_permissions=True)


def _item() -> None:
	if not frappe.db.exists("Item", ITEM):
		frappe.get_doc(
			{
				"doctype": "Item",
				"item_code": ITEM,
				"item_group": frappe.db.get_value("Item Group", {"is_group": 0}, "name"),
				"stock_uom": "Nos",
				"is_stock_item": 0,
			}
		).insert(ignore_permissions=True)


def load_cdnow_slice(limit: int | None = None, company: str | None = None) -> dict:
	"""Load the first `limit` customers of the slice (all 300 by default); already loaded ones are skipped.
	Historical invoices are imports: they start no onboarding plan (`frappe.flags.in_import`)."""
	from erpnext.accounts.doctype.payment_entry.payment_entry import get_payment_entry

	company = _company(company)
	customers = _rows("customers.csv")[: limit or None]
	wanted = {c["ID"] for c in customers}
	invoices = defaultdict(list)
	for row in _rows("sales_invoices.csv"):
		if row["Customer"] in wanted:
			invoices[row["Customer"]].append(row)
	_fiscal_years(
		company,
		{getdate(r["Date"]).year for rows in invoices.values() for r in rows}
		| {getdate(r["Date"]).year + 1 for rows in invoices.values() for r in rows},
	)
	_item()
	frappe.flags.in_import = True
	counts = defaultdict(int)
	try:
		for i, c in enumerate(customers, 1):
			if frappe.db.exists("Customer", c["ID"]):
				counts["skipped"] += 1
				continue
			frappe.get_doc(
				{
					"doctype": "Customer",
					"customer_name": c["Customer Name"],
					"customer_type": "Individual",
					"customer_group": c["Customer Group"],
					"territory": c["Territory"],
				}
			).insert(ignore_permissions=True, set_name=c["ID"])
			counts["customers"] += 1
			for row in invoices[c["ID"]]:
				# new_doc, not get_doc: naming series and price list defaults come with it.
				si = frappe.new_doc("Sales Invoice")
				si.update(
					{
						"customer": c["ID"],
						"company": company,
						"posting_date": row["Date"],
						"set_posting_time": 1,
						"due_date": row["Payment Due Date"],
						"items": [
							{"item_code": ITEM, "qty": 1, "rate": flt(row["Net Total (Company Currency)"])}
						],
					}
				)
				si.insert(ignore_permissions=True, set_name=row["ID"])
				si.submit()
				counts["invoices"] += 1
				if flt(row["Outstanding Amount"]) == 0:
					pe = get_payment_entry("Sales Invoice", si.name)
					pe.posting_date = si.posting_date
					pe.reference_no, pe.reference_date = si.name, si.posting_date
					pe.insert(ignore_permissions=True)
					pe.submit()
					counts["payments"] += 1
			frappe.db.commit()
			if i % 25 == 0:
				print(f"{i}/{len(customers)} customers", flush=True)
	finally:
		frappe.flags.in_import = False
	return dict(counts)
