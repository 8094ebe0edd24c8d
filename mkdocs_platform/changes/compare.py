"""The changes from one version of an API to the next, as its clients see them.

Both versions are read through the normalized model, so the spec version does not matter: a
Swagger 2.0 document and its OpenAPI 3.x migration describe the same API when their resolved
schemas mean the same thing, whatever `$ref`s, nullable keywords or bound flags they use.

Operations are matched by method and path template with parameter names ignored
(`/pets/{id}` is `/pets/{petId}`); path parameters by their place in the template, the others
by location and name. Requests and responses are read in opposite directions: a request that
accepts less breaks clients that send it, a response that may hold more breaks clients that
read it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from mkdocs_platform.changes.semver import major_step
from mkdocs_platform.models.api import (
    ApiModel,
    MediaType,
    Operation,
    Parameter,
    SecurityRequirement,
    SecurityScheme,
    Tokens,
)
from mkdocs_platform.models.changes import (
    CHANGE_LEVELS,
    Change,
    ChangeLevel,
    Comparison,
    ComparisonKind,
)
from mkdocs_platform.models.pointers import from_pointer, to_pointer
from mkdocs_platform.openapi.document import is_missing, resolve_tokens
from mkdocs_platform.openapi.schema import bounds, is_nullable

CHANGE_KINDS: dict[str, tuple[ChangeLevel, str]] = {
    # Operations and paths.
    "path-removed": ("warning", "every operation of a path is gone; all were deprecated"),
    "path-removed-without-deprecation": (
        "error",
        "every operation of a path is gone, some without being deprecated first",
    ),
    "operation-removed": ("warning", "an operation deprecated before is gone"),
    "operation-removed-without-deprecation": (
        "error",
        "an operation is gone without being deprecated first",
    ),
    "operation-added": ("info", "a new operation"),
    "operation-deprecated": ("info", "an operation is now deprecated"),
    # Request parameters.
    "request-parameter-removed": ("error", "a request parameter is gone (a rename is one)"),
    "request-parameter-added-required": ("error", "a new request parameter must be sent"),
    "request-parameter-added": ("info", "a new optional request parameter"),
    "request-parameter-became-required": ("error", "an optional parameter must now be sent"),
    "request-parameter-became-optional": ("info", "a required parameter may now be left out"),
    "request-parameter-location-changed": ("error", "a parameter moved (query to header ...)"),
    "request-parameter-style-changed": ("error", "a parameter is serialized another way"),
    "request-parameter-deprecated": ("info", "a request parameter is now deprecated"),
    # Request bodies.
    "request-body-added-required": ("error", "a request body, required, where none was"),
    "request-body-added": ("info", "an optional request body where none was"),
    "request-body-became-required": ("error", "the request body must now be sent"),
    "request-body-removed": ("warning", "the operation no longer reads a request body"),
    "request-media-type-removed": ("error", "a request media type is no longer accepted"),
    "request-media-type-added": ("info", "a new request media type is accepted"),
    # Request values (parameters and bodies, at any depth).
    "request-type-changed": ("error", "a request value's type no longer accepts what it did"),
    "request-type-widened": ("info", "a request value accepts more types"),
    "request-nullable-removed": ("error", "a request value no longer accepts null"),
    "request-format-changed": ("warning", "a request value's format changed"),
    "request-enum-value-removed": ("error", "a request value no longer accepts an enum value"),
    "request-enum-introduced": ("error", "a request value is now limited to an enum"),
    "request-enum-value-added": ("info", "a request value accepts a new enum value"),
    "request-max-length-decreased": ("error", "a request string's maxLength is lower or new"),
    "request-min-length-increased": ("error", "a request string's minLength is higher or new"),
    "request-max-items-decreased": ("error", "a request array's maxItems is lower or new"),
    "request-min-items-increased": ("error", "a request array's minItems is higher or new"),
    "request-maximum-decreased": ("error", "a request number's maximum is lower or new"),
    "request-minimum-increased": ("error", "a request number's minimum is higher or new"),
    "request-maximum-made-exclusive": ("error", "a request number may no longer equal its maximum"),
    "request-minimum-made-exclusive": ("error", "a request number may no longer equal its minimum"),
    "request-pattern-changed": ("error", "a request string's pattern is new or different"),
    "request-property-removed": ("warning", "a request property is gone"),
    "request-property-added-required": ("error", "a new request property must be sent"),
    "request-property-added": ("info", "a new optional request property"),
    "request-property-became-required": ("error", "an optional request property is now required"),
    # Responses.
    "response-success-removed": ("error", "a success (2xx) response is gone"),
    "response-status-removed": ("info", "a response other than a success is gone"),
    "response-status-added": ("info", "a new response status"),
    "response-media-type-removed": ("error", "a response media type is no longer returned"),
    "response-media-type-added": ("info", "a new response media type"),
    "response-type-changed": ("error", "a response value may have a type it could not have"),
    "response-type-narrowed": ("info", "a response value has fewer possible types"),
    "response-became-nullable": ("warning", "a response value may now be null"),
    "response-format-changed": ("warning", "a response value's format changed"),
    "response-enum-value-added": ("warning", "a response value may hold a new enum value"),
    "response-property-removed": ("error", "a response property is gone"),
    "response-property-became-optional": ("warning", "a response property may now be missing"),
    "response-property-added": ("info", "a new response property"),
    # Security.
    "security-added": ("error", "an operation open to anyone now asks for credentials"),
    "security-scheme-replaced": ("error", "an operation asks for credentials of another kind"),
    "security-scopes-added": ("error", "an operation needs more OAuth scopes"),
    "security-scopes-removed": ("info", "an operation needs fewer OAuth scopes"),
    "security-removed": ("info", "an operation no longer asks for credentials"),
}
"""Every change id: its level and what it means. Ids are never renamed."""

MAX_DEPTH = 32
"""How deep schemas are compared: past it, deeper nesting is not looked at."""

MAX_COMPARISONS = 20_000
"""How many schema pairs one request or response compares at most: schemas shared at many
places of a large spec would otherwise be compared again at each of them."""

_PARAMETER = re.compile(r"\{[^}/]*\}")
_LEVEL_ORDER = {level: i for i, level in enumerate(CHANGE_LEVELS)}
_TYPE_KEYWORDS = ("string", "number", "integer", "boolean", "array", "object", "null")


def path_shape(path: str) -> str:
    """The path template with parameter names left out: `/pets/{}` for `/pets/{id}`."""
    return _PARAMETER.sub("{}", path)


def _json_key(value: Any) -> str:
    """A hashable, type-exact key of a JSON value (`1` and `true` differ)."""
    try:
        return json.dumps(value, sort_keys=True, default=str)
    except (ValueError, RecursionError):
        return repr(value)


def _quote(value: Any) -> str:
    text = _json_key(value)
    return text if len(text) <= 80 else text[:80] + "…"


@dataclass(frozen=True)
class _Side:
    """One version's view of a place: its model, and where the place is written."""

    api: ApiModel
    pointer: Tokens
    anchored: bool = True
    """Whether `pointer` follows the schema as its keywords are walked; a 2.0 form body is
    made of several parameters, so its nested places are named by the body itself."""

    def at(self, *tokens: str) -> _Side:
        if not self.anchored:
            return self
        return _Side(self.api, (*self.pointer, *tokens), anchored=True)


