// Copyright (c) 2025, csm_extension developers and contributors
// For license information, please see license.txt

frappe.listview_settings["CSM Onboarding Plan"] = {
	add_fields: ["status", "progress"],
	get_indicator(doc) {
		const colors = {
			"Not Started": "gray",
			"In Progress": "blue",
			Completed: "green",
			Stalled: "red",
			Cancelled: "darkgrey",
		};
		return [__(doc.status), colors[doc.status] || "gray", `status,=,${doc.status}`];
	},
};
