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


# Longer windows, cooldowns or horizons than a century reach back before any ERPNext data (and past
# what date arithmetic holds); weights beyond a million only overflow the weighted sum.
MAX_DAYS = 36_500
MAX_WEIGHT = 1_000_000
_JSON_TYPES = {dict: "an object", list: "an array", str: "text", bool: "true/false", type(None): "null"}


def shown(value: Any) -> str:
	"""A value as the JSON it came from (null, true, "text", [1, 2]), for messages."""
	try:
		return json.dumps(value, ensure_ascii=False)
	except (TypeError, ValueError):
		return repr(value)


def json_type(value: Any) -> str:
	return _JSON_TYPES.get(type(value), "a number" if _is_number(value) else type(value).__name__)


def _is_number(value: Any) -> bool:
	# Finite only: JSON's 1e999 parses to infinity, and neither inf nor nan is a threshold (nor storable);
	# an integer written with 400 digits is finite but no float holds it.
	if not isinstance(value, (int, float)) or isinstance(value, bool):
		return False
	try:
		return math.isfinite(value)
	except OverflowError:
		return False


def _positive_int(value: Any, where: str, field: str, maximum: int = MAX_DAYS) -> int:
	if not _is_number(value) or value != int(value) or not 0 < value <= maximum:
		raise ConfigError(
			f'{where}: field "{field}" must be a whole number of days from 1 to {maximum:,}, got {shown(value)}'
		)
	return int(value)


