"""The daily pass in a real site, on hand-built invoice histories (expected values worked out by hand)."""

from unittest.mock import patch

import frappe
from frappe.tests.utils import change_settings
from frappe.utils import add_days, getdate, today

from csm_extension.data.db import FrappeDatabase
from csm_extension.data.facts import load_facts
from csm_extension.services import daily_pass
from csm_extension.services import flags as flag_service
from csm_extension.tests.utils import (
	RolledBackTestCase,
	make_customer,
	make_invoice,
	make_user,
	open_flags,
	pay,
)

AS_OF = getdate(today())


def day(offset):
	return add_days(AS_OF, offset)


def count(doctype, **filters):
	return frappe.db.count(doctype, filters)


class TestDailyPass(RolledBackTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		# No onboarding here: its plans would raise "Stalled onboarding" flags on these old histories.
		cls.enterClassContext(
			change_settings("CSM Settings", {"onboarding_template": None, "enabled": 1, "company": None})
		)
		cls.csm = make_user("csm.pass@example.com", "Customer Success Manager")
		# Bought every 30 days, then stopped 60 days ago; invoices due in 400 days, so nothing is overdue.
		cls.rhythm = make_customer("CSM Pass Rhythm", csm=cls.csm)
		for offset in (-150, -120, -90, -60):
			make_invoice(cls.rhythm, day(offset), 100, due_days=400)
		# One unpaid invoice 60 days past due.
		cls.overdue = make_customer("CSM Pass Overdue", csm=cls.csm)
		cls.overdue_invoice = make_invoice(cls.overdue, day(-70), 250, due_days=10)
		# A return nets revenue.
		cls.returns = make_customer("CSM Pass Returns", csm=cls.csm)
		for offset in (-100, -50):
			make_invoice(cls.returns, day(offset), 200, due_days=400)
		sold = make_invoice(cls.returns, day(-20), 200, due_days=400)
		make_invoice(cls.returns, day(-10), -200, is_return=1, return_against=sold.name)

	def run_pass(self, **kwargs):
		return daily_pass.run(as_of=AS_OF, force=True, **kwargs)

	def test_facts_net_returns(self):
		facts = {f.customer: f for f in load_facts(FrappeDatabase(), AS_OF, (90,))}
		f = facts[self.returns]
		# Orders -100, -50, -20 (the return is not an order); lifetime 200 * 3 - 200 = 400.
		self.assertEqual((f.orders, f.purchase_days), (3, 3))
		self.assertAlmostEqual(f.lifetime_revenue, 400)
		# Recent 90 days hold -50, -20 and the return: 200 + 200 - 200; the previous 90 hold -100.
		w = f.window(90)
		self.assertEqual((w.recent_orders, w.previous_orders), (2, 1))
		self.assertAlmostEqual(w.recent_revenue, 200)
		self.assertAlmostEqual(w.previous_revenue, 200)

	def test_flags_raise_resolve_and_a_second_run_creates_nothing(self):
		self.run_pass()
		flags = open_flags(self.rhythm)
		# 60 days since the last order / 30-day rhythm = 2.0 (>= 2); 1 order and 100 in the last 90 days vs
		# 3 and 300 before: -66.7% each (>= 50). 60 days < 180: no long silence.
		self.assertEqual(set(flags), {"Silent beyond rhythm", "Revenue drop", "Order frequency drop"})
		self.assertAlmostEqual(flags["Silent beyond rhythm"].observed_value, 2.0)
		self.assertEqual(
			flags["Silent beyond rhythm"].explanation,
			"No invoice for 60 days — 2.0× this customer's usual 30-day rhythm",
		)
		self.assertAlmostEqual(flags["Revenue drop"].observed_value, 200 / 3, places=3)
		todo = frappe.get_doc("ToDo", flags["Revenue drop"].todo)
		self.assertEqual((todo.allocated_to, todo.status, todo.priority), (self.csm, "Open", "High"))
		self.assertEqual(getdate(todo.date), getdate(day(3)))  # High severity: due in 3 days (CSM Settings)

		overdue = open_flags(self.overdue)
		self.assertEqual(set(overdue), {"Overdue invoices"})
		self.assertEqual(overdue["Overdue invoices"].observed_value, 60)
		self.assertEqual(overdue["Overdue invoices"].evidence, self.overdue_invoice.name)

		# Health: recency 2.0 -> 50 (w30), orders -66.7% -> 25 (w20), revenue -> 25 (w20), nothing
		# overdue -> 100 (w20), tenure 150 days -> 50 (w10): (1500 + 500 + 500 + 2000 + 500) / 100 = 50.
		health = frappe.db.get_value("Customer", self.rhythm, ["csm_health_score", "csm_health_status"])
		self.assertEqual(tuple(health), (50, "Amber"))

		before = {dt: count(dt) for dt in ("CSM Red Flag", "ToDo", "CSM Health Check")}
		second = self.run_pass()
		self.assertEqual({k: v for k, v in second.counts().items() if k in ("open flag", "health check")}, {})
		self.assertEqual({dt: count(dt) for dt in before}, before)

		# A new order today clears the silence and both drops: 2 orders/200 vs 3/300 is -33%.
		make_invoice(self.rhythm, AS_OF, 100, due_days=400)
		pay(self.overdue_invoice, AS_OF)
		self.run_pass()
		self.assertEqual(open_flags(self.rhythm), {})
		self.assertEqual(open_flags(self.overdue), {})
		resolved = frappe.get_all(
			"CSM Red Flag",
			filters={"customer": self.rhythm, "status": "Resolved"},
			fields=["todo", "resolved_on", "open_key"],
		)
		self.assertEqual(len(resolved), 3)
		for flag in resolved:
			self.assertEqual((getdate(flag.resolved_on), flag.open_key), (AS_OF, None))
			self.assertEqual(frappe.db.get_value("ToDo", flag.todo, "status"), "Closed")

	def test_kept_flags_are_rewritten_only_when_what_they_show_changed(self):
		# The invoice fell due 60 days ago: 59 days overdue yesterday, 60 today.
		daily_pass.run(as_of=day(-1), force=True)
		yesterday = open_flags(self.overdue)["Overdue invoices"]
		self.assertEqual(yesterday.observed_value, 59)
		report = self.run_pass()
		refreshed = {target for kind, target, _ in report.actions if kind == "refresh flag"}
		self.assertIn(f"{self.overdue}::Overdue invoices", refreshed)
		today_flag = open_flags(self.overdue)["Overdue invoices"]
		self.assertEqual((today_flag.name, today_flag.observed_value), (yesterday.name, 60))
		self.assertEqual(
			today_flag.explanation,
			f"Oldest unpaid invoice is 60 days past due ({self.overdue_invoice.name}, 250.00 overdue in all)",
		)
		# Again today: every kept flag already shows today's values, so none is written.
		self.assertNotIn("refresh flag", self.run_pass().counts())

	def test_due_health_check_opens_one_todo(self):
		self.run_pass()
		# First order 150 days ago + the 90-day cadence = due 60 days ago.
		checks = frappe.get_all(
			"CSM Health Check",
			filters={"customer": self.rhythm, "kind": "Scheduled"},
			fields=["name", "todo", "health_score"],
		)
		self.assertEqual(len(checks), 1)
		self.assertEqual(frappe.db.get_value("ToDo", checks[0].todo, "allocated_to"), self.csm)
		self.assertEqual(checks[0].health_score, 50)
		self.run_pass()
		self.assertEqual(count("CSM Health Check", customer=self.rhythm, kind="Scheduled"), 1)
		# Completing it sets the next check one cadence later and closes the ToDo.
		check = frappe.get_doc("CSM Health Check", checks[0].name)
		check.status = "Completed"
		check.save()
		self.assertEqual(
			getdate(frappe.db.get_value("Customer", self.rhythm, "csm_next_health_check")), getdate(day(90))
		)
		self.assertEqual(frappe.db.get_value("ToDo", check.todo, "status"), "Closed")

	def test_dry_run_writes_nothing(self):
		before = {dt: count(dt) for dt in ("CSM Red Flag", "ToDo", "CSM Health Check")}
		report = self.run_pass(dry_run=True)
		self.assertIn("open flag", report.counts())
		self.assertEqual({dt: count(dt) for dt in before}, before)

	def test_one_failing_flag_is_logged_and_the_others_are_written(self):
		real_open = flag_service.open_flag

		def failing(flag, csm, as_of):
			if flag.customer == self.overdue:
				raise RuntimeError("boom")
			return real_open(flag, csm, as_of)

		errors = count("Error Log")
		with patch.object(flag_service, "open_flag", failing):
			report = self.run_pass()
		self.assertIn(f"open flag {self.overdue}::Overdue invoices", report.errors)
		self.assertEqual(open_flags(self.overdue), {})
		self.assertEqual(len(open_flags(self.rhythm)), 3)
		self.assertGreater(count("Error Log"), errors)

	def test_follow_ups_without_an_owner_are_reported(self):
		# No CSM on the customer and no Default CSM: the flag is recorded, the missing ToDo is not silent.
		nobody = make_customer("CSM Pass Nobody")
		make_invoice(nobody, day(-70), 80, due_days=10)
		with change_settings("CSM Settings", {"default_csm": None}):
			errors = count("Error Log", method="CSM daily pass: follow-ups without an owner")
			report = self.run_pass()
		flag = open_flags(nobody)["Overdue invoices"]
		self.assertFalse(frappe.db.get_value("CSM Red Flag", flag.name, "todo"))
		self.assertIn(nobody, report.unowned)
		(warning,) = report.as_dict()["warnings"]
		self.assertIn("no Default CSM", warning)
		self.assertNotIn(self.rhythm, report.unowned)  # it has a CSM
		self.assertEqual(count("Error Log", method="CSM daily pass: follow-ups without an owner"), errors + 1)

	def test_a_detractor_answer_keeps_one_follow_up(self):
		# The answer opens its ToDo at once; the pass's "Detractor answer" flag tracks that ToDo.
		response = frappe.get_doc(
			{"doctype": "CSM NPS Response", "customer": self.rhythm, "score": 2, "response_date": day(-1)}
		).insert()
		self.run_pass()
		flag = open_flags(self.rhythm)["Detractor answer"]
		self.assertEqual((flag.todo, flag.status), (response.todo, "Open"))
		self.assertEqual(count("ToDo", reference_type="CSM Red Flag", reference_name=flag.name), 0)
		self.assertEqual(count("ToDo", reference_type="CSM NPS Response", reference_name=response.name), 1)
		# The CSM calls and closes the answer's ToDo: the flag is acknowledged, not resolved.
		todo = frappe.get_doc("ToDo", response.todo)
		todo.status = "Closed"
		todo.save()
		self.assertEqual(frappe.db.get_value("CSM Red Flag", flag.name, "status"), "Acknowledged")

	def test_open_key_is_unique_in_the_database(self):
		self.run_pass()
		flag = frappe.get_doc("CSM Red Flag", open_flags(self.overdue)["Overdue invoices"].name)
		twin = frappe.copy_doc(flag)
		twin.status = "Open"
		with self.assertRaises(frappe.UniqueValidationError):
			twin.insert(ignore_permissions=True)
