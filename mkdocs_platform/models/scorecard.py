"""What the scorecard says about an API (checks, scores, levels, gates, waivers); its settings."""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any, Final, Literal

from mkdocs_platform.models.changes import Comparison
from mkdocs_platform.models.findings import Finding

CategoryId = Literal["correctness", "documentation", "design", "security", "sdk", "ownership"]
"""The scorecard categories."""


CATEGORIES: tuple[CategoryId, ...] = (
    "correctness",
    "documentation",
    "design",
    "security",
    "sdk",
    "ownership",
)


LevelId = Literal["bronze", "silver", "gold"]
"""A maturity level; a rule without one counts towards the score only."""


LEVELS: tuple[LevelId, ...] = ("bronze", "silver", "gold")


RuleSeverity = Literal["error", "warn", "info"]
"""The severity a rule reports with; `off` (in settings) does not run it."""


SEVERITY_WEIGHTS: dict[str, int] = {"error": 8, "warn": 3, "info": 1}


@dataclass(frozen=True)
class CheckScore:
    """One check on one API: counts, ratio, and what fixing it is worth."""

    id: str
    category: CategoryId
    severity: RuleSeverity
    level: LevelId | None
    threshold: float
    title: str
    items: str
    """What it counts (`operations`)."""
    applicable: int
    passed: int
    findings: tuple[Finding, ...] = ()
    points_available: float = 0.0
    """How much the overall score (before flooring) would rise if every item passed."""
    waived: int = 0
    """Failing items a waiver accepted: they count among `passed`."""
    waived_findings: tuple[WaivedFinding, ...] = ()
    """The findings those waivers accepted (not in `findings`)."""

    @property
    def ratio(self) -> Fraction | None:
        """passed / applicable, or None when nothing applies."""
        return Fraction(self.passed, self.applicable) if self.applicable else None

    @property
    def weight(self) -> int:
        """Its weight within its category, from its severity."""
        return SEVERITY_WEIGHTS[self.severity]

    @property
    def meets_threshold(self) -> bool:
        """Whether it passes at its level (a check with nothing to count passes)."""
        ratio = self.ratio
        # str() first: the float 0.9 is a hair above 9/10, which 9 of 10 would then miss.
        return ratio is None or ratio >= Fraction(str(self.threshold))

    @property
    def failing(self) -> bool:
        """Whether some item fails."""
        return self.passed < self.applicable


@dataclass(frozen=True)
class CategoryScore:
    """A category's score and the weight it had in the overall score."""

    id: CategoryId
    score: float
    """0-100, one decimal."""
    weight: float
    grade: str = ""
    """The letter `score` would earn as an overall score (A-F)."""


@dataclass(frozen=True)
class LevelProgress:
    """How far an API is from its next maturity level."""

    level: LevelId
    """The next level."""
    passed: int
    """Checks of that level that meet their threshold."""
    total: int
    """Checks of that level."""
    failing: tuple[str, ...]
    """Ids of the checks at or below that level that do not meet their threshold."""

    def describe(self) -> str:
        """`7/9 silver checks pass`."""
        return f"{self.passed}/{self.total} {self.level} checks pass"


@dataclass(frozen=True)
class Scorecard:
    """Everything the scorecard says about one API, ready for every output."""

    api_id: str
    title: str
    version: str
    source: str
    spec: str
    """Path of the spec in its source."""
    commit: str | None
    owner: str
    loaded: bool
    """False when the spec could not be loaded (score 0, grade F, no level)."""
    valid: bool
    """Loaded, and no finding says the document is not OpenAPI."""
    score: int
    grade: str
    level: LevelId | None
    categories: Mapping[CategoryId, CategoryScore]
    checks: tuple[CheckScore, ...]
    findings: tuple[Finding, ...]
    sdk: Mapping[str, Any] | None = None
    """`coverage` and `operations_without_method` of the API's SDKs, when it has any."""
    capped_by: tuple[str, ...] = ()
    """Failing critical checks: each caps the score."""
    next_level: LevelProgress | None = None
    waived_findings: tuple[WaivedFinding, ...] = ()
    """Findings a waiver accepted: not among `findings`, reported apart as waived."""
    system: str = ""
    """The catalog system the API belongs to, or ''."""
    consumers: tuple[str, ...] = ()
    """Names of the catalog components that consume the API."""
    changes: tuple[Comparison, ...] = ()
    """What changed between its releases and since the previous build, the newest first."""

    def top_reasons(self, count: int = 3) -> list[CheckScore]:
        """The failing checks worth the most points, best first."""
        failing = [c for c in self.checks if c.failing]
        failing.sort(key=lambda c: (-c.points_available, -c.weight, c.id))
        return failing[:count]


