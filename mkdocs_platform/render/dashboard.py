"""The portfolio dashboard's figures: distributions, roll-ups by owner and system, hotspots."""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass, field

from markupsafe import Markup

from mkdocs_platform.models import ApiEntry
from mkdocs_platform.models.scorecard import LEVELS, Scorecard
from mkdocs_platform.render.charts import GRADE_COLORS, LEVEL_COLORS, Bar, bar_chart
from mkdocs_platform.scorecard.score import GRADES

GRADE_ORDER = (*(grade for _, grade in GRADES), "F")


@dataclass
class RollUp:
    """The APIs of one owner or system."""

    name: str
    apis: list[ApiEntry]

    @property
    def median(self) -> float:
        return statistics.median(_card(a).score for a in self.apis)

    @property
    def at_silver_or_above(self) -> int:
        return sum(1 for a in self.apis if _card(a).level in ("silver", "gold"))


@dataclass
class Hotspot:
    """A check, and the points it costs the portfolio."""

    id: str
    title: str
    points: float
    """Sum over APIs of the points available if fixed."""
    apis: list[str] = field(default_factory=list)


def _card(api: ApiEntry) -> Scorecard:
    if api.scorecard is None:
        raise ValueError(f"{api.id} has no scorecard")  # the dashboard lists scored APIs only
    return api.scorecard


@dataclass
class Portfolio:
    """Everything the dashboard shows."""

    apis: list[ApiEntry]

    @property
    def scored(self) -> list[ApiEntry]:
        return [a for a in self.apis if a.scorecard is not None]

    @property
    def median(self) -> float | None:
        scores = [_card(a).score for a in self.scored]
        return statistics.median(scores) if scores else None

    def grades(self) -> dict[str, int]:
        counts = dict.fromkeys(GRADE_ORDER, 0)
        for api in self.scored:
            counts[_card(api).grade] += 1
        return counts

    def levels(self) -> dict[str, int]:
        counts = dict.fromkeys([*reversed(LEVELS), "none"], 0)
        for api in self.scored:
            counts[_card(api).level or "none"] += 1
        return counts

    def roll_up(self, key: Callable[[ApiEntry], str]) -> list[RollUp]:
        groups: dict[str, list[ApiEntry]] = {}
        for api in self.scored:
            groups.setdefault(key(api) or "", []).append(api)
        return sorted(
            (RollUp(name, apis) for name, apis in groups.items()),
            key=lambda r: (r.name == "", r.name.lower()),
        )

    def hotspots(self, count: int = 8) -> list[Hotspot]:
        spots: dict[str, Hotspot] = {}
        for api in self.scored:
            for check in _card(api).checks:
                if check.points_available <= 0:
                    continue
                spot = spots.setdefault(check.id, Hotspot(check.id, check.title, 0.0))
                spot.points += check.points_available
                spot.apis.append(api.id)
        return sorted(spots.values(), key=lambda s: (-s.points, s.id))[:count]

    def grade_chart(self) -> Markup:
        bars = [Bar(grade, n, GRADE_COLORS[grade]) for grade, n in self.grades().items()]
        return bar_chart("APIs by grade", bars, unit="")

    def level_chart(self) -> Markup:
        bars = [
            Bar(level.capitalize() if level != "none" else "No level", n, LEVEL_COLORS[level])
            for level, n in self.levels().items()
        ]
        return bar_chart("APIs by maturity level", bars, unit="")
