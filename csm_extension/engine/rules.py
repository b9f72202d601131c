"""Red-flag rules as data: signal + operator + threshold (+ window, severity, segment filter)."""

from __future__ import annotations

import operator as op
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace

from csm_extension.engine.models import CustomerFacts, counted
from csm_extension.engine.scoring import HealthScore

OPERATORS: dict[str, Callable[[float, float], bool]] = {
	">": op.gt,
	">=": op.ge,
	"<": op.lt,
	"<=": op.le,
	"==": op.eq,
	"!=": op.ne,
}
SEVERITIES = ("Low", "Medium", "High", "Critical")


@dataclass(frozen=True)
class Rule:
	name: str
	signal: str
	operator: str
	threshold: float
	severity: str = "Medium"
	window_days: int = 90
	cooldown_days: int = 30
	customer_group: str | None = None
	territory: str | None = None
	enabled: bool = True
	description: str = ""
	# Inside a site the shell fills these from ERPNext's trees: the group (territory) and all below it.
	customer_group_tree: tuple[str, ...] = ()
	territory_tree: tuple[str, ...] = ()

	def applies_to(self, facts: CustomerFacts) -> bool:
		if self.customer_group and facts.customer_group not in (
			self.customer_group_tree or (self.customer_group,)
		):
			return False
		return not (self.territory and facts.territory not in (self.territory_tree or (self.territory,)))


@dataclass(frozen=True)
class Flag:
	customer: str
	rule: str
	signal: str
	severity: str
	value: float
	threshold: float
	operator: str
	explanation: str
	evidence: tuple[str, ...] = ()

	@property
	def key(self) -> str:
		return flag_key(self.customer, self.rule)

	def __getattr__(self, name: str):
		# Only reached for an attribute the instance lacks: the explanation of a flag the daily pass
		# built with rule_evaluator, formatted when first read (most flags of a pass are kept or planned,
		# never shown; formatting them all was half the rules' time).
		lazy = self.__dict__.get("_explain") if name == "explanation" else None
		if lazy is None:
			raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
		explain, *args = lazy
		text = self.__dict__["explanation"] = explain(*args)
		del self.__dict__["_explain"]
		return text

	def __getstate__(self) -> dict:
		# A copy or pickle gets the text: the lazy form holds functions and the customer's facts.
		self.explanation  # noqa: B018
		return self.__dict__


def flag_key(customer: str, rule: str) -> str:
	"""Dedupe key: one open flag (and follow-up) per customer and rule."""
	return f"{customer}::{rule}"


def _money(value: float) -> str:
	return f"{value:,.2f}"


def _drop(recent: float, previous: float) -> float | None:
	return None if previous <= 0 else (previous - recent) / previous * 100


@dataclass(frozen=True)
class Signal:
	label: str
	kind: str  # "days" | "ratio" | "percent" | "amount" | "score" | "number"
	value: Callable[[CustomerFacts, HealthScore | None, int], float | None]
	explain: Callable[[CustomerFacts, HealthScore | None, int, float], str]
	evidence: Callable[[CustomerFacts], tuple[str, ...]]
	uses_window: bool = False


def _last(f: CustomerFacts) -> tuple[str, ...]:
	return (f.last_invoice,) if f.last_invoice else ()


def _overdue(f: CustomerFacts) -> tuple[str, ...]:
	return f.overdue_invoices[:5]


def _recency_ratio(f, s, w):
	days, gap = f.days_since_last_invoice, f.typical_gap_days
	return None if days is None or not gap else days / gap


def _explain_score(f, s, w, v):
	weak = s.reasons(2) if s else []
	return f"Health score {v:g} ({s.status})" + (f" — weakest: {'; '.join(weak)}" if weak else "")


@dataclass(frozen=True)
class ChurnPolicy:
	"""A customer is taken as churned once its silence passes `multiple` × its own rhythm, or
	`fixed_days` while it has no rhythm yet."""

	multiple: float = 3.0
	fixed_days: int = 365

	def horizon(self, f: CustomerFacts) -> float:
		return self.multiple * f.typical_gap_days if f.typical_gap_days else float(self.fixed_days)


def _churn_ratio(f, s, w, policy: ChurnPolicy):
	# Already churned (confirmed by a CSM): nothing left to detect.
	if f.days_since_last_invoice is None or f.extra.get("churned"):
		return None
	return f.days_since_last_invoice / policy.horizon(f)


def _explain_churn(f, s, w, v, policy: ChurnPolicy):
	days = f.days_since_last_invoice
	if f.typical_gap_days:
		basis = f"{days / f.typical_gap_days:.1f}× the usual {f.typical_gap_days:g}-day rhythm (churn at {policy.multiple:g}×)"
	else:
		basis = f"no rhythm yet, churn after {policy.fixed_days} days"
	return f"Likely churned: no order for {days} days — {basis}. Confirm with a reason or reach out."


def _extra(key):
	return lambda f, s, w: f.extra.get(key)


