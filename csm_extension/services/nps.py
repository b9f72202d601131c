"""CSM NPS Response: validated score, category, the customer's last NPS, and the detractor follow-up."""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import add_days, getdate

from csm_extension.engine.nps import category, parse_score
from csm_extension.services import todos
from csm_extension.services.settings import customer_csm, get_settings


def validate(doc) -> None:
	try:
		doc.score = parse_score(doc.score)
	except ValueError as e:
		frappe.throw(_("{0}: {1}").format(_("Score"), e), title=_("Invalid NPS score"))
	doc.category = category(doc.score)


def after_insert(doc) -> None:
	update_last_score(doc.customer)
	if doc.category == "Detractor":
		settings = get_settings()
		todo = todos.assign(
			doc.doctype,
			doc.name,
			customer_csm(doc.customer, settings),
			_("Detractor: {0} answered {1}/10 — call them and close the loop. {2}").format(
				doc.customer_name or doc.customer, doc.score, doc.comment or ""
			),
			add_days(getdate(doc.response_date), settings.detractor_due_days or 2),
			"High",
		)
		if todo:
			doc.db_set("todo", todo, update_modified=False)


def update_last_score(customer: str, exclude: str | None = None) -> None:
	"""The customer's latest answer, by response date; a deleted answer (`exclude`) no longer counts."""
	filters = {"customer": customer}
	if exclude:
		filters["name"] = ("!=", exclude)
	latest = frappe.get_all(
		"CSM NPS Response",
		filters=filters,
		fields=["score", "response_date"],
		order_by="response_date desc, creation desc",
		limit=1,
	)
	# Int columns cannot be empty: "no answer" is an empty date, not a score of 0.
	values = (
		{"csm_last_nps_score": latest[0].score, "csm_last_nps_date": latest[0].response_date}
		if latest
		else {
			"csm_last_nps_score": 0,
			"csm_last_nps_date": None,
		}
	)
	frappe.db.set_value("Customer", customer, values, update_modified=False)
