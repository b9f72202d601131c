"""The benchmark's floors: benchmarks/read_floor.py parses what `load_facts` loads, and
benchmarks/evaluate_floor.py decides what `run_daily_pass` decides, on both backends."""

from __future__ import annotations

import dataclasses
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from csm_extension.data.facts import facts_statements, load_facts
from csm_extension.engine.config import default_config
from csm_extension.engine.daily_pass import run_daily_pass
from csm_extension.engine.facts import compute_facts
from csm_extension.engine.models import CustomerRow
from csm_extension.engine.scoring import Measure
from tests.test_data_facts import AS_OF, insert_rows, inv

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from evaluate_floor import _points, evaluate_columns  # noqa: E402
from read_floor import read_columns  # noqa: E402

WINDOWS = [30, 90]


def rows():
	d = lambda n: AS_OF - timedelta(days=n)  # noqa: E731
	customers = [
		CustomerRow("A", "Alpha Ltd", "Retail", "North"),
		CustomerRow("B", "Beta", "Commercial", "South"),
		CustomerRow("C", "No invoices yet"),
		CustomerRow("D", "Disabled", disabled=True),
		CustomerRow("E", "Echo two a day"),
	]
	invoices = [
		# A: four purchase days, a return, two overdue invoices (oldest due 40 days ago), a draft.
		inv("A-1", "A", d(200), 100.0, due=d(170), outstanding=0.0),
		inv("A-2", "A", d(120), 250.0, due=d(40), outstanding=250.0),
		inv("A-3", "A", d(60), 80.0, due=d(30), outstanding=30.0),
		inv("A-4", "A", d(10), 40.0, due=d(-20), outstanding=40.0),
		inv("A-R", "A", d(5), -20.0, is_return=True),
		inv("A-DRAFT", "A", d(3), 999.0, docstatus=0),
		# B: a single order.
		inv("B-1", "B", d(45), 75.5),
		inv("D-1", "D", d(45), 10.0),
		# E: two orders on the same day, then one more: two purchase days, three orders.
		inv("E-1", "E", d(90), 10.0),
		inv("E-2", "E", d(90), 15.0),
		inv("E-3", "E", d(29), 5.0),
	]
	return customers, invoices


def test_read_columns_holds_the_facts_load_facts_builds(db):
	insert_rows(db, *rows())
	cols = read_columns(db, facts_statements(db, AS_OF, WINDOWS), WINDOWS, AS_OF)
	facts = load_facts(db, AS_OF, WINDOWS)
	order = sorted(range(len(cols["customer"])), key=cols["customer"].__getitem__)
	assert [cols["customer"][i] for i in order] == [f.customer for f in facts] == ["A", "B", "C", "E"]
	for i, f in zip(order, facts, strict=True):
		got = {name: column[i] for name, column in cols.items() if name != "overdue"}
		want = {
			"customer": f.customer,
			"customer_name": f.customer_name,
			"customer_group": f.customer_group,
			"territory": f.territory,
			"orders": f.orders,
			"lifetime_revenue": pytest.approx(f.lifetime_revenue),
			"purchase_days": f.purchase_days,
			"first_day": f.first_invoice_date and f.first_invoice_date.toordinal(),
			"last_day": f.last_invoice_date and f.last_invoice_date.toordinal(),
			"last_invoice": f.last_invoice,
			"typical_gap_days": f.typical_gap_days,
		}
		for days in WINDOWS:
			w = f.window(days)
			want[f"recent_orders_{days}"] = w.recent_orders
			want[f"recent_revenue_{days}"] = pytest.approx(w.recent_revenue)
			want[f"previous_orders_{days}"] = w.previous_orders
			want[f"previous_revenue_{days}"] = pytest.approx(w.previous_revenue)
		assert got == want, f.customer
		if f.overdue_invoices:
			amount, invoices, oldest = cols["overdue"][f.customer]
			assert (amount, invoices, oldest) == (
				pytest.approx(f.overdue_amount),
				f.overdue_invoices,
				f.oldest_overdue_days,
			)
		else:
			assert f.customer not in cols["overdue"]


