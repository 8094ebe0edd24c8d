"""Hypothesis strategies for hostile sources: OpenAPI-shaped documents and catalog files.

Documents mix valid structure with junk: any JSON type in any position, `$ref`s to anywhere
(local, other files, outside the source, malformed URLs), random keys, text with lone
surrogates, NULs, control characters and markup payloads, integers past 4,300 digits, floats
that JSON cannot write, and nesting deep enough to matter but bounded. `source_files` gives the
files of one source (a spec, maybe a catalog file, maybe files to `$ref`), written with
`write_source`. `run_whole_pipeline` puts one through everything a build does short of MkDocs:
reading, scoring, every report and every planned page rendered. `tests/test_fuzz.py` and
`benchmarks/fuzz_pipeline.py` share them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

MAX_DEPTH_LEAVES = 12
"""Leaves of a recursive junk value: keeps examples small enough to run hundreds per minute."""

PAYLOADS = (
    "<script>window.__pwned=1</script>",
    '<img src=x onerror="window.__pwned=1">',
    "javascript:window.__pwned=1",
    "[x](javascript:window.__pwned=1)",
    "{{ 7 * 191 }}",
    '--8<-- "/etc/passwd"',
    '{: onclick="window.__pwned=1" }',
    "</script><script>window.__pwned=1</script>",
    "http://[x",
    "https://tok@127.0.0.1:abc/x",
    "a\x00b",
    "\ud800",
    "\udfff\ud800",
    "\u202e\u200b\ufeff",
    "$(touch pwned)`id`'\"",
    "~1~0/%00%2e%2e",
    "x" * 300,
)

REFS = (
    "#",
    "#/",
    "#/components/schemas/A",
    "#/components/schemas/B",
    "#/components/parameters/P",
    "#/components/responses/R",
    "#/paths/~1a",
    "#/paths/~1a/get",
    "#/components/schemas/%ZZ",
    "#/definitions/A",
    "parts/a.json",
    "parts/a.json#/A",
    "parts/b.yaml",
    "./openapi.json",
    "openapi.yaml#/components",
    "../outside.yaml",
    "../../../../etc/passwd",
    "/etc/passwd",
    "file:///etc/passwd",
    "http://127.0.0.1:9/x.yaml",
    "http://[x",
    "a%00.yaml",
    "\ud800.yaml",
    "a\x00.yaml",
    "",
)

SCHEMA_KEYS = (
    "type",
    "format",
    "properties",
    "items",
    "required",
    "enum",
    "allOf",
    "oneOf",
    "anyOf",
    "not",
    "additionalProperties",
    "discriminator",
    "nullable",
    "example",
    "examples",
    "default",
    "pattern",
    "minimum",
    "maximum",
    "minLength",
    "maxItems",
    "title",
    "description",
    "readOnly",
    "writeOnly",
    "const",
    "prefixItems",
    "$ref",
    "x-nullable",
)

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace", "query")


class RawNumber(str):
    """A number written as its digits: integers past 4,300 digits, which `str(int)` refuses."""

    __slots__ = ()


def texts() -> st.SearchStrategy[str]:
    """Text of every kind: any code point (lone surrogates and NUL too), or a payload."""
    any_character = st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=())
    return st.one_of(
        st.text(max_size=12),
        st.text(alphabet=any_character, max_size=20),
        st.sampled_from(PAYLOADS),
        st.sampled_from(("", " ", "pets", "Pet", "id", "name", "application/json", "200")),
    )


def big_integers() -> st.SearchStrategy[RawNumber]:
    return st.integers(min_value=4_290, max_value=4_400).map(lambda digits: RawNumber("9" * digits))


def scalars() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=True, allow_infinity=True),
        texts(),
    )


def numbers() -> st.SearchStrategy[Any]:
    """Values where a spec puts numbers (bounds, examples, defaults): huge ones included.

    Kept out of `scalars`: one 4,300+ digit number anywhere decides how a whole file loads, and
    everywhere it would hide every other problem.
    """
    return st.one_of(st.integers(), st.floats(allow_nan=True, allow_infinity=True), big_integers())


def junk() -> st.SearchStrategy[Any]:
    """Any JSON value: scalars, lists and mappings with any keys, nested a little."""
    return st.recursive(
        scalars(),
        lambda inner: st.one_of(
            st.lists(inner, max_size=4),
            st.dictionaries(texts(), inner, max_size=4),
        ),
        max_leaves=MAX_DEPTH_LEAVES,
    )


def refs() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({"$ref": st.one_of(st.sampled_from(REFS), texts())})


def maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Mostly the value the spec expects; sometimes a `$ref`; sometimes junk."""
    return st.one_of(strategy, strategy, strategy, refs(), junk())


