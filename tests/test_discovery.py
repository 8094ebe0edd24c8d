"""Finding spec files in a source and naming the APIs they hold."""

from __future__ import annotations

import os

from mkdocs_platform.discovery.ids import default_api_id
from mkdocs_platform.discovery.specs import find_spec_files
from mkdocs_platform.models import Source, SourceSettings, SpecSelector

from .conftest import minimal_spec, write_files


def _source(root, **settings) -> Source:
    return Source(settings=SourceSettings(name="shop", path=root, **settings), root=root)


def _found(source: Source) -> list[str]:
    return [f.rel_path for f in find_spec_files(source)]


def test_conventional_names_anywhere(tmp_path):
    write_files(
        tmp_path,
        {
            "openapi.yaml": "x",
            "a/swagger.json": "x",
            "b/c/orders.openapi.yml": "x",
            "b/c/other.yaml": "x",
            "b/openapi.txt": "x",
        },
    )
    assert _found(_source(tmp_path)) == ["a/swagger.json", "b/c/orders.openapi.yml", "openapi.yaml"]


def test_skipped_folders_and_excludes(tmp_path):
    write_files(
        tmp_path,
        {
            ".git/openapi.yaml": "x",
            "node_modules/x/openapi.yaml": "x",
            "env/pyvenv.cfg": "home = /usr",
            "env/lib/openapi.yaml": "x",
            "tests/fixtures/openapi.yaml": "x",
            "api/openapi.yaml": "x",
        },
    )
    assert _found(_source(tmp_path, exclude=("**/fixtures/**",))) == ["api/openapi.yaml"]


def test_explicit_globs_and_paths(tmp_path):
    write_files(
        tmp_path, {"specs/a.yaml": "x", "specs/b.json": "x", "specs/c.txt": "x", "root.yaml": "x"}
    )
    source = _source(
        tmp_path,
        specs=(
            SpecSelector("specs/*.yaml"),
            SpecSelector("specs/*.json"),
            SpecSelector("root.yaml", "main"),
        ),
    )
    files = find_spec_files(source)
    assert [(f.rel_path, f.api_id) for f in files] == [
        ("specs/a.yaml", None),
        ("specs/b.json", None),
        ("root.yaml", "main"),
    ]


def test_symlink_out_of_the_source_is_ignored(tmp_path):
    outside = write_files(tmp_path / "outside", {"openapi.yaml": minimal_spec()})
    repo = tmp_path / "repo"
    repo.mkdir()
    os.symlink(outside / "openapi.yaml", repo / "openapi.yaml")
    assert _found(_source(repo)) == []


def test_default_api_ids():
    assert default_api_id("shop", "openapi.yaml", only_spec=False) == "shop"
    assert default_api_id("shop", "services/orders/openapi.yaml", only_spec=True) == "shop"
    assert (
        default_api_id("shop", "services/orders/openapi.yaml", only_spec=False)
        == "shop-services-orders-openapi"
    )
    assert (
        default_api_id("shop", "v2/Orders API.openapi.json", only_spec=False)
        == "shop-v2-orders-api-openapi"
    )


def test_specs_sharing_the_root_are_named_after_their_file():
    def root_id(path: str) -> str:
        return default_api_id("payments", path, only_spec=False, shares_root=True)

    assert root_id("openapi.yaml") == "payments"
    assert root_id("swagger.json") == "payments"
    assert root_id("admin.openapi.yaml") == "payments-admin"
    assert root_id("Back Office.swagger.json") == "payments-back-office"
    assert root_id("pets.yaml") == "payments-pets"
    assert root_id("_.openapi.yaml") == "payments-openapi"
    # Folders keep their path's slug; one spec at the root keeps the source's name.
    assert (
        default_api_id("payments", "v2/openapi.yaml", only_spec=False, shares_root=True)
        == "payments-v2-openapi"
    )
    assert default_api_id("payments", "admin.openapi.yaml", only_spec=False) == "payments"
