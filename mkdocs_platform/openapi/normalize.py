"""From a bundled OpenAPI 2.0, 3.0 or 3.1 document to an `ApiModel`.

The document may be invalid in any way: every read is defensive, and what is malformed is left
out rather than raised (the validator reports it).
"""

from __future__ import annotations

from typing import Any

from mkdocs_platform.models.api import (
    HTTP_METHODS,
    ApiModel,
    Callback,
    Component,
    Contact,
    Example,
    ExternalDocs,
    Header,
    License,
    Link,
    MediaType,
    OAuthFlow,
    Operation,
    Parameter,
    RequestBody,
    Response,
    SecurityRequirement,
    SecurityScheme,
    Server,
    ServerVariable,
    Tag,
    Tokens,
    slugify,
)
from mkdocs_platform.models.pointers import from_pointer
from mkdocs_platform.openapi.document import resolve_tokens
from mkdocs_platform.openapi.schema import dialect_of

# Swagger 2.0 parameter fields that are JSON Schema keywords.
_V2_SCHEMA_FIELDS = (
    "type",
    "format",
    "items",
    "default",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "enum",
    "multipleOf",
)
_V2_COLLECTION_STYLE = {
    "csv": ("form", False),
    "ssv": ("spaceDelimited", False),
    "pipes": ("pipeDelimited", False),
    "multi": ("form", True),
    "tsv": ("tabDelimited", False),
}
_COMPONENT_KINDS = {
    "schemas": "schema",
    "responses": "response",
    "parameters": "parameter",
    "examples": "example",
    "requestBodies": "request body",
    "headers": "header",
    "links": "link",
    "callbacks": "callback",
    "pathItems": "path item",
}
"""Sections of `components` used through `$ref` (security schemes are used by name)."""
_V2_COMPONENT_KINDS = {"definitions": "schema", "parameters": "parameter", "responses": "response"}
"""The top-level reusable sections of Swagger 2.0."""
_V2_FLOWS = {
    "implicit": "implicit",
    "password": "password",
    "application": "clientCredentials",
    "accessCode": "authorizationCode",
}


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _str(value: Any) -> str:
    if isinstance(value, str):
        return value
    if value is None or isinstance(value, (dict, list)):
        return ""
    return str(value)


def _bool(value: Any) -> bool:
    return value is True


