"""The pages of one API's reference and the helpers its templates use.

An API gets an overview page, one page per tag (or, with `pages: operation`, one page per
operation beside tag pages that list them), a models page holding every named schema once,
and a webhooks page when it has webhooks.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from mkdocs_platform.models import ApiEntry
from mkdocs_platform.models.api import Operation, SecurityRequirement, Tag, slugify
from mkdocs_platform.models.sdk import SdkModel
from mkdocs_platform.openapi.schema import schema_facts
from mkdocs_platform.render.samples import Sample, highlight, request_samples, response_example
from mkdocs_platform.render.schemas import SchemaHtml, SchemaShapes, schema_anchor
from mkdocs_platform.render.sdk_pages import (
    SdkPage,
    SdkPageMap,
    operation_sdk_html,
    plan_sdk_pages,
    render_sdk_page,
    sdk_base_uri,
)
from mkdocs_platform.render.search import unsearched
from mkdocs_platform.sources import file_links

MAX_EXAMPLE_LINES = 60
"""Lines of an example shown: enough for its shape and first values. The rest is counted."""

RESERVED_PAGES = frozenset({"models", "webhooks", "operations", "scorecard", "sdk", "assets"})
"""Page folders under an API that a tag page never takes."""


@dataclass
class TagPage:
    """A tag and the operations its page shows."""

    tag: Tag
    slug: str
    operations: list[Operation]


@dataclass
class SdkPages:
    """One SDK of the API and where its pages are."""

    sdk: SdkModel
    pages: list[SdkPage]
    page_map: SdkPageMap

    @property
    def index_uri(self) -> str:
        return self.page_map.index_uri


@dataclass
class ApiPages:
    """Where every page and operation of one API lives."""

    api: ApiEntry
    base: str
    """`<output>/<api-id>`."""
    split: str
    """`tag` or `operation`."""
    tags: list[TagPage] = field(default_factory=list)
    operation_pages: dict[str, str] = field(default_factory=dict)
    """Operation anchor -> src_uri of the page holding it."""
    sdks: list[SdkPages] = field(default_factory=list)
    """The API's SDKs and their pages."""
    _shapes: SchemaShapes | None = field(default=None, repr=False, compare=False)

    @property
    def shapes(self) -> SchemaShapes | None:
        """Which of the API's schemas are the same, worked out once for all of its pages."""
        if self._shapes is None and self.api.model is not None:
            self._shapes = SchemaShapes(self.api.model)
        return self._shapes

    @classmethod
    def plan(cls, api: ApiEntry, output: str, split: str) -> ApiPages:
        pages = cls(api=api, base=f"{output}/{api.id}", split=split)
        for sdk in api.sdks:
            sdk_pages = plan_sdk_pages(sdk, sdk_base_uri(output, api.id, sdk.package))
            pages.sdks.append(SdkPages(sdk, sdk_pages, SdkPageMap(sdk, sdk_pages)))
        if api.model is None:
            return pages
        used = set(RESERVED_PAGES)
        for tag, operations in api.model.operations_by_tag():
            slug = slugify(tag.name) or "other"
            candidate, n = slug, 2
            while candidate in used:
                candidate = f"{slug}-{n}"
                n += 1
            used.add(candidate)
            pages.tags.append(TagPage(tag=tag, slug=candidate, operations=operations))
            for op in operations:
                pages.operation_pages[op.anchor] = (
                    pages.operation_uri(op) if split == "operation" else pages.tag_uri(candidate)
                )
        for op in api.model.webhooks:
            pages.operation_pages[op.anchor] = pages.webhooks_uri
        return pages

    @property
    def overview_uri(self) -> str:
        return f"{self.base}/index.md"

    @property
    def models_uri(self) -> str:
        return f"{self.base}/models/index.md"

    @property
    def scorecard_uri(self) -> str:
        return f"{self.base}/scorecard/index.md"

    @property
    def webhooks_uri(self) -> str:
        return f"{self.base}/webhooks/index.md"

    def tag_uri(self, slug: str) -> str:
        return f"{self.base}/{slug}/index.md"

    def operation_uri(self, op: Operation) -> str:
        return f"{self.base}/operations/{op.anchor.removeprefix('op-')}/index.md"

    @property
    def has_models(self) -> bool:
        return bool(self.api.model and self.api.model.schemas)

    @property
    def has_webhooks(self) -> bool:
        return bool(self.api.model and self.api.model.webhooks)


