"""The site state the report and workspace tests share: a Customer Group of their own, with invoices,
NPS answers and invitations, churn events and a CSM's portfolio, made once per test class; every figure the
tests expect is worked out by hand from it."""

import frappe
from frappe.tests.utils import FrappeTestCase, change_settings
from frappe.utils import add_days, getdate, today

from csm_extension.tests.utils import (
	make_churn_reason,
	make_customer,
	make_customer_group,
	make_health_check,
	make_invoice,
	make_lifecycle_event,
	make_nps_invitation,
	make_nps_response,
	make_onboarding_plan,
	make_red_flag,
	make_user,
)

GROUP = "CSM Report Group"
CSM = "csm.reports@example.com"
PRICE, SUPPORT = "CSM Test Price", "CSM Test Support"
D = getdate
H1 = {"from_date": "2024-01-01", "to_date": "2024-06-30", "granularity": "Quarterly"}
CARDS = (
	"Customers at Risk",
	"Open Red Flags",
	"Onboarding In Progress",
	"Onboarding Stalled",
	"NPS This Quarter",
	"Churn Rate Last Quarter",
)
CHARTS = ("Customer Health Status", "NPS Trend", "Churn Trend")


def by_period(rows, **where) -> dict:
	"""Rows of the test's segment, keyed by period label."""
	return {r["period"]: r for r in rows if all(r.get(k) == v for k, v in where.items())}


class ReportData(FrappeTestCase):
	"""No tests of its own: TestReports and TestWorkspace share its setUpClass."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.enterClassContext(change_settings("CSM Settings", {"onboarding_template": None}))
		make_user(CSM, "Customer Success Manager")
		make_customer_group(GROUP)
		make_churn_reason(PRICE)
		make_churn_reason(SUPPORT)
		cls.a, cls.b, cls.c, cls.d, cls.e = (
			make_customer(f"CSM Report {x}", csm=CSM, customer_group=GROUP) for x in "ABCDE"
		)
		cls.make_invoices()
		cls.make_nps()
		cls.make_churn()
		cls.make_portfolio()

	@classmethod
	def make_invoices(cls):
		# A: 1000 + 500, then 200 of the 500 returned: LTV 1300 from 2 orders (a return is no order).
		make_invoice(cls.a, "2024-01-10", 1000)
		second = make_invoice(cls.a, "2024-03-05", 500)
		make_invoice(cls.a, "2024-03-20", -200, is_return=1, return_against=second.name)
		make_invoice(cls.b, "2024-02-01", 300)
		make_invoice(cls.c, "2023-11-15", 800)
		make_invoice(cls.c, "2024-05-10", 400)
		make_invoice(cls.e, "2023-12-01", 250)
		# D never bought. B, churned, is disabled: out of LTV, still in the churn figures.
		frappe.db.set_value("Customer", cls.b, "disabled", 1)

	@classmethod
	def make_nps(cls):
		for customer, score, on in (
			(cls.a, 10, "2024-01-15"),
			(cls.b, 9, "2024-02-10"),
			(cls.c, 7, "2024-03-01"),
			(cls.a, 3, "2024-03-20"),
			(cls.b, 6, "2024-04-05"),
			(cls.c, 10, "2024-05-20"),
		):
			make_nps_response(customer, score, on)
		# 5 invitations sent in Q1, 4 in Q2 (answered or not).
		for customer, on in (
			(cls.a, "2024-01-05"),
			(cls.b, "2024-01-05"),
			(cls.c, "2024-01-05"),
			(cls.d, "2024-01-05"),
			(cls.e, "2024-03-31"),
			(cls.a, "2024-04-01"),
			(cls.b, "2024-04-01"),
			(cls.c, "2024-04-01"),
			(cls.e, "2024-06-30"),
		):
			make_nps_invitation(customer, on)

	@classmethod
	def make_churn(cls):
		make_lifecycle_event(cls.c, "Churned", "2024-02-15", PRICE)
		make_lifecycle_event(cls.c, "Won Back", "2024-05-10")
		make_lifecycle_event(cls.b, "Churned", "2024-06-01", SUPPORT)
		make_lifecycle_event(cls.a, "Churned", "2024-06-15")
		# After the range: not counted.
		make_lifecycle_event(cls.e, "Churned", "2024-07-01", PRICE)

	@classmethod
	def make_portfolio(cls):
		later = add_days(today(), 30)
		# A: Red 35, last completed check Amber 50; two open flags; onboarding 1 of 2 tasks done.
		make_health_check(cls.a, "2024-09-01", 50, "Amber", next_check_date="2024-12-01")
		make_red_flag(cls.a, "Long silence", raised_on="2024-10-01")
		make_red_flag(cls.a, "Health score red", raised_on="2024-09-15")
		make_onboarding_plan(
			cls.a,
			"2024-01-10",
			[
				{"title": "Kick-off", "status": "Completed", "due_date": "2024-01-20"},
				{"title": "Training", "status": "Open", "due_date": later},
			],
		)
		cls.communication(cls.a, "2024-10-15 10:00:00", timeline=True)
		# C: Green 80; completed checks 20 (older) and 70 (latest); a mail on 2024-09-01.
		make_health_check(cls.c, "2024-01-01", 20, "Red")
		make_health_check(cls.c, "2024-10-01", 70, "Green", next_check_date="2025-01-01")
		cls.communication(cls.c, "2024-09-01 09:00:00", timeline=False)
		# E: Amber 55; only an open check (not completed); one acknowledged and one resolved flag; the
		# latest plan is cancelled, so the completed one before it shows.
		make_health_check(cls.e, "2024-11-01", 90, "Green", status="Open")
		flag = make_red_flag(cls.e, "Overdue invoices", status="Acknowledged", raised_on="2024-08-01")
		make_red_flag(cls.e, "Revenue drop", status="Resolved", raised_on="2024-07-01")
		frappe.get_doc(
			{
				"doctype": "ToDo",
				"description": "Call about the overdue invoice",
				"reference_type": "CSM Red Flag",
				"reference_name": flag,
				"allocated_to": CSM,
				"status": "Closed",
			}
		).insert(ignore_permissions=True)
		make_onboarding_plan(cls.e, "2024-01-01", [{"title": "Kick-off", "status": "Completed"}])
		make_onboarding_plan(
			cls.e, "2024-06-01", [{"title": "Kick-off", "status": "Open"}], status="Cancelled"
		)
		for customer, score, status in (
			(cls.a, 35, "Red"),
			(cls.c, 80, "Green"),
			(cls.d, 0, "Insufficient Data"),
			(cls.e, 55, "Amber"),
		):
			frappe.db.set_value(
				"Customer", customer, {"csm_health_score": score, "csm_health_status": status}
			)

	@staticmethod
	def communication(customer, on, timeline):
		link = (
			{"timeline_links": [{"link_doctype": "Customer", "link_name": customer}]}
			if timeline
			else {"reference_doctype": "Customer", "reference_name": customer}
		)
		frappe.get_doc(
			{
				"doctype": "Communication",
				"communication_type": "Communication",
				"communication_medium": "Email",
				"sent_or_received": "Sent",
				"subject": "Quarterly review",
				"communication_date": on,
				**link,
			}
		).insert(ignore_permissions=True)
