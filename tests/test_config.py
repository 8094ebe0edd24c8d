"""Each mistake in the plugin's configuration fails at config time, naming the key; valid
options become the engine-neutral settings."""

from __future__ import annotations

from pathlib import Path

import pytest
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, ConfigurationError

from mkdocs_platform.config import PlatformConfig, parse_scorecard, to_settings
from mkdocs_platform.errors import ConfigError, PlatformError, PortalError
from mkdocs_platform.models import PortalSettings
from mkdocs_platform.models.scorecard import (
    DEFAULT_WEIGHTS,
    Override,
    RuleSetting,
    ScorecardSettings,
)
from mkdocs_platform.models.sdk import SdkSettings
from mkdocs_platform.sdk.settings import resolve_sdk

from .conftest import build_site, make_config, minimal_spec, write_files


def _load(tmp_path, plugin):
    return load_config(str(make_config(tmp_path, plugin)))


def _config_error(tmp_path, plugin, caplog) -> str:
    with pytest.raises(Abort):
        _load(tmp_path, plugin)
    return caplog.text


@pytest.fixture
def repo(tmp_path):
    write_files(tmp_path / "repo", {"openapi.yaml": minimal_spec()})
    return "repo"


def test_defaults(tmp_path, repo):
    config = _load(tmp_path, {"sources": [{"name": "pets", "path": repo}]})
    options = config.plugins["platform"].config
    assert isinstance(options, PlatformConfig)
    assert (options.output, options.pages, options.group_by, options.offline) == (
        "apis",
        "tag",
        "system",
        False,
    )
    assert options.max_spec_size == 64 * 1024 * 1024
    assert options.scorecard.reports.json == "scorecards.json"
    assert options.sources[0].path == str((tmp_path / repo).resolve())


def test_unknown_key_in_a_source(tmp_path, repo, caplog):
    text = _config_error(
        tmp_path, {"sources": [{"name": "pets", "path": repo, "spec": ["x"]}]}, caplog
    )
    assert "source 'pets'" in text
    assert "Unrecognised configuration name: spec" in text


def test_unknown_top_level_key(tmp_path, repo, caplog):
    text = _config_error(
        tmp_path, {"sources": [{"name": "pets", "path": repo}], "outptu": "x"}, caplog
    )
    assert "Unrecognised configuration name: outptu" in text


def test_missing_path(tmp_path, caplog):
    text = _config_error(tmp_path, {"sources": [{"name": "pets", "path": "nowhere"}]}, caplog)
    assert "source 'pets'" in text
    assert "is not an existing directory" in text


def test_duplicate_source_name(tmp_path, repo, caplog):
    plugin = {"sources": [{"name": "pets", "path": repo}, {"name": "Pets", "path": repo}]}
    text = _config_error(tmp_path, plugin, caplog)
    assert "source 'Pets': two sources have this name" in text


def test_source_needs_a_name(tmp_path, repo, caplog):
    text = _config_error(tmp_path, {"sources": [{"path": repo}]}, caplog)
    assert "source #1" in text


def test_bad_source_name(tmp_path, repo, caplog):
    text = _config_error(tmp_path, {"sources": [{"name": "my pets", "path": repo}]}, caplog)
    assert "only letters, digits and '-'" in text


def test_no_sources(tmp_path, caplog):
    text = _config_error(tmp_path, {"sources": []}, caplog)
    assert "at least one source is required" in text


def test_bad_size(tmp_path, repo, caplog):
    text = _config_error(
        tmp_path, {"sources": [{"name": "pets", "path": repo}], "max_spec_size": "huge"}, caplog
    )
    assert "Expected a size such as 64MB" in text


def test_sizes_are_parsed(tmp_path, repo):
    config = _load(
        tmp_path, {"sources": [{"name": "pets", "path": repo}], "max_spec_size": "512 KiB"}
    )
    assert config.plugins["platform"].config.max_spec_size == 512 * 1024


def test_bad_specs_item(tmp_path, repo, caplog):
    text = _config_error(
        tmp_path, {"sources": [{"name": "pets", "path": repo, "specs": [{"id": "x"}]}]}, caplog
    )
    assert "source 'pets'" in text
    assert "needs a 'path'" in text


def test_two_apis_with_one_id_name_both(tmp_path):
    write_files(tmp_path / "a", {"openapi.yaml": minimal_spec("A")})
    write_files(tmp_path / "b", {"openapi.yaml": minimal_spec("B")})
    plugin = {
        "sources": [
            {"name": "a", "path": "a", "specs": [{"path": "openapi.yaml", "id": "same"}]},
            {"name": "b", "path": "b", "specs": [{"path": "openapi.yaml", "id": "same"}]},
        ]
    }
    with pytest.raises(ConfigurationError) as caught:
        build_site(tmp_path, plugin)
    message = str(caught.value)
    assert message.startswith("Config value 'plugins': Plugin 'platform' option 'sources':")
    assert "a:openapi.yaml" in message
    assert "b:openapi.yaml" in message


