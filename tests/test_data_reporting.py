"""`data.reporting` on SQLite and MariaDB against figures worked out by hand."""

from __future__ import annotations

from datetime import date

import pytest
from app_tables_ddl import create_app_tables

from csm_extension.data.reporting import customer_lives, invitations_sent, lifecycle_events, nps_answers
from csm_extension.engine.churn import ChurnRow, CustomerLife, LifecycleEvent, churn_report
from csm_extension.engine.nps import NPSAnswer, NPSRow, nps_report
from csm_extension.engine.periods import periods

d = date


def insert(db, table, rows):
	columns = list(rows[0])
	db.executemany(
		f"INSERT INTO `{table}` ({', '.join(f'`{c}`' for c in columns)})"
		f" VALUES ({', '.join(f'%({c})s' for c in columns)})",
		rows,
	)


def customer(name, group, territory, csm, disabled=0):
	return {
		"name": name,
		"customer_name": name,
		"customer_group": group,
		"territory": territory,
		"csm": csm,
		"disabled": disabled,
	}


def invoice(name, cust, posting, amount, docstatus=1, is_return=0):
	return {
		"name": name,
		"customer": cust,
		"posting_date": posting,
		"docstatus": docstatus,
		"is_return": is_return,
		"base_net_total": amount,
	}


def event(name, cust, kind, on, reason=None, docstatus=1):
	return {
		"name": name,
		"customer": cust,
		"event": kind,
		"event_date": on,
		"reason": reason,
		"docstatus": docstatus,
	}


def response(name, cust, score, on, docstatus=0):
	return {"name": name, "customer": cust, "score": score, "response_date": on, "docstatus": docstatus}


def invitation(name, cust, sent_on, status="Sent"):
	return {
		"name": name,
		"survey": "S",
		"customer": cust,
		"email": "x@example.com",
		"sent_on": sent_on,
		"status": status,
	}


K1_SEGMENTS = {"customer_group": "Retail", "territory": "North", "csm": "ann"}
K2_SEGMENTS = {"customer_group": "Wholesale", "territory": "South", "csm": "bob"}
K4_SEGMENTS = {"customer_group": "Wholesale", "territory": "North", "csm": "ann"}
NO_SEGMENTS = {"customer_group": None, "territory": None, "csm": None}


@pytest.fixture
def loaded(db):
	create_app_tables(db)
	with db.transaction():
		insert(
			db,
			"tabCustomer",
			[
				customer("K1", "Retail", "North", "ann"),
				customer("K2", "Wholesale", "South", "bob"),
				customer("K3", "Retail", None, None, disabled=1),
				customer("K4", "Wholesale", "North", "ann"),
			],
		)
		insert(
			db,
			"tabSales Invoice",
			[
				invoice("I0", "K1", d(2022, 5, 10), 400),
				# K1 churns on 2024-06-30; 365 days before is 2023-07-01 (2023-06-30 -> 2024-06-30 is 366
				# days with Feb 29), so its window is (2023-07-01, 2024-06-30].
				invoice("I1", "K1", d(2023, 7, 1), 1000),  # exactly 365 days before: out
				invoice("I2", "K1", d(2023, 7, 2), 200),  # 364 days before: in
				invoice("I3", "K1", d(2024, 6, 30), 300),  # on the churn date: in
				invoice("I4", "K1", d(2024, 7, 1), 5000),  # the day after: out
				invoice("I5", "K1", d(2024, 3, 1), -50, is_return=1),  # a return: netted in
				invoice("I6", "K1", d(2024, 4, 1), 9999, docstatus=2),  # cancelled
				invoice("I7", "K1", d(2024, 4, 2), 8888, docstatus=0),  # draft
				invoice("J0", "K2", d(2023, 12, 31), -100, is_return=1),
				invoice("J1", "K2", d(2024, 1, 15), 700),
				invoice("J2", "K2", d(2023, 12, 1), 600, docstatus=2),
			],
		)
		insert(
			db,
			"tabCSM Lifecycle Event",
			[
				event("E1", "K1", "Churned", d(2024, 6, 30), "Price"),
				event("E2", "K1", "Won Back", d(2024, 8, 1)),
				event("E3", "K2", "Churned", d(2024, 2, 1), None, docstatus=0),  # a draft counts
				event("E4", "K2", "Churned", d(2024, 3, 1), "Price", docstatus=2),  # cancelled
				event("E5", "K2", "Stage Change", d(2024, 1, 20)),
				event("E6", "K3", "Churned", d(2024, 5, 5), "Budget"),
				event("E7", "K2", "Won Back", d(2024, 4, 10), ""),
			],
		)
		insert(
			db,
			"tabCSM NPS Response",
			[
				response("R1", "K1", 9, d(2024, 1, 1)),
				response("R2", "K2", 3, d(2024, 1, 31), docstatus=1),
				response("R3", "K1", 7, d(2024, 2, 1)),
				response("R4", "K2", 10, d(2023, 12, 31)),
				response("R5", "K1", 0, d(2024, 1, 15), docstatus=2),
				response("R6", "GHOST", 8, d(2024, 1, 20)),
				response("R7", "K4", None, d(2024, 1, 10)),
			],
		)
		insert(
			db,
			"tabCSM NPS Invitation",
			[
				invitation("V1", "K1", d(2024, 1, 1)),
				invitation("V2", "K2", d(2024, 1, 31), "Answered"),
				invitation("V3", "K4", d(2024, 2, 1), "Expired"),
				invitation("V4", "K1", d(2024, 3, 31)),
				invitation("V5", "K1", None),
				invitation("V6", "K2", d(2023, 12, 31)),
				invitation("V7", "GHOST", d(2024, 2, 15)),
			],
		)
	db.statements = 0
	return db


