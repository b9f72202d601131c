"""Lifecycle stage changes on Customer, kept as CSM Lifecycle Events: churn (with a reason), won back,
and every other stage change. History is never deleted; the Customer fields hold the current state."""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import getdate, today

CHURNED = "Churned"
WON_BACK_STAGE = "Adopting"


def validate_customer(doc) -> None:
	"""Churned needs a reason and a date; leaving Churned clears them (the event log keeps them)."""
	before = None if doc.is_new() else doc.get_db_value("csm_lifecycle_stage")
	stage = doc.get("csm_lifecycle_stage")
	if stage == CHURNED:
		if not doc.get("csm_churn_reason"):
			frappe.throw(
				_("Churn Reason is required when the lifecycle stage is Churned"),
				title=_("Missing churn reason"),
			)
		doc.csm_churned_on = doc.get("csm_churned_on") or today()
	elif before == CHURNED:
		doc.csm_churned_on = doc.csm_churn_reason = doc.csm_churn_competitor = None
	if (before or None) != (stage or None):
		doc.flags.csm_stage_change = (before, stage)


def record_stage_change(doc) -> None:
	"""After save: one event per change of stage."""
	change = doc.flags.pop("csm_stage_change", None) if doc.flags else None
	if not change:
		return
	before, stage = change
	record_event(
		doc.name,
		before,
		stage,
		doc.flags.get("csm_event_source") or {},
		churned_on=doc.csm_churned_on,
		reason=doc.get("csm_churn_reason"),
		competitor=doc.get("csm_churn_competitor"),
	)


def record_event(
	customer: str, before, stage, source: dict, churned_on=None, reason=None, competitor=None
) -> None:
	"""One CSM Lifecycle Event; also for a stage the app sets without saving the Customer (onboarding).
	The churn date, reason and competitor belong to a Churned event only."""
	event = CHURNED if stage == CHURNED else "Won Back" if before == CHURNED else "Stage Change"
	churn = event == CHURNED
	frappe.get_doc(
		{
			"doctype": "CSM Lifecycle Event",
			"customer": customer,
			"event": event,
			"event_date": (churned_on if churn else None) or source.get("date") or today(),
			"from_stage": before,
			"to_stage": stage,
			"source": source.get("source", "Manual"),
			"reason": reason if churn else None,
			"competitor": competitor if churn else None,
			"reference_doctype": source.get("reference_doctype"),
			"reference_name": source.get("reference_name"),
		}
	).insert(ignore_permissions=True)


def mark_churned(customer: str, reason: str, churned_on=None, competitor: str | None = None) -> None:
	doc = frappe.get_doc("Customer", customer)
	doc.csm_lifecycle_stage = CHURNED
	doc.csm_churn_reason = reason
	doc.csm_churned_on = getdate(churned_on or today())
	doc.csm_churn_competitor = competitor
	doc.save()


def win_back_on_invoice(invoice) -> None:
	"""A churned customer who buys again is won back: stage Adopting, and a Won Back event."""
	if (
		invoice.is_return
		or frappe.db.get_value("Customer", invoice.customer, "csm_lifecycle_stage") != CHURNED
	):
		return
	doc = frappe.get_doc("Customer", invoice.customer)
	doc.csm_lifecycle_stage = WON_BACK_STAGE
	doc.flags.csm_app = True  # the sale, not its user, changes the stage
	doc.flags.csm_event_source = {
		"source": "Invoice",
		"date": getdate(invoice.posting_date),
		"reference_doctype": invoice.doctype,
		"reference_name": invoice.name,
	}
	doc.save(ignore_permissions=True)
