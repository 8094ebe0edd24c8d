"""Walks over a bundled document that several rules share: each done once per API, in linear time.

`DocumentIndex` walks the whole document once for `$ref`s and text fields; `SchemaIndex` walks
every schema (named and inline), each physical place once, so a schema shared by a hundred
operations is counted, and reported, once. Both give plain data located by JSON-pointer tokens:
their readers never see the document, nor which OpenAPI version wrote it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, NamedTuple

from mkdocs_platform.models.api import ApiModel, Component, MediaType, Operation, Tokens
from mkdocs_platform.models.pointers import from_pointer, to_pointer
from mkdocs_platform.openapi.document import is_missing, resolve_tokens

TEXT_KEYS = frozenset({"description", "summary", "title"})
"""Keys whose string values are prose a reader sees (rendered from Markdown)."""

# Keys whose values are data (examples, defaults, enum values, vendor extensions), not spec
# objects: a `description` inside an example payload is not documentation.
_VALUE_KEYS = frozenset({"example", "default", "const", "enum"})

# Maps whose keys are names chosen by the author: a property may be called `example`.
_NAME_MAPS = frozenset(
    {
        "properties",
        "patternProperties",
        "definitions",
        "$defs",
        "dependentSchemas",
        "schemas",
        "parameters",
        "responses",
        "headers",
        "securitySchemes",
        "securityDefinitions",
        "paths",
        "webhooks",
        "callbacks",
        "links",
        "requestBodies",
        "pathItems",
        "variables",
        "examples",
        "content",
        "scopes",
        "mapping",
        "encoding",
    }
)

_SINGLE_SUBSCHEMAS = (
    "items",
    "additionalProperties",
    "not",
    "contains",
    "propertyNames",
    "if",
    "then",
    "else",
    "additionalItems",
    "unevaluatedItems",
    "unevaluatedProperties",
)
_LIST_SUBSCHEMAS = ("allOf", "anyOf", "oneOf", "prefixItems", "items")
_MAP_SUBSCHEMAS = ("patternProperties", "$defs", "definitions", "dependentSchemas")


class _Path(NamedTuple):
    """A place in the document as a linked list, so walking builds no token tuples."""

    parent: _Path | None
    key: str


def _tokens(path: _Path | None) -> list[str]:
    tokens: list[str] = []
    while path is not None:
        tokens.append(path.key)
        path = path.parent
    tokens.reverse()
    return tokens


@dataclass
class DocumentIndex:
    """What one walk over the whole document found."""

    ref_count: int = 0
    """How many `$ref`s the document holds (outside example values)."""
    _texts: list[tuple[str, _Path]] = field(default_factory=list, repr=False)
    _refs: list[tuple[str, _Path | None]] = field(default_factory=list, repr=False)

    @classmethod
    def build(cls, model: ApiModel) -> DocumentIndex:
        """Walk the model's document once, iteratively (deep documents must not overflow the
        stack)."""
        index = cls()
        document = model.document
        # In Swagger 2.0, `examples` maps media types to bare values; in 3.x, to Example objects.
        swagger = isinstance(document, dict) and "swagger" in document
        value_keys = _VALUE_KEYS | {"examples"} if swagger else _VALUE_KEYS
        # (node, its path, the key it sits under, the key its parent sits under, whether its
        # parent is a map of author-chosen names)
        stack: list[tuple[Any, _Path | None, str, str, bool]] = [(document, None, "", "", False)]
        while stack:
            node, path, key, parent_key, in_names = stack.pop()
            if isinstance(node, list):
                stack.extend(
                    (item, _Path(path, str(i)), "", key, False)
                    for i, item in enumerate(node)
                    if isinstance(item, (dict, list))
                )
                continue
            # A property called `content` is a schema, not a map of media types.
            names = key in _NAME_MAPS and not in_names
            if not names:
                ref = node.get("$ref")
                if isinstance(ref, str):
                    index.ref_count += 1
                    index._refs.append((ref, path))
            for child_key, child in node.items():
                if not isinstance(child_key, str):
                    continue
                if not names:
                    if (
                        child_key in value_keys
                        or child_key.startswith("x-")
                        or (child_key == "examples" and isinstance(child, list))
                        or (child_key == "value" and parent_key == "examples")
                    ):
                        continue
                    if child_key in TEXT_KEYS and isinstance(child, str):
                        index._texts.append((child, _Path(path, child_key)))
                        continue
                if isinstance(child, (dict, list)):
                    stack.append((child, _Path(path, child_key), child_key, key, names))
        return index

    @property
    def text_count(self) -> int:
        """How many prose fields (`description`, `summary`, `title`) the document holds."""
        return len(self._texts)

    def texts(self) -> Iterator[tuple[str, _Path]]:
        """Every prose field, with a place to pass to `tokens_of`."""
        return iter(self._texts)

    def refs(self) -> Iterator[tuple[str, _Path | None]]:
        """Every `$ref` value with the place of the object holding it (None: the root)."""
        return iter(self._refs)

    @staticmethod
    def tokens_of(path: _Path | None) -> list[str]:
        """The JSON-pointer tokens of a place `texts` gave."""
        return _tokens(path)


class _ComponentFinder:
    """Which component a place lies in, by the pointers the model gives its components."""

    def __init__(self, model: ApiModel) -> None:
        self.by_pointer = {c.pointer: c for c in model.components}
        self.lengths = sorted({len(c.pointer) for c in model.components})

    def owner(self, tokens: Sequence[str]) -> Component | None:
        for length in self.lengths:
            found = self.by_pointer.get(tuple(tokens[:length]))
            if found is not None:
                return found
        return None


def component_refs(
    model: ApiModel, index: DocumentIndex, schemas: Iterable[SchemaNode]
) -> Iterator[tuple[Component | None, Component]]:
    """Every local `$ref` that names a component, as (the component holding it, None outside
    any; the component named). Discriminator mappings in `schemas` name schemas too."""
    finder = _ComponentFinder(model)

    def pairs() -> Iterator[tuple[str, Sequence[str]]]:
        for ref, at in index.refs():
            yield ref, _tokens(at)
        for node in schemas:
            selector = node.schema.get("discriminator")
            mapping = selector.get("mapping") if isinstance(selector, dict) else None
            if isinstance(mapping, dict):
                for value in mapping.values():
                    if isinstance(value, str):
                        ref = value if value.startswith("#") else model.schema_ref(value)
                        yield ref, node.tokens

    for ref, at in pairs():
        if not ref.startswith("#"):
            continue
        target = finder.owner(ref_tokens(ref))
        if target is not None:
            yield finder.owner(at), target


class SchemaNode(NamedTuple):
    """One schema object at one physical place of the document."""

    schema: dict[str, Any]
    """The schema as written (a `$ref` is not followed here)."""
    tokens: Tokens
    """Where it is written in the bundled document."""
    name: str | None
    """The property name, when it is reached as a property of an object schema."""
    root: str
    """What the walk started from, for messages: `Pet`, `the request body of POST /pets`."""
    path: str
    """Properties from the root to here (`address.street`, `tags[]`); empty at the root."""

    def describe(self) -> str:
        """`the property 'address.street' of Pet`, or the root itself."""
        return f"the property '{self.path}' of {self.root}" if self.path else self.root


@lru_cache(maxsize=65536)
def ref_tokens(ref: str) -> Tokens:
    """The tokens of a local `$ref` (`#/components/schemas/Pet`), cached: big APIs repeat few."""
    return tuple(from_pointer(ref))


Root = tuple[Any, Tokens, str]
"""(schema, where it is written, what it is, for messages)."""


class _Roots:
    """Finds the schemas attached to operations, each container (a parameter, a body, a
    response shared through `$ref`) once: big APIs share a few parameters among thousands of
    operations.
    """

    def __init__(self) -> None:
        self.seen: set[Tokens] = set()

    def first_time(self, pointer: Tokens) -> bool:
        """Whether the container at `pointer` is met for the first time."""
        if pointer in self.seen:
            return False
        self.seen.add(pointer)
        return True

    def media(self, media: list[MediaType], label: str) -> Iterator[Root]:
        """The schemas of media types (bodies, parameters with `content`)."""
        for mt in media:
            if mt.schema is not None and self.first_time(mt.pointer):
                named = f"{label} ({mt.media_type})" if mt.media_type else label
                yield mt.schema, mt.schema_pointer, named

    def requests(self, op: Operation) -> Iterator[Root]:
        """The schemas of an operation's parameters and request body."""
        for param in op.parameters:
            if not self.first_time(param.pointer):
                continue
            label = f"the {param.location} parameter '{param.name}' of {op.label}"
            if param.schema is not None:
                yield param.schema, param.schema_pointer, label
            yield from self.media(param.content, label)
        if op.request_body is not None:
            yield from self.media(op.request_body.content, f"the request body of {op.label}")

    def responses(self, op: Operation) -> Iterator[Root]:
        """The schemas of an operation's response bodies and headers."""
        for response in op.responses:
            if not self.first_time(response.pointer):
                continue
            label = f"the {response.status} response of {op.label}"
            yield from self.media(response.content, label)
            for header in response.headers:
                if header.schema is not None:
                    label_of_header = f"the header '{header.name}' of {label}"
                    yield header.schema, header.schema_pointer, label_of_header