def schemas(depth: int = 3) -> st.SearchStrategy[Any]:
    """Schema-shaped mappings with random keywords, values right or wrong, nested `depth` deep."""
    if depth <= 0:
        return st.one_of(
            st.fixed_dictionaries({"type": st.sampled_from(("string", "integer", "object"))}),
            refs(),
            junk(),
        )
    child = schemas(depth - 1)
    value_for = {
        "type": st.one_of(
            st.sampled_from(("string", "integer", "number", "boolean", "array", "object", "null")),
            st.lists(st.sampled_from(("string", "null", "integer")), max_size=3),
            junk(),
        ),
        "properties": st.dictionaries(texts(), child, max_size=4),
        "items": child,
        "allOf": st.lists(child, max_size=3),
        "oneOf": st.lists(child, max_size=3),
        "anyOf": st.lists(child, max_size=3),
        "not": child,
        "additionalProperties": st.one_of(st.booleans(), child),
        "prefixItems": st.lists(child, max_size=2),
        "required": st.lists(texts(), max_size=3),
        "enum": st.lists(scalars(), max_size=4),
        "pattern": st.one_of(
            st.sampled_from(("^[a-z]+$", "(", "\\p{L}", "^(a+)+$", "[", "(?<=a+)b")), texts()
        ),
        "discriminator": st.one_of(
            st.fixed_dictionaries(
                {"propertyName": texts()},
                optional={"mapping": st.dictionaries(texts(), st.sampled_from(REFS), max_size=2)},
            ),
            junk(),
        ),
        "$ref": st.one_of(st.sampled_from(REFS), texts()),
        "minimum": numbers(),
        "maximum": numbers(),
        "example": st.one_of(numbers(), junk()),
        "default": st.one_of(numbers(), junk()),
    }
    keys = st.lists(st.sampled_from(SCHEMA_KEYS), unique=True, max_size=6)
    return keys.flatmap(
        lambda chosen: st.fixed_dictionaries(
            {key: value_for.get(key, junk()) for key in chosen},
            optional={"x-junk": junk()},
        )
    )


def parameters() -> st.SearchStrategy[Any]:
    return maybe(
        st.fixed_dictionaries(
            {
                "name": texts(),
                "in": st.one_of(
                    st.sampled_from(("query", "path", "header", "cookie", "body", "formData")),
                    texts(),
                ),
            },
            optional={
                "schema": schemas(2),
                "required": st.one_of(st.booleans(), junk()),
                "description": texts(),
                "example": junk(),
                "type": st.sampled_from(("string", "integer")),
            },
        )
    )


def responses() -> st.SearchStrategy[Any]:
    response = maybe(
        st.fixed_dictionaries(
            {"description": st.one_of(texts(), junk())},
            optional={
                "content": st.dictionaries(
                    st.one_of(st.sampled_from(("application/json", "text/plain", "*/*")), texts()),
                    maybe(
                        st.fixed_dictionaries(
                            {}, optional={"schema": schemas(2), "example": junk()}
                        )
                    ),
                    max_size=2,
                ),
                "headers": st.dictionaries(texts(), maybe(st.just({"schema": {}})), max_size=2),
                "schema": schemas(1),
                "links": junk(),
            },
        )
    )
    codes = st.one_of(
        st.sampled_from(("200", "201", "204", "400", "404", "default", "2XX")), texts()
    )
    return maybe(st.dictionaries(codes, response, max_size=3))


