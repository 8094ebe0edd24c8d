"""The normalized API model: one shape for OpenAPI 2.0, 3.0 and 3.1.

Downstream of this package nothing looks at the spec version; these classes answer. Schemas stay
JSON Schema values (with local `$ref`s) and are read through `openapi.schema`.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from mkdocs_platform.models.pointers import to_pointer

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

_SLUG_RUN = re.compile(r"[^a-z0-9]+")

MAX_NAME_LENGTH = 120
"""Longest slug or page folder name made from a spec's text: file systems refuse names past 255
bytes, and a page's folder may get a prefix or a `-<n>` suffix."""

_DIGEST_LENGTH = 10


def bounded_name(name: str, full_text: str | None = None) -> str:
    """`name` when at most `MAX_NAME_LENGTH` long; else its start and a short hash of `full_text`
    (default: `name`), so that two long names stay distinct."""
    if len(name) <= MAX_NAME_LENGTH:
        return name
    hashed = (full_text if full_text is not None else name).encode("utf-8", "surrogatepass")
    digest = hashlib.sha256(hashed).hexdigest()[:_DIGEST_LENGTH]
    return f"{name[: MAX_NAME_LENGTH - _DIGEST_LENGTH - 1].rstrip('-')}-{digest}"


def slugify(text: str) -> str:
    """Lowercase; every run of characters other than a-z and 0-9 becomes one '-'; trimmed.

    A slug past `MAX_NAME_LENGTH` is cut and ends in a hash of the whole text, so that it can
    name a file; shorter slugs (every ordinary name) are unchanged.
    """
    return bounded_name(_SLUG_RUN.sub("-", text.lower()).strip("-"), text)


Tokens = tuple[str, ...]
"""JSON-pointer tokens of a place in the bundled document."""


@dataclass(frozen=True)
class SchemaDialect:
    """How the API's schemas are read, so that nothing downstream asks which version wrote them."""

    json_schema: Literal["draft4", "draft2020-12"]
    """The JSON Schema draft the schemas follow (Draft 4 subsets in 2.0 and 3.0)."""
    nullable_keyword: str
    """The keyword that admits `null` (`x-nullable`, `nullable`), or "" when `null` is a type."""
    null_type: bool
    """Whether `type` may list `"null"` (3.1)."""
    numeric_exclusive_bounds: bool
    """Whether `exclusiveMinimum`/`exclusiveMaximum` are numbers (3.1) rather than flags."""


@dataclass(frozen=True)
class Component:
    """A reusable object that `$ref`s name: 2.0's `definitions`, `parameters` and `responses`
    are components too."""

    kind: str
    """`schema`, `response`, `parameter`, `example`, `request body`, `header`, `link`,
    `callback` or `path item`."""
    name: str
    """Its key in its section."""
    pointer: Tokens
    """Where it is written (`components/schemas/Pet`, `definitions/Pet`)."""


@dataclass(frozen=True)
class Discriminator:
    """Which property tells the alternatives of a polymorphic schema apart."""

    property_name: str
    """The property whose value selects the alternative."""
    mapping: dict[str, str] = field(default_factory=dict)
    """Property value to the schema it selects, as written (a `$ref` or a schema's name); in 2.0,
    each subtype's name to its `$ref`."""


@dataclass
class ExternalDocs:
    url: str
    description: str = ""


@dataclass
class Contact:
    name: str = ""
    url: str = ""
    email: str = ""


@dataclass
class License:
    name: str = ""
    url: str = ""
    identifier: str = ""


@dataclass
class ServerVariable:
    name: str
    default: str = ""
    enum: list[str] = field(default_factory=list)
    description: str = ""


@dataclass
class Server:
    url: str
    description: str = ""
    variables: list[ServerVariable] = field(default_factory=list)
    pointer: Tokens = ()
    """Where the server is written: `servers/<i>`, or 2.0's `host` (`basePath` without a host)."""
    scheme_pointer: Tokens = ()
    """Where its URL scheme is written: the server itself, or 2.0's `schemes/<i>` (else `host`,
    beside which https is assumed)."""


