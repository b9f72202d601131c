// Copyright (c) 2026, csm_extension developers and contributors
// For license information, please see license.txt

frappe.provide("frappe.dashboards.chart_sources");

frappe.dashboards.chart_sources["CSM Health Status"] = {
	method: "csm_extension.csm_extension.dashboard_chart_source.csm_health_status.csm_health_status.get",
	filters: [],
};
