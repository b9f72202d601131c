"""One small database API over SQLite, PyMySQL (MariaDB) and `frappe.db`.

Queries are written once, Frappe style: backtick-quoted identifiers and `%(name)s` parameters. The few
spots where the dialects differ are looked up in `SNIPPETS`; values that come back differently
(dates, decimals) go through `to_date` / `to_float`.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from typing import Any

Params = Mapping[str, Any] | None

SNIPPETS: dict[str, dict[str, str]] = {
	# Whole days from b to a, for two DATE expressions.
	"days_between": {
		"mariadb": "DATEDIFF({a}, {b})",
		"sqlite": "CAST(julianday({a}) - julianday({b}) AS INTEGER)",
	},
	# A DATE expression minus `n` days; `n` is a literal int, written in since SQLite's modifier is text.
	"date_minus_days": {
		"mariadb": "DATE_SUB({d}, INTERVAL {n} DAY)",
		"sqlite": "date({d}, '-{n} days')",
	},
	# A DATE and a text joined by one space: sorts by date first because ISO dates have a fixed width.
	"date_and_text": {
		"mariadb": "CONCAT({date}, ' ', {text})",
		"sqlite": "({date} || ' ' || {text})",
	},
	# Two texts joined by one space (NULL if either is NULL). Nested, it packs many values into one
	# column: PyMySQL decodes every column of every row in Python, one string is far cheaper to parse.
	"space_join": {
		"mariadb": "CONCAT({a}, ' ', {b})",
		"sqlite": "({a} || ' ' || {b})",
	},
	# A DATE as a whole number of days, the same as Python's `date.toordinal()`: integers are cheaper
	# to concatenate, send and parse than ISO dates.
	"day_number": {
		"mariadb": "(TO_DAYS({date}) - 365)",
		"sqlite": "(CAST(julianday({date}) AS INTEGER) - 1721424)",
	},
}

_PYFORMAT = re.compile(r"%\((\w+)\)s")
# Rows fetched at a time by `Database.stream` (Frappe's as_iterator fetches its own batches).
STREAM_BATCH = 2000


def to_date(value: Any) -> date | None:
	"""A DATE column as `date`: SQLite hands back 'YYYY-MM-DD' text, MariaDB `date`."""
	if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
		return value
	if isinstance(value, datetime):
		return value.date()
	return date.fromisoformat(str(value)[:10])


def to_text(value: Any) -> str | None:
	"""A string result as `str` (PyMySQL returns some GROUP_CONCAT and CONCAT results as bytes)."""
	return value.decode() if isinstance(value, bytes | bytearray) else value


def to_dates(value: Any) -> list[date]:
	"""The dates of a `GROUP_CONCAT(date_column)` (comma-separated ISO dates; NULL is none)."""
	text = to_text(value)
	return [date.fromisoformat(d) for d in text.split(",")] if text else []


def to_float(value: Any) -> float:
	"""A numeric column or aggregate as `float` (MariaDB sums DECIMAL to `Decimal`); NULL is 0."""
	return 0.0 if value is None else float(value)


class Database:
	"""The shared API; subclasses provide `_execute`, `_executemany`, `_begin`, `_commit`, `_rollback`."""

	dialect: str
	statements: int = 0

	def snippet(self, name: str, **args: str) -> str:
		return SNIPPETS[name][self.dialect].format(**args)

	def sql(self, query: str, params: Params = None) -> list[tuple]:
		self.statements += 1
		return self._execute(query, params)

	def stream(self, query: str, params: Params = None) -> Iterator[tuple]:
		"""The rows of `query` as the server sends them, rather than all at once: the caller works on
		the first rows while the server computes the next ones (the two cores of a small server both
		busy). Run no other statement on this database until the rows are consumed or the iterator is
		closed (MariaDB's protocol allows one open result per connection)."""
		self.statements += 1
		return self._stream(query, params)

	def executemany(self, query: str, rows: Iterable[Mapping[str, Any]]) -> None:
		self.statements += 1
		self._executemany(query, list(rows))

	@contextmanager
	def transaction(self) -> Iterator[Database]:
		"""Commit what the block wrote, or roll it all back if it raises."""
		self._begin()
		try:
			yield self
		except BaseException:
			self._rollback()
			raise
		self._commit()

	def _execute(self, query: str, params: Params) -> list[tuple]:
		raise NotImplementedError

	def _stream(self, query: str, params: Params) -> Iterator[tuple]:
		yield from self._execute(query, params)

	def _executemany(self, query: str, rows: Sequence[Mapping[str, Any]]) -> None:
		raise NotImplementedError

	def _begin(self) -> None:
		raise NotImplementedError

	def _commit(self) -> None:
		raise NotImplementedError

	def _rollback(self) -> None:
		raise NotImplementedError


def _sqlite_value(value: Any) -> Any:
	# Stored the way SQLite compares them (ISO text); avoids the adapters deprecated in Python 3.12.
	if isinstance(value, date):
		return value.isoformat()
	if isinstance(value, Decimal):
		return float(value)
	return value


def _sqlite_params(params: Params) -> dict[str, Any] | None:
	return None if params is None else {k: _sqlite_value(v) for k, v in params.items()}


class SQLiteDatabase(Database):
	"""SQLite, for offline runs and tests; autocommits outside `transaction()`."""

	dialect = "sqlite"

	def __init__(self, path: str = ":memory:"):
		self.conn = sqlite3.connect(path, isolation_level=None)

	@staticmethod
	def translate(query: str, with_params: bool = True) -> str:
		"""`%(name)s` -> `:name`; `%%` is only an escape when parameters are passed, as in PyMySQL."""
		if not with_params:
			return query
		return _PYFORMAT.sub(r":\1", query).replace("%%", "%")

	def _execute(self, query: str, params: Params) -> list[tuple]:
		cursor = self.conn.execute(self.translate(query, params is not None), _sqlite_params(params) or ())
		return cursor.fetchall()

	def _stream(self, query: str, params: Params) -> Iterator[tuple]:
		cursor = self.conn.execute(self.translate(query, params is not None), _sqlite_params(params) or ())
		try:
			while rows := cursor.fetchmany(STREAM_BATCH):
				yield from rows
		finally:
			cursor.close()

	def _executemany(self, query: str, rows: Sequence[Mapping[str, Any]]) -> None:
		self.conn.executemany(self.translate(query), [_sqlite_params(r) for r in rows])

	def _begin(self) -> None:
		self.conn.execute("BEGIN")

	def _commit(self) -> None:
		self.conn.execute("COMMIT")

	def _rollback(self) -> None:
		# SQLite may have rolled back by itself (a full disk): a second ROLLBACK would hide that error.
		if self.conn.in_transaction:
			self.conn.execute("ROLLBACK")

	def close(self) -> None:
		self.conn.close()


class PyMySQLDatabase(Database):
	"""MariaDB through PyMySQL; pass an open connection or `pymysql.connect` keyword arguments."""

	dialect = "mariadb"

	def __init__(self, conn: Any = None, **connect_kwargs: Any):
		if conn is None:
			import pymysql

			# Autocommit so each read sees committed data; `transaction()` opens explicit ones.
			connect_kwargs.setdefault("autocommit", True)
			connect_kwargs.setdefault("charset", "utf8mb4")
			conn = pymysql.connect(**connect_kwargs)
		self.conn = conn

	def _execute(self, query: str, params: Params) -> list[tuple]:
		with self.conn.cursor() as cursor:
			cursor.execute(query, params)
			return list(cursor.fetchall())

	def _stream(self, query: str, params: Params) -> Iterator[tuple]:
		from pymysql.cursors import SSCursor

		with self.conn.cursor(SSCursor) as cursor:
			cursor.execute(query, params)
			while rows := cursor.fetchmany(STREAM_BATCH):
				yield from rows

	def _executemany(self, query: str, rows: Sequence[Mapping[str, Any]]) -> None:
		# PyMySQL turns an INSERT ... VALUES into multi-row INSERTs: one round trip per ~1 MB.
		with self.conn.cursor() as cursor:
			cursor.executemany(query, rows)

	def _begin(self) -> None:
		self.conn.begin()

	def _commit(self) -> None:
		self.conn.commit()

	def _rollback(self) -> None:
		self.conn.rollback()

	def close(self) -> None:
		self.conn.close()


class FrappeDatabase(Database):
	"""The site's `frappe.db` (MariaDB); Frappe owns the connection and the request's transaction."""

	dialect = "mariadb"

	def __init__(self):
		import frappe

		if frappe.db.db_type != "mariadb":
			raise NotImplementedError(f"csm_extension supports MariaDB sites, not {frappe.db.db_type}")
		self._db = frappe.db

	def _execute(self, query: str, params: Params) -> list[tuple]:
		# frappe.db.sql wraps a None into a one-value tuple, which PyMySQL would try to format into the query.
		return list(self._db.sql(query) if params is None else self._db.sql(query, params))

	def _stream(self, query: str, params: Params) -> Iterator[tuple]:
		# Frappe's own way to read a large result: an unbuffered cursor for the time of the iteration.
		args = () if params is None else (params,)
		with self._db.unbuffered_cursor():
			yield from self._db.sql(query, *args, as_iterator=True, as_list=True)

	def _executemany(self, query: str, rows: Sequence[Mapping[str, Any]]) -> None:
		for row in rows:
			self._db.sql(query, row)

	def _begin(self) -> None:
		pass

	def _commit(self) -> None:
		self._db.commit()

	def _rollback(self) -> None:
		self._db.rollback()
