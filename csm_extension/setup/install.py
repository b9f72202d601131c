"""Install and uninstall: custom fields, roles, default rules, scorecard and onboarding template."""

import json

import frappe
from frappe.custom.doctype.custom_field.custom_field import create_custom_fields

from csm_extension.engine.config import DEFAULTS_PATH
from csm_extension.setup.custom_fields import CUSTOM_FIELDS

ROLES = ("Customer Success Manager", "Customer Success Admin")

DEFAULT_ONBOARDING = {
	"template_name": "Standard Onboarding",
	"description": "Kickoff, training, integration and a check of early results after the first sale.",
	"tasks": [
		{
			"title": "Kickoff call",
			"day_offset": 0,
			"duration_days": 3,
			"is_milestone": 1,
			"description": "Meet the customer, agree goals, success criteria and contacts.",
		},
		{
			"title": "Training",
			"day_offset": 3,
			"duration_days": 7,
			"description": "Train the customer's users on what they bought.",
		},
		{
			"title": "Integration",
			"day_offset": 7,
			"duration_days": 14,
			"description": "Connect the customer's systems and data; confirm it works end to end.",
		},
		{
			"title": "Verify early results",
			"day_offset": 21,
			"duration_days": 9,
			"is_milestone": 1,
			"description": "Review the first results against the success criteria agreed at kickoff.",
		},
	],
}


def after_install():
	create_custom_fields(CUSTOM_FIELDS, ignore_validate=True)
	create_roles()
	defaults = json.loads(DEFAULTS_PATH.read_text(encoding="utf-8"))
	create_default_rules(defaults["rules"])
	create_default_settings(defaults)


def apply_custom_fields():
	"""Re-applied by a patch so that field changes reach existing sites."""
	create_custom_fields(CUSTOM_FIELDS, ignore_validate=True)


def create_roles():
	for role in ROLES:
		if not frappe.db.exists("Role", role):
			frappe.get_doc({"doctype": "Role", "role_name": role, "desk_access": 1}).insert(
				ignore_permissions=True
			)


def create_default_rules(rules):
	"""Created once: later edits by admins are theirs, migrate never overwrites them."""
	for rule in rules:
		if frappe.db.exists("CSM Red Flag Rule", rule["name"]):
			continue
		doc = frappe.get_doc({"doctype": "CSM Red Flag Rule", "rule_name": rule["name"], "enabled": 1})
		doc.update({k: v for k, v in rule.items() if k != "name"})
		doc.insert(ignore_permissions=True)


def create_default_settings(defaults):
	if not frappe.db.exists("CSM Onboarding Template", DEFAULT_ONBOARDING["template_name"]):
		frappe.get_doc({"doctype": "CSM Onboarding Template", **DEFAULT_ONBOARDING}).insert(
			ignore_permissions=True
		)
	settings = frappe.get_single("CSM Settings")
	if settings.scorecard:
		return
	scorecard = defaults["scorecard"]
	settings.onboarding_template = DEFAULT_ONBOARDING["template_name"]
	settings.update(
		{k: scorecard[k] for k in ("window_days", "min_purchase_days", "green_from", "amber_from")}
	)
	settings.stake_window_days = defaults["stake_window_days"]
	for m in scorecard["measures"]:
		settings.append(
			"scorecard",
			{
				"measure": m["measure"],
				"weight": m["weight"],
				"direction": m["direction"],
				"bands": ", ".join(f"{b:g}:{p:g}" for b, p in m["bands"]),
				"otherwise": m.get("otherwise", 0),
			},
		)
	settings.save(ignore_permissions=True)


def before_uninstall():
	"""Remove the Customer fields; the app's own doctypes go with the module."""
	for doctype, fields in CUSTOM_FIELDS.items():
		for field in fields:
			name = frappe.db.get_value("Custom Field", {"dt": doctype, "fieldname": field["fieldname"]})
			if name:
				frappe.delete_doc("Custom Field", name, ignore_permissions=True, force=True)
	frappe.clear_cache(doctype="Customer")
