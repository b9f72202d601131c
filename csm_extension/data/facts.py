"""Customer facts straight from `tabCustomer` and `tabSales Invoice`, set-based.

`load_facts` returns exactly what `engine.facts.compute_facts` returns for the same rows, in THREE
statements whatever the number of customers or windows:

1. enabled customers;
2. one pass over submitted invoices: grouped per (customer, posting date), then window functions for
   the gaps between purchase days and the last order, then conditional aggregation per customer for
   lifetime figures and every requested window at once (boundaries are computed in Python);
3. the overdue invoices, for the amount and the evidence list.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from csm_extension.data.db import Database, to_date, to_float
from csm_extension.engine.facts import window_bounds
from csm_extension.engine.models import MIN_PURCHASES_FOR_RHYTHM, CustomerFacts, WindowFacts

# Lets statements 2 and 3 read this index instead of the wide invoice rows. `docstatus` leads so that
# drafts and cancelled invoices are skipped; (customer, posting_date) next gives the per-day groups in
# index order. The primary key `name` rides along in every InnoDB secondary index.
COVERING_INDEX = (
	"csm_customer_facts",
	(
		"docstatus",
		"customer",
		"posting_date",
		"is_return",
		"base_net_total",
		"company",
		"due_date",
		"outstanding_amount",
	),
)

_CUSTOMERS = """
SELECT `name`, `customer_name`, `customer_group`, `territory`
FROM `tabCustomer`
WHERE `disabled` = 0
"""

# Each CTE level needs the one before it: window functions cannot be nested in one SELECT.
_FACTS = """
WITH days AS (
	SELECT si.`customer`, si.`posting_date`,
		SUM(CASE WHEN si.`is_return` = 0 THEN 1 ELSE 0 END) AS orders,
		SUM(si.`base_net_total`) AS revenue,
		MAX(CASE WHEN si.`is_return` = 0 THEN si.`name` END) AS last_name
	FROM `tabSales Invoice` si
	WHERE si.`docstatus` = 1 AND si.`posting_date` <= %(as_of)s {company_filter}
	GROUP BY si.`customer`, si.`posting_date`
),
steps AS (
	SELECT d.*,
		CASE WHEN d.orders > 0 THEN 1 ELSE 0 END AS bought,
		LAG(d.`posting_date`) OVER w AS prev_date,
		LEAD(d.`posting_date`) OVER w AS next_date
	FROM days d
	WINDOW w AS (PARTITION BY d.`customer`, d.orders > 0 ORDER BY d.`posting_date`)
),
gaps AS (
	SELECT s.*,
		CASE WHEN s.bought = 1 AND s.prev_date IS NOT NULL
			THEN {gap} END AS gap
	FROM steps s
),
ranked AS (
	SELECT g.*,
		ROW_NUMBER() OVER (PARTITION BY g.`customer`, g.gap IS NULL ORDER BY g.gap) AS gap_rn,
		COUNT(*) OVER (PARTITION BY g.`customer`, g.gap IS NULL) AS gap_n
	FROM gaps g
)
SELECT r.`customer`,
	SUM(r.orders),
	SUM(r.bought),
	MIN(CASE WHEN r.bought = 1 THEN r.`posting_date` END),
	MAX(CASE WHEN r.bought = 1 THEN r.`posting_date` END),
	MAX(CASE WHEN r.bought = 1 AND r.next_date IS NULL THEN r.last_name END),
	SUM(r.revenue),
	-- the median: the middle gap, or the mean of the two middle ones
	AVG(CASE WHEN r.gap IS NOT NULL AND r.gap_rn * 2 IN (r.gap_n, r.gap_n + 1, r.gap_n + 2) THEN r.gap END)
	{window_columns}
FROM ranked r
GROUP BY r.`customer`
"""

_WINDOW_COLUMNS = """,
	SUM(CASE WHEN r.`posting_date` > %(recent_{d})s THEN r.orders ELSE 0 END),
	SUM(CASE WHEN r.`posting_date` > %(recent_{d})s THEN r.revenue ELSE 0 END),
	SUM(CASE WHEN r.`posting_date` > %(previous_{d})s AND r.`posting_date` <= %(recent_{d})s
		THEN r.orders ELSE 0 END),
	SUM(CASE WHEN r.`posting_date` > %(previous_{d})s AND r.`posting_date` <= %(recent_{d})s
		THEN r.revenue ELSE 0 END)"""

_OVERDUE = """
SELECT si.`customer`, si.`name`, si.`due_date`, si.`outstanding_amount`
FROM `tabSales Invoice` si
WHERE si.`docstatus` = 1 AND si.`posting_date` <= %(as_of)s
	AND si.`due_date` < %(as_of)s AND si.`outstanding_amount` > 0 {company_filter}
