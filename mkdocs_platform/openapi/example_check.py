"""Checking example values against the schema they illustrate.

Schemas are read in the API's dialect (`nullable`, boolean `exclusiveMinimum` ...) by
openapi-schema-validator; a schema's local `$ref`s resolve in the bundled document. Formats are
not asserted: they are annotations, and the validator's own `default` checks already flag the
format mistakes that matter to it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from mkdocs_platform.models.api import ApiModel, MediaType, SchemaDialect, Tokens
from mkdocs_platform.models.pointers import to_pointer
from mkdocs_platform.openapi.document import resolve_tokens
from mkdocs_platform.openapi.schema import is_nullable

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError
    from referencing import Registry

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


@lru_cache(maxsize=4)
def _validator_class(dialect: SchemaDialect) -> Any:
    """The validator for `dialect`, admitting `null` exactly where `is_nullable` does.

    Patterns are matched bounded (`bounded_validator`): both they and the examples are the
    spec's, and Python's `re` can take forever on them.
    """
    # Imported on first use: the validators take a second to import, and a build whose
    # scorecards all come from the cache never checks an example.
    from jsonschema import validators
    from openapi_schema_validator import OAS30Validator, OAS31Validator

    from mkdocs_platform.openapi.patterns import bounded_validator

    if dialect.json_schema == "draft2020-12":
        return bounded_validator(OAS31Validator)  # `null` is a type there: JSON Schema decides
    draft4_type = OAS30Validator.VALIDATORS["type"]

    def nullable_type(
        validator: Any, data_type: Any, instance: Any, schema: Mapping[str, Any]
    ) -> Iterator[ValidationError]:
        if instance is None and is_nullable(dialect, schema):
            return
        yield from draft4_type(validator, data_type, instance, schema)

    return validators.extend(bounded_validator(OAS30Validator), {"type": nullable_type})


class ExampleChecker:
    """Validates values against schemas of one bundled document."""

    def __init__(self, model: ApiModel) -> None:
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT4, DRAFT202012

        document = self._document = model.document
        draft_2020 = model.dialect.json_schema == "draft2020-12"
        specification = DRAFT202012 if draft_2020 else DRAFT4
        self._validator_class = _validator_class(model.dialect)
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


def media_examples(media: MediaType, label: str) -> Iterator[ExampleItem]:
    """The examples of one media type (or parameter), each with its schema."""
    if media.schema is None:
        return
    for example in media.examples:
        if example.value is None and example.external_value:
            continue  # only a URL: nothing here to check
        tokens = example.pointer or media.pointer
        name = "" if example.name == "example" else f" '{example.name}'"
        yield ExampleItem(
            example.value,
            media.schema,
            media.schema_pointer,
            tokens,
            f"the example{name} of {label}",
        )
