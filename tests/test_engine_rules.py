import json
from dataclasses import replace

import pytest

from csm_extension.engine.config import ConfigError, default_config, load_config, parse_rule
from csm_extension.engine.facts import compute_facts
from csm_extension.engine.models import CustomerFacts, WindowFacts
from csm_extension.engine.rules import evaluate_rules, rule_evaluator
from csm_extension.engine.scoring import HealthScore, score_customer
from tests.engine_cases import AS_OF, CUSTOMERS, INVOICES

CONFIG = default_config()
TENURE = {"measure": "tenure", "weight": 10, "direction": "higher", "bands": [[365, 100]]}
DEFAULT_SCORECARD = {"measures": [TENURE]}


def flags_for(rules=CONFIG.rules, facts=None):
	facts = facts if facts is not None else compute_facts(CUSTOMERS, INVOICES, AS_OF, windows=CONFIG.windows)
	scores = {f.customer: score_customer(f, CONFIG.scorecard) for f in facts}
	return {(fl.customer, fl.rule): fl for fl in evaluate_rules(rules, facts, scores)}


def test_default_rules_on_hand_built_histories():
	flags = flags_for()
	# A: revenue 180 vs 500 = 64% drop (>= 50); oldest overdue 107 days (> 30); score 63 is not red.
	# B: one purchase 212 days ago (> 180), no rhythm; C: nothing to measure.
	assert set(flags) == {("A", "Revenue drop"), ("A", "Overdue invoices"), ("B", "Long silence")}
	drop = flags[("A", "Revenue drop")]
	assert drop.value == pytest.approx(64.0)
	assert drop.explanation == "Revenue down 64% — 180.00 in the last 90 days vs 500.00 in the 90 before"
	assert drop.key == "A::Revenue drop"
	overdue = flags[("A", "Overdue invoices")]
	assert (overdue.value, overdue.evidence) == (107, ("A2",))
	assert overdue.explanation == "Oldest unpaid invoice is 107 days past due (A2, 200.00 overdue in all)"
	assert flags[("B", "Long silence")].explanation == "No invoice for 212 days (last on 2023-12-01)"


def test_recency_ratio_explanation_matches_the_issue_wording():
	a = compute_facts(CUSTOMERS, INVOICES, AS_OF, windows=CONFIG.windows)[0]
	# 144 days since the last order with a 45-day rhythm: 144 / 45 = 3.2
	from datetime import timedelta

	late = replace(a, as_of=AS_OF + timedelta(days=144))
	rule = parse_rule({"name": "Silent", "signal": "recency_ratio", "operator": ">=", "threshold": 2})
	flag = flags_for([rule], [late])[("A", "Silent")]
	assert flag.value == pytest.approx(3.2)
	assert flag.explanation == "No invoice for 144 days — 3.2× this customer's usual 45-day rhythm"


def test_segment_filters_and_disabled_rules():
	base = {"name": "Any order", "signal": "days_since_last_invoice", "operator": ">=", "threshold": 0}
	assert set(flags_for([parse_rule(base)])) == {("A", "Any order"), ("B", "Any order")}
	assert set(flags_for([parse_rule({**base, "customer_group": "Individual"})])) == {("B", "Any order")}
	assert set(flags_for([parse_rule({**base, "territory": "Europe"})])) == {("A", "Any order")}
	assert flags_for([parse_rule({**base, "enabled": False})]) == {}


def test_extra_signals_only_where_the_shell_supplies_them():
	a = compute_facts(CUSTOMERS, INVOICES, AS_OF, windows=CONFIG.windows)[0]
	rules = [r for r in CONFIG.rules if r.signal == "last_nps_score"]
	assert flags_for(rules, [a]) == {}
	flag = flags_for(rules, [replace(a, extra={"last_nps_score": 4})])[("A", "Detractor answer")]
	assert flag.explanation == "Last NPS answer was 4/10 (detractor)"


