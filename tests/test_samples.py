"""Request samples and example bodies made from schemas, checked against the schemas themselves."""

from __future__ import annotations

import json
import subprocess
import urllib.parse
from pathlib import Path

import pytest
from openapi_schema_validator import (
    OAS30WriteValidator,
    OAS31Validator,
    oas30_format_checker,
    oas31_format_checker,
)
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from mkdocs_platform.models.pointers import to_pointer
from mkdocs_platform.openapi import read_spec
from mkdocs_platform.openapi.examples import example_value
from mkdocs_platform.openapi.normalize import normalize
from mkdocs_platform.render.samples import request_samples

from .conftest import EXAMPLE_SITE, FIXTURES

SPECS = sorted(
    [
        *FIXTURES.joinpath("specs").glob("features-*.yaml"),
        *EXAMPLE_SITE.joinpath("services").glob("*/openapi.yaml"),
        *EXAMPLE_SITE.joinpath("services").glob("*/swagger.yaml"),
        *EXAMPLE_SITE.joinpath("services").glob("*/api/openapi.json"),
    ]
)
# The example portal's shipping spec is invalid on purpose: its bodies have no schema to meet.
SPECS = [p for p in SPECS if p.parent.name != "shipping"]
DOCUMENT = "urn:spec"


def _load(path: Path) -> dict:
    """The bundled document (external $refs inlined), as the portal reads it."""
    reading = read_spec(path, path.parent, 64 * 1024 * 1024)
    assert reading is not None
    assert not any(f.finding_class == "structure" for f in reading.findings), path
    return reading.document


def _validator(document: dict, schema_or_pointer):
    """A validator for a schema given inline or by its pointer in the document."""
    registry = Registry().with_resource(
        DOCUMENT, Resource(contents=document, specification=DRAFT202012)
    )
    schema = (
        {"$ref": f"{DOCUMENT}{schema_or_pointer}"}
        if isinstance(schema_or_pointer, str)
        else schema_or_pointer
    )
    if str(document.get("openapi", "")).startswith("3.1"):
        return OAS31Validator(schema, registry=registry, format_checker=oas31_format_checker)
    # 2.0 and 3.0 share the 3.0 schema dialect; a request never carries read-only properties.
    return OAS30WriteValidator(schema, registry=registry, format_checker=oas30_format_checker)


def _read_only_required(error) -> bool:
    missing = error.message.split("'")[1] if "'" in error.message else ""
    prop = (
        (error.schema.get("properties") or {}).get(missing, {})
        if isinstance(error.schema, dict)
        else {}
    )
    return isinstance(prop, dict) and (prop.get("readOnly") is True or "$ref" in prop)


@pytest.mark.parametrize("path", SPECS, ids=[p.parent.name + "/" + p.name for p in SPECS])
def test_generated_bodies_validate_against_their_schema(path):
    document = _load(path)
    model = normalize(document)
    checked = 0
    for op in [*model.operations, *model.webhooks]:
        if op.request_body is None:
            continue
        for media in op.request_body.content:
            if media.schema is None:
                continue
            value = example_value(model, media.schema, "request")
            inline = "swagger" in document and media.media_type in (
                "multipart/form-data",
                "application/x-www-form-urlencoded",
            )
            target = media.schema if inline else to_pointer([*media.pointer, "schema"])
            errors = [
                e.message
                for e in _validator(document, target).iter_errors(value)
                # A read-only property is required in responses only (OpenAPI's rule, which
                # the 3.1 JSON Schema validator does not know).
                if not (e.validator == "required" and _read_only_required(e))
                # OpenAPI's discriminator picks the branch when the branches overlap.
                and not (
                    e.validator == "oneOf"
                    and "discriminator" in e.schema
                    and "valid under each of" in e.message
                )
            ]
            assert errors == [], (op.label, media.media_type, value)
            checked += 1
    if not path.name.startswith("features-"):
        return
    assert checked > 0


def test_every_fixture_has_bodies_to_check():
    assert len([p for p in SPECS if p.name.startswith("features-")]) == 3


