"""Matching a spec's regular expressions without backtracking beyond a bound.

A spec's `pattern` (or `patternProperties` key) and the text it is matched against both come
from the spec, so both are hostile: Python's `re` takes exponential time on `^(a+)+$` against
`aaaa…!`. Patterns are matched here by the Rust regex engines of jsonschema-rs (already a
dependency, and the engine of the validator's fast backend): a pattern without backreferences or
lookaround runs on the `regex` crate, in time linear in the text; one with them runs on
fancy-regex with a limit on backtracking steps. A pattern neither compiles, or a match that hits
the limit, raises `PatternError`: it cannot be checked, which is the spec's finding to report.

The JSON Schema keywords that match patterns (`pattern`, `patternProperties`, and the
`additionalProperties` and `unevaluatedProperties` that look at them) are given here as
jsonschema keyword functions, and `bounded_validator` puts them into any jsonschema validator
class in place of the ones that call Python's `re`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import Any

import jsonschema_rs
from jsonschema import validators
from jsonschema.exceptions import ValidationError


class PatternError(ValueError):
    """A pattern that cannot be checked: it does not compile, or it exceeds the limits."""


BACKTRACK_LIMIT = 20_000
"""Backtracking steps a pattern with backreferences or lookaround may take on one text."""

SIZE_LIMIT = 4 * 1024 * 1024
"""Bytes a compiled pattern may take (`a{1000}{1000}` is far larger)."""

_SHOWN = 80

_EXCEEDED: dict[str, PatternError] = {}
"""Patterns that hit the limit once: each is refused at once afterwards, so a spec with many
examples of one such pattern costs one limit's worth of work, not one per example."""
_EXCEEDED_KEPT = 4096


def _shown(pattern: str) -> str:
    text = pattern if len(pattern) <= _SHOWN else pattern[:_SHOWN] + "…"
    return repr(text.encode("utf-8", "backslashreplace").decode("utf-8"))


_OPTIONS = jsonschema_rs.FancyRegexOptions(
    backtrack_limit=BACKTRACK_LIMIT, size_limit=SIZE_LIMIT, dfa_size_limit=SIZE_LIMIT
)


@lru_cache(maxsize=4096)
def _matcher(pattern: str) -> Any:
    """A validator of `{"pattern": pattern}`, or the reason it cannot be made."""
    try:
        return jsonschema_rs.Draft202012Validator({"pattern": pattern}, pattern_options=_OPTIONS)
    except (jsonschema_rs.ValidationError, ValueError) as exc:
        reason = str(exc).split("\n", 1)[0]
        return PatternError(
            f"the pattern {_shown(pattern)} is not a regular expression the checker compiles "
            f"({reason[:120]})"
        )


def check_pattern(pattern: str) -> None:
    """Nothing when `pattern` compiles within the limits.

    Raises:
        PatternError: when it cannot be checked.
    """
    matcher = _matcher(pattern)
    if isinstance(matcher, PatternError):
        raise matcher


def pattern_matches(pattern: str, text: str) -> bool:
    """Whether `pattern` matches anywhere in `text`, as JSON Schema reads it.

    Raises:
        PatternError: when the pattern does not compile or the match exceeds the limits.
    """
    matcher = _matcher(pattern)
    if isinstance(matcher, PatternError):
        raise matcher
    if pattern in _EXCEEDED:
        raise _EXCEEDED[pattern]
    try:
        if matcher.is_valid(text):
            return True
        error = next(iter(matcher.iter_errors(text)), None)
    except (ValueError, UnicodeError) as exc:  # a lone surrogate has no UTF-8 form
        raise PatternError(f"the text cannot be matched: {exc}") from None
    if error is not None and isinstance(
        error.kind, jsonschema_rs.ValidationErrorKind.BacktrackLimitExceeded
    ):
        exceeded = PatternError(
            f"the pattern {_shown(pattern)} takes more than {BACKTRACK_LIMIT:,} backtracking steps"
        )
        if len(_EXCEEDED) >= _EXCEEDED_KEPT:
            _EXCEEDED.clear()
        _EXCEEDED[pattern] = exceeded
        raise exceeded
    return False


def _search(pattern: Any, text: str) -> bool | PatternError:
    if not isinstance(pattern, str):
        return PatternError(f"the pattern {pattern!r} is not text")
    try:
        return pattern_matches(pattern, text)
    except PatternError as exc:
        return exc


UNCHECKED = "_platform_pattern_unchecked"
"""Set (True) on a validation error that says a pattern could not be checked."""


def _unchecked(error: PatternError) -> ValidationError:
    validation_error = ValidationError(f"{error}; the value is not checked against it")
    setattr(validation_error, UNCHECKED, True)
    return validation_error


def pattern(
    validator: Any,
    patrn: Any,
    instance: Any,
    schema: Mapping[str, Any],  # noqa: ARG001 - jsonschema's keyword signature
) -> Iterator[ValidationError]:
    """`pattern`, bounded."""
    if not validator.is_type(instance, "string"):
        return
    matched = _search(patrn, instance)
    if isinstance(matched, PatternError):
        yield _unchecked(matched)
    elif not matched:
        yield ValidationError(f"{instance!r} does not match {patrn!r}")


