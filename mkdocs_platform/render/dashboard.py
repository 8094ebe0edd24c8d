"""What the portfolio dashboard shows of the portfolio's figures: its charts and labels.

The figures themselves come from `scorecard.portfolio`; nothing here counts or averages.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup

from mkdocs_platform.models.scorecard import LEVELS, LevelId, Portfolio, Scorecard
from mkdocs_platform.render.charts import GRADE_COLORS, LEVEL_COLORS, Bar, bar_chart
from mkdocs_platform.render.trends import ApiChangeSummary, Measure


@dataclass(frozen=True)
class DashboardView:
    """The dashboard's content: the figures, the scorecards they were computed from, and charts."""

    portfolio: Portfolio
    cards: dict[str, Scorecard]
    """The scored APIs' scorecards by API id."""
    measures: list[Measure] = field(default_factory=list)
    """Adoption, coverage, quality and change safety, each with its trend."""
    changes: list[ApiChangeSummary] = field(default_factory=list)
    """The APIs with compared versions, the most breaking changes first."""

    @property
    def levels(self) -> list[tuple[str, int]]:
        """(level, APIs) from the highest level down, then `none`."""
        order = [*reversed(LEVELS), "none"]
        return [(level, self.portfolio.levels[level]) for level in order]

    def grade_chart(self) -> Markup:
        bars = [Bar(grade, n, GRADE_COLORS[grade]) for grade, n in self.portfolio.grades.items()]
        return bar_chart("APIs by grade", bars, unit="")

    def level_chart(self) -> Markup:
        bars = [
            Bar(level.capitalize() if level != "none" else "No level", n, LEVEL_COLORS[level])
            for level, n in self.levels
        ]
        return bar_chart("APIs by maturity level", bars, unit="")


def level_rank(level: LevelId | None) -> int:
    """Sort key of a level in the APIs table: no level first, gold last."""
    return -1 if level is None else LEVELS.index(level)