def test_lifecycle_events(loaded):
	assert lifecycle_events(loaded) == [
		# K2 on Feb 1: window (2023-02-01, 2024-02-01]: J1 700 + the return J0 -100 = 600 (J2 cancelled).
		LifecycleEvent("K2", "Churned", d(2024, 2, 1), None, 600.0),
		LifecycleEvent("K2", "Won Back", d(2024, 4, 10), None, 0.0),
		# K3 has no invoices.
		LifecycleEvent("K3", "Churned", d(2024, 5, 5), "Budget", 0.0),
		# K1: I2 200 + I3 300 + I5 -50 = 450 (I1 on the window's open end, I4 after, I6, I7 not submitted).
		LifecycleEvent("K1", "Churned", d(2024, 6, 30), "Price", 450.0),
		LifecycleEvent("K1", "Won Back", d(2024, 8, 1), None, 0.0),
	]
	assert loaded.statements == 1
	assert [e.on for e in lifecycle_events(loaded, until=d(2024, 5, 5))] == [
		d(2024, 2, 1),
		d(2024, 4, 10),
		d(2024, 5, 5),
	]


def test_customer_lives(loaded):
	lives = customer_lives(loaded, d(2024, 6, 30))
	assert lives == [
		# First order I0; E2 (Aug 1) is after as_of.
		CustomerLife(
			"K1",
			d(2022, 5, 10),
			K1_SEGMENTS,
			(LifecycleEvent("K1", "Churned", d(2024, 6, 30), "Price", 450.0),),
		),
		# First order J1: the earlier return J0 and the cancelled J2 are not orders.
		CustomerLife(
			"K2",
			d(2024, 1, 15),
			K2_SEGMENTS,
			(
				LifecycleEvent("K2", "Churned", d(2024, 2, 1), None, 600.0),
				LifecycleEvent("K2", "Won Back", d(2024, 4, 10), None, 0.0),
			),
		),
		# K3 is disabled; K4 never ordered.
		CustomerLife("K4", None, K4_SEGMENTS, ()),
	]
	assert loaded.statements == 2


def test_customer_lives_as_of_an_earlier_day_and_options(loaded):
	early = customer_lives(loaded, d(2024, 1, 10), segment_columns=("territory",))
	# J1 (Jan 15) is after as_of, so K2 has no order yet; no event is dated by Jan 10.
	assert [(c.customer, c.first_order, c.segments, c.events) for c in early] == [
		("K1", d(2022, 5, 10), {"territory": "North"}, ()),
		("K2", None, {"territory": "South"}, ()),
		("K4", None, {"territory": "North"}, ()),
	]
	with_disabled = customer_lives(loaded, d(2024, 6, 30), segment_columns=(), include_disabled=True)
	assert [(c.customer, c.segments) for c in with_disabled] == [
		("K1", {}),
		("K2", {}),
		("K3", {}),
		("K4", {}),
	]
	assert with_disabled[2].events == (LifecycleEvent("K3", "Churned", d(2024, 5, 5), "Budget", 0.0),)


def test_customer_lives_feed_the_churn_report(loaded):
	q1, q2 = periods(d(2024, 1, 1), d(2024, 6, 30), "Quarterly")
	rows = churn_report(customer_lives(loaded, d(2024, 6, 30)), [q1, q2])
	# Q1: only K1 ordered before Jan 1 (K2 first bought Jan 15): 1 at start, nobody churned.
	# Q2: K1 at start (K2 churned Feb 1, not won back before Apr 1); K1 churns Jun 30 with 450 -> 100%;
	# K2 won back Apr 10.
	assert rows == [
		ChurnRow(*q1, None, 1, 0, 0, 0.0, 0.0, {}),
		ChurnRow(*q2, None, 1, 1, 1, 100.0, 450.0, {"Price": 1}),
	]


