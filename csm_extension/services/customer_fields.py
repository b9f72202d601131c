"""Who may change the Customer Success fields through a Customer save (the desk form, REST, imports).

The app writes its own fields (health, checks, NPS) with `frappe.db.set_value`, which runs no hooks;
through a save nobody may change them, whatever the form's read-only flag (REST ignores it). The
lifecycle and churn fields are a CSM's: a save that changes them needs a Customer Success role, unless
the app itself saves them (`doc.flags.csm_app`, e.g. a sale winning a churned customer back)."""

from __future__ import annotations

import frappe
from frappe import _
from frappe.utils import cint, flt, getdate

from csm_extension.services.permissions import CSM_ROLES
from csm_extension.setup.custom_fields import APP_WRITTEN, CSM_WRITTEN, CUSTOM_FIELDS

_FIELDS = {f["fieldname"]: f for f in CUSTOM_FIELDS["Customer"]}


def _normal(value, fieldtype: str):
	"""A value as the database holds it, so that a form's "2026-11-30" equals the stored date."""
	if fieldtype == "Date":
		return getdate(value) if value else None
	if fieldtype in ("Int", "Check"):
		return cint(value)
	if fieldtype in ("Float", "Percent", "Currency"):
		return flt(value)
	return value or None


def changed(doc, before, fieldname: str) -> bool:
	fieldtype = _FIELDS[fieldname]["fieldtype"]
	return _normal(before.get(fieldname), fieldtype) != _normal(doc.get(fieldname), fieldtype)


def guard(doc) -> None:
	"""Refuse a save that changes fields its user may not change, naming the first such field."""
	before = None if doc.is_new() else doc.get_doc_before_save()
	if before is None or doc.flags.get("csm_app"):
		return
	for fieldname in APP_WRITTEN:
		if changed(doc, before, fieldname):
			frappe.throw(
				_("{0} is written by the Customer Success app only").format(_(_FIELDS[fieldname]["label"])),
				frappe.PermissionError,
				title=_("Not permitted"),
			)
	if frappe.session.user == "Administrator" or set(CSM_ROLES) & set(frappe.get_roles()):
		return
	for fieldname in CSM_WRITTEN:
		if changed(doc, before, fieldname):
			frappe.throw(
				_("Only {0} may change {1}").format(", ".join(CSM_ROLES), _(_FIELDS[fieldname]["label"])),
				frappe.PermissionError,
				title=_("Not permitted"),
			)
