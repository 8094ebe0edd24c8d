"""Validator findings kept on disk, keyed by the bytes of every file a spec was read from.

openapi-spec-validator is the slowest step on large specs (8 s on GitHub's); a spec whose files
did not change since the last build, under the same versions, gets its findings back from the
cache instead. Lines and columns are in the key's bytes, so cached findings stay exact.

The cache folder is untrusted: it may sit in the repository being checked, where anyone can
plant an entry. Every entry is signed with a secret kept in the user's own cache folder (an
HMAC over its format, key and findings); an entry that is damaged, of another format, for
another key or not signed with that secret is ignored and validated again, so no entry can
take a finding away.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import hmac
import json
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mkdocs_platform.cache import signing_secret, user_cache_dir, write_atomically
from mkdocs_platform.models import Finding
from mkdocs_platform.models.findings import finding_from_dict
from mkdocs_platform.openapi.document import SpecDocument
from mkdocs_platform.openapi.fetch import FetchError, read_regular_file

if TYPE_CHECKING:
    from mkdocs_platform.openapi.validate import ValidationMode

FORMAT = 3
"""Bumped when what is stored changes shape."""

MAX_ENTRY_SIZE = 16 * 1024 * 1024
"""Largest entry read back, in bytes; the validator keeps a few hundred findings at most."""


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "unknown"


def cache_key(document: SpecDocument, validation: ValidationMode = "fast") -> str | None:
    """A digest of the spec's files and the versions that judge them; None if it cannot be made.

    Each file is read as the bundler read it: a regular file of at most the spec's size limit.
    """
    if document.max_size <= 0:
        return None
    digest = hashlib.sha256()
    versions = (_version("mkdocs-platform"), _version("openapi-spec-validator"))
    for part in (str(FORMAT), validation, *versions):
        digest.update(part.encode() + b"\0")
    for path in sorted(document.files, key=str):
        try:
            raw = read_regular_file(path, document.max_size)
        except FetchError:
            return None
        digest.update(document.rel(path).encode("utf-8", "backslashreplace") + b"\0")
        digest.update(hashlib.sha256(raw).digest())
    return digest.hexdigest()


def _signature(secret: bytes, key: str, findings: Any) -> str:
    body = json.dumps([FORMAT, key, findings], sort_keys=True, ensure_ascii=True)
    return hmac.new(secret, body.encode("ascii"), hashlib.sha256).hexdigest()


def _load(path: Path, key: str, secret: bytes) -> list[Finding] | None:
    """The findings of the entry at `path`, or None when anything about it is unexpected."""
    try:
        entry: Any = json.loads(read_regular_file(path, MAX_ENTRY_SIZE))
    except (FetchError, ValueError, RecursionError):
        return None  # missing, not a file, or damaged: validate again
    if not isinstance(entry, dict) or set(entry) != {"format", "key", "findings", "signature"}:
        return None
    if entry["format"] != FORMAT or entry["key"] != key or not isinstance(entry["findings"], list):
        return None
    signature = entry["signature"]
    expected = _signature(secret, key, entry["findings"])
    if not isinstance(signature, str) or not hmac.compare_digest(signature, expected):
        return None
    findings = [finding_from_dict(item) for item in entry["findings"]]
    return None if any(f is None for f in findings) else [f for f in findings if f is not None]


def _store(path: Path, key: str, secret: bytes, findings: list[Finding]) -> None:
    items = [dataclasses.asdict(f) for f in findings]
    entry = {
        "format": FORMAT,
        "key": key,
        "findings": items,
        "signature": _signature(secret, key, items),
    }
    write_atomically(path, json.dumps(entry, ensure_ascii=True).encode("ascii"))


def _validate(document: SpecDocument, validation: ValidationMode) -> list[Finding]:
    # Imported here: the validator's modules take a second to import, and a build whose specs
    # all come from the cache never needs them.
    from mkdocs_platform.openapi.validate import validate_document

    return validate_document(document, validation)


def validate_cached(
    document: SpecDocument,
    directory: Path | None,
    secret_dir: Path | None = None,
    validation: ValidationMode = "fast",
) -> list[Finding]:
    """`validate_document`, answered from `directory` when the same files were validated before.

    Entries are signed with the secret in `secret_dir` (by default `user_cache_dir()`); without
    a secret nothing is cached.
    """
    if validation == "none":
        return []
    key = cache_key(document, validation) if directory is not None else None
    secret = None
    if directory is not None and key is not None:
        secret = signing_secret(secret_dir if secret_dir is not None else user_cache_dir())
    if directory is None or key is None or secret is None:
        return _validate(document, validation)
    path = directory / key[:2] / f"{key}.json"
    cached = _load(path, key, secret)
    if cached is not None:
        return cached
    findings = _validate(document, validation)
    # A read-only cache folder costs speed, never the build.
    with contextlib.suppress(OSError, ValueError):
        _store(path, key, secret, findings)
    return findings
