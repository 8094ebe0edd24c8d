"""Documentation: can a new consumer understand and call the API from the reference alone?"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from mkdocs_platform.models.api import MediaType, Operation
from mkdocs_platform.openapi.schema import resolve
from mkdocs_platform.scorecard.context import CheckResult, RuleContext
from mkdocs_platform.scorecard.registry import rule

MIN_INFO_DESCRIPTION = 40
"""Characters `info.description` needs to say more than the title does."""

UNSAFE_MARKDOWN = re.compile(r"<script|eval\(", re.IGNORECASE)
"""What no description may hold: a script tag or an `eval(` call."""


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


@rule(
    "doc-info-description",
    "documentation",
    "warn",
    "silver",
    title="The API has an introduction",
    items="documents",
    fix=(
        "Write an info.description that says what the API is for and who should use it (40 "
        "characters or more)."
    ),
)
def info_description(ctx: RuleContext) -> CheckResult:
    """`info.description` is at least 40 characters long."""
    result = ctx.result()
    length = len(ctx.model.description.strip())
    result.check(
        length >= MIN_INFO_DESCRIPTION,
        ("info", "description") if length else ("info",),
        f"info.description has {length} characters; write at least {MIN_INFO_DESCRIPTION} "
        "that say what the API is for",
    )
    return result


@rule(
    "doc-operation-summary",
    "documentation",
    "warn",
    "silver",
    title="Operations have a summary",
    items="operations",
    fix=(
        "Add a short summary to the operation; the portal uses it as the operation's name in "
        "navigation."
    ),
)
def operation_summary(ctx: RuleContext) -> CheckResult:
    """Every operation has a `summary`, its label in the portal's navigation."""
    result = ctx.result()
    for op in ctx.documented_operations:
        result.check(bool(op.summary.strip()), op.pointer, f"{op.label} has no summary")
    return result


@rule(
    "doc-operation-description",
    "documentation",
    "warn",
    "gold",
    title="Operations have a description",
    items="operations",
    fix=(
        "Add a description that says more than the summary: what the operation does, its side "
        "effects and when to use it."
    ),
)
def operation_description(ctx: RuleContext) -> CheckResult:
    """Every operation has a `description` that says more than its summary."""
    result = ctx.result()
    for op in ctx.documented_operations:
        description = op.description.strip()
        if not description:
            result.fail(op.pointer, f"{op.label} has no description")
        elif description.casefold() == op.summary.strip().casefold():
            result.fail(
                (*op.pointer, "description"), f"{op.label}: the description repeats the summary"
            )
        else:
            result.succeed()
    return result


@rule(
    "doc-parameter-description",
    "documentation",
    "warn",
    "gold",
    threshold=0.9,
    title="Parameters have a description",
    items="parameters",
    fix=(
        "Describe the parameter (on it, or on its schema): what it means, its unit and its default."
    ),
)
def parameter_description(ctx: RuleContext) -> CheckResult:
    """Every parameter (each written once) has a description, on it or on its schema."""
    result = ctx.result()
    seen: set[tuple[str, ...]] = set()
    for op in ctx.documented_operations:
        for param in op.parameters:
            if param.pointer in seen:
                continue
            seen.add(param.pointer)
            schema = resolve(ctx.model, param.schema)
            described = bool(param.description.strip()) or (
                isinstance(schema, dict) and bool(_text(schema.get("description")))
            )
            result.check(
                described,
                param.pointer,
                f"the {param.location} parameter '{param.name}' of {op.label} has no description",
            )
    return result


@rule(
    "doc-property-description",
    "documentation",
    "info",
    None,
    title="Schema properties have a description",
    items="schema properties",
    fix="Describe the property on its schema (or on the schema its $ref names).",
)
def property_description(ctx: RuleContext) -> CheckResult:
    """Every property of every schema has a description (a `$ref` may borrow its target's)."""
    result = ctx.result()
    for node in ctx.schemas.all():
        if node.name is None:
            continue
        schema = node.schema
        described = bool(_text(schema.get("description")))
        if not described and "$ref" in schema:
            target = resolve(ctx.model, schema)
            described = isinstance(target, dict) and bool(
                _text(target.get("description")) or _text(target.get("title"))
            )
        result.check(described, node.tokens, f"{node.describe()} has no description")
    return result


def _bodies(ops: list[Operation]) -> Iterator[tuple[str, MediaType]]:
    """(label, media type) of every request and response body, each written place once."""
    seen: set[tuple[str, ...]] = set()
    for op in ops:
        bodies = [("the request body", op.request_body.content)] if op.request_body else []
        bodies += [(f"the {r.status} response", r.content) for r in op.responses]
        for what, content in bodies:
            for media in content:
                if media.schema is not None and media.pointer not in seen:
                    seen.add(media.pointer)
                    yield f"{what} of {op.label} ({media.media_type})", media


def _has_example(ctx: RuleContext, media: MediaType) -> bool | None:
    """Whether a body shows an example (its own, its schema's, every property's); None: binary."""
    if media.examples:
        return True
    schema = resolve(ctx.model, media.schema)
    if not isinstance(schema, dict):
        return False
    if schema.get("format") in ("binary", "byte"):
        return None
    if "example" in schema or schema.get("examples"):
        return True
    properties = schema.get("properties")
    if isinstance(properties, dict) and properties:
        # Generators assemble a sample from per-property examples.
        return all(
            isinstance(p := resolve(ctx.model, s), dict)
            and ("example" in p or bool(p.get("examples")))
            for s in properties.values()
        )
    return False


