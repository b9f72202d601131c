"""Customer facts from invoice rows, in plain Python.

The data layer computes the same facts with set-based SQL; this is the reference it is tested against
and what runs when rows are already in memory.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from math import fsum
from statistics import median

from csm_extension.engine.models import (
	MIN_PURCHASES_FOR_RHYTHM,
	CustomerFacts,
	CustomerRow,
	InvoiceRow,
	WindowFacts,
)


def window_bounds(as_of: date, days: int) -> tuple[date, date]:
	"""(recent_start, previous_start): recent is (recent_start, as_of], previous (previous_start, recent_start]."""
	if days <= 0:
		raise ValueError(f"window must be a positive number of days, got {days}")
	return as_of - timedelta(days=days), as_of - timedelta(days=2 * days)


def median_gap(purchase_dates: Iterable[date]) -> float | None:
	"""Median days between consecutive distinct purchase dates; None below the rhythm minimum."""
	days = sorted(set(purchase_dates))
	if len(days) < MIN_PURCHASES_FOR_RHYTHM:
		return None
	return float(median((b - a).days for a, b in zip(days, days[1:], strict=False)))


def compute_facts(
	customers: Iterable[CustomerRow],
	invoices: Iterable[InvoiceRow],
	as_of: date,
	windows: Iterable[int] = (90,),
	company: str | None = None,
) -> list[CustomerFacts]:
	"""Facts for every enabled customer (sorted by name), counting submitted invoices up to `as_of`.
	Sums use fsum so that they do not depend on row order."""
	windows = sorted(set(windows))
	bounds = {days: window_bounds(as_of, days) for days in windows}
	active = {c.name: c for c in customers if not c.disabled}
	by_customer: dict[str, list[InvoiceRow]] = defaultdict(list)
	for inv in invoices:
		if inv.docstatus != 1 or inv.posting_date > as_of or inv.customer not in active:
			continue
		if company is not None and inv.company != company:
			continue
		by_customer[inv.customer].append(inv)

	result = []
	for name in sorted(active):
		cust = active[name]
		rows = by_customer.get(name, [])
		orders = [r for r in rows if not r.is_return]
		last = max(orders, key=lambda r: (r.posting_date, r.name), default=None)
		overdue = sorted(
			(r for r in rows if r.due_date is not None and r.due_date < as_of and r.outstanding_amount > 0),
			key=lambda r: (r.due_date, r.name),
		)
		window_facts = {}
		for days, (recent_start, previous_start) in bounds.items():
			recent = [r for r in rows if r.posting_date > recent_start]
			previous = [r for r in rows if previous_start < r.posting_date <= recent_start]
			window_facts[days] = WindowFacts(
				days=days,
				recent_orders=sum(1 for r in recent if not r.is_return),
				recent_revenue=fsum(r.base_net_total for r in recent),
				previous_orders=sum(1 for r in previous if not r.is_return),
				previous_revenue=fsum(r.base_net_total for r in previous),
			)
		result.append(
			CustomerFacts(
				customer=name,
				as_of=as_of,
				customer_name=cust.customer_name,
				customer_group=cust.customer_group,
				territory=cust.territory,
				first_invoice_date=min((r.posting_date for r in orders), default=None),
				last_invoice_date=last.posting_date if last else None,
				last_invoice=last.name if last else None,
				orders=len(orders),
				purchase_days=len({r.posting_date for r in orders}),
				lifetime_revenue=fsum(r.base_net_total for r in rows),
				typical_gap_days=median_gap(r.posting_date for r in orders),
				windows=window_facts,
				overdue_amount=fsum(r.outstanding_amount for r in overdue),
				overdue_invoices=tuple(r.name for r in overdue),
				oldest_overdue_days=(as_of - overdue[0].due_date).days if overdue else 0,
			)
		)
	return result
