"""Figures over every scored API: distributions, roll-ups by owner and system, costly checks.

Computed once here; `scorecards.json` writes them and the dashboard shows them.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence

from mkdocs_platform.models.scorecard import (
    LEVELS,
    CostlyCheck,
    GroupFigures,
    Portfolio,
    Scorecard,
)
from mkdocs_platform.scorecard.score import GRADES

GRADE_ORDER = (*(grade for _, grade in GRADES), "F")
"""Every grade, best first."""

COSTLIEST_CHECKS = 8
"""Checks listed as costing the portfolio the most."""

_SILVER_OR_ABOVE = frozenset({"silver", "gold"})


def _median(scores: Sequence[int]) -> float | None:
    # The median resists a few outliers in either direction.
    return statistics.median(scores) if scores else None


def _at_silver_or_above(cards: Sequence[Scorecard]) -> int:
    return sum(1 for card in cards if card.level in _SILVER_OR_ABOVE)


def _groups(
    cards: Sequence[Scorecard], key: Callable[[Scorecard], str]
) -> tuple[GroupFigures, ...]:
    members: dict[str, list[Scorecard]] = {}
    for card in cards:
        members.setdefault(key(card) or "", []).append(card)
    figures = [
        GroupFigures(
            name=name,
            api_ids=tuple(card.api_id for card in group),
            median_score=statistics.median(card.score for card in group),
            at_silver_or_above=_at_silver_or_above(group),
        )
        for name, group in members.items()
    ]
    return tuple(sorted(figures, key=lambda g: (g.name == "", g.name.lower())))


def costliest_checks(cards: Sequence[Scorecard], count: int) -> tuple[CostlyCheck, ...]:
    """The `count` checks whose points available, summed over APIs, are highest."""
    points: dict[str, float] = {}
    titles: dict[str, str] = {}
    apis: dict[str, list[str]] = {}
    for card in cards:
        for check in card.checks:
            if check.points_available <= 0:
                continue
            points[check.id] = points.get(check.id, 0.0) + check.points_available
            titles.setdefault(check.id, check.title)
            apis.setdefault(check.id, []).append(card.api_id)
    ranked = sorted(points, key=lambda check_id: (-points[check_id], check_id))[:count]
    return tuple(
        CostlyCheck(id=i, title=titles[i], points=points[i], api_ids=tuple(apis[i])) for i in ranked
    )


MOST_CONSUMED = 5
"""How many of the most consumed APIs the portfolio names."""


def _most_consumed(cards: Sequence[Scorecard], count: int) -> tuple[tuple[str, int], ...]:
    consumed = [(card.api_id, len(card.consumers)) for card in cards if card.consumers]
    consumed.sort(key=lambda item: (-item[1], item[0]))
    return tuple(consumed[:count])


def build_portfolio(
    scorecards: Sequence[Scorecard], *, costliest: int = COSTLIEST_CHECKS
) -> Portfolio:
    """The portfolio's figures over these scorecards, in their order."""
    grades = dict.fromkeys(GRADE_ORDER, 0)
    levels = dict.fromkeys([*LEVELS, "none"], 0)
    for card in scorecards:
        grades[card.grade] += 1
        levels[card.level or "none"] += 1
    return Portfolio(
        apis=len(scorecards),
        median_score=_median([card.score for card in scorecards]),
        grades=grades,
        levels=levels,
        at_silver_or_above=_at_silver_or_above(scorecards),
        by_owner=_groups(scorecards, lambda card: card.owner),
        by_system=_groups(scorecards, lambda card: card.system),
        costliest_checks=costliest_checks(scorecards, costliest),
        owned=sum(bool(card.owner) for card in scorecards),
        with_sdk=sum(card.sdk is not None for card in scorecards),
        consumed=sum(bool(card.consumers) for card in scorecards),
        most_consumed=_most_consumed(scorecards, MOST_CONSUMED),
        breaking_changes=sum(c.breaking for card in scorecards for c in card.changes),
        releases=sum(c.kind == "release" for card in scorecards for c in card.changes),
        releases_breaking_without_major=sum(
            c.kind == "release" and c.breaks_without_major
            for card in scorecards
            for c in card.changes
        ),
    )