@dataclass
class _Collector:
    """The changes found, and the schema pairs known to hold none."""

    changes: list[Change] = field(default_factory=list)
    unchanged: set[tuple[int, int, bool]] = field(default_factory=set)
    """(old schema, new schema, read as a request) pairs whose comparison, nested schemas
    included, found nothing: a schema shared by many operations is walked once."""

    def add(
        self,
        kind: str,
        operation: str,
        sentence: str,
        old: _Side | None = None,
        new: _Side | None = None,
    ) -> None:
        level = CHANGE_KINDS[kind][0]
        message = f"{operation}: {sentence}" if operation else sentence
        self.changes.append(
            Change(
                id=kind,
                level=level,
                message=message,
                operation=operation,
                old_pointer=to_pointer(old.pointer) if old is not None else "",
                new_pointer=to_pointer(new.pointer) if new is not None else "",
            )
        )


@dataclass(frozen=True)
class _Place:
    """What a schema being compared is, for sentences: `the request body (application/json)`
    and the field path inside it (`owner.name`, `tags[]`)."""

    operation: str
    root: str
    path: str = ""

    def describe(self) -> str:
        if self.path == "[]":
            return f"the items of {self.root}"
        return f"{self.root} field '{self.path}'" if self.path else self.root

    def child(self, name: str) -> _Place:
        return _Place(self.operation, self.root, f"{self.path}.{name}" if self.path else name)

    def items(self) -> _Place:
        return _Place(self.operation, self.root, f"{self.path}[]" if self.path else "[]")


# -- schemas ------------------------------------------------------------------------------


_EMPTY: dict[str, Any] = {}
"""The schema that says nothing, never changed: one object, so that its identity is stable."""


def _follow(side: _Side, schema: Any) -> tuple[Any, _Side]:
    """`schema` with its `$ref`s followed, and the side pointing where the target is written."""
    hops = 0
    while isinstance(schema, dict) and isinstance(schema.get("$ref"), str) and hops < MAX_DEPTH:
        ref = schema["$ref"]
        if not ref.startswith("#"):
            return _EMPTY, side
        tokens = tuple(from_pointer(ref))
        target = resolve_tokens(side.api.document, tokens)
        if is_missing(target):
            return _EMPTY, side
        # A named target is written in the document: places inside it can be named.
        schema, side = target, _Side(side.api, tokens)
        hops += 1
    if schema is True or not isinstance(schema, dict):
        # `true` admits anything, as `{}` does; other odd values are read as saying nothing.
        return _EMPTY, side
    return schema, side


