"""The core pipeline: settings in, a `Portal` of located, validated, normalized APIs out."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from mkdocs.plugins import get_plugin_logger

from mkdocs_platform.bundles.read import bundle_finding, prune_unpacked, read_bundles
from mkdocs_platform.bundles.storage import StorageError
from mkdocs_platform.cache import StageCache
from mkdocs_platform.discovery.catalog import SourceCatalog, read_catalog, relate
from mkdocs_platform.discovery.ids import RESERVED_IDS, default_api_id
from mkdocs_platform.discovery.specs import (
    describe_non_openapi,
    explicit_spec_paths,
    find_spec_files,
    missing_explicit_specs,
    searched_patterns,
    walk_files,
)
from mkdocs_platform.errors import PortalError
from mkdocs_platform.history.timeline import attach_history
from mkdocs_platform.models import (
    ApiEntry,
    CatalogEntity,
    Finding,
    Portal,
    PortalSettings,
    Source,
    SpecFile,
)
from mkdocs_platform.models.api import slugify
from mkdocs_platform.models.findings import INTERNAL_RULE, internal_finding
from mkdocs_platform.openapi import LoadError, ReadingCache, SpecReading, read_spec, spec_key
from mkdocs_platform.openapi.loader import load_file
from mkdocs_platform.scorecard import evaluate_gates, score_apis
from mkdocs_platform.sdk import link_operations, load_sdk
from mkdocs_platform.sdk.settings import resolve_sdk, sdk_api_id
from mkdocs_platform.sources import SourceError, resolve_sources
from mkdocs_platform.workers import spread

if TYPE_CHECKING:
    from mkdocs_platform.openapi.validate import ValidationMode

log = get_plugin_logger(__name__)


def _stage_finding(stage: str, exc: BaseException, file: str | None) -> Finding:
    return internal_finding(stage, exc, file, outcome="what it would have given is left out")


@dataclass
class _SourceResult:
    apis: list[ApiEntry] = field(default_factory=list)
    components: list[CatalogEntity] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def _entry(source: Source, spec_path: str, reading: SpecReading, api_id: str = "") -> ApiEntry:
    return ApiEntry(
        id=api_id,
        source=source,
        spec_path=spec_path,
        files=reading.files,
        model=reading.model,
        document=reading.document,
        # A copy: the SDK findings added to the entry must not grow a reading kept in the cache.
        findings=list(reading.findings),
        locate=reading.locate,
        digest=reading.digest,
    )


@dataclass(frozen=True)
class _SpecTask:
    """One spec to read, as a worker receives it."""

    path: Path
    source_root: Path
    max_size: int
    allow_hosts: tuple[str, ...]
    validation_dir: Path | None
    validation: ValidationMode
    store: StageCache | None


def _read_one(task: _SpecTask) -> SpecReading | None:
    cache = ReadingCache(task.store) if task.store is not None else None
    return read_spec(
        task.path,
        task.source_root,
        task.max_size,
        task.allow_hosts,
        cache,
        task.validation_dir,
        task.validation,
    )


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _for_source(settings: PortalSettings, source: Source) -> PortalSettings:
    """The settings a source is read with: a bundle's specs are not validated again."""
    return settings if source.bundle is None else replace(settings, validation="none")


def _read_specs(
    specs: list[tuple[Source, SpecFile]], settings: PortalSettings, cache: ReadingCache | None
) -> list[SpecReading | None]:
    """The reading of every spec, in order: kept ones from the cache, the others read by
    `concurrency` workers."""
    readings: dict[int, SpecReading | None] = {}
    keys: dict[int, tuple[object, ...]] = {}
    missing: list[int] = []
    for i, (source, spec) in enumerate(specs):
        if cache is not None:
            keys[i] = spec_key(
                spec.path,
                source.root,
                settings.max_spec_size,
                settings.allow_hosts,
                _for_source(settings, source).validation,
            )
            found, reading = cache.get(keys[i], settings.max_spec_size)
            if found:
                readings[i] = reading
                continue
        missing.append(i)
    tasks = [
        _SpecTask(
            path=specs[i][1].path,
            source_root=specs[i][0].root,
            max_size=settings.max_spec_size,
            allow_hosts=settings.allow_hosts,
            validation_dir=settings.validation_dir,
            validation=_for_source(settings, specs[i][0]).validation,
            store=cache.store if cache is not None else None,
        )
        for i in missing
    ]
    weights = [_size(task.path) for task in tasks]
    results = spread(_read_one, tasks, weights, settings.concurrency)
    for i, result in zip(missing, results, strict=True):
        source, spec = specs[i]
        if isinstance(result, Exception):
            # One spec must not take the portal down: it is an API with this finding.
            log.debug("reading %s:%s failed", source.name, spec.rel_path, exc_info=result)
            crash = _stage_finding("reading the spec", result, spec.rel_path)
            readings[i] = SpecReading(findings=[crash])
            continue
        readings[i] = result
        if cache is not None:
            cache.remember(keys[i], result, spec.path)
    return [readings[i] for i in range(len(specs))]


