"""NPS surveys with a closed loop: invitations by email, a signed one-time link, the answer on record.

A survey is sent once: each eligible contact (data/surveys.py) gets a CSM NPS Invitation and an email
through Frappe's mail queue. The link carries `<invitation>.<secret>.<signature>` (engine/survey_token.py);
the invitation stores only sha256(secret). An answer is accepted once per invitation, until expires_on.
"""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import (
	add_days,
	add_months,
	escape_html,
	get_url,
	getdate,
	now_datetime,
	strip_html_tags,
	today,
)
from frappe.utils.password import get_encryption_key

from csm_extension.data.db import FrappeDatabase
from csm_extension.data.surveys import eligible_recipients
from csm_extension.engine import survey_token
from csm_extension.engine.nps import parse_score
from csm_extension.services.settings import get_settings

DEFAULT_TEMPLATE = "CSM NPS Survey"
# The survey's Recipients option -> the data layer's mode.
RECIPIENT_MODES = {"Primary contact": "primary", "All contacts": "all", "Chosen contacts": "chosen"}
PAGE = "/nps"
SCHEDULE_MONTHS = {"Monthly": 1, "Quarterly": 3}
MAX_COMMENT = 2000


class SurveyLinkError(frappe.ValidationError):
	"""Bad format, bad signature or unknown invitation: the same answer for all, nothing stored."""

	http_status_code = 403


class SurveyLinkExpired(SurveyLinkError):
	http_status_code = 410


class SurveyAlreadyAnswered(SurveyLinkError):
	http_status_code = 409


class SurveyAlreadySent(frappe.ValidationError):
	pass


def site_key() -> bytes:
	return survey_token.derive_key(get_encryption_key())


def survey_link(token: str) -> str:
	return f"{get_url()}{PAGE}?t={token}"


# Sending


def validate_survey(doc) -> None:
	"""A survey's status and counters are the app's: a new survey is a Draft, the rest stays as sent."""
	if not doc.flags.csm_survey:
		if doc.is_new():
			doc.update({"status": "Draft", "sent_on": None, "invitations_sent": 0, "responses": 0})
		else:
			stored = frappe.db.get_value(
				"CSM NPS Survey",
				doc.name,
				["status", "sent_on", "invitations_sent", "responses"],
				as_dict=True,
			)
			doc.update(stored)
	if isinstance(doc.deadline_days, str) and doc.deadline_days.strip():
		# REST may send text; Frappe casts an Int field only when it saves it.
		if not doc.deadline_days.strip().lstrip("-").isdigit():
			frappe.throw(
				_("Answer Deadline (days) must be a whole number, got {0}").format(
					frappe.bold(doc.deadline_days)
				)
			)
		doc.deadline_days = int(doc.deadline_days)
	if doc.is_new() and not doc.deadline_days:
		doc.deadline_days = get_settings().survey_deadline_days or 30
	if (doc.deadline_days or 0) < 1:
		frappe.throw(_("The answer deadline must be at least one day"))
	_validate_chosen_contacts(doc)


def _validate_chosen_contacts(doc) -> None:
	"""Chosen contacts: at least one, each once, each linked to a customer (whom the answer is about)."""
	if doc.recipients != "Chosen contacts":
		return
	if not doc.contacts:
		frappe.throw(_("Recipients is Chosen contacts: add at least one contact to Contacts"))
	chosen = [row.contact for row in doc.contacts]
	linked = set(
		frappe.get_all(
			"Dynamic Link",
			filters={"parenttype": "Contact", "link_doctype": "Customer", "parent": ("in", chosen)},
			pluck="parent",
		)
	)
	seen = set()
	for row in doc.contacts:
		if row.contact in seen:
			frappe.throw(_("Contacts, row {0}: {1} is listed twice").format(row.idx, row.contact))
		seen.add(row.contact)
		if row.contact not in linked:
			frappe.throw(
				_("Contacts, row {0}: {1} is not linked to any Customer").format(row.idx, row.contact)
			)