SIGNALS: dict[str, Signal] = {
	"days_since_last_invoice": Signal(
		"Days since last invoice",
		"days",
		lambda f, s, w: f.days_since_last_invoice,
		lambda f, s, w, v: f"No invoice for {v:g} days (last on {f.last_invoice_date})",
		_last,
	),
	"recency_ratio": Signal(
		"Days since last invoice ÷ usual gap",
		"ratio",
		_recency_ratio,
		lambda f, s, w, v: (
			f"No invoice for {f.days_since_last_invoice} days — {v:.1f}× this customer's usual "
			f"{f.typical_gap_days:g}-day rhythm"
		),
		_last,
	),
	"revenue_drop_pct": Signal(
		"Revenue drop %",
		"percent",
		lambda f, s, w: _drop(f.window(w).recent_revenue, f.window(w).previous_revenue),
		lambda f, s, w, v: (
			f"Revenue down {v:.0f}% — {_money(f.window(w).recent_revenue)} in the last {w} days vs "
			f"{_money(f.window(w).previous_revenue)} in the {w} before"
		),
		_last,
		uses_window=True,
	),
	"order_drop_pct": Signal(
		"Order count drop %",
		"percent",
		lambda f, s, w: _drop(f.window(w).recent_orders, f.window(w).previous_orders),
		lambda f, s, w, v: (
			f"Orders down {v:.0f}% — {f.window(w).recent_orders} in the last {w} days vs "
			f"{f.window(w).previous_orders} in the {w} before"
		),
		_last,
		uses_window=True,
	),
	"overdue_amount": Signal(
		"Overdue amount",
		"amount",
		lambda f, s, w: f.overdue_amount,
		lambda f, s, w, v: (
			f"{_money(v)} overdue across {counted(len(f.overdue_invoices), 'invoice')}, oldest "
			f"{f.oldest_overdue_days} days past due"
		),
		_overdue,
	),
	"days_overdue": Signal(
		"Days overdue (oldest unpaid invoice)",
		"days",
		lambda f, s, w: f.oldest_overdue_days,
		lambda f, s, w, v: (
			f"Oldest unpaid invoice is {v:g} days past due"
			+ (
				f" ({f.overdue_invoices[0]}, {_money(f.overdue_amount)} overdue in all)"
				if f.overdue_invoices
				else ""
			)
		),
		_overdue,
	),
	"health_score": Signal(
		"Health score",
		"score",
		lambda f, s, w: None if s is None or s.score is None else s.score,
		_explain_score,
		# The last invoice may be overdue too: each invoice once, the last one first.
		lambda f: tuple(dict.fromkeys(_last(f) + _overdue(f))),
	),
	"last_nps_score": Signal(
		"Last NPS score",
		"score",
		_extra("last_nps_score"),
		lambda f, s, w, v: f"Last NPS answer was {v:g}/10" + (" (detractor)" if v <= 6 else ""),
		lambda f: (),
	),
	# Bound to the configuration's ChurnPolicy by evaluate_rules.
	"churn_horizon_ratio": Signal(
		"Silence ÷ churn horizon",
		"ratio",
		lambda f, s, w: _churn_ratio(f, s, w, ChurnPolicy()),
		lambda f, s, w, v: _explain_churn(f, s, w, v, ChurnPolicy()),
		_last,
	),
	"onboarding_overdue_days": Signal(
		"Onboarding task overdue (days)",
		"days",
		_extra("onboarding_overdue_days"),
		lambda f, s, w, v: f"Onboarding has a task {v:g} days overdue",
		lambda f: (),
	),
}


def _bound_signals(churn: ChurnPolicy) -> dict[str, Signal]:
	"""SIGNALS with the churn signal bound to the configuration's policy."""
	return {
		**SIGNALS,
		"churn_horizon_ratio": replace(
			SIGNALS["churn_horizon_ratio"],
			value=lambda f, s, w: _churn_ratio(f, s, w, churn),
			explain=lambda f, s, w, v: _explain_churn(f, s, w, v, churn),
		),
	}


def evaluate_rules(
	rules: Iterable[Rule],
	facts: Iterable[CustomerFacts],
	scores: Mapping[str, HealthScore],
	churn: ChurnPolicy | None = None,
) -> list[Flag]:
	"""Every enabled rule against every customer it applies to; a signal that cannot be measured for a
	customer (e.g. no previous revenue for a drop) raises nothing."""
	flag = rule_evaluator(rules, churn)
	flags: list[Flag] = []
	for f in facts:
		flag(f, scores.get(f.customer), flags)
	return flags


def rule_evaluator(
	rules: Iterable[Rule], churn: ChurnPolicy | None = None
) -> Callable[[CustomerFacts, HealthScore | None, list[Flag]], None]:
	"""`evaluate(facts, score, flags)`: appends to `flags` the flags the enabled `rules` raise for one
	customer, so that a pass can evaluate each customer as its facts arrive."""
	signals = _bound_signals(churn or ChurnPolicy())
	# Everything a rule needs looked up once per pass rather than once per customer and rule: its
	# segment test (None without a filter), signal functions, operator, threshold, window, and the
	# fields every flag it raises shares.
	bound = []
	for rule in rules:
		if not rule.enabled:
			continue
		signal = signals[rule.signal]
		shared = {
			"rule": rule.name,
			"signal": rule.signal,
			"severity": rule.severity,
			"threshold": rule.threshold,
			"operator": rule.operator,
		}
		applies = rule.applies_to if rule.customer_group or rule.territory else None
		bound.append(
			(
				applies,
				signal.value,
				OPERATORS[rule.operator],
				rule.threshold,
				rule.window_days,
				shared,
				signal.explain,
				signal.evidence,
			)
		)
	new = object.__new__

	def evaluate(f: CustomerFacts, score: HealthScore | None, flags: list[Flag]) -> None:
		for applies, value_of, holds, threshold, window, shared, explain, evidence in bound:
			if applies is not None and not applies(f):
				continue
			value = value_of(f, score, window)
			if value is None or not holds(value, threshold):
				continue
			# As models.new_frozen does, with the explanation left to Flag.__getattr__.
			flag = new(Flag)
			flag.__dict__.update(
				shared,
				customer=f.customer,
				value=float(value),
				evidence=evidence(f),
				_explain=(explain, f, score, window, value),
			)
			flags.append(flag)

	return evaluate
