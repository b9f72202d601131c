"""Calendar periods for reports: months, quarters or years between two dates."""

from __future__ import annotations

from datetime import date, timedelta

# Months per period; quarters and years start in January, as in ERPNext's period filters.
GRANULARITIES = {"Monthly": 1, "Quarterly": 3, "Yearly": 12}


def _add_months(day: date, months: int) -> date:
	"""The first of the month `months` after `day`'s month."""
	index = day.year * 12 + day.month - 1 + months
	return date(index // 12, index % 12 + 1, 1)


def periods(start: date, end: date, granularity: str) -> list[tuple[date, date]]:
	"""Calendar-aligned (first, last) day pairs covering [start, end], both ends inclusive; the first
	and last period are clipped to `start` and `end`."""
	if granularity not in GRANULARITIES:
		raise ValueError(f"granularity must be one of {', '.join(GRANULARITIES)}, got {granularity!r}")
	if end < start:
		raise ValueError(f"period end {end} is before its start {start}")
	step = GRANULARITIES[granularity]
	# The calendar period holding `start`: its month rounded down to a multiple of the step.
	cursor = date(start.year, start.month - (start.month - 1) % step, 1)
	result = []
	while cursor <= end:
		following = _add_months(cursor, step)
		result.append((max(cursor, start), min(following - timedelta(days=1), end)))
		cursor = following
	return result