class Reference:
    """What the reference templates ask while rendering one page of one API."""

    def __init__(self, pages: ApiPages, links: Any, *, models_page: bool = False) -> None:
        self.pages = pages
        self.api = pages.api
        self.links = links
        model = pages.api.model
        self.schemas = (
            SchemaHtml(model, self.model_href, pages.shapes, mappings_once=models_page)
            if model is not None
            else None
        )
        self._by_operation_id = {
            op.operation_id: op for op in (model.operations if model else []) if op.operation_id
        }
        self._examples: dict[tuple[str, str], tuple[str, str]] = {}
        """(language, text) -> (anchor, where) of each example shown on the page."""

    # -- links ------------------------------------------------------------------------

    def model_href(self, name: str) -> str:
        return str(self.links.page(self.pages.models_uri, schema_anchor(name)))

    def op_href(self, op: Operation) -> str:
        uri = self.pages.operation_pages.get(op.anchor, self.pages.overview_uri)
        return str(self.links.page(uri, op.anchor))

    def op_by_id(self, operation_id: str) -> Operation | None:
        return self._by_operation_id.get(operation_id)

    def tag_href(self, slug: str) -> str:
        return str(self.links.page(self.pages.tag_uri(slug)))

    def page_href(self, uri: str, anchor: str | None = None) -> str:
        return str(self.links.page(uri, anchor))

    def auth_anchor(self, key: str) -> str:
        return "auth-" + (slugify(key) or "scheme")

    def auth_href(self, key: str) -> str:
        return str(self.links.page(self.pages.overview_uri, self.auth_anchor(key)))

    def view_url(self, path: str, line: int | None = None) -> str | None:
        return file_links(self.api.source, path, line)[0]

    # -- schemas ----------------------------------------------------------------------

    def schema(self, schema: Any, expand_named: bool = False) -> Markup:
        if self.schemas is None:
            return Markup("")
        return unsearched(self.schemas.schema_block(schema, expand_named=expand_named))

    def type(self, schema: Any) -> Markup:
        return self.schemas.type_html(schema) if self.schemas else Markup("")

    def facts(self, schema: Any) -> Markup:
        if self.schemas is None or self.api.model is None or schema is None:
            return Markup("")
        return self.schemas.facts_html(schema_facts(self.api.model, schema))

    def flags(self, schema: Any, required: bool = False) -> Markup:
        if self.schemas is None or self.api.model is None:
            return Markup("")
        return self.schemas.flags_html(schema_facts(self.api.model, schema), required)

    def schema_anchor(self, name: str) -> str:
        return schema_anchor(name)

    # -- SDKs -------------------------------------------------------------------------

    def sdk_html(self, op: Operation) -> Markup:
        """Links to the SDK methods that call `op` ('' when none)."""
        if self.api.sdk_links is None:
            return Markup("")
        maps = {s.sdk.package: s.page_map for s in self.pages.sdks}
        return operation_sdk_html(op, self.api.sdk_links, maps, self.links)

    def sdk_page(self, src_uri: str, toc: Any) -> Markup:
        """The HTML of one SDK page of the API."""
        for sdk_pages in self.pages.sdks:
            page = sdk_pages.page_map.pages.get(src_uri)
            if page is not None:
                html, _ = render_sdk_page(
                    sdk_pages.sdk,
                    page,
                    self.links,
                    page_map=sdk_pages.page_map,
                    sdk_links=self.api.sdk_links,
                    operation_href=self.op_href,
                    source_href=lambda path, line: file_links(self.api.source, path, line)[0],
                    toc=toc,
                )
                return html
        raise KeyError(src_uri)

    # -- operations -------------------------------------------------------------------

    def samples(self, op: Operation) -> list[Sample]:
        return request_samples(self.api.model, op) if self.api.model is not None else []

    def response_example(self, media: Any) -> Any:
        if self.api.model is None:
            return None
        _, value = response_example(self.api.model, media)
        return value

    @staticmethod
    def code(text: str, language: str) -> Markup:
        return unsearched(highlight(text, language))

    def example(self, text: str, language: str, where: str) -> Markup:
        """An example payload: shown the first time on the page (cut after `MAX_EXAMPLE_LINES`
        lines), a link to that one after. `where` names the place it is shown, for the links.

        Large APIs answer the same way from many operations (GitHub's error bodies are on
        hundreds); a page holding every copy is mostly repeats.
        """
        key = (language, text)
        first = self._examples.get(key)
        if first is not None:
            return Markup(
                '<p class="mp-same" data-search-exclude>'
                'Same as <a href="#{}">the example of {}</a>.</p>'
            ).format(*first)
        digest = hashlib.blake2b(f"{language}\n{text}".encode(), digest_size=8).hexdigest()
        anchor = f"mp-ex-{digest}"
        self._examples[key] = (anchor, where)
        lines = text.splitlines(keepends=True)
        if len(lines) <= MAX_EXAMPLE_LINES:
            return unsearched(highlight(text, language, anchor=anchor))
        cut = len(lines) - MAX_EXAMPLE_LINES
        return unsearched(
            highlight(
                "".join(lines[:MAX_EXAMPLE_LINES]),
                language,
                anchor=anchor,
                more=f"… {cut} more line{'s' if cut > 1 else ''}",
            )
        )

    @staticmethod
    def language_of(media_type: str) -> str:
        """The Pygments lexer for examples of a media type."""
        kind = media_type.split(";", 1)[0].strip().lower()
        for marker, language in (
            ("json", "json"),
            ("yaml", "yaml"),
            ("xml", "xml"),
            ("html", "html"),
        ):
            if marker in kind:
                return language
        return "text"

    def security_of(self, op: Operation) -> list[SecurityRequirement]:
        """The requirements that apply to `op`: its own, else the API's.

        Webhooks and callbacks are requests the API sends: only their own requirements apply.
        """
        if op.security is not None or op.sent_by_api:
            return op.security or []
        return self.api.model.security if self.api.model else []

    def parameters_by_location(self, op: Operation) -> list[tuple[str, list[Any]]]:
        order = ("path", "query", "header", "cookie")
        groups: dict[str, list[Any]] = {}
        for parameter in op.parameters:
            groups.setdefault(parameter.location, []).append(parameter)
        return sorted(
            groups.items(),
            key=lambda item: order.index(item[0]) if item[0] in order else len(order),
        )
