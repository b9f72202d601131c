# Copyright (c) 2025, csm_extension developers and contributors
# For license information, please see license.txt
"""Promoters (NPS 9-10) to ask for a referral, a case study or an upsell, with who answered and their CSM."""

import frappe
from frappe import _
from frappe.utils import add_days, getdate, today

DEFAULT_DAYS = 365


def execute(filters: dict | None = None):
	filters = frappe._dict(filters or {})
	return columns(), data(filters)


def columns() -> list[dict]:
	return [
		{
			"fieldname": "customer",
			"label": _("Customer"),
			"fieldtype": "Link",
			"options": "Customer",
			"width": 150,
		},
		{"fieldname": "customer_name", "label": _("Customer Name"), "fieldtype": "Data", "width": 180},
		{
			"fieldname": "contact",
			"label": _("Contact"),
			"fieldtype": "Link",
			"options": "Contact",
			"width": 150,
		},
		{"fieldname": "email", "label": _("Email"), "fieldtype": "Data", "width": 180},
		{"fieldname": "score", "label": _("Score"), "fieldtype": "Int", "width": 70},
		{"fieldname": "response_date", "label": _("Date"), "fieldtype": "Date", "width": 100},
		{"fieldname": "comment", "label": _("Comment"), "fieldtype": "Small Text", "width": 260},
		{"fieldname": "csm", "label": _("CSM"), "fieldtype": "Link", "options": "User", "width": 160},
		{"fieldname": "source", "label": _("Source"), "fieldtype": "Data", "width": 80},
		{
			"fieldname": "response",
			"label": _("Response"),
			"fieldtype": "Link",
			"options": "CSM NPS Response",
			"width": 140,
		},
	]


def data(filters) -> list[dict]:
	to_date = getdate(filters.to_date or today())
	from_date = getdate(filters.from_date or add_days(to_date, -DEFAULT_DAYS))
	if from_date > to_date:
		frappe.throw(_("From Date must be on or before To Date"))
	params = {
		"from_date": from_date,
		"to_date": to_date,
		"customer": filters.customer or None,
		"csm": filters.csm or None,
		"customer_group": filters.customer_group or None,
		"territory": filters.territory or None,
		# By default a customer counts as a promoter only if its latest answer in the period says so.
		"latest_only": 0 if str(filters.get("latest_only", 1)) in ("0", "False", "false") else 1,
	}
	return frappe.db.sql(
		"""
		SELECT customer, customer_name, contact, email, score, response_date, comment, csm, source, response
		FROM (
			SELECT r.customer, c.customer_name, r.contact, ct.email_id AS email, r.score, r.response_date,
				r.comment, c.csm, r.source, r.name AS response, r.category, r.creation,
				ROW_NUMBER() OVER (
					PARTITION BY r.customer ORDER BY r.response_date DESC, r.creation DESC) AS answer_rank
			FROM `tabCSM NPS Response` r
			JOIN `tabCustomer` c ON c.name = r.customer
			LEFT JOIN `tabContact` ct ON ct.name = r.contact
			WHERE r.docstatus < 2 AND r.response_date BETWEEN %(from_date)s AND %(to_date)s
				AND (%(customer)s IS NULL OR r.customer = %(customer)s)
				AND (%(csm)s IS NULL OR c.csm = %(csm)s)
				AND (%(customer_group)s IS NULL OR EXISTS (
					SELECT 1 FROM `tabCustomer Group` g JOIN `tabCustomer Group` f ON f.name = %(customer_group)s
					WHERE g.name = c.customer_group AND g.lft >= f.lft AND g.rgt <= f.rgt))
				AND (%(territory)s IS NULL OR EXISTS (
					SELECT 1 FROM `tabTerritory` t JOIN `tabTerritory` f ON f.name = %(territory)s
					WHERE t.name = c.territory AND t.lft >= f.lft AND t.rgt <= f.rgt))
		) answers
		WHERE category = 'Promoter' AND (%(latest_only)s = 0 OR answer_rank = 1)
		ORDER BY response_date DESC, score DESC, creation DESC
		""",
		params,
		as_dict=True,
	)
