"""How the user tunes the scorecard: weights, rule settings, per-API overrides and gates."""

from __future__ import annotations

import fnmatch
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from mkdocs_platform.models.scorecard import CATEGORIES, LEVELS, LevelId, RuleSeverity
from mkdocs_platform.scorecard.registry import PLANNED_RULE_IDS, RuleSpec, all_rules

SeveritySetting = Literal["off", "info", "warn", "error"]

SEVERITY_SETTINGS: tuple[SeveritySetting, ...] = ("off", "info", "warn", "error")

DEFAULT_WEIGHTS: dict[str, float] = {
    "correctness": 20,
    "documentation": 25,
    "design": 15,
    "security": 15,
    "sdk": 15,
    "ownership": 10,
}
"""Category weights (SCORECARD.md 10.2); a category with nothing to check drops out."""

DEFAULT_ANNOTATIONS_SEVERITY: RuleSeverity = "warn"
"""GitHub annotations show findings at or above this severity by default."""

DEFAULT_ANNOTATIONS_CAP = 50
"""GitHub annotations shown at most by default; one more line counts the rest."""

NO_LEVEL: Final = "none"
"""The level setting that makes a rule count for the score only."""


class SettingsError(ValueError):
    """A mistake in the scorecard settings; the message names the key and the problem."""


@dataclass(frozen=True)
class RuleSetting:
    """What the user changed about one rule; None keeps what came before."""

    severity: SeveritySetting | None = None
    level: LevelId | Literal["none"] | None = None
    """A level, `none` for score only, or None to keep the default."""
    threshold: float | None = None

    def over(self, earlier: RuleSetting | None) -> RuleSetting:
        """This setting laid over an earlier one, field by field."""
        if earlier is None:
            return self
        return RuleSetting(
            severity=self.severity if self.severity is not None else earlier.severity,
            level=self.level if self.level is not None else earlier.level,
            threshold=self.threshold if self.threshold is not None else earlier.threshold,
        )


@dataclass(frozen=True)
class EffectiveRule:
    """A rule as it runs for one API: defaults with every applicable setting laid over them."""

    spec: RuleSpec
    severity: RuleSeverity
    level: LevelId | None
    threshold: float


@dataclass(frozen=True)
class Override:
    """Rule settings for the APIs whose id matches one of `apis` (glob patterns)."""

    apis: tuple[str, ...]
    rules: Mapping[str, RuleSetting]

    def matches(self, api_id: str) -> bool:
        """Whether this override applies to the API `api_id`."""
        return any(fnmatch.fnmatchcase(api_id, pattern) for pattern in self.apis)


