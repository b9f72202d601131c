"""Engine configuration (rules + scorecard) from plain data, validated with messages that name the field."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from csm_extension.engine.rules import OPERATORS, SEVERITIES, SIGNALS, ChurnPolicy, Rule
from csm_extension.engine.scoring import DIRECTIONS, MEASURES, Measure, Scorecard

DEFAULTS_PATH = Path(__file__).with_name("defaults.json")
RULE_FIELDS = set(Rule.__dataclass_fields__) - {"customer_group_tree", "territory_tree"}


class ConfigError(ValueError):
	"""A rule or scorecard entry that cannot be used; the message names the entry and the field."""


@dataclass(frozen=True)
class EngineConfig:
	rules: tuple[Rule, ...]
	scorecard: Scorecard
	stake_window_days: int = 365
	churn: ChurnPolicy = ChurnPolicy()

	@property
	def decision_windows(self) -> tuple[int, ...]:
		"""The window lengths the scorecard and the rules read: all the daily pass needs."""
		days = {self.scorecard.window_days}
		days.update(r.window_days for r in self.rules if SIGNALS[r.signal].uses_window)
		return tuple(sorted(days))

	@property
	def windows(self) -> tuple[int, ...]:
		"""`decision_windows` and the revenue-at-stake window the offline summary and CSVs report."""
		return tuple(sorted({*self.decision_windows, self.stake_window_days}))


# The fields each part of a configuration may hold; any other is a typo worth refusing, not ignoring.
MEASURE_FIELDS = ("measure", "weight", "direction", "bands", "otherwise")
SCORECARD_FIELDS = ("measures", "window_days", "min_purchase_days", "green_from", "amber_from")
CHURN_FIELDS = ("multiple", "fixed_days")


def _refuse_unknown(data: Mapping[str, Any], known: tuple[str, ...], where: str) -> None:
	unknown = sorted(set(data) - set(known))
	if unknown:
		raise ConfigError(f'{where}: unknown field "{unknown[0]}" (known: {", ".join(known)})')


def _is_number(value: Any) -> bool:
	# Finite only: JSON's 1e999 parses to infinity, and neither inf nor nan is a threshold (nor storable).
	return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _positive_int(value: Any, where: str, field: str) -> int:
	if not _is_number(value) or value != int(value) or value <= 0:
		raise ConfigError(f'{where}: field "{field}" must be a whole number of days above 0, got {value!r}')
	return int(value)


def parse_rule(data: Mapping[str, Any], position: int = 0, default_window: int = 90) -> Rule:
	"""One rule from a mapping (a JSON entry or a CSM Red Flag Rule record)."""
	if not isinstance(data, Mapping):
		raise ConfigError(f"rule #{position}: must be an object, got {type(data).__name__}")
	name = data.get("name")
	if not isinstance(name, str) or not name.strip():
		raise ConfigError(f'rule #{position}: field "name" is required')
	where = f'rule "{name}"'
	unknown = sorted(set(data) - RULE_FIELDS)
	if unknown:
		raise ConfigError(f'{where}: unknown field "{unknown[0]}" (known: {", ".join(sorted(RULE_FIELDS))})')
	for field in ("signal", "operator"):
		if data.get(field) in (None, ""):
			raise ConfigError(f'{where}: field "{field}" is required')
	signal = data.get("signal")
	if signal not in SIGNALS:
		raise ConfigError(f'{where}: field "signal": unknown signal {signal!r} (known: {", ".join(SIGNALS)})')
	operator = data.get("operator")
	if operator not in OPERATORS:
		raise ConfigError(
			f'{where}: field "operator": unknown operator {operator!r} (known: {" ".join(OPERATORS)})'
		)
	if "threshold" not in data or data["threshold"] is None:
		raise ConfigError(f'{where}: field "threshold" is required')
	threshold = data["threshold"]
	if not _is_number(threshold):
		raise ConfigError(f'{where}: field "threshold" must be a number, got {threshold!r}')
	if SIGNALS[signal].kind in ("percent", "days", "amount", "ratio") and threshold < 0:
		raise ConfigError(f'{where}: field "threshold" must not be negative for {signal}, got {threshold!r}')
	severity = data.get("severity", "Medium")
	if severity not in SEVERITIES:
		raise ConfigError(
			f'{where}: field "severity" must be one of {", ".join(SEVERITIES)}, got {severity!r}'
		)
	window = _positive_int(data.get("window_days", default_window), where, "window_days")
	cooldown = data.get("cooldown_days", 30)
	if not _is_number(cooldown) or cooldown != int(cooldown) or cooldown < 0:
		raise ConfigError(
			f'{where}: field "cooldown_days" must be a whole number of days >= 0, got {cooldown!r}'
		)
	for field in ("customer_group", "territory", "description"):
		if data.get(field) is not None and not isinstance(data[field], str):
			raise ConfigError(f'{where}: field "{field}" must be text, got {data[field]!r}')
	enabled = data.get("enabled", True)
	if not isinstance(enabled, (bool, int)):
		raise ConfigError(f'{where}: field "enabled" must be true or false, got {enabled!r}')
	return Rule(
		name=name.strip(),
		signal=signal,
		operator=operator,
		threshold=float(threshold),
		severity=severity,
		window_days=window,
		cooldown_days=int(cooldown),
		customer_group=data.get("customer_group") or None,
		territory=data.get("territory") or None,
		enabled=bool(enabled),
		description=data.get("description") or "",
	)


def parse_measure(data: Mapping[str, Any], position: int) -> Measure:
	name = data.get("measure") if isinstance(data, Mapping) else None
	where = f"scorecard measure #{position} ({name!r})"
	if not isinstance(data, Mapping):
		raise ConfigError(f"{where}: must be an object, got {type(data).__name__}")
	_refuse_unknown(data, MEASURE_FIELDS, where)
	if name not in MEASURES:
		raise ConfigError(f'{where}: field "measure" must be one of {", ".join(MEASURES)}')
	weight = data.get("weight")
	if not _is_number(weight) or weight <= 0:
		raise ConfigError(f'{where}: field "weight" must be a number above 0, got {weight!r}')
	direction = data.get("direction")
	if direction not in DIRECTIONS:
		raise ConfigError(f'{where}: field "direction" must be "lower" or "higher", got {direction!r}')
	bands = data.get("bands")
	if not isinstance(bands, list) or not bands:
		raise ConfigError(f'{where}: field "bands" must be a non-empty list of [bound, points]')
	parsed = []
	for i, band in enumerate(bands, 1):
		if not (isinstance(band, (list, tuple)) and len(band) == 2 and all(map(_is_number, band))):
			raise ConfigError(f'{where}: field "bands" entry {i} must be [bound, points], got {band!r}')
		if not 0 <= band[1] <= 100:
			raise ConfigError(f'{where}: field "bands" entry {i}: points must be 0-100, got {band[1]!r}')
		parsed.append((float(band[0]), float(band[1])))
	bounds = [b for b, _ in parsed]
	if bounds != sorted(bounds, reverse=direction == "higher") or len(set(bounds)) != len(bounds):
		order = "ascending" if direction == "lower" else "descending"
		raise ConfigError(f'{where}: field "bands" bounds must be strictly {order} for direction {direction}')
	otherwise = data.get("otherwise", 0)
	if not _is_number(otherwise) or not 0 <= otherwise <= 100:
		raise ConfigError(f'{where}: field "otherwise" must be 0-100 points, got {otherwise!r}')
	return Measure(name, float(weight), direction, tuple(parsed), float(otherwise))


def parse_scorecard(data: Mapping[str, Any]) -> Scorecard:
	if not isinstance(data, Mapping):
		raise ConfigError('field "scorecard" must be an object')
	_refuse_unknown(data, SCORECARD_FIELDS, "scorecard")
	measures = data.get("measures")
	if not isinstance(measures, list) or not measures:
		raise ConfigError('scorecard: field "measures" must be a non-empty list')
	parsed = tuple(parse_measure(m, i) for i, m in enumerate(measures, 1))
	names = [m.measure for m in parsed]
	if len(set(names)) != len(names):
		twice = sorted({n for n in names if names.count(n) > 1})
		raise ConfigError(f'scorecard: field "measures" lists the measure "{twice[0]}" twice')
	green, amber = data.get("green_from", 70), data.get("amber_from", 40)
	if not (_is_number(green) and _is_number(amber) and 0 <= amber < green <= 100):
		raise ConfigError(
			f'scorecard: fields "green_from"/"amber_from" need 0 <= amber_from < green_from <= 100, '
			f"got {green!r}/{amber!r}"
		)
	min_days = data.get("min_purchase_days", 3)
	if not _is_number(min_days) or min_days != int(min_days) or min_days < 1:
		raise ConfigError(
			f'scorecard: field "min_purchase_days" must be a whole number >= 1, got {min_days!r}'
		)
	return Scorecard(
		measures=parsed,
		window_days=_positive_int(data.get("window_days", 90), "scorecard", "window_days"),
		min_purchase_days=int(min_days),
		green_from=float(green),
		amber_from=float(amber),
	)


def parse_config(data: Mapping[str, Any], defaults: EngineConfig | None = None) -> EngineConfig:
	"""A whole configuration; a file with only "rules" keeps the default scorecard, and vice versa."""
	if not isinstance(data, Mapping):
		raise ConfigError('the configuration must be a JSON object with "rules" and/or "scorecard"')
	unknown = sorted(set(data) - {"rules", "scorecard", "stake_window_days", "churn"})
	if unknown:
		raise ConfigError(
			f'unknown top-level field "{unknown[0]}" (known: rules, scorecard, stake_window_days, churn)'
		)
	missing = [part for part in ("rules", "scorecard") if part not in data and defaults is None]
	if missing:
		raise ConfigError(f'field "{missing[0]}" is required')
	scorecard = parse_scorecard(data["scorecard"]) if "scorecard" in data else defaults.scorecard
	if "rules" in data:
		if not isinstance(data["rules"], list):
			raise ConfigError('field "rules" must be a list')
		rules = tuple(parse_rule(r, i, scorecard.window_days) for i, r in enumerate(data["rules"], 1))
	else:
		rules = defaults.rules
	names = [r.name for r in rules]
	dupes = sorted({n for n in names if names.count(n) > 1})
	if dupes:
		raise ConfigError(f'rule "{dupes[0]}": field "name" is used by more than one rule')
	stake = data.get("stake_window_days", defaults.stake_window_days if defaults else 365)
	churn = parse_churn(data["churn"]) if "churn" in data else (defaults.churn if defaults else ChurnPolicy())
	return EngineConfig(rules, scorecard, _positive_int(stake, "configuration", "stake_window_days"), churn)


def parse_churn(data: Mapping[str, Any]) -> ChurnPolicy:
	if not isinstance(data, Mapping):
		raise ConfigError('field "churn" must be an object with "multiple" and "fixed_days"')
	_refuse_unknown(data, CHURN_FIELDS, "churn")
	multiple = data.get("multiple", 3.0)
	if not _is_number(multiple) or multiple <= 1:
		raise ConfigError(f'churn: field "multiple" must be a number above 1, got {multiple!r}')
	return ChurnPolicy(float(multiple), _positive_int(data.get("fixed_days", 365), "churn", "fixed_days"))


def default_config() -> EngineConfig:
	return parse_config(json.loads(DEFAULTS_PATH.read_text(encoding="utf-8")))


def load_config(path: str | Path | None = None) -> EngineConfig:
	"""The packaged defaults, or a JSON file whose parts replace the defaults' parts."""
	if path is None:
		return default_config()
	path = Path(path)
	try:
		data = json.loads(path.read_text(encoding="utf-8"))
	except FileNotFoundError:
		raise ConfigError(f"{path}: no such rule file") from None
	except UnicodeDecodeError as e:
		raise ConfigError(f"{path}: not UTF-8 text (byte {e.start + 1} cannot be read)") from None
	except OSError as e:
		raise ConfigError(f"{path}: cannot read the rule file ({e.strerror or e})") from None
	except json.JSONDecodeError as e:
		raise ConfigError(f"{path} line {e.lineno}, column {e.colno}: not valid JSON ({e.msg})") from None
	try:
		return parse_config(data, default_config())
	except ConfigError as e:
		raise ConfigError(f"{path}: {e}") from None


def parse_bands_text(text: str, where: str = "bands") -> list[list[float]]:
	"""'1:100, 1.5:75' -> [[1.0, 100.0], [1.5, 75.0]], the form a settings row keeps bands in."""
	bands = []
	for i, part in enumerate((p.strip() for p in (text or "").split(",")), 1):
		bound, sep, points = part.partition(":")
		try:
			if not sep:
				raise ValueError
			bands.append([float(bound), float(points)])
		except ValueError:
			raise ConfigError(f'{where}: entry {i} "{part}" must be bound:points, e.g. 1.5:75') from None
	return bands
