"""Security: is the contract's security surface documented and sane (OWASP API Top 10, 2023)?"""

from __future__ import annotations

import re
import urllib.parse

from mkdocs_platform.models.api import Operation, Parameter, Response, Server
from mkdocs_platform.openapi.schema import resolve
from mkdocs_platform.scorecard.context import CheckResult, RuleContext
from mkdocs_platform.scorecard.registry import rule
from mkdocs_platform.scorecard.rules.common import (
    PATH_TEMPLATE,
    READ_METHODS,
    WRITE_METHODS,
    declares_public,
    effective_security,
    requires_credentials,
)

CREDENTIAL_NAME = re.compile(
    r"^(?:[a-z0-9]*[-_.])?"
    r"(?:api[-_]?key|access[-_]?token|refresh[-_]?token|id[-_]?token|auth[-_]?token"
    r"|bearer[-_]?token|client[-_]?secret|password|passwd|secret)$"
    r"|^token$",
    re.IGNORECASE,
)
"""Parameter names that carry a credential. Pagination tokens (`pageToken`, `next_token`)
are not credentials and do not match.
"""

LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "0.0.0.0"})  # noqa: S104 - a name, not a bind
"""Hosts a developer runs on their own machine, where plain HTTP is fine."""

INSECURE_SCHEMES = frozenset({"http", "ws"})


@rule(
    "sec-schemes-defined",
    "security",
    "error",
    "bronze",
    title="Security is defined and applied",
    items="documents",
    fix=(
        "Define a security scheme and require it (at the top or on operations), or write "
        "security: [] at the top if the API is public."
    ),
)
def schemes_defined(ctx: RuleContext) -> CheckResult:
    """A security scheme is defined and required, or `security: []` says the API is public."""
    result = ctx.result()
    model = ctx.model
    applied = any(model.security) or any(op.security and any(op.security) for op in ctx.operations)
    if model.declared_public or (model.security_schemes and applied):
        result.succeed()
    elif not model.security_schemes:
        result.fail(
            (),
            "the API defines no security scheme; define one, or write `security: []` at the "
            "top of the document if the API is public",
        )
    else:
        result.fail(
            model.security_pointer,
            "security schemes are defined but no operation requires one",
        )
    return result


def _operations(ctx: RuleContext, methods: frozenset[str]) -> list[Operation]:
    return [op for op in ctx.operations if op.method in methods]


@rule(
    "sec-write-ops-protected",
    "security",
    "error",
    "silver",
    title="Write operations require credentials",
    items="POST, PUT, PATCH and DELETE operations",
    fix="Require a security scheme on the operation (no empty alternative in its security list).",
)
def write_ops_protected(ctx: RuleContext) -> CheckResult:
    """Every POST, PUT, PATCH and DELETE requires credentials (no empty alternative)."""
    result = ctx.result()
    for op in _operations(ctx, WRITE_METHODS):
        result.check(
            requires_credentials(effective_security(ctx.model, op)),
            op.pointer,
            f"{op.label} can be called without credentials",
        )
    return result


@rule(
    "sec-read-ops-protected",
    "security",
    "warn",
    "gold",
    title="Read operations require credentials unless marked public",
    items="GET and HEAD operations",
    fix="Require a security scheme on the operation, or mark it public with security: [] on it.",
)
def read_ops_protected(ctx: RuleContext) -> CheckResult:
    """Every GET and HEAD requires credentials, or says it is public with `security: []`."""
    result = ctx.result()
    for op in _operations(ctx, READ_METHODS):
        result.check(
            requires_credentials(effective_security(ctx.model, op))
            or declares_public(ctx.model, op),
            op.pointer,
            f"{op.label} requires no credentials and is not marked public (`security: []`)",
        )
    return result


def _expanded(server: Server) -> str:
    defaults = {v.name: v.default for v in server.variables}
    return PATH_TEMPLATE.sub(lambda m: defaults.get(m.group(1), m.group(0)), server.url)


