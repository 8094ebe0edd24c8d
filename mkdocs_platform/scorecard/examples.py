"""Checking example values against the schema they illustrate.

Schemas are read as OpenAPI reads them (`nullable`, boolean `exclusiveMinimum` ...) by
openapi-schema-validator; a schema's local `$ref`s resolve in the bundled document. Formats are
not asserted: they are annotations, and the validator's own `default` checks already flag the
format mistakes that matter to it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from jsonschema.exceptions import ValidationError
from openapi_schema_validator import OAS30Validator, OAS31Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4, DRAFT202012

from mkdocs_platform.models.api import ApiModel, Example, MediaType
from mkdocs_platform.openapi.document import is_missing, resolve_tokens
from mkdocs_platform.openapi.locate import to_pointer
from mkdocs_platform.scorecard.walk import Tokens, attached_schema_tokens, physical_tokens

_BASE = "urn:mkdocs-platform:spec"


@dataclass(frozen=True)
class ExampleItem:
    """One example value and the schema it should satisfy."""

    value: Any
    """The example's value."""
    schema: Any
    """The schema (Swagger 2.0 parameters' are made of the parameter's own keywords)."""
    schema_tokens: Tokens
    """Where the schema is written."""
    tokens: Tokens
    """Where the example is written."""
    label: str
    """How to name it in a message (`example 'cat' of GET /pets 200 application/json`)."""


class ExampleChecker:
    """Validates values against schemas of one bundled document."""

    def __init__(self, model: ApiModel) -> None:
        document = self._document = model.document
        is_31 = model.spec_version.startswith("3.1")
        specification = DRAFT202012 if is_31 else DRAFT4
        self._validator_class = OAS31Validator if is_31 else OAS30Validator
        self._registry: Registry[Any] = Registry().with_resource(
            _BASE, Resource.from_contents(document, default_specification=specification)
        )

    def first_error(self, item: ExampleItem) -> str | None:
        """Why the example does not satisfy its schema, or None when it does.

        Raises:
            ValueError: when the schema cannot be used (an unknown type, a bad regex ...).
        """
        if resolve_tokens(self._document, item.schema_tokens) is item.schema:
            # Through the document, so that the schema's own `$ref`s resolve.
            schema: Any = {"$ref": _BASE + to_pointer(item.schema_tokens)}
        else:
            schema = item.schema
        validator = self._validator_class(schema, registry=self._registry)
        value = item.value
        try:
            error: ValidationError | None = next(iter(validator.iter_errors(value)), None)
        except Exception as exc:  # the schema, not the example, is broken: nothing to judge
            raise ValueError(f"{type(exc).__name__}: {exc}") from exc
        if error is None:
            return None
        where = to_pointer([str(p) for p in error.absolute_path]).removeprefix("#")
        message = error.message if len(error.message) <= 200 else error.message[:200] + "…"
        return f"{message} (at {where})" if where else message


def _example_tokens(document: Any, container: Tokens, example: Example, media_type: str) -> Tokens:
    """Where an example is written (`example`, `examples/<name>/value`, 2.0's `examples`)."""
    candidates: list[Tokens] = []
    if example.name == "example":
        candidates += [(*container, "example"), (*container, "x-example")]
    candidates += [
        (*container, "examples", example.name, "value"),
        (*container, "examples", example.name),
    ]
    if container and container[-1] == "schema":
        candidates.append((*container[:-1], "examples", media_type))
    for candidate in candidates:
        physical = physical_tokens(document, candidate)
        if not is_missing(resolve_tokens(document, physical)):
            return physical
    return container


def media_examples(document: Any, media: MediaType, label: str) -> Iterator[ExampleItem]:
    """The examples of one media type (or parameter), each with its schema."""
    if media.schema is None:
        return
    schema_tokens = attached_schema_tokens(document, media.pointer, media.schema)
    for example in media.examples:
        if example.value is None and example.external_value:
            continue  # only a URL: nothing here to check
        tokens = _example_tokens(document, media.pointer, example, media.media_type)
        name = "" if example.name == "example" else f" '{example.name}'"
        yield ExampleItem(
            example.value, media.schema, schema_tokens, tokens, f"the example{name} of {label}"
        )
