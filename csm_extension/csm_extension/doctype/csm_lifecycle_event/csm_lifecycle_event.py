# Copyright (c) 2025, csm_extension developers and contributors
# For license information, please see license.txt

# import frappe
from frappe.model.document import Document

from csm_extension.services.links import CustomerLinked


class CSMLifecycleEvent(CustomerLinked, Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		competitor: DF.Data | None
		customer: DF.Link
		customer_name: DF.Data | None
		event: DF.Literal["Churned", "Won Back", "Stage Change"]
		event_date: DF.Date
		from_stage: DF.Literal["", "Onboarding", "Adopting", "Mature", "At Risk", "Churned"]
		naming_series: DF.Literal["CSM-LCE-.YYYY.-"]
		notes: DF.SmallText | None
		reason: DF.Link | None
		reference_doctype: DF.Link | None
		reference_name: DF.DynamicLink | None
		source: DF.Literal["Manual", "Detected", "Invoice"]
		to_stage: DF.Literal["", "Onboarding", "Adopting", "Mature", "At Risk", "Churned"]
	# end: auto-generated types

	pass
