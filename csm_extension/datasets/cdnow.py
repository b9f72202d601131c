"""CDNOW purchase history as ERPNext Customer and Sales Invoice exports.

CDNOW_master.txt (Fader & Hardie; shipped in the MIT-licensed `lifetimes` 0.11.3 wheel) holds every
purchase of the 23,570 customers who first bought from CDNOW in Q1 1997, up to June 1998: one line per
purchase with customer id, yyyymmdd date, number of CDs and dollar value.

Conversion:
- one Customer per CDNOW customer: ID `CDNOW-00001`, Customer Name `CDNOW Customer 00001`, group
  `Individual`, territory `All Territories`;
- one submitted Sales Invoice per customer and day, summing that day's lines: ID
  `SINV-CDNOW-00001-19970101`, company `CDNOW`, Net Total = dollars;
- CDNOW has no payment data, so a deterministic rule stands in for it: due date = posting date + 30
  days, and an invoice is unpaid (Outstanding Amount = Net Total) when
  `int(sha256(ID).hexdigest(), 16) % 20 == 0` (about 5% of invoices), otherwise fully paid.
"""

from __future__ import annotations

import csv
import hashlib
import re
import subprocess
import sys
import tempfile
import zipfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

# The loader takes dates in these years only, due dates included.
from csm_extension.data.export_columns import FIRST_YEAR, LAST_YEAR

LIFETIMES_REQUIREMENT = "lifetimes==0.11.3"
WHEEL_MEMBER = "lifetimes/datasets/CDNOW_master.txt"
CDNOW_FILENAME = "CDNOW_master.txt"
CDNOW_SHA256 = "eff6889ed364c5199d6eacbbeb7a6d559971df4406ac876f322c373f00a072ef"

COMPANY = "CDNOW"
CUSTOMER_GROUP = "Individual"
TERRITORY = "All Territories"
PAYMENT_TERMS_DAYS = 30
UNPAID_ONE_IN = 20
MAX_DOLLARS = Decimal(10**12)  # a line's dollars, and a customer's total for a day, stay below this

