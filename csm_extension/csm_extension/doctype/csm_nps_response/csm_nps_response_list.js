// Copyright (c) 2025, csm_extension developers and contributors
// For license information, please see license.txt

frappe.listview_settings["CSM NPS Response"] = {
	add_fields: ["category", "score"],
	get_indicator(doc) {
		const colors = { Promoter: "green", Passive: "orange", Detractor: "red" };
		if (!doc.category) {
			return [__("Not Categorised"), "gray", "category,is,not set"];
		}
		return [__(doc.category), colors[doc.category] || "gray", `category,=,${doc.category}`];
	},
};
