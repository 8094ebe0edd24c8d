"""JSON pointers in `$ref`s are URI fragments: percent-decoded, then split and unescaped."""

from __future__ import annotations

import json
import shutil

import pytest
import yaml
from openapi_spec_validator import OpenAPIV30SpecValidator
from openapi_spec_validator.readers import read_from_filename

from mkdocs_platform.models import ApiEntry, Source, SourceSettings
from mkdocs_platform.models.pointers import from_pointer, list_index, to_pointer
from mkdocs_platform.openapi import read_spec
from mkdocs_platform.openapi.document import bundle_spec, is_missing, resolve_tokens
from mkdocs_platform.openapi.loader import load_file
from mkdocs_platform.scorecard import score_api

from .conftest import FIXTURES, build_site, minimal_spec, write_files

ENCODED = FIXTURES / "specs" / "encoded-refs"
BIG = 64 * 1024 * 1024


# -- the helper --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pointer", "tokens"),
    [
        ("#", []),
        ("", []),
        ("#/", [""]),
        ("#/components/schemas/Pet", ["components", "schemas", "Pet"]),
        ("/components/schemas/Pet", ["components", "schemas", "Pet"]),
        ("#/paths/~1items~1{id}/get", ["paths", "/items/{id}", "get"]),
        ("#/paths/~1items~1%7Bid%7D/get", ["paths", "/items/{id}", "get"]),
        ("#/paths/~1items~1%7bid%7d/get", ["paths", "/items/{id}", "get"]),
        ("#/components/schemas/Item%20Record", ["components", "schemas", "Item Record"]),
        ("#/components/schemas/Rate%25Limit", ["components", "schemas", "Rate%Limit"]),
        ("#/components/schemas/Caf%C3%A9", ["components", "schemas", "Café"]),
        # RFC 6901: `~1` is unescaped before `~0`, so `~01` is `~1`, not `/`.
        ("#/a~01b", ["a~1b"]),
        ("#/a~10b", ["a/0b"]),
        # Percent-decoding comes first: an encoded `~` escapes, an encoded `/` separates.
        ("#/a%7E1b", ["a/b"]),
        ("#/a%7E0b", ["a~b"]),
        ("#/a%2Fb", ["a", "b"]),
        # Not percent-encodings: left as written, never an error.
        ("#/100%", ["100%"]),
        ("#/a%zzb", ["a%zzb"]),
        ("#/%FF", ["\ufffd"]),
        ("#/x/0", ["x", "0"]),
    ],
)
def test_from_pointer_decodes_a_uri_fragment(pointer, tokens):
    assert from_pointer(pointer) == tokens


@pytest.mark.parametrize(
    "tokens",
    [
        ["paths", "/items/{id}", "get"],
        ["components", "schemas", "Item Record"],
        ["components", "schemas", "Rate%Limit"],
        ["components", "schemas", "A%20B"],
        ["x~1y", "~", "/", "%7E1", "#", "0"],
        [""],
        [],
    ],
)
def test_to_pointer_reads_back_to_the_same_tokens(tokens):
    assert from_pointer(to_pointer(tokens)) == tokens


def test_to_pointer_stays_readable():
    assert to_pointer(["paths", "/items/{id}", "x~y"]) == "#/paths/~1items~1{id}/x~0y"
    assert to_pointer(["components", "schemas", "A B"]) == "#/components/schemas/A B"
    assert to_pointer(["properties", "50% off"]) == "#/properties/50%25 off"


@pytest.mark.parametrize(
    ("token", "length", "index"),
    [
        ("0", 3, 0),
        ("2", 3, 2),
        ("3", 3, None),
        ("0", 0, None),
        ("-", 3, None),
        ("²", 3, None),
        ("٣", 5, None),
        ("1e0", 3, None),
        ("-1", 3, None),
        (" 1", 3, None),
        ("", 3, None),
        ("9" * 5000, 3, None),
    ],
)
def test_list_index(token, length, index):
    assert list_index(token, length) == index


