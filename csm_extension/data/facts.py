"""Customer facts straight from `tabCustomer` and `tabSales Invoice`, set-based.

`load_facts` returns exactly what `engine.facts.compute_facts` returns for the same rows, in TWO
statements whatever the number of customers or windows:

1. the enabled customers LEFT JOIN their submitted invoices, grouped by customer: counts and sums with
   conditional aggregation for lifetime and every requested window at once (boundaries computed in
   Python), the last order as MAX of "date name", and the purchase days of orders as one GROUP_CONCAT
   of day numbers per customer, from which Python takes the first purchase, the distinct days and
   their median gap;
2. the overdue invoices, for the amount and the evidence list.

Measured on 1M invoices of 2 KB for 100k customers with `COVERING_INDEX` (benchmarks/, 2 cores, best of
4 interleaved runs, equal results): 6.7 s with the previous three statements, 4.1 s now, because of:
- Day numbers (TO_DAYS / julianday) rather than dates, without DISTINCT: a DISTINCT GROUP_CONCAT keeps
  a tree per customer; Python de-duplicates while it parses the integers. The list grows with the
  customer's orders, so the statement lifts `group_concat_max_len` for itself (MariaDB's 1 MB default
  would cut a customer's list after about 140,000 orders).
- The aggregates packed into ONE text column per customer (and one per overdue invoice): PyMySQL
  decodes every column of every row in Python, about 1 us each; 16 columns cost more than the server.
- Customers joined in rather than read by a statement of their own: one row per customer, no Python
  join. The overdue invoices stay a statement of their own: folded into the GROUP BY, their
  conditions ran on every invoice and cost more than the separate index scan.
- Python's cyclic GC paused while the rows and facts are built (`engine.models.gc_paused`).

`iter_facts` yields the same facts as the customers' rows arrive (`Database.stream`: PyMySQL's SSCursor,
Frappe's `unbuffered_cursor`), and the daily pass scores each customer as it comes: the server aggregates
the next customers on one core while Python builds and scores the previous ones on the other, so a pass
takes about the longer of the two rather than their sum.

Why not window functions for the median (LAG, then ROW_NUMBER/COUNT OVER): MariaDB materialises each
window level in a temporary table with the 563-byte customer key, which spills to disk; measured on
200,000 invoices that took 3-4x the time of the whole customer GROUP BY.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from operator import attrgetter, sub
from typing import NamedTuple

from csm_extension.data.db import Database, to_date, to_text
from csm_extension.engine.facts import window_bounds
from csm_extension.engine.models import (
	MIN_PURCHASES_FOR_RHYTHM,
	CustomerFacts,
	WindowFacts,
	gc_paused,
	new_frozen,
)

# Lets both statements read this index instead of the wide invoice rows: the join finds a customer's
# submitted invoices with one index dive, the overdue scan skips drafts and cancelled ones. The primary
# key `name` rides along in every InnoDB secondary index. Customer first instead of docstatus first
# measured the same (1.98 s vs 1.97 s server CPU): both read in customer order without a temporary table.
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

# MariaDB only (SET STATEMENT ... FOR); SQLite's group_concat has no such limit.
_MARIADB_PREFIX = "SET STATEMENT group_concat_max_len = 4294967295 FOR"

# Like ERPNext's own reports, reads customer columns next to GROUP BY c.`name` (functionally dependent).
_FACTS = """
{prefix} SELECT c.`name`, c.`customer_name`, c.`customer_group`, c.`territory`, {packed}
FROM `tabCustomer` c
LEFT JOIN `tabSales Invoice` si ON si.`customer` = c.`name`
	AND si.`docstatus` = 1 AND si.`posting_date` <= %(as_of)s {company_filter}
