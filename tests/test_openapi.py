"""Loading, locating, bundling, validating and normalizing specs, on small real files."""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path

import pytest

from mkdocs_platform.models.pointers import from_pointer, to_pointer
from mkdocs_platform.openapi import read_spec
from mkdocs_platform.openapi.document import bundle_spec, resolve_tokens
from mkdocs_platform.openapi.examples import pattern_example
from mkdocs_platform.openapi.loader import LoadError, load_file
from mkdocs_platform.openapi.normalize import normalize
from mkdocs_platform.openapi.schema import discriminator, ref_name, schema_facts
from mkdocs_platform.openapi.validate import validate_document

from .conftest import minimal_spec, write_files

BIG = 64 * 1024 * 1024


def _read(root: Path, rel: str):
    reading = read_spec(root / rel, root, BIG)
    assert reading is not None
    return reading


# -- loading ---------------------------------------------------------------------------


def test_yaml_keeps_keys_as_written_and_dates_as_text(tmp_path):
    write_files(
        tmp_path, {"a.yaml": "info:\n  version: 2024-01-31\nresponses:\n  200: ok\n  on: yes\n"}
    )
    data = load_file(tmp_path / "a.yaml", BIG).data
    assert data["info"]["version"] == "2024-01-31"
    assert set(data["responses"]) == {"200", "on"}


def test_every_yaml_value_is_plain_json(tmp_path):
    # Sets, binary and dates are YAML types JSON lacks: each becomes JSON the history can hash.
    write_files(
        tmp_path,
        {"a.yaml": "x-set: !!set {a, b}\nx-bin: !!binary aGVsbG8=\nx-date: 2001-12-14t21:59:43Z\n"},
    )
    data = load_file(tmp_path / "a.yaml", BIG).data
    assert data["x-set"] == {"a": None, "b": None}
    assert json.loads(json.dumps(data)) == data


def test_invalid_yaml_reports_line_and_column(tmp_path):
    write_files(tmp_path, {"a.yaml": "openapi: 3.0.3\ninfo:\n  title: [unclosed\n  version: 1\n"})
    with pytest.raises(LoadError) as caught:
        load_file(tmp_path / "a.yaml", BIG)
    assert caught.value.line == 4
    assert "invalid YAML" in caught.value.message


def test_invalid_json_reports_line_and_column(tmp_path):
    write_files(tmp_path, {"a.json": '{\n  "openapi": "3.0.3",\n  "info": {,}\n}\n'})
    with pytest.raises(LoadError) as caught:
        load_file(tmp_path / "a.json", BIG)
    assert (caught.value.line, caught.value.column) == (3, 12)


def test_file_over_max_size_is_not_loaded(tmp_path):
    write_files(tmp_path, {"a.json": json.dumps(minimal_spec())})
    with pytest.raises(LoadError, match="max_spec_size"):
        load_file(tmp_path / "a.json", 100)


def test_yaml_alias_bomb_is_refused(tmp_path):
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for i in range(1, 9):
        refs = ", ".join([f"*a{i - 1}"] * 10)
        lines.append(f"a{i}: &a{i} [{refs}]")
    write_files(tmp_path, {"bomb.yaml": "\n".join(lines) + "\n"})
    with pytest.raises(LoadError, match="aliases expand"):
        load_file(tmp_path / "bomb.yaml", BIG)


def test_recursive_yaml_alias_is_refused(tmp_path):
    write_files(tmp_path, {"loop.yaml": "a: &a\n  b: *a\n"})
    with pytest.raises(LoadError, match="refers to a node that contains it"):
        load_file(tmp_path / "loop.yaml", BIG)


def test_deep_nesting_is_a_load_error(tmp_path):
    write_files(tmp_path, {"deep.json": "[" * 100_000 + "]" * 100_000})
    with pytest.raises(LoadError):
        load_file(tmp_path / "deep.json", BIG)


def test_unparseable_spec_is_a_located_structure_finding(tmp_path):
    write_files(tmp_path, {"openapi.yaml": "openapi: 3.0.3\ninfo: {title: x\n"})
    reading = _read(tmp_path, "openapi.yaml")
    assert reading.model is None
    (finding,) = reading.findings
    assert (finding.rule, finding.finding_class, finding.file) == (
        "oas-parse",
        "structure",
        "openapi.yaml",
    )
    assert finding.line == 3


