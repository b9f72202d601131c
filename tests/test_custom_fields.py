"""The Customer fields the app writes: a number column that cannot hold "unknown" is hidden while the
number is unknown, so that the form never shows a customer without a score or an answer as 0."""

from __future__ import annotations

import re

from csm_extension.engine.scoring import STATUSES
from csm_extension.setup.custom_fields import APP_WRITTEN, CUSTOM_FIELDS, HEALTH_STATUSES

FIELDS = {f["fieldname"]: f for f in CUSTOM_FIELDS["Customer"]}


def test_every_app_written_number_is_hidden_while_unknown():
	numbers = [name for name in APP_WRITTEN if FIELDS[name]["fieldtype"] in ("Int", "Float", "Percent")]
	assert numbers == ["csm_health_score", "csm_last_nps_score"]
	for name in numbers:
		assert FIELDS[name].get("depends_on", "").startswith("eval:"), name


def test_the_health_score_shows_beside_a_scored_status_only():
	assert HEALTH_STATUSES == STATUSES  # the field's options are the engine's statuses
	shown = set(re.findall(r"'([^']+)'", FIELDS["csm_health_score"]["depends_on"]))
	# By hand: a number exists for Green, Amber and Red; "Insufficient Data" and blank have none.
	assert shown == {"Green", "Amber", "Red"}


def test_the_last_nps_score_shows_once_there_is_an_answer():
	assert FIELDS["csm_last_nps_score"]["depends_on"] == "eval:doc.csm_last_nps_date"
	assert "csm_last_nps_date" in APP_WRITTEN
