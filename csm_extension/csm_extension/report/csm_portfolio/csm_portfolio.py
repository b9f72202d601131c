# Copyright (c) 2026, csm_extension developers and contributors
# For license information, please see license.txt
"""A CSM's book of customers: health and its trend since the last completed check, open red flags,
onboarding, last contact, next check, last NPS and LTV. Five statements whatever the number of customers."""

import frappe
from frappe import _
from frappe.utils import flt, getdate

SCORED = ("Green", "Amber", "Red")
STATUS_ORDER = {"Red": 0, "Amber": 1, "Insufficient Data": 2, "Green": 3}
SEVERITIES = ("Critical", "High", "Medium", "Low")
# Documents of the app whose closed ToDos count as a contact with their customer.
CSM_DOCTYPES = ("CSM Onboarding Plan", "CSM Health Check", "CSM Red Flag", "CSM NPS Response")

# The customers in scope; every other statement joins them in the same way.
_SCOPE = "c.`disabled` = 0 AND (%(csm)s IS NULL OR c.`csm` = %(csm)s)"

_CUSTOMERS = f"""
SELECT c.`name`, c.`customer_name`, c.`csm`, c.`csm_health_score`, c.`csm_health_status`,
	c.`csm_next_health_check`, c.`csm_last_nps_score`, c.`csm_last_nps_date`,
	COALESCE(SUM(si.`base_net_total`), 0) AS ltv
FROM `tabCustomer` c
LEFT JOIN `tabSales Invoice` si ON si.`customer` = c.`name` AND si.`docstatus` = 1
WHERE {_SCOPE}
GROUP BY c.`name`, c.`customer_name`, c.`csm`, c.`csm_health_score`, c.`csm_health_status`,
	c.`csm_next_health_check`, c.`csm_last_nps_score`, c.`csm_last_nps_date`
"""

_LAST_CHECK = f"""
SELECT customer, health_score, health_status, check_date FROM (
	SELECT hc.`customer`, hc.`health_score`, hc.`health_status`, hc.`check_date`,
		ROW_NUMBER() OVER (PARTITION BY hc.`customer` ORDER BY hc.`check_date` DESC, hc.`creation` DESC) AS rn
	FROM `tabCSM Health Check` hc JOIN `tabCustomer` c ON c.`name` = hc.`customer`
	WHERE hc.`status` = 'Completed' AND {_SCOPE}
) checks WHERE rn = 1
"""

_FLAGS = f"""
SELECT customer, open_flags, rule, severity FROM (
	SELECT f.`customer`, f.`rule`, f.`severity`,
		COUNT(*) OVER (PARTITION BY f.`customer`) AS open_flags,
		ROW_NUMBER() OVER (PARTITION BY f.`customer`
			ORDER BY FIELD(f.`severity`, {", ".join(f"'{s}'" for s in SEVERITIES)}), f.`raised_on` DESC,
			f.`creation` DESC) AS rn
	FROM `tabCSM Red Flag` f JOIN `tabCustomer` c ON c.`name` = f.`customer`
	WHERE f.`status` IN ('Open', 'Acknowledged') AND {_SCOPE}
) flags WHERE rn = 1
"""

_PLANS = f"""
SELECT customer, progress, status FROM (
	SELECT p.`customer`, p.`progress`, p.`status`,
		ROW_NUMBER() OVER (PARTITION BY p.`customer` ORDER BY p.`start_date` DESC, p.`creation` DESC) AS rn
	FROM `tabCSM Onboarding Plan` p JOIN `tabCustomer` c ON c.`name` = p.`customer`
	WHERE p.`status` != 'Cancelled' AND {_SCOPE}
) plans WHERE rn = 1
"""

_TODO_CONTACTS = """
	SELECT d.`customer`, DATE(t.`modified`) AS contact_on
	FROM `tabToDo` t JOIN `tab{doctype}` d ON t.`reference_type` = '{doctype}' AND t.`reference_name` = d.`name`
	WHERE t.`status` = 'Closed'"""

# The latest of: a closed ToDo on the customer (or one of its CSM documents), a Communication linked to
# the customer (as reference or timeline link), a completed health check.
_LAST_CONTACT = f"""
SELECT contacts.customer, MAX(contacts.contact_on) FROM (
	{" UNION ALL ".join(_TODO_CONTACTS.format(doctype=d) for d in CSM_DOCTYPES)}
	UNION ALL
	SELECT t.`reference_name`, DATE(t.`modified`) FROM `tabToDo` t
	WHERE t.`reference_type` = 'Customer' AND t.`status` = 'Closed'
	UNION ALL
	SELECT cm.`reference_name`, DATE(cm.`communication_date`) FROM `tabCommunication` cm
	WHERE cm.`reference_doctype` = 'Customer' AND cm.`communication_type` = 'Communication'
	UNION ALL
	SELECT l.`link_name`, DATE(cm.`communication_date`) FROM `tabCommunication` cm
	JOIN `tabCommunication Link` l ON l.`parent` = cm.`name` AND l.`parenttype` = 'Communication'
	WHERE l.`link_doctype` = 'Customer' AND cm.`communication_type` = 'Communication'
	UNION ALL
	SELECT hc.`customer`, hc.`check_date` FROM `tabCSM Health Check` hc WHERE hc.`status` = 'Completed'
) contacts JOIN `tabCustomer` c ON c.`name` = contacts.customer
WHERE {_SCOPE}
GROUP BY contacts.customer
"""