def send_survey(name: str) -> dict:
	"""Create an invitation and queue one email per eligible contact; a survey sends once."""
	survey = frappe.get_doc("CSM NPS Survey", name, for_update=True)
	if survey.status == "Sent":
		frappe.throw(
			_(
				"Survey {0} was already sent on {1}. A survey is sent once; create a new one to ask again."
			).format(survey.name, frappe.format(survey.sent_on, "Datetime")),
			SurveyAlreadySent,
			title=_("Already sent"),
		)
	settings = get_settings()
	template = frappe.get_doc(
		"Email Template", survey.email_template or settings.survey_email_template or DEFAULT_TEMPLATE
	)
	as_of = getdate(today())
	expires_on = getdate(add_days(as_of, survey.deadline_days or settings.survey_deadline_days or 30))
	recipients = eligible_recipients(
		FrappeDatabase(),
		as_of,
		settings.survey_throttle_days or 0,
		mode=RECIPIENT_MODES[survey.recipients or "Primary contact"],
		survey=survey.name,
		customer_group=survey.customer_group,
		territory=survey.territory,
		lifecycle_stage=survey.lifecycle_stage,
		csm=survey.csm,
	)
	key = site_key()
	for r in recipients:
		invite(survey, r, template, key, as_of, expires_on)
	survey.flags.csm_survey = True
	survey.status, survey.sent_on, survey.invitations_sent = "Sent", now_datetime(), len(recipients)
	survey.save(ignore_permissions=True)
	return {"survey": survey.name, "invitations_sent": len(recipients)}


def invite(survey, recipient, template, key: bytes, as_of, expires_on) -> str:
	secret = survey_token.new_secret()
	invitation = frappe.get_doc(
		{
			"doctype": "CSM NPS Invitation",
			"survey": survey.name,
			"customer": recipient.customer,
			"contact": recipient.contact,
			"email": recipient.email,
			"status": "Sent",
			"sent_on": as_of,
			"expires_on": expires_on,
			"token_hash": survey_token.hash_secret(secret),
		}
	)
	invitation.flags.csm_survey = True
	invitation.insert(ignore_permissions=True)
	link = survey_link(survey_token.make_token(key, invitation.name, secret, expires_on))
	values = {
		"survey_link": link,
		"customer_name": recipient.customer_name,
		"contact_name": recipient.contact_name,
		"survey_title": survey.title,
		"expires_on": frappe.format(expires_on, "Date"),
	}
	# Names come from records anyone with desk access may edit: escaped in the HTML body.
	frappe.sendmail(
		recipients=[recipient.email],
		subject=template.get_formatted_subject(values),
		message=template.get_formatted_response(
			{**values, **{k: escape_html(values[k] or "") for k in ("customer_name", "contact_name")}}
		),
		reference_doctype="CSM NPS Invitation",
		reference_name=invitation.name,
		delayed=True,
	)
	return invitation.name


# The link


def check_token(token: str | None) -> frappe._dict:
	"""The invitation a genuine token belongs to; anything else raises SurveyLinkError."""
	refused = SurveyLinkError(_("This survey link is not valid."))
	try:
		parsed = survey_token.parse_token(token)
	except survey_token.TokenError:
		raise refused from None
	row = frappe.db.get_value(
		"CSM NPS Invitation",
		parsed.invitation,
		[
			"name",
			"survey",
			"customer",
			"customer_name",
			"contact",
			"status",
			"expires_on",
			"token_hash",
			"response",
		],
		as_dict=True,
	)
	if not row or not row.expires_on:
		raise refused
	try:
		survey_token.verify(site_key(), parsed, getdate(row.expires_on), row.token_hash)
	except survey_token.TokenError:
		raise refused from None
	return row


def link_state(row) -> str:
	"""answered / expired / open; an answered link shows its answer even after the deadline."""
	if row.status == "Answered" or row.response:
		return "answered"
	if row.status == "Expired" or getdate(today()) > getdate(row.expires_on):
		return "expired"
	return "open"


