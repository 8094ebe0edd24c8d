r"""openapi-spec-validator over a bundled document, each of its errors made a located `Finding`.

The validator reports some errors without saying where (a bad `default`, a schema that fails its
metaschema) and raises on some valid documents. Its keyword validators are subclassed here so
that every error carries the place being validated, and a crash is reported at the last place
the validator entered. Errors are classed `structure`, `example` or `tool` (see `FindingClass`),
from the keyword that failed and where, never from the message text: a `pattern` no regex engine
compiles is the spec's `example` problem; one that only the validator's engine refuses (ECMA-262's
`\p{L}` is unknown to Python's `re`) is the `tool`'s.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import Any, Literal

from jsonschema.exceptions import ValidationError
from jsonschema_path import SchemaPath
from openapi_spec_validator.validation import keywords
from openapi_spec_validator.validation.validators import (
    OpenAPIV2SpecValidator,
    OpenAPIV30SpecValidator,
    OpenAPIV31SpecValidator,
    SpecValidator,
)

from mkdocs_platform.models import Finding, FindingClass
from mkdocs_platform.openapi.document import SpecDocument, resolve_tokens
from mkdocs_platform.openapi.fast_validate import (
    FROM_VALUE,
    PARTS,
    KeywordWalk,
    located,
    python_compiles,
)
from mkdocs_platform.openapi.patterns import UNCHECKED, bounded_validator

MAX_ERRORS = 200
"""Validator errors kept per document; a count of the rest is reported."""

RULE = "oas-valid"

ValidationMode = Literal["fast", "full", "none"]
"""`fast`: the document schema and `KeywordWalk`; `full`: openapi-spec-validator itself;
`none`: not validated here, because a bundle brings the findings its own build's validator gave."""


def _regex_checker() -> Any:
    try:
        import jsonschema_rs
    except ImportError:  # pragma: no cover - jsonschema-rs is a dependency
        return None
    return jsonschema_rs.validator_for({"type": "string", "format": "regex"}, validate_formats=True)


_RS_REGEX = _regex_checker()


def _rust_compiles(pattern: str) -> bool:
    return _RS_REGEX is None or bool(_RS_REGEX.is_valid(pattern))


def pattern_rejected(pattern: str) -> bool:
    """Whether either regex engine the validator may use refuses `pattern`."""
    return not python_compiles(pattern) or not _rust_compiles(pattern)


def pattern_invalid(pattern: str) -> bool:
    """Whether no regex engine compiles `pattern`: the spec's mistake, not a tool's limit."""
    return not python_compiles(pattern) and not _rust_compiles(pattern)


def _pattern_class(pattern: Any) -> FindingClass:
    """`example` for a pattern no engine compiles, `tool` for one only some engine refuses."""
    if isinstance(pattern, str) and not pattern_invalid(pattern):
        return "tool"
    return "example"


def _is_regex_format(error: ValidationError) -> bool:
    return bool(error.validator == "format" and error.validator_value == "regex")


def _find_rejected_pattern(node: Any, budget: int = 20_000) -> list[str] | None:
    """Tokens of the first `pattern` under `node` that a regex engine refuses."""
    stack: list[tuple[Any, list[str]]] = [(node, [])]
    while stack and budget > 0:
        budget -= 1
        value, tokens = stack.pop()
        if isinstance(value, dict):
            pattern = value.get("pattern")
            if isinstance(pattern, str) and pattern_rejected(pattern):
                return [*tokens, "pattern"]
            stack.extend((v, [*tokens, k]) for k, v in value.items() if isinstance(v, (dict, list)))
        elif isinstance(value, list):
            stack.extend((v, [*tokens, str(i)]) for i, v in enumerate(value))
    return None


