// Copyright (c) 2025, csm_extension developers and contributors
// For license information, please see license.txt

frappe.ui.form.on("CSM NPS Survey", {
	refresh(frm) {
		const may_send = ["System Manager", "Customer Success Admin", "Customer Success Manager"].some((r) =>
			frappe.user.has_role(r)
		);
		if (frm.is_new() || frm.doc.status !== "Draft" || !may_send) return;
		frm.add_custom_button(__("Send"), () => {
			frappe.confirm(__("Send this survey now to every eligible contact?"), () =>
				frappe
					.call({
						method: "csm_extension.api.send_nps_survey",
						args: { survey: frm.doc.name },
						freeze: true,
						freeze_message: __("Queueing survey emails…"),
					})
					.then((r) => {
						frappe.show_alert({
							message: __("{0} invitations queued", [r.message.invitations_sent]),
							indicator: "green",
						});
						frm.reload_doc();
					})
			);
		}).addClass("btn-primary");
	},
});