@dataclass(frozen=True)
class GateFailure:
    """One API that fails a gate, and why."""

    scorecard: Scorecard
    reasons: tuple[str, ...]
    """Each gate it fails, in words (`its score is under fail_under 70`)."""

    @property
    def top_checks(self) -> list[CheckScore]:
        """The three failing checks worth the most points."""
        return self.scorecard.top_reasons(3)


@dataclass(frozen=True)
class GateResult:
    """Whether the configured gates fail, with one paragraph saying why."""

    failed: bool
    message: str
    """One paragraph naming each failing API, its score, grade, level and top reasons."""
    failures: tuple[GateFailure, ...] = ()


WAIVER_EXPIRED = "waiver-expired"


WAIVER_STALE = "waiver-stale"


WAIVER_INVALID = "waiver-invalid"


WAIVER_RULES = frozenset({WAIVER_EXPIRED, WAIVER_STALE, WAIVER_INVALID})
"""Rule ids of the findings about waivers themselves."""


@dataclass(frozen=True)
class Waiver:
    """One well-formed waiver item of the file."""

    api: str
    """The API id it applies to."""
    rule: str
    """The rule id whose findings it waives."""
    reason: str
    """Why the finding is accepted."""
    pointer: str | None = None
    """JSON pointer the finding must have (or start with, see `prefix`)."""
    symbol: str | None = None
    """Python path the finding must have (or start with, see `prefix`)."""
    prefix: bool = False
    """True when written with a trailing `/*` (pointer) or `.*` (symbol)."""
    file: str | None = None
    """Only findings in this file (relative to the source root), when given."""
    owner: str = ""
    """Who answers for it."""
    expires: date | None = None
    """The last day it holds; None: it does not expire."""
    where: tuple[str, int | None, int | None, str] = ("", None, None, "#")
    """(waiver file, line, column, JSON pointer of the item in that file)."""
    expires_line: int | None = None
    """Line of its `expires` value, for the finding when it has passed."""

    def expired(self, today: date) -> bool:
        """Whether its last day is before `today`."""
        return self.expires is not None and self.expires < today

    def matches(self, finding: Finding) -> bool:
        """Whether it waives `finding` (of any API: the caller picks the API's waivers)."""
        if finding.rule != self.rule or finding.rule in WAIVER_RULES:
            return False
        if self.file is not None and finding.file != self.file:
            return False
        if self.pointer is not None:
            return _covers(self.pointer, finding.pointer, self.prefix, "/")
        return _covers(self.symbol or "", finding.symbol, self.prefix, ".")

    def describe(self) -> str:
        """`the waiver of design-error-responses at #/paths/~1health/get for payments`."""
        target = self.pointer if self.pointer is not None else self.symbol
        star = ("/*" if self.pointer is not None else ".*") if self.prefix else ""
        return f"the waiver of {self.rule} at {target}{star} for {self.api}"

    def as_json(self) -> dict[str, Any]:
        """What reports say about it beside a waived finding."""
        return {
            "reason": self.reason,
            "owner": self.owner or None,
            "expires": self.expires.isoformat() if self.expires else None,
            "file": self.where[0],
            "line": self.where[1],
        }


def _covers(pattern: str, value: str | None, prefix: bool, separator: str) -> bool:
    if value is None:
        return False
    if not prefix:
        return value == pattern
    if pattern in ("#", ""):
        return True
    return value == pattern or value.startswith(pattern + separator)


@dataclass(frozen=True)
class WaivedFinding:
    """A finding a waiver accepted, and the waiver."""

    finding: Finding
    waiver: Waiver


