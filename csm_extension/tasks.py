"""Scheduler entry points (hooks.py `scheduler_events`)."""

from csm_extension.services import daily_pass, surveys


def daily():
	"""Daily pass as of today; Frappe's job runner commits when it returns."""
	daily_pass.run()


def daily_surveys():
	"""Expire unanswered survey links past their deadline; send the scheduled NPS survey when due."""
	surveys.run_scheduled()
