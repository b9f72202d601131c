"""Load CSV exports of ERPNext's Customer and Sales Invoice lists into the ERPNext tables.

Headers are ERPNext's field labels, as Data Export / Report View write them; unknown columns (e.g. the
report view's "Sr") are ignored. Files are UTF-8, as ERPNext writes them (a byte order mark is allowed),
and every row has as many fields as the header. Frappe writes Date fields in ISO form (YYYY-MM-DD) whatever
the system date format, so that is the one date form accepted, and Check fields as 0 or 1, the only check
values accepted. Every row is checked before anything is written, and all rows go in within one
transaction: a bad file leaves the database as it was.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

Progress = Callable[[str, int, int], None]
"""progress(what, done, total), called after each batch is written."""

BATCH_SIZE = 10000
LOOKUP_CHUNK = 500  # keeps `in (...)` lists well below SQLite's and MariaDB's parameter limits

DOCSTATUS_COLUMNS = ("Docstatus", "Document Status")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_LINE_BREAK = re.compile(rb"\r\n?|\n")  # the line ends csv counts in a file opened with newline=""


class LoadError(Exception):
	"""A file that cannot be loaded; the message names the file, line and column."""


@dataclass(frozen=True)
class LoadResult:
	customers: int = 0
	invoices: int = 0


class _CellError(ValueError):
	"""A value that does not fit its column; the reader adds file, line and column."""


def _required(value: str) -> str:
	value = value.strip()
	if not value:
		raise _CellError("is empty")
	return value


def _optional(value: str) -> str | None:
	return value.strip() or None


def _date(value: str) -> date:
	value = value.strip()
	if not value:
		raise _CellError("is empty (expected YYYY-MM-DD)")
	try:
		if not _ISO_DATE.match(value):
			raise ValueError
		return date.fromisoformat(value)
	except ValueError:
		raise _CellError(f'"{value}" is not a date (expected YYYY-MM-DD)') from None


def _optional_date(value: str) -> date | None:
	return _date(value) if value.strip() else None


def _amount(value: str) -> float:
	"""A number, optionally with thousands separators ("1,234.50"); empty is 0 as in ERPNext."""
	text = value.strip()
	if not text:
		return 0.0
	if "," in text:
		if not _THOUSANDS.match(text):
			raise _CellError(f'"{value.strip()}" is not a number')
		text = text.replace(",", "")
	try:
		number = float(text)
	except ValueError:
		raise _CellError(f'"{value.strip()}" is not a number') from None
	if not math.isfinite(number):
		raise _CellError(f'"{value.strip()}" is not a number')
	return number


def _required_amount(value: str) -> float:
	"""An invoice's net total: an empty cell is a broken row, not a free invoice."""
	if not value.strip():
		raise _CellError("is empty (expected a number)")
	return _amount(value)


def _check(value: str) -> int:
	"""A Check field: ERPNext's exports write 0 or 1, so no other spelling (yes, true, 2) is guessed at."""
	text = value.strip()
	if not text:
		raise _CellError("is empty (expected 0 or 1)")
	if text not in ("0", "1"):
		raise _CellError(f'"{text}" is not a check value (expected 0 or 1)')
	return int(text)


def _docstatus(value: str) -> int:
	text = value.strip()
	if not text:
		raise _CellError("is empty (expected 0, 1 or 2)")
	if text not in ("0", "1", "2"):
		raise _CellError(f'"{text}" is not a document status (expected 0, 1 or 2)')
	return int(text)


def _status(value: str) -> int:
	"""docstatus from the Status column: every status other than Draft and Cancelled is submitted."""
	text = _required(value)
	return {"draft": 0, "cancelled": 2}.get(text.lower(), 1)


@dataclass(frozen=True)
class _Column:
	label: str
	field: str
	parse: Callable[[str], object]
	required: bool = True
	default: object = None  # the value when an optional column is not in the file


