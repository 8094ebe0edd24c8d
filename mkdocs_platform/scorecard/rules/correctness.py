"""Correctness: will tools, SDK generators and the portal read this API as its authors meant?"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import orjson

from mkdocs_platform.models.api import Component, MediaType, Operation
from mkdocs_platform.openapi.example_check import ExampleChecker, ExampleItem, media_examples
from mkdocs_platform.openapi.index import component_refs
from mkdocs_platform.openapi.schema import is_nullable
from mkdocs_platform.scorecard.context import CheckResult, RuleContext
from mkdocs_platform.scorecard.paths import PathIndex
from mkdocs_platform.scorecard.registry import rule
from mkdocs_platform.scorecard.rules.common import PATH_TEMPLATE, json_type_matches

VALIDATOR_RULES = frozenset({"oas-valid", "oas-parse"})
"""Rule ids the loading and validating stages give their findings."""

REFS_RULE = "oas-refs-resolve"


@rule(
    "oas-valid",
    "correctness",
    "error",
    "bronze",
    title="The document is valid OpenAPI",
    items="documents",
    fix=(
        "Correct the document where the validator points (each finding names the place); an "
        "invalid spec scores at most 49."
    ),
)
def valid(ctx: RuleContext) -> CheckResult:
    """Fails when openapi-spec-validator found the document is not OpenAPI (`structure`)."""
    result = ctx.result()
    structure = [
        f for f in ctx.api.findings if f.rule in VALIDATOR_RULES and f.finding_class == "structure"
    ]
    for finding in structure:
        result.claim(finding)
    for finding in ctx.api.findings:
        # "N more validator errors not shown": context for the errors above, not an error.
        if (
            finding.rule in VALIDATOR_RULES
            and finding.finding_class == "tool"
            and finding.severity == "info"
        ):
            result.note(finding)
    # One document: however many errors it has, it is one failing item.
    result.applicable = 1
    result.passed = 0 if structure else 1
    return result


@rule(
    "oas-refs-resolve",
    "correctness",
    "error",
    "bronze",
    title="Every $ref resolves",
    items="$refs",
    fix=(
        "Point each $ref at a place that exists, in the spec or in a file inside the "
        "repository (or on a host listed in allow_hosts)."
    ),
)
def refs_resolve(ctx: RuleContext) -> CheckResult:
    """Counts the document's `$ref`s; each one bundling could not resolve fails."""
    result = ctx.result()
    for finding in ctx.api.findings:
        if finding.rule == REFS_RULE:
            result.claim(finding)
    # Unresolved `$ref`s stay in the document, so the walk counts them among the rest.
    result.succeed(max(ctx.index.ref_count - result.applicable, 0))
    return result


@rule(
    "oas-validation-complete",
    "correctness",
    "info",
    None,
    title="The validator checked the whole document",
    items="documents",
    fix=(
        "Nothing to fix in the spec when the validator crashed; if it refused a regex, "
        "rewrite the pattern without what Python's re lacks (such as \\p{L})."
    ),
)
def validation_complete(ctx: RuleContext) -> CheckResult:
    """Fails when the validator crashed or refused a valid regex, leaving part unchecked."""
    # Not invalidity: the tool, not the document, failed; it counts for the score only. The
    # validator classes a valid pattern its regex engine refuses as `tool` too.
    result = ctx.result()
    crashes = [
        f
        for f in ctx.api.findings
        if f.rule in VALIDATOR_RULES and f.finding_class == "tool" and f.severity != "info"
    ]
    for finding in crashes:
        result.claim(finding)
    result.applicable = 1
    result.passed = 0 if crashes else 1
    return result


@rule(
    "oas-operationid-unique",
    "correctness",
    "error",
    "bronze",
    title="operationId values are unique",
    items="operations with an operationId",
    fix="Give each operation its own operationId; SDK generators and links depend on it.",
)
def operation_id_unique(ctx: RuleContext) -> CheckResult:
    """Every operationId after the first use of the same value fails."""
    result = ctx.result()
    first: dict[str, Operation] = {}
    for op in ctx.documented_operations:
        if not op.operation_id:
            continue
        earlier = first.setdefault(op.operation_id, op)
        result.check(
            earlier is op,
            (*op.pointer, "operationId"),
            f"{op.label}: the operationId '{op.operation_id}' is also used by {earlier.label}",
        )
    return result


