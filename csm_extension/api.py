"""Whitelisted calls of the desk, and the one guest call: answering an NPS survey by its signed link."""

from typing import Any

import frappe
from frappe.rate_limiter import rate_limit

from csm_extension.services import daily_pass, surveys
from csm_extension.services.permissions import ADMIN_ROLES, check_customer, require, require_role


@frappe.whitelist()
def run_daily_pass(as_of: str | None = None, dry_run: bool = True) -> dict:
	"""Run (or preview, the default) the daily pass; Customer Success Admins and System Managers only."""
	require_role(ADMIN_ROLES)
	return daily_pass.run(as_of=as_of, dry_run=frappe.parse_json(dry_run), force=True).as_dict()


@frappe.whitelist(methods=["POST"])
def send_nps_survey(survey: str | None = None) -> dict:
	"""Send a Draft CSM NPS Survey (once); Customer Success Admins / Managers and System Managers only."""
	require_role()
	require(survey=survey)
	frappe.has_permission("CSM NPS Survey", "write", survey, throw=True)
	return surveys.send_survey(survey)


# The only method a Guest may call: every other whitelisted function of the app requires a login.
@frappe.whitelist(allow_guest=True, methods=["POST"])
@rate_limit(limit=20, seconds=60 * 60)
# `score: Any`: engine.nps.parse_score decides (an `int` annotation would let Frappe turn true into 1).
def submit_nps_answer(token: str | None = None, score: Any = None, comment: str | None = None) -> dict:
	"""Record the answer of a survey link (once, before its deadline, score 0-10); anything else is
	refused with nothing stored. A missing token or score is refused the same way, not with a 500."""
	return surveys.record_answer(token, score, comment)


@frappe.whitelist()
def customer_summary(customer: str | None = None) -> dict:
	"""The Customer form's Customer Success area: health with each measure's reason, flags, onboarding."""
	from csm_extension.services import customer_summary as service

	require_role()  # it shows flags and plans, which only the Customer Success roles may read
	require(customer=customer)
	check_customer(customer)
	return service.summary(customer)


@frappe.whitelist(methods=["POST"])
def start_onboarding(customer: str | None = None, template: str | None = None) -> str:
	"""Start an onboarding plan by hand (e.g. for a customer whose first sale predates the app)."""
	from csm_extension.services import onboarding
	from csm_extension.services.settings import get_settings

	require_role()
	require(customer=customer)
	check_customer(customer, "write")
	template = template or get_settings().onboarding_template
	if not template:
		frappe.throw(frappe._("Choose an onboarding template (or set one in CSM Settings)"))
	if frappe.db.exists(
		"CSM Onboarding Plan", {"customer": customer, "status": ("not in", ("Cancelled", "Completed"))}
	):
		frappe.throw(frappe._("{0} already has an onboarding plan in progress").format(customer))
	return onboarding.start_plan(customer, template)


@frappe.whitelist(methods=["POST"])
def mark_churned(
	customer: str | None = None,
	reason: str | None = None,
	churned_on: str | None = None,
	competitor: str | None = None,
) -> None:
	from csm_extension.services import lifecycle

	require_role()
	require(customer=customer, reason=reason)
	check_customer(customer, "write")
	lifecycle.mark_churned(customer, reason, churned_on, competitor)
