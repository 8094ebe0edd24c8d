"""Example values made from schemas, for request samples and responses without examples.

Deterministic (the same schema gives the same value), bounded in depth and size, and faithful
to the schema: types, formats, enums, constants, defaults, bounds and required properties are
respected; `oneOf`/`anyOf` take their first branch; `allOf` parts are merged; properties that
are read-only are left out of requests and write-only ones out of responses.
"""

from __future__ import annotations

import re
import warnings
from typing import Any, Literal

from mkdocs_platform.models.api import ApiModel, Discriminator, Example
from mkdocs_platform.models.pointers import from_pointer
from mkdocs_platform.openapi.schema import (
    bounds,
    discriminator,
    is_nullable,
    merge_all_of,
    resolve,
)

Direction = Literal["request", "response"]

MAX_DEPTH = 8
"""Nesting past this depth gives no value (an empty object or array stops the recursion)."""
MAX_PROPERTIES = 40

_FORMAT_VALUES: dict[str, Any] = {
    "date-time": "2024-01-15T09:30:00Z",
    "date": "2024-01-15",
    "time": "09:30:00Z",
    "email": "user@example.com",
    "idn-email": "user@example.com",
    "uri": "https://example.com/resource",
    "url": "https://example.com/resource",
    "uri-reference": "/resource",
    "iri": "https://example.com/resource",
    "hostname": "example.com",
    "idn-hostname": "example.com",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
    "uuid": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
    "byte": "U3dhZ2dlciByb2Nrcw==",
    "binary": "<binary>",
    "password": "********",
    "duration": "P1D",
    "regex": "^[a-z]+$",
}


def first_example(examples: list[Example]) -> tuple[bool, Any]:
    """(found, value) of the first example given in the spec."""
    for example in examples:
        if not example.external_value:
            return True, example.value
    return False, None


class _Builder:
    def __init__(self, api: ApiModel, direction: Direction) -> None:
        self.api = api
        self.direction = direction

    def value(self, schema: Any, depth: int = 0, stack: tuple[int, ...] = ()) -> Any:
        resolved = resolve(self.api, schema)
        if not isinstance(resolved, dict):
            return None
        if id(resolved) in stack or depth > MAX_DEPTH:
            return None
        stack = (*stack, id(resolved))
        resolved, _ = merge_all_of(self.api, resolved, frozenset(stack))
        for key in ("const", "example", "default"):
            if key in resolved:
                return resolved[key]
        examples = resolved.get("examples")
        if isinstance(examples, list) and examples:
            return examples[0]
        enum = resolved.get("enum")
        if isinstance(enum, list) and enum:
            return next((v for v in enum if v is not None), enum[0])
        for combiner in ("oneOf", "anyOf"):
            branches = resolved.get(combiner)
            if isinstance(branches, list) and branches:
                base = {k: v for k, v in resolved.items() if k != combiner}
                branch = self.value(branches[0], depth + 1, stack)
                if isinstance(branch, dict) and base.get("properties"):
                    own = self.value(base, depth + 1, stack)
                    branch = {**(own if isinstance(own, dict) else {}), **branch}
                if isinstance(branch, dict):
                    self.discriminate(discriminator(self.api, resolved), branches[0], branch)
                return branch
        kind = self.kind(resolved)
        if kind == "object":
            return self.object(resolved, depth, stack)
        if kind == "array":
            item = self.value(resolved.get("items"), depth + 1, stack)
            min_items = resolved.get("minItems")
            count = min_items if isinstance(min_items, int) else 1
            return [] if item is None else [item] * max(1, min(count, 3))
        if kind == "string":
            return self.string(resolved)
        if kind == "integer":
            return int(self.number(resolved, integer=True))
        if kind == "number":
            return self.number(resolved, integer=False)
        if kind == "boolean":
            return True
        if kind == "null":
            return None
        return None

    @staticmethod
    def discriminate(
        selector: Discriminator | None, branch_schema: Any, value: dict[str, Any]
    ) -> None:
        """Set the discriminator property to the value that selects the branch taken."""
        if selector is None:
            return
        ref = branch_schema.get("$ref") if isinstance(branch_schema, dict) else None
        if not isinstance(ref, str):
            return
        tokens = from_pointer(ref.partition("#")[2])
        name = tokens[-1] if tokens else ref
        key = next((k for k, v in selector.mapping.items() if v in (ref, name)), None)
        value[selector.property_name] = key if key is not None else name

    @staticmethod
    def kind(schema: dict[str, Any]) -> str:
        raw = schema.get("type")
        if isinstance(raw, list):
            raw = next((t for t in raw if t != "null"), "null")
        if isinstance(raw, str):
            return raw
        if "properties" in schema or "additionalProperties" in schema:
            return "object"
        if "items" in schema:
            return "array"
        return ""

    def object(self, schema: dict[str, Any], depth: int, stack: tuple[int, ...]) -> dict[str, Any]:
        raw_properties = schema.get("properties")
        properties: dict[str, Any] = raw_properties if isinstance(raw_properties, dict) else {}
        raw_required = schema.get("required")
        required = set(raw_required) if isinstance(raw_required, list) else set()
        result: dict[str, Any] = {}
        for name, prop in list(properties.items())[:MAX_PROPERTIES]:
            resolved = resolve(self.api, prop)
            if isinstance(resolved, dict):
                if self.direction == "request" and resolved.get("readOnly") is True:
                    continue
                if self.direction == "response" and resolved.get("writeOnly") is True:
                    continue
            value = self.value(prop, depth + 1, stack)
            if (
                value is None
                and name not in required
                and not is_nullable(self.api.dialect, resolved)
            ):
                continue
            result[name] = value
        if not result and isinstance(schema.get("additionalProperties"), dict):
            value = self.value(schema["additionalProperties"], depth + 1, stack)
            if value is not None:
                result["key"] = value
        return result

    @staticmethod
    def string(schema: dict[str, Any]) -> str:
        pattern = schema.get("pattern")
        if isinstance(pattern, str):
            matching = pattern_example(pattern)
            if matching is not None:
                return matching
        text = str(_FORMAT_VALUES.get(str(schema.get("format") or ""), "string"))
        min_length = schema.get("minLength")
        max_length = schema.get("maxLength")
        if isinstance(min_length, int) and len(text) < min_length:
            text = text + "x" * (min_length - len(text))
        if isinstance(max_length, int) and len(text) > max_length:
            text = text[: max(max_length, 0)]
        return text

    def number(self, schema: dict[str, Any], *, integer: bool) -> float:
        step = 1 if integer else 0.5
        dialect = self.api.dialect
        # The last limit read wins: 3.1's `exclusiveMinimum` over `minimum`, as before.
        lows = bounds(dialect, schema, "minimum", "exclusiveMinimum")
        highs = bounds(dialect, schema, "maximum", "exclusiveMaximum")
        low, exclusive_low = lows[-1] if lows else (None, False)
        high, exclusive_high = highs[-1] if highs else (None, False)
        value: float = 1 if integer else 1.5
        if isinstance(low, (int, float)) and not isinstance(low, bool):
            value = low + step if exclusive_low else low
        if isinstance(high, (int, float)) and not isinstance(high, bool) and value > high:
            value = high - step if exclusive_high else high
        multiple = schema.get("multipleOf")
        if isinstance(multiple, (int, float)) and not isinstance(multiple, bool) and multiple > 0:
            value = multiple * max(1, round(value / multiple))
        return value


