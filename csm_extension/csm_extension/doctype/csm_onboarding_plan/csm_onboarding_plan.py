# Copyright (c) 2025, csm_extension developers and contributors
# For license information, please see license.txt

from frappe.model.document import Document

from csm_extension.services import onboarding
from csm_extension.services.links import CustomerLinked


class CSMOnboardingPlan(CustomerLinked, Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from csm_extension.csm_extension.doctype.csm_onboarding_plan_task.csm_onboarding_plan_task import (
			CSMOnboardingPlanTask,
		)

		csm: DF.Link | None
		customer: DF.Link
		customer_name: DF.Data | None
		naming_series: DF.Literal["CSM-ONB-.YYYY.-"]
		progress: DF.Percent
		sales_invoice: DF.Link | None
		start_date: DF.Date
		status: DF.Literal["Not Started", "In Progress", "Completed", "Stalled", "Cancelled"]
		tasks: DF.Table[CSMOnboardingPlanTask]
		template: DF.Link | None
	# end: auto-generated types

	def validate(self):
		onboarding.refresh(self)

	def on_update(self):
		if not self.flags.csm_sync:
			onboarding.sync_todos(self)
