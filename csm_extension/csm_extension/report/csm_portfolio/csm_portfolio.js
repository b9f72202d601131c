// Copyright (c) 2026, csm_extension developers and contributors
// For license information, please see license.txt

const CSM_HEALTH_COLORS = { Green: "green", Amber: "orange", Red: "red" };

frappe.query_reports["CSM Portfolio"] = {
	filters: [
		{
			fieldname: "csm",
			label: __("CSM"),
			fieldtype: "Link",
			options: "User",
			default: frappe.session.user,
		},
	],
	formatter(value, row, column, data, default_formatter) {
		value = default_formatter(value, row, column, data);
		if (!data) return value;
		if (column.fieldname === "health_status" && data.health_status) {
			const color = CSM_HEALTH_COLORS[data.health_status] || "gray";
			value = `<span class="indicator-pill ${color}">${value}</span>`;
		}
		if (column.fieldname === "trend" && data.trend) {
			const color = data.score_change > 0 ? "green" : data.score_change < 0 ? "red" : "gray";
			value = `<span style="color: var(--${color}-600); font-weight: bold">${value}</span>`;
		}
		if (column.fieldname === "top_flag" && data.top_severity) {
			value = `${value} <span class="text-muted small">(${__(data.top_severity)})</span>`;
		}
		return value;
	},
};
