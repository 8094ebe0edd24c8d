"""How many findings a page lists: every rule shows, no page grows with a spec's mistakes.

A large spec has thousands of findings (GitHub's REST description has about 2,800, Slack's
3,900); listing each on a page made pages of megabytes that a browser takes seconds to draw
and nobody reads to the end. A page lists a bounded number per rule and in all, with a count
per rule, and says where the rest are: every finding stays in `scorecards.json`, SARIF, JUnit
and `mkdocs-platform check --findings`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from mkdocs_platform.models.findings import Finding

SCORECARD_PER_RULE = 100
"""Findings of one rule the scorecard page lists."""
SCORECARD_LIMIT = 1500
"""Findings the scorecard page lists in all (about 0.6 MB of HTML)."""
OVERVIEW_PER_RULE = 5
"""Findings of one rule an API's overview lists; the scorecard lists more."""
OVERVIEW_LIMIT = 100
"""Findings an API's overview lists in all."""


@dataclass(frozen=True)
class RuleCount:
    """How many findings one rule made, and how many of them a page lists."""

    rule: str
    """The rule's id."""
    severity: str
    """The severity of its first (most severe) finding."""
    count: int
    """Its findings in all."""
    listed: int
    """Of those, the ones the page lists."""


@dataclass(frozen=True)
class FindingsListing:
    """The findings a page lists, out of all it counts."""

    listed: list[Finding]
    """The findings the page shows, in the order given."""
    rules: list[RuleCount] = field(default_factory=list)
    """Every rule with findings, in the order its first finding came."""
    total: int = 0
    """Every finding counted, listed or not."""

    @property
    def unlisted(self) -> int:
        """Findings counted but not shown."""
        return self.total - len(self.listed)


def list_findings(findings: list[Finding], *, per_rule: int, limit: int) -> FindingsListing:
    """The first `per_rule` findings of each rule, at most `limit` in all, in the given order.

    The order is kept (most severe first, as pages sort them), so a bound never hides an error
    behind a page of notes: each rule keeps its first findings before any rule gets more.
    """
    seen: dict[str, int] = {}
    first_severity: dict[str, str] = {}
    chosen: list[int] = []
    for index, finding in enumerate(findings):
        taken = seen.get(finding.rule, 0)
        seen[finding.rule] = taken + 1
        first_severity.setdefault(finding.rule, str(finding.severity))
        if taken < per_rule:
            chosen.append(index)
    if len(chosen) > limit:
        # Fair to every rule: the i-th finding of each rule before the (i+1)-th of any.
        rank: dict[int, int] = {}
        counter: dict[str, int] = {}
        for index in chosen:
            rule = findings[index].rule
            rank[index] = counter.get(rule, 0)
            counter[rule] = rank[index] + 1
        chosen = sorted(sorted(chosen, key=lambda i: (rank[i], i))[:limit])
    listed = [findings[i] for i in chosen]
    listed_per_rule: dict[str, int] = {}
    for finding in listed:
        listed_per_rule[finding.rule] = listed_per_rule.get(finding.rule, 0) + 1
    rules = [
        RuleCount(rule, first_severity[rule], count, listed_per_rule.get(rule, 0))
        for rule, count in seen.items()
    ]
    return FindingsListing(listed=listed, rules=rules, total=len(findings))
