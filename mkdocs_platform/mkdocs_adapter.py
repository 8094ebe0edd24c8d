"""How a planned `PortalSite` becomes MkDocs files, navigation entries and page content."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc
from mkdocs.utils import get_relative_url

from mkdocs_platform.bundles.storage import local_folder
from mkdocs_platform.render.markdown import plain_title
from mkdocs_platform.render.search import searchable
from mkdocs_platform.render.site import (
    LinkResolver,
    NavNode,
    PagePlan,
    PortalRenderer,
    PortalSite,
    TocEntry,
)

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig

    from mkdocs_platform.config import PlatformConfig

log = get_plugin_logger(__name__)

PLACEHOLDER = "mkdocs-platform-generated-page"
"""The whole Markdown source of a generated page: nothing from a spec is ever Markdown."""


def add_site_files(site: PortalSite, files: Files, config: MkDocsConfig) -> Files:
    """Add the portal's pages (as placeholders) and files; the user's own files win."""
    for plan in site.pages:
        if files.get_file_from_path(plan.src_uri) is not None:
            log.info("docs/%s exists; it is used instead of the generated page", plan.src_uri)
            continue
        files.append(
            File.generated(
                config, plan.src_uri, content=PLACEHOLDER, inclusion=InclusionLevel.NOT_IN_NAV
            )
        )
    for site_file in site.files:
        if files.get_file_from_path(site_file.dest_uri) is None:
            files.append(File.generated(config, site_file.dest_uri, content=site_file.content()))
    return files


def _link_pages(pages: list[Page]) -> None:
    previous: Page | None = None
    for page in pages:
        page.previous_page = previous
        page.next_page = None
        if previous is not None:
            previous.next_page = page
        previous = page


def _to_nav_item(node: NavNode, files: Files, pages: list[Page]) -> Page | Section | None:
    if node.src_uri is not None:
        file = files.get_file_from_path(node.src_uri)
        page = file.page if file is not None else None
        if page is None:
            return None
        pages.append(page)
        return page
    children = [
        c for c in (_to_nav_item(child, files, pages) for child in node.children) if c is not None
    ]
    section = Section(title=plain_title(node.title), children=children)  # type: ignore[arg-type]
    for child in children:
        child.parent = section
    return section


def _set_titles(site: PortalSite, files: Files) -> None:
    for plan in site.pages:
        file = files.get_file_from_path(plan.src_uri)
        page = file.page if file is not None else None
        # A title the user gave in their own nav wins over ours.
        if page is not None and "title" not in page.__dict__:
            page.title = plain_title(plan.title)


class PortalNavigation:
    """The portal's section of the site's navigation.

    MkDocs writes the whole navigation into every page, so a section listing every API's pages
    makes a portal's HTML grow with the square of its APIs. Past `max_apis`, the section holds
    the portal's own pages, and an API's entry is shown only on that API's pages.
    """

    def __init__(self, max_apis: int) -> None:
        self.max_apis = max_apis
        self._section: Section | None = None
        self._shared: list[Page | Section] = []
        self._api_sections: dict[str, Page | Section] = {}
        self._site: PortalSite | None = None
        self._homes: dict[str, Section] = {}
        self._adopted: Page | None = None

    def place(self, site: PortalSite, nav: Navigation, files: Files) -> Navigation:
        """Add the portal's section to the nav, unless the user's nav already places its pages."""
        _set_titles(site, files)
        self._site = site
        ours = {plan.src_uri for plan in site.pages}
        if any(page.file.src_uri in ours for page in nav.pages):
            return nav
        api_nodes = [node for node in site.nav.children if node.api_id is not None]
        if len(api_nodes) > self.max_apis:
            return self._place_apart(site, nav, files)
        pages: list[Page] = []
        section = _to_nav_item(site.nav, files, pages)
        if section is None:
            return nav
        if isinstance(section, Section) and len(section.children) == 1:
            section = section.children[0]  # type: ignore[assignment]
        nav.items.append(section)
        nav.pages.extend(pages)
        _link_pages(nav.pages)
        self._remember_homes(site, pages)
        return nav

    def _place_apart(self, site: PortalSite, nav: Navigation, files: Files) -> Navigation:
        pages: list[Page] = []
        section = Section(title=plain_title(site.nav.title), children=[])
        for node in site.nav.children:
            api_pages: list[Page] = []
            item = _to_nav_item(node, files, pages if node.api_id is None else api_pages)
            if item is None:
                continue
            item.parent = section
            if node.api_id is None:
                self._shared.append(item)
                continue
            # An API's pages lead from one to the next, apart from the rest of the site.
            _link_pages(api_pages)
            for page in api_pages:
                self._api_sections[page.file.src_uri] = item
            self._remember_homes(site, api_pages)
        section.children = list(self._shared)
        self._section = section
        nav.items.append(section)
        nav.pages.extend(pages)
        _link_pages(nav.pages)
        return nav

    def _remember_homes(self, site: PortalSite, pages: list[Page]) -> None:
        """Each API's section, found as the parent of its overview page."""
        for page in pages:
            plan = site.page(page.file.src_uri)
            if (
                plan is not None
                and plan.kind == "overview"
                and plan.api_id
                and isinstance(page.parent, Section)
            ):
                self._homes[plan.api_id] = page.parent

    def show_for(self, page: Page) -> None:
        """Before the theme renders `page`: its API's entry joins the portal's section.

        A page of an API that the navigation does not list (a model page or an operation of a
        large API) is placed in its API's section for the time it renders, so the theme shows
        that section open (with tabs, the sidebar would be empty) and its breadcrumbs.
        """
        home = self._home_of(page)
        if home is not None:
            page.parent = home
            page.active = True
            self._adopted = page
        if self._section is None:
            return
        entry = self._api_sections.get(page.file.src_uri, home)
        self._section.children = [*self._shared, *([entry] if entry is not None else [])]

    def _home_of(self, page: Page) -> Section | None:
        if page.parent is not None or self._site is None:
            return None
        plan = self._site.page(page.file.src_uri)
        if plan is None or plan.api_id is None:
            return None
        return self._homes.get(plan.api_id)

    def reset(self) -> None:
        """After a page: the section as every other page of the site sees it."""
        if self._adopted is not None:
            self._adopted.active = False
            self._adopted.parent = None
            self._adopted = None
        if self._section is not None:
            self._section.children = list(self._shared)


