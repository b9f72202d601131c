// Copyright (c) 2025, csm_extension developers and contributors
// For license information, please see license.txt

frappe.listview_settings["CSM Health Check"] = {
	add_fields: ["health_status", "health_score"],
	get_indicator(doc) {
		const colors = { Green: "green", Amber: "orange", Red: "red" };
		if (!doc.health_status) {
			return [__("Not Scored"), "gray", "health_status,is,not set"];
		}
		return [
			__(doc.health_status),
			colors[doc.health_status] || "gray",
			`health_status,=,${doc.health_status}`,
		];
	},
};
