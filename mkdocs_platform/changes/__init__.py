"""What changed between two versions of an API, read from the version-neutral model."""

from mkdocs_platform.changes.compare import (
    CHANGE_KINDS,
    compare_models,
    compare_versions,
    path_shape,
    stability_exemption,
)
from mkdocs_platform.changes.formats import (
    CHANGE_FORMATS,
    comparison_json,
    format_comparison,
    format_json,
    format_markdown,
    format_text,
)

__all__ = [
    "CHANGE_FORMATS",
    "CHANGE_KINDS",
    "compare_models",
    "compare_versions",
    "comparison_json",
    "format_comparison",
    "format_json",
    "format_markdown",
    "format_text",
    "path_shape",
    "stability_exemption",
]
