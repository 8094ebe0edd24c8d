"""What the portal remembers between builds: one record per API and one per portfolio a build."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from mkdocs_platform.models.findings import Finding

HISTORY_FORMAT = 1
"""The version of the history files' format; a newer one is not read."""

DEFAULT_RETENTION = 200
"""Builds kept per API by default."""


@dataclass(frozen=True)
class HistorySettings:
    """Where the history lives and how much of it is kept."""

    path: Path | None = None
    """The history folder; None: no history is read or written."""
    retention: int = DEFAULT_RETENTION
    """Records kept per API (and for the portfolio); older ones are dropped on write."""
    write: bool = True
    """Whether this run appends its records (`mkdocs serve` only reads)."""


@dataclass(frozen=True)
class ApiRecord:
    """One API as one build saw it."""

    time: datetime
    """When the build ran (for a backfilled release: its tag's commit time); timezone-aware."""
    api_id: str
    scoring_version: int
    """The scoring version the score was made with: trends break where it changes."""
    score: int
    grade: str
    level: str | None
    categories: Mapping[str, int] = field(default_factory=dict)
    """Category id -> score (0-100)."""
    findings: Mapping[str, int] = field(default_factory=dict)
    """Severity (`error`, `warn`, `info`) -> how many findings the scorecard shows."""
    spec_hash: str = ""
    """SHA-256 of the spec as loaded; the stored spec's name. '' when it did not load."""
    commit: str | None = None
    """The source's commit."""
    version: str = ""
    """The spec's `info.version`."""
    release: str = ""
    """The release tag scored, for records made by `history backfill`; '' for builds."""
    consumers: int = 0
    """Components that consume the API."""
    owned: bool = False
    """Whether the API has an owner."""
    sdk_coverage: float | None = None
    """Share (0-1) of operations an SDK method calls; None without an SDK."""
    breaking: int = 0
    """Breaking (error-level) changes found by this build."""
    sdk_hashes: tuple[str, ...] = ()
    """SHA-256 of each SDK's stored API surface, when kept."""


@dataclass(frozen=True)
class PortfolioRecord:
    """The measures a platform team reports, as one build saw them."""

    time: datetime
    scoring_version: int
    apis: int
    median_score: float | None
    silver_or_above: float | None
    """Share (0-1) of APIs at silver or above."""
    owner_coverage: float | None
    """Share of APIs with an owner."""
    sdk_coverage: float | None
    """Share of APIs with an SDK."""
    consumed: float | None
    """Share of APIs with at least one consumer."""
    breaking_changes: int = 0
    """Breaking changes found by this build (releases and since the last build)."""
    releases: int = 0
    """Releases compared."""
    releases_breaking_without_major: int = 0
    """Releases that broke clients without a major version bump."""


@dataclass
class History:
    """The history as read: what earlier builds recorded, and what could not be read."""

    apis: dict[str, list[ApiRecord]] = field(default_factory=dict)
    """API id -> its records, oldest first."""
    portfolio: list[PortfolioRecord] = field(default_factory=list)
    """The portfolio's records, oldest first."""
    findings: list[Finding] = field(default_factory=list)
    """Files that could not be read (corrupt, foreign, a newer format), each located."""
