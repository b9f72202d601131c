# Bench tests of surveys (sending, throttle, tokens, the public page) are in csm_extension/tests/test_surveys.py.

from frappe.tests.utils import FrappeTestCase


class TestCSMNPSSurvey(FrappeTestCase):
	pass
