# Copyright (c) 2025, csm_extension developers and contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from csm_extension.engine.config import ConfigError, parse_scorecard
from csm_extension.services.settings import scorecard_data


class CSMSettings(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from csm_extension.csm_extension.doctype.csm_cadence_rule.csm_cadence_rule import CSMCadenceRule
		from csm_extension.csm_extension.doctype.csm_scorecard_measure.csm_scorecard_measure import (
			CSMScorecardMeasure,
		)

		amber_from: DF.Float
		cadence_by_group: DF.Table[CSMCadenceRule]
		churn_fixed_days: DF.Int
		churn_multiple: DF.Float
		company: DF.Link | None
		default_csm: DF.Link | None
		detractor_due_days: DF.Int
		due_days_critical: DF.Int
		due_days_high: DF.Int
		due_days_low: DF.Int
		due_days_medium: DF.Int
		enabled: DF.Check
		green_from: DF.Float
		health_check_cadence_days: DF.Int
		last_pass_on: DF.Date | None
		last_scheduled_survey: DF.Date | None
		min_purchase_days: DF.Int
		onboarding_template: DF.Link | None
		scorecard: DF.Table[CSMScorecardMeasure]
		stake_window_days: DF.Int
		stall_days: DF.Int
		survey_deadline_days: DF.Int
		survey_email_template: DF.Link | None
		survey_schedule: DF.Literal["", "Monthly", "Quarterly"]
		survey_throttle_days: DF.Int
		window_days: DF.Int
	# end: auto-generated types

	def validate(self):
		"""A scorecard the engine cannot use is refused here, not at 2 a.m. in the daily pass."""
		if self.churn_multiple and self.churn_multiple <= 1:  # 0 or empty: the default, 3
			frappe.throw(
				_("Churn after (× rhythm) must be above 1, got {0}").format(self.churn_multiple),
				title=_("Invalid churn detection"),
			)
		if not self.scorecard:
			return
		try:
			parse_scorecard(scorecard_data(self))
		except ConfigError as e:
			frappe.throw(str(e), title=_("Invalid health scorecard"))
