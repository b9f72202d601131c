"""What the Customer form shows in its Customer Success area: health explained, flags, onboarding, NPS,
churn. One customer, a handful of indexed reads."""

from __future__ import annotations

from dataclasses import asdict, replace

import frappe
from frappe.utils import getdate, today

from csm_extension.data import app_tables
from csm_extension.data.db import FrappeDatabase
from csm_extension.data.followups import EVIDENCE_SEPARATOR
from csm_extension.engine.daily_pass import run_daily_pass
from csm_extension.engine.facts import compute_facts
from csm_extension.services.daily_pass import _extra_signals
from csm_extension.services.settings import engine_config, get_settings


def health_now(customer: str, as_of=None) -> dict:
	"""The engine's score for this customer as of the last daily pass (so it agrees with the stored score
	and flags), with every measure's reason and the flags it raises."""
	as_of = getdate(as_of or get_settings().get("last_pass_on") or today())
	config = engine_config(log=False)
	db = FrappeDatabase()
	row, invoices = app_tables.customer_rows(db, customer)
	if row is None:
		return {}
	company = get_settings().company or None
	[facts] = compute_facts([replace(row, disabled=False)], invoices, as_of, config.windows, company)
	stage, nps_score, nps_date = frappe.db.get_value(
		"Customer", customer, ["csm_lifecycle_stage", "csm_last_nps_score", "csm_last_nps_date"]
	)
	overdue = app_tables.onboarding_overdue_days(db, as_of)
	nps = {customer: nps_score} if nps_date else {}
	facts = replace(facts, extra=_extra_signals(customer, nps, overdue, {customer: {"stage": stage}}))
	result = run_daily_pass([facts], config, as_of)
	score = result.scores[customer]
	return {
		"as_of": str(as_of),
		"score": score.score,
		"status": score.status,
		"note": score.note,
		"measures": [asdict(m) for m in score.breakdown],
		"would_flag": [
			{"rule": f.rule, "severity": f.severity, "explanation": f.explanation} for f in result.flags
		],
	}


def _link_evidence(flags: list) -> None:
	"""Each flag's `documents`: its evidence names with the doctype to open them in (the invoices the
	signals cite), in one statement for all flags; a name of no known document stays plain text."""
	evidence = {f.name: [n for n in (f.evidence or "").split(EVIDENCE_SEPARATOR) if n] for f in flags}
	names = {n for ns in evidence.values() for n in ns}
	invoices = (
		set(frappe.get_all("Sales Invoice", filters={"name": ("in", names)}, pluck="name"))
		if names
		else set()
	)
	for f in flags:
		f.documents = [
			{"doctype": "Sales Invoice" if n in invoices else None, "name": n} for n in evidence[f.name]
		]


def summary(customer: str) -> dict:
	flags = frappe.get_all(
		"CSM Red Flag",
		filters={"customer": customer, "status": ("in", ("Open", "Acknowledged"))},
		fields=["name", "rule", "severity", "status", "explanation", "evidence", "raised_on"],
		order_by="raised_on desc",
	)
	_link_evidence(flags)
	plan = frappe.get_all(
		"CSM Onboarding Plan",
		filters={"customer": customer, "status": ("!=", "Cancelled")},
		fields=["name", "status", "progress", "start_date"],
		order_by="creation desc",
		limit=1,
	)
	fields = frappe.db.get_value(
		"Customer",
		customer,
		[
			"csm",
			"csm_lifecycle_stage",
			"csm_churned_on",
			"csm_churn_reason",
			"csm_last_nps_score",
			"csm_last_nps_date",
			"csm_last_health_check",
			"csm_next_health_check",
		],
		as_dict=True,
	)
	return {
		"health": health_now(customer),
		"flags": flags,
		"plan": plan[0] if plan else None,
		"customer": fields,
	}