@rule(
    "oas-path-params",
    "correctness",
    "error",
    "bronze",
    title="Path templates and path parameters agree",
    items="operations",
    fix=(
        "Declare every {variable} of the path as a parameter with in: path and required: "
        "true, and remove path parameters the path does not have."
    ),
)
def path_params(ctx: RuleContext) -> CheckResult:
    """Template variables and required `in: path` parameters match one to one; no `{}`."""
    result = ctx.result()
    for op in ctx.operations:
        names = PATH_TEMPLATE.findall(op.path)
        declared = {p.name: p for p in op.parameters if p.location == "path"}
        problems: list[tuple[tuple[str, ...], str]] = []
        if "" in names:
            problems.append((op.pointer, "has an empty template '{}'"))
        problems.extend(
            (op.pointer, f"names the template variable '{{{name}}}' {count} times")
            for name, count in Counter(n for n in names if n).items()
            if count > 1
        )
        problems.extend(
            (op.pointer, f"declares no path parameter '{name}' for its template")
            for name in dict.fromkeys(n for n in names if n)
            if name not in declared
        )
        for name, param in declared.items():
            if name not in names:
                problems.append(
                    (param.pointer, f"declares the path parameter '{name}' its path lacks")
                )
            elif not param.declared_required:
                problems.append(
                    (param.pointer, f"does not mark the path parameter '{name}' required")
                )
        if problems:
            where = problems[0][0]
            result.fail(where, f"{op.label} " + "; ".join(message for _, message in problems))
        else:
            result.succeed()
    return result


@rule(
    "oas-no-ambiguous-paths",
    "correctness",
    "error",
    "bronze",
    title="No identical or ambiguous paths",
    items="paths",
    fix="Rename or merge the paths so that one URL matches only one path template.",
)
def no_ambiguous_paths(ctx: RuleContext) -> CheckResult:
    """A path fails when an earlier one matches the same URLs and neither is more specific."""
    result = ctx.result()
    earlier = PathIndex()
    for path in ctx.model.paths:
        clash = earlier.clash(path)
        if clash is None:
            result.succeed()
        else:
            kind, other = clash
            result.fail(("paths", path), f"the path {path} is {kind} with {other}")
        earlier.add(path)
    return result


@rule(
    "oas-security-refs",
    "correctness",
    "error",
    "bronze",
    title="Security requirements name defined schemes and scopes",
    items="security requirements",
    fix=(
        "Name only security schemes defined under components.securitySchemes "
        "(securityDefinitions in 2.0), and only scopes those schemes declare."
    ),
)
def security_refs(ctx: RuleContext) -> CheckResult:
    """Each security requirement names schemes the API defines, and OAuth scopes they declare."""
    result = ctx.result()
    model = ctx.model
    places: list[tuple[tuple[str, ...], list[dict[str, list[str]]], str]] = [
        (("security",), model.security, "the API's security")
    ]
    places.extend(
        ((*op.pointer, "security"), op.security, op.label)
        for op in ctx.documented_operations
        if op.security is not None
    )
    for at, requirements, label in places:
        for i, requirement in enumerate(requirements):
            problems = []
            for key, scopes in requirement.items():
                scheme = model.scheme(key)
                if scheme is None:
                    problems.append(f"the scheme '{key}' is not defined")
                elif scheme.type == "oauth2":
                    declared = {s for flow in scheme.flows for s in flow.scopes}
                    problems.extend(
                        f"the scope '{scope}' is not declared by '{key}'"
                        for scope in scopes
                        if scope not in declared
                    )
            result.check(not problems, (*at, str(i)), f"{label}: " + "; ".join(problems))
    return result


def _example_items(ctx: RuleContext) -> Iterator[ExampleItem]:
    seen: set[tuple[str, ...]] = set()
    for op in ctx.documented_operations:
        for param in op.parameters:
            if param.pointer in seen:
                continue  # a parameter shared through `$ref`
            seen.add(param.pointer)
            label = f"the {param.location} parameter '{param.name}' of {op.label}"
            as_media = MediaType(
                "", param.schema, param.examples, param.pointer, param.schema_pointer
            )
            for media in (as_media, *param.content):
                yield from media_examples(media, label)
        bodies = [("request body", op.request_body.content)] if op.request_body else []
        bodies += [(f"response {r.status}", r.content) for r in op.responses]
        for what, content in bodies:
            for media in content:
                if media.pointer not in seen:
                    seen.add(media.pointer)
                    label = f"the {what} of {op.label} ({media.media_type})"
                    yield from media_examples(media, label)
    for node in ctx.schemas.all():
        values: list[tuple[Any, tuple[str, ...]]] = []
        if "example" in node.schema:
            values.append((node.schema["example"], (*node.tokens, "example")))
        listed = node.schema.get("examples")
        if isinstance(listed, list):
            values.extend((v, (*node.tokens, "examples", str(i))) for i, v in enumerate(listed))
        for value, tokens in values:
            label = f"the example of {node.describe()}"
            yield ExampleItem(value, node.schema, node.tokens, tokens, label)