@dataclass
class _SourceFiles:
    """A source's catalog, and the specs it has beside it."""

    catalog: SourceCatalog
    specs: list[SpecFile]
    explicit: frozenset[str] = frozenset()
    """Paths of the specs the user named one by one: each is meant to be an API."""
    unmatched: bool = False
    """Whether the source's `specs` match no file at all."""


def _find_source_files(
    source: Source, settings: PortalSettings, cache: ReadingCache | None
) -> _SourceFiles:
    missing = missing_explicit_specs(source)
    # A bundle without the spec it names is a finding about the bundle, made once it is read.
    if missing and source.bundle is None:
        raise PortalError(
            f"source '{source.name}': the spec {missing[0]!r} named in 'specs' does not exist"
        )
    # Without catalog files, named specs need no walk of the whole checkout (one spec file that
    # `mkdocs-platform check` reads in a large repository).
    files = walk_files(source) if source.settings.catalog else None
    catalog = (
        read_catalog(source, _for_source(settings, source), files, cache)
        if files is not None
        else SourceCatalog()
    )
    # A spec the catalog describes appears once, under the catalog's id.
    described = {api.definition.resolve() for api in catalog.apis if api.definition is not None}
    found = find_spec_files(source, files)
    specs = [s for s in found if s.path.resolve() not in described]
    unmatched = bool(source.settings.specs) and not found
    return _SourceFiles(catalog, specs, explicit_spec_paths(source, specs), unmatched)


def _not_openapi(spec: SpecFile, max_size: int) -> Finding:
    """The finding for a file the user named as a spec that is not OpenAPI; it says what the
    file looks like when that is recognisable."""
    try:
        what = describe_non_openapi(load_file(spec.path, max_size).data)
    except (LoadError, OSError):
        what = "it has no top-level 'openapi' or 'swagger' key"
    except Exception:
        # The hint is a nicety; the finding stands without it.
        log.debug("describing %s failed", spec.rel_path, exc_info=True)
        what = "it has no top-level 'openapi' or 'swagger' key"
    return Finding(
        rule="spec-not-openapi",
        severity="error",
        finding_class="structure",
        message=f"{spec.rel_path} is named in 'specs' but is not an OpenAPI document ({what}); "
        "no API is made from it",
        file=spec.rel_path,
        line=1,
    )


def _unloadable_cause(entry: ApiEntry) -> Finding | None:
    """Why an API's spec gave no model (a syntax error, an empty file, a definition out of
    reach), or None when it did, or when the portal's own failure is to blame (a finding
    says so already)."""
    if entry.model is not None:
        return None
    return next(
        (f for f in entry.findings if f.severity == "error" and f.rule != INTERNAL_RULE), None
    )


