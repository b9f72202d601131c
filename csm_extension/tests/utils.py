"""Factories for the bench tests: real Customers, Items and submitted Sales Invoices in the test site."""

from __future__ import annotations

import frappe
from erpnext import get_default_company
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, getdate

ITEM = "CSM Test Service"


class RolledBackTestCase(FrappeTestCase):
	"""Each test starts from what setUpClass made: what it writes is rolled back to a savepoint after it,
	and it ends as Administrator whoever it ran as."""

	def setUp(self):
		super().setUp()
		frappe.db.savepoint("csm_test")

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback(save_point="csm_test")
		super().tearDown()


def company() -> str:
	return get_default_company() or frappe.get_all("Company", pluck="name", limit=1)[0]


def ensure_fiscal_year(day) -> None:
	"""Invoices in any past year need that year's Fiscal Year for the company."""
	from erpnext.accounts.utils import FiscalYearError, get_fiscal_year

	day = getdate(day)
	try:
		get_fiscal_year(day, company=company())
	except FiscalYearError:
		frappe.get_doc(
			{
				"doctype": "Fiscal Year",
				"year": f"CSM {day.year}",
				"year_start_date": f"{day.year}-01-01",
				"year_end_date": f"{day.year}-12-31",
				"companies": [{"company": company()}],
			}
		).insert(ignore_permissions=True)


def make_item() -> str:
	if not frappe.db.exists("Item", ITEM):
		group = frappe.db.get_value("Item Group", {"is_group": 0}, "name")
		frappe.get_doc(
			{
				"doctype": "Item",
				"item_code": ITEM,
				"item_name": ITEM,
				"item_group": group,
				"stock_uom": "Nos",
				"is_stock_item": 0,
			}
		).insert(ignore_permissions=True)
	return ITEM


def make_user(email: str, *roles: str) -> str:
	if not frappe.db.exists("User", email):
		user = frappe.get_doc(
			{"doctype": "User", "email": email, "first_name": email.split("@")[0], "send_welcome_email": 0}
		)
		user.insert(ignore_permissions=True)
	user = frappe.get_doc("User", email)
	user.add_roles(*roles)
	return email


def make_customer(customer_name: str, csm: str | None = None, **fields) -> str:
	existing = frappe.db.get_value("Customer", {"customer_name": customer_name})
	if existing:
		return existing
	doc = frappe.get_doc(
		{
			"doctype": "Customer",
			"customer_name": customer_name,
			"customer_group": frappe.db.get_value("Customer Group", {"is_group": 0}, "name"),
			"territory": frappe.db.get_value("Territory", {"is_group": 0}, "name"),
			"csm": csm,
			**fields,
		}
	).insert(ignore_permissions=True)
	return doc.name


def make_invoice(
	customer: str, posting_date, amount: float, due_days: int = 30, submit: bool = True, **fields
):
	"""One line of the test service; a return passes `is_return=1, return_against=...` and a negative amount."""
	make_item()
	posting_date = getdate(posting_date)
	ensure_fiscal_year(posting_date)
	is_return = fields.get("is_return")
	si = frappe.get_doc(
		{
			"doctype": "Sales Invoice",
			"customer": customer,
			"company": company(),
			"posting_date": posting_date,
			"set_posting_time": 1,
			"due_date": None if is_return else add_days(posting_date, due_days),
			"items": [{"item_code": ITEM, "qty": -1 if is_return else 1, "rate": abs(amount)}],
			**fields,
		}
	)
	si.insert(ignore_permissions=True)
	if submit:
		si.submit()
	return si


def pay(invoice, posting_date=None):
	"""A Payment Entry for the whole outstanding amount."""
	from erpnext.accounts.doctype.payment_entry.payment_entry import get_payment_entry

	posting_date = getdate(posting_date or invoice.posting_date)
	ensure_fiscal_year(posting_date)
	pe = get_payment_entry("Sales Invoice", invoice.name)
	pe.posting_date = posting_date
	pe.reference_no = f"CSM-{invoice.name}"
	pe.reference_date = posting_date
	pe.insert(ignore_permissions=True)
	pe.submit()
	return pe


def open_flags(customer: str) -> dict[str, dict]:
	rows = frappe.get_all(
		"CSM Red Flag",
		filters={"customer": customer, "status": ("in", ("Open", "Acknowledged"))},
		fields=["name", "rule", "status", "observed_value", "explanation", "evidence", "todo"],
	)
	return {r.rule: r for r in rows}


def make_customer_group(name: str) -> str:
	if not frappe.db.exists("Customer Group", name):
		parent = frappe.db.get_value(
			"Customer Group", {"is_group": 1, "parent_customer_group": ("in", ("", None))}
		)
		frappe.get_doc(
			{"doctype": "Customer Group", "customer_group_name": name, "parent_customer_group": parent}
		).insert(ignore_permissions=True)
	return name


