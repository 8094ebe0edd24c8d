"""Copy-paste request samples (curl and Python) for an operation, and highlighted code blocks.

Every value from the spec is quoted for the language it lands in (`shlex.quote` for the shell,
`repr` for Python): a reader who pastes a sample runs only the request, whatever the spec says.
Secrets are read from environment variables named after the security scheme.

Nothing is invented: a relative server URL resolves against the URL the spec was fetched from,
else stays relative behind a `{server}` placeholder; a parameter the spec gives no value for is
shown as a `{name}` placeholder for the reader to fill in.
"""

from __future__ import annotations

import functools
import json
import re
import shlex
import urllib.parse
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from markupsafe import Markup, escape

from mkdocs_platform.models.api import ApiModel, Operation, Parameter, SecurityScheme, Server
from mkdocs_platform.openapi.examples import example_value, first_example
from mkdocs_platform.openapi.schema import merge_all_of, resolve

if TYPE_CHECKING:
    from pygments.lexer import Lexer

SERVER_PLACEHOLDER = "{server}"
"""Stands for the host a relative server URL is served from, when the spec's own URL is unknown."""

_ENV_SAFE = re.compile(r"[^A-Z0-9]+")
_ABSOLUTE_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_HOST = re.compile(
    r"^(?:localhost|\d{1,3}(?:\.\d{1,3}){3}|[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})"
    r"(?::\d+)?$"
)
"""A first path segment that is a host name: `api.acme.com/v1` is a server written without its
scheme far more often than a relative path that happens to contain dots."""
_GLOB_CHARACTERS = frozenset("{}[]")
"""Characters curl expands as URL globs unless told not to."""
MAX_VALUE_DEPTH = 8
"""Nesting of `items`, `oneOf` and `anyOf` searched for a value the spec declares."""


class _Placeholder(str):
    """A value the reader fills in (`{org}`): shown as written, never percent-encoded."""

    __slots__ = ()


@dataclass(frozen=True)
class Sample:
    """One request sample."""

    label: str
    """Tab label (`curl`, `Python`)."""
    language: str
    """Pygments lexer name."""
    code: str


@dataclass
class _Request:
    method: str
    url: str
    query: list[tuple[str, str]]
    headers: list[tuple[str, str]]
    cookies: list[tuple[str, str]]
    basic_auth: bool
    body_type: str | None
    body: Any
    env: list[str]
    """Environment variables the sample reads, in order."""


MAX_HIGHLIGHTED = 4096
"""Longer code (large example payloads) is shown plain: a span per token in thousands of
examples is most of the HTML of a large API, and costs the search index time to read."""

_BLOCK = (
    '<div class="language-{} highlight"{} data-search-exclude><pre>{}<code>{}{}</code></pre></div>'
)


