"""Settings in, sources, spec files, catalog entities and APIs out: the portal's own values."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal

from mkdocs_platform.models.api import ApiModel
from mkdocs_platform.models.changes import ApiChanges
from mkdocs_platform.models.findings import Finding, Locate
from mkdocs_platform.models.history import ApiRecord, History, HistorySettings
from mkdocs_platform.models.scorecard import GateResult, Scorecard, ScorecardSettings
from mkdocs_platform.models.sdk import SdkLinks, SdkModel, SdkSettings


def default_concurrency() -> int:
    """The number of cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on every platform
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class SpecSelector:
    """One item of a source's `specs`: a glob, optionally with a fixed API id."""

    pattern: str
    """Glob relative to the source root (`openapi/*.yaml`) or a plain path."""
    api_id: str | None = None
    """The API id to use for the file this item names."""


@dataclass(frozen=True)
class SourceSettings:
    """What the user said about one source."""

    name: str
    """Slug naming the source."""
    path: Path | None = None
    """Absolute path of a local checkout."""
    git: str | None = None
    """Git URL to fetch when there is no local checkout."""
    ref: str | None = None
    """Branch, tag or commit of `git`."""
    token_env: str | None = None
    """Name of the environment variable holding an HTTPS token."""
    specs: tuple[SpecSelector, ...] = ()
    """Explicit spec files or globs; empty means the conventional names."""
    exclude: tuple[str, ...] = ()
    """Globs never searched."""
    catalog: bool = True
    """Whether to read `catalog-info.yaml` files."""
    sdks: tuple[SdkSettings, ...] = ()
    """Python SDKs, their paths relative to the source root until the source is resolved."""
    view_url: str | None = None
    """Template of a URL that shows a file at a commit."""
    edit_url: str | None = None
    """Template of a URL that edits a file on a branch."""
    title: str = ""
    """Title of the source's APIs where their catalog entity gives none."""
    owner: str = ""
    """Owner of the source's APIs where their catalog entity names none."""
    lifecycle: str = ""
    """Lifecycle of the source's APIs where their catalog entity gives none."""
    system: str = ""
    """System of the source's APIs where their catalog entity names none."""
    releases: str | None = None
    """Glob of the tags whose releases are compared; None: tags that read as semver."""
    bundles: str | None = None
    """Folder, glob or fsspec URL of published bundles, read instead of a checkout."""
    storage_options: tuple[tuple[str, Any], ...] = ()
    """fsspec options for `bundles` (an endpoint, a region) as (name, value) pairs;
    credentials come from the environment."""


@dataclass(frozen=True)
class ReportSettings:
    """Machine-readable reports, as paths relative to the site folder (None: not written)."""

    json: str | None = "scorecards.json"
    """`scorecards.json`."""
    sarif: str | None = None
    """SARIF 2.1.0 for code scanning."""
    junit: str | None = None
    """JUnit XML for CI test tabs."""


@dataclass(frozen=True)
class PortalSettings:
    """Everything the core needs, independent of the engine that runs it."""

    sources: tuple[SourceSettings, ...]
    """Where APIs come from."""
    output: str = "apis"
    """URL prefix of every generated page."""
    nav_title: str = "APIs"
    """Title of the navigation section."""
    pages: Literal["tag", "operation"] = "tag"
    """How the reference is split into pages."""
    group_by: Literal["system", "owner", "none"] = "system"
    """How the catalog groups APIs."""
    cache_dir: Path = Path(".cache/plugin/platform")
    """Where fetched sources and cached results live."""
    cache: bool = True
    """Keep readings, validation results, scorecards and pages in `cache_dir` between builds."""
    offline: bool = False
    """Never touch the network."""
    concurrency: int = field(default_factory=default_concurrency)
    """How many worker processes read and render APIs, and sources are fetched at once."""
    max_spec_size: int = 64 * 1024 * 1024
    """Files larger than this many bytes are a finding and are not loaded."""
    allow_hosts: tuple[str, ...] = ()
    """Hosts a `$ref` or catalog `$text` may fetch from."""
    validation: Literal["fast", "full", "none"] = "fast"
    """`fast`: openapi-spec-validator's verdicts at parsing speed; `full`: the validator itself."""
    scorecard: ScorecardSettings = field(default_factory=ScorecardSettings)
    """How APIs are scored and gated."""
    reports: ReportSettings = ReportSettings()
    """Which reports to write."""
    history: HistorySettings = field(default_factory=HistorySettings)
    """Where score history and earlier specs are kept between builds."""

    @property
    def validation_dir(self) -> Path | None:
        """Where validator findings are kept between builds, when caching is on."""
        return self.cache_dir / "validation" if self.cache else None

    @property
    def stages_dir(self) -> Path | None:
        """Where readings, scorecards and rendered pages are kept between builds, when caching
        is on."""
        return self.cache_dir / "stages" if self.cache else None