@dataclass
class _Flat:
    """A schema with its `allOf` parts merged, each property remembering where it is written."""

    schema: dict[str, Any]
    side: _Side
    properties: dict[str, tuple[Any, _Side]] = field(default_factory=dict)
    required: set[str] = field(default_factory=set)


def _flatten(schema: Any, side: _Side, depth: int = 0, seen: frozenset[int] = frozenset()) -> _Flat:
    resolved, side = _follow(side, schema)
    flat = _Flat(schema=dict(resolved), side=side)
    _merge_into(flat, resolved, side, depth, seen | {id(resolved)})
    return flat


def _merge_into(
    flat: _Flat, schema: dict[str, Any], side: _Side, depth: int, seen: frozenset[int]
) -> None:
    properties = schema.get("properties")
    if isinstance(properties, dict):
        for name, value in properties.items():
            flat.properties.setdefault(str(name), (value, side.at("properties", str(name))))
    required = schema.get("required")
    if isinstance(required, list):
        flat.required.update(r for r in required if isinstance(r, str))
    parts = schema.get("allOf")
    if not isinstance(parts, list) or depth >= MAX_DEPTH:
        return
    for index, part in enumerate(parts):
        resolved, part_side = _follow(side.at("allOf", str(index)), part)
        if id(resolved) in seen:
            continue
        for key, value in resolved.items():
            if key not in ("properties", "required", "allOf"):
                flat.schema.setdefault(key, value)
        _merge_into(flat, resolved, part_side, depth + 1, seen | {id(resolved)})


def _types(flat: _Flat) -> set[str]:
    """The non-null types a schema allows; empty when it allows any."""
    raw = flat.schema.get("type")
    if isinstance(raw, str):
        types = {raw}
    elif isinstance(raw, list):
        types = {t for t in raw if isinstance(t, str)}
    else:
        types = set()
    types.discard("null")
    types &= set(_TYPE_KEYWORDS)
    if not types and not isinstance(raw, (str, list)):
        if flat.properties or "additionalProperties" in flat.schema:
            types = {"object"}
        elif "items" in flat.schema:
            types = {"array"}
    return types


def _covered(kind: str, types: set[str]) -> bool:
    """Whether a value of type `kind` is one of `types` (an integer is a number)."""
    return not types or kind in types or (kind == "integer" and "number" in types)


def _nullable(flat: _Flat) -> bool:
    api = flat.side.api
    raw = flat.schema.get("type")
    if raw == "null" or (isinstance(raw, list) and "null" in raw):
        return True
    return is_nullable(api.dialect, flat.schema)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def _tightest(flat: _Flat, key: str, exclusive_key: str, lower: bool) -> tuple[float, bool] | None:
    """The strictest limit `key` sets with its exclusive form: (limit, excluded)."""
    found: tuple[float, bool] | None = None
    for limit, excluded in bounds(flat.side.api.dialect, flat.schema, key, exclusive_key):
        number = _number(limit)
        if number is None:
            continue
        candidate = (number, bool(excluded))
        if found is None or _stricter(candidate, found, lower):
            found = candidate
    return found


def _stricter(a: tuple[float, bool], b: tuple[float, bool], lower: bool) -> bool:
    """Whether limit `a` admits less than `b` (for a lower limit when `lower`)."""
    if a[0] != b[0]:
        return a[0] > b[0] if lower else a[0] < b[0]
    return a[1] and not b[1]


def _limit(bound: tuple[float, bool], lower: bool) -> str:
    """`≥ 1`, `> 1`, `≤ 10` or `< 10`."""
    sign = (">" if bound[1] else "≥") if lower else ("<" if bound[1] else "≤")
    return f"{sign} {_show(bound[0])}"


def _show(number: float) -> str:
    return str(int(number)) if number.is_integer() else str(number)


