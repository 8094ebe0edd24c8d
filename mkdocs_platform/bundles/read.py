"""Reading a source of bundles: each service's bundles unpacked into a checkout of their own.

The bundles of one service (one source name and commit) are unpacked together into
`cache_dir/bundles/<digest>/`, named by the digests of the bundles, and read from there by the
same pipeline as any checkout, except that their specs are not validated again: each bundle
brings its validator's findings. Bundles whose digests did not change since the last build
unpack to the same folder, which is kept, so the reading cache finds their readings unchanged.

Bundles are untrusted: a bundle that cannot be read, is damaged, is of a newer format,
clashes with another, or is left over from an older commit of its service is a finding naming
it, and the other bundles go on.
"""

from __future__ import annotations

import contextlib
import hashlib
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from mkdocs.plugins import get_plugin_logger

from mkdocs_platform.bundles.format import SUFFIX, Bundle, BundleError, parse_bundle
from mkdocs_platform.bundles.storage import Storage, StorageError, StoredBundle, storage_for
from mkdocs_platform.cache import StageCache, content_key
from mkdocs_platform.models import Finding, PortalSettings, Source, SourceSettings
from mkdocs_platform.models.portal import BundleOrigin
from mkdocs_platform.models.sdk import SdkSettings

log = get_plugin_logger(__name__)

BUNDLE_SIZE_FACTOR = 4
"""A bundle may hold this many times `max_spec_size`: the spec twice (as written and as
loaded) and the files beside it."""


@dataclass
class BundleSources:
    """The checkouts a source of bundles unpacked to, and what was wrong with its bundles."""

    sources: list[Source] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def bundle_finding(where: str, problem: str) -> Finding:
    """The finding for a bundle left out of the portal."""
    return Finding(
        rule="bundle",
        severity="error",
        finding_class="fetch",
        message=f"the bundle {where}: {problem}; it is left out of the portal",
        file=where,
        line=1,
    )


STAGE = "bundles"
"""The stage cache keeping what each bundle held, by where it is and its stamp."""


@dataclass
class _Member:
    """A bundle of a group, as read from `path` of the storage."""

    where: str
    stored: StoredBundle
    bundle: Bundle
    light: bool = False
    """Whether it came from the cache without its files (enough while its folder exists)."""


def _light(bundle: Bundle) -> Bundle:
    """The bundle without what the portal reads from its unpacked files."""
    return replace(bundle, files={}, document=None, findings=(), scorecard=None, sdks=())


def _read_member(
    storage: Storage, stored: StoredBundle, limit: int, store: StageCache | None
) -> _Member:
    """The bundle listed as `stored`: from the cache while its stamp is unchanged, else read
    whole.

    Raises:
        StorageError, BundleError: when it cannot be read or used.
    """
    where = storage.display(stored.path)
    stamp = stored.stamp
    key = content_key(STAGE, where, stamp, limit) if store is not None and stamp else None
    if key is not None and store is not None:
        kept = store.get(STAGE, key)
        if isinstance(kept, Bundle):
            log.debug("bundle %s: unchanged since it was read, not read again", where)
            return _Member(where, stored, kept, light=True)
    bundle = parse_bundle(storage.read(stored.path, limit))
    if key is not None and store is not None:
        store.put(STAGE, key, _light(bundle))
    return _Member(where, stored, bundle)


def read_bundles(
    settings: SourceSettings, portal: PortalSettings, store: StageCache | None = None
) -> BundleSources:
    """Every usable bundle of the source, unpacked into checkouts grouped by service.

    With `store`, a bundle whose stamp (size and time, or the object store's ETag) did not
    change since a build read it is not read again; while its service's folder is unpacked
    already, it costs no work.

    Raises:
        StorageError: when the location cannot be reached or listed at all.
    """
    result = BundleSources()
    storage = storage_for(settings.bundles or "", dict(settings.storage_options))
    limit = portal.max_spec_size * BUNDLE_SIZE_FACTOR
    found = storage.list_bundles(SUFFIX)
    if not found:
        log.warning("source '%s': no bundle found at %s", settings.name, storage.location)
    members: list[_Member] = []
    for stored in found:
        try:
            member = _read_member(storage, stored, limit, store)
        except (StorageError, BundleError) as exc:
            result.findings.append(bundle_finding(storage.display(stored.path), str(exc)))
            continue
        members.append(member)
    api_ids: dict[str, str] = {}
    groups: dict[tuple[str, str | None], list[_Member]] = {}
    for member in _newest_of_each_source(members, result.findings):
        bundle = member.bundle
        other = api_ids.get(bundle.api_id)
        if other is not None:
            result.findings.append(
                bundle_finding(
                    member.where, f"it gives the API id '{bundle.api_id}', as {other} does"
                )
            )
            continue
        if bundle.api_id:
            api_ids[bundle.api_id] = member.where
        groups.setdefault((bundle.source.name, bundle.source.commit), []).append(member)
    for group in groups.values():
        source = _unpack(group, storage, limit, portal.cache_dir, result.findings)
        if source is not None:
            result.sources.append(source)
    for finding in result.findings:
        log.warning("source '%s': %s", settings.name, finding.message)
    return result


