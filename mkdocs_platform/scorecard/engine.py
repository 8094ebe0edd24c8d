"""Running the rules over an API and turning their tallies into its `Scorecard`."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from mkdocs.plugins import get_plugin_logger

from mkdocs_platform.cache import StageCache, content_key, file_digest
from mkdocs_platform.models import ApiEntry, Finding, Locate
from mkdocs_platform.models.findings import internal_finding
from mkdocs_platform.models.scorecard import (
    CategoryId,
    CategoryScore,
    CheckScore,
    Scorecard,
    ScorecardSettings,
    WaivedFinding,
    Waiver,
)
from mkdocs_platform.scorecard.codeowners import MAX_CODEOWNERS_SIZE, find_codeowners
from mkdocs_platform.scorecard.context import RuleContext, api_locator
from mkdocs_platform.scorecard.score import (
    grade_of,
    level_of,
    next_level_progress,
    overall,
    points_available,
)
from mkdocs_platform.scorecard.settings import EffectiveRule, rules_for
from mkdocs_platform.scorecard.waivers import (
    MAX_WAIVER_FILE_SIZE,
    WaiverSet,
    load_waivers,
    waive_check,
    waive_loose,
)
from mkdocs_platform.workers import api_weight, spread, task_copy

log = get_plugin_logger(__name__)

VALIDATION_RULES = frozenset({"oas-valid", "oas-parse", "oas-refs-resolve"})
"""Rule ids of loading and validation findings; the correctness checks report them."""


def _finding_order(finding: Finding) -> tuple[str, int, int, str, str]:
    return (
        finding.file or "",
        finding.line or 0,
        finding.column or 0,
        finding.rule,
        finding.message,
    )


def score_api(
    api: ApiEntry,
    settings: ScorecardSettings | None = None,
    *,
    locate: Locate | None = None,
    now: datetime | None = None,
    waivers: WaiverSet | None = None,
) -> Scorecard:
    """Run every rule the settings turn on for `api`, and score it (unloadable: 0, F, no level).

    Waivers come from `waivers`, else from the file `settings.waivers` names.
    """
    settings = settings or ScorecardSettings()
    moment = now or datetime.now(timezone.utc)
    if waivers is None and settings.waivers is not None:
        waivers = load_waivers(settings.waivers)
    matcher = waivers.for_api(api.id, moment.date()) if waivers is not None else None
    match = matcher.match if matcher is not None else None
    model = api.model
    checks: list[CheckScore] = []
    score = 0
    categories: dict[CategoryId, CategoryScore] = {}
    capped_by: tuple[str, ...] = ()
    findings = list(api.findings)
    if model is not None:
        context = RuleContext(
            api=api,
            model=model,
            locate=locate or api_locator(api),
            now=moment,
        )
        checks = [_run(context, rule, match) for rule in rules_for(settings, api.id)]
        points = points_available(checks, settings.weights)
        checks = [
            dataclasses.replace(c, points_available=p) for c, p in zip(checks, points, strict=True)
        ]
        score, categories, capped_by = overall(checks, settings.weights)
        # The checks report validation findings, with the severity the user gave them.
        findings = [f for f in api.findings if f.rule not in VALIDATION_RULES]
    findings, waived = waive_loose(findings, match)
    findings.extend(f for c in checks for f in c.findings)
    waived.extend(w for c in checks for w in c.waived_findings)
    if waivers is not None:
        ran = {c.id for c in checks} | {f.rule for f in api.findings}
        findings.extend(waivers.findings_for(api.id, matcher, loaded=model is not None, ran=ran))
    level = level_of(checks) if model is not None else None
    valid = api.valid
    if not valid and model is not None:
        # Every `structure` finding waived: the document is accepted as valid.
        valid = not any(f.finding_class == "structure" for f in findings) and any(
            w.finding.finding_class == "structure" for w in waived
        )
    return Scorecard(
        api_id=api.id,
        title=api.title,
        version=model.version if model is not None else "",
        source=api.source.name,
        spec=api.spec_path,
        commit=api.source.commit,
        owner=api.owner,
        loaded=model is not None,
        valid=valid,
        score=score,
        grade=grade_of(score),
        level=level,
        categories=categories,
        checks=tuple(checks),
        findings=tuple(sorted(findings, key=_finding_order)),
        sdk=api.sdk_links.report() if api.sdk_links is not None else None,
        capped_by=capped_by,
        next_level=next_level_progress(checks, level) if model is not None else None,
        waived_findings=tuple(sorted(waived, key=lambda w: _finding_order(w.finding))),
        system=api.system,
        consumers=tuple(c.name for c in api.consumers),
        changes=api.changes.comparisons,
    )


def _score_guarded(
    api: ApiEntry, settings: ScorecardSettings, moment: datetime, waivers: WaiverSet | None
) -> Scorecard:
    """`score_api`; when scoring fails, the API is scored as unloadable, with a finding saying
    why: one API must not take the portal down."""
    try:
        return score_api(api, settings, now=moment, waivers=waivers)
    except Exception as exc:
        log.debug("scoring %s failed", api.id, exc_info=True)
        crash = internal_finding(
            "scoring the API", exc, api.spec_path, outcome="it is scored as unloadable"
        )
        api.findings.append(crash)
        unscored = dataclasses.replace(api, model=None, findings=[*api.findings])
        return score_api(unscored, settings, now=moment, waivers=waivers)


SCORE_STAGE = "score"


def score_key(api: ApiEntry, context: tuple[object, ...]) -> str | None:
    """The digest of everything scoring `api` reads; None when its reading has none."""
    if api.digest is None:
        return None
    codeowners = find_codeowners(api.source.root)
    return content_key(
        SCORE_STAGE,
        api.digest,
        api.id,
        api.source,
        api.spec_path,
        api.catalog,
        api.providers,
        api.consumers,
        api.findings,
        api.sdks,
        api.sdk_links,
        api.spec_changed_at,
        api.changes,
        file_digest(codeowners, MAX_CODEOWNERS_SIZE) if codeowners is not None else None,
        *context,
    )


@dataclasses.dataclass(frozen=True)
class _ScoreTask:
    """One API to score, as a worker receives it."""

    api: ApiEntry
    """A copy of the API: findings scoring adds come back once, wherever it ran."""
    settings: ScorecardSettings
    moment: datetime
    waivers: WaiverSet | None


def _score_task(task: _ScoreTask) -> tuple[Scorecard, list[Finding]]:
    """The API's scorecard, and the findings scoring added to the API (a crash)."""
    before = len(task.api.findings)
    card = _score_guarded(task.api, task.settings, task.moment, task.waivers)
    return card, task.api.findings[before:]


