"""Load CSV exports of ERPNext's Customer and Sales Invoice lists into the ERPNext tables.

Headers are ERPNext's field labels, as Data Export / Report View write them; unknown columns (e.g. the
report view's "Sr") are ignored, blank lines before the header skipped, and a label the loader reads may
appear only once. Files are UTF-8, as ERPNext writes them (a byte order mark is allowed), comma-separated,
and every row has as many fields as the header. Frappe writes Date fields in ISO form (YYYY-MM-DD) whatever
the system date format, so that is the one date form accepted, and Check fields as 0 or 1, the only check
values accepted. Values are held to what an ERPNext site stores: names of at most 140 characters without
control characters, amounts that fit decimal(21,9), Sales Invoice statuses ERPNext knows. Every row is
checked before anything is written, and all rows go in within one transaction: a bad file leaves the
database as it was. Errors name the file as it was given, the line and, where there is one, the column.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from csm_extension.data.export_columns import (  # noqa: F401 (LoadError, LoadResult: the loader's API)
	CUSTOMER_COLUMNS,
	DOCSTATUS_COLUMNS,
	INVOICE_COLUMNS,
	LINE_BREAK,
	SAME_NAME,
	STATUS_COLUMN,
	CellError,
	Column,
	LoadError,
	LoadResult,
	RowCheck,
	fold_name,
	invoice_problem,
	parse_docstatus,
	parse_status,
)

Progress = Callable[[str, int, int], None]
"""progress(what, done, total), called after each batch is written."""

BATCH_SIZE = 10000
LOOKUP_CHUNK = 500  # keeps `in (...)` lists well below SQLite's and MariaDB's parameter limits


@dataclass
class _Rows:
	"""Parsed rows of one file, with the line each came from (for later cross-row checks)."""

	file: str
	rows: list[dict]
	lines: list[int]

	def error(self, index: int, column: str, message: str) -> LoadError:
		return LoadError(f'{self.file} line {self.lines[index]}, column "{column}": {message}')


def _read(
	path: str | os.PathLike,
	columns: Sequence[Column],
	status_columns: bool = False,
	check: RowCheck | None = None,
) -> _Rows:
	name = os.fspath(path)  # the file as the user gave it, in every message
	try:
		f = Path(path).open(newline="", encoding="utf-8-sig")
	except OSError as e:
		raise LoadError(f"{name}: cannot open ({e.strerror})") from None
	with f:
		reader = csv.reader(f)
		try:
			return _parse(name, reader, columns, status_columns, check)
		except UnicodeDecodeError:
			raise _not_utf8(name, Path(path)) from None
		except csv.Error as e:
			raise LoadError(f"{name} line {reader.line_num}: {e}") from None


def _not_utf8(name: str, path: Path) -> LoadError:
	"""The error for a file that is not UTF-8, naming the line of its first undecodable byte."""
	advice = "ERPNext exports UTF-8, so export it again or save it as UTF-8"
	data = path.read_bytes()
	try:
		data.decode("utf-8")
	except UnicodeDecodeError as e:
		line = len(LINE_BREAK.findall(data, 0, e.start)) + 1
		return LoadError(f"{name} line {line}: not UTF-8 (byte 0x{data[e.start]:02x}); {advice}")
	return LoadError(f"{name}: not UTF-8; {advice}")  # changed while being read


def _blank(raw: list[str]) -> bool:
	return not any(cell.strip() for cell in raw)


def _fields(positions: list[int]) -> str:
	numbers = [str(p + 1) for p in positions]
	return f"{', '.join(numbers[:-1])} and {numbers[-1]}"


def _header(name: str, reader, known: Sequence[str]) -> tuple[list[str], int, dict[str, int]]:
	"""The header row (after any blank lines), its line, and the position of each label (lower case)."""
	while True:
		line = reader.line_num + 1
		header = next(reader, None)
		if header is None:
			what = "is empty" if line == 1 else "has only blank lines"
			raise LoadError(f"{name} line 1: the file {what} (expected a header row)")
		if not _blank(header):
			break
	for i, label in enumerate(header):
		if "\x00" in label:
			raise LoadError(f"{name} line {line}: field {i + 1} of the header contains a NUL byte")
	if len(header) == 1:
		semicolons, tabs = header[0].count(";"), header[0].count("\t")
		if semicolons or tabs:
			separator = "tabs" if tabs > semicolons else '";"'
			raise LoadError(
				f"{name} line {line}: the header is a single field; the file seems separated by {separator}, "
				"but ERPNext exports commas (export it again, or save it as comma-separated CSV)"
			)
	positions: dict[str, list[int]] = {}
	for i, label in enumerate(header):
		positions.setdefault(label.strip().lower(), []).append(i)
	for label in known:
		found = positions.get(label.lower(), [])
		if len(found) > 1:
			times = "twice" if len(found) == 2 else f"{len(found)} times"
			raise LoadError(
				f'{name} line {line}: column "{label}" appears {times} in the header (fields {_fields(found)})'
			)
	return header, line, {label: found[0] for label, found in positions.items()}


def _parse(
	name: str, reader, columns: Sequence[Column], status_columns: bool, check: RowCheck | None
) -> _Rows:
	status_labels = (*DOCSTATUS_COLUMNS, STATUS_COLUMN) if status_columns else ()
	known = [col.label for col in columns] + list(status_labels)
	header, header_line, index = _header(name, reader, known)
	width = len(header)
	plan, defaults = [], {}
	for col in columns:
		pos = index.get(col.label.lower())
		if pos is not None:
			plan.append((col, pos))
		elif col.required:
			raise LoadError(f'{name} line {header_line}, column "{col.label}": missing required column')
		else:
			defaults[col.field] = col.default
	if status_columns:
		pos = next((index[c.lower()] for c in DOCSTATUS_COLUMNS if c.lower() in index), None)
		if pos is not None:
			plan.append((Column(header[pos].strip(), "docstatus", parse_docstatus), pos))
		elif STATUS_COLUMN.lower() in index:
			pos = index[STATUS_COLUMN.lower()]
			plan.append((Column(header[pos].strip(), "docstatus", parse_status), pos))
		else:
			raise LoadError(
				f'{name} line {header_line}, column "Docstatus": missing required column (or "Status")'
			)
	position_of = {col.field: pos for col, pos in plan}
	result = _Rows(name, [], [])
	line = reader.line_num
	for raw in reader:
		start, line = line + 1, reader.line_num
		if _blank(raw):
			continue
		if len(raw) != width:
			# a short row would otherwise read as empty cells, a long one lose its extra fields
			raise LoadError(f"{name} line {start}: {len(raw)} fields, the header has {width}")
		if "\x00" in "".join(raw):  # in any column, read or not: no ERPNext field holds one
			i = next(i for i, cell in enumerate(raw) if "\x00" in cell)
			label = header[i].strip()
			where = f'column "{label}"' if label else f"field {i + 1}"
			raise LoadError(f"{name} line {start}, {where}: contains a NUL byte")
		row = dict(defaults)
		for col, pos in plan:
			try:
				row[col.field] = col.parse(raw[pos])
			except CellError as e:
				raise LoadError(f'{name} line {start}, column "{col.label}": {e}') from None
		if check is not None:
			problem = check(row, lambda field, raw=raw: raw[position_of[field]].strip())
			if problem is not None:
				raise LoadError(f'{name} line {start}, column "{problem[0]}": {problem[1]}')
		result.rows.append(row)
		result.lines.append(start)
	return result


def _check_unique(rows: _Rows) -> None:
	"""No two IDs that a site would take as one record (the same but for case or accents)."""
	seen: dict[str, int] = {}
	for i, row in enumerate(rows.rows):
		first = seen.setdefault(fold_name(row["name"]), i)
		if first != i:
			name, other = row["name"], rows.rows[first]["name"]
			where = f"first on line {rows.lines[first]}"
			if other != name:
				where += f' as "{other}"; {SAME_NAME}'
			raise rows.error(i, "ID", f'"{name}" is a duplicate ID ({where})')


def _chunks(items: Sequence, size: int) -> Iterator[Sequence]:
	for start in range(0, len(items), size):
		yield items[start : start + size]


def stored_names(db, table: str, names: Iterable[str]) -> dict[str, list[str]]:
	"""For each of `names` that `table` holds under a name a site takes as the same (equal but for case
	or accents), the names stored; names with none are left out. Set-based: a fixed number of statements
	for any number of names on SQLite, one per LOOKUP_CHUNK names on MariaDB."""
	wanted: dict[str, list[str]] = {}
	for name in set(names):
		wanted.setdefault(fold_name(name), []).append(name)
	found: dict[str, list[str]] = {}
	if not wanted:
		return found

	def add(stored: str) -> None:
		for name in wanted.get(fold_name(stored), ()):
			found.setdefault(name, []).append(stored)

	if db.dialect == "mariadb":
		# The column's collation (utf8mb4_unicode_ci) compares as the site does, through the primary key.
		for chunk in _chunks(sorted(n for group in wanted.values() for n in group), LOOKUP_CHUNK):
			params = {f"n{i}": n for i, n in enumerate(chunk)}
			marks = ", ".join(f"%({k})s" for k in params)
			for row in db.sql(f"select `name` from `{table}` where `name` in ({marks})", params):
				add(row[0] if isinstance(row, (tuple, list)) else row["name"])
	else:
		# SQLite compares bytes, so its key cannot find "c1" for "C1": the names are read once instead.
		for (stored,) in db.stream(f"select `name` from `{table}`"):
			add(stored)
	return found


def _check_not_loaded(rows: _Rows, found: dict[str, list[str]]) -> None:
	"""No ID of `rows` is stored already; `found` is stored_names for (at least) those IDs."""
	i = next((i for i, r in enumerate(rows.rows) if r["name"] in found), None)
	if i is None:
		return
	name, stored = rows.rows[i]["name"], found[rows.rows[i]["name"]]
	how = "" if name in stored else f' as "{stored[0]}" ({SAME_NAME})'
	raise rows.error(i, "ID", f'"{name}" is already in the database{how}')


def _check_customers_known(customers: _Rows, invoices: _Rows, found: dict[str, list[str]]) -> None:
	"""Every invoice's customer is in the customer file or the database, spelt exactly as there; `found`
	is stored_names of the customers for (at least) the invoices' customers not in the file."""
	in_file = {r["name"] for r in customers.rows}
	elsewhere = {r["customer"] for r in invoices.rows} - in_file
	unknown = {c for c in elsewhere if c not in found.get(c, ())}
	if not unknown:
		return
	i = next(i for i, r in enumerate(invoices.rows) if r["customer"] in unknown)
	customer = invoices.rows[i]["customer"]
	similar = [n for n in in_file if fold_name(n) == fold_name(customer)] + found.get(customer, [])
	if similar:
		hint = f'did you mean "{min(similar)}"?'
	else:
		hint = f"not in {customers.file} nor the database" if customers.file else "not in the database"
	raise invoices.error(i, "Customer", f'"{customer}" is not a known customer ({hint})')


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
	customers = _read(customers_csv, CUSTOMER_COLUMNS) if customers_csv else _Rows("", [], [])
	invoices = (
		_read(invoices_csv, INVOICE_COLUMNS, status_columns=True, check=invoice_problem)
		if invoices_csv
		else None
	)
	_check_unique(customers)
	in_file = {r["name"] for r in customers.rows}
	linked = {r["customer"] for r in invoices.rows} - in_file if invoices is not None else set()
	# One look-up of tabCustomer serves both checks (on SQLite it reads the whole table).
	stored_customers = stored_names(db, "tabCustomer", in_file | linked)
	_check_not_loaded(customers, stored_customers)
	if invoices is not None:
		_check_unique(invoices)
		_check_not_loaded(invoices, stored_names(db, "tabSales Invoice", (r["name"] for r in invoices.rows)))
		_check_customers_known(customers, invoices, stored_customers)
	with db.transaction():
		_insert(db, "tabCustomer", customers.rows, "customers", progress, batch_size)
		if invoices is not None:
			_insert(db, "tabSales Invoice", invoices.rows, "invoices", progress, batch_size)
	return LoadResult(len(customers.rows), len(invoices.rows) if invoices else 0)
