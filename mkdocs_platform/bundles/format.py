"""The bundle format: one API as a service's CI read and scored it, in one JSON file.

A bundle holds what the portal needs to show and score the API without the service's
repository: the files the API was read from (its spec and the files its `$ref`s name, the
catalog files, CODEOWNERS, the SDK's modules), the validator's findings (so that the portal
does not validate again), and, for anyone reading bundles with other tools, the spec as loaded,
the findings, the scorecard and the catalog entity. `bundle.schema.json` beside this module
describes it.

```
{"format": "mkdocs-platform-bundle", "format_version": 1, "digest": "sha256:<hex>",
 "content": {...}}
```

`digest` is the SHA-256 of `content` as canonical JSON (sorted keys, no spaces, ASCII; see
`history.records.canonical_json`): a
bundle whose content was changed or cut short after it was written fails it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Any

from mkdocs_platform.errors import PlatformError
from mkdocs_platform.history.records import spec_hash
from mkdocs_platform.models import Finding, SpecSelector
from mkdocs_platform.models.findings import finding_from_dict

FORMAT_NAME = "mkdocs-platform-bundle"
FORMAT_VERSION = 1
"""Raised when what a bundle holds changes shape; a reader refuses a newer one."""
SUFFIX = ".bundle.json"
"""What every bundle's name ends with: `<api-id>.bundle.json`."""
CATALOG_SUFFIX = ".catalog.bundle.json"
"""The name's end of a bundle of catalog components only: `<source>.catalog.bundle.json`."""
SCHEMA_PATH = Path(__file__).with_name("bundle.schema.json")
MAX_FILES = 20_000
"""Files one bundle may unpack: more is not a service's API but an attempt to fill the disk."""


class BundleError(PlatformError):
    """A bundle that cannot be used; the message says why, for a finding naming the bundle."""


@dataclass(frozen=True)
class BundledSdk:
    """One SDK of the bundle's source, as its settings named it."""

    path: str
    """Folder holding the package, relative to the source root."""
    package: str
    api: str | None = None
    docstring_style: str = "auto"


@dataclass(frozen=True)
class BundledSource:
    """The source the bundle's API was read from, and how it was configured."""

    name: str
    commit: str | None = None
    branch: str | None = None
    view_template: str | None = None
    edit_template: str | None = None
    line_template: str = ""
    specs: tuple[SpecSelector, ...] = ()
    exclude: tuple[str, ...] = ()
    catalog: bool = True
    sdks: tuple[BundledSdk, ...] = ()
    title: str = ""
    owner: str = ""
    lifecycle: str = ""
    system: str = ""


@dataclass(frozen=True)
class Bundle:
    """One API as a service's CI read it."""

    api_id: str
    """The API's id; '' for the bundle of a source whose catalog describes no API, only the
    components that provide or consume others."""
    spec_path: str
    """Path of its spec (or catalog file) relative to the source root; '' without an API."""
    source: BundledSource
    files: Mapping[str, str]
    """Path relative to the source root -> the file's text."""
    validation: tuple[Finding, ...] = ()
    """What the validator found in its spec; the portal takes these instead of validating."""
    document: Any = None
    """The spec as loaded, external `$ref`s bundled in; None when it could not be loaded."""
    findings: tuple[Finding, ...] = ()
    """Every finding of the service's own check."""
    scorecard: Mapping[str, Any] | None = None
    """The service's scorecard, as `scorecards.json` writes one."""
    catalog: Mapping[str, Any] | None = None
    """The catalog entity describing the API, when one does."""
    sdks: tuple[Mapping[str, Any], ...] = ()
    """Each SDK's package, modules and the operations its methods call."""
    producer: Mapping[str, str] = field(default_factory=dict)
    """The versions that made it (`mkdocs-platform`, `openapi-spec-validator`, `python`...)."""
    digest: str = ""
    """`sha256:<hex>` of its content, once written or read."""


def content_digest(content: Any) -> str:
    """`sha256:<hex>` of `content` as canonical JSON: the digest a bundle carries."""
    return "sha256:" + spec_hash(content)


def bundle_content(bundle: Bundle) -> dict[str, Any]:
    """The `content` object of a bundle."""
    source = bundle.source
    return {
        "api": {"id": bundle.api_id, "spec_path": bundle.spec_path} if bundle.api_id else None,
        "source": {
            "name": source.name,
            "commit": source.commit,
            "branch": source.branch,
            "view_template": source.view_template,
            "edit_template": source.edit_template,
            "line_template": source.line_template,
            "specs": [{"pattern": s.pattern, "id": s.api_id} for s in source.specs],
            "exclude": list(source.exclude),
            "catalog": source.catalog,
            "sdks": [asdict(sdk) for sdk in source.sdks],
            "title": source.title,
            "owner": source.owner,
            "lifecycle": source.lifecycle,
            "system": source.system,
        },
        "files": dict(sorted(bundle.files.items())),
        "validation": [asdict(f) for f in bundle.validation],
        "document": bundle.document,
        "findings": [asdict(f) for f in bundle.findings],
        "scorecard": bundle.scorecard,
        "catalog": bundle.catalog,
        "sdks": list(bundle.sdks),
        "producer": dict(bundle.producer),
    }