def _located(cls: type[keywords.KeywordValidator]) -> type[keywords.KeywordValidator]:
    """A subclass of a keyword validator whose errors say where they were found."""
    is_value_check = issubclass(cls, keywords.ValueValidator)

    class Located(cls):  # type: ignore[misc,valid-type]
        def __call__(self, *args: Any, **kwargs: Any) -> Iterator[ValidationError]:
            where = next((a for a in args if isinstance(a, SchemaPath)), None)
            parts = tuple(str(p) for p in where.parts) if where is not None else None
            if parts is not None:
                self.registry._platform_last = parts
            for error in super().__call__(*args, **kwargs):
                if parts is not None:
                    located(error, parts, from_value=is_value_check)
                yield error

    if is_value_check:
        # Defaults are matched against the spec's patterns: bounded, never Python's `re`.
        value_class = cls.value_validator_cls  # type: ignore[attr-defined]
        Located.value_validator_cls = bounded_validator(value_class)
    Located.__name__ = f"Located{cls.__name__}"
    return Located


def _located_validator(base: type[SpecValidator]) -> type[SpecValidator]:
    validators: Mapping[str, type[keywords.KeywordValidator]] = {
        name: _located(kw) for name, kw in base.keyword_validators.items()
    }
    # No resolver handlers: bundling already read every file the spec may read, and the
    # validator must never open a file or a URL on its own.
    return type(
        f"Located{base.__name__}",
        (base,),
        {"keyword_validators": validators, "resolver_handlers": {}},
    )


_VALIDATORS: dict[str, type[SpecValidator]] = {
    "2.0": _located_validator(OpenAPIV2SpecValidator),
    "3.0": _located_validator(OpenAPIV30SpecValidator),
    "3.1": _located_validator(OpenAPIV31SpecValidator),
}


def spec_family(data: Any) -> str | None:
    """`2.0`, `3.0` or `3.1` from the document's version key, or None."""
    if not isinstance(data, dict):
        return None
    swagger = data.get("swagger")
    if swagger is not None:
        return "2.0" if str(swagger) == "2.0" else None
    openapi = data.get("openapi")
    if isinstance(openapi, str):
        for family in ("3.0", "3.1"):
            if openapi == family or openapi.startswith(family + "."):
                return family
    return None


@lru_cache(maxsize=4)
def _document_schema_validator(family: str) -> Any:
    from jsonschema.validators import validator_for
    from openapi_spec_validator.schemas.utils import get_schema_content

    schema = get_schema_content(family)
    return validator_for(schema)(schema)


def _explain(family: str, error: ValidationError, instance: Any) -> tuple[list[str], str] | None:
    """The most relevant cause of a document-schema error, for a message a person can act on.

    The fast backend reports "is not valid under any of the schemas listed in 'oneOf'" with
    the whole object; the reference implementation, run on just that object, says which
    property is wrong.
    """
    try:
        root = _document_schema_validator(family)
        schema: Any = root.schema
        for token in list(error.schema_path)[:-1]:
            schema = schema[int(token)] if isinstance(schema, list) else schema[token]
        leaves = [
            leaf for e in root.evolve(schema=schema).iter_errors(instance) for leaf in _leaves(e)
        ]
    except Exception:  # noqa: BLE001 - an explanation is a nicety; the finding stands without it
        return None
    # A `$ref` alternative (Reference Object) is rarely what the author meant.
    leaves = [e for e in leaves if not (e.validator == "required" and "'$ref'" in e.message)]
    if not leaves:
        return None
    best = max(
        leaves,
        key=lambda e: (e.validator == "required", len(e.absolute_path), e.validator != "oneOf"),
    )
    return [str(p) for p in best.absolute_path], _short(best.message)


def _leaves(error: ValidationError) -> list[ValidationError]:
    if not error.context:
        return [error]
    return [leaf for child in error.context for leaf in _leaves(child)]


def _short(message: str) -> str:
    message = message.split("\n\nFailed validating", 1)[0]
    return message if len(message) <= 300 else message[:300] + "…"