"""

# Two index probes on `posting_date` instead of a scan for MIN/MAX.
_SPAN = """
SELECT
	(SELECT `posting_date` FROM `tabSales Invoice` WHERE `docstatus` = 1 AND `posting_date` IS NOT NULL
		ORDER BY `posting_date` LIMIT 1),
	(SELECT `posting_date` FROM `tabSales Invoice` WHERE `docstatus` = 1 AND `posting_date` IS NOT NULL
		ORDER BY `posting_date` DESC LIMIT 1)
"""


def load_facts(
	db: Database,
	as_of: date,
	windows: Iterable[int] = (90,),
	company: str | None = None,
) -> list[CustomerFacts]:
	"""Facts for every enabled customer (sorted by name), counting submitted invoices up to `as_of`."""
	windows = sorted(set(windows))
	params: dict = {"as_of": as_of, "company": company}
	for days in windows:
		params[f"recent_{days}"], params[f"previous_{days}"] = window_bounds(as_of, days)
	company_filter = "AND si.`company` = %(company)s" if company is not None else ""

	customers = db.sql(_CUSTOMERS)
	facts_query = _FACTS.format(
		company_filter=company_filter,
		gap=db.snippet("days_between", a="s.`posting_date`", b="s.prev_date"),
		window_columns="".join(_WINDOW_COLUMNS.format(d=days) for days in windows),
	)
	aggregates = {row[0]: row[1:] for row in db.sql(facts_query, params)}
	overdue = defaultdict(list)
	for customer, name, due_date, outstanding in db.sql(
		_OVERDUE.format(company_filter=company_filter), params
	):
		overdue[customer].append((to_date(due_date), name, to_float(outstanding)))

	result = []
	for name, customer_name, customer_group, territory in sorted(customers):
		base = {
			"customer": name,
			"as_of": as_of,
			"customer_name": customer_name,
			"customer_group": customer_group,
			"territory": territory,
		}
		row = aggregates.get(name)
		if row is None:
			base["windows"] = {days: WindowFacts(days=days) for days in windows}
		else:
			base.update(_from_aggregates(row, windows))
		# Sorted here rather than in SQL: Python's order of names, not the database collation's.
		dues = sorted(overdue.get(name, ()))
		if dues:
			base["overdue_amount"] = sum(amount for _, _, amount in dues)
			base["overdue_invoices"] = tuple(invoice for _, invoice, _ in dues)
			base["oldest_overdue_days"] = (as_of - dues[0][0]).days
		result.append(CustomerFacts(**base))
	return result


def _from_aggregates(row: tuple, windows: list[int]) -> dict:
	orders, purchase_days, first, last, last_invoice, revenue, gap, *window_sums = row
	purchase_days = int(purchase_days or 0)
	window_facts = {}
	for i, days in enumerate(windows):
		recent_orders, recent_revenue, previous_orders, previous_revenue = window_sums[4 * i : 4 * i + 4]
		window_facts[days] = WindowFacts(
			days=days,
			recent_orders=int(recent_orders or 0),
			recent_revenue=to_float(recent_revenue),
			previous_orders=int(previous_orders or 0),
			previous_revenue=to_float(previous_revenue),
		)
	return {
		"first_invoice_date": to_date(first),
		"last_invoice_date": to_date(last),
		"last_invoice": last_invoice,
		"orders": int(orders or 0),
		"purchase_days": purchase_days,
		"lifetime_revenue": to_float(revenue),
		"typical_gap_days": to_float(gap) if purchase_days >= MIN_PURCHASES_FOR_RHYTHM else None,
		"windows": window_facts,
	}


def invoice_span(db: Database) -> tuple[date, date] | None:
	"""(first, last) posting date of submitted invoices, or None when there are none."""
	first, last = db.sql(_SPAN)[0]
	if first is None:
		return None
	return to_date(first), to_date(last)
