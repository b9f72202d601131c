# Copyright (c) 2025, csm_extension developers and contributors
# For license information, please see license.txt

from frappe.model.document import Document

from csm_extension.services import health
from csm_extension.services.links import CustomerLinked


class CSMHealthCheck(CustomerLinked, Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from csm_extension.csm_extension.doctype.csm_health_check_measure.csm_health_check_measure import (
			CSMHealthCheckMeasure,
		)

		breakdown: DF.Table[CSMHealthCheckMeasure]
		check_date: DF.Date
		csm: DF.Link | None
		customer: DF.Link
		customer_name: DF.Data | None
		health_note: DF.SmallText | None
		health_score: DF.Int
		health_status: DF.Literal["", "Green", "Amber", "Red", "Insufficient Data"]
		kind: DF.Literal["Scheduled", "Ad hoc"]
		naming_series: DF.Literal["CSM-HC-.YYYY.-"]
		next_check_date: DF.Date | None
		notes: DF.TextEditor | None
		outcome: DF.Literal["", "On Track", "Needs Attention", "Escalated"]
		sentiment: DF.Literal["", "Positive", "Neutral", "Negative"]
		status: DF.Literal["Open", "Completed"]
		todo: DF.Link | None
	# end: auto-generated types

	def on_update(self):
		health.on_check_update(self)
