"""Waivers: accepted exceptions to scorecard findings, each with a reason, an owner and an end.

The waiver file (`scorecard.waivers`, YAML or JSON) maps an API id to rule ids, and each rule id
to the items waived for that API. It keeps Redocly's "place -> rule -> pointers" ignore-file
shape, keyed by API id (the id of `scorecards.json`), and adds accountability::

    # .platform-waivers.yaml
    payments:                                   # API id, exactly as in scorecards.json
      design-error-responses:                   # rule id
        - pointer: "#/paths/~1health/get"       # the finding's JSON pointer, exactly
          reason: The health check has no client errors.
          owner: team-payments
          expires: 2027-06-30                   # ISO date: the waiver holds through that day
        - pointer: "#/paths/~1internal/*"       # that pointer and every place below it
          file: openapi/internal.yaml           # optional: only findings in this file
          reason: Internal endpoints, never published.
          owner: team-payments
      py-params-documented:
        - symbol: payments_sdk.client.Client.request   # a Python path; `pkg.mod.*` for a prefix
          reason: keyword arguments are passed through

Each item names exactly one of `pointer` or `symbol`; `reason` is required; `owner`,
`expires` and `file` (the path, relative to the source's root, that findings carry) are
optional; other keys are mistakes. A pointer may be written with or without its leading `#`.

What a waiver does:

- A finding of that API and rule at that place is *waived*: it leaves the findings (gates,
  annotations and pages no longer see it) and is reported apart, marked `waived: true` with
  the waiver's reason, owner and end (`scorecards.json` `waived_findings`, SARIF
  `suppressions`). Its failing item counts as passing: the check's `passed` rises by one per
  waived failing item, and its `waived` count says by how many.
- A waiver whose `expires` day has passed waives nothing and is itself a finding,
  `waiver-expired` (warn), at its place in the waiver file.
- A waiver that matched no finding of its API is *stale*, a finding `waiver-stale` (warn): the
  problem was fixed or moved, so the entry should go. So is a waiver for an API id that the
  portal does not have (when every API of the portal is scored). A misspelt API id or rule
  id is named with the nearest known one ("did you mean 'pets'?").
- A malformed file (unreadable, not YAML, not a mapping) waives nothing and is a finding
  `waiver-invalid` (error) on every API; a malformed item is skipped with a `waiver-invalid`
  finding on its API. A waiver file never stops a build by crashing; only a missing one does,
  as a configuration error (`scorecard.waivers` and `check --waivers` must name a file).

These findings are of class `rule`, carry the waiver file's path (relative to the repository
holding it), line, column and the JSON pointer of the entry, and are never waived themselves.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from mkdocs_platform.errors import did_you_mean
from mkdocs_platform.models import Finding, Severity
from mkdocs_platform.models.pointers import to_pointer
from mkdocs_platform.models.scorecard import (
    WAIVER_EXPIRED,
    WAIVER_INVALID,
    WAIVER_RULES,
    WAIVER_STALE,
    WaivedFinding,
    Waiver,
)
from mkdocs_platform.openapi.loader import LoadError, load_file
from mkdocs_platform.openapi.locate import Locator
from mkdocs_platform.scorecard.context import CheckResult
from mkdocs_platform.scorecard.registry import PLANNED_RULE_IDS
from mkdocs_platform.scorecard.rules import all_rules

WAIVER_RULE_HELP: dict[str, tuple[str, str]] = {
    WAIVER_EXPIRED: (
        "A waiver has expired",
        (
            "The waiver's `expires` day has passed, so it waives nothing any more. Fix the "
            "finding it waived, or renew the waiver with a new `expires` day and a reason."
        ),
    ),
    WAIVER_STALE: (
        "A waiver matches no finding",
        (
            "No finding of the API matches the waiver any more (the problem was fixed, moved, "
            "or the API or rule id is misspelt). Remove the entry, or correct its pointer."
        ),
    ),
    WAIVER_INVALID: (
        "The waiver file or an entry is malformed",
        (
            "The waiver file could not be read, or an entry lacks a reason, names both or "
            "neither of pointer and symbol, has an unknown key or a bad date. Correct it: a "
            "malformed entry waives nothing."
        ),
    ),
}
"""Rule id -> (title, what to do), for report writers."""

MAX_WAIVER_FILE_SIZE = 4 * 1024 * 1024
"""A larger waiver file is refused (a finding), not loaded."""

_ITEM_KEYS = frozenset({"pointer", "symbol", "file", "reason", "owner", "expires"})
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")


STAGE_RULE_IDS = frozenset(
    {"oas-parse", "oas-download-size", "platform-internal", "catalog", "sdk-load", "sdk-link"}
)
"""Rule ids of the findings that the stages before scoring give (loading, the download, the
catalog, SDKs): no check has them, yet a waiver may name them."""


def known_rule_ids() -> frozenset[str]:
    """Every rule id a finding can carry, so a waiver may name it: the checks', the planned
    ones, and those of the stages before scoring."""
    return frozenset(all_rules()) | PLANNED_RULE_IDS | STAGE_RULE_IDS | WAIVER_RULES


def display_path(path: Path) -> str:
    """`path` as findings name it: relative to the git work tree holding it, else to the
    current folder, else absolute; with forward slashes.
    """
    path = path.absolute()
    for folder in path.parents:
        if (folder / ".git").exists():
            return path.relative_to(folder).as_posix()
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path.as_posix()


def normalize_pointer(pointer: str) -> str:
    """A JSON pointer as findings write it: `#/paths/~1pets` (the `#` added when missing)."""
    pointer = pointer.strip()
    if not pointer.startswith("#"):
        pointer = "#" + pointer
    return pointer.rstrip("/") if pointer not in ("#", "#/") else "#"


@dataclass
class WaiverSet:
    """A waiver file as read: its waivers by API, and the problems reading it."""

    path: str = ""
    """The file as findings name it."""
    waivers: dict[str, list[Waiver]] = field(default_factory=dict)
    """API id -> its well-formed waivers, in file order."""
    problems: list[Finding] = field(default_factory=list)
    """Problems of the whole file (every API's waivers are lost)."""
    item_problems: dict[str, list[Finding]] = field(default_factory=dict)
    """API id -> problems of its malformed items (each item is skipped)."""
    api_lines: dict[str, tuple[int | None, int | None]] = field(default_factory=dict)
    """API id -> (line, column) of its key, for findings about the whole entry."""

    def for_api(self, api_id: str, today: date) -> ApiWaivers:
        """The waivers of one API, ready to match its findings."""
        return ApiWaivers(self.waivers.get(api_id, []), today)

    def unknown_apis(self, api_ids: Iterable[str]) -> list[Finding]:
        """A `waiver-stale` finding for each API id of the file that is not in `api_ids`."""
        known = sorted(set(api_ids))
        findings = []
        for api_id in sorted(set(self.waivers) | set(self.item_problems)):
            if api_id in known:
                continue
            line, column = self.api_lines.get(api_id, (None, None))
            findings.append(
                _finding(
                    WAIVER_STALE,
                    "warn",
                    f"the waivers for '{api_id}' match no API of the portal (no API has that "
                    f"id{did_you_mean(api_id, known) or ' any more'}); remove them or correct "
                    "the id",
                    (self.path, line, column, to_pointer([api_id])),
                )
            )
        return findings

    def findings_for(
        self,
        api_id: str,
        matcher: ApiWaivers | None,
        *,
        loaded: bool,
        ran: Iterable[str] | None = None,
    ) -> list[Finding]:
        """Problems of the file and of this API's waivers, as findings of this API."""
        findings = [*self.problems, *self.item_problems.get(api_id, [])]
        if matcher is not None:
            findings.extend(matcher.findings(loaded=loaded, ran=ran))
        return findings


class ApiWaivers:
    """One API's waivers: matches its findings, then reports the expired and unused ones."""

    def __init__(self, waivers: Sequence[Waiver], today: date) -> None:
        self.expired = [w for w in waivers if w.expired(today)]
        self.active = [w for w in waivers if not w.expired(today)]
        self.used: set[int] = set()
        self._by_rule: dict[str, list[int]] = {}
        for i, waiver in enumerate(self.active):
            self._by_rule.setdefault(waiver.rule, []).append(i)

    def match(self, finding: Finding) -> Waiver | None:
        """The first waiver in force that waives `finding`, if any."""
        for i in self._by_rule.get(finding.rule, ()):
            waiver = self.active[i]
            if waiver.matches(finding):
                self.used.add(i)
                return waiver
        return None

    def findings(self, *, loaded: bool, ran: Iterable[str] | None = None) -> list[Finding]:
        """`waiver-expired` for each expired waiver; `waiver-stale` for each unused one.

        An API whose spec could not be loaded ran no check, so its waivers are not stale.
        `ran` (the rule ids that ran or reported for the API) lets a stale waiver say that
        its rule did not run.
        """
        ran_rules = set(ran) if ran is not None else None
        findings = []
        for waiver in self.expired:
            file, line, column, pointer = waiver.where
            assert waiver.expires is not None  # noqa: S101 - expired implies a date
            owner = f" (owner {waiver.owner})" if waiver.owner else ""
            findings.append(
                _finding(
                    WAIVER_EXPIRED,
                    "warn",
                    f"{waiver.describe()} expired on {waiver.expires.isoformat()}{owner}; fix "
                    "the finding or renew the waiver",
                    (file, waiver.expires_line or line, column, pointer + "/expires"),
                )
            )
        if loaded:
            for i, waiver in enumerate(self.active):
                if i in self.used:
                    continue
                why = ""
                if waiver.rule not in known_rule_ids():
                    hint = did_you_mean(waiver.rule, known_rule_ids())
                    why = f" (no rule has the id '{waiver.rule}'{hint})"
                elif ran_rules is not None and waiver.rule not in ran_rules:
                    why = f" (the rule {waiver.rule} does not run for this API)"
                findings.append(
                    _finding(
                        WAIVER_STALE,
                        "warn",
                        f"{waiver.describe()} matches no finding any more{why}; remove it",
                        waiver.where,
                    )
                )
        return findings


def _finding(
    rule: str, severity: Severity, message: str, where: tuple[str, int | None, int | None, str]
) -> Finding:
    file, line, column, pointer = where
    return Finding(
        rule=rule,
        severity=severity,
        finding_class="rule",
        message=message,
        file=file or None,
        line=line,
        column=column,
        pointer=pointer,
    )


class _Reader:
    """Turns the parsed file into waivers, collecting a finding for each mistake."""

    def __init__(self, path: str, locator: Locator) -> None:
        self.result = WaiverSet(path=path)
        self.locator = locator

    def where(self, tokens: list[str]) -> tuple[str, int | None, int | None, str]:
        line, column = self.locator.locate(tokens)
        return self.result.path, line, column, to_pointer(tokens)

    def problem(self, api_id: str | None, tokens: list[str], message: str) -> None:
        finding = _finding(WAIVER_INVALID, "error", message, self.where(tokens))
        if api_id is None:
            self.result.problems.append(finding)
        else:
            self.result.item_problems.setdefault(api_id, []).append(finding)

    def read(self, data: Any) -> WaiverSet:
        if data is None:
            return self.result
        if not isinstance(data, Mapping):
            self.problem(
                None,
                [],
                f"the waiver file {self.result.path} must map API ids to rules; it holds a "
                f"{type(data).__name__}, so no waiver applies",
            )
            return self.result
        for api_id, rules in data.items():
            api = str(api_id)
            self.result.api_lines[api] = self.locator.locate([api])
            self.result.waivers.setdefault(api, [])
            if not isinstance(rules, Mapping):
                self.problem(api, [api], f"the waivers for '{api}' must map rule ids to lists")
                continue
            for rule_id, items in rules.items():
                rule = str(rule_id)
                if not isinstance(items, list):
                    self.problem(
                        api, [api, rule], f"the waivers of {rule} for '{api}' must be a list"
                    )
                    continue
                for i, item in enumerate(items):
                    waiver = self.item(api, rule, [api, rule, str(i)], item)
                    if waiver is not None:
                        self.result.waivers[api].append(waiver)
        return self.result

    def item(self, api: str, rule: str, tokens: list[str], item: Any) -> Waiver | None:
        what = f"a waiver of {rule} for '{api}'"
        if not isinstance(item, Mapping):
            self.problem(api, tokens, f"{what} must be a mapping with pointer or symbol, reason")
            return None
        unknown = sorted(str(k) for k in set(item) - _ITEM_KEYS)
        if unknown:
            self.problem(
                api,
                [*tokens, unknown[0]],
                f"{what} has the unknown key '{unknown[0]}'; use pointer or symbol, reason, "
                "owner, expires and file",
            )
            return None
        text = {k: item.get(k) for k in ("pointer", "symbol", "file", "reason", "owner")}
        for key, value in list(text.items()):
            if value is not None and not isinstance(value, str):
                self.problem(api, [*tokens, key], f"{what}: '{key}' must be text")
                return None
        if (text["pointer"] is None) == (text["symbol"] is None):
            self.problem(api, tokens, f"{what} must name exactly one of pointer or symbol")
            return None
        reason = (text["reason"] or "").strip()
        if not reason:
            self.problem(api, tokens, f"{what} has no reason: say why the finding is accepted")
            return None
        expires: date | None = None
        raw = item.get("expires")
        if raw is not None:
            expires = _date(raw)
            if expires is None:
                self.problem(
                    api,
                    [*tokens, "expires"],
                    f"{what}: expires must be an ISO date (2027-06-30), got {raw!r}",
                )
                return None
        pointer, symbol, prefix = None, None, False
        if text["pointer"] is not None:
            pointer = text["pointer"].strip()
            if pointer.endswith("/*"):
                pointer, prefix = pointer[:-2], True
            elif pointer == "*":
                pointer, prefix = "#", True
            pointer = normalize_pointer(pointer)
        else:
            symbol = (text["symbol"] or "").strip()
            if symbol.endswith(".*") or symbol == "*":
                symbol, prefix = symbol[:-2] if symbol != "*" else "", True
        line = self.locator.locate([*tokens, "expires"])[0] if expires else None
        return Waiver(
            api=api,
            rule=rule,
            reason=reason,
            pointer=pointer,
            symbol=symbol,
            prefix=prefix,
            file=(text["file"] or "").strip().removeprefix("./") or None,
            owner=(text["owner"] or "").strip(),
            expires=expires,
            where=self.where(tokens),
            expires_line=line if expires else None,
        )


def _date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _DATE.match(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def load_waivers(path: str | Path) -> WaiverSet:
    """Read a waiver file; every mistake becomes a `waiver-invalid` finding, never an error."""
    file = Path(path)
    shown = display_path(file)
    try:
        loaded = load_file(file, MAX_WAIVER_FILE_SIZE)
    except LoadError as exc:
        if str(exc) == "the file is empty":
            return WaiverSet(path=shown)
        return WaiverSet(
            path=shown,
            problems=[
                Finding(
                    rule=WAIVER_INVALID,
                    severity="error",
                    finding_class="rule",
                    message=f"the waiver file {shown} cannot be read ({exc}); no waiver applies",
                    file=shown,
                    line=exc.line,
                    column=exc.column,
                    pointer="#",
                )
            ],
        )
    try:
        return _Reader(shown, loaded.locator).read(loaded.data)
    except Exception as exc:  # noqa: BLE001 - a waiver file must never stop a build
        return WaiverSet(
            path=shown,
            problems=[
                Finding(
                    rule=WAIVER_INVALID,
                    severity="error",
                    finding_class="rule",
                    message=f"the waiver file {shown} could not be understood "
                    f"({type(exc).__name__}: {str(exc)[:200]}); no waiver applies",
                    file=shown,
                    pointer="#",
                )
            ],
        )


def waive_check(
    result: CheckResult, items: str, match: Callable[[Finding], Waiver | None]
) -> tuple[list[Finding], list[WaivedFinding], int]:
    """Apply waivers to one check's tally.

    Returns the findings left (with the count of unlisted ones, if any), the waived ones, and
    how many failing items now pass. Each waived finding of a failing item makes that item
    pass; where an item has several findings (a document with several validator errors), it
    passes once all of them are waived. Noted findings (context, not failing items) may be
    waived but make nothing pass.
    """
    kept: list[Finding] = []
    waived: list[WaivedFinding] = []
    counted_listed = 0
    counted_waived = 0
    for i, finding in enumerate(result.findings):
        counted = i not in result.noted
        counted_listed += counted
        waiver = match(finding)
        if waiver is None:
            kept.append(finding)
        else:
            waived.append(WaivedFinding(finding, waiver))
            counted_waived += counted
    failing = result.applicable - result.passed
    rise = 0
    if counted_waived and failing > 0:
        if counted_listed + result.unlisted == failing:
            rise = counted_waived
        elif counted_waived == counted_listed and not result.unlisted:
            rise = failing
    more = result.listed(items)[len(result.findings) :]
    return [*kept, *more], waived, min(rise, failing)


def waive_loose(
    findings: Iterable[Finding], match: Callable[[Finding], Waiver | None] | None
) -> tuple[list[Finding], list[WaivedFinding]]:
    """Apply waivers to findings no check counts (loading, catalog, SDK findings)."""
    kept: list[Finding] = []
    waived: list[WaivedFinding] = []
    for finding in findings:
        waiver = match(finding) if match is not None else None
        if waiver is None:
            kept.append(finding)
        else:
            waived.append(WaivedFinding(finding, waiver))
    return kept, waived
