// Copyright (c) 2026, csm_extension developers and contributors
// For license information, please see license.txt

frappe.query_reports["CSM Customer LTV"] = {
	filters: [
		{
			fieldname: "as_of",
			label: __("As of"),
			fieldtype: "Date",
			default: frappe.datetime.get_today(),
			reqd: 1,
		},
		{
			fieldname: "customer_group",
			label: __("Customer Group"),
			fieldtype: "Link",
			options: "Customer Group",
		},
		{ fieldname: "territory", label: __("Territory"), fieldtype: "Link", options: "Territory" },
		{ fieldname: "csm", label: __("CSM"), fieldtype: "Link", options: "User" },
		{ fieldname: "company", label: __("Company"), fieldtype: "Link", options: "Company" },
		{
			fieldname: "group_by",
			label: __("Group By"),
			fieldtype: "Select",
			options: ["", "Customer Group", "Territory", "CSM"],
		},
	],
	formatter(value, row, column, data, default_formatter) {
		// The total row (no data): averages, days and scores have no meaningful sum.
		if (!data && column.disable_total) return "";
		value = default_formatter(value, row, column, data);
		if (column.fieldname === "health_status" && data && data.health_status) {
			const color = { Green: "green", Amber: "orange", Red: "red" }[data.health_status] || "gray";
			value = `<span class="indicator-pill ${color}">${value}</span>`;
		}
		return value;
	},
};
