"""Whitelisted calls of the desk, and the one guest call: answering an NPS survey by its signed link."""

import frappe
from frappe.rate_limiter import rate_limit

from csm_extension.services import daily_pass, surveys


@frappe.whitelist()
def run_daily_pass(as_of: str | None = None, dry_run: bool = True) -> dict:
	"""Run (or preview, the default) the daily pass; Customer Success Admins and System Managers only."""
	frappe.only_for(("Customer Success Admin", "System Manager"))
	return daily_pass.run(as_of=as_of, dry_run=frappe.parse_json(dry_run), force=True).as_dict()


@frappe.whitelist(methods=["POST"])
def send_nps_survey(survey: str) -> dict:
	"""Send a Draft CSM NPS Survey (once); Customer Success Admins / Managers and System Managers only."""
	frappe.only_for(("Customer Success Admin", "Customer Success Manager", "System Manager"))
	frappe.has_permission("CSM NPS Survey", "write", survey, throw=True)
	return surveys.send_survey(survey)


# The only method a Guest may call: every other whitelisted function of the app requires a login.
@frappe.whitelist(allow_guest=True, methods=["POST"])
@rate_limit(limit=20, seconds=60 * 60)
def submit_nps_answer(token: str, score: int, comment: str | None = None) -> dict:
	"""Record the answer of a survey link (once, before its deadline, score 0-10); anything else is
	refused with nothing stored."""
	return surveys.record_answer(token, score, comment)
