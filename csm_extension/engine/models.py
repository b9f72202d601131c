"""Plain data the engine works on: ERPNext rows in, facts, scores and flags out."""

from __future__ import annotations

import gc
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class CustomerRow:
	"""The columns of `tabCustomer` the engine reads."""

	name: str
	customer_name: str = ""
	customer_group: str | None = None
	territory: str | None = None
	disabled: bool = False


@dataclass(frozen=True)
class InvoiceRow:
	"""The columns of `tabSales Invoice` the engine reads."""

	name: str
	customer: str
	posting_date: date
	due_date: date | None
	docstatus: int
	is_return: bool
	base_net_total: float
	outstanding_amount: float
	company: str | None = None


@dataclass(frozen=True)
class WindowFacts:
	"""Orders and net revenue in the recent window (as_of - days, as_of] and the one before it."""

	days: int
	recent_orders: int = 0
	recent_revenue: float = 0.0
	previous_orders: int = 0
	previous_revenue: float = 0.0


@dataclass(frozen=True)
class CustomerFacts:
	"""What ERPNext knows about one customer as of a date.

	Orders are submitted, non-return invoices; revenue nets returns in. `purchase_days` counts the
	distinct posting dates of orders; `typical_gap_days` is the median gap between them, known only
	from `MIN_PURCHASES_FOR_RHYTHM` purchase days on.
	"""

	customer: str
	as_of: date
	customer_name: str = ""
	customer_group: str | None = None
	territory: str | None = None
	first_invoice_date: date | None = None
	last_invoice_date: date | None = None
	last_invoice: str | None = None
	orders: int = 0
	purchase_days: int = 0
	lifetime_revenue: float = 0.0
	typical_gap_days: float | None = None
	windows: Mapping[int, WindowFacts] = field(default_factory=dict)
	overdue_amount: float = 0.0
	overdue_invoices: tuple[str, ...] = ()
	oldest_overdue_days: int = 0
	# Signals the Frappe shell adds (e.g. "last_nps_score", "onboarding_overdue_days"); absent offline.
	extra: Mapping[str, float] = field(default_factory=dict)

	@property
	def days_since_last_invoice(self) -> int | None:
		if self.last_invoice_date is None:
			return None
		return (self.as_of - self.last_invoice_date).days

	@property
	def tenure_days(self) -> int | None:
		if self.first_invoice_date is None:
			return None
		return (self.as_of - self.first_invoice_date).days

	def window(self, days: int) -> WindowFacts:
		try:
			return self.windows[days]
		except KeyError:
			raise KeyError(f"facts for {self.customer} were loaded without a {days}-day window") from None


MIN_PURCHASES_FOR_RHYTHM = 3


def counted(n: int, noun: str) -> str:
	"""'1 order', '2 orders', '0 orders': explanations read as sentences, not 'order(s)'."""
	return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def new_frozen(cls: type[T], **fields) -> T:
	"""An instance of the frozen dataclass `cls`, built without its __init__, which sets each field
	through object.__setattr__ and takes twice as long: that counts for the hundreds of thousands of
	flags and scores a daily pass builds. Give every field; no defaults apply and no __post_init__ runs."""
	obj = object.__new__(cls)
	obj.__dict__.update(fields)
	return obj


@contextmanager
def gc_paused() -> Iterator[None]:
	"""Python's cyclic GC off while a pass builds hundreds of thousands of facts, scores and flags:
	they hold no cycles (reference counting frees them), yet every 700 allocations the GC would walk
	the young objects and now and then all of them. Measured at 100k customers: load 5.95 s -> 4.38 s."""
	enabled = gc.isenabled()
	gc.disable()
	try:
		yield
	finally:
		if enabled:
			# Re-enabled as is, the GC would at once walk every object made meanwhile (all "young", a
			# few hundred thousand: 0.3 s at 100k customers). Frozen first, they are not walked.
			frozen_before = gc.get_freeze_count()
			gc.freeze()
			gc.enable()
			if not frozen_before:
				gc.unfreeze()  # ours only: to the oldest generation, as survivors would go
			# else Frappe froze its imports (app.py, background workers) to share them after fork: that
			# stays; ours stay frozen beside them and are freed by reference counting as usual.
