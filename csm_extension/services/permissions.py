"""Who may call the app's whitelisted methods."""

import frappe
from frappe import _

CSM_ROLES = ("Customer Success Manager", "Customer Success Admin", "System Manager")
ADMIN_ROLES = ("Customer Success Admin", "System Manager")


def require_role(roles: tuple[str, ...] = CSM_ROLES) -> None:
	"""Not frappe.only_for: that one lets everything through while tests run, so it cannot be tested."""
	if frappe.session.user != "Administrator" and not set(roles) & set(frappe.get_roles()):
		frappe.throw(_("Only {0} may do this").format(", ".join(roles)), frappe.PermissionError)


def check_customer(customer: str, ptype: str = "read") -> None:
	if not frappe.has_permission("Customer", ptype, customer):
		frappe.throw(_("Not permitted to {0} Customer {1}").format(ptype, customer), frappe.PermissionError)


def require(**arguments) -> None:
	"""A whitelisted method's required arguments, refused by name when missing (not a TypeError, a 500)."""
	for name, value in arguments.items():
		if value is None or (isinstance(value, str) and not value.strip()):
			frappe.throw(
				_("Missing argument: {0}").format(name), frappe.MandatoryError, title=_("Missing argument")
			)
