"""The gates a build or a CI job fails on: minimum score, target level, finding severity."""

from __future__ import annotations

from collections.abc import Sequence

from mkdocs_platform.models import SEVERITY_ORDER
from mkdocs_platform.models.scorecard import (
    LEVELS,
    GateFailure,
    GateResult,
    LevelId,
    Scorecard,
    ScorecardSettings,
)


def _rank(level: LevelId | None) -> int:
    return -1 if level is None else LEVELS.index(level)


def gate_results(card: Scorecard, settings: ScorecardSettings) -> list[tuple[str, str | None]]:
    """(gate key, why the API fails it or None) for each configured gate, in settings order.

    The keys are the settings' names: `fail_under`, `target_level`, `fail_on`.
    """
    results: list[tuple[str, str | None]] = []
    if settings.fail_under is not None:
        failed = card.score < settings.fail_under
        results.append(
            (
                "fail_under",
                f"its score is under fail_under {settings.fail_under}" if failed else None,
            )
        )
    if settings.target_level is not None:
        failed = _rank(card.level) < _rank(settings.target_level)
        results.append(
            (
                "target_level",
                f"it does not reach the target level {settings.target_level}" if failed else None,
            )
        )
    if settings.fail_on is not None:
        bar = SEVERITY_ORDER[settings.fail_on]
        count = sum(1 for f in card.findings if SEVERITY_ORDER[f.severity] >= bar)
        reason = None
        if count:
            plural = "s" if count > 1 else ""
            reason = f"it has {count} finding{plural} at or above {settings.fail_on}"
        results.append(("fail_on", reason))
    return results


def _reasons(card: Scorecard, settings: ScorecardSettings) -> list[str]:
    return [reason for _, reason in gate_results(card, settings) if reason is not None]


def _describe(failure: GateFailure) -> str:
    card = failure.scorecard
    level = card.level or "no level"
    text = f"{card.api_id} scores {card.score} ({card.grade}, {level}): " + "; ".join(
        failure.reasons
    )
    if not card.loaded:
        return text + "; its spec could not be loaded."
    top = failure.top_checks
    if top:
        text += "; top reasons: " + ", ".join(
            f"{c.id} (+{c.points_available:g} points, {c.passed}/{c.applicable} {c.items})"
            for c in top
        )
    return text + "."


def evaluate_gates(scorecards: Sequence[Scorecard], settings: ScorecardSettings) -> GateResult:
    """Check every scorecard against `fail_under`, `target_level` and `fail_on`."""
    configured = (
        settings.fail_under is not None
        or settings.target_level is not None
        or settings.fail_on is not None
    )
    if not configured:
        return GateResult(failed=False, message="No scorecard gate is configured.")
    failures = tuple(
        GateFailure(card, tuple(reasons))
        for card in scorecards
        if (reasons := _reasons(card, settings))
    )
    if not failures:
        return GateResult(
            failed=False,
            message=f"The scorecard gate passes for all {len(scorecards)} APIs.",
        )
    message = (
        f"The scorecard gate fails for {len(failures)} of {len(scorecards)} APIs. "
        + " ".join(_describe(f) for f in failures)
    )
    return GateResult(failed=True, message=message, failures=failures)
