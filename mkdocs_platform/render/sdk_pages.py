"""The SDK reference pages of one SDK: planned from its model, rendered one at a time.

An SDK gets an index page (every public object, coverage, problems) and one page per public
module; a module documenting more classes than `split_over` gives each class its own page, so
large generated SDKs stay navigable. Every docstring goes through `render_markdown` (sanitized
CommonMark) or is escaped by the autoescaping templates; code goes through `highlight`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from markupsafe import Markup

from mkdocs_platform.models.api import Operation, bounded_name
from mkdocs_platform.models.sdk import (
    DocItem,
    DocSection,
    ParsedDocstring,
    SdkLinks,
    SdkModel,
    SdkModule,
    SdkObject,
    operation_name,
)
from mkdocs_platform.render.environment import ENV
from mkdocs_platform.render.samples import highlight
from mkdocs_platform.sdk.documented import docstring_coverage

SdkPageKind = Literal["index", "module", "class"]

DEFAULT_SPLIT = 40
"""Classes a module page holds before each class gets a page of its own."""
MAX_INDEX_ROWS = 5_000
"""Objects listed on the index page; the rest are listed on their module pages."""
MAX_HEADING = 6

OperationHref = Callable[[Operation], str]
SourceHref = Callable[[str, int | None], str | None]


class Links(Protocol):
    """The part of the site's `LinkResolver` the SDK pages use."""

    def page(self, src_uri: str, anchor: str | None = None) -> str:
        """URL of a generated page (by its source URI), relative to the page being rendered."""


class Toc(Protocol):
    """Collects headings while a page renders (the site's `PageToc`)."""

    entries: list[Any]

    def heading(
        self,
        level: int,
        anchor: str,
        text: str,
        extra: Markup | str = "",
        toc: bool = True,
        toc_text: str | None = None,
    ) -> Markup:
        """The heading's HTML; remembers it for the page's table of contents."""


@dataclass(frozen=True)
class SdkPage:
    """A page of an SDK's reference."""

    src_uri: str
    """Where it pretends to live in the docs dir (`apis/pets/sdk/petstore/index.md`)."""
    title: str
    """Plain text title."""
    kind: SdkPageKind
    path: str
    """The package (index), module or class it documents."""
    in_nav: bool = False
    """Whether it belongs in the navigation (the index and the package's page only: MkDocs
    renders the whole navigation into every page, and big SDKs have thousands of modules)."""


def sdk_base_uri(output: str, api_id: str, package: str) -> str:
    """Where an SDK's pages live: `<output>/<api-id>/sdk/<package>`."""
    return f"{output}/{api_id}/sdk/{package}"


def _split(module: SdkModule, split_over: int) -> bool:
    return sum(1 for obj in module.objects if obj.kind == "class") > split_over


def plan_sdk_pages(sdk: SdkModel, base_uri: str, split_over: int = DEFAULT_SPLIT) -> list[SdkPage]:
    """The index page, a page per public module, and class pages of modules past `split_over`."""
    pages = [
        SdkPage(f"{base_uri}/index.md", f"{sdk.package} SDK", "index", sdk.package, in_nav=True)
    ]
    for module in sdk.modules:
        pages.append(
            SdkPage(
                f"{base_uri}/{bounded_name(module.path)}/index.md",
                module.path,
                "module",
                module.path,
                in_nav=module.path == sdk.package,
            )
        )
        if _split(module, split_over):
            pages.extend(
                SdkPage(
                    f"{base_uri}/{bounded_name(obj.path)}/index.md", obj.path, "class", obj.path
                )
                for obj in module.objects
                if obj.kind == "class"
            )
    return pages


class SdkPageMap:
    """Where every documented object of an SDK lives: its page and anchor."""

    def __init__(self, sdk: SdkModel, pages: list[SdkPage]) -> None:
        self.sdk = sdk
        self.pages = {page.src_uri: page for page in pages}
        self.index_uri = pages[0].src_uri
        self._where: dict[str, tuple[str, str | None]] = {}
        by_path = {(page.kind, page.path): page.src_uri for page in pages}
        self.split_modules = {
            self.sdk.objects[page.path].module
            for page in pages
            if page.kind == "class" and page.path in self.sdk.objects
        }
        """Modules whose classes have pages of their own."""
        for module in sdk.modules:
            module_uri = by_path.get(("module", module.path))
            if module_uri is None:
                continue
            self._where[module.path] = (module_uri, None)
            for top in module.objects:
                uri = by_path.get(("class", top.path), module_uri)
                for obj in top.walk():
                    self._where[obj.path] = (
                        uri,
                        None if obj is top and uri != module_uri else obj.path,
                    )

    def locate(self, path: str) -> tuple[str, str | None] | None:
        """(page src_uri, anchor) of the object or module known by `path`."""
        home = self.sdk.home(path) or path
        return self._where.get(home)

    def href(self, links: Links, path: str) -> str | None:
        """URL of the object known by `path`, relative to the page being rendered."""
        where = self.locate(path)
        return None if where is None else str(links.page(where[0], where[1]))


