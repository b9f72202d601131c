"""Sales Invoice doc_events: a customer's first sale starts onboarding; cancelling it stops the plan."""

from csm_extension.services import onboarding


def on_submit(doc, method=None):
	onboarding.start_for_invoice(doc)


def on_cancel(doc, method=None):
	onboarding.cancel_for_invoice(doc)
