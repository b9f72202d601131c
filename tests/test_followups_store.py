"""The offline follow-up store: apply a plan, read the state back, and plan again from it."""

from __future__ import annotations

from datetime import date

import pytest

from csm_extension.data.db import to_date, to_float
from csm_extension.data.followups import apply_plan, create_followup_table, load_followup_state
from csm_extension.engine.planning import ClosedItem, OpenItem, plan_followups
from csm_extension.engine.rules import Flag, Rule

DAY1 = date(2024, 6, 1)
DAY2 = date(2024, 6, 2)
RULES = [
	Rule("Long silence", "days_since_last_invoice", ">", 180, "Medium", cooldown_days=60),
	Rule("Overdue invoices", "days_overdue", ">", 30, "High", cooldown_days=14),
]


def flag(customer, rule="Long silence", value=200.0):
	threshold = 180.0 if rule == "Long silence" else 30.0
	return Flag(
		customer, rule, "days_since_last_invoice", "Medium", value, threshold, ">", f"{customer}: {value:g}"
	)


@pytest.fixture
def store(db):
	create_followup_table(db)
	create_followup_table(db)  # idempotent
	return db


def rows(db):
	found = db.sql(
		"select `name`, `customer`, `rule`, `severity`, `status`, `raised_on`, `resolved_on`, `observed_value`,"
		" `threshold`, `explanation`, `open_key` from `tabCSM Red Flag` order by `name`"
	)
	return [
		(*r[:5], to_date(r[5]), to_date(r[6]), to_float(r[7]), to_float(r[8]), r[9], r[10]) for r in found
	]


def plan_from_store(db, flags, as_of):
	open_items, closed_items = load_followup_state(db)
	return plan_followups(flags, open_items, closed_items, RULES, as_of)


def test_apply_then_reload(store):
	flags = [flag("C1"), flag("C2"), flag("C2", "Overdue invoices", 45.0)]
	plan = plan_from_store(store, flags, DAY1)
	assert len(plan.to_open) == 3
	assert apply_plan(store, plan, DAY1) == {"opened": 3, "kept": 0, "resolved": 0}
	assert rows(store) == [
		(
			"CSM-RF-2024-00001",
			"C1",
			"Long silence",
			"Medium",
			"Open",
			DAY1,
			None,
			200.0,
			180.0,
			"C1: 200",
			"C1::Long silence",
		),
		(
			"CSM-RF-2024-00002",
			"C2",
			"Long silence",
			"Medium",
			"Open",
			DAY1,
			None,
			200.0,
			180.0,
			"C2: 200",
			"C2::Long silence",
		),
		(
			"CSM-RF-2024-00003",
			"C2",
			"Overdue invoices",
			"Medium",
			"Open",
			DAY1,
			None,
			45.0,
			30.0,
			"C2: 45",
			"C2::Overdue invoices",
		),
	]
	open_items, closed_items = load_followup_state(store)
	assert open_items == [
		OpenItem("C1::Long silence", "C1", "Long silence", DAY1, "CSM-RF-2024-00001"),
		OpenItem("C2::Long silence", "C2", "Long silence", DAY1, "CSM-RF-2024-00002"),
		OpenItem("C2::Overdue invoices", "C2", "Overdue invoices", DAY1, "CSM-RF-2024-00003"),
	]
	assert closed_items == []


def test_second_identical_plan_opens_nothing(store):
	flags = [flag("C1"), flag("C2")]
	apply_plan(store, plan_from_store(store, flags, DAY1), DAY1)
	again = plan_from_store(store, flags, DAY1)
	assert again.to_open == () and again.to_resolve == ()
	assert [f.customer for _, f in again.to_keep] == ["C1", "C2"]
	apply_plan(store, again, DAY1)
	assert len(rows(store)) == 2


