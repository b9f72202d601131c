"""The benchmark's tables: ERPNext-shaped `tabCustomer` and `tabSales Invoice` in MariaDB, with rows as
wide as a real site's (or cloned from one with `--like`) and ERPNext's own indexes; the app's covering
index added and dropped on demand."""

from __future__ import annotations

from datetime import date

from csm_extension.data.db import PyMySQLDatabase
from csm_extension.data.facts import COVERING_INDEX
from csm_extension.data.schema import TABLES, create_erpnext_tables

AS_OF = date(2025, 12, 31)
HISTORY_DAYS = 3 * 365
# Bytes of column data a row carries; InnoDB stores a 1,900-byte invoice row in about 2 KB of pages.
ROW_BYTES = {"tabSales Invoice": 1900, "tabCustomer": 500}
FILLER_COLUMNS = {"tabSales Invoice": 16, "tabCustomer": 4}
INSERT_CHUNK = 250_000


def create_tables(db: PyMySQLDatabase, like: str | None) -> None:
	"""Empty `tabCustomer` and `tabSales Invoice`, with ERPNext's indexes and no app index."""
	for table in TABLES:
		db.sql(f"DROP TABLE IF EXISTS `{table}`")
	if like:
		source_db, source_table = like.split(".", 1)
		db.sql(f"CREATE TABLE `tabSales Invoice` LIKE `{source_db}`.`{source_table.strip('`')}`")
		db.sql(f"CREATE TABLE `tabCustomer` LIKE `{source_db}`.`tabCustomer`")
	else:
		create_erpnext_tables(db)
		for table, count in FILLER_COLUMNS.items():
			pads = ", ".join(f"`filler_{i:02d}` varchar(140) DEFAULT NULL" for i in range(count))
			db.sql(f"ALTER TABLE `{table}` ADD COLUMN ({pads}, `remarks` text DEFAULT NULL)")
	drop_app_index(db)


def drop_app_index(db: PyMySQLDatabase) -> None:
	name = COVERING_INDEX[0]
	if db.sql(f"SHOW INDEX FROM `tabSales Invoice` WHERE Key_name = '{name}'"):
		db.sql(f"ALTER TABLE `tabSales Invoice` DROP INDEX `{name}`")


def add_app_index(db: PyMySQLDatabase) -> None:
	name, columns = COVERING_INDEX
	cols = ", ".join(f"`{c}`" for c in columns)
	db.sql(f"ALTER TABLE `tabSales Invoice` ADD INDEX `{name}` ({cols})")


def filler(db: PyMySQLDatabase, table: str, known: dict[str, str]) -> dict[str, str]:
	"""Expressions for the columns not in `known`: text columns padded up to the table's row width,
	NOT NULL columns without a default given a value of their type."""
	columns = db.sql(
		"SELECT COLUMN_NAME, DATA_TYPE, CHARACTER_MAXIMUM_LENGTH, IS_NULLABLE, COLUMN_DEFAULT"
		" FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = %(t)s"
		" ORDER BY ORDINAL_POSITION",
		{"t": table},
	)
	budget = ROW_BYTES[table] - 150  # the known columns take about that much
	exprs = {}
	for name, data_type, max_len, nullable, default in columns:
		if name in known:
			continue
		if data_type in ("varchar", "char", "text", "mediumtext", "longtext") and budget > 0:
			width = min(budget, 120 if data_type in ("varchar", "char") else 400, max_len or 0)
			if width > 0:
				exprs[name] = f"REPEAT('x', {width})"
				budget -= width
				continue
		if nullable == "NO" and default is None:
			exprs[name] = {"date": "'2000-01-01'", "datetime": "'2000-01-01'", "time": "'00:00:00'"}.get(
				data_type, "''" if "char" in data_type or "text" in data_type else "0"
			)
	return exprs


def fill(db: PyMySQLDatabase, n_customers: int, per_customer: int) -> None:
	"""N customers and N * per_customer invoices in posting order (as ERPNext names them), generated
	by the server from MariaDB's Sequence engine."""
	customer = {
		"name": "CONCAT('CUST-', LPAD(seq, 7, '0'))",
		"customer_name": "CONCAT('Customer ', seq, ' Trading Ltd')",
		"customer_group": "ELT(1 + seq % 3, 'Commercial', 'Retail', 'Government')",
		"territory": "ELT(1 + seq % 4, 'North', 'South', 'East', 'West')",
		"disabled": "seq % 50 = 0",
		"docstatus": "0",
	}
	insert_select(db, "tabCustomer", {**customer, **filler(db, "tabCustomer", customer)}, n_customers)

	rows = n_customers * per_customer
	posting = f"DATE_SUB('{AS_OF}', INTERVAL ({rows} - seq) * {HISTORY_DAYS} DIV {rows} DAY)"
	amount = "CAST(CRC32(CONCAT('amount', seq)) % 500000 AS SIGNED) / 100"
	invoice = {
		"name": "CONCAT('ACC-SINV-', LPAD(seq, 9, '0'))",
		# About per_customer invoices each (0 for a few), spread over the whole history.
		"customer": f"CONCAT('CUST-', LPAD(1 + CRC32(seq) % {n_customers}, 7, '0'))",
		"company": "IF(seq % 10 = 0, 'Acme Trading Europe GmbH', 'Acme Trading Ltd')",
		"posting_date": posting,
		"due_date": f"DATE_ADD({posting}, INTERVAL 30 DAY)",
		"creation": posting,
		"modified": posting,
		"docstatus": "CASE WHEN seq % 41 = 0 THEN 0 WHEN seq % 43 = 0 THEN 2 ELSE 1 END",
		"is_return": "seq % 23 = 0",
		"base_net_total": f"IF(seq % 23 = 0, -1, 1) * {amount}",
		# Recent invoices mostly open, older ones mostly paid.
		"outstanding_amount": f"IF(seq % 23 = 0, 0, IF(seq > {rows} * 0.95 AND seq % 3 > 0 OR seq % 17 = 0,"
		f" {amount}, 0))",
	}
	insert_select(db, "tabSales Invoice", {**invoice, **filler(db, "tabSales Invoice", invoice)}, rows)
	db.sql("ANALYZE TABLE `tabCustomer`, `tabSales Invoice`")


def insert_select(db: PyMySQLDatabase, table: str, exprs: dict[str, str], rows: int) -> None:
	columns = ", ".join(f"`{c}`" for c in exprs)
	values = ", ".join(exprs.values()).replace("%", "%%")
	for start in range(1, rows + 1, INSERT_CHUNK):
		stop = min(rows, start + INSERT_CHUNK - 1)
		db.sql(
			f"INSERT INTO `{table}` ({columns}) SELECT {values} FROM seq_{start}_to_{stop}",
			{},
		)
