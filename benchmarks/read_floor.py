"""What a straightforward columnar pass on (a)'s statements spends in Python before deciding anything:
their rows read through the driver (PyMySQL, as Frappe's) and parsed into plain columns, one list per
fact, with no object per customer and nothing scored, flagged or planned. `bench_daily_pass.py` times it,
with `evaluate_floor.evaluate_columns` after it, next to the pass. An estimate of what a rewrite could
reach on these statements, not a strict lower bound: a cleverer parse can take less.

`read_columns` parses what `data.facts.iter_facts` parses (tests/test_bench_read_floor.py checks it
against `load_facts`), but into lists.
"""

from __future__ import annotations

from datetime import date

from csm_extension.data.db import Database, to_text
from csm_extension.data.facts import FactsStatements, median_gap_of_days, read_overdue
from csm_extension.engine.models import gc_paused

TEXT_COLUMNS = ("customer", "customer_name", "customer_group", "territory")
# The window columns, in the order facts_statements packs them for each window.
WINDOW_COLUMNS = ("recent_orders", "recent_revenue", "previous_orders", "previous_revenue")
DAY_COLUMNS = ("purchase_days", "first_day", "last_day", "last_invoice", "typical_gap_days")


def read_columns(db: Database, statements: FactsStatements, windows: list[int], as_of: date) -> dict:
	"""Column name -> one value per enabled customer, in the database's order; "overdue" is customer ->
	(amount, invoices oldest due first, days the oldest is past due), as `data.facts.read_overdue` gives
	it. Dates are day numbers (`date.toordinal`)."""
	with gc_paused():
		overdue = read_overdue(db, statements, as_of)  # as iter_facts reads them
		parsed = []
		append = parsed.append
		numbers = statements.splits - 1  # the packed fields before the day list and the last order
		day_of: dict[str, int] = {}  # ISO date -> day number, one entry per calendar day
		rows = db.stream(statements.customers, statements.params)
		try:
			for name, customer_name, customer_group, territory, packed in rows:
				fields = to_text(packed).split(" ", statements.splits)
				values = tuple(map(float, fields[:numbers]))
				if not fields[-2]:
					append(
						(name, customer_name, customer_group, territory, values, 0, None, None, None, None)
					)
					continue
				days = sorted(set(map(int, fields[-2].split(","))))
				last_order = fields[-1]
				day = day_of.get(last_order[:10])
				if day is None:
					day = day_of[last_order[:10]] = date.fromisoformat(last_order[:10]).toordinal()
				append(
					(
						name,
						customer_name,
						customer_group,
						territory,
						values,
						len(days),
						days[0],
						day,
						last_order[11:],
						median_gap_of_days(days),
					)
				)
		finally:
			rows.close()
		# One list per fact; zip runs in C, a small share of the time.
		columns = (
			list(zip(*parsed, strict=True)) if parsed else [()] * (len(TEXT_COLUMNS) + 1 + len(DAY_COLUMNS))
		)
		numeric = list(zip(*columns[4], strict=True)) if parsed else [()] * numbers
	names = ["orders", "lifetime_revenue"] + [f"{c}_{d}" for d in windows for c in WINDOW_COLUMNS]
	cols = dict(zip(TEXT_COLUMNS, map(list, columns[:4]), strict=True))
	cols.update(
		(n, [int(v) if "orders" in n else v for v in column])
		for n, column in zip(names, numeric, strict=True)
	)
	cols.update(zip(DAY_COLUMNS, map(list, columns[5:]), strict=True))
	cols["overdue"] = overdue
	return cols
