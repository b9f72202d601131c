"""CSM Red Flag records: opened, kept up to date and resolved by the daily pass; each with a ToDo."""

from __future__ import annotations

from collections.abc import Iterable

import frappe
from frappe import _
from frappe.utils import add_days, getdate, today

from csm_extension.data.followups import flag_shows
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
			"threshold": flag.threshold,
			**flag_shows(flag),
		}
	)
	try:
		doc.insert(ignore_permissions=True)
	except frappe.UniqueValidationError:
		return None
	existing = _answer_followup(flag)
	if existing:
		# The detractor's answer opened its follow-up already: the flag tracks that ToDo, not a second one.
		todo, status = existing
		doc.db_set(
			{"todo": todo, "status": "Acknowledged" if status == "Closed" else "Open"}, update_modified=False
		)
		return doc.name
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


def _answer_followup(flag: Flag) -> tuple[str, str] | None:
	"""(ToDo, status) of the follow-up the customer's latest NPS answer opened, for a flag on that answer."""
	if flag.signal != "last_nps_score":
		return None
	latest = frappe.get_all(
		"CSM NPS Response",
		filters={"customer": flag.customer, "docstatus": ("<", 2)},
		fields=["todo"],
		order_by="response_date desc, creation desc, name desc",  # as data.app_tables.last_nps_scores
		limit=1,
	)
	if not latest or not latest[0].todo:
		return None
	status = frappe.db.get_value("ToDo", latest[0].todo, "status")
	return (latest[0].todo, status) if status in ("Open", "Closed") else None


def refresh_flags(kept: Iterable[tuple[str, Flag]]) -> None:
	"""Rewrite what kept flags show (observed value, explanation, evidence), a hundred to a statement:
	`kept` is (CSM Red Flag name, today's flag), the flags whose stored values are out of date."""
	frappe.db.bulk_update(
		"CSM Red Flag", {name: flag_shows(flag) for name, flag in kept}, update_modified=False
	)


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
	"""The CSM closing a flag's ToDo (its own, or the detractor answer's it tracks) acknowledges the flag;
	it stays open until the condition clears."""
	if todo.status != "Closed":
		return
	for name in frappe.get_all("CSM Red Flag", filters={"todo": todo.name, "status": "Open"}, pluck="name"):
		frappe.db.set_value("CSM Red Flag", name, "status", "Acknowledged")
