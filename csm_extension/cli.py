"""`csm-extension`: load ERPNext exports into an offline SQLite database and run the daily pass on it."""

from __future__ import annotations

import argparse
import csv
import os
import sys
from collections import Counter
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TextIO

from csm_extension.data.db import SQLiteDatabase
from csm_extension.data.facts import invoice_span, iter_facts
from csm_extension.data.followups import TABLE as FOLLOWUP_TABLE
from csm_extension.data.followups import (
	apply_plan,
	create_followup_table,
	last_recorded_on,
	load_followup_state,
)
from csm_extension.data.loader import BATCH_SIZE, LoadError, LoadResult, load_exports
from csm_extension.data.schema import create_erpnext_tables
from csm_extension.datasets import cdnow
from csm_extension.engine.config import ConfigError, EngineConfig, load_config
from csm_extension.engine.daily_pass import PassResult, most_at_risk, run_daily_pass
from csm_extension.engine.models import CustomerFacts
from csm_extension.engine.rules import SEVERITIES
from csm_extension.engine.scoring import STATUSES

PROG = "csm-extension"
TOP_AT_RISK = 20
FIRST_FOLLOWUPS = 10
DEMO_AS_OF = date(1998, 6, 30)
LINE_WIDTH = 120


class CliError(Exception):
	"""A usage problem worth one line on stderr, not a traceback."""


def _as_of(text: str) -> date:
	try:
		return date.fromisoformat(text)
	except ValueError:
		raise CliError(f'--as-of "{text}" is not a date (expected YYYY-MM-DD)') from None


def _open_db(path: str | Path, must_exist: bool) -> SQLiteDatabase:
	path = Path(path)
	if must_exist and not path.is_file():
		raise CliError(f"no database at {path} (create it with `{PROG} load --db {path} ...`)")
	path.parent.mkdir(parents=True, exist_ok=True)
	return SQLiteDatabase(str(path))


def _has_table(db: SQLiteDatabase, table: str) -> bool:
	return bool(db.sql("select 1 from sqlite_master where type = 'table' and name = %(t)s", {"t": table}))


def _progress(err: TextIO):
	def report(what: str, done: int, total: int) -> None:
		if total > BATCH_SIZE:
			print(f"  {what}: {done:,} / {total:,}", file=err, flush=True)

	return report


# --- load ---------------------------------------------------------------------------------------


def load(
	db_path: str | Path, customers=None, invoices=None, out: TextIO | None = None, err=None
) -> LoadResult:
	"""Create the tables if needed and load the two exports in one transaction."""
	out, err = out or sys.stdout, err or sys.stderr
	created = not Path(db_path).exists()
	db = _open_db(db_path, must_exist=False)
	try:
		create_erpnext_tables(db)
		create_followup_table(db)
		result = load_exports(db, customers, invoices, progress=_progress(err))
	except BaseException:
		db.close()
		if created:  # a failed first load leaves no empty database behind
			Path(db_path).unlink(missing_ok=True)
		raise
	db.close()
	print(
		f"Loaded {result.customers:,} customers and {result.invoices:,} sales invoices into {db_path}",
		file=out,
	)
	return result


def load_cdnow(db_path: str | Path, txt: str | None, work_dir: Path, out=None, err=None) -> LoadResult:
	"""Convert CDNOW_master.txt (fetched into `work_dir` when `txt` is None) into `work_dir`, then load it."""
	out, err = out or sys.stdout, err or sys.stderr
	if txt is None:
		print(f"Fetching CDNOW_master.txt ({cdnow.LIFETIMES_REQUIREMENT} wheel) ...", file=err, flush=True)
		txt = cdnow.fetch_cdnow(work_dir)
	# The converted exports stay beside the text file, to be read or loaded into a real site.
	customers, invoices = cdnow.convert_file(Path(txt), work_dir)
	print(f"Converted {txt} into {customers} and {invoices}", file=err)
	return load(db_path, customers, invoices, out, err)


# --- run ----------------------------------------------------------------------------------------


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
	print(f"\n{TOP_AT_RISK} most at-risk customers (lowest score first)", file=out)
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
		for item in plan.to_resolve:
			yield ["resolve", item.ref, item.customer, item.rule, "", item.raised_on, "", "", ""]

	_write_csv(
		out_dir / "followups.csv",
		["action", "ref", "customer", "rule", "severity", "raised_on", "value", "threshold", "explanation"],
		followup_rows(),
	)


def default_out_dir(db_path: str | Path) -> Path:
	"""build/cdnow.sqlite -> build/cdnow-results."""
	db_path = Path(db_path)
	return db_path.with_name(f"{db_path.stem}-results")


