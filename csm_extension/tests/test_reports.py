"""The CSM reports on a hand-made site state (report_data.py), checked against figures worked out by
hand; the workspace, cards and charts are in test_workspace.py. Rows are read for a Customer Group of
the tests' own, so that other data on the site does not change them."""

from unittest.mock import patch

import frappe
from frappe.desk.query_report import run as run_report
from frappe.utils import today

from csm_extension.csm_extension.report.csm_churn_rate import csm_churn_rate
from csm_extension.csm_extension.report.csm_customer_ltv import csm_customer_ltv
from csm_extension.csm_extension.report.csm_nps import csm_nps
from csm_extension.csm_extension.report.csm_portfolio import csm_portfolio
from csm_extension.tests.report_data import CSM, GROUP, H1, PRICE, D, ReportData, by_period
from csm_extension.tests.utils import (
	make_customer,
)


class TestReports(ReportData):
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

	def test_a_single_period_is_charted_as_a_bar(self):
		*_, chart, _ = csm_nps.execute(
			{"from_date": "2024-01-01", "to_date": "2024-03-31", "granularity": "Quarterly"}
		)
		self.assertEqual((chart["type"], chart["data"]["labels"]), ("bar", ["2024 Q1"]))

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
