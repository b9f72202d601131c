"""Raised red flags in `tabCSM Red Flag`: read on a site, and the whole store offline.

The offline table has the CSM Red Flag doctype's columns. A flag is Open or Acknowledged while its
follow-up is pending, then Resolved (the condition cleared) or Dismissed (by a person); `open_key`
("customer::rule") is set only while it is open, and its unique index allows one open flag per key.
`load_followup_state` reads customer and rule, not `open_key`, so the same statements serve a site
(through `frappe.db.sql`), MariaDB and SQLite.
"""

from __future__ import annotations

from datetime import date

from csm_extension.data.db import Database, to_date, to_float
from csm_extension.engine.planning import ClosedItem, FollowUpPlan, OpenItem
from csm_extension.engine.rules import Flag, flag_key

TABLE = "tabCSM Red Flag"
EVIDENCE_SEPARATOR = "\n"  # a flag's evidence documents, one a line
OPEN_STATUSES = ("Open", "Acknowledged")
CLOSED_STATUSES = ("Resolved", "Dismissed")
SERIES_DIGITS = 5  # as a Frappe naming series "CSM-RF-.YYYY.-" numbers them

_MARIADB_TABLE_OPTIONS = "ENGINE=InnoDB ROW_FORMAT=DYNAMIC CHARACTER SET=utf8mb4 COLLATE=utf8mb4_unicode_ci"
_COLUMNS = """
	`name` varchar(140) NOT NULL,
	`creation` datetime(6) DEFAULT NULL,
	`modified` datetime(6) DEFAULT NULL,
	`docstatus` int(1) NOT NULL DEFAULT 0,
	`naming_series` varchar(140) DEFAULT NULL,
	`customer` varchar(140) DEFAULT NULL,
	`customer_name` varchar(140) DEFAULT NULL,
	`rule` varchar(140) DEFAULT NULL,
	`severity` varchar(140) DEFAULT NULL,
	`status` varchar(140) DEFAULT 'Open',
	`raised_on` date DEFAULT NULL,
	`resolved_on` date DEFAULT NULL,
	`csm` varchar(140) DEFAULT NULL,
	`observed_value` decimal(21,9) NOT NULL DEFAULT 0,
	`threshold` decimal(21,9) NOT NULL DEFAULT 0,
	`explanation` text DEFAULT NULL,
	`evidence` text DEFAULT NULL,
	`todo` varchar(140) DEFAULT NULL,
	`open_key` varchar(140) DEFAULT NULL,
	PRIMARY KEY (`name`),
	UNIQUE KEY `open_key` (`open_key`)
"""
_SQLITE_COLUMNS = _COLUMNS.replace("UNIQUE KEY `open_key` (`open_key`)", "UNIQUE (`open_key`)")

# With what each open flag shows, so that a pass rewrites only the flags whose value, explanation or
# evidence changed (no read per flag).
_OPEN = f"""
SELECT `customer`, `rule`, `raised_on`, `name`, `observed_value`, `explanation`, `evidence`, `severity`,
	`threshold`
FROM `{TABLE}`
WHERE `status` IN (%(open1)s, %(open2)s)
"""

# Dismissed counts as closed too: the rule's cooldown keeps a dismissed flag from coming straight back.
_LAST_CLOSED = f"""
SELECT `customer`, `rule`, MAX(`resolved_on`) FROM `{TABLE}`
WHERE `status` IN (%(closed1)s, %(closed2)s) AND `resolved_on` IS NOT NULL
GROUP BY `customer`, `rule`
"""


def last_recorded_on(db: Database) -> date | None:
	"""The latest day a recorded pass raised or closed a flag; None while nothing is recorded."""
	raised, closed = db.sql(f"SELECT MAX(`raised_on`), MAX(`resolved_on`) FROM `{TABLE}`")[0]
	days = [d for d in (to_date(raised), to_date(closed)) if d is not None]
	return max(days, default=None)


def create_followup_table(db: Database) -> None:
	"""Create the offline `tabCSM Red Flag` unless it exists (on a site, the doctype owns it)."""
	if db.dialect == "mariadb":
		db.sql(f"CREATE TABLE IF NOT EXISTS `{TABLE}` ({_COLUMNS}) {_MARIADB_TABLE_OPTIONS}")
	else:
		db.sql(f"CREATE TABLE IF NOT EXISTS `{TABLE}` ({_SQLITE_COLUMNS})")


