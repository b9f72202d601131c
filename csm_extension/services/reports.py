"""What the CSM reports, number cards and dashboard charts share: the group-by choices, period labels and
the NPS and churn pipelines (filters -> data layer -> engine). Each pipeline runs a fixed number of
statements whatever the number of customers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import frappe
from frappe import _
from frappe.utils import add_months, getdate, today

from csm_extension.data.db import FrappeDatabase
from csm_extension.data.reporting import customer_lives, invitations_sent, nps_answers
from csm_extension.engine import churn as churn_engine
from csm_extension.engine.churn import ChurnRow, churn_report
from csm_extension.engine.nps import NPSRow, nps_report
from csm_extension.engine.periods import GRANULARITIES, periods

# Report option -> the `tabCustomer` column it groups by (data.reporting.SEGMENT_COLUMNS).
GROUP_BY = {"Customer Group": "customer_group", "Territory": "territory", "CSM": "csm"}
SEGMENT_LINKS = {"customer_group": "Customer Group", "territory": "Territory", "csm": "User"}
DEFAULT_GRANULARITY = "Quarterly"


def segment_column(group_by: str | None) -> str | None:
	"""The customer column for a "Group By" option; None for blank."""
	if not group_by:
		return None
	if group_by not in GROUP_BY:
		frappe.throw(_("Group By must be one of {0}").format(", ".join(GROUP_BY)))
	return GROUP_BY[group_by]


def segment_field(column: str | None, label: str | None = None) -> list[dict]:
	"""The report column of the segment, or none when the report is not grouped."""
	if not column:
		return []
	return [
		{
			"fieldname": "segment",
			"label": label or _(next(k for k, v in GROUP_BY.items() if v == column)),
			"fieldtype": "Link",
			"options": SEGMENT_LINKS[column],
			"width": 160,
		}
	]


def date_range(filters) -> tuple[date, date]:
	"""from_date / to_date of the filters; a year back from today when missing."""
	to_date = getdate(filters.get("to_date") or today())
	from_date = getdate(filters.get("from_date") or add_months(to_date, -12))
	if from_date > to_date:
		frappe.throw(_("From Date must be on or before To Date"))
	return from_date, to_date


def granularity(filters) -> str:
	value = filters.get("granularity") or DEFAULT_GRANULARITY
	if value not in GRANULARITIES:
		frappe.throw(_("Granularity must be one of {0}").format(", ".join(GRANULARITIES)))
	return value


def period_label(start: date, grain: str) -> str:
	"""The calendar period holding `start`: "Jan 2026", "2026 Q1" or "2026"."""
	if grain == "Monthly":
		return start.strftime("%b %Y")
	if grain == "Quarterly":
		return f"{start.year} Q{(start.month - 1) // 3 + 1}"
	return str(start.year)


def period_fields() -> list[dict]:
	return [
		{"fieldname": "period", "label": _("Period"), "fieldtype": "Data", "width": 100},
		{"fieldname": "period_start", "label": _("From"), "fieldtype": "Date", "hidden": 1},
		{"fieldname": "period_end", "label": _("To"), "fieldtype": "Date", "hidden": 1},
	]


def period_values(start: date, end: date, grain: str) -> dict:
	return {"period": period_label(start, grain), "period_start": start, "period_end": end}


def shown(value: float | None, percent: bool = False, none: str = "—") -> str:
	"""A report summary figure as text: one decimal at most ("25", "33.3", "66.7%"), since the summary
	formats numbers with the system's float precision (3 decimals) and takes no precision of its own."""
	if value is None:
		return none
	return f"{round(value, 1):g}" + ("%" if percent else "")


def line_chart(labels: list[str], name: str, values: list[float], fieldtype: str) -> dict | None:
	if not labels:
		return None
	return {
		"data": {"labels": labels, "datasets": [{"name": name, "values": values}]},
		# A line through a single period draws nothing (and an empty SVG path): one period is a bar.
		"type": "line" if len(labels) > 1 else "bar",
		"fieldtype": fieldtype,
		"lineOptions": {"dotSize": 6},
		# Long runs of periods skip labels rather than cut them short.
		"axisOptions": {"xIsSeries": 1, "shortenYAxisNumbers": 1},
	}


@dataclass(frozen=True)
class NPSResult:
	periods: list[tuple[date, date]]
	rows: list[NPSRow]
	"""Per period, or per period and segment when grouped."""
	per_period: list[NPSRow]
	"""Per period, all segments together (the chart)."""
	overall: NPSRow
	"""The whole range as one period (the summary)."""
	invitations: dict
	grouped: bool

	def invited(self, row: NPSRow) -> int:
		"""Invitations sent in the row's period (to the row's segment when grouped)."""
		if self.grouped:
			return self.invitations.get((row.period_start, row.period_end, row.segment), 0)
		return self.invitations.get((row.period_start, row.period_end), 0)


def nps_result(from_date: date, to_date: date, grain: str, column: str | None) -> NPSResult:
	"""Three statements: answers in the range, invitations sent per period (and the whole range)."""
	db = FrappeDatabase()
	spans = periods(from_date, to_date, grain)
	answers = nps_answers(db, from_date, to_date, [column] if column else ())
	counted = sorted(set(spans) | {(from_date, to_date)})
	invitations = invitations_sent(db, counted, group_by=column)
	return NPSResult(
		periods=spans,
		rows=nps_report(answers, spans, invitations, column),
		per_period=nps_report(answers, spans, invitations),
		overall=nps_report(answers, [(from_date, to_date)], invitations)[0],
		invitations=invitations,
		grouped=column is not None,
	)


@dataclass(frozen=True)
class ChurnResult:
	periods: list[tuple[date, date]]
	rows: list[ChurnRow]
	per_period: list[ChurnRow]
	overall: ChurnRow


def churn_result(from_date: date, to_date: date, grain: str, column: str | None) -> ChurnResult:
	"""Two statements: customers with their first order, and their lifecycle events up to `to_date`.
	Disabled customers count: a churned customer is often disabled."""
	lives = customer_lives(FrappeDatabase(), to_date, [column] if column else (), include_disabled=True)
	spans = periods(from_date, to_date, grain)
	return ChurnResult(
		periods=spans,
		rows=churn_report(lives, spans, column),
		per_period=churn_report(lives, spans),
		overall=churn_report(lives, [(from_date, to_date)])[0],
	)


def churn_definitions() -> list[str]:
	"""The definitions of engine/churn.py's docstring, one string per bullet, word for word."""
	doc = churn_engine.__doc__ or ""
	body = doc.split("both days included):", 1)[-1].split("Lifecycle events come from", 1)[0]
	bullets = [b.strip() for b in body.split("\n- ") if b.strip()]
	return [" ".join(b.lstrip("- ").split()) for b in bullets]
