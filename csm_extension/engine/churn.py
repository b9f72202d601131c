"""Churn: who churned in a period, why, and how much revenue went with them.

Definitions, for a period [s, e] (both days included):

- A customer is *churned at* an instant when its latest "Churned" / "Won Back" event strictly before
  that instant is "Churned" (events on the same day keep the order they are given in).
- *At start* are the customers whose first order is before s and who are not churned at s. Customers
  who first bought during the period are in neither its denominator nor its numerator.
- *Churned* are the customers counted at start with at least one "Churned" event dated in [s, e],
  counted once; reason and revenue come from the first such event. A customer churned and won back
  within the same period still counts as churned in it.
- *Churn rate* = churned / at start x 100; None when nobody is at start.
- *Won back* are the customers, any of them, with a "Won Back" event dated in [s, e], counted once. A
  won-back customer counts at the start of later periods again.
- *Revenue churned* sums the churned customers' net revenue in the 365 days before their churn date.

Lifecycle events come from `tabCSM Lifecycle Event`; "Stage Change" rows play no part here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from math import fsum

CHURNED = "Churned"
WON_BACK = "Won Back"
EVENT_KINDS = (CHURNED, WON_BACK)
NO_REASON = "Not recorded"
"""The `by_reason` key of churn events recorded without a reason."""


@dataclass(frozen=True)
class LifecycleEvent:
	"""A customer churned or was won back on a date; `revenue_before` is its net revenue in the 365
	days up to and including that date (filled for churn events)."""

	customer: str
	kind: str
	on: date
	reason: str | None = None
	revenue_before: float = 0.0

	def __post_init__(self):
		if self.kind not in EVENT_KINDS:
			raise ValueError(f"lifecycle event kind must be {' or '.join(EVENT_KINDS)}, got {self.kind!r}")


@dataclass(frozen=True)
class CustomerLife:
	"""A customer's first order, its segments (customer_group, territory, csm...) and its churn events."""

	customer: str
	first_order: date | None
	segments: Mapping[str, str | None] = field(default_factory=dict)
	events: tuple[LifecycleEvent, ...] = ()


@dataclass(frozen=True)
class ChurnRow:
	period_start: date
	period_end: date
	segment: str | None
	at_start: int
	churned: int
	won_back: int
	churn_rate: float | None
	revenue_churned: float
	by_reason: dict[str, int]


def _ordered(life: CustomerLife) -> list[LifecycleEvent]:
	# A stable sort: same-day events keep their given order (the data layer gives them by name).
	return sorted(life.events, key=lambda e: e.on)


def is_churned_at(life: CustomerLife, instant: date) -> bool:
	"""True when the latest event strictly before `instant` is a churn."""
	before = [e for e in _ordered(life) if e.on < instant]
	return bool(before) and before[-1].kind == CHURNED


def _at_start(life: CustomerLife, start: date) -> bool:
	return life.first_order is not None and life.first_order < start and not is_churned_at(life, start)


def _segment_key(segment: str | None) -> tuple[bool, str]:
	# Customers without a value sort after the named segments.
	return (segment is None, segment or "")


def churn_report(
	lives: Iterable[CustomerLife],
	periods: Sequence[tuple[date, date]],
	group_by: str | None = None,
) -> list[ChurnRow]:
	"""One row per period, or with `group_by` (a segment name) one per period and segment present
	among that period's customers at start, churned or won back; sorted by period then segment (a
	missing segment value is the segment None, last). See the module docstring for the definitions."""
	lives = list(lives)
	rows = []
	for start, end in sorted(periods):
		at_start: dict[str | None, int] = Counter()
		won_back: dict[str | None, int] = Counter()
		churn_events: dict[str | None, list[LifecycleEvent]] = {}
		for life in lives:
			segment = life.segments.get(group_by) if group_by else None
			in_period = [e for e in _ordered(life) if start <= e.on <= end]
			if any(e.kind == WON_BACK for e in in_period):
				won_back[segment] += 1
			if not _at_start(life, start):
				continue
			at_start[segment] += 1
			first_churn = next((e for e in in_period if e.kind == CHURNED), None)
			if first_churn is not None:
				churn_events.setdefault(segment, []).append(first_churn)
		for segment in sorted(set(at_start) | set(won_back) | set(churn_events), key=_segment_key):
			churned = churn_events.get(segment, [])
			reasons = Counter(e.reason or NO_REASON for e in churned)
			rows.append(
				ChurnRow(
					period_start=start,
					period_end=end,
					segment=segment,
					at_start=at_start[segment],
					churned=len(churned),
					won_back=won_back[segment],
					churn_rate=100 * len(churned) / at_start[segment] if at_start[segment] else None,
					revenue_churned=fsum(e.revenue_before for e in churned),
					# Most frequent first, then by name: the order a report lists them in.
					by_reason=dict(sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))),
				)
			)
		if not group_by and not at_start and not won_back:
			rows.append(ChurnRow(start, end, None, 0, 0, 0, None, 0.0, {}))
	return rows


def _has_rhythm(typical_gap: float | None) -> bool:
	return typical_gap is not None and typical_gap > 0


def detect_churn(
	days_since_last: int | None, typical_gap: float | None, multiple: float, fixed_days: int
) -> bool:
	"""Churned when the days since the last order exceed `multiple` x the customer's typical gap, or
	`fixed_days` when it has no rhythm yet; a customer without orders has not churned."""
	if days_since_last is None:
		return False
	if _has_rhythm(typical_gap):
		return days_since_last > multiple * typical_gap
	return days_since_last > fixed_days


def _number(value: float) -> str:
	return f"{value:g}"


def churn_explanation(
	days_since_last: int | None, typical_gap: float | None, multiple: float, fixed_days: int
) -> str:
	"""The sentence a CSM reads next to `detect_churn`'s verdict."""
	if days_since_last is None:
		return "No orders yet"
	if _has_rhythm(typical_gap):
		return (
			f"No order for {days_since_last} days — {days_since_last / typical_gap:.1f}× the usual "
			f"{_number(typical_gap)}-day rhythm (churn threshold {_number(multiple)}×)"
		)
	return f"No order for {days_since_last} days — no regular rhythm yet (churn threshold {fixed_days} days)"
