// Copyright (c) 2025, csm_extension developers and contributors
// For license information, please see license.txt

frappe.ui.form.on("CSM Lifecycle Event", {
	// refresh(frm) {
	// },
});
