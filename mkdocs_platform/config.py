"""The plugin's options in `mkdocs.yml`, validated by MkDocs' config classes,
and the engine-neutral settings they become.

Every option is declared and checked here once; the build and `mkdocs-platform check --config`
both read a `mkdocs.yml` through these classes.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, TypeVar

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.base import BaseConfigOption, ValidationError
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import ConfigurationError
from mkdocs.plugins import get_plugin_logger

from mkdocs_platform.bundles.storage import secret_option
from mkdocs_platform.errors import ConfigError, did_you_mean
from mkdocs_platform.models import PortalSettings, ReportSettings, SourceSettings, SpecSelector
from mkdocs_platform.models.history import DEFAULT_RETENTION, HistorySettings
from mkdocs_platform.models.portal import default_concurrency
from mkdocs_platform.models.scorecard import (
    CATEGORIES,
    DEFAULT_WEIGHTS,
    LEVELS,
    NO_LEVEL,
    SEVERITY_SETTINGS,
    LevelId,
    Override,
    RuleSetting,
    ScorecardSettings,
    SeveritySetting,
)
from mkdocs_platform.models.sdk import DOCSTRING_STYLES, SdkSettings
from mkdocs_platform.scorecard.registry import PLANNED_RULE_IDS
from mkdocs_platform.scorecard.rules import all_rules

log = get_plugin_logger(__name__)

PLUGIN_NAME = "platform"
"""The plugin's name in `mkdocs.yml` (its entry point)."""

PLUGIN_OPTION = f"Config value 'plugins': Plugin '{PLUGIN_NAME}' option "
"""How MkDocs starts a message about one of the plugin's options."""

_SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*$")
_API_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_PACKAGE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([KMG]?i?B?)?\s*$", re.IGNORECASE)
_SIZE_UNITS = {"": 1, "B": 1, "K": 1024, "M": 1024**2, "G": 1024**3}

AnyConfig = TypeVar("AnyConfig", bound=base.Config)


def config_dir(config_file_path: str | None) -> Path:
    """The folder relative paths in a config file are resolved against (else the current one)."""
    return Path(config_file_path).resolve().parent if config_file_path else Path.cwd()


class StrictConfig(base.Config):
    """A config in which an unknown key is an error, not a warning: typos must not pass."""

    def validate(self) -> tuple[base.ConfigErrors, base.ConfigWarnings]:
        failed, warnings = super().validate()
        unknown = [(k, w) for k, w in warnings if w.startswith("Unrecognised configuration name")]
        if unknown:
            failed = [*failed, *((k, ValidationError(w)) for k, w in unknown)]
            warnings = [(k, w) for k, w in warnings if (k, w) not in unknown]
        return failed, warnings


class ByteSize(BaseConfigOption[int]):
    """A size in bytes: a number, or text such as `64MB` or `512 KiB`."""

    def __init__(self, default: str) -> None:
        super().__init__()
        self.default = default

    def run_validation(self, value: object) -> int:
        if isinstance(value, bool):
            raise ValidationError(f"Expected a size such as 64MB, got {value!r}")
        if isinstance(value, int):
            return value
        match = _SIZE.match(str(value))
        if not match:
            raise ValidationError(f"Expected a size such as 64MB, got {value!r}")
        number, unit = match.groups()
        return int(float(number) * _SIZE_UNITS[(unit or "").upper()[:1]])


class NullableText(BaseConfigOption[str | None]):
    """Text with a default, which an explicit `null` turns off."""

    def __init__(self, default: str | None = None) -> None:
        super().__init__()
        self.default = default

    def run_validation(self, value: object) -> str | None:
        if value is None or (isinstance(value, str) and value.strip()):
            return value
        raise ValidationError(f"Expected a path or null, got {value!r}")


class Matching(BaseConfigOption[str]):
    """Text matching a pattern, such as an importable name or an API id."""

    def __init__(self, pattern: re.Pattern[str], expected: str) -> None:
        super().__init__()
        self.pattern = pattern
        self.expected = expected

    def run_validation(self, value: object) -> str:
        if value is None:
            raise ValidationError("Required configuration not provided.")
        if isinstance(value, str) and self.pattern.match(value):
            return value
        raise ValidationError(f"expected {self.expected}, got {value!r}")