@rule(
    "doc-examples",
    "documentation",
    "warn",
    "gold",
    threshold=0.8,
    title="Request and response bodies have examples",
    items="request and response bodies",
    fix="Add an example (or examples) to the media type, or examples to its schema's properties.",
)
def examples(ctx: RuleContext) -> CheckResult:
    """Every request and response body shows an example."""
    result = ctx.result()
    for label, media in _bodies(ctx.documented_operations):
        shown = _has_example(ctx, media)
        if shown is not None:
            result.check(shown, media.pointer, f"{label} has no example")
    return result


@rule(
    "doc-tags",
    "documentation",
    "warn",
    "silver",
    title="Operations are tagged with declared, described tags",
    items="operations and tags",
    fix=(
        "Tag the operation, declare the tag in the top-level tags list, and give each "
        "declared tag a description."
    ),
)
def tags(ctx: RuleContext) -> CheckResult:
    """Every operation has tags declared at the top level; every declared tag is described."""
    result = ctx.result()
    declared = {t.name for t in ctx.model.tags}
    for op in ctx.documented_operations:
        if not op.tags:
            result.fail(op.pointer, f"{op.label} has no tag")
            continue
        undeclared = [t for t in op.tags if t not in declared]
        if undeclared:
            result.fail(
                (*op.pointer, "tags"),
                f"{op.label}: the tag '{undeclared[0]}' is not declared in the top-level tags",
            )
        else:
            result.succeed()
    for i, tag in enumerate(ctx.model.tags):
        result.check(
            bool(tag.description.strip()),
            ("tags", str(i)),
            f"the tag '{tag.name}' has no description",
        )
    return result


@rule(
    "doc-safe-markdown",
    "documentation",
    "error",
    "bronze",
    title="No script or eval in descriptions",
    items="text fields",
    fix=(
        "Remove <script> tags and eval( calls from the description; Markdown is rendered for "
        "every reader of the portal."
    ),
)
def safe_markdown(ctx: RuleContext) -> CheckResult:
    """No description, summary or title holds `<script` or `eval(`."""
    result = ctx.result()
    unsafe = 0
    for text, path in ctx.index.texts():
        match = UNSAFE_MARKDOWN.search(text)
        if match is not None:
            unsafe += 1
            tokens = ctx.index.tokens_of(path)
            result.fail(tokens, f"the {tokens[-1]} holds '{match.group(0)}'")
    result.succeed(ctx.index.text_count - unsafe)
    return result


# -- opt-in extras -----------------------------------------------------------------------


@rule(
    "doc-tags-alphabetical",
    "documentation",
    "info",
    None,
    title="Tags are in alphabetical order",
    items="tags",
    fix="Sort the top-level tags list by name (ignoring case); the portal's navigation follows it.",
    opt_in=True,
)
def tags_alphabetical(ctx: RuleContext) -> CheckResult:
    """Each top-level tag's name sorts after the one before it (ignoring case)."""
    result = ctx.result()
    tags = ctx.model.tags
    for i, tag in enumerate(tags):
        before = tags[i - 1].name if i else ""
        result.check(
            not i or before.casefold() <= tag.name.casefold(),
            ("tags", str(i)),
            f"the tag '{tag.name}' comes after '{before}': sort the top-level tags by name",
        )
    return result


GENERIC_NAMES = frozenset(
    {
        "id", "name", "type", "value", "data", "key", "status", "code", "kind", "item",
        "info", "result", "object", "label", "text", "state", "category", "number", "date",
        "time", "flag", "field", "entity", "resource", "details", "meta", "metadata",
        "payload", "body", "content",
    }
)  # fmt: skip
"""Names that say nothing without a description: which id, what kind of status?"""


def _described(ctx: RuleContext, schema: Any) -> bool:
    if not isinstance(schema, dict):
        return False
    if _text(schema.get("description")):
        return True
    if "$ref" in schema:
        target = resolve(ctx.model, schema)
        return isinstance(target, dict) and bool(
            _text(target.get("description")) or _text(target.get("title"))
        )
    return False


@rule(
    "doc-generic-identifiers",
    "documentation",
    "warn",
    None,
    title="Generic names are described",
    items="properties and parameters with generic names",
    fix=(
        "Describe what the generic name means here (which id, which status values), or give "
        "it a more specific name."
    ),
    opt_in=True,
)
def generic_identifiers(ctx: RuleContext) -> CheckResult:
    """Properties and parameters with generic names (`id`, `name`, `type`, `status`, ...) have
    a description.
    """
    result = ctx.result()
    for node in ctx.schemas.all():
        if node.name is None or node.name.lower() not in GENERIC_NAMES:
            continue
        result.check(
            _described(ctx, node.schema),
            node.tokens,
            f"{node.describe()} has a generic name and no description",
        )
    seen: set[tuple[str, ...]] = set()
    for op in ctx.documented_operations:
        for param in op.parameters:
            if param.pointer in seen or param.name.lower() not in GENERIC_NAMES:
                continue
            seen.add(param.pointer)
            result.check(
                bool(param.description.strip()) or _described(ctx, param.schema),
                param.pointer,
                f"the {param.location} parameter '{param.name}' of {op.label} has a generic "
                "name and no description",
            )
    return result
