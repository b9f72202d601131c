"""CDNOW lines the converter refuses, each with the .txt file's line, and the ones it accepts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from csm_extension.datasets import cdnow
from tests.test_cdnow import LINES


def _refusal(*lines: str) -> str:
	"""The CdnowError message for LINES' header and first purchase followed by `lines`."""
	with pytest.raises(cdnow.CdnowError) as e:
		list(cdnow.parse_lines([LINES[0], LINES[1], *lines]))
	return str(e.value)


def test_a_non_ascii_byte_is_refused_with_its_line(tmp_path):
	# Past the first read-ahead chunk, so a strict decoder would have failed before counting the line.
	txt = tmp_path / "CDNOW_master.txt"
	txt.write_bytes(b" 00001 19970101 1 1.00\r\n" * 3000 + b" 00002 19970101 1 1.\xe900\r\n")
	with pytest.raises(cdnow.CdnowError) as e:
		cdnow.convert_file(txt, tmp_path / "out")
	assert str(e.value) == (
		"CDNOW_master.txt line 3001: non-ASCII byte 0xE9 at column 21 (the CDNOW file is plain ASCII)"
	)
	assert not (tmp_path / "out").exists()
	# A UTF-8 byte order mark on the header line
	txt.write_bytes(b"\xef\xbb\xbf" + "".join(LINES).encode())
	with pytest.raises(cdnow.CdnowError) as e:
		cdnow.convert_file(txt, tmp_path / "out")
	assert (
		str(e.value)
		== "CDNOW_master.txt line 1: non-ASCII byte 0xEF at column 1 (the CDNOW file is plain ASCII)"
	)


@pytest.mark.parametrize(
	"line, message",
	[
		# Arabic-Indic digits pass str.isdigit() and int(); a no-break space passes str.split()
		(
			" \u0661\u0662 19970101 1 1.00\n",
			"line 3: non-ASCII character '\u0661' at column 2 (the CDNOW file is plain ASCII)",
		),
		(
			" 00002 19970101 1 1.00\u00a0\n",
			"line 3: non-ASCII character '\\xa0' at column 23 (the CDNOW file is plain ASCII)",
		),
	],
)
def test_non_ascii_text_is_refused(line, message):
	assert _refusal(line) == f"CDNOW_master.txt {message}"


@pytest.mark.parametrize(
	"day, reason",
	[
		("99991231", "date '99991231' is outside the years 1900-2199"),
		("18991231", "date '18991231' is outside the years 1900-2199"),
		("22000101", "date '22000101' is outside the years 1900-2199"),
		("21991202", "date '21991202' is too late: its due date, 30 days on, would be past 2199"),
		("1997011", "date '1997011' is not YYYYMMDD (8 digits)"),
		("199701011", "date '199701011' is not YYYYMMDD (8 digits)"),
		("1997-01-01", "date '1997-01-01' is not YYYYMMDD (8 digits)"),
		("19970230", "date '19970230' is not a real date"),
		("19970001", "date '19970001' is not a real date"),
	],
)
def test_bad_dates_are_refused(day, reason):
	assert _refusal(f" 00002 {day} 1 1.00\n") == (
		f"CDNOW_master.txt line 3: cannot read '00002 {day} 1 1.00': {reason}"
	)


def test_dates_at_the_ends_of_the_range():
	purchases = list(cdnow.parse_lines([" 00001 19000101 1 1.00\n", " 00002 21991201 1 1.00\n"]))
	assert [p.posting_date for p in purchases] == [date(1900, 1, 1), date(2199, 12, 1)]
	_customers, invoices = cdnow.convert(purchases)
	assert invoices[1].due_date == date(2199, 12, 31)


@pytest.mark.parametrize(
	"dollars, reason",
	[
		("NaN", "dollars 'NaN' is not a plain decimal number of 0 or more (like 11.77)"),
		("Infinity", "dollars 'Infinity' is not a plain decimal number of 0 or more (like 11.77)"),
		("1e999999", "dollars '1e999999' is not a plain decimal number of 0 or more (like 11.77)"),
		("-1.00", "dollars '-1.00' is not a plain decimal number of 0 or more (like 11.77)"),
		("+1.00", "dollars '+1.00' is not a plain decimal number of 0 or more (like 11.77)"),
		("1_000", "dollars '1_000' is not a plain decimal number of 0 or more (like 11.77)"),
		("1,000.00", "dollars '1,000.00' is not a plain decimal number of 0 or more (like 11.77)"),
		("$5", "dollars '$5' is not a plain decimal number of 0 or more (like 11.77)"),
		("1000000000000", "dollars '1000000000000' is not below 1,000,000,000,000"),
		("1000000000000.00", "dollars '1000000000000.00' is not below 1,000,000,000,000"),
	],
)
def test_bad_dollars_are_refused(dollars, reason):
	assert _refusal(f" 00002 19970101 1 {dollars}\n") == (
		f"CDNOW_master.txt line 3: cannot read '00002 19970101 1 {dollars}': {reason}"
	)


