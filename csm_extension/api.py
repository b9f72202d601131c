"""Whitelisted calls of the desk."""

import frappe

from csm_extension.services import daily_pass


@frappe.whitelist()
def run_daily_pass(as_of: str | None = None, dry_run: bool = True) -> dict:
	"""Run (or preview, the default) the daily pass; Customer Success Admins and System Managers only."""
	frappe.only_for(("Customer Success Admin", "System Manager"))
	return daily_pass.run(as_of=as_of, dry_run=frappe.parse_json(dry_run), force=True).as_dict()
