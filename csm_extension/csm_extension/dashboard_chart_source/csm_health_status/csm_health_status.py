# Copyright (c) 2026, csm_extension developers and contributors
# For license information, please see license.txt
"""Customers per health status, each status in its own colour."""

from csm_extension.services import dashboard

get = dashboard.chart_source(lambda filters: dashboard.health_status_counts())