@pytest.mark.parametrize(
	"rule,message",
	[
		(
			{"signal": "days_since_last_invoice", "operator": ">", "threshold": 1},
			'rule #1: field "name" is required',
		),
		(
			{"name": "R", "signal": "mood", "operator": ">", "threshold": 1},
			'rule "R": field "signal": unknown signal',
		),
		(
			{"name": "R", "signal": "overdue_amount", "operator": "=>", "threshold": 1},
			'rule "R": field "operator"',
		),
		(
			{"name": "R", "signal": "overdue_amount", "operator": ">"},
			'rule "R": field "threshold" is required',
		),
		(
			{"name": "R", "signal": "overdue_amount", "operator": ">", "threshold": "lots"},
			'field "threshold" must be a number',
		),
		(
			{"name": "R", "signal": "overdue_amount", "operator": ">", "threshold": True},
			'field "threshold" must be a number',
		),
		(
			{"name": "R", "signal": "overdue_amount", "operator": ">", "threshold": float("inf")},
			'field "threshold" must be a number, got Infinity',
		),
		(
			{"name": "R", "signal": "health_score", "operator": "<", "threshold": float("nan")},
			'field "threshold" must be a number, got NaN',
		),
		(
			{
				"name": "R",
				"signal": "revenue_drop_pct",
				"operator": ">",
				"threshold": 5,
				"window_days": 1e999,
			},
			'rule "R": field "window_days"',
		),
		(
			{"name": "R", "signal": "overdue_amount", "operator": ">", "threshold": -5},
			'field "threshold" must not be negative',
		),
		(
			{"name": "R", "signal": "revenue_drop_pct", "operator": ">", "threshold": 5, "window_days": -30},
			'rule "R": field "window_days"',
		),
		(
			{"name": "R", "signal": "revenue_drop_pct", "operator": ">", "threshold": 5, "window_days": 0},
			'field "window_days"',
		),
		(
			{"name": "R", "signal": "overdue_amount", "operator": ">", "threshold": 1, "severity": "Meh"},
			'field "severity"',
		),
		(
			{"name": "R", "signal": "overdue_amount", "operator": ">", "threshold": 1, "cooldown_days": -1},
			'field "cooldown_days"',
		),
		(
			{"name": "R", "signal": "overdue_amount", "operator": ">", "threshold": 1, "colour": "red"},
			'unknown field "colour"',
		),
		({"name": "R", "operator": ">", "threshold": 1}, 'rule "R": field "signal" is required'),
		({"name": "R", "signal": "overdue_amount", "threshold": 1}, 'rule "R": field "operator" is required'),
	],
)
def test_rule_validation_names_rule_and_field(rule, message):
	with pytest.raises(ConfigError) as e:
		parse_rule(rule, 1)
	assert message in str(e.value)


def test_rule_file_errors(tmp_path):
	bad = tmp_path / "rules.json"
	bad.write_text('{"rules": [{"name": "X", "signal": "nope", "operator": ">", "threshold": 1}]}')
	with pytest.raises(ConfigError, match=r'rules.json: rule "X": field "signal"'):
		load_config(bad)
	bad.write_text('{"rules": [\n  {"name": }\n]}')
	with pytest.raises(ConfigError, match=r"rules.json line 2, column 12: not valid JSON"):
		load_config(bad)
	bad.write_text(
		'{"rules": [{"name": "X", "signal": "overdue_amount", "operator": ">", "threshold": 1},'
		'{"name": "X", "signal": "overdue_amount", "operator": ">", "threshold": 2}]}'
	)
	with pytest.raises(ConfigError, match=r'rule "X": field "name" is used by more than one rule'):
		load_config(bad)
	with pytest.raises(ConfigError, match="no such rule file"):
		load_config(tmp_path / "missing.json")


def test_rule_file_replaces_rules_and_keeps_default_scorecard(tmp_path):
	path = tmp_path / "rules.json"
	path.write_text(
		'{"rules": [{"name": "Drop 30", "signal": "order_drop_pct", "operator": ">=", '
		'"threshold": 30, "window_days": 30}]}'
	)
	config = load_config(path)
	assert [r.name for r in config.rules] == ["Drop 30"]
	assert config.scorecard == CONFIG.scorecard
	assert config.windows == (30, 90, 365)
	# The rule's 30 days and the scorecard's 90 decide; 365 is the offline report's revenue at stake.
	assert config.decision_windows == (30, 90)


