"""openapi-spec-validator's verdicts at parsing speed.

The validator checks a document in two steps: the OpenAPI document schema it ships (run here the
same way, through its own jsonschema-rs backend), then a walk of checks through tags, paths,
parameters, responses and schemas that a schema cannot express. The walk is where its time
goes: every step reads through a reference-resolving path object, and its registries of visited
schemas and operationIds are lists searched from the start, so the time grows with the square of
the number of schemas (tens of seconds for a large API).

`KeywordWalk` walks the plain loaded document in the same order, with the same checks, messages
and places, and fails where the validator fails (an unresolvable `$ref`, a parameter without a
name, a stray brace in a path), so that `validate.py` reports both alike. The metaschema check of
each schema is answered by jsonschema-rs; only a schema it may reject goes through the
validator's own check, for its exact message. Parity with the validator is tested over real and
faulty documents in `tests/test_fast_validation.py`.
"""

from __future__ import annotations

import re
import string
import warnings
from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import Any

import jsonschema_rs
from jsonschema.exceptions import SchemaError, ValidationError
from jsonschema.validators import validator_for
from openapi_schema_validator import (
    OAS31_BASE_DIALECT_ID,
    oas30_format_checker,
    oas31_format_checker,
)
from openapi_schema_validator.validators import OAS30Validator, OAS31Validator
from openapi_spec_validator.validation.exceptions import (
    DuplicateOperationIDError,
    ExtraParametersError,
    OpenAPIValidationError,
    ParameterDuplicateError,
    UnresolvableParameterError,
)
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4, DRAFT202012

from mkdocs_platform.models.pointers import from_pointer, list_index, to_pointer
from mkdocs_platform.openapi.patterns import bounded_validator

PARTS = "_platform_parts"
"""Attribute of an error: the tokens of the place the walk was checking."""
FROM_VALUE = "_platform_value_check"
"""Attribute of an error: True when a `default` value failed its schema."""

_OPERATIONS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_MAX_REF_HOPS = 64
_DOCUMENT_URI = "urn:mkdocs-platform:document"
_UNSEEN = object()


class UnresolvableRefError(LookupError):
    """A `$ref` met on the walk points nowhere (the validator fails there too)."""


def located(error: ValidationError, parts: tuple[str, ...], from_value: bool = False) -> None:
    """Mark `error` with the place it was found, unless an inner check marked it first."""
    if not hasattr(error, PARTS):
        setattr(error, PARTS, (*parts, "default") if from_value else parts)
        setattr(error, FROM_VALUE, from_value)


def python_compiles(pattern: str) -> bool:
    """Whether Python's `re` compiles `pattern`, without a warning on stderr."""
    try:
        with warnings.catch_warnings():
            # A spec's odd pattern is its finding to make, not a warning on stderr.
            warnings.simplefilter("ignore")
            re.compile(pattern)
    except (re.error, OverflowError, RecursionError, ValueError):
        return False
    return True


@lru_cache(maxsize=1)
def _draft4_metaschema() -> Any:
    # The metaschema OpenAPI 2.0 and 3.0 schemas are checked against; its `regex` format is
    # Python's `re`, as in the validator.
    return jsonschema_rs.Draft4Validator(
        OAS30Validator.META_SCHEMA, validate_formats=True, formats={"regex": python_compiles}
    )


def _surely_meets_draft4(value: Any) -> bool:
    """True when `value` meets the draft-04 metaschema; False when it may not."""
    try:
        return bool(_draft4_metaschema().is_valid(value))
    except (ValueError, TypeError, OverflowError):
        # A value jsonschema-rs cannot take (a YAML date, a huge number): ask the validator.
        return False


