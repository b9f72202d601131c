"""CSM Settings and CSM Red Flag Rule records, turned into the engine's configuration."""

from __future__ import annotations

from dataclasses import replace

import frappe
from frappe import _
from frappe.utils.nestedset import get_descendants_of

from csm_extension.engine.config import (
	ConfigError,
	EngineConfig,
	parse_bands_text,
	parse_rule,
	parse_scorecard,
)
from csm_extension.engine.rules import ChurnPolicy

RULE_FIELDS = (
	"signal",
	"operator",
	"threshold",
	"severity",
	"window_days",
	"cooldown_days",
	"customer_group",
	"territory",
	"enabled",
	"description",
)


def get_settings():
	return frappe.get_cached_doc("CSM Settings")


def rule_data(doc) -> dict:
	"""A CSM Red Flag Rule record as the engine's rule mapping."""
	data = {"name": doc.get("rule_name") or doc.get("name")}
	data.update({f: doc.get(f) for f in RULE_FIELDS if doc.get(f) not in (None, "")})
	data["enabled"] = bool(doc.get("enabled"))
	return data


def scorecard_data(settings) -> dict:
	measures = [
		{
			"measure": row.measure,
			"weight": row.weight,
			"direction": row.direction,
			"bands": parse_bands_text(row.bands, f'scorecard row {row.idx} ({row.measure}): field "bands"'),
			"otherwise": row.otherwise or 0,
		}
		for row in settings.scorecard
	]
	return {
		"measures": measures,
		"window_days": settings.window_days or 90,
		"min_purchase_days": settings.min_purchase_days or 3,
		"green_from": settings.green_from,
		"amber_from": settings.amber_from,
	}


def engine_config(log=True) -> EngineConfig:
	"""Enabled rules that validate; a rule that does not is logged and skipped, the others still run."""
	settings = get_settings()
	try:
		scorecard = parse_scorecard(scorecard_data(settings))
	except ConfigError as e:
		frappe.throw(_("CSM Settings: {0}").format(e), title=_("Invalid health scorecard"))
	rules = []
	for doc in frappe.get_all(
		"CSM Red Flag Rule", filters={"enabled": 1}, fields=["name", "rule_name", *RULE_FIELDS]
	):
		try:
			rules.append(with_trees(parse_rule(rule_data(doc), default_window=scorecard.window_days)))
		except ConfigError as e:
			if log:
				frappe.log_error(title=f"CSM rule skipped: {doc.name}", message=str(e))
	multiple = settings.get("churn_multiple") or 0
	churn = ChurnPolicy(
		multiple if multiple > 1 else 3.0, settings.get("churn_fixed_days") or 365
	)  # empty: default
	return EngineConfig(tuple(rules), scorecard, settings.stake_window_days or 365, churn)


def with_trees(rule):
	"""A rule on a customer group or territory covers everything below it, as ERPNext's trees do."""

	def tree(doctype, name):
		if not name or not frappe.db.exists(doctype, name):
			return ()
		return (name, *get_descendants_of(doctype, name, ignore_permissions=True))

	return replace(
		rule,
		customer_group_tree=tree("Customer Group", rule.customer_group),
		territory_tree=tree("Territory", rule.territory),
	)


def customer_csm(customer: str, settings=None) -> str | None:
	settings = settings or get_settings()
	return frappe.db.get_value("Customer", customer, "csm") or settings.default_csm or None


def due_days(severity: str, settings=None) -> int:
	settings = settings or get_settings()
	return int(settings.get(f"due_days_{(severity or 'medium').lower()}") or 7)
