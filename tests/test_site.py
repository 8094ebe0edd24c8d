"""Real MkDocs builds of small portals, asserted on their HTML."""

from __future__ import annotations

import json
import logging

import pytest

from .conftest import build_site, minimal_spec, write_files

# -- a portal of three local repositories ---------------------------------------------


@pytest.fixture
def three_repos(tmp_path):
    pets = minimal_spec(
        "Pets", servers=[{"url": "https://pets.example.com/v1", "description": "Production"}]
    )
    pets["tags"] = [{"name": "pets", "description": "Everything about **pets**."}]
    pets["paths"]["/pets/{petId}"] = {
        "get": {
            "operationId": "getPet",
            "summary": "Get a pet",
            "tags": ["pets"],
            "parameters": [
                {
                    "name": "petId",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "integer", "format": "int64"},
                }
            ],
            "responses": {
                "200": {"description": "The pet."},
                "404": {"description": "No such pet."},
            },
        }
    }
    pets["components"] = {
        "securitySchemes": {"key": {"type": "apiKey", "in": "header", "name": "X-Key"}}
    }
    write_files(
        tmp_path / "repos/pets",
        {"openapi.yaml": pets, "node_modules/dep/openapi.yaml": minimal_spec("Hidden")},
    )
    write_files(
        tmp_path / "repos/shop",
        {
            "services/orders/api.openapi.json": minimal_spec("Orders"),
            "services/billing/openapi.yaml": minimal_spec("Billing"),
            "config/openapi.yaml": {"extends": "recommended"},
        },
    )
    broken = minimal_spec("Broken")
    broken["paths"]["/pets"]["get"]["responses"] = {}
    write_files(tmp_path / "repos/broken", {"openapi.yaml": broken})
    return {
        "sources": [
            {"name": "pets", "path": "repos/pets"},
            {"name": "shop", "path": "repos/shop"},
            {"name": "broken", "path": "repos/broken"},
        ]
    }


def test_catalog_lists_every_api(tmp_path, three_repos):
    site = build_site(tmp_path, three_repos)
    rows = site.soup("apis/index.html").select("tr.mp-catalog-row")
    by_id = {row["data-api-id"]: row for row in rows}
    assert set(by_id) == {
        "pets",
        "shop-services-orders-api-openapi",
        "shop-services-billing-openapi",
        "broken",
    }
    headers = [th.get_text(strip=True) for th in site.soup("apis/index.html").select("thead th")]
    pets = dict(
        zip(
            headers,
            (cell.get_text(" ", strip=True) for cell in by_id["pets"].select("td")),
            strict=True,
        )
    )
    pets["API"] = by_id["pets"].select_one("td a").get_text(strip=True)
    pets["Source"] = by_id["pets"].select_one(".mp-api-source").get_text(" ", strip=True)
    assert (pets["API"], pets["Version"], pets["Spec"], pets["Operations"]) == (
        "Pets",
        "1.0.0",
        "OpenAPI 3.0.3",
        "2",
    )
    assert pets["Validity"] == "valid"
    assert pets["Source"].startswith("pets")
    assert "invalid" in by_id["broken"].get_text()
    link = by_id["pets"].select_one("a")["href"]
    assert (site.dir / "apis" / link / "index.html").exists()


def test_api_page_has_overview_operations_and_anchors(tmp_path, three_repos):
    site = build_site(tmp_path, three_repos)
    page = site.article("apis/pets/index.html")
    assert page.select_one("h1").get_text(strip=True).startswith("Pets")
    assert "https://pets.example.com/v1" in page.select_one(".mp-servers table").get_text()
    assert "X-Key" in page.select_one("div.mp-auth").get_text()
    tag_link = page.select_one("a.mp-tag-link")
    assert tag_link.get_text(strip=True) == "pets"
    assert page.select_one(".mp-tag-description strong").get_text() == "pets"
    assert (site.dir / "apis/pets" / tag_link["href"] / "index.html").exists()
    page = site.article("apis/pets/pets/index.html")
    assert page.select_one("h1#tag-pets") is not None
    assert page.select_one(".mp-tag-description strong").get_text() == "pets"
    operation = page.select_one("h2#op-getpet")
    assert operation is not None
    block = operation.find_parent(class_="mp-operation")
    assert "GET" in block.select_one(".mp-method").get_text()
    assert block.select_one("code.mp-path").get_text() == "/pets/{petId}"
    row = block.select_one(".mp-parameters tr.mp-parameter")
    assert row["data-name"] == "petId"
    cells = [td.get_text(" ", strip=True) for td in row.select("td")]
    assert cells[0] == "petId required"
    assert cells[1] == "integer (int64)"
    statuses = [r["data-status"] for r in block.select(".mp-response")]
    assert statuses == ["200", "404"]
    toc = [
        a["href"] for a in site.soup("apis/pets/pets/index.html").select("nav.md-nav--secondary a")
    ]
    assert "#op-getpet" in toc