WHERE c.`disabled` = 0
GROUP BY c.`name`
"""

# The aggregates packed into one text column, in this order; the last one may hold spaces.
_AGGREGATES = (
	"COUNT(CASE WHEN si.`is_return` = 0 THEN 1 END)",
	"COALESCE(SUM(si.`base_net_total`), 0)",
	"{window_columns}",
	"COALESCE(GROUP_CONCAT(CASE WHEN si.`is_return` = 0 THEN {day} END), '')",
	"COALESCE(MAX(CASE WHEN si.`is_return` = 0 THEN {last_order} END), '')",
)

_WINDOW_COLUMNS = (
	"COUNT(CASE WHEN si.`posting_date` > %(recent_{d})s AND si.`is_return` = 0 THEN 1 END)",
	"COALESCE(SUM(CASE WHEN si.`posting_date` > %(recent_{d})s THEN si.`base_net_total` END), 0)",
	"COUNT(CASE WHEN si.`posting_date` > %(previous_{d})s AND si.`posting_date` <= %(recent_{d})s"
	" AND si.`is_return` = 0 THEN 1 END)",
	"COALESCE(SUM(CASE WHEN si.`posting_date` > %(previous_{d})s AND si.`posting_date` <= %(recent_{d})s"
	" THEN si.`base_net_total` END), 0)",
)

_OVERDUE = """
SELECT si.`customer`, {packed}
FROM `tabSales Invoice` si
WHERE si.`docstatus` = 1 AND si.`posting_date` <= %(as_of)s
	AND si.`due_date` < %(as_of)s AND si.`outstanding_amount` > 0 {company_filter}
"""

# Two index probes on `posting_date` instead of a scan for MIN/MAX.
_SPAN = """
SELECT
	(SELECT `posting_date` FROM `tabSales Invoice` WHERE `docstatus` = 1 AND `posting_date` IS NOT NULL
		{company_filter} ORDER BY `posting_date` LIMIT 1),
	(SELECT `posting_date` FROM `tabSales Invoice` WHERE `docstatus` = 1 AND `posting_date` IS NOT NULL
		{company_filter} ORDER BY `posting_date` DESC LIMIT 1)
