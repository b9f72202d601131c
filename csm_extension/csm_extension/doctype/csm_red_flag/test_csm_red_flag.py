import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import getdate, today

from csm_extension.services import todos
from csm_extension.tests.utils import make_customer, make_user


class TestCSMRedFlag(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.csm = make_user("csm.flag@example.com", "Customer Success Manager")
		cls.customer = make_customer("CSM Flag Customer", csm=cls.csm)

	def make_flag(self, rule="Revenue drop"):
		flag = frappe.get_doc(
			{
				"doctype": "CSM Red Flag",
				"customer": self.customer,
				"rule": rule,
				"raised_on": today(),
			}
		).insert()
		flag.db_set("todo", todos.assign(flag.doctype, flag.name, self.csm, "look", today()))
		return flag

	def test_open_key_while_open_and_cleared_on_dismissal(self):
		flag = self.make_flag()
		self.assertEqual(flag.open_key, f"{self.customer}::Revenue drop")
		self.assertEqual(flag.severity, "High")  # from the rule
		flag.status = "Dismissed"
		flag.save()
		self.assertIsNone(flag.open_key)
		self.assertEqual(getdate(flag.resolved_on), getdate(today()))
		self.assertEqual(frappe.db.get_value("ToDo", flag.todo, "status"), "Closed")
		# Dismissed, the key is free: the next open flag for the same customer and rule is accepted.
		self.make_flag()

	def test_closing_the_todo_acknowledges_the_flag(self):
		flag = self.make_flag("Order frequency drop")
		todo = frappe.get_doc("ToDo", flag.todo)
		todo.status = "Closed"
		todo.save()
		self.assertEqual(frappe.db.get_value("CSM Red Flag", flag.name, "status"), "Acknowledged")
		flag.reload()
		self.assertEqual(flag.open_key, f"{self.customer}::Order frequency drop")