def test_read_columns_by_hand(db):
	"""The same figures worked out by hand for A, so that the comparison above cannot pass on two
	equal mistakes."""
	insert_rows(db, *rows())
	cols = read_columns(db, facts_statements(db, AS_OF, WINDOWS), WINDOWS, AS_OF)
	a = cols["customer"].index("A")
	# Orders on days -200, -120, -60, -10: gaps 80, 60, 50, median 60. Lifetime 100+250+80+40-20.
	assert (cols["orders"][a], cols["purchase_days"][a], cols["typical_gap_days"][a]) == (4, 4, 60.0)
	assert cols["lifetime_revenue"][a] == pytest.approx(450.0)
	assert (cols["first_day"][a], cols["last_day"][a]) == (
		(AS_OF - timedelta(days=200)).toordinal(),
		(AS_OF - timedelta(days=10)).toordinal(),
	)
	assert cols["last_invoice"][a] == "A-4"
	# 30-day window: A-4 and the return (40 - 20); the 30 before it (60, 30] days back: nothing, as A-3
	# lies exactly 60 days back, on the edge that belongs to the window before.
	assert (cols["recent_orders_30"][a], cols["recent_revenue_30"][a]) == (1, pytest.approx(20.0))
	assert (cols["previous_orders_30"][a], cols["previous_revenue_30"][a]) == (0, 0.0)
	# 90-day window: and the return (80 + 40 - 20); the 90 before it: A-2 (250).
	assert (cols["recent_orders_90"][a], cols["recent_revenue_90"][a]) == (2, pytest.approx(100.0))
	assert (cols["previous_orders_90"][a], cols["previous_revenue_90"][a]) == (1, pytest.approx(250.0))
	# Overdue: A-2 (250, due 40 days ago) and A-3 (30, due 30 days ago); A-4 is not due yet.
	assert cols["overdue"]["A"] == (pytest.approx(280.0), ("A-2", "A-3"), 40)
	e = cols["customer"].index("E")
	assert (cols["orders"][e], cols["purchase_days"][e], cols["typical_gap_days"][e]) == (3, 2, None)


def varied_rows():
	"""rows(), forty customers with four orders each (some gone quiet, some buying less), and customers on
	the rules' edges: silent for exactly 180 and 181 days, silent past the 365-day churn horizon without a
	rhythm, 10,000 and 12,000 overdue, 30 and 31 days past due."""
	customers, invoices = rows()
	for i in range(40):
		name = f"S-{i:02d}"
		customers.append(
			CustomerRow(
				name, f"Synthetic {i}", ("Retail", "Commercial")[i % 2], ("North", "South")[i % 3 == 0]
			)
		)
		quiet = 3 * i  # days since the last order grow with i
		for k in range(4):
			posted = AS_OF - timedelta(days=quiet + (11 + i % 7) * k)
			invoices.append(
				inv(
					f"S-{i:02d}-{k}",
					name,
					posted,
					50.0 + 10 * k,
					due=posted + timedelta(days=30),
					outstanding=i % 3 * 10.0,
				)
			)
	d = lambda n: AS_OF - timedelta(days=n)  # noqa: E731
	edges = {
		# name: (group, territory, [(days back, amount, days past due or None, outstanding)])
		"Q-180": (
			"Retail",
			"South",
			[(400, 10.0, None, 0.0), (290, 10.0, None, 0.0), (180, 10.0, None, 0.0)],
		),
		"Q-181": (
			"Retail",
			"North",
			[(401, 10.0, None, 0.0), (291, 10.0, None, 0.0), (181, 10.0, None, 0.0)],
		),
		"Q-ONE": ("Commercial", "South", [(200, 10.0, None, 0.0)]),
		"Q-GONE": ("Commercial", "North", [(500, 10.0, None, 0.0), (400, 10.0, None, 0.0)]),
		"O-10K": (
			"Retail",
			"South",
			[(70, 10000.0, 30, 10000.0), (20, 5.0, None, 0.0), (10, 5.0, None, 0.0)],
		),
		"O-12K": (
			"Commercial",
			"South",
			[(80, 12000.0, 31, 12000.0), (40, 5.0, None, 0.0), (5, 5.0, None, 0.0)],
		),
	}
	for name, (group, territory, orders) in edges.items():
		customers.append(CustomerRow(name, name, group, territory))
		for k, (back, amount, past_due, outstanding) in enumerate(orders):
			due = d(past_due) if past_due is not None else d(back) + timedelta(days=30)
			invoices.append(inv(f"{name}-{k}", name, d(back), amount, due=due, outstanding=outstanding))
	return customers, invoices


def configs():
	"""The default rules; all limited to one customer group; and a mix: the first rule disabled, one on a
	territory, one on a group tree (the group and those below it, as a site fills it)."""
	base = default_config()
	one_group = tuple(dataclasses.replace(r, customer_group="Retail") for r in base.rules)
	mixed = list(base.rules)
	mixed[0] = dataclasses.replace(mixed[0], enabled=False)
	mixed[1] = dataclasses.replace(mixed[1], territory="South")
	mixed[2] = dataclasses.replace(mixed[2], customer_group="All Groups", customer_group_tree=("Commercial",))
	return {
		"default": base,
		"one group": dataclasses.replace(base, rules=one_group),
		"mixed": dataclasses.replace(base, rules=tuple(mixed)),
	}