@dataclass
class OAuthFlow:
    kind: str
    """`implicit`, `password`, `clientCredentials` or `authorizationCode`."""
    authorization_url: str = ""
    token_url: str = ""
    refresh_url: str = ""
    scopes: dict[str, str] = field(default_factory=dict)


@dataclass
class SecurityScheme:
    key: str
    """The name the spec gives the scheme (used in security requirements)."""
    type: str
    """`apiKey`, `http`, `oauth2`, `openIdConnect` or `mutualTLS`."""
    description: str = ""
    scheme: str = ""
    """For `http`: `basic`, `bearer`, `digest` ..."""
    bearer_format: str = ""
    param_name: str = ""
    """For `apiKey`: the header, query or cookie parameter name."""
    location: str = ""
    """For `apiKey`: `header`, `query` or `cookie`."""
    flows: list[OAuthFlow] = field(default_factory=list)
    open_id_connect_url: str = ""
    pointer: tuple[str, ...] = ()


SecurityRequirement = dict[str, list[str]]
"""One alternative: every scheme named must be satisfied, with these scopes."""


@dataclass
class Tag:
    name: str
    description: str = ""
    external_docs: ExternalDocs | None = None


@dataclass
class Example:
    name: str
    """The key in `examples`, or `example` for a single one."""
    value: Any = None
    summary: str = ""
    description: str = ""
    external_value: str = ""
    pointer: Tokens = ()
    """Where the value is written (`.../examples/cat/value`, 2.0's `.../examples/<media type>`)."""


@dataclass
class MediaType:
    media_type: str
    schema: Any = None
    examples: list[Example] = field(default_factory=list)
    pointer: tuple[str, ...] = ()
    schema_pointer: Tokens = ()
    """Where `schema` is written; the container itself when the schema is made of its keywords
    (2.0 parameters and form fields)."""


@dataclass
class Parameter:
    name: str
    location: str
    """`path`, `query`, `header` or `cookie`."""
    description: str = ""
    required: bool = False
    """Whether a request must carry it (always, for path parameters)."""
    declared_required: bool = False
    """Whether the spec itself says `required: true` (path parameters must)."""
    deprecated: bool = False
    schema: Any = None
    schema_pointer: Tokens = ()
    """Where `schema` is written (2.0: the parameter itself, whose keywords make the schema)."""
    style: str = ""
    explode: bool | None = None
    allow_empty_value: bool = False
    examples: list[Example] = field(default_factory=list)
    content: list[MediaType] = field(default_factory=list)
    pointer: tuple[str, ...] = ()


@dataclass
class RequestBody:
    description: str = ""
    required: bool = False
    content: list[MediaType] = field(default_factory=list)
    pointer: tuple[str, ...] = ()


@dataclass
class Header:
    name: str
    description: str = ""
    required: bool = False
    deprecated: bool = False
    schema: Any = None
    examples: list[Example] = field(default_factory=list)
    pointer: Tokens = ()
    schema_pointer: Tokens = ()
    """Where `schema` is written (2.0: the header itself)."""


@dataclass
class Link:
    name: str
    operation_id: str = ""
    operation_ref: str = ""
    parameters: dict[str, Any] = field(default_factory=dict)
    description: str = ""


@dataclass
class Response:
    status: str
    description: str = ""
    headers: list[Header] = field(default_factory=list)
    content: list[MediaType] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    pointer: tuple[str, ...] = ()


@dataclass
class Callback:
    name: str
    expression: str
    operations: list[Operation] = field(default_factory=list)