def _escape_text(text: str) -> str:
    """`text` escaped for an element's content. Quotes stay as they are: they cannot end a text
    node, and JSON holds two per string, which `&#34;` would make six bytes each."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@functools.cache
def _lexer(language: str) -> Lexer | None:
    """One lexer per language for the whole build: looking a lexer up by name scans Pygments'
    registry, and a lexer keeps no state between texts."""
    try:
        from pygments.lexers import get_lexer_by_name
        from pygments.util import ClassNotFound
    except ImportError:  # pragma: no cover - Pygments comes with mkdocs-material
        return None
    try:
        return get_lexer_by_name(language)
    except ClassNotFound:
        return None


@functools.cache
def _css_class(ttype: Any) -> str:
    """The Pygments short class of a token type (what HtmlFormatter writes), or '' for tokens
    left plain.

    Plain: text and whitespace, punctuation and symbolic operators (Material only greys them
    slightly) and bare names (Material colours them as ordinary code). They are most tokens of
    JSON and of samples, and a span each would be most of a page's tags.
    """
    from pygments.token import STANDARD_TYPES, Name, Operator, Punctuation, Text

    if ttype in Text or ttype in Punctuation or ttype is Operator or ttype is Name:
        return ""
    while ttype not in STANDARD_TYPES:
        ttype = ttype.parent
    return str(STANDARD_TYPES[ttype])


def _spans(lexer: Lexer, code: str) -> str:
    """Highlighted HTML of `code`: one span per run of tokens of the same class."""
    out: list[str] = []
    run_class, run = "", list[str]()
    for ttype, value in lexer.get_tokens(code):
        css = _css_class(ttype)
        if css != run_class and run:
            out.append(_span(run_class, "".join(run)))
            run = []
        run_class = css
        run.append(value)
    if run:
        out.append(_span(run_class, "".join(run)))
    return "".join(out)


def _span(css: str, text: str) -> str:
    escaped = _escape_text(text)
    return f'<span class="{css}">{escaped}</span>' if css else escaped


def highlight(code: str, language: str, *, anchor: str = "", more: str = "") -> Markup:
    """Code as Material/Pygments-highlighted HTML (plain escaped text if Pygments is missing).

    The block keeps Material's structure and Pygments' class names, so the theme colours it, but
    only tokens the theme colours get a span. It is left out of the site's search: samples and
    payloads are not what people search for, and the operation's path, id and summary are
    indexed from its heading. `anchor` is the block's id; `more` a plain last line (what was
    cut from the code).
    """
    language_class = escape(language)
    id_attribute = Markup(' id="{}"').format(anchor) if anchor else ""
    tail = _escape_text(more + "\n") if more else ""
    lexer = _lexer(language) if len(code) <= MAX_HIGHLIGHTED else None
    if lexer is None:
        plain = _escape_text(code)
        return Markup(_BLOCK.format(language_class, id_attribute, "", plain, tail))  # noqa: S704
    # Every token's text is escaped by `_span`; classes come from Pygments' own table.
    spans = _spans(lexer, code)
    return Markup(_BLOCK.format(language_class, id_attribute, "<span></span>", spans, tail))  # noqa: S704


def _env_name(text: str) -> str:
    return _ENV_SAFE.sub("_", text.upper()).strip("_") or "TOKEN"


def _server_url(api: ApiModel, op: Operation) -> str:
    servers = op.servers or api.servers
    # With no servers, OpenAPI serves the API at `/`, relative to the document.
    url = _with_variables(servers[0]) if servers else "/"
    return _absolute_server(url, api.document_url).rstrip("/")


def _with_variables(server: Server) -> str:
    """The server's URL with each variable's default (else first value); a variable with
    neither stays `{name}`, a placeholder the reader fills in."""
    url = server.url
    for variable in server.variables:
        value = variable.default or (variable.enum[0] if variable.enum else "")
        if value:
            url = url.replace("{" + variable.name + "}", value)
    return url


def _absolute_server(url: str, document_url: str) -> str:
    """`url` made absolute against the URL the spec was fetched from, as OpenAPI says relative
    server URLs are; without one, a relative URL stays relative behind `{server}`."""
    url = url.strip()
    if _ABSOLUTE_URL.match(url):
        return url
    if url.startswith("//"):
        scheme = urllib.parse.urlsplit(document_url).scheme if document_url else ""
        return f"{scheme or 'https'}:{url}"
    if not url.startswith("/") and _HOST.match(url.split("/", 1)[0]):
        return "https://" + url
    if document_url:
        try:
            return urllib.parse.urljoin(document_url, url)
        except ValueError:  # a URL Python cannot parse: shown relative, as without a location
            pass
    relative = url.removeprefix("./")
    return SERVER_PLACEHOLDER + ("" if relative.startswith("/") or not relative else "/") + relative


def _parameter_value(api: ApiModel, parameter: Parameter) -> str:
    """The value a sample sends: the one the spec gives, else a `{name}` placeholder (a value
    made up from the type, such as `string`, reads as if it were the real one)."""
    value = _declared_parameter_value(api, parameter)
    if value is None:
        return _Placeholder("{" + parameter.name + "}")
    if isinstance(value, list):
        return ",".join(_scalar_text(v) for v in value)
    return _scalar_text(value)


def _scalar_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)


def _declared_parameter_value(api: ApiModel, parameter: Parameter) -> Any:
    """The parameter's `example`, else its first `examples` value, else a value its schema
    declares; None when the spec gives none."""
    found, value = first_example(parameter.examples)
    if found and value is not None:
        return value
    for media in parameter.content:
        found, value = first_example(media.examples)
        if found and value is not None:
            return value
    schema = parameter.schema
    if schema is None and parameter.content:
        schema = parameter.content[0].schema
    return _declared_value(api, schema)


def _declared_value(api: ApiModel, schema: Any, depth: int = 0) -> Any:
    """A value the schema itself gives (`const`, `example`, `default`, first of `examples` or
    `enum`), looked for in array items and `oneOf`/`anyOf` branches too; None otherwise."""
    resolved = resolve(api, schema)
    if not isinstance(resolved, dict) or depth > MAX_VALUE_DEPTH:
        return None
    resolved, _ = merge_all_of(api, resolved)
    for key in ("const", "example", "default"):
        if resolved.get(key) is not None:
            return resolved[key]
    for key in ("examples", "enum"):
        values = resolved.get(key)
        if isinstance(values, list):
            declared = next((v for v in values if v is not None), None)
            if declared is not None:
                return declared
    if "items" in resolved:
        item = _declared_value(api, resolved["items"], depth + 1)
        if item is not None:
            return [item]
    for combiner in ("oneOf", "anyOf"):
        branches = resolved.get(combiner)
        for branch in branches if isinstance(branches, list) else ():
            value = _declared_value(api, branch, depth + 1)
            if value is not None:
                return value
    return None


def _auth(api: ApiModel, op: Operation, request: _Request) -> None:
    requirements = op.security if op.security is not None else api.security
    alternative = next((r for r in requirements if r), None)
    if not alternative:
        return
    for key in alternative:
        scheme = api.scheme(key)
        if scheme is not None:
            _apply_scheme(scheme, request)


def _apply_scheme(scheme: SecurityScheme, request: _Request) -> None:
    variable = _env_name(scheme.key)
    if scheme.type == "apiKey":
        request.env.append(variable)
        target = {"header": request.headers, "query": request.query, "cookie": request.cookies}.get(
            scheme.location
        )
        if target is not None:
            target.append((scheme.param_name, f"${variable}"))
    elif scheme.type == "http" and scheme.scheme == "basic":
        request.env.extend(("USERNAME", "PASSWORD"))
        request.basic_auth = True
    elif scheme.type in ("http", "oauth2", "openIdConnect"):
        request.env.append(variable)
        request.headers.append(("Authorization", f"Bearer ${variable}"))


def _request(api: ApiModel, op: Operation) -> _Request:
    path = op.path
    query: list[tuple[str, str]] = []
    headers: list[tuple[str, str]] = []
    cookies: list[tuple[str, str]] = []
    for parameter in op.parameters:
        if parameter.location == "path":
            value = _parameter_value(api, parameter)
            if not isinstance(value, _Placeholder):
                value = urllib.parse.quote(value, safe="")
            path = path.replace("{" + parameter.name + "}", value)
        elif parameter.required and parameter.location == "query":
            query.append((parameter.name, _parameter_value(api, parameter)))
        elif parameter.required and parameter.location == "header":
            headers.append((parameter.name, _parameter_value(api, parameter)))
        elif parameter.required and parameter.location == "cookie":
            cookies.append((parameter.name, _parameter_value(api, parameter)))
    request = _Request(
        method=op.method.upper(),
        url=_server_url(api, op) + path,
        query=query,
        headers=headers,
        cookies=cookies,
        basic_auth=False,
        body_type=None,
        body=None,
        env=[],
    )
    _auth(api, op, request)
    body = op.request_body
    if body is not None and body.content:
        media = next((m for m in body.content if "json" in m.media_type), body.content[0])
        found, value = first_example(media.examples)
        request.body_type = media.media_type
        request.body = value if found else example_value(api, media.schema, "request")
    return request


def _curl(request: _Request) -> str:
    url = request.url
    if request.query:
        url += "?" + "&".join(f"{_query_text(k)}={_query_text(v)}" for k, v in request.query)
    # Placeholders and IPv6 hosts hold braces and brackets, which curl would expand as globs.
    globoff = " --globoff" if _GLOB_CHARACTERS.intersection(url) else ""
    lines = [f"curl{globoff} -X {request.method} {shlex.quote(url)}"]
    if request.basic_auth:
        lines.append('-u "$USERNAME:$PASSWORD"')
    for name, value in request.headers:
        header = f"{name}: {value}"
        # Keep `$VARIABLE` expandable: double quotes, everything else escaped for them.
        lines.append("-H " + (_double_quoted(header) if "$" in value else shlex.quote(header)))
    if request.cookies:
        cookie = "; ".join(f"{n}={v}" for n, v in request.cookies)
        lines.append("-b " + (_double_quoted(cookie) if "$" in cookie else shlex.quote(cookie)))
    if request.body_type is not None:
        lines.extend(_curl_body(request))
    return " \\\n  ".join(lines)


def _query_text(text: str) -> str:
    """`text` encoded for a query string, keeping `$VARIABLE`s and placeholders' braces."""
    if isinstance(text, _Placeholder):
        return "{" + urllib.parse.quote_plus(text[1:-1], safe="$") + "}"
    return urllib.parse.quote_plus(text, safe="$")