def _score_spread(
    apis: list[ApiEntry],
    settings: ScorecardSettings,
    moment: datetime,
    waivers: WaiverSet | None,
    concurrency: int,
) -> list[tuple[Scorecard, list[Finding]]]:
    """Score `apis` over `concurrency` workers; each API's findings get what scoring added."""
    tasks = [_ScoreTask(task_copy(api), settings, moment, waivers) for api in apis]
    results = spread(_score_task, tasks, [api_weight(api) for api in apis], concurrency)
    scored: list[tuple[Scorecard, list[Finding]]] = []
    for api, task, result in zip(apis, tasks, results, strict=True):
        if isinstance(result, Exception):
            # Not a rule's failure (those are findings): the task itself broke. Scored here.
            result = _score_task(dataclasses.replace(task, api=task_copy(api)))
        api.findings.extend(result[1])
        scored.append(result)
    return scored


def _score_cached(
    apis: list[ApiEntry],
    settings: ScorecardSettings,
    moment: datetime,
    waivers: WaiverSet | None,
    context: tuple[object, ...],
    store: StageCache | None,
    concurrency: int,
) -> list[Scorecard]:
    """Every API's scorecard: kept ones from `store`, the others scored over the workers."""
    cards: dict[int, Scorecard] = {}
    keys: dict[int, str | None] = {}
    missing: list[int] = []
    for i, api in enumerate(apis):
        key = keys[i] = score_key(api, context) if store is not None else None
        api.cache_key = key
        if key is not None and store is not None:
            stored = store.get(SCORE_STAGE, key)
            if isinstance(stored, tuple) and len(stored) == 2 and isinstance(stored[0], Scorecard):
                cards[i] = stored[0]
                api.findings.extend(stored[1])
                continue
        missing.append(i)
    scored = _score_spread([apis[i] for i in missing], settings, moment, waivers, concurrency)
    for i, (card, added) in zip(missing, scored, strict=True):
        cards[i] = card
        key = keys[i]
        if key is not None and store is not None:
            # What scoring added to the API (a crash) is added again when the card is reused.
            store.put(SCORE_STAGE, key, (card, added))
    return [cards[i] for i in range(len(apis))]


