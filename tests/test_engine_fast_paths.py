"""The daily pass's fast paths give what the plain ones would: lazy breakdowns, flags built without
__init__ whose explanation is formatted when first read, and the GC paused only for the pass."""

import copy
import dataclasses
import gc
import pickle
from datetime import date

import pytest

from csm_extension.engine.config import default_config
from csm_extension.engine.daily_pass import run_daily_pass
from csm_extension.engine.facts import compute_facts
from csm_extension.engine.models import CustomerFacts, WindowFacts
from csm_extension.engine.rules import Flag, Rule, rule_evaluator
from csm_extension.engine.scoring import HealthScore, MeasureResult, score_customer
from tests.engine_cases import AS_OF, CUSTOMERS, INVOICES

CONFIG = default_config()


def facts():
	return compute_facts(CUSTOMERS, INVOICES, AS_OF, windows=CONFIG.windows)


def test_reasons_are_the_weakest_lines_of_the_breakdown():
	for f in facts():
		s = score_customer(f, CONFIG.scorecard)
		scored = sorted(
			(m for m in s.breakdown if m.points is not None), key=lambda m: (m.points, -m.weight, m.measure)
		)
		for n in range(len(s.breakdown) + 1):
			assert s.reasons(n) == [f"{m.label}: {m.explanation}" for m in scored[:n]]


def test_breakdown_is_built_once_and_holds_plain_measure_results():
	s = score_customer(facts()[0], CONFIG.scorecard)
	assert s.breakdown is s.breakdown
	assert [m.measure for m in s.breakdown] == [m.measure for m in CONFIG.scorecard.measures]
	row = dataclasses.asdict(s.breakdown[0])
	assert set(row) == {f.name for f in dataclasses.fields(MeasureResult)} and row["explanation"]


def test_breakdown_of_a_customer_without_orders():
	f = CustomerFacts("Z", AS_OF, windows={90: WindowFacts(90)})
	s = score_customer(f, CONFIG.scorecard)
	assert (s.score, s.status) == (None, "Insufficient Data")
	assert {m.measure: (m.raw, m.explanation) for m in s.breakdown} == {
		"recency": (None, "no orders yet"),
		"order_trend": (None, "no orders in the 90 days before the last 90 to compare with"),
		"revenue_trend": (None, "no revenue in the 90 days before the last 90 to compare with"),
		"payment": (0.0, "nothing overdue"),
		"tenure": (None, "no orders yet"),
	}


def test_scores_compare_equal_across_passes():
	first = run_daily_pass(facts(), CONFIG, AS_OF).scores
	second = run_daily_pass(facts(), CONFIG, AS_OF).scores
	assert first == second and isinstance(first["A"], HealthScore)


def test_flags_are_complete_frozen_dataclasses():
	flags = run_daily_pass(facts(), CONFIG, AS_OF).flags
	assert flags
	for flag in flags:
		# Every field is set: rebuilding through __init__ gives an equal flag with the same hash.
		rebuilt = Flag(**{f.name: getattr(flag, f.name) for f in dataclasses.fields(Flag)})
		assert rebuilt == flag and hash(rebuilt) == hash(flag)
		with pytest.raises(dataclasses.FrozenInstanceError):
			flag.value = 0.0


@pytest.mark.parametrize("enabled", [True, False])
def test_pass_leaves_the_gc_as_it_found_it(enabled):
	was = gc.isenabled()
	try:
		gc.enable() if enabled else gc.disable()
		run_daily_pass(facts(), CONFIG, AS_OF)
		assert gc.isenabled() is enabled
		broken = dataclasses.replace(CONFIG, rules=(dataclasses.replace(CONFIG.rules[0], signal="nope"),))
		with pytest.raises(KeyError):
			run_daily_pass(facts(), broken, AS_OF)
		assert gc.isenabled() is enabled
	finally:
		gc.enable() if was else gc.disable()


def silent_customer():
	# Last order 2023-12-01, as of 2024-06-30: 30 + 31 + 29 + 31 + 30 + 31 + 30 = 212 days.
	return CustomerFacts(
		"S",
		date(2024, 6, 30),
		last_invoice_date=date(2023, 12, 1),
		last_invoice="SINV-1",
		windows={90: WindowFacts(90)},
	)


def long_silence_flag() -> Flag:
	rule = Rule("Long silence", "days_since_last_invoice", ">", 180)
	flags: list[Flag] = []
	rule_evaluator([rule])(silent_customer(), None, flags)
	[flag] = flags
	return flag


def test_a_flag_explains_itself_when_first_read():
	flag = long_silence_flag()
	assert "explanation" not in vars(flag)
	assert (flag.value, flag.evidence) == (212.0, ("SINV-1",))
	assert flag.explanation == "No invoice for 212 days (last on 2023-12-01)"
	assert vars(flag)["explanation"] == flag.explanation and "_explain" not in vars(flag)
	with pytest.raises(AttributeError, match="no attribute 'reason'"):
		flag.reason  # noqa: B018


def test_an_unread_flag_copies_and_pickles_with_its_explanation():
	for clone in (copy.copy(long_silence_flag()), pickle.loads(pickle.dumps(long_silence_flag()))):
		assert vars(clone)["explanation"] == "No invoice for 212 days (last on 2023-12-01)"
		assert clone == Flag(
			"S",
			"Long silence",
			"days_since_last_invoice",
			"Medium",
			212.0,
			180,
			">",
			"No invoice for 212 days (last on 2023-12-01)",
			("SINV-1",),
		)