class _SchemaComparer:
    """Compares two schemas as a request (`request=True`) or a response reads them."""

    def __init__(self, out: _Collector, request: bool) -> None:
        self.out = out
        self.request = request
        self.budget = MAX_COMPARISONS
        self.compared: set[tuple[int, int]] = set()
        """Pairs of schemas already compared: a schema shared by several places (or by
        itself, through a cyclic `$ref`) is reported at the first place met."""

    def compare(
        self,
        old: Any,
        old_side: _Side,
        new: Any,
        new_side: _Side,
        place: _Place,
        depth: int = 0,
    ) -> bool:
        """Report how `new` differs from `old` at `place`; whether they are known to be the
        same (False when a part was not looked at)."""
        pair = (id(_follow(old_side, old)[0]), id(_follow(new_side, new)[0]))
        known = (*pair, self.request)
        if known in self.out.unchanged:
            return True
        if pair in self.compared:
            return False
        self.budget -= 1
        if depth > MAX_DEPTH or self.budget < 0:
            return False
        self.compared.add(pair)
        found_before = len(self.out.changes)
        before = _flatten(old, old_side)
        after = _flatten(new, new_side)
        if self.request:
            self._request_value(before, after, place)
        else:
            self._response_value(before, after, place)
        same = self._properties(before, after, place, depth)
        old_items, new_items = before.schema.get("items"), after.schema.get("items")
        if isinstance(old_items, (dict, bool)) and isinstance(new_items, (dict, bool)):
            same &= self.compare(
                old_items,
                before.side.at("items"),
                new_items,
                after.side.at("items"),
                place.items(),
                depth + 1,
            )
        if same and len(self.out.changes) == found_before:
            self.out.unchanged.add(known)
            return True
        return False

    # -- one value ---------------------------------------------------------------------

    def _request_value(self, before: _Flat, after: _Flat, place: _Place) -> None:
        where = place.describe()
        old_types, new_types = _types(before), _types(after)
        lost = sorted(t for t in (old_types or {"any"}) if not _covered(t, new_types))
        if new_types and lost:
            self._add(
                "request-type-changed",
                place,
                f"{where} no longer accepts {', '.join(_named(t) for t in lost)} "
                f"(now only {_list(new_types)})",
                before,
                after,
            )
        elif old_types and any(not _covered(t, old_types) for t in new_types or {"any"}):
            self._add(
                "request-type-widened",
                place,
                f"{where} now accepts {_list(new_types) if new_types else 'any type'}",
                before,
                after,
            )
        if _nullable(before) and not _nullable(after):
            self._add(
                "request-nullable-removed", place, f"{where} no longer accepts null", before, after
            )
        self._format(before, after, place, "request-format-changed")
        old_enum, new_enum = before.schema.get("enum"), after.schema.get("enum")
        if isinstance(new_enum, list):
            if not isinstance(old_enum, list):
                self._add(
                    "request-enum-introduced",
                    place,
                    f"{where} now accepts only {', '.join(_quote(v) for v in new_enum[:10])}",
                    before,
                    after,
                )
            else:
                new_keys = {_json_key(v) for v in new_enum}
                old_keys = {_json_key(v) for v in old_enum}
                removed = [v for v in old_enum if _json_key(v) not in new_keys]
                added = [v for v in new_enum if _json_key(v) not in old_keys]
                if removed:
                    self._add(
                        "request-enum-value-removed",
                        place,
                        f"{where} no longer accepts {', '.join(_quote(v) for v in removed[:10])}",
                        before,
                        after,
                    )
                if added:
                    self._add(
                        "request-enum-value-added",
                        place,
                        f"{where} now also accepts {', '.join(_quote(v) for v in added[:10])}",
                        before,
                        after,
                    )
        for keyword, kind, lower in (
            ("maxLength", "request-max-length-decreased", False),
            ("minLength", "request-min-length-increased", True),
            ("maxItems", "request-max-items-decreased", False),
            ("minItems", "request-min-items-increased", True),
        ):
            old_limit = _number(before.schema.get(keyword))
            new_limit = _number(after.schema.get(keyword))
            if new_limit is None:
                continue
            if old_limit is None or (new_limit > old_limit if lower else new_limit < old_limit):
                was = f" (was {_show(old_limit)})" if old_limit is not None else " (was none)"
                self._add(
                    kind, place, f"{where} has {keyword} {_show(new_limit)}{was}", before, after
                )
        for key, exclusive_key, lower, name in (
            ("minimum", "exclusiveMinimum", True, "minimum"),
            ("maximum", "exclusiveMaximum", False, "maximum"),
        ):
            old_bound = _tightest(before, key, exclusive_key, lower)
            new_bound = _tightest(after, key, exclusive_key, lower)
            if new_bound is None:
                continue
            if old_bound is None or old_bound[0] != new_bound[0]:
                if old_bound is None or _stricter(new_bound, old_bound, lower):
                    kind = "request-minimum-increased" if lower else "request-maximum-decreased"
                    was = f" (was {_limit(old_bound, lower)})" if old_bound else " (was none)"
                    self._add(
                        kind,
                        place,
                        f"{where} has the {name} {_limit(new_bound, lower)}{was}",
                        before,
                        after,
                    )
            elif new_bound[1] and not old_bound[1]:
                kind = (
                    "request-minimum-made-exclusive" if lower else "request-maximum-made-exclusive"
                )
                self._add(
                    kind,
                    place,
                    f"{where} may no longer equal its {name} {_show(new_bound[0])}",
                    before,
                    after,
                )
        old_pattern, new_pattern = before.schema.get("pattern"), after.schema.get("pattern")
        if isinstance(new_pattern, str) and new_pattern != old_pattern:
            was = f" (was {old_pattern!r})" if isinstance(old_pattern, str) else ""
            self._add(
                "request-pattern-changed",
                place,
                f"{where} must match the pattern {new_pattern!r}{was}",
                before,
                after,
            )

    def _response_value(self, before: _Flat, after: _Flat, place: _Place) -> None:
        where = place.describe()
        old_types, new_types = _types(before), _types(after)
        gained = sorted(t for t in (new_types or {"any"}) if not _covered(t, old_types))
        if old_types and gained:
            self._add(
                "response-type-changed",
                place,
                f"{where} may now be {', '.join(_named(t) for t in gained)} "
                f"(was {_list(old_types)})",
                before,
                after,
            )
        elif new_types and any(not _covered(t, new_types) for t in old_types or {"any"}):
            self._add(
                "response-type-narrowed",
                place,
                f"{where} is now always {_list(new_types)}",
                before,
                after,
            )
        if _nullable(after) and not _nullable(before):
            self._add("response-became-nullable", place, f"{where} may now be null", before, after)
        self._format(before, after, place, "response-format-changed")
        old_enum, new_enum = before.schema.get("enum"), after.schema.get("enum")
        if isinstance(old_enum, list) and isinstance(new_enum, list):
            old_keys = {_json_key(v) for v in old_enum}
            added = [v for v in new_enum if _json_key(v) not in old_keys]
            if added:
                self._add(
                    "response-enum-value-added",
                    place,
                    f"{where} may now hold {', '.join(_quote(v) for v in added[:10])}",
                    before,
                    after,
                )

    def _format(self, before: _Flat, after: _Flat, place: _Place, kind: str) -> None:
        old_format, new_format = before.schema.get("format"), after.schema.get("format")
        if isinstance(old_format, str) and isinstance(new_format, str) and old_format != new_format:
            self._add(
                kind,
                place,
                f"{place.describe()} has the format {new_format!r} (was {old_format!r})",
                before,
                after,
            )

    # -- properties --------------------------------------------------------------------

    def _properties(
        self,
        before: _Flat,
        after: _Flat,
        place: _Place,
        depth: int,
    ) -> bool:
        """Compare the properties; whether their schemas are known to be the same."""
        same = True
        hidden = "readOnly" if self.request else "writeOnly"
        old_props = {
            n: v for n, v in before.properties.items() if not _flag(before.side, v[0], hidden)
        }
        new_props = {
            n: v for n, v in after.properties.items() if not _flag(after.side, v[0], hidden)
        }
        direction = "request" if self.request else "response"
        for name, (old_schema, old_side) in old_props.items():
            child = place.child(name)
            if name not in new_props:
                kind = f"{direction}-property-removed"
                self._add_at(
                    kind,
                    place,
                    f"{place.root} no longer has the property '{child.path}'",
                    old_side,
                    after.side,
                )
                continue
            new_schema, new_side = new_props[name]
            was_required, is_required = name in before.required, name in after.required
            if self.request and is_required and not was_required:
                self._add_at(
                    "request-property-became-required",
                    place,
                    f"{child.describe()} is now required",
                    old_side,
                    new_side,
                )
            if not self.request and was_required and not is_required:
                self._add_at(
                    "response-property-became-optional",
                    place,
                    f"{child.describe()} is no longer always present",
                    old_side,
                    new_side,
                )
            same &= self.compare(old_schema, old_side, new_schema, new_side, child, depth + 1)
        for name, (_, new_side) in new_props.items():
            if name in old_props:
                continue
            child = place.child(name)
            if self.request and name in after.required:
                kind, sentence = "request-property-added-required", "is new and required"
            elif self.request:
                kind, sentence = "request-property-added", "is new and optional"
            else:
                kind, sentence = "response-property-added", "is new"
            self._add_at(kind, place, f"{child.describe()} {sentence}", before.side, new_side)
        return same

    def _add(self, kind: str, place: _Place, sentence: str, before: _Flat, after: _Flat) -> None:
        self._add_at(kind, place, sentence, before.side, after.side)

    def _add_at(
        self, kind: str, place: _Place, sentence: str, old: _Side | None, new: _Side | None
    ) -> None:
        self.out.add(kind, place.operation, sentence, old, new)


