"""Scheduler entry points (hooks.py `scheduler_events`)."""

from csm_extension.services import daily_pass


def daily():
	"""Daily pass as of today; Frappe's job runner commits when it returns."""
	daily_pass.run()
