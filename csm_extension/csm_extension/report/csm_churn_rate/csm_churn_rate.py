# Copyright (c) 2026, csm_extension developers and contributors
# For license information, please see license.txt
"""Churn per period (and segment): customers at start, churned, won back, churn rate, revenue churned and
a column per churn reason. The definitions are engine/churn.py's, shown above the report."""

import html
import re

import frappe
from frappe import _

from csm_extension.services import reports


def execute(filters: dict | None = None):
	filters = frappe._dict(filters or {})
	from_date, to_date = reports.date_range(filters)
	grain = reports.granularity(filters)
	column = reports.segment_column(filters.group_by)
	result = reports.churn_result(from_date, to_date, grain, column)
	reasons = reason_order(result.rows)
	data = [
		{
			**reports.period_values(r.period_start, r.period_end, grain),
			"segment": r.segment,
			"at_start": r.at_start,
			"churned": r.churned,
			"won_back": r.won_back,
			"churn_rate": r.churn_rate,
			"revenue_churned": r.revenue_churned,
			**{reason_field(reason): r.by_reason.get(reason, 0) for reason in reasons},
		}
		for r in result.rows
	]
	charted = [r for r in result.per_period if r.churn_rate is not None]
	chart = reports.line_chart(
		[reports.period_label(r.period_start, grain) for r in charted],
		_("Churn Rate"),
		[round(r.churn_rate, 2) for r in charted],
		"Percent",
	)
	return columns(column, reasons), data, definitions_html(), chart, summary(result.overall)


def reason_order(rows) -> list[str]:
	"""Reasons seen in the range, the most frequent first, then by name."""
	totals: dict[str, int] = {}
	for row in rows:
		for reason, n in row.by_reason.items():
			totals[reason] = totals.get(reason, 0) + n
	return sorted(totals, key=lambda reason: (-totals[reason], reason))


def reason_field(reason: str) -> str:
	"""A column name for any reason name ("Price / Value" -> reason_price_value)."""
	return "reason_" + re.sub(r"\W+", "_", reason.lower()).strip("_")


def columns(column: str | None, reasons: list[str]) -> list[dict]:
	return [
		*reports.period_fields(),
		*reports.segment_field(column),
		{"fieldname": "at_start", "label": _("Customers at Start"), "fieldtype": "Int", "width": 160},
		{"fieldname": "churned", "label": _("Churned"), "fieldtype": "Int", "width": 90},
		{"fieldname": "won_back", "label": _("Won Back"), "fieldtype": "Int", "width": 110},
		{
			"fieldname": "churn_rate",
			"label": _("Churn Rate %"),
			"fieldtype": "Percent",
			"precision": 1,
			"width": 130,
		},
		{
			"fieldname": "revenue_churned",
			"label": _("Revenue Churned"),
			"fieldtype": "Currency",
			"width": 160,
		},
		*({"fieldname": reason_field(r), "label": _(r), "fieldtype": "Int", "width": 120} for r in reasons),
	]


def definitions_html() -> str:
	"""The definitions from engine/churn.py's docstring, word for word; *x* shown in bold."""
	items = "".join(f"<li>{_emphasis(html.escape(d))}</li>" for d in reports.churn_definitions())
	heading = html.escape(_("Definitions, for a period [s, e] (both days included):"))
	return f'<div class="text-muted small"><p>{heading}</p><ul style="margin-bottom: 0">{items}</ul></div>'


def _emphasis(text: str) -> str:
	return re.sub(r"[*]([^*]+)[*]", r"<b>\1</b>", text)


def summary(overall) -> list[dict]:
	rate = overall.churn_rate
	return [
		{"label": _("Customers at Start"), "value": overall.at_start, "datatype": "Int"},
		{"label": _("Churned"), "value": overall.churned, "datatype": "Int", "indicator": "Red"},
		{
			"label": _("Churn Rate"),
			"value": reports.shown(rate, percent=True, none=_("Nobody at start")),
			"datatype": "Data",
			"indicator": "Red" if rate else "Green",
		},
		{"label": _("Won Back"), "value": overall.won_back, "datatype": "Int", "indicator": "Green"},
		{"label": _("Revenue Churned"), "value": overall.revenue_churned, "datatype": "Currency"},
	]
