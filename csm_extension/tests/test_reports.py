"""The CSM reports, number cards, charts and workspace on a hand-made site state, checked against
figures worked out by hand. Rows are read for a Customer Group of the test's own, so that other data
on the site does not change them."""

import json
from unittest.mock import patch

import frappe
from frappe.desk.doctype.number_card.number_card import get_result
from frappe.desk.query_report import run as run_report
from frappe.tests.utils import FrappeTestCase, change_settings
from frappe.utils import add_days, getdate, today

from csm_extension.csm_extension.report.csm_churn_rate import csm_churn_rate
from csm_extension.csm_extension.report.csm_customer_ltv import csm_customer_ltv
from csm_extension.csm_extension.report.csm_nps import csm_nps
from csm_extension.csm_extension.report.csm_portfolio import csm_portfolio
from csm_extension.services import dashboard
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


class TestReports(FrappeTestCase):
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

	def test_nps_per_quarter(self):
		columns, data, _, chart, summary = csm_nps.execute({**H1, "group_by": "Customer Group"})
		rows = by_period(data, segment=GROUP)
		pick = ("responses", "promoters", "passives", "detractors", "nps", "invitations", "response_rate")
		# Q1: 10, 9, 7, 3 -> 2 promoters, 1 passive, 1 detractor; NPS = (2 - 1) / 4 x 100 = 25;
		# 4 answers / 5 invitations = 80 %.
		self.assertEqual([rows["2024 Q1"][k] for k in pick], [4, 2, 1, 1, 25.0, 5, 80.0])
		# Q2: 6, 10 -> NPS = (1 - 1) / 2 x 100 = 0; 2 / 4 invitations = 50 %.
		self.assertEqual([rows["2024 Q2"][k] for k in pick], [2, 1, 0, 1, 0.0, 4, 50.0])
		self.assertEqual(rows["2024 Q1"]["period_start"], D("2024-01-01"))
		self.assertIn("segment", [c["fieldname"] for c in columns])
		self.assertEqual(chart["type"], "line")
		self.assertEqual(chart["data"]["labels"][:2], ["2024 Q1", "2024 Q2"])
		self.assertEqual(summary[0]["label"], "NPS")

	def test_nps_monthly_without_grouping_has_one_row_per_month(self):
		_, data, *_ = csm_nps.execute({**H1, "granularity": "Monthly"})
		self.assertEqual(
			[r["period"] for r in data],
			["Jan 2024", "Feb 2024", "Mar 2024", "Apr 2024", "May 2024", "Jun 2024"],
		)

	def test_churn_rate_per_quarter_with_reasons(self):
		columns, data, message, chart, _ = csm_churn_rate.execute({**H1, "group_by": "Customer Group"})
		rows = by_period(data, segment=GROUP)
		pick = ("at_start", "churned", "won_back", "revenue_churned")
		# Q1: at start C and E (first order before 1 Jan; A and B first bought in Q1). C churned on
		# 15 Feb (Price) with 800 of revenue in the year before: 1 / 2 = 50 %.
		q1 = rows["2024 Q1"]
		self.assertEqual([q1[k] for k in pick], [2, 1, 0, 800.0])
		self.assertAlmostEqual(q1["churn_rate"], 50.0)
		self.assertEqual((q1["reason_csm_test_price"], q1["reason_csm_test_support"]), (1, 0))
		# Q2: at start A, B (disabled, still counted) and E; C is churned at 1 Apr. B churned (Support,
		# 300) and A (no reason, 1000 + 500 - 200 = 1300): 2 / 3 = 66.67 %. C won back on 10 May.
		q2 = rows["2024 Q2"]
		self.assertEqual([q2[k] for k in pick], [3, 2, 1, 1600.0])
		self.assertAlmostEqual(q2["churn_rate"], 200 / 3)
		self.assertEqual((q2["reason_csm_test_support"], q2["reason_not_recorded"]), (1, 1))
		labels = {c["fieldname"]: c["label"] for c in columns}
		self.assertEqual(labels["reason_csm_test_price"], PRICE)
		# The definition as engine/churn.py words it.
		self.assertIn("Customers who first bought during the period are in neither its denominator", message)
		self.assertIn("<b>Churn rate</b> = churned / at start x 100; None when nobody is at start.", message)
		self.assertEqual((chart["type"], chart["fieldtype"]), ("line", "Percent"))

	def test_ltv_per_customer(self):
		_, data = csm_customer_ltv.execute({"customer_group": GROUP, "as_of": "2024-12-31"})
		rows = {r["customer"]: r for r in data}
		# B is disabled: no LTV row. Sorted by LTV: A 1300, C 1200, E 250, D 0.
		self.assertEqual([r["customer"] for r in data], [self.a, self.c, self.e, self.d])
		a = rows[self.a]
		# 2024-01-10 to 2024-12-31 is 356 days; 1300 / 2 orders = 650.
		self.assertEqual(
			[a[k] for k in ("ltv", "orders", "avg_order_value", "first_order", "last_order", "tenure_days")],
			[1300.0, 2, 650.0, D("2024-01-10"), D("2024-03-05"), 356],
		)
		self.assertEqual((a["health_score"], a["health_status"], a["last_nps"]), (35, "Red", 3))
		self.assertEqual((a["csm"], a["customer_group"]), (CSM, GROUP))
		# C: 800 + 400 from 2023-11-15 (412 days); last answer 10.
		self.assertEqual(
			(rows[self.c]["ltv"], rows[self.c]["tenure_days"], rows[self.c]["last_nps"]), (1200.0, 412, 10)
		)
		d = rows[self.d]
		self.assertEqual(
			[d[k] for k in ("ltv", "orders", "avg_order_value", "tenure_days", "health_score", "last_nps")],
			[0.0, 0, None, None, None, None],
		)
		self.assertEqual(frappe.db.get_value("Report", "CSM Customer LTV", "add_total_row"), 1)

	def test_ltv_total_row_and_filters(self):
		result = run_report("CSM Customer LTV", filters={"customer_group": GROUP, "as_of": "2024-12-31"})
		total = result["result"][-1]
		# 1300 + 1200 + 250 + 0 = 2750 from 2 + 2 + 1 orders.
		self.assertEqual((total[5], total[6]), (2750.0, 5))
		self.assertTrue(result["add_total_row"])
		_, data = csm_customer_ltv.execute({"customer_group": GROUP, "csm": "nobody@example.com"})
		self.assertEqual(data, [])

	def test_ltv_by_segment(self):
		res = csm_customer_ltv.execute(
			{"customer_group": GROUP, "as_of": "2024-12-31", "group_by": "Customer Group"}
		)
		[row] = res[1]
		# A, C, E have orders (D none, B disabled): 1300 + 1200 + 250 = 2750 over 3 customers = 916.67,
		# median 1200, tenure (356 + 412 + 396) / 3 = 388 days, 2750 / 5 orders = 550.
		self.assertEqual(
			(row["segment"], row["customers"], row["total_ltv"], row["median_ltv"]),
			(GROUP, 3, 2750.0, 1200.0),
		)
		self.assertAlmostEqual(row["avg_ltv"], 2750 / 3)
		self.assertAlmostEqual(row["avg_tenure_days"], 388.0)
		self.assertAlmostEqual(row["avg_order_value"], 550.0)
		self.assertTrue(res[5], "no total row for segment averages")

	def test_portfolio(self):
		_, data, _, _, summary = csm_portfolio.execute({"csm": CSM})
		# B is disabled; Red first, then Amber, Insufficient Data, Green.
		self.assertEqual([r["customer"] for r in data], [self.a, self.e, self.d, self.c])
		rows = {r["customer"]: r for r in data}
		a, c, d, e = (rows[x] for x in (self.a, self.c, self.d, self.e))
		# A: 35 now - 50 at the last completed check = -15; High beats Medium.
		self.assertEqual((a["health_score"], a["score_change"], a["trend"]), (35, -15, "↓"))
		self.assertEqual((a["open_flags"], a["top_flag"]), (2, "Health score red"))
		self.assertEqual((a["onboarding_progress"], a["onboarding_status"]), (50.0, "In Progress"))
		# Latest of: completed check 2024-09-01, mail linked in the timeline 2024-10-15.
		self.assertEqual(
			(a["last_contact"], a["next_check"], a["last_nps"], a["ltv"]),
			(D("2024-10-15"), D("2024-12-01"), 3, 1300.0),
		)
		# C: 80 - 70 (the latest completed check, not the older 20) = +10.
		self.assertEqual((c["score_change"], c["trend"], c["open_flags"], c["top_flag"]), (10, "↑", 0, None))
		self.assertEqual(
			(c["last_contact"], c["next_check"], c["onboarding_status"]),
			(D("2024-10-01"), D("2025-01-01"), None),
		)
		# D: no score, nothing else.
		self.assertEqual(
			(d["health_score"], d["score_change"], d["last_contact"], d["last_nps"], d["ltv"]),
			(None, None, None, None, 0.0),
		)
		# E: no completed check -> no trend; the resolved flag does not count; the closed ToDo is today.
		self.assertEqual(
			(e["health_score"], e["score_change"], e["open_flags"], e["top_flag"]),
			(55, None, 1, "Overdue invoices"),
		)
		self.assertEqual(
			(e["onboarding_status"], e["onboarding_progress"], e["last_contact"]),
			("Completed", 100.0, D(today())),
		)
		self.assertEqual([s["value"] for s in summary[:4]], [1, 1, 1, 3])  # Red, Amber, Green, open flags

	def test_portfolio_statement_count_does_not_grow_with_customers(self):
		def statements():
			with patch.object(frappe.db, "sql", wraps=frappe.db.sql) as sql:
				csm_portfolio.execute({"csm": CSM})
			return sql.call_count

		first = statements()
		for n in range(3):
			make_customer(f"CSM Report Extra {n}", csm=CSM, customer_group=GROUP)
		# customers, last completed checks, open flags, plans, last contacts
		self.assertEqual((first, statements()), (5, 5))

	def test_workspace_loads(self):
		ws = frappe.get_doc("Workspace", "Customer Success")
		self.assertEqual({c.number_card_name for c in ws.number_cards}, set(CARDS))
		self.assertEqual({c.chart_name for c in ws.charts}, set(CHARTS))
		shortcuts = {s.link_to for s in ws.shortcuts}
		self.assertTrue({"CSM Red Flag", "CSM Settings", "CSM Portfolio", "CSM Churn Rate"} <= shortcuts)
		for block in json.loads(ws.content):
			name = block["data"].get("number_card_name") or block["data"].get("chart_name")
			if name:
				self.assertTrue(
					frappe.db.exists("Number Card", name) or frappe.db.exists("Dashboard Chart", name)
				)
		from frappe.desk.desktop import get_desktop_page

		page = get_desktop_page(json.dumps({"name": "Customer Success", "title": "Customer Success"}))
		self.assertEqual(len(page["number_cards"]["items"]), len(CARDS))
		self.assertEqual(len(page["charts"]["items"]), len(CHARTS))

	def test_document_number_cards(self):
		values = {}
		for name in CARDS[:4]:
			card = frappe.get_doc("Number Card", name)
			values[name] = get_result(card.as_json(), card.filters_json)
			filters = [f[:4] for f in json.loads(card.filters_json)]
			self.assertEqual(values[name], frappe.db.count(card.document_type, filters), name)
		# At least the test's own: A is Red, A's two flags and E's acknowledged one are open, A's plan is
		# in progress.
		self.assertGreaterEqual(values["Customers at Risk"], 1)
		self.assertGreaterEqual(values["Open Red Flags"], 3)
		self.assertGreaterEqual(values["Onboarding In Progress"], 1)

	def test_custom_number_cards(self):
		for name in CARDS[4:]:
			method = frappe.db.get_value("Number Card", name, "method")
			self.assertTrue(callable(frappe.get_attr(method)), name)
		with self.freeze_time("2024-05-15"):
			card = dashboard.nps_this_quarter()
			_, _, _, _, summary = csm_nps.execute({"from_date": "2024-04-01", "to_date": "2024-05-15"})
		# The card is the NPS report's figure for this quarter so far.
		self.assertEqual(card["fieldtype"], "Float")
		self.assertEqual(f"{card['value']:g}", summary[0]["value"])
		self.assertEqual(card["route"], ["query-report", "CSM NPS"])
		with self.freeze_time("2024-08-15"):
			card = dashboard.churn_rate_last_quarter()
			_, _, _, _, summary = csm_churn_rate.execute({"from_date": "2024-04-01", "to_date": "2024-06-30"})
		rate = next(s["value"] for s in summary if s["label"] == "Churn Rate")
		self.assertEqual((card["fieldtype"], f"{card['value']:g}%"), ("Percent", rate))
		# Same figures as the reports, to the same roles.
		with self.set_user(make_user("plain.reports@example.com")), self.assertRaises(frappe.PermissionError):
			dashboard.churn_rate_last_quarter()

	def test_charts(self):
		from csm_extension.csm_extension.dashboard_chart_source.csm_health_status.csm_health_status import (
			get as health_chart,
		)

		health = health_chart(chart_name="Customer Health Status", refresh=1)
		# Fixed order, so each status keeps the colour the chart's custom_options give it.
		self.assertEqual(health["labels"], ["Green", "Amber", "Red", "Insufficient Data"])
		expected = [
			frappe.db.count("Customer", {"disabled": 0, "csm_health_status": s}) for s in health["labels"]
		]
		self.assertEqual(health["datasets"][0]["values"], expected)
		# Custom charts: the widget calls their source's method with the chart's name.
		for chart_name in CHARTS[1:]:
			source = frappe.db.get_value("Dashboard Chart", chart_name, "source")
			module = frappe.scrub(source)
			get = frappe.get_attr(f"csm_extension.csm_extension.dashboard_chart_source.{module}.{module}.get")
			with self.freeze_time("2024-06-30"):
				data = get(chart_name=chart_name, refresh=1)
			self.assertIn("2024 Q2", data["labels"], chart_name)
			self.assertEqual(len(data["datasets"][0]["values"]), len(data["labels"]))