def execute(filters: dict | None = None):
	filters = frappe._dict(filters or {})
	params = {"csm": filters.csm or None}
	customers = frappe.db.sql(_CUSTOMERS, params, as_dict=True)
	checks = {r.customer: r for r in frappe.db.sql(_LAST_CHECK, params, as_dict=True)}
	flags = {r.customer: r for r in frappe.db.sql(_FLAGS, params, as_dict=True)}
	plans = {r.customer: r for r in frappe.db.sql(_PLANS, params, as_dict=True)}
	contacts = dict(frappe.db.sql(_LAST_CONTACT, params))
	data = [
		row(c, checks.get(c.name), flags.get(c.name), plans.get(c.name), contacts.get(c.name))
		for c in customers
	]
	data.sort(key=lambda r: (STATUS_ORDER.get(r["health_status"], 4), r["health_score"] or 0, r["customer"]))
	return columns(show_csm=not params["csm"]), data, None, None, summary(data)


def score_of(score, status) -> int | None:
	return score if status in SCORED else None


def trend(change: int | None) -> str | None:
	if change is None:
		return None
	return "↑" if change > 0 else "↓" if change < 0 else "→"


def row(customer, check, flag, plan, last_contact) -> dict:
	score = score_of(customer.csm_health_score, customer.csm_health_status)
	before = score_of(check.health_score, check.health_status) if check else None
	change = score - before if score is not None and before is not None else None
	return {
		"customer": customer.name,
		"customer_name": customer.customer_name,
		"csm": customer.csm,
		"health_score": score,
		"health_status": customer.csm_health_status or None,
		"score_change": change,
		"trend": trend(change),
		"open_flags": flag.open_flags if flag else 0,
		"top_flag": flag.rule if flag else None,
		"top_severity": flag.severity if flag else None,
		"onboarding_progress": plan.progress if plan else None,
		"onboarding_status": plan.status if plan else None,
		"last_contact": getdate(last_contact) if last_contact else None,
		"next_check": customer.csm_next_health_check,
		"last_nps": customer.csm_last_nps_score if customer.csm_last_nps_date else None,
		"ltv": flt(customer.ltv),
	}


def columns(show_csm: bool) -> list[dict]:
	def col(fieldname, label, fieldtype, width=110, **extra):
		return {"fieldname": fieldname, "label": label, "fieldtype": fieldtype, "width": width, **extra}

	return [
		col("customer", _("Customer"), "Link", 140, options="Customer"),
		col("customer_name", _("Customer Name"), "Data", 170),
		*([col("csm", _("CSM"), "Link", 140, options="User")] if show_csm else []),
		col("health_score", _("Health Score"), "Int", 100),
		col("health_status", _("Health Status"), "Data", 110),
		col("trend", _("Trend"), "Data", 60),
		col("score_change", _("Change Since Last Check"), "Int", 110),
		col("open_flags", _("Open Flags"), "Int", 90),
		col("top_flag", _("Top Flag"), "Link", 160, options="CSM Red Flag Rule"),
		col("top_severity", _("Severity"), "Data", 80, hidden=1),
		col("onboarding_progress", _("Onboarding %"), "Percent", 110, precision=1),
		col("onboarding_status", _("Onboarding Status"), "Data", 120),
		col("last_contact", _("Last Contact"), "Date", 100),
		col("next_check", _("Next Check"), "Date", 100),
		col("last_nps", _("Last NPS"), "Int", 80),
		col("ltv", _("LTV"), "Currency", 120),
	]


def summary(data: list[dict]) -> list[dict]:
	def count(status):
		return sum(1 for r in data if r["health_status"] == status)

	return [
		{"label": _("Red"), "value": count("Red"), "datatype": "Int", "indicator": "Red"},
		{"label": _("Amber"), "value": count("Amber"), "datatype": "Int", "indicator": "Orange"},
		{"label": _("Green"), "value": count("Green"), "datatype": "Int", "indicator": "Green"},
		{
			"label": _("Open Flags"),
			"value": sum(r["open_flags"] for r in data),
			"datatype": "Int",
			"indicator": "Red",
		},
		{"label": _("Total LTV"), "value": sum(r["ltv"] for r in data), "datatype": "Currency"},
	]
