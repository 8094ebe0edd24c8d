"""What a rule sees of one API, and the tally it returns."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from mkdocs_platform.models import ApiEntry, Finding, Locate, Location
from mkdocs_platform.models.api import ApiModel, Operation
from mkdocs_platform.models.pointers import to_pointer
from mkdocs_platform.models.scorecard import RuleSeverity
from mkdocs_platform.openapi.index import DocumentIndex, SchemaIndex

MAX_LISTED_FINDINGS = 500
"""Findings listed per check and API; the rest are counted (the ratio stays exact) and summed
up in one more finding. GitHub's spec has 35,000 undescribed properties: listing each would
make the report and the page too big to use, and locating each costs more than scoring.
"""


def fallback_locator(spec_path: str) -> Locate:
    """A locator that knows only the spec file: no line, the pointer as given."""

    def locate(tokens: Sequence[str]) -> Location:
        return spec_path, None, None, to_pointer(list(tokens))

    return locate


def api_locator(api: ApiEntry) -> Locate:
    """The API's own locator when the pipeline kept one, else the spec-file fallback."""
    return api.locate if api.locate is not None else fallback_locator(api.spec_path)


@dataclass
class CheckResult:
    """The tally of one rule on one API: applicable and passing items, and a finding per failure."""

    rule_id: str
    """Id given to every finding."""
    severity: RuleSeverity
    """Severity given to every finding."""
    locate: Locate = field(repr=False)
    """Turns tokens into a file, line and column."""
    applicable: int = 0
    """How many items the rule applies to (its denominator)."""
    passed: int = 0
    """How many of them pass."""
    findings: list[Finding] = field(default_factory=list)
    """One finding per failing item, up to `MAX_LISTED_FINDINGS`."""
    unlisted: int = 0
    """Failing items past the listing limit."""
    noted: set[int] = field(default_factory=set, repr=False)
    """Indexes in `findings` of the ones kept by `note`: context, not failing items."""

    def check(self, ok: bool, tokens: Sequence[str], message: str) -> None:
        """Count one item: passing when `ok`, else a finding at `tokens`."""
        if ok:
            self.succeed()
        else:
            self.fail(tokens, message)

    def succeed(self, count: int = 1) -> None:
        """Count `count` passing items."""
        self.applicable += count
        self.passed += count

    def fail(self, tokens: Sequence[str], message: str) -> None:
        """Count one failing item, with a finding located at `tokens`."""
        self.applicable += 1
        if len(self.findings) >= MAX_LISTED_FINDINGS:
            self.unlisted += 1
            return
        file, line, column, pointer = self.locate(list(tokens))
        self.findings.append(
            Finding(
                rule=self.rule_id,
                severity=self.severity,
                finding_class="rule",
                message=message,
                file=file,
                line=line,
                column=column,
                pointer=pointer,
            )
        )

    def listed(self, items: str) -> list[Finding]:
        """The findings, with one more that counts the unlisted failing items, if any."""
        if not self.unlisted:
            return self.findings
        file, line, column, pointer = self.locate([])
        more = Finding(
            rule=self.rule_id,
            severity=self.severity,
            finding_class="rule",
            message=f"{self.unlisted} more failing {items} are not listed",
            file=file,
            line=line,
            column=column,
            pointer=pointer,
        )
        return [*self.findings, more]

    def note(self, finding: Finding) -> None:
        """Keep an earlier stage's finding with this rule's, unchanged and not counted."""
        self.noted.add(len(self.findings))
        self.findings.append(finding)

    def claim(self, finding: Finding) -> None:
        """Count an earlier stage's finding (a validator error) as one failing item of this rule."""
        self.applicable += 1
        if len(self.findings) >= MAX_LISTED_FINDINGS:
            self.unlisted += 1
            return
        self.findings.append(
            dataclasses.replace(finding, rule=self.rule_id, severity=self.severity)
        )

    def fail_with(self, finding: Finding, count: int = 1) -> None:
        """Count `count` failing items, reported by one finding the rule located itself.

        For places outside the spec (an SDK's code); the finding gets this rule's id and severity.
        """
        self.applicable += count
        if len(self.findings) >= MAX_LISTED_FINDINGS:
            self.unlisted += count
            return
        self.findings.append(
            dataclasses.replace(finding, rule=self.rule_id, severity=self.severity)
        )


@dataclass
class _Shared:
    """Per-API values several rules need, computed at most once."""

    document_index: DocumentIndex | None = None
    schema_index: SchemaIndex | None = None


@dataclass
class RuleContext:
    """One API as a rule sees it, and the means to report on it."""

    api: ApiEntry
    """The API: its source, spec path, owner, lifecycle and earlier findings."""
    model: ApiModel
    """Its normalized model."""
    locate: Locate = field(repr=False)
    """From tokens to a file, line and column."""
    now: datetime
    """The time "now" for age checks (fixed in tests)."""
    rule_id: str = ""
    """The rule being run."""
    severity: RuleSeverity = "warn"
    """Its configured severity."""
    _shared: _Shared = field(default_factory=_Shared, repr=False)

    def for_rule(self, rule_id: str, severity: RuleSeverity) -> RuleContext:
        """The same API seen by another rule, sharing what was computed already."""
        return dataclasses.replace(self, rule_id=rule_id, severity=severity)

    def result(self) -> CheckResult:
        """An empty tally for the rule being run."""
        return CheckResult(rule_id=self.rule_id, severity=self.severity, locate=self.locate)

    @property
    def operations(self) -> list[Operation]:
        """Operations under `paths` (not webhooks or callbacks)."""
        return self.model.operations

    @property
    def documented_operations(self) -> list[Operation]:
        """Operations a reader meets in the reference: paths and webhooks."""
        return [*self.model.operations, *self.model.webhooks]

    @property
    def index(self) -> DocumentIndex:
        """`$ref`s and text fields of the whole document, from one walk."""
        if self._shared.document_index is None:
            self._shared.document_index = DocumentIndex.build(self.model)
        return self._shared.document_index

    @property
    def schemas(self) -> SchemaIndex:
        """Every schema of the API, each physical place once."""
        if self._shared.schema_index is None:
            self._shared.schema_index = SchemaIndex.build(self.model)
        return self._shared.schema_index
