"""A straightforward columnar evaluation of the customers' facts held as plain lists
(`read_floor.read_columns`): every customer's score and every rule's flags, decided as the engine decides
them, one list per measure and per signal, with no object per customer, score or flag (a flag is a
tuple), no explanation and no planning. `bench_daily_pass.py` times it after `read_columns`: together,
an estimate of what a columnar rewrite of the pass would spend in Python on (a)'s statements.
tests/test_bench_read_floor.py checks that it decides what `engine.daily_pass.run_daily_pass` decides.

Signals only a site fills (the last NPS answer, onboarding, a churn a CSM confirmed) are not in the
lists: rules on the first two raise nothing here, and no customer counts as confirmed churned, as
offline and in the benchmark.
"""

from __future__ import annotations

from bisect import bisect_left
from datetime import date

from csm_extension.engine.config import EngineConfig
from csm_extension.engine.rules import OPERATORS, Rule
from csm_extension.engine.rules import _drop as drop
from csm_extension.engine.scoring import Measure
from csm_extension.engine.scoring import _pct_change as pct_change

# Filled only inside a site (CustomerFacts.extra): never raised offline or in the benchmark.
SITE_SIGNALS = {"last_nps_score", "onboarding_overdue_days"}


def _points(measure: Measure, raw: list) -> list:
	"""Measure.points over a column: the first band that matches, found by bisection over the bands that
	can match first (for "lower", each bound above all before it; for "higher", below all before it)."""
	sign = 1 if measure.direction == "lower" else -1
	bounds, points = [], []
	for bound, pts in measure.bands:
		if not bounds or sign * bound > bounds[-1]:
			bounds.append(sign * bound)
			points.append(pts)
	points.append(measure.otherwise)
	return [None if v is None else points[bisect_left(bounds, sign * v)] for v in raw]


def evaluate_columns(cols: dict, config: EngineConfig, as_of: date) -> tuple[list, list]:
	"""(score per customer, None when not scored; flags as (customer index, rule name, value), each
	customer's in rule order)."""
	today = as_of.toordinal()
	sc = config.scorecard
	names, gap = cols["customer"], cols["typical_gap_days"]
	since = [None if d is None else today - d for d in cols["last_day"]]
	recency = [None if d is None or not g else d / g for d, g in zip(since, gap, strict=True)]
	overdue = cols["overdue"]
	no_overdue = (0.0, (), 0)
	dues = [overdue.get(name, no_overdue) for name in names]

	def window(days: int, column: str) -> list:
		return cols[f"{column}_{days}"]

	raws = {
		"recency": recency,
		# The engine's own formulas, mapped over the columns.
		"order_trend": list(
			map(
				pct_change, window(sc.window_days, "recent_orders"), window(sc.window_days, "previous_orders")
			)
		),
		"revenue_trend": list(
			map(
				pct_change,
				window(sc.window_days, "recent_revenue"),
				window(sc.window_days, "previous_revenue"),
			)
		),
		"payment": [float(d[2]) if d[1] else 0.0 for d in dues],
		"tenure": [None if d is None else float(today - d) for d in cols["first_day"]],
	}
	measured = [_points(m, raws[m.measure]) for m in sc.measures]
	weights = [m.weight for m in sc.measures]
	scores = []
	for purchase_days, row in zip(cols["purchase_days"], zip(*measured, strict=True), strict=True):
		# Lists summed by sum() in scorecard order, as scoring.score_customer sums them: the same floats
		# (sum() of floats is compensated from Python 3.12 on; a running += would not be).
		counted = [(points, w) for points, w in zip(row, weights, strict=True) if points is not None]
		weight = sum([w for _, w in counted])
		scores.append(
			None
			if purchase_days < sc.min_purchase_days or not weight
			else int(sum([points * w for points, w in counted]) / weight + 0.5)
		)

	churn = config.churn
	signals = {
		"days_since_last_invoice": lambda w: since,
		"recency_ratio": lambda w: recency,
		"revenue_drop_pct": lambda w: list(
			map(drop, window(w, "recent_revenue"), window(w, "previous_revenue"))
		),
		"order_drop_pct": lambda w: list(map(drop, window(w, "recent_orders"), window(w, "previous_orders"))),
		"overdue_amount": lambda w: [d[0] for d in dues],
		"days_overdue": lambda w: [d[2] for d in dues],
		"health_score": lambda w: scores,
		"churn_horizon_ratio": lambda w: [
			None if d is None else d / (churn.multiple * g if g else float(churn.fixed_days))
			for d, g in zip(since, gap, strict=True)
		],
	}
	unknown = {r.signal for r in config.rules if r.enabled} - set(signals) - SITE_SIGNALS
	if unknown:
		raise ValueError(f"evaluate_columns does not know the signal(s) {sorted(unknown)}: add them here")
	flags = []
	for position, rule in enumerate(r for r in config.rules if r.enabled and r.signal in signals):
		values = signals[rule.signal](rule.window_days)
		holds, threshold = OPERATORS[rule.operator], rule.threshold
		applies = _segment(rule, cols)
		flags += [
			(i, position, rule.name, float(v))
			for i, v in enumerate(values)
			if v is not None and holds(v, threshold) and (applies is None or applies[i])
		]
	flags.sort()
	return scores, [(i, rule, value) for i, _, rule, value in flags]


def _segment(rule: Rule, cols: dict) -> list | None:
	"""Per customer, whether `rule`'s customer group / territory filter lets it in (None: no filter)."""
	if not (rule.customer_group or rule.territory):
		return None
	groups = set(rule.customer_group_tree or (rule.customer_group,)) if rule.customer_group else None
	territories = set(rule.territory_tree or (rule.territory,)) if rule.territory else None
	return [
		(groups is None or g in groups) and (territories is None or t in territories)
		for g, t in zip(cols["customer_group"], cols["territory"], strict=True)
	]