def _source_result(
    source: Source,
    files: _SourceFiles,
    specs: list[tuple[SpecFile, SpecReading | None]],
    settings: PortalSettings,
) -> _SourceResult:
    catalog = files.catalog
    result = _SourceResult(components=catalog.components, findings=catalog.findings)
    discovered: list[tuple[str | None, ApiEntry]] = []
    for spec, reading in specs:
        if reading is None and spec.rel_path in files.explicit:
            finding = _not_openapi(spec, settings.max_spec_size)
            log.warning("source '%s': %s:1 %s", source.name, spec.rel_path, finding.message)
            result.findings.append(finding)
            continue
        if reading is None:
            log.info(
                "source '%s': %s has no top-level 'openapi' or 'swagger' key; it is not an API",
                source.name,
                spec.rel_path,
            )
            continue
        discovered.append((spec.api_id, _entry(source, spec.rel_path, reading)))
    only = len(discovered) + len(catalog.apis) == 1
    shares_root = sum("/" not in entry.spec_path for _, entry in discovered) > 1
    for fixed_id, entry in discovered:
        entry.id = fixed_id or default_api_id(source.name, entry.spec_path, only, shares_root)
        result.apis.append(entry)
    for api in catalog.apis:
        path = (
            api.definition.relative_to(source.root).as_posix()
            if api.definition
            else api.entity.file
        )
        entry = _entry(source, path, api.reading, slugify(api.entity.name))
        entry.catalog = api.entity
        result.apis.append(entry)
    for entry in result.apis:
        cause = _unloadable_cause(entry)
        if cause is not None:
            # Not a quality finding: the API is missing from the portal, so `--strict` fails.
            log.warning(
                "source '%s': %s %s; the API '%s' has no reference and scores 0",
                source.name,
                cause.location(),
                cause.message,
                entry.id,
            )
    if source.bundle is None:
        # A bundle short of what it names is a finding about the bundle, made after reading.
        _warn_if_empty(source, files, result)
    return result


def _warn_if_empty(source: Source, files: _SourceFiles, result: _SourceResult) -> None:
    """A warning for a source whose `specs` match nothing, or that gives nothing at all: a
    mistyped glob or path must not pass for a source without APIs."""
    if files.unmatched:
        log.warning(
            "source '%s': no file matches its specs %s (searched %s)",
            source.name,
            ", ".join(repr(s.pattern) for s in source.settings.specs),
            source.root,
        )
        return
    gives_something = result.apis or result.components or source.settings.sdks
    # A named file that is not OpenAPI has its own warning, which says more.
    if gives_something or any(f.rule == "spec-not-openapi" for f in result.findings):
        return
    log.warning(
        "source '%s' gives no API and no catalog entity: it was searched for %s in %s",
        source.name,
        searched_patterns(source),
        source.root,
    )


def _read_sources(
    sources: list[Source], settings: PortalSettings, cache: ReadingCache | None
) -> list[_SourceResult]:
    found = [_find_source_files(source, settings, cache) for source in sources]
    specs = [
        (source, spec) for source, files in zip(sources, found, strict=True) for spec in files.specs
    ]
    readings = iter(_read_specs(specs, settings, cache))
    return [
        _source_result(source, files, [(spec, next(readings)) for spec in files.specs], settings)
        for source, files in zip(sources, found, strict=True)
    ]


def _drop_duplicate_entities(results: list[_SourceResult]) -> None:
    """Two catalog entities with one kind and name: the later one is a finding, not an entity."""
    seen: dict[tuple[str, str], CatalogEntity] = {}
    for result in results:
        kept_apis = []
        for api in result.apis:
            entity = api.catalog
            first = seen.get(("API", entity.name)) if entity is not None else None
            if entity is not None and first is not None:
                result.findings.append(_duplicate(entity, first))
                continue
            if entity is not None:
                seen[("API", entity.name)] = entity
            kept_apis.append(api)
        result.apis = kept_apis
        kept_components = []
        for component in result.components:
            first = seen.get(("Component", component.name))
            if first is not None:
                result.findings.append(_duplicate(component, first))
                continue
            seen[("Component", component.name)] = component
            kept_components.append(component)
        result.components = kept_components


def _duplicate(entity: CatalogEntity, first: CatalogEntity) -> Finding:
    return Finding(
        rule="catalog",
        severity="warn",
        finding_class="catalog",
        message=f"the {entity.kind} '{entity.name}' is defined twice; the one in "
        f"{first.source}:{first.file}:{first.line} is used and this one is ignored",
        file=entity.file,
        line=entity.line,
    )


