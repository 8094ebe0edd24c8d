"""Loading, validating and normalizing OpenAPI documents."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from mkdocs.plugins import get_plugin_logger

from mkdocs_platform.cache import StageCache, content_key, file_digest, files_unchanged
from mkdocs_platform.models import Finding, Locate, Location
from mkdocs_platform.models.api import ApiModel
from mkdocs_platform.openapi.document import SpecDocument, bundle_spec
from mkdocs_platform.openapi.loader import (
    LoadedFile,
    LoadError,
    load_file,
    load_yaml_documents,
    parse_document,
)
from mkdocs_platform.openapi.locate import ShiftedLocator, YamlLocator
from mkdocs_platform.openapi.normalize import normalize
from mkdocs_platform.openapi.validation_cache import validate_cached

if TYPE_CHECKING:
    from mkdocs_platform.openapi.validate import ValidationMode

log = get_plugin_logger(__name__)

__all__ = [
    "LoadError",
    "LoadedFile",
    "ReadingCache",
    "SpecLocator",
    "SpecReading",
    "embedded_text_offsets",
    "is_openapi_document",
    "load_yaml_documents",
    "read_embedded",
    "read_loaded",
    "read_spec",
    "spec_key",
    "unloadable",
]


class SpecLocator:
    """Where a place of a bundled spec was written: a plain object, so readings pickle."""

    def __init__(self, document: SpecDocument) -> None:
        self.document = document

    def __call__(self, tokens: Sequence[str]) -> Location:
        return self.document.where(list(tokens))


@dataclass
class SpecReading:
    """What reading one spec file gave."""

    model: ApiModel | None = None
    """The normalized model; None when the file could not be loaded."""
    document: Any = None
    """The bundled document."""
    findings: list[Finding] = field(default_factory=list)
    """Every problem met, located."""
    files: tuple[Path, ...] = ()
    """Every local file the reading depends on."""
    locate: Locate | None = field(default=None, repr=False, compare=False)
    """Where a place of the bundled document was written (a `SpecLocator`)."""
    digest: str | None = None
    """A digest of everything the reading was made from, for the stages after it; None when
    it depends on something that cannot be digested (a file fetched from a URL)."""


def _stamp(path: Path) -> tuple[str, int, int]:
    try:
        stat = path.stat()
    except OSError:
        return (str(path), -1, -1)
    return (str(path), stat.st_size, stat.st_mtime_ns)


class ReadingCache:
    """Readings reused while none of their files changed: in memory across `mkdocs serve`
    rebuilds, and on disk across builds when given a `StageCache`.

    A reading on disk is stored with the digest of every file it was read from, and is used
    only while each file still has that digest.
    """

    STAGE = "reading"

    def __init__(self, store: StageCache | None = None) -> None:
        self.store = store
        self._entries: dict[
            tuple[object, ...], tuple[SpecReading | None, tuple[tuple[str, int, int], ...]]
        ] = {}

    def get(self, key: tuple[object, ...], max_size: int) -> tuple[bool, SpecReading | None]:
        """(found, reading) for `key`; found is False when it must be read again."""
        entry = self._entries.get(key)
        if entry is not None:
            reading, stamps = entry
            if all(_stamp(Path(stamp[0])) == stamp for stamp in stamps):
                return True, reading
        if self.store is None:
            return False, None
        stored = self.store.get(self.STAGE, content_key(self.STAGE, *key))
        if not (isinstance(stored, tuple) and len(stored) == 2):
            return False, None
        files, reading = stored
        if not isinstance(reading, SpecReading | None) or not isinstance(files, tuple):
            return False, None
        if not files_unchanged(files, max_size):
            return False, None
        self._remember(key, reading, tuple(Path(path) for path, _ in files))
        return True, reading

    def put(
        self,
        key: tuple[object, ...],
        reading: SpecReading | None,
        files: tuple[Path, ...],
        max_size: int,
        *,
        durable: bool = True,
    ) -> None:
        """Keep `reading`, read from `files`; on disk too when `durable` (no remote file)."""
        digests = tuple((str(path), file_digest(path, max_size)) for path in files)
        if reading is not None:
            reading.digest = content_key(self.STAGE, *key, *digests)
        self._remember(key, reading, files)
        if self.store is not None and durable:
            self.store.put(self.STAGE, content_key(self.STAGE, *key), (digests, reading))

    def remember(self, key: tuple[object, ...], reading: SpecReading | None, path: Path) -> None:
        """Keep in memory a reading of `path` made elsewhere (in a worker, which stored it)."""
        self._remember(
            key, reading, reading.files if reading is not None and reading.files else (path,)
        )

    def _remember(
        self, key: tuple[object, ...], reading: SpecReading | None, files: tuple[Path, ...]
    ) -> None:
        self._entries[key] = (reading, tuple(_stamp(p) for p in files))


def is_openapi_document(data: Any) -> bool:
    """Whether parsed data declares itself OpenAPI (`openapi`) or Swagger (`swagger`)."""
    return isinstance(data, dict) and ("openapi" in data or "swagger" in data)


def spec_key(
    path: Path,
    source_root: Path,
    max_size: int,
    allow_hosts: tuple[str, ...],
    validation: ValidationMode,
) -> tuple[object, ...]:
    """What a reading of the spec at `path` is kept under."""
    return (str(path), str(source_root), max_size, allow_hosts, validation)


def read_spec(
    path: Path,
    source_root: Path,
    max_size: int,
    allow_hosts: tuple[str, ...] = (),
    cache: ReadingCache | None = None,
    validation_dir: Path | None = None,
    validation: ValidationMode = "fast",
) -> SpecReading | None:
    """Load, bundle, validate and normalize one spec file.

    Returns None when the file parses but is not an OpenAPI document.
    """
    key = spec_key(path, source_root, max_size, allow_hosts, validation)
    if cache is not None:
        found, reading = cache.get(key, max_size)
        if found:
            return reading
    try:
        loaded = load_file(path, max_size)
    except LoadError as exc:
        reading = unloadable(path.relative_to(source_root).as_posix(), exc)
    else:
        reading = read_loaded(
            loaded, source_root, max_size, allow_hosts, validation_dir, validation
        )
    if cache is not None:
        files = reading.files if reading is not None and reading.files else (path,)
        # What an allowed host served may change without any file here changing.
        cache.put(key, reading, files, max_size, durable=not allow_hosts)
    return reading


def unloadable(rel: str, error: LoadError, line_offset: int = 0) -> SpecReading:
    """The reading of a spec that could not be parsed: one located finding."""
    return SpecReading(
        findings=[
            Finding(
                rule="oas-parse",
                severity="error",
                finding_class="structure",
                message=f"the spec cannot be loaded: {error.message}",
                file=rel,
                line=(error.line or 1) + line_offset,
                column=error.column,
                pointer="#",
            )
        ]
    )


def read_loaded(
    loaded: LoadedFile,
    source_root: Path,
    max_size: int,
    allow_hosts: tuple[str, ...] = (),
    validation_dir: Path | None = None,
    validation: ValidationMode = "fast",
) -> SpecReading | None:
    """Bundle, validate and normalize a parsed spec; None when it is not an OpenAPI document.

    `validation_dir` keeps validator findings on disk between builds.
    """
    rel = loaded.path.relative_to(source_root).as_posix()
    if not is_openapi_document(loaded.data):
        return None
    document = bundle_spec(loaded, source_root, max_size, allow_hosts)
    findings = list(document.findings)
    # URLs an allowed host served may change without any file here changing: not cached then.
    cacheable = validation_dir if not allow_hosts else None
    findings.extend(validate_cached(document, cacheable, validation=validation))
    reading = SpecReading(
        document=document.data,
        findings=findings,
        files=tuple(document.files),
        locate=SpecLocator(document),
    )
    try:
        reading.model = normalize(document.data)
    except Exception as exc:
        log.debug("normalizing %s failed", rel, exc_info=True)
        findings.append(
            Finding(
                rule="oas-parse",
                severity="error",
                finding_class="tool",
                message=(
                    f"the document could not be read into the portal's model ({type(exc).__name__})"
                ),
                file=rel,
                line=1,
                pointer="#",
            )
        )
    return reading


def read_embedded(
    raw: bytes,
    container: Path,
    source_root: Path,
    max_size: int,
    allow_hosts: tuple[str, ...] = (),
    *,
    line_offset: int = 0,
    column_offset: int = 0,
    cache: ReadingCache | None = None,
    validation: ValidationMode = "fast",
) -> SpecReading | None:
    """Read a spec written inside another file (`container`), from a line and column of it.

    A catalog's inline definition is one; findings are located in the container, where the
    text is. YAML is read (JSON is YAML). Text that does not parse gives a reading with one
    finding; None when it parses but is not an OpenAPI document. `cache` keeps the reading
    while the container and the files its `$ref`s name are unchanged.
    """
    key = (
        "embedded",
        str(container),
        raw,
        line_offset,
        column_offset,
        str(source_root),
        max_size,
        allow_hosts,
        validation,
    )
    if cache is not None:
        found, kept = cache.get(key, max_size)
        if found:
            return kept
    rel = container.relative_to(source_root).as_posix()
    reading: SpecReading | None
    try:
        parsed = parse_document(container.with_suffix(".yaml"), raw, max_size)
    except LoadError as exc:
        reading = unloadable(rel, exc, line_offset)
    else:
        shifted = ShiftedLocator(parsed.locator, line_offset, column_offset)
        loaded = LoadedFile(container, parsed.data, shifted)
        # No validation kept on disk: that is keyed by the bytes of the files read, and one
        # container may hold several specs.
        reading = read_loaded(loaded, source_root, max_size, allow_hosts, validation=validation)
    if cache is not None:
        files = reading.files if reading is not None and reading.files else ()
        cache.put(key, reading, files or (container,), max_size, durable=not allow_hosts)
    return reading


def embedded_text_offsets(document: LoadedFile, tokens: list[str]) -> tuple[int, int]:
    """Lines and columns before the first character of the text at `tokens` of a YAML file.

    (0, 0) when that place is not a text scalar of a YAML document.
    """
    if not isinstance(document.locator, YamlLocator):
        return 0, 0
    node = document.locator.node_at(tokens)
    if not isinstance(node, yaml.ScalarNode):
        return 0, 0
    if node.style in ("|", ">"):
        # A block scalar starts on the next line, after its indentation.
        first = node.start_mark.line + 1
        try:
            lines = document.path.read_text(encoding="utf-8").splitlines()
        except OSError:
            return first, 0
        indent = len(lines[first]) - len(lines[first].lstrip(" ")) if first < len(lines) else 0
        return first, indent
    quoted = 1 if node.style in ("'", '"') else 0
    return node.start_mark.line, node.start_mark.column + quoted
