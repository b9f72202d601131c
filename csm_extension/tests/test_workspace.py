"""The Customer Success workspace, its number cards and charts on the reports' hand-made site state."""

import json

import frappe
from frappe.desk.doctype.number_card.number_card import get_result

from csm_extension.csm_extension.report.csm_churn_rate import csm_churn_rate
from csm_extension.csm_extension.report.csm_nps import csm_nps
from csm_extension.services import dashboard
from csm_extension.tests.report_data import CARDS, CHARTS, ReportData
from csm_extension.tests.utils import (
	make_user,
)


class TestWorkspace(ReportData):
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

	def test_health_chart_without_scored_customers_has_no_data(self):
		from csm_extension.csm_extension.dashboard_chart_source.csm_health_status.csm_health_status import (
			get as health_chart,
		)

		frappe.db.savepoint("csm_no_health")
		try:
			frappe.db.sql("UPDATE `tabCustomer` SET `csm_health_status` = ''")
			self.assertEqual(health_chart(chart_name="Customer Health Status", refresh=1), {})
		finally:
			frappe.db.rollback(save_point="csm_no_health")

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
			# Years before any answer or customer: nothing to draw, which the widget shows as "No Data".
			with self.freeze_time("1990-06-30"):
				self.assertEqual(get(chart_name=chart_name, refresh=1), {}, chart_name)
