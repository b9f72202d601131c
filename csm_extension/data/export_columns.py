"""The columns of ERPNext's Customer and Sales Invoice list exports and how each cell is read: names,
dates, amounts, checks and statuses held to what an ERPNext site stores. `loader` reads the files with
them."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

DOCSTATUS_COLUMNS = ("Docstatus", "Document Status")
STATUS_COLUMN = "Status"
# ERPNext 15's Sales Invoice status options (sales_invoice.json, field "status"). Draft is docstatus 0,
# Cancelled 2, every other status a submitted invoice.
SALES_INVOICE_STATUSES = (
	"Draft",
	"Return",
	"Credit Note Issued",
	"Submitted",
	"Paid",
	"Partly Paid",
	"Unpaid",
	"Unpaid and Discounted",
	"Partly Paid and Discounted",
	"Overdue and Discounted",
	"Overdue",
	"Cancelled",
	"Internal Transfer",
)
_DOCSTATUS_OF = {s.lower(): {"Draft": 0, "Cancelled": 2}.get(s, 1) for s in SALES_INVOICE_STATUSES}

NAME_LENGTH = 140  # ERPNext's `name` columns are varchar(140)
AMOUNT_LIMIT = 1e12  # Currency is decimal(21,9): at most 999,999,999,999.999999999
FIRST_YEAR, LAST_YEAR = 1900, 2199  # dates outside these years are typos, and break date arithmetic
# ERPNext's MariaDB tables (utf8mb4_unicode_ci) take names differing only in case or accents as one.
SAME_NAME = "ERPNext compares names ignoring case and accents"

# ASCII digits only: Python's float() and \d would also take other scripts' digits and "1_000".
_NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")
_THOUSANDS = re.compile(r"[+-]?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]*)?")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_LATIN_ACCENTS = re.compile("(?<=[a-z])[\u0300-\u036f]+")
LINE_BREAK = re.compile(rb"\r\n?|\n")  # the line ends csv counts in a file opened with newline=""


class LoadError(Exception):
	"""A file that cannot be loaded; the message names the file, line and column."""


@dataclass(frozen=True)
class LoadResult:
	customers: int = 0
	invoices: int = 0


class CellError(ValueError):
	"""A value that does not fit its column; the reader adds file, line and column."""


def fold_name(name: str) -> str:
	"""`name` as MariaDB's utf8mb4_unicode_ci compares it, near enough: without case ("Straße" is
	"STRASSE" there) and without the accents of Latin letters ("Café" is "CAFE"). It keeps apart what the
	collation keeps apart ("ø" and "o", "ł" and "l", "й" and "и"), but for the case of letters newer than
	the collation's Unicode 4.0 (Georgian Mtavruli, Cherokee); it misses a few of the collation's
	equalities ("Œ" and "OE", other scripts' digits, characters outside the BMP), which on MariaDB fail
	the insert instead, writing nothing."""
	if name.isascii():
		return name.lower()
	bare = _LATIN_ACCENTS.sub("", unicodedata.normalize("NFD", name.casefold()))
	return unicodedata.normalize("NFC", bare)


def _required(value: str) -> str:
	value = value.strip()
	if not value:
		raise CellError("is empty")
	return value


def _optional(value: str) -> str | None:
	return value.strip() or None


def _name(value: str) -> str:
	"""A document name (an ID or a link to one): what a site's `name` column can hold."""
	text = _required(value)
	bad = _CONTROL.search(text)
	if bad:
		char = bad.group()
		what = "a line break" if char in _LINE_BREAKS else f"a control character (U+{ord(char):04X})"
		raise CellError(f"contains {what}; ERPNext names cannot hold control characters")
	if len(text) > NAME_LENGTH:
		raise CellError(f"is {len(text)} characters long (ERPNext names hold at most {NAME_LENGTH})")
	return text


def iso_date(text: str) -> date:
	"""YYYY-MM-DD in the years FIRST_YEAR-LAST_YEAR; ValueError saying which it is not (the loader's
	cells and the command's --as-of both read dates so)."""
	try:
		if not _ISO_DATE.fullmatch(text):
			raise ValueError
		day = date.fromisoformat(text)
	except ValueError:
		raise ValueError("is not a date (expected YYYY-MM-DD)") from None
	if not FIRST_YEAR <= day.year <= LAST_YEAR:
		raise ValueError(f"is outside the years {FIRST_YEAR}-{LAST_YEAR}")
	return day


def _date(value: str) -> date:
	value = value.strip()
	if not value:
		raise CellError("is empty (expected YYYY-MM-DD)")
	try:
		return iso_date(value)
	except ValueError as e:
		raise CellError(f'"{value}" {e}') from None


def _optional_date(value: str) -> date | None:
	return _date(value) if value.strip() else None


def _amount(value: str) -> float:
	"""A plain decimal number, optionally with thousands separators ("1,234.50"); empty is 0 as in ERPNext."""
	text = value.strip()
	if not text:
		return 0.0
	plain = text.replace(",", "") if _THOUSANDS.fullmatch(text) else text
	if not _NUMBER.fullmatch(plain):
		raise CellError(f'"{text}" is not a number')
	number = float(plain)  # what is stored: a value just below the limit may round up to it
	if not abs(number) < AMOUNT_LIMIT:
		raise CellError(
			f'"{text}" is too large: ERPNext stores amounts as decimal(21,9), less than 1,000,000,000,000'
		)
	return number


def _required_amount(value: str) -> float:
	"""An invoice's net total: an empty cell is a broken row, not a free invoice."""
	if not value.strip():
		raise CellError("is empty (expected a number)")
	return _amount(value)


def _check(value: str) -> int:
	"""A Check field: ERPNext's exports write 0 or 1, so no other spelling (yes, true, 2) is guessed at."""
	text = value.strip()
	if not text:
		raise CellError("is empty (expected 0 or 1)")
	if text not in ("0", "1"):
		raise CellError(f'"{text}" is not a check value (expected 0 or 1)')
	return int(text)


def parse_docstatus(value: str) -> int:
	text = value.strip()
	if not text:
		raise CellError("is empty (expected 0, 1 or 2)")
	if text not in ("0", "1", "2"):
		raise CellError(f'"{text}" is not a document status (expected 0, 1 or 2)')
	return int(text)


def parse_status(value: str) -> int:
	"""docstatus from the Status column: Draft 0, Cancelled 2, ERPNext's other statuses 1."""
	text = _required(value)
	docstatus = _DOCSTATUS_OF.get(text.lower())
	if docstatus is None:
		known = ", ".join(SALES_INVOICE_STATUSES)
		raise CellError(f'"{text}" is not a Sales Invoice status (expected one of: {known})')
	return docstatus


@dataclass(frozen=True)
class Column:
	label: str
	field: str
	parse: Callable[[str], object]
	required: bool = True
	default: object = None  # the value when an optional column is not in the file


CUSTOMER_COLUMNS = (
	Column("ID", "name", _name),
	Column("Customer Name", "customer_name", _required),  # mandatory in ERPNext
	# Group and territory are not mandatory in ERPNext 15 (erpnext#37050): an empty one is kept empty.
	Column("Customer Group", "customer_group", _optional),
	Column("Territory", "territory", _optional),
	Column("Disabled", "disabled", _check, required=False, default=0),
)
INVOICE_COLUMNS = (
	Column("ID", "name", _name),
	Column("Customer", "customer", _name),
	Column("Date", "posting_date", _date),
	Column("Payment Due Date", "due_date", _optional_date),
	Column("Is Return (Credit Note)", "is_return", _check),
	Column("Net Total (Company Currency)", "base_net_total", _required_amount),
	Column("Outstanding Amount", "outstanding_amount", _amount),
	Column("Company", "company", _optional),
)

RowCheck = Callable[[dict, Callable[[str], str]], "tuple[str, str] | None"]
"""check(row, cell) -> (column label, problem) or None; cell(field) is that field's text in the file."""


def invoice_problem(row: dict, cell: Callable[[str], str]) -> tuple[str, str] | None:
	"""What ERPNext refuses in a Sales Invoice across its columns. A negative Outstanding Amount is fine:
	returns and overpaid invoices have one."""
	if row["due_date"] is not None and row["due_date"] < row["posting_date"]:
		return "Payment Due Date", (
			f'"{cell("due_date")}" is before the Date "{cell("posting_date")}" '
			"(ERPNext: Due Date cannot be before Posting Date)"
		)
	if row["is_return"] and row["base_net_total"] > 0:
		return "Net Total (Company Currency)", (
			f'"{cell("base_net_total")}" is positive, but a return '
			'("Is Return (Credit Note)" 1) has a negative or zero net total'
		)
	return None