CUSTOMER_COLUMNS = (
	_Column("ID", "name", _required),
	_Column("Customer Name", "customer_name", _required),  # mandatory in ERPNext
	# Group and territory are not mandatory in ERPNext 15 (erpnext#37050): an empty one is kept empty.
	_Column("Customer Group", "customer_group", _optional),
	_Column("Territory", "territory", _optional),
	_Column("Disabled", "disabled", _check, required=False, default=0),
)
INVOICE_COLUMNS = (
	_Column("ID", "name", _required),
	_Column("Customer", "customer", _required),
	_Column("Date", "posting_date", _date),
	_Column("Payment Due Date", "due_date", _optional_date),
	_Column("Is Return (Credit Note)", "is_return", _check),
	_Column("Net Total (Company Currency)", "base_net_total", _required_amount),
	_Column("Outstanding Amount", "outstanding_amount", _amount),
	_Column("Company", "company", _optional),
)


@dataclass
class _Rows:
	"""Parsed rows of one file, with the line each came from (for later cross-row checks)."""

	file: str
	rows: list[dict]
	lines: list[int]

	def error(self, index: int, column: str, message: str) -> LoadError:
		return LoadError(f'{self.file} line {self.lines[index]}, column "{column}": {message}')


def _read(path: Path, columns: Sequence[_Column], status_columns: bool = False) -> _Rows:
	try:
		f = path.open(newline="", encoding="utf-8-sig")
	except OSError as e:
		raise LoadError(f"{path}: cannot open ({e.strerror})") from None
	with f:
		reader = csv.reader(f)
		try:
			return _parse(path.name, reader, columns, status_columns)
		except UnicodeDecodeError:
			raise _not_utf8(path) from None
		except csv.Error as e:
			raise LoadError(f"{path.name} line {reader.line_num}: {e}") from None


def _not_utf8(path: Path) -> LoadError:
	"""The error for a file that is not UTF-8, naming the line of its first undecodable byte."""
	advice = "ERPNext exports UTF-8, so export it again or save it as UTF-8"
	data = path.read_bytes()
	try:
		data.decode("utf-8")
	except UnicodeDecodeError as e:
		line = len(_LINE_BREAK.findall(data, 0, e.start)) + 1
		return LoadError(f"{path.name} line {line}: not UTF-8 (byte 0x{data[e.start]:02x}); {advice}")
	return LoadError(f"{path.name}: not UTF-8; {advice}")  # changed while being read


def _parse(name: str, reader, columns: Sequence[_Column], status_columns: bool) -> _Rows:
	header = next(reader, None)
	if header is None:
		raise LoadError(f"{name} line 1: the file is empty (expected a header row)")
	width = len(header)
	index = {}
	for i, label in enumerate(header):
		index.setdefault(label.strip().lower(), i)
	plan, defaults = [], {}
	for col in columns:
		pos = index.get(col.label.lower())
		if pos is not None:
			plan.append((col, pos))
		elif col.required:
			raise LoadError(f'{name} line 1, column "{col.label}": missing required column')
		else:
			defaults[col.field] = col.default
	if status_columns:
		pos = next((index[c.lower()] for c in DOCSTATUS_COLUMNS if c.lower() in index), None)
		if pos is not None:
			plan.append((_Column(header[pos].strip(), "docstatus", _docstatus), pos))
		elif "status" in index:
			plan.append((_Column(header[index["status"]].strip(), "docstatus", _status), index["status"]))
		else:
			raise LoadError(f'{name} line 1, column "Docstatus": missing required column (or "Status")')
	result = _Rows(name, [], [])
	line = reader.line_num
	for raw in reader:
		start, line = line + 1, reader.line_num
		if not any(cell.strip() for cell in raw):
			continue
		if len(raw) != width:
			# a short row would otherwise read as empty cells, a long one lose its extra fields
			raise LoadError(f"{name} line {start}: {len(raw)} fields, the header has {width}")
		row = dict(defaults)
		for col, pos in plan:
			try:
				row[col.field] = col.parse(raw[pos])
			except _CellError as e:
				raise LoadError(f'{name} line {start}, column "{col.label}": {e}') from None
		result.rows.append(row)
		result.lines.append(start)
	return result


