"""Calendar periods, the churn report and the churn rule, against figures worked out by hand."""

from __future__ import annotations

from datetime import date

import pytest

from csm_extension.engine.churn import (
	NO_REASON,
	ChurnRow,
	CustomerLife,
	LifecycleEvent,
	churn_explanation,
	churn_report,
	detect_churn,
	is_churned_at,
)
from csm_extension.engine.periods import periods

d = date


# --- periods -------------------------------------------------------------------------------------


def test_months_clip_both_ends_and_know_leap_years():
	assert periods(d(2024, 1, 15), d(2024, 3, 10), "Monthly") == [
		(d(2024, 1, 15), d(2024, 1, 31)),
		(d(2024, 2, 1), d(2024, 2, 29)),  # 2024 is a leap year
		(d(2024, 3, 1), d(2024, 3, 10)),
	]
	assert periods(d(2023, 2, 1), d(2023, 2, 28), "Monthly") == [(d(2023, 2, 1), d(2023, 2, 28))]
	assert periods(d(1900, 2, 1), d(1900, 3, 1), "Monthly") == [  # 1900 is not a leap year
		(d(1900, 2, 1), d(1900, 2, 28)),
		(d(1900, 3, 1), d(1900, 3, 1)),
	]


def test_months_across_new_year_and_a_single_day():
	assert periods(d(2023, 12, 31), d(2024, 1, 1), "Monthly") == [
		(d(2023, 12, 31), d(2023, 12, 31)),
		(d(2024, 1, 1), d(2024, 1, 1)),
	]
	assert periods(d(2024, 5, 31), d(2024, 5, 31), "Monthly") == [(d(2024, 5, 31), d(2024, 5, 31))]


def test_quarters_are_calendar_quarters():
	assert periods(d(2024, 2, 10), d(2024, 11, 30), "Quarterly") == [
		(d(2024, 2, 10), d(2024, 3, 31)),
		(d(2024, 4, 1), d(2024, 6, 30)),
		(d(2024, 7, 1), d(2024, 9, 30)),
		(d(2024, 10, 1), d(2024, 11, 30)),
	]
	assert periods(d(2023, 11, 1), d(2024, 1, 31), "Quarterly") == [
		(d(2023, 11, 1), d(2023, 12, 31)),
		(d(2024, 1, 1), d(2024, 1, 31)),
	]
	# A whole quarter given exactly stays one period.
	assert periods(d(2024, 10, 1), d(2024, 12, 31), "Quarterly") == [(d(2024, 10, 1), d(2024, 12, 31))]


def test_years():
	assert periods(d(2023, 7, 1), d(2025, 2, 1), "Yearly") == [
		(d(2023, 7, 1), d(2023, 12, 31)),
		(d(2024, 1, 1), d(2024, 12, 31)),
		(d(2025, 1, 1), d(2025, 2, 1)),
	]
	assert periods(d(2024, 12, 31), d(2024, 12, 31), "Yearly") == [(d(2024, 12, 31), d(2024, 12, 31))]


def test_periods_refuse_bad_input():
	with pytest.raises(ValueError, match=r"2024-01-01 is before its start 2024-01-02"):
		periods(d(2024, 1, 2), d(2024, 1, 1), "Monthly")
	with pytest.raises(ValueError, match=r"got 'Weekly'"):
		periods(d(2024, 1, 1), d(2024, 2, 1), "Weekly")
	with pytest.raises(ValueError, match=r"got 'monthly'"):
		periods(d(2024, 1, 1), d(2024, 2, 1), "monthly")


# --- churn report --------------------------------------------------------------------------------


def churned(customer, on, reason=None, revenue=0.0):
	return LifecycleEvent(customer, "Churned", on, reason, revenue)


def won_back(customer, on):
	return LifecycleEvent(customer, "Won Back", on)


def life(customer, first_order, group, *events):
	return CustomerLife(customer, first_order, {"customer_group": group}, tuple(events))


