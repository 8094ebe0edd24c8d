"""The portal's pages, files and navigation, planned from a `Portal` and rendered on demand.

Rendering is lazy (one page at a time, when the engine asks) and needs only a `LinkResolver`,
so any engine that can place pages at the planned URIs can host the portal.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Literal, Protocol, TypeVar

import orjson
from markupsafe import Markup, escape
from mkdocs.plugins import get_plugin_logger

from mkdocs_platform.cache import StageCache, content_key
from mkdocs_platform.models import SEVERITY_ORDER, ApiEntry, Finding, Portal, PortalSettings
from mkdocs_platform.models.findings import internal_finding
from mkdocs_platform.render import reference as reference_pages
from mkdocs_platform.render import trends
from mkdocs_platform.render.charts import badge_json_for, badge_svg_for
from mkdocs_platform.render.dashboard import DashboardView, level_rank
from mkdocs_platform.render.environment import ENV
from mkdocs_platform.render.markdown import plain_title
from mkdocs_platform.render.reference import ApiPages, Reference
from mkdocs_platform.scorecard.engine import VALIDATION_RULES
from mkdocs_platform.scorecard.portfolio import build_portfolio
from mkdocs_platform.sources import file_links
from mkdocs_platform.workers import api_weight, spread, task_copy

PageKind = Literal[
    "catalog",
    "dashboard",
    "overview",
    "tag",
    "operation",
    "models",
    "webhooks",
    "scorecard",
    "sdk",
    "changes",
]

log = get_plugin_logger(__name__)
T = TypeVar("T")

CSS_NAME = "platform.css"
JS_NAME = "platform.js"

_LAYOUT_WHITESPACE = re.compile(
    r">\s+<(?=/?(?:blockquote|dd|details|div|dl|dt|h[1-6]|li|ol|p|summary|table|tbody|td|th|"
    r"thead|tr|ul)[\s/>])"
)
"""Whitespace between a tag and a block element's tag (never `pre` or `code`, never inline)."""


def without_layout_whitespace(html: str) -> str:
    """`html` without the whitespace the templates' layout leaves next to block elements.

    It shows nothing there, but each run is a text node that the search plugin's parser and
    the browser still visit: tens of thousands of them on a large API's page.
    """
    return _LAYOUT_WHITESPACE.sub("><", html)


class LinkResolver(Protocol):
    """Turns portal URIs into URLs relative to the page being rendered."""

    def page(self, src_uri: str, anchor: str | None = None) -> str:
        """URL of a generated page (by its source URI, `apis/x/index.md`)."""

    def file(self, dest_uri: str) -> str:
        """URL of a generated file (`apis/x/openapi.json`)."""


@dataclass
class PagePlan:
    """A page the portal adds."""

    src_uri: str
    """Where it pretends to live in the docs dir (`apis/payments/index.md`)."""
    title: str
    """Its title, as plain text."""
    kind: PageKind
    """Which template renders it."""
    api_id: str | None = None
    """The API it is about, for API pages."""
    edit_url: str | None = None
    """Where to edit what the page shows, in its own repository; None for portal-wide pages."""
    key: str = ""
    """The tag page's slug, the operation page's anchor, or the models page's prefix."""


@dataclass
class SiteFile:
    """A file the portal adds beside its pages."""

    dest_uri: str
    """Where it is written in the site (`apis/payments/openapi.json`)."""
    content: Callable[[], bytes]
    """Produces its bytes when the engine writes it."""


@dataclass
class NavNode:
    """An entry of the portal's navigation: a page, or a section of entries."""

    title: str
    src_uri: str | None = None
    children: list[NavNode] = field(default_factory=list)
    api_id: str | None = None
    """The API whose pages this entry holds; None for the portal's own entries."""


@dataclass
class TocEntry:
    level: int
    id: str
    title: str
    """Escaped HTML."""
    children: list[TocEntry] = field(default_factory=list)


@dataclass
class RenderedPage:
    html: Markup
    toc: list[TocEntry]
    title: str


