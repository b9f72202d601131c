"""`data.facts.load_facts` (SQL, on SQLite and MariaDB) against `engine.facts.compute_facts` (Python)."""

from __future__ import annotations

import dataclasses
import gc
import sys
import types
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csm_extension.data.facts import (
	COVERING_INDEX,
	invoice_companies,
	invoice_span,
	invoices_outside,
	load_facts,
	median_gap_of_days,
)
from csm_extension.engine.facts import compute_facts, median_gap
from csm_extension.engine.models import CustomerFacts, CustomerRow, InvoiceRow, WindowFacts

AS_OF = date(2024, 6, 30)


def insert_rows(db, customers=(), invoices=()):
	with db.transaction():
		if customers:
			db.executemany(
				"INSERT INTO `tabCustomer` (`name`, `customer_name`, `customer_group`, `territory`, `disabled`)"
				" VALUES (%(name)s, %(customer_name)s, %(customer_group)s, %(territory)s, %(disabled)s)",
				[{**dataclasses.asdict(c), "disabled": int(c.disabled)} for c in customers],
			)
		if invoices:
			db.executemany(
				"INSERT INTO `tabSales Invoice` (`name`, `customer`, `posting_date`, `due_date`, `docstatus`,"
				" `is_return`, `base_net_total`, `outstanding_amount`, `company`) VALUES (%(name)s,"
				" %(customer)s, %(posting_date)s, %(due_date)s, %(docstatus)s, %(is_return)s,"
				" %(base_net_total)s, %(outstanding_amount)s, %(company)s)",
				[{**dataclasses.asdict(i), "is_return": int(i.is_return)} for i in invoices],
			)


def clear(db):
	with db.transaction():
		db.sql("DELETE FROM `tabSales Invoice`")
		db.sql("DELETE FROM `tabCustomer`")


def inv(
	name,
	customer,
	posting,
	amount=100.0,
	*,
	due=None,
	outstanding=0.0,
	docstatus=1,
	is_return=False,
	company="A",
):
	return InvoiceRow(name, customer, posting, due, docstatus, is_return, amount, outstanding, company)


def assert_same_facts(actual: list[CustomerFacts], expected: list[CustomerFacts]):
	assert [f.customer for f in actual] == [f.customer for f in expected]
	for a, e in zip(actual, expected, strict=True):
		for field in dataclasses.fields(CustomerFacts):
			got, want = getattr(a, field.name), getattr(e, field.name)
			if field.name == "windows":
				assert got.keys() == want.keys(), a.customer
				for days in want:
					assert_same_window(got[days], want[days], a.customer)
			elif isinstance(want, float):
				assert got == pytest.approx(want, abs=1e-6), (a.customer, field.name)
			else:
				assert got == want, (a.customer, field.name)


def assert_same_window(got: WindowFacts, want: WindowFacts, customer: str):
	assert (got.days, got.recent_orders, got.previous_orders) == (
		want.days,
		want.recent_orders,
		want.previous_orders,
	), customer
	assert got.recent_revenue == pytest.approx(want.recent_revenue, abs=1e-6), customer
	assert got.previous_revenue == pytest.approx(want.previous_revenue, abs=1e-6), customer


def check_against_python(db, customers, invoices, as_of=AS_OF, windows=(90,), company=None):
	actual = load_facts(db, as_of, windows, company)
	assert_same_facts(actual, compute_facts(customers, invoices, as_of, windows, company))
	return actual