def _all_operations(model: ApiModel) -> Iterator[Operation]:
    pending = [*model.operations, *model.webhooks]
    for op in pending:  # callbacks' operations are appended as they are met
        yield op
        for callback in op.callbacks:
            pending.extend(callback.operations)


def _named(tokens: Tokens) -> str:
    """A named schema's name (`Pet`), else its pointer."""
    if len(tokens) >= 2 and tokens[-2] in ("schemas", "definitions"):
        return tokens[-1]
    return to_pointer(tokens)


def _children(node: SchemaNode) -> Iterator[SchemaNode]:
    schema, tokens, root, path = node.schema, node.tokens, node.root, node.path
    properties = schema.get("properties")
    if isinstance(properties, dict):
        for name, child in properties.items():
            if isinstance(child, dict):
                child_path = f"{path}.{name}" if path else name
                yield SchemaNode(child, (*tokens, "properties", name), name, root, child_path)
    for key in _SINGLE_SUBSCHEMAS:
        child = schema.get(key)
        if isinstance(child, dict):
            suffix = {"items": "[]", "additionalProperties": ".*"}.get(key, "")
            yield SchemaNode(child, (*tokens, key), None, root, path + suffix if path else suffix)
    for key in _LIST_SUBSCHEMAS:
        children = schema.get(key)
        if isinstance(children, list):
            # allOf/anyOf/oneOf parts describe the same value: the path does not change.
            suffix = "[]" if key in ("items", "prefixItems") else ""
            for i, child in enumerate(children):
                if isinstance(child, dict):
                    yield SchemaNode(child, (*tokens, key, str(i)), None, root, path + suffix)
    for key in _MAP_SUBSCHEMAS:
        children = schema.get(key)
        if isinstance(children, dict):
            for name, child in children.items():
                if isinstance(child, dict):
                    yield SchemaNode(child, (*tokens, key, name), None, root, path)