@rule(
    "sec-https-only",
    "security",
    "error",
    "bronze",
    title="Servers use HTTPS",
    items="absolute server URLs",
    fix="Use https:// (or wss://) in the server URL; plain http is fine only on localhost.",
)
def https_only(ctx: RuleContext) -> CheckResult:
    """Every absolute server URL uses `https` or `wss`, except on localhost."""
    result = ctx.result()
    for server in ctx.model.servers:
        url = urllib.parse.urlsplit(_expanded(server))
        if not url.scheme:
            continue  # relative to where the document is served: nothing to judge
        host = (url.hostname or "").lower()
        local = host in LOCAL_HOSTS or host.endswith(".localhost")
        result.check(
            url.scheme.lower() not in INSECURE_SCHEMES or local,
            server.scheme_pointer,
            f"the server {server.url} uses {url.scheme}, not {url.scheme}s",
        )
    return result


@rule(
    "sec-no-credentials-in-url",
    "security",
    "error",
    "silver",
    title="No credentials in URLs",
    items="API key schemes and path and query parameters",
    fix=(
        "Send API keys in a header, not the query string, and never put credentials in path "
        "or query parameters."
    ),
)
def no_credentials_in_url(ctx: RuleContext) -> CheckResult:
    """No API key goes in the query, and no path or query parameter is named like a credential."""
    result = ctx.result()
    for scheme in ctx.model.security_schemes:
        if scheme.type == "apiKey":
            result.check(
                scheme.location != "query",
                scheme.pointer,
                f"the API key scheme '{scheme.key}' sends the key in the query string "
                f"('{scheme.param_name}'), where logs and proxies keep it",
            )
    seen: set[tuple[str, ...]] = set()
    params: list[tuple[Parameter, Operation]] = [
        (p, op) for op in ctx.operations for p in op.parameters if p.location in ("path", "query")
    ]
    for param, op in params:
        if param.pointer in seen:
            continue
        seen.add(param.pointer)
        result.check(
            CREDENTIAL_NAME.match(param.name) is None,
            param.pointer,
            f"the {param.location} parameter '{param.name}' of {op.label} puts a credential "
            "in the URL",
        )
    return result


@rule(
    "sec-no-weak-auth",
    "security",
    "warn",
    "gold",
    title="No weak authentication schemes",
    items="security schemes",
    fix=(
        "Replace HTTP Basic or Digest, and the OAuth implicit and password flows, with bearer "
        "tokens or the authorization code flow with PKCE."
    ),
)
def no_weak_auth(ctx: RuleContext) -> CheckResult:
    """No HTTP Basic or Digest scheme, and no OAuth implicit or password flow."""
    result = ctx.result()
    for scheme in ctx.model.security_schemes:
        problems = []
        if scheme.type == "http" and scheme.scheme in ("basic", "digest"):
            problems.append(f"uses HTTP {scheme.scheme.capitalize()}")
        weak_flows = [f.kind for f in scheme.flows if f.kind in ("implicit", "password")]
        problems.extend(f"uses the OAuth {kind} flow" for kind in weak_flows)
        result.check(
            not problems, scheme.pointer, f"the scheme '{scheme.key}' " + " and ".join(problems)
        )
    return result


@rule(
    "sec-auth-errors-documented",
    "security",
    "warn",
    "gold",
    title="Secured operations document 401",
    items="secured operations",
    fix="Document the 401 response (and 403 where it applies) of the operation.",
)
def auth_errors_documented(ctx: RuleContext) -> CheckResult:
    """Every operation that may take credentials documents the 401 response (or `4XX`)."""
    result = ctx.result()
    for op in ctx.operations:
        if not any(effective_security(ctx.model, op)):
            continue
        statuses = {r.status.upper() for r in op.responses}
        result.check(
            bool(statuses & {"401", "4XX"}),
            (*op.pointer, "responses"),
            f"{op.label} requires credentials but documents no 401 response",
        )
    return result


_BOUNDS = {
    "string": (
        ("maxLength", "enum", "format", "pattern", "const"),
        "maxLength, enum, format or pattern",
    ),
    "array": (("maxItems",), "maxItems"),
}


