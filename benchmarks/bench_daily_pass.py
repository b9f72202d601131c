"""The daily pass against its floor and its peer, on an ERPNext-sized `tabSales Invoice` in MariaDB.

For each size N it builds N customers with about `--invoices-per-customer` invoices each, rows padded
to about 2 KB as real ERPNext rows are (or cloned from a site's table with `--like`), and prints:

(a) the daily pass as the app runs it, `run_daily_pass(iter_facts(...))`: the customers are scored as
    their rows arrive, so the data load and the evaluation overlap; and the statements (a) issues. For
    reference, the two parts one after the other: `load_facts`, then `run_daily_pass` on the list; and
    (a)'s two statements alone, their rows read and dropped; and the server's own time for them
    (ANALYZE FORMAT=JSON: the server runs them and sends no rows), about what no evaluation can remove;
    and the same rows read and parsed into plain lists (benchmarks/read_floor.py), then decided from
    those lists with no object per customer, score or flag (benchmarks/evaluate_floor.py), with the
    process's CPU time for both: Python's own work, which no overlap with the server hides, in a
    straightforward columnar pass on these statements (an estimate of what a rewrite could reach, not
    a strict bound: a cleverer parse can take less);
(b) the floor: the bare customer GROUP BY on the table as ERPNext indexes it (no app index);
(c) the peer: one query per customer, as ERPNext's Inactive Customers report does (its summary query
    once plus its per-customer query, timed on a random sample and extrapolated to all the enabled
    customers);

each without and with the app's covering index, best of `--repeat` runs after a warm-up run.

	python benchmarks/bench_daily_pass.py [--sizes 10000,100000] [--invoices-per-customer 10] [--repeat 3]

By default it starts a private MariaDB (tests/mariadb_server.py). `--like DB.TABLE` clones a real
site's `tabSales Invoice` definition (and `DB`.`tabCustomer`) with CREATE TABLE ... LIKE, which only
works on the server holding DB: pass `--host/--port/--user/--password` of that server. The user needs
CREATE/DROP on the scratch database `--database` (default csm_bench, dropped at the end).
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
from contextlib import contextmanager, nullcontext
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from csm_extension.data.db import PyMySQLDatabase  # noqa: E402
from csm_extension.data.facts import COVERING_INDEX, facts_statements, iter_facts, load_facts  # noqa: E402
from csm_extension.engine.config import default_config  # noqa: E402
from csm_extension.engine.daily_pass import run_daily_pass  # noqa: E402
from csm_extension.engine.models import gc_paused  # noqa: E402

sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_tables import AS_OF, add_app_index, create_tables, fill  # noqa: E402
from evaluate_floor import evaluate_columns  # noqa: E402
from read_floor import read_columns  # noqa: E402

PEER_SAMPLE = 2000

FLOOR = (
	"SELECT customer, COUNT(*), SUM(base_net_total), MAX(posting_date) FROM `tabSales Invoice`"
	" WHERE docstatus = 1 GROUP BY customer"
)

# erpnext/selling/report/inactive_customers/inactive_customers.py (v15), doctype "Sales Invoice":
# `get_sales_details` once, then `get_last_sales_amt` for every customer it lists.
PEER_SUMMARY = """select
	cust.name, cust.customer_name, cust.territory, cust.customer_group,
	count(distinct(so.name)) as 'num_of_order',
	sum(base_net_total) as 'total_order_value',
	sum(so.base_net_total) as 'total_order_considered',
	max(so.posting_date) as 'last_order_date',
	DATEDIFF(CURRENT_DATE, max(so.posting_date)) as 'days_since_last_order'