def test_reserved_id(tmp_path):
    write_files(tmp_path / "search", {"openapi.yaml": minimal_spec()})
    with pytest.raises(ConfigurationError, match="reserved"):
        build_site(tmp_path, {"sources": [{"name": "search", "path": "search"}]})


def test_named_spec_that_does_not_exist(tmp_path, repo):
    with pytest.raises(ConfigurationError, match=r"source 'pets': the spec 'missing\.yaml'"):
        build_site(
            tmp_path, {"sources": [{"name": "pets", "path": repo, "specs": ["missing.yaml"]}]}
        )


# -- scorecard options: declared once, validated by MkDocs ----------------------------------


def test_scorecard_options_become_the_engine_settings(tmp_path, repo):
    plugin = {
        "sources": [{"name": "pets", "path": repo}],
        "scorecard": {
            "weights": {"ownership": 30},
            "rules": {
                "own-owner": False,  # what YAML makes of a bare `off`
                "doc-examples": {"severity": "error", "level": "none", "threshold": 0.5},
            },
            "overrides": [{"apis": ["pets*"], "rules": {"doc-tags": "info"}}],
            "waivers": "waivers.yml",
            "fail_under": 70,
            "annotations": {"cap": 0},
        },
    }
    (tmp_path / "waivers.yml").write_text("{}\n")  # a waiver file named must exist
    config = _load(tmp_path, plugin)
    settings = to_settings(config.plugins["platform"].config, config.config_file_path).scorecard
    assert settings is not None
    assert settings.weights == {**DEFAULT_WEIGHTS, "ownership": 30}
    assert settings.rules == {
        "own-owner": RuleSetting(severity="off"),
        "doc-examples": RuleSetting(severity="error", level="none", threshold=0.5),
    }
    assert settings.overrides == (
        Override(apis=("pets*",), rules={"doc-tags": RuleSetting(severity="info")}),
    )
    assert settings.waivers == str(tmp_path.resolve() / "waivers.yml")
    assert (settings.fail_under, settings.annotations_cap) == (70, 0)


def test_the_defaults_of_the_config_are_the_defaults_of_the_settings(tmp_path, repo):
    # `mkdocs-platform check` without --config uses the dataclasses' defaults: they must be the
    # plugin's.
    config = _load(tmp_path, {"sources": [{"name": "pets", "path": repo}]})
    settings = to_settings(config.plugins["platform"].config, config.config_file_path)
    defaults = PortalSettings(sources=settings.sources, cache_dir=settings.cache_dir)
    assert settings == defaults
    assert parse_scorecard({}) == ScorecardSettings()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"rules": {"doc-nope": "warn"}}, "Sub-option 'rules': unknown rule id 'doc-nope'"),
        (
            {"rules": {"doc-exampels": "warn"}},
            "unknown rule id 'doc-exampels'; did you mean 'doc-examples'?",
        ),
        (
            {"rules": {"doc-examples": "loud"}},
            (
                "Sub-option 'rules': rule 'doc-examples': expected off, info, warn, error or a "
                "mapping {severity, level, threshold}, got 'loud'"
            ),
        ),
        ({"rules": {"doc-examples": True}}, "rule 'doc-examples': expected off, info, warn"),
        (
            {"rules": {"doc-examples": {"level": "platinum"}}},
            (
                "rule 'doc-examples': Sub-option 'level': Expected one of: ('bronze', 'silver', "
                "'gold', 'none')"
            ),
        ),
        (
            {"rules": {"doc-examples": {"threshold": 1.5}}},
            "Sub-option 'threshold': expected a ratio from 0 to 1, got 1.5",
        ),
        (
            {"rules": {"doc-examples": {"weight": 2}}},
            "Sub-option 'weight': Unrecognised configuration name: weight",
        ),
        ({"rules": {"doc-examples": 3}}, "expected off, info, warn, error or a mapping"),
        ({"weights": {"speed": 3}}, "Sub-option 'weights': unknown category 'speed'"),
        ({"weights": {"design": -1}}, "category 'design': expected a number of 0 or more"),
        ({"weights": {"design": True}}, "category 'design': expected a number of 0 or more"),
        (
            {"fail_under": 101},
            "Sub-option 'fail_under': expected a whole number from 0 to 100, got 101",
        ),
        ({"fail_under": True}, "Sub-option 'fail_under': expected a whole number"),
        ({"target_level": "platinum"}, "Sub-option 'target_level': Expected one of"),
        ({"fail_on": "hint"}, "Sub-option 'fail_on': Expected one of"),
        (
            {"overrides": [{"apis": [], "rules": {}}]},
            "Sub-option 'overrides': override #1: Sub-option 'apis': give at least one API id",
        ),
        (
            {"overrides": [{"apis": ["x"], "rules": {}}, {"apis": ["y"], "rules": {"no": "off"}}]},
            "override #2: Sub-option 'rules': unknown rule id 'no'",
        ),
        ({"overrides": [{"apis": ["x"], "rule": {}}]}, "Unrecognised configuration name: rule"),
        ({"min_score": 3}, "Sub-option 'min_score': Unrecognised configuration name: min_score"),
    ],
)
def test_scorecard_mistakes_name_the_key(data, message):
    with pytest.raises(PlatformError) as caught:
        parse_scorecard(data)
    assert isinstance(caught.value, ConfigError)
    text = str(caught.value)
    assert text.startswith("Config value 'plugins': Plugin 'platform' option 'scorecard': ")
    assert message in text


