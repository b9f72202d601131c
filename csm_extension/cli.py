"""`csm-extension`: load ERPNext exports into an offline SQLite database and run the daily pass on it."""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TextIO

from csm_extension.cli_files import (
	PROG,
	CliError,
	database_error,
	given,
	has_table,
	new_database,
	open_db,
	parse_as_of,
	results_dir,
)
from csm_extension.cli_output import print_summary, write_results
from csm_extension.data.db import SQLiteDatabase
from csm_extension.data.facts import invoice_companies, invoice_span, invoices_outside, iter_facts
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
from csm_extension.engine.config import ConfigError, load_config
from csm_extension.engine.daily_pass import PassResult, run_daily_pass
from csm_extension.engine.models import counted

DEMO_AS_OF = date(1998, 6, 30)


def _progress(err: TextIO):
	def report(what: str, done: int, total: int) -> None:
		if total > BATCH_SIZE:
			print(f"  {what}: {done:,} / {total:,}", file=err, flush=True)

	return report


# --- load ---------------------------------------------------------------------------------------


def load(
	db_path: str | Path, customers=None, invoices=None, out: TextIO | None = None, err=None
) -> LoadResult:
	"""Create the tables if needed and load the two exports in one transaction; a refused load leaves no
	new file, directory or table behind."""
	out, err = out or sys.stdout, err or sys.stderr
	with new_database(db_path) as db:
		create_erpnext_tables(db)
		create_followup_table(db)
		result = load_exports(db, customers, invoices, progress=_progress(err))
	print(
		f"Loaded {result.customers:,} customers and {result.invoices:,} sales invoices into {db_path}",
		file=out,
	)
	return result


def load_cdnow(db_path: str | Path, txt: str | None, work_dir: Path, out=None, err=None) -> LoadResult:
	"""Convert CDNOW_master.txt (fetched into `work_dir` when `txt` is None) into `work_dir`, then load it."""
	out, err = out or sys.stdout, err or sys.stderr
	if work_dir.exists() and not work_dir.is_dir():
		raise CliError(f"--work-dir {work_dir} is a file, not a directory")
	if txt is None:
		txt = cdnow.cached_cdnow(work_dir)  # hashed once here, not again by fetch_cdnow
		if txt:
			print(f"Using {txt} (checksum verified)", file=err, flush=True)
		else:
			print(
				f"Fetching CDNOW_master.txt ({cdnow.LIFETIMES_REQUIREMENT} wheel) ...", file=err, flush=True
			)
			txt = cdnow.fetch_cdnow(work_dir)
	elif Path(txt).is_dir():
		raise CliError(f"--cdnow {txt} is a directory (give CDNOW_master.txt, or --cdnow alone to fetch it)")
	elif not Path(txt).is_file():
		raise CliError(f"--cdnow {txt}: no such file (give CDNOW_master.txt, or --cdnow alone to fetch it)")
	# The converted exports stay beside the text file, to be read or loaded into a real site.
	customers, invoices = cdnow.convert_file(Path(txt), work_dir)
	print(f"Converted {txt} into {customers} and {invoices}", file=err)
	return load(db_path, customers, invoices, out, err)


# --- run ----------------------------------------------------------------------------------------


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
	err: TextIO | None = None,
) -> PassResult:
	"""The daily pass on an offline database: summary on `out`, CSVs in `out_dir`, plan applied unless dry."""
	out, err = out or sys.stdout, err or sys.stderr
	config = load_config(rules)
	out_dir = Path(out_dir) if out_dir else default_out_dir(db_path)
	if out_dir.exists() and not out_dir.is_dir():
		raise CliError(f"--out {out_dir} is a file, not a directory")
	db = open_db(db_path, must_exist=True)
	try:
		note = _check_as_of(db, db_path, as_of, company)
		if company is not None and not dry_run and (others := invoices_outside(db, company)):
			# Flags are per customer and rule: recorded over one company, a pass would close those
			# raised over the others (a customer overdue at one company is not cleared by another).
			raise CliError(
				f'--company "{company}": {db_path} also holds {counted(others, "submitted invoice")} of other'
				" companies, and recorded follow-ups are per customer across all of them; add --dry-run to"
				" look at this company alone (or load it into a database of its own)"
			)
		recorded = has_table(db, FOLLOWUP_TABLE)
		last_run = last_recorded_on(db) if recorded else None
		looking_back = bool(last_run and as_of < last_run)
		if looking_back and not dry_run:
			raise CliError(
				f"--as-of {as_of} is before the last recorded pass ({last_run}) in {db_path}: flags would"
				" close before they were raised; add --dry-run to look at an earlier date"
			)
		if looking_back:
			# The store holds what came after that day: planned against it, the look-back would resolve
			# flags raised later. It is planned as if nothing were recorded, and says so.
			print(
				f"note: --as-of {as_of} is before the last recorded pass ({last_run}): follow-ups are planned"
				" as if nothing were recorded",
				file=err,
			)
			open_items, closed_items = [], []
		elif recorded:
			open_items, closed_items = load_followup_state(db)
		else:
			open_items, closed_items = [], []
		if note:  # once nothing refuses the run
			print(note, file=err)
		if not dry_run:
			create_followup_table(db)
		# The customers are scored as their rows arrive (everything else is read before).
		facts = iter_facts(db, as_of, config.windows, company)
		result = run_daily_pass(facts, config, as_of, open_items, closed_items)
		facts = result.facts
		# The CSVs are written aside, the plan recorded, then the CSVs moved into place: a failure at any
		# step leaves both the store and the previous results as they were.
		with results_dir(out_dir) as scratch:
			try:
				write_results(result, facts, config, scratch)
			except OSError as e:
				raise CliError(f"--out {out_dir}: cannot write the results ({e.strerror or e})") from None
			# Recorded before the summary is printed: a reader that stops reading cannot leave it half done.
			if not dry_run:
				apply_plan(db, result.plan, as_of)
		print_summary(result, facts, config, out, str(db_path), company, dry_run)
		print(f"\nResults written to {out_dir}/ (scores.csv, flags.csv, followups.csv)", file=out)
	finally:
		db.close()
	return result