def parse_rule(data: Mapping[str, Any], position: int = 0, default_window: int = 90) -> Rule:
	"""One rule from a mapping (a JSON entry or a CSM Red Flag Rule record)."""
	if not isinstance(data, Mapping):
		raise ConfigError(f"rule #{position}: must be an object, got {json_type(data)}")
	name = data.get("name")
	if name is not None and not isinstance(name, str):
		raise ConfigError(f'rule #{position}: field "name" must be text, got {shown(name)}')
	if not name or not name.strip():
		raise ConfigError(f'rule #{position}: field "name" is required')
	where = f'rule "{name}"'
	unknown = sorted(set(data) - RULE_FIELDS)
	if unknown:
		raise ConfigError(f'{where}: unknown field "{unknown[0]}" (known: {", ".join(sorted(RULE_FIELDS))})')
	for field in ("signal", "operator"):
		if data.get(field) in (None, ""):
			raise ConfigError(f'{where}: field "{field}" is required')
	signal = data.get("signal")
	if not isinstance(signal, str) or signal not in SIGNALS:
		raise ConfigError(
			f'{where}: field "signal": unknown signal {shown(signal)} (known: {", ".join(SIGNALS)})'
		)
	operator = data.get("operator")
	if not isinstance(operator, str) or operator not in OPERATORS:
		raise ConfigError(
			f'{where}: field "operator": unknown operator {shown(operator)} (known: {" ".join(OPERATORS)})'
		)
	if "threshold" not in data or data["threshold"] is None:
		raise ConfigError(f'{where}: field "threshold" is required')
	threshold = data["threshold"]
	if not _is_number(threshold):
		raise ConfigError(f'{where}: field "threshold" must be a number, got {shown(threshold)}')
	kind = SIGNALS[signal].kind
	if kind in ("percent", "days", "amount", "ratio") and threshold < 0:
		raise ConfigError(
			f'{where}: field "threshold" must not be negative for {signal}, got {shown(threshold)}'
		)
	if kind == "score" and not 0 <= threshold <= 100:
		raise ConfigError(f'{where}: field "threshold" must be 0-100 for {signal}, got {shown(threshold)}')
	severity = data.get("severity", "Medium")
	if not isinstance(severity, str) or severity not in SEVERITIES:
		raise ConfigError(
			f'{where}: field "severity" must be one of {", ".join(SEVERITIES)}, got {shown(severity)}'
		)
	window = _positive_int(data.get("window_days", default_window), where, "window_days")
	cooldown = data.get("cooldown_days", 30)
	if not _is_number(cooldown) or cooldown != int(cooldown) or not 0 <= cooldown <= MAX_DAYS:
		raise ConfigError(
			f'{where}: field "cooldown_days" must be a whole number of days from 0 to {MAX_DAYS:,},'
			f" got {shown(cooldown)}"
		)
	for field in ("customer_group", "territory", "description"):
		if data.get(field) is not None and not isinstance(data[field], str):
			raise ConfigError(f'{where}: field "{field}" must be text, got {shown(data[field])}')
	enabled = data.get("enabled", True)
	# 0 and 1 too: a CSM Red Flag Rule record keeps its Check field so.
	if not (isinstance(enabled, bool) or enabled in (0, 1)):
		raise ConfigError(f'{where}: field "enabled" must be true or false, got {shown(enabled)}')
	return Rule(
		name=name.strip(),
		signal=signal,
		operator=operator,
		threshold=float(threshold) + 0.0,  # -0 is 0
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
	where = f"scorecard measure #{position}" + (f" ({shown(name)})" if name is not None else "")
	if not isinstance(data, Mapping):
		raise ConfigError(f"{where}: must be an object, got {json_type(data)}")
	_refuse_unknown(data, MEASURE_FIELDS, where)
	if not isinstance(name, str) or name not in MEASURES:
		raise ConfigError(f'{where}: field "measure" must be one of {", ".join(MEASURES)}')
	weight = data.get("weight")
	if not _is_number(weight) or not 0 < weight <= MAX_WEIGHT:
		raise ConfigError(
			f'{where}: field "weight" must be a number above 0, at most {MAX_WEIGHT:,}, got {shown(weight)}'
		)
	direction = data.get("direction")
	if direction not in DIRECTIONS:
		raise ConfigError(f'{where}: field "direction" must be "lower" or "higher", got {shown(direction)}')
	bands = data.get("bands")
	if not isinstance(bands, list) or not bands:
		raise ConfigError(f'{where}: field "bands" must be a non-empty list of [bound, points]')
	parsed = []
	for i, band in enumerate(bands, 1):
		if not (isinstance(band, (list, tuple)) and len(band) == 2 and all(map(_is_number, band))):
			raise ConfigError(f'{where}: field "bands" entry {i} must be [bound, points], got {shown(band)}')
		if not 0 <= band[1] <= 100:
			raise ConfigError(f'{where}: field "bands" entry {i}: points must be 0-100, got {shown(band[1])}')
		parsed.append((float(band[0]), float(band[1])))
	bounds = [b for b, _ in parsed]
	if bounds != sorted(bounds, reverse=direction == "higher") or len(set(bounds)) != len(bounds):
		order = "ascending" if direction == "lower" else "descending"
		raise ConfigError(f'{where}: field "bands" bounds must be strictly {order} for direction {direction}')
	otherwise = data.get("otherwise", 0)
	if not _is_number(otherwise) or not 0 <= otherwise <= 100:
		raise ConfigError(f'{where}: field "otherwise" must be 0-100 points, got {shown(otherwise)}')
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
			f"got {shown(green)}/{shown(amber)}"
		)
	min_days = data.get("min_purchase_days", 3)
	if not _is_number(min_days) or min_days != int(min_days) or not 1 <= min_days <= MAX_DAYS:
		raise ConfigError(
			f'scorecard: field "min_purchase_days" must be a whole number from 1 to {MAX_DAYS:,},'
			f" got {shown(min_days)}"
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
		raise ConfigError(f'churn: field "multiple" must be a number above 1, got {shown(multiple)}')
	return ChurnPolicy(float(multiple), _positive_int(data.get("fixed_days", 365), "churn", "fixed_days"))


def default_config() -> EngineConfig:
	return parse_config(json.loads(DEFAULTS_PATH.read_text(encoding="utf-8")))


def load_config(path: str | Path | None = None) -> EngineConfig:
	"""The packaged defaults, or a JSON file whose parts replace the defaults' parts."""
	if path is None:
		return default_config()
	path = Path(path)
	try:
		# utf-8-sig: a byte order mark, as some editors write, is no error.
		data = json.loads(path.read_text(encoding="utf-8-sig"), object_pairs_hook=_no_duplicate_keys)
		# A lone surrogate ("\\ud800") parses, but no file or database can take it.
		json.dumps(data, ensure_ascii=False).encode("utf-8")
	except FileNotFoundError:
		raise ConfigError(f"{path}: no such rule file") from None
	except UnicodeDecodeError as e:
		raise ConfigError(f"{path}: not UTF-8 text (byte {e.start + 1} cannot be read)") from None
	except OSError as e:
		raise ConfigError(f"{path}: cannot read the rule file ({e.strerror or e})") from None
	except json.JSONDecodeError as e:
		raise ConfigError(f"{path} line {e.lineno}, column {e.colno}: not valid JSON ({e.msg})") from None
	except UnicodeEncodeError:
		raise ConfigError(f"{path}: holds text that is not valid Unicode (a lone surrogate escape)") from None
	except RecursionError:
		raise ConfigError(f"{path}: nested too deeply to be a rule file") from None
	except _DuplicateKey as e:
		raise ConfigError(f'{path}: the key "{e}" appears twice in one object') from None
	try:
		return parse_config(data, default_config())
	except ConfigError as e:
		raise ConfigError(f"{path}: {e}") from None


class _DuplicateKey(Exception):
	pass


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict:
	"""JSON objects whose keys are unique: with two "threshold"s the last would win unseen."""
	data = {}
	for key, value in pairs:
		if key in data:
			raise _DuplicateKey(key)
		data[key] = value
	return data


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