def test_invalid_spec_shows_findings_with_line_and_pointer(tmp_path, three_repos):
    site = build_site(tmp_path, three_repos)
    page = site.article("apis/broken/index.html")
    rows = page.select(".mp-findings table tbody tr")
    assert rows
    text = rows[0].get_text(" ", strip=True)
    source = (tmp_path / "repos/broken/openapi.yaml").read_text().splitlines()
    line = next(i for i, t in enumerate(source, 1) if t.strip().startswith("responses"))
    assert f"openapi.yaml:{line}" in text
    assert "#/paths/~1pets/get/responses" in text
    assert "structure" in text


def test_non_api_and_hidden_files_are_skipped(tmp_path, three_repos, caplog):
    caplog.set_level(logging.INFO)
    site = build_site(tmp_path, three_repos)
    assert "Hidden" not in site.html("apis/index.html")
    assert "config/openapi.yaml has no top-level 'openapi' or 'swagger' key" in caplog.text


def test_spec_is_downloadable_as_loaded(tmp_path, three_repos):
    site = build_site(tmp_path, three_repos)
    document = json.loads((site.dir / "apis/pets/openapi.json").read_text())
    assert document["info"]["title"] == "Pets"
    href = site.article("apis/pets/index.html").select_one("a.mp-download")["href"]
    assert (site.dir / "apis/pets" / href).exists()


def test_pages_are_virtual(tmp_path, three_repos):
    build_site(tmp_path, three_repos)
    assert sorted(p.name for p in (tmp_path / "docs").iterdir()) == ["index.md"]


def test_nav_gets_an_apis_section(tmp_path, three_repos):
    site = build_site(tmp_path, three_repos)
    nav = site.soup("index.html").select_one("nav.md-nav--primary")
    text = nav.get_text(" ", strip=True)
    assert "APIs" in text
    assert "Pets" in text
    assert "API catalog" in text


def test_nav_past_nav_max_apis_shows_an_apis_pages_on_its_own_pages(tmp_path, three_repos):
    three_repos["nav_max_apis"] = 1
    theme = {"name": "material", "font": False, "features": ["navigation.footer"]}
    site = build_site(tmp_path, three_repos, theme=theme)

    def nav_text(page: str) -> str:
        return site.soup(page).select_one("nav.md-nav--primary").get_text(" ", strip=True)

    for page in ("index.html", "apis/index.html", "404.html"):
        assert "API catalog" in nav_text(page)
        assert "Pets" not in nav_text(page)
        assert "Orders" not in nav_text(page)
    on_pets = nav_text("apis/pets/pets/index.html")
    assert "API catalog" in on_pets
    assert "Pets" in on_pets
    assert "Scorecard" in on_pets
    assert "Orders" not in on_pets
    assert "Orders" in nav_text("apis/shop-services-orders-api-openapi/index.html")
    # An API's pages lead from one to the next within the API.
    overview = site.soup("apis/pets/index.html")
    following = overview.select_one("a.md-footer__link--next")["href"]
    assert following.rstrip("/").endswith("pets")
    previous = site.soup("apis/pets/scorecard/index.html").select_one("a.md-footer__link--prev")
    assert previous is not None
    assert site.soup("apis/pets/index.html").select_one("a.md-footer__link--prev") is None


