import frappe
from frappe.tests.utils import FrappeTestCase

from csm_extension.tests.utils import make_customer


class TestCSMNPSInvitation(FrappeTestCase):
	def test_users_cannot_create_invitations(self):
		survey = frappe.get_doc({"doctype": "CSM NPS Survey", "title": "Invitation test"}).insert()
		doc = frappe.get_doc(
			{
				"doctype": "CSM NPS Invitation",
				"survey": survey.name,
				"customer": make_customer("CSM Invitation Customer"),
			}
		)
		with self.assertRaises(frappe.PermissionError):
			doc.insert()