@rule(
    "sec-input-constraints",
    "security",
    "info",
    None,
    title="Request inputs are bounded",
    items="string, array and integer schemas in requests",
    fix=(
        "Bound the request input: maxLength, enum, format or pattern for strings, maxItems "
        "for arrays, minimum and maximum for integers."
    ),
)
def input_constraints(ctx: RuleContext) -> CheckResult:
    """Request strings, arrays and integers are bounded (maxLength..., maxItems, min and max)."""
    result = ctx.result()
    for node in ctx.schemas.requests():
        schema = node.schema
        if "$ref" in schema:
            continue
        raw_type = schema.get("type")
        types = [raw_type] if isinstance(raw_type, str) else raw_type
        if not isinstance(types, list):
            continue
        missing = []
        for kind in types:
            if kind in _BOUNDS:
                keys, wanted = _BOUNDS[kind]
                if not any(k in schema for k in keys):
                    missing.append(f"a {kind} without {wanted}")
            elif kind == "integer" and "enum" not in schema and "const" not in schema:
                lower = "minimum" in schema or "exclusiveMinimum" in schema
                upper = "maximum" in schema or "exclusiveMaximum" in schema
                if not (lower and upper):
                    missing.append("an integer without minimum and maximum")
        if not any(kind in ("string", "array", "integer") for kind in types):
            continue
        result.check(not missing, node.tokens, f"{node.describe()} is " + ", ".join(missing))
    return result


# -- opt-in extras -----------------------------------------------------------------------

RATE_LIMIT_HEADERS = frozenset(
    {
        "ratelimit",
        "ratelimit-limit",
        "ratelimit-remaining",
        "ratelimit-reset",
        "ratelimit-policy",
        "x-ratelimit-limit",
        "x-ratelimit-remaining",
        "x-ratelimit-reset",
        "x-rate-limit-limit",
        "x-rate-limit-remaining",
        "x-rate-limit-reset",
    }
)
"""Headers that tell a client its rate limit (IETF RateLimit fields and the X- forms)."""


def _headers(response: Response) -> set[str]:
    return {h.name.lower() for h in response.headers}


@rule(
    "sec-rate-limits",
    "security",
    "warn",
    None,
    title="Rate limits are documented",
    items="operations",
    fix=(
        "Document a 429 response with a Retry-After header, and the rate-limit headers "
        "(RateLimit or X-RateLimit-Limit ...) on the success responses."
    ),
    opt_in=True,
)
def rate_limits(ctx: RuleContext) -> CheckResult:
    """Every operation documents a 429 response with `Retry-After` (or rate-limit headers),
    and its 2xx responses carry rate-limit headers (OWASP API4:2023).
    """
    result = ctx.result()
    for op in ctx.operations:
        problems = []
        too_many = [r for r in op.responses if r.status == "429"]
        if not too_many:
            problems.append("documents no 429 response")
        elif not any(
            "retry-after" in (names := _headers(r)) or names & RATE_LIMIT_HEADERS for r in too_many
        ):
            problems.append("has a 429 response without a Retry-After header")
        successes = [r for r in op.responses if r.status.startswith("2")]
        if successes and not all(_headers(r) & RATE_LIMIT_HEADERS for r in successes):
            problems.append("has a 2xx response without rate-limit headers")
        result.check(not problems, (*op.pointer, "responses"), f"{op.label} " + "; ".join(problems))
    return result


ID_NAME = re.compile(r"^id$|(?:_id|-id|Id|ID)$")
"""A parameter named as an object's id (`id`, `petId`, `user_id`)."""


@rule(
    "sec-no-numeric-ids",
    "security",
    "warn",
    None,
    title="Object ids are not sequential numbers",
    items="id parameters",
    fix=(
        "Use random, unguessable ids (a string with format: uuid) rather than integers, so "
        "that a caller cannot walk through other users' objects (OWASP API1:2023)."
    ),
    opt_in=True,
)
def no_numeric_ids(ctx: RuleContext) -> CheckResult:
    """Path and query parameters named like ids (`id`, `petId`, `pet_id`) are not integers."""
    result = ctx.result()
    seen: set[tuple[str, ...]] = set()
    for op in ctx.operations:
        for param in op.parameters:
            if param.location not in ("path", "query") or param.pointer in seen:
                continue
            if not ID_NAME.search(param.name):
                continue
            seen.add(param.pointer)
            schema = resolve(ctx.model, param.schema)
            kind = schema.get("type") if isinstance(schema, dict) else None
            kinds = kind if isinstance(kind, list) else [kind]
            result.check(
                not any(k in ("integer", "number") for k in kinds),
                param.pointer,
                f"the {param.location} parameter '{param.name}' of {op.label} is a number, "
                "which can be guessed; use a random id such as a UUID",
            )
    return result