def test_nps_answers(loaded):
	assert nps_answers(loaded, d(2024, 1, 1), d(2024, 1, 31)) == [
		NPSAnswer(d(2024, 1, 1), 9, K1_SEGMENTS, "K1"),
		# Unknown customer: no segments. R5 is cancelled, R7 has no score, R3 and R4 are outside.
		NPSAnswer(d(2024, 1, 20), 8, NO_SEGMENTS, "GHOST"),
		NPSAnswer(d(2024, 1, 31), 3, K2_SEGMENTS, "K2"),
	]
	assert loaded.statements == 1
	assert nps_answers(loaded, d(2024, 2, 1), d(2024, 2, 1), ("csm",)) == [
		NPSAnswer(d(2024, 2, 1), 7, {"csm": "ann"}, "K1")
	]


def test_invitations_sent(loaded):
	jan, feb, mar, apr = periods(d(2024, 1, 1), d(2024, 4, 30), "Monthly")
	# Jan: V1 (Jan 1), V2 (Jan 31); Feb: V3, V7; Mar: V4 (Mar 31); Apr: none. V5 was never sent, V6 is
	# before January.
	assert invitations_sent(loaded, [jan, feb, mar, apr]) == {jan: 2, feb: 2, mar: 1, apr: 0}
	assert loaded.statements == 1
	# By CSM: V1 K1 ann, V2 K2 bob; V3 K4 ann, V7 unknown customer; V4 K1 ann.
	assert invitations_sent(loaded, [jan, feb, mar, apr], group_by="csm") == {
		(*jan, "ann"): 1,
		(*jan, "bob"): 1,
		(*feb, "ann"): 1,
		(*feb, None): 1,
		(*mar, "ann"): 1,
	}
	assert invitations_sent(loaded, []) == {}


def test_nps_data_feeds_the_report(loaded):
	jan = (d(2024, 1, 1), d(2024, 1, 31))
	[row] = nps_report(nps_answers(loaded, *jan), [jan], invitations_sent(loaded, [jan]))
	# R1 9 promoter, R6 8 passive, R2 3 detractor: (1 - 1) / 3 = 0; 3 answers / 2 invitations = 150%.
	assert row == NPSRow(*jan, None, 3, 1, 1, 1, 0.0, 150.0)
	by_csm = nps_report(
		nps_answers(loaded, *jan), [jan], invitations_sent(loaded, [jan], group_by="csm"), group_by="csm"
	)
	# ann: R1 (9) of V1 -> 100, 100%; bob: R2 (3) of V2 -> -100, 100%; no CSM: R6 (8), no invitation.
	assert by_csm == [
		NPSRow(*jan, "ann", 1, 1, 0, 0, 100.0, 100.0),
		NPSRow(*jan, "bob", 1, 0, 0, 1, -100.0, 100.0),
		NPSRow(*jan, None, 1, 0, 1, 0, 0.0, None),
	]


def test_segment_columns_are_checked(loaded):
	with pytest.raises(ValueError, match=r"got 'name`; DROP'"):
		customer_lives(loaded, d(2024, 1, 1), segment_columns=("name`; DROP",))
	with pytest.raises(ValueError, match=r"got 'email'"):
		invitations_sent(loaded, [(d(2024, 1, 1), d(2024, 1, 31))], group_by="email")
	with pytest.raises(ValueError, match=r"got 'email'"):
		invitations_sent(loaded, [], group_by="email")
	with pytest.raises(ValueError, match=r"got 'disabled'"):
		nps_answers(loaded, d(2024, 1, 1), d(2024, 1, 31), ("disabled",))
	assert loaded.statements == 0


def test_statements_do_not_grow_with_customers(loaded):
	db = loaded
	months = periods(d(2024, 1, 1), d(2024, 12, 31), "Monthly")

	def count_statements():
		db.statements = 0
		lifecycle_events(db)
		customer_lives(db, d(2024, 12, 31))
		nps_answers(db, d(2024, 1, 1), d(2024, 12, 31))
		invitations_sent(db, months, group_by="territory")
		invitations_sent(db, months)
		return db.statements

	before = count_statements()
	with db.transaction():
		names = [f"N{i:03d}" for i in range(60)]
		insert(db, "tabCustomer", [customer(n, "Retail", "East", "cat") for n in names])
		insert(db, "tabSales Invoice", [invoice(f"SI-{n}", n, d(2024, 1, 2), 10) for n in names])
		insert(db, "tabCSM Lifecycle Event", [event(f"LE-{n}", n, "Churned", d(2024, 6, 1)) for n in names])
		insert(db, "tabCSM NPS Response", [response(f"NR-{n}", n, 9, d(2024, 3, 3)) for n in names])
		insert(db, "tabCSM NPS Invitation", [invitation(f"NI-{n}", n, d(2024, 3, 1)) for n in names])
	# 1 + 2 + 1 + 1 + 1
	assert before == count_statements() == 6
	assert len(customer_lives(db, d(2024, 12, 31))) == 3 + 60