def _check_score(rule: EffectiveRule, **counts: Any) -> CheckScore:
    """A check's score: its rule's settings and the counts it gave."""
    spec = rule.spec
    return CheckScore(
        id=spec.id,
        category=spec.category,
        severity=rule.severity,
        level=rule.level,
        threshold=rule.threshold,
        title=spec.title,
        items=spec.items,
        **counts,
    )


def _run(
    context: RuleContext, rule: EffectiveRule, match: Callable[[Finding], Waiver | None] | None
) -> CheckScore:
    spec = rule.spec
    try:
        result = spec.function(context.for_rule(spec.id, rule.severity))
    except Exception as exc:
        # One check's bug must not take the portal down, nor break `--strict` with a WARNING:
        # the finding reports it.
        log.debug("check %s failed on %s", spec.id, context.api.id, exc_info=True)
        file, line, column, pointer = context.locate([])
        crash = Finding(
            rule=spec.id,
            severity="warn",
            finding_class="tool",
            message=f"the check failed ({type(exc).__name__}: {str(exc)[:200]}); it was left out",
            file=file,
            line=line,
            column=column,
            pointer=pointer,
        )
        # Nothing counted: the check drops out of the score instead of failing the API.
        return _check_score(rule, applicable=0, passed=0, findings=(crash,))
    findings = result.listed(spec.items)
    waived: list[WaivedFinding] = []
    rise = 0
    if match is not None:
        findings, waived, rise = waive_check(result, spec.items, match)
    return _check_score(
        rule,
        applicable=result.applicable,
        passed=result.passed + rise,
        findings=tuple(findings),
        waived=rise,
        waived_findings=tuple(waived),
    )


def score_apis(
    apis: Iterable[ApiEntry],
    settings: ScorecardSettings | None = None,
    *,
    now: datetime | None = None,
    complete: bool = True,
    store: StageCache | None = None,
    concurrency: int = 1,
) -> list[Scorecard]:
    """The scorecard of every API, in the order given, scored over `concurrency` workers.

    With `store`, an API whose inputs (its reading, SDKs, catalog entity, findings, the
    settings, the waiver and CODEOWNERS files, the day) were scored before gets that scorecard
    back; `ApiEntry.cache_key` is set to the key it was scored under.

    The waiver file is read once. With `complete` (every API of the portal is scored), its
    waivers for API ids that none of `apis` has are stale: each is a finding on every API, as
    a problem of the file that every API's gate sees.
    """
    settings = settings or ScorecardSettings()
    moment = now or datetime.now(timezone.utc)
    waivers = load_waivers(settings.waivers) if settings.waivers is not None else None
    apis = list(apis)
    waivers_digest = (
        file_digest(Path(settings.waivers), MAX_WAIVER_FILE_SIZE)
        if settings.waivers is not None and store is not None
        else None
    )
    context = (settings, moment.date(), waivers_digest)
    cards = _score_cached(apis, settings, moment, waivers, context, store, concurrency)
    if waivers is not None and complete:
        unknown = waivers.unknown_apis(api.id for api in apis)
        if unknown:
            cards = [
                dataclasses.replace(
                    card, findings=tuple(sorted([*card.findings, *unknown], key=_finding_order))
                )
                for card in cards
            ]
    return cards
