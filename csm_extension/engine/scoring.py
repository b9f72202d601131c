"""Health score: a weighted scorecard of measures, each mapped to 0-100 points by bands."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from csm_extension.engine.models import CustomerFacts, counted, new_frozen

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
		# Called for every customer and measure: the direction is tested once, not once per band.
		if self.direction == "lower":
			for bound, points in self.bands:
				if raw <= bound:
					return points
		else:
			for bound, points in self.bands:
				if raw >= bound:
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
	"""A customer's score and status. The per-measure `breakdown`, explanations included, is built on
	first access from the facts and raw values kept here: a daily pass scores every customer, but only
	the few that are flagged or displayed need the text, and formatting it was most of the pass's time."""

	customer: str
	score: int | None
	status: str
	note: str = ""
	facts: CustomerFacts | None = field(default=None, repr=False, hash=False)
	scorecard: Scorecard | None = field(default=None, repr=False)
	# (raw, points) per scorecard measure, in the scorecard's order; None when not measurable.
	measured: tuple[tuple[float | None, float | None], ...] = ()

	@cached_property
	def breakdown(self) -> tuple[MeasureResult, ...]:
		return tuple(self._result(i) for i in range(len(self.measured)))

	def reasons(self, n: int = 2) -> list[str]:
		"""The n weakest measures (fewest points, heaviest first), as one-line explanations."""
		measures = self.scorecard.measures
		scored = [i for i, (_, points) in enumerate(self.measured) if points is not None]
		scored.sort(key=lambda i: (self.measured[i][1], -measures[i].weight, measures[i].measure))
		# Only the n sentences shown are formatted, not the whole breakdown.
		return [f"{m.label}: {m.explanation}" for m in map(self._result, scored[:n])]

	def _result(self, i: int) -> MeasureResult:
		m = self.scorecard.measures[i]
		raw, points = self.measured[i]
		label, _, explain = MEASURES[m.measure]
		return MeasureResult(
			m.measure, label, raw, points, m.weight, explain(self.facts, self.scorecard, raw)
		)


def _money(value: float) -> str:
	return f"{value:,.2f}"


def _pct_change(recent: float, previous: float) -> float | None:
	if previous <= 0:
		return None
	return (recent - previous) / previous * 100


# Each measure is two functions: its raw value (every customer, every day) and the sentence that
# explains that value (only when a breakdown is read), both from the same facts.


def _recency(f: CustomerFacts, sc: Scorecard) -> float | None:
	days, gap = f.days_since_last_invoice, f.typical_gap_days
	return None if days is None or not gap else days / gap


def _explain_recency(f: CustomerFacts, sc: Scorecard, ratio: float | None) -> str:
	days, gap = f.days_since_last_invoice, f.typical_gap_days
	if days is None:
		return "no orders yet"
	if not gap:
		return f"{days} days since the last order; no buying rhythm yet"
	return f"{days} days since the last order, {ratio:.1f}× the usual {gap:g}-day rhythm"


def _order_trend(f: CustomerFacts, sc: Scorecard) -> float | None:
	w = f.window(sc.window_days)
	return _pct_change(w.recent_orders, w.previous_orders)


def _explain_order_trend(f: CustomerFacts, sc: Scorecard, change: float | None) -> str:
	w = f.window(sc.window_days)
	if change is None:
		return f"no orders in the {w.days} days before the last {w.days} to compare with"
	return (
		f"{counted(w.recent_orders, 'order')} in the last {w.days} days vs {w.previous_orders} in the "
		f"{w.days} before ({change:+.0f}%)"
	)


def _revenue_trend(f: CustomerFacts, sc: Scorecard) -> float | None:
	w = f.window(sc.window_days)
	return _pct_change(w.recent_revenue, w.previous_revenue)


def _explain_revenue_trend(f: CustomerFacts, sc: Scorecard, change: float | None) -> str:
	w = f.window(sc.window_days)
	if change is None:
		return f"no revenue in the {w.days} days before the last {w.days} to compare with"
	return (
		f"{_money(w.recent_revenue)} net in the last {w.days} days vs {_money(w.previous_revenue)} "
		f"in the {w.days} before ({change:+.0f}%)"
	)


def _payment(f: CustomerFacts, sc: Scorecard) -> float | None:
	return float(f.oldest_overdue_days) if f.overdue_invoices else 0.0


def _explain_payment(f: CustomerFacts, sc: Scorecard, raw: float | None) -> str:
	if not f.overdue_invoices:
		return "nothing overdue"
	return (
		f"{_money(f.overdue_amount)} overdue on {counted(len(f.overdue_invoices), 'invoice')}, oldest "
		f"{f.oldest_overdue_days} days past due"
	)


def _tenure(f: CustomerFacts, sc: Scorecard) -> float | None:
	days = f.tenure_days
	return None if days is None else float(days)


def _explain_tenure(f: CustomerFacts, sc: Scorecard, raw: float | None) -> str:
	days = f.tenure_days
	return "no orders yet" if days is None else f"customer for {days} days since the first order"


Raw = Callable[[CustomerFacts, Scorecard], float | None]
Explain = Callable[[CustomerFacts, Scorecard, float | None], str]

# measure -> (label, raw value, explanation); raw None means "not measurable for this customer".
MEASURES: dict[str, tuple[str, Raw, Explain]] = {
	"recency": ("Recency vs rhythm", _recency, _explain_recency),
	"order_trend": ("Order frequency trend", _order_trend, _explain_order_trend),
	"revenue_trend": ("Revenue trend", _revenue_trend, _explain_revenue_trend),
	"payment": ("Payment punctuality", _payment, _explain_payment),
	"tenure": ("Tenure", _tenure, _explain_tenure),
}


def score_customer(facts: CustomerFacts, scorecard: Scorecard) -> HealthScore:
	"""Weighted mean of the measurable measures' points; too little history gives no score at all."""
	measured = []
	weights = []
	weighted = []
	for m in scorecard.measures:
		raw = MEASURES[m.measure][1](facts, scorecard)
		if raw is None:
			measured.append((None, None))
			continue
		points = m.points(raw)
		measured.append((raw, points))
		weights.append(m.weight)
		weighted.append(points * m.weight)
	measured = tuple(measured)
	if facts.purchase_days < scorecard.min_purchase_days:
		score, note = (
			None,
			(
				f"not enough data: {counted(facts.purchase_days, 'purchase day')}, a score needs "
				f"{scorecard.min_purchase_days}"
			),
		)
	# sum() over lists, in scorecard order, as before: the same floats on every Python version.
	elif not (weight := sum(weights)):
		score, note = None, "no measure applies"
	else:
		score, note = int(sum(weighted) / weight + 0.5), ""  # half-up: 69.5 is 70 (Green) everywhere
	return new_frozen(
		HealthScore,
		customer=facts.customer,
		score=score,
		status="Insufficient Data" if score is None else scorecard.status(score),
		note=note,
		facts=facts,
		scorecard=scorecard,
		measured=measured,
	)
