# Copyright (c) 2025, csm_extension developers and contributors
# For license information, please see license.txt

# import frappe
from frappe.model.document import Document


class CSMHealthCheckMeasure(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		explanation: DF.SmallText | None
		label: DF.Data | None
		measure: DF.Data | None
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		points: DF.Float
		raw_value: DF.Float
		weight: DF.Float
	# end: auto-generated types

	pass