@dataclass
class Operation:
    method: str
    """Lowercase HTTP method."""
    path: str
    """The path template, or the webhook's name."""
    operation_id: str = ""
    summary: str = ""
    description: str = ""
    tags: list[str] = field(default_factory=list)
    deprecated: bool = False
    parameters: list[Parameter] = field(default_factory=list)
    request_body: RequestBody | None = None
    responses: list[Response] = field(default_factory=list)
    security: list[SecurityRequirement] | None = None
    """None when the operation inherits the API's security."""
    servers: list[Server] = field(default_factory=list)
    """Servers that override the API's for this operation."""
    callbacks: list[Callback] = field(default_factory=list)
    external_docs: ExternalDocs | None = None
    extensions: dict[str, Any] = field(default_factory=dict)
    is_webhook: bool = False
    is_callback: bool = False
    pointer: tuple[str, ...] = ()
    anchor: str = ""
    """`op-<slug>`, unique within the API."""

    @property
    def sent_by_api(self) -> bool:
        """Webhooks and callbacks: requests the API sends, rather than receives."""
        return self.is_webhook or self.is_callback

    @property
    def label(self) -> str:
        """`GET /pets`: how people name an operation."""
        return f"{self.method.upper()} {self.path}"


@dataclass
class ApiModel:
    """Everything downstream needs to know about one API."""

    spec_version: str
    """The version string the document declares (`2.0`, `3.0.3`, `3.1.0`), for display."""
    spec_name: str = "OpenAPI"
    """What the version is called (`Swagger` for 2.0, else `OpenAPI`), for display."""
    dialect: SchemaDialect = field(
        default_factory=lambda: SchemaDialect(
            json_schema="draft4",
            nullable_keyword="nullable",
            null_type=False,
            numeric_exclusive_bounds=False,
        )
    )
    """How the schemas are read."""
    title: str = ""
    version: str = ""
    summary: str = ""
    description: str = ""
    terms_of_service: str = ""
    contact: Contact | None = None
    license: License | None = None
    external_docs: ExternalDocs | None = None
    servers: list[Server] = field(default_factory=list)
    servers_field: str = "servers"
    """The field that declares servers (`servers`, or 2.0's `host`), for messages."""
    document_url: str = ""
    """The http(s) URL the document was fetched from, which relative server URLs are relative
    to; '' for a file read from a source."""
    security_schemes: list[SecurityScheme] = field(default_factory=list)
    security: list[SecurityRequirement] = field(default_factory=list)
    security_pointer: Tokens = ()
    """Where the API-wide `security` is written; empty when the document has none."""
    declared_public: bool = False
    """Whether the document says `security: []` at the top: no credentials unless an operation
    asks for them."""
    paths: list[str] = field(default_factory=list)
    """The path templates under `paths` (not its `x-` extensions), in document order."""
    tags: list[Tag] = field(default_factory=list)
    operations: list[Operation] = field(default_factory=list)
    webhooks: list[Operation] = field(default_factory=list)
    schemas: dict[str, Any] = field(default_factory=dict)
    """Named schemas (`components/schemas` or `definitions`) by name."""
    schema_prefix: tuple[str, ...] = ("components", "schemas")
    """Where named schemas live in the document."""
    components: list[Component] = field(default_factory=list)
    """Every reusable component `$ref`s may name, by kind (security schemes are named by
    requirements instead, and listed in `security_schemes`)."""
    extensions: dict[str, Any] = field(default_factory=dict)
    document: Any = None
    """The bundled document: read only by `openapi/`, which resolves `$ref`s and walks it."""

    def schema_ref(self, name: str) -> str:
        """The local `$ref` of the named schema `name`."""
        return to_pointer((*self.schema_prefix, name))

    def operations_by_tag(self) -> list[tuple[Tag, list[Operation]]]:
        """Operations grouped by their first tag, in the order tags are declared."""
        declared = {t.name: t for t in self.tags}
        groups: dict[str, list[Operation]] = {t.name: [] for t in self.tags}
        for op in self.operations:
            name = op.tags[0] if op.tags else ""
            groups.setdefault(name, []).append(op)
        result = []
        for name, ops in groups.items():
            if ops:
                result.append((declared.get(name) or Tag(name=name), ops))
        return result

    def scheme(self, key: str) -> SecurityScheme | None:
        return next((s for s in self.security_schemes if s.key == key), None)