@dataclass(frozen=True)
class Source:
    """A source ready to read: a directory on disk and what is known of its origin."""

    settings: SourceSettings
    """What the user configured."""
    root: Path
    """Absolute path of the checkout."""
    commit: str | None = None
    """The commit checked out, for git sources."""
    branch: str | None = None
    """The branch built, when the ref is a branch."""
    stale: bool = False
    """True when the checkout is an older one because fetching failed."""
    stale_reason: str = ""
    """Why fetching failed, for the notice on its pages."""
    view_template: str | None = None
    """URL template showing a file at a commit (`{commit}`, `{ref}`, `{path}`)."""
    edit_template: str | None = None
    """URL template editing a file on the branch (`{ref}`, `{path}`)."""
    line_template: str = ""
    """Fragment of a view URL showing one line (`#L{line}`), when the host form is known."""
    remote_tags: Mapping[str, str] | None = None
    """Tag -> commit on the remote, when fetching the source listed them in this build."""
    bundle: BundleOrigin | None = None
    """The bundles the source was unpacked from, when it was published by a service's CI."""

    @property
    def name(self) -> str:
        return self.settings.name


@dataclass(frozen=True)
class BundleOrigin:
    """The published bundles a source was unpacked from."""

    locations: tuple[str, ...]
    """Where each bundle was read (a path or URL), for messages."""
    validation: tuple[tuple[str, tuple[Finding, ...]], ...] = ()
    """(API id, the validator's findings its bundle brings): the portal does not validate
    bundled specs again."""


@dataclass(frozen=True)
class SpecFile:
    """A spec file found in a source, before it is loaded."""

    source: Source
    """The source it lives in."""
    path: Path
    """Absolute path of the file."""
    api_id: str | None = None
    """An id the user fixed for it, if any."""

    @property
    def rel_path(self) -> str:
        """The path relative to the source root, with forward slashes."""
        return self.path.relative_to(self.source.root).as_posix()


@dataclass(frozen=True)
class CatalogEntity:
    """A Backstage catalog entity (`kind: API` or `kind: Component`) as read from its file."""

    kind: str
    """`API` or `Component`."""
    name: str
    """`metadata.name`, lowercased."""
    file: str
    """Path of the catalog file, relative to its source's root."""
    line: int
    """1-based line where the entity's document starts."""
    title: str = ""
    description: str = ""
    owner: str = ""
    """`spec.owner`, as written (`group:payments-team` or `payments-team`)."""
    lifecycle: str = ""
    system: str = ""
    tags: tuple[str, ...] = ()
    links: tuple[tuple[str, str], ...] = ()
    """(title, url) pairs from `metadata.links`."""
    provides: tuple[str, ...] = ()
    """For components: the APIs they provide (`spec.providesApis`)."""
    consumes: tuple[str, ...] = ()
    """For components: the APIs they consume (`spec.consumesApis`)."""
    source: str = ""
    """Name of the source the file is in."""


