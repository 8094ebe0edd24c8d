"""What the user says about one Python SDK (`sdks:` items of a source), validated."""

from __future__ import annotations

from collections.abc import Sequence

from mkdocs_platform.models.sdk import SdkSettings


def sdk_api_id(settings: SdkSettings, api_ids: Sequence[str]) -> str | None:
    """The API an SDK belongs to: its `api`, else the source's only API, else None."""
    if settings.api is not None:
        return settings.api
    return api_ids[0] if len(api_ids) == 1 else None
