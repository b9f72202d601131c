"""Lifetime value per customer and per segment.

LTV is a customer's lifetime net revenue: the `base_net_total` (company currency) of its submitted
invoices up to the as-of date, returns netted in (`CustomerFacts.lifetime_revenue`). Tenure runs from
the first order to the as-of date; the average order value is LTV / orders.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from math import fsum
from statistics import median

from csm_extension.engine.models import CustomerFacts


@dataclass(frozen=True)
class CustomerValue:
	customer: str
	ltv: float
	orders: int
	first_order: date | None
	last_order: date | None
	tenure_days: int | None
	avg_order_value: float | None
	segments: Mapping[str, str | None] = field(default_factory=dict)


@dataclass(frozen=True)
class SegmentValue:
	"""Averages over the segment's customers with at least one order."""

	segment: str | None
	customers: int
	total_ltv: float
	avg_ltv: float
	median_ltv: float
	avg_tenure_days: float
	avg_order_value: float


def customer_values(
	facts: Iterable[CustomerFacts],
	segments_by_customer: Mapping[str, Mapping[str, str | None]] | None = None,
) -> list[CustomerValue]:
	"""One value per customer, in the order of `facts`. Segments are the facts' customer_group and
	territory, updated with `segments_by_customer` (e.g. the csm). Tenure and average order value are
	None for a customer without orders; its LTV is what returns alone left (0 or negative)."""
	segments_by_customer = segments_by_customer or {}
	values = []
	for f in facts:
		segments = {"customer_group": f.customer_group, "territory": f.territory}
		segments.update(segments_by_customer.get(f.customer, {}))
		values.append(
			CustomerValue(
				customer=f.customer,
				ltv=f.lifetime_revenue,
				orders=f.orders,
				first_order=f.first_invoice_date,
				last_order=f.last_invoice_date,
				tenure_days=f.tenure_days if f.orders else None,
				avg_order_value=f.lifetime_revenue / f.orders if f.orders else None,
				segments=segments,
			)
		)
	return values


def ltv_by_segment(values: Iterable[CustomerValue], group_by: str | None) -> list[SegmentValue]:
	"""One row per value of segment `group_by` (all customers in one row, segment None, without it),
	sorted by segment with the unset value last. Customers without orders are left out of every
	figure, counts and totals included, so that avg_ltv = total_ltv / customers; a segment of such
	customers only has no row. The segment's average order value is its total LTV / its orders."""
	groups: dict[str | None, list[CustomerValue]] = defaultdict(list)
	for v in values:
		if v.orders:
			groups[v.segments.get(group_by) if group_by else None].append(v)
	rows = []
	for segment in sorted(groups, key=lambda s: (s is None, s or "")):
		members = groups[segment]
		total = fsum(v.ltv for v in members)
		rows.append(
			SegmentValue(
				segment=segment,
				customers=len(members),
				total_ltv=total,
				avg_ltv=total / len(members),
				median_ltv=float(median(v.ltv for v in members)),
				avg_tenure_days=fsum(v.tenure_days for v in members) / len(members),
				avg_order_value=total / sum(v.orders for v in members),
			)
		)
	return rows
