# Copyright (c) 2025, csm_extension developers and contributors
# For license information, please see license.txt

# import frappe
from frappe.model.document import Document


class CSMOnboardingPlanTask(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		completed_on: DF.Date | None
		description: DF.SmallText | None
		due_date: DF.Date | None
		is_milestone: DF.Check
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		status: DF.Literal["Open", "Completed", "Cancelled"]
		title: DF.Data
		todo: DF.Link | None
	# end: auto-generated types

	pass
