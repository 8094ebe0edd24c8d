"""Sources: the checkouts APIs are read from."""

from __future__ import annotations

from mkdocs_platform.models import PortalSettings, Source


class SourceError(Exception):
    """A source that cannot be made available; the message names it."""


def resolve_sources(settings: PortalSettings) -> list[Source]:
    """A ready checkout for every configured source.

    Raises:
        SourceError: when a source cannot be made available.
    """
    sources = []
    for source_settings in settings.sources:
        path = source_settings.path
        if path is None or not path.is_dir():
            raise SourceError(
                f"source '{source_settings.name}': the path {path} is not an existing directory"
            )
        sources.append(Source(settings=source_settings, root=path.resolve()))
    return sources
