"""Minimal tables of the app's doctypes the reports read, for tests on SQLite and MariaDB.

On a site the doctypes own these tables; here they carry just the columns the data layer reads.
"""

from __future__ import annotations

from csm_extension.data.db import Database

_MARIADB_TABLE_OPTIONS = "ENGINE=InnoDB ROW_FORMAT=DYNAMIC CHARACTER SET=utf8mb4 COLLATE=utf8mb4_unicode_ci"

TABLES = {
	"tabCSM Lifecycle Event": """
		`name` varchar(140) NOT NULL,
		`creation` datetime(6) DEFAULT NULL,
		`docstatus` int(1) NOT NULL DEFAULT 0,
		`customer` varchar(140) DEFAULT NULL,
		`event` varchar(140) DEFAULT NULL,
		`event_date` date DEFAULT NULL,
		`reason` varchar(140) DEFAULT NULL,
		`competitor` varchar(140) DEFAULT NULL,
		`source` varchar(140) DEFAULT NULL,
		PRIMARY KEY (`name`)
	""",
	"tabCSM NPS Response": """
		`name` varchar(140) NOT NULL,
		`creation` datetime(6) DEFAULT NULL,
		`docstatus` int(1) NOT NULL DEFAULT 0,
		`customer` varchar(140) DEFAULT NULL,
		`score` int(11) DEFAULT NULL,
		`response_date` date DEFAULT NULL,
		PRIMARY KEY (`name`)
	""",
	"tabCSM NPS Invitation": """
		`name` varchar(140) NOT NULL,
		`creation` datetime(6) DEFAULT NULL,
		`docstatus` int(1) NOT NULL DEFAULT 0,
		`survey` varchar(140) DEFAULT NULL,
		`customer` varchar(140) DEFAULT NULL,
		`contact` varchar(140) DEFAULT NULL,
		`email` varchar(140) DEFAULT NULL,
		`sent_on` date DEFAULT NULL,
		`status` varchar(140) DEFAULT NULL,
		PRIMARY KEY (`name`)
	""",
}

# Custom fields the app adds to ERPNext tables: (table, column, definition).
CUSTOM_COLUMNS = (("tabCustomer", "csm", "varchar(140) DEFAULT NULL"),)


def _has_column(db: Database, table: str, column: str) -> bool:
	if db.dialect == "mariadb":
		rows = db.sql(
			"SELECT COUNT(*) FROM information_schema.columns"
			" WHERE table_schema = DATABASE() AND table_name = %(table)s AND column_name = %(column)s",
			{"table": table, "column": column},
		)
		return bool(rows[0][0])
	return any(row[1] == column for row in db.sql(f"PRAGMA table_info(`{table}`)"))


def create_app_tables(db: Database) -> None:
	"""Create the tables above and add the custom columns; a no-op where they exist."""
	options = _MARIADB_TABLE_OPTIONS if db.dialect == "mariadb" else ""
	for table, columns in TABLES.items():
		db.sql(f"CREATE TABLE IF NOT EXISTS `{table}` ({columns}) {options}")
	for table, column, definition in CUSTOM_COLUMNS:
		# SQLite has no ADD COLUMN IF NOT EXISTS, so both dialects ask the catalogue first.
		if not _has_column(db, table, column):
			db.sql(f"ALTER TABLE `{table}` ADD COLUMN `{column}` {definition}")
