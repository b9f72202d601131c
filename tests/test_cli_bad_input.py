"""`csm-extension` refusing bad input in one line, and leaving nothing half done."""

from __future__ import annotations

import sqlite3

import pytest

from csm_extension.cli import main
from csm_extension.data.db import SQLiteDatabase
from tests.cli_support import AS_OF, SLICE, run


@pytest.mark.parametrize(
	"as_of, message",
	[
		(
			"1996-12-31",
			"--as-of 1996-12-31 is before the first invoice in {db} (1997-01-01); choose 1997-01-01 or later",
		),
		("30-06-1998", '--as-of "30-06-1998" is not a date (expected YYYY-MM-DD)'),
	],
)
def test_bad_as_of(loaded, tmp_path, capsys, as_of, message):
	assert main(["run", "--db", str(loaded), "--as-of", as_of, "--out", str(tmp_path / "r")]) == 2
	err = capsys.readouterr().err
	assert err == f"csm-extension: error: {message.format(db=loaded)}\n"
	assert not (tmp_path / "r").exists()


def test_missing_column(tmp_path, capsys):
	bad = tmp_path / "sales_invoices.csv"
	lines = (SLICE / "sales_invoices.csv").read_text().splitlines()
	header = lines[0].split(",")
	drop = header.index("Payment Due Date")
	bad.write_text(
		"\n".join(",".join(c for i, c in enumerate(line.split(",")) if i != drop) for line in lines)
	)
	db = tmp_path / "x.sqlite"
	args = ["load", "--db", str(db), "--customers", str(SLICE / "customers.csv"), "--invoices", str(bad)]
	assert main(args) == 2
	assert capsys.readouterr().err == (
		f'csm-extension: error: {bad} line 1, column "Payment Due Date": missing required column\n'
	)
	# A failed first load leaves no database file behind, so there is nothing to run on.
	assert not db.exists()
	assert main(["run", "--db", str(db), "--as-of", AS_OF]) == 2
	assert f"no database at {db}" in capsys.readouterr().err


def test_failed_load_into_an_existing_database_keeps_it(loaded, tmp_path, capsys):
	bad = tmp_path / "sales_invoices.csv"
	lines = (SLICE / "sales_invoices.csv").read_text().splitlines()
	bad.write_text("\n".join([lines[0], lines[1].replace("SINV-CDNOW-00001", "SINV-NEW-00001"), "x,y"]))
	before = SQLiteDatabase(str(loaded)).sql("SELECT COUNT(*) FROM `tabSales Invoice`")
	assert main(["load", "--db", str(loaded), "--invoices", str(bad)]) == 2
	assert "sales_invoices.csv line 3: 2 fields, the header has 9" in capsys.readouterr().err
	assert loaded.exists()
	assert SQLiteDatabase(str(loaded)).sql("SELECT COUNT(*) FROM `tabSales Invoice`") == before


def test_bad_rules_file_and_missing_db(loaded, tmp_path, capsys):
	rules = tmp_path / "rules.json"
	rules.write_text('{"rules": [')
	assert main(["run", "--db", str(loaded), "--as-of", AS_OF, "--rules", str(rules)]) == 2
	assert "not valid JSON" in capsys.readouterr().err
	assert main(["run", "--db", str(tmp_path / "none.sqlite"), "--as-of", AS_OF]) == 2
	assert "no database at" in capsys.readouterr().err
	assert not (tmp_path / "none.sqlite").exists()