def _double_quoted(text: str) -> str:
    """Double-quote for the shell, keeping only `$NAME` variables (written by us) expandable."""
    escaped = re.sub(r'(["\\`])', r"\\\1", text)
    escaped = re.sub(r"\$(?![A-Z_][A-Z0-9_]*)", r"\\$", escaped)
    return f'"{escaped}"'


def _curl_body(request: _Request) -> list[str]:
    kind = request.body_type or ""
    body = request.body
    if kind.startswith("multipart/") and isinstance(body, dict):
        return [f"-F {shlex.quote(f'{k}={_form_value(v)}')}" for k, v in body.items()]
    if kind == "application/x-www-form-urlencoded" and isinstance(body, dict):
        return [f"--data-urlencode {shlex.quote(f'{k}={_form_value(v)}')}" for k, v in body.items()]
    text = (
        body
        if isinstance(body, str) and "json" not in kind
        else json.dumps(body, indent=2, ensure_ascii=False)
    )
    return ["-H " + shlex.quote(f"Content-Type: {kind}"), f"--data {shlex.quote(text)}"]


def _form_value(value: Any) -> str:
    if value == "<binary>":
        return "@file.bin"
    return value if isinstance(value, str) else json.dumps(value)


def _python(request: _Request) -> str:
    args = [repr(request.url)]
    if request.query:
        args.append(f"params={{{', '.join(f'{k!r}: {_py_value(v)}' for k, v in request.query)}}}")
    if request.headers:
        args.append(
            f"headers={{{', '.join(f'{k!r}: {_py_value(v)}' for k, v in request.headers)}}}"
        )
    if request.cookies:
        args.append(
            f"cookies={{{', '.join(f'{k!r}: {_py_value(v)}' for k, v in request.cookies)}}}"
        )
    if request.basic_auth:
        args.append('auth=(os.environ["USERNAME"], os.environ["PASSWORD"])')
    kind = request.body_type or ""
    body = request.body
    if request.body_type is not None:
        if "json" in kind:
            args.append(f"json={_py_literal(body)}")
        elif kind.startswith("multipart/") and isinstance(body, dict):
            data = {k: v for k, v in body.items() if v != "<binary>"}
            files = [k for k, v in body.items() if v == "<binary>"]
            if data:
                args.append(f"data={_py_literal(data)}")
            if files:
                args.append(
                    "files={" + ", ".join(f"{k!r}: open('file.bin', 'rb')" for k in files) + "}"
                )
        elif isinstance(body, dict):
            args.append(f"data={_py_literal(body)}")
        else:
            args.append(f"content={_py_literal(body)}")
    call = (
        f"response = httpx.request(\n    {request.method!r},\n"
        + "".join(f"    {a},\n" for a in args)
        + ")"
    )
    imports = ["import os", ""] if "os.environ" in call else []
    return "\n".join(
        [
            *imports,
            "import httpx",
            "",
            call,
            "response.raise_for_status()",
            "print(response.json())",
        ]
    )