def flag_shows(flag: Flag) -> dict:
	"""The columns of a stored flag that show what it found, as a site and the offline store keep them
	(and load_followup_state reads them back): written when it opens, rewritten while it is kept."""
	return {
		"observed_value": flag.value,
		"explanation": flag.explanation,
		"evidence": EVIDENCE_SEPARATOR.join(flag.evidence),
	}


def load_followup_state(db: Database) -> tuple[list[OpenItem], list[ClosedItem]]:
	"""Open flags, and per customer and rule the last date a flag was closed (for cooldowns)."""
	open_rows = db.sql(_OPEN, {"open1": OPEN_STATUSES[0], "open2": OPEN_STATUSES[1]})
	closed_rows = db.sql(_LAST_CLOSED, {"closed1": CLOSED_STATUSES[0], "closed2": CLOSED_STATUSES[1]})
	# A flag made by hand may lack raised_on; date.min sorts it first rather than failing the pass.
	open_items = [
		OpenItem(
			flag_key(customer, rule),
			customer,
			rule,
			to_date(raised) or date.min,
			name,
			to_float(value),
			explanation,
			tuple(evidence.split(EVIDENCE_SEPARATOR)) if evidence else (),
			severity,
			to_float(threshold),
		)
		for customer, rule, raised, name, value, explanation, evidence, severity, threshold in open_rows
	]
	closed_items = [
		ClosedItem(flag_key(customer, rule), to_date(closed)) for customer, rule, closed in closed_rows
	]
	open_items.sort(key=lambda i: (i.key, i.raised_on, i.ref or ""))
	closed_items.sort(key=lambda i: i.key)
	return open_items, closed_items


def _series(as_of: date) -> str:
	return f"CSM-RF-{as_of.year}-"


def _next_number(db: Database, series: str) -> int:
	# Zero-padded numbers sort like numbers, so the greatest name in the series carries the last one.
	rows = db.sql(f"SELECT MAX(`name`) FROM `{TABLE}` WHERE `name` LIKE %(series)s", {"series": series + "%"})
	last = rows[0][0] if rows else None
	return int(last[len(series) :]) + 1 if last else 1


def apply_plan(db: Database, plan: FollowUpPlan, as_of: date) -> dict[str, int]:
	"""Carry out a plan offline, in one transaction: insert the flags to open, refresh the kept ones
	whose observed value, explanation or evidence changed, resolve the rest. Returns how many flags each
	action touched ("kept": the kept flags rewritten)."""
	with db.transaction():
		series = _series(as_of)
		first = _next_number(db, series)
		opened = [
			{
				"name": f"{series}{first + i:0{SERIES_DIGITS}d}",
				"naming_series": "CSM-RF-.YYYY.-",
				"customer": flag.customer,
				"rule": flag.rule,
				"severity": flag.severity,
				"status": "Open",
				"raised_on": as_of,
				"threshold": flag.threshold,
				**flag_shows(flag),
				"open_key": flag.key,
			}
			for i, flag in enumerate(plan.to_open)
		]
		if opened:
			fields = list(opened[0])
			db.executemany(
				f"INSERT INTO `{TABLE}` ({', '.join(f'`{f}`' for f in fields)}) "
				f"VALUES ({', '.join(f'%({f})s' for f in fields)})",
				opened,
			)
		kept = [
			{"name": item.ref, **flag_shows(flag)} for item, flag in plan.to_keep if item.shows_stale(flag)
		]
		if kept:
			db.executemany(
				f"""UPDATE `{TABLE}` SET `observed_value` = %(observed_value)s, `explanation` = %(explanation)s,
				`evidence` = %(evidence)s WHERE `name` = %(name)s""",
				kept,
			)
		resolved = [
			{"name": item.ref, "resolved_on": as_of, "status": "Resolved"} for item in plan.to_resolve
		]
		if resolved:
			db.executemany(
				f"""UPDATE `{TABLE}` SET `status` = %(status)s, `resolved_on` = %(resolved_on)s, `open_key` = NULL
				WHERE `name` = %(name)s""",
				resolved,
			)
	return {"opened": len(opened), "kept": len(kept), "resolved": len(resolved)}
