"""Set-based reads of the app's own tables (and Customer's CSM fields) for the daily pass inside a site.

Each function is one statement, whatever the number of customers.
"""

from __future__ import annotations

from datetime import date

from csm_extension.data.db import Database, to_date, to_float
from csm_extension.engine.models import CustomerRow, InvoiceRow


def last_nps_scores(db: Database) -> dict[str, float]:
	"""customer -> score of its latest NPS answer (by response date, then creation)."""
	rows = db.sql(
		"""
		SELECT customer, score FROM (
			SELECT customer, score, ROW_NUMBER() OVER (
				PARTITION BY customer ORDER BY response_date DESC, creation DESC, name DESC) AS rn
			FROM `tabCSM NPS Response` WHERE docstatus < 2
		) latest WHERE rn = 1
		"""
	)
	return {customer: to_float(score) for customer, score in rows}


def onboarding_overdue_days(db: Database, as_of: date) -> dict[str, int]:
	"""customer -> days its most overdue open onboarding task is past due, for live plans."""
	days = db.snippet("days_between", a="%(as_of)s", b="t.due_date")
	rows = db.sql(
		f"""
		SELECT p.customer, MAX({days})
		FROM `tabCSM Onboarding Plan Task` t
		JOIN `tabCSM Onboarding Plan` p ON p.name = t.parent AND t.parenttype = 'CSM Onboarding Plan'
		WHERE p.status NOT IN ('Completed', 'Cancelled') AND t.status = 'Open' AND t.due_date < %(as_of)s
		GROUP BY p.customer
		""",
		{"as_of": as_of},
	)
	return {customer: int(d) for customer, d in rows}


def plan_stall_state(db: Database, as_of: date, stall_days: int) -> list[tuple[str, str, bool]]:
	"""(plan, status, stalled now) for every live plan; stalled = an open task overdue > stall_days."""
	days = db.snippet("days_between", a="%(as_of)s", b="t.due_date")
	rows = db.sql(
		f"""
		SELECT p.name, p.status,
			MAX(CASE WHEN t.status = 'Open' AND t.due_date IS NOT NULL AND {days} > %(stall)s THEN 1 ELSE 0 END)
		FROM `tabCSM Onboarding Plan` p
		LEFT JOIN `tabCSM Onboarding Plan Task` t ON t.parent = p.name AND t.parenttype = 'CSM Onboarding Plan'
		WHERE p.status NOT IN ('Completed', 'Cancelled')
		GROUP BY p.name, p.status
		""",
		{"as_of": as_of, "stall": stall_days},
	)
	return [(name, status, bool(stalled)) for name, status, stalled in rows]


def customer_success_state(db: Database) -> dict[str, dict]:
	"""customer -> its CSM fields as stored now, to write only what changed."""
	rows = db.sql(
		"""
		SELECT name, csm, csm_lifecycle_stage, csm_health_score, csm_health_status,
			csm_last_health_check, csm_next_health_check, customer_group
		FROM `tabCustomer`
		"""
	)
	keys = ("csm", "stage", "score", "status", "last_check", "next_check", "customer_group")
	state = {}
	for name, *values in rows:
		row = dict(zip(keys, values, strict=True))
		row["last_check"], row["next_check"] = to_date(row["last_check"]), to_date(row["next_check"])
		state[name] = row
	return state


def customers_with_open_scheduled_check(db: Database) -> set[str]:
	rows = db.sql(
		"""
		SELECT DISTINCT customer FROM `tabCSM Health Check`
		WHERE status = 'Open' AND kind = 'Scheduled' AND docstatus < 2
		"""
	)
	return {r[0] for r in rows}


def customer_rows(db: Database, customer: str) -> tuple[CustomerRow | None, list[InvoiceRow]]:
	"""One customer and its invoices (two indexed statements), for explaining a single customer."""
	found = db.sql(
		"SELECT `name`, `customer_name`, `customer_group`, `territory`, `disabled` FROM `tabCustomer`"
		" WHERE `name` = %(customer)s",
		{"customer": customer},
	)
	if not found:
		return None, []
	name, customer_name, group, territory, disabled = found[0]
	rows = db.sql(
		"""
		SELECT `name`, `posting_date`, `due_date`, `docstatus`, `is_return`, `base_net_total`,
			`outstanding_amount`, `company`
		FROM `tabSales Invoice` WHERE `customer` = %(customer)s AND `docstatus` = 1
		""",
		{"customer": customer},
	)
	invoices = [
		InvoiceRow(
			inv,
			customer,
			to_date(posting),
			to_date(due),
			int(status),
			bool(ret),
			to_float(total),
			to_float(out),
			company,
		)
		for inv, posting, due, status, ret, total, out, company in rows
	]
	return CustomerRow(name, customer_name or "", group, territory, bool(disabled)), invoices