def _classify(
    doc: SpecDocument, family: str, error: ValidationError
) -> tuple[FindingClass, list[str], str]:
    parts = getattr(error, PARTS, None)
    relative = [str(p) for p in error.absolute_path]
    message = _short(error.message)
    if parts is None:
        # The document schema: the shape of OpenAPI itself.
        tokens = doc.physical_tokens(relative)
        combined = bool(error.schema_path) and error.schema_path[-1] in ("oneOf", "anyOf")
        if _is_regex_format(error) or combined:
            node = resolve_tokens(doc.data, tokens)
            bad = _find_rejected_pattern(node)
            if bad is not None:
                pattern_at = [*tokens, *bad]
                pattern = resolve_tokens(doc.data, pattern_at)
                return (
                    _pattern_class(pattern),
                    pattern_at,
                    f"the pattern {pattern!r} is not a regex the validator accepts",
                )
        explained = (
            _explain(family, error, resolve_tokens(doc.data, relative)) if combined else None
        )
        if explained is not None:
            inner, message = explained
            tokens = doc.physical_tokens([*relative, *inner])
        return "structure", tokens, message
    tokens = doc.physical_tokens([*parts, *relative])
    if getattr(error, FROM_VALUE, False):
        if getattr(error, UNCHECKED, False):
            return "example", tokens, f"the default value cannot be checked: {message}"
        return "example", tokens, f"the default value does not match its schema: {message}"
    if _is_regex_format(error):
        return _pattern_class(error.instance), tokens, message
    return "structure", tokens, message


def validate_document(doc: SpecDocument, mode: ValidationMode = "fast") -> list[Finding]:
    """Validate a bundled spec with openapi-spec-validator's verdicts; every problem located.

    `fast` reaches them at parsing speed (see `fast_validate`); `full` runs the validator.
    """
    family = spec_family(doc.data)
    if family is None:
        version = (
            doc.data.get("openapi", doc.data.get("swagger")) if isinstance(doc.data, dict) else None
        )
        return [
            doc.finding(
                RULE,
                "error",
                "structure",
                f"the document's version {version!r} is not OpenAPI 2.0, 3.0 or 3.1",
                ["openapi" if isinstance(doc.data, dict) and "openapi" in doc.data else "swagger"],
            )
        ]
    if doc.unresolved_refs:
        # The validator raises on unresolved $refs; they are reported already.
        return []
    base = _VALIDATORS[family]
    if mode == "full":
        validator = base(doc.data)
        errors = _iter_errors(validator)
        registry = validator.keyword_validators_registry

        def last_place() -> tuple[str, ...]:
            return tuple(getattr(registry, "_platform_last", ()))

        failed = "openapi-spec-validator failed here"
    else:
        walk = KeywordWalk(doc.data, family)
        errors = itertools.chain(base.schema_validator.iter_errors(doc.data), walk.iter_errors())

        def last_place() -> tuple[str, ...]:
            return walk.last

        failed = "validation failed here"
    findings: list[Finding] = []
    seen: set[tuple[str, str]] = set()
    extra = 0
    try:
        for error in errors:
            finding_class, tokens, message = _classify(doc, family, error)
            key = ("/".join(tokens), message)
            if key in seen:
                continue
            seen.add(key)
            if len(findings) >= MAX_ERRORS:
                extra += 1
                continue
            findings.append(doc.finding(RULE, "error", finding_class, message, tokens))
    except Exception as exc:  # noqa: BLE001 - the validator may raise anything on valid input
        tokens = doc.physical_tokens(list(last_place()))
        findings.append(
            doc.finding(
                RULE,
                "warn",
                "tool",
                f"{failed} ({type(exc).__name__}: {str(exc)[:200]}); "
                "the rest of the document was not validated",
                tokens,
            )
        )
    if extra:
        findings.append(
            doc.finding(RULE, "info", "tool", f"{extra} more validator errors not shown", [])
        )
    return findings


def _iter_errors(validator: SpecValidator) -> Iterator[ValidationError]:
    # SpecValidator.iter_errors memoizes on the instance for the life of the process;
    # calling its two steps directly keeps memory flat across serve rebuilds.
    yield from validator.schema_validator.iter_errors(validator.schema)
    yield from validator.root_validator(validator.schema_path)