def test_bad_dollars_are_refused_before_anything_is_written(tmp_path):
	txt = tmp_path / "CDNOW_master.txt"
	txt.write_text(" 00001 19970101 1 11.77\n 00002 19970101 1 1e999999\n")
	with pytest.raises(cdnow.CdnowError) as e:
		cdnow.convert_file(txt, tmp_path / "out")
	assert str(e.value) == (
		"CDNOW_master.txt line 2: cannot read '00002 19970101 1 1e999999': dollars '1e999999' is not a plain"
		" decimal number of 0 or more (like 11.77)"
	)
	assert not (tmp_path / "out").exists()


def test_a_days_total_must_stay_below_the_limit():
	assert _refusal(" 00002 19970101 1 600000000000\n", " 00002 19970101 1 400000000000.00\n") == (
		"CDNOW_master.txt line 4: cannot read '00002 19970101 1 400000000000.00': customer 00002's dollars"
		" on 19970101 add up to 1000000000000.00, not below 1,000,000,000,000"
	)
	# the same amounts on two days, or for two customers, are separate invoices
	lines = [" 00002 19970101 1 600000000000\n", " 00002 19970102 1 400000000000\n"]
	assert len(list(cdnow.parse_lines([*lines, " 00003 19970101 1 400000000000\n"]))) == 3


def test_good_dollars_and_cd_counts():
	lines = [
		" 00001 19970101 0 0.00\n",  # real CDNOW has 80 lines of 0.00 dollars
		" 00001 19970102 1 0\n",
		" 00001 19970103 2 .5\n",
		" 00001 19970104 3 5.\n",
		" 00001 19970105 12 999999999999.99\n",
	]
	got = [(p.cds, p.dollars) for p in cdnow.parse_lines(lines)]
	assert got == [
		(0, Decimal("0.00")),
		(1, Decimal(0)),
		(2, Decimal("0.5")),
		(3, Decimal(5)),
		(12, Decimal("999999999999.99")),
	]


@pytest.mark.parametrize(
	"cds, reason",
	[
		("-1", "number of CDs '-1' is not a whole number of 0 or more"),
		("+1", "number of CDs '+1' is not a whole number of 0 or more"),
		("1.5", "number of CDs '1.5' is not a whole number of 0 or more"),
		("1e3", "number of CDs '1e3' is not a whole number of 0 or more"),
		("1_0", "number of CDs '1_0' is not a whole number of 0 or more"),
	],
)
def test_bad_cd_counts_are_refused(cds, reason):
	assert _refusal(f" 00002 19970101 {cds} 1.00\n") == (
		f"CDNOW_master.txt line 3: cannot read '00002 19970101 {cds} 1.00': {reason}"
	)


def test_a_cd_count_too_long_for_int_is_refused_and_shown_short():
	# int() takes at most 4300 digits; the line is quoted cut short at 80 characters
	line = " 00002 19970101 " + "9" * 5000 + " 1.00\n"
	assert _refusal(line) == (
		"CDNOW_master.txt line 3: cannot read '00002 19970101 "
		+ "9" * 65
		+ "...': number of CDs '"
		+ "9" * 80
		+ "...' is too large"
	)


@pytest.mark.parametrize(
	"line, shown",
	[
		(" 00002 19970101 1\n", "'00002 19970101 1'"),
		(" 00002 19970101 1 1.00 x\n", "'00002 19970101 1 1.00 x'"),
		(" 00002\x0019970101 1 1.00\n", "'00002\\x0019970101 1 1.00'"),
		("-0002 19970101 1 1.00\n", "'-0002 19970101 1 1.00'"),
	],
)
def test_lines_that_are_not_cdnow_lines(line, shown):
	assert _refusal(line) == (
		f"CDNOW_master.txt line 3: cannot read {shown} (expected: customer id, YYYYMMDD, number of CDs, dollars)"
	)


def test_tabs_trailing_whitespace_and_blank_lines_are_accepted():
	lines = ["\t00001\t19970101\t1\t11.77 \t\r\n", "   \t\n", "\n", " 00002  19970112 1 12.00   \n"]
	purchases = list(cdnow.parse_lines(lines))
	assert purchases == [
		cdnow.Purchase("00001", date(1997, 1, 1), 1, Decimal("11.77")),
		cdnow.Purchase("00002", date(1997, 1, 12), 1, Decimal("12.00")),
	]
