"""Backstage `catalog-info.yaml` files: API entities, the components around them, their relations.

Each `kind: API` entity with `spec.type: openapi` is an API; its definition comes inline or by a
`$text` / `$json` / `$yaml` substitution relative to the catalog file (URLs only on
`allow_hosts`). `kind: Component` entities relate services to APIs through `providesApis` and
`consumesApis`. Every problem is a located finding; nothing here raises on bad input.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mkdocs.plugins import get_plugin_logger

from mkdocs_platform.models import (
    ApiEntry,
    CatalogEntity,
    Finding,
    PortalSettings,
    Severity,
    Source,
)
from mkdocs_platform.models.findings import internal_finding
from mkdocs_platform.openapi import (
    LoadedFile,
    LoadError,
    ReadingCache,
    SpecReading,
    embedded_text_offsets,
    load_yaml_documents,
    read_embedded,
    read_spec,
)
from mkdocs_platform.openapi.fetch import FetchError, fetch_url, regular_file_inside

log = get_plugin_logger(__name__)

CATALOG_FILE = re.compile(r"^catalog-info\.ya?ml$")
"""The file names read as catalog files."""

KNOWN_KINDS = frozenset(
    {"API", "Component", "System", "Domain", "Group", "User", "Resource", "Location", "Template"}
)
"""Kinds Backstage defines; any other kind is a finding."""

SUBSTITUTIONS = ("$text", "$json", "$yaml")


@dataclass
class CatalogApi:
    """An API entity and what reading its definition gave."""

    entity: CatalogEntity
    reading: SpecReading
    definition: Path | None
    """The file the definition was read from, when it is a file of the source."""


@dataclass
class SourceCatalog:
    """What a source's catalog files say."""

    apis: list[CatalogApi] = field(default_factory=list)
    components: list[CatalogEntity] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    """Problems not tied to one API (malformed files, unknown kinds, duplicates)."""


_KIND_OF_WORD = {
    "service": "Component (with spec.type: service)",
    "website": "Component (with spec.type: website)",
    "library": "Component (with spec.type: library)",
    "team": "Group",
    "person": "User",
}
"""Words people write as a kind that Backstage spells otherwise."""


def nearest_kind(kind: str) -> str | None:
    """The known kind `kind` was most likely meant to be: the same word in other case
    (`Api` -> `API`), what Backstage calls it (`Service` -> `Component`), else the closest
    spelling (`Componnet` -> `Component`)."""
    by_lower = {known.lower(): known for known in sorted(KNOWN_KINDS)}
    lowered = kind.strip().lower()
    if lowered in by_lower:
        return by_lower[lowered]
    if lowered in _KIND_OF_WORD:
        return _KIND_OF_WORD[lowered]
    close = difflib.get_close_matches(lowered, list(by_lower), n=1, cutoff=0.6)
    return by_lower[close[0]] if close else None


def entity_ref_name(ref: str) -> str:
    """`api:default/payments` or `payments` -> `payments`."""
    ref = ref.strip().lower()
    ref = ref.split(":", 1)[1] if ":" in ref else ref
    return ref.rsplit("/", 1)[-1]


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _strings(value: Any) -> tuple[str, ...]:
    return (
        tuple(v.strip() for v in value if isinstance(v, str) and v.strip())
        if isinstance(value, list)
        else ()
    )


