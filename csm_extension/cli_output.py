"""What `csm-extension run` prints and writes: the summary on the terminal and the complete results as
CSV files (scores with every measure's breakdown, flags with explanation and evidence, follow-ups)."""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from csm_extension.engine.config import EngineConfig
from csm_extension.engine.daily_pass import PassResult, most_at_risk
from csm_extension.engine.models import CustomerFacts
from csm_extension.engine.rules import SEVERITIES
from csm_extension.engine.scoring import STATUSES

TOP_AT_RISK = 20
FIRST_FOLLOWUPS = 10
LINE_WIDTH = 120


def _pct(part: int, whole: int) -> str:
	return f"{part / whole * 100:5.1f}%" if whole else "    -"


def _money(value: float) -> str:
	return f"{value:,.2f}"


def print_summary(
	result: PassResult,
	facts: list[CustomerFacts],
	config: EngineConfig,
	out: TextIO,
	source: str,
	company: str | None,
	dry_run: bool,
) -> None:
	total = len(result.scores)
	print(f"CSM daily pass as of {result.as_of} on {source} ({company or 'all companies'})", file=out)
	print(f"{total:,} customers scored, {len(result.flags):,} red flags raised", file=out)

	print("\nHealth bands", file=out)
	bands = Counter(s.status for s in result.scores.values())
	print(f"  {'Band':<20}{'Customers':>10}{'Share':>8}", file=out)
	for status in STATUSES:
		print(f"  {status:<20}{bands[status]:>10,}{_pct(bands[status], total):>8}", file=out)
	print(f"  {'Total':<20}{total:>10,}{_pct(total, total):>8}", file=out)

	print("\nRed flags by rule", file=out)
	per_rule = Counter(f.rule for f in result.flags)
	width = max([len(r.name) for r in config.rules] + [4]) + 2
	print(f"  {'Rule':<{width}}{'Severity':<10}{'Flags':>8}", file=out)
	for rule in config.rules:
		count = f"{per_rule[rule.name]:,}" if rule.enabled else "disabled"
		print(f"  {rule.name:<{width}}{rule.severity:<10}{count:>8}", file=out)

	stake = config.stake_window_days
	at_risk = most_at_risk(result, facts, stake, TOP_AT_RISK)
	unscored = sum(1 for s in result.scores.values() if s.score is None)
	print(
		f"\n{TOP_AT_RISK} most at-risk customers (lowest score first"
		+ (f"; {unscored:,} without a score yet are not ranked)" if unscored else ")"),
		file=out,
	)
	if not at_risk:
		print("  (no customer has enough history for a score)", file=out)
	else:
		print(
			f"  {'#':>3}  {'Customer':<16}{'Score':>6}  {'Status':<8}{f'At stake ({stake}d)':>18}  Flags",
			file=out,
		)
	for i, row in enumerate(at_risk, 1):
		print(
			f"  {i:>3}  {row.customer:<16}{row.score:>6}  {row.status:<8}{_money(row.revenue_at_stake):>18}"
			f"  {row.flags}",
			file=out,
		)
		for reason in row.reasons:
			print(f"         - {reason}", file=out)

	plan = result.plan
	print(
		f"\nFollow-ups: {len(plan.to_open):,} to open, {len(plan.to_keep):,} to keep, "
		f"{len(plan.to_resolve):,} to resolve, {len(plan.suppressed):,} held back by cooldown",
		file=out,
	)
	opening = Counter(f.rule for f in plan.to_open)
	for rule, count in sorted(opening.items(), key=lambda kv: (-kv[1], kv[0])):
		print(f"  {rule:<{width}}{count:>8,}", file=out)
	if plan.to_open:
		shown = min(FIRST_FOLLOWUPS, len(plan.to_open))
		print(f"  first {shown} to open (most severe first):", file=out)
		rank = {s: i for i, s in enumerate(reversed(SEVERITIES))}
		first = sorted(plan.to_open, key=lambda f: (rank.get(f.severity, len(rank)), f.customer, f.rule))
		for flag in first[:FIRST_FOLLOWUPS]:
			line = f"    {flag.customer}  {flag.rule} ({flag.severity}): {flag.explanation}"
			print(line if len(line) <= LINE_WIDTH else line[: LINE_WIDTH - 1] + "…", file=out)
	if dry_run:
		print("  (dry run: the follow-up store was not changed)", file=out)


