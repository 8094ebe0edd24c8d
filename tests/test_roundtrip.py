"""Every stage's result is plain data: written to disk with pickle, it reads back unchanged."""

from __future__ import annotations

import dataclasses
import json
import pickle
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest
import yaml
from mkdocs.config import load_config

from mkdocs_platform.config import to_settings
from mkdocs_platform.discovery.catalog import read_catalog
from mkdocs_platform.discovery.specs import find_spec_files, walk_files
from mkdocs_platform.models import Locate, Portal, PortalSettings
from mkdocs_platform.openapi import SpecReading, read_spec
from mkdocs_platform.portal import build_portal
from mkdocs_platform.scorecard import build_portfolio
from mkdocs_platform.sources import resolve_sources

from .conftest import EXAMPLE_SITE, FIXTURES

T = TypeVar("T")

BIG = 64 * 1024 * 1024


def through_disk(value: T, folder: Path, name: str) -> T:
    """`value` written to a file with pickle and read back."""
    path = folder / f"{name}.pickle"
    path.write_bytes(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    copy: T = pickle.loads(path.read_bytes())
    return copy


def example_settings(cache_dir: Path) -> PortalSettings:
    config = load_config(str(EXAMPLE_SITE / "mkdocs.yml"))
    settings = to_settings(config.plugins["platform"].config, config.config_file_path)
    # Nothing is written into the example site's folder.
    return dataclasses.replace(settings, cache_dir=cache_dir, cache=False)


@pytest.fixture(scope="module")
def example_portal(tmp_path_factory: pytest.TempPathFactory) -> Portal:
    return build_portal(example_settings(tmp_path_factory.mktemp("cache")))


def all_tokens(data: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """The tokens of every place of a JSON-like document."""
    places = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            places.extend(all_tokens(value, (*prefix, key)))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            places.extend(all_tokens(value, (*prefix, str(index))))
    return places


def assert_locates_alike(original: Locate | None, copy: Locate | None, document: Any) -> None:
    """Both locators put every place of the document at the same file, line, column, pointer."""
    assert original is not None
    assert copy is not None
    places = all_tokens(document)
    assert len(places) > 10
    for tokens in places:
        assert copy(list(tokens)) == original(list(tokens))


# -- sources and discovery ---------------------------------------------------------------


def test_sources_read_back_unchanged(tmp_path: Path):
    sources = resolve_sources(example_settings(tmp_path / "cache"))
    assert [s.name for s in sources] == [
        "payments",
        "orders",
        "inventory",
        "notifications",
        "shipping",
        "storefront",
    ]
    assert through_disk(sources, tmp_path, "sources") == sources


def test_spec_files_and_catalog_entities_read_back_unchanged(tmp_path: Path):
    settings = example_settings(tmp_path / "cache")
    spec_files = []
    entities = []
    for source in resolve_sources(settings):
        files = walk_files(source)
        spec_files.extend(find_spec_files(source, files))
        catalog = read_catalog(source, settings, files)
        entities.extend([api.entity for api in catalog.apis] + catalog.components)
    assert {f.rel_path for f in spec_files} >= {"openapi.yaml", "api/openapi.json"}
    assert {e.kind for e in entities} == {"API", "Component"}
    assert through_disk(spec_files, tmp_path, "spec-files") == spec_files
    assert through_disk(entities, tmp_path, "entities") == entities


# -- openapi ----------------------------------------------------------------------------


def split_spec(root: Path, *, as_json: bool) -> Path:
    """The fixture whose schema lives in another file, as YAML or converted to JSON."""
    shutil.copytree(FIXTURES / "scorecard/split", root)
    if not as_json:
        return root / "openapi.yaml"
    spec = yaml.safe_load((root / "openapi.yaml").read_text(encoding="utf-8"))
    # A second, broken external $ref: the reading has a finding to carry.
    spec["paths"]["/pets"]["get"]["responses"]["404"] = {
        "description": "Not found.",
        "content": {"application/json": {"schema": {"$ref": "./schemas/pet.yaml#/Missing"}}},
    }
    path = root / "openapi.json"
    path.write_text(json.dumps(spec, indent=2), encoding="utf-8")
    (root / "openapi.yaml").unlink()
    return path


@pytest.mark.parametrize("as_json", [False, True], ids=["yaml", "json"])
def test_spec_reading_reads_back_unchanged(tmp_path: Path, as_json: bool):
    path = split_spec(tmp_path / "repo", as_json=as_json)
    reading = read_spec(path, tmp_path / "repo", BIG)
    assert reading is not None
    assert reading.model is not None
    assert [op.operation_id for op in reading.model.operations] == ["listPets"]
    if as_json:
        assert [f.rule for f in reading.findings] == ["oas-refs-resolve"]
    copy: SpecReading = through_disk(reading, tmp_path, "reading")
    assert copy == reading
    assert copy.model == reading.model
    assert copy.findings == reading.findings
    # The locator is left out of `==`: every place must still be found where it was written,
    # in the spec and in the schema file its $ref names.
    assert_locates_alike(reading.locate, copy.locate, reading.document)
    assert copy.locate is not None
    schema = ["paths", "/pets", "get", "responses", "200", "content", "application/json"]
    file, line, _, pointer = copy.locate([*schema, "schema", "properties", "name"])
    assert (file, pointer) == ("schemas/pet.yaml", "#/Pet/properties/name")
    assert line == 8


# -- sdk --------------------------------------------------------------------------------


def test_sdk_models_and_links_read_back_unchanged(tmp_path: Path, example_portal: Portal):
    with_sdks = [api for api in example_portal.apis if api.sdks]
    assert {sdk.package for api in with_sdks for sdk in api.sdks} == {
        "acme_payments",
        "acme_orders",
    }
    for api in with_sdks:
        assert api.sdk_links is not None
        sdks, links = through_disk((api.sdks, api.sdk_links), tmp_path, api.id)
        assert sdks == api.sdks
        assert links == api.sdk_links
        assert links.report() == api.sdk_links.report()


# -- scorecard and the whole portal -----------------------------------------------------


def test_scorecards_read_back_unchanged(tmp_path: Path, example_portal: Portal):
    cards = [api.scorecard for api in example_portal.apis]
    assert all(card is not None and card.checks for card in cards)
    copy = through_disk(cards, tmp_path, "scorecards")
    assert copy == cards
    assert [c.top_reasons() for c in copy if c] == [c.top_reasons() for c in cards if c]
    portfolio = build_portfolio([c for c in cards if c is not None])
    assert portfolio.costliest_checks
    assert portfolio.by_system
    assert through_disk(portfolio, tmp_path, "portfolio") == portfolio


def test_a_scored_portal_reads_back_unchanged(tmp_path: Path, example_portal: Portal):
    copy = through_disk(example_portal, tmp_path, "portal")
    assert copy == example_portal
    assert copy.gate == example_portal.gate
    fields: list[Callable[[Any], Any]] = [
        lambda api: api.sdks,
        lambda api: api.sdk_links,
        lambda api: api.scorecard,
    ]
    for api, copied in zip(example_portal.apis, copy.apis, strict=True):
        # Fields left out of `==`, compared one by one.
        assert [get(copied) for get in fields] == [get(api) for get in fields]
        assert_locates_alike(api.locate, copied.locate, api.document)
    payments = next(api for api in copy.apis if api.id == "payments")
    assert payments.locate is not None
    files = {payments.locate(list(t))[0] for t in all_tokens(payments.document)}
    assert files == {"openapi.yaml", "schemas/money.yaml"}