@pytest.mark.parametrize("which", ["default", "one group", "mixed"])
def test_evaluate_columns_decides_what_the_engine_decides(db, which):
	insert_rows(db, *varied_rows())
	config = configs()[which]
	cols = read_columns(db, facts_statements(db, AS_OF, WINDOWS), WINDOWS, AS_OF)
	scores, flags = evaluate_columns(cols, config, AS_OF)
	result = run_daily_pass(load_facts(db, AS_OF, WINDOWS), config, AS_OF)

	names = cols["customer"]
	assert dict(zip(names, scores, strict=True)) == {c: s.score for c, s in result.scores.items()}
	# The same flags with the same values, to the last bit (both read the same sums from the database).
	assert sorted((names[i], rule, value) for i, rule, value in flags) == sorted(
		(f.customer, f.rule, f.value) for f in result.flags
	)
	# Each customer's flags come in rule order, as the engine lists them.
	order = {r.name: k for k, r in enumerate(config.rules)}
	assert all((a[0], order[a[1]]) < (b[0], order[b[1]]) for a, b in zip(flags, flags[1:], strict=False))


def test_the_data_reaches_every_rule_and_edge():
	"""What the comparison above rests on, worked out by hand from varied_rows(): without it, two
	evaluations that both missed a rule would agree."""
	customers, invoices = varied_rows()
	config = configs()["default"]
	flagged = {
		(f.customer, f.rule)
		for f in run_daily_pass(compute_facts(customers, invoices, AS_OF, WINDOWS), config, AS_OF).flags
	}
	site_only = {"Detractor answer", "Stalled onboarding"}
	assert {rule for _, rule in flagged} == {r.name for r in config.rules} - site_only
	# Long silence is "more than 180 days": 181 is flagged, 180 is not.
	assert ("Q-181", "Long silence") in flagged and ("Q-180", "Long silence") not in flagged
	# Without a rhythm (one or two purchase days) the churn horizon is 365 days: 400 days is past it.
	assert ("Q-GONE", "Churn detected") in flagged and ("Q-ONE", "Churn detected") not in flagged
	# At least 10,000 overdue: both; more than 30 days past due: only the one 31 days past due.
	assert {("O-10K", "Large overdue amount"), ("O-12K", "Large overdue amount")} <= flagged
	assert ("O-12K", "Overdue invoices") in flagged and ("O-10K", "Overdue invoices") not in flagged
	# In "mixed", the disabled rule raises nothing, the territory rule only in the South, the tree rule
	# only in Commercial.
	mixed = configs()["mixed"]
	by_rule = {}
	for f in run_daily_pass(compute_facts(customers, invoices, AS_OF, WINDOWS), mixed, AS_OF).flags:
		by_rule.setdefault(f.rule, set()).add(f.customer)
	where = {c.name: c for c in customers}
	assert mixed.rules[0].name not in by_rule
	assert by_rule[mixed.rules[1].name] and all(
		where[c].territory == "South" for c in by_rule[mixed.rules[1].name]
	)
	assert by_rule[mixed.rules[2].name] and all(
		where[c].customer_group == "Commercial" for c in by_rule[mixed.rules[2].name]
	)


@pytest.mark.parametrize(
	"measure",
	[
		Measure("recency", 30, "lower", ((1.0, 100), (1.5, 75), (2.0, 50), (3.0, 25)), 0),
		Measure("order_trend", 20, "higher", ((0, 100), (-25, 75), (-50, 50), (-75, 25)), 0),
		# Out of order: a band whose bound an earlier band already covers never wins.
		Measure("tenure", 10, "lower", ((2.0, 50), (1.0, 100), (3.0, 25)), 5),
		Measure("tenure", 10, "higher", ((10, 60), (20, 100), (0, 10)), 1),
	],
)
def test_band_points_by_bisection_are_measure_points(measure):
	raws = [
		-100,
		-75,
		-75.5,
		-50,
		-25,
		-0.1,
		0,
		0.5,
		1.0,
		1.2,
		1.5,
		2.0,
		2.5,
		3.0,
		3.1,
		10,
		15,
		20,
		400,
		None,
	]
	assert _points(measure, raws) == [None if v is None else measure.points(v) for v in raws]
