"""The public NPS survey page: /nps?t=<token>. No login; the signed token is the only key."""

import frappe
from frappe import _

from csm_extension.services import surveys

no_cache = 1
sitemap = 0


def get_context(context):
	context.no_breadcrumbs = True
	context.show_sidebar = False
	context.update(surveys.page_context(frappe.form_dict.get("t")))
	context.title = _("Your opinion")
	context.metatags = {"robots": "noindex, nofollow"}
	return context
