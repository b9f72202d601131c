# Copyright (c) 2026, csm_extension developers and contributors
# For license information, please see license.txt
"""Customers per health status, each status in its own colour."""

import frappe
from frappe.utils.dashboard import cache_source

from csm_extension.services import dashboard


@frappe.whitelist()
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
	dashboard.require_role()
	return _get(chart_name=chart_name, chart=chart, no_cache=no_cache, filters=filters, refresh=refresh)


@cache_source
def _get(chart_name=None, chart=None, no_cache=None, filters=None, **kwargs) -> dict:
	return dashboard.health_status_counts()
