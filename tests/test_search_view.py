"""The search index gets the headings and prose of reference pages, not schemas and code."""

from __future__ import annotations

import json

import pytest

from mkdocs_platform.render.search import END, SKIP, searchable

from .conftest import build_site, minimal_spec, write_files


def test_marked_blocks_are_cut_and_markers_nest():
    html = f"<h2>A</h2><p>keep</p>{SKIP}<div>drop{SKIP}deep{END}drop</div>{END}<p>tail</p>"
    assert searchable(html) == "<h2>A</h2><p>keep</p><p>tail</p>"


def test_an_unclosed_block_drops_the_rest_and_a_stray_end_is_ignored():
    assert searchable(f"a{END}b{SKIP}c") == f"a{END}b"
    assert searchable("no markers") == "no markers"


@pytest.mark.parametrize("theme", ["material", "mkdocs"])
def test_the_index_holds_operations_but_not_schemas_or_samples(tmp_path, theme):
    spec = minimal_spec("Pets")
    spec["components"] = {
        "schemas": {
            "Pet": {
                "type": "object",
                "description": "A pet with a name.",
                "properties": {"zanzibarfield": {"type": "string", "example": "quuxvalue"}},
            }
        }
    }
    spec["paths"]["/pets"]["get"]["description"] = "Lists every pet of the shop."
    spec["paths"]["/pets"]["get"]["responses"]["200"] = {
        "description": "ok",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}},
    }
    write_files(tmp_path / "repos/pets", {"openapi.yaml": spec})
    site = build_site(
        tmp_path, {"sources": [{"name": "pets", "path": "repos/pets"}]}, theme={"name": theme}
    )
    index = json.loads((site.dir / "search/search_index.json").read_text())
    text = json.dumps(index["docs"])
    assert "Lists every pet of the shop." in text
    assert "List pets" in text
    # A model is found by its name: its heading on the Models page.
    assert any(
        doc["title"] == "Pet" and doc["location"].startswith("apis/pets/models/")
        for doc in index["docs"]
    )
    # Schema trees and samples are on the pages, not in the index.
    page = site.html("apis/pets/pets/index.html") + site.html("apis/pets/models/index.html")
    assert "zanzibarfield" in page
    assert "quuxvalue" in page
    assert "zanzibarfield" not in text
    assert "quuxvalue" not in text
    assert "mp-search-skip" in page
