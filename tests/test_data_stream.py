"""`Database.stream` and `data.facts.iter_facts`: rows as the server sends them, on SQLite and MariaDB."""

from __future__ import annotations

import gc

import pytest

from csm_extension.data import db as db_module
from csm_extension.data.facts import iter_facts, load_facts
from tests.test_data_facts import AS_OF, assert_same_facts, insert_rows, synthetic

QUERY = "SELECT `name`, `customer_name` FROM `tabCustomer` ORDER BY `name`"


def test_stream_gives_the_rows_of_sql_in_batches(db, monkeypatch):
	customers, _ = synthetic(23)
	insert_rows(db, customers)
	monkeypatch.setattr(db_module, "STREAM_BATCH", 5)  # 23 rows: four full batches and a short one
	before = db.statements
	streamed = list(db.stream(QUERY))
	assert db.statements - before == 1
	assert streamed == [(c.name, c.customer_name) for c in customers]
	assert [tuple(r) for r in streamed] == db.sql(QUERY)


def test_a_stream_closed_early_leaves_the_connection_usable(db, monkeypatch):
	customers, _ = synthetic(30)
	insert_rows(db, customers)
	monkeypatch.setattr(db_module, "STREAM_BATCH", 4)
	rows = db.stream(QUERY)
	assert next(rows)[0] == customers[0].name
	rows.close()
	assert db.sql("SELECT COUNT(*) FROM `tabCustomer`")[0][0] == 30


def test_iter_facts_are_load_facts_in_the_database_order(db):
	customers, invoices = synthetic(40)
	insert_rows(db, customers, invoices)
	streamed = list(iter_facts(db, AS_OF, (30, 90)))
	assert_same_facts(sorted(streamed, key=lambda f: f.customer), load_facts(db, AS_OF, (30, 90)))
	assert len(streamed) == 40


def test_iter_facts_fill_the_extra_signals(db):
	customers, invoices = synthetic(3)
	insert_rows(db, customers, invoices)
	facts = iter_facts(db, AS_OF, extra=lambda customer: {"last_nps_score": float(customer[-1])})
	assert {f.customer: f.extra for f in facts} == {
		"CUST-00000": {"last_nps_score": 0.0},
		"CUST-00001": {"last_nps_score": 1.0},
		"CUST-00002": {"last_nps_score": 2.0},
	}


@pytest.mark.parametrize("enabled", [True, False])
def test_gc_is_left_as_found_when_iteration_stops_early(db, enabled):
	customers, invoices = synthetic(5)
	insert_rows(db, customers, invoices)
	gc_was = gc.isenabled()
	try:
		gc.enable() if enabled else gc.disable()
		facts = iter_facts(db, AS_OF)
		next(facts)
		assert not gc.isenabled()  # paused while the rows arrive
		facts.close()
		assert gc.isenabled() is enabled
		assert db.sql("SELECT COUNT(*) FROM `tabCustomer`")[0][0] == 5
	finally:
		gc.enable() if gc_was else gc.disable()