def bundle_bytes(bundle: Bundle) -> bytes:
    """The bundle as the bytes of its file, with its digest."""
    content = bundle_content(bundle)
    wrapper = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "digest": content_digest(content),
        "content": content,
    }
    return json.dumps(wrapper, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


@cache
def load_schema() -> dict[str, Any]:
    """The JSON Schema of a bundle file."""
    schema: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return schema


def safe_relative_path(name: str) -> bool:
    """Whether `name` is a plain relative path that stays inside the folder it is unpacked in."""
    if not name or "\\" in name or "\x00" in name or len(name) > 1024:
        return False
    path = PurePosixPath(name)
    return (
        not path.is_absolute()
        and all(part not in ("", ".", "..") for part in name.split("/"))
        and ":" not in path.parts[0]
    )


@cache
def _schema_validator() -> Any:
    import jsonschema_rs

    return jsonschema_rs.validator_for(load_schema())


def _schema_problem(data: Any) -> str | None:
    """The first way `data` breaks the bundle schema, or None."""
    error = next(iter(_schema_validator().iter_errors(data)), None)
    if error is None:
        return None
    where = "/".join(str(part) for part in error.instance_path) or "the top level"
    return f"it does not match the bundle format at {where}: {error.message[:300]}"


def _findings(items: list[Any], what: str) -> tuple[Finding, ...]:
    found = []
    for index, item in enumerate(items):
        finding = finding_from_dict(item)
        if finding is None:
            raise BundleError(f"its {what} #{index + 1} is not a finding")
        found.append(finding)
    return tuple(found)


def parse_bundle(raw: bytes) -> Bundle:
    """The bundle in `raw`, checked against its format, version, schema and digest.

    Raises:
        BundleError: saying what is wrong with it.
    """
    try:
        return _parse(raw)
    except RecursionError:
        raise BundleError("it is nested too deeply to read") from None


def _parse(raw: bytes) -> Bundle:
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise BundleError(f"it is not JSON ({exc}); it may have been cut short") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT_NAME:
        raise BundleError(f'it is not a bundle (no "format": "{FORMAT_NAME}")')
    version = data.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise BundleError("its format_version is not a number")
    if version > FORMAT_VERSION:
        raise BundleError(
            f"it has format version {version}, newer than the {FORMAT_VERSION} this "
            "mkdocs-platform reads; upgrade mkdocs-platform on the portal"
        )
    problem = _schema_problem(data)
    if problem is not None:
        raise BundleError(problem)
    content = data["content"]
    if content_digest(content) != data["digest"]:
        raise BundleError(
            "its content does not match its digest: it was changed or damaged after it was written"
        )
    files = content["files"]
    if len(files) > MAX_FILES:
        raise BundleError(f"it holds {len(files):,} files, more than the {MAX_FILES:,} allowed")
    unsafe = next((name for name in files if not safe_relative_path(name)), None)
    if unsafe is not None:
        raise BundleError(f"its file name {unsafe[:200]!r} would leave the folder it unpacks in")
    source = content["source"]
    api = content["api"] or {"id": "", "spec_path": ""}
    return Bundle(
        api_id=api["id"],
        spec_path=api["spec_path"],
        source=BundledSource(
            name=source["name"],
            commit=source["commit"],
            branch=source["branch"],
            view_template=source["view_template"],
            edit_template=source["edit_template"],
            line_template=source["line_template"],
            specs=tuple(SpecSelector(s["pattern"], s["id"]) for s in source["specs"]),
            exclude=tuple(source["exclude"]),
            catalog=source["catalog"],
            sdks=tuple(BundledSdk(**sdk) for sdk in source["sdks"]),
            title=source["title"],
            owner=source["owner"],
            lifecycle=source["lifecycle"],
            system=source["system"],
        ),
        files=files,
        validation=_findings(content["validation"], "validation finding"),
        document=content["document"],
        findings=_findings(content["findings"], "finding"),
        scorecard=content["scorecard"],
        catalog=content["catalog"],
        sdks=tuple(content["sdks"]),
        producer=content["producer"],
        digest=data["digest"],
    )
