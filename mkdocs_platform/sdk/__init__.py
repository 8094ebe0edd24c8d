"""Python SDKs: static loading with griffe, links to operations, what the docstrings document.

Data flows `SdkSettings` -> `load_sdk` -> `SdkModel` -> `link_operations`; `documented` says
what the docstrings document for the `sdk` rules of the scorecard, and `render.sdk_pages`
renders the model. No SDK code is ever imported or run.
"""

from __future__ import annotations

from mkdocs_platform.models.sdk import (
    DEFAULT_LIMITS,
    MethodLink,
    SdkLimits,
    SdkLinks,
    SdkModel,
    SdkModule,
    SdkObject,
    SdkSettings,
)
from mkdocs_platform.sdk.links import link_operations
from mkdocs_platform.sdk.load import LOAD_RULE, load_sdk
from mkdocs_platform.sdk.settings import sdk_api_id

__all__ = [
    "DEFAULT_LIMITS",
    "LOAD_RULE",
    "MethodLink",
    "SdkLimits",
    "SdkLinks",
    "SdkModel",
    "SdkModule",
    "SdkObject",
    "SdkSettings",
    "link_operations",
    "load_sdk",
    "sdk_api_id",
]
