"""Reading a source of bundles: each service's bundles unpacked into a checkout of their own.

The bundles of one service (one source name and commit) are unpacked together into
`cache_dir/bundles/<digest>/`, named by the digests of the bundles, and read from there by the
same pipeline as any checkout, except that their specs are not validated again: each bundle
brings its validator's findings. Bundles whose digests did not change since the last build
unpack to the same folder, which is kept, so the reading cache finds their readings unchanged.

Bundles are untrusted: a bundle that cannot be read, is damaged, is of a newer format, or
clashes with another is a finding naming it, and the other bundles go on.
"""

from __future__ import annotations

import contextlib
import hashlib
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs.plugins import get_plugin_logger

from mkdocs_platform.bundles.format import SUFFIX, Bundle, BundleError, parse_bundle
from mkdocs_platform.bundles.storage import StorageError, storage_for
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


@dataclass
class _Group:
    """The bundles of one service at one commit."""

    bundles: list[tuple[str, Bundle]] = field(default_factory=list)


def read_bundles(settings: SourceSettings, portal: PortalSettings) -> BundleSources:
    """Every usable bundle of the source, unpacked into checkouts grouped by service.

    Raises:
        StorageError: when the location cannot be reached or listed at all.
    """
    result = BundleSources()
    storage = storage_for(settings.bundles or "", dict(settings.storage_options))
    limit = portal.max_spec_size * BUNDLE_SIZE_FACTOR
    groups: dict[tuple[str, str | None], _Group] = {}
    api_ids: dict[str, str] = {}
    paths = storage.bundle_paths(SUFFIX)
    if not paths:
        log.warning("source '%s': no bundle found at %s", settings.name, storage.location)
    for path in paths:
        where = storage.display(path)
        try:
            bundle = parse_bundle(storage.read(path, limit))
        except (StorageError, BundleError) as exc:
            result.findings.append(bundle_finding(where, str(exc)))
            continue
        other = api_ids.get(bundle.api_id)
        if other is not None:
            result.findings.append(
                bundle_finding(where, f"it gives the API id '{bundle.api_id}', as {other} does")
            )
            continue
        api_ids[bundle.api_id] = where
        groups.setdefault((bundle.source.name, bundle.source.commit), _Group()).bundles.append(
            (where, bundle)
        )
    names: dict[str, str | None] = {}
    for (name, commit), group in groups.items():
        if name in names:
            for where, _ in group.bundles:
                result.findings.append(
                    bundle_finding(
                        where,
                        f"it is of source '{name}' at commit {str(commit)[:12]}, but bundles of "
                        f"that source at commit {str(names[name])[:12]} are read already",
                    )
                )
            continue
        names[name] = commit
        source = _unpack(group, portal.cache_dir, result.findings)
        if source is not None:
            result.sources.append(source)
    for finding in result.findings:
        log.warning("source '%s': %s", settings.name, finding.message)
    return result


def _group_digest(bundles: Sequence[tuple[str, Bundle]]) -> str:
    digest = hashlib.sha256()
    for _, bundle in sorted(bundles, key=lambda item: item[1].digest):
        digest.update(bundle.digest.encode("ascii"))
    return digest.hexdigest()[:40]


def _unpack(group: _Group, cache_dir: Path, findings: list[Finding]) -> Source | None:
    """The checkout of a group's files, unpacked once; None when it cannot be."""
    files: dict[str, str] = {}
    kept: list[tuple[str, Bundle]] = []
    for where, bundle in group.bundles:
        clash = next(
            (name for name, text in bundle.files.items() if files.get(name, text) != text), None
        )
        if clash is not None:
            findings.append(
                bundle_finding(where, f"it holds another {clash!r} than the bundles beside it")
            )
            continue
        files.update(bundle.files)
        kept.append((where, bundle))
    if not kept:
        return None
    folder = cache_dir / "bundles" / _group_digest(kept)
    try:
        _write_tree(folder, files)
    except (OSError, UnicodeError) as exc:
        for where, _ in kept:
            findings.append(bundle_finding(where, f"it cannot be unpacked ({exc})"))
        return None
    first = kept[0][1].source
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
            locations=tuple(where for where, _ in kept),
            validation=tuple((bundle.api_id, bundle.validation) for _, bundle in kept),
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
