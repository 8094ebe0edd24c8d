"""The rules that run for one API: registry defaults with the user's settings laid over them."""

from __future__ import annotations

from dataclasses import dataclass

from mkdocs_platform.models.scorecard import (
    NO_LEVEL,
    LevelId,
    RuleSetting,
    RuleSeverity,
    ScorecardSettings,
    SeveritySetting,
)
from mkdocs_platform.scorecard.registry import RuleSpec
from mkdocs_platform.scorecard.rules import all_rules


@dataclass(frozen=True)
class EffectiveRule:
    """A rule as it runs for one API: defaults with every applicable setting laid over them."""

    spec: RuleSpec
    severity: RuleSeverity
    level: LevelId | None
    threshold: float


def _setting_for(settings: ScorecardSettings, rule_id: str, api_id: str) -> RuleSetting | None:
    setting = settings.rules.get(rule_id)
    for override in settings.overrides:
        if override.matches(api_id) and rule_id in override.rules:
            setting = override.rules[rule_id].over(setting)
    return setting


def rules_for(settings: ScorecardSettings, api_id: str) -> list[EffectiveRule]:
    """Every rule that runs for `api_id` (not `off`), with its severity, level, threshold.

    An opt-in rule runs only where `rules` or a matching override names it.
    """
    result = []
    for rule_id, spec in all_rules().items():
        setting = _setting_for(settings, rule_id, api_id)
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
