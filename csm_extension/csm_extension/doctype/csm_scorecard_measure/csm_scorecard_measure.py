# Copyright (c) 2025, csm_extension developers and contributors
# For license information, please see license.txt

# import frappe
from frappe.model.document import Document


class CSMScorecardMeasure(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		bands: DF.Data
		direction: DF.Literal["lower", "higher"]
		measure: DF.Literal["recency", "order_trend", "revenue_trend", "payment", "tenure"]
		otherwise: DF.Float
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		weight: DF.Float
	# end: auto-generated types

	pass
