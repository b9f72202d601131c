// Copyright (c) 2025, csm_extension developers and contributors
// For license information, please see license.txt

frappe.query_reports["CSM Promoters"] = {
	filters: [
		{
			fieldname: "from_date",
			label: __("From Date"),
			fieldtype: "Date",
			default: frappe.datetime.add_days(frappe.datetime.get_today(), -365),
			reqd: 1,
		},
		{
			fieldname: "to_date",
			label: __("To Date"),
			fieldtype: "Date",
			default: frappe.datetime.get_today(),
			reqd: 1,
		},
		{ fieldname: "customer", label: __("Customer"), fieldtype: "Link", options: "Customer" },
		{ fieldname: "csm", label: __("CSM"), fieldtype: "Link", options: "User" },
		{ fieldname: "customer_group", label: __("Customer Group"), fieldtype: "Link", options: "Customer Group" },
		{ fieldname: "territory", label: __("Territory"), fieldtype: "Link", options: "Territory" },
		{
			fieldname: "latest_only",
			label: __("Only if the latest answer is a promoter"),
			fieldtype: "Check",
			default: 1,
		},
	],
};
