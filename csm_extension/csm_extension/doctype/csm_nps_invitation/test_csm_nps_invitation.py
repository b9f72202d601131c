import frappe
from frappe.tests.utils import FrappeTestCase

from csm_extension.tests.utils import make_customer


class TestCSMNPSInvitation(FrappeTestCase):
	def test_users_cannot_create_invitations(self):
		doc = frappe.get_doc(
			{
				"doctype": "CSM NPS Invitation",
				"survey": "nonexistent",
				"customer": make_customer("CSM Invitation Customer"),
			}
		)
		with self.assertRaises(frappe.PermissionError):
			doc.insert()
