"""Who may change the Customer Success fields through a Customer save, and the app's other guards on
what reaches it over HTTP (roles, missing arguments, unknown customers)."""

import frappe
from frappe.tests.utils import change_settings
from frappe.utils import add_days, getdate, today

from csm_extension import api
from csm_extension.services import lifecycle
from csm_extension.tests.utils import RolledBackTestCase, make_customer, make_invoice, make_user

AS_OF = getdate(today())
REASON = "CSM Test Price"


class TestCustomerFields(RolledBackTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.enterClassContext(change_settings("CSM Settings", {"onboarding_template": None}))
		# Sales and accounts work, no Customer Success role: may edit and invoice customers.
		cls.seller = make_user("csm.fields.seller@example.com", "Sales User", "Accounts User")
		cls.csm = make_user("csm.fields.csm@example.com", "Customer Success Manager", "Sales User")
		if not frappe.db.exists("CSM Churn Reason", REASON):
			frappe.get_doc({"doctype": "CSM Churn Reason", "reason": REASON}).insert()
		cls.customer = make_customer("CSM Fields Customer")
		frappe.db.set_value(
			"Customer",
			cls.customer,
			{"csm_health_score": 55, "csm_health_status": "Amber", "csm_last_health_check": AS_OF},
		)

	def test_app_written_fields_cannot_be_changed_by_a_save(self):
		doc = frappe.get_doc("Customer", self.customer)
		doc.csm_health_score = 99
		with self.assertRaisesRegex(
			frappe.PermissionError, "Health Score is written by the Customer Success app"
		):
			doc.save()  # not even an Administrator: the daily pass owns the number
		self.assertEqual(frappe.db.get_value("Customer", self.customer, "csm_health_score"), 55)

	def test_a_form_save_sending_the_same_values_as_text_passes(self):
		# The desk sends dates and numbers as text; unchanged, they are not changes.
		doc = frappe.get_doc("Customer", self.customer)
		doc.csm_last_health_check = str(AS_OF)
		doc.csm_health_score = "55"
		doc.customer_details = "edited by sales"
		frappe.set_user(self.seller)
		doc.save()
		self.assertEqual(
			frappe.db.get_value("Customer", self.customer, "customer_details"), "edited by sales"
		)

	def test_a_seller_cannot_churn_a_customer_by_saving_it(self):
		frappe.set_user(self.seller)
		doc = frappe.get_doc("Customer", self.customer)
		doc.update({"csm_lifecycle_stage": "Churned", "csm_churn_reason": REASON})
		with self.assertRaisesRegex(frappe.PermissionError, "may change Lifecycle Stage"):
			doc.save()
		with self.assertRaises(frappe.PermissionError):
			api.mark_churned(self.customer, REASON)
		frappe.set_user("Administrator")
		self.assertFalse(frappe.db.exists("CSM Lifecycle Event", {"customer": self.customer}))
		# A CSM may, through the form as through the button.
		frappe.set_user(self.csm)
		doc = frappe.get_doc("Customer", self.customer)
		doc.update({"csm_lifecycle_stage": "Churned", "csm_churn_reason": REASON})
		doc.save()
		self.assertEqual(frappe.db.get_value("Customer", self.customer, "csm_lifecycle_stage"), "Churned")

	def test_a_sale_by_a_seller_still_wins_a_churned_customer_back(self):
		make_invoice(self.customer, add_days(AS_OF, -100), 50)
		lifecycle.mark_churned(self.customer, REASON, add_days(AS_OF, -10))
		frappe.set_user(self.seller)
		make_invoice(self.customer, AS_OF, 70)
		frappe.set_user("Administrator")
		self.assertEqual(frappe.db.get_value("Customer", self.customer, "csm_lifecycle_stage"), "Adopting")

	def test_the_summary_is_for_customer_success_roles(self):
		frappe.set_user(self.seller)
		with self.assertRaises(frappe.PermissionError):
			api.customer_summary(self.customer)
		frappe.set_user(self.csm)
		self.assertEqual(api.customer_summary(self.customer)["flags"], [])

	def test_missing_arguments_are_named(self):
		with self.assertRaisesRegex(frappe.MandatoryError, "Missing argument: customer"):
			frappe.call(api.mark_churned, reason=REASON)
		with self.assertRaisesRegex(frappe.MandatoryError, "Missing argument: reason"):
			frappe.call(api.mark_churned, customer=self.customer)
		with self.assertRaisesRegex(frappe.MandatoryError, "Missing argument: survey"):
			frappe.call(api.send_nps_survey)
		with self.assertRaisesRegex(frappe.MandatoryError, "Missing argument: customer"):
			frappe.call(api.customer_summary)

	def test_records_of_an_unknown_customer_are_refused(self):
		for doc in (
			{"doctype": "CSM NPS Response", "customer": "CSM No Such Customer", "score": 5},
			{"doctype": "CSM Health Check", "customer": "CSM No Such Customer"},
		):
			with (
				self.subTest(doctype=doc["doctype"]),
				self.assertRaisesRegex(
					frappe.LinkValidationError,
					"Customer <strong>CSM No Such Customer</strong> does not exist",
				),
			):
				frappe.get_doc(doc).insert()
		self.assertFalse(frappe.db.exists("CSM NPS Response", {"customer": "CSM No Such Customer"}))
