// Copyright (c) 2025, csm_extension developers and contributors
// For license information, please see license.txt

frappe.listview_settings["CSM Red Flag"] = {
	add_fields: ["status", "severity"],
	get_indicator(doc) {
		if (doc.status === "Resolved") {
			return [__("Resolved"), "green", "status,=,Resolved"];
		}
		if (doc.status === "Dismissed") {
			return [__("Dismissed"), "darkgrey", "status,=,Dismissed"];
		}
		const colors = { Critical: "red", High: "red", Medium: "orange", Low: "yellow" };
		// Open and Acknowledged flags: the colour says how urgent they are.
		return [__(doc.status), colors[doc.severity] || "gray", `status,=,${doc.status}`];
	},
};
