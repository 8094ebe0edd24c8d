"""Which API an SDK belongs to, and where its package lies once its source is checked out."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

from mkdocs_platform.errors import PortalError
from mkdocs_platform.models.sdk import SdkSettings


def sdk_api_id(settings: SdkSettings, api_ids: Sequence[str]) -> str | None:
    """The API an SDK belongs to: its `api`, else the source's only API, else None."""
    if settings.api is not None:
        return settings.api
    return api_ids[0] if len(api_ids) == 1 else None


def resolve_sdk(settings: SdkSettings, source_root: Path) -> SdkSettings:
    """The SDK with its path made absolute inside `source_root`.

    Raises:
        PortalError: when the path leads out of the source's checkout.
    """
    root = source_root.resolve()
    path = (root / settings.path).resolve()
    # A path that climbs out of the checkout would let one repository document another's files
    # (or the build machine's).
    if not path.is_relative_to(root):
        raise PortalError(f"the SDK path {settings.path.as_posix()!r} leaves the source's checkout")
    return dataclasses.replace(settings, path=path)