class RelativePath(BaseConfigOption[str]):
    """A path relative to the source root."""

    def __init__(self, default: str) -> None:
        super().__init__()
        self.default = default

    def run_validation(self, value: object) -> str:
        if not isinstance(value, str) or not value.strip() or Path(value).is_absolute():
            raise ValidationError(f"expected a path relative to the source root, got {value!r}")
        return value


class WholeNumber(BaseConfigOption[int]):
    """A whole number within bounds (YAML's `true` is not one)."""

    def __init__(self, low: int, high: int | None = None, default: int | None = None) -> None:
        super().__init__()
        self.low, self.high = low, high
        self.default = default

    def run_validation(self, value: object) -> int:
        within = isinstance(value, int) and not isinstance(value, bool) and self.low <= value
        if within and (self.high is None or value <= self.high):  # type: ignore[operator]
            return value  # type: ignore[return-value]
        bounds = (
            f"from {self.low} to {self.high}" if self.high is not None else f"of {self.low} or more"
        )
        raise ValidationError(f"expected a whole number {bounds}, got {value!r}")


class Ratio(BaseConfigOption[float]):
    """A ratio from 0 to 1."""

    def run_validation(self, value: object) -> float:
        if _is_number(value) and 0 <= value <= 1:  # type: ignore[operator]
            return float(value)  # type: ignore[arg-type]
        raise ValidationError(f"expected a ratio from 0 to 1, got {value!r}")


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


class SpecItem(BaseConfigOption[SpecSelector]):
    """A glob or path, or `{path: ..., id: ...}`."""

    def run_validation(self, value: object) -> SpecSelector:
        if isinstance(value, str) and value.strip():
            return SpecSelector(pattern=value.strip())
        if isinstance(value, dict):
            unknown = set(value) - {"path", "id"}
            if unknown:
                raise ValidationError(f"unknown key {min(unknown)!r} in a specs item")
            path, api_id = value.get("path"), value.get("id")
            if not isinstance(path, str) or not path.strip():
                raise ValidationError("a specs item needs a 'path'")
            if api_id is not None and (not isinstance(api_id, str) or not _SLUG.match(api_id)):
                raise ValidationError(f"the id {api_id!r} must use only letters, digits and '-'")
            return SpecSelector(pattern=path.strip(), api_id=api_id.lower() if api_id else None)
        raise ValidationError(f"a specs item is a path or {{path, id}}, not {value!r}")


class SdkConfig(StrictConfig):
    """A Python SDK in a source."""

    path = RelativePath(default=".")
    """Folder holding the package (what would be on `sys.path`), relative to the source root."""
    package = Matching(_PACKAGE, "an importable name such as payments_sdk")
    """Importable name of the package."""
    api = c.Optional(Matching(_API_ID, "an API id (lowercase letters, digits and '-')"))
    """Id of the API the SDK calls; default: the source's only API."""
    docstring_style = c.Choice(DOCSTRING_STYLES, default="auto")
    """How its docstrings are written."""


