// Customer form: health with its colour, and the customer's open red flags with their reasons.
frappe.ui.form.on("Customer", {
	refresh(frm) {
		if (frm.is_new()) return;
		const status = frm.doc.csm_health_status;
		if (status) {
			const colour = { Green: "green", Amber: "orange", Red: "red" }[status] || "gray";
			const score = frm.doc.csm_health_score == null ? "—" : frm.doc.csm_health_score;
			frm.dashboard.add_indicator(__("Health: {0} ({1})", [__(status), score]), colour);
		}
		frappe.db
			.get_list("CSM Red Flag", {
				filters: { customer: frm.doc.name, status: ["in", ["Open", "Acknowledged"]] },
				fields: ["name", "rule", "severity", "explanation"],
				limit: 20,
			})
			.then((flags) => {
				if (!flags.length) return;
				const esc = frappe.utils.escape_html;
				const rows = flags
					.map(
						(f) =>
							`<div><a href="/app/csm-red-flag/${encodeURIComponent(f.name)}">${esc(f.rule)}</a>` +
							` (${esc(__(f.severity))}): ${esc(f.explanation || "")}</div>`
					)
					.join("");
				frm.dashboard.set_headline_alert(`<div><b>${__("Open red flags")}</b></div>${rows}`, "red");
			});
	},
});
