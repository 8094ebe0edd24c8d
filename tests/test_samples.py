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


# -- servers ---------------------------------------------------------------------------------


def _mail_model(servers: list | None = None, **extra):
    """A one-operation API, `POST /email`, declaring `servers` (or none)."""
    spec = {
        "openapi": "3.0.3",
        "info": {"title": "Mail", "version": "1"},
        "paths": {"/email": {"post": {"responses": {"200": {"description": "sent"}}}}},
        **extra,
    }
    if servers is not None:
        spec["servers"] = servers
    return normalize(spec)


def _urls(model) -> tuple[str, str]:
    """The URL the curl sample requests (as bash reads it) and the one the Python sample does."""
    import ast

    curl, python = request_samples(model, model.operations[0])
    words = subprocess.run(
        ["bash", "-c", 'curl() { printf "%s\\0" "$@"; }\n' + curl.code],
        capture_output=True,
        check=True,
    ).stdout.decode()
    curl_url = next(w for w in words.split("\0") if "/" in w)
    call = next(
        node
        for node in ast.walk(ast.parse(python.code))
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "request"
    )
    return curl_url, ast.literal_eval(call.args[1])


def test_a_protocol_relative_server_keeps_its_own_host():
    model = _mail_model([{"url": "//api.postmarkapp.com"}])
    assert _urls(model) == ("https://api.postmarkapp.com/email",) * 2


@pytest.mark.parametrize(
    ("servers", "expected"),
    [
        ([{"url": "/v1"}], "{server}/v1/email"),
        ([{"url": "v1"}], "{server}/v1/email"),
        ([{"url": "/"}], "{server}/email"),
        (None, "{server}/email"),
        ([{"url": "api.acme.com/v1"}], "https://api.acme.com/v1/email"),
        (
            [{"url": "https://{region}.acme.com/v1", "variables": {"region": {}}}],
            "https://{region}.acme.com/v1/email",
        ),
    ],
)
def test_a_relative_server_with_no_known_location_stays_relative(servers, expected):
    model = _mail_model(servers)
    urls = _urls(model)
    assert urls == (expected, expected)
    samples = request_samples(model, model.operations[0])
    assert not any("example.com" in sample.code for sample in samples)


@pytest.mark.parametrize(
    ("server", "document_url", "expected"),
    [
        ("/v1", "https://specs.acme.com/apis/mail.yaml", "https://specs.acme.com/v1/email"),
        ("v1", "https://specs.acme.com/apis/mail.yaml", "https://specs.acme.com/apis/v1/email"),
        (
            "//api.postmarkapp.com",
            "http://specs.acme.com/mail.yaml",
            "http://api.postmarkapp.com/email",
        ),
        ("https://api.acme.com", "http://specs.acme.com/mail.yaml", "https://api.acme.com/email"),
    ],
)
def test_a_relative_server_resolves_against_the_url_the_spec_came_from(
    server, document_url, expected
):
    model = _mail_model([{"url": server}])
    model.document_url = document_url
    assert _urls(model) == (expected, expected)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"basePath": "/v1"}, "{server}/v1/email"),
        ({}, "{server}/email"),
        ({"host": "api.acme.com", "basePath": "/v1"}, "https://api.acme.com/v1/email"),
        ({"host": "api.acme.com", "schemes": ["http"]}, "http://api.acme.com/email"),
    ],
)
def test_swagger_host_and_base_path_are_never_put_on_an_invented_host(fields, expected):
    model = normalize(
        {
            "swagger": "2.0",
            "info": {"title": "Mail", "version": "1"},
            "paths": {"/email": {"post": {"responses": {"200": {"description": "sent"}}}}},
            **fields,
        }
    )
    assert _urls(model) == (expected, expected)


# -- parameter values ------------------------------------------------------------------------


def _repos_model(org: dict, version: str = "3.0.3"):
    """`GET /orgs/{org}/repos` with the path parameter `org` (and a required query parameter
    `sort` described the same way)."""
    sort = {**org, "name": "sort", "in": "query", "required": True}
    return normalize(
        {
            ("swagger" if version == "2.0" else "openapi"): version,
            "info": {"title": "Repos", "version": "1"},
            "paths": {
                "/orgs/{org}/repos": {
                    "get": {
                        "parameters": [
                            {"name": "org", "in": "path", "required": True, **org},
                            sort,
                        ],
                        "responses": {"200": {"description": "repos"}},
                    }
                }
            },
            **(
                {"host": "api.github.com"}
                if version == "2.0"
                else {"servers": [{"url": "https://api.github.com"}]}
            ),
        }
    )


