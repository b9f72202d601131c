# Copyright (c) 2025, csm_extension developers and contributors
# For license information, please see license.txt

# import frappe
from frappe.model.document import Document


class CSMCadenceRule(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		cadence_days: DF.Int
		customer_group: DF.Link
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
	# end: auto-generated types

	pass