def test_scorecard_mistakes_fail_the_build_config(tmp_path, repo, caplog):
    plugin = {
        "sources": [{"name": "pets", "path": repo}],
        "scorecard": {"rules": {"doc-examples": {"threshold": 2}}},
    }
    text = _config_error(tmp_path, plugin, caplog)
    assert (
        "Plugin 'platform' option 'scorecard': Sub-option 'rules': rule 'doc-examples': "
        "Sub-option 'threshold': expected a ratio from 0 to 1, got 2"
    ) in text


# -- sdks ------------------------------------------------------------------------------------


def test_sdk_items_become_sdk_settings_relative_to_their_source(tmp_path, repo):
    sdks = [
        {"path": "sdk/python/src", "package": "payments_sdk", "docstring_style": "numpy"},
        {"package": "a.b", "api": "pets"},
    ]
    config = _load(tmp_path, {"sources": [{"name": "pets", "path": repo, "sdks": sdks}]})
    settings = to_settings(config.plugins["platform"].config, config.config_file_path)
    assert settings.sources[0].sdks == (
        SdkSettings(Path("sdk/python/src"), "payments_sdk", None, "numpy"),
        SdkSettings(Path(), "a.b", "pets", "auto"),
    )
    root = tmp_path / repo
    resolved = resolve_sdk(settings.sources[0].sdks[0], root)
    assert resolved.path == (root / "sdk/python/src").resolve()
    with pytest.raises(PortalError, match="leaves the source's checkout"):
        resolve_sdk(SdkSettings(Path("../elsewhere"), "x"), root)


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ({"path": "/etc", "package": "x"}, "Sub-option 'path': expected a path relative to"),
        ({"package": "not-a-name"}, "Sub-option 'package': expected an importable name"),
        ({"path": "src"}, "Sub-option 'package': Required configuration not provided."),
        ({"package": "x", "docstring_style": "epytext"}, "Sub-option 'docstring_style'"),
        ({"package": "x", "api": "Not An Id"}, "Sub-option 'api': expected an API id"),
        ({"package": "x", "pakage": "typo"}, "Unrecognised configuration name: pakage"),
    ],
)
def test_sdk_item_mistakes_name_the_source_and_key(tmp_path, repo, caplog, item, message):
    text = _config_error(
        tmp_path, {"sources": [{"name": "pets", "path": repo, "sdks": [item]}]}, caplog
    )
    assert "option 'sources': source 'pets': Sub-option 'sdks': " in text
    assert message in text


def test_sdk_path_that_leaves_the_checkout_fails_the_build(tmp_path, repo):
    sdks = [{"path": "../elsewhere", "package": "x"}]
    with pytest.raises(ConfigurationError, match=r"source 'pets': the SDK path '\.\./elsewhere'"):
        build_site(tmp_path, {"sources": [{"name": "pets", "path": repo, "sdks": sdks}]})


def test_source_title_owner_lifecycle_and_system_become_settings(tmp_path, repo):
    source = {
        "name": "pets",
        "path": repo,
        "title": " Pet store ",
        "owner": "team-pets",
        "lifecycle": "production",
        "system": "shop",
    }
    config = _load(tmp_path, {"sources": [source]})
    (settings,) = to_settings(config.plugins["platform"].config, config.config_file_path).sources
    assert (settings.title, settings.owner, settings.lifecycle, settings.system) == (
        "Pet store",
        "team-pets",
        "production",
        "shop",
    )


@pytest.mark.parametrize("key", ["title", "owner", "lifecycle", "system"])
def test_source_metadata_must_be_text(tmp_path, repo, caplog, key):
    text = _config_error(
        tmp_path, {"sources": [{"name": "pets", "path": repo, key: ["x"]}]}, caplog
    )
    assert f"option 'sources': source 'pets': Sub-option '{key}': Expected type" in text