@pytest.mark.parametrize("nav_max_apis", [50, 1])
def test_a_page_the_nav_does_not_list_shows_its_apis_section(tmp_path, three_repos, nav_max_apis):
    # Operation pages are not listed in the navigation; with tabs, a page that no section holds
    # gets an empty sidebar, so an API's unlisted page is shown inside its API's section.
    three_repos.update(pages="operation", nav_max_apis=nav_max_apis)
    theme = {"name": "material", "font": False, "features": ["navigation.tabs"]}
    site = build_site(tmp_path, three_repos, theme=theme)
    operation = site.soup("apis/pets/operations/getpet/index.html")
    sidebar = operation.select_one("nav.md-nav--primary")
    links = [a.get_text(" ", strip=True) for a in sidebar.select("a.md-nav__link")]
    assert "Scorecard" in links
    if nav_max_apis == 1:
        assert "Orders" not in " ".join(links)
    # The API's section is the open one, and its tab the active one.
    active_tab = operation.select_one(".md-tabs__item--active")
    assert active_tab is not None
    assert "APIs" in active_tab.get_text(" ", strip=True)
    # Other pages render as before: the page belongs to no section once rendered.
    home = site.soup("index.html").select_one("nav.md-nav--primary").get_text(" ", strip=True)
    assert ("Scorecard" in home) == (nav_max_apis > 1)


def test_nav_within_nav_max_apis_lists_every_api_on_every_page(tmp_path, three_repos):
    three_repos["nav_max_apis"] = 4
    site = build_site(tmp_path, three_repos)
    text = site.soup("404.html").select_one("nav.md-nav--primary").get_text(" ", strip=True)
    assert "Pets" in text
    assert "Orders" in text


def test_user_nav_that_places_the_pages_is_kept(tmp_path, three_repos):
    site = build_site(
        tmp_path, three_repos, nav=[{"Home": "index.md"}, {"Our APIs": "apis/index.md"}]
    )
    nav = site.soup("index.html").select_one("nav.md-nav--primary")
    text = nav.get_text(" ", strip=True)
    assert "Our APIs" in text
    assert "Pets" not in text


def test_user_nav_without_the_pages_gets_the_section(tmp_path, three_repos):
    three_repos["nav_title"] = "Service APIs"
    site = build_site(tmp_path, three_repos, nav=[{"Home": "index.md"}])
    text = site.soup("index.html").select_one("nav.md-nav--primary").get_text(" ", strip=True)
    assert "Service APIs" in text
    assert "Pets" in text


def test_builtin_mkdocs_theme(tmp_path, three_repos):
    site = build_site(tmp_path, three_repos, theme={"name": "mkdocs"})
    page = site.soup("apis/pets/pets/index.html")
    assert page.select_one("h2#op-getpet") is not None
    assert page.select_one("link[href$='assets/platform.css']") is not None
    assert "Pets" in site.soup("apis/pets/index.html").select_one("title").get_text()


def test_output_prefix(tmp_path, three_repos):
    three_repos["output"] = "reference/apis"
    site = build_site(tmp_path, three_repos)
    assert (site.dir / "reference/apis/pets/index.html").exists()
    assert (site.dir / "reference/apis/assets/platform.css").exists()


def test_strict_build_passes_with_findings(tmp_path, three_repos):
    # build_site builds with strict=True; a finding must never be a MkDocs warning.
    site = build_site(tmp_path, three_repos, strict=True)
    assert site.article("apis/broken/index.html").select(".mp-findings table tbody tr")


def test_user_page_wins_over_a_generated_one(tmp_path, three_repos):
    write_files(tmp_path / "docs", {"apis/index.md": "# Our own catalog\n"})
    site = build_site(tmp_path, three_repos)
    assert "Our own catalog" in site.html("apis/index.html")
    assert site.article("apis/pets/pets/index.html").select_one("h2#op-getpet") is not None


# -- a hostile spec --------------------------------------------------------------------

SCRIPT = "<script>window.__pwned = 1</script>"
IMG = '<img src="x" onerror="window.__pwned = 1">'
JS_LINK = "[click](javascript:window.__pwned=1)"
SNIPPET = '--8<-- "/etc/passwd"'
MACRO = "{{ 7 * 191 }}"
ATTR = '{: onclick="window.__pwned = 1" }'
PAYLOAD = f"{SCRIPT} {IMG} {JS_LINK}\n\n{SNIPPET}\n\n{MACRO} {ATTR}"
ONE_LINE = f"{SCRIPT}{IMG}{MACRO}{ATTR}{SNIPPET}"


