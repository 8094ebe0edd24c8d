"""What a person sees, in a real headless Chromium driven by Playwright.

The example portal and a portal with a hostile spec are built into `tmp_path` and served from
the test on 127.0.0.1. Screenshots go to `test-results/screenshots/` for CI to keep.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from .conftest import EXAMPLE_SITE, build_site, write_files
from .test_site import hostile_spec

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[1] / "test-results" / "screenshots"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

pytestmark = pytest.mark.browser

if not CHROMIUM.exists():
    if os.environ.get("CI"):
        pytest.fail(f"CI must provide {CHROMIUM} (apt-get install chromium)", pytrace=False)
    pytest.skip(
        f"no browser: {CHROMIUM} is not installed (apt-get install chromium)",
        allow_module_level=True,
    )

sync_api = pytest.importorskip("playwright.sync_api")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass


@functools.cache
def _handler(directory: str) -> type[http.server.SimpleHTTPRequestHandler]:
    return functools.partial(_QuietHandler, directory=directory)  # type: ignore[return-value]


def _serve(directory: Path) -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler(str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS
        )
        yield instance
        instance.close()


@pytest.fixture(scope="module")
def example_url(tmp_path_factory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("example")
    site_dir = root / "site"
    config = load_config(str(EXAMPLE_SITE / "mkdocs.yml"), site_dir=str(site_dir))
    # A cache of its own: pages cached by another build of the example would hide this code's.
    config.plugins["platform"].config.cache_dir = str(root / "cache")
    config.plugins.on_startup(command="build", dirty=False)
    build(config)
    yield from _serve(site_dir)


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.errors = []
    page.on(
        "console",
        lambda message: page.errors.append(message.text) if message.type == "error" else None,
    )
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    yield page
    context.close()


def test_catalog_loads_and_filters(page, example_url):
    page.goto(f"{example_url}/apis/")
    rows = page.locator("tr.mp-catalog-row")
    assert rows.count() == 5
    box = page.locator("input.mp-filter")
    box.wait_for(state="visible")
    box.fill("payments")
    visible = [r for r in rows.all() if r.is_visible()]
    assert [r.get_attribute("data-api-id") for r in visible] == ["payments"]
    box.fill("")
    assert sum(1 for r in rows.all() if r.is_visible()) == 5
    assert page.errors == []


def test_search_finds_an_operation_by_path_and_opens_it(page, example_url):
    page.goto(f"{example_url}/")
    _search(page, "/payments/{paymentId}/capture")
    result = page.locator(".md-search-result__item a[href*='#op-capturepayment']").first
    result.wait_for(state="visible", timeout=15_000)
    result.click()
    page.wait_for_url("**#op-capturepayment")
    heading = page.locator("h2#op-capturepayment")
    heading.wait_for(state="visible")
    assert heading.is_visible()
    box = heading.bounding_box()
    assert box is not None
    assert 0 <= box["y"] < 1000
    assert page.errors == []


def test_search_finds_an_operation_by_operation_id(page, example_url):
    page.goto(f"{example_url}/")
    _search(page, "listLineItems")
    result = page.locator(".md-search-result__item a[href*='#op-listlineitems']").first
    result.wait_for(state="visible", timeout=15_000)
    assert result.is_visible()


def test_content_tab_switches(page, example_url):
    page.goto(f"{example_url}/apis/payments/payments/")
    tabs = page.locator(".mp-samples .tabbed-set").first
    blocks = tabs.locator(".tabbed-block")
    assert blocks.nth(0).is_visible()
    assert not blocks.nth(1).is_visible()
    tabs.locator("label", has_text="Python").click()
    assert blocks.nth(1).is_visible()
    assert not blocks.nth(0).is_visible()
    assert "import httpx" in blocks.nth(1).inner_text()


def _search(page, query: str) -> None:
    """Type `query` into the theme's search once its index is ready."""
    field = page.locator("input.md-search__input")
    field.click()
    field.fill("")
    page.locator(".md-search-result__meta", has_text="Type to start searching").wait_for(
        timeout=20_000
    )
    field.press_sequentially(query, delay=10)


def _example_pages() -> list[str]:
    return [
        "/",
        "/apis/",
        "/apis/payments/",
        "/apis/payments/payments/",
        "/apis/payments/models/",
        "/apis/payments/webhooks/",
        "/apis/orders/orders/",
        "/apis/orders/models/",
        "/apis/inventory/",
        "/apis/inventory/stock/",
        "/apis/notifications/",
        "/apis/shipping/",
    ]


