"""Numbers and trends for the "Customer Success" workspace: the custom number cards and the data of the
dashboard chart sources, computed like the CSM NPS and CSM Churn Rate reports (data layer + engine)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import frappe
from frappe import _
from frappe.utils import add_days, add_months, getdate, today
from frappe.utils.dashboard import cache_source

from csm_extension.engine.periods import GRANULARITIES
from csm_extension.services import permissions, reports

NO_VALUE = "—"
"""What a card shows when its number is undefined (nobody answered, nobody at start)."""
LOOKBACK = {"Monthly": 12, "Quarterly": 8, "Yearly": 5}
"""Periods a trend chart shows, the current one included."""


def require_role() -> None:
	"""The cards and charts show the same figures as the reports, to the same roles."""
	permissions.require_role(permissions.CSM_ROLES)


def quarter_of(day: date) -> tuple[date, date]:
	"""The calendar quarter holding `day`."""
	start = date(day.year, day.month - (day.month - 1) % 3, 1)
	return start, add_days(add_months(start, 3), -1)


def _card(value: float | None, fieldtype: str, report: str, route_options: dict) -> dict | str:
	# A Custom card formats {"value", "fieldtype"}; it cannot format a missing number, so that is text.
	if value is None:
		return NO_VALUE
	return {
		"value": round(value, 1),
		"fieldtype": fieldtype,
		"precision": 1,
		"route": ["query-report", report],
		"route_options": route_options,
	}


@frappe.whitelist()
def nps_this_quarter(filters: str | dict | list | None = None) -> dict | str:
	"""NPS of the answers dated from the start of this quarter to today."""
	require_role()
	end = getdate(today())
	start = quarter_of(end)[0]
	result = reports.nps_result(start, end, "Quarterly", None)
	return _card(
		result.overall.nps,
		"Float",
		"CSM NPS",
		{"from_date": str(start), "to_date": str(end), "granularity": "Quarterly"},
	)


@frappe.whitelist()
def churn_rate_last_quarter(filters: str | dict | list | None = None) -> dict | str:
	"""Churn rate of the last complete calendar quarter."""
	require_role()
	start, end = quarter_of(add_months(quarter_of(getdate(today()))[0], -3))
	result = reports.churn_result(start, end, "Quarterly", None)
	return _card(
		result.overall.churn_rate,
		"Percent",
		"CSM Churn Rate",
		{"from_date": str(start), "to_date": str(end), "granularity": "Quarterly"},
	)


def trend_range(granularity: str | None, as_of: date | None = None) -> tuple[date, date, str]:
	"""The last LOOKBACK[granularity] calendar periods up to `as_of` (today), the current one included."""
	grain = granularity if granularity in GRANULARITIES else reports.DEFAULT_GRANULARITY
	end = getdate(as_of or today())
	step = GRANULARITIES[grain]
	back = getdate(add_months(end, -step * (LOOKBACK[grain] - 1)))
	# Rounded down to the start of its calendar period, as engine.periods aligns them.
	return date(back.year, back.month - (back.month - 1) % step, 1), end, grain


def chart_filters(chart_name: str | None, filters) -> dict:
	"""The filters a chart source gets, else the ones saved on the chart."""
	filters = frappe.parse_json(filters) if filters else None
	if not filters and chart_name:
		filters = frappe.parse_json(frappe.db.get_value("Dashboard Chart", chart_name, "filters_json"))
	return filters if isinstance(filters, dict) else {}


def nps_trend(granularity: str | None = None) -> dict:
	"""NPS per period; periods without answers are left out (an NPS of nobody is not 0)."""
	start, end, grain = trend_range(granularity)
	rows = [r for r in reports.nps_result(start, end, grain, None).per_period if r.nps is not None]
	return _chart(rows, grain, _("NPS"), [round(r.nps, 1) for r in rows])


def churn_trend(granularity: str | None = None) -> dict:
	"""Churn rate per period; periods with nobody at start are left out."""
	start, end, grain = trend_range(granularity)
	rows = [r for r in reports.churn_result(start, end, grain, None).per_period if r.churn_rate is not None]
	return _chart(rows, grain, _("Churn Rate %"), [round(r.churn_rate, 2) for r in rows])


def _chart(rows, grain: str, name: str, values: list[float]) -> dict:
	if not rows:
		return {}  # the chart widget then says "No Data" (an empty label list would draw empty axes)
	return {
		"labels": [reports.period_label(r.period_start, grain) for r in rows],
		"datasets": [{"name": name, "values": values}],
	}


HEALTH_COLOURS = {"Green": "#29CD42", "Amber": "#ECAD4B", "Red": "#FF5858", "Insufficient Data": "#C0C6CC"}


def health_status_counts() -> dict:
	"""Enabled customers per health status, always in the order Green, Amber, Red, Insufficient Data, so
	that each status keeps its colour (a Group By chart orders slices by count)."""
	counts = dict(
		frappe.db.sql(
			"SELECT `csm_health_status`, COUNT(*) FROM `tabCustomer` WHERE `disabled` = 0 GROUP BY `csm_health_status`"
		)
	)
	if not any(counts.get(s) for s in HEALTH_COLOURS):
		return {}  # nobody scored yet: "No Data" rather than a donut of zeros
	# Every status, even at 0, so that the chart's fixed colour list (custom_options) lines up.
	return {
		"labels": [_(status) for status in HEALTH_COLOURS],
		"datasets": [{"name": _("Customers"), "values": [counts.get(s, 0) for s in HEALTH_COLOURS]}],
	}


def chart_source(compute: Callable[[dict], dict]):
	"""The `get` of a dashboard chart source: the arguments Frappe's chart widget passes, the role check
	before the cache, then `compute(filters)` cached per chart as Frappe's own sources are."""

	@cache_source
	def cached(chart_name=None, chart=None, no_cache=None, filters=None, **kwargs) -> dict:
		return compute(chart_filters(chart_name, filters))

	def get(
		chart_name: str | None = None,
		chart: str | dict | None = None,
		no_cache: int | None = None,
		filters: str | dict | None = None,
		from_date: str | None = None,
		to_date: str | None = None,
		timespan: str | None = None,
		time_interval: str | None = None,
		heatmap_year: str | None = None,
		refresh: int | None = None,
	) -> dict:
		# Checked before the cache: a cached chart is no less the reports' figures.
		require_role()
		return cached(chart_name=chart_name, chart=chart, no_cache=no_cache, filters=filters, refresh=refresh)

	return frappe.whitelist()(get)
