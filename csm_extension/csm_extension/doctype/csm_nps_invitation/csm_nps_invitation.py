# Copyright (c) 2025, csm_extension developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from csm_extension.services.links import CustomerLinked


class CSMNPSInvitation(CustomerLinked, Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		answered_on: DF.Datetime | None
		contact: DF.Link | None
		customer: DF.Link
		customer_name: DF.Data | None
		email: DF.Data | None
		expires_on: DF.Date | None
		naming_series: DF.Literal["CSM-NPSI-.YYYY.-"]
		response: DF.Link | None
		sent_on: DF.Date | None
		status: DF.Literal["Sent", "Answered", "Expired"]
		survey: DF.Link
		token_hash: DF.Data | None
	# end: auto-generated types

	def validate(self):
		# Invitations carry a link's secret hash: only the survey service writes them (flags.csm_survey).
		if not self.flags.csm_survey:
			frappe.throw(
				_("Survey invitations are created and updated by the app only"), frappe.PermissionError
			)
