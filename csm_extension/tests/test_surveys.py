"""NPS surveys in a real site: who is asked, the mail queue, the signed link, the public page and answer."""

import email
import re

import frappe
from frappe.handler import execute_cmd
from frappe.tests.utils import change_settings
from frappe.utils import add_days, add_months, getdate, today

from csm_extension import api
from csm_extension.csm_extension.report.csm_promoters import csm_promoters
from csm_extension.services import surveys
from csm_extension.setup import install
from csm_extension.tests.utils import (
	RolledBackTestCase,
	make_contact,
	make_customer,
	make_customer_group,
	make_outgoing_email_account,
	make_user,
)
from csm_extension.www import nps as nps_page

GROUP = "CSM Survey Test Group"


def make_survey(**fields) -> str:
	return (
		frappe.get_doc(
			{"doctype": "CSM NPS Survey", "title": "Test survey", "customer_group": GROUP, **fields}
		)
		.insert()
		.name
	)


def invitations(survey: str) -> dict[tuple[str, str], frappe._dict]:
	rows = frappe.get_all(
		"CSM NPS Invitation",
		filters={"survey": survey},
		fields=[
			"name",
			"survey",
			"customer",
			"contact",
			"email",
			"status",
			"token_hash",
			"sent_on",
			"expires_on",
		],
	)
	return {(r.customer, r.contact): r for r in rows}


def queued(invitation: str) -> list:
	return frappe.get_all(
		"Email Queue",
		filters={"reference_doctype": "CSM NPS Invitation", "reference_name": invitation},
		pluck="name",
	)


def token_from_mail(invitation: str) -> str:
	"""The token as the recipient gets it: from the queued email's HTML part."""
	(name,) = queued(invitation)
	message = email.message_from_string(frappe.db.get_value("Email Queue", name, "message"))
	html = "".join(
		part.get_payload(decode=True).decode()
		for part in message.walk()
		if part.get_content_type() == "text/html"
	)
	return re.search(r"/nps\?t=([A-Za-z0-9._-]+)", html).group(1)


def count(doctype, **filters):
	return frappe.db.count(doctype, filters)