@rule(
    "oas-examples-valid",
    "correctness",
    "warn",
    "silver",
    title="Examples and defaults match their schemas",
    items="examples and defaults",
    fix=(
        "Make the example match its schema (type, required properties, formats, enum values), "
        "or fix the schema if the example is right."
    ),
)
def examples_valid(ctx: RuleContext) -> CheckResult:
    """Examples validate against their schemas; each default the validator rejected fails too."""
    result = ctx.result()
    for finding in ctx.api.findings:
        if finding.rule in VALIDATOR_RULES and finding.finding_class == "example":
            result.claim(finding)
    checker = ExampleChecker(ctx.model)
    for item in _example_items(ctx):
        try:
            error = checker.first_error(item)
        except ValueError:
            continue  # a schema no validator can use is the validator's finding, not this one
        result.check(error is None, item.tokens, f"{item.label} does not match its schema: {error}")
    return result


def _enum_key(value: Any) -> bytes | str:
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    except (TypeError, orjson.JSONEncodeError):
        return repr(value)


@rule(
    "oas-enum-consistent",
    "correctness",
    "warn",
    "silver",
    title="Enum values are unique and of the declared type",
    items="enums",
    fix="Remove duplicate enum values and values of another type than the schema's.",
)
def enum_consistent(ctx: RuleContext) -> CheckResult:
    """Each `enum` lists every value once, each of the schema's type (null only when nullable)."""
    result = ctx.result()
    for node in ctx.schemas.all():
        enum = node.schema.get("enum")
        if not isinstance(enum, list):
            continue
        problems = []
        counts = Counter(_enum_key(v) for v in enum)
        duplicates = [v for v in enum if counts[_enum_key(v)] > 1]
        if duplicates:
            problems.append(f"lists {duplicates[0]!r} more than once")
        raw_type = node.schema.get("type")
        types = [raw_type] if isinstance(raw_type, str) else raw_type
        if isinstance(types, list) and types:
            nullable = "null" in types or is_nullable(ctx.model.dialect, node.schema)
            allowed = [*types, "null"] if nullable else types
            wrong = [v for v in enum if not any(json_type_matches(v, t) for t in allowed)]
            if wrong:
                problems.append(f"holds {wrong[0]!r}, which is not of type {'/'.join(types)}")
        result.check(
            not problems,
            (*node.tokens, "enum"),
            f"the enum of {node.describe()} " + " and ".join(problems),
        )
    return result


# -- opt-in extras -----------------------------------------------------------------------


@rule(
    "oas-unused-components",
    "correctness",
    "warn",
    None,
    title="Every component is used",
    items="components",
    fix=(
        "Refer to the component from an operation (directly or through components that are "
        "used), or delete it."
    ),
    opt_in=True,
)
def unused_components(ctx: RuleContext) -> CheckResult:
    """Every reusable component is reachable through `$ref`s from the paths or webhooks.

    A component referred to only by unused components is unused too. Security schemes are
    left out: requirements name them, not `$ref`s.
    """
    result = ctx.result()
    declared = ctx.model.components
    if not declared:
        return result
    edges: dict[Component | None, set[Component]] = {}
    for holder, target in component_refs(ctx.model, ctx.index, ctx.schemas.all()):
        if target != holder:
            edges.setdefault(holder, set()).add(target)
    used: set[Component] = set()
    pending = list(edges.get(None, ()))
    while pending:
        component = pending.pop()
        if component in used:
            continue
        used.add(component)
        pending.extend(edges.get(component, ()))
    for component in declared:
        result.check(
            component in used,
            component.pointer,
            f"the {component.kind} '{component.name}' is not used by any operation; refer to it "
            "or remove it",
        )
    return result