def test_default_decisions_read_the_90_day_window_only():
	# Scorecard trends and both drop rules use 90 days; the other signals use no window.
	assert (CONFIG.decision_windows, CONFIG.windows) == ((90,), (90, 365))


@pytest.mark.parametrize(
	"measure,message",
	[
		({"measure": "vibes", "weight": 1, "direction": "lower", "bands": [[1, 1]]}, 'field "measure"'),
		({"measure": "tenure", "weight": 0, "direction": "lower", "bands": [[1, 1]]}, 'field "weight"'),
		({"measure": "tenure", "weight": 1, "direction": "up", "bands": [[1, 1]]}, 'field "direction"'),
		(
			{"measure": "tenure", "weight": 1, "direction": "lower", "bands": [[1, 101]]},
			"points must be 0-100",
		),
		(
			{"measure": "tenure", "weight": 1, "direction": "lower", "bands": [[5, 1], [1, 2]]},
			"strictly ascending",
		),
		(
			{"measure": "tenure", "weight": 1, "direction": "higher", "bands": [[1, 1], [5, 2]]},
			"strictly descending",
		),
	],
)
def test_scorecard_validation(tmp_path, measure, message):
	path = tmp_path / "c.json"
	path.write_text(json.dumps({"scorecard": {"measures": [measure]}}))
	with pytest.raises(ConfigError, match=message):
		load_config(path)


def test_segment_trees_cover_the_subtree():
	# Inside a site a rule on a parent group is expanded to the group and everything below it.
	base = {"name": "Any", "signal": "days_since_last_invoice", "operator": ">=", "threshold": 0}
	rule = replace(
		parse_rule({**base, "customer_group": "All Customer Groups"}),
		customer_group_tree=("All Customer Groups", "Commercial"),
	)
	assert set(flags_for([rule])) == {("A", "Any")}  # A is Commercial, B Individual
	rule = replace(parse_rule({**base, "territory": "World"}), territory_tree=("World", "Europe", "Asia"))
	assert set(flags_for([rule])) == {("A", "Any"), ("B", "Any")}
	with pytest.raises(ConfigError, match='unknown field "territory_tree"'):
		parse_rule({**base, "territory_tree": ["x"]})


@pytest.mark.parametrize(
	"config,message",
	[
		({"churn": {"multipl": 3}}, 'churn: unknown field "multipl" (known: multiple, fixed_days)'),
		(
			{"scorecard": {**DEFAULT_SCORECARD, "colour": "red"}},
			'scorecard: unknown field "colour" (known: measures, window_days,',
		),
		(
			{"scorecard": {"measures": [{**TENURE, "weigth": 1}]}},
			'scorecard measure #1 ("tenure"): unknown field "weigth"',
		),
		(
			{"scorecard": {"measures": [TENURE, TENURE]}},
			'scorecard: field "measures" lists the measure "tenure" twice',
		),
	],
)
def test_configuration_parts_refuse_unknown_fields_by_name(tmp_path, config, message):
	path = tmp_path / "c.json"
	path.write_text(json.dumps(config))
	with pytest.raises(ConfigError) as e:
		load_config(path)
	assert str(e.value).startswith(f"{path}: {message}")


def test_unreadable_rule_files_are_refused_by_name(tmp_path):
	with pytest.raises(ConfigError, match=r"cannot read the rule file \(Is a directory\)"):
		load_config(tmp_path)
	latin = tmp_path / "latin.json"
	latin.write_bytes(b'{"rules": [{"name": "Caf\xe9"}]}')
	# {"rules": [{"name": "Caf is 24 bytes; the Latin-1 é is the 25th.
	with pytest.raises(ConfigError, match=r"latin.json: not UTF-8 text \(byte 25 cannot be read\)"):
		load_config(latin)


