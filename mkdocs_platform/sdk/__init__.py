"""Python SDKs: static loading with griffe, links to operations, checks and reference pages.

Data flows `SdkSettings` -> `load_sdk` -> `SdkModel` -> (`link_operations`, the checks of
`rules`; `render.sdk_pages` renders it). No SDK code is ever imported or run.
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
from mkdocs_platform.sdk.rules import SDK_RULES, SdkCheck, run_sdk_checks
from mkdocs_platform.sdk.settings import sdk_api_id

__all__ = [
    "DEFAULT_LIMITS",
    "LOAD_RULE",
    "SDK_RULES",
    "MethodLink",
    "SdkCheck",
    "SdkLimits",
    "SdkLinks",
    "SdkModel",
    "SdkModule",
    "SdkObject",
    "SdkSettings",
    "link_operations",
    "load_sdk",
    "run_sdk_checks",
    "sdk_api_id",
]
