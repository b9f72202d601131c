"""Health score: a weighted scorecard of measures, each mapped to 0-100 points by bands."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from csm_extension.engine.models import CustomerFacts

STATUSES = ("Green", "Amber", "Red", "Insufficient Data")
DIRECTIONS = ("lower", "higher")


@dataclass(frozen=True)
class Measure:
	"""One scorecard line. `bands` are (bound, points) pairs tried in order: with direction "lower" the
	first band whose bound is >= the raw value wins, with "higher" the first whose bound is <= it;
	`otherwise` applies when no band matches."""

	measure: str
	weight: float
	direction: str
	bands: tuple[tuple[float, float], ...]
	otherwise: float = 0.0

	def points(self, raw: float) -> float:
		for bound, points in self.bands:
			if (raw <= bound) if self.direction == "lower" else (raw >= bound):
				return points
		return self.otherwise


@dataclass(frozen=True)
class Scorecard:
	measures: tuple[Measure, ...]
	window_days: int = 90
	min_purchase_days: int = 3
	green_from: float = 70
	amber_from: float = 40

	def status(self, score: float) -> str:
		if score >= self.green_from:
			return "Green"
		return "Amber" if score >= self.amber_from else "Red"


@dataclass(frozen=True)
class MeasureResult:
	measure: str
	label: str
	raw: float | None
	points: float | None
	weight: float
	explanation: str


@dataclass(frozen=True)
class HealthScore:
	customer: str
	score: int | None
	status: str
	breakdown: tuple[MeasureResult, ...]
	note: str = ""

	def reasons(self, n: int = 2) -> list[str]:
		"""The n weakest measures (fewest points, heaviest first), as one-line explanations."""
		scored = [m for m in self.breakdown if m.points is not None]
		scored.sort(key=lambda m: (m.points, -m.weight, m.measure))
		return [f"{m.label}: {m.explanation}" for m in scored[:n]]


def _money(value: float) -> str:
	return f"{value:,.2f}"


def _pct_change(recent: float, previous: float) -> float | None:
	if previous <= 0:
		return None
	return (recent - previous) / previous * 100


def _recency(f: CustomerFacts, sc: Scorecard) -> tuple[float | None, str]:
	days, gap = f.days_since_last_invoice, f.typical_gap_days
	if days is None:
		return None, "no orders yet"
	if not gap:
		return None, f"{days} days since the last order; no buying rhythm yet"
	ratio = days / gap
	return ratio, f"{days} days since the last order, {ratio:.1f}× the usual {gap:g}-day rhythm"


def _order_trend(f: CustomerFacts, sc: Scorecard) -> tuple[float | None, str]:
	w = f.window(sc.window_days)
	change = _pct_change(w.recent_orders, w.previous_orders)
	if change is None:
		return None, f"no orders in the {w.days} days before the last {w.days} to compare with"
	return change, (
		f"{w.recent_orders} orders in the last {w.days} days vs {w.previous_orders} in the {w.days} before "
		f"({change:+.0f}%)"
	)


def _revenue_trend(f: CustomerFacts, sc: Scorecard) -> tuple[float | None, str]:
	w = f.window(sc.window_days)
	change = _pct_change(w.recent_revenue, w.previous_revenue)
	if change is None:
		return None, f"no revenue in the {w.days} days before the last {w.days} to compare with"
	return change, (
		f"{_money(w.recent_revenue)} net in the last {w.days} days vs {_money(w.previous_revenue)} "
		f"in the {w.days} before ({change:+.0f}%)"
	)


def _payment(f: CustomerFacts, sc: Scorecard) -> tuple[float | None, str]:
	if not f.overdue_invoices:
		return 0.0, "nothing overdue"
	return float(f.oldest_overdue_days), (
		f"{_money(f.overdue_amount)} overdue on {len(f.overdue_invoices)} invoice(s), oldest "
		f"{f.oldest_overdue_days} days past due"
	)


def _tenure(f: CustomerFacts, sc: Scorecard) -> tuple[float | None, str]:
	days = f.tenure_days
	if days is None:
		return None, "no orders yet"
	return float(days), f"customer for {days} days since the first order"


# measure -> (label, raw value and explanation); raw None means "not measurable for this customer".
MEASURES: dict[str, tuple[str, Callable[[CustomerFacts, Scorecard], tuple[float | None, str]]]] = {
	"recency": ("Recency vs rhythm", _recency),
	"order_trend": ("Order frequency trend", _order_trend),
	"revenue_trend": ("Revenue trend", _revenue_trend),
	"payment": ("Payment punctuality", _payment),
	"tenure": ("Tenure", _tenure),
}


def score_customer(facts: CustomerFacts, scorecard: Scorecard) -> HealthScore:
	"""Weighted mean of the measurable measures' points; too little history gives no score at all."""
	breakdown = []
	for m in scorecard.measures:
		label, compute = MEASURES[m.measure]
		raw, explanation = compute(facts, scorecard)
		points = None if raw is None else m.points(raw)
		breakdown.append(MeasureResult(m.measure, label, raw, points, m.weight, explanation))
	breakdown = tuple(breakdown)
	if facts.purchase_days < scorecard.min_purchase_days:
		note = (
			f"not enough data: {facts.purchase_days} purchase day(s), a score needs "
			f"{scorecard.min_purchase_days}"
		)
		return HealthScore(facts.customer, None, "Insufficient Data", breakdown, note)
	weight = sum(m.weight for m in breakdown if m.points is not None)
	if not weight:
		return HealthScore(facts.customer, None, "Insufficient Data", breakdown, "no measure applies")
	value = sum(m.points * m.weight for m in breakdown if m.points is not None) / weight
	score = int(value + 0.5)  # half-up, so 69.5 is 70 (Green) on every platform
	return HealthScore(facts.customer, score, scorecard.status(score), breakdown)
