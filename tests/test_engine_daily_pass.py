from datetime import date

import pytest

from csm_extension.engine.config import default_config
from csm_extension.engine.daily_pass import most_at_risk, run_daily_pass
from csm_extension.engine.facts import compute_facts
from csm_extension.engine.planning import after_plan
from tests.engine_cases import AS_OF, CUSTOMERS, INVOICES

CONFIG = default_config()


def test_pass_twice_on_the_same_day_opens_nothing_new():
	facts = compute_facts(CUSTOMERS, INVOICES, AS_OF, windows=CONFIG.windows)
	first = run_daily_pass(facts, CONFIG, AS_OF)
	assert sorted(f.key for f in first.plan.to_open) == [
		"A::Overdue invoices",
		"A::Revenue drop",
		"B::Long silence",
	]
	open_items, closed = after_plan(first.plan, [], [], AS_OF)
	second = run_daily_pass(facts, CONFIG, AS_OF, open_items, closed)
	assert second.plan.is_empty and len(second.plan.to_keep) == 3


def test_a_cleared_condition_resolves():
	facts = compute_facts(CUSTOMERS, INVOICES, AS_OF, windows=CONFIG.windows)
	first = run_daily_pass(facts, CONFIG, AS_OF)
	open_items, closed = after_plan(first.plan, [], [], AS_OF)
	# B buys again: the long silence clears.
	from tests.engine_cases import inv

	later = compute_facts(CUSTOMERS, INVOICES + [inv("B2", "B", AS_OF, 10.0)], AS_OF, windows=CONFIG.windows)
	plan = run_daily_pass(later, CONFIG, AS_OF, open_items, closed).plan
	assert [i.key for i in plan.to_resolve] == ["B::Long silence"] and plan.to_open == ()


def test_facts_of_another_day_are_refused():
	facts = compute_facts(CUSTOMERS, INVOICES, date(2024, 6, 1))
	with pytest.raises(ValueError, match="as of 2024-06-01, the pass runs as of 2024-06-30"):
		run_daily_pass(facts, CONFIG, AS_OF)


def test_most_at_risk_lists_scored_customers_only():
	facts = compute_facts(CUSTOMERS, INVOICES, AS_OF, windows=CONFIG.windows)
	rows = most_at_risk(run_daily_pass(facts, CONFIG, AS_OF), facts, CONFIG.stake_window_days)
	# Only A has enough history; its revenue at stake is the last 365 days' net: everything from A1 on.
	assert [(r.customer, r.score, r.flags) for r in rows] == [("A", 63, 2)]
	assert rows[0].revenue_at_stake == pytest.approx(780.0)


def test_facts_in_any_order_give_the_same_result():
	"""The site and the offline command feed the pass rows as the database sends them (its collation's
	order, as a generator): the result is the one of the same facts in name order."""
	facts = compute_facts(CUSTOMERS, INVOICES, AS_OF, windows=CONFIG.windows)
	assert len(facts) >= 3 and [f.customer for f in facts] == sorted(f.customer for f in facts)
	ordered = run_daily_pass(facts, CONFIG, AS_OF)
	shuffled = run_daily_pass(iter(facts[::-1]), CONFIG, AS_OF)
	assert shuffled.facts == ordered.facts == facts
	assert list(shuffled.scores) == list(ordered.scores) == [f.customer for f in facts]
	assert shuffled.scores == ordered.scores
	assert shuffled.flags == ordered.flags and shuffled.plan == ordered.plan
	# Each customer's flags stay in the rules' order.
	rule_order = [r.name for r in CONFIG.rules]
	for customer in {f.customer for f in ordered.flags}:
		names = [f.rule for f in ordered.flags if f.customer == customer]
		assert names == sorted(names, key=rule_order.index)