from `tabCustomer` cust, `tabSales Invoice` so
where cust.name = so.customer and so.docstatus = 1
group by cust.name
order by 'days_since_last_order' desc"""
PEER_PER_CUSTOMER = """select base_net_total from `tabSales Invoice`
where customer = %s and docstatus = 1 order by posting_date desc
limit 1"""


def parse_args(argv=None):
	p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
	p.add_argument("--sizes", default="10000,100000", help="customer counts, comma-separated")
	p.add_argument("--invoices-per-customer", type=int, default=10)
	p.add_argument("--repeat", type=int, default=3, help="timed runs after one warm-up; best one counts")
	p.add_argument("--peer-sample", type=int, default=PEER_SAMPLE, help="customers the peer is timed on")
	p.add_argument("--like", metavar="DB.TABLE", help="clone this table definition (same server)")
	p.add_argument("--host", help="server to use instead of a private one (needed with --like)")
	p.add_argument("--port", type=int, default=3306)
	p.add_argument("--user", default="root")
	p.add_argument("--password", default="")
	p.add_argument("--database", default="csm_bench", help="scratch database (created, then dropped)")
	args = p.parse_args(argv)
	args.sizes = [int(s) for s in args.sizes.split(",")]
	return args


@contextmanager
def server(args):
	"""pymysql.connect kwargs of the scratch database on `--host` or on a private server."""
	if args.host:
		ctx = nullcontext(
			{"host": args.host, "port": args.port, "user": args.user, "password": args.password}
		)
	else:
		from mariadb_server import private_mariadb

		# The buffer pool holds the largest data set, as on a well-sized production server.
		rows = max(args.sizes) * args.invoices_per_customer
		pool_mb = max(256, 128 * math.ceil(rows * 3500 / 2**20 / 128))
		options = (f"--innodb-buffer-pool-size={pool_mb}M", "--innodb-log-file-size=1G")
		ctx = private_mariadb(options=options)
	with ctx as params:
		params = {k: v for k, v in params.items() if k != "database"}
		admin = PyMySQLDatabase(**params)
		admin.sql(f"DROP DATABASE IF EXISTS `{args.database}`")
		admin.sql(f"CREATE DATABASE `{args.database}`")
		try:
			yield {**params, "database": args.database}
		finally:
			admin.sql(f"DROP DATABASE IF EXISTS `{args.database}`")
			admin.close()


def best(fn, repeat: int) -> list[float]:
	"""Per-part timings of the best of `repeat` runs after a warm-up (fn returns a list of seconds)."""
	fn()
	runs = [fn() for _ in range(repeat)]
	return min(runs, key=lambda r: r[-1])


def measure(db: PyMySQLDatabase, conn, n: int, args, rng: random.Random) -> dict:
	config = default_config()
	# As the site's daily job loads them (the offline command adds the revenue-at-stake window).
	windows = config.decision_windows
	stats = {}

	def floor():
		t = time.perf_counter()
		db.sql(FLOOR)
		return [time.perf_counter() - t]

	def daily_pass():
		# As the app runs it: the customers are scored while the server still sends rows.
		t0 = time.perf_counter()
		before = db.statements
		result = run_daily_pass(iter_facts(db, AS_OF, windows), config, AS_OF)
		t1 = time.perf_counter()
		stats["statements"] = db.statements - before
		stats["customers"] = len(result.facts)
		return [t1 - t0]

	# (a)'s two statements, timed bare by `bare` and `server_only`.
	statements = facts_statements(db, AS_OF, list(windows))

	def bare():
		# (a)'s two statements with their rows read and dropped: what the SQL and the driver cost
		# before any Python builds facts or scores them.
		t0 = time.perf_counter()
		db.sql(statements.overdue, statements.params)
		rows = db.stream(statements.customers, statements.params)
		for _ in rows:
			pass
		rows.close()
		return [time.perf_counter() - t0]

	def server_only():
		# The same two statements run by the server alone (ANALYZE runs a statement, measures it and
		# sends no rows): what (a) costs however fast the driver and the evaluation were.
		return [
			sum(server_seconds(db, q, statements.params) for q in (statements.overdue, statements.customers))
		]

	def columns():
		# (a)'s rows read and parsed into plain lists (read_floor.py), then decided from them with no
		# object per customer, score or flag (evaluate_floor.py). The process's CPU time for both is
		# Python's own work, which no overlap with the server hides: an estimate of what a columnar
		# rewrite of the pass would spend on these statements. best() keeps the run with the least CPU.
		c0, t0 = time.process_time(), time.perf_counter()
		cols = read_columns(db, statements, list(windows), AS_OF)
		t1 = time.perf_counter()
		with gc_paused():
			evaluate_columns(cols, config, AS_OF)
		t2 = time.perf_counter()
		return [t1 - t0, t2 - t1, time.process_time() - c0]

	def apart():
		# The two parts one after the other, to show what each costs.
		t0 = time.perf_counter()
		facts = load_facts(db, AS_OF, windows)
		t1 = time.perf_counter()
		run_daily_pass(facts, config, AS_OF)
		t2 = time.perf_counter()
		return [t1 - t0, t2 - t1, t2 - t0]

	customers = [r[0] for r in db.sql("SELECT `name` FROM `tabCustomer` WHERE `disabled` = 0")]
	sample = rng.sample(customers, min(args.peer_sample, len(customers)))

	def peer():
		with conn.cursor() as cur:
			t0 = time.perf_counter()
			cur.execute(PEER_SUMMARY)
			cur.fetchall()
			t1 = time.perf_counter()
			for name in sample:
				cur.execute(PEER_PER_CUSTOMER, (name,))
				cur.fetchall()
			t2 = time.perf_counter()
		per_customer = (t2 - t1) * len(customers) / len(sample)
		return [t1 - t0, per_customer, t1 - t0 + per_customer]

	stats["floor"] = best(floor, args.repeat)[0]
	stats["pass"] = best(daily_pass, args.repeat)[0]
	stats["load"], stats["evaluate"], stats["serial"] = best(apart, args.repeat)
	stats["bare"] = best(bare, args.repeat)[0]
	stats["server"] = best(server_only, args.repeat)[0]
	stats["columns"], stats["decide"], stats["python"] = best(columns, args.repeat)
	stats["summary"], stats["per_customer"], stats["peer"] = best(peer, args.repeat)
	stats["sample"], stats["enabled"] = len(sample), len(customers)
	return stats


def sql_seconds(s: dict) -> float:
	"""What (a) cannot go below on these statements, approximately: the server's time for them. ANALYZE
	adds its own instrumentation and can read above the plain run with rows sent, so the smaller of the
	two."""
	return min(s["server"], s["bare"])


def server_seconds(db: PyMySQLDatabase, statement: str, params: dict) -> float:
	"""The server's own time for `statement`, measured by MariaDB's ANALYZE FORMAT=JSON."""
	[(plan,)] = db.sql(statement.replace("SELECT", "ANALYZE FORMAT=JSON SELECT", 1), params)
	return json.loads(plan)["query_block"]["r_total_time_ms"] / 1000


def table_size(db: PyMySQLDatabase, rows: int) -> str:
	[(data, index)] = db.sql(
		"SELECT DATA_LENGTH, INDEX_LENGTH FROM information_schema.TABLES"
		" WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'tabSales Invoice'"
	)
	return f"{data / 2**20:,.0f} MB data ({data / max(rows, 1):,.0f} B/row), {index / 2**20:,.0f} MB indexes"


def report(label: str, s: dict) -> None:
	print(
		f"  {label:<16} (a) pass {s['pass']:7.2f}s  [{s['statements']} statements, {s['customers']:,} customers;"
		f" load and evaluation overlap; one after the other: load {s['load']:.2f}s + evaluate"
		f" {s['evaluate']:.2f}s = {s['serial']:.2f}s]"
	)
	print(
		f"  {'':<16}           (a)'s two statements alone, their rows read and dropped: {s['bare']:.2f}s"
		f" (the rest of (a) is Python building, scoring and flagging the customers)"
	)
	print(
		f"  {'':<16}           the server alone on them (ANALYZE, no rows sent): {s['server']:.2f}s"
		f" (about what no faster Python can remove: peer/pass <= about {s['peer'] / sql_seconds(s):.1f})"
	)
	print(
		f"  {'':<16}           the same rows read and parsed into plain lists {s['columns']:.2f}s, then decided"
		f" from those lists with no objects {s['decide']:.2f}s; Python's CPU for both {s['python']:.2f}s (a columnar"
		f" rewrite on these statements, estimated: peer/pass <= about {s['peer'] / s['python']:.1f})"
	)
	print(
		f"  {'':<16} (b) floor {s['floor']:6.2f}s   pass/floor = {s['pass'] / s['floor']:.2f}"
		f"  (load alone/floor = {s['load'] / s['floor']:.2f})"
	)
	print(
		f"  {'':<16} (c) peer {s['peer']:7.2f}s = summary {s['summary']:.2f}s + {s['enabled']:,} per-customer"
		f" queries {s['per_customer']:.2f}s (EXTRAPOLATED from a random sample of {s['sample']:,})"
		f"   peer/pass = {s['peer'] / s['pass']:.1f}"
	)


def main(argv=None) -> None:
	args = parse_args(argv)
	rng = random.Random(20251231)
	started = time.perf_counter()
	print(
		f"bench_daily_pass: sizes {args.sizes}, ~{args.invoices_per_customer} invoices/customer,"
		f" best of {args.repeat} after a warm-up; windows {default_config().decision_windows};"
		f" table {'LIKE ' + args.like if args.like else 'synthetic'}",
		flush=True,
	)
	with server(args) as params:
		db = PyMySQLDatabase(**params)
		[(version,)] = db.sql("SELECT VERSION()")
		[(_, pool)] = db.sql("SHOW VARIABLES LIKE 'innodb_buffer_pool_size'")
		print(f"MariaDB {version}, buffer pool {int(pool) / 2**30:.1f} GB", flush=True)
		results = {}
		for n in args.sizes:
			t = time.perf_counter()
			create_tables(db, args.like)
			fill(db, n, args.invoices_per_customer)
			print(
				f"\nN={n:,}: {n * args.invoices_per_customer:,} invoices, built in"
				f" {time.perf_counter() - t:.0f}s; {table_size(db, n * args.invoices_per_customer)}",
				flush=True,
			)
			without = measure(db, db.conn, n, args, rng)
			report("no app index", without)
			t = time.perf_counter()
			add_app_index(db)
			db.sql("ANALYZE TABLE `tabSales Invoice`")
			print(f"  adding {COVERING_INDEX[0]} took {time.perf_counter() - t:.1f}s", flush=True)
			with_index = measure(db, db.conn, n, args, rng)
			report("with app index", with_index)
			results[n] = (without, with_index)
		db.close()
	print(f"\ntotal {time.perf_counter() - started:.0f}s")
	n = max(results)
	without, with_index = results[n]
	statements = {s["statements"] for pair in results.values() for s in pair}
	# The peer's faster run (ERPNext's report may well profit from the app's index too).
	peer = min(without["peer"], with_index["peer"])
	print(
		f"bound N={n}: peer / (a)'s statements alone = {peer / sql_seconds(with_index):.1f},"
		f" peer / Python's CPU to parse their rows into lists and decide from them = {peer / with_index['python']:.1f}"
		" (about the most peer/pass can reach on these statements: whatever the evaluation, and for a"
		" columnar rewrite of it, estimated)"
	)
	print(
		f"bench N={n} pass/floor={with_index['pass'] / without['floor']:.2f}"
		f" peer/pass={peer / with_index['pass']:.1f} statements={'/'.join(map(str, sorted(statements)))}"
	)


if __name__ == "__main__":
	main()