def pattern_properties(
    validator: Any,
    properties: Any,
    instance: Any,
    schema: Mapping[str, Any],  # noqa: ARG001 - jsonschema's keyword signature
) -> Iterator[ValidationError]:
    """`patternProperties`, bounded."""
    if not validator.is_type(instance, "object") or not isinstance(properties, Mapping):
        return
    for patrn, subschema in properties.items():
        for key, value in instance.items():
            matched = _search(patrn, key)
            if isinstance(matched, PatternError):
                yield _unchecked(matched)
                break
            if matched:
                yield from validator.descend(value, subschema, path=key, schema_path=patrn)


def _matching_any(patterns: Any, key: str) -> bool | PatternError:
    if not isinstance(patterns, Mapping):
        return False
    for patrn in patterns:
        matched = _search(patrn, key)
        if matched is not False:
            return matched
    return False


def additional_properties(
    validator: Any, allowed: Any, instance: Any, schema: Mapping[str, Any]
) -> Iterator[ValidationError]:
    """`additionalProperties`, with `patternProperties` matched bounded."""
    if not validator.is_type(instance, "object"):
        return
    properties = schema.get("properties", {})
    patterns = schema.get("patternProperties", {})
    extras: list[str] = []
    for key in instance:
        if key in properties:
            continue
        matched = _matching_any(patterns, key)
        if isinstance(matched, PatternError):
            yield _unchecked(matched)
            return
        if not matched:
            extras.append(key)
    if validator.is_type(allowed, "object"):
        for extra in extras:
            yield from validator.descend(instance[extra], allowed, path=extra)
    elif allowed is False and extras:
        listed = ", ".join(repr(extra) for extra in sorted(extras, key=str))
        verb = "was" if len(extras) == 1 else "were"
        yield ValidationError(f"Additional properties are not allowed ({listed} {verb} unexpected)")


def _evaluated_keys(validator: Any, instance: Any, schema: Any) -> list[str]:
    """The keys of `instance` that `schema` evaluates (jsonschema's rule), patterns bounded.

    Raises:
        PatternError: when a `patternProperties` key cannot be checked.
    """
    if not isinstance(schema, Mapping):
        return []
    keys: list[str] = []
    for keyword in ("$ref", "$dynamicRef"):
        ref = schema.get(keyword)
        if isinstance(ref, str):
            resolved = validator._resolver.lookup(ref)
            inner = validator.evolve(schema=resolved.contents, _resolver=resolved.resolver)
            keys.extend(_evaluated_keys(inner, instance, resolved.contents))
    properties = schema.get("properties")
    if isinstance(properties, Mapping):
        keys.extend(k for k in instance if k in properties)
    for keyword in ("additionalProperties", "unevaluatedProperties"):
        subschema = schema.get(keyword)
        if subschema is not None:
            keys.extend(
                k for k, v in instance.items() if validator.evolve(schema=subschema).is_valid(v)
            )
    for key in instance:
        matched = _matching_any(schema.get("patternProperties"), key)
        if isinstance(matched, PatternError):
            raise matched
        if matched:
            keys.append(key)
    dependent = schema.get("dependentSchemas")
    if isinstance(dependent, Mapping):
        for key, subschema in dependent.items():
            if key in instance:
                keys.extend(_evaluated_keys(validator, instance, subschema))
    for keyword in ("allOf", "oneOf", "anyOf"):
        subschemas = schema.get(keyword)
        for subschema in subschemas if isinstance(subschemas, list) else ():
            if validator.evolve(schema=subschema).is_valid(instance):
                keys.extend(_evaluated_keys(validator, instance, subschema))
    if "if" in schema:
        if validator.evolve(schema=schema["if"]).is_valid(instance):
            keys.extend(_evaluated_keys(validator, instance, schema["if"]))
            if "then" in schema:
                keys.extend(_evaluated_keys(validator, instance, schema["then"]))
        elif "else" in schema:
            keys.extend(_evaluated_keys(validator, instance, schema["else"]))
    return keys


def unevaluated_properties(
    validator: Any, unevaluated: Any, instance: Any, schema: Mapping[str, Any]
) -> Iterator[ValidationError]:
    """`unevaluatedProperties`, with `patternProperties` matched bounded."""
    if not validator.is_type(instance, "object"):
        return
    try:
        evaluated = set(_evaluated_keys(validator, instance, schema))
    except PatternError as exc:
        yield _unchecked(exc)
        return
    failing = [
        key
        for key in instance
        if key not in evaluated and not validator.evolve(schema=unevaluated).is_valid(instance[key])
    ]
    if not failing:
        return
    listed = ", ".join(repr(key) for key in failing)
    verb = "was" if len(failing) == 1 else "were"
    if unevaluated is False:
        yield ValidationError(
            f"Unevaluated properties are not allowed ({listed} {verb} unexpected)"
        )
    else:
        yield ValidationError(
            "Unevaluated properties are not valid under the given schema "
            f"({listed} {verb} unevaluated and invalid)"
        )


_BOUNDED = {
    "pattern": pattern,
    "patternProperties": pattern_properties,
    "additionalProperties": additional_properties,
    "unevaluatedProperties": unevaluated_properties,
}


@lru_cache(maxsize=16)
def bounded_validator(base: Any) -> Any:
    """`base` (a jsonschema validator class) with every keyword that matches patterns bounded.

    Only keywords `base` knows are replaced: OpenAPI 3.0's validator ignores
    `patternProperties`, and still does.
    """
    replaced = {name: fn for name, fn in _BOUNDED.items() if name in base.VALIDATORS}
    return validators.extend(base, replaced)
