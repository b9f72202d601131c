import frappe
from frappe.tests.utils import FrappeTestCase


def rule(**fields):
	data = {"doctype": "CSM Red Flag Rule", "rule_name": "CSM Test Rule", "signal": "overdue_amount"}
	data.update(
		{"operator": ">", "threshold": 100, "severity": "Medium", "window_days": 90, "cooldown_days": 5}
	)
	data.update(fields)
	return frappe.get_doc(data)


class TestCSMRedFlagRule(FrappeTestCase):
	def assert_refused(self, message, **fields):
		with self.assertRaises(frappe.ValidationError) as e:
			rule(**fields).insert()
		self.assertIn(message, str(e.exception))

	def test_valid_rule_saves(self):
		doc = rule(rule_name="CSM Test Valid", threshold=0).insert()
		self.assertEqual(doc.name, "CSM Test Valid")

	def test_messages_name_the_field(self):
		# Select fields are checked by Frappe itself; these reach the engine's validation.
		self.assert_refused('rule "CSM Test Rule": field "window_days"', window_days=-30)
		self.assert_refused('field "threshold" must not be negative for overdue_amount', threshold=-1)
		self.assert_refused('field "cooldown_days"', cooldown_days=-2)

	def test_unknown_signal_is_refused(self):
		with self.assertRaises(frappe.ValidationError) as e:
			rule(signal="mood").insert()
		self.assertIn('rule "CSM Test Rule": field "signal": unknown signal "mood"', str(e.exception))

	def test_default_rules_are_installed_and_editable(self):
		names = set(frappe.get_all("CSM Red Flag Rule", pluck="name"))
		self.assertLessEqual(
			{"Silent beyond rhythm", "Revenue drop", "Overdue invoices", "Detractor answer"}, names
		)
		doc = frappe.get_doc("CSM Red Flag Rule", "Revenue drop")
		doc.threshold = 40
		doc.save()
		self.assertEqual(frappe.db.get_value("CSM Red Flag Rule", "Revenue drop", "threshold"), 40)
