# Copyright (c) 2025, csm_extension developers and contributors
# For license information, please see license.txt

from frappe.model.document import Document

from csm_extension.services import nps
from csm_extension.services.links import CustomerLinked


class CSMNPSResponse(CustomerLinked, Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		category: DF.Literal["", "Promoter", "Passive", "Detractor"]
		comment: DF.SmallText | None
		contact: DF.Link | None
		customer: DF.Link
		customer_name: DF.Data | None
		invitation: DF.Link | None
		naming_series: DF.Literal["CSM-NPS-.YYYY.-"]
		response_date: DF.Date
		score: DF.Int
		source: DF.Literal["Manual", "Import", "Survey"]
		todo: DF.Link | None
	# end: auto-generated types

	def validate(self):
		nps.validate(self)

	def after_insert(self):
		nps.after_insert(self)

	def on_trash(self):
		nps.update_last_score(self.customer, exclude=self.name)
