# Copyright (c) 2025, csm_extension developers and contributors
# For license information, please see license.txt

from frappe.model.document import Document

from csm_extension.services import flags
from csm_extension.services.links import CustomerLinked


class CSMRedFlag(CustomerLinked, Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		csm: DF.Link | None
		customer: DF.Link
		customer_name: DF.Data | None
		evidence: DF.SmallText | None
		explanation: DF.SmallText | None
		naming_series: DF.Literal["CSM-RF-.YYYY.-"]
		observed_value: DF.Float
		open_key: DF.Data | None
		raised_on: DF.Date | None
		resolved_on: DF.Date | None
		rule: DF.Link
		severity: DF.Literal["Low", "Medium", "High", "Critical"]
		status: DF.Literal["Open", "Acknowledged", "Resolved", "Dismissed"]
		threshold: DF.Float
		todo: DF.Link | None
	# end: auto-generated types

	def validate(self):
		flags.on_validate(self)

	def on_update(self):
		flags.on_update(self)