@pytest.mark.parametrize(
    ("org", "expected"),
    [
        ({"example": "acme", "schema": {"type": "string", "example": "other"}}, "acme"),
        (
            {
                "examples": {"a": {"value": "acme"}, "b": {"value": "b"}},
                "schema": {"type": "string"},
            },
            "acme",
        ),
        ({"schema": {"type": "string", "example": "acme"}}, "acme"),
        ({"schema": {"type": "string", "examples": ["acme", "b"]}}, "acme"),
        ({"schema": {"type": "string", "default": "acme"}}, "acme"),
        ({"schema": {"type": "string", "enum": ["acme", "b"]}}, "acme"),
        ({"schema": {"allOf": [{"type": "string"}, {"enum": ["acme"]}]}}, "acme"),
        ({"schema": {"type": "string"}}, "{org}"),
        ({"schema": {"type": "integer", "format": "int64"}}, "{org}"),
    ],
)
def test_parameters_take_the_value_the_spec_gives_else_a_placeholder(org, expected):
    model = _repos_model(org)
    curl_url, python_url = _urls(model)
    assert curl_url.startswith(f"https://api.github.com/orgs/{expected}/repos?sort=")
    assert python_url == f"https://api.github.com/orgs/{expected}/repos"
    query = urllib.parse.unquote_plus(curl_url.split("?", 1)[1])
    assert query == "sort=" + expected.replace("{org}", "{sort}")
    python = request_samples(model, model.operations[0])[1].code
    assert f"params={{'sort': '{expected.replace('{org}', '{sort}')}'}}" in python
    assert "string" not in curl_url


@pytest.mark.parametrize(
    ("org", "expected"),
    [
        ({"type": "string", "x-example": "acme"}, "acme"),
        ({"type": "string", "default": "acme"}, "acme"),
        ({"type": "string", "enum": ["acme"]}, "acme"),
        ({"type": "string"}, "{org}"),
    ],
)
def test_swagger_parameters_take_the_value_the_spec_gives_else_a_placeholder(org, expected):
    model = _repos_model(org, version="2.0")
    assert _urls(model)[1] == f"https://api.github.com/orgs/{expected}/repos"


def test_a_placeholder_reaches_the_server_as_written_through_real_curl(tmp_path):
    import http.server
    import threading

    requested: list[str] = []

    class Recorder(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requested.append(self.path)
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        model = _repos_model({"schema": {"type": "string"}})
        model.servers[0].url = f"http://127.0.0.1:{server.server_address[1]}"
        curl = request_samples(model, model.operations[0])[0].code
        subprocess.run(["bash", "-c", curl], capture_output=True, check=True, timeout=60)
    finally:
        server.shutdown()
        server.server_close()
    # Without `--globoff` curl would expand `{org}` as a glob of one word and ask for `/orgs/org`.
    assert requested == ["/orgs/{org}/repos?sort={sort}"]


def test_a_spec_fetched_from_a_url_has_samples_on_that_host(tmp_path):
    import functools
    import http.server
    import threading

    import yaml

    from .conftest import build_site, minimal_spec, write_files

    spec = minimal_spec("Mail", servers=[{"url": "/v1"}])
    write_files(tmp_path / "www", {"specs/mail.yaml": spec})

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(tmp_path / "www"))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    entity = {
        "apiVersion": "backstage.io/v1alpha1",
        "kind": "API",
        "metadata": {"name": "mail"},
        "spec": {
            "type": "openapi",
            "lifecycle": "production",
            "owner": "team-mail",
            "definition": {"$text": f"{origin}/specs/mail.yaml"},
        },
    }
    write_files(tmp_path / "repo", {"catalog-info.yaml": yaml.safe_dump(entity)})
    try:
        site = build_site(
            tmp_path,
            {"sources": [{"name": "repo", "path": "repo"}], "allow_hosts": ["127.0.0.1"]},
        )
    finally:
        server.shutdown()
        server.server_close()
    samples = "".join(
        block.get_text()
        for page in site.dir.joinpath("apis", "mail").rglob("*.html")
        for block in site.soup(page.relative_to(site.dir).as_posix()).select(
            ".mp-samples div.highlight code"
        )
    )
    assert f"curl -X GET {origin}/v1/pets\n" in samples
    assert f"'{origin}/v1/pets'," in samples
    assert "example.com" not in samples
