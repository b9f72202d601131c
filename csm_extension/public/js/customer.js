// Customer form: a Customer Success area (health explained, open flags, onboarding, NPS, churn)
// and the CSM's buttons. The data comes from csm_extension.api.customer_summary.
const CSM_COLOURS = { Green: "green", Amber: "orange", Red: "red" };

frappe.ui.form.on("Customer", {
	refresh(frm) {
		if (frm.is_new()) return;
		csm_add_buttons(frm);
		frappe
			.call("csm_extension.api.customer_summary", { customer: frm.doc.name })
			.then((r) => r.message && csm_render(frm, r.message));
	},
});

// An evidence document as a link to its form (the invoices a flag cites), else plain text.
function csm_document_link(d) {
	const esc = frappe.utils.escape_html;
	if (!d.doctype) return esc(d.name);
	return `<a href="/app/${frappe.router.slug(d.doctype)}/${encodeURIComponent(d.name)}">${esc(d.name)}</a>`;
}

function csm_render(frm, s) {
	const esc = frappe.utils.escape_html;
	const h = s.health || {};
	const colour = CSM_COLOURS[h.status] || "gray";
	if (h.status) {
		const score = h.score == null ? "—" : h.score;
		frm.dashboard.add_indicator(__("Health: {0} ({1})", [__(h.status), score]), colour);
	}
	const measures = (h.measures || [])
		.map((m) => {
			const pts = m.points == null ? __("n/a") : `${Math.round(m.points)}/100`;
			return `<tr><td>${esc(__(m.label))}</td><td class="text-right">${pts}</td>` +
				`<td class="text-muted">×${m.weight}</td><td>${esc(m.explanation)}</td></tr>`;
		})
		.join("");
	const flags = (s.flags || [])
		.map(
			(f) =>
				`<li><a href="/app/csm-red-flag/${encodeURIComponent(f.name)}">${esc(f.rule)}</a> ` +
				`<span class="indicator-pill ${f.severity === "Medium" || f.severity === "Low" ? "orange" : "red"}">` +
				`${esc(__(f.severity))}</span> ${esc(f.explanation || "")}` +
				((f.documents || []).length
					? ` <span class="text-muted">(${f.documents.map(csm_document_link).join(", ")})</span>`
					: "") +
				`</li>`
		)
		.join("");
	const plan = s.plan
		? `<a href="/app/csm-onboarding-plan/${encodeURIComponent(s.plan.name)}">${esc(s.plan.name)}</a> ` +
		  `${esc(__(s.plan.status))} — ${Math.round(s.plan.progress || 0)}%` +
		  `<div class="progress" style="height:6px;max-width:240px"><div class="progress-bar" ` +
		  `style="width:${s.plan.progress || 0}%"></div></div>`
		: __("No onboarding plan");
	const c = s.customer || {};
	const nps = c.csm_last_nps_date ? `${c.csm_last_nps_score}/10 (${frappe.datetime.str_to_user(c.csm_last_nps_date)})` : __("No answer yet");
	const churn =
		c.csm_lifecycle_stage === "Churned"
			? __("Churned on {0}: {1}", [frappe.datetime.str_to_user(c.csm_churned_on), esc(c.csm_churn_reason || "")])
			: esc(__(c.csm_lifecycle_stage || "—"));
	const html = `
		<div class="csm-summary">
			<p><span class="indicator-pill ${colour}">${esc(__(h.status || "—"))} ${h.score == null ? "" : h.score}</span>
			${h.as_of ? `<span class="text-muted">${__("as of {0}", [frappe.datetime.str_to_user(h.as_of)])}</span>` : ""}
			${h.note ? `<span class="text-muted">— ${esc(h.note)}</span>` : ""}</p>
			${measures ? `<table class="table table-sm"><tbody>${measures}</tbody></table>` : ""}
			<p><b>${__("Open red flags")}</b></p>
			${flags ? `<ul>${flags}</ul>` : `<p class="text-muted">${__("None")}</p>`}
			<p><b>${__("Onboarding")}:</b> ${plan}</p>
			<p><b>${__("Last NPS")}:</b> ${nps} &nbsp; <b>${__("Lifecycle")}:</b> ${churn}</p>
		</div>`;
	frm.set_df_property("csm_summary_html", "options", html);
}

function csm_add_buttons(frm) {
	const group = __("Customer Success");
	frm.add_custom_button(__("Log Health Check"), () =>
		frappe.new_doc("CSM Health Check", { customer: frm.doc.name, kind: "Ad hoc" }), group);
	frm.add_custom_button(__("Record NPS Answer"), () =>
		frappe.new_doc("CSM NPS Response", { customer: frm.doc.name, source: "Manual" }), group);
	frm.add_custom_button(__("Start Onboarding"), () => {
		frappe.prompt(
			[{ fieldname: "template", fieldtype: "Link", options: "CSM Onboarding Template", label: __("Template") }],
			(v) =>
				frappe
					.call("csm_extension.api.start_onboarding", { customer: frm.doc.name, template: v.template })
					.then((r) => r.message && frappe.set_route("Form", "CSM Onboarding Plan", r.message)),
			__("Start Onboarding")
		);
	}, group);
	frm.add_custom_button(__("Mark Churned"), () => {
		frappe.prompt(
			[
				{ fieldname: "reason", fieldtype: "Link", options: "CSM Churn Reason", label: __("Reason"), reqd: 1 },
				{ fieldname: "churned_on", fieldtype: "Date", label: __("Churned On"), default: frappe.datetime.get_today() },
				{ fieldname: "competitor", fieldtype: "Data", label: __("Lost to Competitor") },
			],
			(v) =>
				frappe
					.call("csm_extension.api.mark_churned", { customer: frm.doc.name, ...v })
					.then(() => frm.reload_doc()),
			__("Mark Churned")
		);
	}, group);
}