def _check_ids(apis: list[ApiEntry]) -> tuple[list[ApiEntry], list[tuple[str, Finding]]]:
    """The APIs with their ids checked; a published bundle's API whose id another API has
    already is left out with a finding, where two of the portal's own sources clash is an
    error of the configuration."""
    # The portal's own sources first: a bundle must not push out an API configured here.
    ordered = sorted(apis, key=lambda entry: entry.source.bundle is not None)
    kept: list[ApiEntry] = []
    findings: list[tuple[str, Finding]] = []
    seen: dict[str, ApiEntry] = {}
    for entry in ordered:
        where = f"{entry.source.name}:{entry.spec_path}"
        other = seen.get(entry.id)
        if other is not None and entry.source.bundle is not None:
            location = entry.source.bundle.locations[0]
            findings.append(
                (
                    entry.source.name,
                    bundle_finding(
                        location,
                        f"it gives the API id '{entry.id}', which "
                        f"{other.source.name}:{other.spec_path} has already",
                    ),
                )
            )
            log.warning("%s", findings[-1][1].message)
            continue
        if entry.id in RESERVED_IDS or not entry.id:
            if entry.catalog is not None:
                entity = entry.catalog
                raise PortalError(
                    f"source '{entry.source.name}': the API '{entity.name}' of "
                    f"{entity.file}:{entity.line} takes the id '{entry.id}', which is reserved; "
                    "give the entity another metadata.name"
                )
            raise PortalError(
                f"source '{entry.source.name}': the API in {entry.spec_path} would get the id "
                f"'{entry.id}', which is reserved or empty; give it another with a specs item "
                "{path: ..., id: ...}"
            )
        if other is not None:
            raise PortalError(
                f"two APIs have the id '{entry.id}': {other.source.name}:{other.spec_path} and "
                f"{where}; give one of them another id with a specs item {{path: ..., id: ...}}"
            )
        seen[entry.id] = entry
        kept.append(entry)
    return sorted(kept, key=lambda entry: entry.id), findings


def _published(source: Source, apis: list[ApiEntry]) -> tuple[list[ApiEntry], list[Finding]]:
    """The source's APIs, each with the validator's findings its bundle brings, and a finding
    for each bundle whose files give no API of its id.

    An API a bundle's files describe but no bundle publishes is left out: its service did not
    publish it.
    """
    origin = source.bundle
    if origin is None:
        return apis, []
    validation = dict(origin.validation)
    kept = [api for api in apis if api.id in validation]
    for api in kept:
        api.findings.extend(validation[api.id])
    found = {api.id for api in kept}
    missing = [
        bundle_finding(where, f"it publishes the API '{api_id}', but its files give no such API")
        for where, (api_id, _) in zip(origin.locations, origin.validation, strict=True)
        if api_id and api_id not in found
    ]
    return kept, missing


def _bundle_sources(
    settings: PortalSettings, store: StageCache | None
) -> tuple[list[Source], list[tuple[str, Finding]]]:
    """The checkouts of every source of bundles, and the findings about its bundles.

    Raises:
        SourceError: when a source's bundles cannot be reached at all.
    """
    sources: list[Source] = []
    findings: list[tuple[str, Finding]] = []
    read_any = False
    for source_settings in settings.sources:
        location = source_settings.bundles
        if location is None:
            continue
        if settings.offline and "://" in location and not location.startswith("file://"):
            log.warning(
                "source '%s': offline is on, so the bundles at %s are not read",
                source_settings.name,
                location,
            )
            continue
        try:
            unpacked = read_bundles(source_settings, settings, store)
        except StorageError as exc:
            raise SourceError(f"source '{source_settings.name}': {exc}") from None
        sources.extend(unpacked.sources)
        findings.extend((source_settings.name, f) for f in unpacked.findings)
        read_any = True
    if read_any:
        prune_unpacked(settings.cache_dir, {source.root for source in sources})
    return sources, findings


def _attach_sdks(sources: list[Source], results: list[_SourceResult], apis: list[ApiEntry]) -> None:
    """Load every source's SDKs into the APIs they belong to, and link them to operations."""
    by_id = {api.id: api for api in apis}
    for source, result in zip(sources, results, strict=True):
        own_ids = [api.id for api in result.apis]
        for configured in source.settings.sdks:
            try:
                sdk_settings = resolve_sdk(configured, source.root)
            except PortalError as exc:
                raise PortalError(f"source '{source.name}': {exc}") from None
            api_id = sdk_api_id(sdk_settings, own_ids)
            api = by_id.get(api_id) if api_id else None
            if api is None:
                raise PortalError(
                    f"source '{source.name}': the SDK {sdk_settings.package} belongs to no API; "
                    f"set its 'api' to one of: {', '.join(sorted(by_id)) or 'none'}"
                )
            try:
                sdk = load_sdk(sdk_settings, source.root)
            except Exception as exc:
                log.debug("loading the SDK %s failed", sdk_settings.package, exc_info=True)
                stage = f"loading the SDK {sdk_settings.package}"
                api.findings.append(_stage_finding(stage, exc, api.spec_path))
                continue
            api.sdks.append(sdk)
            api.findings.extend(sdk.findings)
    for api in apis:
        if api.sdks and api.model is not None:
            try:
                api.sdk_links = link_operations(api.model, api.sdks, api.spec_path, api.locate)
            except Exception as exc:
                log.debug("linking %s to its SDKs failed", api.id, exc_info=True)
                api.findings.append(
                    _stage_finding("linking operations to SDK methods", exc, api.spec_path)
                )
                continue
            api.findings.extend(api.sdk_links.findings)