def _check_as_of(db: SQLiteDatabase, db_path, as_of: date, company: str | None) -> str | None:
	"""Refuse a date before the first invoice (nothing to score yet) or a company without invoices; a
	date after the last invoice is fine (the silence since then is what a CSM must see): the note."""
	invoices = has_table(db, "tabSales Invoice")
	span = invoice_span(db, company) if invoices else None
	if span is None:
		companies = invoice_companies(db) if company is not None and invoices else []
		if companies:
			raise CliError(
				f'--company "{company}": no submitted sales invoice of that company in {db_path}'
				f" (companies: {', '.join(companies)})"
			)
		raise CliError(f"{db_path} holds no submitted sales invoices; load some first")
	first, last = span
	of = f' of "{company}"' if company is not None else ""
	if as_of < first:
		raise CliError(
			f"--as-of {as_of} is before the first invoice{of} in {db_path} ({first}); choose {first} or later"
		)
	if as_of > last:
		return (
			f"note: --as-of {as_of} is {counted((as_of - last).days, 'day')} after the last invoice{of} in"
			f" {db_path} ({last}); every silence counts up to {as_of}"
		)
	return None


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
	p.add_argument(
		"--rules",
		metavar="FILE",
		help="JSON file whose parts (rules, scorecard, ...) replace those of the packaged defaults",
	)
	p.add_argument(
		"--out", metavar="DIR", help="where the CSVs go (default: <db name>-results beside the db)"
	)
	p.add_argument("--dry-run", action="store_true", help="do not record the follow-ups in the database")
	p.add_argument(
		"--company",
		metavar="NAME",
		help="only this company's invoices (recorded only where the database holds no other company's)",
	)

	p = sub.add_parser(
		"demo", help="fetch CDNOW, load it fresh into build/cdnow.sqlite and run as of 1998-06-30"
	)
	p.add_argument("--build", default="build", metavar="DIR", help="working directory (default: build)")
	return parser


def main(argv: Sequence[str] | None = None) -> int:
	args = _parser().parse_args(argv)
	try:
		_dispatch(args)
		if sys.stdout is not None:  # closed (`>&-`): nothing to flush
			sys.stdout.flush()  # here, where a closed pipe is caught, rather than at interpreter exit
	except (CliError, LoadError, ConfigError, cdnow.CdnowError) as e:
		print(f"{PROG}: error: {e}", file=sys.stderr)
		return 2
	except sqlite3.Error as e:
		print(f"{PROG}: error: {database_error(getattr(args, 'db', None) or args.build, e)}", file=sys.stderr)
		return 2
	except KeyboardInterrupt:
		# Every write is one transaction and the results move into place last: nothing is half done.
		print(f"{PROG}: interrupted; nothing of the interrupted step was recorded", file=sys.stderr)
		return 130
	except BrokenPipeError:
		# The reader (e.g. `| head`) stopped early: no traceback; what was recorded stays recorded.
		os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
		return 1
	except OSError as e:
		if e.filename is None and e.errno is not None:  # standard output itself (a full disk, /dev/full)
			print(f"{PROG}: error: cannot write the summary ({e.strerror})", file=sys.stderr)
			return 1
		print(f"{PROG}: error: {e.filename}: {e.strerror or e}", file=sys.stderr)
		return 2
	return 0


def _dispatch(args: argparse.Namespace) -> None:
	for option in ("db", "customers", "invoices", "work_dir", "rules", "out", "build"):
		given(f"--{option.replace('_', '-')}", getattr(args, option, None))
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
		run(args.db, parse_as_of(args.as_of), args.rules, args.out, args.dry_run, args.company)
	elif args.command == "demo":
		build = Path(args.build)
		if build.exists() and not build.is_dir():
			raise CliError(f"--build {build} is a file, not a directory")
		db_path = build / "cdnow.sqlite"
		if db_path.is_dir():
			raise CliError(f"{db_path} is a directory; the demo needs that name for its database")
		db_path.unlink(missing_ok=True)
		load_cdnow(db_path, None, build / "cdnow")
		print()
		run(db_path, DEMO_AS_OF, out_dir=build / "cdnow-results")


if __name__ == "__main__":
	sys.exit(main())