def test_unusable_paths_are_refused_in_one_line(loaded, tmp_path, capsys):
	text = tmp_path / "notes.txt"
	text.write_text("not a database\n")
	cases = [
		(["run", "--db", str(text), "--as-of", AS_OF], f"--db {text} is not a SQLite database ("),
		(
			["load", "--db", str(text), "--customers", str(SLICE / "customers.csv")],
			f"--db {text} is not a SQLite",
		),
		(["run", "--db", str(tmp_path), "--as-of", AS_OF], f"no database at {tmp_path}"),
		(
			["load", "--db", str(tmp_path), "--customers", str(SLICE / "customers.csv")],
			f"--db {tmp_path} is a dir",
		),
		(
			["load", "--db", str(tmp_path / "n.sqlite"), "--cdnow", str(tmp_path / "nope.txt")],
			"nope.txt: no such file",
		),
		(
			["run", "--db", str(loaded), "--as-of", AS_OF, "--rules", str(tmp_path)],
			"cannot read the rule file",
		),
		(
			["run", "--db", str(loaded), "--as-of", AS_OF, "--out", str(text)],
			f"--out {text} is a file, not a directory",
		),
		(
			["load", "--db", str(tmp_path / "w.sqlite"), "--cdnow", "--work-dir", str(text)],
			f"--work-dir {text} is a file",
		),
		(["demo", "--build", str(text)], f"--build {text} is a file, not a directory"),
	]
	for argv, message in cases:
		assert main(argv) == 2, argv
		err = capsys.readouterr().err
		assert err.startswith("csm-extension: error: ") and message in err and err.count("\n") == 1, (
			argv,
			err,
		)
	# Nothing was recorded by the run whose results could not be written, and no file was left behind.
	assert SQLiteDatabase(str(loaded)).sql("SELECT COUNT(*) FROM `tabCSM Red Flag`") == [(0,)]
	assert not (tmp_path / "n.sqlite").exists()
	assert text.read_text() == "not a database\n"


def test_a_failed_step_leaves_no_trace(loaded, tmp_path, capsys, monkeypatch):
	# A refused first load into new directories takes the file and the directories away again.
	nested = tmp_path / "new" / "sub" / "x.sqlite"
	bad = tmp_path / "customers.csv"
	bad.write_text("ID,Customer Name\nC1,\n")
	assert main(["load", "--db", str(nested), "--customers", str(bad)]) == 2
	assert not (tmp_path / "new").exists()
	# Into an existing SQLite file of another shape: refused, and the tables the load added are gone.
	foreign = tmp_path / "foreign.sqlite"
	SQLiteDatabase(str(foreign)).sql("CREATE TABLE `tabCustomer` (x TEXT)")
	good = tmp_path / "good.csv"
	good.write_text("ID,Customer Name\nC1,One\n")
	assert main(["load", "--db", str(foreign), "--customers", str(good)]) == 2
	err = capsys.readouterr().err
	assert f"--db {foreign}: " in err and "(is it a database made by `csm-extension load`?)" in err
	tables = SQLiteDatabase(str(foreign)).sql("SELECT name FROM sqlite_master WHERE type = 'table'")
	assert tables == [("tabCustomer",)]
	# A run whose recording fails keeps the previous results and records nothing.
	assert run(loaded, tmp_path / "r", "--dry-run") == 0
	before = {f.name: f.read_bytes() for f in (tmp_path / "r").iterdir()}

	def fail(*args):
		raise sqlite3.OperationalError("database is locked")

	monkeypatch.setattr("csm_extension.cli.apply_plan", fail)
	capsys.readouterr()
	assert main(["run", "--db", str(loaded), "--as-of", "1998-03-31", "--out", str(tmp_path / "r")]) == 2
	assert capsys.readouterr().err == f"csm-extension: error: --db {loaded}: database is locked\n"
	assert {f.name: f.read_bytes() for f in (tmp_path / "r").iterdir()} == before
	assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".r-")] == []
	# Ctrl-C: one line, status 130.
	monkeypatch.setattr("csm_extension.cli.apply_plan", lambda *a: (_ for _ in ()).throw(KeyboardInterrupt))
	assert run(loaded, tmp_path / "r") == 130
	assert capsys.readouterr().err == (
		"csm-extension: interrupted; nothing of the interrupted step was recorded\n"
	)