class SourceConfig(StrictConfig):
    """One place APIs come from."""

    name = c.Type(str)
    """Slug naming the source: letters, digits and '-'."""
    path = c.Optional(c.Type(str))
    """A local checkout, relative to mkdocs.yml; watched by `mkdocs serve`."""
    git = c.Optional(c.Type(str))
    """A git URL (https, ssh or file) to fetch when `path` does not exist."""
    ref = c.Optional(c.Type(str))
    """Branch, tag or full 40-hex commit of `git`; default: the remote's HEAD."""
    token_env = c.Optional(c.Type(str))
    """Environment variable holding an HTTPS token for `git`; never logged or shown."""
    specs: c.ListOfItems[SpecSelector] = c.ListOfItems(SpecItem(), default=[])
    """Spec files: globs or `{path, id}` items; default: the conventional names."""
    exclude = c.ListOfItems(c.Type(str), default=[])
    """Globs (gitignore style) never searched."""
    catalog = c.Type(bool, default=True)
    """Read `catalog-info.yaml` files."""
    sdks = c.ListOfItems(c.SubConfig(SdkConfig), default=[])
    """Python SDKs in this source."""
    view_url = c.Optional(c.Type(str))
    """URL template showing a file at a commit, with `{commit}`, `{ref}` and `{path}`."""
    edit_url = c.Optional(c.Type(str))
    """URL template editing a file on a branch, with `{ref}` and `{path}`."""
    title = c.Optional(c.Type(str))
    """Title of the source's APIs where no catalog entity gives one; over the spec's info.title."""
    owner = c.Optional(c.Type(str))
    """Owner of the source's APIs where no catalog entity names one; counts as a catalog owner."""
    lifecycle = c.Optional(c.Type(str))
    """Lifecycle of the source's APIs (`production`, `deprecated`) where no catalog gives one."""
    system = c.Optional(c.Type(str))
    """System the source's APIs belong to where no catalog entity names one."""
    releases = c.Optional(c.Type(str))
    """Glob of the tags whose releases are compared for breaking changes; default: tags that
    read as semver (`v1.2.0`, `1.2.0`)."""
    bundles = c.Optional(c.Type(str))
    """Published bundles to read instead of a checkout: a folder, a glob, or an fsspec URL
    (`s3://acme-portal/bundles/`)."""
    storage_options = c.Type(dict, default={})
    """fsspec options for `bundles` (`endpoint_url`, `region_name`); never credentials, which
    come from the environment."""


def _check_bundle_source(source: SourceConfig, label: str, folder: Path) -> None:
    """A source of bundles names nothing else to read, and no credential in its options."""
    others = [
        key
        for key in ("path", "git", "ref", "token_env", "releases", "specs", "sdks")
        if source[key]
    ]
    if others:
        raise ValidationError(
            f"{label}: 'bundles' is read instead of a checkout; drop "
            f"{', '.join(repr(k) for k in others)} (the service's own CI reads those when it "
            "publishes the bundles)"
        )
    secret = secret_option(source.storage_options)
    if secret is not None:
        raise ValidationError(
            f"{label}: the storage option {secret!r} would hold a credential in mkdocs.yml; "
            "give credentials in the environment (AWS_ACCESS_KEY_ID, GOOGLE_APPLICATION_"
            "CREDENTIALS, AZURE_STORAGE_CONNECTION_STRING, ...) instead"
        )
    for key, value in source.storage_options.items():
        if not isinstance(value, str | int | float | bool) and value is not None:
            raise ValidationError(f"{label}: the storage option {key!r} must be a plain value")
    location = str(source.bundles)
    if "://" not in location:
        # A folder or a glob, relative to mkdocs.yml like a path.
        source.bundles = str(folder / location)


class SourcesOption(c.ListOfItems[SourceConfig]):
    """The list of sources; every error names the source it is about."""

    def __init__(self) -> None:
        super().__init__(c.SubConfig(SourceConfig))

    def run_validation(self, value: object) -> list[SourceConfig]:
        if value is None or value == []:
            raise ValidationError("at least one source is required")
        if not isinstance(value, list):
            raise ValidationError(
                f"Expected a list of sources, but a {type(value).__name__} was given."
            )
        folder = config_dir(self._config.config_file_path)
        result: list[SourceConfig] = []
        names: set[str] = set()
        for index, item in enumerate(value):
            label = item.get("name") if isinstance(item, dict) else None
            label = f"source '{label}'" if isinstance(label, str) else f"source #{index + 1}"
            try:
                source = super().run_validation([item])[0]
            except ValidationError as exc:
                raise ValidationError(f"{label}: {exc}") from None
            if not _SLUG.match(source.name):
                raise ValidationError(f"{label}: the name must use only letters, digits and '-'")
            if source.name.lower() in names:
                raise ValidationError(f"{label}: two sources have this name")
            names.add(source.name.lower())
            if source.bundles is not None:
                _check_bundle_source(source, label, folder)
                result.append(source)
                continue
            if source.storage_options:
                raise ValidationError(f"{label}: 'storage_options' go with 'bundles'")
            if source.path is None and source.git is None:
                raise ValidationError(f"{label}: give a 'path', a 'git' URL or 'bundles'")
            if source.path is not None:
                path = (folder / source.path).resolve()
                if source.git is None and not path.is_dir():
                    raise ValidationError(
                        f"{label}: the path '{source.path}' ({path}) is not an existing directory"
                    )
                source.path = str(path)
            result.append(source)
        return result


