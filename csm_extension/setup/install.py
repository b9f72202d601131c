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
	grant_customer_access()
	defaults = json.loads(DEFAULTS_PATH.read_text(encoding="utf-8"))
	create_default_rules(defaults["rules"])
	create_default_settings(defaults)
	create_survey_defaults()
	# Patches are marked done, not run, on install: the index the daily pass reads through is added here too.
	from csm_extension.patches.v0_1.add_customer_facts_index import execute as add_customer_facts_index

	add_customer_facts_index()


def add_new_default_rules():
	"""For sites installed before a default rule existed (a patch); rules already there are left alone."""
	create_default_rules(json.loads(DEFAULTS_PATH.read_text(encoding="utf-8"))["rules"])


def apply_custom_fields():
	"""Re-applied by a patch so that field changes reach existing sites."""
	create_custom_fields(CUSTOM_FIELDS, ignore_validate=True)


def create_roles():
	for role in ROLES:
		if not frappe.db.exists("Role", role):
			frappe.get_doc({"doctype": "Role", "role_name": role, "desk_access": 1}).insert(
				ignore_permissions=True
			)


# What the Customer Success roles need of ERPNext's own doctypes to work from the Customer form: open and
# update customers (Mark Churned, lifecycle), read their contacts (surveys) and the invoices flags cite.
# Added to the site's role permissions (Custom DocPerm, as the Role Permissions Manager does), never
# taken from the other roles; a rule already there is left as the admin set it.
ROLE_ACCESS = {
	"Customer": ("read", "write"),
	"Contact": ("read",),
	"Sales Invoice": ("read",),
}


def grant_customer_access():
	from frappe.permissions import add_permission, update_permission_property

	for doctype, ptypes in ROLE_ACCESS.items():
		for role in ROLES:
			if frappe.db.exists("Custom DocPerm", {"parent": doctype, "role": role, "permlevel": 0}):
				continue
			add_permission(doctype, role, 0, "read")
			for ptype in ptypes:
				if ptype != "read":
					update_permission_property(doctype, role, 0, ptype, 1)


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


SURVEY_TEMPLATE = "CSM NPS Survey"
SURVEY_SUBJECT = "{{ customer_name }}: how likely are you to recommend us?"
SURVEY_MESSAGE = """<p>Hello {{ contact_name }},</p>
<p>How likely is it that you would recommend us to a friend or colleague?
One click, one question from 0 to 10, and a comment if you like:</p>
<p><a href="{{ survey_link }}" style="display:inline-block;padding:10px 18px;background:#2490ef;color:#fff;
border-radius:6px;text-decoration:none">Answer the survey</a></p>
<p>Or open this link: <a href="{{ survey_link }}">{{ survey_link }}</a></p>
<p>The link is personal to {{ customer_name }} and can be used once.</p>
<p>Thank you!</p>
"""


SURVEY_SETTINGS = {
	"survey_email_template": SURVEY_TEMPLATE,
	"survey_throttle_days": 90,
	"survey_deadline_days": 30,
}


def create_survey_defaults():
	"""The survey email template, created once (admins edit it; install and migrate never overwrite it),
	and the survey settings a site that had the app before surveys lacks. Safe to run again (patches.txt)."""
	if not frappe.db.exists("Email Template", SURVEY_TEMPLATE):
		frappe.get_doc(
			{
				"doctype": "Email Template",
				"subject": SURVEY_SUBJECT,
				"use_html": 1,
				"response_html": SURVEY_MESSAGE,
			}
		).insert(ignore_permissions=True, set_name=SURVEY_TEMPLATE)
	for field, value in SURVEY_SETTINGS.items():
		# A stored value, even 0 or empty, is an admin's choice.
		if not frappe.db.sql(
			"SELECT 1 FROM `tabSingles` WHERE doctype = 'CSM Settings' AND field = %s", field
		):
			frappe.db.set_single_value("CSM Settings", field, value)


def before_uninstall():
	"""Remove the Customer fields, the app's index on Sales Invoice and its roles' permissions on ERPNext's
	doctypes; the app's doctypes go with the module."""
	from csm_extension.data.facts import COVERING_INDEX

	if frappe.db.db_type == "mariadb" and frappe.db.has_index("tabSales Invoice", COVERING_INDEX[0]):
		frappe.db.sql_ddl(f"ALTER TABLE `tabSales Invoice` DROP INDEX `{COVERING_INDEX[0]}`")
	for doctype, fields in CUSTOM_FIELDS.items():
		for field in fields:
			name = frappe.db.get_value("Custom Field", {"dt": doctype, "fieldname": field["fieldname"]})
			if name:
				frappe.delete_doc("Custom Field", name, ignore_permissions=True, force=True)
	for doctype in ROLE_ACCESS:
		frappe.db.delete("Custom DocPerm", {"parent": doctype, "role": ("in", ROLES)})
		frappe.clear_cache(doctype=doctype)
	frappe.clear_cache(doctype="Customer")
