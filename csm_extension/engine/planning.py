"""Follow-up planning: what to open, keep and resolve, given today's flags and what is already open."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from operator import attrgetter

from csm_extension.engine.rules import Flag, Rule, flag_key

# Stores keep observed values as decimal(21,9): a difference below this is rounding, not a change.
VALUE_TOLERANCE = 1e-6


@dataclass(frozen=True)
class OpenItem:
	"""A flag (with its follow-up) that is open: Open or Acknowledged."""

	key: str
	customer: str
	rule: str
	raised_on: date
	ref: str | None = None
	# What the stored flag shows now (None: not read from a store); not part of an item's identity.
	value: float | None = field(default=None, compare=False)
	explanation: str | None = field(default=None, compare=False)
	evidence: tuple[str, ...] | None = field(default=None, compare=False)
	severity: str | None = field(default=None, compare=False)
	threshold: float | None = field(default=None, compare=False)

	def shows_stale(self, flag: Flag) -> bool:
		"""Whether the stored flag kept for `flag` no longer shows today's value, explanation or
		evidence (a value that was never read counts as stale)."""
		return (
			self.value is None
			or abs(self.value - flag.value) > VALUE_TOLERANCE
			or self.explanation != flag.explanation
			or self.evidence != tuple(flag.evidence)
		)


@dataclass(frozen=True)
class ClosedItem:
	"""A flag that was resolved or dismissed on `closed_on`; its rule's cooldown runs from then."""

	key: str
	closed_on: date


@dataclass(frozen=True)
class FollowUpPlan:
	to_open: tuple[Flag, ...] = ()
	to_keep: tuple[tuple[OpenItem, Flag], ...] = ()
	to_resolve: tuple[OpenItem, ...] = ()
	suppressed: tuple[Flag, ...] = ()  # condition holds again, but within the rule's cooldown

	@property
	def is_empty(self) -> bool:
		return not (self.to_open or self.to_resolve)


def open_item(customer: str, rule: str, raised_on: date, ref: str | None = None) -> OpenItem:
	return OpenItem(flag_key(customer, rule), customer, rule, raised_on, ref)


def plan_followups(
	flags: Iterable[Flag],
	open_items: Iterable[OpenItem],
	closed_items: Iterable[ClosedItem],
	rules: Iterable[Rule],
	as_of: date,
) -> FollowUpPlan:
	"""Open a flag once per customer and rule, keep it while the condition holds, resolve it when it
	clears. A rule that is disabled or deleted no longer raises anything, so its open flags resolve.
	A second open item with the same key (should the store ever hold one) is resolved as a duplicate."""
	cooldown = {r.name: r.cooldown_days for r in rules}
	current: dict[str, OpenItem] = {}
	duplicates = []
	for item in sorted(open_items, key=lambda i: (i.key, i.raised_on, i.ref or "")):
		if item.key in current:
			duplicates.append(item)
		else:
			current[item.key] = item
	last_closed: dict[str, date] = {}
	for item in closed_items:
		if item.closed_on <= as_of and item.closed_on > last_closed.get(item.key, date.min):
			last_closed[item.key] = item.closed_on

	to_open, to_keep, suppressed, seen = [], [], [], set()
	for flag in sorted(flags, key=attrgetter("customer", "rule")):
		key = flag.key  # built once: a pass plans hundreds of thousands of flags
		if key in seen:
			continue
		seen.add(key)
		if key in current:
			to_keep.append((current[key], flag))
		elif key in last_closed and (as_of - last_closed[key]).days < cooldown.get(flag.rule, 0):
			suppressed.append(flag)
		else:
			to_open.append(flag)
	to_resolve = [item for key, item in sorted(current.items()) if key not in seen] + duplicates
	return FollowUpPlan(tuple(to_open), tuple(to_keep), tuple(to_resolve), tuple(suppressed))


def after_plan(
	plan: FollowUpPlan, open_items: Iterable[OpenItem], closed_items: Iterable[ClosedItem], as_of: date
) -> tuple[list[OpenItem], list[ClosedItem]]:
	"""The open and closed items once a plan is carried out (what a store would hold next)."""
	resolved = {id(i) for i in plan.to_resolve}
	still_open = [i for i in open_items if id(i) not in resolved]
	still_open += [open_item(f.customer, f.rule, as_of) for f in plan.to_open]
	closed = list(closed_items) + [ClosedItem(i.key, as_of) for i in plan.to_resolve]
	return still_open, closed
