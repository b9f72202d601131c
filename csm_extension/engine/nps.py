"""NPS maths: categories and the score of a set of answers."""

from __future__ import annotations

from collections.abc import Iterable


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
