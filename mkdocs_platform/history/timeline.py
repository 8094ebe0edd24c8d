"""The history stage: what earlier builds recorded of each API, what changed since them and
between its releases, and, once the site is written, this build's records."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from itertools import pairwise
from pathlib import Path
from typing import Any

from mkdocs.plugins import get_plugin_logger

from mkdocs_platform.cache import StageCache, content_key
from mkdocs_platform.changes import compare_versions
from mkdocs_platform.errors import HistoryError, PlatformError
from mkdocs_platform.history.records import api_record, portfolio_record, spec_hash
from mkdocs_platform.history.store import (
    load_sdk_surface,
    load_spec_document,
    read_history,
    write_history,
)
from mkdocs_platform.models import ApiEntry, Finding, Portal, Source
from mkdocs_platform.models.api import ApiModel
from mkdocs_platform.models.changes import ApiChanges, Change, Comparison, ComparisonKind
from mkdocs_platform.models.history import ApiRecord
from mkdocs_platform.models.sdk import SdkModel, SdkSettings
from mkdocs_platform.openapi import read_spec
from mkdocs_platform.openapi.normalize import normalize
from mkdocs_platform.scorecard.portfolio import build_portfolio
from mkdocs_platform.sdk.breakage import (
    SdkUnavailableError,
    sdk_breakages,
    sdk_breakages_from_surface,
    sdk_surface,
)
from mkdocs_platform.sources.git import GitError
from mkdocs_platform.sources.releases import Release, list_releases, release_tree

log = get_plugin_logger(__name__)

MAX_RELEASES = 20
"""Releases compared per source: the newest; older ones cost time and tell little new."""

MAX_BUILD_COMPARISONS = 20
"""Spec changes between recorded builds listed per API, the newest."""

THIS_BUILD = "this build"
"""The label of the newer version when it is the one being built."""

_STAGE = "changes"


@dataclass
class _Version:
    """One version of an API: its name, how to read its model, and where it comes from."""

    label: str
    read: Callable[[], ApiModel | None]
    """Reads its model; only called when the comparison is not in the cache."""
    at: datetime | None = None
    commit: str | None = None
    key: str = ""
    """What identifies its content (a spec hash, or a commit and path) for the cache."""


@dataclass
class _Release:
    """A release of a source with the folder holding its tree, or why there is none."""

    release: Release
    tree: Path | None
    problem: str = ""


@dataclass
class _Run:
    """What one run of the stage shares between APIs."""

    portal: Portal
    store: StageCache | None
    stored_models: dict[str, ApiModel | None] = field(default_factory=dict)
    releases: dict[str, tuple[list[_Release], str]] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)


def _when(moment: datetime) -> str:
    """How a build is named on pages: `2026-11-30 09:30 UTC`."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def has_git_history(source: Source) -> bool:
    """Whether the source's releases can be listed: a git source, or a local git checkout."""
    return bool(source.settings.git) or (source.root / ".git").exists()


def _source_releases(run: _Run, source: Source) -> tuple[list[_Release], str]:
    """The newest releases of a source with their trees, and a note when they cannot be had."""
    if source.name in run.releases:
        return run.releases[source.name]
    settings = run.portal.settings
    result: tuple[list[_Release], str] = ([], "")
    if has_git_history(source):
        try:
            found = list_releases(source, settings.cache_dir, settings.offline)
        except GitError as exc:
            result = ([], f"the releases could not be listed: {exc}")
        else:
            kept = []
            for release in found[-MAX_RELEASES:]:
                try:
                    tree = release_tree(source, release, settings.cache_dir, settings.offline)
                except GitError as exc:
                    kept.append(_Release(release, None, str(exc)))
                    continue
                kept.append(_Release(release, tree))
            result = (kept, found.reason)
    run.releases[source.name] = result
    return result


def _model_of(api: ApiEntry) -> ApiModel | None:
    return api.model


def _stored_model(run: _Run, digest: str) -> ApiModel | None:
    """The model of the spec the history keeps under `digest`, read once per run."""
    if digest not in run.stored_models:
        settings = run.portal.settings
        document, problem = load_spec_document(settings.history, digest, settings.max_spec_size)
        if problem is not None:
            run.findings.append(problem)
        run.stored_models[digest] = normalize(document) if document is not None else None
    return run.stored_models[digest]


def _release_model(run: _Run, api: ApiEntry, release: _Release) -> ApiModel | None:
    """The API's model at a release: its spec read from the release's tree, when it has it."""
    if release.tree is None:
        return None
    path = release.tree / api.spec_path
    if not path.is_file():
        return None
    settings = run.portal.settings
    reading = read_spec(path, release.tree, settings.max_spec_size, settings.allow_hosts)
    return reading.model if reading is not None else None