def _flag(side: _Side, schema: Any, keyword: str) -> bool:
    resolved, _ = _follow(side, schema)
    return resolved.get(keyword) is True


def _named(kind: str) -> str:
    return "any type" if kind == "any" else kind


def _list(types: set[str]) -> str:
    return " or ".join(sorted(types))


# -- operations ---------------------------------------------------------------------------


def _parameter_key(operation: Operation, parameter: Parameter) -> tuple[str, str]:
    """How a parameter is matched: path parameters by their place in the template, header
    names without case, the others by name."""
    if parameter.location == "path":
        names = [m.group()[1:-1] for m in _PARAMETER.finditer(operation.path)]
        if parameter.name in names:
            return ("path", str(names.index(parameter.name)))
    if parameter.location == "header":
        return ("header", parameter.name.lower())
    return (parameter.location, parameter.name)


def _parameter_schema(parameter: Parameter) -> tuple[Any, Tokens]:
    """The schema of a parameter, or of its one `content` entry (3.x)."""
    if parameter.schema is not None or not parameter.content:
        return parameter.schema, parameter.schema_pointer
    media = parameter.content[0]
    return media.schema, media.schema_pointer


def _serialization(parameter: Parameter) -> tuple[str, bool]:
    """How a parameter's array or object is written, read in one vocabulary: 2.0's `csv` and
    3.x's `form`/`simple` without explode are both comma-separated."""
    style, explode = parameter.style, parameter.explode
    if not style:
        style = "form" if parameter.location in ("query", "cookie") else "simple"
    if explode is None:
        explode = style == "form"
    if style in ("form", "simple") and not explode:
        return ("comma", False)
    if style == "simple":
        return ("comma", True)
    return (style, explode)