def _py_value(value: str) -> str:
    if re.fullmatch(r"\$[A-Z_][A-Z0-9_]*", value):
        return f"os.environ[{value[1:]!r}]"
    if re.fullmatch(r"Bearer \$[A-Z_][A-Z0-9_]*", value):
        return f'"Bearer " + os.environ[{value.removeprefix("Bearer $")!r}]'
    return repr(value)


def _py_literal(value: Any, indent: int = 1) -> str:
    """A Python literal for a JSON value (True/False/None, reprs of strings), one item a line."""
    pad, inner = "    " * indent, "    " * (indent + 1)
    if isinstance(value, dict) and value:
        items = [f"{inner}{k!r}: {_py_literal(v, indent + 1)}," for k, v in value.items()]
        return "{\n" + "\n".join(items) + f"\n{pad}}}"
    if isinstance(value, list) and value:
        items = [f"{inner}{_py_literal(v, indent + 1)}," for v in value]
        return "[\n" + "\n".join(items) + f"\n{pad}]"
    return repr(value)


def request_samples(api: ApiModel, op: Operation) -> list[Sample]:
    """curl and Python samples of `op`, ready to paste."""
    request = _request(api, op)
    return [Sample("curl", "bash", _curl(request)), Sample("Python", "python", _python(request))]


def response_example(api: ApiModel, media: Any) -> tuple[bool, Any]:
    """(generated, value) for a response media type: the spec's example, else one made up."""
    found, value = first_example(media.examples)
    if found:
        return False, value
    return True, example_value(api, media.schema, "response")
