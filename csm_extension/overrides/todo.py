"""ToDo doc_events: a CSM closing an app ToDo moves the task or flag behind it."""

from csm_extension.services import flags, onboarding

HANDLERS = {
	"CSM Onboarding Plan": onboarding.on_todo_change,
	"CSM Red Flag": flags.on_todo_change,
	# A detractor answer's follow-up, which its "Detractor answer" flag tracks.
	"CSM NPS Response": flags.on_todo_change,
}


def on_update(doc, method=None):
	# The app's own ToDo writes carry csm_sync and must not echo back.
	if doc.flags.csm_sync or doc.reference_type not in HANDLERS or not doc.has_value_changed("status"):
		return
	HANDLERS[doc.reference_type](doc)
