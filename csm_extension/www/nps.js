// The survey form posts to the app's one guest method; the server re-checks the link and the score.
document.addEventListener("DOMContentLoaded", () => {
	const form = document.getElementById("csm-nps-form");
	if (!form) return;
	const error = form.querySelector(".csm-nps-error");
	const button = form.querySelector("button[type=submit]");
	const show_error = (text) => {
		error.textContent = text;
		error.hidden = false;
	};
	const server_message = (data) => {
		try {
			const messages = JSON.parse(data._server_messages || "[]").map((m) => JSON.parse(m).message);
			const div = document.createElement("div");
			div.innerHTML = messages.join(" ");
			return div.textContent.trim();
		} catch (e) {
			return "";
		}
	};
	form.addEventListener("submit", (event) => {
		event.preventDefault();
		const checked = form.querySelector("input[name=score]:checked");
		if (!checked) return show_error(error.dataset.choose);
		error.hidden = true;
		button.disabled = true;
		fetch("/api/method/csm_extension.api.submit_nps_answer", {
			method: "POST",
			headers: {
				"Content-Type": "application/json",
				Accept: "application/json",
				"X-Frappe-CSRF-Token": (window.frappe && window.frappe.csrf_token) || "",
			},
			body: JSON.stringify({
				token: form.dataset.token,
				score: Number(checked.value),
				comment: document.getElementById("csm-nps-comment").value,
			}),
		})
			.then((r) => r.json().then((data) => ({ ok: r.ok, data })))
			.then(({ ok, data }) => {
				if (!ok) throw new Error(server_message(data) || form.dataset.failed);
				form.hidden = true;
				document.getElementById("csm-nps-thanks").hidden = false;
			})
			.catch((e) => {
				show_error(e.message || form.dataset.failed);
				button.disabled = false;
			});
	});
});