def test_document_without_openapi_key_is_not_an_api(tmp_path):
    write_files(tmp_path, {"openapi.yaml": {"rules": {"x": 1}}})
    assert read_spec(tmp_path / "openapi.yaml", tmp_path, BIG) is None


# -- locating --------------------------------------------------------------------------


def test_pointer_round_trip():
    tokens = ["paths", "/pets/{id}", "get", "x~y"]
    assert to_pointer(tokens) == "#/paths/~1pets~1{id}/get/x~0y"
    assert from_pointer(to_pointer(tokens)) == tokens


def test_json_locator_finds_keys_in_minified_json(tmp_path):
    spec = minimal_spec()
    text = json.dumps(spec, separators=(",", ":"))
    write_files(tmp_path, {"a.json": text})
    loaded = load_file(tmp_path / "a.json", BIG)
    line, column = loaded.locator.locate(["paths", "/pets", "get", "responses"])
    assert line == 1
    assert text[column - 1 :].startswith('"responses"')


def test_json_locator_lines_in_pretty_json(tmp_path):
    text = json.dumps(minimal_spec(), indent=2)
    write_files(tmp_path, {"a.json": text})
    loaded = load_file(tmp_path / "a.json", BIG)
    line, column = loaded.locator.locate(["paths", "/pets", "get", "summary"])
    assert text.splitlines()[line - 1][column - 1 :].startswith('"summary"')


def test_yaml_locator_points_at_the_key(tmp_path):
    write_files(tmp_path, {"a.yaml": minimal_spec()})
    loaded = load_file(tmp_path / "a.yaml", BIG)
    line, column = loaded.locator.locate(["paths", "/pets", "get", "operationId"])
    text = (tmp_path / "a.yaml").read_text().splitlines()
    assert text[line - 1][column - 1 :].startswith("operationId")


# -- bundling --------------------------------------------------------------------------


def _external_spec() -> dict:
    spec = minimal_spec()
    spec["paths"]["/pets"]["get"]["responses"]["200"]["content"] = {
        "application/json": {"schema": {"$ref": "schemas/pet.yaml"}}
    }
    return spec


def test_external_refs_are_bundled_and_findings_point_into_their_file(tmp_path):
    write_files(
        tmp_path,
        {
            "openapi.yaml": _external_spec(),
            "schemas/pet.yaml": {
                "type": "object",
                "properties": {"owner": {"$ref": "#/definitions/Owner"}, "bad": {"type": "strnig"}},
                "definitions": {"Owner": {"type": "string"}},
            },
        },
    )
    reading = _read(tmp_path, "openapi.yaml")
    schema = reading.document["paths"]["/pets"]["get"]["responses"]["200"]["content"][
        "application/json"
    ]["schema"]
    assert schema["properties"]["owner"] == {"type": "string"}
    structure = [f for f in reading.findings if f.finding_class == "structure"]
    assert structure
    assert structure[0].file == "schemas/pet.yaml"
    assert structure[0].pointer == "#/properties/bad/type"
    assert (
        (tmp_path / "schemas/pet.yaml")
        .read_text()
        .splitlines()[structure[0].line - 1]
        .strip()
        .startswith("type: strnig")
    )


def test_ref_leaving_the_source_is_refused(tmp_path):
    root = tmp_path / "repo"
    spec = _external_spec()
    spec["paths"]["/pets"]["get"]["responses"]["200"]["content"]["application/json"]["schema"] = {
        "$ref": "../secret.yaml"
    }
    write_files(root, {"openapi.yaml": spec})
    write_files(tmp_path, {"secret.yaml": {"type": "string", "description": "TOP-SECRET-VALUE"}})
    reading = _read(root, "openapi.yaml")
    (finding,) = [f for f in reading.findings if f.rule == "oas-refs-resolve"]
    assert "leaves the source" in finding.message
    assert finding.file == "openapi.yaml"
    assert finding.line is not None
    assert "TOP-SECRET-VALUE" not in json.dumps(reading.document)