def operations() -> st.SearchStrategy[Any]:
    return maybe(
        st.fixed_dictionaries(
            {"responses": responses()},
            optional={
                "operationId": st.one_of(texts(), junk()),
                "summary": texts(),
                "description": texts(),
                "tags": st.one_of(st.lists(texts(), max_size=3), junk()),
                "parameters": st.one_of(st.lists(parameters(), max_size=3), junk()),
                "requestBody": maybe(
                    st.fixed_dictionaries(
                        {"content": st.dictionaries(texts(), junk(), max_size=2)},
                        optional={"required": st.booleans()},
                    )
                ),
                "security": st.one_of(
                    st.lists(st.dictionaries(texts(), st.lists(texts(), max_size=2)), max_size=2),
                    junk(),
                ),
                "deprecated": st.one_of(st.booleans(), junk()),
                "callbacks": junk(),
                "x-sdk-method": texts(),
            },
        )
    )


def path_items() -> st.SearchStrategy[Any]:
    return maybe(
        st.lists(st.sampled_from(HTTP_METHODS), unique=True, max_size=3).flatmap(
            lambda methods: st.fixed_dictionaries(
                {method: operations() for method in methods},
                optional={"parameters": st.lists(parameters(), max_size=2), "summary": texts()},
            )
        )
    )


def paths() -> st.SearchStrategy[Any]:
    keys = st.one_of(
        st.sampled_from(("/a", "/pets", "/pets/{id}", "/{a}/{b}", "/", "")),
        texts().map(lambda t: "/" + t),
        texts(),
    )
    return maybe(st.dictionaries(keys, path_items(), max_size=4))


def infos() -> st.SearchStrategy[Any]:
    return maybe(
        st.fixed_dictionaries(
            {"title": st.one_of(texts(), junk()), "version": st.one_of(texts(), junk())},
            optional={
                "description": texts(),
                "termsOfService": texts(),
                "contact": maybe(
                    st.fixed_dictionaries(
                        {}, optional={"url": texts(), "name": texts(), "email": texts()}
                    )
                ),
                "license": maybe(
                    st.fixed_dictionaries({"name": texts()}, optional={"url": texts()})
                ),
                "x-owner": texts(),
            },
        )
    )


def components() -> st.SearchStrategy[Any]:
    named = st.one_of(st.sampled_from(("A", "B", "P", "R")), texts())
    return maybe(
        st.fixed_dictionaries(
            {},
            optional={
                "schemas": maybe(st.dictionaries(named, schemas(), max_size=4)),
                "parameters": maybe(st.dictionaries(named, parameters(), max_size=2)),
                "responses": junk(),
                "securitySchemes": maybe(
                    st.dictionaries(
                        named,
                        maybe(
                            st.fixed_dictionaries(
                                {
                                    "type": st.one_of(
                                        st.sampled_from(
                                            (
                                                "apiKey",
                                                "http",
                                                "oauth2",
                                                "openIdConnect",
                                                "mutualTLS",
                                            )
                                        ),
                                        texts(),
                                    )
                                },
                                optional={
                                    "in": texts(),
                                    "name": texts(),
                                    "scheme": texts(),
                                    "flows": junk(),
                                    "openIdConnectUrl": texts(),
                                },
                            )
                        ),
                        max_size=2,
                    )
                ),
            },
        )
    )


