# Copyright (c) 2026, csm_extension developers and contributors
# For license information, please see license.txt
"""NPS per period (and segment): answers, promoters, passives, detractors, NPS, invitations sent and the
response rate. NPS = % promoters - % detractors, from -100 to 100."""

import frappe
from frappe import _

from csm_extension.services import reports


def execute(filters: dict | None = None):
	filters = frappe._dict(filters or {})
	from_date, to_date = reports.date_range(filters)
	grain = reports.granularity(filters)
	column = reports.segment_column(filters.group_by)
	result = reports.nps_result(from_date, to_date, grain, column)
	data = [
		{
			**reports.period_values(r.period_start, r.period_end, grain),
			"segment": r.segment,
			"responses": r.responses,
			"promoters": r.promoters,
			"passives": r.passives,
			"detractors": r.detractors,
			"nps": r.nps,
			"invitations": result.invited(r),
			"response_rate": r.response_rate,
		}
		for r in result.rows
	]
	charted = [r for r in result.per_period if r.nps is not None]
	chart = reports.line_chart(
		[reports.period_label(r.period_start, grain) for r in charted],
		_("NPS"),
		[round(r.nps, 1) for r in charted],
		"Float",
	)
	return columns(column), data, None, chart, summary(result.overall)


def columns(column: str | None) -> list[dict]:
	return [
		*reports.period_fields(),
		*reports.segment_field(column),
		{"fieldname": "responses", "label": _("Responses"), "fieldtype": "Int", "width": 100},
		{"fieldname": "promoters", "label": _("Promoters"), "fieldtype": "Int", "width": 100},
		{"fieldname": "passives", "label": _("Passives"), "fieldtype": "Int", "width": 100},
		{"fieldname": "detractors", "label": _("Detractors"), "fieldtype": "Int", "width": 100},
		{"fieldname": "nps", "label": _("NPS"), "fieldtype": "Float", "precision": 1, "width": 90},
		{"fieldname": "invitations", "label": _("Invitations"), "fieldtype": "Int", "width": 100},
		{
			"fieldname": "response_rate",
			"label": _("Response Rate"),
			"fieldtype": "Percent",
			"precision": 1,
			"width": 120,
		},
	]


def summary(overall) -> list[dict]:
	def share(n):
		return reports.shown(100 * n / overall.responses if overall.responses else None, percent=True)

	nps = overall.nps
	return [
		{
			"label": _("NPS"),
			"value": reports.shown(nps, none=_("No answers")),
			"datatype": "Data",
			"indicator": "Green" if (nps or 0) > 0 else "Red" if (nps or 0) < 0 else "Grey",
		},
		{"label": _("Responses"), "value": overall.responses, "datatype": "Int", "indicator": "Blue"},
		{"label": _("Promoters"), "value": share(overall.promoters), "datatype": "Data"},
		{"label": _("Detractors"), "value": share(overall.detractors), "datatype": "Data"},
		{
			"label": _("Response Rate"),
			"value": reports.shown(overall.response_rate, percent=True),
			"datatype": "Data",
		},
	]
