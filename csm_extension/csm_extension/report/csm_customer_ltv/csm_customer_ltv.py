# Copyright (c) 2026, csm_extension developers and contributors
# For license information, please see license.txt
"""Lifetime value per customer (or per customer group, territory or CSM): net revenue of submitted
invoices in company currency up to the as-of date, returns netted in, with orders, average order value,
first and last order, tenure, health and last NPS."""

import frappe
from frappe import _
from frappe.utils import getdate, today
from frappe.utils.nestedset import get_descendants_of

from csm_extension.data.db import FrappeDatabase
from csm_extension.data.facts import load_facts
from csm_extension.engine.ltv import customer_values, ltv_by_segment
from csm_extension.services import reports

SCORED = ("Green", "Amber", "Red")


def execute(filters: dict | None = None):
	filters = frappe._dict(filters or {})
	as_of = getdate(filters.as_of or today())
	column = reports.segment_column(filters.group_by)
	facts = load_facts(FrappeDatabase(), as_of, company=filters.company or None)
	extra = customer_fields()
	keep = selector(filters)
	values = [
		v for v in customer_values(facts, {name: {"csm": row.csm} for name, row in extra.items()}) if keep(v)
	]
	if column:
		return segment_columns(column), segment_rows(ltv_by_segment(values, column)), None, None, None, True
	names = {f.customer: f.customer_name for f in facts}
	data = sorted(
		(customer_row(v, names.get(v.customer), extra.get(v.customer)) for v in values),
		key=lambda row: (-row["ltv"], row["customer"]),
	)
	return customer_columns(), data


def customer_fields() -> dict[str, frappe._dict]:
	"""The Customer Success fields of every customer, in one statement."""
	rows = frappe.db.sql(
		"""SELECT `name`, `csm`, `csm_health_score`, `csm_health_status`, `csm_last_nps_score`,
			`csm_last_nps_date`
		FROM `tabCustomer`""",
		as_dict=True,
	)
	return {row.name: row for row in rows}


def _tree(doctype: str, name: str | None) -> set[str] | None:
	return {name, *get_descendants_of(doctype, name)} if name else None


def selector(filters):
	"""Customer Group and Territory filters include their subgroups, as in ERPNext's reports."""
	groups = _tree("Customer Group", filters.customer_group)
	territories = _tree("Territory", filters.territory)

	def keep(value) -> bool:
		segments = value.segments
		return (
			(groups is None or segments.get("customer_group") in groups)
			and (territories is None or segments.get("territory") in territories)
			and (not filters.csm or segments.get("csm") == filters.csm)
		)

	return keep


def customer_row(value, customer_name, extra) -> dict:
	extra = extra or frappe._dict()
	scored = extra.csm_health_status in SCORED
	return {
		"customer": value.customer,
		"customer_name": customer_name,
		"customer_group": value.segments.get("customer_group"),
		"territory": value.segments.get("territory"),
		"csm": value.segments.get("csm"),
		"ltv": value.ltv,
		"orders": value.orders,
		"avg_order_value": value.avg_order_value,
		"first_order": value.first_order,
		"last_order": value.last_order,
		"tenure_days": value.tenure_days,
		"health_score": extra.csm_health_score if scored else None,
		"health_status": extra.csm_health_status or None,
		"last_nps": extra.csm_last_nps_score if extra.csm_last_nps_date else None,
	}


def segment_rows(segments) -> list[dict]:
	return [
		{
			"segment": s.segment,
			"customers": s.customers,
			"total_ltv": s.total_ltv,
			"avg_ltv": s.avg_ltv,
			"median_ltv": s.median_ltv,
			"avg_tenure_days": s.avg_tenure_days,
			"avg_order_value": s.avg_order_value,
		}
		for s in segments
	]


def _currency(fieldname: str, label: str, **extra) -> dict:
	return {"fieldname": fieldname, "label": label, "fieldtype": "Currency", "width": 130, **extra}


def customer_columns() -> list[dict]:
	link = {"fieldtype": "Link", "width": 140}
	no_total = {"disable_total": 1}
	return [
		{"fieldname": "customer", "label": _("Customer"), "options": "Customer", **link},
		{"fieldname": "customer_name", "label": _("Customer Name"), "fieldtype": "Data", "width": 180},
		{"fieldname": "customer_group", "label": _("Customer Group"), "options": "Customer Group", **link},
		{"fieldname": "territory", "label": _("Territory"), "options": "Territory", **link},
		{"fieldname": "csm", "label": _("CSM"), "options": "User", **link},
		_currency("ltv", _("LTV")),
		{"fieldname": "orders", "label": _("Orders"), "fieldtype": "Int", "width": 80},
		_currency("avg_order_value", _("Average Order Value"), **no_total),
		{"fieldname": "first_order", "label": _("First Order"), "fieldtype": "Date", "width": 100},
		{"fieldname": "last_order", "label": _("Last Order"), "fieldtype": "Date", "width": 100},
		{
			"fieldname": "tenure_days",
			"label": _("Tenure (Days)"),
			"fieldtype": "Int",
			"width": 100,
			**no_total,
		},
		{
			"fieldname": "health_score",
			"label": _("Health Score"),
			"fieldtype": "Int",
			"width": 100,
			**no_total,
		},
		{"fieldname": "health_status", "label": _("Health Status"), "fieldtype": "Data", "width": 110},
		{"fieldname": "last_nps", "label": _("Last NPS"), "fieldtype": "Int", "width": 90, **no_total},
	]


def segment_columns(column: str) -> list[dict]:
	return [
		*reports.segment_field(column),
		{"fieldname": "customers", "label": _("Customers"), "fieldtype": "Int", "width": 100},
		_currency("total_ltv", _("Total LTV")),
		_currency("avg_ltv", _("Average LTV")),
		_currency("median_ltv", _("Median LTV")),
		{
			"fieldname": "avg_tenure_days",
			"label": _("Average Tenure (Days)"),
			"fieldtype": "Float",
			"precision": 0,
			"width": 150,
		},
		_currency("avg_order_value", _("Average Order Value")),
	]
