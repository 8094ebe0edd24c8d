"""What pages show of the portal's memory: score trends, portfolio measures, changelogs.

Pure functions from the history the pipeline read (`ApiEntry.history`, `Portal.history`) and
the current build's figures to view data; nothing here reads files or counts findings. A trend
line breaks where the scoring version changes, because scores made by other rules do not
compare.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from markupsafe import Markup

from mkdocs_platform.models.api import ApiModel, Operation, slugify
from mkdocs_platform.models.changes import CHANGE_LEVELS, Change, ChangeLevel, Comparison
from mkdocs_platform.models.history import PortfolioRecord
from mkdocs_platform.models.portal import ApiEntry
from mkdocs_platform.models.scorecard import Portfolio
from mkdocs_platform.render.charts import BREAK_LABEL, SeriesPoint, sparkline, trend_chart
from mkdocs_platform.scorecard.score import SCORING_VERSION

THIS_BUILD = "this build"
"""How the current build is named in a trend: it has no record yet."""

SHOWN_VALUES = 6
"""Values a trend's text lists; a longer trend is summed up by its range."""

LEVEL_WORDS: dict[ChangeLevel, str] = {
    "error": "breaking",
    "warning": "may break",
    "info": "non-breaking",
}
"""What each change level means to a client."""


def day(moment: datetime | None) -> str:
    """`2026-11-02`, the date a build is named by; '' when unknown."""
    return moment.strftime("%Y-%m-%d") if moment is not None else ""


def _number(value: float, unit: str) -> str:
    text = f"{value:.0f}" if value == round(value) else f"{value:.1f}"
    return f"{text}{unit}"


@dataclass(frozen=True)
class TrendPoint:
    """One build's value of a measure."""

    value: float
    when: str
    """The build's date, or `this build`."""
    scoring_version: int


@dataclass(frozen=True)
class Delta:
    """The change of a measure since the previous build."""

    value: float
    unit: str
    higher_is_better: bool

    @property
    def symbol(self) -> str:
        return "▲" if self.value > 0 else "▼" if self.value < 0 else "="

    @property
    def shown(self) -> str:
        """`+4`, `−3` (a minus sign, not a hyphen), `+5 pts` for a share, or `=`."""
        if self.value == 0:
            return "="
        sign = "+" if self.value > 0 else "\u2212"
        # A share moves by points: "+5%" would read as five per cent of the share.
        unit = " pts" if self.unit == "%" else self.unit
        return f"{sign}{_number(abs(self.value), unit)}"

    @property
    def words(self) -> str:
        """The change for screen readers: `up 4 since the previous build`."""
        if self.value == 0:
            return "unchanged since the previous build"
        direction = "up" if self.value > 0 else "down"
        unit = " percentage points" if self.unit == "%" else ""
        return f"{direction} {_number(abs(self.value), '')}{unit} since the previous build"

    @property
    def tone(self) -> str:
        """`better`, `worse` or `same`, for its colour."""
        if self.value == 0:
            return "same"
        return "better" if (self.value > 0) == self.higher_is_better else "worse"


@dataclass(frozen=True)
class Trend:
    """A measure over builds, oldest first, the current build last."""

    name: str
    points: tuple[TrendPoint, ...]
    unit: str = ""
    higher_is_better: bool = True

    def _series(self) -> list[SeriesPoint]:
        series = []
        for index, point in enumerate(self.points):
            starts = index > 0 and point.scoring_version != self.points[index - 1].scoring_version
            label = f"{point.when}: {_number(point.value, self.unit)}"
            if starts:
                label += f" ({BREAK_LABEL})"
            series.append(SeriesPoint(point.value, label, starts))
        return series

    @property
    def scoring_changed_at(self) -> list[str]:
        """The builds whose scoring version differs from the build before."""
        return [
            point.when
            for previous, point in zip(self.points, self.points[1:], strict=False)
            if point.scoring_version != previous.scoring_version
        ]

    @property
    def delta(self) -> Delta | None:
        """The change since the previous build; None for a first build, and where the scoring
        changed in between (the two values were made by other rules)."""
        if len(self.points) < 2:
            return None
        previous, current = self.points[-2], self.points[-1]
        if previous.scoring_version != current.scoring_version:
            return None
        return Delta(current.value - previous.value, self.unit, self.higher_is_better)

    @property
    def text(self) -> str:
        """The trend in words, for readers who do not see the chart."""
        values = [_number(p.value, self.unit) for p in self.points]
        if len(values) == 1:
            return f"{self.name} {values[0]}; first build recorded."
        if len(values) <= SHOWN_VALUES:
            text = f"{self.name} {' → '.join(values)} over {len(values)} builds"
        else:
            low = min(p.value for p in self.points)
            high = max(p.value for p in self.points)
            text = (
                f"{self.name} over {len(values)} builds since {self.points[0].when}: lowest "
                f"{_number(low, self.unit)}, highest {_number(high, self.unit)}, lately "
                f"{' → '.join(values[-3:])}"
            )
        delta = self.delta
        if delta is not None:
            shown = "no change" if delta.value == 0 else delta.shown
            text += f"; {shown} since the previous build"
        changed = self.scoring_changed_at
        if changed:
            text += f"; {BREAK_LABEL} at the build of {', '.join(changed)}"
        return text + "."

    def sparkline(self, width: int = 120, height: int = 28) -> Markup:
        return sparkline(self._series(), title=self.text, width=width, height=height)

    def chart(self) -> Markup:
        values = [p.value for p in self.points]
        return trend_chart(
            self._series(),
            title=self.text,
            low_label=_number(min(values), self.unit) if values else "",
            high_label=_number(max(values), self.unit) if values else "",
            first_label=self.points[0].when if self.points else "",
            last_label=self.points[-1].when if self.points else "",
        )


