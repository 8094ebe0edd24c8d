"""SARIF 2.1.0 for code scanning (GitHub, Azure DevOps): one run, every finding a result.

- `tool.driver.rules` describes every rule that ran or gave a finding: what it checks, how to
  fix it, its default level (error -> `error`, warn -> `warning`, info -> `note`), and in
  `properties` its scorecard category and maturity level.
- Each finding is a result at its file (relative to the repository, see `locations`), line and
  column when known, with its JSON pointer or Python path as a logical location.
- `partialFingerprints` hash the rule, the API, the file and the pointer (or symbol), never the
  line: an alert stays the same alert when lines move above it, and two builds of one portal
  give identical fingerprints.
- Waived findings are results with an accepted external suppression carrying the reason.
"""

from __future__ import annotations

import hashlib
import json
import re
import urllib.parse
from collections.abc import Iterator, Mapping, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

from mkdocs_platform.models import Finding
from mkdocs_platform.models.pointers import from_pointer
from mkdocs_platform.models.scorecard import WAIVER_RULES, Scorecard, WaivedFinding
from mkdocs_platform.openapi.loader import safe_text
from mkdocs_platform.scorecard.locations import repository_path
from mkdocs_platform.scorecard.report import TOOL, package_version, write_atomic
from mkdocs_platform.scorecard.rules import all_rules
from mkdocs_platform.scorecard.score import SCORING_VERSION
from mkdocs_platform.scorecard.waivers import WAIVER_RULE_HELP

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
FINGERPRINT_KEY = "mkdocsPlatform/v1"
"""Name of our partial fingerprint; bump the version if its recipe ever changes."""
DEFAULT_INFORMATION_URI = "https://pypi.org/project/mkdocs-platform/"

LEVELS: dict[str, str] = {"error": "error", "warn": "warning", "info": "note"}
"""Finding severity -> SARIF level."""

STAGE_RULES: dict[str, tuple[str, str, str | None]] = {
    "oas-parse": (
        "The spec can be loaded",
        (
            "The spec file could not be read or parsed as JSON or YAML, so nothing else was "
            "checked. Fix the syntax error at the line given, or the file's encoding or size."
        ),
        "correctness",
    ),
    "platform-internal": (
        "The portal could process the API",
        (
            "A stage of mkdocs-platform failed on this API, so what it would have given is "
            "missing; the rest of the portal was built. The message names the stage and the "
            "error: report it with the spec that causes it."
        ),
        None,
    ),
    "oas-download-size": (
        "The spec can be offered for download",
        (
            "The spec as loaded, with its external $refs bundled in, is larger than "
            "max_spec_size, so openapi.json was not written. Split the spec or raise the limit."
        ),
        None,
    ),
    "catalog": (
        "Catalog files are well formed",
        (
            "A Backstage catalog-info.yaml is malformed or names something that does not exist. "
            "Correct the entity at the line given."
        ),
        "ownership",
    ),
    "sdk-load": (
        "The SDK can be read",
        (
            "The Python SDK's package could not be loaded statically. Check the configured path "
            "and package name, and the syntax of the module named."
        ),
        "sdk",
    ),
    "sdk-link": (
        "SDK methods link to operations",
        (
            "An SDK method names an operation the API does not have, or an operation has no SDK "
            "method. Correct the link or add the method."
        ),
        "sdk",
    ),
}
"""Rule ids that earlier stages give their findings: (title, help, category)."""


def information_uri() -> str:
    """The project's home page from the installed package's metadata, else its PyPI page."""
    try:
        meta = metadata.metadata(TOOL)
    except metadata.PackageNotFoundError:
        return DEFAULT_INFORMATION_URI
    for entry in meta.get_all("Project-URL") or []:
        label, _, url = entry.partition(",")
        if label.strip().lower() in ("homepage", "home", "documentation") and url.strip():
            return str(url).strip()
    homes = meta.get_all("Home-page") or []
    return str(homes[0]).strip() if homes else DEFAULT_INFORMATION_URI


def _rule_name(rule_id: str) -> str:
    """`doc-operation-summary` -> `DocOperationSummary`."""
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", rule_id))