def hostile_spec() -> dict:
    """A valid-enough spec with a payload in every kind of string the portal shows."""
    schema = {
        "type": "object",
        "title": ONE_LINE,
        "description": PAYLOAD,
        "properties": {
            ONE_LINE: {
                "type": "string",
                "description": PAYLOAD,
                "example": ONE_LINE,
                "enum": [ONE_LINE],
            }
        },
    }
    return {
        "openapi": "3.0.3",
        "info": {
            "title": f"Hostile {ONE_LINE}",
            "version": ONE_LINE,
            "description": PAYLOAD,
            "termsOfService": "javascript:window.__pwned=1",
            "contact": {"name": ONE_LINE, "url": "javascript:window.__pwned=1", "email": ONE_LINE},
            "license": {"name": ONE_LINE, "url": "javascript:window.__pwned=1"},
        },
        "externalDocs": {"url": "javascript:window.__pwned=1", "description": PAYLOAD},
        "servers": [
            {
                "url": f"https://x/{ONE_LINE}",
                "description": PAYLOAD,
                "variables": {
                    ONE_LINE: {"default": ONE_LINE, "enum": [ONE_LINE], "description": PAYLOAD}
                },
            }
        ],
        "tags": [{"name": ONE_LINE, "description": PAYLOAD}],
        "paths": {
            f"/pets/{ONE_LINE}": {
                "post": {
                    "operationId": ONE_LINE,
                    "summary": ONE_LINE,
                    "description": PAYLOAD,
                    "tags": [ONE_LINE],
                    "parameters": [
                        {
                            "name": ONE_LINE,
                            "in": "query",
                            "description": PAYLOAD,
                            "schema": {"type": "string", "default": ONE_LINE, "pattern": ONE_LINE},
                            "example": ONE_LINE,
                        }
                    ],
                    "requestBody": {
                        "description": PAYLOAD,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/Evil"},
                                "example": {ONE_LINE: ONE_LINE},
                            }
                        },
                    },
                    "responses": {
                        "200": {
                            "description": PAYLOAD,
                            "headers": {
                                ONE_LINE: {"description": PAYLOAD, "schema": {"type": "string"}}
                            },
                            "content": {ONE_LINE: {"schema": schema}},
                        },
                    },
                    "security": [{ONE_LINE: []}],
                }
            }
        },
        "components": {
            "schemas": {"Evil": schema},
            "securitySchemes": {
                ONE_LINE: {
                    "type": "apiKey",
                    "in": "header",
                    "name": ONE_LINE,
                    "description": PAYLOAD,
                }
            },
        },
    }


@pytest.fixture
def hostile_site(tmp_path):
    write_files(tmp_path / "repos/evil", {"openapi.json": hostile_spec()})
    write_files(tmp_path / "docs", {"index.md": "# Home\n\nSix times seven is {{ 6 * 7 }}.\n"})
    plugin = {"sources": [{"name": "evil", "path": "repos/evil"}]}
    return build_site(
        tmp_path,
        plugin,
        markdown_extensions=[
            "attr_list",
            {"pymdownx.snippets": {"base_path": ["/"], "check_paths": False}},
        ],
        plugins=["search", "macros", {"platform": plugin}],
    )


def _assert_harmless(html: str) -> None:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for script in soup.find_all("script"):
        assert "__pwned" not in script.get_text()
        assert "__pwned" not in (script.get("src") or "")
    for element in soup.find_all(True):
        for name, value in element.attrs.items():
            text = " ".join(value) if isinstance(value, list) else str(value)
            assert not name.lower().startswith("on") or "__pwned" not in text, (element.name, name)
            if name in ("href", "src", "action", "formaction"):
                assert not text.strip().lower().startswith("javascript:"), (
                    element.name,
                    name,
                    text,
                )
    assert "root:x:0:0" not in html
    assert str(7 * 191) not in html


def test_hostile_spec_leaves_no_trace(hostile_site):
    site = hostile_site
    pages = [p.relative_to(site.dir).as_posix() for p in site.dir.rglob("*.html")]
    assert "apis/evil/index.html" in pages
    for rel in pages:
        _assert_harmless(site.html(rel))
    page = site.article("apis/evil/index.html")
    text = page.get_text()
    # The payloads are shown as text, literally: escaped, not executed, not interpreted.
    assert MACRO in text
    assert SNIPPET in text
    assert "<script>window.__pwned = 1</script>" in text
    assert "onclick" in text
    # Macros still ran on the user's own page.
    assert "Six times seven is 42." in site.article("index.html").get_text()


