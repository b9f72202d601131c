"""Customer doc_events: the Customer Success fields keep their rules; stage changes become events."""

import frappe
from frappe import _

from csm_extension.services import customer_fields, lifecycle


def validate(doc, method=None):
	customer_fields.guard(doc)
	lifecycle.validate_customer(doc)
	if doc.get("csm") and not frappe.db.get_value("User", doc.csm, "enabled"):
		frappe.throw(_("CSM {0} is not an enabled user").format(frappe.bold(doc.csm)), title=_("Invalid CSM"))


def on_update(doc, method=None):
	lifecycle.record_stage_change(doc)