def _descriptor(rule_id: str, severity: str) -> dict[str, Any]:
    spec = all_rules().get(rule_id)
    if spec is not None:
        title, description, fix = spec.title, spec.description, spec.fix
        category: str | None = spec.category
        level = spec.level or "none"
        items = spec.items
    else:
        title, fix, category = STAGE_RULES.get(rule_id, (rule_id, "", None))
        if rule_id in WAIVER_RULE_HELP:
            title, fix = WAIVER_RULE_HELP[rule_id]
            category = None
        description, level, items = title, "none", ""
    help_text = " ".join(part for part in (description.rstrip(".") + ".", fix) if part)
    markdown = f"**{title}**\n\n{description}"
    if fix and fix != description:
        markdown += f"\n\n**How to fix:** {fix}"
    if items:
        markdown += f"\n\nCounts {items}; maturity level: {level}."
    properties: dict[str, Any] = {"level": level, "tags": ["api-scorecard"]}
    if category is not None:
        properties["category"] = category
        properties["tags"].append(category)
    if spec is not None and spec.opt_in:
        properties["tags"].append("opt-in")
    return {
        "id": rule_id,
        "name": _rule_name(rule_id),
        "shortDescription": {"text": title},
        "fullDescription": {"text": description},
        "help": {"text": help_text, "markdown": markdown},
        "defaultConfiguration": {"level": LEVELS[severity]},
        "properties": properties,
    }


def _rule_order(
    scorecards: Sequence[Scorecard], extra: Sequence[tuple[str, Finding]]
) -> dict[str, str]:
    """Rule id -> the severity it ran with, registry order first, then the stages' rules."""
    severities: dict[str, str] = {}
    for card in scorecards:
        for check in card.checks:
            severities.setdefault(check.id, check.severity)
    registry = list(all_rules())
    ordered = {r: severities[r] for r in registry if r in severities}
    found = [f for card in scorecards for f in _all_findings(card)]
    found.extend(f for _, f in extra)
    for finding in sorted(found, key=lambda f: f.rule):
        if finding.rule not in ordered:
            ordered[finding.rule] = finding.severity
    return ordered


def _all_findings(card: Scorecard) -> Iterator[Finding]:
    yield from card.findings
    yield from (w.finding for w in card.waived_findings)


def _fingerprint(parts: Sequence[str]) -> str:
    # surrogatepass: a fingerprint is computed from any text, even text UTF-8 cannot encode.
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def _uri(path: str) -> str:
    return urllib.parse.quote(safe_text(path), safe="/")


def _location(finding: Finding, path: str | None) -> dict[str, Any] | None:
    location: dict[str, Any] = {}
    if path:
        physical: dict[str, Any] = {"artifactLocation": {"uri": _uri(path)}}
        if finding.line is not None:
            region: dict[str, Any] = {"startLine": finding.line}
            if finding.column is not None:
                region["startColumn"] = finding.column
            physical["region"] = region
        location["physicalLocation"] = physical
    if finding.symbol:
        location["logicalLocations"] = [
            {"name": finding.symbol.rsplit(".", 1)[-1], "fullyQualifiedName": finding.symbol}
        ]
    elif finding.pointer:
        tokens = from_pointer(finding.pointer)
        location["logicalLocations"] = [
            {"name": tokens[-1] if tokens else "#", "fullyQualifiedName": finding.pointer}
        ]
    return location or None


