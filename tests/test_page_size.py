"""No generated page weighs more than a browser lays out readily, whatever the spec's size.

A spec is generated here with thousands of models and a tag of hundreds of operations, enough
for one models page and one tag page to be several megabytes each; the site built from it must
keep every page under `PAGE_BOUND`, hold every model's anchor exactly once, and have every link
to a model and to an operation reach a page holding its anchor.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup

from mkdocs_platform.cache import StageCache
from mkdocs_platform.models import ApiEntry, Portal, PortalSettings
from mkdocs_platform.models.portal import Source, SourceSettings
from mkdocs_platform.openapi.normalize import normalize
from mkdocs_platform.render import reference
from mkdocs_platform.render.reference import PAGE_BOUND
from mkdocs_platform.render.site import PortalRenderer

from .conftest import Site, build_site, minimal_spec, write_files

WORDS = ("account", "billing", "repository", "repository-rule", "team", "user", "webhook")
"""First words of the generated models: `repository` alone holds more than a page, and
`repository-rule` more than half of one, so prefixes longer than a letter are needed."""
MODELS = 3000
OPERATIONS = 450


def model_name(index: int) -> str:
    word = WORDS[index % len(WORDS)] if index % 3 else "repository"
    return "".join(part.capitalize() for part in word.split("-")) + f"Item{index:04d}"


def generated_spec() -> dict[str, Any]:
    """A spec of MODELS models with described properties and a tag of OPERATIONS operations
    whose bodies are models."""
    spec = minimal_spec("Large")
    schemas: dict[str, Any] = {}
    names = [model_name(i) for i in range(MODELS)]
    for index, name in enumerate(names):
        schemas[name] = {
            "type": "object",
            "description": f"The {name} resource, as the API returns it. " * 3,
            "required": ["id", "name"],
            "properties": {
                "id": {"type": "integer", "format": "int64", "description": "Its identifier."},
                "name": {"type": "string", "description": f"What {name} is called."},
                "state": {"type": "string", "enum": ["open", "closed", "archived"]},
                "owner": {"$ref": f"#/components/schemas/{names[(index + 1) % MODELS]}"},
                "tags": {
                    "type": "array",
                    "description": "Labels given to it.",
                    "items": {"type": "string", "maxLength": 64},
                },
            },
        }
    spec["components"] = {"schemas": schemas}
    paths: dict[str, Any] = {}
    for index in range(OPERATIONS):
        name = names[index * 7 % MODELS]
        ref = {"$ref": f"#/components/schemas/{name}"}
        paths[f"/items/{index}/{{id}}"] = {
            "post": {
                "operationId": f"updateItem{index}",
                "summary": f"Update item {index}",
                "description": f"Updates item {index} of the account. " * 8,
                "tags": ["repos"],
                "parameters": [
                    {
                        "name": "id",
                        "in": "path",
                        "required": True,
                        "description": "The item's identifier.",
                        "schema": {"type": "integer"},
                    },
                    {
                        "name": "per_page",
                        "in": "query",
                        "description": "How many results a page holds.",
                        "schema": {"type": "integer", "maximum": 100, "default": 30},
                    },
                ],
                "requestBody": {"content": {"application/json": {"schema": ref}}},
                "responses": {
                    "200": {
                        "description": "The item.",
                        "content": {"application/json": {"schema": ref}},
                    },
                    "404": {"description": "No such item."},
                },
            }
        }
    spec["paths"] = paths
    spec["tags"] = [{"name": "repos", "description": "Repositories."}]
    return spec


@pytest.fixture(scope="module")
def large_site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    root = tmp_path_factory.mktemp("large")
    write_files(root / "repos/large", {"openapi.json": generated_spec()})
    return build_site(root, {"sources": [{"name": "large", "path": "repos/large"}]})


def html_pages(site: Site) -> dict[str, BeautifulSoup]:
    return {
        path.relative_to(site.dir).as_posix(): BeautifulSoup(
            path.read_text(encoding="utf-8"), "html.parser"
        )
        for path in sorted(site.dir.rglob("*.html"))
    }


def target_of(from_page: str, href: str) -> tuple[str, str]:
    """(the built file, the fragment) an href on `from_page` reaches."""
    parts = urlsplit(urljoin("http://site/" + from_page, href))
    path = parts.path.removeprefix("/")
    if path.endswith("/") or not path:
        path += "index.html"
    return path, parts.fragment


def ids_by_page(pages: dict[str, BeautifulSoup]) -> dict[str, set[str]]:
    return {
        rel: {str(node["id"]) for node in soup.find_all(id=True)} for rel, soup in pages.items()
    }


def assert_links_reach(pages: dict[str, BeautifulSoup], prefix: str) -> int:
    """Every href to a `#<prefix>…` fragment reaches a page holding that id; how many there
    are."""
    ids = ids_by_page(pages)
    checked = 0
    for rel, soup in pages.items():
        for link in soup.find_all("a", href=True):
            href = str(link["href"])
            if f"#{prefix}" not in href:
                continue
            target, fragment = target_of(rel, href)
            assert target in ids, f"{href} on {rel} reaches {target}, which was not built"
            assert fragment in ids[target], f"{href} on {rel}: no #{fragment} in {target}"
            checked += 1
    return checked


def test_every_page_is_under_the_bound(large_site):
    sizes = {
        path.relative_to(large_site.dir).as_posix(): path.stat().st_size
        for path in large_site.dir.rglob("*.html")
    }
    over = {rel: size for rel, size in sizes.items() if size > PAGE_BOUND}
    assert over == {}
    # The spec is large enough to need it: its models alone are several bounds' worth.
    models = [rel for rel in sizes if rel.startswith("apis/large/models/")]
    assert sum(sizes[rel] for rel in models) > 2 * PAGE_BOUND


def test_every_model_is_held_once_and_every_link_to_one_reaches_it(large_site):
    pages = html_pages(large_site)
    anchors = Counter(
        str(node["id"])
        for soup in pages.values()
        for node in soup.find_all(id=True)
        if str(node["id"]).startswith("schema-")
    )
    expected = {"schema-" + model_name(i).lower() for i in range(MODELS)}
    assert set(anchors) == expected
    assert {anchor for anchor, count in anchors.items() if count > 1} == set()
    # From operations, other models and the models page's list of every model.
    assert assert_links_reach(pages, "schema-") > 2 * MODELS


def test_models_are_shared_among_pages_by_the_start_of_their_names(large_site):
    pages = html_pages(large_site)
    folders = sorted(
        rel.removeprefix("apis/large/models/").removesuffix("index.html").strip("/")
        for rel in pages
        if rel.startswith("apis/large/models/")
    )
    assert folders[0] == ""  # the models page itself
    for folder in folders[1:]:
        held = pages[f"apis/large/models/{folder}/index.html"].select("div.mp-model")
        assert held
        assert all(str(div["data-schema"]).lower().startswith(folder) for div in held)
    # A word holding more than a page takes prefixes longer than its first letter.
    assert any(len(folder) > 1 for folder in folders)
    index = pages["apis/large/models/index.html"]
    listed = index.select(".mp-model-index a")
    assert len(listed) == MODELS


def test_a_tag_page_too_large_lists_operations_on_pages_of_their_own(large_site):
    pages = html_pages(large_site)
    tag = pages["apis/large/repos/index.html"]
    listed = tag.select(".mp-operation-list a")
    assert len(listed) == OPERATIONS
    assert tag.select(".mp-operation h2") == []
    for link in listed:
        target, _ = target_of("apis/large/repos/index.html", str(link["href"]))
        assert target.startswith("apis/large/operations/")
    assert assert_links_reach(pages, "op-") >= OPERATIONS


def test_search_entries_point_to_the_pages_holding_models(large_site):
    index = json.loads((large_site.dir / "search/search_index.json").read_text(encoding="utf-8"))
    ids = ids_by_page(html_pages(large_site))
    found = 0
    for entry in index["docs"]:
        location = entry["location"]
        if "#schema-" not in location:
            continue
        target, fragment = target_of("index.html", location)
        assert fragment in ids[target], f"search entry {location} reaches no #{fragment}"
        found += 1
    assert found == MODELS


# -- the stage cache ---------------------------------------------------------------------------


def small_spec() -> dict[str, Any]:
    spec = minimal_spec("Small")
    names = ["Alpha", "Beta", "Gamma", "Delta"]
    spec["components"] = {
        "schemas": {
            name: {
                "type": "object",
                "description": f"The {name} resource. " * 20,
                "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
            }
            for name in names
        }
    }
    for name in names:
        spec["paths"][f"/{name.lower()}"] = {
            "get": {
                "operationId": f"get{name}",
                "tags": ["pets"],
                "responses": {
                    "200": {
                        "description": "It.",
                        "content": {
                            "application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}
                        },
                    }
                },
            }
        }
    return spec


def test_pages_kept_in_the_cache_follow_models_to_their_new_pages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, private_user_cache: Path
) -> None:
    write_files(tmp_path / "repos/small", {"openapi.yaml": small_spec()})
    plugin = {"sources": [{"name": "small", "path": "repos/small"}], "cache": True}
    first = build_site(tmp_path, plugin)
    assert not (first.dir / "apis/small/models/a").exists()
    # The same spec, planned with a budget that leaves each model a page of its own.
    monkeypatch.setattr(reference, "PAGE_BUDGET", 1500)
    second = build_site(tmp_path, plugin)
    for letter in "abdg":
        assert (second.dir / f"apis/small/models/{letter}/index.html").is_file()
    pages = html_pages(second)
    assert assert_links_reach(pages, "schema-") >= 8


class _SourceUris:
    """Links that are the portal's own URIs: the same from every page."""

    def page(self, src_uri: str, anchor: str | None = None) -> str:
        return f"{src_uri}#{anchor}" if anchor else src_uri

    def file(self, dest_uri: str) -> str:
        return dest_uri


def small_portal(tmp_path: Path) -> Portal:
    source = Source(SourceSettings(name="small", path=tmp_path), tmp_path)
    api = ApiEntry(
        id="small",
        source=source,
        spec_path="openapi.yaml",
        model=normalize(small_spec()),
        cache_key="small-spec",
    )
    return Portal(settings=PortalSettings(sources=(source.settings,)), apis=[api])


def test_a_page_kept_for_another_layout_is_rendered_again(tmp_path: Path) -> None:
    store = StageCache(tmp_path / "stages", tmp_path / "secret")
    whole = PortalRenderer(small_portal(tmp_path), store, page_budget=10**9)
    tag = next(plan for plan in whole.plan().pages if plan.kind == "tag")
    assert "mp-operation-list" not in whole.render(tag, _SourceUris()).html
    # The same spec and page, planned with a budget that gives each operation and model a
    # page: the tag page kept from the first layout would hold operations it no longer holds.
    split = PortalRenderer(small_portal(tmp_path), store, page_budget=1500)
    again = next(plan for plan in split.plan().pages if plan.src_uri == tag.src_uri)
    html = split.render(again, _SourceUris()).html
    assert "mp-operation-list" in html
    assert "apis/small/operations/getalpha/index.md#op-getalpha" in html