def test_read_only_properties_are_left_out_of_requests():
    model = normalize(
        {
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {},
            "components": {
                "schemas": {
                    "Pet": {
                        "type": "object",
                        "required": ["id", "name"],
                        "properties": {
                            "id": {"type": "integer", "readOnly": True},
                            "name": {"type": "string", "enum": ["Rex", "Tom"]},
                            "secret": {"type": "string", "writeOnly": True, "format": "password"},
                            "kind": {
                                "oneOf": [{"type": "string", "format": "uuid"}, {"type": "integer"}]
                            },
                            "born": {"type": "string", "format": "date"},
                            "weight": {"type": "number", "minimum": 2, "exclusiveMinimum": True},
                        },
                    }
                }
            },
        }
    )
    ref = {"$ref": "#/components/schemas/Pet"}
    request = example_value(model, ref, "request")
    response = example_value(model, ref, "response")
    assert "id" not in request
    assert request["name"] == "Rex"
    assert request["kind"] == "3fa85f64-5717-4562-b3fc-2c963f66afa6"
    assert request["born"] == "2024-01-15"
    assert request["weight"] > 2
    assert "secret" in request
    assert "secret" not in response
    assert response["id"] == 1


def test_recursive_schema_terminates():
    model = normalize(
        {
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {},
            "components": {
                "schemas": {
                    "Node": {
                        "type": "object",
                        "required": ["children"],
                        "properties": {
                            "name": {"type": "string"},
                            "children": {
                                "type": "array",
                                "items": {"$ref": "#/components/schemas/Node"},
                            },
                        },
                    }
                }
            },
        }
    )
    value = example_value(model, {"$ref": "#/components/schemas/Node"})
    assert value == {"name": "string", "children": []}


def _hostile_model(marker: Path):
    evil = f"x'; touch {marker}; echo '$(touch {marker})`touch {marker}`"
    return normalize(
        {
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "servers": [{"url": f"https://api.example.com/{evil}"}],
            "paths": {
                "/items/{id}": {
                    "post": {
                        "parameters": [
                            {
                                "name": "id",
                                "in": "path",
                                "required": True,
                                "schema": {"type": "string", "example": evil},
                            },
                            {
                                "name": "q",
                                "in": "query",
                                "required": True,
                                "schema": {"type": "string", "example": evil},
                            },
                            {
                                "name": "X-Trace",
                                "in": "header",
                                "required": True,
                                "schema": {"type": "string", "example": evil},
                            },
                        ],
                        "requestBody": {
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "properties": {"note": {"type": "string", "example": evil}},
                                    }
                                }
                            }
                        },
                        "security": [{"key": []}],
                        "responses": {"200": {"description": "ok"}},
                    }
                }
            },
            "components": {
                "securitySchemes": {"key": {"type": "apiKey", "in": "header", "name": "X-Key"}}
            },
        }
    ), evil


def test_curl_sample_runs_only_the_request_in_a_real_shell(tmp_path):
    marker = tmp_path / "pwned"
    model, evil = _hostile_model(marker)
    curl = request_samples(model, model.operations[0])[0].code
    # bash parses the sample; `curl` is a function that prints the arguments it receives.
    script = 'curl() { printf "%s\\0" "$@"; }\n' + curl
    done = subprocess.run(
        ["bash", "-c", script],
        capture_output=True,
        env={"KEY": "k-123", "PATH": "/usr/bin:/bin"},
        check=True,
    )
    words = done.stdout.decode().split("\0")[:-1]
    assert not marker.exists()
    assert words[:2] == ["-X", "POST"]
    assert f"X-Trace: {evil}" in words
    assert "X-Key: k-123" in words
    assert json.loads(words[words.index("--data") + 1]) == {"note": evil}
    url = words[2]
    assert url.startswith("https://api.example.com/")
    assert urllib.parse.unquote(url.split("/items/", 1)[1].split("?", 1)[0]) == evil


def test_python_sample_is_valid_python_that_carries_the_payload_as_data():
    import ast

    model, evil = _hostile_model(Path("/nonexistent/pwned"))
    python = request_samples(model, model.operations[0])[1]
    tree = ast.parse(python.code)
    strings = [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]
    assert evil in strings
    assert "os.environ" in python.code
    calls = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "request"
    ]
    assert len(calls) == 1