def test_no_console_errors_on_any_page(page, example_url):
    for path in _example_pages():
        response = page.goto(f"{example_url}{path}")
        assert response is not None
        assert response.status == 200, path
        page.wait_for_load_state("load")
    assert page.errors == []


def _screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / name
    page.screenshot(path=str(path))
    return path


def test_operation_screenshots_light_and_dark(page, example_url):
    page.goto(f"{example_url}/apis/payments/payments/#op-createpayment")
    page.locator("h2#op-createpayment").wait_for(state="visible")
    light = _screenshot(page, "operation-light.png")
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "default"
    page.locator("form[data-md-component='palette'] label:visible").first.click()
    page.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'slate'")
    dark = _screenshot(page, "operation-dark.png")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background != "rgb(255, 255, 255)"
    assert light.stat().st_size > 10_000
    assert dark.stat().st_size > 10_000


def test_builtin_theme_renders_tabs_and_trees(page, browser, tmp_path):
    site = build_site(
        tmp_path,
        {"sources": [{"name": "payments", "path": str(EXAMPLE_SITE / "services/payments")}]},
        # The theme's own highlight.js comes from a CDN, which this machine cannot reach.
        theme={"name": "mkdocs", "highlightjs": False},
    )
    for url in _serve(site.dir):
        page.goto(f"{url}/apis/payments/payments/")
        tabs = page.locator(".mp-samples .tabbed-set").first
        blocks = tabs.locator(".tabbed-block")
        assert blocks.nth(0).is_visible()
        assert not blocks.nth(1).is_visible()
        tabs.locator("label", has_text="Python").click()
        assert blocks.nth(1).is_visible()
        _screenshot(page, "operation-mkdocs-theme.png")
        assert page.errors == []


def test_hostile_spec_executes_nothing(page, tmp_path):
    write_files(tmp_path / "repos/evil", {"openapi.json": hostile_spec()})
    site = build_site(tmp_path, {"sources": [{"name": "evil", "path": "repos/evil"}]})
    pages = sorted(
        p.relative_to(site.dir).as_posix() for p in (site.dir / "apis").rglob("index.html")
    )
    assert len(pages) >= 3
    for url in _serve(site.dir):
        for rel in pages:
            page.goto(f"{url}/{rel}")
            page.wait_for_load_state("load")
            for details in page.locator("details").all():
                details.evaluate("element => { element.open = true }")
            assert page.evaluate("window.__pwned === undefined"), rel
        page.goto(f"{url}/")
        for query in ("__pwned", "script", "onerror", "hostile"):
            _search(page, query)
            page.locator(".md-search-result__meta", has_text="matching").wait_for(timeout=10_000)
            results = page.locator(".md-search-result__item")
            for index in range(results.count()):
                results.nth(index).hover()
            assert page.evaluate("window.__pwned === undefined"), query
            if query == "hostile":
                assert results.count() > 0
            page.keyboard.press("Escape")


def test_dashboard_sorts_and_is_captured(page, example_url):
    page.goto(f"{example_url}/apis/dashboard/")
    rows = page.locator("tr.mp-dashboard-row")
    assert rows.count() == 5
    page.locator("th[data-sort='number'] button", has_text="Score").click()
    ascending = [
        int(v) for v in page.locator("tr.mp-dashboard-row td:nth-child(2)").all_inner_texts()
    ]
    assert ascending == sorted(ascending)
    page.locator("th[data-sort='number'] button", has_text="Score").click()
    descending = [
        int(v) for v in page.locator("tr.mp-dashboard-row td:nth-child(2)").all_inner_texts()
    ]
    assert descending == sorted(descending, reverse=True)
    assert page.locator("svg.mp-chart").count() == 2
    page.set_viewport_size({"width": 1400, "height": 1600})
    _screenshot(page, "dashboard.png")
    assert page.errors == []


def _shown_once_spec() -> dict:
    """An object nested in a collapsed property and shown again, and an example in a second
    tab shown again by another operation."""
    big = {
        "type": "object",
        "properties": {
            f"flag{n}": {"type": "boolean", "description": f"Whether flag {n} is set."}
            for n in range(6)
        },
    }
    example = {"id": 7, "name": "Sprocket"}

    def get(operation_id: str, content: dict) -> dict:
        return {
            "get": {
                "operationId": operation_id,
                "tags": ["things"],
                "responses": {"200": {"description": "The thing.", "content": content}},
            }
        }

    return {
        "openapi": "3.0.3",
        "info": {"title": "Shown once", "version": "1.0.0"},
        "paths": {
            "/things/a": get(
                "getA",
                {
                    "text/plain": {"schema": {"type": "string"}, "example": "seven"},
                    "application/json": {"example": example},
                },
            ),
            "/things/b": get("getB", {"application/json": {"example": example}}),
        },
        "components": {
            "schemas": {
                "Outer": {
                    "type": "object",
                    "properties": {
                        "first": {"type": "object", "properties": {"deep": big}},
                        "second": {
                            "type": "object",
                            "description": "Another holder.",
                            "properties": {"deep_again": big},
                        },
                    },
                }
            }
        },
    }