def test_hand_computed(db):
	d = date
	customers = [
		CustomerRow("C1", "Acme", "Commercial", "Europe"),
		CustomerRow("C2", "Quiet Ltd"),
		CustomerRow("C0", "Gone", disabled=True),
	]
	invoices = [
		inv("SI-01", "C1", d(2024, 1, 10), 100),
		inv("SI-02", "C1", d(2024, 1, 20), 200),
		inv("SI-03", "C1", d(2024, 2, 19), 50),
		inv("SI-04", "C1", d(2024, 5, 15), 300, due=d(2024, 6, 14), outstanding=120),
		inv("SI-05", "C1", d(2024, 6, 10), -40, due=d(2024, 6, 10), outstanding=-40, is_return=True),
		inv("SI-06", "C1", d(2024, 6, 10), 80, due=d(2024, 6, 30), outstanding=80),
		inv("SI-07", "C1", d(2024, 6, 20), 999, due=d(2024, 6, 1), outstanding=999, docstatus=0),
		inv("SI-08", "C1", d(2024, 6, 25), 999, due=d(2024, 6, 1), outstanding=999, docstatus=2),
		inv("SI-09", "C1", d(2024, 7, 1), 999),
		inv("SI-10", "C0", d(2024, 6, 1), 999),
	]
	insert_rows(db, customers, invoices)
	[c1, c2] = load_facts(db, AS_OF, windows=(30,))

	# Orders: SI-01..04 and SI-06 (SI-05 is a return, 07 a draft, 08 cancelled, 09 after as_of).
	assert (c1.orders, c1.purchase_days) == (5, 5)
	assert (c1.first_invoice_date, c1.last_invoice_date, c1.last_invoice) == (
		d(2024, 1, 10),
		d(2024, 6, 10),
		"SI-06",
	)
	# 100 + 200 + 50 + 300 - 40 + 80 = 690
	assert c1.lifetime_revenue == pytest.approx(690)
	# Gaps: Jan 10->20 = 10, Jan 20->Feb 19 = 30, Feb 19->May 15 = 10+31+30+15 = 86 (2024 is a leap
	# year: 10 days left in Feb), May 15->Jun 10 = 16+10 = 26; sorted 10, 26, 30, 86 -> (26+30)/2 = 28.
	assert c1.typical_gap_days == pytest.approx(28.0)
	# 30-day window: recent (May 31, Jun 30] holds SI-05 and SI-06: 1 order, -40 + 80 = 40;
	# previous (May 1, May 31] holds SI-04: 1 order, 300.
	assert c1.window(30) == WindowFacts(30, 1, pytest.approx(40), 1, pytest.approx(300))
	# Overdue: only SI-04 (due Jun 14 < Jun 30, 120 open): 30 - 14 = 16 days. SI-06 is due on as_of.
	assert (c1.overdue_amount, c1.overdue_invoices, c1.oldest_overdue_days) == (120, ("SI-04",), 16)
	assert (c1.customer_name, c1.customer_group, c1.territory) == ("Acme", "Commercial", "Europe")

	assert c2 == CustomerFacts("C2", AS_OF, "Quiet Ltd", windows={30: WindowFacts(30)})
	assert_same_facts([c1, c2], compute_facts(customers, invoices, AS_OF, (30,)))


def edge_case_rows():
	"""A data set that walks every rule of `compute_facts` across its edges."""
	d = AS_OF
	customers = [
		CustomerRow("EDGES", "Edges"),
		CustomerRow("RETURNS", "Returns only"),
		CustomerRow("SINGLE", "One purchase", "Retail", "North"),
		CustomerRow("TWO-DAYS", "Two purchase days"),
		CustomerRow("NONE", "No invoices"),
		CustomerRow("DISABLED", "Disabled", disabled=True),
		CustomerRow("OTHER-CO", "Other company"),
		CustomerRow("MIXED-CO", "Both companies"),
	]
	ago = lambda n: d - timedelta(days=n)  # noqa: E731
	invoices = [
		# window edges for 30 and 90 days: as_of - days belongs to previous, as_of - 2*days is outside
		inv("E-01", "EDGES", ago(180), 1.5),
		inv("E-02", "EDGES", ago(90), 2.25),
		inv("E-03", "EDGES", ago(60), 3),
		inv("E-04", "EDGES", ago(30), 4),
		inv("E-05", "EDGES", ago(29), 5),
		inv("E-06", "EDGES", d, 6, due=d, outstanding=6),  # due on as_of: not overdue yet
		inv("E-07", "EDGES", d, 7, due=ago(1), outstanding=7),  # same day as E-06
		inv("E-08", "EDGES", d + timedelta(days=1), 8),  # after as_of
		inv("E-09", "EDGES", ago(91), 9, due=ago(61), outstanding=4.5),
		inv("E-10", "EDGES", ago(181), 10, due=ago(61), outstanding=1),  # same due date as E-09
		inv("E-11", "EDGES", ago(10), -3, is_return=True, outstanding=-3, due=ago(40)),
		inv("E-12", "EDGES", ago(5), 50, docstatus=0, due=ago(100), outstanding=50),
		inv("E-13", "EDGES", ago(5), 60, docstatus=2, due=ago(100), outstanding=60),
		inv("R-01", "RETURNS", ago(3), -20, is_return=True, outstanding=-20),
		inv("S-01", "SINGLE", ago(400), 99, due=ago(370), outstanding=99),
		inv("T-01", "TWO-DAYS", ago(50), 10),
		inv("T-02", "TWO-DAYS", ago(50), 20),
		inv("T-03", "TWO-DAYS", ago(20), 30),
		inv("D-01", "DISABLED", ago(5), 1000, due=ago(4), outstanding=1000),
		inv("O-01", "OTHER-CO", ago(5), 70, company="B", due=ago(2), outstanding=70),
		inv("M-01", "MIXED-CO", ago(15), 11, company="A"),
		inv("M-02", "MIXED-CO", ago(14), 12, company="B", due=ago(1), outstanding=12),
		inv("M-03", "MIXED-CO", ago(13), 13, company="A"),
		inv("M-04", "MIXED-CO", ago(11), 14, company="A"),
		inv("X-01", "UNKNOWN", ago(5), 5),  # no such customer
	]
	return customers, invoices


