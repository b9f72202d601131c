"""Properties that must hold for any invoice history."""

import random
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from csm_extension.engine.config import default_config
from csm_extension.engine.daily_pass import run_daily_pass
from csm_extension.engine.facts import compute_facts
from csm_extension.engine.models import CustomerRow, InvoiceRow

CONFIG = default_config()
AS_OF = date(2024, 6, 30)
CUSTOMERS = [CustomerRow(c, c) for c in "ABCD"]

invoice = st.builds(
	lambda i, c, d, due, status, ret, total, outstanding: InvoiceRow(
		f"INV-{i}",
		c,
		AS_OF - timedelta(days=d),
		AS_OF - timedelta(days=due),
		status,
		ret,
		-total if ret else total,
		outstanding,
	),
	st.integers(0, 10**6),
	st.sampled_from("ABCD"),
	st.integers(-5, 800),
	st.integers(-40, 800),
	st.sampled_from([0, 1, 1, 1, 2]),
	st.booleans(),
	st.floats(0, 1e5, allow_nan=False),
	st.sampled_from([0.0, 0.0, 50.0]),
)
invoices = st.lists(invoice, max_size=40, unique_by=lambda r: r.name)


@given(invoices)
@settings(max_examples=200)
def test_scores_stay_within_0_100_and_status_matches(rows):
	facts = compute_facts(CUSTOMERS, rows, AS_OF, windows=CONFIG.windows)
	result = run_daily_pass(facts, CONFIG, AS_OF)
	for s in result.scores.values():
		if s.score is None:
			assert s.status == "Insufficient Data"
		else:
			assert 0 <= s.score <= 100
			assert s.status == CONFIG.scorecard.status(s.score)
		for m in s.breakdown:
			assert m.points is None or 0 <= m.points <= 100


@given(invoices, st.randoms(use_true_random=False))
def test_facts_do_not_depend_on_row_order(rows, rnd: random.Random):
	shuffled = list(rows)
	rnd.shuffle(shuffled)
	customers = list(CUSTOMERS)
	rnd.shuffle(customers)
	assert compute_facts(customers, shuffled, AS_OF, windows=(30, 90)) == compute_facts(
		CUSTOMERS, rows, AS_OF, windows=(30, 90)
	)
