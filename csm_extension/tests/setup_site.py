"""`before_tests` (hooks.py): `bench run-tests --app csm_extension` runs only this app's hooks, so a fresh
site would meet the tests without a Company, fiscal year or warehouse types. Complete ERPNext's setup the
way ERPNext's own tests do (its `before_tests`), once; a site already set up is left as it is."""

import frappe


def before_tests():
	if not frappe.db.a_row_exists("Company"):
		from erpnext.setup.utils import before_tests as erpnext_before_tests

		erpnext_before_tests()
	# A ToDo assignment mails its notification at once in tests, and sending commits: what a test wrote
	# would outlive its rollback (and its savepoint). Muted, mail is queued and not sent; queueing needs
	# a sender, hence a default outgoing account (on 127.0.0.1, never contacted).
	from csm_extension.tests.utils import make_outgoing_email_account

	make_outgoing_email_account()
	frappe.flags.mute_emails = True
	frappe.db.commit()
