import pytest

from csm_extension.engine.config import default_config
from csm_extension.engine.facts import compute_facts
from csm_extension.engine.scoring import Measure, score_customer
from tests.engine_cases import AS_OF, CUSTOMERS, INVOICES

SCORECARD = default_config().scorecard


def scores():
	return {f.customer: score_customer(f, SCORECARD) for f in compute_facts(CUSTOMERS, INVOICES, AS_OF)}


def test_band_lookup_both_directions():
	lower = Measure("payment", 1, "lower", ((0, 100), (15, 75), (30, 50)), 5)
	assert [lower.points(v) for v in (0, 1, 15, 16, 30, 31)] == [100, 75, 75, 50, 50, 5]
	higher = Measure("tenure", 1, "higher", ((365, 100), (180, 75)), 10)
	assert [higher.points(v) for v in (400, 365, 364, 180, 179)] == [100, 100, 75, 75, 10]


def test_score_of_customer_a_by_hand():
	s = scores()["A"]
	points = {m.measure: m.points for m in s.breakdown}
	# recency 0/45 -> 100; orders 2 vs 2 = 0% -> 100; revenue 180 vs 500 = -64% -> 25;
	# oldest overdue 107 days -> 0; tenure 180 days -> 75.
	assert points == {"recency": 100, "order_trend": 100, "revenue_trend": 25, "payment": 0, "tenure": 75}
	# (100*30 + 100*20 + 25*20 + 0*20 + 75*10) / 100 = 62.5, rounded half up.
	assert (s.score, s.status) == (63, "Amber")
	assert s.reasons(2) == [
		"Payment punctuality: 200.00 overdue on 1 invoice, oldest 107 days past due",
		"Revenue trend: 180.00 net in the last 90 days vs 500.00 in the 90 before (-64%)",
	]


def test_too_little_history_is_not_a_number():
	s = scores()
	for customer in ("B", "C"):
		assert s[customer].score is None and s[customer].status == "Insufficient Data"
	assert "1 purchase day, a score needs 3" in s["B"].note


def test_unmeasurable_measures_reweight():
	# Customer A with windows where nothing happened before: trends drop out, weights renormalise.
	from dataclasses import replace

	from csm_extension.engine.models import WindowFacts

	a = next(f for f in compute_facts(CUSTOMERS, INVOICES, AS_OF) if f.customer == "A")
	a = replace(a, windows={90: WindowFacts(90, 2, 180.0, 0, 0.0), 365: a.windows.get(365)})
	s = score_customer(a, SCORECARD)
	# recency 100*30 + payment 0*20 + tenure 75*10 over weights 60 = 3750/60 = 62.5 -> 63
	assert [m.points for m in s.breakdown] == [100, None, None, 0, 75]
	assert s.score == 63


@pytest.mark.parametrize("score,status", [(70, "Green"), (69, "Amber"), (40, "Amber"), (39, "Red")])
def test_status_thresholds(score, status):
	assert SCORECARD.status(score) == status


def test_explanations_count_in_words():
	from csm_extension.engine.models import counted

	assert [counted(n, "order") for n in (0, 1, 2)] == ["0 orders", "1 order", "2 orders"]
	assert counted(1, "purchase day") == "1 purchase day"
