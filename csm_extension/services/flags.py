"""CSM Red Flag records: opened, kept up to date and resolved by the daily pass; each with a ToDo."""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import add_days, getdate, today

from csm_extension.engine.rules import Flag, flag_key
from csm_extension.services import todos
from csm_extension.services.settings import due_days

OPEN_STATUSES = ("Open", "Acknowledged")


def open_flag(flag: Flag, csm: str | None, as_of) -> str | None:
	"""Insert the flag and its ToDo. The unique `open_key` makes a concurrent second open fail in the
	database, whatever Python checked before; that case is not an error, the flag already exists."""
	doc = frappe.get_doc(
		{
			"doctype": "CSM Red Flag",
			"customer": flag.customer,
			"rule": flag.rule,
			"severity": flag.severity,
			"status": "Open",
			"raised_on": as_of,
			"csm": csm,
			"observed_value": flag.value,
			"threshold": flag.threshold,
			"explanation": flag.explanation,
			"evidence": "\n".join(flag.evidence),
		}
	)
	try:
		doc.insert(ignore_permissions=True)
	except frappe.UniqueValidationError:
		return None
	description = _("{0} — {1}: {2}").format(flag.rule, doc.customer_name or flag.customer, flag.explanation)
	todo = todos.assign(
		doc.doctype,
		doc.name,
		csm,
		description,
		add_days(as_of, due_days(flag.severity)),
		todos.PRIORITY.get(flag.severity, "Medium"),
	)
	if todo:
		doc.db_set("todo", todo, update_modified=False)
	return doc.name


def refresh_flag(name: str, flag: Flag) -> bool:
	"""Keep the observed value and explanation current while the flag stays open."""
	current = frappe.db.get_value("CSM Red Flag", name, ["observed_value", "explanation"], as_dict=True)
	if current and (
		abs((current.observed_value or 0) - flag.value) > 1e-6 or current.explanation != flag.explanation
	):
		frappe.db.set_value(
			"CSM Red Flag",
			name,
			{"observed_value": flag.value, "explanation": flag.explanation},
			update_modified=False,
		)
		return True
	return False


def resolve_flag(name: str, as_of) -> None:
	doc = frappe.get_doc("CSM Red Flag", name)
	doc.status = "Resolved"
	doc.resolved_on = getdate(as_of)
	doc.add_comment("Info", _("Resolved by the daily pass: the condition cleared on {0}.").format(as_of))
	doc.save(ignore_permissions=True)


def on_validate(doc) -> None:
	"""Controller hook: the open key exists exactly while the flag is open; closing it dates it."""
	if doc.status in OPEN_STATUSES:
		doc.open_key = flag_key(doc.customer, doc.rule)
		doc.resolved_on = None
	else:
		doc.open_key = None
		doc.resolved_on = doc.resolved_on or getdate(today())
	if doc.is_new() and doc.rule:
		# A flag's severity is its rule's (the Select would otherwise default to its first option).
		doc.severity = frappe.db.get_value("CSM Red Flag Rule", doc.rule, "severity") or doc.severity


def on_update(doc) -> None:
	if doc.status not in OPEN_STATUSES:
		todos.set_status(doc.todo, "Closed")


def on_todo_change(todo) -> None:
	"""The CSM closing a flag's ToDo acknowledges the flag; it stays open until the condition clears."""
	if (
		todo.status == "Closed"
		and frappe.db.get_value("CSM Red Flag", todo.reference_name, "status") == "Open"
	):
		frappe.db.set_value("CSM Red Flag", todo.reference_name, "status", "Acknowledged")
