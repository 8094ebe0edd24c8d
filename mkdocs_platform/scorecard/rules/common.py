"""Small questions several rules ask of a model."""

from __future__ import annotations

import re
from typing import Any

from mkdocs_platform.models.api import ApiModel, Operation, SecurityRequirement

PATH_TEMPLATE = re.compile(r"\{([^{}]*)\}")
"""A `{name}` template variable of a path or server URL."""

WRITE_METHODS = frozenset({"post", "put", "patch", "delete"})
READ_METHODS = frozenset({"get", "head"})


def effective_security(model: ApiModel, op: Operation) -> list[SecurityRequirement]:
    """The security alternatives that apply to `op`: its own, else the API's."""
    return op.security if op.security is not None else model.security


def requires_credentials(requirements: list[SecurityRequirement]) -> bool:
    """Whether a caller must present credentials: some alternative, and none of them empty."""
    return bool(requirements) and all(requirements)


def declares_public(model: ApiModel, op: Operation) -> bool:
    """Whether `op` is marked public: `security: []` (or `{}`) on it or atop the document."""
    if op.security is not None:
        return not op.security or any(not alternative for alternative in op.security)
    return model.declared_public


def is_status(status: str, family: str) -> bool:
    """Whether a response key (`404`, `4XX`) is in the family `family` (`4`)."""
    rest = status[1:]
    return len(status) == 3 and status[0] == family and (rest.isdigit() or rest.upper() == "XX")


def json_type_matches(value: Any, type_name: str) -> bool:
    """Whether a JSON value is of a JSON Schema type."""
    if type_name == "string":
        return isinstance(value, str)
    if type_name == "integer":
        return (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, float) and value.is_integer()
        )
    if type_name == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if type_name == "boolean":
        return isinstance(value, bool)
    if type_name == "array":
        return isinstance(value, list)
    if type_name == "object":
        return isinstance(value, dict)
    if type_name == "null":
        return value is None
    return True  # an unknown type is the validator's business