@pytest.mark.parametrize("company", [None, "A", "B", "nobody"])
def test_edge_cases_match_python(db, company):
	customers, invoices = edge_case_rows()
	insert_rows(db, customers, invoices)
	facts = check_against_python(db, customers, invoices, windows=(30, 90, 1), company=company)
	by_name = {f.customer: f for f in facts}
	assert "DISABLED" not in by_name
	if company is None:
		edges = by_name["EDGES"]
		# recent 30 = (ago 30, as_of]: E-05, E-06, E-07 and the return E-11
		assert edges.window(30).recent_orders == 3
		# previous 30 = (ago 60, ago 30]: E-04 only, E-03 at ago 60 is just outside
		assert edges.window(30).previous_orders == 1
		# previous 90 = (ago 180, ago 90]: E-02 and E-09, E-01 at ago 180 is just outside
		assert edges.window(90).previous_orders == 2
		assert edges.window(1).recent_orders == 2  # E-06 and E-07 on as_of
		# oldest due first, ties by name; the return E-11 owes nothing, E-06 is due on as_of
		assert edges.overdue_invoices == ("E-09", "E-10", "E-07")
		assert edges.last_invoice == "E-07"
		assert by_name["SINGLE"].typical_gap_days is None
		assert by_name["TWO-DAYS"].typical_gap_days is None
		assert by_name["TWO-DAYS"].purchase_days == 2
		assert by_name["RETURNS"].orders == 0 and by_name["RETURNS"].last_invoice is None
		assert by_name["NONE"].orders == 0 and by_name["NONE"].windows[90] == WindowFacts(90)


def test_insertion_order_does_not_matter(db):
	customers, invoices = edge_case_rows()
	insert_rows(db, customers[::-1], invoices[::-1])
	check_against_python(db, customers, invoices, windows=(7, 30))


@st.composite
def datasets(draw):
	base = date(2023, 1, 1)
	n_customers = draw(st.integers(1, 6))
	customers = [
		CustomerRow(
			f"C-{i}",
			f"Customer {i}",
			draw(st.sampled_from([None, "Retail", "Commercial"])),
			draw(st.sampled_from([None, "North", "South"])),
			draw(st.booleans()) if i % 3 == 2 else False,
		)
		for i in range(n_customers)
	]
	names = [c.name for c in customers] + ["C-GHOST"]
	invoices = []
	for k in range(draw(st.integers(0, 40))):
		posting = base + timedelta(days=draw(st.integers(0, 200)))
		is_return = draw(st.booleans()) if k % 4 == 0 else False
		cents = draw(st.integers(1, 1_000_000))
		amount = (-cents if is_return else cents) / 100
		invoices.append(
			InvoiceRow(
				name=f"SINV-{k:04d}",
				customer=draw(st.sampled_from(names)),
				posting_date=posting,
				due_date=draw(st.none() | st.integers(0, 60).map(lambda n, p=posting: p + timedelta(days=n))),
				docstatus=draw(st.sampled_from([0, 1, 1, 1, 2])),
				is_return=is_return,
				base_net_total=amount,
				outstanding_amount=draw(st.sampled_from([0.0, amount, round(amount / 3, 2)])),
				company=draw(st.sampled_from(["A", "A", "B", None])),
			)
		)
	as_of = base + timedelta(days=draw(st.integers(0, 220)))
	windows = draw(st.lists(st.sampled_from([1, 7, 30, 90]), min_size=1, max_size=3, unique=True))
	company = draw(st.sampled_from([None, None, "A"]))
	return customers, invoices, as_of, windows, company