def test_keep_updates_the_observed_value_and_resolve_closes(store):
	apply_plan(store, plan_from_store(store, [flag("C1"), flag("C2")], DAY1), DAY1)
	# Next day: C1 is still silent (201 days), C2 bought again.
	plan = plan_from_store(store, [flag("C1", value=201.0)], DAY2)
	assert apply_plan(store, plan, DAY2) == {"opened": 0, "kept": 1, "resolved": 1}
	c1, c2 = rows(store)
	assert (c1[4], c1[7], c1[9]) == ("Open", 201.0, "C1: 201")
	# Resolving frees the open key, so the same customer and rule can be opened again later.
	assert (c2[4], c2[5], c2[6], c2[10]) == ("Resolved", DAY1, DAY2, None)
	open_items, closed_items = load_followup_state(store)
	assert [i.key for i in open_items] == ["C1::Long silence"]
	assert closed_items == [ClosedItem("C2::Long silence", DAY2)]

	# C2 silent again on day 2: inside the 60-day cooldown, so nothing new is opened.
	plan = plan_from_store(store, [flag("C1", value=201.0), flag("C2")], DAY2)
	assert plan.to_open == ()
	assert [f.customer for f in plan.suppressed] == ["C2"]


def test_closed_items_take_the_latest_closing_and_dismissed_counts(store):
	store.executemany(
		"insert into `tabCSM Red Flag` (`name`, `customer`, `rule`, `status`, `raised_on`, `resolved_on`,"
		" `open_key`) values (%(name)s, 'C1', 'Long silence', %(status)s, %(raised)s, %(closed)s, %(key)s)",
		[
			{
				"name": "X-1",
				"status": "Resolved",
				"raised": date(2024, 1, 1),
				"closed": date(2024, 2, 1),
				"key": None,
			},
			{
				"name": "X-2",
				"status": "Dismissed",
				"raised": date(2024, 3, 1),
				"closed": date(2024, 3, 5),
				"key": None,
			},
			{
				"name": "X-3",
				"status": "Acknowledged",
				"raised": date(2024, 4, 1),
				"closed": None,
				"key": "C1::Long silence",
			},
		],
	)
	open_items, closed_items = load_followup_state(store)
	assert open_items == [OpenItem("C1::Long silence", "C1", "Long silence", date(2024, 4, 1), "X-3")]
	assert closed_items == [ClosedItem("C1::Long silence", date(2024, 3, 5))]
	# New names continue after the store's own numbering, not after foreign names.
	apply_plan(store, plan_from_store(store, [flag("C9")], DAY1), DAY1)
	assert rows(store)[0][0] == "CSM-RF-2024-00001"


def test_a_failing_plan_writes_nothing(store):
	apply_plan(store, plan_from_store(store, [flag("C1")], DAY1), DAY1)
	before = rows(store)
	plan = plan_from_store(store, [flag("C2")], DAY2)  # opens C2, resolves C1

	class FailOnUpdate:
		def __init__(self, inner):
			self.inner = inner

		def __getattr__(self, name):
			return getattr(self.inner, name)

		def executemany(self, query, rows):
			if query.lstrip().upper().startswith("UPDATE"):
				raise RuntimeError("lost connection")
			return self.inner.executemany(query, rows)

	with pytest.raises(RuntimeError):
		apply_plan(FailOnUpdate(store), plan, DAY2)
	assert rows(store) == before


def test_open_items_carry_what_they_show_and_only_changed_ones_are_rewritten(store):
	first = Flag("C1", "Overdue invoices", "days_overdue", "High", 45.0, 30.0, ">", "45 days", ("S-1", "S-2"))
	apply_plan(store, plan_from_store(store, [first, flag("C2")], DAY1), DAY1)
	[c1, c2] = load_followup_state(store)[0]
	assert (c1.value, c1.explanation, c1.evidence) == (45.0, "45 days", ("S-1", "S-2"))
	assert (c2.value, c2.explanation, c2.evidence) == (200.0, "C2: 200", ())
	# The same flags again: nothing to rewrite.
	plan = plan_from_store(store, [first, flag("C2")], DAY1)
	assert apply_plan(store, plan, DAY1) == {"opened": 0, "kept": 0, "resolved": 0}
	# Only C1's evidence changed (S-1 was paid): C1 alone is rewritten, and reads back so.
	paid = Flag("C1", "Overdue invoices", "days_overdue", "High", 45.0, 30.0, ">", "45 days", ("S-2",))
	plan = plan_from_store(store, [paid, flag("C2")], DAY2)
	assert apply_plan(store, plan, DAY2) == {"opened": 0, "kept": 1, "resolved": 0}
	[c1, _] = load_followup_state(store)[0]
	assert c1.evidence == ("S-2",)
