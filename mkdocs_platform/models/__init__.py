"""The dataclasses that flow between the pipeline stages.

Every stage takes and returns these plain values; none of them knows about MkDocs, and this
package imports no stage. `api` is the version-neutral OpenAPI model, `sdk` the SDK model,
`scorecard` what scoring says, `findings` the one problem type, `portal` the rest.
"""

from mkdocs_platform.models.findings import (
    SEVERITY_ORDER,
    Finding,
    FindingClass,
    Locate,
    Location,
    Severity,
)
from mkdocs_platform.models.portal import (
    ApiEntry,
    CatalogEntity,
    Portal,
    PortalSettings,
    ReportSettings,
    Source,
    SourceSettings,
    SpecFile,
    SpecSelector,
)

__all__ = [
    "SEVERITY_ORDER",
    "ApiEntry",
    "CatalogEntity",
    "Finding",
    "FindingClass",
    "Locate",
    "Location",
    "Portal",
    "PortalSettings",
    "ReportSettings",
    "Severity",
    "Source",
    "SourceSettings",
    "SpecFile",
    "SpecSelector",
]
