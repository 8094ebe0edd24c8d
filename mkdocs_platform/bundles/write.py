"""Making the bundles of a scored portal, and publishing them to a folder or object storage."""

from __future__ import annotations

import dataclasses
import platform
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path
from typing import Any

from mkdocs_platform.bundles.format import (
    CATALOG_SUFFIX,
    SUFFIX,
    Bundle,
    BundledSdk,
    BundledSource,
    bundle_bytes,
)
from mkdocs_platform.bundles.storage import storage_for
from mkdocs_platform.models import ApiEntry, CatalogEntity, Portal, Source
from mkdocs_platform.openapi.fetch import FetchError, read_regular_file
from mkdocs_platform.scorecard.codeowners import MAX_CODEOWNERS_SIZE, find_codeowners
from mkdocs_platform.scorecard.report import api_json

SDK_SUFFIXES = (".py", ".pyi")
"""The files of an SDK package a bundle carries: what griffe reads."""


def _versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for package in ("mkdocs-platform", "openapi-spec-validator", "griffe"):
        versions[package] = _version(package)
    return versions


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "unknown"


def _text(path: Path, max_size: int) -> str | None:
    """The UTF-8 text of a regular file, or None when it is not one (the reading said so)."""
    try:
        return read_regular_file(path, max_size).decode("utf-8")
    except (FetchError, UnicodeDecodeError, OSError):
        return None


def _add(files: dict[str, str], root: Path, path: Path, max_size: int) -> None:
    try:
        rel = path.resolve().relative_to(root.resolve()).as_posix()
    except (ValueError, OSError):
        return  # outside the checkout: the reading refused it too
    if rel in files:
        return
    text = _text(path, max_size)
    if text is not None:
        files[rel] = text


def _sdk_files(api: ApiEntry) -> Iterable[Path]:
    for sdk in api.sdks:
        folder = sdk.settings.path
        package = folder.joinpath(*sdk.package.split("."))
        if package.is_dir():
            for path in sorted(package.rglob("*")):
                if path.suffix in SDK_SUFFIXES and path.is_file() and not path.is_symlink():
                    yield path
        for suffix in SDK_SUFFIXES:
            module = package.with_suffix(suffix)
            if module.is_file():
                yield module


def _entities(portal: Portal, api: ApiEntry) -> list[CatalogEntity]:
    """The catalog entities whose files the portal reads the API's relations from."""
    own = [api.catalog] if api.catalog is not None else []
    components = [c for c in portal.components if c.source == api.source.name]
    others = [a.catalog for a in portal.apis if a.source is api.source and a.catalog is not None]
    return [*own, *components, *others]


def _bundled_source(source: Source) -> BundledSource:
    settings = source.settings
    root = source.root
    return BundledSource(
        name=source.name,
        commit=source.commit,
        branch=source.branch,
        view_template=source.view_template,
        edit_template=source.edit_template,
        line_template=source.line_template,
        specs=settings.specs,
        exclude=settings.exclude,
        catalog=settings.catalog,
        sdks=tuple(
            BundledSdk(
                path=_relative(sdk.path, root),
                package=sdk.package,
                api=sdk.api,
                docstring_style=sdk.docstring_style,
            )
            for sdk in settings.sdks
        ),
        title=settings.title,
        owner=settings.owner,
        lifecycle=settings.lifecycle,
        system=settings.system,
    )


def _relative(path: Path, root: Path) -> str:
    if not path.is_absolute():
        return path.as_posix()
    try:
        return path.resolve().relative_to(root.resolve()).as_posix() or "."
    except ValueError:
        return path.as_posix()


def _sdk_inventory(api: ApiEntry) -> list[dict[str, Any]]:
    links = api.sdk_links
    inventory = []
    for sdk in api.sdks:
        calls = (
            {
                path: sorted(op.label for op in ops)
                for (package, path), ops in links.by_method.items()
                if package == sdk.package
            }
            if links is not None
            else {}
        )
        inventory.append(
            {
                "package": sdk.package,
                "loaded": sdk.loaded,
                "modules": [module.path for module in sdk.modules],
                "calls": dict(sorted(calls.items())),
            }
        )
    return inventory


def _entity_json(entity: CatalogEntity | None) -> dict[str, Any] | None:
    if entity is None:
        return None
    data = dataclasses.asdict(entity)
    return {k: list(v) if isinstance(v, tuple) else v for k, v in data.items()}


def make_bundle(portal: Portal, api: ApiEntry) -> Bundle:
    """The bundle of one API of a read and scored portal."""
    # Imported here: the validator's modules take a second to import, and a `check` that
    # publishes nothing must not pay for them.
    from mkdocs_platform.openapi.validate import RULE as VALIDATION_RULE

    root = api.source.root
    max_size = portal.settings.max_spec_size
    files: dict[str, str] = {}
    for path in api.files:
        _add(files, root, path, max_size)
    for entity in _entities(portal, api):
        _add(files, root, root / entity.file, max_size)
    codeowners = find_codeowners(root)
    if codeowners is not None:
        _add(files, root, codeowners, MAX_CODEOWNERS_SIZE)
    for path in _sdk_files(api):
        _add(files, root, path, max_size)
    return Bundle(
        api_id=api.id,
        spec_path=api.spec_path,
        source=_bundled_source(api.source),
        files=files,
        validation=tuple(f for f in api.findings if f.rule == VALIDATION_RULE),
        document=api.document,
        findings=tuple(api.findings),
        scorecard=api_json(api.scorecard) if api.scorecard is not None else None,
        catalog=_entity_json(api.catalog),
        sdks=tuple(_sdk_inventory(api)),
        producer=_versions(),
    )


def publish_bundles(
    portal: Portal, destination: str, storage_options: dict[str, Any] | None = None
) -> list[str]:
    """Write one bundle per API of the portal to `destination`; the locations written.

    Each bundle appears whole or not at all: a local file is written beside its place and
    renamed over it; an object store receives it in one upload.

    Raises:
        StorageError: when the destination cannot be written; the message names it.
    """
    storage = storage_for(destination, storage_options or {})
    written = []
    for api in portal.apis:
        data = bundle_bytes(make_bundle(portal, api))
        written.append(storage.write_whole(f"{api.id}{SUFFIX}", data))
    with_apis = {api.source.name for api in portal.apis}
    for name, components in _component_sources(portal).items():
        if name not in with_apis:
            data = bundle_bytes(make_catalog_bundle(portal, components))
            written.append(storage.write_whole(f"{name}{CATALOG_SUFFIX}", data))
    return written


def _component_sources(portal: Portal) -> dict[str, list[CatalogEntity]]:
    found: dict[str, list[CatalogEntity]] = {}
    for component in portal.components:
        found.setdefault(component.source, []).append(component)
    return found


def make_catalog_bundle(portal: Portal, components: list[CatalogEntity]) -> Bundle:
    """The bundle of a source that gives no API, only components providing or consuming
    others: without it the portal would not know who consumes its APIs."""
    source = portal_source(portal, components[0].source)
    files: dict[str, str] = {}
    for entity in components:
        _add(files, source.root, source.root / entity.file, portal.settings.max_spec_size)
    return Bundle(
        api_id="",
        spec_path="",
        source=_bundled_source(source),
        files=files,
        producer=_versions(),
    )


def portal_source(portal: Portal, name: str) -> Source:
    """The portal's source named `name`."""
    for source in portal.sources:
        if source.name == name:
            return source
    raise KeyError(name)