@dataclass
class ParamRow:
    """A row of a parameters table: the signature's parameter and its description."""

    name: str
    annotation: str
    default: str | None
    description: str


@dataclass
class AttributeRow:
    """A row of an attributes table."""

    anchor: str | None
    name: str
    annotation: str
    annotation_path: str | None
    value: str | None
    description: str
    deprecated: bool = False


@dataclass
class OperationLinkView:
    label: str
    method: str
    path: str
    operation_id: str
    href: str


class _View:
    """What the SDK templates ask while rendering one page."""

    def __init__(
        self,
        sdk: SdkModel,
        page_map: SdkPageMap,
        links: Links,
        toc: Toc,
        sdk_links: SdkLinks | None,
        operation_href: OperationHref | None,
        source_href: SourceHref | None,
    ) -> None:
        self.sdk = sdk
        self.map = page_map
        self.links = links
        self.toc = toc
        self.sdk_links = sdk_links
        self.operation_href = operation_href
        self.source_href = source_href

    def href(self, path: str | None) -> str | None:
        return None if not path else self.map.href(self.links, path)

    def page_href(self, src_uri: str) -> str:
        return str(self.links.page(src_uri))

    def heading(self, level: int, obj: SdkObject) -> Markup:
        badge = Markup('<code class="mp-sdk-kind mp-sdk-kind--{0}">{0}</code> ').format(obj.kind)
        return self.toc.heading(min(level, MAX_HEADING), obj.path, obj.name, badge, toc=level <= 3)

    @staticmethod
    def code(text: str) -> Markup:
        return highlight(text, "python")

    @staticmethod
    def example(text: str) -> Markup:
        return highlight(text, "pycon")

    def source(self, obj: SdkObject | SdkModule) -> tuple[str, str | None] | None:
        if not obj.file:
            return None
        text = obj.file + (f":{obj.line}" if obj.line else "")
        href = self.source_href(obj.file, obj.line) if self.source_href else None
        return text, href

    def operations(self, obj: SdkObject) -> list[OperationLinkView]:
        if self.sdk_links is None or self.operation_href is None or not obj.is_callable:
            return []
        return [
            OperationLinkView(
                op.label, op.method, op.path, op.operation_id, self.operation_href(op)
            )
            for op in self.sdk_links.operations_for(self.sdk.package, obj.path)
        ]

    def param_rows(self, obj: SdkObject) -> list[ParamRow]:
        described: dict[str, tuple[str, str]] = {}
        for doc in (obj.docstring, obj.init_docstring):
            if doc is None:
                continue
            for item in doc.items("parameters", "other_parameters", "attributes"):
                described.setdefault(item.name.lstrip("*"), (item.annotation, item.description))
        if obj.kind == "class":
            for member in obj.members:
                if member.kind == "attribute" and member.docstring:
                    described.setdefault(member.name, ("", member.docstring.text))
        rows = []
        for parameter in obj.parameters:
            annotation, description = described.get(parameter.name, ("", ""))
            rows.append(
                ParamRow(
                    parameter.display_name,
                    parameter.annotation or annotation,
                    parameter.default,
                    description,
                )
            )
        return rows

    def blocks(self, obj: SdkObject) -> list[tuple[str, Any]]:
        """Docstring sections in order, with the signature's parameters merged in once."""
        sections: list[DocSection] = []
        for doc in (obj.docstring, obj.init_docstring):
            if doc is not None:
                sections.extend(doc.sections)
        rows = self.param_rows(obj) if obj.parameters else []
        blocks: list[tuple[str, Any]] = []
        placed = False
        for section in sections:
            if section.kind == "parameters":
                if rows and not placed:
                    blocks.append(("params", rows))
                    placed = True
                continue
            if section.kind == "attributes" and (
                (obj.kind == "class" and obj.has_init) or self.attributes(obj)
            ):
                continue  # shown in the attributes table (and with the parameters they name)
            blocks.append((section.kind, section))
        if rows and not placed:
            at = 1 if blocks and blocks[0][0] == "text" else 0
            blocks.insert(at, ("params", rows))
        return blocks

    @staticmethod
    def shows_deprecation(obj: SdkObject) -> bool:
        """Whether the docstring does not already say the object is deprecated."""
        docs = [d for d in (obj.docstring, obj.init_docstring) if d is not None]
        return bool(obj.deprecated) and not any(d.deprecated for d in docs)

    @staticmethod
    def attributes(obj: SdkObject | SdkModule) -> list[AttributeRow]:
        """The attributes table: members, described by their docstring or the owner's."""
        members = obj.objects if isinstance(obj, SdkModule) else obj.members
        described: dict[str, DocItem] = {}
        owner_docs = [obj.docstring] if isinstance(obj, SdkModule) else _docs(obj)
        for doc in owner_docs:
            if doc is not None:
                for item in doc.items("attributes"):
                    described.setdefault(item.name, item)
        rows = []
        for member in members:
            if member.kind != "attribute":
                continue
            entry = described.pop(member.name) if member.name in described else None
            # `self.url = url` says nothing a reader needs; class and module values do.
            assigned = "class-attribute" in member.labels or "module-attribute" in member.labels
            rows.append(
                AttributeRow(
                    anchor=member.path,
                    name=member.name,
                    annotation=member.annotation or (entry.annotation if entry else ""),
                    annotation_path=member.annotation_path,
                    value=member.value if assigned else None,
                    description=member.docstring.text
                    if member.docstring
                    else (entry.description if entry else ""),
                    deprecated=bool(member.deprecated),
                )
            )
        if rows:
            rows.extend(
                AttributeRow(None, item.name, item.annotation, None, None, item.description)
                for item in described.values()
            )
        return rows

    @staticmethod
    def headed(obj: SdkObject | SdkModule) -> list[SdkObject]:
        members = obj.objects if isinstance(obj, SdkModule) else obj.members
        return [m for m in members if m.kind != "attribute"]

    def index_rows(self) -> tuple[list[SdkObject | SdkModule], int]:
        """Every public object for the index (class attributes are on their class), capped."""
        objects = self.sdk.objects
        rows: list[SdkObject | SdkModule] = list(self.sdk.modules)
        for obj in objects.values():
            parent = objects.get(obj.path.rsplit(".", 1)[0])
            if obj.kind == "attribute" and parent is not None and parent.kind == "class":
                continue
            rows.append(obj)
        rows.sort(key=lambda o: o.path.lower())
        return rows[:MAX_INDEX_ROWS], max(0, len(rows) - MAX_INDEX_ROWS)

    def coverage(self) -> tuple[int, int]:
        """(documented, counted) public modules, classes, functions, methods and properties."""
        return docstring_coverage([self.sdk])

    def uncovered(self) -> list[tuple[Operation, str | None]]:
        if self.sdk_links is None:
            return []
        return [
            (op, self.operation_href(op) if self.operation_href else None)
            for op in self.sdk_links.operations
            if not self.sdk_links.methods_for(op)
        ]

    @staticmethod
    def operation_name(op: Operation) -> str:
        return operation_name(op)