@pytest.mark.parametrize(
	"argv, message",
	[
		(["run", "--db", "", "--as-of", AS_OF], "--db is empty (give a path)"),
		(["run", "--db", "x.sqlite", "--as-of", AS_OF, "--rules", " "], "--rules is empty (give a path)"),
		(
			["run", "--db", "x.sqlite", "--as-of", "19980629"],
			'--as-of "19980629" is not a date (expected YYYY-MM-DD)',
		),
		(
			["run", "--db", "x.sqlite", "--as-of", "0001-01-05"],
			'--as-of "0001-01-05" is outside the years 1900-2199',
		),
	],
)
def test_empty_paths_and_odd_dates_are_refused(argv, message, capsys):
	assert main(argv) == 2
	assert capsys.readouterr().err == f"csm-extension: error: {message}\n"


def test_a_refused_run_prints_only_its_error(loaded, tmp_path, capsys):
	text = tmp_path / "file.txt"
	text.write_text("x")
	# After the last invoice (a note) and into a file (an error): the error alone.
	assert main(["run", "--db", str(loaded), "--as-of", "1998-07-31", "--out", str(text)]) == 2
	assert capsys.readouterr().err == f"csm-extension: error: --out {text} is a file, not a directory\n"


def test_a_recorded_company_pass_needs_a_database_of_that_company_alone(tmp_path, capsys):
	(tmp_path / "customers.csv").write_text(
		"ID,Customer Name,Customer Group,Territory\nC1,One,G,T\nC2,Two,G,T\n"
	)
	header = (
		"ID,Customer,Date,Payment Due Date,Is Return (Credit Note),Net Total (Company Currency),"
		"Outstanding Amount,Company,Docstatus\n"
	)
	# C1 owes Acme 15,000 for 91 days; C2 bought from Beta.
	(tmp_path / "acme.csv").write_text(header + "A-1,C1,2024-05-01,2024-05-31,0,15000,15000,Acme,1\n")
	(tmp_path / "beta.csv").write_text(header + "B-1,C2,2024-06-01,2024-07-01,0,100,0,Beta,1\n")
	db = tmp_path / "both.sqlite"
	customers = str(tmp_path / "customers.csv")
	assert (
		main(["load", "--db", str(db), "--customers", customers, "--invoices", str(tmp_path / "acme.csv")])
		== 0
	)
	assert main(["load", "--db", str(db), "--invoices", str(tmp_path / "beta.csv")]) == 0
	out = str(tmp_path / "r")
	assert main(["run", "--db", str(db), "--as-of", "2024-08-30", "--out", out]) == 0
	flags = SQLiteDatabase(str(db)).sql(
		"SELECT `customer`, `rule`, `status` FROM `tabCSM Red Flag` ORDER BY 2"
	)
	assert ("C1", "Large overdue amount", "Open") in flags
	capsys.readouterr()
	# Recorded over Beta alone it would resolve C1's flags, though C1 still owes Acme: refused.
	assert main(["run", "--db", str(db), "--as-of", "2024-08-30", "--out", out, "--company", "Beta"]) == 2
	assert capsys.readouterr().err == (
		f'csm-extension: error: --company "Beta": {db} also holds 1 submitted invoice of other companies, and'
		" recorded follow-ups are per customer across all of them; add --dry-run to look at this company alone"
		" (or load it into a database of its own)\n"
	)
	assert (
		SQLiteDatabase(str(db)).sql("SELECT `customer`, `rule`, `status` FROM `tabCSM Red Flag` ORDER BY 2")
		== flags
	)
	assert (
		main(
			["run", "--db", str(db), "--as-of", "2024-08-30", "--out", out, "--company", "Beta", "--dry-run"]
		)
		== 0
	)
	# A database of Beta's invoices alone records a Beta pass as it records any other.
	beta = tmp_path / "beta.sqlite"
	assert (
		main(["load", "--db", str(beta), "--customers", customers, "--invoices", str(tmp_path / "beta.csv")])
		== 0
	)
	assert main(["run", "--db", str(beta), "--as-of", "2024-08-30", "--out", out, "--company", "Beta"]) == 0
