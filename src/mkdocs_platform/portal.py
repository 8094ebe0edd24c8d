"""The core pipeline: settings in, a `Portal` of located, validated, normalized APIs out."""

from __future__ import annotations

import logging

from mkdocs_platform.discovery.ids import RESERVED_IDS, default_api_id
from mkdocs_platform.discovery.specs import find_spec_files, missing_explicit_specs
from mkdocs_platform.models import ApiEntry, Portal, PortalSettings, Source, SpecFile
from mkdocs_platform.openapi import read_spec
from mkdocs_platform.sources import resolve_sources

log = logging.getLogger("mkdocs.plugins.mkdocs_platform")


class PortalError(Exception):
    """A mistake the user must fix before the portal can be built; the message says which."""


def _read_source(source: Source, settings: PortalSettings) -> list[tuple[SpecFile, ApiEntry]]:
    missing = missing_explicit_specs(source)
    if missing:
        raise PortalError(
            f"source '{source.name}': the spec {missing[0]!r} named in 'specs' does not exist"
        )
    entries = []
    for spec in find_spec_files(source):
        reading = read_spec(spec.path, source.root, settings.max_spec_size, settings.allow_hosts)
        if reading is None:
            log.info(
                "source '%s': %s has no top-level 'openapi' or 'swagger' key; it is not an API",
                source.name,
                spec.rel_path,
            )
            continue
        entry = ApiEntry(
            id="",
            source=source,
            spec_path=spec.rel_path,
            model=reading.model,
            document=reading.document,
            findings=reading.findings,
        )
        entries.append((spec, entry))
    only = len(entries) == 1
    for spec, entry in entries:
        entry.id = spec.api_id or default_api_id(source.name, spec.rel_path, only)
    return entries


def _check_ids(entries: list[tuple[SpecFile, ApiEntry]]) -> None:
    seen: dict[str, ApiEntry] = {}
    for _, entry in entries:
        where = f"{entry.source.name}:{entry.spec_path}"
        if entry.id in RESERVED_IDS:
            raise PortalError(
                f"source '{entry.source.name}': the API in {entry.spec_path} would get the id "
                f"'{entry.id}', which is reserved; give it another with a specs item "
                "{path: ..., id: ...}"
            )
        other = seen.get(entry.id)
        if other is not None:
            raise PortalError(
                f"two APIs have the id '{entry.id}': {other.source.name}:{other.spec_path} and "
                f"{where}; give one of them another id with a specs item {{path: ..., id: ...}}"
            )
        seen[entry.id] = entry


def build_portal(settings: PortalSettings) -> Portal:
    """Resolve sources, find and read every spec, and check the result is consistent.

    Raises:
        PortalError: on a mistake in the configuration (a missing spec, clashing ids).
        SourceError: when a source cannot be made available (it names the source and why).
    """
    sources = resolve_sources(settings)
    entries: list[tuple[SpecFile, ApiEntry]] = []
    for source in sources:
        entries.extend(_read_source(source, settings))
    _check_ids(entries)
    apis = sorted((entry for _, entry in entries), key=lambda e: e.id)
    for api in apis:
        for finding in api.findings:
            log.info("%s: %s:%s %s", api.id, api.source.name, finding.location(), finding.message)
    return Portal(settings=settings, apis=apis)
