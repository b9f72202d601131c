from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from csm_extension.engine.config import parse_rule
from csm_extension.engine.planning import ClosedItem, OpenItem, after_plan, open_item, plan_followups
from csm_extension.engine.rules import Flag

TODAY = date(2024, 6, 30)
RULES = [
	parse_rule(
		{"name": "R1", "signal": "overdue_amount", "operator": ">", "threshold": 0, "cooldown_days": 10}
	),
	parse_rule({"name": "R2", "signal": "days_overdue", "operator": ">", "threshold": 0, "cooldown_days": 0}),
]


def flag(customer, rule="R1"):
	return Flag(customer, rule, "overdue_amount", "Medium", 1.0, 0.0, ">", "why")


def test_open_keep_resolve():
	open_items = [
		open_item("A", "R1", date(2024, 6, 1), "FLAG-1"),
		open_item("B", "R1", date(2024, 6, 2), "FLAG-2"),
	]
	plan = plan_followups([flag("A"), flag("C")], open_items, [], RULES, TODAY)
	assert [f.key for f in plan.to_open] == ["C::R1"]
	assert [(i.ref, f.key) for i, f in plan.to_keep] == [("FLAG-1", "A::R1")]
	assert [i.ref for i in plan.to_resolve] == ["FLAG-2"]


def test_cooldown_after_resolution():
	# R1 cools down 10 days: resolved 9 days ago -> suppressed; 10 days ago -> reopens.
	for days_ago, opens in ((9, False), (10, True)):
		closed = [ClosedItem("A::R1", TODAY - timedelta(days=days_ago))]
		plan = plan_followups([flag("A")], [], closed, RULES, TODAY)
		assert (len(plan.to_open), len(plan.suppressed)) == ((1, 0) if opens else (0, 1))
	# R2 has no cooldown: reopens even when resolved today.
	plan = plan_followups([flag("A", "R2")], [], [ClosedItem("A::R2", TODAY)], RULES, TODAY)
	assert len(plan.to_open) == 1


def test_disabled_rule_resolves_and_duplicates_are_resolved():
	items = [
		open_item("A", "Gone", date(2024, 1, 1), "F1"),
		open_item("B", "R1", date(2024, 1, 1), "F2"),
		open_item("B", "R1", date(2024, 2, 1), "F3"),
	]
	plan = plan_followups([flag("B")], items, [], RULES, TODAY)
	assert [i.ref for i in plan.to_resolve] == ["F1", "F3"]  # the later duplicate goes, the first stays
	assert [i.ref for i, _ in plan.to_keep] == ["F2"]


def test_second_run_same_day_opens_nothing():
	flags = [flag("A"), flag("B", "R2")]
	plan = plan_followups(flags, [], [], RULES, TODAY)
	open_items, closed = after_plan(plan, [], [], TODAY)
	again = plan_followups(flags, open_items, closed, RULES, TODAY)
	assert again.is_empty and len(again.to_keep) == 2


keys = st.tuples(st.sampled_from("ABCDE"), st.sampled_from(["R1", "R2"]))


@given(
	today_flags=st.lists(keys, max_size=10),
	opened=st.lists(st.tuples(keys, st.integers(0, 30)), max_size=10),
	closed=st.lists(st.tuples(keys, st.integers(0, 30)), max_size=10),
)
def test_planning_is_idempotent(today_flags, opened, closed):
	flags = [flag(c, r) for c, r in today_flags]
	open_items = [open_item(c, r, TODAY - timedelta(days=d)) for (c, r), d in opened]
	closed_items = [ClosedItem(f"{c}::{r}", TODAY - timedelta(days=d)) for (c, r), d in closed]
	plan = plan_followups(flags, open_items, closed_items, RULES, TODAY)
	# One open item per key afterwards, and re-planning the same day changes nothing.
	open_items, closed_items = after_plan(plan, open_items, closed_items, TODAY)
	assert len({i.key for i in open_items}) == len(open_items)
	again = plan_followups(flags, open_items, closed_items, RULES, TODAY)
	assert again.is_empty
	assert {f.key for f in again.suppressed} == {f.key for f in plan.suppressed}


def test_a_kept_flag_is_stale_when_what_it_shows_changed():
	today = Flag("A", "R1", "overdue_amount", "Medium", 250.0, 0.0, ">", "250.00 overdue", ("SINV-1",))

	def stored(value=250.0, explanation="250.00 overdue", evidence=("SINV-1",)):
		return OpenItem("A::R1", "A", "R1", TODAY, "FLAG-1", value, explanation, evidence)

	assert not stored().shows_stale(today)
	# decimal(21,9) rounding is no change; a cent is.
	assert not stored(value=250.0000001).shows_stale(today)
	assert stored(value=250.01).shows_stale(today)
	assert stored(explanation="200.00 overdue").shows_stale(today)
	assert stored(evidence=("SINV-0",)).shows_stale(today)
	assert stored(evidence=()).shows_stale(today)
	# Never read from a store (what open_item builds): rewritten rather than guessed unchanged.
	assert open_item("A", "R1", TODAY, "FLAG-1").shows_stale(today)
	# What a flag shows is not part of an open item's identity.
	assert stored(value=1.0) == stored()
