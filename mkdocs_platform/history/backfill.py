"""`history backfill`: each release tag of every git source scored as a past build, so that a
new portal starts with a trend."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from mkdocs_platform.cache import StageCache
from mkdocs_platform.changes import compare_versions
from mkdocs_platform.errors import PlatformError, PortalError
from mkdocs_platform.history.records import api_record
from mkdocs_platform.history.store import write_history
from mkdocs_platform.history.timeline import MAX_RELEASES, has_git_history
from mkdocs_platform.models import Finding, PortalSettings, Source
from mkdocs_platform.models.api import ApiModel
from mkdocs_platform.models.changes import ApiChanges
from mkdocs_platform.models.history import ApiRecord
from mkdocs_platform.portal import read_portal, score_portal
from mkdocs_platform.sources import resolve_sources
from mkdocs_platform.sources.releases import Release, list_releases, release_tree


@dataclass
class SourceBackfill:
    """What backfilling one source did."""

    source: str
    releases: list[str] = field(default_factory=list)
    """The release tags scored, oldest first."""
    records: int = 0
    """Records written (one per API a release has)."""
    notes: list[str] = field(default_factory=list)
    """Releases left out, and why."""


@dataclass
class Backfill:
    """What `history backfill` did, source by source."""

    sources: list[SourceBackfill] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    """History files left as they were because they cannot be read."""


def _score_release(
    settings: PortalSettings,
    past: Source,
    release: Release,
    previous: dict[str, tuple[str, ApiModel]],
    store: StageCache | None,
) -> tuple[list[tuple[ApiRecord, Any]], dict[str, tuple[str, ApiModel]]]:
    """The records of one release's APIs, and their models for the next release to compare."""
    portal = read_portal(settings, sources=[past])
    models: dict[str, tuple[str, ApiModel]] = {}
    for api in portal.apis:
        if api.model is None:
            continue
        models[api.id] = (release.tag, api.model)
        before = previous.get(api.id)
        if before is not None:
            comparison = compare_versions(
                "release",
                before[0],
                release.tag,
                before[1],
                api.model,
                at=release.time,
                new_commit=release.commit,
            )
            api.changes = ApiChanges((comparison,))
    score_portal(portal, complete=False, store=store)
    records = []
    for api in portal.apis:
        if api.scorecard is None:
            continue
        record = api_record(api, api.scorecard, release.time, release=release.tag)
        records.append((record, api.document))
    return records, models


def backfill_history(settings: PortalSettings, store: StageCache | None = None) -> Backfill:
    """Score each release tag of every git source into the history folder.

    A release scored before is scored again and its record replaced, so running it twice keeps
    one record per release.

    Raises:
        PortalError: when the settings name no history folder.
        HistoryError: when the history folder cannot be written.
        SourceError: when a source cannot be made available.
    """
    if settings.history.path is None:
        raise PortalError(
            "no history folder is configured: set history: {path: ...} in the platform "
            "plugin's options"
        )
    result = Backfill()
    for source in resolve_sources(settings):
        done = SourceBackfill(source.name)
        result.sources.append(done)
        if not has_git_history(source):
            done.notes.append("not a git repository: it has no release tags")
            continue
        found = list_releases(source, settings.cache_dir, settings.offline)
        if found.reason:
            done.notes.append(found.reason)
        previous: dict[str, tuple[str, ApiModel]] = {}
        for release in found[-MAX_RELEASES:]:
            try:
                tree = release_tree(source, release, settings.cache_dir, settings.offline)
                past = dataclasses.replace(
                    source, root=tree, commit=release.commit, branch=None, stale=False
                )
                records, previous = _score_release(settings, past, release, previous, store)
            except PlatformError as exc:
                done.notes.append(f"{release.tag}: {exc}")
                continue
            specs = {record.spec_hash: document for record, document in records if record.spec_hash}
            result.findings.extend(
                write_history(
                    settings.history,
                    [record for record, _ in records],
                    None,
                    specs,
                    {},
                    max_size=settings.max_spec_size,
                )
            )
            done.releases.append(release.tag)
            done.records += len(records)
    return result
