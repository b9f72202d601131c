"""The ERPNext tables the data layer reads, for offline databases and tests.

Column names, types and indexes are ERPNext 15's own (Currency is decimal(21,9), Check is int(1),
`search_index` gives a single-column index named after the column), so queries tuned here behave the
same on a site.
"""

from __future__ import annotations

from csm_extension.data.db import Database

# MariaDB options of a Frappe site's tables; SQLite takes the column list as is.
_MARIADB_TABLE_OPTIONS = "ENGINE=InnoDB ROW_FORMAT=DYNAMIC CHARACTER SET=utf8mb4 COLLATE=utf8mb4_unicode_ci"

TABLES = {
	"tabCustomer": """
		`name` varchar(140) NOT NULL,
		`creation` datetime(6) DEFAULT NULL,
		`modified` datetime(6) DEFAULT NULL,
		`docstatus` int(1) NOT NULL DEFAULT 0,
		`customer_name` varchar(140) DEFAULT NULL,
		`customer_group` varchar(140) DEFAULT NULL,
		`territory` varchar(140) DEFAULT NULL,
		`disabled` int(1) NOT NULL DEFAULT 0,
		PRIMARY KEY (`name`)
	""",
	"tabSales Invoice": """
		`name` varchar(140) NOT NULL,
		`creation` datetime(6) DEFAULT NULL,
		`modified` datetime(6) DEFAULT NULL,
		`docstatus` int(1) NOT NULL DEFAULT 0,
		`customer` varchar(140) DEFAULT NULL,
		`company` varchar(140) DEFAULT NULL,
		`posting_date` date DEFAULT NULL,
		`due_date` date DEFAULT NULL,
		`is_return` int(1) NOT NULL DEFAULT 0,
		`base_net_total` decimal(21,9) NOT NULL DEFAULT 0,
		`outstanding_amount` decimal(21,9) NOT NULL DEFAULT 0,
		PRIMARY KEY (`name`)
	""",
}

# (table, index name, columns): ERPNext 15's `search_index` fields of the columns above.
INDEXES = (
	("tabCustomer", "customer_name", ("customer_name",)),
	("tabSales Invoice", "customer", ("customer",)),
	("tabSales Invoice", "posting_date", ("posting_date",)),
)


def create_index(db: Database, table: str, name: str, columns: tuple[str, ...]) -> None:
	"""Add an index unless one of that name exists (both dialects know IF NOT EXISTS)."""
	cols = ", ".join(f"`{c}`" for c in columns)
	db.sql(f"CREATE INDEX IF NOT EXISTS `{name}` ON `{table}` ({cols})")


def create_erpnext_tables(db: Database) -> None:
	"""Create `tabCustomer` and `tabSales Invoice` with their indexes; a no-op where they exist."""
	options = _MARIADB_TABLE_OPTIONS if db.dialect == "mariadb" else ""
	for table, columns in TABLES.items():
		db.sql(f"CREATE TABLE IF NOT EXISTS `{table}` ({columns}) {options}")
	for table, name, columns in INDEXES:
		create_index(db, table, name, columns)