def _compare(
    run: _Run,
    kind: ComparisonKind,
    old: _Version,
    new: _Version,
    sdk_changes: Callable[[], Sequence[Change]],
) -> Comparison | None:
    """The comparison of two versions, from the cache when the same pair was compared before;
    None when either cannot be read."""
    cached = run.store is not None and bool(old.key) and bool(new.key)
    key = content_key(_STAGE, kind, old.key, new.key, old.label, new.label, old.at, new.at)
    if run.store is not None and cached:
        kept = run.store.get(_STAGE, key)
        if isinstance(kept, Comparison):
            return kept
    old_model, new_model = old.read(), new.read()
    if old_model is None or new_model is None:
        return None
    comparison = compare_versions(
        kind,
        old.label,
        new.label,
        old_model,
        new_model,
        at=new.at,
        old_commit=old.commit,
        new_commit=new.commit,
        sdk_changes=tuple(sdk_changes()),
    )
    if run.store is not None and cached:
        run.store.put(_STAGE, key, comparison)
    return comparison


def _relative_sdks(api: ApiEntry) -> list[SdkSettings]:
    """The API's SDKs with their paths relative to the source root, as in every tree of it."""
    result = []
    for sdk in api.sdks:
        path = sdk.settings.path
        if path.is_absolute():
            try:
                path = path.relative_to(api.source.root)
            except ValueError:
                continue
        result.append(
            SdkSettings(path, sdk.package, sdk.settings.api, sdk.settings.docstring_style)
        )
    return result


def _release_sdk_changes(
    api: ApiEntry, old: _Release, new: _Release, notes: list[str]
) -> list[Change]:
    changes: list[Change] = []
    if old.tree is None or new.tree is None:
        return changes
    for sdk in _relative_sdks(api):
        if not (old.tree / sdk.path).exists():
            continue
        try:
            changes.extend(sdk_breakages(old.tree, new.tree, sdk))
        except SdkUnavailableError as exc:
            notes.append(f"{sdk.package} between {old.release.tag} and {new.release.tag}: {exc}")
    return changes


def _release_comparisons(run: _Run, api: ApiEntry, notes: list[str]) -> list[Comparison]:
    releases, reason = _source_releases(run, api.source)
    if reason:
        notes.append(f"releases of source '{api.source.name}': {reason}")
    comparisons = []
    previous: tuple[_Release, _Version] | None = None
    for release in releases:
        if release.problem:
            notes.append(release.problem)
        if release.tree is None or not (release.tree / api.spec_path).is_file():
            # The API did not exist yet at this release (or its tree could not be had).
            previous = None
            continue
        version = _Version(
            label=release.release.tag,
            read=functools.partial(_release_model, run, api, release),
            at=release.release.time,
            commit=release.release.commit,
            key=f"{release.release.commit}:{api.spec_path}",
        )
        if previous is not None:
            old_release, old_version = previous
            sdk_changes = functools.partial(_release_sdk_changes, api, old_release, release, notes)
            comparison = _compare(run, "release", old_version, version, sdk_changes)
            if comparison is not None:
                comparisons.append(comparison)
        previous = (release, version)
    return comparisons


def _build_sdk_changes(run: _Run, api: ApiEntry, old: ApiRecord, notes: list[str]) -> list[Change]:
    """What broke in the API's SDKs since the build that recorded `old`."""
    changes: list[Change] = []
    settings = run.portal.settings
    for digest in old.sdk_hashes:
        surface, problem = load_sdk_surface(settings.history, digest, settings.max_spec_size)
        if problem is not None:
            run.findings.append(problem)
        if not isinstance(surface, dict):
            continue
        current = api.sdk_surfaces.get(str(surface.get("package")))
        if current is None:
            continue
        try:
            changes.extend(sdk_breakages_from_surface(surface, current))
        except SdkUnavailableError as exc:
            notes.append(f"{surface.get('package')} since the build of {_when(old.time)}: {exc}")
    return changes


def _build_comparisons(
    run: _Run, api: ApiEntry, current_hash: str, notes: list[str]
) -> list[Comparison]:
    """The spec's changes between consecutive recorded builds, and from the last one to this."""
    steps: list[tuple[ApiRecord | None, str, datetime]] = [
        (record, record.spec_hash, record.time) for record in api.history if record.spec_hash
    ]
    if current_hash:
        steps.append((None, current_hash, run.portal.built_at))
    pairs = [(old, new) for old, new in pairwise(steps) if old[1] != new[1]]
    pairs = pairs[-MAX_BUILD_COMPARISONS:]
    comparisons = []
    for (old_record, old_hash, old_time), (new_record, new_hash, new_time) in pairs:
        old_release = old_record.release if old_record is not None else ""
        if old_release and new_record is not None and new_record.release:
            # Two releases scored by `history backfill`: the release comparisons show them.
            continue
        old = _Version(
            old_release or _when(old_time),
            functools.partial(_stored_model, run, old_hash),
            old_time,
            key=old_hash,
        )
        if new_record is None:
            new = _Version(
                THIS_BUILD, functools.partial(_model_of, api), new_time, api.source.commit
            )
            new.key = new_hash
        else:
            new = _Version(
                _when(new_time),
                functools.partial(_stored_model, run, new_hash),
                new_time,
                key=new_hash,
            )
        if old_record is not None:
            old.commit = old_record.commit
        if new_record is not None:
            new.commit = new_record.commit
        sdk_changes: Callable[[], Sequence[Change]] = (
            functools.partial(_build_sdk_changes, run, api, old_record, notes)
            if new_record is None and old_record is not None
            else tuple
        )
        comparison = _compare(run, "build", old, new, sdk_changes)
        if comparison is not None:
            comparisons.append(comparison)
    return comparisons