@dataclass
class ApiEntry:
    """One API of the portal: where it comes from, what loading it gave, and its findings."""

    id: str
    """The API id: used in URLs and reports."""
    source: Source
    """The source it lives in."""
    spec_path: str
    """Path of its spec file relative to the source root."""
    files: tuple[Path, ...] = ()
    """Every local file its spec was read from (the spec and the files its `$ref`s name)."""
    model: ApiModel | None = None
    """The normalized model, or None when the spec could not be loaded."""
    document: object | None = None
    """The spec as loaded (external `$ref`s bundled in), for download."""
    findings: list[Finding] = field(default_factory=list)
    """Every problem found, located."""
    catalog: CatalogEntity | None = None
    """The catalog entity describing the API, when a `catalog-info.yaml` does."""
    providers: list[CatalogEntity] = field(default_factory=list)
    """Components that provide the API."""
    consumers: list[CatalogEntity] = field(default_factory=list)
    """Components that consume the API."""
    locate: Locate | None = field(default=None, repr=False, compare=False)
    """Where a place of the spec was written, for findings about it."""
    sdks: list[SdkModel] = field(default_factory=list, repr=False, compare=False)
    """The API's Python SDKs, as read by griffe."""
    sdk_links: SdkLinks | None = field(default=None, repr=False, compare=False)
    """Which SDK methods call which operations, when the API has SDKs."""
    scorecard: Scorecard | None = field(default=None, repr=False, compare=False)
    """The API's scorecard, once scored."""
    digest: str | None = field(default=None, repr=False, compare=False)
    """A digest of every file its reading was made from; None when it cannot be cached."""
    cache_key: str | None = field(default=None, repr=False, compare=False)
    """The digest of everything its scorecard and pages are made from, once scored; None when
    they are not cached."""
    changes: ApiChanges = field(default_factory=ApiChanges, repr=False, compare=False)
    """What changed between its releases, and since the previous build."""
    history: list[ApiRecord] = field(default_factory=list, repr=False, compare=False)
    """What earlier builds recorded of it, oldest first."""
    sdk_surfaces: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    """Package -> its SDK's API as JSON-able data, kept in the history for the next build."""
    spec_changed_at: datetime | None = field(default=None, repr=False, compare=False)
    """When its spec last changed, as far as the history knows; None when it does not."""

    @property
    def owner(self) -> str:
        """The owner from the catalog, else the source's `owner`, else the spec's `x-owner`,
        else ''."""
        if self.catalog is not None and self.catalog.owner:
            return self.catalog.owner
        if self.source.settings.owner:
            return self.source.settings.owner
        if self.model is not None:
            owner = self.model.extensions.get("x-owner")
            if isinstance(owner, str):
                return owner
        return ""

    @property
    def lifecycle(self) -> str:
        """The lifecycle from the catalog, else the source's `lifecycle`."""
        if self.catalog is not None and self.catalog.lifecycle:
            return self.catalog.lifecycle
        return self.source.settings.lifecycle

    @property
    def system(self) -> str:
        """The system from the catalog, else the source's `system`."""
        if self.catalog is not None and self.catalog.system:
            return self.catalog.system
        return self.source.settings.system

    @property
    def loaded(self) -> bool:
        return self.model is not None

    @property
    def valid(self) -> bool:
        """Loaded, and no `structure` finding."""
        return self.loaded and not any(f.finding_class == "structure" for f in self.findings)

    @property
    def title(self) -> str:
        """The catalog's title, else the source's `title` (the portal's author wrote it for
        the portal), else the spec's info.title, else the id."""
        if self.catalog is not None and self.catalog.title:
            return self.catalog.title
        if self.source.settings.title:
            return self.source.settings.title
        if self.model is not None and self.model.title:
            return self.model.title
        return self.id


@dataclass
class Portal:
    """The result of the core pipeline: every API, ready to render."""

    settings: PortalSettings
    """The settings it was built with."""
    apis: list[ApiEntry]
    """Every API, sorted by id."""
    components: list[CatalogEntity] = field(default_factory=list)
    """Every catalog component (services that provide or consume APIs)."""
    findings: list[tuple[str, Finding]] = field(default_factory=list)
    """Problems not tied to one API (catalog files), with the name of their source."""
    gate: GateResult | None = None
    """Whether the configured gates fail."""
    history: History = field(default_factory=History)
    """What earlier builds recorded (empty without `history`)."""
    built_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    """When this build ran: the time of its history records."""
    sources: list[Source] = field(default_factory=list)
    """The checkouts read (sources of bundles: one per service whose bundles were read)."""