class HistoryConfig(StrictConfig):
    """Score history and earlier specs, kept between builds."""

    path = c.Optional(c.Type(str))
    """A folder, relative to mkdocs.yml (in the portal's repository or a CI cache); unset: off."""
    retention = WholeNumber(1, default=DEFAULT_RETENTION)
    """Builds kept per API; older records are dropped."""


class ReportsConfig(StrictConfig):
    """Machine-readable reports, written into `site_dir`."""

    json = NullableText(default="scorecards.json")
    """Path of `scorecards.json`, or null for none."""
    sarif = NullableText()
    """Path of a SARIF 2.1.0 report."""
    junit = NullableText()
    """Path of a JUnit XML report."""


class AnnotationsConfig(StrictConfig):
    """GitHub annotations, printed when the build runs in GitHub Actions."""

    severity = c.Choice(("info", "warn", "error"), default="warn")
    """Findings at or above this severity are annotated."""
    cap = WholeNumber(0, default=50)
    """At most this many annotations; one more line counts the rest."""


class Severity(BaseConfigOption[SeveritySetting]):
    """A rule's severity: off, info, warn or error (YAML reads a bare `off` as false)."""

    def run_validation(self, value: object) -> SeveritySetting:
        if value is False:
            return "off"
        for severity in SEVERITY_SETTINGS:
            if value == severity:
                return severity
        raise ValidationError(f"expected off, info, warn or error, got {value!r}")


class GateSeverity(BaseConfigOption[str | None]):
    """The severity the `fail_on` gate fails at: info, warn or error; `off` (which YAML reads
    as false) or null for no such gate."""

    def run_validation(self, value: object) -> str | None:
        if value is None or value is False or value == "off":
            return None
        if value in ("info", "warn", "error"):
            return str(value)
        # Worded as MkDocs words a choice.
        choices = ("info", "warn", "error", "off")
        raise ValidationError(f"Expected one of: {choices} but received: {value!r}")


_RULE_LEVELS: tuple[LevelId | Literal["none"], ...] = (*LEVELS, NO_LEVEL)


class RuleConfig(StrictConfig):
    """What to change about one rule; each key left out keeps the rule's default."""

    severity = c.Optional(Severity())
    """off, info, warn or error."""
    level = c.Optional(c.Choice(_RULE_LEVELS))
    """The lowest level at which it must pass, or `none` to count for the score only."""
    threshold = c.Optional(Ratio())
    """The ratio of passing items it needs at its level (0 to 1)."""


class RuleOption(BaseConfigOption[RuleSetting]):
    """A rule's setting: a severity, or `{severity, level, threshold}`."""

    def __init__(self) -> None:
        super().__init__()
        self.details = c.SubConfig(RuleConfig)

    def run_validation(self, value: object) -> RuleSetting:
        if isinstance(value, dict):
            details = self.details.run_validation(value)
            level = next((lv for lv in _RULE_LEVELS if lv == details.level), None)
            return RuleSetting(severity=details.severity, level=level, threshold=details.threshold)
        try:
            return RuleSetting(severity=Severity().run_validation(value))
        except ValidationError:
            raise ValidationError(
                "expected off, info, warn, error or a mapping {severity, level, threshold}, "
                f"got {value!r}"
            ) from None


def unknown_rule_message(rule_id: str) -> str | None:
    """Why `rule_id` cannot be configured (with the nearest known id), or None when it can."""
    known = [*all_rules(), *PLANNED_RULE_IDS]
    if rule_id in known:
        return None
    return f"unknown rule id '{rule_id}'{did_you_mean(rule_id, known)}"