def api_score_trend(api: ApiEntry) -> Trend | None:
    """The API's score over the builds the history holds and this one; None when unscored."""
    card = api.scorecard
    if card is None:
        return None
    points = [TrendPoint(r.score, day(r.time), r.scoring_version) for r in api.history]
    points.append(TrendPoint(card.score, THIS_BUILD, SCORING_VERSION))
    return Trend("Score", tuple(points))


def shows_trend(api: ApiEntry, history_on: bool) -> bool:
    """Whether pages show the API's trend: with history on, or records from earlier builds."""
    return api.scorecard is not None and (history_on or bool(api.history))


# -- the dashboard's measures ---------------------------------------------------------------


@dataclass(frozen=True)
class Measure:
    """One figure a platform team reports, now and over builds."""

    id: str
    title: str
    value: str
    """The current value, as shown (`4 of 6`)."""
    detail: str
    """What the value counts."""
    trend: Trend


def _share(part: int, whole: int) -> float | None:
    return part / whole * 100 if whole else None


def _measure_trend(
    name: str,
    records: Sequence[PortfolioRecord],
    of_record: Callable[[PortfolioRecord], float | None],
    current: float | None,
    unit: str,
    *,
    higher_is_better: bool = True,
) -> Trend:
    # A build that could not tell (no API scored) has no value: it is left out, not drawn as 0.
    points = []
    for record in records:
        value = of_record(record)
        if value is not None:
            points.append(TrendPoint(value, day(record.time), record.scoring_version))
    if current is not None:
        points.append(TrendPoint(current, THIS_BUILD, SCORING_VERSION))
    return Trend(name, tuple(points), unit, higher_is_better)


def _percent(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)


def portfolio_measures(records: Sequence[PortfolioRecord], portfolio: Portfolio) -> list[Measure]:
    """Adoption, ownership, SDK coverage, quality and change safety, each with its trend over
    the portfolio's records (oldest first) and this build."""
    apis = portfolio.apis
    median = portfolio.median_score
    return [
        Measure(
            "adoption",
            "Adoption",
            f"{portfolio.consumed} of {apis}",
            "APIs with at least one consumer in the catalog",
            _measure_trend(
                "APIs with a consumer",
                records,
                lambda r: _percent(r.consumed),
                _share(portfolio.consumed, apis),
                "%",
            ),
        ),
        Measure(
            "ownership",
            "Ownership coverage",
            f"{portfolio.owned} of {apis}",
            "APIs with an owner",
            _measure_trend(
                "APIs with an owner",
                records,
                lambda r: _percent(r.owner_coverage),
                _share(portfolio.owned, apis),
                "%",
            ),
        ),
        Measure(
            "sdk",
            "SDK coverage",
            f"{portfolio.with_sdk} of {apis}",
            "APIs with a Python SDK",
            _measure_trend(
                "APIs with an SDK",
                records,
                lambda r: _percent(r.sdk_coverage),
                _share(portfolio.with_sdk, apis),
                "%",
            ),
        ),
        Measure(
            "median",
            "Median score",
            _number(median, "") if median is not None else "–",
            "the middle score of every scored API",
            _measure_trend("Median score", records, lambda r: r.median_score, median, ""),
        ),
        Measure(
            "silver",
            "Silver or above",
            f"{portfolio.at_silver_or_above} of {apis}",
            "APIs that reach silver or gold",
            _measure_trend(
                "APIs at silver or above",
                records,
                lambda r: _percent(r.silver_or_above),
                _share(portfolio.at_silver_or_above, apis),
                "%",
            ),
        ),
        Measure(
            "breaking",
            "Breaking changes",
            str(portfolio.breaking_changes),
            f"found by this build, over {portfolio.releases} "
            f"release{'' if portfolio.releases == 1 else 's'} compared and the changes since "
            "the previous build",
            _measure_trend(
                "Breaking changes",
                records,
                lambda r: r.breaking_changes,
                portfolio.breaking_changes,
                "",
                higher_is_better=False,
            ),
        ),
        Measure(
            "unversioned",
            "Breaks without a major version",
            f"{portfolio.releases_breaking_without_major} of {portfolio.releases}",
            "releases that broke clients without a major version bump",
            _measure_trend(
                "Releases that broke without a major version",
                records,
                lambda r: r.releases_breaking_without_major,
                portfolio.releases_breaking_without_major,
                "",
                higher_is_better=False,
            ),
        ),
    ]


