"""Reading JSON Schemas from any OpenAPI version through one set of questions.

`nullable: true` (3.0), `x-nullable` (2.0) and `type: [..., "null"]` (3.1) all answer
`nullable`, each in its own dialect; `exclusiveMinimum` is a flag on `minimum` in 2.0 and 3.0 and
a bound of its own in 3.1; 2.0's discriminator (a bare property name) and 3.x's (an object) are
one `Discriminator`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mkdocs_platform.models.api import ApiModel, Discriminator, SchemaDialect
from mkdocs_platform.models.pointers import from_pointer
from mkdocs_platform.openapi.document import is_missing, resolve_tokens

_CONSTRAINTS = (
    ("minLength", "min length"),
    ("maxLength", "max length"),
    ("pattern", "pattern"),
    ("minItems", "min items"),
    ("maxItems", "max items"),
    ("minProperties", "min properties"),
    ("maxProperties", "max properties"),
    ("multipleOf", "multiple of"),
)


SWAGGER_DIALECT = SchemaDialect(
    json_schema="draft4",
    nullable_keyword="x-nullable",
    null_type=False,
    numeric_exclusive_bounds=False,
)
OPENAPI_30_DIALECT = SchemaDialect(
    json_schema="draft4",
    nullable_keyword="nullable",
    null_type=False,
    numeric_exclusive_bounds=False,
)
OPENAPI_31_DIALECT = SchemaDialect(
    json_schema="draft2020-12",
    nullable_keyword="",
    null_type=True,
    numeric_exclusive_bounds=True,
)


def dialect_of(spec_version: str, *, swagger: bool) -> SchemaDialect:
    """The schema dialect of a document declaring `spec_version` (`swagger` for 2.0)."""
    if swagger:
        return SWAGGER_DIALECT
    if spec_version.startswith("3.1"):
        return OPENAPI_31_DIALECT
    return OPENAPI_30_DIALECT


def is_nullable(dialect: SchemaDialect, schema: Any) -> bool:
    """Whether `schema` (as written, `$ref` not followed) admits `null`, read in `dialect`.

    The one place this is decided: `x-nullable: true` in 2.0, `nullable: true` in 3.0,
    `type: [..., "null"]` (or `type: "null"`) in 3.1.
    """
    if not isinstance(schema, dict):
        return False
    if dialect.nullable_keyword and schema.get(dialect.nullable_keyword) is True:
        return True
    raw_type = schema.get("type")
    if dialect.null_type:
        return raw_type == "null" or (isinstance(raw_type, list) and "null" in raw_type)
    return False


@dataclass
class SchemaFacts:
    """What a schema says about a value, version differences resolved."""

    types: list[str] = field(default_factory=list)
    nullable: bool = False
    format: str = ""
    """`format`, or for 3.1 strings holding a document, its `contentMediaType`."""
    ref_name: str | None = None
    """The named schema this one is (`Pet`), when it is a `$ref` to one."""
    constraints: list[tuple[str, str]] = field(default_factory=list)
    """(label, value) pairs: `("≥", "0")`, `("max length", "64")`..."""
    enum: list[Any] = field(default_factory=list)
    has_default: bool = False
    default: Any = None
    has_const: bool = False
    const: Any = None
    read_only: bool = False
    write_only: bool = False
    deprecated: bool = False
    title: str = ""
    description: str = ""
    examples: list[Any] = field(default_factory=list)


def ref_name(api: ApiModel, schema: Any) -> str | None:
    """The name of the named schema `schema` refers to, if it is such a `$ref`."""
    if not isinstance(schema, dict):
        return None
    ref = schema.get("$ref")
    if not isinstance(ref, str) or not ref.startswith("#"):
        return None
    tokens = from_pointer(ref)
    prefix = api.schema_prefix
    if len(tokens) == len(prefix) + 1 and tuple(tokens[: len(prefix)]) == prefix:
        return tokens[-1]
    return None


def resolve(api: ApiModel, schema: Any, hops: int = 16) -> Any:
    """Follow `$ref`s to the schema they name; an unresolvable one gives `{}`."""
    while isinstance(schema, dict) and isinstance(schema.get("$ref"), str) and hops > 0:
        ref = schema["$ref"]
        if not ref.startswith("#"):
            return {}
        target = resolve_tokens(api.document, from_pointer(ref))
        if is_missing(target):
            return {}
        schema = target
        hops -= 1
    return schema if isinstance(schema, (dict, bool)) else {}


Bound = tuple[Any, bool]
"""(a limit as written, whether the limit itself is excluded)."""


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def bounds(dialect: SchemaDialect, schema: Any, key: str, exclusive_key: str) -> list[Bound]:
    """The limits `key` (`minimum`) and `exclusive_key` (`exclusiveMinimum`) set, read in
    `dialect`: a flag on `key` in Draft 4 dialects, a limit of its own in 3.1."""
    if not isinstance(schema, dict):
        return []
    exclusive_value = schema.get(exclusive_key)
    result: list[Bound] = []
    if key in schema:
        flagged = not dialect.numeric_exclusive_bounds and exclusive_value is True
        result.append((schema[key], flagged))
    if dialect.numeric_exclusive_bounds and _is_number(exclusive_value):
        result.append((exclusive_value, True))
    return result


def _bound(
    dialect: SchemaDialect,
    schema: dict[str, Any],
    key: str,
    exclusive_key: str,
    inclusive: str,
    exclusive: str,
) -> list[tuple[str, str]]:
    return [
        (exclusive if excluded else inclusive, _text(limit))
        for limit, excluded in bounds(dialect, schema, key, exclusive_key)
    ]


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    return str(value)


def schema_facts(api: ApiModel, schema: Any) -> SchemaFacts:
    """The facts of a schema (after following a top-level `$ref`)."""
    name = ref_name(api, schema)
    resolved = resolve(api, schema)
    facts = SchemaFacts(ref_name=name)
    if not isinstance(resolved, dict):
        if resolved is False:
            facts.types = ["never"]
        return facts
    raw_type = resolved.get("type")
    if isinstance(raw_type, list):
        facts.types = [str(t) for t in raw_type if t != "null"]
    elif isinstance(raw_type, str):
        facts.types = [raw_type] if raw_type != "null" else []
    facts.nullable = is_nullable(api.dialect, resolved)
    if not facts.types:
        # Infer what the schema's own keywords imply, as readers of the spec do.
        if "properties" in resolved or "additionalProperties" in resolved:
            facts.types = ["object"]
        elif "items" in resolved:
            facts.types = ["array"]
    facts.format = str(resolved.get("format") or resolved.get("contentMediaType") or "")
    facts.constraints = [
        *_bound(api.dialect, resolved, "minimum", "exclusiveMinimum", "≥", ">"),
        *_bound(api.dialect, resolved, "maximum", "exclusiveMaximum", "≤", "<"),
    ]
    facts.constraints.extend(
        (label, _text(resolved[key])) for key, label in _CONSTRAINTS if key in resolved
    )
    if resolved.get("uniqueItems") is True:
        facts.constraints.append(("unique items", "yes"))
    enum = resolved.get("enum")
    if isinstance(enum, list):
        facts.enum = enum
    if "default" in resolved:
        facts.has_default, facts.default = True, resolved["default"]
    if "const" in resolved:
        facts.has_const, facts.const = True, resolved["const"]
    facts.read_only = resolved.get("readOnly") is True
    facts.write_only = resolved.get("writeOnly") is True
    facts.deprecated = resolved.get("deprecated") is True
    facts.title = str(resolved.get("title") or "") if isinstance(resolved.get("title"), str) else ""
    description = resolved.get("description")
    facts.description = description if isinstance(description, str) else ""
    if "example" in resolved:
        facts.examples.append(resolved["example"])
    if isinstance(resolved.get("examples"), list):
        facts.examples.extend(resolved["examples"])
    return facts


def merge_all_of(
    api: ApiModel,
    schema: dict[str, Any],
    seen: frozenset[int] = frozenset(),
    *,
    named: bool = True,
) -> tuple[dict[str, Any], list[str]]:
    """`schema` with its `allOf` parts merged in (its own keywords win), and the names of the
    named schemas it includes. `seen` holds the ids of schemas being merged, to stop cycles.

    With `named=False` a named part is only named, not merged: what it holds is said where it
    is defined.
    """
    parts = schema.get("allOf")
    if not isinstance(parts, list) or not parts:
        return schema, []
    merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
    properties: dict[str, Any] = {}
    required: list[str] = []
    names: list[str] = []
    for part in [*parts, {k: v for k, v in schema.items() if k in ("properties", "required")}]:
        name = ref_name(api, part)
        if name:
            names.append(name)
            if not named:
                continue
        resolved = resolve(api, part)
        if not isinstance(resolved, dict) or id(resolved) in seen:
            continue
        resolved, inner = merge_all_of(api, resolved, seen | {id(resolved)}, named=named)
        names.extend(inner)
        for key, value in resolved.items():
            if key == "properties" and isinstance(value, dict):
                properties.update(value)
            elif key == "required" and isinstance(value, list):
                required.extend(r for r in value if isinstance(r, str) and r not in required)
            else:
                merged.setdefault(key, value)
    if properties:
        merged["properties"] = properties
        merged.setdefault("type", "object")
    if required:
        merged["required"] = required
    return merged, names


def subtypes(api: ApiModel, base: Any) -> list[str]:
    """Names of the named schemas whose `allOf` includes `base`."""
    names = []
    for name, schema in api.schemas.items():
        parts = schema.get("allOf") if isinstance(schema, dict) else None
        if isinstance(parts, list) and any(resolve(api, p) is base for p in parts):
            names.append(name)
    return names


def discriminator(api: ApiModel, schema: Any) -> Discriminator | None:
    """The discriminator of a schema (after following a top-level `$ref`), if it declares one.

    In 2.0 it is the bare property name, and the values are the names of the schemas that
    extend this one through `allOf`.
    """
    resolved = resolve(api, schema)
    if not isinstance(resolved, dict):
        return None
    raw = resolved.get("discriminator")
    if isinstance(raw, str) and raw:
        mapping = {name: api.schema_ref(name) for name in subtypes(api, resolved)}
        return Discriminator(property_name=raw, mapping=mapping)
    if not isinstance(raw, dict) or not isinstance(raw.get("propertyName"), str):
        return None
    raw_mapping = raw.get("mapping")
    mapping = {
        str(value): target
        for value, target in (raw_mapping.items() if isinstance(raw_mapping, dict) else ())
        if isinstance(target, str)
    }
    return Discriminator(property_name=raw["propertyName"], mapping=mapping)


def schema_ref_of(api: ApiModel, target: str) -> str:
    """A discriminator mapping value as a `$ref`: a bare value is a named schema's name."""
    return target if target.startswith("#") else api.schema_ref(target)