@dataclass(frozen=True)
class ScorecardSettings:
    """The scorecard configuration, validated (DESIGN section 7, `scorecard:`)."""

    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    """Category id -> weight, every category present."""
    rules: Mapping[str, RuleSetting] = field(default_factory=dict)
    """Rule id -> what the user changed about it."""
    overrides: tuple[Override, ...] = ()
    """Per-API rule settings; the last matching override wins."""
    fail_under: int | None = None
    """Gate: every API scores at least this."""
    target_level: LevelId | None = None
    """Gate: every API reaches this level."""
    fail_on: RuleSeverity | None = None
    """Gate: no finding at or above this severity."""
    waivers: str | None = None
    """Path of the waiver file (see `scorecard.waivers`), or None for no waivers."""
    annotations_severity: RuleSeverity = DEFAULT_ANNOTATIONS_SEVERITY
    """GitHub annotations show findings at or above this severity."""
    annotations_cap: int = DEFAULT_ANNOTATIONS_CAP
    """GitHub annotations shown at most; one more line says how many were left out."""

    def __post_init__(self) -> None:
        unknown = set(self.weights) - set(CATEGORIES)
        if unknown:
            raise SettingsError(
                f"scorecard.weights: unknown category {min(unknown)!r}; "
                f"categories are {', '.join(CATEGORIES)}"
            )
        for category, weight in self.weights.items():
            if not _is_number(weight) or weight < 0:
                raise SettingsError(
                    f"scorecard.weights.{category}: expected a number of 0 or more, got {weight!r}"
                )
        _check_rule_ids(self.rules, "scorecard.rules")
        for i, override in enumerate(self.overrides):
            _check_rule_ids(override.rules, f"scorecard.overrides[{i}].rules")
        if self.fail_under is not None and (
            isinstance(self.fail_under, bool)
            or not isinstance(self.fail_under, int)
            or not 0 <= self.fail_under <= 100
        ):
            raise SettingsError(
                f"scorecard.fail_under: expected a whole number from 0 to 100, got "
                f"{self.fail_under!r}"
            )
        if self.target_level is not None and self.target_level not in LEVELS:
            raise SettingsError(
                f"scorecard.target_level: expected one of {', '.join(LEVELS)}, got "
                f"{self.target_level!r}"
            )
        if self.fail_on is not None and self.fail_on not in ("info", "warn", "error"):
            raise SettingsError(
                f"scorecard.fail_on: expected one of info, warn, error, got {self.fail_on!r}"
            )
        if self.waivers is not None and (not isinstance(self.waivers, str) or not self.waivers):
            raise SettingsError(
                f"scorecard.waivers: expected the path of a waiver file, got {self.waivers!r}"
            )
        if self.annotations_severity not in ("info", "warn", "error"):
            raise SettingsError(
                "scorecard.annotations.severity: expected one of info, warn, error, got "
                f"{self.annotations_severity!r}"
            )
        if (
            isinstance(self.annotations_cap, bool)
            or not isinstance(self.annotations_cap, int)
            or self.annotations_cap < 0
        ):
            raise SettingsError(
                "scorecard.annotations.cap: expected a whole number of 0 or more, got "
                f"{self.annotations_cap!r}"
            )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> ScorecardSettings:
        """Settings from plain data (the `scorecard:` mapping of mkdocs.yml).

        Raises:
            ValueError: naming the key and what is wrong with it.
        """
        data = dict(data or {})
        known = {
            "weights",
            "rules",
            "overrides",
            "fail_under",
            "target_level",
            "fail_on",
            "waivers",
            "annotations",
        }
        unknown = sorted(set(data) - known)
        if unknown:
            raise SettingsError(
                f"scorecard: unknown key {unknown[0]!r}; known keys are {', '.join(sorted(known))}"
            )
        weights = data.get("weights") or {}
        if not isinstance(weights, Mapping):
            raise SettingsError("scorecard.weights: expected a mapping of category id to weight")
        overrides_data = data.get("overrides") or []
        if not isinstance(overrides_data, Sequence) or isinstance(overrides_data, str):
            raise SettingsError("scorecard.overrides: expected a list of {apis, rules} mappings")
        severity, cap = _parse_annotations(data.get("annotations"))
        return cls(
            weights={**DEFAULT_WEIGHTS, **weights},
            rules=_parse_rules(data.get("rules"), "scorecard.rules"),
            overrides=tuple(
                _parse_override(item, f"scorecard.overrides[{i}]")
                for i, item in enumerate(overrides_data)
            ),
            fail_under=data.get("fail_under"),
            target_level=data.get("target_level"),
            fail_on=data.get("fail_on"),
            waivers=data.get("waivers"),
            annotations_severity=severity,
            annotations_cap=cap,
        )

    def rules_for(self, api_id: str) -> list[EffectiveRule]:
        """Every rule that runs for `api_id` (not `off`), with its severity, level, threshold.

        An opt-in rule runs only where `rules` or a matching override names it.
        """
        result = []
        for rule_id, spec in all_rules().items():
            setting = self.rules.get(rule_id)
            for override in self.overrides:
                if override.matches(api_id) and rule_id in override.rules:
                    setting = override.rules[rule_id].over(setting)
            if spec.opt_in and setting is None:
                continue
            severity: SeveritySetting = spec.severity
            level: LevelId | None = spec.level
            threshold = spec.threshold
            if setting is not None:
                severity = setting.severity or severity
                if setting.level == NO_LEVEL:
                    level = None
                elif setting.level is not None:
                    level = setting.level
                if setting.threshold is not None:
                    threshold = setting.threshold
            if severity != "off":
                result.append(EffectiveRule(spec, severity, level, threshold))
        return result


