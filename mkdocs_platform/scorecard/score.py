"""From check tallies to a 0-100 score, a letter grade and a maturity level.

Per check, r = passed / applicable (a check with nothing to count is left out); per category,
S = 100 * sum(w * r) / sum(w) with severity weights error 8, warn 3, info 1; overall, the floor
of the category scores weighted by category, over categories with something to count; then
the caps of critical checks. Exact fractions keep 90 from becoming 89.999.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from fractions import Fraction

from mkdocs_platform.models.scorecard import (
    CATEGORIES,
    LEVELS,
    CategoryId,
    CategoryScore,
    CheckScore,
    LevelId,
    LevelProgress,
)

SCORING_VERSION = 2
"""Written into every output; bumped whenever a change to rules or defaults moves scores."""


CAPS: dict[str, int] = {"oas-valid": 49, "oas-refs-resolve": 49, "doc-safe-markdown": 59}
"""Critical checks: failing one caps the score, whatever the rest says."""

INVALIDATING_CHECKS = frozenset({"oas-valid", "oas-refs-resolve"})
"""Critical checks whose failure also marks the API invalid."""

GRADES: tuple[tuple[int, str], ...] = ((90, "A"), (80, "B"), (70, "C"), (60, "D"))


def grade_of(score: int) -> str:
    """A for 90 and up, B for 80, C for 70, D for 60, else F."""
    return next((grade for bound, grade in GRADES if score >= bound), "F")


def category_scores(
    checks: Sequence[CheckScore], weights: Mapping[str, float]
) -> dict[CategoryId, tuple[Fraction, float]]:
    """Category id -> (score 0-100, weight) for categories with an applicable, weighted check."""
    result: dict[CategoryId, tuple[Fraction, float]] = {}
    for category in CATEGORIES:
        weighted = [
            (c.weight, ratio)
            for c in checks
            if c.category == category and (ratio := c.ratio) is not None and c.weight > 0
        ]
        if weighted:
            total = sum(w for w, _ in weighted)
            score = Fraction(100 * sum((w * r for w, r in weighted), Fraction(0)), total)
            result[category] = (score, weights.get(category, 0.0))
    return result


def raw_score(checks: Sequence[CheckScore], weights: Mapping[str, float]) -> Fraction:
    """The overall score before flooring and caps; 100 when nothing is measured."""
    categories = category_scores(checks, weights)
    total = sum((Fraction(w) for _, w in categories.values()), Fraction(0))
    if total == 0:
        return Fraction(100)
    return sum((s * Fraction(w) for s, w in categories.values()), Fraction(0)) / total


def caps(checks: Sequence[CheckScore]) -> list[tuple[str, int]]:
    """(check id, cap) of every failing critical check."""
    return [(c.id, CAPS[c.id]) for c in checks if c.id in CAPS and c.failing]


def capped_score(checks: Sequence[CheckScore], weights: Mapping[str, float]) -> Fraction:
    """The overall score with caps applied, before flooring."""
    score = raw_score(checks, weights)
    for _, cap in caps(checks):
        score = min(score, Fraction(cap))
    return score


def points_available(checks: Sequence[CheckScore], weights: Mapping[str, float]) -> list[float]:
    """For each check, how much the capped score would rise if all its items passed."""
    now = capped_score(checks, weights)
    result = []
    for i, check in enumerate(checks):
        if not check.failing:
            result.append(0.0)
            continue
        fixed = [*checks]
        fixed[i] = dataclasses.replace(check, passed=check.applicable, findings=())
        result.append(round(float(capped_score(fixed, weights) - now), 2))
    return result


def level_of(checks: Sequence[CheckScore]) -> LevelId | None:
    """The highest level L such that every check at L or below meets its threshold."""
    reached: LevelId | None = None
    for rank, level in enumerate(LEVELS):
        at_or_below = [c for c in checks if c.level is not None and LEVELS.index(c.level) <= rank]
        if not all(c.meets_threshold for c in at_or_below):
            break
        reached = level
    return reached


def next_level_progress(
    checks: Sequence[CheckScore], level: LevelId | None
) -> LevelProgress | None:
    """Progress towards the level above `level`; None at the top."""
    rank = -1 if level is None else LEVELS.index(level)
    if rank + 1 >= len(LEVELS):
        return None
    target = LEVELS[rank + 1]
    own = [c for c in checks if c.level == target]
    blocking = [
        c.id
        for c in checks
        if c.level is not None and LEVELS.index(c.level) <= rank + 1 and not c.meets_threshold
    ]
    return LevelProgress(
        level=target,
        passed=sum(1 for c in own if c.meets_threshold),
        total=len(own),
        failing=tuple(blocking),
    )


def overall(
    checks: Sequence[CheckScore], weights: Mapping[str, float]
) -> tuple[int, dict[CategoryId, CategoryScore], tuple[str, ...]]:
    """(score 0-100, category scores, ids of the failing critical checks)."""
    categories: dict[CategoryId, CategoryScore] = {}
    for category, (exact, weight) in category_scores(checks, weights).items():
        shown = round(float(exact), 1)
        # Graded as shown, so that a category showing 90.0 is an A.
        categories[category] = CategoryScore(
            id=category, score=shown, weight=weight, grade=grade_of(int(shown))
        )
    score = math.floor(capped_score(checks, weights))
    return score, categories, tuple(check_id for check_id, _ in caps(checks))