class _CatalogReader:
    def __init__(
        self, source: Source, settings: PortalSettings, cache: ReadingCache | None
    ) -> None:
        self.source = source
        self.settings = settings
        self.cache = cache
        self.result = SourceCatalog()

    def finding(
        self,
        message: str,
        file: str,
        line: int,
        severity: Severity = "warn",
        pointer: str | None = None,
    ) -> Finding:
        return Finding(
            rule="catalog",
            severity=severity,
            finding_class="catalog",
            message=message,
            file=file,
            line=line,
            pointer=pointer,
        )

    def read_file(self, rel: str) -> None:
        path = self.source.root / rel
        try:
            documents = load_yaml_documents(path, self.settings.max_spec_size)
        except LoadError as exc:
            self.result.findings.append(
                self.finding(f"the catalog file cannot be read: {exc.message}", rel, exc.line or 1)
            )
            return
        for index, document in enumerate(documents):
            self.read_document_guarded(rel, index, document)

    def read_document_guarded(self, rel: str, index: int, document: LoadedFile) -> None:
        """`read_document`, with a failure of the reader a finding: one entity must not take the
        portal down."""
        try:
            self.read_document(rel, index, document)
        except Exception as exc:
            log.debug("reading document %d of %s failed", index + 1, rel, exc_info=True)
            line, _ = document.locator.locate([])
            self.result.findings.append(
                internal_finding(
                    f"reading document {index + 1}",
                    exc,
                    rel,
                    line,
                    outcome="the entity is left out",
                )
            )

    def read_document(self, rel: str, index: int, document: LoadedFile) -> None:
        data = document.data
        line, _ = document.locator.locate([])
        if data is None:
            return  # an empty document between `---` separators
        if not isinstance(data, dict):
            self.result.findings.append(
                self.finding(f"document {index + 1} is not a mapping", rel, line)
            )
            return
        kind = _text(data.get("kind"))
        metadata = _mapping(data.get("metadata"))
        name = _text(metadata.get("name"))
        if not kind or not name:
            missing = "kind" if not kind else "metadata.name"
            self.result.findings.append(
                self.finding(f"document {index + 1} has no {missing}", rel, line)
            )
            return
        if kind not in KNOWN_KINDS:
            nearest = nearest_kind(kind)
            hint = f"; did you mean {nearest}?" if nearest else ""
            message = f"the entity '{name}' has the unknown kind {kind!r}{hint}"
            # Warned, not only listed: the entity is left out of the portal.
            log.warning(
                "source '%s': %s:%d %s; it is left out", self.source.name, rel, line, message
            )
            self.result.findings.append(self.finding(message, rel, line, "warn", "#/kind"))
            return
        spec = _mapping(data.get("spec"))
        links = tuple(
            (_text(link.get("title")) or _text(link.get("url")), _text(link.get("url")))
            for link in _items(metadata.get("links"))
            if isinstance(link, dict) and _text(link.get("url"))
        )
        entity = CatalogEntity(
            kind=kind,
            name=name.lower(),
            file=rel,
            line=line,
            title=_text(metadata.get("title")),
            description=_text(metadata.get("description")),
            owner=_text(spec.get("owner")),
            lifecycle=_text(spec.get("lifecycle")),
            system=_text(spec.get("system")),
            tags=_strings(metadata.get("tags")),
            links=links,
            provides=tuple(entity_ref_name(r) for r in _strings(spec.get("providesApis"))),
            consumes=tuple(entity_ref_name(r) for r in _strings(spec.get("consumesApis"))),
            source=self.source.name,
        )
        if kind == "Component":
            self.result.components.append(entity)
        elif kind == "API":
            api_type = _text(spec.get("type")).lower()
            if api_type != "openapi":
                log.info(
                    "%s: the API '%s' has type %r; only openapi APIs are rendered",
                    rel,
                    name,
                    api_type,
                )
                return
            self.result.apis.append(self.read_definition(entity, spec.get("definition"), document))

    def read_definition(
        self, entity: CatalogEntity, definition: Any, document: LoadedFile
    ) -> CatalogApi:
        catalog_path = self.source.root / entity.file
        if isinstance(definition, str):
            return CatalogApi(entity, self.read_inline(entity, definition, document), None)
        if (
            isinstance(definition, dict)
            and len(definition) == 1
            and next(iter(definition)) in SUBSTITUTIONS
        ):
            target = definition[next(iter(definition))]
            if isinstance(target, str) and target.strip():
                return self.read_substitution(entity, target.strip(), catalog_path, document)
        return self.failed(
            entity,
            "spec.definition must be the spec's text or a $text, $json or $yaml substitution",
            document,
        )

    def failed(self, entity: CatalogEntity, message: str, document: LoadedFile) -> CatalogApi:
        line, column = document.locator.locate(["spec", "definition"])
        finding = Finding(
            rule="catalog",
            severity="error",
            finding_class="catalog",
            message=f"the API '{entity.name}': {message}",
            file=entity.file,
            line=line,
            column=column,
            pointer="#/spec/definition",
        )
        return CatalogApi(entity, SpecReading(findings=[finding]), None)

    def read_substitution(
        self, entity: CatalogEntity, target: str, catalog_path: Path, document: LoadedFile
    ) -> CatalogApi:
        try:
            scheme = urllib.parse.urlsplit(target).scheme.lower()
        except ValueError as exc:
            return self.failed(
                entity, f"the definition {target!r} is not a valid URL: {exc}", document
            )
        if scheme in ("http", "https"):
            return self.read_url(entity, target, catalog_path, document)
        if scheme:
            return self.failed(
                entity, f"the definition {target!r} uses the refused scheme '{scheme}'", document
            )
        try:
            path = regular_file_inside(catalog_path.parent / target, self.source.root)
        except FetchError as exc:
            return self.failed(entity, f"the definition {target!r}: {exc.message}", document)
        reading = read_spec(
            path,
            self.source.root,
            self.settings.max_spec_size,
            self.settings.allow_hosts,
            self.cache,
            self.settings.validation_dir,
            self.settings.validation,
        )
        if reading is None:
            return self.failed(
                entity, f"the definition {target!r} is not an OpenAPI document", document
            )
        return CatalogApi(entity, _own_findings(reading), path)

    def read_url(
        self, entity: CatalogEntity, url: str, catalog_path: Path, document: LoadedFile
    ) -> CatalogApi:
        try:
            raw = fetch_url(url, self.settings.allow_hosts, self.settings.max_spec_size)
        except FetchError as exc:
            return self.failed(entity, f"the definition {url}: {exc.message}", document)
        line, column = document.locator.locate(["spec", "definition"])
        # What a host serves may change while no file here does: not kept between builds.
        read = self.read_text(entity, raw, catalog_path, (line - 1, column - 1), None)
        if read.reading.model is not None:
            read.reading.model.document_url = url
        return read

    def read_inline(self, entity: CatalogEntity, text: str, document: LoadedFile) -> SpecReading:
        catalog_path = self.source.root / entity.file
        offsets = embedded_text_offsets(document, ["spec", "definition"])
        return self.read_text(entity, text.encode(), catalog_path, offsets, self.cache).reading

    def read_text(
        self,
        entity: CatalogEntity,
        raw: bytes,
        catalog_path: Path,
        offsets: tuple[int, int],
        cache: ReadingCache | None,
    ) -> CatalogApi:
        line_offset, column_offset = offsets
        reading = read_embedded(
            raw,
            catalog_path,
            self.source.root,
            self.settings.max_spec_size,
            self.settings.allow_hosts,
            line_offset=line_offset,
            column_offset=column_offset,
            cache=cache,
            validation=self.settings.validation,
        )
        if reading is None:
            reading = SpecReading(
                findings=[
                    Finding(
                        rule="catalog",
                        severity="error",
                        finding_class="catalog",
                        message=f"the API '{entity.name}': the definition is not OpenAPI",
                        file=entity.file,
                        line=line_offset + 1,
                    )
                ]
            )
        return CatalogApi(entity, _own_findings(reading), None)