MAX_PATTERN_SAMPLE = 1000
"""Longest text made to match a pattern."""


def _from_pattern(items: Any, budget: list[int]) -> str:
    """The shortest text matching parsed regex `items` (sre_parse output), within a budget."""
    out: list[str] = []
    for op, arg in items:
        budget[0] -= 1
        if budget[0] < 0:
            raise ValueError("pattern too complex")
        name = str(op)
        if name == "LITERAL":
            out.append(chr(arg))
        elif name == "NOT_LITERAL":
            out.append("a" if chr(arg) != "a" else "b")
        elif name == "ANY":
            out.append("a")
        elif name == "IN":
            out.append(_from_class(arg))
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, _high, sub = arg
            piece = _from_pattern(sub, budget)
            times = max(low, 1 if low == 0 and _high != 0 else low)
            # `a{1000000000}` would be a gigabyte: a sample that long is no sample.
            if len(piece) * times > MAX_PATTERN_SAMPLE:
                raise ValueError("the shortest match is too long")
            out.append(piece * times)
        elif name == "SUBPATTERN":
            out.append(_from_pattern(arg[-1], budget))
        elif name == "ATOMIC_GROUP":
            out.append(_from_pattern(arg, budget))
        elif name == "BRANCH":
            out.append(_from_pattern(arg[1][0], budget))
        elif name == "CATEGORY":
            out.append(_CATEGORY_TEXT.get(str(arg), "a"))
        elif name in ("AT", "ASSERT", "ASSERT_NOT", "GROUPREF"):
            continue
        else:
            raise ValueError(f"unsupported {name}")
    text = "".join(out)
    if len(text) > MAX_PATTERN_SAMPLE:
        raise ValueError("the shortest match is too long")
    return text


_CATEGORY_TEXT = {
    "CATEGORY_DIGIT": "0",
    "CATEGORY_WORD": "a",
    "CATEGORY_SPACE": " ",
    "CATEGORY_NOT_DIGIT": "a",
    "CATEGORY_NOT_WORD": "-",
    "CATEGORY_NOT_SPACE": "a",
}


def _from_class(items: Any) -> str:
    if items and str(items[0][0]) == "NEGATE":
        excluded = {chr(a) for op, a in items[1:] if str(op) == "LITERAL"}
        return next(c for c in "aZ0-_x" if c not in excluded)
    op, arg = items[0]
    if str(op) == "LITERAL":
        return chr(arg)
    if str(op) == "RANGE":
        return chr(arg[0])
    if str(op) == "CATEGORY":
        return _CATEGORY_TEXT.get(str(arg), "a")
    return "a"


def pattern_example(pattern: str) -> str | None:
    """A short text that `pattern` matches (as JSON Schema does: anywhere), or None."""
    # Imported on first use: its regex engines take half a second to import, and a build whose
    # pages all come from the cache never makes an example.
    from mkdocs_platform.openapi.patterns import pattern_matches

    try:
        import re._parser as sre_parse  # type: ignore[import-not-found,unused-ignore]
    except ImportError:  # Python 3.10
        import sre_parse  # type: ignore[no-redef,unused-ignore]

    try:
        with warnings.catch_warnings():
            # A spec's odd pattern ("possible nested set") is not a warning for the build's log.
            warnings.simplefilter("ignore")
            text = _from_pattern(sre_parse.parse(pattern), [500])
            # The spec's pattern, matched bounded: Python's `re` can backtrack without end.
            return text if pattern_matches(pattern, text) else None
    except (
        ValueError,
        re.error,
        RecursionError,
        IndexError,
        TypeError,
        StopIteration,
        OverflowError,
    ):
        return None


def example_value(api: ApiModel, schema: Any, direction: Direction = "request") -> Any:
    """A value that validates against `schema`, made from the schema alone."""
    return _Builder(api, direction).value(schema)