def openapi_documents() -> st.SearchStrategy[Any]:
    """Documents that declare themselves OpenAPI or Swagger, of any quality below that."""
    version = st.one_of(
        st.sampled_from(("3.0.3", "3.1.0", "3.0.0", "3.1.1", "3.2.0", "4.0")),
        st.sampled_from(("3.0.3", "3.1.0")),
        scalars(),
    )
    openapi = st.fixed_dictionaries(
        {"openapi": version, "info": infos()},
        optional={
            "paths": paths(),
            "components": components(),
            "tags": st.one_of(
                st.lists(
                    maybe(
                        st.fixed_dictionaries({"name": texts()}, optional={"description": texts()})
                    ),
                    max_size=3,
                ),
                junk(),
            ),
            "servers": st.one_of(
                st.lists(
                    maybe(
                        st.fixed_dictionaries(
                            {"url": texts()}, optional={"variables": junk(), "description": texts()}
                        )
                    ),
                    max_size=2,
                ),
                junk(),
            ),
            "security": junk(),
            "webhooks": st.dictionaries(texts(), path_items(), max_size=2),
            "externalDocs": maybe(st.fixed_dictionaries({"url": texts()})),
            "x-extension": junk(),
        },
    )
    swagger = st.fixed_dictionaries(
        {"swagger": st.one_of(st.just("2.0"), scalars()), "info": infos(), "paths": paths()},
        optional={
            "definitions": st.dictionaries(texts(), schemas(), max_size=3),
            "host": texts(),
            "basePath": texts(),
            "schemes": st.one_of(st.lists(texts(), max_size=2), junk()),
            "securityDefinitions": junk(),
        },
    )
    return st.one_of(openapi, openapi, swagger)


def catalog_documents() -> st.SearchStrategy[Any]:
    """Backstage entities: API and Component mostly, with junk in every field."""
    targets = st.one_of(
        st.sampled_from(
            (
                "./openapi.json",
                "openapi.yaml",
                "parts/a.json",
                "../x.yaml",
                "/etc/passwd",
                "file:///etc/passwd",
                "http://[x",
                "a\x00",
                "https://tok@127.0.0.1:abc/",
            )
        ),
        texts(),
        junk(),
    )
    definition = st.one_of(
        st.sampled_from(("$text", "$json", "$yaml")).flatmap(
            lambda key: st.fixed_dictionaries({key: targets})
        ),
        openapi_documents().map(Json),
        junk(),
    )
    names = st.one_of(
        st.sampled_from(("payments", "orders", "dashboard", "Pay-Ments")), texts(), junk()
    )
    entity = st.fixed_dictionaries(
        {
            "kind": st.one_of(st.sampled_from(("API", "Component", "System", "Foo")), junk()),
            "metadata": maybe(
                st.fixed_dictionaries(
                    {"name": names},
                    optional={
                        "title": st.one_of(texts(), junk()),
                        "description": st.one_of(texts(), junk()),
                        "tags": st.one_of(st.lists(texts(), max_size=3), junk()),
                        "links": st.one_of(
                            st.lists(
                                maybe(
                                    st.fixed_dictionaries(
                                        {"url": texts()}, optional={"title": texts()}
                                    )
                                ),
                                max_size=3,
                            ),
                            junk(),
                        ),
                    },
                )
            ),
            "spec": maybe(
                st.fixed_dictionaries(
                    {},
                    optional={
                        "type": st.one_of(st.just("openapi"), junk()),
                        "definition": definition,
                        "owner": st.one_of(texts(), junk()),
                        "system": st.one_of(texts(), junk()),
                        "lifecycle": st.one_of(texts(), junk()),
                        "providesApis": st.one_of(
                            st.lists(st.one_of(names, texts()), max_size=3), junk()
                        ),
                        "consumesApis": st.one_of(
                            st.lists(st.one_of(names, texts()), max_size=3), junk()
                        ),
                    },
                )
            ),
        }
    )
    return st.one_of(entity, entity, entity, junk())


@dataclass(frozen=True)
class Json:
    """A value to write as JSON text (a spec inline in a catalog file, as its definition)."""

    value: Any