def test_resolving_a_token_that_is_no_list_index_does_not_raise():
    data = {"x": ["a", "b", "c"]}
    assert resolve_tokens(data, from_pointer("#/x/0")) == "a"
    assert resolve_tokens(data, from_pointer("#/x/2")) == "c"
    for token in ("3", "-", "²", "1e0", "9" * 5000):
        assert is_missing(resolve_tokens(data, ["x", token]))


def test_locators_do_not_raise_on_a_token_that_is_no_list_index(tmp_path):
    write_files(tmp_path, {"a.yaml": {"x": ["a", "b"]}, "a.json": {"x": ["a", "b"]}})
    for name in ("a.yaml", "a.json"):
        locator = load_file(tmp_path / name, BIG).locator
        assert locator.locate(["x", "1"]) > locator.locate(["x"])
        for token in ("-", "²", "9" * 5000):
            assert locator.locate(["x", token]) == locator.locate(["x"])
    yaml_locator = load_file(tmp_path / "a.yaml", BIG).locator
    assert yaml_locator.node_at(["x", "²"]) is None  # type: ignore[attr-defined]
    assert yaml_locator.node_at(["x", "1"]).value == "b"  # type: ignore[attr-defined]


# -- the fixture: valid, with percent-encoded `$ref`s --------------------------------------


def test_the_fixture_is_valid_for_openapi_spec_validator():
    spec_path = ENCODED / "openapi.yaml"
    document, _ = read_from_filename(str(spec_path))
    assert document["openapi"].startswith("3.0")
    validator = OpenAPIV30SpecValidator(document, base_uri=spec_path.resolve().as_uri())
    assert [error.message for error in validator.iter_errors()] == []


