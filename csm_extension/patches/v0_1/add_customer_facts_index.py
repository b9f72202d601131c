"""Add the covering index the daily pass reads `tabSales Invoice` through (see data/facts.py)."""

import frappe

from csm_extension.data.facts import COVERING_INDEX


def execute():
	name, columns = COVERING_INDEX
	if frappe.db.db_type != "mariadb" or frappe.db.has_index("tabSales Invoice", name):
		return
	# As frappe.db.add_index does: DDL commits implicitly, so end the patch's transaction first.
	frappe.db.commit()
	# InnoDB builds a secondary index online: invoices can still be written meanwhile.
	frappe.db.sql(
		"ALTER TABLE `tabSales Invoice` ADD INDEX IF NOT EXISTS `{}` ({})".format(
			name, ", ".join(f"`{column}`" for column in columns)
		)
	)