# Quarters Q4 2023, Q1 2024 and Q2 2024.
QUARTERS = periods(d(2023, 10, 1), d(2024, 6, 30), "Quarterly")
Q4_2023, Q1, Q2 = QUARTERS

LIVES = [
	# churns on Q1's first day and stays churned
	life("A", d(2023, 11, 5), "Retail", churned("A", d(2024, 1, 1), "Price", 1200)),
	# first order on Q4's first day (so not before it); churns on Q1's last day, won back in Q2
	life(
		"B",
		d(2023, 10, 1),
		"Retail",
		churned("B", d(2024, 3, 31), "Competitor", 800.5),
		won_back("B", d(2024, 5, 10)),
	),
	# churned and won back within Q1
	life(
		"C",
		d(2023, 12, 20),
		"Wholesale",
		churned("C", d(2024, 2, 10), "Price", 3000),
		won_back("C", d(2024, 3, 1)),
	),
	# loyal
	life("D", d(2023, 10, 15), "Wholesale"),
	# first bought inside Q1 and churned in it: in neither Q1 figure
	life("E", d(2024, 2, 1), "Retail", churned("E", d(2024, 3, 15), "Budget", 50)),
	# churned in Q4 2023 before anyone counted it, won back in Q1, churns again on Q2's last day
	life(
		"F",
		d(2023, 12, 1),
		"Wholesale",
		churned("F", d(2023, 12, 15), "Price", 10),
		won_back("F", d(2024, 1, 20)),
		churned("F", d(2024, 6, 30), None, 400),
	),
	# never ordered
	life("G", None, "Retail"),
	# no segment; churns twice in Q2: counted once, with the first churn's reason and revenue
	CustomerLife(
		"H",
		d(2024, 1, 10),
		{},
		(
			churned("H", d(2024, 4, 5), "Service", 100),
			won_back("H", d(2024, 4, 20)),
			churned("H", d(2024, 5, 5), "Price", 999),
		),
	),
]


def test_churned_at_looks_strictly_before():
	a, c = LIVES[0], LIVES[2]
	assert not is_churned_at(a, d(2024, 1, 1))
	assert is_churned_at(a, d(2024, 1, 2))
	# C churned Feb 10 and was won back Mar 1: still churned on Mar 1, not the day after.
	assert is_churned_at(c, d(2024, 3, 1))
	assert not is_churned_at(c, d(2024, 3, 2))
	assert not is_churned_at(LIVES[3], d(2030, 1, 1))


def test_same_day_events_keep_their_order():
	back_same_day = CustomerLife(
		"X", d(2020, 1, 1), events=(churned("X", d(2024, 1, 1)), won_back("X", d(2024, 1, 1)))
	)
	assert not is_churned_at(back_same_day, d(2024, 1, 2))


def test_churn_report_by_hand():
	rows = churn_report(LIVES, QUARTERS)
	# Q4 2023: nobody's first order is before Oct 1 (B's is on it): an empty period, rate None. F's
	# churn on Dec 15 does not count, F was not there at the start.
	assert rows[0] == ChurnRow(*Q4_2023, None, 0, 0, 0, None, 0.0, {})
	# Q1: at start A, B, C, D = 4 (E first bought Feb 1, F was churned on Jan 1, G never bought, H
	# first bought Jan 10). Churned A (Jan 1), B (Mar 31), C (Feb 10, won back Mar 1: still churned)
	# = 3 -> 3 / 4 x 100 = 75%. Won back C (Mar 1) and F (Jan 20) = 2.
	# Revenue 1200 + 800.5 + 3000 = 5000.5; reasons Price (A, C) 2, Competitor (B) 1.
	assert rows[1] == ChurnRow(*Q1, None, 4, 3, 2, 75.0, 5000.5, {"Price": 2, "Competitor": 1})
	# Q2: at start C (won back Mar 1), D, F (won back Jan 20), H (first order Jan 10) = 4; A, B, E are
	# churned on Apr 1. Churned F (Jun 30, no reason, 400) and H once (Apr 5: Service, 100) = 2
	# -> 2 / 4 x 100 = 50%. Won back B (May 10) and H (Apr 20) = 2. Revenue 400 + 100 = 500.
	assert rows[2] == ChurnRow(*Q2, None, 4, 2, 2, 50.0, 500.0, {NO_REASON: 1, "Service": 1})
	assert len(rows) == 3