@dataclass(frozen=True)
class GroupFigures:
    """The scored APIs of one owner or one system."""

    name: str
    """The owner or system; '' for the APIs without one."""
    api_ids: tuple[str, ...]
    median_score: float
    at_silver_or_above: int


@dataclass(frozen=True)
class CostlyCheck:
    """A check, and the points it costs the portfolio."""

    id: str
    title: str
    points: float
    """Sum over APIs of the points the check would give back if it passed."""
    api_ids: tuple[str, ...]
    """The APIs where it costs points."""


@dataclass(frozen=True)
class Portfolio:
    """Figures over every scored API, computed once for `scorecards.json` and the dashboard."""

    apis: int
    """How many APIs are scored."""
    median_score: float | None
    """None when nothing is scored."""
    grades: Mapping[str, int]
    """Grade (A to F) -> how many APIs have it."""
    levels: Mapping[str, int]
    """Level (bronze to gold, then `none`) -> how many APIs reach it as their highest."""
    at_silver_or_above: int
    by_owner: tuple[GroupFigures, ...] = ()
    """By owner, by name; the APIs without an owner last."""
    by_system: tuple[GroupFigures, ...] = ()
    """By catalog system, by name; the APIs without a system last."""
    costliest_checks: tuple[CostlyCheck, ...] = ()
    """The checks that cost the most points over all APIs, costliest first."""
    owned: int = 0
    """APIs with an owner."""
    with_sdk: int = 0
    """APIs with at least one SDK."""
    consumed: int = 0
    """APIs with at least one consumer."""
    most_consumed: tuple[tuple[str, int], ...] = ()
    """(API id, consumers) of the most consumed APIs, most first."""
    breaking_changes: int = 0
    """Breaking changes over every comparison of every API."""
    releases: int = 0
    """Releases compared over every API."""
    releases_breaking_without_major: int = 0
    """Releases with a breaking change and no major version bump."""


SeveritySetting = Literal["off", "info", "warn", "error"]
"""A rule's severity as settings give it; `off` does not run the rule."""


SEVERITY_SETTINGS: tuple[SeveritySetting, ...] = ("off", "info", "warn", "error")


NO_LEVEL: Final = "none"
"""The level setting that makes a rule count for the score only."""


DEFAULT_WEIGHTS: dict[str, float] = {
    "correctness": 20,
    "documentation": 25,
    "design": 15,
    "security": 15,
    "sdk": 15,
    "ownership": 10,
}
"""Category weights; a category with nothing to check drops out."""


DEFAULT_ANNOTATIONS_SEVERITY: RuleSeverity = "warn"
"""GitHub annotations show findings at or above this severity by default."""


DEFAULT_ANNOTATIONS_CAP = 50
"""GitHub annotations shown at most by default; one more line counts the rest."""


@dataclass(frozen=True)
class RuleSetting:
    """What the user changed about one rule; None keeps what came before."""

    severity: SeveritySetting | None = None
    level: LevelId | Literal["none"] | None = None
    """A level, `none` for score only, or None to keep the default."""
    threshold: float | None = None
    """Ratio of passing items the rule needs at its level, or None to keep the default."""

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
class Override:
    """Rule settings for the APIs whose id matches one of `apis` (glob patterns)."""

    apis: tuple[str, ...]
    rules: Mapping[str, RuleSetting]

    def matches(self, api_id: str) -> bool:
        """Whether this override applies to the API `api_id`."""
        return any(fnmatch.fnmatchcase(api_id, pattern) for pattern in self.apis)


@dataclass(frozen=True)
class ScorecardSettings:
    """How APIs are scored and gated (the `scorecard:` options), already validated."""

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
    """Absolute path of the waiver file (see `scorecard.waivers`), or None for no waivers."""
    annotations_severity: RuleSeverity = DEFAULT_ANNOTATIONS_SEVERITY
    """GitHub annotations show findings at or above this severity."""
    annotations_cap: int = DEFAULT_ANNOTATIONS_CAP
    """GitHub annotations shown at most; one more line says how many were left out."""