"""

_COMPANIES = (
	"SELECT DISTINCT `company` FROM `tabSales Invoice` WHERE `docstatus` = 1 AND `company` IS NOT NULL"
)


def load_facts(
	db: Database,
	as_of: date,
	windows: Iterable[int] = (90,),
	company: str | None = None,
) -> list[CustomerFacts]:
	"""Facts for every enabled customer (sorted by name), counting submitted invoices up to `as_of`."""
	# Sorted here rather than in SQL: Python's order of names, not the database collation's.
	return sorted(iter_facts(db, as_of, windows, company), key=attrgetter("customer"))


def iter_facts(
	db: Database,
	as_of: date,
	windows: Iterable[int] = (90,),
	company: str | None = None,
	extra: Callable[[str], dict] | None = None,
) -> Iterator[CustomerFacts]:
	"""`load_facts` as the rows arrive, in the database's order, so that the daily pass scores the
	first customers while the server still aggregates the others. `extra(customer)` fills
	CustomerFacts.extra. Until it is exhausted or closed, the iterator holds the database's connection:
	read everything else first."""
	windows = sorted(set(windows))
	statements = facts_statements(db, as_of, windows, company)
	with gc_paused():
		# The (few) overdue invoices first: the customers' rows then stream on the same connection.
		dues_of = read_overdue(db, statements, as_of)
		rows = db.stream(statements.customers, statements.params)
		try:
			yield from _build_facts(rows, dues_of, as_of, windows, statements.splits, extra)
		finally:
			rows.close()


class FactsStatements(NamedTuple):
	overdue: str
	customers: str
	params: dict
	splits: int  # spaces that separate the customers' packed aggregates


def facts_statements(
	db: Database, as_of: date, windows: list[int], company: str | None = None
) -> FactsStatements:
	"""The two statements `iter_facts` runs (the benchmark also times them bare)."""
	params: dict = {"as_of": as_of, "company": company}
	for days in windows:
		params[f"recent_{days}"], params[f"previous_{days}"] = window_bounds(as_of, days)
	company_filter = "AND si.`company` = %(company)s" if company is not None else ""

	day = db.snippet("day_number", date="si.`posting_date`")
	last_order = db.snippet("date_and_text", date="si.`posting_date`", text="si.`name`")
	aggregates = []
	for expression in _AGGREGATES:
		if expression == "{window_columns}":
			aggregates += [column.format(d=days) for days in windows for column in _WINDOW_COLUMNS]
		else:
			aggregates.append(expression.format(day=day, last_order=last_order))
	customers = _FACTS.format(
		prefix=_MARIADB_PREFIX if db.dialect == "mariadb" else "",
		packed=_space_joined(db, aggregates),
		company_filter=company_filter,
	)
	overdue = _OVERDUE.format(
		packed=_space_joined(db, ["si.`due_date`", "si.`outstanding_amount`", "si.`name`"]),
		company_filter=company_filter,
	)
	return FactsStatements(overdue, customers, params, len(aggregates) - 1)


def _build_facts(
	rows: Iterable[tuple],
	dues_of: dict[str, tuple[float, tuple[str, ...], int]],
	as_of: date,
	windows: list[int],
	splits: int,
	extra: Callable[[str], dict] | None,
) -> Iterator[CustomerFacts]:
	# Built with new_frozen (every field given): a frozen dataclass's __init__ was a third of the load.
	no_overdue = (0.0, (), 0)
	window_fields = [(days, 2 + 4 * i) for i, days in enumerate(windows)]
	for name, customer_name, customer_group, territory, packed in rows:
		fields = to_text(packed).split(" ", splits)
		days = fields[-2]
		if days:
			days = sorted(set(map(int, days.split(","))))
			last_order = fields[-1]
			first, last_date, last_invoice = (
				date.fromordinal(days[0]),
				date.fromisoformat(last_order[:10]),
				last_order[11:],
			)
			gap = median_gap_of_days(days)
		else:
			days, first, last_date, last_invoice, gap = (), None, None, None, None
		overdue_amount, overdue_invoices, oldest_overdue_days = dues_of.get(name, no_overdue)
		yield new_frozen(
			CustomerFacts,
			customer=name,
			as_of=as_of,
			customer_name=customer_name,
			customer_group=customer_group,
			territory=territory,
			first_invoice_date=first,
			last_invoice_date=last_date,
			last_invoice=last_invoice,
			orders=int(fields[0]),
			purchase_days=len(days),
			lifetime_revenue=float(fields[1]),
			typical_gap_days=gap,
			windows={
				d: new_frozen(
					WindowFacts,
					days=d,
					recent_orders=int(fields[i]),
					recent_revenue=float(fields[i + 1]),
					previous_orders=int(fields[i + 2]),
					previous_revenue=float(fields[i + 3]),
				)
				for d, i in window_fields
			},
			overdue_amount=overdue_amount,
			overdue_invoices=overdue_invoices,
			oldest_overdue_days=oldest_overdue_days,
			extra=extra(name) if extra else {},
		)


def read_overdue(
	db: Database, statements: FactsStatements, as_of: date
) -> dict[str, tuple[float, tuple[str, ...], int]]:
	"""customer -> (overdue amount, its overdue invoices oldest due first, days the oldest is past due),
	from `statements.overdue`, read whole."""
	overdue = defaultdict(list)
	for customer, packed in db.sql(statements.overdue, statements.params):
		due_date, outstanding, name = to_text(packed).split(" ", 2)
		overdue[customer].append((date.fromisoformat(due_date), name, float(outstanding)))
	result = {}
	for customer, dues in overdue.items():
		dues.sort()
		result[customer] = (
			sum(amount for _, _, amount in dues),
			tuple(invoice for _, invoice, _ in dues),
			(as_of - dues[0][0]).days,
		)
	return result


def _space_joined(db: Database, expressions: list[str]) -> str:
	"""One text column holding the values of `expressions` (none of them NULL) separated by spaces."""
	packed = expressions[-1]
	for expression in reversed(expressions[:-1]):
		packed = db.snippet("space_join", a=expression, b=packed)
	return packed


def median_gap_of_days(days: list[int]) -> float | None:
	"""`engine.facts.median_gap` for sorted distinct day numbers, without building dates and
	timedeltas: the median of the gaps as statistics.median takes it."""
	if len(days) < MIN_PURCHASES_FOR_RHYTHM:
		return None
	gaps = list(map(sub, days[1:], days))
	gaps.sort()
	mid = len(gaps) // 2
	if len(gaps) % 2:
		return float(gaps[mid])
	return (gaps[mid - 1] + gaps[mid]) / 2


def invoice_span(db: Database, company: str | None = None) -> tuple[date, date] | None:
	"""(first, last) posting date of submitted invoices (of `company`), or None when there are none."""
	company_filter = "AND `company` = %(company)s" if company is not None else ""
	first, last = db.sql(_SPAN.format(company_filter=company_filter), {"company": company})[0]
	if first is None:
		return None
	return to_date(first), to_date(last)


def invoices_outside(db: Database, company: str) -> int:
	"""How many submitted invoices are not `company`'s (of another company, or of none)."""
	query = (
		"SELECT COUNT(*) FROM `tabSales Invoice` WHERE `docstatus` = 1"
		" AND (`company` IS NULL OR `company` <> %(company)s)"
	)
	return int(db.sql(query, {"company": company})[0][0])


def invoice_companies(db: Database) -> list[str]:
	"""The companies of submitted invoices, sorted."""
	return sorted(row[0] for row in db.sql(_COMPANIES))
