"""The plugin's options in `mkdocs.yml` (DESIGN section 7), validated by MkDocs."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.base import BaseConfigOption, ValidationError

from mkdocs_platform.models import PortalSettings, ReportSettings, SourceSettings, SpecSelector
from mkdocs_platform.scorecard.settings import ScorecardSettings, SettingsError

_SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*$")
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([KMG]?i?B?)?\s*$", re.IGNORECASE)
_SIZE_UNITS = {"": 1, "B": 1, "K": 1024, "M": 1024**2, "G": 1024**3}


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

    path = c.Type(str, default=".")
    """Folder holding the package (what would be on `sys.path`), relative to the source root."""
    package = c.Type(str)
    """Importable name of the package."""
    api = c.Optional(c.Type(str))
    """Id of the API the SDK calls; default: the source's only API."""
    docstring_style = c.Choice(("auto", "google", "numpy", "sphinx"), default="auto")
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
        config_dir = Path(self._config.config_file_path or ".").resolve().parent
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
            if source.path is None and source.git is None:
                raise ValidationError(f"{label}: give a 'path' or a 'git' URL")
            if source.path is not None:
                path = (config_dir / source.path).resolve()
                if source.git is None and not path.is_dir():
                    raise ValidationError(
                        f"{label}: the path '{source.path}' ({path}) is not an existing directory"
                    )
                source.path = str(path)
            result.append(source)
        return result


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
    cap = c.Type(int, default=50)
    """At most this many annotations; one more line counts the rest."""


class ScorecardConfig(StrictConfig):
    """How APIs are scored, and the gates that fail a build."""

    weights = c.DictOfItems(c.Type((int, float)), default={})
    """Category id -> weight."""
    rules = c.Type(dict, default={})
    """Rule id -> off | info | warn | error, or {severity, level, threshold}."""
    overrides = c.ListOfItems(c.Type(dict), default=[])
    """`[{apis: [glob], rules: {...}}]`; the last match wins."""
    waivers = c.Optional(c.Type(str))
    """Path of a waiver file."""
    fail_under = c.Optional(c.Type(int))
    """Gate: every API scores at least this (0-100)."""
    target_level = c.Optional(c.Choice(("bronze", "silver", "gold")))
    """Gate: every API reaches this level."""
    fail_on = c.Optional(c.Choice(("info", "warn", "error")))
    """Gate: any finding at or above this severity."""
    reports = c.SubConfig(ReportsConfig)
    """Reports to write."""
    annotations = c.SubConfig(AnnotationsConfig)
    """GitHub annotations of findings (only under GitHub Actions)."""

    def validate(self) -> tuple[base.ConfigErrors, base.ConfigWarnings]:
        failed, warnings = super().validate()
        if not failed:
            try:
                self.settings()
            except SettingsError as exc:
                failed.append(("rules", ValidationError(str(exc))))
        return failed, warnings

    def settings(self) -> ScorecardSettings:
        """The engine-neutral scorecard settings.

        Raises:
            SettingsError: naming the key and what is wrong with it.
        """
        waivers = self.waivers
        if waivers is not None and self.config_file_path:
            waivers = str(Path(self.config_file_path).resolve().parent / waivers)
        return ScorecardSettings.from_dict(
            {
                "waivers": waivers,
                "annotations": {"severity": self.annotations.severity, "cap": self.annotations.cap},
                "weights": self.weights,
                "rules": self.rules,
                "overrides": self.overrides,
                "fail_under": self.fail_under,
                "target_level": self.target_level,
                "fail_on": self.fail_on,
            }
        )


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
    concurrency = c.Type(int, default=4)
    """How many sources or specs are worked on at once."""
    max_spec_size = ByteSize(default="64MB")
    """Larger files are a finding and are not loaded."""
    allow_hosts = c.ListOfItems(c.Type(str), default=[])
    """Hosts a `$ref` or catalog `$text` may fetch from."""
    scorecard = c.SubConfig(ScorecardConfig)
    """Scoring and gates."""
    history = c.Optional(c.Type(str))
    """Reserved: where score history persists between builds."""

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


def to_settings(config: PlatformConfig, config_file_path: str | None) -> PortalSettings:
    """The engine-neutral settings of a validated plugin config."""
    config_dir = Path(config_file_path or ".").resolve().parent
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
            sdks=tuple(
                {
                    "path": sdk.path,
                    "package": sdk.package,
                    "api": sdk.api,
                    "docstring_style": sdk.docstring_style,
                }
                for sdk in s.sdks
            ),
            view_url=s.view_url,
            edit_url=s.edit_url,
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
        cache_dir=(config_dir / config.cache_dir).resolve(),
        cache=config.cache,
        offline=config.offline,
        concurrency=config.concurrency,
        max_spec_size=config.max_spec_size,
        allow_hosts=tuple(config.allow_hosts),
        scorecard=config.scorecard.settings(),
        reports=ReportSettings(
            json=config.scorecard.reports.json,
            sarif=config.scorecard.reports.sarif,
            junit=config.scorecard.reports.junit,
        ),
    )