def test_unresolved_local_ref_is_a_structure_finding(tmp_path):
    spec = _external_spec()
    spec["paths"]["/pets"]["get"]["responses"]["200"]["content"]["application/json"]["schema"] = {
        "$ref": "#/components/schemas/Nope"
    }
    write_files(tmp_path, {"openapi.json": spec})
    reading = _read(tmp_path, "openapi.json")
    (finding,) = reading.findings
    assert finding.finding_class == "structure"
    assert "does not resolve" in finding.message
    assert finding.pointer == "#/paths/~1pets/get/responses/200/content/application~1json/schema"


def test_url_ref_on_a_host_not_allowed_is_not_fetched(tmp_path):
    spec = _external_spec()
    spec["paths"]["/pets"]["get"]["responses"]["200"]["content"]["application/json"]["schema"] = {
        "$ref": "https://schemas.invalid/pet.json"
    }
    write_files(tmp_path, {"openapi.yaml": spec})
    reading = _read(tmp_path, "openapi.yaml")
    assert any("not in allow_hosts" in f.message for f in reading.findings)


def test_cycle_across_files_becomes_a_local_ref(tmp_path):
    write_files(
        tmp_path,
        {
            "openapi.yaml": _external_spec(),
            "schemas/pet.yaml": {"type": "object", "properties": {"parent": {"$ref": "pet.yaml"}}},
        },
    )
    reading = _read(tmp_path, "openapi.yaml")
    schema = reading.document["paths"]["/pets"]["get"]["responses"]["200"]["content"][
        "application/json"
    ]["schema"]
    assert schema["properties"]["parent"] == {
        "$ref": "#/paths/~1pets/get/responses/200/content/application~1json/schema"
    }
    assert not [f for f in reading.findings if f.finding_class == "structure"]


# -- validating ------------------------------------------------------------------------


def test_bad_default_is_an_example_finding_at_the_default(tmp_path):
    spec = minimal_spec()
    spec["paths"]["/pets"]["get"]["parameters"] = [
        {"name": "limit", "in": "query", "schema": {"type": "integer", "default": "ten"}}
    ]
    write_files(tmp_path, {"openapi.yaml": spec})
    reading = _read(tmp_path, "openapi.yaml")
    (finding,) = reading.findings
    assert finding.finding_class == "example"
    assert finding.pointer == "#/paths/~1pets/get/parameters/0/schema/default"


def test_missing_required_field_is_explained(tmp_path):
    spec = minimal_spec()
    spec["paths"]["/pets"]["get"]["parameters"] = [{"name": "limit", "schema": {"type": "integer"}}]
    write_files(tmp_path, {"openapi.yaml": spec})
    reading = _read(tmp_path, "openapi.yaml")
    structure = [f for f in reading.findings if f.finding_class == "structure"]
    assert structure[0].message == "'in' is a required property"
    assert structure[0].pointer == "#/paths/~1pets/get/parameters/0"


def test_unknown_version_is_a_structure_finding(tmp_path):
    write_files(tmp_path, {"openapi.yaml": minimal_spec(version="4.0.0")})
    reading = _read(tmp_path, "openapi.yaml")
    assert [f.finding_class for f in reading.findings] == ["structure"]
    assert "not OpenAPI 2.0, 3.0 or 3.1" in reading.findings[0].message


def test_validator_crash_is_a_tool_finding(tmp_path):
    spec = minimal_spec()
    spec["paths"]["x-extension"] = "a string"
    write_files(tmp_path, {"openapi.yaml": spec})
    reading = _read(tmp_path, "openapi.yaml")
    findings = [f for f in reading.findings if f.rule == "oas-valid"]
    assert findings
    assert {f.finding_class for f in findings} <= {"tool", "structure"}
    assert reading.model is not None


def test_valid_document_has_no_findings(tmp_path):
    write_files(tmp_path, {"openapi.yaml": minimal_spec()})
    document = bundle_spec(load_file(tmp_path / "openapi.yaml", BIG), tmp_path, BIG)
    assert validate_document(document) == []


# -- normalizing -----------------------------------------------------------------------