@dataclass(frozen=True)
class SourceFiles:
    """The files of one generated source: relative path -> value to write (or raw bytes)."""

    files: dict[str, Any]


def source_files() -> st.SearchStrategy[SourceFiles]:
    """A spec file (JSON or YAML), maybe a catalog file, maybe files its `$ref`s name."""
    spec_name = st.sampled_from(("openapi.json", "openapi.yaml", "swagger.json", "x.openapi.yaml"))
    return st.builds(
        lambda name, spec, catalog, part_a, part_b: SourceFiles(
            {
                name: spec,
                **({"catalog-info.yaml": catalog} if catalog is not None else {}),
                **({"parts/a.json": part_a} if part_a is not None else {}),
                **({"parts/b.yaml": part_b} if part_b is not None else {}),
            }
        ),
        spec_name,
        openapi_documents(),
        st.one_of(st.none(), st.lists(catalog_documents(), min_size=1, max_size=3)),
        st.one_of(st.none(), schemas(2)),
        st.one_of(st.none(), schemas(1)),
    )


def to_json(value: Any) -> str:
    """JSON text of `value`, NaN and Infinity as Python writes them, 4,300+ digit integers too.

    Lone surrogates stay as `\\ud800` escapes, as a hostile file would hold them.
    """
    if isinstance(value, RawNumber):
        return str.__str__(value)
    if isinstance(value, Json):
        return json.dumps(to_json(value.value))
    if isinstance(value, dict):
        items = (f"{json.dumps(str(k))}: {to_json(v)}" for k, v in value.items())
        return "{" + ", ".join(items) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(to_json(v) for v in value) + "]"
    return json.dumps(value)


def write_source(folder: Path, source: SourceFiles) -> None:
    """Write the files under `folder`: JSON text everywhere (JSON is YAML too)."""
    for rel, value in source.files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if rel == "catalog-info.yaml":
            path.write_text("".join(f"---\n{to_json(doc)}\n" for doc in value), encoding="utf-8")
        else:
            path.write_text(to_json(value), encoding="utf-8")


class PlainLinks:
    """Links as the portal's URIs, for rendering pages without an engine."""

    def page(self, src_uri: str, anchor: str | None = None) -> str:
        return f"{src_uri}#{anchor}" if anchor else src_uri

    def file(self, dest_uri: str) -> str:
        return dest_uri


def run_whole_pipeline(folder: Path) -> int:
    """Read, score, report and render the portal of the one source at `folder`.

    Returns how many APIs it has. A deliberate `PlatformError` (a configuration mistake the user
    must fix, such as an entity that takes a reserved id) is an answer, not a crash: it returns
    -1 then. Every other exception escapes.
    """
    from mkdocs_platform.cli import format_text
    from mkdocs_platform.errors import PlatformError
    from mkdocs_platform.models import PortalSettings, SourceSettings
    from mkdocs_platform.models.scorecard import GateResult
    from mkdocs_platform.portal import read_portal, score_portal
    from mkdocs_platform.render.site import PortalRenderer
    from mkdocs_platform.scorecard.outputs import portal_scorecards, report_text

    settings = PortalSettings(sources=(SourceSettings(name="fuzz", path=folder),), cache=False)
    try:
        portal = read_portal(settings)
    except PlatformError as exc:
        if not str(exc):
            raise AssertionError("a deliberate error must say what is wrong") from exc
        return -1
    score_portal(portal)
    missing = [api.id for api in portal.apis if api.scorecard is None]
    assert not missing, f"APIs without a scorecard: {missing}"
    for report_format in ("json", "sarif", "junit"):
        report_text(portal, report_format)
    format_text(portal_scorecards(portal), portal.gate or GateResult(failed=False, message=""))
    renderer = PortalRenderer(portal)
    site = renderer.plan()
    links = PlainLinks()
    for plan in site.pages:
        renderer.render(plan, links)
    for site_file in site.files:
        site_file.content()
    return len(portal.apis)
