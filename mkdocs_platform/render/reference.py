"""The pages of one API's reference and the helpers its templates use.

An API gets an overview page, one page per tag (or, with `pages: operation`, one page per
operation beside tag pages that list them), a models page holding every named schema once,
and a webhooks page when it has webhooks.

No page is to weigh more than a browser renders readily (PAGE_BOUND). Page sizes are estimated
from the spec while planning, before anything is rendered, since every page's links depend on
where each model and operation lives:

- the models of a large API are shared among pages by the start of their slugs: the models
  page (`models/`) lists every model and holds those whose start no other page takes;
  `models/<prefix>/` holds the models whose slugs start with `<prefix>`, the prefix as short
  as keeps each page within PAGE_BUDGET. A model stays where it is while the models sharing
  its prefix do not outgrow their page;
- a tag page estimated over PAGE_BUDGET lists its operations, each on its own page under
  `operations/`, as `pages: operation` would.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from markupsafe import Markup

from mkdocs_platform.models import ApiEntry
from mkdocs_platform.models.api import (
    ApiModel,
    MediaType,
    Operation,
    SecurityRequirement,
    Tag,
    slugify,
)
from mkdocs_platform.models.sdk import SdkModel
from mkdocs_platform.openapi.schema import merge_all_of, ref_name, resolve, schema_facts
from mkdocs_platform.render.samples import Sample, highlight, request_samples, response_example
from mkdocs_platform.render.schemas import (
    MAX_FIELD_TEXT,
    MAX_FIELDS,
    SchemaHtml,
    SchemaShapes,
    estimated_size,
    json_text,
    schema_anchor,
)
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

RESERVED_PAGES = frozenset(
    {"models", "webhooks", "operations", "scorecard", "sdk", "assets", "changes"}
)
"""Page folders under an API that a tag page never takes."""

PAGE_BOUND = 1_500_000
"""Bytes of HTML a generated page should stay under, the theme's navigation included: past
that, browsers take seconds to lay a page out."""
PAGE_BUDGET = 1_000_000
"""Estimated bytes of content planned for one page; the rest of PAGE_BOUND is left to the
theme and to what the estimate misses."""


@dataclass
class TagPage:
    """A tag and the operations its page shows."""

    tag: Tag
    slug: str
    operations: list[Operation]
    apart: bool = False
    """Whether each operation has a page of its own, which the tag page lists: with `pages:
    operation`, or when the operations together would make the page too large."""


@dataclass
class ModelPage:
    """A page of the API's models: the models page itself (prefix '') or `models/<prefix>/`."""

    prefix: str
    src_uri: str
    names: list[str]
    """The models it holds, in the order it shows them."""

    @property
    def is_index(self) -> bool:
        return not self.prefix


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
    model_pages: list[ModelPage] = field(default_factory=list)
    """The pages holding the API's models: the models page first, then one per prefix."""
    model_page_of: dict[str, str] = field(default_factory=dict)
    """Model name -> src_uri of the page holding it."""
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
    def plan(cls, api: ApiEntry, output: str, split: str, budget: int | None = None) -> ApiPages:
        """Where the pages of `api` live; `budget` (default PAGE_BUDGET) bounds the estimated
        content of a page."""
        budget = PAGE_BUDGET if budget is None else budget
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
            apart = (
                split == "operation" or estimated_operations_size(api.model, operations) > budget
            )
            pages.tags.append(TagPage(tag=tag, slug=candidate, operations=operations, apart=apart))
            for op in operations:
                pages.operation_pages[op.anchor] = (
                    pages.operation_uri(op) if apart else pages.tag_uri(candidate)
                )
        for op in api.model.webhooks:
            pages.operation_pages[op.anchor] = pages.webhooks_uri
        pages._plan_models(api.model, budget)
        return pages

    def _plan_models(self, model: ApiModel, budget: int) -> None:
        if not model.schemas:
            return
        sizes = {
            name: estimated_size(model, {"$ref": model.schema_ref(name)}) for name in model.schemas
        }
        if sum(sizes.values()) <= budget:
            self.model_pages = [ModelPage("", self.models_uri, list(model.schemas))]
        else:
            # The models page also lists every model: its share of the budget is what is left.
            index = sum(_INDEX_ENTRY + len(name) for name in model.schemas)
            groups = prefix_groups(
                [(slugify(name) or "unnamed", name, size) for name, size in sizes.items()],
                budget,
                max(budget - index, 0),
            )
            groups.setdefault("", [])  # the models page lists every model, holding any or none
            self.model_pages = [
                ModelPage(prefix, self.model_group_uri(prefix), names)
                for prefix, names in sorted(groups.items())
            ]
        self.model_page_of = {
            name: page.src_uri for page in self.model_pages for name in page.names
        }

    @property
    def overview_uri(self) -> str:
        return f"{self.base}/index.md"

    @property
    def models_uri(self) -> str:
        return f"{self.base}/models/index.md"

    def model_group_uri(self, prefix: str) -> str:
        return f"{self.base}/models/{prefix}/index.md" if prefix else self.models_uri

    def model_uri(self, name: str) -> str:
        """The page holding the model `name` (the models page for a name it does not know)."""
        return self.model_page_of.get(name, self.models_uri)

    def model_page(self, src_uri: str) -> ModelPage:
        return next(page for page in self.model_pages if page.src_uri == src_uri)

    @property
    def models_split(self) -> bool:
        return len(self.model_pages) > 1

    @cached_property
    def operation_at(self) -> dict[str, Operation]:
        """Operation anchor -> the operation, for the pages of one operation each."""
        return {op.anchor: op for tag in self.tags for op in tag.operations}

    @cached_property
    def operation_by_id(self) -> dict[str, Operation]:
        """operationId -> the operation, for the links between responses and operations."""
        operations = self.api.model.operations if self.api.model else []
        return {op.operation_id: op for op in operations if op.operation_id}

    @cached_property
    def layout_key(self) -> str:
        """A digest of where every model and operation lives: a page rendered for another
        layout links to pages that no longer hold what it links to."""
        digest = hashlib.blake2b(digest_size=16)
        for name, uri in sorted(self.model_page_of.items()):
            digest.update(f"m\0{name}\0{uri}\0".encode("utf-8", "surrogatepass"))
        for anchor, uri in sorted(self.operation_pages.items()):
            digest.update(f"o\0{anchor}\0{uri}\0".encode("utf-8", "surrogatepass"))
        return digest.hexdigest()

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
        return bool(self.model_pages)

    @property
    def has_webhooks(self) -> bool:
        return bool(self.api.model and self.api.model.webhooks)


