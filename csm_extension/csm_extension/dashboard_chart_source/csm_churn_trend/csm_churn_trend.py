# Copyright (c) 2026, csm_extension developers and contributors
# For license information, please see license.txt
"""Churn rate per period over the last periods (filter "granularity": Monthly, Quarterly or Yearly)."""

from csm_extension.services import dashboard

get = dashboard.chart_source(lambda filters: dashboard.churn_trend(filters.get("granularity")))