def _own_findings(reading: SpecReading) -> SpecReading:
    """The reading with a list of findings of its own.

    A kept reading is shared by every build; the API made from it gains SDK findings.
    """
    return dataclasses.replace(reading, findings=list(reading.findings))


def read_catalog(
    source: Source,
    settings: PortalSettings,
    files: list[str],
    cache: ReadingCache | None = None,
) -> SourceCatalog:
    """Read every catalog file among `files` (paths relative to the source root).

    `cache` keeps the readings of API definitions between builds while their files are unchanged.
    """
    reader = _CatalogReader(source, settings, cache)
    for rel in files:
        if CATALOG_FILE.match(rel.rsplit("/", 1)[-1]):
            reader.read_file(rel)
    return reader.result


def relate(
    apis: list[ApiEntry], components: list[CatalogEntity]
) -> list[tuple[CatalogEntity, Finding]]:
    """Attach providers and consumers to the APIs they name; a relation to nothing is a finding."""
    by_name: dict[str, ApiEntry] = {}
    for api in apis:
        by_name.setdefault(api.id, api)
        if api.catalog is not None:
            by_name[api.catalog.name] = api
    findings = []
    for component in components:
        for relation, names in (
            ("providesApis", component.provides),
            ("consumesApis", component.consumes),
        ):
            for name in names:
                related = by_name.get(name)
                if related is None:
                    findings.append(
                        (
                            component,
                            Finding(
                                rule="catalog",
                                severity="warn",
                                finding_class="catalog",
                                message=(
                                    f"the component '{component.name}' ({component.source}) "
                                    f"names '{name}' in {relation}, but no API has that name"
                                ),
                                file=component.file,
                                line=component.line,
                                pointer=f"#/spec/{relation}",
                            ),
                        )
                    )
                    continue
                target = related.providers if relation == "providesApis" else related.consumers
                if component not in target:
                    target.append(component)
    # By name, not by the order sources are read in: a portal assembled from bundles reads
    # them in another order than the one its own sources are configured in.
    for api in apis:
        api.providers.sort(key=lambda entity: (entity.name, entity.source))
        api.consumers.sort(key=lambda entity: (entity.name, entity.source))
    return findings