def test_hostile_spec_search_index_is_harmless(hostile_site):
    index = (hostile_site.dir / "search/search_index.json").read_text()
    docs = json.loads(index)["docs"]
    ours = [d for d in docs if d["location"].startswith("apis/evil/")]
    assert ours
    for doc in ours:
        # Material's search shows these strings as HTML: they must be escaped there.
        assert "<script" not in doc["text"]
        assert "<img" not in doc["text"]
        assert "<script" not in doc["title"]
    assert "root:x:0:0" not in index


def test_disabled_plugin_adds_nothing(tmp_path, three_repos):
    three_repos["enabled"] = False
    site = build_site(tmp_path, three_repos)
    assert not (site.dir / "apis").exists()
    assert not (site.dir / "scorecards.json").exists()


# -- text from specs ---------------------------------------------------------------------


def test_github_alerts_in_descriptions_are_admonitions_on_both_themes(tmp_path):
    spec = minimal_spec(
        "Alerts",
        info={
            "title": "Alerts",
            "version": "1",
            "description": "Read this.\n\n> [!NOTE]\n> Rate limits apply.\n\n"
            "> [!CAUTION]\n> Deletes are final.",
        },
    )
    spec["paths"]["/pets"]["get"]["description"] = "> [!TIP]\n> Page with `cursor`."
    write_files(tmp_path / "repo", {"openapi.yaml": spec})
    plugin = {"sources": [{"name": "repo", "path": "repo"}]}
    for theme in ("material", "mkdocs"):
        site = build_site(tmp_path, plugin, theme={"name": theme})
        overview = site.article("apis/repo/index.html")
        note = overview.select_one(".mp-description div.admonition.note")
        assert note is not None
        assert note.select_one("p.admonition-title").get_text() == "Note"
        assert "Rate limits apply." in note.get_text()
        danger = overview.select_one(".mp-description div.admonition.danger")
        assert danger.select_one("p.admonition-title").get_text() == "Caution"
        assert "[!" not in overview.get_text()
        tip = site.article("apis/repo/pets/index.html").select_one("div.admonition.tip")
        assert tip.select_one("code").get_text() == "cursor"


def test_a_spec_cannot_set_classes_on_the_page(tmp_path):
    spec = minimal_spec("Classy")
    spec["info"]["description"] = '<div class="evil md-header">Dressed up.</div>'
    write_files(tmp_path / "repo", {"openapi.yaml": spec})
    site = build_site(tmp_path, {"sources": [{"name": "repo", "path": "repo"}]})
    description = site.article("apis/repo/index.html").select_one(".mp-description")
    dressed = description.find("div", string="Dressed up.")
    assert dressed is not None
    assert not dressed.has_attr("class")
    assert site.soup("apis/repo/index.html").select(".evil") == []


def test_summaries_are_plain_text_on_every_page(tmp_path):
    marked_up = "<b>bold</b> *star* `tick`"
    spec = minimal_spec("Plain", version="3.1.0")
    spec["info"]["summary"] = marked_up
    operation = spec["paths"]["/pets"]["get"]
    operation["summary"] = marked_up
    operation["responses"]["200"]["content"] = {
        "application/json": {
            "schema": {"type": "array", "items": {"type": "string"}},
            "examples": {"few": {"summary": marked_up, "value": ["Rex"]}},
        }
    }
    write_files(tmp_path / "repo", {"openapi.yaml": spec})
    for pages in ("tag", "operation"):
        plugin = {"sources": [{"name": "repo", "path": "repo"}], "pages": pages}
        site = build_site(tmp_path, plugin)
        overview = site.article("apis/repo/index.html")
        tag = site.article("apis/repo/pets/index.html")
        operation_page = (
            site.article("apis/repo/operations/listpets/index.html")
            if pages == "operation"
            else tag
        )
        places = {
            "API summary": overview.select_one(".mp-summary"),
            "operation index": overview.select_one(".mp-op-index li"),
            "heading": operation_page.select_one("#op-listpets"),
            "example": operation_page.select_one(".mp-example-title"),
        }
        if pages == "operation":  # the tag page lists the operations it links to
            places["tag page"] = tag.find(lambda e: e.name == "td" and "bold" in e.get_text())
        for where, element in places.items():
            assert element is not None, where
            assert marked_up in element.get_text(), where
            assert element.find(["b", "em", "code"], string=["bold", "star", "tick"]) is None, where
