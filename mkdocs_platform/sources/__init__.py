"""Sources: the checkouts APIs are read from, local or fetched from git."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from mkdocs.plugins import get_plugin_logger

from mkdocs_platform.errors import PlatformError
from mkdocs_platform.models import PortalSettings, Source, SourceSettings
from mkdocs_platform.sources.git import GitError, fetch_git_source, read_local_head
from mkdocs_platform.sources.links import default_templates, expand, origin_url

log = get_plugin_logger(__name__)


class SourceError(PlatformError):
    """A source that cannot be made available; the message names it."""


def _local(settings: SourceSettings, path: Path) -> Source:
    commit, branch = read_local_head(path)
    defaults = default_templates(settings.git or origin_url(path))
    return Source(
        settings=settings,
        root=path.resolve(),
        commit=commit,
        branch=branch,
        view_template=settings.view_url or defaults.view,
        edit_template=settings.edit_url or defaults.edit,
        line_template="" if settings.view_url else defaults.line,
    )


def _git(settings: SourceSettings, cache_dir: Path, offline: bool) -> Source:
    try:
        checkout = fetch_git_source(settings, cache_dir, offline)
    except GitError as exc:
        raise SourceError(f"source '{settings.name}': {exc}") from None
    if checkout.stale:
        log.warning(
            "source '%s' could not be fetched (%s); building from its stale cached "
            "checkout of commit %s",
            settings.name,
            checkout.reason,
            checkout.commit[:12],
        )
    defaults = default_templates(settings.git)
    return Source(
        settings=settings,
        root=checkout.root.resolve(),
        commit=checkout.commit,
        branch=checkout.branch,
        stale=checkout.stale,
        stale_reason=checkout.reason,
        remote_tags=checkout.tags,
        view_template=settings.view_url or defaults.view,
        edit_template=settings.edit_url or defaults.edit,
        line_template="" if settings.view_url else defaults.line,
    )


def _resolve(settings: SourceSettings, portal: PortalSettings) -> Source:
    # A local path wins when it exists: it is the developer's own checkout.
    if settings.path is not None and settings.path.is_dir():
        return _local(settings, settings.path)
    if settings.git:
        return _git(settings, portal.cache_dir, portal.offline)
    raise SourceError(
        f"source '{settings.name}': the path {settings.path} is not an existing directory"
    )


def resolve_sources(settings: PortalSettings) -> list[Source]:
    """A ready checkout for every configured source, git ones fetched `concurrency` at a time;
    sources of bundles are the business of `bundles.read`.

    Raises:
        SourceError: when a source cannot be made available (the first such, by config order).
    """
    checkouts = [s for s in settings.sources if s.bundles is None]
    with ThreadPoolExecutor(max_workers=max(1, settings.concurrency)) as pool:
        futures = [pool.submit(_resolve, s, settings) for s in checkouts]
    # Every fetch has finished here; the first failure in config order is the one reported.
    return [future.result() for future in futures]


def file_links(source: Source, path: str, line: int | None = None) -> tuple[str | None, str | None]:
    """(view URL at the commit, edit URL on the branch) of a file of the source, where known."""
    view = expand(
        source.view_template, path=path, commit=source.commit, ref=source.branch or source.commit
    )
    if view and line and source.line_template:
        view += source.line_template.replace("{line}", str(line))
    edit = expand(source.edit_template, path=path, commit=source.commit, ref=source.branch)
    if source.branch is None:
        edit = None  # a commit or a tag cannot be edited
    return view, edit