def _newest_of_each_source(members: list[_Member], findings: list[Finding]) -> list[_Member]:
    """The members of each source's newest commit, in the order listed; the bundles a source
    published at an older commit (an API since renamed or removed) are findings.

    Newest is the commit whose bundles were written last, as the storage says; where it says
    nothing, the commit listed first.
    """
    commits: dict[str, dict[str | None, float]] = {}
    for member in members:
        source = member.bundle.source
        written = commits.setdefault(source.name, {})
        modified = member.stored.modified
        when = modified if modified is not None else float("-inf")
        written[source.commit] = max(written.get(source.commit, when), when)
    newest = {
        name: max(written, key=lambda commit: written[commit]) for name, written in commits.items()
    }
    kept = []
    for member in members:
        source = member.bundle.source
        if source.commit == newest[source.name]:
            kept.append(member)
            continue
        findings.append(
            bundle_finding(
                member.where,
                f"it is of source '{source.name}' at commit {_short(source.commit)}, older than "
                f"the bundles of commit {_short(newest[source.name])}; delete it if that source "
                "no longer has this API",
            )
        )
    return kept


def _short(commit: str | None) -> str:
    return commit[:12] if commit else "(none)"


def _group_digest(members: Sequence[_Member]) -> str:
    digest = hashlib.sha256()
    for member in sorted(members, key=lambda m: m.bundle.digest):
        digest.update(member.bundle.digest.encode("ascii"))
    return digest.hexdigest()[:40]


def _whole(
    members: list[_Member], storage: Storage, limit: int, findings: list[Finding]
) -> list[_Member]:
    """The members with their files: those that came from the cache are read again."""
    whole = []
    for member in members:
        if not member.light:
            whole.append(member)
            continue
        try:
            bundle = parse_bundle(storage.read(member.stored.path, limit))
        except (StorageError, BundleError) as exc:
            findings.append(bundle_finding(member.where, str(exc)))
            continue
        whole.append(replace(member, bundle=bundle, light=False))
    return whole


def _unpack(
    members: list[_Member], storage: Storage, limit: int, cache_dir: Path, findings: list[Finding]
) -> Source | None:
    """The checkout of a group's files, unpacked once; None when it cannot be."""
    folder = cache_dir / "bundles" / _group_digest(members)
    kept = members
    if not folder.is_dir():
        files: dict[str, str] = {}
        kept = []
        for member in _whole(members, storage, limit, findings):
            clash = next(
                (n for n, text in member.bundle.files.items() if files.get(n, text) != text), None
            )
            if clash is not None:
                findings.append(
                    bundle_finding(
                        member.where, f"it holds another {clash!r} than the bundles beside it"
                    )
                )
                continue
            files.update(member.bundle.files)
            kept.append(member)
        if not kept:
            return None
        folder = cache_dir / "bundles" / _group_digest(kept)
        try:
            _write_tree(folder, files)
        except (OSError, UnicodeError) as exc:
            problem = f"it cannot be unpacked ({exc})"
            findings.extend(bundle_finding(member.where, problem) for member in kept)
            return None
    first = kept[0].bundle.source
    settings = SourceSettings(
        name=first.name,
        path=folder,
        specs=first.specs,
        exclude=first.exclude,
        catalog=first.catalog,
        sdks=tuple(
            SdkSettings(
                path=Path(sdk.path),
                package=sdk.package,
                api=sdk.api,
                docstring_style=sdk.docstring_style,
            )
            for sdk in first.sdks
        ),
        title=first.title,
        owner=first.owner,
        lifecycle=first.lifecycle,
        system=first.system,
    )
    return Source(
        settings=settings,
        root=folder.resolve(),
        commit=first.commit,
        branch=first.branch,
        view_template=first.view_template,
        edit_template=first.edit_template,
        line_template=first.line_template,
        bundle=BundleOrigin(
            locations=tuple(member.where for member in kept),
            validation=tuple((m.bundle.api_id, m.bundle.validation) for m in kept),
        ),
    )


def _write_tree(folder: Path, files: dict[str, str]) -> None:
    """Unpack `files` into `folder`, whole: into a temporary folder renamed into place, so
    that a folder that exists is complete."""
    if folder.is_dir():
        return
    folder.parent.mkdir(parents=True, exist_ok=True)
    temporary = Path(tempfile.mkdtemp(prefix=".unpacking-", dir=folder.parent))
    try:
        for name, text in files.items():
            target = temporary.joinpath(*name.split("/"))
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(text.encode("utf-8"))
        temporary.rename(folder)
    finally:
        with contextlib.suppress(OSError):
            shutil.rmtree(temporary)


def prune_unpacked(cache_dir: Path, used: set[Path]) -> None:
    """Remove the unpacked folders this build did not use: bundles since replaced."""
    folder = cache_dir / "bundles"
    try:
        entries = list(folder.iterdir())
    except OSError:
        return
    for entry in entries:
        # A folder another build is unpacking right now starts with '.': left alone.
        unpacking = entry.name.startswith(".")
        if (
            not unpacking
            and entry.is_dir()
            and not entry.is_symlink()
            and entry.resolve() not in used
        ):
            shutil.rmtree(entry, ignore_errors=True)