@dataclass
class PortalSite:
    """Everything the engine must add: pages, files, navigation."""

    pages: list[PagePlan]
    files: list[SiteFile]
    nav: NavNode
    css_uri: str
    js_uri: str

    def __post_init__(self) -> None:
        self._by_uri = {plan.src_uri: plan for plan in self.pages}

    def page(self, src_uri: str) -> PagePlan | None:
        """The planned page at `src_uri`, if the portal adds one there."""
        return self._by_uri.get(src_uri)


class PageToc:
    """Collects headings while a template renders; returns the heading's HTML."""

    def __init__(self) -> None:
        self.entries: list[TocEntry] = []
        self.used: set[str] = set()
        self.counter = 0

    def next_id(self) -> int:
        """A number unique within the page, for tab sets."""
        self.counter += 1
        return self.counter

    def unique(self, anchor: str) -> str:
        candidate, n = anchor, 2
        while candidate in self.used:
            candidate = f"{anchor}-{n}"
            n += 1
        self.used.add(candidate)
        return candidate

    def heading(
        self,
        level: int,
        anchor: str,
        text: str,
        extra: Markup | str = "",
        toc: bool = True,
        toc_text: str | None = None,
    ) -> Markup:
        anchor = self.unique(anchor)
        title = plain_title(toc_text or text)
        if toc:
            entry = TocEntry(level=level, id=anchor, title=title)
            parent = self._parent(level)
            (parent.children if parent else self.entries).append(entry)
        return Markup(
            '<h{0} id="{1}">{2}{3}'
            '<a class="headerlink" href="#{1}" title="Permanent link">&para;</a></h{0}>'
        ).format(level, anchor, extra, escape(text))

    def _parent(self, level: int) -> TocEntry | None:
        entries = self.entries
        parent = None
        while entries and entries[-1].level < level:
            parent = entries[-1]
            entries = parent.children
        return parent


def shown_findings(api: ApiEntry) -> list[Finding]:
    """The API's findings as its overview and its scorecard count and list them: first those
    that make the document invalid OpenAPI, then the most severe.

    With a scorecard: the scorecard's findings (waived ones apart; validation findings once, as
    their checks report them) and what planning and rendering pages found after scoring.
    """
    card = api.scorecard
    if card is None:
        return _sorted_findings(api.findings)
    scored = {*card.findings, *(waived.finding for waived in card.waived_findings)}
    later = [
        f
        for f in api.findings
        if f not in scored and not (card.loaded and f.rule in VALIDATION_RULES)
    ]
    return _sorted_findings([*card.findings, *later])


def _sorted_findings(findings: list[Finding]) -> list[Finding]:
    return sorted(
        findings,
        key=lambda f: (
            f.finding_class != "structure",
            -SEVERITY_ORDER.get(f.severity, 0),
            f.file or "",
            f.line or 0,
            f.column or 0,
        ),
    )


class _RecordedLinks:
    """A `LinkResolver` that remembers every URL it gave, so a kept page can be checked."""

    def __init__(self, links: LinkResolver) -> None:
        self.links = links
        self.given: dict[tuple[str, str, str | None], str] = {}

    def page(self, src_uri: str, anchor: str | None = None) -> str:
        url = self.links.page(src_uri, anchor)
        self.given["page", src_uri, anchor] = url
        return url

    def file(self, dest_uri: str) -> str:
        url = self.links.file(dest_uri)
        self.given["file", dest_uri, None] = url
        return url


def _same_links(given: object, links: LinkResolver) -> bool:
    """Whether `links` still gives every URL a kept page was rendered with."""
    if not isinstance(given, dict):
        return False
    for (kind, uri, anchor), url in given.items():
        now = links.page(uri, anchor) if kind == "page" else links.file(uri)
        if now != url:
            return False
    return True


PAGE_STAGE = "page"


@dataclass
class ApiPagesTask:
    """The pages of one API to render, as a worker receives them."""

    api: ApiEntry
    """A copy of the API, without what rendering does not read."""
    plans: list[PagePlan]
    links: list[LinkResolver]
    """For each plan, its links (a plain object that pickles)."""
    settings: PortalSettings
    store: StageCache | None
    page_budget: int | None = None
    """The budget the pages were planned with, so that the worker plans them alike."""


