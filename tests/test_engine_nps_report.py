"""NPS per period and segment with response rates, against figures worked out by hand."""

from __future__ import annotations

from datetime import date

import pytest

from csm_extension.engine.nps import NPSAnswer, NPSRow, nps_report
from csm_extension.engine.periods import periods

d = date
JAN, FEB, MAR = periods(d(2024, 1, 1), d(2024, 3, 31), "Monthly")


def answer(on, score, group=None):
	return NPSAnswer(on, score, {"customer_group": group} if group else {})


ANSWERS = [
	answer(d(2023, 12, 31), 10, "Retail"),  # before the first period
	# January: all detractors, on the month's edges too
	answer(d(2024, 1, 1), 0, "Retail"),
	answer(d(2024, 1, 15), 3, "Retail"),
	answer(d(2024, 1, 31), 6, "Retail"),
	# February: nobody
	# March
	answer(d(2024, 3, 1), 10, "Retail"),
	answer(d(2024, 3, 2), 9, "Retail"),
	answer(d(2024, 3, 3), 5, "Retail"),
	answer(d(2024, 3, 10), 8, "Wholesale"),
	answer(d(2024, 3, 20), 7, "Wholesale"),
	answer(d(2024, 3, 31), 10),  # no segment
	answer(d(2024, 4, 1), 0, "Retail"),  # after the last period
]


def test_by_period_by_hand():
	jan, feb, mar = nps_report(ANSWERS, [JAN, FEB, MAR], {JAN: 6, FEB: 4})
	# January: 3 detractors of 3 -> 0% - 100% = -100; 3 answers / 6 invitations = 50%.
	assert jan == NPSRow(*JAN, None, 3, 0, 0, 3, -100.0, 50.0)
	# February: no answers, so no score; 0 / 4 invitations = 0%.
	assert feb == NPSRow(*FEB, None, 0, 0, 0, 0, None, 0.0)
	# March: 10, 9, 10 promoters, 8, 7 passives, 5 detractor: (3 - 1) / 6 x 100 = 33.3; no invitations.
	assert mar == NPSRow(*MAR, None, 6, 3, 2, 1, pytest.approx(100 * 2 / 6), None)


def test_without_invitations_no_rate():
	assert [r.response_rate for r in nps_report(ANSWERS, [JAN, FEB, MAR])] == [None, None, None]
	assert [r.response_rate for r in nps_report(ANSWERS, [JAN], {JAN: 0})] == [None]


def test_by_segment_by_hand():
	invitations = {(*JAN, "Retail"): 4, (*JAN, "Wholesale"): 2, (*FEB, "Wholesale"): 4}
	rows = nps_report(ANSWERS, [JAN, FEB, MAR], invitations, group_by="customer_group")
	assert rows == [
		# January Retail: 3 detractors -> -100; 3 / 4 = 75%.
		NPSRow(*JAN, "Retail", 3, 0, 0, 3, -100.0, 75.0),
		# January Wholesale: invited 2, nobody answered: a row with no score and 0%.
		NPSRow(*JAN, "Wholesale", 0, 0, 0, 0, None, 0.0),
		NPSRow(*FEB, "Wholesale", 0, 0, 0, 0, None, 0.0),
		# March Retail: 10, 9 promoters, 5 detractor: (2 - 1) / 3 x 100 = 33.3.
		NPSRow(*MAR, "Retail", 3, 2, 0, 1, pytest.approx(100 / 3), None),
		# March Wholesale: 8 and 7 passives: 0.
		NPSRow(*MAR, "Wholesale", 2, 0, 2, 0, 0.0, None),
		# March, no segment: one promoter: 100.
		NPSRow(*MAR, None, 1, 1, 0, 0, 100.0, None),
	]


def test_segment_counts_add_up_for_the_period_total():
	# Given per-segment invitations only, the ungrouped rate uses their sum: 3 / (4 + 2) = 50%.
	invitations = {(*JAN, "Retail"): 4, (*JAN, "Wholesale"): 2}
	[jan] = nps_report(ANSWERS, [JAN], invitations)
	assert jan.response_rate == 50.0


def test_response_rate_can_pass_100():
	# Answers to invitations of an earlier month: 6 March answers / 3 March invitations = 200%.
	[mar] = nps_report(ANSWERS, [MAR], {MAR: 3})
	assert mar.response_rate == 200.0


def test_bad_score_is_refused():
	with pytest.raises(ValueError, match=r"got 11"):
		nps_report([answer(d(2024, 1, 2), 11)], [JAN])