def run(
	db_path: str | Path,
	as_of: date,
	rules: str | None = None,
	out_dir: str | Path | None = None,
	dry_run: bool = False,
	company: str | None = None,
	out: TextIO | None = None,
) -> PassResult:
	"""The daily pass on an offline database: summary on `out`, CSVs in `out_dir`, plan applied unless dry."""
	out = out or sys.stdout
	config = load_config(rules)
	db = _open_db(db_path, must_exist=True)
	try:
		span = invoice_span(db) if _has_table(db, "tabSales Invoice") else None
		if span is None:
			raise CliError(f"{db_path} holds no submitted sales invoices; load some first")
		first, last = span
		if not first <= as_of <= last:
			when = "before the first" if as_of < first else "after the last"
			raise CliError(
				f"--as-of {as_of} is {when} invoice in {db_path}; choose a date from {first} to {last}"
			)
		if not dry_run:
			create_followup_table(db)
			last_run = last_recorded_on(db)
			if last_run and as_of < last_run:
				raise CliError(
					f"--as-of {as_of} is before the last recorded pass ({last_run}) in {db_path}: flags would"
					" close before they were raised; add --dry-run to look at an earlier date"
				)
		if _has_table(db, FOLLOWUP_TABLE):
			open_items, closed_items = load_followup_state(db)
		else:
			open_items, closed_items = [], []
		# The customers are scored as their rows arrive (everything else is read before).
		facts = iter_facts(db, as_of, config.windows, company)
		result = run_daily_pass(facts, config, as_of, open_items, closed_items)
		facts = result.facts
		out_dir = Path(out_dir) if out_dir else default_out_dir(db_path)
		write_results(result, facts, config, out_dir)
		# Recorded before the summary is printed: a reader that stops reading cannot leave it half done.
		if not dry_run:
			apply_plan(db, result.plan, as_of)
		print_summary(result, facts, config, out, str(db_path), company, dry_run)
		print(f"\nResults written to {out_dir}/ (scores.csv, flags.csv, followups.csv)", file=out)
	finally:
		db.close()
	return result


# --- entry point --------------------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
	parser = argparse.ArgumentParser(prog=PROG, description=__doc__)
	sub = parser.add_subparsers(dest="command", required=True)

	p = sub.add_parser("load", help="load ERPNext CSV exports (or the CDNOW data set) into a SQLite file")
	p.add_argument("--db", required=True, help="SQLite file (created if missing)")
	p.add_argument(
		"--cdnow",
		nargs="?",
		const="",
		metavar="TXT",
		help="convert and load CDNOW_master.txt; without a file it is fetched from the lifetimes wheel",
	)
	p.add_argument("--customers", metavar="CSV", help="Customer list export")
	p.add_argument("--invoices", metavar="CSV", help="Sales Invoice list export")
	p.add_argument(
		"--work-dir",
		default="build/cdnow",
		help="where the fetched CDNOW file and its CSV conversion go (default: build/cdnow)",
	)

	p = sub.add_parser("run", help="score customers, raise red flags and plan follow-ups as of a date")
	p.add_argument("--db", required=True, help="SQLite file made by `load`")
	p.add_argument("--as-of", required=True, metavar="YYYY-MM-DD")
	p.add_argument("--rules", metavar="FILE", help="JSON rules/scorecard replacing the packaged defaults")
	p.add_argument(
		"--out", metavar="DIR", help="where the CSVs go (default: <db name>-results beside the db)"
	)
	p.add_argument("--dry-run", action="store_true", help="do not record the follow-ups in the database")
	p.add_argument("--company", metavar="NAME", help="only this company's invoices")

	p = sub.add_parser(
		"demo", help="fetch CDNOW, load it fresh into build/cdnow.sqlite and run as of 1998-06-30"
	)
	p.add_argument("--build", default="build", metavar="DIR", help="working directory (default: build)")
	return parser


def main(argv: Sequence[str] | None = None) -> int:
	args = _parser().parse_args(argv)
	try:
		if args.command == "load":
			if args.cdnow is not None:
				if args.customers or args.invoices:
					raise CliError("use either --cdnow or --customers/--invoices, not both")
				load_cdnow(args.db, args.cdnow or None, Path(args.work_dir))
			elif args.customers or args.invoices:
				load(args.db, args.customers, args.invoices)
			else:
				raise CliError("nothing to load: give --cdnow [TXT] or --customers CSV --invoices CSV")
		elif args.command == "run":
			run(args.db, _as_of(args.as_of), args.rules, args.out, args.dry_run, args.company)
		elif args.command == "demo":
			build = Path(args.build)
			db_path = build / "cdnow.sqlite"
			db_path.unlink(missing_ok=True)
			load_cdnow(db_path, None, build / "cdnow")
			print()
			run(db_path, DEMO_AS_OF, out_dir=build / "cdnow-results")
		sys.stdout.flush()  # here, where a closed pipe is caught, rather than at interpreter exit
	except (CliError, LoadError, ConfigError, cdnow.CdnowError) as e:
		print(f"{PROG}: error: {e}", file=sys.stderr)
		return 2
	except BrokenPipeError:
		# The reader (e.g. `| head`) stopped early: no traceback; what was recorded stays recorded.
		os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
		return 1
	return 0


if __name__ == "__main__":
	sys.exit(main())
