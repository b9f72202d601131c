// Copyright (c) 2025, csm_extension developers and contributors
// For license information, please see license.txt

frappe.ui.form.on("CSM Settings", {
	refresh(frm) {
		// Without a Default CSM, customers that have no CSM get their follow-ups and checks as records only.
		if (!frm.doc.default_csm) {
			frm.set_intro(
				__(
					"Set a Default CSM: follow-ups, health checks and onboarding tasks of customers without a CSM get no ToDo otherwise."
				),
				"orange"
			);
		} else {
			frm.set_intro("");
		}
	},
	default_csm(frm) {
		frm.trigger("refresh");
	},
});
