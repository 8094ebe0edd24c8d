"""The breaking-change engine: spec pairs with the exact changes they make, and the version
reading that says whether a breaking release took a major step."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from mkdocs_platform.changes import (
    CHANGE_KINDS,
    compare_models,
    compare_versions,
    format_json,
    format_markdown,
    format_text,
)
from mkdocs_platform.changes.semver import is_release_tag, major_step, parse_semver, release_order
from mkdocs_platform.models.api import ApiModel
from mkdocs_platform.models.changes import CHANGE_LEVELS, Change
from mkdocs_platform.models.pointers import from_pointer
from mkdocs_platform.openapi import read_spec
from mkdocs_platform.openapi.document import is_missing, resolve_tokens
from mkdocs_platform.openapi.normalize import normalize

FIXTURES = Path(__file__).parent / "fixtures" / "changes"
PAIRS: list[dict[str, Any]] = yaml.safe_load((FIXTURES / "pairs.yaml").read_text("utf-8"))


def model(spec: dict[str, Any]) -> ApiModel:
    """The model of a fixture spec: OpenAPI 3.0.3 and a plain `info` unless it says otherwise."""
    document = copy.deepcopy(spec)
    if "swagger" not in document:
        document.setdefault("openapi", "3.0.3")
    document.setdefault("info", {"title": "Pets", "version": "1.0.0"})
    return normalize(document)


def found(pair: dict[str, Any]) -> tuple[Change, ...]:
    return compare_models(model(pair["old"]), model(pair["new"]))


def test_the_fixture_holds_enough_pairs() -> None:
    assert len(PAIRS) >= 60
    names = [pair["name"] for pair in PAIRS]
    assert len(names) == len(set(names))
    assert sum(not any(level == "error" for _, level in p["changes"]) for p in PAIRS) >= 8


@pytest.mark.parametrize("pair", PAIRS, ids=[p["name"] for p in PAIRS])
def test_pair(pair: dict[str, Any]) -> None:
    changes = found(pair)
    assert {(c.id, c.level) for c in changes} == {tuple(item) for item in pair["changes"]}


def test_every_expected_id_is_in_the_table_with_its_level() -> None:
    for pair in PAIRS:
        for kind, level in pair["changes"]:
            assert CHANGE_KINDS[kind][0] == level, (pair["name"], kind)


def test_every_change_kind_is_exercised_by_a_pair() -> None:
    exercised = {kind for pair in PAIRS for kind, _ in pair["changes"]}
    assert set(CHANGE_KINDS) <= exercised, set(CHANGE_KINDS) - exercised


def test_change_ids_are_kebab_case_with_a_meaning() -> None:
    for kind, (level, meaning) in CHANGE_KINDS.items():
        assert kind == kind.lower()
        assert " " not in kind
        assert "_" not in kind
        assert level in CHANGE_LEVELS
        assert meaning


def pair_named(name: str) -> dict[str, Any]:
    return next(p for p in PAIRS if p["name"] == name)


def points_at(api: ApiModel, pointer: str) -> Any:
    value = resolve_tokens(api.document, from_pointer(pointer))
    assert not is_missing(value), pointer
    return value


def test_message_names_operation_parameter_and_what_changed() -> None:
    (change,) = found(pair_named("request parameter became required"))
    assert change.operation == "GET /pets"
    assert change.message == "GET /pets: the query parameter 'limit' is now required"
    assert change.old_pointer == "#/paths/~1pets/get/parameters/0"
    assert change.new_pointer == "#/paths/~1pets/get/parameters/0"


def test_pointer_of_a_removed_property_is_in_the_named_schema() -> None:
    pair = pair_named("response property removed")
    (change,) = found(pair)
    assert change.operation == "GET /pets/{id}"
    assert change.old_pointer == "#/components/schemas/Pet/properties/tag"
    assert points_at(model(pair["old"]), change.old_pointer) == {"type": "string"}
    assert change.new_pointer == "#/components/schemas/Pet"
    assert "'tag'" in change.message
    assert "200 response (application/json)" in change.message


def test_pointer_of_a_nested_property_follows_the_nesting() -> None:
    pair = pair_named("nested request property became required")
    (change,) = found(pair)
    where = "#/paths/~1pets/post/requestBody/content/application~1json/schema/properties/owner"
    assert change.new_pointer == f"{where}/properties/name"
    assert "field 'owner.name' is now required" in change.message


def test_pointer_into_an_allof_part() -> None:
    pair = pair_named("response property removed from an allOf part")
    (change,) = found(pair)
    assert change.old_pointer == "#/components/schemas/Pet/properties/name"


def test_pointer_into_array_items() -> None:
    pair = pair_named("response enum value added in array items")
    (change,) = found(pair)
    assert change.new_pointer.endswith("/content/application~1json/schema/items")
    assert 'the items of the 200 response (application/json) may now hold "dog"' in change.message


def test_pointer_of_a_removed_path_and_operation() -> None:
    (change,) = found(pair_named("path removed without deprecation"))
    assert change.old_pointer == "#/paths/~1owners"
    assert change.new_pointer == ""
    assert change.message == "/owners: the path was removed without being deprecated first"
    (change,) = found(pair_named("operation added"))
    assert change.old_pointer == ""
    assert change.new_pointer == "#/paths/~1owners/get"


def test_form_fields_of_a_swagger_body_point_at_the_form() -> None:
    (change,) = found(pair_named("Swagger 2.0 form field made required"))
    # A 2.0 form body is made of parameters: its fields are named at the form itself.
    assert change.new_pointer == "#/paths/~1pets/post/parameters/0"
    assert "field 'tag' is now required" in change.message


def test_changes_are_sorted_by_level_then_operation_then_id() -> None:
    old = model(pair_named("only optional things added")["old"])
    new = model(pair_named("only optional things added")["new"])
    # Breaking and non-breaking changes together: the new spec also drops the 200 response.
    del new.operations[0].responses[0]
    changes = compare_models(old, new)
    keys = [(CHANGE_LEVELS.index(c.level), c.operation, c.id) for c in changes]
    assert keys == sorted(keys)
    assert changes[0].id == "response-success-removed"


def nested_spec(depth: int, leaf: str) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": leaf}
    for _ in range(depth):
        schema = {"type": "object", "properties": {"x": schema}}
    content = {"application/json": {"schema": schema}}
    return {
        "paths": {
            "/deep": {"get": {"responses": {"200": {"description": "ok", "content": content}}}}
        }
    }


def test_nesting_is_compared_to_a_bound_without_raising() -> None:
    shallow = compare_models(model(nested_spec(5, "string")), model(nested_spec(5, "integer")))
    assert [c.id for c in shallow] == ["response-type-changed"]
    assert "field 'x.x.x.x.x'" in shallow[0].message
    # Deeper than any real schema: past the bound, nothing is reported and nothing raises.
    deep = compare_models(model(nested_spec(120, "string")), model(nested_spec(120, "integer")))
    assert deep == ()


def test_a_self_referencing_ref_does_not_raise() -> None:
    spec = {
        "paths": {
            "/loop": {
                "get": {
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {
                                "application/json": {"schema": {"$ref": "#/components/schemas/A"}}
                            },
                        }
                    }
                }
            }
        },
        "components": {"schemas": {"A": {"$ref": "#/components/schemas/A"}}},
    }
    assert compare_models(model(spec), model(spec)) == ()


# -- compare_versions ------------------------------------------------------------------------


def versioned(version: str, **extensions: Any) -> ApiModel:
    pair = pair_named("operation removed without deprecation")
    spec = {**pair["old"], "info": {"title": "Pets", "version": version}, **extensions}
    return model(spec)


def removed(version: str, **extensions: Any) -> ApiModel:
    pair = pair_named("operation removed without deprecation")
    spec = {**pair["new"], "info": {"title": "Pets", "version": version}, **extensions}
    return model(spec)


def test_compare_versions_breaking_without_major_step() -> None:
    comparison = compare_versions(
        "release", "v1.0.0", "v1.1.0", versioned("1.0.0"), removed("1.1.0")
    )
    assert comparison.old_version == "1.0.0"
    assert comparison.new_version == "1.1.0"
    assert comparison.major is False
    assert comparison.exempt == ""
    assert comparison.breaking == 1
    assert comparison.breaks_without_major


def test_compare_versions_major_step() -> None:
    comparison = compare_versions("release", "v1", "v2", versioned("1.4.0"), removed("2.0.0"))
    assert comparison.major is True
    assert not comparison.breaks_without_major


def test_compare_versions_minor_step_below_one_is_major() -> None:
    comparison = compare_versions("build", "a", "b", versioned("0.3.1"), removed("0.4.0"))
    assert comparison.major is True


def test_compare_versions_unreadable_version() -> None:
    comparison = compare_versions("build", "a", "b", versioned("2024-01"), removed("2024-02"))
    assert comparison.major is None
    assert comparison.breaks_without_major


@pytest.mark.parametrize("level", ["alpha", "draft", "Alpha"])
def test_compare_versions_exempt_for_unstable_specs(level: str) -> None:
    new = removed("1.1.0", **{"x-stability-level": level})
    comparison = compare_versions("release", "v1.0.0", "v1.1.0", versioned("1.0.0"), new)
    assert comparison.exempt == f"x-stability-level: {level.lower()}"
    assert not comparison.breaks_without_major


@pytest.mark.parametrize("level", ["beta", "stable", 3])
def test_compare_versions_not_exempt_for_stable_specs(level: Any) -> None:
    new = removed("1.1.0", **{"x-stability-level": level})
    comparison = compare_versions("release", "v1.0.0", "v1.1.0", versioned("1.0.0"), new)
    assert comparison.exempt == ""
    assert comparison.breaks_without_major


def test_compare_versions_exemption_is_read_from_the_newer_spec() -> None:
    old = versioned("1.0.0", **{"x-stability-level": "alpha"})
    comparison = compare_versions("release", "v1.0.0", "v1.1.0", old, removed("1.1.0"))
    assert comparison.exempt == ""


# -- formats -----------------------------------------------------------------------------------


def mixed_comparison() -> Any:
    old = model(
        {
            "paths": {
                "/pets": {
                    "get": {
                        "parameters": [
                            {"name": "a|b", "in": "query", "schema": {"type": "string"}}
                        ],
                        "responses": {"200": {"description": "ok"}},
                    }
                },
                "/owners": {"get": {"responses": {"200": {"description": "ok"}}}},
            }
        }
    )
    new = model(
        {
            "paths": {
                "/pets": {"get": {"deprecated": True, "responses": {"200": {"description": "ok"}}}},
                "/owners": {"get": {"responses": {"200": {"description": "ok"}}}},
                "/<b>x</b>": {"get": {"responses": {"200": {"description": "ok"}}}},
            }
        }
    )
    return compare_versions("build", "previous build", "this build", old, new)


def test_markdown_heading_counts_breaking_table_first_others_folded() -> None:
    text = format_markdown(mixed_comparison())
    lines = text.splitlines()
    assert lines[0] == "### API changes: 1 error, 0 warning, 2 info"
    table = lines.index("#### Breaking changes")
    details = lines.index("<details>")
    assert table < details
    assert "request-parameter-removed" in "\n".join(lines[table:details])
    assert "operation-deprecated" in "\n".join(lines[details:])
    assert lines[-1] == "</details>"


def test_markdown_escapes_spec_text() -> None:
    text = format_markdown(mixed_comparison())
    row = next(line for line in text.splitlines() if "request-parameter-removed" in line)
    # The parameter's `|` must not split the table row into more cells.
    assert row.count(" | ") == 3
    assert "a\\|b" in row
    assert "<b>" not in text
    assert "\\<b\\>x\\</b\\>" in text


def test_text_and_json_formats() -> None:
    comparison = mixed_comparison()
    text = format_text(comparison)
    assert text.splitlines()[0].endswith("1 error, 0 warning, 2 info")
    assert (
        "error    request-parameter-removed  GET /pets: the query parameter 'a|b' was removed"
        in text
    )
    data = json.loads(format_json(comparison))
    assert data["counts"] == {"error": 1, "warning": 0, "info": 2}
    assert data["changes"][0]["id"] == "request-parameter-removed"
    assert data["changes"][0]["old_pointer"] == "#/paths/~1pets/get/parameters/0"


# -- semver ------------------------------------------------------------------------------------


def test_parse_semver() -> None:
    version = parse_semver("v1.2.3")
    assert version is not None
    assert (version.major, version.minor, version.patch) == (1, 2, 3)
    short = parse_semver("1.2")
    assert short is not None
    assert short.patch == 0
    assert short.final
    pre = parse_semver("1.0.0-rc.1+build.5")
    assert pre is not None
    assert not pre.final
    assert parse_semver("release-2024") is None
    assert parse_semver("01.2.3") is None


def test_major_step() -> None:
    assert major_step("1.9.9", "2.0.0") is True
    assert major_step("1.0.0", "1.1.0") is False
    assert major_step("0.1.0", "0.2.0") is True
    assert major_step("0.1.0", "0.1.5") is False
    assert major_step("0.9.0", "1.0.0") is True
    assert major_step("2.0.0", "1.0.0") is False
    assert major_step("1.0.0", "next") is None
    # Many APIs give a bare major number as their version.
    assert major_step("3", "4") is True
    assert major_step("v3", "3.1") is False
    assert not is_release_tag("3", None)


def test_is_release_tag() -> None:
    assert is_release_tag("v1.2.0", None)
    assert is_release_tag("1.2.0", None)
    assert not is_release_tag("v1.2.0-rc.1", None)
    assert not is_release_tag("nightly", None)
    assert is_release_tag("api-2024.1", "api-*")
    assert not is_release_tag("v1.2.0", "api-*")


def test_release_order() -> None:
    tags = ["v1.10.0", "v1.2.0", "zeta", "v1.2.0-rc.1", "v0.9.0", "alpha"]
    assert release_order(tags) == ["v0.9.0", "v1.2.0-rc.1", "v1.2.0", "v1.10.0", "alpha", "zeta"]


# -- real specs --------------------------------------------------------------------------------


def real_model(name: str) -> ApiModel:
    path = FIXTURES / name
    reading = read_spec(path, path.parent, 64 * 1024 * 1024, (), None, None, "fast")
    assert reading is not None
    assert reading.model is not None
    return reading.model


def test_real_spec_against_its_next_major_version() -> None:
    old, new = real_model("adyen-transfer-v3.json"), real_model("adyen-transfer-v4.json")
    comparison = compare_versions("release", "v3", "v4", old, new)
    counts = {(c.id, c.operation) for c in comparison.changes}
    # Version 4 moved a transaction's flat ids into objects, and dropped three transfer fields.
    assert counts == {
        ("response-property-removed", "GET /transactions"),
        ("response-property-removed", "GET /transactions/{id}"),
        ("response-property-removed", "POST /transfers"),
        ("response-property-added", "GET /transactions"),
        ("response-property-added", "GET /transactions/{id}"),
        ("response-property-added", "POST /transfers"),
    }
    assert [comparison.count(level) for level in CHANGE_LEVELS] == [32, 0, 8]
    removed = next(
        c
        for c in comparison.changes
        if c.operation == "GET /transactions/{id}" and "'accountHolderId'" in c.message
    )
    assert removed.old_pointer == "#/components/schemas/Transaction/properties/accountHolderId"
    assert points_at(old, removed.old_pointer)["type"] == "string"
    listed = next(
        c
        for c in comparison.changes
        if c.operation == "GET /transactions" and "accountHolderId" in c.message
    )
    assert "property 'data[].accountHolderId'" in listed.message
    # `info.version` says 3 then 4: bare major numbers, so the step is a major one.
    assert comparison.major is True
    assert not comparison.breaks_without_major


def test_real_spec_against_itself_and_edited() -> None:
    spec = real_model("adyen-transfer-v4.json")
    assert compare_models(spec, real_model("adyen-transfer-v4.json")) == ()
    edited = real_model("adyen-transfer-v4.json")
    operation = next(op for op in edited.operations if op.label == "POST /transfers")
    assert operation.request_body is not None
    assert not operation.request_body.required
    operation.request_body.required = True
    edited.operations = [op for op in edited.operations if op.label != "GET /grants"]
    changes = {(c.id, c.level, c.operation) for c in compare_models(spec, edited)}
    assert changes == {
        ("operation-removed-without-deprecation", "error", "GET /grants"),
        ("request-body-became-required", "error", "POST /transfers"),
    }


def test_text_format_shows_control_characters_from_the_spec_escaped() -> None:
    old = model(
        {
            "paths": {
                "/pets": {
                    "get": {
                        "parameters": [
                            {"name": "a\x1b[31m\nb", "in": "query", "schema": {"type": "string"}}
                        ],
                        "responses": {"200": {"description": "ok"}},
                    }
                }
            }
        }
    )
    new = model({"paths": {"/pets": {"get": {"responses": {"200": {"description": "ok"}}}}}})
    text = format_text(compare_versions("build", "a", "b", old, new))
    assert "\x1b" not in text
    assert "'a\\x1b[31m\\x0ab' was removed" in text
    assert len(text.splitlines()) == 3