def test_link_to_what_was_shown_earlier_reveals_it(page, tmp_path):
    write_files(tmp_path / "repos/once", {"openapi.json": _shown_once_spec()})
    site = build_site(tmp_path, {"sources": [{"name": "once", "path": "repos/once"}]})
    for url in _serve(site.dir):
        # The object's first showing is inside a collapsed property: the link opens it.
        page.goto(f"{url}/apis/once/models/")
        link = page.locator(".mp-same a").first
        target = page.locator(link.get_attribute("href"))
        assert not target.is_visible()
        link.click()
        target.wait_for(state="visible")
        assert target.locator("code.mp-prop-name", has_text="flag5").is_visible()
        # The example's first showing is in a tab not selected: the link selects it.
        page.goto(f"{url}/apis/once/things/")
        link = page.locator(".mp-operation:has(#op-getb) .mp-same a")
        target = page.locator(link.first.get_attribute("href"))
        assert not target.is_visible()
        link.first.click()
        target.wait_for(state="visible")
        assert "Sprocket" in target.inner_text()
        assert page.errors == []


def _palette(page, scheme: str) -> None:
    """Switch the example's palette to `scheme` (`default` or `slate`)."""
    if page.evaluate("document.body.getAttribute('data-md-color-scheme')") != scheme:
        page.locator("form[data-md-component='palette'] label:visible").first.click()
        page.wait_for_function(f"document.body.getAttribute('data-md-color-scheme') === '{scheme}'")


def _no_sideways_scroll(page) -> None:
    widths = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], widths


def test_catalog_shows_every_column_at_1280(page, example_url):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{example_url}/apis/")
    tables = page.locator(".mp-catalog-table")
    assert tables.count() == 3
    for index in range(tables.count()):
        wrapper = tables.nth(index)
        headers = wrapper.locator("th")
        assert headers.count() == 9
        # Every element that could scroll the table sideways shows all of it.
        for scroller in [wrapper, *wrapper.locator(".md-typeset__scrollwrap, table").all()]:
            scroll, client = scroller.evaluate("e => [e.scrollWidth, e.clientWidth]")
            assert scroll <= client, (index, scroll, client)
        frame = wrapper.bounding_box()
        for th in headers.all():
            box = th.bounding_box()
            assert box is not None
            assert box["x"] >= 0, th.inner_text()
            assert box["x"] + box["width"] <= 1280, th.inner_text()
            assert frame["x"] <= box["x"], th.inner_text()
            assert box["x"] + box["width"] <= frame["x"] + frame["width"] + 0.5, th.inner_text()
    _no_sideways_scroll(page)
    assert page.errors == []


def _operation_blocks(page, anchor: str) -> tuple[dict, dict]:
    operation = page.locator(f".mp-operation:has(#{anchor})")
    samples = operation.locator(".mp-samples").bounding_box()
    parameters = operation.locator(".mp-parameters").first.bounding_box()
    assert samples is not None
    assert parameters is not None
    return samples, parameters


def test_operation_samples_beside_parameters_when_wide_below_when_narrow(page, example_url):
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.goto(f"{example_url}/apis/payments/payments/#op-createpayment")
    samples, parameters = _operation_blocks(page, "op-createpayment")
    assert samples["x"] > parameters["x"] + parameters["width"]
    # Side by side means beside: the two overlap vertically.
    assert samples["y"] < parameters["y"] + parameters["height"]
    responses = page.locator(".mp-operation:has(#op-createpayment) .mp-responses").bounding_box()
    assert responses["x"] >= samples["x"] - 0.5
    _no_sideways_scroll(page)

    page.set_viewport_size({"width": 600, "height": 1000})
    page.goto(f"{example_url}/apis/payments/payments/#op-createpayment")
    samples, parameters = _operation_blocks(page, "op-createpayment")
    assert samples["y"] >= parameters["y"] + parameters["height"]
    assert abs(samples["x"] - parameters["x"]) < 1
    _no_sideways_scroll(page)
    assert page.errors == []


