"""Health on the Customer record and scheduled CSM Health Checks."""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import add_days, getdate

from csm_extension.engine.scoring import HealthScore
from csm_extension.services import todos
from csm_extension.services.settings import customer_csm, due_days, get_settings


def cadence_days(customer_group: str | None, settings=None) -> int:
	settings = settings or get_settings()
	for row in settings.cadence_by_group:
		if row.customer_group == customer_group and row.cadence_days:
			return int(row.cadence_days)
	return int(settings.health_check_cadence_days or 90)


def breakdown_rows(score: HealthScore) -> list[dict]:
	return [
		{
			"measure": m.measure,
			"label": m.label,
			"raw_value": m.raw,
			"points": m.points,
			"weight": m.weight,
			"explanation": m.explanation,
		}
		for m in score.breakdown
	]


def open_scheduled_check(customer: str, score: HealthScore, as_of, csm: str | None = None) -> str:
	"""A Scheduled check with the engine's snapshot, and one ToDo for the CSM."""
	csm = csm or customer_csm(customer)
	doc = frappe.get_doc(
		{
			"doctype": "CSM Health Check",
			"customer": customer,
			"check_date": as_of,
			"csm": csm,
			"kind": "Scheduled",
			"status": "Open",
			"health_score": score.score,
			"health_status": score.status,
			"health_note": score.note,
			"breakdown": breakdown_rows(score),
		}
	).insert(ignore_permissions=True)
	todo = todos.assign(
		doc.doctype,
		doc.name,
		csm,
		_("Health check due: {0} (score {1}, {2})").format(
			doc.customer_name or customer, score.score if score.score is not None else "—", score.status
		),
		add_days(as_of, due_days("Medium")),
	)
	if todo:
		doc.db_set("todo", todo, update_modified=False)
	return doc.name


def on_check_update(doc) -> None:
	"""A completed check dates the customer's last and next check and closes its ToDo."""
	if doc.status != "Completed":
		return
	group = frappe.db.get_value("Customer", doc.customer, "customer_group")
	next_check = doc.next_check_date or add_days(doc.check_date, cadence_days(group))
	frappe.db.set_value(
		"Customer",
		doc.customer,
		{"csm_last_health_check": getdate(doc.check_date), "csm_next_health_check": getdate(next_check)},
		update_modified=False,
	)
	todos.set_status(doc.todo, "Closed")