def _parameter_phrase(parameter: Parameter) -> str:
    return f"the {parameter.location} parameter '{parameter.name}'"


@dataclass
class _OperationPair:
    old_api: ApiModel
    new_api: ApiModel
    old: Operation
    new: Operation
    out: _Collector

    @property
    def label(self) -> str:
        return self.new.label

    def compare(self) -> None:
        if self.new.deprecated and not self.old.deprecated:
            self.out.add(
                "operation-deprecated",
                self.label,
                "the operation is now deprecated",
                _Side(self.old_api, self.old.pointer),
                _Side(self.new_api, self.new.pointer),
            )
        self.parameters()
        self.request_body()
        self.responses()
        self.security()

    # -- parameters --------------------------------------------------------------------

    def parameters(self) -> None:
        old_params = {_parameter_key(self.old, p): p for p in self.old.parameters}
        new_params = {_parameter_key(self.new, p): p for p in self.new.parameters}
        # A parameter gone from one location and new, by the same name, in another moved.
        moves: dict[tuple[str, str], tuple[str, str]] = {}
        for key in old_params:
            if key in new_params or key[0] == "path":
                continue
            target = next(
                (k for k in new_params if k[1] == key[1] and k not in old_params),
                None,
            )
            if target is not None and target not in moves.values():
                moves[key] = target
        for key, old in old_params.items():
            new = new_params.get(key)
            old_side = _Side(self.old_api, old.pointer)
            if new is None:
                if key in moves:
                    moved = new_params[moves[key]]
                    self.out.add(
                        "request-parameter-location-changed",
                        self.label,
                        f"{_parameter_phrase(old)} is now sent in the {moved.location}",
                        old_side,
                        _Side(self.new_api, moved.pointer),
                    )
                    continue
                self.out.add(
                    "request-parameter-removed",
                    self.label,
                    f"{_parameter_phrase(old)} was removed",
                    old_side,
                    None,
                )
                continue
            new_side = _Side(self.new_api, new.pointer)
            if new.required and not old.required:
                self.out.add(
                    "request-parameter-became-required",
                    self.label,
                    f"{_parameter_phrase(new)} is now required",
                    old_side,
                    new_side,
                )
            elif old.required and not new.required:
                self.out.add(
                    "request-parameter-became-optional",
                    self.label,
                    f"{_parameter_phrase(new)} is now optional",
                    old_side,
                    new_side,
                )
            if new.deprecated and not old.deprecated:
                self.out.add(
                    "request-parameter-deprecated",
                    self.label,
                    f"{_parameter_phrase(new)} is now deprecated",
                    old_side,
                    new_side,
                )
            old_schema, old_at = _parameter_schema(old)
            new_schema, new_at = _parameter_schema(new)
            before = _flatten(old_schema, _Side(self.old_api, old_at))
            after = _flatten(new_schema, _Side(self.new_api, new_at))
            structured = {"array", "object"}
            if (_types(before) | _types(after)) & structured and _serialization(
                old
            ) != _serialization(new):
                self.out.add(
                    "request-parameter-style-changed",
                    self.label,
                    f"{_parameter_phrase(new)} is serialized differently "
                    f"(style or explode changed)",
                    old_side,
                    new_side,
                )
            _SchemaComparer(self.out, request=True).compare(
                old_schema,
                _Side(self.old_api, old_at),
                new_schema,
                _Side(self.new_api, new_at),
                _Place(self.label, _parameter_phrase(new)),
            )
        for key, new in new_params.items():
            if key in old_params or key in moves.values():
                continue
            required = new.required
            self.out.add(
                "request-parameter-added-required" if required else "request-parameter-added",
                self.label,
                f"{_parameter_phrase(new)} is new and {'required' if required else 'optional'}",
                _Side(self.old_api, self.old.pointer),
                _Side(self.new_api, new.pointer),
            )

    # -- request bodies ------------------------------------------------------------------

    def request_body(self) -> None:
        old, new = self.old.request_body, self.new.request_body
        if new is None:
            if old is not None:
                self.out.add(
                    "request-body-removed",
                    self.label,
                    "the operation no longer takes a request body",
                    _Side(self.old_api, old.pointer),
                    None,
                )
            return
        new_side = _Side(self.new_api, new.pointer)
        if old is None:
            self.out.add(
                "request-body-added-required" if new.required else "request-body-added",
                self.label,
                "a request body is now required" if new.required else "a request body may be sent",
                _Side(self.old_api, self.old.pointer),
                new_side,
            )
            return
        old_side = _Side(self.old_api, old.pointer)
        if new.required and not old.required:
            self.out.add(
                "request-body-became-required",
                self.label,
                "the request body is now required",
                old_side,
                new_side,
            )
        self._media(old.content, new.content, request=True, root="the request body")

    def _media(
        self, old: list[MediaType], new: list[MediaType], *, request: bool, root: str
    ) -> None:
        direction = "request" if request else "response"
        new_by_type = {m.media_type.lower(): m for m in new}
        old_by_type = {m.media_type.lower(): m for m in old}
        for key, old_media in old_by_type.items():
            new_media = new_by_type.get(key)
            old_side = _Side(self.old_api, old_media.pointer)
            if new_media is None:
                self.out.add(
                    f"{direction}-media-type-removed",
                    self.label,
                    f"{root} no longer {'accepts' if request else 'returns'} "
                    f"{old_media.media_type}",
                    old_side,
                    None,
                )
                continue
            _SchemaComparer(self.out, request=request).compare(
                old_media.schema,
                _schema_side(self.old_api, old_media),
                new_media.schema,
                _schema_side(self.new_api, new_media),
                _Place(self.label, f"{root} ({new_media.media_type})"),
            )
        for key, new_media in new_by_type.items():
            if key not in old_by_type:
                self.out.add(
                    f"{direction}-media-type-added",
                    self.label,
                    f"{root} now {'accepts' if request else 'may return'} {new_media.media_type}",
                    None,
                    _Side(self.new_api, new_media.pointer),
                )

    # -- responses -----------------------------------------------------------------------

    def responses(self) -> None:
        old_by_status = {r.status.upper(): r for r in self.old.responses}
        new_by_status = {r.status.upper(): r for r in self.new.responses}
        for status, old in old_by_status.items():
            new = new_by_status.get(status)
            old_side = _Side(self.old_api, old.pointer)
            if new is None:
                success = status.startswith("2")
                self.out.add(
                    "response-success-removed" if success else "response-status-removed",
                    self.label,
                    f"the {old.status} response was removed",
                    old_side,
                    None,
                )
                continue
            self._media(old.content, new.content, request=False, root=f"the {new.status} response")
        for status, new in new_by_status.items():
            if status not in old_by_status:
                self.out.add(
                    "response-status-added",
                    self.label,
                    f"the {new.status} response is new",
                    None,
                    _Side(self.new_api, new.pointer),
                )

    # -- security ------------------------------------------------------------------------

    def security(self) -> None:
        old_alternatives = _effective_security(self.old_api, self.old)
        new_alternatives = _effective_security(self.new_api, self.new)
        old_side = _Side(self.old_api, _security_pointer(self.old_api, self.old))
        new_side = _Side(self.new_api, _security_pointer(self.new_api, self.new))
        old_open = not old_alternatives or {} in old_alternatives
        new_open = not new_alternatives or {} in new_alternatives
        if old_open:
            if not new_open:
                self.out.add(
                    "security-added",
                    self.label,
                    "the operation now requires credentials",
                    old_side,
                    new_side,
                )
            return
        if new_open:
            self.out.add(
                "security-removed",
                self.label,
                "the operation no longer requires credentials",
                old_side,
                new_side,
            )
            return
        old_sets = [_requirement(self.old_api, r) for r in old_alternatives]
        new_sets = [_requirement(self.new_api, r) for r in new_alternatives]
        for old_set in old_sets:
            if any(_satisfies(old_set, new_set) for new_set in new_sets):
                if any(
                    old_set.keys() == new_set.keys()
                    and all(new_set[k] <= old_set[k] for k in new_set)
                    and any(new_set[k] < old_set[k] for k in new_set)
                    for new_set in new_sets
                ):
                    self.out.add(
                        "security-scopes-removed",
                        self.label,
                        "the operation needs fewer OAuth scopes",
                        old_side,
                        new_side,
                    )
                continue
            same_schemes = [n for n in new_sets if n.keys() == old_set.keys()]
            if same_schemes:
                extra = sorted({s for n in same_schemes for k in n for s in n[k] - old_set[k]})
                self.out.add(
                    "security-scopes-added",
                    self.label,
                    f"the operation now needs the OAuth scopes {', '.join(extra)}",
                    old_side,
                    new_side,
                )
            else:
                names = sorted({name for r in new_alternatives for name in r})
                self.out.add(
                    "security-scheme-replaced",
                    self.label,
                    f"the operation now asks for other credentials ({', '.join(names)})",
                    old_side,
                    new_side,
                )