def test_health_score_evidence_names_each_invoice_once():
	# The last order S-2 is also the newer of two overdue invoices.
	f = CustomerFacts(
		"D",
		AS_OF,
		last_invoice_date=AS_OF,
		last_invoice="S-2",
		windows={90: WindowFacts(90)},
		overdue_amount=300.0,
		overdue_invoices=("S-1", "S-2"),
		oldest_overdue_days=40,
	)
	rule = parse_rule({"name": "Any score", "signal": "health_score", "operator": ">=", "threshold": 0})
	flags = []
	rule_evaluator([rule])(f, HealthScore("D", 55, "Amber"), flags)
	assert [flag.evidence for flag in flags] == [("S-2", "S-1")]


RULE = {"name": "R", "signal": "revenue_drop_pct", "operator": ">=", "threshold": 50}


@pytest.mark.parametrize(
	"text, message",
	[
		# An integer no float can hold, where numbers go.
		(
			'{"rules": [{**}]}'.replace("{**}", json.dumps({**RULE, "threshold": 10**400})),
			'field "threshold" must be a number',
		),
		(
			json.dumps({"rules": [{**RULE, "window_days": 10**400}]}),
			'field "window_days" must be a whole number of days from 1 to 36,500',
		),
		# Beyond a century of days, which date arithmetic on an as-of date cannot hold for long.
		(json.dumps({"rules": [{**RULE, "window_days": 400000}]}), "got 400000"),
		(
			json.dumps({"stake_window_days": 800000}),
			'field "stake_window_days" must be a whole number of days from 1 to 36,500',
		),
		(
			json.dumps({"rules": [{**RULE, "cooldown_days": 10**6}]}),
			'field "cooldown_days" must be a whole number of days from 0 to 36,500',
		),
		# Not text where a name goes: named as JSON, not as Python.
		(
			json.dumps({"rules": [{**RULE, "signal": ["overdue_amount"]}]}),
			'unknown signal ["overdue_amount"]',
		),
		(json.dumps({"rules": [{**RULE, "operator": {}}]}), "unknown operator {}"),
		(json.dumps({"rules": [{**RULE, "name": 5}]}), 'rule #1: field "name" must be text, got 5'),
		(json.dumps({"rules": [RULE, None]}), "rule #2: must be an object, got null"),
		(
			json.dumps({"rules": [{**RULE, "enabled": "no"}]}),
			'field "enabled" must be true or false, got "no"',
		),
		(
			json.dumps({"rules": [{**RULE, "signal": "health_score", "threshold": -5}]}),
			"must be 0-100 for health_score",
		),
		(
			json.dumps({"scorecard": {"measures": [{**TENURE, "measure": ["tenure"]}]}}),
			'scorecard measure #1 (["tenure"]): field "measure" must be one of',
		),
		(json.dumps({"scorecard": {"measures": [{**TENURE, "weight": 1e308}]}}), "at most 1,000,000"),
		('{"rules": [' * 100000 + "]" * 100000 + "}", "nested too deeply"),
		(
			'{"rules": [{"name": "\\ud800", "signal": "overdue_amount", "operator": ">", "threshold": 1}]}',
			"lone surrogate",
		),
		('{"stake_window_days": 30, "stake_window_days": 60}', 'the key "stake_window_days" appears twice'),
	],
)
def test_rule_files_that_would_have_crashed_are_refused(tmp_path, text, message):
	path = tmp_path / "rules.json"
	path.write_text(text, encoding="utf-8")
	with pytest.raises(ConfigError) as e:
		load_config(path)
	assert message in str(e.value)


def test_a_rule_file_may_start_with_a_byte_order_mark_and_minus_zero_is_zero(tmp_path):
	path = tmp_path / "rules.json"
	path.write_bytes(b"\xef\xbb\xbf" + json.dumps({"rules": [{**RULE, "threshold": -0.0}]}).encode())
	[rule] = load_config(path).rules
	assert str(rule.threshold) == "0.0"
