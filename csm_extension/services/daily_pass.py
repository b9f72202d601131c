"""The daily pass inside a site: the data layer reads ERPNext, the engine decides, this writes.

Writes go through savepoints: one customer or flag that fails is rolled back alone, logged in Error Log,
and the rest of the pass goes on. A dry run reads and decides the same way and writes nothing.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

import frappe
from frappe.utils import add_days, getdate, today

from csm_extension.data import app_tables
from csm_extension.data.db import FrappeDatabase
from csm_extension.data.facts import iter_facts
from csm_extension.data.followups import load_followup_state
from csm_extension.engine.daily_pass import PassResult, run_daily_pass
from csm_extension.services import flags as flag_service
from csm_extension.services import health, onboarding
from csm_extension.services.settings import engine_config, get_settings


@dataclass
class PassReport:
	as_of: date
	dry_run: bool
	actions: list[tuple[str, str, str]] = field(default_factory=list)
	errors: list[str] = field(default_factory=list)
	statements: int = 0
	# Customers whose new follow-up or health check got no ToDo: no CSM, and no Default CSM in settings.
	unowned: list[str] = field(default_factory=list)

	def counts(self) -> dict[str, int]:
		return dict(Counter(kind for kind, _, _ in self.actions))

	def warnings(self) -> list[str]:
		if not self.unowned:
			return []
		return [
			f"{len(self.unowned)} new follow-ups or health checks got no ToDo: their customers have no CSM"
			f" and CSM Settings has no Default CSM (first: {', '.join(sorted(set(self.unowned))[:5])})"
		]

	def as_dict(self) -> dict:
		return {
			"as_of": str(self.as_of),
			"dry_run": self.dry_run,
			"counts": self.counts(),
			"errors": self.errors,
			"warnings": self.warnings(),
			"read_statements": self.statements,
			"actions": [{"action": a, "target": t, "detail": d} for a, t, d in self.actions],
		}


def _do(report: PassReport, action: str, target: str, detail: str, write) -> None:
	"""Record an action and, unless dry, carry it out alone: its failure undoes only itself."""
	_do_all(report, action, [(target, detail)], write, f"{action} {target}")


def _do_all(report: PassReport, action: str, targets: list[tuple[str, str]], write, label: str) -> None:
	"""`_do` for one write that carries out many actions, (target, detail) each: all of them or none."""
	if not report.dry_run:
		savepoint = f"csm_{len(report.actions) + len(report.errors)}"
		frappe.db.savepoint(savepoint)
		try:
			write()
		except Exception:
			frappe.db.rollback(save_point=savepoint)
			frappe.log_error(title=f"CSM daily pass: {label}")
			report.errors.append(label)
			return
	report.actions += [(action, target, detail) for target, detail in targets]


def compute(as_of: date) -> tuple[PassResult, list, dict, int]:
	"""Read everything with a fixed number of statements and let the engine decide."""
	settings = get_settings()
	config = engine_config()
	db = FrappeDatabase()
	nps = app_tables.last_nps_scores(db)
	overdue = app_tables.onboarding_overdue_days(db, as_of)
	state = app_tables.customer_success_state(db)
	open_items, closed_items = load_followup_state(db)
	# Last, as it streams: the engine scores each customer while the database sends the next ones.
	# Only the windows the decisions read (no revenue-at-stake window: the site does not report it).
	facts = iter_facts(
		db,
		as_of,
		config.decision_windows,
		company=settings.company or None,
		extra=lambda customer: _extra_signals(customer, nps, overdue, state),
	)
	result = run_daily_pass(facts, config, as_of, open_items, closed_items)
	return result, result.facts, state, db.statements


def _extra_signals(customer: str, nps: dict, overdue: dict, state: dict) -> dict:
	"""What only a site knows: the last NPS answer, overdue onboarding, and a churn a CSM confirmed."""
	extra = {"last_nps_score": nps.get(customer), "onboarding_overdue_days": overdue.get(customer)}
	if state.get(customer, {}).get("stage") == "Churned":
		extra["churned"] = 1
	return {k: v for k, v in extra.items() if v is not None}


def run(as_of=None, dry_run: bool = False, force: bool = False) -> PassReport:
	settings = get_settings()
	as_of = getdate(as_of or today())
	report = PassReport(as_of, bool(dry_run))
	if not (settings.enabled or force):
		report.actions.append(("skipped", "CSM Settings", "the daily pass is disabled"))
		return report
	result, facts, state, report.statements = compute(as_of)
	write_health(report, result, state)
	write_flags(report, result, state, settings)
	schedule_checks(report, result, facts, state, settings)
	refresh_plans(report, as_of, settings)
	if not report.dry_run:
		frappe.db.set_single_value("CSM Settings", "last_pass_on", as_of)
		for warning in report.warnings():  # where admins look for what the scheduled pass could not do
			frappe.log_error(title="CSM daily pass: follow-ups without an owner", message=warning)
	return report


def write_health(report: PassReport, result: PassResult, state: dict) -> None:
	for customer, score in result.scores.items():
		now = state.get(customer, {})
		# Int columns are never NULL: "no score" is 0 with the status Insufficient Data.
		if (now.get("score") or 0, now.get("status")) == (score.score or 0, score.status):
			continue
		values = {"csm_health_score": score.score or 0, "csm_health_status": score.status}
		_do(
			report,
			"health",
			customer,
			f"{now.get('status') or '—'} -> {score.status} ({score.score if score.score is not None else '—'})",
			lambda c=customer, v=values: frappe.db.set_value("Customer", c, v, update_modified=False),
		)


def write_flags(report: PassReport, result: PassResult, state: dict, settings) -> None:
	plan = result.plan
	for flag in plan.to_open:
		csm = state.get(flag.customer, {}).get("csm") or settings.default_csm
		if not csm:
			report.unowned.append(flag.customer)
		_do(
			report,
			"open flag",
			flag.key,
			flag.explanation,
			lambda f=flag, c=csm: flag_service.open_flag(f, c, result.as_of),
		)
	# Only the kept flags whose value, explanation or evidence changed, compared with what the pass read.
	stale = [(item.ref, flag) for item, flag in plan.to_keep if item.ref and item.shows_stale(flag)]
	if stale:
		_do_all(
			report,
			"refresh flag",
			[(flag.key, flag.explanation) for _, flag in stale],
			lambda: flag_service.refresh_flags(stale),
			f"refresh flag ({len(stale)} flags)",
		)
	for item in plan.to_resolve:
		_do(
			report,
			"resolve flag",
			item.key,
			item.ref,
			lambda i=item: flag_service.resolve_flag(i.ref, result.as_of),
		)


def schedule_checks(report: PassReport, result: PassResult, facts: list, state: dict, settings) -> None:
	"""A customer that has bought is checked every cadence days from its last check (or first order)."""
	with_open_check = app_tables.customers_with_open_scheduled_check(FrappeDatabase())
	for f in facts:
		now = state.get(f.customer, {})
		if not f.first_invoice_date or now.get("stage") == "Churned":
			continue
		base = now.get("last_check") or f.first_invoice_date
		due = getdate(add_days(base, health.cadence_days(now.get("customer_group"), settings)))
		if due != now.get("next_check"):
			_do(
				report,
				"next check",
				f.customer,
				str(due),
				lambda c=f.customer, d=due: frappe.db.set_value(
					"Customer", c, "csm_next_health_check", d, update_modified=False
				),
			)
		if due <= result.as_of and f.customer not in with_open_check:
			csm = now.get("csm") or settings.default_csm
			if not csm:
				report.unowned.append(f.customer)
			_do(
				report,
				"health check",
				f.customer,
				f"due {due}",
				lambda c=f.customer, s=result.scores[f.customer], u=csm: health.open_scheduled_check(
					c, s, result.as_of, u
				),
			)


def refresh_plans(report: PassReport, as_of: date, settings) -> None:
	for name, status, stalled in app_tables.plan_stall_state(
		FrappeDatabase(), as_of, settings.stall_days or 0
	):
		if stalled == (status == "Stalled"):
			continue
		_do(
			report,
			"plan status",
			name,
			"Stalled" if stalled else "recomputed",
			lambda n=name: _refresh_plan(n, as_of),
		)


def _refresh_plan(name: str, as_of: date) -> None:
	plan = frappe.get_doc("CSM Onboarding Plan", name)
	onboarding.refresh(plan, as_of)
	plan.db_set({"status": plan.status, "progress": plan.progress}, update_modified=False)