def _schema_side(api: ApiModel, media: MediaType) -> _Side:
    """Where a media type's schema is written, and whether nested places can be named there
    (not in a 2.0 form body, which is made of several parameters)."""
    written = resolve_tokens(api.document, media.schema_pointer)
    anchored = written is media.schema or (
        isinstance(written, dict)
        and isinstance(media.schema, dict)
        and all(written.get(k) is v for k, v in media.schema.items())
    )
    return _Side(api, media.schema_pointer, anchored=anchored)


def _effective_security(api: ApiModel, operation: Operation) -> list[SecurityRequirement]:
    return operation.security if operation.security is not None else api.security


def _security_pointer(api: ApiModel, operation: Operation) -> Tokens:
    if operation.security is not None:
        return (*operation.pointer, "security")
    return api.security_pointer or operation.pointer


_Credentials = dict[str, set[str]]
"""What a security requirement asks for: each scheme, read as what it asks for (so that a
scheme renamed is the same), with its scopes."""


def _scheme_identity(scheme: SecurityScheme | None, key: str) -> str:
    if scheme is None:
        return f"unknown:{key}"
    if scheme.type == "apiKey":
        return f"apiKey:{scheme.location}:{scheme.param_name.lower()}"
    if scheme.type == "http":
        return f"http:{scheme.scheme}"
    if scheme.type == "openIdConnect":
        return f"openIdConnect:{scheme.open_id_connect_url}"
    return scheme.type


