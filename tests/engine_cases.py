"""Hand-built invoice histories shared by the engine tests; expected values are worked out in the tests."""

from datetime import date

from csm_extension.engine.models import CustomerRow, InvoiceRow

AS_OF = date(2024, 6, 30)
# 90-day windows as of 2024-06-30: recent (2024-04-01, 2024-06-30], previous (2024-01-02, 2024-04-01].

CUSTOMERS = [
	CustomerRow("A", "Alpha Ltd", "Commercial", "Europe"),
	CustomerRow("B", "Beta", "Individual", "Asia"),
	CustomerRow("C", "Gamma (no invoices)", "Commercial", "Europe"),
	CustomerRow("D", "Delta (disabled)", "Commercial", "Europe", disabled=True),
]


def inv(
	name, customer, posting, total, due=None, outstanding=0.0, docstatus=1, is_return=False, company="Co"
):
	return InvoiceRow(name, customer, posting, due, docstatus, is_return, total, outstanding, company)


INVOICES = [
	inv("A1", "A", date(2024, 1, 2), 100.0),  # exactly on the previous window's open start: in neither window
	inv("A2", "A", date(2024, 2, 15), 200.0, due=date(2024, 3, 15), outstanding=200.0),
	inv("A3", "A", date(2024, 4, 1), 300.0, due=date(2024, 5, 1)),  # on the recent window's edge: previous
	inv(
		"A4", "A", date(2024, 5, 10), 150.0, due=date(2024, 6, 30), outstanding=150.0
	),  # due today: not overdue
	inv("A5", "A", date(2024, 5, 20), -50.0, is_return=True, outstanding=-50.0),
	inv("A6", "A", date(2024, 6, 30), 80.0),  # on as_of: recent
	inv("A7", "A", date(2024, 7, 1), 999.0),  # after as_of
	inv("A8", "A", date(2024, 6, 1), 500.0, docstatus=0),  # draft
	inv("A9", "A", date(2024, 6, 2), 700.0, docstatus=2),  # cancelled
	inv("B1", "B", date(2023, 12, 1), 60.0),
	inv("D1", "D", date(2024, 6, 1), 60.0),
	inv("X1", "ghost", date(2024, 6, 1), 60.0),  # customer not in tabCustomer
]