class _Results:
    """Builds results, giving each a fingerprint unique in the run and stable across runs."""

    def __init__(self, rule_index: Mapping[str, int], prefixes: Mapping[str, str] | None) -> None:
        self.rule_index = rule_index
        self.prefixes = prefixes
        self.results: list[dict[str, Any]] = []
        self.seen: dict[str, int] = {}
        self.emitted: set[tuple[str, str]] = set()

    def add(
        self,
        finding: Finding,
        *,
        api: str | None,
        source: str,
        spec: str | None,
        waived: WaivedFinding | None = None,
    ) -> None:
        target = finding.symbol or finding.pointer or ""
        # A problem of the waiver file is the same problem whichever API reports it.
        owner = "" if finding.rule in WAIVER_RULES else (api or f"source:{source}")
        key = _fingerprint([finding.rule, owner, finding.file or spec or "", target])
        if finding.rule in WAIVER_RULES:
            if (key, finding.message) in self.emitted:
                return
            self.emitted.add((key, finding.message))
        occurrence = self.seen.get(key, 0)
        self.seen[key] = occurrence + 1
        fingerprint = key if occurrence == 0 else _fingerprint([key, str(occurrence)])
        result: dict[str, Any] = {
            "ruleId": finding.rule,
            "ruleIndex": self.rule_index[finding.rule],
            "level": LEVELS[finding.severity],
            "message": {"text": finding.message},
            "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
        }
        location = _location(finding, repository_path(finding, source, spec, self.prefixes))
        if location is not None:
            result["locations"] = [location]
        properties: dict[str, Any] = {"class": finding.finding_class, "source": source}
        if api is not None:
            properties["api"] = api
        if finding.pointer:
            properties["pointer"] = finding.pointer
        result["properties"] = properties
        if waived is not None:
            waiver = waived.waiver
            file, line, _, _ = waiver.where
            suppression: dict[str, Any] = {
                "kind": "external",
                "status": "accepted",
                "justification": waiver.reason,
                "properties": {
                    "owner": waiver.owner or None,
                    "expires": waiver.expires.isoformat() if waiver.expires else None,
                },
            }
            if file:
                physical: dict[str, Any] = {"artifactLocation": {"uri": _uri(file)}}
                if line is not None:
                    physical["region"] = {"startLine": line}
                suppression["location"] = {"physicalLocation": physical}
            result["suppressions"] = [suppression]
        self.results.append(result)


def build_sarif(
    scorecards: Sequence[Scorecard],
    *,
    prefixes: Mapping[str, str] | None = None,
    extra: Sequence[tuple[str, Finding]] = (),
) -> dict[str, Any]:
    """The SARIF 2.1.0 log of these scorecards.

    Args:
        scorecards: the APIs' scorecards; each finding and waived finding becomes a result.
        prefixes: source name -> path of the source's root in its repository (`services/pets/`),
            from `locations.source_prefixes`; None leaves paths relative to the source's root.
        extra: findings tied to no API (catalog problems), with their source's name.
    """
    severities = _rule_order(scorecards, extra)
    rule_index = {rule_id: i for i, rule_id in enumerate(severities)}
    results = _Results(rule_index, prefixes)
    for card in scorecards:
        waived = {id(w.finding): w for w in card.waived_findings}
        ordered = sorted(
            [*card.findings, *(w.finding for w in card.waived_findings)],
            key=lambda f: (f.file or "", f.pointer or f.symbol or "", f.rule, f.message),
        )
        for finding in ordered:
            results.add(
                finding,
                api=card.api_id,
                source=card.source,
                spec=card.spec,
                waived=waived.get(id(finding)),
            )
    for source, finding in extra:
        results.add(finding, api=None, source=source, spec=None)
    version = package_version()
    driver: dict[str, Any] = {
        "name": TOOL,
        "version": version,
        "informationUri": information_uri(),
        "rules": [_descriptor(rule_id, severity) for rule_id, severity in severities.items()],
    }
    if re.fullmatch(r"\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]+)?", version):
        driver["semanticVersion"] = version
    return {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {"driver": driver},
                "columnKind": "unicodeCodePoints",
                "results": results.results,
                "properties": {
                    "scoringVersion": SCORING_VERSION,
                    "apis": [
                        {
                            "id": card.api_id,
                            "score": card.score,
                            "grade": card.grade,
                            "level": card.level,
                            "valid": card.valid,
                        }
                        for card in scorecards
                    ],
                },
            }
        ],
    }


def dumps_sarif(log: Mapping[str, Any]) -> str:
    """The log as indented JSON text, ending with a newline."""
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def write_sarif(
    path: Path,
    scorecards: Sequence[Scorecard],
    *,
    prefixes: Mapping[str, str] | None = None,
    extra: Sequence[tuple[str, Finding]] = (),
) -> dict[str, Any]:
    """Build the SARIF log and write it atomically to `path`; returns the log."""
    log = build_sarif(scorecards, prefixes=prefixes, extra=extra)
    write_atomic(path, dumps_sarif(log))
    return log