def _fmt(value) -> str:
	if value is None:
		return ""
	if isinstance(value, float):
		return f"{value:.4f}".rstrip("0").rstrip(".") if value == value else ""
	return str(value)


def _write_csv(path: Path, header: Sequence[str], rows) -> None:
	with path.open("w", newline="", encoding="utf-8") as f:
		writer = csv.writer(f, lineterminator="\n")
		writer.writerow(header)
		for row in rows:
			writer.writerow([_fmt(v) for v in row])


def write_results(
	result: PassResult, facts: list[CustomerFacts], config: EngineConfig, out_dir: Path
) -> None:
	"""scores.csv (one row per customer, every measure), flags.csv and followups.csv."""
	out_dir.mkdir(parents=True, exist_ok=True)
	stake = config.stake_window_days
	flag_count = Counter(f.customer for f in result.flags)
	measures = [m.measure for m in config.scorecard.measures]
	header = [
		"customer",
		"customer_name",
		"customer_group",
		"territory",
		"score",
		"status",
		"note",
		"reason_1",
		"reason_2",
		f"revenue_at_stake_{stake}d",
		"flags",
		"purchase_days",
		"first_invoice_date",
		"last_invoice_date",
		"days_since_last_invoice",
		"lifetime_revenue",
		"overdue_amount",
	]
	for m in measures:
		header += [f"{m}_raw", f"{m}_points", f"{m}_weight", f"{m}_explanation"]

	def score_rows():
		for f in facts:
			s = result.scores[f.customer]
			# An unscored customer's weakest measures say nothing; its note says why there is no score.
			reasons = (s.reasons(2) if s.score is not None else []) + ["", ""]
			row = [
				f.customer,
				f.customer_name,
				f.customer_group,
				f.territory,
				s.score,
				s.status,
				s.note,
				reasons[0],
				reasons[1],
				f.window(stake).recent_revenue,
				flag_count[f.customer],
				f.purchase_days,
				f.first_invoice_date,
				f.last_invoice_date,
				f.days_since_last_invoice,
				f.lifetime_revenue,
				f.overdue_amount,
			]
			by_measure = {m.measure: m for m in s.breakdown}
			for m in measures:
				r = by_measure.get(m)
				row += [r.raw, r.points, r.weight, r.explanation] if r else ["", "", "", ""]
			yield row

	_write_csv(out_dir / "scores.csv", header, score_rows())

	plan = result.plan
	action = {f.key: "open" for f in plan.to_open}
	action.update({f.key: "keep" for _, f in plan.to_keep})
	action.update({f.key: "suppressed" for f in plan.suppressed})
	names = {f.customer: f.customer_name for f in facts}
	_write_csv(
		out_dir / "flags.csv",
		["customer", "customer_name", "rule", "signal", "severity", "value", "operator", "threshold"]
		+ ["explanation", "evidence", "followup"],
		(
			[
				f.customer,
				names.get(f.customer),
				f.rule,
				f.signal,
				f.severity,
				f.value,
				f.operator,
				f.threshold,
			]
			+ [f.explanation, "; ".join(f.evidence), action.get(f.key, "")]
			for f in sorted(result.flags, key=lambda f: (f.customer, f.rule))
		),
	)

	def followup_rows():
		for f in plan.to_open:
			yield [
				"open",
				"",
				f.customer,
				f.rule,
				f.severity,
				result.as_of,
				f.value,
				f.threshold,
				f.explanation,
			]
		for item, f in plan.to_keep:
			yield [
				"keep",
				item.ref,
				f.customer,
				f.rule,
				f.severity,
				item.raised_on,
				f.value,
				f.threshold,
				f.explanation,
			]
		# A resolved flag shows what it showed when last recorded, its rule deleted or not.
		for item in plan.to_resolve:
			yield [
				"resolve",
				item.ref,
				item.customer,
				item.rule,
				item.severity or "",
				item.raised_on,
				"" if item.value is None else item.value,
				"" if item.threshold is None else item.threshold,
				item.explanation or "",
			]

	_write_csv(
		out_dir / "followups.csv",
		["action", "ref", "customer", "rule", "severity", "raised_on", "value", "threshold", "explanation"],
		followup_rows(),
	)