class TestSurveys(RolledBackTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.enterClassContext(change_settings("CSM Settings", {"survey_throttle_days": 90}))
		# Survey mail waits in Email Queue anyway; muting stops the ToDo notification mail, which Frappe
		# sends at once in tests and commits, from ending the tests' transaction.
		cls.muted = frappe.flags.mute_emails
		frappe.flags.mute_emails = True
		make_outgoing_email_account()
		make_customer_group(GROUP)
		cls.csm = make_user("csm.survey@example.com", "Customer Success Manager")
		new = lambda name, **f: make_customer(name, csm=cls.csm, customer_group=GROUP, **f)  # noqa: E731
		# Primary contact by customer_primary_contact, plus a second contact.
		cls.acme = new("CSM Survey Acme", csm_lifecycle_stage="Mature")
		cls.acme_primary = make_contact(cls.acme, "Ada", "ada@acme.example", primary_of_customer=True)
		cls.acme_other = make_contact(cls.acme, "Bob", "bob@acme.example")
		# Primary contact by is_primary_contact only.
		cls.beta = new("CSM Survey Beta")
		cls.beta_primary = make_contact(cls.beta, "Cy", "cy@beta.example", is_primary=1)
		# Skipped: opted out, disabled, primary contact without email.
		cls.optout = new("CSM Survey Optout", csm_survey_opt_out=1)
		make_contact(cls.optout, "Di", "di@optout.example", primary_of_customer=True)
		cls.disabled = new("CSM Survey Disabled", disabled=1)
		make_contact(cls.disabled, "Ed", "ed@disabled.example", primary_of_customer=True)
		cls.nomail = new("CSM Survey Nomail")
		make_contact(cls.nomail, "Flo", primary_of_customer=True)
		# Asked 10 days ago (inside the throttle) / 120 days ago (outside it).
		cls.recent = new("CSM Survey Recent")
		cls.recent_contact = make_contact(cls.recent, "Gus", "gus@recent.example", primary_of_customer=True)
		cls.old = new("CSM Survey Old")
		cls.old_contact = make_contact(cls.old, "Hal", "hal@old.example", primary_of_customer=True)
		earlier = make_survey(title="Earlier survey")
		for customer, contact, days in (
			(cls.recent, cls.recent_contact, 10),
			(cls.old, cls.old_contact, 120),
		):
			doc = frappe.get_doc(
				{
					"doctype": "CSM NPS Invitation",
					"survey": earlier,
					"customer": customer,
					"contact": contact,
					"sent_on": add_days(today(), -days),
					"expires_on": add_days(today(), 30 - days),
					"status": "Expired",
				}
			)
			doc.flags.csm_survey = True
			doc.insert(ignore_permissions=True)

	@classmethod
	def tearDownClass(cls):
		frappe.flags.mute_emails = cls.muted
		super().tearDownClass()

	def sent_survey(self, **fields):
		name = make_survey(**fields)
		result = surveys.send_survey(name)
		return name, result

	def open_link(self, customer=None):
		"""A sent survey for one customer, and the token its primary contact received."""
		name, _ = self.sent_survey()
		invitation = next(r for r in invitations(name).values() if r.customer == (customer or self.acme))
		return name, invitation, token_from_mail(invitation.name)

	# Sending

	def test_one_email_per_eligible_primary_contact(self):
		name, result = self.sent_survey()
		sent = invitations(name)
		self.assertEqual(
			set(sent),
			{(self.acme, self.acme_primary), (self.beta, self.beta_primary), (self.old, self.old_contact)},
		)
		self.assertEqual(result["invitations_sent"], 3)
		for invitation in sent.values():
			(queue,) = queued(invitation.name)
			recipients = frappe.get_all("Email Queue Recipient", filters={"parent": queue}, pluck="recipient")
			self.assertEqual(recipients, [invitation.email])
			self.assertEqual(frappe.db.get_value("Email Queue", queue, "status"), "Not Sent")
			self.assertEqual(invitation.status, "Sent")
			self.assertEqual(getdate(invitation.expires_on), getdate(add_days(today(), 30)))
			# only the hash of the secret is stored, never the token
			token = token_from_mail(invitation.name)
			self.assertEqual(len(invitation.token_hash), 64)
			self.assertNotIn(token.split(".")[1], invitation.token_hash)
		survey = frappe.get_doc("CSM NPS Survey", name)
		self.assertEqual((survey.status, survey.invitations_sent), ("Sent", 3))

	def test_all_contacts_and_filters(self):
		name, _ = self.sent_survey(recipients="All contacts", lifecycle_stage="Mature")
		self.assertEqual(
			set(invitations(name)), {(self.acme, self.acme_primary), (self.acme, self.acme_other)}
		)

	def test_throttle_counts_this_survey_too(self):
		self.sent_survey()
		name, result = self.sent_survey()
		self.assertEqual((result["invitations_sent"], invitations(name)), (0, {}))

	def test_second_send_is_refused(self):
		name, _ = self.sent_survey()
		before = count("Email Queue", reference_doctype="CSM NPS Invitation")
		with self.assertRaises(surveys.SurveyAlreadySent) as e:
			api.send_nps_survey(name)
		self.assertIn("already sent", str(e.exception))
		self.assertEqual(count("Email Queue", reference_doctype="CSM NPS Invitation"), before)

	def test_users_cannot_mark_a_survey_sent_or_write_invitations(self):
		name = make_survey()
		doc = frappe.get_doc("CSM NPS Survey", name)
		doc.status = "Sent"
		doc.save()
		self.assertEqual(frappe.db.get_value("CSM NPS Survey", name, "status"), "Draft")
		self.sent_survey()
		invitation = frappe.get_last_doc("CSM NPS Invitation")
		invitation.status = "Answered"
		with self.assertRaises(frappe.PermissionError):
			invitation.save()

	# The link and the answer

	def test_valid_token_records_one_answer_and_closes_the_loop(self):
		name, invitation, token = self.open_link()
		frappe.set_user("Guest")
		frappe.form_dict.t = token
		context = nps_page.get_context(frappe._dict())
		self.assertEqual((context.state, context.customer_name), ("open", "CSM Survey Acme"))
		result = api.submit_nps_answer(token, 3, "Too slow")
		self.assertEqual(result, {"score": 3, "category": "Detractor"})
		frappe.set_user("Administrator")
		response = frappe.get_doc("CSM NPS Response", {"invitation": invitation.name})
		self.assertEqual(
			(response.source, response.customer, response.contact, response.score, response.comment),
			("Survey", self.acme, self.acme_primary, 3, "Too slow"),
		)
		self.assertEqual(frappe.db.get_value("Customer", self.acme, "csm_last_nps_score"), 3)
		todo = frappe.get_doc("ToDo", response.todo)
		self.assertEqual(
			(todo.allocated_to, todo.status, todo.reference_name), (self.csm, "Open", response.name)
		)
		stored = frappe.db.get_value("CSM NPS Invitation", invitation.name, ["status", "response"])
		self.assertEqual(stored, ("Answered", response.name))
		self.assertEqual(frappe.db.get_value("CSM NPS Survey", name, "responses"), 1)
		# the page now shows the answer already given
		frappe.set_user("Guest")
		frappe.form_dict.t = token  # set_user resets form_dict
		context = nps_page.get_context(frappe._dict())
		self.assertEqual((context.state, context.score, context.comment), ("answered", 3, "Too slow"))

	def test_reused_token_is_refused_and_stores_nothing(self):
		_, invitation, token = self.open_link()
		frappe.set_user("Guest")
		api.submit_nps_answer(token, 10)
		responses, todos = count("CSM NPS Response"), count("ToDo")
		with self.assertRaises(surveys.SurveyAlreadyAnswered):
			api.submit_nps_answer(token, 0, "changed my mind")
		self.assertEqual((count("CSM NPS Response"), count("ToDo")), (responses, todos))
		self.assertEqual(
			frappe.db.get_value("CSM NPS Response", {"invitation": invitation.name}, "score"), 10
		)

	def test_forged_or_unknown_tokens_are_refused(self):
		_, invitation, token = self.open_link()
		name, secret, signature = token.split(".")
		other = next(r.name for r in invitations(invitation.survey).values() if r.name != name)
		forged = [
			f"{name}.{secret}.{signature[:-1]}{'0' if signature[-1] != '0' else '1'}",  # signature changed
			f"{name}.{secret[:-1]}{'A' if secret[-1] != 'A' else 'B'}.{signature}",  # secret changed
			f"{other}.{secret}.{signature}",  # moved to another invitation
			f"CSM-NPSI-1999-99999.{secret}.{signature}",  # unknown invitation
			"not-a-token",
			"",
			token + ".extra",
		]
		responses = count("CSM NPS Response")
		frappe.set_user("Guest")
		for bad in forged:
			with self.subTest(token=bad), self.assertRaises(surveys.SurveyLinkError):
				api.submit_nps_answer(bad, 9)
			frappe.form_dict.t = bad
			self.assertEqual(nps_page.get_context(frappe._dict()).state, "invalid")
		self.assertEqual(count("CSM NPS Response"), responses)
		self.assertEqual(frappe.db.get_value("CSM NPS Invitation", invitation.name, "status"), "Sent")

	def test_expired_token_is_refused(self):
		_, invitation, token = self.open_link()
		responses = count("CSM NPS Response")
		with self.freeze_time(add_days(invitation.expires_on, 1)):
			frappe.set_user("Guest")
			with self.assertRaises(surveys.SurveyLinkExpired):
				api.submit_nps_answer(token, 9)
			frappe.form_dict.t = token
			self.assertEqual(nps_page.get_context(frappe._dict()).state, "expired")
		# on the last day it is still open
		with self.freeze_time(invitation.expires_on):
			frappe.form_dict.t = token
			self.assertEqual(nps_page.get_context(frappe._dict()).state, "open")
		self.assertEqual(count("CSM NPS Response"), responses)

	def test_out_of_range_scores_are_refused_and_store_nothing(self):
		_, invitation, token = self.open_link()
		responses = count("CSM NPS Response")
		frappe.set_user("Guest")
		# True and False too: an `int` annotation once let Frappe turn them into 1 and 0.
		for bad in (11, -1, "x", 7.5, "7.5", True, False):
			with self.subTest(score=bad), self.assertRaises((frappe.ValidationError, TypeError)):
				api.submit_nps_answer(token, bad)
		self.assertEqual(count("CSM NPS Response"), responses)
		self.assertEqual(frappe.db.get_value("CSM NPS Invitation", invitation.name, "status"), "Sent")

	def test_the_page_and_its_answers_follow_the_visitors_language(self):
		# translations/de.csv, loaded by Frappe for a guest whose browser asks for German
		_, _invitation, token = self.open_link()
		frappe.set_user("Guest")
		lang = frappe.local.lang
		frappe.local.lang = "de"
		try:
			frappe.form_dict.t = token
			context = nps_page.get_context(frappe._dict())
			self.assertEqual((context.state, context.title), ("open", "Ihre Meinung"))
			with self.assertRaisesRegex(
				frappe.ValidationError, "Bitte wählen Sie eine Bewertung von 0 bis 10"
			):
				api.submit_nps_answer(token, 11)
		finally:
			frappe.local.lang = lang

	def test_missing_arguments_are_refused_clearly(self):
		_, invitation, token = self.open_link()
		responses = count("CSM NPS Response")
		frappe.set_user("Guest")
		# frappe.call passes only the form's fields, as a POST to /api/method does.
		with self.assertRaises(surveys.SurveyLinkError):
			frappe.call(api.submit_nps_answer, score=9)
		with self.assertRaisesRegex(frappe.ValidationError, "score from 0 to 10"):
			frappe.call(api.submit_nps_answer, token=token)
		self.assertEqual(count("CSM NPS Response"), responses)
		self.assertEqual(frappe.db.get_value("CSM NPS Invitation", invitation.name, "status"), "Sent")

	def test_guests_reach_no_other_method(self):
		frappe.set_user("Guest")
		# as a request runs it (frappe.only_for alone is skipped in tests)
		with self.assertRaises(frappe.PermissionError):
			execute_cmd("csm_extension.api.run_daily_pass")
		methods = [
			f"csm_extension.api.{name}"
			for name, fn in vars(api).items()
			if callable(fn) and fn in frappe.whitelisted and fn.__module__ == api.__name__
		]
		self.assertIn("csm_extension.api.run_daily_pass", methods)
		for method in methods:
			if method == "csm_extension.api.submit_nps_answer":
				self.assertIn(api.submit_nps_answer, frappe.guest_methods)
				continue
			with self.subTest(method=method), self.assertRaises(frappe.PermissionError):
				execute_cmd(method)

	def test_send_needs_a_customer_success_role(self):
		name = make_survey()
		frappe.set_user(make_user("csm.survey.nobody@example.com", "Sales User"))
		with self.assertRaises(frappe.PermissionError):
			api.send_nps_survey(name)

	# Scheduled surveys, expiry, install, report

	def test_scheduled_survey_monthly(self):
		with change_settings("CSM Settings", {"survey_schedule": "Monthly", "last_scheduled_survey": None}):
			name = surveys.run_scheduled()
			self.assertEqual(frappe.db.get_value("CSM NPS Survey", name, "status"), "Sent")
			self.assertIn((self.acme, self.acme_primary), invitations(name))
			self.assertEqual(
				getdate(frappe.db.get_single_value("CSM Settings", "last_scheduled_survey")), getdate(today())
			)
			self.assertIsNone(surveys.run_scheduled())  # not again within the month
			frappe.db.set_single_value("CSM Settings", "last_scheduled_survey", add_months(today(), -1))
			frappe.clear_document_cache("CSM Settings", "CSM Settings")
			self.assertIsNotNone(surveys.run_scheduled())
		with change_settings("CSM Settings", {"survey_schedule": ""}):
			self.assertIsNone(surveys.run_scheduled())

	def test_unanswered_links_expire(self):
		_, invitation, _token = self.open_link()
		surveys.expire_invitations(add_days(invitation.expires_on, 1))
		self.assertEqual(frappe.db.get_value("CSM NPS Invitation", invitation.name, "status"), "Expired")

	def test_default_template_is_created_once(self):
		frappe.db.set_value("Email Template", install.SURVEY_TEMPLATE, "subject", "Edited by an admin")
		install.create_survey_defaults()
		self.assertEqual(
			frappe.db.get_value("Email Template", install.SURVEY_TEMPLATE, "subject"), "Edited by an admin"
		)
		self.assertTrue(frappe.get_meta("Customer").get_field("csm_survey_opt_out"))

	def test_promoters_report(self):
		def answer(customer, score, days_ago, **fields):
			return frappe.get_doc(
				{
					"doctype": "CSM NPS Response",
					"customer": customer,
					"score": score,
					"response_date": add_days(today(), -days_ago),
					**fields,
				}
			).insert()

		answer(self.acme, 10, 5, contact=self.acme_primary, comment="Great")
		answer(self.beta, 9, 40)
		answer(self.beta, 4, 2)  # latest answer is a detractor
		answer(self.old, 10, 400)  # outside the default 365 days
		columns, rows = csm_promoters.execute({"customer_group": GROUP})
		self.assertIn("csm", [c["fieldname"] for c in columns])
		by_customer = {r.customer: r for r in rows}
		self.assertEqual(set(by_customer), {self.acme})
		acme = by_customer[self.acme]
		self.assertEqual(
			(acme.score, acme.contact, acme.email, acme.comment, acme.csm),
			(10, self.acme_primary, "ada@acme.example", "Great", self.csm),
		)
		_, rows = csm_promoters.execute({"customer_group": GROUP, "latest_only": 0})
		self.assertEqual({r.customer for r in rows}, {self.acme, self.beta})
		_, rows = csm_promoters.execute(
			{"customer_group": GROUP, "from_date": add_days(today(), -500), "to_date": today()}
		)
		self.assertIn(self.old, {r.customer for r in rows})
