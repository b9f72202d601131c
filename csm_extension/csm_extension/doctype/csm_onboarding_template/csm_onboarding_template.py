# Copyright (c) 2025, csm_extension developers and contributors
# For license information, please see license.txt

# import frappe
from frappe.model.document import Document


class CSMOnboardingTemplate(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from csm_extension.csm_extension.doctype.csm_onboarding_template_task.csm_onboarding_template_task import (
			CSMOnboardingTemplateTask,
		)

		description: DF.SmallText | None
		tasks: DF.Table[CSMOnboardingTemplateTask]
		template_name: DF.Data
	# end: auto-generated types

	pass