_INDEX_ENTRY = 90
"""Bytes of the models page's list per model, beside its name: a link and its separator."""


def prefix_groups(
    models: list[tuple[str, str, int]], budget: int, root_budget: int
) -> dict[str, list[str]]:
    """Models shared among pages by the start of their slugs: prefix -> model names.

    `models` holds (slug, name, estimated size). A prefix whose models fit in `budget` (the
    empty prefix: `root_budget`) is one page. Past it, the prefixes one character longer go to
    pages of their own, the largest first, until what remains fits; those are shared the same
    way in turn. Only the sizes of models sharing a prefix decide where a model goes, so adding
    a model moves no other but those of its own prefix, and only when their page overflows.
    Models of one slug stay together: a page that only they fill is over budget, not split.
    """
    groups: dict[str, list[str]] = {}
    # (prefix, its models, the budget of its page); walked without recursion.
    pending: list[tuple[str, list[tuple[str, str, int]], int]] = [("", models, root_budget)]
    while pending:
        prefix, members, limit = pending.pop()
        if sum(size for _, _, size in members) <= limit:
            groups[prefix] = [name for _, name, _ in sorted(members, key=lambda m: (m[0], m[1]))]
            continue
        longer: dict[str, list[tuple[str, str, int]]] = {}
        kept: list[tuple[str, str, int]] = []
        for member in members:
            if len(member[0]) > len(prefix):
                longer.setdefault(member[0][: len(prefix) + 1], []).append(member)
            else:
                kept.append(member)
        remaining = sum(size for _, _, size in members)
        by_size = sorted(longer.items(), key=lambda item: (-sum(m[2] for m in item[1]), item[0]))
        for child, child_members in by_size:
            if remaining <= limit:
                kept.extend(child_members)
            else:
                pending.append((child, child_members, budget))
                remaining -= sum(size for _, _, size in child_members)
        if kept:
            groups[prefix] = [name for _, name, _ in sorted(kept, key=lambda m: (m[0], m[1]))]
    return groups


def _body_model(api: ApiModel, schema: Any) -> str | None:
    """The model whose fields a body lists (see `SchemaHtml.body_model`), by `$ref` alone."""
    name = ref_name(api, schema)
    if name:
        return name
    resolved = resolve(api, schema)
    return ref_name(api, resolved.get("items")) if isinstance(resolved, dict) else None


