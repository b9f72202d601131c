"""The daily pass: facts -> health scores -> red flags -> follow-up plan."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from operator import attrgetter

from csm_extension.engine.config import EngineConfig
from csm_extension.engine.models import CustomerFacts, gc_paused
from csm_extension.engine.planning import ClosedItem, FollowUpPlan, OpenItem, plan_followups
from csm_extension.engine.rules import Flag, rule_evaluator
from csm_extension.engine.scoring import HealthScore, score_customer


@dataclass(frozen=True)
class PassResult:
	as_of: date
	scores: dict[str, HealthScore]
	flags: list[Flag]
	plan: FollowUpPlan
	# Every customer's facts, in name order (what the scores and flags were computed from).
	facts: list[CustomerFacts] = field(default_factory=list, repr=False)


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
	"""Scores and flags each customer as its facts come (`facts` may be `data.facts.iter_facts`, read
	while the database still sends rows), then plans the follow-ups. The result lists customers in
	name order whatever order the facts came in."""
	evaluate = rule_evaluator(config.rules, config.churn)
	scorecard = config.scorecard
	seen: list[CustomerFacts] = []
	scores: dict[str, HealthScore] = {}
	flags: list[Flag] = []
	with gc_paused():
		for f in facts:
			if f.as_of != as_of:
				raise ValueError(f"facts for {f.customer} are as of {f.as_of}, the pass runs as of {as_of}")
			score = scores[f.customer] = score_customer(f, scorecard)
			evaluate(f, score, flags)
			seen.append(f)
		if any(a.customer > b.customer for a, b in zip(seen, seen[1:], strict=False)):
			seen.sort(key=attrgetter("customer"))
			scores = {f.customer: scores[f.customer] for f in seen}
			flags.sort(key=attrgetter("customer"))  # stable: each customer's flags stay in rule order
		plan = plan_followups(flags, open_items, closed_items, config.rules, as_of)
	return PassResult(as_of, scores, flags, plan, seen)


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