EXPECTED_LINE = "expected: customer id, YYYYMMDD, number of CDs, dollars"
_WHOLE = re.compile(r"[0-9]+")  # ASCII digits only (str.isdigit and \d take other scripts' digits too)
_DAY = re.compile(r"[0-9]{8}")
_DOLLARS = re.compile(r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+")
_SHOWN_CHARS = 80

CUSTOMERS_CSV = "customers.csv"
INVOICES_CSV = "sales_invoices.csv"
CUSTOMER_COLUMNS = ("ID", "Customer Name", "Customer Group", "Territory", "Disabled")
INVOICE_COLUMNS = (
	"ID",
	"Customer",
	"Date",
	"Payment Due Date",
	"Is Return (Credit Note)",
	"Net Total (Company Currency)",
	"Outstanding Amount",
	"Company",
	"Docstatus",
)


class CdnowError(Exception):
	"""The CDNOW file could not be fetched, verified or parsed."""


class _LineError(ValueError):
	"""Why a CDNOW line cannot be read (None: it is not a CDNOW line at all); parse_lines adds the file,
	line number and text."""

	def __init__(self, reason: str | None):
		super().__init__(reason)
		self.reason = reason


@dataclass(frozen=True)
class Purchase:
	"""One line of CDNOW_master.txt."""

	customer_id: str
	posting_date: date
	cds: int
	dollars: Decimal


@dataclass(frozen=True)
class Invoice:
	"""One customer-day of purchases as a submitted Sales Invoice."""

	name: str
	customer: str
	posting_date: date
	due_date: date
	net_total: Decimal
	outstanding_amount: Decimal


def customer_name(customer_id: str) -> str:
	return f"CDNOW-{customer_id}"


def invoice_name(customer_id: str, posting_date: date) -> str:
	return f"SINV-CDNOW-{customer_id}-{posting_date:%Y%m%d}"


def is_unpaid(invoice_id: str) -> bool:
	"""The stand-in payment rule: about one invoice in 20, chosen by a hash of its ID."""
	return int(hashlib.sha256(invoice_id.encode()).hexdigest(), 16) % UNPAID_ONE_IN == 0


def _shown(line: str) -> str:
	"""A line as quoted in an error message: stripped, and cut short when long."""
	text = line.strip()
	return repr(text if len(text) <= _SHOWN_CHARS else text[:_SHOWN_CHARS] + "...")


def _non_ascii(line: str) -> str | None:
	"""What the first non-ASCII character of `line` is and where, or None for a plain ASCII line. A byte
	the file could not decode arrives as a lone surrogate (errors="surrogateescape") and is named as the
	byte it was."""
	if line.isascii():
		return None
	column, char = next((i, c) for i, c in enumerate(line, start=1) if not c.isascii())
	code = ord(char)
	what = f"byte 0x{code - 0xDC00:02X}" if 0xDC80 <= code <= 0xDCFF else f"character {char!r}"
	return f"non-ASCII {what} at column {column} (the CDNOW file is plain ASCII)"


def _parse_day(day: str) -> date:
	if not _DAY.fullmatch(day):
		raise _LineError(f"date {day!r} is not YYYYMMDD (8 digits)")
	try:
		posting_date = date(int(day[:4]), int(day[4:6]), int(day[6:]))
	except ValueError:
		raise _LineError(f"date {day!r} is not a real date") from None
	if not FIRST_YEAR <= posting_date.year <= LAST_YEAR:
		raise _LineError(f"date {day!r} is outside the years {FIRST_YEAR}-{LAST_YEAR}")
	if (posting_date + timedelta(days=PAYMENT_TERMS_DAYS)).year > LAST_YEAR:
		raise _LineError(
			f"date {day!r} is too late: its due date, {PAYMENT_TERMS_DAYS} days on, would be past {LAST_YEAR}"
		)
	return posting_date


def _parse_cds(cds: str) -> int:
	if not _WHOLE.fullmatch(cds):
		raise _LineError(f"number of CDs {cds!r} is not a whole number of 0 or more")
	try:
		return int(cds)
	except ValueError:  # more digits than int() takes (sys.get_int_max_str_digits)
		raise _LineError(f"number of CDs {_shown(cds)} is too large") from None


def _parse_dollars(dollars: str) -> Decimal:
	if not _DOLLARS.fullmatch(dollars):
		raise _LineError(f"dollars {_shown(dollars)} is not a plain decimal number of 0 or more (like 11.77)")
	value = Decimal(dollars)
	if value >= MAX_DOLLARS:
		raise _LineError(f"dollars {_shown(dollars)} is not below {MAX_DOLLARS:,}")
	return value


def parse_lines(lines: Iterable[str], source: str = CDNOW_FILENAME) -> Iterable[Purchase]:
	"""Purchases from CDNOW lines; a header on the first line and blank lines are skipped; a file
	without a single purchase is refused (it is not CDNOW_master.txt).

	Each line must be plain ASCII: a customer id of digits, a real YYYYMMDD date in 1900-2199 (and its
	due date too), a whole number of CDs and a plain decimal dollar value, 0 or more and below 1e12 (as
	is each customer's total for a day); anything else is a CdnowError naming `source` and the line.
	"""
	purchases = 0
	day_totals: dict[tuple[str, date], Decimal] = defaultdict(Decimal)
	for number, line in enumerate(lines, start=1):
		if problem := _non_ascii(line):
			raise CdnowError(f"{source} line {number}: {problem}")
		parts = line.split()
		if not parts or (number == 1 and not parts[0].isdigit()):
			# The lifetimes copy starts with a "customer_id date ..." header.
			continue
		try:
			if len(parts) != 4 or not _WHOLE.fullmatch(parts[0]):
				raise _LineError(None)
			customer_id, day, cds, dollars = parts
			purchase = Purchase(
				customer_id=customer_id,
				posting_date=_parse_day(day),
				cds=_parse_cds(cds),
				dollars=_parse_dollars(dollars),
			)
			total = day_totals[customer_id, purchase.posting_date] + purchase.dollars
			if total >= MAX_DOLLARS:
				raise _LineError(
					f"customer {customer_id}'s dollars on {day} add up to {total}, not below {MAX_DOLLARS:,}"
				)
			day_totals[customer_id, purchase.posting_date] = total
		except _LineError as e:
			detail = f": {e.reason}" if e.reason else f" ({EXPECTED_LINE})"
			raise CdnowError(f"{source} line {number}: cannot read {_shown(line)}{detail}") from None
		yield purchase
		purchases += 1
	if not purchases:
		raise CdnowError(f"{source}: no purchases in the file (is it CDNOW_master.txt?)")


def convert(
	purchases: Iterable[Purchase], max_customers: int | None = None
) -> tuple[list[str], list[Invoice]]:
	"""(customer ids, invoices), both sorted; `max_customers` keeps the lowest ids only."""
	by_day: dict[tuple[str, date], Decimal] = defaultdict(Decimal)
	for p in purchases:
		by_day[p.customer_id, p.posting_date] += p.dollars
	customers = sorted({cid for cid, _day in by_day})
	if max_customers is not None:
		customers = customers[:max_customers]
	kept = set(customers)
	invoices = []
	for (cid, day), dollars in sorted(by_day.items()):
		if cid not in kept:
			continue
		name = invoice_name(cid, day)
		invoices.append(
			Invoice(
				name=name,
				customer=customer_name(cid),
				posting_date=day,
				due_date=day + timedelta(days=PAYMENT_TERMS_DAYS),
				net_total=dollars,
				outstanding_amount=dollars if is_unpaid(name) else Decimal(0),
			)
		)
	return customers, invoices


def write_csvs(customers: list[str], invoices: list[Invoice], dest_dir: Path) -> tuple[Path, Path]:
	"""Write customers.csv and sales_invoices.csv with ERPNext's export labels as headers."""
	dest_dir = Path(dest_dir)
	dest_dir.mkdir(parents=True, exist_ok=True)
	customers_path = dest_dir / CUSTOMERS_CSV
	invoices_path = dest_dir / INVOICES_CSV
	with customers_path.open("w", newline="", encoding="utf-8") as f:
		writer = csv.writer(f, lineterminator="\n")
		writer.writerow(CUSTOMER_COLUMNS)
		for cid in customers:
			writer.writerow((customer_name(cid), f"CDNOW Customer {cid}", CUSTOMER_GROUP, TERRITORY, 0))
	with invoices_path.open("w", newline="", encoding="utf-8") as f:
		writer = csv.writer(f, lineterminator="\n")
		writer.writerow(INVOICE_COLUMNS)
		for inv in invoices:
			writer.writerow(
				(
					inv.name,
					inv.customer,
					inv.posting_date.isoformat(),
					inv.due_date.isoformat(),
					0,
					f"{inv.net_total:.2f}",
					f"{inv.outstanding_amount:.2f}",
					COMPANY,
					1,
				)
			)
	return customers_path, invoices_path


def convert_file(txt_path: Path, dest_dir: Path, max_customers: int | None = None) -> tuple[Path, Path]:
	"""Convert CDNOW_master.txt into the two CSV exports in `dest_dir`."""
	txt_path = Path(txt_path)
	# A non-ASCII byte is decoded to a lone surrogate for parse_lines to refuse with its line number: a
	# strict decoder would fail a whole read-ahead chunk at once, before the lines in it are counted.
	with txt_path.open(encoding="ascii", errors="surrogateescape") as f:
		customers, invoices = convert(parse_lines(f, txt_path.name), max_customers)
	return write_csvs(customers, invoices, dest_dir)


def _sha256(path: Path) -> str:
	return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def cached_cdnow(dest_dir: Path) -> Path | None:
	"""CDNOW_master.txt in `dest_dir` when a verified copy is there already, else None."""
	target = Path(dest_dir) / CDNOW_FILENAME
	return target if target.is_file() and _sha256(target) == CDNOW_SHA256 else None


def fetch_cdnow(dest_dir: Path) -> Path:
	"""CDNOW_master.txt in `dest_dir`, taken from the lifetimes wheel on PyPI unless already there.

	Only the wheel is downloaded (no dependencies, nothing installed); the file is checked against a
	known sha256 so a changed upstream copy cannot silently change the demo.
	"""
	dest_dir = Path(dest_dir)
	target = dest_dir / CDNOW_FILENAME
	if cached_cdnow(dest_dir):
		return target
	dest_dir.mkdir(parents=True, exist_ok=True)
	with tempfile.TemporaryDirectory(prefix="cdnow-") as tmp:
		cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:"]
		cmd += ["--disable-pip-version-check", "--quiet", "--dest", tmp, LIFETIMES_REQUIREMENT]
		done = subprocess.run(cmd, capture_output=True, text=True)
		if done.returncode != 0:
			detail = (done.stderr or done.stdout).strip().splitlines()
			raise CdnowError(
				f"pip download {LIFETIMES_REQUIREMENT} failed: {detail[-1] if detail else done.returncode}"
			)
		wheels = sorted(Path(tmp).glob("*.whl"))
		if not wheels:
			raise CdnowError(f"pip download {LIFETIMES_REQUIREMENT} produced no wheel")
		with zipfile.ZipFile(wheels[0]) as wheel:
			try:
				data = wheel.read(WHEEL_MEMBER)
			except KeyError:
				raise CdnowError(f"{wheels[0].name} has no {WHEEL_MEMBER}") from None
	digest = hashlib.sha256(data).hexdigest()
	if digest != CDNOW_SHA256:
		raise CdnowError(f"{WHEEL_MEMBER} has sha256 {digest}, expected {CDNOW_SHA256}")
	partial = target.with_suffix(".part")
	partial.write_bytes(data)
	partial.replace(target)
	return target
