"""The catalog of scorecard rules: each rule a small function registered with its defaults."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mkdocs_platform.models.scorecard import CATEGORIES, CategoryId, LevelId, RuleSeverity

if TYPE_CHECKING:
    from mkdocs_platform.scorecard.context import CheckResult, RuleContext


RuleFunction = Callable[["RuleContext"], "CheckResult"]


@dataclass(frozen=True)
class RuleSpec:
    """A rule and its defaults: what users configure by `id`."""

    id: str
    """Stable id, never renumbered (`doc-operation-summary`)."""
    category: CategoryId
    """The category whose score it counts towards."""
    severity: RuleSeverity
    """Default severity; it sets the rule's weight in its category."""
    level: LevelId | None
    """Lowest maturity level at which it must pass; None counts towards the score only."""
    threshold: float
    """Ratio of passing items it needs to pass at its level."""
    title: str
    """What it checks, in a few words (`Operations have a summary`)."""
    items: str
    """What it counts, plural (`operations`): the denominator of its ratio."""
    function: RuleFunction
    """Counts the applicable and passing items of one API."""
    fix: str = ""
    """How to make a failing item pass, in a sentence or two (SARIF help, JUnit failures)."""
    opt_in: bool = False
    """An extra that runs only when `scorecard.rules` names it."""

    @property
    def description(self) -> str:
        """What it checks, in full: the first paragraph of its function's docstring."""
        doc = (self.function.__doc__ or "").strip()
        first = doc.split("\n\n", 1)[0]
        return " ".join(first.split()) or self.title

    @property
    def help_text(self) -> str:
        """What it checks and how to fix a failing item."""
        text = self.description
        if not text.endswith("."):
            text += "."
        return f"{text} {self.fix}" if self.fix else text


RULES: dict[str, RuleSpec] = {}
"""Every registered rule by id, in the order they were registered."""

PLANNED_RULE_IDS = frozenset(
    {
        "py-type-annotations",
    }
)
"""Ids of the catalog that settings may name already but that do not run yet."""


def rule(
    rule_id: str,
    category: CategoryId,
    severity: RuleSeverity,
    level: LevelId | None,
    *,
    title: str,
    items: str,
    threshold: float = 1.0,
    fix: str = "",
    opt_in: bool = False,
) -> Callable[[RuleFunction], RuleFunction]:
    """Register the decorated function as the rule `rule_id`.

    `fix` says how to make a failing item pass; `opt_in` rules run only when settings name them.
    """

    def register(function: RuleFunction) -> RuleFunction:
        if rule_id in RULES:
            raise ValueError(f"the rule id {rule_id!r} is registered twice")
        if category not in CATEGORIES:
            raise ValueError(f"rule {rule_id!r}: unknown category {category!r}")
        if not 0.0 <= threshold <= 1.0:
            raise ValueError(f"rule {rule_id!r}: threshold must lie in 0..1")
        RULES[rule_id] = RuleSpec(
            id=rule_id,
            category=category,
            severity=severity,
            level=level,
            threshold=threshold,
            title=title,
            items=items,
            function=function,
            fix=fix,
            opt_in=opt_in,
        )
        return function

    return register
