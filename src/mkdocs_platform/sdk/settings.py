"""What the user says about one Python SDK (`sdks:` items of a source), validated."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DOCSTRING_STYLES = ("auto", "google", "numpy", "sphinx")
"""Docstring styles griffe parses; `auto` detects the style per docstring (Google if unsure)."""

_PACKAGE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")
_API_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@dataclass(frozen=True)
class SdkSettings:
    """One SDK of a source: where its package lives and which API it belongs to."""

    path: Path
    """Absolute directory that holds the package (what would be on `sys.path`)."""
    package: str
    """Importable name of the package (`payments_sdk`, or dotted for a subpackage)."""
    api: str | None = None
    """Id of the API the SDK calls; None lets the source's only API take it."""
    docstring_style: str = "auto"
    """`auto`, `google`, `numpy` or `sphinx`."""

    @classmethod
    def from_config(cls, item: Mapping[str, Any], source_root: Path) -> SdkSettings:
        """An `sdks:` item, checked; `ValueError` names what is wrong."""
        raw_path = item.get("path", ".")
        package = item.get("package")
        api = item.get("api")
        style = item.get("docstring_style", "auto") or "auto"
        unknown = sorted(set(item) - {"path", "package", "api", "docstring_style"})
        if unknown:
            raise ValueError(f"unknown keys in an sdks item: {', '.join(unknown)}")
        if not isinstance(package, str) or not _PACKAGE.match(package):
            raise ValueError(f"sdks: package must be an importable name, not {package!r}")
        if not isinstance(raw_path, str) or Path(raw_path).is_absolute():
            raise ValueError(f"sdks: path must be relative to the source root, not {raw_path!r}")
        if api is not None and (not isinstance(api, str) or not _API_ID.match(api)):
            raise ValueError(f"sdks: api must be an API id (a slug), not {api!r}")
        if style not in DOCSTRING_STYLES:
            raise ValueError(
                f"sdks: docstring_style must be one of {', '.join(DOCSTRING_STYLES)}, not {style!r}"
            )
        root = source_root.resolve()
        path = (root / raw_path).resolve()
        # A path that climbs out of the checkout would let one repository document another's
        # files (or the build machine's).
        if not path.is_relative_to(root):
            raise ValueError(f"sdks: path {raw_path!r} leaves the source's checkout")
        return cls(path=path, package=package, api=api, docstring_style=style)


def sdk_api_id(settings: SdkSettings, api_ids: Sequence[str]) -> str | None:
    """The API an SDK belongs to: its `api`, else the source's only API, else None."""
    if settings.api is not None:
        return settings.api
    return api_ids[0] if len(api_ids) == 1 else None


@dataclass(frozen=True)
class SdkLimits:
    """Bounds on the work one SDK may cost; what they cut is reported as a finding."""

    max_module_bytes: int = 2_000_000
    """Modules larger than this are skipped (generated tables, vendored code)."""
    max_modules: int = 5_000
    """Modules loaded per SDK; the deepest past this count are skipped."""
    max_members: int = 2_000
    """Public members documented per module or class."""
    max_objects: int = 100_000
    """Objects documented per SDK in all."""
    max_depth: int = 10
    """Nesting of classes inside classes that is documented."""


DEFAULT_LIMITS = SdkLimits()
"""The bounds used unless the caller gives others."""