class KeywordWalk:
    """The validator's checks beyond the document schema, over one loaded document.

    `last` holds the place of the latest check entered, where a failure is reported.
    """

    def __init__(self, data: Any, family: str) -> None:
        self.data = data
        self.family = family
        self.last: tuple[str, ...] = ()
        self.visited: set[int] = set()
        self.meta_checked: set[int] = set()
        self.operation_ids: set[Any] = set()
        self.unhashable_ids: list[Any] = []
        self.dialect: str | None = None
        self._registry: Registry[Any] | None = None
        self._places: dict[int, list[str]] | None = None
        self._targets: dict[str, Any] = {}

    # -- reading as the validator's path objects do ------------------------------------
    # A check is entered with the node as written, and follows its `$ref` once entered: a
    # `$ref` that fails is reported at the check that met it, as the validator reports it.

    def resolve(self, node: Any) -> Any:
        """`node` with `$ref`s followed to what they point at."""
        hops = 0
        while isinstance(node, dict) and isinstance(ref := node.get("$ref"), str):
            hops += 1
            if hops > _MAX_REF_HOPS:
                raise UnresolvableRefError(ref)
            target = self._targets.get(ref, _UNSEEN)
            if target is _UNSEEN:
                target = self._targets[ref] = self._target(ref)
            node = target
        return node

    def _target(self, ref: str) -> Any:
        if not ref.startswith("#"):
            raise UnresolvableRefError(ref)
        node = self.data
        for token in from_pointer(ref):
            if isinstance(node, dict) and token in node:
                node = node[token]
            elif isinstance(node, list) and (index := list_index(token, len(node))) is not None:
                node = node[index]
            else:
                raise UnresolvableRefError(ref)
        return node

    @staticmethod
    def has(node: Any, key: str) -> bool:
        return isinstance(node, dict) and key in node

    def value(self, node: Any, key: str) -> Any:
        """The value under `key` of a resolved mapping, resolved; KeyError where there is none."""
        if isinstance(node, dict):
            return self.resolve(node[key])
        raise KeyError(key)

    @staticmethod
    def entries(node: Any) -> list[tuple[Any, Any]]:
        """(key, value as written) pairs of a mapping, (index, value) of a list."""
        if isinstance(node, dict):
            return list(node.items())
        if isinstance(node, list):
            return list(enumerate(node))
        raise KeyError(type(node).__name__)

    def read_str(self, node: Any, key: str) -> str:
        value = self.value(self.resolve(node), key)
        if not isinstance(value, str):
            raise TypeError(f"Expected a string value, got {type(value)}")
        return value

    def enter(self, parts: tuple[str, ...], node: Any) -> Any:
        """Note the check entered at `parts`; `node` resolved."""
        self.last = parts
        return self.resolve(node)

    # -- the checks -----------------------------------------------------------------------

    def iter_errors(self) -> Iterator[ValidationError]:
        """The validator's errors beyond the document schema, in its order."""
        spec = self.enter((), self.data)
        if self.has(spec, "tags"):
            yield from self.tags(spec["tags"], ("tags",))
        if self.has(spec, "paths"):
            yield from self.paths(spec["paths"], ("paths",))
        if self.has(spec, "components"):
            components = self.enter(("components",), spec["components"])
            if self.has(components, "schemas"):
                parts = ("components", "schemas")
                schemas = self.enter(parts, components["schemas"])
                for name, schema in self.entries(schemas):
                    yield from self.schema(schema, (*parts, str(name)))

    def tags(self, node: Any, parts: tuple[str, ...]) -> Iterator[ValidationError]:
        tags = self.enter(parts, node)
        seen: set[str] = set()
        for _, tag in self.entries(tags):
            name = self.read_str(tag, "name")
            if name in seen:
                error = OpenAPIValidationError(f"Duplicate tag name '{name}'")
                located(error, parts)
                yield error
            seen.add(name)

    def paths(self, node: Any, parts: tuple[str, ...]) -> Iterator[ValidationError]:
        paths = self.enter(parts, node)
        for url, path_item in self.entries(paths):
            if not isinstance(url, str):
                raise TypeError(f"a path key is not text: {url!r}")
            yield from self.path(url, path_item, (*parts, url))

    def path(self, url: str, node: Any, parts: tuple[str, ...]) -> Iterator[ValidationError]:
        item = self.enter(parts, node)
        parameters = None
        if self.has(item, "parameters"):
            yield from self.parameters(item["parameters"], (*parts, "parameters"))
            parameters = self.resolve(item["parameters"])
        for name, operation in self.entries(item):
            if not isinstance(name, str):
                raise TypeError(f"a path item key is not text: {name!r}")
            if name in _OPERATIONS:
                yield from self.operation(url, name, operation, parameters, (*parts, name))

    def operation(
        self, url: str, name: str, node: Any, path_parameters: Any, parts: tuple[str, ...]
    ) -> Iterator[ValidationError]:
        operation = self.enter(parts, node)
        if self.has(operation, "operationId"):
            operation_id = self.value(operation, "operationId")
            if operation_id is not None and self._seen_operation_id(operation_id):
                error = DuplicateOperationIDError(
                    f"Operation ID '{operation_id}' for '{name}' in '{url}' is not unique"
                )
                located(error, parts)
                yield error
        if self.has(operation, "responses"):
            yield from self.responses(operation["responses"], (*parts, "responses"))
        names: list[str] = []
        if self.has(operation, "parameters"):
            yield from self.parameters(operation["parameters"], (*parts, "parameters"))
            names += self._path_parameter_names(self.resolve(operation["parameters"]))
        if path_parameters is not None:
            names += self._path_parameter_names(path_parameters)
        declared = set(names)
        in_url = {field for _, field, _, _ in string.Formatter().parse(url) if field}
        for missing in sorted(in_url - declared) + sorted(declared - in_url):
            error = UnresolvableParameterError(
                f"Path parameter '{missing}' for '{name}' operation in '{url}' was not resolved"
            )
            located(error, parts)
            yield error

    def _seen_operation_id(self, operation_id: Any) -> bool:
        try:
            seen = operation_id in self.operation_ids
            self.operation_ids.add(operation_id)
        except TypeError:
            seen = operation_id in self.unhashable_ids
            self.unhashable_ids.append(operation_id)
        return seen

    def _path_parameter_names(self, parameters: Any) -> list[str]:
        return [
            self.read_str(parameter, "name")
            for _, parameter in self.entries(parameters)
            if self.read_str(parameter, "in") == "path"
        ]

    def parameters(self, node: Any, parts: tuple[str, ...]) -> Iterator[ValidationError]:
        parameters = self.enter(parts, node)
        seen: set[tuple[Any, Any]] = set()
        for index, raw in self.entries(parameters):
            yield from self.parameter(raw, (*parts, str(index)))
            parameter = self.resolve(raw)
            key = (self.value(parameter, "name"), self.value(parameter, "in"))
            if key in seen:
                error = ParameterDuplicateError(f"Duplicate parameter '{key[0]}'")
                located(error, parts)
                yield error
            seen.add(key)

    def parameter(self, node: Any, parts: tuple[str, ...]) -> Iterator[ValidationError]:
        parameter = self.enter(parts, node)
        if self.has(parameter, "schema"):
            yield from self.schema(parameter["schema"], (*parts, "schema"))
        if self.family == "2.0" and self.has(parameter, "default"):
            yield from self.default(parameter, self.value(parameter, "default"), parts)

    def responses(self, node: Any, parts: tuple[str, ...]) -> Iterator[ValidationError]:
        responses = self.enter(parts, node)
        for code, raw in self.entries(responses):
            if not isinstance(code, str):
                raise TypeError(f"a response key is not text: {code!r}")
            at = (*parts, code)
            response = self.enter(at, raw)
            if self.family == "2.0":
                if self.has(response, "schema"):
                    yield from self.schema(response["schema"], (*at, "schema"))
            elif self.has(response, "content"):
                content_at = (*at, "content")
                content = self.enter(content_at, response["content"])
                for media_type, raw_media in self.entries(content):
                    if not isinstance(media_type, str):
                        raise TypeError(f"a media type is not text: {media_type!r}")
                    media_at = (*content_at, media_type)
                    media = self.enter(media_at, raw_media)
                    if self.has(media, "schema"):
                        yield from self.schema(media["schema"], (*media_at, "schema"))

    def schema(
        self,
        node: Any,
        parts: tuple[str, ...],
        require_properties: bool = True,
        meta_checked: bool = False,
    ) -> Iterator[ValidationError]:
        # Schemas are most of a large document: checked by a plain recursion into a list, the
        # errors found before a failure still reported before it.
        errors: list[ValidationError] = []
        failure: Exception | None = None
        try:
            self._check_schema(
                errors,
                node,
                parts,
                require_properties=require_properties,
                meta_checked=meta_checked,
            )
        except Exception as exc:  # noqa: BLE001 - re-raised once the errors before it are out
            failure = exc
        yield from errors
        if failure is not None:
            raise failure

    def _check_schema(
        self,
        errors: list[ValidationError],
        node: Any,
        parts: tuple[str, ...],
        *,
        require_properties: bool,
        meta_checked: bool,
    ) -> None:
        self.last = parts
        schema = self.resolve(node)
        is_dict = isinstance(schema, dict)
        if not is_dict and not isinstance(schema, (Mapping, bool)):
            error = OpenAPIValidationError(f"{schema!r} is not of type 'object', 'boolean'")
            located(error, parts)
            errors.append(error)
            return
        identity = id(schema)
        if not meta_checked and identity not in self.meta_checked:
            self.meta_checked.add(identity)
            meta_error = self.metaschema_error(schema)
            if meta_error is not None:
                located(meta_error, parts)
                errors.append(meta_error)
                return
        if identity in self.visited:
            return
        self.visited.add(identity)
        if not is_dict:
            return
        check = self._check_schema
        nested_properties: set[str] = set()
        for keyword in ("allOf", "anyOf", "oneOf"):
            if keyword in schema:
                for index, inner in self.entries(self.resolve(schema[keyword])):
                    check(
                        errors,
                        inner,
                        (*parts, keyword, str(index)),
                        require_properties=False,
                        meta_checked=True,
                    )
                    if keyword == "allOf":
                        nested_properties |= self._properties_of(self.resolve(inner))
        for keyword in ("not", "items"):
            if keyword in schema:
                check(
                    errors,
                    schema[keyword],
                    (*parts, keyword),
                    require_properties=False,
                    meta_checked=True,
                )
        properties: list[Any] = []
        if "properties" in schema:
            for name, inner in self.entries(self.resolve(schema["properties"])):
                properties.append(name)
                check(
                    errors,
                    inner,
                    (*parts, "properties", str(name)),
                    require_properties=False,
                    meta_checked=True,
                )
        required = ("required" in schema and self.resolve(schema["required"])) or []
        if "allOf" in schema and require_properties:
            extra = list(set(required) - set(properties) - nested_properties)
            if extra:
                error = ExtraParametersError(f"Required list has not defined properties: {extra}")
                located(error, parts)
                errors.append(error)
        if "default" in schema:
            default = self.resolve(schema["default"])
            nullable = self.resolve(schema["nullable"]) if "nullable" in schema else False
            if default is not None or nullable is not True:
                errors.extend(self.default(schema, default, parts))

    def _properties_of(self, schema: Any) -> set[str]:
        """Every property name reachable from `schema`, as the validator collects them."""
        names: set[str] = set()
        if self.has(schema, "properties"):
            names.update(key for key, _ in self.entries(self.value(schema, "properties")))
        for keyword in ("allOf", "anyOf", "oneOf"):
            if self.has(schema, keyword):
                for _, inner in self.entries(self.value(schema, keyword)):
                    names |= self._properties_of(self.resolve(inner))
        for keyword in ("items", "not"):
            if self.has(schema, keyword):
                names |= self._properties_of(self.value(schema, keyword))
        return names

    def metaschema_error(self, schema: Any) -> ValidationError | None:
        """The validator's metaschema error for a top-level schema, or None."""
        if self.family in ("2.0", "3.0"):
            if _surely_meets_draft4(schema):
                return None
            checker: Any = OAS30Validator.check_schema
        else:
            try:
                checker = self._dialect_checker(schema)
            except ValueError as exc:
                return OpenAPIValidationError(str(exc))
        try:
            checker(schema)
        except (SchemaError, ValidationError) as err:
            return OpenAPIValidationError.create_from(err)
        return None

    def _dialect_checker(self, schema: Any) -> Any:
        if isinstance(schema, Mapping) and "$schema" in schema:
            dialect = schema["$schema"]
            if not isinstance(dialect, str):
                raise ValueError(f"Unknown JSON Schema dialect: {dialect!r}")
        else:
            dialect = self._default_dialect()
        validator = _validator_for_dialect(dialect)
        if validator is None:
            raise ValueError(f"Unknown JSON Schema dialect: {dialect!r}")
        return lambda value: validator.check_schema(value, format_checker=oas31_format_checker)

    def _default_dialect(self) -> str:
        if self.dialect is None:
            root = self.resolve(self.data)
            if self.has(root, "jsonSchemaDialect"):
                self.dialect = self.read_str(root, "jsonSchemaDialect")
            else:
                self.dialect = OAS31_BASE_DIALECT_ID
        return self.dialect

    def default(self, schema: Any, value: Any, parts: tuple[str, ...]) -> Iterator[ValidationError]:
        """Errors of a `default` value against the schema (or 2.0 parameter) it sits in."""
        self.last = parts
        check = _value_validator(self.family)
        format_checker = oas31_format_checker if self.family == "3.1" else oas30_format_checker
        if _holds_ref(schema):
            # Its `$ref`s point into the document: the schema is checked where it is written.
            validator = check(
                {"$ref": _DOCUMENT_URI + to_pointer(self.place_of(schema))},
                registry=self.registry(),
                format_checker=format_checker,
            )
        else:
            validator = check(schema, format_checker=format_checker)
        for error in validator.iter_errors(value):
            located(error, parts, from_value=True)
            yield error

    def place_of(self, node: Any) -> list[str]:
        """Where a mapping of the document is written (made once, on the first call)."""
        if self._places is None:
            self._places = {}
            stack: list[tuple[Any, list[str]]] = [(self.data, [])]
            while stack:
                current, tokens = stack.pop()
                if isinstance(current, dict):
                    self._places.setdefault(id(current), tokens)
                    stack.extend((v, [*tokens, k]) for k, v in current.items())
                elif isinstance(current, list):
                    stack.extend((v, [*tokens, str(i)]) for i, v in enumerate(current))
        return self._places[id(node)]

    def registry(self) -> Registry[Any]:
        if self._registry is None:
            specification = DRAFT202012 if self.family == "3.1" else DRAFT4
            resource: Resource[Any] = specification.create_resource(self.data)
            self._registry = Registry().with_resource(_DOCUMENT_URI, resource)
        return self._registry


def _holds_ref(schema: Any) -> bool:
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if "$ref" in node:
                return True
            stack.extend(v for v in node.values() if isinstance(v, (dict, list)))
        elif isinstance(node, list):
            stack.extend(v for v in node if isinstance(v, (dict, list)))
    return False


@lru_cache(maxsize=16)
def _validator_for_dialect(dialect: str) -> Any:
    return validator_for({"$schema": dialect}, default=None)


@lru_cache(maxsize=2)
def _value_validator(family: str) -> Any:
    # Defaults are matched against the spec's patterns: bounded, never Python's `re`.
    return bounded_validator(OAS31Validator if family == "3.1" else OAS30Validator)
