# Copyright (c) 2025, csm_extension developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from csm_extension.engine.config import ConfigError, parse_rule
from csm_extension.services.settings import rule_data


class CSMRedFlagRule(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		cooldown_days: DF.Int
		customer_group: DF.Link | None
		description: DF.SmallText | None
		enabled: DF.Check
		operator: DF.Literal[">", ">=", "<", "<=", "==", "!="]
		rule_name: DF.Data
		severity: DF.Literal["Low", "Medium", "High", "Critical"]
		signal: DF.Literal[
			"days_since_last_invoice",
			"recency_ratio",
			"revenue_drop_pct",
			"order_drop_pct",
			"overdue_amount",
			"days_overdue",
			"health_score",
			"last_nps_score",
			"churn_horizon_ratio",
			"onboarding_overdue_days",
		]
		territory: DF.Link | None
		threshold: DF.Float
		window_days: DF.Int
	# end: auto-generated types

	def validate(self):
		"""The same validation the engine applies to a rule file, with the field named."""
		try:
			parse_rule(rule_data(self))
		except ConfigError as e:
			frappe.throw(str(e), title=_("Invalid red-flag rule"))
