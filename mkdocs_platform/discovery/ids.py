"""API ids (README, "How specs are found and named"): stable, URL-safe names for every API."""

from __future__ import annotations

from pathlib import PurePosixPath

from mkdocs_platform.models.api import slugify

RESERVED_IDS = frozenset({"dashboard", "assets", "search"})
"""Ids used by portal-wide pages, never given to an API."""


def default_api_id(source_name: str, spec_path: str, only_spec: bool) -> str:
    """The source's name for its only spec or a spec at its root, else `<source>-<path slug>`."""
    path = PurePosixPath(spec_path)
    if only_spec or len(path.parts) == 1:
        return source_name
    return f"{source_name}-{slugify(str(path.with_suffix('')))}"
