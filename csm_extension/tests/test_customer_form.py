"""The Customer form's Customer Success area and buttons, through their whitelisted methods."""

import frappe
from frappe.tests.utils import change_settings
from frappe.utils import add_days, getdate, today

from csm_extension import api
from csm_extension.tests.utils import RolledBackTestCase, make_customer, make_invoice, make_user

AS_OF = getdate(today())


class TestCustomerForm(RolledBackTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.enterClassContext(
			change_settings("CSM Settings", {"onboarding_template": None, "last_pass_on": AS_OF})
		)
		cls.csm = make_user("csm.form@example.com", "Customer Success Manager")
		cls.customer = make_customer("CSM Form Customer", csm=cls.csm)
		for offset in (-150, -120, -90, -60):
			make_invoice(cls.customer, add_days(AS_OF, offset), 100, due_days=400)

	def test_summary_explains_the_score_measure_by_measure(self):
		s = api.customer_summary(self.customer)
		h = s["health"]
		# Same history as the daily pass test: (50*30 + 25*20 + 25*20 + 100*20 + 50*10) / 100 = 50.
		self.assertEqual((h["as_of"], h["score"], h["status"]), (str(AS_OF), 50, "Amber"))
		self.assertEqual(
			[m["measure"] for m in h["measures"]],
			["recency", "order_trend", "revenue_trend", "payment", "tenure"],
		)
		self.assertEqual(
			h["measures"][0]["explanation"], "60 days since the last order, 2.0× the usual 30-day rhythm"
		)
		self.assertEqual(
			{f["rule"] for f in h["would_flag"]},
			{"Silent beyond rhythm", "Revenue drop", "Order frequency drop"},
		)
		self.assertIsNone(s["plan"])

	def test_open_flags_link_the_documents_that_made_them(self):
		from csm_extension.services import daily_pass

		daily_pass.run(as_of=AS_OF, force=True)
		flags = {f["rule"]: f for f in api.customer_summary(self.customer)["flags"]}
		last = frappe.get_all(
			"Sales Invoice",
			filters={"customer": self.customer, "docstatus": 1},
			order_by="posting_date desc",
			pluck="name",
			limit=1,
		)[0]
		# The silence is evidenced by the last invoice (60 days ago), which the form links to.
		self.assertEqual(
			flags["Silent beyond rhythm"]["documents"], [{"doctype": "Sales Invoice", "name": last}]
		)

	def test_start_onboarding_by_hand_once(self):
		name = api.start_onboarding(self.customer, "Standard Onboarding")
		self.assertEqual(frappe.db.get_value("CSM Onboarding Plan", name, "customer"), self.customer)
		with self.assertRaises(frappe.ValidationError):
			api.start_onboarding(self.customer, "Standard Onboarding")
		self.assertEqual(api.customer_summary(self.customer)["plan"]["name"], name)

	def test_buttons_need_a_csm_role(self):
		plain = make_user("csm.form.plain@example.com", "Sales User")
		frappe.set_user(plain)
		with self.assertRaises(frappe.PermissionError):
			api.mark_churned(self.customer, "anything")
		with self.assertRaises(frappe.PermissionError):
			api.start_onboarding(self.customer)