def test_wide_layout_stays_on_the_reference_pages(page, example_url):
    page.set_viewport_size({"width": 1900, "height": 1000})
    widths = {}
    for path in ("/", "/apis/payments/", "/apis/payments/payments/"):
        page.goto(f"{example_url}{path}")
        widths[path] = page.evaluate(
            "document.querySelector('.md-main__inner').getBoundingClientRect().width"
        )
    # The user's own page and the overview keep the theme's width; operations take more.
    assert widths["/"] == widths["/apis/payments/"]
    assert widths["/apis/payments/payments/"] > widths["/"] + 200


def _long_enum_spec() -> dict:
    many = [f"value_{n:02d}" for n in range(40)]
    long_value = "x" * 200
    values = {"type": "string", "enum": [*many, long_value]}
    return {
        "openapi": "3.0.3",
        "info": {"title": "Enums", "version": "1.0.0"},
        "paths": {
            "/things": {
                "post": {
                    "operationId": "makeThing",
                    "tags": ["things"],
                    "parameters": [
                        {"name": "kind", "in": "query", "schema": values},
                        {
                            "name": "mode",
                            "in": "query",
                            "schema": {"type": "string", "enum": [long_value]},
                        },
                    ],
                    "requestBody": {
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {"kind": values, "other": {"enum": [long_value]}},
                                }
                            }
                        }
                    },
                    "responses": {"204": {"description": "Made."}},
                }
            }
        },
    }


def test_long_enums_wrap(page, tmp_path):
    write_files(tmp_path / "repos/enums", {"openapi.json": _long_enum_spec()})
    site = build_site(tmp_path, {"sources": [{"name": "enums", "path": "repos/enums"}]})
    for url in _serve(site.dir):
        for width in (1400, 600):
            page.set_viewport_size({"width": width, "height": 1000})
            page.goto(f"{url}/apis/enums/things/")
            for details in page.locator("details").all():
                details.evaluate("element => { element.open = true }")
            enums = page.locator(".mp-enum")
            assert enums.count() >= 4
            article = page.locator("article").bounding_box()
            for enum in enums.all():
                box = enum.bounding_box()
                assert box is not None
                assert box["x"] + box["width"] <= article["x"] + article["width"] + 0.5, width
                # Nor does it hide in a table scrolled sideways.
                overflowing = enum.evaluate(
                    """e => { for (let n = e.parentElement; n; n = n.parentElement) {
                         if (n.scrollWidth > n.clientWidth + 1
                             && getComputedStyle(n).overflowX !== "visible") return n.className;
                       } return null; }"""
                )
                assert overflowing is None, (width, overflowing)
            _no_sideways_scroll(page)
        assert page.errors == []


def test_overview_ownership_is_a_compact_grid(page, example_url):
    page.goto(f"{example_url}/apis/payments/")
    terms = page.locator("dl.mp-ownership > dt")
    assert terms.count() == 5
    for term in terms.all():
        definition = term.locator("xpath=following-sibling::dd[1]")
        t, d = term.bounding_box(), definition.bounding_box()
        # Label and value on one line, the value to the right of the label.
        assert abs(t["y"] - d["y"]) < 6, term.inner_text()
        assert d["x"] >= t["x"] + t["width"], term.inner_text()
    block = page.locator("dl.mp-ownership").bounding_box()
    line = page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('article')).lineHeight)"
    )
    assert block["height"] < 5 * 2.2 * line


def test_layout_screenshots(page, example_url):
    shots = []
    muted: dict[str, str] = {}
    for scheme in ("default", "slate"):
        suffix = "light" if scheme == "default" else "dark"
        page.set_viewport_size({"width": 1280, "height": 800})
        page.goto(f"{example_url}/apis/")
        _palette(page, scheme)
        shots.append(_screenshot(page, f"catalog-1280-{suffix}.png"))
        muted[scheme] = page.evaluate(
            "getComputedStyle(document.querySelector('.mp-catalog-row .mp-api-source')).color"
        )
        for width in (1400, 600):
            page.set_viewport_size({"width": width, "height": 1000})
            page.goto(f"{example_url}/apis/payments/payments/#op-createpayment")
            page.locator("h2#op-createpayment").wait_for(state="visible")
            _palette(page, scheme)
            shots.append(_screenshot(page, f"operation-{width}-{suffix}.png"))
    for shot in shots:
        assert shot.stat().st_size > 10_000, shot
    # Quiet text follows the palette: the light palette's grey is unreadable on a dark page.
    assert muted["default"] != muted["slate"]
    assert page.errors == []
