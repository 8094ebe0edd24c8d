"""JUnit XML for CI test tabs (GitLab, Jenkins, Azure DevOps): APIs as suites, checks as tests.

- One `<testsuite>` per API, named by its API id, with `tests`, `failures`, `errors` and
  `skipped` counts and the score, grade and level as properties.
- One `<testcase>` per check (`classname` = API id, `name` = check id):
  - passing (waived items count as passing): an empty test case;
  - failing at **error** severity: a `<failure>` whose text lists its top findings
    (`file:line:column  message  [pointer]`);
  - failing at **warn** or **info** severity: `<skipped message=...>`, so the tab shows it
    without failing the job (as Redocly's `scorecard-classic` does); the gates decide what
    fails a build;
  - nothing to count (not applicable): `<skipped message="not applicable ...">`;
  - the check itself crashed: an `<error>`.
- Findings no check counts (the spec cannot be loaded, catalog, SDK or waiver problems) are one
  test case per rule id, a failure at error severity, else skipped.
- One `<testcase name="gate:fail_under">` (and `gate:target_level`, `gate:fail_on`) per
  configured gate, failing when the API fails it.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path

from mkdocs_platform.models import Finding
from mkdocs_platform.models.scorecard import CheckScore, Scorecard, ScorecardSettings
from mkdocs_platform.scorecard.gates import gate_results
from mkdocs_platform.scorecard.report import TOOL, write_atomic

TOP_FINDINGS = 10
"""Findings listed in one failure; the rest are counted."""

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
"""Characters XML 1.0 cannot hold; spec text may contain them."""


def _text(value: str) -> str:
    return _NOT_XML.sub("\ufffd", value)


def _finding_line(finding: Finding) -> str:
    line = f"{finding.location()}  {finding.message}"
    if finding.pointer:
        line += f"  [{finding.pointer}]"
    elif finding.symbol:
        line += f"  [{finding.symbol}]"
    return line


def _listing(findings: Sequence[Finding]) -> str:
    lines = [_finding_line(f) for f in findings[:TOP_FINDINGS]]
    if len(findings) > TOP_FINDINGS:
        lines.append(f"... and {len(findings) - TOP_FINDINGS} more")
    return "\n".join(lines)


class _Suite:
    """Collects one API's test cases and their counts."""

    def __init__(self, card: Scorecard) -> None:
        self.card = card
        self.cases: list[ET.Element] = []
        self.failures = 0
        self.errors = 0
        self.skipped = 0

    def case(self, name: str) -> ET.Element:
        element = ET.Element("testcase", {"classname": self.card.api_id, "name": name})
        self.cases.append(element)
        return element

    def fail(self, case: ET.Element, message: str, kind: str, body: str) -> None:
        self.failures += 1
        failure = ET.SubElement(case, "failure", {"message": _text(message), "type": kind})
        failure.text = _text(body)

    def skip(self, case: ET.Element, message: str) -> None:
        self.skipped += 1
        ET.SubElement(case, "skipped", {"message": _text(message)})

    def error(self, case: ET.Element, message: str, body: str) -> None:
        self.errors += 1
        error = ET.SubElement(case, "error", {"message": _text(message), "type": "tool"})
        error.text = _text(body)

    def check(self, check: CheckScore) -> None:
        case = self.case(check.id)
        summary = f"{check.passed}/{check.applicable} {check.items} pass: {check.title}"
        if check.waived:
            summary += f" ({check.waived} waived)"
        if check.applicable == 0:
            crashes = [f for f in check.findings if f.finding_class == "tool"]
            if crashes:
                self.error(case, crashes[0].message, _listing(crashes))
            else:
                self.skip(case, f"not applicable: the API has no {check.items}")
            return
        if not check.failing:
            return
        counted = [f for f in check.findings if f.finding_class != "tool" or f.severity != "info"]
        if check.severity == "error":
            self.fail(case, summary, check.severity, _listing(counted or list(check.findings)))
        else:
            self.skip(case, f"{check.severity}: {summary}")

    def loose(self, rule: str, findings: Sequence[Finding]) -> None:
        case = self.case(rule)
        worst = max(findings, key=lambda f: {"info": 0, "warn": 1, "error": 2}[f.severity])
        message = f"{len(findings)} finding{'s' if len(findings) > 1 else ''}: {worst.message}"
        if worst.severity == "error":
            self.fail(case, message, worst.severity, _listing(findings))
        else:
            self.skip(case, f"{worst.severity}: {message}")

    def gates(self, settings: ScorecardSettings) -> None:
        for gate, reason in gate_results(self.card, settings):
            case = self.case(f"gate:{gate}")
            if reason is not None:
                card = self.card
                level = card.level or "no level"
                self.fail(
                    case,
                    f"{card.api_id} {reason}",
                    "gate",
                    f"{card.api_id} scores {card.score} ({card.grade}, {level}): {reason}",
                )

    def element(self) -> ET.Element:
        card = self.card
        suite = ET.Element(
            "testsuite",
            {
                "name": card.api_id,
                "tests": str(len(self.cases)),
                "failures": str(self.failures),
                "errors": str(self.errors),
                "skipped": str(self.skipped),
            },
        )
        properties = ET.SubElement(suite, "properties")
        for name, value in (
            ("title", card.title),
            ("spec", card.spec),
            ("source", card.source),
            ("score", str(card.score)),
            ("grade", card.grade),
            ("level", card.level or "none"),
            ("valid", "true" if card.valid else "false"),
        ):
            ET.SubElement(properties, "property", {"name": name, "value": _text(value)})
        suite.extend(self.cases)
        return suite


def build_junit(
    scorecards: Sequence[Scorecard], settings: ScorecardSettings | None = None
) -> ET.Element:
    """The `<testsuites>` element for these scorecards (gates from `settings`, if any)."""
    settings = settings or ScorecardSettings()
    suites = []
    for card in scorecards:
        suite = _Suite(card)
        for check in card.checks:
            suite.check(check)
        checked = {c.id for c in card.checks}
        loose: dict[str, list[Finding]] = {}
        for finding in card.findings:
            if finding.rule not in checked:
                loose.setdefault(finding.rule, []).append(finding)
        for rule, findings in sorted(loose.items()):
            suite.loose(rule, findings)
        suite.gates(settings)
        suites.append(suite)
    root = ET.Element(
        "testsuites",
        {
            "name": f"{TOOL} scorecard",
            "tests": str(sum(len(s.cases) for s in suites)),
            "failures": str(sum(s.failures for s in suites)),
            "errors": str(sum(s.errors for s in suites)),
            "skipped": str(sum(s.skipped for s in suites)),
        },
    )
    root.extend(s.element() for s in suites)
    return root


def dumps_junit(root: ET.Element) -> str:
    """The XML text, indented, with its declaration and a final newline."""
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def write_junit(
    path: Path, scorecards: Sequence[Scorecard], settings: ScorecardSettings | None = None
) -> str:
    """Build the JUnit XML and write it atomically to `path`; returns the text."""
    text = dumps_junit(build_junit(scorecards, settings))
    write_atomic(path, text)
    return text