class RulesOption(c.DictOfItems[RuleSetting]):
    """Rule id -> setting; an unknown rule id is an error that names the nearest known one."""

    def __init__(self) -> None:
        super().__init__(RuleOption(), default={})

    def run_validation(self, value: object) -> dict[str, RuleSetting]:
        if not isinstance(value, dict) or not value:
            return super().run_validation(value)
        result: dict[str, RuleSetting] = {}
        for rule_id, item in value.items():
            unknown = unknown_rule_message(str(rule_id))
            if unknown is not None:
                raise ValidationError(unknown)
            try:
                result[rule_id] = self.option_type.run_validation(item)
            except ValidationError as exc:
                raise ValidationError(f"rule '{rule_id}': {exc}") from None
        return result


class WeightsOption(c.DictOfItems[float]):
    """Category id -> weight (a number of 0 or more)."""

    def __init__(self) -> None:
        super().__init__(c.Type((int, float)), default={})

    def run_validation(self, value: object) -> dict[str, float]:
        weights = super().run_validation(value)
        for category, weight in weights.items():
            if category not in CATEGORIES:
                raise ValidationError(
                    f"unknown category '{category}'; categories are {', '.join(CATEGORIES)}"
                )
            if not _is_number(weight) or weight < 0:
                raise ValidationError(
                    f"category '{category}': expected a number of 0 or more, got {weight!r}"
                )
        return weights


class OverrideConfig(StrictConfig):
    """Rule settings for some APIs."""

    apis = c.ListOfItems(c.Type(str))
    """Globs of the API ids it applies to (`payments-*`)."""
    rules = RulesOption()
    """Rule id -> setting, laid over `scorecard.rules` for those APIs."""

    def validate(self) -> tuple[base.ConfigErrors, base.ConfigWarnings]:
        failed, warnings = super().validate()
        if not failed and not self.apis:
            failed.append(("apis", ValidationError("give at least one API id glob")))
        return failed, warnings


class OverridesOption(c.ListOfItems[OverrideConfig]):
    """The list of overrides; every error names the override it is about."""

    def __init__(self) -> None:
        super().__init__(c.SubConfig(OverrideConfig), default=[])

    def run_validation(self, value: object) -> list[OverrideConfig]:
        if not isinstance(value, list):
            return super().run_validation(value)
        return [self._one(index, item) for index, item in enumerate(value)]

    def _one(self, index: int, item: object) -> OverrideConfig:
        try:
            return super().run_validation([item])[0]
        except ValidationError as exc:
            raise ValidationError(f"override #{index + 1}: {exc}") from None


class ScorecardConfig(StrictConfig):
    """How APIs are scored, and the gates that fail a build."""

    weights = WeightsOption()
    """Category id -> weight; categories left out keep their default."""
    rules = RulesOption()
    """Rule id -> off | info | warn | error, or {severity, level, threshold}."""
    overrides = OverridesOption()
    """`[{apis: [glob], rules: {...}}]`; the last match wins."""
    waivers = c.Optional(c.File(exists=True))
    """Path of a waiver file, relative to mkdocs.yml; a missing file is an error, not a build
    with nothing waived."""
    fail_under = c.Optional(WholeNumber(0, 100))
    """Gate: every API scores at least this (0-100)."""
    target_level = c.Optional(c.Choice(LEVELS))
    """Gate: every API reaches this level."""
    fail_on = GateSeverity()
    """Gate: any finding at or above this severity; off for none."""
    reports = c.SubConfig(ReportsConfig)
    """Reports to write."""
    annotations = c.SubConfig(AnnotationsConfig)
    """GitHub annotations of findings (only under GitHub Actions)."""


