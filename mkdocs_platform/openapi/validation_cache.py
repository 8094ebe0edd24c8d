"""Validator findings kept on disk, keyed by the bytes of every file a spec was read from.

openapi-spec-validator is the slowest step on large specs (8 s on GitHub's); a spec whose files
did not change since the last build, under the same versions, gets its findings back from the
cache instead. Lines and columns are in the key's bytes, so cached findings stay exact.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Any

from mkdocs_platform.models import Finding
from mkdocs_platform.openapi.document import SpecDocument
from mkdocs_platform.openapi.validate import validate_document

FORMAT = 2
"""Bumped when what is stored changes shape."""


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "unknown"


def cache_key(document: SpecDocument) -> str | None:
    """A digest of the spec's files and the versions that judge them; None if it cannot be made."""
    digest = hashlib.sha256()
    for part in (str(FORMAT), _version("mkdocs-platform"), _version("openapi-spec-validator")):
        digest.update(part.encode() + b"\0")
    for path in sorted(document.files, key=str):
        try:
            raw = path.read_bytes()
        except OSError:
            return None
        digest.update(document.rel(path).encode() + b"\0")
        digest.update(hashlib.sha256(raw).digest())
    return digest.hexdigest()


def _load(path: Path) -> list[Finding] | None:
    try:
        data: Any = json.loads(path.read_bytes())
        return [Finding(**item) for item in data]
    except (OSError, ValueError, TypeError):
        return None  # missing or damaged: validate again


def _store(path: Path, findings: list[Finding]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump([dataclasses.asdict(f) for f in findings], handle)
    Path(temporary).replace(path)


def validate_cached(document: SpecDocument, directory: Path | None) -> list[Finding]:
    """`validate_document`, answered from `directory` when the same files were validated before."""
    key = cache_key(document) if directory is not None else None
    if directory is None or key is None:
        return validate_document(document)
    path = directory / key[:2] / f"{key}.json"
    cached = _load(path)
    if cached is not None:
        return cached
    findings = validate_document(document)
    # A read-only cache folder costs speed, never the build.
    with contextlib.suppress(OSError):
        _store(path, findings)
    return findings
