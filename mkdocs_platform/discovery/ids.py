"""API ids (README, "How specs are found and named"): stable, URL-safe names for every API."""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from mkdocs_platform.models.api import slugify

RESERVED_IDS = frozenset({"dashboard", "assets", "search"})
"""Ids used by portal-wide pages, never given to an API."""

PLAIN_SPEC_NAME = re.compile(r"^(?:openapi|swagger)\.[^.]+$", re.IGNORECASE)
"""`openapi.yaml`, `swagger.json`: the names that say nothing but "this is the spec"."""

_SPEC_SUFFIX = re.compile(r"\.(?:openapi|swagger)$", re.IGNORECASE)


def _file_slug(name: str) -> str:
    """`admin.openapi.yaml` -> `admin`: the file's name without its extension and the
    `.openapi`/`.swagger` that only repeats what the file is."""
    stem = PurePosixPath(name).stem
    # A name of punctuation alone slugs to nothing; an id still needs a part of its own.
    return slugify(_SPEC_SUFFIX.sub("", stem)) or slugify(stem) or "spec"


def default_api_id(
    source_name: str, spec_path: str, only_spec: bool, shares_root: bool = False
) -> str:
    """The id of a spec the user gave no id.

    The source's name for its only spec or its one spec at the root; `<source>-<path slug>`
    for specs in folders. When several specs share the root (`shares_root`), only the one named
    plainly `openapi.*` or `swagger.*` keeps the source's name; the others are named after
    their file (`admin.openapi.yaml` -> `<source>-admin`).
    """
    path = PurePosixPath(spec_path)
    if only_spec:
        return source_name
    if len(path.parts) == 1:
        if not shares_root or PLAIN_SPEC_NAME.match(path.name):
            return source_name
        return f"{source_name}-{_file_slug(path.name)}"
    return f"{source_name}-{slugify(str(path.with_suffix('')))}"