def _check_unique(rows: _Rows) -> None:
	seen: dict[str, int] = {}
	for i, row in enumerate(rows.rows):
		first = seen.setdefault(row["name"], i)
		if first != i:
			raise rows.error(
				i, "ID", f'"{row["name"]}" is a duplicate ID (first on line {rows.lines[first]})'
			)


def _chunks(items: Sequence, size: int) -> Iterator[Sequence]:
	for start in range(0, len(items), size):
		yield items[start : start + size]


def existing_names(db, table: str, names: Iterable[str]) -> set[str]:
	"""Which of `names` are already in `table` (set-based, in chunks)."""
	names = sorted(set(names))
	found: set[str] = set()
	for chunk in _chunks(names, LOOKUP_CHUNK):
		params = {f"n{i}": n for i, n in enumerate(chunk)}
		marks = ", ".join(f"%({k})s" for k in params)
		for row in db.sql(f"select `name` from `{table}` where `name` in ({marks})", params):
			found.add(row[0] if isinstance(row, (tuple, list)) else row["name"])
	return found


def _check_not_loaded(db, table: str, rows: _Rows) -> None:
	present = existing_names(db, table, (r["name"] for r in rows.rows))
	if present:
		i = next(i for i, r in enumerate(rows.rows) if r["name"] in present)
		raise rows.error(i, "ID", f'"{rows.rows[i]["name"]}" is already in the database')


def _insert(db, table: str, rows: list[dict], what: str, progress: Progress | None, batch_size: int) -> None:
	if not rows:
		return
	fields = list(rows[0])
	query = "insert into `{}` ({}) values ({})".format(
		table, ", ".join(f"`{f}`" for f in fields), ", ".join(f"%({f})s" for f in fields)
	)
	for done, chunk in enumerate(_chunks(rows, batch_size), start=1):
		db.executemany(query, chunk)
		if progress:
			progress(what, min(done * batch_size, len(rows)), len(rows))


def load_exports(
	db,
	customers_csv: str | Path | None = None,
	invoices_csv: str | Path | None = None,
	progress: Progress | None = None,
	batch_size: int = BATCH_SIZE,
) -> LoadResult:
	"""Check both files completely, then insert them in one transaction; raise LoadError otherwise.

	Invoices may name customers from the customer file or customers already in the database.
	"""
	customers = _read(Path(customers_csv), CUSTOMER_COLUMNS) if customers_csv else _Rows("", [], [])
	invoices = _read(Path(invoices_csv), INVOICE_COLUMNS, status_columns=True) if invoices_csv else None
	_check_unique(customers)
	_check_not_loaded(db, "tabCustomer", customers)
	if invoices is not None:
		_check_unique(invoices)
		_check_not_loaded(db, "tabSales Invoice", invoices)
		in_file = {r["name"] for r in customers.rows}
		elsewhere = {r["customer"] for r in invoices.rows} - in_file
		unknown = elsewhere - existing_names(db, "tabCustomer", elsewhere)
		if unknown:
			i = next(i for i, r in enumerate(invoices.rows) if r["customer"] in unknown)
			source = f"{customers.file} nor " if customers.file else ""
			raise invoices.error(
				i,
				"Customer",
				f'"{invoices.rows[i]["customer"]}" is not a known customer (not in {source}the database)',
			)
	with db.transaction():
		_insert(db, "tabCustomer", customers.rows, "customers", progress, batch_size)
		if invoices is not None:
			_insert(db, "tabSales Invoice", invoices.rows, "invoices", progress, batch_size)
	return LoadResult(len(customers.rows), len(invoices.rows) if invoices else 0)
