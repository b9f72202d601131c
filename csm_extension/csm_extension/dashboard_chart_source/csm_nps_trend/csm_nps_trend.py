# Copyright (c) 2026, csm_extension developers and contributors
# For license information, please see license.txt
"""NPS per period over the last periods (filter "granularity": Monthly, Quarterly or Yearly)."""

import frappe
from frappe.utils.dashboard import cache_source

from csm_extension.services import dashboard


@frappe.whitelist()
@cache_source
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
) -> dict:
	return dashboard.nps_trend(dashboard.chart_filters(chart_name, filters).get("granularity"))