def test_swagger_2_body_form_and_security_are_normalized():
    doc = {
        "swagger": "2.0",
        "info": {"title": "Old", "version": "1"},
        "host": "api.example.com",
        "basePath": "/v1",
        "schemes": ["https"],
        "consumes": ["application/json"],
        "securityDefinitions": {
            "oauth": {
                "type": "oauth2",
                "flow": "accessCode",
                "authorizationUrl": "https://a",
                "tokenUrl": "https://t",
                "scopes": {"read": "Read"},
            },
            "basic": {"type": "basic"},
        },
        "paths": {
            "/items": {
                "post": {
                    "operationId": "createItem",
                    "parameters": [
                        {
                            "in": "body",
                            "name": "body",
                            "required": True,
                            "schema": {"$ref": "#/definitions/Item"},
                        }
                    ],
                    "responses": {
                        "201": {"description": "Created", "schema": {"$ref": "#/definitions/Item"}}
                    },
                }
            },
            "/upload": {
                "post": {
                    "parameters": [
                        {"in": "formData", "name": "file", "type": "file", "required": True},
                        {
                            "in": "query",
                            "name": "tags",
                            "type": "array",
                            "items": {"type": "string"},
                            "collectionFormat": "multi",
                        },
                    ],
                    "responses": {"200": {"description": "OK"}},
                }
            },
        },
        "definitions": {"Item": {"type": "object", "properties": {"id": {"type": "integer"}}}},
    }
    model = normalize(doc)
    assert [s.url for s in model.servers] == ["https://api.example.com/v1"]
    create, upload = model.operations
    assert create.anchor == "op-createitem"
    assert create.request_body is not None
    assert create.request_body.content[0].media_type == "application/json"
    assert ref_name(model, create.request_body.content[0].schema) == "Item"
    assert ref_name(model, create.responses[0].content[0].schema) == "Item"
    assert upload.anchor == "op-post-upload"
    assert upload.request_body is not None
    assert upload.request_body.content[0].media_type == "multipart/form-data"
    (tags,) = upload.parameters
    assert (tags.style, tags.explode) == ("form", True)
    assert {s.key: (s.type, s.scheme) for s in model.security_schemes} == {
        "oauth": ("oauth2", ""),
        "basic": ("http", "basic"),
    }
    assert model.scheme("oauth").flows[0].kind == "authorizationCode"


def test_openapi_3_1_webhooks_and_type_arrays():
    doc = {
        "openapi": "3.1.0",
        "info": {"title": "New", "version": "1"},
        "webhooks": {
            "petAdded": {
                "post": {
                    "requestBody": {
                        "content": {"application/json": {"schema": {"type": ["string", "null"]}}}
                    },
                    "responses": {"200": {"description": "ok"}},
                }
            }
        },
        "components": {"schemas": {"N": {"type": "integer", "exclusiveMinimum": 0}}},
    }
    model = normalize(doc)
    (hook,) = model.webhooks
    assert hook.is_webhook
    assert hook.request_body is not None
    schema = hook.request_body.content[0].schema
    facts = schema_facts(model, schema)
    assert (facts.types, facts.nullable) == (["string"], True)
    assert schema_facts(model, {"$ref": "#/components/schemas/N"}).constraints == [(">", "0")]


def test_path_level_parameters_are_merged_and_overridden():
    doc = minimal_spec()
    doc["paths"]["/pets"]["parameters"] = [
        {"name": "limit", "in": "query", "description": "path level"},
        {"name": "trace", "in": "header"},
    ]
    doc["paths"]["/pets"]["get"]["parameters"] = [
        {"name": "limit", "in": "query", "description": "operation level"}
    ]
    (op,) = normalize(doc).operations
    assert {(p.name, p.description) for p in op.parameters} == {
        ("limit", "operation level"),
        ("trace", ""),
    }


def test_duplicate_operation_ids_get_distinct_anchors():
    doc = minimal_spec()
    doc["paths"]["/cats"] = {
        "get": {"operationId": "listPets", "responses": {"200": {"description": "x"}}}
    }
    anchors = [op.anchor for op in normalize(doc).operations]
    assert anchors == ["op-listpets", "op-listpets-2"]


def test_normalize_survives_nonsense():
    model = normalize(
        {
            "openapi": "3.0.0",
            "info": "x",
            "paths": {"/a": {"get": "nope", "parameters": "bad"}, "/b": []},
            "tags": [1, None],
        }
    )
    assert [op.path for op in model.operations] == ["/a"]


# -- caching across rebuilds -----------------------------------------------------------