def test_percent_encoded_refs_resolve_locally_and_into_another_file():
    reading = read_spec(ENCODED / "openapi.yaml", ENCODED, BIG)
    assert reading is not None
    assert reading.findings == []
    paths = reading.document["paths"]
    copy = paths["/items/{id}/copy"]["get"]
    parameter = resolve_tokens(reading.document, from_pointer(copy["parameters"][0]["$ref"]))
    assert parameter["name"] == "id"
    response = resolve_tokens(reading.document, from_pointer(copy["responses"]["200"]["$ref"]))
    assert response["description"].startswith("The item, looked up")
    gadget = paths["/gadgets"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert gadget["properties"]["gizmoSerial"]["type"] == "string"
    assert reading.model is not None
    (operation,) = [op for op in reading.model.operations if op.operation_id == "getItemCopy"]
    assert [p.name for p in operation.parameters] == ["id"]
    assert [r.description for r in operation.responses] == [
        "The item, looked up through a percent-encoded pointer."
    ]


def test_two_spellings_of_one_external_target_are_inlined_once(tmp_path):
    shutil.copytree(ENCODED, tmp_path, dirs_exist_ok=True)
    spec = yaml.safe_load((tmp_path / "openapi.yaml").read_text(encoding="utf-8"))
    spec["paths"]["/gadgets"]["post"] = {
        "operationId": "addGadget",
        "responses": {
            "201": {
                "description": "The gadget added.",
                "content": {
                    "application/json": {
                        "schema": {"$ref": "schemas/shared.yaml#/components/schemas/Gadget Kind"}
                    }
                },
            }
        },
    }
    write_files(tmp_path, {"openapi.yaml": spec})
    document = bundle_spec(load_file(tmp_path / "openapi.yaml", BIG), tmp_path, BIG)
    assert document.findings == []
    added = document.data["paths"]["/gadgets"]["post"]["responses"]["201"]["content"]
    assert added["application/json"]["schema"] == {
        "$ref": "#/paths/~1gadgets/get/responses/200/content/application~1json/schema"
    }


def test_refs_that_do_not_resolve_are_still_found(tmp_path):
    spec = minimal_spec()
    spec["paths"]["/items/{id}"] = {
        "parameters": [
            {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
        ],
        "get": {"responses": {"200": {"description": "The item."}}},
    }
    get = spec["paths"]["/pets"]["get"]
    get["parameters"] = [
        {"$ref": "#/paths/~1items~1%7Bid%7D/parameters/-"},
        {"$ref": "#/paths/~1items~1%7Bid%7D/parameters/²"},
        {"$ref": "#/paths/~1items~1%7Bid%7D/parameters/1"},
    ]
    get["responses"]["200"]["content"] = {
        "application/json": {"schema": {"$ref": "shared.yaml#/components/schemas/Item%20Recrod"}}
    }
    write_files(tmp_path, {"openapi.yaml": spec, "shared.yaml": {"components": {"schemas": {}}}})
    reading = read_spec(tmp_path / "openapi.yaml", tmp_path, BIG)
    assert reading is not None
    unresolved = [f for f in reading.findings if f.rule == "oas-refs-resolve"]
    assert sorted(f.pointer for f in unresolved) == [
        "#/paths/~1pets/get/parameters/0",
        "#/paths/~1pets/get/parameters/1",
        "#/paths/~1pets/get/parameters/2",
        "#/paths/~1pets/get/responses/200/content/application~1json/schema",
    ]
    assert all("does not resolve" in f.message for f in unresolved)


# -- scored and built ------------------------------------------------------------------------


def test_the_fixture_scores_as_valid_without_a_ref_finding():
    reading = read_spec(ENCODED / "openapi.yaml", ENCODED, BIG)
    assert reading is not None
    assert reading.model is not None
    api = ApiEntry(
        id="inventory",
        source=Source(settings=SourceSettings(name="inventory"), root=ENCODED),
        spec_path="openapi.yaml",
        model=reading.model,
        document=reading.document,
        findings=reading.findings,
    )
    card = score_api(api)
    assert card.valid
    assert card.capped_by == ()
    refs = next(c for c in card.checks if c.id == "oas-refs-resolve")
    assert not refs.failing
    assert card.score > 49


def test_a_built_site_renders_what_encoded_refs_point_at(tmp_path):
    shutil.copytree(ENCODED, tmp_path / "repos/inventory")
    site = build_site(tmp_path, {"sources": [{"name": "inventory", "path": "repos/inventory"}]})

    page = site.article("apis/inventory/items/index.html")
    copy = page.select_one("h2#op-getitemcopy").find_parent(class_="mp-operation")
    # A parameter and a response reached through `#/paths/~1items~1%7Bid%7D/...`.
    row = copy.select_one(".mp-parameters tr.mp-parameter")
    assert row["data-name"] == "id"
    assert "The item's number in the ledger." in row.get_text(" ", strip=True)
    response = copy.select_one('.mp-response[data-status="200"]')
    assert "The item, looked up through a percent-encoded pointer." in response.get_text()
    # A named schema reached through `#/components/schemas/Item%20Record`.
    link = response.select_one("a.mp-model-link")
    assert link.get_text(strip=True) == "Item Record"
    assert link["href"] == "../models/#schema-item-record"
    # A schema in another file, reached through `shared.yaml#/components/schemas/Gadget%20Kind`.
    gadgets = page.select_one("h2#op-listgadgets").find_parent(class_="mp-operation")
    text = gadgets.select_one(".mp-response").get_text(" ", strip=True)
    assert "gizmoSerial" in text
    assert "The serial number stamped on the gizmo." in text

    models = site.article("apis/inventory/models/index.html")
    record = models.select_one("#schema-item-record").find_parent(class_="mp-model") or models
    record_text = record.get_text(" ", strip=True)
    assert "One record of the ledger." in record_text
    assert "Where the item is written in the ledger." in record_text
    # `#/components/schemas/Rate%25Limit`: a `%` in a name, encoded.
    assert "Whether the item is on sale." in record_text

    report = json.loads((site.dir / "scorecards.json").read_text(encoding="utf-8"))
    (api,) = report["apis"]
    assert api["valid"] is True
    assert api["capped_by"] == []
    assert not [f for f in api["findings"] if f["rule"] in ("oas-refs-resolve", "oas-valid")]
