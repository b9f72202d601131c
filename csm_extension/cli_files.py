"""The files `csm-extension` touches: the SQLite database and the results directory, opened so that a
refused or failed step leaves them as they were (no stray file, directory, table or half a result set)."""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from csm_extension.data.db import SQLiteDatabase
from csm_extension.data.export_columns import iso_date

PROG = "csm-extension"
# What SQLite leaves beside a database file while it writes.
_COMPANIONS = ("-journal", "-wal", "-shm")


class CliError(Exception):
	"""A usage problem worth one line on stderr, not a traceback."""


def parse_as_of(text: str) -> date:
	try:
		return iso_date(text)
	except ValueError as e:
		raise CliError(f'--as-of "{text}" {e}') from None


def given(option: str, value: str | None) -> str | None:
	"""An option's path, refused when given empty (an empty path would mean the current directory)."""
	if value is not None and not value.strip():
		raise CliError(f"{option} is empty (give a path)")
	return value


def database_error(db_path, e: sqlite3.Error) -> CliError:
	"""What a SQLite failure means for the user of `--db`."""
	text = str(e)
	if "no such column" in text or "no such table" in text:
		hint = f" (is it a database made by `{PROG} load`?)"
	elif isinstance(e, sqlite3.IntegrityError) and "open_key" in text:
		hint = " (another run recorded follow-ups at the same time; nothing of this run was recorded)"
	else:
		hint = ""
	return CliError(f"--db {db_path}: {text}{hint}")


def open_db(path: str | Path, must_exist: bool) -> SQLiteDatabase:
	path = Path(path)
	if must_exist and not path.is_file():
		raise CliError(f"no database at {path} (create it with `{PROG} load --db {path} ...`)")
	if path.is_dir():
		raise CliError(f"--db {path} is a directory, not a SQLite file")
	try:
		db = SQLiteDatabase(str(path))
	except sqlite3.Error as e:
		raise CliError(f"--db {path}: cannot open ({e})") from None
	try:
		db.sql("SELECT COUNT(*) FROM sqlite_master")  # SQLite reads the file's header only now
	except sqlite3.OperationalError as e:  # locked, unreadable: a database, just not usable now
		db.close()
		raise CliError(f"--db {path}: {e}") from None
	except sqlite3.DatabaseError as e:
		db.close()
		raise CliError(f"--db {path} is not a SQLite database ({e})") from None
	return db


def has_table(db: SQLiteDatabase, table: str) -> bool:
	return bool(db.sql("select 1 from sqlite_master where type = 'table' and name = %(t)s", {"t": table}))


@contextmanager
def new_database(path: str | Path) -> Iterator[SQLiteDatabase]:
	"""Open (or create) the database for a load. Should the block fail, what it created goes again: a new
	file with its journal and the directories made for it, or the tables a load added to an existing
	file."""
	path = Path(path)
	made_dirs = [p for p in reversed(path.parents) if not p.exists()]
	created = not path.exists()
	for directory in made_dirs:
		try:
			directory.mkdir()
		except OSError as e:
			_remove_dirs(made_dirs)
			raise CliError(f"--db {path}: cannot create {directory} ({e.strerror or e})") from None
	try:
		db = open_db(path, must_exist=False)
	except BaseException:
		_remove_dirs(made_dirs)
		raise
	tables_before = None if created else _tables(db)
	try:
		yield db
	except BaseException:
		if tables_before is not None:
			_drop_new_tables(db, tables_before)
		db.close()
		if created:
			for suffix in ("", *_COMPANIONS):
				Path(f"{path}{suffix}").unlink(missing_ok=True)
			_remove_dirs(made_dirs)
		raise
	db.close()


def _tables(db: SQLiteDatabase) -> set[str]:
	return {row[0] for row in db.sql("select name from sqlite_master where type = 'table'")}


def _drop_new_tables(db: SQLiteDatabase, before: set[str]) -> None:
	try:
		for table in _tables(db) - before:
			db.sql(f'DROP TABLE "{table}"')
	except sqlite3.Error:
		pass  # the failure being reported matters more; the tables are empty


def _remove_dirs(made: list[Path]) -> None:
	for directory in reversed(made):
		try:
			directory.rmdir()
		except OSError:
			break  # not empty (or gone): leave it and its parents


@contextmanager
def results_dir(out_dir: Path) -> Iterator[Path]:
	"""A scratch directory beside `out_dir` for the result files; they move into `out_dir` only when the
	block succeeds, so a failure (or Ctrl-C) leaves the previous results as they were."""
	if out_dir.exists() and not out_dir.is_dir():
		raise CliError(f"--out {out_dir} is a file, not a directory")
	try:
		out_dir.parent.mkdir(parents=True, exist_ok=True)
		scratch = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-", dir=out_dir.parent))
	except OSError as e:
		raise CliError(f"--out {out_dir}: cannot write the results ({e.strerror or e})") from None
	try:
		yield scratch
		try:
			out_dir.mkdir(exist_ok=True)
			for file in sorted(scratch.iterdir()):
				file.replace(out_dir / file.name)
		except OSError as e:
			raise CliError(f"--out {out_dir}: cannot write the results ({e.strerror or e})") from None
	finally:
		shutil.rmtree(scratch, ignore_errors=True)