def make_contact(
	customer: str, first_name: str, email: str | None = None, is_primary: int = 0, primary_of_customer=False
) -> str:
	"""A Contact linked to the customer through Dynamic Link, with `email` as its primary address."""
	contact = frappe.get_doc(
		{
			"doctype": "Contact",
			"first_name": first_name,
			"is_primary_contact": is_primary,
			"links": [{"link_doctype": "Customer", "link_name": customer}],
		}
	)
	if email:
		contact.append("email_ids", {"email_id": email, "is_primary": 1})
	contact.insert(ignore_permissions=True)
	if primary_of_customer:
		frappe.db.set_value("Customer", customer, "customer_primary_contact", contact.name)
	return contact.name


def make_outgoing_email_account(port: int = 2525) -> str:
	"""A default outgoing account on 127.0.0.1 (not contacted by the tests: mail stays in Email Queue)."""
	name = "CSM Test Outgoing"
	if not frappe.db.exists("Email Account", name):
		frappe.get_doc(
			{
				"doctype": "Email Account",
				"email_account_name": name,
				"email_id": "csm-outgoing@example.com",
				"smtp_server": "127.0.0.1",
				"smtp_port": port,
				"enable_outgoing": 1,
				"default_outgoing": 1,
				"no_smtp_authentication": 1,
				"awaiting_password": 0,
			}
		).insert(ignore_permissions=True)
	return name


def make_churn_reason(reason: str) -> str:
	if not frappe.db.exists("CSM Churn Reason", reason):
		frappe.get_doc({"doctype": "CSM Churn Reason", "reason": reason}).insert(ignore_permissions=True)
	return reason


def make_lifecycle_event(customer: str, event: str, event_date, reason: str | None = None) -> str:
	"""A Churned / Won Back event as a CSM records it, without touching the Customer's stage."""
	return (
		frappe.get_doc(
			{
				"doctype": "CSM Lifecycle Event",
				"customer": customer,
				"event": event,
				"event_date": getdate(event_date),
				"reason": reason,
			}
		)
		.insert(ignore_permissions=True)
		.name
	)


def make_nps_response(customer: str, score: int, response_date, **fields) -> str:
	return (
		frappe.get_doc(
			{
				"doctype": "CSM NPS Response",
				"customer": customer,
				"score": score,
				"response_date": getdate(response_date),
				**fields,
			}
		)
		.insert(ignore_permissions=True)
		.name
	)


def make_nps_invitation(customer: str, sent_on, survey: str | None = None) -> str:
	"""An invitation as the survey service writes it (only the app may write them)."""
	if not survey:
		survey = frappe.db.get_value("CSM NPS Survey", {"title": "CSM Test Survey"}) or (
			frappe.get_doc({"doctype": "CSM NPS Survey", "title": "CSM Test Survey"})
			.insert(ignore_permissions=True)
			.name
		)
	doc = frappe.get_doc(
		{
			"doctype": "CSM NPS Invitation",
			"survey": survey,
			"customer": customer,
			"sent_on": getdate(sent_on),
			"expires_on": add_days(sent_on, 30),
			"status": "Sent",
		}
	)
	doc.flags.csm_survey = True
	return doc.insert(ignore_permissions=True).name


def make_health_check(customer: str, check_date, health_score: int, health_status: str, **fields) -> str:
	return (
		frappe.get_doc(
			{
				"doctype": "CSM Health Check",
				"customer": customer,
				"check_date": getdate(check_date),
				"kind": "Ad hoc",
				"status": "Completed",
				"health_score": health_score,
				"health_status": health_status,
				**fields,
			}
		)
		.insert(ignore_permissions=True)
		.name
	)


def make_red_flag(customer: str, rule: str, status: str = "Open", raised_on=None, **fields) -> str:
	return (
		frappe.get_doc(
			{
				"doctype": "CSM Red Flag",
				"customer": customer,
				"rule": rule,
				"status": status,
				"raised_on": getdate(raised_on),
				**fields,
			}
		)
		.insert(ignore_permissions=True)
		.name
	)


def make_onboarding_plan(customer: str, start_date, tasks: list[dict], status: str | None = None) -> str:
	"""A plan with task rows ({"title", "status", "due_date"}); status and progress follow the tasks
	unless `status` is "Cancelled"."""
	return (
		frappe.get_doc(
			{
				"doctype": "CSM Onboarding Plan",
				"customer": customer,
				"start_date": getdate(start_date),
				"status": status or "Not Started",
				"tasks": tasks,
			}
		)
		.insert(ignore_permissions=True)
		.name
	)