def render_api_pages(task: ApiPagesTask) -> tuple[list[RenderedPage], list[Finding]]:
    """The task's pages, and the findings rendering them added to the API."""
    renderer = PortalRenderer(
        Portal(settings=task.settings, apis=[task.api]), task.store, page_budget=task.page_budget
    )
    before = len(task.api.findings)
    pages = [
        renderer.render(plan, links) for plan, links in zip(task.plans, task.links, strict=True)
    ]
    return pages, task.api.findings[before:]


class PortalRenderer:
    """Plans the portal's pages and renders each on demand.

    With `store`, an API page whose API is unchanged since a build that rendered it (the
    same `ApiEntry.cache_key` and findings) and whose links still lead to the same URLs is
    taken from the cache.

    `page_budget` bounds the estimated content of a page (default: `reference.PAGE_BUDGET`).
    """

    def __init__(
        self, portal: Portal, store: StageCache | None = None, *, page_budget: int | None = None
    ) -> None:
        self.portal = portal
        self.store = store
        # Read now, not where the pages are planned: a worker plans them again, and must plan
        # them alike.
        self.page_budget = reference_pages.PAGE_BUDGET if page_budget is None else page_budget
        self._rendered: dict[str, RenderedPage] = {}
        self.output = portal.settings.output
        self.apis = {api.id: api for api in portal.apis}
        self.api_pages = {api.id: self._plan_pages(api) for api in portal.apis}
        # Worked out once per API, not once per page (an API may have thousands), again
        # only when a page has added findings: (number of findings, what was worked out).
        self._api_keys: dict[str, tuple[int, str]] = {}
        self._shown: dict[str, tuple[int, list[Finding]]] = {}

    def _plan_pages(self, api: ApiEntry) -> ApiPages:
        try:
            return ApiPages.plan(api, self.output, self.portal.settings.pages, self.page_budget)
        except Exception as exc:
            # The API keeps its overview, which shows why its other pages are missing.
            log.debug("planning the pages of %s failed", api.id, exc_info=True)
            api.findings.append(internal_finding("planning the API's pages", exc, api.spec_path))
            return ApiPages(api=api, base=f"{self.output}/{api.id}", split="tag")

    def api_uri(self, api_id: str) -> str:
        return f"{self.output}/{api_id}/index.md"

    @property
    def catalog_uri(self) -> str:
        return f"{self.output}/index.md"

    @property
    def dashboard_uri(self) -> str:
        return f"{self.output}/dashboard/index.md"

    def scorecard_uri(self, api_id: str) -> str:
        return self.api_pages[api_id].scorecard_uri

    def changes_uri(self, api_id: str) -> str:
        """The API's changelog (`<output>/<api-id>/changes/`)."""
        return f"{self.api_pages[api_id].base}/changes/index.md"

    def _api_plan(self, api: ApiEntry, pages: list[PagePlan], files: list[SiteFile]) -> NavNode:
        layout = self.api_pages[api.id]
        edit = file_links(api.source, api.spec_path)[1]

        def add(uri: str, title: str, kind: PageKind, key: str = "") -> None:
            pages.append(PagePlan(uri, title, kind, api.id, edit, key))

        add(layout.overview_uri, api.title, "overview")
        node = NavNode(
            title=api.title,
            children=[NavNode(title=api.title, src_uri=layout.overview_uri)],
            api_id=api.id,
        )
        for tag_page in layout.tags:
            uri = layout.tag_uri(tag_page.slug)
            add(uri, tag_page.tag.name or "Other operations", "tag", tag_page.slug)
            node.children.append(
                NavNode(title=tag_page.tag.name or "Other operations", src_uri=uri)
            )
            if tag_page.apart:
                # Operation pages stay out of the nav: MkDocs renders the whole nav into every page.
                for op in tag_page.operations:
                    add(layout.operation_uri(op), op.summary or op.label, "operation", op.anchor)
        if layout.has_webhooks:
            add(layout.webhooks_uri, "Webhooks", "webhooks")
            node.children.append(NavNode(title="Webhooks", src_uri=layout.webhooks_uri))
        for model_page in layout.model_pages:
            if model_page.is_index:
                add(model_page.src_uri, "Models", "models")
                node.children.append(NavNode(title="Models", src_uri=model_page.src_uri))
            else:
                # Out of the nav like operation pages; the models page lists them.
                add(
                    model_page.src_uri, f"Models: {model_page.prefix}…", "models", model_page.prefix
                )
        for sdk_pages in layout.sdks:
            for sdk_page in sdk_pages.pages:
                add(sdk_page.src_uri, sdk_page.title, "sdk", sdk_page.src_uri)
                if sdk_page.in_nav and sdk_page.kind == "index":
                    node.children.append(NavNode(title=sdk_page.title, src_uri=sdk_page.src_uri))
        if api.scorecard is not None:
            add(layout.scorecard_uri, "Scorecard", "scorecard")
            node.children.append(NavNode(title="Scorecard", src_uri=layout.scorecard_uri))
        # Every API has a changelog, even before any history: the page says how to start one.
        changes_uri = self.changes_uri(api.id)
        add(changes_uri, "Changes", "changes")
        node.children.append(NavNode(title="Changes", src_uri=changes_uri))
        download = self._download(api)
        if download is not None:
            files.append(SiteFile(f"{layout.base}/openapi.json", lambda: download))
        card = api.scorecard
        if card is not None:
            files.append(SiteFile(f"{layout.base}/badge.svg", lambda: badge_svg_for(card).encode()))
            files.append(
                SiteFile(f"{layout.base}/badge.json", lambda: badge_json_for(card).encode())
            )
        return node

    def _download(self, api: ApiEntry) -> bytes | None:
        """The bytes of the API's `openapi.json`; None (and a finding) past `max_spec_size`."""
        if api.document is None:
            return None
        content = _document_bytes(api)
        limit = self.portal.settings.max_spec_size
        if len(content) <= limit:
            return content
        api.findings.append(
            Finding(
                rule="oas-download-size",
                severity="warn",
                finding_class="tool",
                message=f"the spec as loaded is {len(content):,} bytes, over max_spec_size "
                f"({limit:,} bytes); openapi.json is not offered for download",
                file=api.spec_path,
                line=1,
                pointer="#",
            )
        )
        return None

    def _api_plan_guarded(
        self, api: ApiEntry, pages: list[PagePlan], files: list[SiteFile]
    ) -> NavNode:
        api_pages: list[PagePlan] = []
        api_files: list[SiteFile] = []
        try:
            node = self._api_plan(api, api_pages, api_files)
        except Exception as exc:
            log.debug("planning the site of %s failed", api.id, exc_info=True)
            api.findings.append(internal_finding("planning the API's pages", exc, api.spec_path))
            uri = self.api_uri(api.id)
            api_pages = [PagePlan(uri, api.title or api.id, "overview", api.id)]
            api_files = []
            node = NavNode(title=api.title or api.id, src_uri=uri, api_id=api.id)
        pages.extend(api_pages)
        files.extend(api_files)
        return node

    def plan(self) -> PortalSite:
        pages = [PagePlan(src_uri=self.catalog_uri, title="API catalog", kind="catalog")]
        files: list[SiteFile] = []
        nav = NavNode(title=self.portal.settings.nav_title)
        nav.children.append(NavNode(title="API catalog", src_uri=self.catalog_uri))
        if any(api.scorecard is not None for api in self.portal.apis):
            pages.append(PagePlan(src_uri=self.dashboard_uri, title="Dashboard", kind="dashboard"))
            nav.children.append(NavNode(title="Dashboard", src_uri=self.dashboard_uri))
        nav.children.extend(self._api_plan_guarded(api, pages, files) for api in self.portal.apis)
        css_uri = f"{self.output}/assets/{CSS_NAME}"
        js_uri = f"{self.output}/assets/{JS_NAME}"
        files.append(SiteFile(dest_uri=css_uri, content=lambda: _asset_bytes(CSS_NAME)))
        files.append(SiteFile(dest_uri=js_uri, content=lambda: _asset_bytes(JS_NAME)))
        return PortalSite(pages=pages, files=files, nav=nav, css_uri=css_uri, js_uri=js_uri)

    def groups(self) -> list[tuple[str, list[ApiEntry]]]:
        """The catalog's APIs grouped as `group_by` says; APIs without a group come last."""
        key = self.portal.settings.group_by
        if key == "none":
            return [("", self.portal.apis)]
        groups: dict[str, list[ApiEntry]] = {}
        for api in self.portal.apis:
            groups.setdefault(api.system if key == "system" else api.owner, []).append(api)
        return sorted(groups.items(), key=lambda item: (item[0] == "", item[0].lower()))

    def prerender(
        self,
        plans: list[tuple[PagePlan, LinkResolver]],
        concurrency: int,
    ) -> None:
        """Render the API pages among `plans` now, each API's pages by one of `concurrency`
        workers, for `render` to hand out."""
        by_api: dict[str, list[tuple[PagePlan, LinkResolver]]] = {}
        for plan, links in plans:
            if plan.api_id is not None and plan.api_id in self.apis:
                by_api.setdefault(plan.api_id, []).append((plan, links))
        tasks = []
        for api_id, pages in by_api.items():
            kept = [self._kept(self._page_key(plan), links) for plan, links in pages]
            if all(page is not None for page in kept):
                self._rendered.update(
                    (plan.src_uri, page)
                    for (plan, _), page in zip(pages, kept, strict=True)
                    if page
                )
                continue
            api = self.apis[api_id]
            copy = task_copy(api)
            copy.locate = None  # rendering does not locate: the task stays small
            tasks.append(
                ApiPagesTask(
                    copy,
                    [p for p, _ in pages],
                    [links for _, links in pages],
                    self.portal.settings,
                    self.store,
                    self.page_budget,
                )
            )
        results = spread(render_api_pages, tasks, [api_weight(t.api) for t in tasks], concurrency)
        for task, result in zip(tasks, results, strict=True):
            if isinstance(result, Exception):
                # Rendering guards each page, so this is a bug of the task itself: pages are
                # rendered when asked for instead.
                log.debug("rendering the pages of %s failed", task.api.id, exc_info=result)
                continue
            rendered, added = result
            self.apis[task.api.id].findings.extend(added)
            self._rendered.update(
                (plan.src_uri, page) for plan, page in zip(task.plans, rendered, strict=True)
            )

    def render(self, plan: PagePlan, links: LinkResolver) -> RenderedPage:
        """The page's HTML; a page whose rendering fails says so, with the finding, instead of
        failing the build."""
        done = self._rendered.pop(plan.src_uri, None)
        if done is not None:
            return done
        # Made once, for looking up the page and for keeping it.
        key = self._page_key(plan)
        kept = self._kept(key, links)
        if kept is not None:
            return kept
        recorded = _RecordedLinks(links)
        try:
            page = self._render(plan, recorded)
        except Exception as exc:
            log.debug("rendering %s failed", plan.src_uri, exc_info=True)
            return self._failed_page(plan, exc)
        if key is not None and self.store is not None:
            self.store.put(PAGE_STAGE, key, (recorded.given, page))
        return page

    def _kept(self, key: str | None, links: LinkResolver) -> RenderedPage | None:
        """The page kept under `key`, if its links still lead where they led."""
        if key is None or self.store is None:
            return None
        stored = self.store.get(PAGE_STAGE, key)
        if (
            isinstance(stored, tuple)
            and len(stored) == 2
            and isinstance(stored[1], RenderedPage)
            and _same_links(stored[0], links)
        ):
            return stored[1]
        return None

    def _page_key(self, plan: PagePlan) -> str | None:
        """What an API page is made from; None for portal-wide pages and uncached APIs."""
        api = self.apis.get(plan.api_id or "")
        if api is None or api.cache_key is None:
            return None
        return content_key(PAGE_STAGE, self._api_key(api), plan)

    def _api_key(self, api: ApiEntry) -> str:
        """What every page of `api` is made from, besides its plan."""
        return _once_per_api(self._api_keys, api, self._make_api_key)

    def _make_api_key(self, api: ApiEntry) -> str:
        settings = self.portal.settings
        # The findings as they are now: planning may have added some since scoring. The
        # layout too: links given by page and anchor still resolve after a model or an
        # operation moved to another page, to the page that no longer holds it.
        # The history too: an unchanged spec still gets a new point on its trend every build.
        return content_key(
            PAGE_STAGE,
            api.cache_key,
            api.findings,
            api.history,
            api.changes,
            settings.history.path is not None,
            settings.output,
            settings.pages,
            self.api_pages[api.id].layout_key,
        )

    def _failed_page(self, plan: PagePlan, exc: Exception) -> RenderedPage:
        api = self.apis.get(plan.api_id or "")
        finding = internal_finding(
            f"rendering the page '{plain_title(plan.title)}'",
            exc,
            api.spec_path if api is not None else None,
        )
        if api is not None:
            api.findings.append(finding)
        log.info("%s: %s", plan.src_uri, finding.message)
        toc = PageToc()
        heading = toc.heading(1, "page-failed", plain_title(plan.title))
        html = Markup(
            '{}<div class="admonition failure"><p class="admonition-title">This page could not '
            "be rendered</p><p>{}</p><p><code>{}</code></p></div>"
        ).format(heading, finding.message, f"{finding.rule} {finding.location()}")
        return RenderedPage(html=html, toc=toc.entries, title=plain_title(plan.title))

    def _render(self, plan: PagePlan, links: LinkResolver) -> RenderedPage:
        toc = PageToc()
        context: dict[str, Any] = {
            "portal": self.portal,
            "links": links,
            "toc": toc,
            "renderer": self,
            "page_title": plan.title,
            "plan": plan,
            "history_on": self.portal.settings.history.path is not None,
            "trends": trends,
        }
        if plan.kind == "dashboard":
            template = "dashboard.html"
            cards = [api.scorecard for api in self.portal.apis if api.scorecard is not None]
            portfolio = build_portfolio(cards)
            view = DashboardView(
                portfolio,
                {card.api_id: card for card in cards},
                trends.portfolio_measures(self.portal.history.portfolio, portfolio),
                trends.change_summaries(self.portal.apis),
            )
            context.update(view=view, level_rank=level_rank)
        elif plan.kind == "catalog":
            template = "catalog.html"
            context.update(
                apis=self.portal.apis,
                groups=self.groups(),
                group_by=self.portal.settings.group_by,
            )
        else:
            api = self.apis[plan.api_id or ""]
            layout = self.api_pages[api.id]
            reference = Reference(layout, links, models_page=plan.kind == "models")
            template = f"{plan.kind}.html"
            context.update(
                api=api,
                model=api.model,
                layout=layout,
                ref=reference,
                findings=_once_per_api(self._shown, api, shown_findings),
                view_url=reference.view_url,
            )
            if plan.kind == "tag":
                context["tag_page"] = next(t for t in layout.tags if t.slug == plan.key)
            elif plan.kind == "models":
                context["model_page"] = layout.model_page(layout.model_group_uri(plan.key))
            elif plan.kind == "changes":
                context["changelog"] = trends.changelog(api)
            elif plan.kind == "operation":
                context["op"] = layout.operation_at[plan.key or ""]
        if plan.kind == "sdk":
            html = str(context["ref"].sdk_page(plan.key, toc))
        else:
            html = ENV.get_template(template).render(context)
        html = without_layout_whitespace(html)
        return RenderedPage(html=Markup(html), toc=toc.entries, title=plain_title(plan.title))  # noqa: S704 - autoescaped template


def _once_per_api(
    kept: dict[str, tuple[int, T]], api: ApiEntry, make: Callable[[ApiEntry], T]
) -> T:
    """`make(api)`, kept in `kept` until the API's findings grow."""
    entry = kept.get(api.id)
    if entry is None or entry[0] != len(api.findings):
        entry = (len(api.findings), make(api))
        kept[api.id] = entry
    return entry[1]


def _document_bytes(api: ApiEntry) -> bytes:
    try:
        return orjson.dumps(api.document)
    except (TypeError, orjson.JSONEncodeError):
        # Integers past 64 bits, which orjson refuses to write.
        return json.dumps(api.document, default=str).encode()


def _asset_bytes(name: str) -> bytes:
    return resources.files("mkdocs_platform.render").joinpath("assets").joinpath(name).read_bytes()