def test_reading_cache_reuses_until_a_file_changes(tmp_path):
    import os

    from mkdocs_platform.openapi import ReadingCache

    write_files(
        tmp_path, {"openapi.yaml": _external_spec(), "schemas/pet.yaml": {"type": "object"}}
    )
    cache = ReadingCache()
    first = read_spec(tmp_path / "openapi.yaml", tmp_path, BIG, cache=cache)
    assert read_spec(tmp_path / "openapi.yaml", tmp_path, BIG, cache=cache) is first
    pet = tmp_path / "schemas/pet.yaml"
    pet.write_text("type: string\n")
    stat = pet.stat()
    os.utime(pet, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    second = read_spec(tmp_path / "openapi.yaml", tmp_path, BIG, cache=cache)
    assert second is not first
    assert second.document["paths"]["/pets"]["get"]["responses"]["200"]["content"][
        "application/json"
    ]["schema"] == {"type": "string"}


def test_validation_findings_are_kept_on_disk_until_a_file_changes(tmp_path, monkeypatch):
    import hashlib
    import hmac
    import json as json_module

    from mkdocs_platform.cache import KEY_FILE
    from mkdocs_platform.openapi.validation_cache import FORMAT

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user"))
    spec = minimal_spec()
    spec["paths"]["/pets"]["get"]["parameters"] = [
        {"name": "limit", "in": "query", "schema": {"type": "integer", "default": "ten"}}
    ]
    write_files(tmp_path / "repo", {"openapi.yaml": spec})
    store = tmp_path / "cache"
    first = read_spec(tmp_path / "repo/openapi.yaml", tmp_path / "repo", BIG, validation_dir=store)
    (stored,) = list(store.rglob("*.json"))
    entry = json_module.loads(stored.read_text())
    assert entry["format"] == FORMAT
    assert entry["key"] == stored.stem
    assert [f["pointer"] for f in entry["findings"]] == [first.findings[0].pointer]
    # An entry changed by hand is not trusted: the validator runs again.
    entry["findings"][0]["message"] = "from the cache"
    stored.write_text(json_module.dumps(entry))
    again = read_spec(tmp_path / "repo/openapi.yaml", tmp_path / "repo", BIG, validation_dir=store)
    assert again.findings[0].message.startswith("the default value does not match")
    # Signed with the user's own key, the same change shows through: the cache answered.
    entry["findings"][0]["message"] = "from the cache"
    secret = (tmp_path / "user/mkdocs-platform" / KEY_FILE).read_bytes()
    body = json_module.dumps([FORMAT, entry["key"], entry["findings"]], sort_keys=True)
    entry["signature"] = hmac.new(secret, body.encode(), hashlib.sha256).hexdigest()
    stored.write_text(json_module.dumps(entry))
    second = read_spec(tmp_path / "repo/openapi.yaml", tmp_path / "repo", BIG, validation_dir=store)
    assert [f.message for f in second.findings] == ["from the cache"]
    # Any change to the spec's bytes is another key: the validator runs again.
    (tmp_path / "repo/openapi.yaml").write_text((tmp_path / "repo/openapi.yaml").read_text() + "\n")
    third = read_spec(tmp_path / "repo/openapi.yaml", tmp_path / "repo", BIG, validation_dir=store)
    assert third.findings[0].message.startswith("the default value does not match")
    assert len(list(store.rglob("*.json"))) == 2
    # A damaged entry is validated again, never trusted.
    for path in store.rglob("*.json"):
        path.write_text("{not json")
    fourth = read_spec(tmp_path / "repo/openapi.yaml", tmp_path / "repo", BIG, validation_dir=store)
    assert fourth.findings[0].message.startswith("the default value does not match")


@pytest.fixture
def schema_server(tmp_path):
    """A local HTTP server: /pet.yaml is a schema; /moved redirects to another host name."""
    import functools
    import http.server
    import threading

    write_files(tmp_path / "www", {"pet.yaml": {"type": "object", "description": "SERVED-SCHEMA"}})

    class Handler(http.server.SimpleHTTPRequestHandler):
        def do_GET(self):
            if self.path == "/moved":
                self.send_response(302)
                self.send_header(
                    "Location", f"http://localhost:{self.server.server_address[1]}/pet.yaml"
                )
                self.end_headers()
                return
            super().do_GET()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Handler, directory=str(tmp_path / "www"))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_url_ref_on_an_allowed_host_is_fetched_but_not_through_a_redirect(tmp_path, schema_server):
    spec = _external_spec()
    media = spec["paths"]["/pets"]["get"]["responses"]["200"]["content"]["application/json"]
    media["schema"] = {"$ref": f"{schema_server}/pet.yaml"}
    write_files(tmp_path / "repo", {"openapi.yaml": spec})
    reading = read_spec(tmp_path / "repo/openapi.yaml", tmp_path / "repo", BIG, ("127.0.0.1",))
    assert "SERVED-SCHEMA" in json.dumps(reading.document)
    assert not [f for f in reading.findings if f.rule == "oas-refs-resolve"]
    media["schema"] = {"$ref": f"{schema_server}/moved"}
    write_files(tmp_path / "repo", {"openapi.yaml": spec})
    reading = read_spec(tmp_path / "repo/openapi.yaml", tmp_path / "repo", BIG, ("127.0.0.1",))
    assert "SERVED-SCHEMA" not in json.dumps(reading.document)
    (finding,) = [f for f in reading.findings if f.rule == "oas-refs-resolve"]
    assert "redirects to 'localhost'" in finding.message