class _MkDocsLinks:
    """Relative URLs from one page to the portal's other pages and files."""

    def __init__(self, page: Page, files: Files) -> None:
        self._page_url = page.url
        self._files = files

    def page(self, src_uri: str, anchor: str | None = None) -> str:
        file = self._files.get_file_from_path(src_uri)
        url = file.url if file is not None else src_uri
        relative = get_relative_url(url, self._page_url)
        return f"{relative}#{anchor}" if anchor else relative

    def file(self, dest_uri: str) -> str:
        return get_relative_url(dest_uri, self._page_url)


class _PageUrls:
    """The links of one page, from the URLs MkDocs gave the portal's pages: a plain object, so a
    worker process can render with it. It gives what `_MkDocsLinks` gives."""

    def __init__(self, page_url: str, urls: dict[str, str]) -> None:
        self._page_url = page_url
        self._urls = urls

    def page(self, src_uri: str, anchor: str | None = None) -> str:
        relative = get_relative_url(self._urls.get(src_uri, src_uri), self._page_url)
        return f"{relative}#{anchor}" if anchor else relative

    def file(self, dest_uri: str) -> str:
        return get_relative_url(dest_uri, self._page_url)


def prerender_pages(
    renderer: PortalRenderer, site: PortalSite, files: Files, concurrency: int
) -> None:
    """Render every API page the portal adds, spread over `concurrency` workers, before MkDocs
    asks for them one by one."""
    urls = {}
    ours = []
    for plan in site.pages:
        file = files.get_file_from_path(plan.src_uri)
        if file is None:
            continue
        urls[plan.src_uri] = file.url
        if file.generated_by is not None:
            ours.append((plan, file.url))
    by_api: dict[str | None, dict[str, str]] = {}
    for plan in site.pages:
        if plan.src_uri in urls:
            by_api.setdefault(plan.api_id, {})[plan.src_uri] = urls[plan.src_uri]
    portal_wide = by_api.get(None, {})
    plans: list[tuple[PagePlan, LinkResolver]] = [
        (plan, _PageUrls(url, {**portal_wide, **by_api.get(plan.api_id, {})})) for plan, url in ours
    ]
    renderer.prerender(plans, concurrency)


def _toc_tokens(entries: list[TocEntry]) -> list[dict[str, object]]:
    return [
        {"level": e.level, "id": e.id, "name": e.title, "children": _toc_tokens(e.children)}
        for e in entries
    ]


def apply_rendered_page(
    renderer: PortalRenderer, site: PortalSite, page: Page, files: Files, html: str
) -> str:
    """The HTML of a generated page; other pages' HTML is returned unchanged."""
    plan = site.page(page.file.src_uri)
    if plan is None or page.file.generated_by is None:
        return html
    rendered = renderer.render(plan, _MkDocsLinks(page, files))
    page.edit_url = plan.edit_url
    page.toc = get_toc(_toc_tokens(rendered.toc))  # type: ignore[arg-type]
    return str(rendered.html)


class SearchView:
    """Hands the search plugins the searchable part of each generated page, then gives the
    theme the whole page back (search plugins index `page.content` in `on_page_context`)."""

    def __init__(self) -> None:
        self._whole: dict[str, str] = {}

    def narrow(self, site: PortalSite, page: Page) -> None:
        """Before the search plugins: the page's content without its unsearched blocks."""
        if page.content is None or page.file.generated_by is None:
            return
        if site.page(page.file.src_uri) is None:
            return
        narrowed = searchable(page.content)
        if narrowed != page.content:
            self._whole[page.file.src_uri] = page.content
            page.content = narrowed

    def widen(self, page: Page) -> None:
        """After the search plugins: the whole page again."""
        whole = self._whole.pop(page.file.src_uri, None)
        if whole is not None:
            page.content = whole


def watched_paths(config: PlatformConfig, config_file_path: str | None) -> list[str]:
    """Every local source directory, local folder of bundles and the waiver file, for
    `mkdocs serve` to watch."""
    base = Path(config_file_path or ".").resolve().parent
    paths = [
        (base / s.path).resolve() for s in config.sources if s.path and (base / s.path).is_dir()
    ]
    for source in config.sources:
        folder = local_folder(source.bundles)
        if folder is not None and (base / folder).is_dir():
            paths.append((base / folder).resolve())
    waivers = config.scorecard.waivers
    if waivers and (base / waivers).is_file():
        paths.append((base / waivers).resolve())
    return [str(path) for path in paths]
