"""Churn in a real site: marked by a CSM with a reason, detected by the daily pass, won back by a sale."""

import frappe
from frappe.tests.utils import FrappeTestCase, change_settings
from frappe.utils import add_days, getdate, today

from csm_extension.services import daily_pass, lifecycle
from csm_extension.tests.utils import make_customer, make_invoice, make_user, open_flags

AS_OF = getdate(today())
REASON = "CSM Test Price"


def events(customer):
	return frappe.get_all(
		"CSM Lifecycle Event",
		filters={"customer": customer},
		fields=[
			"event",
			"event_date",
			"reason",
			"competitor",
			"source",
			"from_stage",
			"to_stage",
			"reference_name",
		],
		order_by="creation asc",
	)


class TestChurn(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.enterClassContext(change_settings("CSM Settings", {"onboarding_template": None, "enabled": 1}))
		cls.csm = make_user("csm.churn@example.com", "Customer Success Manager")
		if not frappe.db.exists("CSM Churn Reason", REASON):
			frappe.get_doc({"doctype": "CSM Churn Reason", "reason": REASON}).insert()

	def test_churned_needs_a_reason_and_is_kept_as_an_event(self):
		customer = make_customer("CSM Churn Manual", csm=self.csm)
		doc = frappe.get_doc("Customer", customer)
		doc.csm_lifecycle_stage = "Churned"
		with self.assertRaises(frappe.ValidationError) as e:
			doc.save()
		self.assertIn("Churn Reason is required", str(e.exception))
		lifecycle.mark_churned(customer, REASON, add_days(AS_OF, -5), competitor="Rival Ltd")
		[event] = events(customer)
		self.assertEqual(
			(
				event.event,
				getdate(event.event_date),
				event.reason,
				event.competitor,
				event.source,
				event.to_stage,
			),
			("Churned", getdate(add_days(AS_OF, -5)), REASON, "Rival Ltd", "Manual", "Churned"),
		)

	def test_a_churned_customer_who_buys_again_is_won_back(self):
		customer = make_customer("CSM Churn Won Back", csm=self.csm)
		make_invoice(customer, add_days(AS_OF, -200), 100)
		lifecycle.mark_churned(customer, REASON, add_days(AS_OF, -10))
		invoice = make_invoice(customer, AS_OF, 80)
		doc = frappe.get_doc("Customer", customer)
		self.assertEqual(
			(doc.csm_lifecycle_stage, doc.csm_churned_on, doc.csm_churn_reason), ("Adopting", None, None)
		)
		history = events(customer)
		# History is never deleted: the churn stays, the win-back is added and points at the invoice.
		self.assertEqual([e.event for e in history], ["Churned", "Won Back"])
		self.assertEqual(
			(history[1].source, history[1].reference_name, history[1].from_stage),
			("Invoice", invoice.name, "Churned"),
		)
		self.assertEqual(getdate(history[1].event_date), AS_OF)

	def test_detected_churn_raises_a_flag_until_a_csm_confirms_it(self):
		customer = make_customer("CSM Churn Detected", csm=self.csm)
		# Every 30 days, last order 100 days ago: 100 / (3 x 30) = 1.11 of the churn horizon (> 1).
		for offset in (-160, -130, -100):
			make_invoice(customer, add_days(AS_OF, offset), 100, due_days=400)
		daily_pass.run(as_of=AS_OF, force=True)
		flag = open_flags(customer)["Churn detected"]
		self.assertAlmostEqual(flag.observed_value, 100 / 90, places=4)
		self.assertEqual(
			flag.explanation,
			"Likely churned: no order for 100 days — 3.3× the usual 30-day rhythm (churn at 3×). "
			"Confirm with a reason or reach out.",
		)
		self.assertEqual(frappe.db.get_value("CSM Red Flag", flag.name, "severity"), "Critical")
		# The CSM confirms: the churn flag resolves on the next pass, the customer is never silently dropped.
		lifecycle.mark_churned(customer, REASON)
		daily_pass.run(as_of=AS_OF, force=True)
		self.assertNotIn("Churn detected", open_flags(customer))
		self.assertEqual(frappe.db.get_value("CSM Red Flag", flag.name, "status"), "Resolved")