# -- changelogs -----------------------------------------------------------------------------


OPEN_INFO_CHANGES = 10
"""Up to this many non-breaking changes of a comparison are listed open; more are folded."""


@dataclass(frozen=True)
class ChangeRow:
    change: Change
    operation: Operation | None
    """The operation in the current model, when it still exists (to link to it)."""

    @property
    def sentence(self) -> str:
        """The change's message without the operation it starts with: the row shows it."""
        operation = self.change.operation
        return (
            self.change.message.removeprefix(f"{operation}: ")
            if operation
            else (self.change.message)
        )


@dataclass(frozen=True)
class ComparisonView:
    """One group of the changelog: what changed from one version to the next."""

    comparison: Comparison
    title: str
    anchor: str
    when: str
    counts: tuple[tuple[ChangeLevel, str, int], ...]
    """(level, its words, how many) for each level."""
    changes: tuple[ChangeRow, ...]
    sdk_changes: tuple[ChangeRow, ...]

    @property
    def breaking_rows(self) -> tuple[ChangeRow, ...]:
        """The spec changes that break or may break clients, listed first and always open."""
        return tuple(row for row in self.changes if row.change.level != "info")

    @property
    def info_rows(self) -> tuple[ChangeRow, ...]:
        """The spec changes that break nobody, folded when there are many."""
        return tuple(row for row in self.changes if row.change.level == "info")

    @property
    def versions(self) -> str:
        """`1.0.0 → 1.1.0`, '' when neither spec names a version."""
        old, new = self.comparison.old_version, self.comparison.new_version
        if not old and not new:
            return ""
        return f"{old or '?'} → {new or '?'}"


def _build_name(label: str) -> str:
    """A build's label as a date and time when it is one (`2026-11-02 10:30 UTC`)."""
    try:
        moment = datetime.fromisoformat(label)
    except ValueError:
        return label
    zone = " UTC" if moment.utcoffset() is not None and not moment.utcoffset() else ""
    return moment.strftime("%Y-%m-%d %H:%M") + zone


def comparison_title(comparison: Comparison) -> str:
    if comparison.kind == "release":
        return f"Release {comparison.new_label} (from {comparison.old_label})"
    new = day(comparison.at) or _build_name(comparison.new_label)
    return f"Build of {new} (since the build of {_build_name(comparison.old_label)})"


def operations_by_label(model: ApiModel | None) -> dict[str, Operation]:
    """The current model's operations by `GET /pets` label, the way changes name them."""
    if model is None:
        return {}
    found: dict[str, Operation] = {}
    for op in (*model.operations, *model.webhooks):
        found.setdefault(op.label, op)
    return found


def _operation_key(text: str) -> str:
    method, _, path = text.strip().partition(" ")
    return f"{method.upper()} {path.strip()}"


def changelog(api: ApiEntry) -> list[ComparisonView]:
    """The API's comparisons, newest first, ready to show."""
    operations = operations_by_label(api.model)

    def rows(changes: Sequence[Change]) -> tuple[ChangeRow, ...]:
        return tuple(
            ChangeRow(c, operations.get(_operation_key(c.operation)) if c.operation else None)
            for c in changes
        )

    views = []
    for comparison in api.changes.comparisons:
        counts = tuple((lvl, LEVEL_WORDS[lvl], comparison.count(lvl)) for lvl in CHANGE_LEVELS)
        title = comparison_title(comparison)
        views.append(
            ComparisonView(
                comparison=comparison,
                title=title,
                anchor=f"{comparison.kind}-{slugify(comparison.new_label) or 'unnamed'}",
                when=day(comparison.at),
                counts=counts,
                changes=rows(comparison.changes),
                sdk_changes=rows(comparison.sdk_changes),
            )
        )
    return views


def breaking_total(api: ApiEntry) -> int:
    """Breaking changes over every comparison of the API."""
    return sum(comparison.breaking for comparison in api.changes.comparisons)


@dataclass(frozen=True)
class ApiChangeSummary:
    """One API's line in the dashboard's list of breaking changes."""

    api: ApiEntry
    comparisons: int
    breaking: int
    without_major: int
    """Comparisons that broke clients without a major version bump."""


def change_summaries(apis: Sequence[ApiEntry]) -> list[ApiChangeSummary]:
    """APIs with at least one comparison, the most breaking changes first."""
    summaries = [
        ApiChangeSummary(
            api,
            len(api.changes.comparisons),
            breaking_total(api),
            sum(c.breaks_without_major for c in api.changes.comparisons),
        )
        for api in apis
        if api.changes.comparisons
    ]
    summaries.sort(key=lambda s: (-s.breaking, -s.without_major, s.api.id))
    return summaries