def read_portal(
    settings: PortalSettings,
    cache: ReadingCache | None = None,
    sources: list[Source] | None = None,
) -> Portal:
    """Every API of every source, read, related and checked for consistency; not yet scored.

    `cache` keeps readings of unchanged files between builds (`mkdocs serve`). `sources` are
    the checkouts to read, when not the ones the settings name (a past release's tree).

    Raises:
        PortalError: on a mistake in the configuration (a missing spec, clashing ids).
        SourceError: when a source cannot be made available (it names the source and why).
    """
    bundle_findings: list[tuple[str, Finding]] = []
    if sources is None:
        bundled, bundle_findings = _bundle_sources(
            settings, cache.store if cache is not None else None
        )
        sources = [*resolve_sources(settings), *bundled]
    results = _read_sources(sources, settings, cache)
    _drop_duplicate_entities(results)
    for source, result in zip(sources, results, strict=True):
        result.apis, unpublished = _published(source, result.apis)
        for finding in unpublished:
            log.warning("source '%s': %s", source.name, finding.message)
            bundle_findings.append((source.name, finding))
    apis, clashes = _check_ids([api for result in results for api in result.apis])
    bundle_findings.extend(clashes)
    kept = {id(api) for api in apis}
    for result in results:
        result.apis = [api for api in result.apis if id(api) in kept]
    _attach_sdks(sources, results, apis)
    components = [c for result in results for c in result.components]
    findings: list[tuple[str, Finding]] = [
        (source.name, f)
        for source, result in zip(sources, results, strict=True)
        for f in result.findings
    ]
    findings.extend((component.source, finding) for component, finding in relate(apis, components))
    findings.extend(bundle_findings)
    return Portal(
        settings=settings, apis=apis, components=components, findings=findings, sources=sources
    )


def score_portal(portal: Portal, *, complete: bool = True, store: StageCache | None = None) -> None:
    """Score every API of the portal and evaluate the gates.

    `complete` says the portal holds every API the waiver file may name: a waiver for an id it
    does not have is then stale. A check of some folders of a portal is not complete. `store`
    keeps scorecards between builds.
    """
    settings = portal.settings.scorecard
    scorecards = score_apis(
        portal.apis,
        settings,
        complete=complete,
        store=store,
        concurrency=portal.settings.concurrency,
    )
    for api, card in zip(portal.apis, scorecards, strict=True):
        api.scorecard = card
    portal.gate = evaluate_gates(scorecards, settings)


def build_portal(settings: PortalSettings, cache: ReadingCache | None = None) -> Portal:
    """Read every source, score every API, and log what was found.

    Raises:
        PortalError: on a mistake in the configuration (a missing spec, clashing ids).
        SourceError: when a source cannot be made available (it names the source and why).
    """
    portal = read_portal(settings, cache)
    store = cache.store if cache is not None else None
    attach_history(portal, store)
    score_portal(portal, store=store)
    log_portal(portal)
    return portal


def log_portal(portal: Portal) -> None:
    """Log every finding and every API's score (at info level: they are on the pages too)."""
    for api in portal.apis:
        for finding in api.findings:
            log.info(
                "%s: %s:%s %s",
                api.id,
                api.source.name,
                finding.location(),
                finding.message,
            )
        if api.scorecard is not None:
            card = api.scorecard
            log.info(
                "%s scores %d (%s, %s), %d findings",
                card.api_id,
                card.score,
                card.grade,
                card.level or "no level",
                len(card.findings),
            )
    for source_name, finding in portal.findings:
        log.info("catalog: %s:%s %s", source_name, finding.location(), finding.message)
