"""Each mistake in the plugin's configuration fails at config time, naming the source."""

from __future__ import annotations

import pytest
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, ConfigurationError

from mkdocs_platform.config import PlatformConfig

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
