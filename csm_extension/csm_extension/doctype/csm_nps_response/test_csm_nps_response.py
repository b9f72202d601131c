import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, getdate, today

from csm_extension.tests.utils import make_customer, make_user


def answer(customer, score, **fields):
	return frappe.get_doc(
		{
			"doctype": "CSM NPS Response",
			"customer": customer,
			"score": score,
			"response_date": today(),
			**fields,
		}
	).insert()


class TestCSMNPSResponse(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.csm = make_user("csm.nps@example.com", "Customer Success Manager")
		cls.customer = make_customer("CSM NPS Customer", csm=cls.csm)

	def test_category_from_score(self):
		for score, category in (
			(10, "Promoter"),
			(9, "Promoter"),
			(8, "Passive"),
			(7, "Passive"),
			(6, "Detractor"),
			(0, "Detractor"),
		):
			self.assertEqual(answer(self.customer, score).category, category)

	def test_out_of_range_scores_are_refused(self):
		for bad in (11, -1, "seven"):
			with self.assertRaises(frappe.ValidationError) as e:
				answer(self.customer, bad)
			self.assertIn("Score must be a whole number from 0 to 10", str(e.exception))

	def test_detractor_opens_a_followup_for_the_csm_and_sets_last_score(self):
		response = answer(self.customer, 3, comment="Too slow")
		todo = frappe.get_doc("ToDo", response.todo)
		self.assertEqual(
			(todo.allocated_to, todo.reference_name, todo.priority), (self.csm, response.name, "High")
		)
		self.assertEqual(getdate(todo.date), getdate(add_days(today(), 2)))
		self.assertIn("Too slow", todo.description)
		self.assertEqual(frappe.db.get_value("Customer", self.customer, "csm_last_nps_score"), 3)

	def test_promoter_opens_no_followup(self):
		self.assertIsNone(answer(self.customer, 9).todo)