def _parse_annotations(data: Any) -> tuple[Any, Any]:
    """(severity, cap) of the `annotations: {severity, cap}` mapping; defaults where absent."""
    if data is None:
        return DEFAULT_ANNOTATIONS_SEVERITY, DEFAULT_ANNOTATIONS_CAP
    if not isinstance(data, Mapping):
        raise SettingsError("scorecard.annotations: expected a mapping {severity, cap}")
    unknown = sorted(set(data) - {"severity", "cap"})
    if unknown:
        raise SettingsError(
            f"scorecard.annotations: unknown key {unknown[0]!r}; use severity and cap"
        )
    severity = data.get("severity")
    cap = data.get("cap")
    return (
        DEFAULT_ANNOTATIONS_SEVERITY if severity is None else severity,
        DEFAULT_ANNOTATIONS_CAP if cap is None else cap,
    )


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _check_rule_ids(rules: Mapping[str, RuleSetting], where: str) -> None:
    known = all_rules()
    for rule_id in rules:
        if rule_id not in known and rule_id not in PLANNED_RULE_IDS:
            close = sorted(r for r in known if r.split("-")[0] == rule_id.split("-")[0])
            hint = f"; rules of that kind: {', '.join(close)}" if close else ""
            raise SettingsError(f"{where}: unknown rule id {rule_id!r}{hint}")


def _parse_rules(data: Any, where: str) -> dict[str, RuleSetting]:
    if data is None:
        return {}
    if not isinstance(data, Mapping):
        raise SettingsError(f"{where}: expected a mapping of rule id to a setting")
    result = {
        str(rule_id): _parse_rule(value, f"{where}.{rule_id}") for rule_id, value in data.items()
    }
    _check_rule_ids(result, where)
    return result


def _parse_rule(value: Any, where: str) -> RuleSetting:
    if isinstance(value, str):
        return RuleSetting(severity=_severity(value, where))
    if not isinstance(value, Mapping):
        raise SettingsError(
            f"{where}: expected off, info, warn, error or a mapping {{severity, level, "
            f"threshold}}, got {value!r}"
        )
    unknown = sorted(set(value) - {"severity", "level", "threshold"})
    if unknown:
        raise SettingsError(f"{where}: unknown key {unknown[0]!r}; use severity, level, threshold")
    severity = _severity(value["severity"], f"{where}.severity") if "severity" in value else None
    level: LevelId | Literal["none"] | None = None
    if "level" in value:
        raw = value["level"]
        if raw is None or raw == NO_LEVEL:
            level = NO_LEVEL
        elif raw in LEVELS:
            level = LEVELS[LEVELS.index(raw)]
        else:
            raise SettingsError(
                f"{where}.level: expected bronze, silver, gold or none, got {raw!r}"
            )
    threshold = None
    if "threshold" in value:
        raw = value["threshold"]
        if not _is_number(raw) or not 0 <= raw <= 1:
            raise SettingsError(f"{where}.threshold: expected a ratio from 0 to 1, got {raw!r}")
        threshold = float(raw)
    return RuleSetting(severity=severity, level=level, threshold=threshold)


def _severity(value: Any, where: str) -> SeveritySetting:
    if value not in SEVERITY_SETTINGS:
        raise SettingsError(f"{where}: expected off, info, warn or error, got {value!r}")
    return value  # type: ignore[no-any-return]


def _parse_override(item: Any, where: str) -> Override:
    if not isinstance(item, Mapping):
        raise SettingsError(f"{where}: expected a mapping {{apis: [glob], rules: {{...}}}}")
    unknown = sorted(set(item) - {"apis", "rules"})
    if unknown:
        raise SettingsError(f"{where}: unknown key {unknown[0]!r}; use apis and rules")
    apis = item.get("apis")
    if isinstance(apis, str):
        apis = [apis]
    if not isinstance(apis, Sequence) or not apis or not all(isinstance(a, str) for a in apis):
        raise SettingsError(f"{where}.apis: expected a list of API id globs")
    return Override(apis=tuple(apis), rules=_parse_rules(item.get("rules"), f"{where}.rules"))
