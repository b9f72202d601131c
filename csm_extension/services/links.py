"""The Customer link of the app's records, checked by the app: Frappe 15 skips its own link check for a
link that another field fetches from (`customer_name` fetches `customer.customer_name`, frappe/frappe
#11934), so without this a record of a customer that does not exist would be stored."""

import frappe
from frappe import _


class CustomerLinked:
	"""Mixin for a controller with a `customer` Link: Frappe runs `before_validate` before `validate`."""

	def before_validate(self):
		if self.get("customer") and not frappe.db.exists("Customer", self.customer):
			frappe.throw(
				_("{0}: Customer {1} does not exist").format(_(self.doctype), frappe.bold(self.customer)),
				frappe.LinkValidationError,
				title=_("Unknown customer"),
			)