def page_context(token: str | None) -> dict:
	"""What the public page shows: only the customer's own name and, once answered, its answer."""
	try:
		row = check_token(token)
	except SurveyLinkError:
		return {"state": "invalid"}
	context = {"state": link_state(row), "customer_name": row.customer_name or row.customer}
	if context["state"] == "open":
		context["token"] = token
		context["expires_on"] = row.expires_on
	elif context["state"] == "answered":
		answer = frappe.db.get_value("CSM NPS Response", row.response, ["score", "comment"], as_dict=True)
		context["score"], context["comment"] = (answer.score, answer.comment) if answer else (None, None)
	return context


def record_answer(token: str, score, comment: str | None = None) -> dict:
	"""One answer per link: re-verified here, refused (storing nothing) unless the link is open and the
	score is 0-10. The response's controller updates the customer's last NPS and opens the detractor ToDo."""
	row = check_token(token)
	# Lock the invitation: two submissions at once answer it once.
	row.status, row.response = frappe.db.get_value(
		"CSM NPS Invitation", row.name, ["status", "response"], for_update=True
	)
	state = link_state(row)
	if state == "answered":
		frappe.throw(
			_("This survey was already answered. Thank you!"),
			SurveyAlreadyAnswered,
			title=_("Already answered"),
		)
	if state == "expired":
		frappe.throw(
			_("This survey closed on {0}.").format(frappe.format(row.expires_on, "Date")),
			SurveyLinkExpired,
			title=_("Survey closed"),
		)
	try:
		score = parse_score(score)
	except ValueError:
		frappe.throw(_("Please choose a score from 0 to 10."), title=_("Invalid score"))
	comment = strip_html_tags(comment or "").strip()[:MAX_COMMENT] or None
	response = frappe.get_doc(
		{
			"doctype": "CSM NPS Response",
			"customer": row.customer,
			"contact": row.contact,
			"invitation": row.name,
			"score": score,
			"comment": comment,
			"source": "Survey",
			"response_date": today(),
		}
	).insert(ignore_permissions=True)
	frappe.db.set_value(
		"CSM NPS Invitation",
		row.name,
		{"status": "Answered", "response": response.name, "answered_on": now_datetime()},
	)
	frappe.db.set_value(
		"CSM NPS Survey",
		row.survey,
		"responses",
		frappe.db.count("CSM NPS Invitation", {"survey": row.survey, "status": "Answered"}),
		update_modified=False,
	)
	return {"score": response.score, "category": response.category}


# Scheduled


def expire_invitations(as_of=None) -> None:
	"""One statement: invitations past their deadline and unanswered become Expired."""
	frappe.db.sql(
		"""UPDATE `tabCSM NPS Invitation` SET status = 'Expired'
		WHERE status = 'Sent' AND expires_on < %(as_of)s""",
		{"as_of": getdate(as_of or today())},
	)


def run_scheduled(as_of=None) -> str | None:
	"""When CSM Settings schedules surveys and a month / quarter has passed since the last scheduled one,
	create and send a survey to every customer's primary contact (the throttle still applies)."""
	as_of = getdate(as_of or today())
	expire_invitations(as_of)
	settings = get_settings()
	months = SCHEDULE_MONTHS.get(settings.survey_schedule or "")
	last = settings.last_scheduled_survey
	if not months or (last and getdate(add_months(last, months)) > as_of):
		return None
	survey = frappe.get_doc(
		{
			"doctype": "CSM NPS Survey",
			"title": _("{0} NPS survey {1}").format(_(settings.survey_schedule), as_of),
			"recipients": "Primary contact",
			"email_template": settings.survey_email_template,
			"deadline_days": settings.survey_deadline_days or 30,
		}
	).insert(ignore_permissions=True)
	frappe.db.set_single_value("CSM Settings", "last_scheduled_survey", as_of)
	send_survey(survey.name)
	return survey.name
