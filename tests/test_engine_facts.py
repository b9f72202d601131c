from datetime import date

import pytest

from csm_extension.engine.facts import compute_facts, median_gap, window_bounds
from tests.engine_cases import AS_OF, CUSTOMERS, INVOICES


def facts_by_customer(**kwargs):
	return {f.customer: f for f in compute_facts(CUSTOMERS, INVOICES, AS_OF, **kwargs)}


def test_window_bounds_by_hand():
	# 2024-06-30 minus 90 days = 2024-04-01; minus 180 = 2024-01-02 (2024 is a leap year).
	assert window_bounds(AS_OF, 90) == (date(2024, 4, 1), date(2024, 1, 2))
	with pytest.raises(ValueError, match="positive"):
		window_bounds(AS_OF, 0)


def test_customer_with_returns_drafts_cancelled_and_edges():
	a = facts_by_customer()["A"]
	# Orders: A1 A2 A3 A4 A6 (A5 is a return, A7 after as_of, A8 draft, A9 cancelled).
	assert a.orders == 5 and a.purchase_days == 5
	assert (a.first_invoice_date, a.last_invoice_date, a.last_invoice) == (date(2024, 1, 2), AS_OF, "A6")
	assert a.days_since_last_invoice == 0
	# Gaps 44 (Jan 2 -> Feb 15), 46 (Feb 15 -> Apr 1), 39 (Apr 1 -> May 10), 51 (May 10 -> Jun 30).
	assert a.typical_gap_days == 45.0
	assert a.lifetime_revenue == pytest.approx(100 + 200 + 300 + 150 - 50 + 80)
	w = a.window(90)
	assert (w.recent_orders, w.previous_orders) == (2, 2)  # A4 A6 | A2 A3
	assert w.recent_revenue == pytest.approx(150 - 50 + 80)
	assert w.previous_revenue == pytest.approx(200 + 300)
	# Only A2 is overdue: due 2024-03-15, 16 + 30 + 31 + 30 = 107 days before as_of.
	assert (a.overdue_amount, a.overdue_invoices, a.oldest_overdue_days) == (200.0, ("A2",), 107)
	assert a.tenure_days == 180


def test_single_purchase_no_invoices_disabled_and_unknown():
	f = facts_by_customer()
	assert set(f) == {"A", "B", "C"}  # D disabled, "ghost" unknown
	b = f["B"]
	assert (b.orders, b.purchase_days, b.typical_gap_days) == (1, 1, None)
	assert b.days_since_last_invoice == 212  # Dec 1 -> Jun 30: 30+31+29+31+30+31+30
	c = f["C"]
	assert (c.orders, c.last_invoice_date, c.days_since_last_invoice, c.lifetime_revenue) == (
		0,
		None,
		None,
		0,
	)
	assert c.window(90).recent_orders == 0


def test_company_filter_and_several_windows():
	assert facts_by_customer(company="Other")["A"].orders == 0
	a = facts_by_customer(windows=(30, 90))["A"]
	# 30 days: recent (2024-05-31, 2024-06-30] holds A6; previous (2024-05-01, 2024-05-31] holds A4 and the return A5.
	assert (a.window(30).recent_orders, a.window(30).recent_revenue) == (1, 80.0)
	assert (a.window(30).previous_orders, a.window(30).previous_revenue) == (1, 100.0)
	with pytest.raises(KeyError, match="without a 45-day window"):
		a.window(45)


def test_empty_data():
	assert compute_facts([], [], AS_OF) == []


def test_median_gap_needs_three_purchase_days():
	d = date(2024, 1, 1)
	assert median_gap([d, date(2024, 1, 11)]) is None
	assert median_gap([d, d, date(2024, 1, 11), date(2024, 1, 31)]) == 15.0  # gaps 10, 20
