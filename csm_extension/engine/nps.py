"""NPS maths: categories, the score of a set of answers, and the score per period and segment."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date


def category(score: int) -> str:
	"""Promoter 9-10, Passive 7-8, Detractor 0-6."""
	if not isinstance(score, int) or isinstance(score, bool) or not 0 <= score <= 10:
		raise ValueError(f"an NPS score is a whole number from 0 to 10, got {score!r}")
	if score >= 9:
		return "Promoter"
	return "Passive" if score >= 7 else "Detractor"


def nps(scores: Iterable[int]) -> float | None:
	"""% promoters minus % detractors, -100..100; None without answers."""
	cats = [category(s) for s in scores]
	if not cats:
		return None
	return 100 * (cats.count("Promoter") - cats.count("Detractor")) / len(cats)


def parse_score(value) -> int:
	"""A score as typed or imported: 0-10, whole; anything else is refused with what was given."""
	if isinstance(value, str) and value.strip().lstrip("-").isdigit():
		value = int(value.strip())
	elif isinstance(value, float) and value.is_integer():
		value = int(value)
	if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 10:
		raise ValueError(f"Score must be a whole number from 0 to 10, got {value!r}")
	return value


@dataclass(frozen=True)
class NPSAnswer:
	"""One answer: its date, its 0-10 score and the answering customer's segments."""

	on: date
	score: int
	segments: Mapping[str, str | None] = field(default_factory=dict)
	customer: str | None = None


@dataclass(frozen=True)
class NPSRow:
	period_start: date
	period_end: date
	segment: str | None
	responses: int
	promoters: int
	passives: int
	detractors: int
	nps: float | None
	response_rate: float | None


Invitations = Mapping[tuple[date, date] | tuple[date, date, str | None], int]


def _invited(invitations: Invitations | None, start: date, end: date, segment, grouped: bool) -> int:
	if not invitations:
		return 0
	if grouped:
		return invitations.get((start, end, segment), 0)
	if (start, end) in invitations:
		return invitations[(start, end)]
	# Counts per segment add up to the period's count when no total was given.
	return sum(n for key, n in invitations.items() if len(key) == 3 and key[:2] == (start, end))


def nps_report(
	answers: Iterable[NPSAnswer],
	periods: Sequence[tuple[date, date]],
	invitations: Invitations | None = None,
	group_by: str | None = None,
) -> list[NPSRow]:
	"""NPS of the answers dated in each period [start, end] (both days included).

	Without `group_by`, one row per period, with `nps` None when nobody answered. With it, one row per
	period and value of that segment present among the period's answers or invitations, sorted by
	period then segment (unset last). `invitations` holds the invitations sent per (start, end) or,
	grouped, per (start, end, segment); `response_rate` = answers / invitations sent in the period x
	100, None when none were sent. Answers may reply to invitations of an earlier period or to none,
	so the rate can pass 100.
	"""
	answers = list(answers)
	grouped = group_by is not None
	rows = []
	for start, end in sorted(periods):
		scores: dict[str | None, list[int]] = defaultdict(list)
		for a in answers:
			if start <= a.on <= end:
				scores[a.segments.get(group_by) if grouped else None].append(a.score)
		if grouped:
			segments = set(scores) | {
				key[2]
				for key, n in (invitations or {}).items()
				if len(key) == 3 and key[:2] == (start, end) and n
			}
		else:
			segments = {None}
		for segment in sorted(segments, key=lambda s: (s is None, s or "")):
			cats = [category(s) for s in scores.get(segment, [])]
			sent = _invited(invitations, start, end, segment, grouped)
			rows.append(
				NPSRow(
					period_start=start,
					period_end=end,
					segment=segment,
					responses=len(cats),
					promoters=cats.count("Promoter"),
					passives=cats.count("Passive"),
					detractors=cats.count("Detractor"),
					nps=nps(scores.get(segment, [])),
					response_rate=100 * len(cats) / sent if sent else None,
				)
			)
	return rows
