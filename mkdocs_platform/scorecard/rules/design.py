"""Design and SDK-readiness: are generated clients usable, errors and servers well defined?"""

from __future__ import annotations

import re
import urllib.parse
from typing import Any

from mkdocs_platform.openapi.schema import discriminator, ref_name, resolve
from mkdocs_platform.scorecard.context import CheckResult, RuleContext
from mkdocs_platform.scorecard.registry import rule
from mkdocs_platform.scorecard.rules.common import PATH_TEMPLATE, is_status

SDK_OPERATION_ID = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-/]*\Z")
"""An operationId every generator turns into a method name, and that is safe in a URL."""

PATH_VERBS = frozenset({"get", "post", "put", "patch", "delete"})
"""HTTP verbs that do not belong in a path: the method says it. (`head`, `options` and
`trace` are left out: as words they are mostly nouns, `/shipping/options`.)
"""

_WORDS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")


@rule(
    "design-operationid",
    "design",
    "warn",
    "silver",
    title="Operations have SDK-friendly operationIds",
    items="operations",
    fix=(
        "Give the operation an operationId of letters, digits and _-./ that does not start "
        "with a digit, such as listPets."
    ),
)
def operation_id(ctx: RuleContext) -> CheckResult:
    """Every operation has an operationId of letters, digits, `_-./`, not starting with a digit."""
    result = ctx.result()
    for op in ctx.operations:
        if not op.operation_id:
            result.fail(op.pointer, f"{op.label} has no operationId")
        else:
            result.check(
                SDK_OPERATION_ID.match(op.operation_id) is not None,
                (*op.pointer, "operationId"),
                f"{op.label}: the operationId '{op.operation_id}' is not a valid SDK method name",
            )
    return result


@rule(
    "design-success-response",
    "design",
    "warn",
    "silver",
    title="Operations define a success response",
    items="operations",
    fix="Document the 2xx (or 3xx) response the operation returns when it succeeds.",
)
def success_response(ctx: RuleContext) -> CheckResult:
    """Every operation has at least one 2xx or 3xx response."""
    result = ctx.result()
    for op in ctx.operations:
        result.check(
            any(is_status(r.status, "2") or is_status(r.status, "3") for r in op.responses),
            (*op.pointer, "responses"),
            f"{op.label} has no 2xx or 3xx response",
        )
    return result


@rule(
    "design-error-responses",
    "design",
    "warn",
    "gold",
    title="Operations define client errors with a body schema",
    items="operations",
    fix="Document a 4xx response with a body schema, ideally application/problem+json (RFC 7807).",
)
def error_responses(ctx: RuleContext) -> CheckResult:
    """Every operation has a 4xx response whose body has a schema."""
    result = ctx.result()
    for op in ctx.operations:
        client_errors = [r for r in op.responses if is_status(r.status, "4")]
        ok = any(m.schema is not None for r in client_errors for m in r.content)
        message = (
            f"{op.label}: no 4xx response has a body schema"
            if client_errors
            else f"{op.label} has no 4xx response"
        )
        result.check(ok, (*op.pointer, "responses"), message)
    return result


def _inline_object(schema: Any) -> bool:
    if not isinstance(schema, dict) or "$ref" in schema:
        return False
    if schema.get("type") == "array" or "items" in schema:
        return _inline_object(schema.get("items"))
    return (
        schema.get("type") == "object"
        or "properties" in schema
        or any(k in schema for k in ("allOf", "oneOf", "anyOf"))
    )


@rule(
    "design-named-schemas",
    "design",
    "info",
    None,
    title="Bodies use named schemas",
    items="request and response bodies",
    fix=(
        "Move the inline object schema to components.schemas and refer to it with $ref, so "
        "generated SDKs get a type name."
    ),
)
def named_schemas(ctx: RuleContext) -> CheckResult:
    """Object bodies (and arrays of objects) name a component schema, so SDKs get type names."""
    result = ctx.result()
    seen: set[tuple[str, ...]] = set()
    for op in ctx.operations:
        bodies = [("the request body", op.request_body.content)] if op.request_body else []
        bodies += [(f"the {r.status} response", r.content) for r in op.responses]
        for what, content in bodies:
            for media in content:
                if media.schema is None or media.pointer in seen:
                    continue
                seen.add(media.pointer)
                named = ref_name(ctx.model, media.schema) is not None
                result.check(
                    named or not _inline_object(media.schema),
                    media.pointer,
                    f"{what} of {op.label} ({media.media_type}) is an inline object schema",
                )
    return result


@rule(
    "design-servers",
    "design",
    "warn",
    "silver",
    title="Servers are declared and well formed",
    items="servers",
    fix=(
        "Declare the real server URLs (not example.com), without a trailing slash, and define "
        "every {variable} they use."
    ),
)
def servers(ctx: RuleContext) -> CheckResult:
    """Servers are declared, not on example.com, without a trailing `/`, variables defined."""
    result = ctx.result()
    if not ctx.model.servers:
        what = ctx.model.servers_field
        result.fail((), f"the API declares no {what}: clients cannot know where to call it")
        return result
    for server in ctx.model.servers:
        problems = []
        host = urllib.parse.urlsplit(PATH_TEMPLATE.sub("x", server.url)).hostname or ""
        if host == "example.com" or host.endswith(".example.com"):
            problems.append("is a placeholder on example.com")
        if server.url.endswith("/") and server.url != "/":
            problems.append("ends with '/'")
        variables = {v.name: v for v in server.variables}
        for name in PATH_TEMPLATE.findall(server.url):
            variable = variables.get(name)
            if variable is None:
                problems.append(f"uses the variable '{name}', which is not defined")
            elif variable.enum and variable.default not in variable.enum:
                problems.append(f"has a default for '{name}' that is not one of its enum values")
        result.check(
            not problems, server.pointer, f"the server {server.url} " + "; ".join(problems)
        )
    return result


