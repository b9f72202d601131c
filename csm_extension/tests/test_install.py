"""What install leaves on the site, what uninstall removes, and who may do what."""

import frappe
from frappe.tests.utils import FrappeTestCase

from csm_extension.data.facts import COVERING_INDEX
from csm_extension.engine.config import default_config
from csm_extension.patches.v0_1.add_customer_facts_index import execute as add_customer_facts_index
from csm_extension.setup import install
from csm_extension.setup.custom_fields import CUSTOM_FIELDS
from csm_extension.tests.utils import make_user

FIELDS = [f["fieldname"] for f in CUSTOM_FIELDS["Customer"]]


class TestInstall(FrappeTestCase):
	def test_default_rules_roles_template_and_fields(self):
		rules = set(frappe.get_all("CSM Red Flag Rule", pluck="name"))
		self.assertLessEqual({r.name for r in default_config().rules}, rules)
		for role in install.ROLES:
			self.assertTrue(frappe.db.exists("Role", role))
		self.assertTrue(
			frappe.db.exists("CSM Onboarding Template", install.DEFAULT_ONBOARDING["template_name"])
		)
		for field in FIELDS:
			self.assertTrue(frappe.db.exists("Custom Field", {"dt": "Customer", "fieldname": field}), field)
		self.assertTrue(frappe.get_meta("Customer").get_field("csm_health_score").read_only)
		# The covering index the daily pass reads invoices through (added by install and by a patch).
		self.assertTrue(frappe.db.has_index("tabSales Invoice", COVERING_INDEX[0]))

	def test_install_again_keeps_admin_edits(self):
		# Put back by hand: the uninstall test's DDL commits whatever this class changed.
		before = frappe.db.get_value("CSM Red Flag Rule", "Long silence", "threshold")
		self.addCleanup(frappe.db.set_value, "CSM Red Flag Rule", "Long silence", "threshold", before)
		frappe.db.set_value("CSM Red Flag Rule", "Long silence", "threshold", 365)
		install.create_default_rules(
			[{"name": "Long silence", "signal": "days_since_last_invoice", "operator": ">", "threshold": 180}]
		)
		self.assertEqual(frappe.db.get_value("CSM Red Flag Rule", "Long silence", "threshold"), 365)

	def test_uninstall_removes_the_customer_fields(self):
		try:
			install.before_uninstall()
			for field in FIELDS:
				self.assertFalse(
					frappe.db.exists("Custom Field", {"dt": "Customer", "fieldname": field}), field
				)
			# Frappe keeps the columns of deleted custom fields (no data is dropped); the fields are gone.
			self.assertIsNone(frappe.get_meta("Customer").get_field("csm_health_score"))
			self.assertFalse(frappe.db.has_index("tabSales Invoice", COVERING_INDEX[0]))
			self.assertFalse(
				frappe.db.exists("Custom DocPerm", {"parent": "Customer", "role": install.ROLES[0]})
			)
		finally:
			# Put back before the DDL below, which commits (as uninstall's own DDL did its deletions).
			install.grant_customer_access()
			install.apply_custom_fields()
			add_customer_facts_index()
		self.assertIsNotNone(frappe.get_meta("Customer").get_field("csm_health_score"))
		self.assertTrue(frappe.db.has_index("tabSales Invoice", COVERING_INDEX[0]))


class TestPermissions(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.manager = make_user("csm.role.manager@example.com", "Customer Success Manager")
		cls.admin = make_user("csm.role.admin@example.com", "Customer Success Admin")

	def tearDown(self):
		frappe.set_user("Administrator")

	def test_manager_works_records_but_only_reads_rules_and_settings(self):
		frappe.set_user(self.manager)
		for doctype in ("CSM Health Check", "CSM Red Flag", "CSM Onboarding Plan", "CSM NPS Response"):
			for ptype in ("read", "write", "create"):
				self.assertTrue(frappe.has_permission(doctype, ptype), f"{doctype} {ptype}")
		for doctype in ("CSM Red Flag Rule", "CSM Onboarding Template", "CSM Settings"):
			self.assertTrue(frappe.has_permission(doctype, "read"), doctype)
			self.assertFalse(frappe.has_permission(doctype, "write"), doctype)
		self.assertFalse(frappe.has_permission("CSM Red Flag Rule", "create"))

	def test_the_roles_reach_customers_their_contacts_and_invoices(self):
		# With no ERPNext role besides: the Customer form's buttons and the flags' invoices work.
		only_csm = make_user("csm.role.only@example.com", "Customer Success Manager")
		frappe.set_user(only_csm)
		for doctype, ptypes in (
			("Customer", ("read", "write")),
			("Contact", ("read",)),
			("Sales Invoice", ("read",)),
		):
			for ptype in ptypes:
				self.assertTrue(frappe.has_permission(doctype, ptype), f"{doctype} {ptype}")
		for doctype, ptype in (("Customer", "create"), ("Customer", "delete"), ("Sales Invoice", "write")):
			self.assertFalse(frappe.has_permission(doctype, ptype), f"{doctype} {ptype}")

	def test_admin_has_everything(self):
		frappe.set_user(self.admin)
		for doctype in ("CSM Red Flag Rule", "CSM Onboarding Template", "CSM Settings", "CSM Red Flag"):
			for ptype in ("read", "write", "create"):
				self.assertTrue(frappe.has_permission(doctype, ptype), f"{doctype} {ptype}")
		self.assertTrue(frappe.has_permission("CSM Red Flag Rule", "delete"))
