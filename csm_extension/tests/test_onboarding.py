"""Onboarding in a real site: first invoice only, ToDo <-> task both ways, cancelling the first invoice."""

import frappe
from frappe.tests.utils import FrappeTestCase, change_settings
from frappe.utils import add_days, getdate, today

from csm_extension.tests.utils import make_customer, make_invoice, make_user

TEMPLATE = "Standard Onboarding"


def plans(customer):
	return frappe.get_all(
		"CSM Onboarding Plan", filters={"customer": customer}, fields=["name", "status", "sales_invoice"]
	)


def todos_of(plan):
	return frappe.get_all(
		"ToDo",
		filters={"reference_type": "CSM Onboarding Plan", "reference_name": plan},
		fields=["name", "status", "allocated_to", "description"],
		order_by="date asc, creation asc",
	)


class TestOnboarding(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.csm = make_user("csm.onboarding@example.com", "Customer Success Manager")

	@change_settings("CSM Settings", {"onboarding_template": TEMPLATE})
	def test_first_invoice_starts_a_plan_and_the_second_does_not(self):
		customer = make_customer("CSM Onboarding First", csm=self.csm)
		first = make_invoice(customer, add_days(today(), -3), 100)
		[plan] = plans(customer)
		self.assertEqual(plan.sales_invoice, first.name)
		doc = frappe.get_doc("CSM Onboarding Plan", plan.name)
		template = frappe.get_doc("CSM Onboarding Template", TEMPLATE)
		self.assertEqual([t.title for t in doc.tasks], [t.title for t in template.tasks])
		# Due = start + offset + duration, per task.
		for task, tpl in zip(doc.tasks, template.tasks, strict=True):
			expected = add_days(first.posting_date, tpl.day_offset + tpl.duration_days)
			self.assertEqual(getdate(task.due_date), getdate(expected))
		todos = todos_of(plan.name)
		self.assertEqual(len(todos), len(template.tasks))
		self.assertEqual({t.allocated_to for t in todos}, {self.csm})
		self.assertEqual({t.name for t in todos}, {t.todo for t in doc.tasks})
		self.assertEqual(frappe.db.get_value("Customer", customer, "csm_lifecycle_stage"), "Onboarding")
		# The stage change is kept as an event pointing at the invoice that started it.
		[event] = frappe.get_all(
			"CSM Lifecycle Event",
			filters={"customer": customer},
			fields=["event", "from_stage", "to_stage", "source", "reference_name", "event_date"],
		)
		self.assertEqual(
			(event.event, event.from_stage or None, event.to_stage, event.source, event.reference_name),
			("Stage Change", None, "Onboarding", "Invoice", first.name),
		)
		self.assertEqual(getdate(event.event_date), getdate(first.posting_date))
		# An assignment notification reached the CSM (Administrator assigned it).
		self.assertTrue(
			frappe.db.exists(
				"Notification Log", {"for_user": self.csm, "document_name": plan.name, "type": "Assignment"}
			)
		)

		make_invoice(customer, today(), 50)
		self.assertEqual(len(plans(customer)), 1)

	@change_settings("CSM Settings", {"onboarding_template": TEMPLATE})
	def test_return_invoice_starts_nothing_and_no_template_starts_nothing(self):
		customer = make_customer("CSM Onboarding No Template", csm=self.csm)
		with change_settings("CSM Settings", {"onboarding_template": None}):
			make_invoice(customer, today(), 100)
		self.assertEqual(plans(customer), [])

	@change_settings("CSM Settings", {"onboarding_template": TEMPLATE})
	def test_todo_and_task_stay_in_step_both_ways(self):
		customer = make_customer("CSM Onboarding Sync", csm=self.csm)
		make_invoice(customer, today(), 100)
		[plan] = plans(customer)
		doc = frappe.get_doc("CSM Onboarding Plan", plan.name)
		first, second = doc.tasks[0], doc.tasks[1]

		# Closing the ToDo completes the task.
		todo = frappe.get_doc("ToDo", first.todo)
		todo.status = "Closed"
		todo.save()
		doc.reload()
		self.assertEqual(doc.tasks[0].status, "Completed")
		self.assertEqual(getdate(doc.tasks[0].completed_on), getdate(today()))
		self.assertEqual(doc.progress, 25)
		self.assertEqual(doc.status, "In Progress")

		# Completing the task closes its ToDo.
		doc.tasks[1].status = "Completed"
		doc.save()
		self.assertEqual(frappe.db.get_value("ToDo", second.todo, "status"), "Closed")
		self.assertEqual(doc.progress, 50)

		# Reopening a ToDo reopens its task.
		todo.reload()
		todo.status = "Open"
		todo.save()
		doc.reload()
		self.assertEqual((doc.tasks[0].status, doc.tasks[0].completed_on), ("Open", None))

		for task in doc.tasks:
			task.status = "Completed"
		doc.save()
		self.assertEqual((doc.status, doc.progress), ("Completed", 100))
		self.assertEqual({t.status for t in todos_of(plan.name)}, {"Closed"})

	@change_settings("CSM Settings", {"onboarding_template": TEMPLATE})
	def test_cancelling_the_first_invoice_cancels_an_untouched_plan(self):
		customer = make_customer("CSM Onboarding Cancel", csm=self.csm)
		first = make_invoice(customer, today(), 100)
		[plan] = plans(customer)
		first.cancel()
		self.assertEqual(frappe.db.get_value("CSM Onboarding Plan", plan.name, "status"), "Cancelled")
		self.assertEqual({t.status for t in todos_of(plan.name)}, {"Cancelled"})
		# The next invoice is now the customer's first: a new plan starts.
		make_invoice(customer, today(), 80)
		self.assertEqual(sorted(p.status for p in plans(customer)), ["Cancelled", "Not Started"])

	@change_settings("CSM Settings", {"onboarding_template": TEMPLATE})
	def test_cancelling_the_first_invoice_keeps_a_plan_with_work_done(self):
		customer = make_customer("CSM Onboarding Keep", csm=self.csm)
		first = make_invoice(customer, today(), 100)
		[plan] = plans(customer)
		doc = frappe.get_doc("CSM Onboarding Plan", plan.name)
		doc.tasks[0].status = "Completed"
		doc.save()
		first.cancel()
		self.assertEqual(frappe.db.get_value("CSM Onboarding Plan", plan.name, "status"), "In Progress")

	@change_settings("CSM Settings", {"onboarding_template": TEMPLATE, "stall_days": 7})
	def test_plan_stalls_when_a_task_is_overdue_past_the_setting(self):
		customer = make_customer("CSM Onboarding Stall", csm=self.csm)
		make_invoice(customer, add_days(today(), -60), 100)
		[plan] = plans(customer)
		# Every task of the standard template is due within 30 days of the start: all overdue now.
		self.assertEqual(plan.status, "Stalled")