class _Normalizer:
    def __init__(self, document: dict[str, Any]) -> None:
        self.doc = document
        self.v2 = "swagger" in document

    def deref(self, node: Any, at: Tokens) -> tuple[Any, Tokens]:
        """Follow local `$ref`s (not schemas': those stay links) to the object they name."""
        hops = 0
        while isinstance(node, dict) and isinstance(node.get("$ref"), str) and hops < 32:
            ref = node["$ref"]
            if not ref.startswith("#"):
                return {}, at
            tokens = from_pointer(ref)
            target = resolve_tokens(self.doc, tokens)
            if not isinstance(target, dict):
                return {}, at
            node, at = target, tuple(tokens)
            hops += 1
        return node, at

    # -- small objects -------------------------------------------------------------------

    def external_docs(self, value: Any) -> ExternalDocs | None:
        value = _dict(value)
        if not value.get("url"):
            return None
        return ExternalDocs(url=_str(value["url"]), description=_str(value.get("description")))

    def examples(self, obj: dict[str, Any], at: Tokens) -> list[Example]:
        result = []
        if "example" in obj:
            result.append(Example(name="example", value=obj["example"], pointer=(*at, "example")))
        for name, raw in _dict(obj.get("examples")).items():
            example, example_at = self.deref(raw, (*at, "examples", name))
            if self.v2 and not isinstance(raw, dict):
                result.append(Example(name=name, value=raw, pointer=(*at, "examples", name)))
                continue
            example = _dict(example)
            result.append(
                Example(
                    name=name,
                    value=example.get("value"),
                    summary=_str(example.get("summary")),
                    description=_str(example.get("description")),
                    external_value=_str(example.get("externalValue")),
                    pointer=(*example_at, "value") if "value" in example else example_at,
                )
            )
        return result

    def servers(self, value: Any, at: Tokens) -> list[Server]:
        result = []
        for i, raw in enumerate(_list(value)):
            raw = _dict(raw)
            if not raw.get("url"):
                continue
            variables = [
                ServerVariable(
                    name=name,
                    default=_str(_dict(var).get("default")),
                    enum=[_str(v) for v in _list(_dict(var).get("enum"))],
                    description=_str(_dict(var).get("description")),
                )
                for name, var in _dict(raw.get("variables")).items()
            ]
            result.append(
                Server(
                    url=_str(raw["url"]),
                    description=_str(raw.get("description")),
                    variables=variables,
                    pointer=(*at, str(i)),
                    scheme_pointer=(*at, str(i)),
                )
            )
        return result

    def v2_servers(self) -> list[Server]:
        """`host`, `basePath` and `schemes` as servers, one per scheme."""
        host = _str(self.doc.get("host"))
        base = _str(self.doc.get("basePath")) or ""
        host_at: Tokens = ("host",) if "host" in self.doc else ()
        if not host:
            if not base:
                return []
            # Only a path: relative to wherever the document is served, written at `basePath`.
            return [Server(url=base, pointer=("basePath",), scheme_pointer=("basePath",))]
        raw_schemes = _list(self.doc.get("schemes"))
        schemes = [s for s in raw_schemes if isinstance(s, str)] or ["https"]
        return [
            Server(
                url=f"{scheme}://{host}{base}",
                pointer=host_at,
                scheme_pointer=("schemes", str(raw_schemes.index(scheme)))
                if scheme in raw_schemes
                else host_at,
            )
            for scheme in schemes
        ]

    def security(self, value: Any) -> list[SecurityRequirement]:
        return [
            {_str(k): [_str(s) for s in _list(v)] for k, v in raw.items()}
            for raw in _list(value)
            if isinstance(raw, dict)
        ]

    def security_schemes(self) -> list[SecurityScheme]:
        if self.v2:
            raw_schemes = _dict(self.doc.get("securityDefinitions"))
            prefix: Tokens = ("securityDefinitions",)
        else:
            raw_schemes = _dict(_dict(self.doc.get("components")).get("securitySchemes"))
            prefix = ("components", "securitySchemes")
        result = []
        for key, raw in raw_schemes.items():
            raw, at = self.deref(raw, (*prefix, key))
            raw = _dict(raw)
            kind = _str(raw.get("type"))
            scheme = SecurityScheme(
                key=key,
                type=kind,
                description=_str(raw.get("description")),
                scheme=_str(raw.get("scheme")).lower(),
                bearer_format=_str(raw.get("bearerFormat")),
                param_name=_str(raw.get("name")),
                location=_str(raw.get("in")),
                open_id_connect_url=_str(raw.get("openIdConnectUrl")),
                pointer=at,
            )
            if self.v2 and kind == "basic":
                scheme.type, scheme.scheme = "http", "basic"
            if kind == "oauth2":
                if self.v2:
                    scheme.flows = [
                        OAuthFlow(
                            kind=_V2_FLOWS.get(_str(raw.get("flow")), _str(raw.get("flow"))),
                            authorization_url=_str(raw.get("authorizationUrl")),
                            token_url=_str(raw.get("tokenUrl")),
                            scopes={_str(k): _str(v) for k, v in _dict(raw.get("scopes")).items()},
                        )
                    ]
                else:
                    scheme.flows = [
                        OAuthFlow(
                            kind=flow_kind,
                            authorization_url=_str(_dict(flow).get("authorizationUrl")),
                            token_url=_str(_dict(flow).get("tokenUrl")),
                            refresh_url=_str(_dict(flow).get("refreshUrl")),
                            scopes={
                                _str(k): _str(v)
                                for k, v in _dict(_dict(flow).get("scopes")).items()
                            },
                        )
                        for flow_kind, flow in _dict(raw.get("flows")).items()
                    ]
            result.append(scheme)
        return result

    # -- parameters and bodies ------------------------------------------------------------

    def media_types(self, content: Any, at: Tokens) -> list[MediaType]:
        result = []
        for media_type, raw in _dict(content).items():
            raw = _dict(raw)
            where = (*at, media_type)
            result.append(
                MediaType(
                    media_type=media_type,
                    schema=raw.get("schema"),
                    examples=self.examples(raw, where),
                    pointer=where,
                    schema_pointer=(*where, "schema") if "schema" in raw else where,
                )
            )
        return result

    def parameter(self, raw: Any, at: Tokens) -> Parameter | None:
        raw, at = self.deref(raw, at)
        raw = _dict(raw)
        name, location = _str(raw.get("name")), _str(raw.get("in"))
        if not name or not location:
            return None
        if self.v2:
            schema = {k: raw[k] for k in _V2_SCHEMA_FIELDS if k in raw}
            # An array's values are comma-separated unless `collectionFormat` says otherwise.
            collection = _str(raw.get("collectionFormat")) or (
                "csv" if raw.get("type") == "array" else ""
            )
            style, explode = _V2_COLLECTION_STYLE.get(collection, ("", None))
            examples = self.examples(raw, at)
            if "x-example" in raw:
                examples.append(
                    Example(name="example", value=raw["x-example"], pointer=(*at, "x-example"))
                )
            return Parameter(
                name=name,
                location=location,
                description=_str(raw.get("description")),
                required=_bool(raw.get("required")) or location == "path",
                declared_required=_bool(raw.get("required")),
                schema=schema,
                schema_pointer=at,
                style=style,
                explode=explode,
                allow_empty_value=_bool(raw.get("allowEmptyValue")),
                examples=examples,
                pointer=at,
            )
        explode = raw.get("explode")
        return Parameter(
            name=name,
            location=location,
            description=_str(raw.get("description")),
            required=_bool(raw.get("required")) or location == "path",
            declared_required=_bool(raw.get("required")),
            deprecated=_bool(raw.get("deprecated")),
            schema=raw.get("schema"),
            schema_pointer=(*at, "schema") if "schema" in raw else at,
            style=_str(raw.get("style")),
            explode=explode if isinstance(explode, bool) else None,
            allow_empty_value=_bool(raw.get("allowEmptyValue")),
            examples=self.examples(raw, at),
            content=self.media_types(raw.get("content"), (*at, "content")),
            pointer=at,
        )

    def merged_parameters(
        self, path_item: Any, path_at: Tokens, operation: Any, op_at: Tokens
    ) -> list[Any]:
        """Path-level parameters, overridden by the operation's with the same name and place."""
        result: dict[tuple[str, str], tuple[Any, Tokens]] = {}
        for owner, owner_at in ((path_item, path_at), (operation, op_at)):
            for i, raw in enumerate(_list(_dict(owner).get("parameters"))):
                at = (*owner_at, "parameters", str(i))
                resolved, _ = self.deref(raw, at)
                key = (_str(_dict(resolved).get("name")), _str(_dict(resolved).get("in")))
                result[key] = (raw, at)
        return list(result.values())

    def request_body(
        self, operation: dict[str, Any], op_at: Tokens, v2_params: list[Any]
    ) -> RequestBody | None:
        if not self.v2:
            if "requestBody" not in operation:
                return None
            raw, at = self.deref(operation["requestBody"], (*op_at, "requestBody"))
            raw = _dict(raw)
            return RequestBody(
                description=_str(raw.get("description")),
                required=_bool(raw.get("required")),
                content=self.media_types(raw.get("content"), (*at, "content")),
                pointer=at,
            )
        consumes = self.media_list(operation, "consumes") or ["application/json"]
        body = next(((p, at) for p, at in v2_params if _str(p.get("in")) == "body"), None)
        if body is not None:
            raw, at = body
            return RequestBody(
                description=_str(raw.get("description")),
                required=_bool(raw.get("required")),
                content=[
                    MediaType(
                        media_type=m,
                        schema=raw.get("schema"),
                        examples=self.examples(raw, at),
                        pointer=at,
                        schema_pointer=(*at, "schema") if "schema" in raw else at,
                    )
                    for m in consumes
                ],
                pointer=at,
            )
        form = [(p, at) for p, at in v2_params if _str(p.get("in")) == "formData"]
        if not form:
            return None
        properties: dict[str, Any] = {}
        required = []
        has_file = False
        for raw, _ in form:
            name = _str(raw.get("name"))
            schema = {k: raw[k] for k in _V2_SCHEMA_FIELDS if k in raw}
            if schema.get("type") == "file":
                schema = {"type": "string", "format": "binary"}
                has_file = True
            if raw.get("description"):
                schema["description"] = raw["description"]
            properties[name] = schema
            if _bool(raw.get("required")):
                required.append(name)
        form_types = [
            m for m in consumes if m in ("multipart/form-data", "application/x-www-form-urlencoded")
        ]
        if not form_types:
            form_types = [
                "multipart/form-data" if has_file else "application/x-www-form-urlencoded"
            ]
        schema = {"type": "object", "properties": properties}
        if required:
            schema["required"] = required
        return RequestBody(
            required=bool(required),
            content=[
                MediaType(
                    media_type=m, schema=schema, pointer=form[0][1], schema_pointer=form[0][1]
                )
                for m in form_types
            ],
            pointer=form[0][1],
        )

    def media_list(self, operation: dict[str, Any], key: str) -> list[str]:
        own = [m for m in _list(operation.get(key)) if isinstance(m, str)]
        return own or [m for m in _list(self.doc.get(key)) if isinstance(m, str)]

    def headers(self, value: Any, at: Tokens) -> list[Header]:
        result = []
        for name, raw in _dict(value).items():
            raw, where = self.deref(raw, (*at, name))
            raw = _dict(raw)
            if self.v2:
                schema: Any = {k: raw[k] for k in _V2_SCHEMA_FIELDS if k in raw}
                schema_at = where
            else:
                schema = raw.get("schema")
                schema_at = (*where, "schema") if "schema" in raw else where
            result.append(
                Header(
                    name=name,
                    description=_str(raw.get("description")),
                    required=_bool(raw.get("required")),
                    deprecated=_bool(raw.get("deprecated")),
                    schema=schema,
                    examples=self.examples(raw, where),
                    pointer=where,
                    schema_pointer=schema_at,
                )
            )
        return result

    def responses(self, operation: dict[str, Any], op_at: Tokens) -> list[Response]:
        result = []
        produces = self.media_list(operation, "produces") or ["application/json"]
        for status, raw in _dict(operation.get("responses")).items():
            if status.startswith("x-"):
                continue
            raw, at = self.deref(raw, (*op_at, "responses", status))
            raw = _dict(raw)
            if self.v2:
                content = []
                if "schema" in raw:
                    examples = _dict(raw.get("examples"))
                    content = [
                        MediaType(
                            media_type=m,
                            schema=raw["schema"],
                            examples=[
                                Example(
                                    name="example",
                                    value=examples[m],
                                    pointer=(*at, "examples", m),
                                )
                            ]
                            if m in examples
                            else [],
                            pointer=(*at, "schema"),
                            schema_pointer=(*at, "schema"),
                        )
                        for m in produces
                    ]
            else:
                content = self.media_types(raw.get("content"), (*at, "content"))
            links = []
            for name, link in _dict(raw.get("links")).items():
                link, _ = self.deref(link, (*at, "links", name))
                link = _dict(link)
                links.append(
                    Link(
                        name=name,
                        operation_id=_str(link.get("operationId")),
                        operation_ref=_str(link.get("operationRef")),
                        parameters=_dict(link.get("parameters")),
                        description=_str(link.get("description")),
                    )
                )
            result.append(
                Response(
                    status=str(status),
                    description=_str(raw.get("description")),
                    headers=self.headers(raw.get("headers"), (*at, "headers")),
                    content=content,
                    links=links,
                    pointer=at,
                )
            )
        return result

    # -- operations -----------------------------------------------------------------------

    def operation(
        self, method: str, path: str, path_item: dict[str, Any], path_at: Tokens, raw: Any
    ) -> Operation:
        op_at = (*path_at, method)
        raw = _dict(raw)
        merged = self.merged_parameters(path_item, path_at, raw, op_at)
        parameters: list[Parameter] = []
        v2_bodies: list[tuple[dict[str, Any], Tokens]] = []
        for param_raw, at in merged:
            resolved, resolved_at = self.deref(param_raw, at)
            resolved = _dict(resolved)
            if self.v2 and _str(resolved.get("in")) in ("body", "formData"):
                v2_bodies.append((resolved, resolved_at))
                continue
            parameter = self.parameter(param_raw, at)
            if parameter is not None:
                parameters.append(parameter)
        security = self.security(raw["security"]) if isinstance(raw.get("security"), list) else None
        callbacks = []
        for name, callback in _dict(raw.get("callbacks")).items():
            callback, cb_at = self.deref(callback, (*op_at, "callbacks", name))
            for expression, item in _dict(callback).items():
                item, item_at = self.deref(item, (*cb_at, expression))
                operations = self.path_item(expression, _dict(item), item_at)
                for callback_op in operations:
                    callback_op.is_callback = True
                callbacks.append(Callback(name=name, expression=expression, operations=operations))
        return Operation(
            method=method,
            path=path,
            operation_id=_str(raw.get("operationId")),
            summary=_str(raw.get("summary")),
            description=_str(raw.get("description")),
            tags=[_str(t) for t in _list(raw.get("tags")) if _str(t)],
            deprecated=_bool(raw.get("deprecated")),
            parameters=parameters,
            request_body=self.request_body(raw, op_at, v2_bodies),
            responses=self.responses(raw, op_at),
            security=security,
            servers=self.servers(raw.get("servers"), (*op_at, "servers"))
            or self.servers(path_item.get("servers"), (*path_at, "servers")),
            callbacks=callbacks,
            external_docs=self.external_docs(raw.get("externalDocs")),
            extensions={k: v for k, v in raw.items() if k.startswith("x-")},
            pointer=op_at,
        )

    def path_item(self, path: str, item: dict[str, Any], at: Tokens) -> list[Operation]:
        item, at = self.deref(item, at)
        item = _dict(item)
        ops = []
        for method in HTTP_METHODS:
            if method in item:
                op = self.operation(method, path, item, at, item[method])
                if not op.summary and isinstance(item.get("summary"), str):
                    op.summary = item["summary"]
                ops.append(op)
        return ops

    def components(self) -> list[Component]:
        """The reusable sections' entries, 2.0's top-level ones mapped to the same kinds."""
        if self.v2:
            sections: list[tuple[Any, Tokens, str]] = [
                (self.doc.get(key), (key,), kind) for key, kind in _V2_COMPONENT_KINDS.items()
            ]
        else:
            components = _dict(self.doc.get("components"))
            sections = [
                (components.get(key), ("components", key), kind)
                for key, kind in _COMPONENT_KINDS.items()
            ]
        return [
            Component(kind=kind, name=name, pointer=(*at, name))
            for section, at, kind in sections
            for name in _dict(section)
        ]

    def model(self) -> ApiModel:
        doc = self.doc
        info = _dict(doc.get("info"))
        contact = _dict(info.get("contact"))
        license_ = _dict(info.get("license"))
        operations: list[Operation] = []
        for path, item in _dict(doc.get("paths")).items():
            if path.startswith("x-"):
                continue
            operations.extend(self.path_item(path, _dict(item), ("paths", path)))
        webhooks: list[Operation] = []
        for name, item in _dict(doc.get("webhooks")).items():
            for op in self.path_item(name, _dict(item), ("webhooks", name)):
                op.is_webhook = True
                webhooks.append(op)
        prefix: Tokens
        if self.v2:
            schemas, prefix = _dict(doc.get("definitions")), ("definitions",)
        else:
            schemas, prefix = (
                _dict(_dict(doc.get("components")).get("schemas")),
                ("components", "schemas"),
            )
        spec_version = _str(doc.get("swagger") or doc.get("openapi"))
        model = ApiModel(
            spec_version=spec_version,
            spec_name="Swagger" if self.v2 else "OpenAPI",
            dialect=dialect_of(spec_version, swagger=self.v2),
            title=_str(info.get("title")),
            version=_str(info.get("version")),
            summary=_str(info.get("summary")),
            description=_str(info.get("description")),
            terms_of_service=_str(info.get("termsOfService")),
            contact=Contact(
                name=_str(contact.get("name")),
                url=_str(contact.get("url")),
                email=_str(contact.get("email")),
            )
            if contact
            else None,
            license=License(
                name=_str(license_.get("name")),
                url=_str(license_.get("url")),
                identifier=_str(license_.get("identifier")),
            )
            if license_
            else None,
            external_docs=self.external_docs(doc.get("externalDocs")),
            servers=self.v2_servers()
            if self.v2
            else self.servers(doc.get("servers"), ("servers",)),
            servers_field="host" if self.v2 else "servers",
            security_schemes=self.security_schemes(),
            security=self.security(doc.get("security")),
            security_pointer=("security",) if "security" in doc else (),
            declared_public=doc.get("security") == [],
            paths=[
                p for p in _dict(doc.get("paths")) if isinstance(p, str) and not p.startswith("x-")
            ],
            tags=[
                Tag(
                    name=_str(_dict(t).get("name")),
                    description=_str(_dict(t).get("description")),
                    external_docs=self.external_docs(_dict(t).get("externalDocs")),
                )
                for t in _list(doc.get("tags"))
                if _str(_dict(t).get("name"))
            ],
            operations=operations,
            webhooks=webhooks,
            schemas=schemas,
            schema_prefix=prefix,
            components=self.components(),
            extensions={k: v for k, v in doc.items() if isinstance(k, str) and k.startswith("x-")},
            document=doc,
        )
        assign_anchors([*operations, *webhooks])
        return model


def assign_anchors(operations: list[Operation]) -> None:
    """Give each operation its `op-...` anchor, unique within the list."""
    used: set[str] = set()
    for op in operations:
        base = slugify(op.operation_id) if op.operation_id else ""
        if not base:
            base = slugify(f"{op.method} {op.path}")
        if op.is_webhook:
            base = f"webhook-{base}" if not op.operation_id else base
        anchor = f"op-{base}"
        n = 2
        while anchor in used:
            anchor = f"op-{base}-{n}"
            n += 1
        used.add(anchor)
        op.anchor = anchor


def normalize(document: Any) -> ApiModel:
    """The `ApiModel` of a bundled document (any OpenAPI version, valid or not)."""
    if not isinstance(document, dict):
        return ApiModel(spec_version="")
    return _Normalizer(document).model()
