"""`csm-extension` end to end on the committed CDNOW slice (300 customers, 1997-01-01 .. 1998-06-29)."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from csm_extension.cli import main
from csm_extension.data.db import SQLiteDatabase
from tests.cli_support import AS_OF, read_csv, run, section


def test_run_summary_and_csvs(loaded, tmp_path, capsys):
	out = tmp_path / "results"
	assert run(loaded, out) == 0
	text = capsys.readouterr().out
	scores = read_csv(out / "scores.csv")
	flags = read_csv(out / "flags.csv")
	followups = read_csv(out / "followups.csv")

	# One scores row per customer, every measure with raw/points/weight.
	assert [r["customer"] for r in scores] == [f"CDNOW-{i:05d}" for i in range(1, 301)]
	for m in ("recency", "order_trend", "revenue_trend", "payment", "tenure"):
		assert {f"{m}_raw", f"{m}_points", f"{m}_weight", f"{m}_explanation"} <= set(scores[0])
	assert {"score", "status", "reason_1", "reason_2", "revenue_at_stake_365d"} <= set(scores[0])
	assert list(flags[0]) == [
		"customer",
		"customer_name",
		"rule",
		"signal",
		"severity",
		"value",
		"operator",
		"threshold",
		"explanation",
		"evidence",
		"followup",
	]
	assert list(followups[0]) == [
		"action",
		"ref",
		"customer",
		"rule",
		"severity",
		"raised_on",
		"value",
		"threshold",
		"explanation",
	]
	assert {r["action"] for r in followups} == {"open"}
	assert len(followups) == len(flags)

	# CDNOW-00001, by hand: one purchase (1997-01-01, 11.77), 544 days before 1998-06-29.
	c1 = scores[0]
	assert (c1["score"], c1["status"], c1["purchase_days"], c1["lifetime_revenue"]) == (
		"",
		"Insufficient Data",
		"1",
		"11.77",
	)
	assert c1["days_since_last_invoice"] == "544"
	c1_flags = [(f["rule"], f["value"], f["explanation"]) for f in flags if f["customer"] == "CDNOW-00001"]
	# One order, no rhythm: 544 days > 180 (long silence) and 544 / 365 = 1.4904 of the churn horizon (> 1).
	assert sorted(c1_flags) == [
		(
			"Churn detected",
			"1.4904",
			"Likely churned: no order for 544 days — no rhythm yet, churn after 365 days. "
			"Confirm with a reason or reach out.",
		),
		("Long silence", "544", "No invoice for 544 days (last on 1997-01-01)"),
	]

	# CDNOW-00007, by hand: orders 1997-01-01, 1997-10-11 (+283 d), 1998-03-22 (+162 d): rhythm 222.5 days;
	# 99 days silent -> ratio 0.4449 -> 100 points. Last 90 days (after 1998-03-31): nothing; the 90 before:
	# 1 order, 138.50 -> both trends -100% -> 0 points. Nothing overdue: 100. Tenure 544 days: 100.
	# Score (100*30 + 0*20 + 0*20 + 100*20 + 100*10) / 100 = 60 -> Amber. At stake (365 d): 97.43 + 138.50.
	c7 = scores[6]
	assert (c7["customer"], c7["score"], c7["status"]) == ("CDNOW-00007", "60", "Amber")
	assert (c7["recency_raw"], c7["recency_points"], c7["recency_weight"]) == ("0.4449", "100", "30")
	assert (c7["order_trend_raw"], c7["order_trend_points"]) == ("-100", "0")
	assert (c7["revenue_trend_points"], c7["payment_points"], c7["tenure_raw"]) == ("0", "100", "544")
	assert c7["revenue_at_stake_365d"] == "235.93"
	c7_flags = [(f["rule"], f["severity"], f["followup"]) for f in flags if f["customer"] == "CDNOW-00007"]
	assert c7_flags == [("Order frequency drop", "Medium", "open"), ("Revenue drop", "High", "open")]

	# The band table agrees with scores.csv.
	bands = section(text, "Health bands")
	assert bands[0].split() == ["Band", "Customers", "Share"]
	for status in ("Green", "Amber", "Red", "Insufficient Data"):
		count = sum(r["status"] == status for r in scores)
		line = next(line for line in bands if line.strip().startswith(status))
		assert line.split()[-2:] == [str(count), f"{count / 300 * 100:.1f}%"]
	assert bands[-1].split() == ["Total", "300", "100.0%"]

	rules = section(text, "Red flags by rule")
	assert next(line for line in rules if "Long silence" in line).split()[-2:] == [
		"Medium",
		str(sum(f["rule"] == "Long silence" for f in flags)),
	]

	# The top 20: lowest scores of scores.csv, in order, with two reasons each.
	unscored = sum(r["status"] == "Insufficient Data" for r in scores)
	top = section(
		text, f"20 most at-risk customers (lowest score first; {unscored} without a score yet are not ranked)"
	)
	rows = [re.match(r"\s+(\d+)\s+(CDNOW-\d+)\s+(\d+)\s+(\w+)\s+([\d,.]+)\s+(\d+)$", line) for line in top]
	ranked = [m for m in rows if m]
	assert [int(m.group(1)) for m in ranked] == list(range(1, 21))
	by_name = {r["customer"]: r for r in scores}
	listed = [int(m.group(3)) for m in ranked]
	assert listed == sorted(listed)
	assert listed == sorted(int(r["score"]) for r in scores if r["score"])[:20]
	assert all(by_name[m.group(2)]["score"] == m.group(3) for m in ranked)
	assert sum(line.startswith("         - ") for line in top) == 40

	assert f"Follow-ups: {len(flags)} to open, 0 to keep, 0 to resolve" in text
	assert "first 10 to open (most severe first):" in text


def test_second_run_opens_nothing(loaded, tmp_path, capsys):
	assert run(loaded, tmp_path / "r1") == 0
	first = read_csv(tmp_path / "r1" / "followups.csv")
	capsys.readouterr()
	assert run(loaded, tmp_path / "r2") == 0
	text = capsys.readouterr().out
	assert f"Follow-ups: 0 to open, {len(first)} to keep, 0 to resolve" in text
	again = read_csv(tmp_path / "r2" / "followups.csv")
	assert {r["action"] for r in again} == {"keep"}
	assert all(r["ref"].startswith("CSM-RF-") for r in again)


def test_dry_run_leaves_the_store_alone(loaded, tmp_path, capsys):
	assert run(loaded, tmp_path / "r1", "--dry-run") == 0
	assert "(dry run: the follow-up store was not changed)" in capsys.readouterr().out
	assert run(loaded, tmp_path / "r2") == 0
	assert "0 to keep" in capsys.readouterr().out


def test_company_filter(loaded, tmp_path, capsys):
	# Every invoice of the slice is CDNOW's: filtered on it, the pass sees what it sees unfiltered.
	assert run(loaded, tmp_path / "all", "--dry-run") == 0
	unfiltered = section(capsys.readouterr().out, "Health bands")
	assert run(loaded, tmp_path / "cdnow", "--company", "CDNOW", "--dry-run") == 0
	assert section(capsys.readouterr().out, "Health bands") == unfiltered
	# A company without invoices is a typo, not a portfolio of 300 customers without data.
	assert run(loaded, tmp_path / "other", "--company", "Other Co", "--dry-run") == 2
	assert capsys.readouterr().err == (
		f'csm-extension: error: --company "Other Co": no submitted sales invoice of that company in {loaded}'
		" (companies: CDNOW)\n"
	)
	assert not (tmp_path / "other").exists()


def test_a_recorded_pass_cannot_be_followed_by_an_earlier_one(loaded, capsys):
	assert main(["run", "--db", str(loaded), "--as-of", AS_OF]) == 0
	capsys.readouterr()
	assert main(["run", "--db", str(loaded), "--as-of", "1998-03-31"]) == 2
	err = capsys.readouterr().err
	assert f"--as-of 1998-03-31 is before the last recorded pass ({AS_OF})" in err
	# Looking back without recording is fine, and so is the same day again.
	assert main(["run", "--db", str(loaded), "--as-of", "1998-03-31", "--dry-run"]) == 0
	assert main(["run", "--db", str(loaded), "--as-of", AS_OF]) == 0


def test_load_cdnow_text_file(tmp_path, capsys):
	txt = tmp_path / "CDNOW_master.txt"
	txt.write_text(" 00001 19970101  1   11.77\n 00002 19970112  1   12.00\n 00002 19970112  5   77.00\n")
	db = tmp_path / "c.sqlite"
	assert main(["load", "--db", str(db), "--cdnow", str(txt), "--work-dir", str(tmp_path / "conv")]) == 0
	assert "Loaded 2 customers and 2 sales invoices" in capsys.readouterr().out
	assert read_csv(tmp_path / "conv" / "sales_invoices.csv")[1]["Net Total (Company Currency)"] == "89.00"


def test_load_needs_something(tmp_path, capsys):
	assert main(["load", "--db", str(tmp_path / "x.sqlite")]) == 2
	assert "nothing to load" in capsys.readouterr().err


def test_a_closed_pipe_ends_quietly_after_recording(loaded):
	# As `csm-extension run ... | head -0`: the reader is gone before the summary is written.
	read_end, write_end = os.pipe()
	os.close(read_end)
	try:
		proc = subprocess.run(
			[sys.executable, "-m", "csm_extension.cli", "run", "--db", str(loaded), "--as-of", AS_OF],
			stdout=write_end,
			stderr=subprocess.PIPE,
			text=True,
			timeout=120,
		)
	finally:
		os.close(write_end)
	assert (proc.returncode, proc.stderr) == (1, "")
	# The follow-ups were recorded before the summary was printed.
	[(recorded,)] = SQLiteDatabase(str(loaded)).sql("SELECT COUNT(*) FROM `tabCSM Red Flag`")
	assert recorded > 0


def test_a_date_after_the_last_invoice_is_run_and_noted(loaded, tmp_path, capsys):
	# The slice's last invoice is 1998-06-29: a day later every customer is one day more silent.
	assert run(loaded, tmp_path / "r", "--dry-run") == 0
	before = {r["customer"]: r for r in read_csv(tmp_path / "r" / "scores.csv")}
	capsys.readouterr()
	assert (
		main(
			["run", "--db", str(loaded), "--as-of", "1998-06-30", "--out", str(tmp_path / "r2"), "--dry-run"]
		)
		== 0
	)
	assert capsys.readouterr().err == (
		f"note: --as-of 1998-06-30 is 1 day after the last invoice in {loaded} (1998-06-29);"
		" every silence counts up to 1998-06-30\n"
	)
	after = {r["customer"]: r for r in read_csv(tmp_path / "r2" / "scores.csv")}
	assert after.keys() == before.keys()
	silent = [c for c, r in before.items() if r["days_since_last_invoice"]]
	assert silent and all(
		int(after[c]["days_since_last_invoice"]) == int(before[c]["days_since_last_invoice"]) + 1
		for c in silent
	)


def test_resolve_rows_show_what_the_flag_last_showed_and_a_look_back_ignores_the_store(
	loaded, tmp_path, capsys
):
	assert main(["run", "--db", str(loaded), "--as-of", "1998-03-31", "--out", str(tmp_path / "march")]) == 0
	raised = {(r["customer"], r["rule"]): r for r in read_csv(tmp_path / "march" / "flags.csv")}
	assert run(loaded, tmp_path / "june") == 0
	resolved = [r for r in read_csv(tmp_path / "june" / "followups.csv") if r["action"] == "resolve"]
	assert resolved
	for row in resolved:
		flag = raised[(row["customer"], row["rule"])]
		assert (row["severity"], row["raised_on"], row["explanation"]) == (
			flag["severity"],
			"1998-03-31",
			flag["explanation"],
		)
		assert float(row["value"]) == pytest.approx(float(flag["value"]))
		assert float(row["threshold"]) == float(flag["threshold"])
	capsys.readouterr()
	# Back to March without recording: planned afresh, nothing of June's store is resolved or kept.
	assert (
		main(
			[
				"run",
				"--db",
				str(loaded),
				"--as-of",
				"1998-03-31",
				"--dry-run",
				"--out",
				str(tmp_path / "back"),
			]
		)
		== 0
	)
	assert "as if nothing were recorded" in capsys.readouterr().err
	again = read_csv(tmp_path / "back" / "followups.csv")
	assert {r["action"] for r in again} == {"open"}
	assert {(r["customer"], r["rule"]) for r in again} == set(raised)
