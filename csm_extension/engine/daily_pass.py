"""The daily pass: facts -> health scores -> red flags -> follow-up plan."""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from csm_extension.engine.config import EngineConfig
from csm_extension.engine.models import CustomerFacts
from csm_extension.engine.planning import ClosedItem, FollowUpPlan, OpenItem, plan_followups
from csm_extension.engine.rules import Flag, evaluate_rules
from csm_extension.engine.scoring import HealthScore, score_customer


@dataclass(frozen=True)
class PassResult:
	as_of: date
	scores: dict[str, HealthScore]
	flags: list[Flag]
	plan: FollowUpPlan


@dataclass(frozen=True)
class AtRisk:
	customer: str
	customer_name: str
	score: int
	status: str
	reasons: list[str]
	revenue_at_stake: float
	flags: int


def run_daily_pass(
	facts: Iterable[CustomerFacts],
	config: EngineConfig,
	as_of: date,
	open_items: Iterable[OpenItem] = (),
	closed_items: Iterable[ClosedItem] = (),
) -> PassResult:
	facts = list(facts)
	stale = next((f for f in facts if f.as_of != as_of), None)
	if stale is not None:
		raise ValueError(f"facts for {stale.customer} are as of {stale.as_of}, the pass runs as of {as_of}")
	with _gc_paused():
		scores = {f.customer: score_customer(f, config.scorecard) for f in facts}
		flags = evaluate_rules(config.rules, facts, scores, config.churn)
		plan = plan_followups(flags, open_items, closed_items, config.rules, as_of)
	return PassResult(as_of, scores, flags, plan)


@contextmanager
def _gc_paused() -> Iterator[None]:
	"""Python's cyclic GC off while a pass builds a score per customer and a few flags each: they hold
	no cycles (reference counting frees them), yet every 700 allocations the GC would walk the young
	objects and now and then all of them, the loaded facts included. Same idea as data/facts.py."""
	enabled = gc.isenabled()
	gc.disable()
	try:
		yield
	finally:
		if enabled:
			gc.enable()


def most_at_risk(
	result: PassResult, facts: Iterable[CustomerFacts], stake_window_days: int, limit: int = 20
) -> list[AtRisk]:
	"""Scored customers, lowest score first; at equal score the larger revenue at stake (net revenue of
	the last `stake_window_days`) comes first."""
	flag_count: dict[str, int] = {}
	for flag in result.flags:
		flag_count[flag.customer] = flag_count.get(flag.customer, 0) + 1
	rows = []
	for f in facts:
		s = result.scores.get(f.customer)
		if s is None or s.score is None:
			continue
		stake = f.window(stake_window_days).recent_revenue
		rows.append(
			AtRisk(
				f.customer,
				f.customer_name,
				s.score,
				s.status,
				s.reasons(2),
				stake,
				flag_count.get(f.customer, 0),
			)
		)
	rows.sort(key=lambda r: (r.score, -r.revenue_at_stake, r.customer))
	return rows[:limit]
