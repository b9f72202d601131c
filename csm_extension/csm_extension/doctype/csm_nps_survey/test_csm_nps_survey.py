# The rest of the survey bench tests (primary / all contacts, throttle, tokens, the public page) are in
# csm_extension/tests/test_surveys.py; this file covers the survey's "Chosen contacts" audience.

import frappe
from frappe.tests.utils import change_settings

from csm_extension.services import surveys
from csm_extension.tests.test_surveys import invitations
from csm_extension.tests.utils import (
	RolledBackTestCase,
	make_contact,
	make_customer,
	make_customer_group,
	make_outgoing_email_account,
)

GROUP = "CSM Chosen Contacts Group"


class TestCSMNPSSurvey(RolledBackTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.enterClassContext(change_settings("CSM Settings", {"survey_throttle_days": 90}))
		make_outgoing_email_account()  # a sender for the queued mail (before_tests mutes sending)
		make_customer_group(GROUP)
		new = lambda name, **f: make_customer(name, customer_group=GROUP, **f)  # noqa: E731
		cls.mature = new("CSM Chosen Mature", csm_lifecycle_stage="Mature")
		cls.mature_primary = make_contact(cls.mature, "Ina", "ina@mature.example", primary_of_customer=True)
		cls.mature_other = make_contact(cls.mature, "Jo", "jo@mature.example")
		cls.young = new("CSM Chosen Young", csm_lifecycle_stage="Onboarding")
		cls.young_contact = make_contact(cls.young, "Kai", "kai@young.example", primary_of_customer=True)
		cls.optout = new("CSM Chosen Optout", csm_survey_opt_out=1)
		cls.optout_contact = make_contact(cls.optout, "Lu", "lu@optout.example", primary_of_customer=True)
		cls.nomail = make_contact(cls.young, "Mo")
		# A contact of no customer (e.g. a supplier's): an answer would be about nobody.
		cls.loose = frappe.get_doc(
			{
				"doctype": "Contact",
				"first_name": "Ned",
				"email_ids": [{"email_id": "ned@x.example", "is_primary": 1}],
			}
		).insert(ignore_permissions=True)

	def survey(self, contacts, **fields):
		return frappe.get_doc(
			{
				"doctype": "CSM NPS Survey",
				"title": "Chosen contacts",
				"customer_group": GROUP,
				"recipients": "Chosen contacts",
				"contacts": [{"contact": c} for c in contacts],
				**fields,
			}
		)

	def test_only_the_chosen_eligible_contacts_are_asked(self):
		# Jo is not Ina's customer's primary contact, yet chosen; Lu's customer opted out; Mo has no email.
		doc = self.survey([self.mature_other, self.young_contact, self.optout_contact, self.nomail]).insert()
		result = surveys.send_survey(doc.name)
		self.assertEqual(
			set(invitations(doc.name)), {(self.mature, self.mature_other), (self.young, self.young_contact)}
		)
		self.assertEqual(result["invitations_sent"], 2)

	def test_the_survey_filters_still_apply(self):
		doc = self.survey([self.mature_other, self.young_contact], lifecycle_stage="Mature").insert()
		surveys.send_survey(doc.name)
		self.assertEqual(set(invitations(doc.name)), {(self.mature, self.mature_other)})

	def test_the_other_modes_ignore_the_list(self):
		doc = self.survey([self.mature_other], recipients="Primary contact").insert()
		surveys.send_survey(doc.name)
		self.assertEqual(
			set(invitations(doc.name)),
			{(self.mature, self.mature_primary), (self.young, self.young_contact)},
		)

	def test_a_bad_list_is_refused_with_the_row(self):
		with self.assertRaisesRegex(frappe.ValidationError, "add at least one contact"):
			self.survey([]).insert()
		with self.assertRaisesRegex(frappe.ValidationError, f"row 2: {self.loose.name} is not linked"):
			self.survey([self.young_contact, self.loose.name]).insert()
		with self.assertRaisesRegex(frappe.ValidationError, f"row 2: {self.mature_other} is listed twice"):
			self.survey([self.mature_other, self.mature_other]).insert()
		self.assertFalse(frappe.db.exists("CSM NPS Survey", {"title": "Chosen contacts"}))

	def test_a_deadline_that_is_not_a_number_is_refused(self):
		# As REST sends it: text in an Int field.
		with self.assertRaisesRegex(
			frappe.ValidationError, "Answer Deadline \\(days\\) must be a whole number"
		):
			self.survey([self.young_contact], deadline_days="abc").insert()
		doc = self.survey([self.young_contact], deadline_days="14").insert()
		self.assertEqual(frappe.db.get_value("CSM NPS Survey", doc.name, "deadline_days"), 14)
