import frappe
from frappe.tests.utils import FrappeTestCase

from csm_extension.services.settings import engine_config


class TestCSMSettings(FrappeTestCase):
	def test_installed_scorecard_matches_the_engine_defaults(self):
		from csm_extension.engine.config import default_config

		config = engine_config()
		self.assertEqual(config.scorecard, default_config().scorecard)

	def test_bad_bands_are_refused_with_the_row_named(self):
		settings = frappe.get_doc("CSM Settings")
		settings.scorecard[0].bands = "1:100, oops"
		with self.assertRaises(frappe.ValidationError) as e:
			settings.save()
		self.assertIn('scorecard row 1 (recency): field "bands": entry 2 "oops"', str(e.exception))

	def test_descending_bands_for_lower_is_better_are_refused(self):
		settings = frappe.get_doc("CSM Settings")
		settings.scorecard[0].bands = "3:100, 1:50"
		with self.assertRaises(frappe.ValidationError) as e:
			settings.save()
		self.assertIn("strictly ascending", str(e.exception))
