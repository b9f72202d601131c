"""Lifetime value per customer and segment, from invoice rows through `compute_facts`, by hand."""

from __future__ import annotations

from datetime import date

import pytest

from csm_extension.engine.facts import compute_facts
from csm_extension.engine.ltv import CustomerValue, SegmentValue, customer_values, ltv_by_segment
from csm_extension.engine.models import CustomerRow, InvoiceRow

d = date
AS_OF = d(2024, 6, 30)


def inv(name, customer, posting, amount, docstatus=1, is_return=False):
	return InvoiceRow(name, customer, posting, None, docstatus, is_return, amount, 0.0)


CUSTOMERS = [
	CustomerRow("L1", "One", "Retail", "North"),
	CustomerRow("L2", "Two", "Retail", "South"),
	CustomerRow("L3", "Three", "Wholesale", "North"),
	CustomerRow("L4", "Returns only", "Retail", "South"),
	CustomerRow("L5", "Never bought", "Wholesale", "North"),
	CustomerRow("L6", "Old", "Retail", None),
]
INVOICES = [
	inv("I-01", "L1", d(2023, 1, 10), 1000),
	inv("I-02", "L1", d(2023, 7, 10), 500),
	inv("I-03", "L1", d(2024, 1, 5), -200, is_return=True),
	inv("I-04", "L1", d(2024, 2, 1), 9999, docstatus=2),  # cancelled
	inv("I-05", "L1", d(2024, 3, 1), 777, docstatus=0),  # draft
	inv("I-06", "L2", d(2024, 1, 1), 300),
	inv("I-07", "L2", d(2024, 4, 1), 300),
	inv("I-08", "L2", d(2024, 6, 30), 600),  # on as_of: counted
	inv("I-09", "L3", d(2024, 6, 1), 5000),
	inv("I-10", "L3", d(2024, 7, 15), 8000),  # after as_of
	inv("I-11", "L4", d(2024, 2, 2), -50, is_return=True),
	inv("I-12", "L6", d(2022, 6, 30), 100),
]


@pytest.fixture
def values():
	facts = compute_facts(CUSTOMERS, INVOICES, AS_OF)
	return customer_values(facts, {"L1": {"csm": "ann@example.com"}})


def test_customer_values_by_hand(values):
	by_name = {v.customer: v for v in values}
	# L1: 1000 + 500 - 200 (return) = 1300 over 2 orders -> 650 an order. Tenure Jan 10 2023 -> Jan 10
	# 2024 = 365 days, then 21 (rest of January) + 29 + 31 + 30 + 31 + 30 = 172: 537.
	assert by_name["L1"] == CustomerValue(
		"L1",
		1300.0,
		2,
		d(2023, 1, 10),
		d(2023, 7, 10),
		537,
		650.0,
		{"customer_group": "Retail", "territory": "North", "csm": "ann@example.com"},
	)
	# L2: 300 + 300 + 600 = 1200 over 3 orders -> 400; Jan 1 -> Jun 30 2024 = day 182 - day 1 = 181.
	l2 = by_name["L2"]
	assert (l2.ltv, l2.orders, l2.avg_order_value, l2.tenure_days) == (1200.0, 3, 400.0, 181)
	# L3: only the June order; June 1 -> 30 = 29 days.
	l3 = by_name["L3"]
	assert (l3.ltv, l3.orders, l3.avg_order_value, l3.tenure_days) == (5000.0, 1, 5000.0, 29)
	# L4: a return and no order: -50, no tenure, no average order.
	l4 = by_name["L4"]
	assert (l4.ltv, l4.orders, l4.avg_order_value, l4.tenure_days, l4.first_order) == (
		-50.0,
		0,
		None,
		None,
		None,
	)
	assert by_name["L5"] == CustomerValue(
		"L5", 0.0, 0, None, None, None, None, {"customer_group": "Wholesale", "territory": "North"}
	)
	# L6: Jun 30 2022 -> Jun 30 2023 = 365, -> Jun 30 2024 = 366 (Feb 29 2024): 731.
	assert by_name["L6"].tenure_days == 731


def test_by_customer_group_by_hand(values):
	retail, wholesale = ltv_by_segment(values, "customer_group")
	# Retail with orders: L1 1300, L2 1200, L6 100 (L4 has none): total 2600, 3 customers, average
	# 866.67, median 1200; orders 2 + 3 + 1 = 6 -> 2600 / 6 = 433.33; tenure (537 + 181 + 731) / 3 = 483.
	assert retail == SegmentValue(
		"Retail", 3, 2600.0, pytest.approx(2600 / 3), 1200.0, 483.0, pytest.approx(2600 / 6)
	)
	# Wholesale: only L3 (L5 never bought).
	assert wholesale == SegmentValue("Wholesale", 1, 5000.0, 5000.0, 5000.0, 29.0, 5000.0)


def test_by_territory_with_an_even_median_and_no_value(values):
	north, south, unset = ltv_by_segment(values, "territory")
	# North: L1 1300 and L3 5000 -> median (1300 + 5000) / 2 = 3150; L5 has no orders.
	assert (north.segment, north.customers, north.median_ltv, north.total_ltv) == ("North", 2, 3150.0, 6300.0)
	# South: L2 only (L4 returns only).
	assert (south.segment, south.customers, south.total_ltv) == ("South", 1, 1200.0)
	# L6 has no territory: the unset segment, last.
	assert (unset.segment, unset.customers, unset.total_ltv) == (None, 1, 100.0)


def test_all_customers_in_one_row(values):
	[row] = ltv_by_segment(values, None)
	# L1, L2, L3, L6: 1300 + 1200 + 5000 + 100 = 7600 over 4; sorted 100, 1200, 1300, 5000 -> median
	# 1250; orders 2 + 3 + 1 + 1 = 7; tenure (537 + 181 + 29 + 731) / 4 = 369.5.
	assert row == SegmentValue(None, 4, 7600.0, 1900.0, 1250.0, 369.5, pytest.approx(7600 / 7))


def test_no_buyers_no_rows():
	facts = compute_facts(CUSTOMERS[4:5], [], AS_OF)
	assert ltv_by_segment(customer_values(facts), "customer_group") == []