def test_churn_report_by_segment_by_hand():
	rows = churn_report(LIVES, QUARTERS, group_by="customer_group")
	# Q4 2023 has nobody: no row. Segments sorted, unset last.
	assert [(r.period_start, r.segment) for r in rows] == [
		(Q1[0], "Retail"),
		(Q1[0], "Wholesale"),
		(Q2[0], "Retail"),
		(Q2[0], "Wholesale"),
		(Q2[0], None),
	]
	q1_retail, q1_wholesale, q2_retail, q2_wholesale, q2_none = rows
	# Q1 Retail: at start A, B; both churned -> 100%; 1200 + 800.5 = 2000.5.
	assert q1_retail == ChurnRow(*Q1, "Retail", 2, 2, 0, 100.0, 2000.5, {"Competitor": 1, "Price": 1})
	# Q1 Wholesale: at start C, D; C churned -> 1 / 2 = 50%; won back C and F.
	assert q1_wholesale == ChurnRow(*Q1, "Wholesale", 2, 1, 2, 50.0, 3000.0, {"Price": 1})
	# Q2 Retail: nobody at start, B won back: a row with no rate.
	assert q2_retail == ChurnRow(*Q2, "Retail", 0, 0, 1, None, 0.0, {})
	# Q2 Wholesale: at start C, D, F; F churned -> 1 / 3 x 100.
	assert q2_wholesale.at_start == 3 and q2_wholesale.churned == 1
	assert q2_wholesale.churn_rate == pytest.approx(100 / 3)
	assert (q2_wholesale.revenue_churned, q2_wholesale.by_reason) == (400.0, {NO_REASON: 1})
	# Q2 no segment: H at start, churned and won back -> 100%.
	assert q2_none == ChurnRow(*Q2, None, 1, 1, 1, 100.0, 100.0, {"Service": 1})


def test_segments_add_up_to_the_total():
	total = {r.period_start: r for r in churn_report(LIVES, QUARTERS)}
	for start, _ in QUARTERS:
		parts = [r for r in churn_report(LIVES, QUARTERS, "customer_group") if r.period_start == start]
		for column in ("at_start", "churned", "won_back", "revenue_churned"):
			assert sum(getattr(r, column) for r in parts) == getattr(total[start], column)


def test_event_kind_is_checked():
	with pytest.raises(ValueError, match=r"got 'Stage Change'"):
		LifecycleEvent("A", "Stage Change", d(2024, 1, 1))


# --- churn rule ----------------------------------------------------------------------------------


def test_detect_churn_edges():
	# 3 x 60 = 180: exactly the threshold is not churn, one day more is.
	assert not detect_churn(180, 60.0, 3, 365)
	assert detect_churn(181, 60.0, 3, 365)
	# No rhythm: the fixed threshold, also exclusive.
	assert not detect_churn(180, None, 3, 180)
	assert detect_churn(181, None, 3, 180)
	assert detect_churn(181, 0.0, 3, 180)
	# No orders: nothing to lose.
	assert not detect_churn(None, 60.0, 3, 180)
	assert not detect_churn(None, None, 3, 180)


def test_churn_explanation():
	# 240 / 60 = 4.0
	assert (
		churn_explanation(240, 60.0, 3, 180)
		== "No order for 240 days — 4.0× the usual 60-day rhythm (churn threshold 3×)"
	)
	# 100 / 28.5 = 3.508...
	assert (
		churn_explanation(100, 28.5, 2.5, 180)
		== "No order for 100 days — 3.5× the usual 28.5-day rhythm (churn threshold 2.5×)"
	)
	assert (
		churn_explanation(200, None, 3, 180)
		== "No order for 200 days — no regular rhythm yet (churn threshold 180 days)"
	)
	assert churn_explanation(None, None, 3, 180) == "No orders yet"