def test_random_invoice_sets_match_python(db):
	examples = 200 if db.dialect == "sqlite" else 30

	@settings(max_examples=examples, deadline=None, suppress_health_check=[HealthCheck.too_slow])
	@given(data=datasets(), shuffle=st.randoms(use_true_random=False))
	def check(data, shuffle):
		customers, invoices, as_of, windows, company = data
		expected = compute_facts(customers, invoices, as_of, windows, company)
		clear(db)
		insert_rows(db, customers, invoices)
		assert_same_facts(load_facts(db, as_of, windows, company), expected)
		# The same rows inserted in another order give the same facts.
		shuffled = list(invoices)
		shuffle.shuffle(shuffled)
		clear(db)
		insert_rows(db, customers[::-1], shuffled)
		assert_same_facts(load_facts(db, as_of, windows, company), expected)

	check()


def synthetic(n_customers: int, per_customer: int = 4):
	customers = [CustomerRow(f"CUST-{i:05d}", f"Customer {i}") for i in range(n_customers)]
	invoices = [
		inv(f"SINV-{i:05d}-{k}", c.name, AS_OF - timedelta(days=17 * k + i % 13), 10 * k + 1, due=AS_OF)
		for i, c in enumerate(customers)
		for k in range(per_customer)
	]
	return customers, invoices


def test_statement_count_does_not_grow_with_customers(db):
	counts = []
	for n in (10, 500):
		clear(db)
		customers, invoices = synthetic(n)
		insert_rows(db, customers, invoices)
		before = db.statements
		facts = load_facts(db, AS_OF, windows=(30, 90))
		counts.append(db.statements - before)
		assert len(facts) == n
	assert counts[0] == counts[1] == 2


def test_invoice_span(db):
	assert invoice_span(db) is None
	insert_rows(db, [CustomerRow("C")], [inv("SI-DRAFT", "C", date(2020, 1, 1), docstatus=0)])
	assert invoice_span(db) is None  # drafts and cancelled invoices are not data
	insert_rows(
		db,
		invoices=[
			inv("SI-1", "C", date(2022, 3, 4)),
			inv("SI-2", "C", date(2023, 12, 31)),
			inv("SI-3", "C", date(2022, 8, 1), is_return=True),
			inv("SI-4", "C", date(2025, 1, 1), docstatus=2),
		],
	)
	assert invoice_span(db) == (date(2022, 3, 4), date(2023, 12, 31))


def test_companies_of_submitted_invoices(db):
	insert_rows(
		db,
		[CustomerRow("C")],
		[
			inv("SI-1", "C", date(2024, 1, 1), company="Acme"),
			inv("SI-2", "C", date(2024, 1, 2), company="Beta"),
			inv("SI-3", "C", date(2024, 1, 3), company=None),
			inv("SI-4", "C", date(2024, 1, 4), company="Gamma", docstatus=2),  # cancelled: not data
			inv("SI-5", "C", date(2024, 1, 5), company="Beta"),
		],
	)
	assert invoice_companies(db) == ["Acme", "Beta"]
	# Outside Beta: SI-1 (Acme) and SI-3 (no company); outside Acme: SI-2, SI-3, SI-5.
	assert (invoices_outside(db, "Beta"), invoices_outside(db, "Acme"), invoices_outside(db, "Gamma")) == (
		2,
		3,
		4,
	)
	assert invoice_span(db, "Beta") == (date(2024, 1, 2), date(2024, 1, 5))
	assert invoice_span(db, "Gamma") is None


