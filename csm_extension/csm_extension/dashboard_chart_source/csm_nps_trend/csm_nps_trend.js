// Copyright (c) 2026, csm_extension developers and contributors
// For license information, please see license.txt

frappe.provide("frappe.dashboards.chart_sources");

frappe.dashboards.chart_sources["CSM NPS Trend"] = {
	method: "csm_extension.csm_extension.dashboard_chart_source.csm_nps_trend.csm_nps_trend.get",
	filters: [
		{
			fieldname: "granularity",
			label: __("Granularity"),
			fieldtype: "Select",
			options: ["Monthly", "Quarterly", "Yearly"],
			default: "Quarterly",
		},
	],
};
