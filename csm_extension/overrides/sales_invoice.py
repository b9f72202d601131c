"""Sales Invoice doc_events: a customer's first sale starts onboarding, a churned customer's next sale wins
it back; cancelling the first invoice stops its plan."""

from csm_extension.services import lifecycle, onboarding


def on_submit(doc, method=None):
	lifecycle.win_back_on_invoice(doc)
	onboarding.start_for_invoice(doc)


def on_cancel(doc, method=None):
	onboarding.cancel_for_invoice(doc)