def test_transaction_rolls_back_on_error(db):
	with pytest.raises(RuntimeError):
		with db.transaction():
			insert_rows_raw = "INSERT INTO `tabCustomer` (`name`) VALUES (%(name)s)"
			db.executemany(insert_rows_raw, [{"name": "KEEP-OUT"}])
			raise RuntimeError("boom")
	assert db.sql("SELECT COUNT(*) FROM `tabCustomer`") == [(0,)]
	with db.transaction():
		db.sql("INSERT INTO `tabCustomer` (`name`) VALUES (%(name)s)", {"name": "IN"})
	assert db.sql("SELECT `name` FROM `tabCustomer`") == [("IN",)]


@pytest.mark.parametrize(
	"day",
	[
		date(1000, 1, 1),
		date(1582, 10, 15),
		date(1970, 1, 1),
		date(2000, 2, 29),
		date(2024, 6, 30),
		date(9999, 12, 31),
	],
)
def test_day_number_is_the_ordinal(db, day):
	[(n,)] = db.sql(f"SELECT {db.snippet('day_number', date='%(d)s')}", {"d": day})
	assert n == day.toordinal()


@given(st.lists(st.dates(date(2000, 1, 1), date(2030, 12, 31)), max_size=30))
def test_median_gap_of_days_is_the_engines(dates):
	days = sorted({d.toordinal() for d in dates})
	assert median_gap_of_days(days) == median_gap(dates)


def test_names_with_spaces_and_commas(db):
	customers = [CustomerRow("Acme, Inc. ", "Acme, Inc.", "Retail, B2B", "North East")]
	invoices = [
		inv(
			"SI 1, first",
			"Acme, Inc. ",
			AS_OF - timedelta(days=40),
			10,
			due=AS_OF - timedelta(days=9),
			outstanding=4,
		),
		inv(
			"SI 2, two  spaces",
			"Acme, Inc. ",
			AS_OF - timedelta(days=20),
			20,
			due=AS_OF - timedelta(days=9),
			outstanding=5,
		),
		inv("SI 3", "Acme, Inc. ", AS_OF - timedelta(days=20), 30),
	]
	insert_rows(db, customers, invoices)
	[facts] = check_against_python(db, customers, invoices)
	assert facts.last_invoice == "SI 3"
	assert facts.overdue_invoices == ("SI 1, first", "SI 2, two  spaces")


def test_purchase_days_beyond_group_concat_max_len(db):
	"""The statement lifts MariaDB's group_concat_max_len for itself: a session limit cannot cut the list."""
	if db.dialect == "mariadb":
		db.sql("SET SESSION group_concat_max_len = 64")
	customers = [CustomerRow("BIG")]
	invoices = [inv(f"SI-{k:04d}", "BIG", AS_OF - timedelta(days=k)) for k in range(400)]
	insert_rows(db, customers, invoices)
	[facts] = check_against_python(db, customers, invoices)
	assert facts.purchase_days == 400


def test_index_patch_adds_the_covering_index_once(db, monkeypatch):
	if db.dialect != "mariadb":
		pytest.skip("the patch runs on MariaDB sites")
	calls = []

	def sql(query, *args):
		calls.append(query)
		return db.sql(query)

	fake_db = types.SimpleNamespace(
		db_type="mariadb",
		sql=sql,
		commit=lambda: None,
		has_index=lambda table, name: db.sql(f"SHOW INDEX FROM `{table}` WHERE Key_name = '{name}'"),
	)
	monkeypatch.setitem(sys.modules, "frappe", types.SimpleNamespace(db=fake_db))
	from csm_extension.patches.v0_1 import add_customer_facts_index

	add_customer_facts_index.execute()
	add_customer_facts_index.execute()
	assert len(calls) == 1
	name, columns = COVERING_INDEX
	indexed = db.sql(f"SHOW INDEX FROM `tabSales Invoice` WHERE Key_name = '{name}'")
	assert tuple(row[4] for row in sorted(indexed, key=lambda row: row[3])) == columns
	# The facts stay right with the index in place.
	customers, invoices = synthetic(5)
	insert_rows(db, customers, invoices)
	check_against_python(db, customers, invoices)


@pytest.mark.parametrize("enabled", [True, False])
def test_gc_is_left_as_found(db, enabled):
	gc_was = gc.isenabled()
	try:
		gc.enable() if enabled else gc.disable()
		load_facts(db, AS_OF)
		assert gc.isenabled() is enabled
	finally:
		gc.enable() if gc_was else gc.disable()
