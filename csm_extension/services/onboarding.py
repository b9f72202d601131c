"""Onboarding plans: started by a customer's first Sales Invoice, tasks kept in step with their ToDos."""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import add_days, getdate, today

from csm_extension.services import lifecycle, todos
from csm_extension.services.settings import customer_csm, get_settings

OPEN_PLAN = ("!=", "Cancelled")


def is_first_invoice(invoice) -> bool:
	"""No other submitted, non-return invoice of this customer exists."""
	return not frappe.db.exists(
		"Sales Invoice",
		{"customer": invoice.customer, "docstatus": 1, "is_return": 0, "name": ("!=", invoice.name)},
	)


def start_for_invoice(invoice) -> str | None:
	"""Start the template plan on a customer's first sale; a later invoice starts nothing, and neither do
	imported (historical) invoices."""
	template = get_settings().onboarding_template
	if frappe.flags.in_import or invoice.is_return or not template or not is_first_invoice(invoice):
		return None
	if frappe.db.exists("CSM Onboarding Plan", {"customer": invoice.customer, "status": OPEN_PLAN}):
		return None
	return start_plan(invoice.customer, template, invoice.posting_date, invoice.name)


def start_plan(customer: str, template: str, start_date=None, sales_invoice: str | None = None) -> str:
	start_date = getdate(start_date or today())
	csm = customer_csm(customer)
	tpl = frappe.get_doc("CSM Onboarding Template", template)
	plan = frappe.get_doc(
		{
			"doctype": "CSM Onboarding Plan",
			"customer": customer,
			"template": template,
			"csm": csm,
			"sales_invoice": sales_invoice,
			"start_date": start_date,
			"tasks": [
				{
					"title": t.title,
					"description": t.description,
					"due_date": add_days(start_date, (t.day_offset or 0) + (t.duration_days or 0)),
					"is_milestone": t.is_milestone,
					"status": "Open",
				}
				for t in tpl.tasks
			],
		}
	)
	plan.insert(ignore_permissions=True)
	customer_name = frappe.db.get_value("Customer", customer, "customer_name")
	for task in plan.tasks:
		task.todo = todos.assign(
			plan.doctype,
			plan.name,
			csm,
			_("Onboarding {0}: {1}").format(customer_name, task.title),
			task.due_date,
		)
	plan.flags.csm_sync = True
	plan.save(ignore_permissions=True)
	if not frappe.db.get_value("Customer", customer, "csm_lifecycle_stage"):
		frappe.db.set_value("Customer", customer, "csm_lifecycle_stage", "Onboarding", update_modified=False)
		# Every change of stage is kept, this one too (it is set without saving the Customer).
		source = {"date": start_date}
		if sales_invoice:
			source.update(source="Invoice", reference_doctype="Sales Invoice", reference_name=sales_invoice)
		lifecycle.record_event(customer, None, "Onboarding", source)
	return plan.name


def cancel_for_invoice(invoice) -> None:
	"""Cancelling the invoice that started a plan cancels the plan, unless work on it was already done."""
	for name in frappe.get_all(
		"CSM Onboarding Plan", filters={"sales_invoice": invoice.name, "status": OPEN_PLAN}, pluck="name"
	):
		plan = frappe.get_doc("CSM Onboarding Plan", name)
		if any(t.status == "Completed" for t in plan.tasks):
			plan.add_comment(
				"Comment",
				_("Invoice {0} was cancelled; the plan goes on because tasks are done.").format(invoice.name),
			)
			continue
		plan.status = "Cancelled"
		for task in plan.tasks:
			task.status = "Cancelled"
		plan.save(ignore_permissions=True)


def refresh(plan, as_of=None) -> None:
	"""Progress and status from the task rows (called on validate and by the daily pass)."""
	as_of = getdate(as_of or today())
	stall_days = get_settings().stall_days or 0
	for task in plan.tasks:
		task.completed_on = (task.completed_on or as_of) if task.status == "Completed" else None
	live = [t for t in plan.tasks if t.status != "Cancelled"]
	done = [t for t in live if t.status == "Completed"]
	plan.progress = round(100 * len(done) / len(live), 1) if live else 0
	if plan.status == "Cancelled":
		return
	stalled = any(
		t.status == "Open" and t.due_date and (as_of - getdate(t.due_date)).days > stall_days for t in live
	)
	if live and len(done) == len(live):
		plan.status = "Completed"
	elif stalled:
		plan.status = "Stalled"
	else:
		plan.status = "In Progress" if done else "Not Started"


def sync_todos(plan) -> None:
	"""Completing or cancelling a task closes or cancels its ToDo; reopening reopens it."""
	status = {"Completed": "Closed", "Cancelled": "Cancelled", "Open": "Open"}
	for task in plan.tasks:
		todos.set_status(task.todo, status[task.status])


def on_todo_change(todo) -> None:
	"""Closing a task's ToDo completes the task; reopening it reopens the task."""
	task_status = {"Closed": "Completed", "Open": "Open"}.get(todo.status)
	if not task_status:
		return
	row = frappe.db.get_value(
		"CSM Onboarding Plan Task",
		{"parent": todo.reference_name, "todo": todo.name},
		["name", "status"],
		as_dict=True,
	)
	if not row or row.status == task_status or row.status == "Cancelled":
		return
	plan = frappe.get_doc("CSM Onboarding Plan", todo.reference_name)
	for task in plan.tasks:
		if task.name == row.name:
			task.status = task_status
	plan.flags.csm_sync = True
	plan.save(ignore_permissions=True)


def refresh_open_plans(as_of, dry_run=False) -> list[tuple[str, str, str]]:
	"""Re-derive the status of every live plan (a task can become overdue without anyone touching it)."""
	changes = []
	for name in frappe.get_all(
		"CSM Onboarding Plan", filters={"status": ("not in", ("Completed", "Cancelled"))}, pluck="name"
	):
		plan = frappe.get_doc("CSM Onboarding Plan", name)
		before = plan.status
		refresh(plan, as_of)
		if plan.status != before:
			changes.append((name, before, plan.status))
			if not dry_run:
				plan.db_set("status", plan.status, update_modified=False)
	return changes