def _spec_changed_at(api: ApiEntry, current_hash: str, now: datetime) -> datetime | None:
    """When the spec took its current content, as far as the history tells; None without one."""
    if not current_hash or not api.history:
        return None
    since = now
    for record in reversed(api.history):
        if record.spec_hash != current_hash:
            break
        since = record.time
    return since


def _keep_sdk_surface(api: ApiEntry, sdk: SdkModel, notes: list[str]) -> None:
    """Keep the SDK's API on the entry, for the history and the next build's comparison."""
    try:
        api.sdk_surfaces[sdk.package] = sdk_surface(api.source.root, sdk.settings)
    except SdkUnavailableError as exc:
        notes.append(f"{sdk.package} cannot be kept for the next build's comparison: {exc}")


def _newest_first(comparisons: list[Comparison]) -> tuple[Comparison, ...]:
    """Newest first by time; releases made at one time (tags of one moment) by release order,
    which is the order they were compared in."""
    order = {id(c): i for i, c in enumerate(comparisons)}
    undated = datetime.min.replace(tzinfo=timezone.utc)
    return tuple(sorted(comparisons, key=lambda c: (c.at or undated, order[id(c)]), reverse=True))


def attach_history(portal: Portal, store: StageCache | None = None) -> None:
    """Give every API of the portal its history and its changes.

    Reads the history folder (when `history.path` is set), compares each API's spec with the
    ones earlier builds recorded, and compares the specs (and SDKs) of consecutive release tags
    of its source. Nothing here fails the build: what cannot be read or compared is a finding
    of the portal or a note on the API's changes page.
    """
    settings = portal.settings
    run = _Run(portal, store)
    if settings.history.path is not None:
        portal.history = read_history(settings.history, settings.max_spec_size)
        run.findings.extend(portal.history.findings)
    for api in portal.apis:
        api.history = list(portal.history.apis.get(api.id, []))
        notes: list[str] = []
        current_hash = spec_hash(api.document) if api.model is not None else ""
        if settings.history.path is not None:
            for sdk in api.sdks:
                _keep_sdk_surface(api, sdk, notes)
        comparisons: list[Comparison] = []
        try:
            comparisons.extend(_build_comparisons(run, api, current_hash, notes))
            if api.model is not None:
                comparisons.extend(_release_comparisons(run, api, notes))
        except PlatformError as exc:
            notes.append(str(exc))
        api.changes = ApiChanges(_newest_first(comparisons), tuple(dict.fromkeys(notes)))
        api.spec_changed_at = _spec_changed_at(api, current_hash, portal.built_at)
    portal.history.findings = run.findings
    portal.findings.extend(("history", finding) for finding in run.findings)


def record_build(portal: Portal) -> None:
    """Append this build's records to the history folder, when there is one to write.

    A folder that cannot be written is a warning: the site is complete all the same.
    """
    settings = portal.settings.history
    if settings.path is None or not settings.write:
        return
    scored = [api for api in portal.apis if api.scorecard is not None]
    cards = [api.scorecard for api in scored if api.scorecard is not None]
    specs: dict[str, Any] = {}
    sdks: dict[str, Any] = {}
    records = []
    for api in scored:
        assert api.scorecard is not None  # noqa: S101 - filtered above
        sdk_hashes = []
        for surface in api.sdk_surfaces.values():
            digest = spec_hash(surface)
            sdks[digest] = surface
            sdk_hashes.append(digest)
        record = api_record(api, api.scorecard, portal.built_at, sdk_hashes=sdk_hashes)
        if record.spec_hash:
            specs[record.spec_hash] = api.document
        records.append(record)
    portfolio = portfolio_record(build_portfolio(cards), portal.built_at)
    try:
        problems = write_history(
            settings, records, portfolio, specs, sdks, max_size=portal.settings.max_spec_size
        )
    except HistoryError as exc:
        log.warning("%s; this build is not recorded in the history", exc)
        return
    # The same files were findings of this build already (on the catalog page): a corrupt or
    # newer file must not fail a strict build, whose site is complete.
    for problem in problems:
        log.info("%s: %s", problem.location(), problem.message)