# -- the version-neutral model ---------------------------------------------------------


def _same_api(version: str) -> dict:
    """One small API written as `version` writes it: servers, reusable parts, public reads."""
    item = {"type": "object", "properties": {"id": {"type": "integer"}}}
    limit = {"name": "limit", "in": "query", "type": "integer"}
    if version == "2.0":
        return {
            "swagger": "2.0",
            "info": {"title": "Items", "version": "1"},
            "host": "api.example.org",
            "basePath": "/v1",
            "schemes": ["http", "https"],
            "security": [],
            "paths": {
                "/items": {
                    "get": {
                        "parameters": [{"$ref": "#/parameters/Limit"}],
                        "responses": {"200": {"$ref": "#/responses/Items"}},
                    }
                },
                "x-internal": {},
            },
            "definitions": {"Item": item},
            "parameters": {"Limit": limit},
            "responses": {"Items": {"description": "ok", "schema": {"$ref": "#/definitions/Item"}}},
            "securityDefinitions": {"key": {"type": "apiKey", "name": "k", "in": "header"}},
        }
    limit = {"name": "limit", "in": "query", "schema": {"type": "integer"}}
    media = {"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}}
    return {
        "openapi": version,
        "info": {"title": "Items", "version": "1"},
        "servers": [{"url": "http://api.example.org/v1"}, {"url": "https://api.example.org/v1"}],
        "security": [],
        "paths": {
            "/items": {
                "get": {
                    "parameters": [{"$ref": "#/components/parameters/Limit"}],
                    "responses": {"200": {"$ref": "#/components/responses/Items"}},
                }
            },
            "x-internal": {},
        },
        "components": {
            "schemas": {"Item": item},
            "parameters": {"Limit": limit},
            "responses": {"Items": {"description": "ok", "content": media}},
            "securitySchemes": {"key": {"type": "apiKey", "name": "k", "in": "header"}},
        },
    }


@pytest.mark.parametrize("version", ["2.0", "3.0.3", "3.1.0"])
def test_every_version_gives_the_same_model_with_its_own_pointers(version):
    doc = _same_api(version)
    model = normalize(doc)
    assert [s.url for s in model.servers] == [
        "http://api.example.org/v1",
        "https://api.example.org/v1",
    ]
    assert model.paths == ["/items"]
    assert model.declared_public
    assert model.security_pointer == ("security",)
    assert sorted((c.kind, c.name) for c in model.components) == [
        ("parameter", "Limit"),
        ("response", "Items"),
        ("schema", "Item"),
    ]
    # Every pointer the model gives names a place the document really has.
    for component in model.components:
        assert resolve_tokens(doc, component.pointer) is not None
    (op,) = model.operations
    (limit,) = op.parameters
    assert resolve_tokens(doc, limit.pointer)["name"] == "limit"
    assert model.schema_ref("Item") == "#/" + "/".join(model.schema_prefix) + "/Item"
    if version == "2.0":
        assert (model.spec_name, model.servers_field) == ("Swagger", "host")
        assert [s.pointer for s in model.servers] == [("host",), ("host",)]
        assert [s.scheme_pointer for s in model.servers] == [("schemes", "0"), ("schemes", "1")]
        assert limit.schema_pointer == limit.pointer  # the parameter's keywords are its schema
        assert model.components[0].pointer == ("definitions", "Item")
    else:
        assert (model.spec_name, model.servers_field) == ("OpenAPI", "servers")
        assert [s.pointer for s in model.servers] == [("servers", "0"), ("servers", "1")]
        assert [s.scheme_pointer for s in model.servers] == [s.pointer for s in model.servers]
        assert resolve_tokens(doc, limit.schema_pointer) is limit.schema
        assert model.components[0].pointer == ("components", "schemas", "Item")
    (body,) = op.responses[0].content
    assert ref_name(model, body.schema) == "Item"
    assert resolve_tokens(doc, body.schema_pointer) is body.schema


def test_schema_dialects_say_how_nulls_and_bounds_are_written():
    dialects = {v: normalize(_same_api(v)).dialect for v in ("2.0", "3.0.3", "3.1.0")}
    assert dialects["2.0"].nullable_keyword == "x-nullable"
    assert dialects["3.0.3"].nullable_keyword == "nullable"
    assert dialects["3.1.0"].null_type
    assert not dialects["3.0.3"].null_type
    assert dialects["3.1.0"].json_schema == "draft2020-12"
    assert dialects["2.0"].json_schema == dialects["3.0.3"].json_schema == "draft4"
    assert dialects["3.1.0"].numeric_exclusive_bounds
    assert not dialects["3.0.3"].numeric_exclusive_bounds
    # A keyword of another version means nothing in this one.
    model = normalize(_same_api("3.1.0"))
    assert not schema_facts(model, {"type": "string", "nullable": True}).nullable
    assert schema_facts(model, {"type": ["string", "null"]}).nullable


def test_examples_carry_where_their_values_are_written():
    doc = minimal_spec()
    doc["components"] = {"examples": {"Rex": {"summary": "a dog", "value": {"name": "Rex"}}}}
    get = doc["paths"]["/pets"]["get"]
    get["parameters"] = [
        {"name": "limit", "in": "query", "schema": {"type": "integer"}, "example": 5}
    ]
    get["responses"]["200"]["content"] = {
        "application/json": {
            "schema": {"type": "object"},
            "examples": {"rex": {"$ref": "#/components/examples/Rex"}},
        }
    }
    (op,) = normalize(doc).operations
    (limit,) = op.parameters
    (example,) = limit.examples
    assert example.pointer == (*limit.pointer, "example")
    (media,) = op.responses[0].content
    (rex,) = media.examples
    assert rex.pointer == ("components", "examples", "Rex", "value")
    assert resolve_tokens(doc, rex.pointer) == rex.value == {"name": "Rex"}


def test_swagger_2_examples_and_x_example_carry_where_they_are_written():
    doc = {
        "swagger": "2.0",
        "info": {"title": "Old", "version": "1"},
        "produces": ["application/json"],
        "paths": {
            "/pets": {
                "get": {
                    "parameters": [
                        {"name": "limit", "in": "query", "type": "integer", "x-example": 3}
                    ],
                    "responses": {
                        "200": {
                            "description": "ok",
                            "schema": {"type": "array"},
                            "examples": {"application/json": [1, 2]},
                        }
                    },
                }
            }
        },
    }
    (op,) = normalize(doc).operations
    for example in [*op.parameters[0].examples, *op.responses[0].content[0].examples]:
        assert resolve_tokens(doc, example.pointer) == example.value
    assert op.responses[0].content[0].examples[0].pointer[-2:] == ("examples", "application/json")


def test_discriminators_read_alike_in_every_version():
    swagger = {
        "swagger": "2.0",
        "info": {"title": "Old", "version": "1"},
        "paths": {},
        "definitions": {
            "Pet": {"type": "object", "discriminator": "petType", "properties": {}},
            "Cat": {"allOf": [{"$ref": "#/definitions/Pet"}]},
            "Dog": {"allOf": [{"$ref": "#/definitions/Pet"}]},
        },
    }
    model = normalize(swagger)
    selector = discriminator(model, {"$ref": "#/definitions/Pet"})
    assert selector is not None
    assert selector.property_name == "petType"
    assert selector.mapping == {"Cat": "#/definitions/Cat", "Dog": "#/definitions/Dog"}
    modern = minimal_spec()
    modern["components"] = {
        "schemas": {
            "Pet": {
                "oneOf": [{"$ref": "#/components/schemas/Cat"}],
                "discriminator": {"propertyName": "kind", "mapping": {"cat": "Cat"}},
            },
            "Cat": {"type": "object"},
        }
    }
    model = normalize(modern)
    selector = discriminator(model, {"$ref": "#/components/schemas/Pet"})
    assert selector is not None
    assert (selector.property_name, selector.mapping) == ("kind", {"cat": "Cat"})
    assert discriminator(model, {"$ref": "#/components/schemas/Cat"}) is None


@pytest.mark.parametrize(
    ("pattern", "finding_class"),
    [
        (r"^[\p{L} ]+$", "tool"),  # ECMA-262 and Rust know \p{L}; Python's re does not
        ("^[a-", "example"),  # no engine compiles this
    ],
)
def test_a_rejected_pattern_is_classed_by_which_engines_refuse_it(tmp_path, pattern, finding_class):
    spec = minimal_spec()
    spec["components"] = {
        "schemas": {"Name": {"type": "string", "pattern": pattern}},
    }
    write_files(tmp_path, {"openapi.yaml": spec})
    reading = _read(tmp_path, "openapi.yaml")
    assert reading.findings
    assert {f.finding_class for f in reading.findings} == {finding_class}
    assert {f.pointer for f in reading.findings} == {"#/components/schemas/Name/pattern"}


@pytest.mark.parametrize(
    ("version", "schema", "constraints", "built"),
    [
        ("3.0.3", {"type": "integer", "minimum": 1, "exclusiveMinimum": True}, [(">", "1")], 2),
        ("2.0", {"type": "integer", "minimum": 1, "exclusiveMinimum": True}, [(">", "1")], 2),
        ("3.1.0", {"type": "integer", "exclusiveMinimum": 1}, [(">", "1")], 2),
        # A flag means nothing in 3.1, a number nothing in 3.0: each reads its own form.
        ("3.1.0", {"type": "integer", "minimum": 1, "exclusiveMinimum": True}, [("≥", "1")], 1),
        ("3.0.3", {"type": "integer", "exclusiveMinimum": 5}, [], 1),
    ],
)
def test_exclusive_bounds_are_read_in_the_dialect(version, schema, constraints, built):
    from mkdocs_platform.openapi.examples import example_value

    model = normalize(_same_api(version))
    assert schema_facts(model, schema).constraints == constraints
    assert example_value(model, schema) == built


def test_a_swagger_base_path_alone_is_a_relative_server_where_it_is_written():
    doc = {"swagger": "2.0", "info": {"title": "Old", "version": "1"}, "basePath": "/v1"}
    (server,) = normalize(doc).servers
    assert (server.url, server.pointer, server.scheme_pointer) == (
        "/v1",
        ("basePath",),
        ("basePath",),
    )
    doc["host"] = "api.example.org"
    (server,) = normalize(doc).servers
    assert (server.url, server.pointer, server.scheme_pointer) == (
        "https://api.example.org/v1",
        ("host",),
        ("host",),  # no `schemes`: https is assumed, written nowhere but beside the host
    )


@pytest.mark.parametrize("validation", ["fast", "full"])
def test_an_odd_pattern_is_no_warning_on_stderr(tmp_path, validation):
    # Python's `re` warns "Possible nested set" on `[[`: a spec's pattern, not the build's.
    spec = minimal_spec()
    odd = {"type": "string", "pattern": "^[[a-z]]+$"}
    spec["components"] = {"schemas": {"Code": odd}}
    spec["paths"]["/pets"]["get"]["parameters"] = [
        {"name": "code", "in": "query", "schema": odd, "example": "a]"}
    ]
    write_files(tmp_path, {"openapi.yaml": spec})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        reading = read_spec(tmp_path / "openapi.yaml", tmp_path, BIG, validation=validation)
        example = pattern_example("^[[a-z]]+$")
    assert reading is not None
    assert reading.model is not None
    assert example is None or re.search("^[[a-z]]+$", example)
    assert [str(w.message) for w in caught] == []
