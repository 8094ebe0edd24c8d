"""MkDocs glue: each hook hands MkDocs' objects to the core and back. No logic lives here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import ConfigurationError, PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

from mkdocs_platform.cache import stage_store
from mkdocs_platform.config import PLUGIN_OPTION, PlatformConfig, to_settings
from mkdocs_platform.errors import PortalError
from mkdocs_platform.history.timeline import record_build
from mkdocs_platform.mkdocs_adapter import (
    PortalNavigation,
    SearchView,
    add_site_files,
    apply_rendered_page,
    prerender_pages,
    watched_paths,
)
from mkdocs_platform.models import Portal
from mkdocs_platform.openapi import ReadingCache
from mkdocs_platform.portal import build_portal
from mkdocs_platform.render.site import PortalRenderer, PortalSite
from mkdocs_platform.scorecard.outputs import print_portal_annotations, write_reports
from mkdocs_platform.sources import SourceError

log = get_plugin_logger(__name__)


class PlatformPlugin(BasePlugin[PlatformConfig]):
    """The `platform` plugin: a developer portal from many repositories' APIs."""

    def __init__(self) -> None:
        self.portal: Portal | None = None
        self.renderer: PortalRenderer | None = None
        self.site: PortalSite | None = None
        self.command = "build"
        # Lives as long as the plugin: across `mkdocs serve` rebuilds, unchanged specs are not
        # read, validated and normalized again.
        self.readings = ReadingCache()
        self.search_view = SearchView()
        self.navigation = PortalNavigation(max_apis=0)

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # Defining on_startup keeps this object alive across `mkdocs serve` rebuilds.
        self.command = command

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        # Nothing from an earlier serve rebuild may leak into this one.
        self.portal, self.renderer, self.site = None, None, None
        if not self.config.enabled:
            return None
        self.navigation = PortalNavigation(self.config.nav_max_apis)
        settings = to_settings(
            self.config, config.config_file_path, writes_history=self.command != "serve"
        )
        self.readings.store = stage_store(settings.stages_dir)
        try:
            portal = build_portal(settings, self.readings if settings.cache else None)
        except PortalError as exc:
            # Worded as MkDocs words its own configuration errors.
            raise ConfigurationError(f"{PLUGIN_OPTION}'sources': {exc}") from None
        except SourceError as exc:
            raise PluginError(f"platform: {exc}") from None
        except Exception as exc:
            # Each API is guarded in the pipeline; what escapes is a bug of the portal itself.
            log.debug("building the portal failed", exc_info=True)
            raise PluginError(
                f"platform: building the portal failed ({type(exc).__name__}: {exc}); "
                "run with --verbose for the traceback"
            ) from None
        self.portal = portal
        self.renderer = PortalRenderer(portal, self.readings.store)
        self.site = self.renderer.plan()
        config.extra_css.append(self.site.css_uri)
        config.extra_javascript.append(self.site.js_uri)
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        if self.site is None:
            return None
        return add_site_files(self.site, files, config)

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation | None:
        if self.site is None or self.renderer is None or self.portal is None:
            return None
        nav = self.navigation.place(self.site, nav, files)
        # Every page's URL is known now, and MkDocs asks for pages' content next.
        prerender_pages(self.renderer, self.site, files, self.portal.settings.concurrency)
        return nav

    @event_priority(100)  # First: our HTML replaces the placeholder before others see the page.
    def on_page_content(
        self, html: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        if self.site is None or self.renderer is None:
            return None
        return apply_rendered_page(self.renderer, self.site, page, files, html)

    @event_priority(100)  # Before the search plugins index the page.
    def _narrow_for_search(
        self, context: TemplateContext, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext | None:
        if self.site is not None:
            self.search_view.narrow(self.site, page)
        return context

    @event_priority(-100)  # After them, before the theme renders the page.
    def _widen_after_search(
        self, context: TemplateContext, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext | None:
        self.search_view.widen(page)
        self.navigation.show_for(page)
        return context

    on_page_context = CombinedEvent(_narrow_for_search, _widen_after_search)

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str | None:
        self.navigation.reset()
        return output

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.portal is None:
            return
        write_reports(self.portal, Path(config.site_dir))
        record_build(self.portal)
        print_portal_annotations(self.portal)
        gate = self.portal.gate
        if gate is not None and gate.failed:
            # The site and the reports are complete; only then does a failed gate fail the build.
            if self.command == "serve":
                log.warning("%s", gate.message)
            else:
                raise PluginError(f"platform: {gate.message}")

    def on_serve(
        self, server: LiveReloadServer, *, config: MkDocsConfig, builder: Any
    ) -> LiveReloadServer | None:
        if not self.config.enabled:
            return None
        for path in watched_paths(self.config, config.config_file_path):
            server.watch(path)
        return server