def _docs(obj: SdkObject) -> list[ParsedDocstring | None]:
    return [obj.docstring, obj.init_docstring]


def render_sdk_page(
    sdk: SdkModel,
    page: SdkPage,
    links: Links,
    *,
    page_map: SdkPageMap,
    sdk_links: SdkLinks | None = None,
    operation_href: OperationHref | None = None,
    source_href: SourceHref | None = None,
    toc: Toc,
) -> tuple[Markup, list[Any]]:
    """The page's HTML (safe: every docstring sanitized or escaped) and its TOC entries."""
    view = _View(sdk, page_map, links, toc, sdk_links, operation_href, source_href)
    context: dict[str, Any] = {
        "sdk": sdk,
        "page": page,
        "v": view,
        "toc": toc,
        "index_href": view.page_href(page_map.index_uri),
    }
    if page.kind == "index":
        template = "sdk_index.html"
        rows, more = view.index_rows()
        context.update(rows=rows, more=more)
    else:
        template = "sdk_module.html"
        if page.kind == "class":
            obj = sdk.objects[page.path]
            module = sdk.module(obj.module)
            context.update(module=module, objects=[obj], split=False, class_page=True)
        else:
            module = sdk.module(page.path)
            objects = module.objects if module is not None else []
            split = page.path in page_map.split_modules
            context.update(module=module, objects=objects, split=split, class_page=False)
    html = ENV.get_template(template).render(context)
    return Markup(html), toc.entries  # noqa: S704 - autoescaped template


def operation_sdk_html(
    op: Operation,
    sdk_links: SdkLinks,
    page_maps: dict[str, SdkPageMap],
    links: Links,
) -> Markup:
    """For an operation's page: links to the SDK methods that call it ('' when none)."""
    items = []
    for link in sdk_links.methods_for(op):
        page_map = page_maps.get(link.package)
        href = page_map.href(links, link.path) if page_map else None
        code = Markup("<code>{}</code>").format(link.path)
        items.append(Markup('<a href="{}">{}</a>').format(href, code) if href else code)
    if not items:
        return Markup("")
    return Markup('<p class="mp-sdk-methods"><strong>SDK:</strong> {}</p>').format(
        Markup(", ").join(items)
    )
