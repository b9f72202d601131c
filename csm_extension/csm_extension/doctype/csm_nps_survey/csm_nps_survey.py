# Copyright (c) 2025, csm_extension developers and contributors
# For license information, please see license.txt

from frappe.model.document import Document

from csm_extension.services import surveys


class CSMNPSSurvey(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from csm_extension.csm_extension.doctype.csm_nps_survey_contact.csm_nps_survey_contact import (
			CSMNPSSurveyContact,
		)

		contacts: DF.Table[CSMNPSSurveyContact]
		csm: DF.Link | None
		customer_group: DF.Link | None
		deadline_days: DF.Int
		email_template: DF.Link | None
		invitations_sent: DF.Int
		lifecycle_stage: DF.Literal["", "Onboarding", "Adopting", "Mature", "At Risk", "Churned"]
		naming_series: DF.Literal["CSM-NPSS-.YYYY.-"]
		recipients: DF.Literal["Primary contact", "All contacts", "Chosen contacts"]
		responses: DF.Int
		sent_on: DF.Datetime | None
		status: DF.Literal["Draft", "Sent"]
		territory: DF.Link | None
		title: DF.Data
	# end: auto-generated types

	def validate(self):
		surveys.validate_survey(self)