def _fields_size(api: ApiModel, name: str) -> int:
    """Roughly the bytes of a body's list of the fields of model `name`."""
    named = api.schemas.get(name)
    if not isinstance(named, dict):
        return 0
    merged, _ = merge_all_of(api, named, frozenset({id(named)}), named=True)
    properties = merged.get("properties")
    if not isinstance(properties, dict):
        return 0
    total = 300
    for prop in list(properties.values())[:MAX_FIELDS]:
        description = prop.get("description") if isinstance(prop, dict) else None
        text = min(len(description), MAX_FIELD_TEXT) if isinstance(description, str) else 0
        total += 220 + text
    return total


def _example_size(value: Any) -> int:
    """Roughly the bytes of an example shown highlighted and cut after MAX_EXAMPLE_LINES."""
    text = value if isinstance(value, str) else json_text(value)
    shown = text.split("\n", MAX_EXAMPLE_LINES)[:MAX_EXAMPLE_LINES]
    # Highlighting wraps each token in a span: about three bytes of HTML per byte of text.
    return 300 + 3 * sum(len(line) + 1 for line in shown)


def estimated_operations_size(api: ApiModel, operations: list[Operation]) -> int:
    """Roughly the bytes of HTML of `operations` shown on one page.

    What a page shows once and links to after (a model's fields, an example) counts once.
    """
    counted: set[Any] = set()
    total = 0
    pending = list(operations)
    while pending:
        op = pending.pop()
        total += 3500 + len(op.description) + 3 * len(op.summary) + 2 * len(op.path)
        for parameter in op.parameters:
            total += 450 + len(parameter.description)
            total += estimated_size(api, parameter.schema) - 450 if parameter.schema else 0
        media: list[MediaType] = []
        if op.request_body is not None:
            total += 300 + len(op.request_body.description)
            media.extend(op.request_body.content)
        for response in op.responses:
            total += 300 + len(response.description) + 250 * len(response.links)
            total += sum(350 + len(header.description) for header in response.headers)
            media.extend(response.content)
        for item in media:
            total += _media_size(api, item, counted)
        for callback in op.callbacks:
            pending.extend(callback.operations)
    # The parts above are each counted generously; GitHub's tag pages come to 0.66 to 0.81 of
    # their sum.
    return total * 3 // 4


def _media_size(api: ApiModel, media: MediaType, counted: set[Any]) -> int:
    total = 250
    key: tuple[str, object]
    model = _body_model(api, media.schema) if media.schema is not None else None
    if model is not None:
        total += 150
        if ("fields", model) not in counted:
            counted.add(("fields", model))
            total += _fields_size(api, model)
    elif media.schema is not None:
        total += estimated_size(api, media.schema)
    for example in media.examples:
        # Examples a spec shares by `$ref` are one object: shown once, linked after.
        key = ("example", id(example.value))
        if key in counted:
            total += 150
            continue
        counted.add(key)
        total += 200 + len(example.description) + _example_size(example.value)
    if not media.examples and media.schema is not None:
        # An example made from the schema: as long as the model, cut like the others.
        key = ("made", model or id(media.schema))
        total += 150 if key in counted else 200 + 3 * 40 * MAX_EXAMPLE_LINES // 2
        counted.add(key)
    return total


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
        self._examples: dict[tuple[str, str], tuple[str, str]] = {}
        """(language, text) -> (anchor, where) of each example shown on the page."""

    # -- links ------------------------------------------------------------------------

    def model_href(self, name: str) -> str:
        return str(self.links.page(self.pages.model_uri(name), schema_anchor(name)))

    def model_index(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """Every model by the initial of its slug: (initial, [(name, href)])."""
        by_initial: dict[str, list[tuple[str, str]]] = {}
        for slug, name in sorted(
            (slugify(name) or "unnamed", name) for name in self.pages.model_page_of
        ):
            by_initial.setdefault(slug[0].upper(), []).append((name, self.model_href(name)))
        return list(by_initial.items())

    def op_href(self, op: Operation) -> str:
        uri = self.pages.operation_pages.get(op.anchor, self.pages.overview_uri)
        return str(self.links.page(uri, op.anchor))

    def op_by_id(self, operation_id: str) -> Operation | None:
        return self.pages.operation_by_id.get(operation_id)

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
