"""ToDos as Frappe assignments: in the assignee's ToDo list, with the usual assignment notification."""

from __future__ import annotations

import frappe
from frappe.desk.form.assign_to import notify_assignment

PRIORITY = {"Critical": "High", "High": "High", "Medium": "Medium", "Low": "Low"}


def assign(
	doctype: str, name: str, user: str | None, description: str, due_date, priority="Medium"
) -> str | None:
	"""One ToDo per call (frappe's assign_to.add allows one open ToDo per user and document; an onboarding
	plan needs one per task). No user, no ToDo."""
	if not user:
		return None
	todo = frappe.get_doc(
		{
			"doctype": "ToDo",
			"allocated_to": user,
			"reference_type": doctype,
			"reference_name": name,
			"description": description,
			"date": due_date,
			"priority": priority,
			"status": "Open",
			# An answer from the public survey page arrives as Guest; the app assigns, not the guest.
			"assigned_by": "Administrator" if frappe.session.user == "Guest" else frappe.session.user,
		}
	)
	todo.flags.csm_sync = True
	todo.insert(ignore_permissions=True)
	guest = frappe.session.user == "Guest"
	if guest:  # the notification names the session user as the one who assigned
		frappe.set_user("Administrator")
	try:
		notify_assignment(todo.assigned_by, user, doctype, name, action="ASSIGN", description=description)
	finally:
		if guest:
			frappe.set_user("Guest")
	return todo.name


def set_status(todo_name: str | None, status: str) -> None:
	"""Close or cancel (or reopen) a ToDo the app made, without echoing back through the ToDo hook."""
	if not todo_name or frappe.db.get_value("ToDo", todo_name, "status") in (None, status):
		return
	todo = frappe.get_doc("ToDo", todo_name)
	todo.flags.csm_sync = True
	todo.status = status
	todo.save(ignore_permissions=True)