class PlatformConfig(StrictConfig):
    """Options of the `platform` plugin."""

    enabled = c.Type(bool, default=True)
    """Turn the plugin off without removing its configuration."""
    sources = SourcesOption()
    """Where APIs come from."""
    output = c.Type(str, default="apis")
    """URL prefix of every generated page."""
    nav_title = c.Type(str, default="APIs")
    """Title of the navigation section the plugin adds."""
    nav_max_apis = WholeNumber(0, default=50)
    """Most APIs the navigation lists on every page; past it, an API's pages are listed on that
    API's pages only (MkDocs writes the whole navigation into every page)."""
    pages = c.Choice(("tag", "operation"), default="tag")
    """Split the reference into one page per tag, or one per operation."""
    group_by = c.Choice(("system", "owner", "none"), default="system")
    """How the catalog groups APIs."""
    cache = c.Type(bool, default=True)
    """Keep results between builds."""
    cache_dir = c.Type(str, default=".cache/plugin/platform")
    """Where fetched sources and cached results live, relative to mkdocs.yml."""
    offline = c.Type(bool, default=False)
    """Never touch the network; build from the cache."""
    concurrency = c.Optional(c.Type(int))
    """How many worker processes read and render APIs, and how many sources are fetched at
    once; by default the number of cores."""
    max_spec_size = ByteSize(default="64MB")
    """Larger files are a finding and are not loaded."""
    allow_hosts = c.ListOfItems(c.Type(str), default=[])
    """Hosts a `$ref` or catalog `$text` may fetch from."""
    validation = c.Choice(("fast", "full"), default="fast")
    """`fast`: the validator's verdicts at parsing speed; `full`: openapi-spec-validator itself."""
    scorecard = c.SubConfig(ScorecardConfig)
    """Scoring and gates."""
    history = c.SubConfig(HistoryConfig)
    """Score history and earlier specs between builds: trends and breaking changes."""

    def validate(self) -> tuple[base.ConfigErrors, base.ConfigWarnings]:
        failed, warnings = super().validate()
        output = self.get("output")
        if isinstance(output, str) and not re.match(
            r"^[A-Za-z0-9][A-Za-z0-9/_-]*$", output.strip("/")
        ):
            failed.append(("output", ValidationError("use letters, digits, '-', '_' and '/' only")))
        concurrency = self.get("concurrency")
        if isinstance(concurrency, int) and concurrency < 1:
            failed.append(("concurrency", ValidationError("must be at least 1")))
        return failed, warnings


def scorecard_settings(config: ScorecardConfig) -> ScorecardSettings:
    """The engine-neutral scorecard settings of a validated `scorecard:` config."""
    waivers = config.waivers
    if waivers is not None:
        waivers = str(config_dir(config.config_file_path) / waivers)
    return ScorecardSettings(
        weights={**DEFAULT_WEIGHTS, **config.weights},
        rules=config.rules,
        overrides=tuple(Override(apis=tuple(o.apis), rules=o.rules) for o in config.overrides),
        fail_under=config.fail_under,
        target_level=config.target_level,
        fail_on=config.fail_on,  # type: ignore[arg-type]
        waivers=waivers,
        annotations_severity=config.annotations.severity,  # type: ignore[arg-type]
        annotations_cap=config.annotations.cap,
    )


def _sdk_settings(config: SdkConfig) -> SdkSettings:
    # Relative until the source's root is known: a git source has none before it is fetched.
    return SdkSettings(
        path=Path(config.path),
        package=config.package,
        api=config.api,
        docstring_style=config.docstring_style,
    )


