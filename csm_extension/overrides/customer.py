"""Customer doc_events: the Customer Success fields keep their rules."""

import frappe
from frappe import _
from frappe.utils import today


def validate(doc, method=None):
	if doc.get("csm_lifecycle_stage") == "Churned":
		if not doc.get("csm_churned_on"):
			doc.csm_churned_on = today()
	elif doc.get("csm_churned_on") and not doc.flags.csm_won_back:
		doc.csm_churned_on = None
	if doc.get("csm") and not frappe.db.get_value("User", doc.csm, "enabled"):
		frappe.throw(_("CSM {0} is not an enabled user").format(frappe.bold(doc.csm)), title=_("Invalid CSM"))