@rule(
    "design-path-hygiene",
    "design",
    "warn",
    "silver",
    title="Paths have no trailing slash, query string or verb",
    items="paths",
    fix=(
        "Remove the trailing slash, the query string or the HTTP verb from the path; the "
        "method says what the operation does."
    ),
)
def path_hygiene(ctx: RuleContext) -> CheckResult:
    """No path ends in `/`, holds a `?` query, or starts a segment with an HTTP verb."""
    result = ctx.result()
    for path in ctx.model.paths:
        problems = []
        if path.endswith("/") and path != "/":
            problems.append("ends with '/'")
        if "?" in path:
            problems.append("holds a query string")
        for segment in path.split("/"):
            if "{" in segment:
                continue
            words = _WORDS.findall(segment)
            # RPC-style paths lead with the verb: `/getUser`, `/users/delete`.
            if words and words[0].lower() in PATH_VERBS:
                problems.append(f"names the HTTP verb '{words[0].lower()}'")
                break
        result.check(not problems, ("paths", path), f"the path {path} " + "; ".join(problems))
    return result


# -- opt-in extras -----------------------------------------------------------------------


def _is_object_schema(ctx: RuleContext, schema: Any) -> bool:
    target = resolve(ctx.model, schema)
    if not isinstance(target, dict):
        return False
    return (
        target.get("type") == "object"
        or "properties" in target
        or isinstance(target.get("allOf"), list)
    )


@rule(
    "design-discriminated-polymorphism",
    "design",
    "warn",
    None,
    title="Polymorphic schemas have a discriminator",
    items="oneOf and anyOf schemas of objects",
    fix=(
        "Add a discriminator (propertyName, and a mapping when the values are not the schema "
        "names) so that clients can tell which alternative a payload is."
    ),
    opt_in=True,
)
def discriminated_polymorphism(ctx: RuleContext) -> CheckResult:
    """A `oneOf` or `anyOf` of two or more object schemas declares a `discriminator`.

    Alternatives that are not objects (`oneOf: [string, integer]`, a nullable `$ref`) need none.
    """
    result = ctx.result()
    for node in ctx.schemas.all():
        for keyword in ("oneOf", "anyOf"):
            alternatives = node.schema.get(keyword)
            if not isinstance(alternatives, list):
                continue
            objects = sum(1 for alt in alternatives if _is_object_schema(ctx, alt))
            if objects < 2:
                continue
            result.check(
                discriminator(ctx.model, node.schema) is not None,
                (*node.tokens, keyword),
                f"the {keyword} of {node.describe()} has {objects} object alternatives and no "
                "discriminator",
            )
    return result


KEBAB_SEGMENT = re.compile(r"[a-z0-9.\-]+\Z")
"""A literal path segment in kebab-case (dots allowed, as in `openapi.json`)."""

TEMPLATE_SEGMENT = re.compile(r"\{[^{}]+\}\Z")


def _kebab(segment: str) -> str:
    words: list[str] = _WORDS.findall(segment)
    return "-".join(w.lower() for w in words) if words else segment.lower()


@rule(
    "design-paths-kebab-case",
    "design",
    "warn",
    None,
    title="Paths are kebab-case",
    items="paths",
    fix="Write each literal path segment in lowercase words joined by '-' (/user-accounts).",
    opt_in=True,
)
def paths_kebab_case(ctx: RuleContext) -> CheckResult:
    """Every literal segment of every path is lowercase letters, digits, `-` and `.`."""
    result = ctx.result()
    for path in ctx.model.paths:
        bad = [
            segment
            for segment in path.split("/")
            if segment and not TEMPLATE_SEGMENT.match(segment) and not KEBAB_SEGMENT.match(segment)
        ]
        result.check(
            not bad,
            ("paths", path),
            f"the path {path} has the segment '{bad[0]}', which is not kebab-case"
            f" ('{_kebab(bad[0])}')"
            if bad
            else "",
        )
    return result


CAMEL_CASE = re.compile(r"[a-z][a-zA-Z0-9]*\Z")
"""A camelCase name: a lowercase letter, then letters and digits."""


def _camel(name: str) -> str:
    words: list[str] = _WORDS.findall(name)
    if not words:
        return name
    return words[0].lower() + "".join(w.capitalize() for w in words[1:])


@rule(
    "design-camelcase-properties",
    "design",
    "warn",
    None,
    title="Properties are camelCase",
    items="schema properties",
    fix="Rename the property in camelCase (petName), the convention most SDK generators expect.",
    opt_in=True,
)
def camelcase_properties(ctx: RuleContext) -> CheckResult:
    """Every property of every schema has a camelCase name."""
    result = ctx.result()
    for node in ctx.schemas.all():
        if node.name is None:
            continue
        result.check(
            CAMEL_CASE.match(node.name) is not None,
            node.tokens,
            f"{node.describe()} is not camelCase ('{_camel(node.name)}')",
        )
    return result
