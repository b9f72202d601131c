"""Who an NPS survey goes to: one statement, whatever the number of customers and contacts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from csm_extension.data.db import Database

MODES = ("primary", "all", "chosen")


@dataclass(frozen=True)
class Recipient:
	customer: str
	contact: str
	email: str
	customer_name: str
	contact_name: str


# Contacts are linked to customers by `tabDynamic Link`. Modes: "all" contacts of the customers, the
# survey's "chosen" contacts (its `CSM NPS Survey Contact` rows), or "primary": a customer's contact is
# its `customer_primary_contact`, or (when that is empty) the contact marked `is_primary_contact`; the
# throttle applies after that choice, so a recently asked primary contact is not swapped for another.
# Customer group and territory filters cover their subtrees (nested sets), as ERPNext's reports do.
RECIPIENTS_SQL = """
SELECT customer, contact, email, customer_name, contact_name FROM (
	SELECT c.name AS customer, ct.name AS contact, ct.email_id AS email, c.customer_name AS customer_name,
		COALESCE(NULLIF(ct.full_name, ''), NULLIF(ct.first_name, ''), ct.name) AS contact_name,
		c.customer_primary_contact AS primary_contact, ct.is_primary_contact AS is_primary,
		ROW_NUMBER() OVER (
			PARTITION BY c.name
			ORDER BY CASE WHEN ct.name = c.customer_primary_contact THEN 0 ELSE 1 END,
				ct.is_primary_contact DESC, ct.creation, ct.name, dl.name) AS contact_rank,
		ROW_NUMBER() OVER (PARTITION BY c.name, ct.name ORDER BY dl.name) AS link_rank
	FROM `tabCustomer` c
	JOIN `tabDynamic Link` dl
		ON dl.link_doctype = 'Customer' AND dl.link_name = c.name AND dl.parenttype = 'Contact'
	JOIN `tabContact` ct ON ct.name = dl.parent
	WHERE c.disabled = 0
		AND COALESCE(c.csm_survey_opt_out, 0) = 0
		AND ct.email_id IS NOT NULL AND ct.email_id != ''
		AND COALESCE(ct.unsubscribed, 0) = 0
		AND (%(lifecycle_stage)s IS NULL OR c.csm_lifecycle_stage = %(lifecycle_stage)s)
		AND (%(csm)s IS NULL OR c.csm = %(csm)s)
		AND (%(customer_group)s IS NULL OR EXISTS (
			SELECT 1 FROM `tabCustomer Group` g JOIN `tabCustomer Group` f ON f.name = %(customer_group)s
			WHERE g.name = c.customer_group AND g.lft >= f.lft AND g.rgt <= f.rgt))
		AND (%(territory)s IS NULL OR EXISTS (
			SELECT 1 FROM `tabTerritory` t JOIN `tabTerritory` f ON f.name = %(territory)s
			WHERE t.name = c.territory AND t.lft >= f.lft AND t.rgt <= f.rgt))
) candidates
WHERE link_rank = 1
	AND CASE %(mode)s
		WHEN 'all' THEN 1
		WHEN 'chosen' THEN EXISTS (
			SELECT 1 FROM `tabCSM NPS Survey Contact` sc
			WHERE sc.parenttype = 'CSM NPS Survey' AND sc.parent = %(survey)s AND sc.contact = candidates.contact)
		ELSE contact_rank = 1 AND (
			contact = primary_contact
			OR ((primary_contact IS NULL OR primary_contact = '') AND is_primary = 1))
	END
	AND NOT EXISTS (
		SELECT 1 FROM `tabCSM NPS Invitation` i
		WHERE i.contact = candidates.contact AND i.sent_on > %(throttle_cutoff)s)
ORDER BY customer, contact
"""


def eligible_recipients(
	db: Database,
	as_of: date,
	throttle_days: int,
	mode: str = "primary",
	survey: str | None = None,
	customer_group: str | None = None,
	territory: str | None = None,
	lifecycle_stage: str | None = None,
	csm: str | None = None,
) -> list[Recipient]:
	"""(customer, contact, email) for a survey's filters: enabled, not opted-out customers; contacts with
	an email, not unsubscribed, and not invited in the `throttle_days` up to and including `as_of`.
	`mode` is "primary", "all" or "chosen" (the contacts listed on `survey`)."""
	if mode not in MODES:
		raise ValueError(f"recipient mode {mode!r}: expected one of {', '.join(MODES)}")
	params = {
		"as_of": as_of,
		"throttle_cutoff": as_of - timedelta(days=max(int(throttle_days or 0), 0)),
		"mode": mode,
		"survey": survey,
		"customer_group": customer_group or None,
		"territory": territory or None,
		"lifecycle_stage": lifecycle_stage or None,
		"csm": csm or None,
	}
	return [Recipient(*row) for row in db.sql(RECIPIENTS_SQL, params)]