def _requirement(api: ApiModel, requirement: SecurityRequirement) -> _Credentials:
    credentials: _Credentials = {}
    for key, scopes in requirement.items():
        credentials.setdefault(_scheme_identity(api.scheme(key), key), set()).update(scopes)
    return credentials


def _satisfies(old: _Credentials, new: _Credentials) -> bool:
    """Whether a client holding `old`'s credentials meets the requirement `new`."""
    return all(identity in old and scopes <= old[identity] for identity, scopes in new.items())


# -- whole APIs ---------------------------------------------------------------------------


def _by_shape(api: ApiModel) -> dict[tuple[str, str], Operation]:
    result: dict[tuple[str, str], Operation] = {}
    for operation in api.operations:
        result.setdefault((operation.method, path_shape(operation.path)), operation)
    return result


def compare_models(old: ApiModel, new: ApiModel) -> tuple[Change, ...]:
    """Every change from `old` to `new`, the most severe first, then by operation and id."""
    out = _Collector()
    old_ops, new_ops = _by_shape(old), _by_shape(new)
    new_shapes = {shape for _, shape in new_ops}
    removed_paths: dict[str, list[Operation]] = {}
    for key, operation in old_ops.items():
        if key not in new_ops:
            if key[1] not in new_shapes:
                removed_paths.setdefault(operation.path, []).append(operation)
                continue
            deprecated = operation.deprecated
            out.add(
                "operation-removed" if deprecated else "operation-removed-without-deprecation",
                operation.label,
                "the operation was removed"
                + ("" if deprecated else " without being deprecated first"),
                _Side(old, operation.pointer),
                None,
            )
            continue
        try:
            _OperationPair(old, new, operation, new_ops[key], out).compare()
        except RecursionError:
            # A schema nested past Python's own limit: what was found so far still stands.
            continue
    for path, operations in removed_paths.items():
        deprecated = all(op.deprecated for op in operations)
        out.add(
            "path-removed" if deprecated else "path-removed-without-deprecation",
            path,
            "the path was removed" + ("" if deprecated else " without being deprecated first"),
            _Side(old, operations[0].pointer[:-1]),
            None,
        )
    for key, operation in new_ops.items():
        if key not in old_ops:
            out.add(
                "operation-added",
                operation.label,
                "the operation is new",
                None,
                _Side(new, operation.pointer),
            )
    return tuple(sorted(_unique(out.changes), key=_order))


def _unique(changes: list[Change]) -> Iterator[Change]:
    seen: set[Change] = set()
    for change in changes:
        if change not in seen:
            seen.add(change)
            yield change


def _order(change: Change) -> tuple[int, str, str, str, str]:
    return (
        _LEVEL_ORDER[change.level],
        change.operation,
        change.id,
        change.message,
        change.new_pointer,
    )


EXEMPT_STABILITY = ("draft", "alpha")
"""`x-stability-level` values under which breaking changes need no major version step."""


def stability_exemption(api: ApiModel) -> str:
    """Why the newer spec need not take a major step to break (`x-stability-level: alpha`)."""
    level = api.extensions.get("x-stability-level")
    if isinstance(level, str) and level.strip().lower() in EXEMPT_STABILITY:
        return f"x-stability-level: {level.strip().lower()}"
    return ""


def compare_versions(
    kind: ComparisonKind,
    old_label: str,
    new_label: str,
    old: ApiModel,
    new: ApiModel,
    *,
    at: datetime | None = None,
    old_commit: str | None = None,
    new_commit: str | None = None,
    sdk_changes: tuple[Change, ...] = (),
) -> Comparison:
    """The comparison of two versions of an API: its changes, whether `info.version` took a
    major step, and whether the newer spec declares itself exempt from that rule."""
    return Comparison(
        kind=kind,
        old_label=old_label,
        new_label=new_label,
        old_version=old.version,
        new_version=new.version,
        at=at,
        old_commit=old_commit,
        new_commit=new_commit,
        changes=compare_models(old, new),
        sdk_changes=tuple(sdk_changes),
        major=major_step(old.version, new.version),
        exempt=stability_exemption(new),
    )