def to_settings(
    config: PlatformConfig, config_file_path: str | None = None, *, writes_history: bool = True
) -> PortalSettings:
    """The engine-neutral settings of a validated plugin config.

    `writes_history` is False for runs that read the history but must leave it as it is
    (`mkdocs serve`).
    """
    folder = config_dir(config_file_path or config.config_file_path)
    history = config.history
    sources = tuple(
        SourceSettings(
            name=s.name.lower(),
            path=Path(s.path) if s.path else None,
            git=s.git,
            ref=s.ref,
            token_env=s.token_env,
            specs=tuple(s.specs),
            exclude=tuple(s.exclude),
            catalog=s.catalog,
            sdks=tuple(_sdk_settings(sdk) for sdk in s.sdks),
            view_url=s.view_url,
            edit_url=s.edit_url,
            title=(s.title or "").strip(),
            owner=(s.owner or "").strip(),
            lifecycle=(s.lifecycle or "").strip(),
            system=(s.system or "").strip(),
            releases=s.releases or None,
            bundles=s.bundles,
            storage_options=tuple(sorted(s.storage_options.items())),
        )
        for s in config.sources
    )
    output: Any = config.output.strip("/")
    return PortalSettings(
        sources=sources,
        output=output,
        nav_title=config.nav_title,
        pages=config.pages,  # type: ignore[arg-type]
        group_by=config.group_by,  # type: ignore[arg-type]
        cache_dir=(folder / config.cache_dir).resolve(),
        cache=config.cache,
        offline=config.offline,
        concurrency=config.concurrency or default_concurrency(),
        max_spec_size=config.max_spec_size,
        allow_hosts=tuple(config.allow_hosts),
        validation=config.validation,  # type: ignore[arg-type]
        scorecard=scorecard_settings(config.scorecard),
        reports=ReportSettings(
            json=config.scorecard.reports.json,
            sarif=config.scorecard.reports.sarif,
            junit=config.scorecard.reports.junit,
        ),
        history=HistorySettings(
            path=(folder / history.path).resolve() if history.path else None,
            retention=history.retention,
            write=writes_history,
        ),
    )


def validate_options(config: AnyConfig, options: Mapping[str, Any], where: str) -> AnyConfig:
    """`config` loaded with `options` and validated; warnings are logged.

    Raises:
        ConfigError: one line per invalid option, `where` followed by `'key': why`.
    """
    try:
        config.load_dict(dict(options))
    except ConfigurationError as exc:
        raise ConfigError(f"{where.rstrip()}: {exc}") from None
    failed, warnings = config.validate()
    for key, message in warnings:
        log.warning("%s'%s': %s", where, key, message)
    if failed:
        raise ConfigError("\n".join(f"{where}'{key}': {error}" for key, error in failed))
    return config


def parse_scorecard(
    options: Mapping[str, Any], config_file_path: str | None = None
) -> ScorecardSettings:
    """The settings of a `scorecard:` mapping, validated exactly as the plugin validates it.

    Raises:
        ConfigError: naming each invalid option.
    """
    config = ScorecardConfig(config_file_path=config_file_path)
    where = f"{PLUGIN_OPTION}'scorecard': Sub-option "
    return scorecard_settings(validate_options(config, options, where))


def _plugin_options(plugins: object) -> Mapping[str, Any] | None:
    """The options of the `platform` plugin in a `plugins:` value, or None when it is absent."""
    entries: list[tuple[object, object]] = []
    if isinstance(plugins, dict):
        entries.extend(plugins.items())
    elif isinstance(plugins, list):
        for item in plugins:
            if isinstance(item, str):
                entries.append((item, {}))
            elif isinstance(item, dict):
                entries.extend(item.items())
    for name, options in entries:
        if name == PLUGIN_NAME:
            return options if isinstance(options, dict) else {}
    return None


def read_config_file(path: Path) -> PortalSettings:
    """The settings of the `platform` plugin in the MkDocs config file `path`.

    The file is read as MkDocs reads it (`INHERIT`, `!ENV`, `!relative`) and the plugin's
    options are validated by `PlatformConfig`; relative paths are the file's neighbours.

    Raises:
        ConfigError: the file cannot be read, has no `platform` plugin, or an option is invalid.
    """
    # Read as MkDocs reads it (tags such as `!relative` need a config), not validated: only the
    # plugin's options are checked here, and the rest of the file may need other plugins.
    mkdocs_config = MkDocsConfig(config_file_path=str(path))
    try:
        with path.open("rb") as handle:
            mkdocs_config.load_file(handle)
    except OSError as exc:
        raise ConfigError(f"{path}: {exc.strerror or exc}") from None
    except ConfigurationError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    options = _plugin_options(mkdocs_config.get("plugins"))
    if options is None:
        raise ConfigError(
            f"Config value 'plugins': the '{PLUGIN_NAME}' plugin is not configured in {path}"
        )
    config = PlatformConfig(config_file_path=str(path.resolve()))
    return to_settings(validate_options(config, options, PLUGIN_OPTION))
