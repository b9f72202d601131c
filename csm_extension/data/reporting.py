"""Set-based reads behind the churn, lifetime-value and NPS reports.

Each function is one statement whatever the number of customers (`customer_lives` is two). Segment
columns of `tabCustomer` are written into the SQL, so they must be in `SEGMENT_COLUMNS`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from csm_extension.data.db import Database, to_date, to_float
from csm_extension.engine.churn import CHURNED, WON_BACK, CustomerLife, LifecycleEvent
from csm_extension.engine.nps import NPSAnswer

SEGMENT_COLUMNS = ("customer_group", "territory", "csm")
"""The `tabCustomer` columns a report may group by (`csm` is the app's custom field)."""

REVENUE_DAYS_BEFORE_CHURN = 365

# Revenue before a churn: net revenue (returns netted) of submitted invoices in
# (event_date - 365 days, event_date]. The date condition sits in the ON clause so that events without
# invoices keep their row; "Won Back" events join nothing.
_LIFECYCLE_EVENTS = """
SELECT e.`name`, e.`customer`, e.`event`, e.`event_date`, e.`reason`, SUM(si.`base_net_total`)
FROM `tabCSM Lifecycle Event` e
LEFT JOIN `tabSales Invoice` si ON si.`customer` = e.`customer` AND si.`docstatus` = 1
	AND e.`event` = %(churned)s
	AND si.`posting_date` > {window_start} AND si.`posting_date` <= e.`event_date`
WHERE e.`event` IN (%(churned)s, %(won_back)s) AND e.`docstatus` < 2 AND e.`event_date` IS NOT NULL
	{until_filter}
GROUP BY e.`name`, e.`customer`, e.`event`, e.`event_date`, e.`reason`
"""

_CUSTOMER_FIRST_ORDERS = """
SELECT c.`name`, MIN(si.`posting_date`){segment_columns}
FROM `tabCustomer` c
LEFT JOIN `tabSales Invoice` si ON si.`customer` = c.`name` AND si.`docstatus` = 1 AND si.`is_return` = 0
	AND si.`posting_date` <= %(as_of)s
{disabled_filter}
GROUP BY c.`name`{segment_columns}
"""

_NPS_ANSWERS = """
SELECT r.`name`, r.`customer`, r.`response_date`, r.`score`{segment_columns}
FROM `tabCSM NPS Response` r
LEFT JOIN `tabCustomer` c ON c.`name` = r.`customer`
WHERE r.`docstatus` < 2 AND r.`score` IS NOT NULL
	AND r.`response_date` >= %(start)s AND r.`response_date` <= %(end)s
"""

_INVITATIONS = """
SELECT {segment}{period_columns}
FROM `tabCSM NPS Invitation` i
LEFT JOIN `tabCustomer` c ON c.`name` = i.`customer`
WHERE i.`sent_on` >= %(first)s AND i.`sent_on` <= %(last)s
{group_by}
"""

_PERIOD_COLUMN = (
	",\n\tSUM(CASE WHEN i.`sent_on` >= %(start_{k})s AND i.`sent_on` <= %(end_{k})s THEN 1 ELSE 0 END)"
)


def _checked(columns: Sequence[str]) -> tuple[str, ...]:
	bad = [c for c in columns if c not in SEGMENT_COLUMNS]
	if bad:
		raise ValueError(f"segment column must be one of {', '.join(SEGMENT_COLUMNS)}, got {bad[0]!r}")
	return tuple(columns)


def _select_list(columns: Sequence[str]) -> str:
	return "".join(f", c.`{c}`" for c in columns)


def lifecycle_events(db: Database, until: date | None = None) -> list[LifecycleEvent]:
	"""Churned and Won Back events (not cancelled), up to `until` if given, by date then name; a
	churn carries the customer's net revenue in the 365 days up to and including its date."""
	query = _LIFECYCLE_EVENTS.format(
		window_start=db.snippet("date_minus_days", d="e.`event_date`", n=str(int(REVENUE_DAYS_BEFORE_CHURN))),
		until_filter="AND e.`event_date` <= %(until)s" if until is not None else "",
	)
	rows = db.sql(query, {"churned": CHURNED, "won_back": WON_BACK, "until": until})
	# Sorted here, not in SQL: Python's order of names, not the database collation's.
	rows = sorted(rows, key=lambda r: (to_date(r[3]), r[0]))
	return [
		LifecycleEvent(customer, kind, to_date(on), reason or None, to_float(revenue))
		for _, customer, kind, on, reason, revenue in rows
	]


def customer_lives(
	db: Database,
	as_of: date,
	segment_columns: Sequence[str] = SEGMENT_COLUMNS,
	include_disabled: bool = False,
) -> list[CustomerLife]:
	"""Customers (enabled ones unless `include_disabled`) sorted by name, with their first order
	(submitted, not a return, posted by `as_of`), segments and lifecycle events up to `as_of`."""
	columns = _checked(segment_columns)
	query = _CUSTOMER_FIRST_ORDERS.format(
		segment_columns=_select_list(columns),
		disabled_filter="" if include_disabled else "WHERE c.`disabled` = 0",
	)
	customers = db.sql(query, {"as_of": as_of})
	events = defaultdict(list)
	for event in lifecycle_events(db, until=as_of):
		events[event.customer].append(event)
	return [
		CustomerLife(
			customer=name,
			first_order=to_date(first),
			segments=dict(zip(columns, values, strict=True)),
			events=tuple(events.get(name, ())),
		)
		for name, first, *values in sorted(customers, key=lambda r: r[0])
	]


def nps_answers(
	db: Database, start: date, end: date, segment_columns: Sequence[str] = SEGMENT_COLUMNS
) -> list[NPSAnswer]:
	"""Answers dated in [start, end] (not cancelled) by date then name, with the customer's segments
	as they are now (None for an unknown customer)."""
	columns = _checked(segment_columns)
	rows = db.sql(_NPS_ANSWERS.format(segment_columns=_select_list(columns)), {"start": start, "end": end})
	rows.sort(key=lambda r: (to_date(r[2]), r[0]))
	return [
		NPSAnswer(to_date(on), int(score), dict(zip(columns, values, strict=True)), customer)
		for _, customer, on, score, *values in rows
	]


def invitations_sent(
	db: Database, periods: Sequence[tuple[date, date]], group_by: str | None = None
) -> dict[tuple, int]:
	"""Invitations sent per period, by `sent_on` whatever their status since: {(start, end): n} for
	every period, or with `group_by` {(start, end, segment): n} for the segments with invitations."""
	segment = "NULL" if group_by is None else f"c.`{_checked([group_by])[0]}`"
	if not periods:
		return {}
	params: dict = {"first": min(s for s, _ in periods), "last": max(e for _, e in periods)}
	for k, (start, end) in enumerate(periods):
		params[f"start_{k}"], params[f"end_{k}"] = start, end
	period_columns = "".join(_PERIOD_COLUMN.format(k=k) for k in range(len(periods)))
	grouping = "" if group_by is None else f"GROUP BY {segment}"
	rows = db.sql(
		_INVITATIONS.format(segment=segment, period_columns=period_columns, group_by=grouping), params
	)
	if group_by is None:
		# Without GROUP BY the aggregate is one row, of NULLs when nothing matched.
		return {period: int(count or 0) for period, count in zip(periods, rows[0][1:], strict=True)}
	return {
		(*period, value): int(count)
		for value, *counts in rows
		for period, count in zip(periods, counts, strict=True)
		if count
	}