def _walk(
    document: Any,
    roots: Iterator[Root],
    *,
    follow_refs: bool,
    skip_read_only: bool = False,
) -> list[SchemaNode]:
    seen: set[Tokens] = set()
    result: list[SchemaNode] = []
    stack = [SchemaNode(s, t, None, label, "") for s, t, label in roots if isinstance(s, dict)]
    stack.reverse()
    while stack:
        node = stack.pop()
        if node.tokens in seen:
            continue
        seen.add(node.tokens)
        if skip_read_only and node.schema.get("readOnly") is True:
            continue
        result.append(node)
        ref = node.schema.get("$ref")
        if isinstance(ref, str):
            if follow_refs and ref.startswith("#"):
                target_tokens = ref_tokens(ref)
                target = resolve_tokens(document, target_tokens)
                if isinstance(target, dict) and not is_missing(target):
                    stack.append(SchemaNode(target, target_tokens, None, _named(target_tokens), ""))
            # Beside a `$ref`, 3.0 ignores every other keyword; 3.1 rarely nests schemas there.
            continue
        children = list(_children(node))
        children.reverse()
        stack.extend(children)
    return result


class SchemaIndex:
    """Every schema of an API, found once and kept for the rules that ask."""

    def __init__(self, model: ApiModel) -> None:
        self._model = model
        self._all: list[SchemaNode] | None = None
        self._requests: list[SchemaNode] | None = None

    @classmethod
    def build(cls, model: ApiModel) -> SchemaIndex:
        """An index over `model`; each walk runs on first use."""
        return cls(model)

    def all(self) -> list[SchemaNode]:
        """Named schemas and every inline schema of operations, each physical place once."""
        if self._all is None:
            model, document = self._model, self._model.document

            def roots() -> Iterator[Root]:
                for name, schema in model.schemas.items():
                    yield schema, (*model.schema_prefix, name), name
                finder = _Roots()
                for op in _all_operations(model):
                    yield from finder.requests(op)
                    yield from finder.responses(op)

            self._all = _walk(document, roots(), follow_refs=False)
        return self._all

    def requests(self) -> list[SchemaNode]:
        """Schemas a client sends, `$ref`s followed, read-only properties left out, each once."""
        if self._requests is None:
            model, document = self._model, self._model.document

            def roots() -> Iterator[Root]:
                finder = _Roots()
                for op in model.operations:
                    yield from finder.requests(op)

            self._requests = _walk(document, roots(), follow_refs=True, skip_read_only=True)
        return self._requests
