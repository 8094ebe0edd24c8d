"""The API reference as built from feature-complete specs: OpenAPI 3.1, 3.0 and Swagger 2.0.

Each fixture under `fixtures/specs/features-*.yaml` uses every feature its version allows, with
the same operations and schemas across versions where the versions agree, so most tests run
once per version. Every site is a real MkDocs build (Material, with `search`), made once per
module and read through BeautifulSoup. Links are followed: an `href` must reach a built file
holding an element with the fragment's id.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
import yaml
from bs4 import BeautifulSoup, Tag

from mkdocs_platform.render.reference import MAX_EXAMPLE_LINES

from .conftest import FIXTURES, Site, build_site, write_files

SPECS = FIXTURES / "specs"
VERSIONS = {"3.1": "feat31", "3.0": "feat30", "2.0": "feat20"}
"""Spec version -> API id (the source's name: the spec is the source's only one)."""
ALL = ("3.1", "3.0", "2.0")
V3 = ("3.1", "3.0")


def load_spec(version: str) -> dict[str, Any]:
    return yaml.safe_load((SPECS / f"features-{version}.yaml").read_text(encoding="utf-8"))


# -- building ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def feature_site(tmp_path_factory) -> Callable[..., Site]:
    """`feature_site(version, **plugin_options)`: the site of that fixture, built once."""
    built: dict[tuple[Any, ...], Site] = {}

    def get(version: str, **options: Any) -> Site:
        key = (version, *sorted(options.items()))
        if key not in built:
            api = VERSIONS[version]
            root = tmp_path_factory.mktemp(api)
            source = root / "repos" / api
            source.mkdir(parents=True)
            shutil.copyfile(SPECS / f"features-{version}.yaml", source / "openapi.yaml")
            plugin = {"sources": [{"name": api, "path": f"repos/{api}"}], **options}
            built[key] = build_site(root, plugin)
        return built[key]

    return get


# -- reading pages and following links ---------------------------------------------------------

_ARTICLES: dict[Path, BeautifulSoup] = {}


def article(site: Site, rel: str) -> BeautifulSoup:
    """The page's content (parsed once per test run)."""
    path = site.dir / rel
    assert path.is_file(), f"{rel} was not built"
    if path not in _ARTICLES:
        _ARTICLES[path] = site.article(rel)
    return _ARTICLES[path]


def page(version: str, folder: str = "") -> str:
    """The built file of an API page: the overview, or `<folder>/index.html` below it."""
    base = f"apis/{VERSIONS[version]}/"
    return f"{base}{folder}/index.html" if folder else f"{base}index.html"


def resolve(from_page: str, href: str) -> tuple[str, str]:
    """The built file (relative to the site) and the fragment that `href` on `from_page` reaches."""
    parts = urlsplit(urljoin("http://site/" + from_page, href))
    path = parts.path.removeprefix("/")
    if not path or path.endswith("/"):
        path += "index.html"
    return path, parts.fragment


def follow(site: Site, from_page: str, href: str, expected_page: str | None = None) -> Tag:
    """The element `href` points at; fails when the page or the id does not exist."""
    target, fragment = resolve(from_page, href)
    if expected_page is not None:
        assert target == expected_page, f"{href} on {from_page} reaches {target}"
    assert fragment, f"{href} on {from_page} has no fragment"
    found = article(site, target).find(id=fragment)
    assert found is not None, f"{href} on {from_page}: no element #{fragment} in {target}"
    return found


def api_pages(site: Site, version: str) -> list[str]:
    root = site.dir / "apis" / VERSIONS[version]
    return sorted(p.relative_to(site.dir).as_posix() for p in root.rglob("*.html"))


def text(node: Tag) -> str:
    """Text with whitespace collapsed, as a reader sees it."""
    return " ".join(node.get_text().split())


# -- reading operations ------------------------------------------------------------------------


@dataclass(frozen=True)
class Op:
    anchor: str
    page: str
    """The folder of the tag page that holds it."""
    method: str
    path: str
    operation_id: str
    summary: str
    versions: tuple[str, ...] = ALL


OPERATIONS = (
    Op("op-listwidgets", "widgets", "GET", "/widgets", "listWidgets", "List widgets"),
    Op("op-createwidget", "widgets", "POST", "/widgets", "createWidget", "Create a widget"),
    Op("op-getwidget", "widgets", "GET", "/widgets/{widgetId}", "getWidget", "Get a widget"),
    Op(
        "op-updatewidget",
        "widgets",
        "PATCH",
        "/widgets/{widgetId}",
        "updateWidget",
        "Update a widget",
        V3,
    ),
    Op(
        "op-deletewidget",
        "widgets",
        "DELETE",
        "/widgets/{widgetId}",
        "deleteWidget",
        "Delete a widget",
    ),
    Op(
        "op-uploadblueprint",
        "widgets",
        "POST",
        "/widgets/{widgetId}/blueprint",
        "uploadBlueprint",
        "Upload a blueprint",
        ("2.0",),
    ),
    Op("op-addpet", "pets", "POST", "/pets", "addPet", "Add a pet"),
    Op("op-listshapes", "shapes", "GET", "/shapes", "listShapes", "List shapes", V3),
    # No operationId: the anchor is the slug of `<method> <path>`.
    Op("op-post-trees", "node-trees", "POST", "/trees", "", "Plant a tree"),
    # No operationId and no tags.
    Op("op-get-health", "other", "GET", "/health", "", "Health check"),
    Op(
        "op-gadgets-replace-one",
        "gadgets",
        "PUT",
        "/gadgets/{gadgetId}",
        "Gadgets.Replace_One",
        "Replace a gadget",
    ),
)
OP = {op.anchor: op for op in OPERATIONS}
OPERATION_CASES = [
    pytest.param(version, op, id=f"{version}-{op.anchor}")
    for op in OPERATIONS
    for version in op.versions
]


def operation(site: Site, version: str, anchor: str) -> Tag:
    """The `.mp-operation` block of an operation on its tag page."""
    heading = article(site, page(version, OP[anchor].page)).find(id=anchor)
    assert heading is not None, f"no #{anchor} on the {OP[anchor].page} page"
    assert heading.name == "h2"
    block = heading.find_parent(class_="mp-operation")
    assert block is not None
    return block


def parameter(block: Tag, name: str) -> Tag:
    row = block.select_one(f'tr.mp-parameter[data-name="{name}"]')
    assert row is not None, f"no parameter {name}"
    return row


def parameter_location(row: Tag) -> str:
    return text(row.find_parent(class_="mp-parameters").find_previous_sibling("h3"))


def cells(row: Tag) -> list[str]:
    return [text(td) for td in row.find_all("td", recursive=False)]


def constraints(node: Tag) -> list[str]:
    return [text(s) for s in node.select(".mp-constraint")]


def enum_values(node: Tag) -> list[str]:
    found = node.select_one(".mp-enum")
    assert found is not None
    return [c.get_text() for c in found.select("code")]


def default_value(node: Tag) -> str:
    found = node.select_one(".mp-default code")
    assert found is not None
    return found.get_text()


def media_types(container: Tag) -> list[str]:
    """The media types a request body or response offers, in order (tabs or not)."""
    return [m["data-media-type"] for m in container.select(".mp-media")]


def media(container: Tag, media_type: str) -> Tag:
    found = container.select_one(f'.mp-media[data-media-type="{media_type}"]')
    assert found is not None, f"no {media_type}"
    return found


def response(block: Tag, status: str) -> Tag:
    found = block.select_one(f'.mp-responses > .mp-response[data-status="{status}"]')
    assert found is not None, f"no response {status}"
    return found


def security_anchors(site: Site, version: str, block: Tag) -> list[str]:
    """The auth anchors an operation's own security requirement links to (followed)."""
    security = block.select_one(".mp-security")
    assert security is not None
    from_page = page(version, OP[block.find("h2")["id"]].page)
    return [
        follow(site, from_page, a["href"], page(version))["id"]
        for a in security.select("a.mp-auth-link")
    ]


# -- reading schema trees ----------------------------------------------------------------------


def model(site: Site, version: str, name: str) -> Tag:
    found = article(site, page(version, "models")).select(f'div.mp-model[data-schema="{name}"]')
    assert len(found) == 1, f"{name} is on the models page {len(found)} times"
    return found[0]


def props(node: Tag) -> dict[str, Tag]:
    """The properties directly inside `node` (a schema or a property), by name."""
    listing = node.find("ul", class_="mp-props")
    assert listing is not None, "no properties"
    return {
        li.find("code", class_="mp-prop-name").get_text(): li
        for li in listing.find_all("li", class_="mp-prop", recursive=False)
    }


def prop_type(li: Tag) -> str:
    return text(li.find(class_="mp-type"))


def prop_flags(li: Tag) -> list[str]:
    head = li.find("summary") or li
    return [f.get_text() for f in head.find_all(class_="mp-flag", recursive=False)]


# ==============================================================================================
# Operations, their anchors and their tag pages
# ==============================================================================================


@pytest.mark.parametrize(("version", "op"), OPERATION_CASES)
def test_operation_is_on_its_tag_page_under_its_anchor(feature_site, version, op):
    site = feature_site(version)
    block = operation(site, version, op.anchor)
    assert op.summary in text(block.find("h2"))
    endpoint = block.select_one(".mp-endpoint")
    assert endpoint.select_one(".mp-method").get_text() == op.method
    assert endpoint.select_one("code.mp-path").get_text() == op.path
    opid = endpoint.select_one("code.mp-opid")
    if op.operation_id:
        assert opid.get_text() == op.operation_id
        assert block["data-operation-id"] == op.operation_id
    else:
        assert opid is None


@pytest.mark.parametrize("version", ALL)
def test_tag_pages_hold_exactly_the_spec_operations(feature_site, version):
    site = feature_site(version)
    expected = {op.anchor for op in OPERATIONS if version in op.versions}
    found = set()
    for rel in api_pages(site, version):
        if rel.endswith(("/models/index.html", "/webhooks/index.html")):
            continue
        found.update(h["id"] for h in article(site, rel).select('h2[id^="op-"]'))
    assert found == expected


@pytest.mark.parametrize("version", ALL)
def test_overview_links_every_operation_to_its_anchor(feature_site, version):
    site = feature_site(version)
    overview = article(site, page(version))
    links = overview.select(".mp-op-index a")
    reached = {}
    for a in links:
        element = follow(site, page(version), a["href"])
        reached[element["id"]] = (resolve(page(version), a["href"])[0], a.get_text())
    expected = {op.anchor: op for op in OPERATIONS if version in op.versions}
    assert set(reached) == set(expected)
    for anchor, (target, path) in reached.items():
        assert target == page(version, expected[anchor].page)
        assert path == expected[anchor].path


@pytest.mark.parametrize("version", ALL)
def test_untagged_operation_lands_on_other_operations(feature_site, version):
    site = feature_site(version)
    other = article(site, page(version, "other"))
    assert other.select_one("h1#tag-other").get_text().startswith("Other operations")
    assert [h["id"] for h in other.select('h2[id^="op-"]')] == ["op-get-health"]
    status = props(operation(site, version, "op-get-health"))["status"]
    if version == "3.1":
        assert text(status.select_one(".mp-const")) == "always ok"
    else:
        assert enum_values(status) == ["ok"]


@pytest.mark.parametrize("version", ALL)
def test_deprecated_operation_has_a_notice(feature_site, version):
    site = feature_site(version)
    deleted = operation(site, version, "op-deletewidget")
    assert "mp-operation--deprecated" in deleted["class"]
    notice = deleted.select_one(".mp-deprecation")
    assert notice is not None
    assert "deprecated" in text(notice).lower()
    listed = operation(site, version, "op-listwidgets")
    assert listed.select_one(".mp-deprecation") is None
    assert "mp-operation--deprecated" not in listed["class"]


@pytest.mark.parametrize("version", ALL)
def test_operation_description_and_external_docs(feature_site, version):
    site = feature_site(version)
    block = operation(site, version, "op-listwidgets")
    assert block.select_one(".mp-description strong").get_text() == "newest first"
    docs = block.select_one(".mp-external-docs a")
    assert docs["href"] == "https://docs.example.com/ops/list-widgets"
    assert docs.get_text() == "Paging explained"


# ==============================================================================================
# Parameters
# ==============================================================================================


@pytest.mark.parametrize("version", ALL)
def test_parameters_show_location_type_and_format(feature_site, version):
    site = feature_site(version)
    listed = operation(site, version, "op-listwidgets")
    expected = {
        "limit": ("Query parameters", "integer (int32)"),
        "offset": ("Query parameters", "integer (int64)"),
        "colour": ("Query parameters", "string"),
        "labels": ("Query parameters", "array of string"),
        "sort": ("Query parameters", "string"),
        "X-Request-Id": ("Header parameters", "string (uuid)"),
    }
    if version in V3:
        expected["filter"] = ("Query parameters", "object")
        expected["feat_prefs"] = ("Cookie parameters", "string")
    for name, (location, kind) in expected.items():
        row = parameter(listed, name)
        assert parameter_location(row) == location, name
        assert cells(row)[1] == kind, name
    assert {r["data-name"] for r in listed.select("tr.mp-parameter")} == set(expected)
    widget_id = parameter(operation(site, version, "op-getwidget"), "widgetId")
    assert parameter_location(widget_id) == "Path parameters"
    assert cells(widget_id)[1] == "string (uuid)"
    gadget_id = parameter(operation(site, version, "op-gadgets-replace-one"), "gadgetId")
    assert cells(gadget_id)[1] == "integer (int64)"
    assert constraints(gadget_id) == ["≥ 1"]


@pytest.mark.parametrize("version", ALL)
def test_parameter_constraints(feature_site, version):
    site = feature_site(version)
    listed = operation(site, version, "op-listwidgets")
    assert constraints(parameter(listed, "limit")) == ["≥ 1", "≤ 250"]
    # 3.1 writes exclusiveMinimum: -1; 3.0 and 2.0 write minimum: -1, exclusiveMinimum: true.
    assert constraints(parameter(listed, "offset")) == ["> -1", "< 100000"]
    assert constraints(parameter(listed, "labels")) == ["min items 1", "max items 7"]
    assert constraints(parameter(listed, "sort")) == ["pattern ^[+-](name|created)$"]
    if version in V3:
        assert constraints(parameter(listed, "feat_prefs")) == ["min length 8", "max length 64"]


@pytest.mark.parametrize("version", ALL)
def test_parameter_enum_default_and_examples(feature_site, version):
    site = feature_site(version)
    listed = operation(site, version, "op-listwidgets")
    colour = parameter(listed, "colour")
    assert enum_values(colour) == ["crimson", "teal", "ochre"]
    assert default_value(colour) == "teal"
    limit = parameter(listed, "limit")
    assert default_value(limit) == "25"
    # 3.x: `example`; 2.0: the `x-example` extension.
    assert [text(e) for e in limit.select(".mp-example")] == ["example: 75"]
    if version in V3:
        sort = parameter(listed, "sort")
        assert [text(e) for e in sort.select(".mp-example")] == [
            "example byName: +name",
            "example newestFirst: -created",
        ]
        request_id = parameter(listed, "X-Request-Id")
        assert "3f1c9a52-7d1e-4b0a-9c55-2a1e8f0d6b7e" in cells(request_id)[2]


@pytest.mark.parametrize("version", ALL)
def test_required_and_deprecated_parameters(feature_site, version):
    site = feature_site(version)
    listed = operation(site, version, "op-listwidgets")
    assert cells(parameter(listed, "X-Request-Id"))[0] == "X-Request-Id required"
    assert cells(parameter(listed, "limit"))[0] == "limit"
    assert cells(parameter(operation(site, version, "op-getwidget"), "widgetId"))[0] == (
        "widgetId required"
    )
    if version in V3:
        prefs = parameter(listed, "feat_prefs")
        assert cells(prefs)[0] == "feat_prefs deprecated"
        assert "Legacy preference cookie." in cells(prefs)[2]


@pytest.mark.parametrize("version", ALL)
def test_parameter_serialization(feature_site, version):
    site = feature_site(version)
    listed = operation(site, version, "op-listwidgets")
    # 2.0 says collectionFormat: pipes, which is style pipeDelimited without explode.
    serialization = parameter(listed, "labels").select_one(".mp-serialization")
    assert text(serialization) == "style pipeDelimited explode false"
    if version in V3:
        filter_row = parameter(listed, "filter")
        assert text(filter_row.select_one(".mp-serialization")) == "style deepObject explode true"
        nested = props(filter_row)
        assert list(nested) == ["madeAfter", "supplierCode"]
        assert prop_type(nested["madeAfter"]) == "string (date)"


# ==============================================================================================
# Security
# ==============================================================================================

GLOBAL_SECURITY = {
    "3.1": ["auth-bearerauth", "auth-oauth", "auth-apikeyheader", "auth-apikeyquery"],
    "3.0": ["auth-bearerauth", "auth-oauth", "auth-apikeyheader", "auth-apikeyquery"],
    "2.0": ["auth-basicauth", "auth-oauthaccesscode", "auth-apikeyheader", "auth-apikeyquery"],
}
CREATE_SECURITY = {
    "3.1": ["auth-oauth", "auth-basicauth"],
    "3.0": ["auth-oauth", "auth-basicauth"],
    "2.0": ["auth-oauthaccesscode", "auth-basicauth"],
}


@pytest.mark.parametrize("version", ALL)
def test_operation_security_links_to_the_overview_schemes(feature_site, version):
    site = feature_site(version)
    listed = operation(site, version, "op-listwidgets")
    assert security_anchors(site, version, listed) == GLOBAL_SECURITY[version]
    assert "widgets:read" in text(listed.select_one(".mp-security"))
    created = operation(site, version, "op-createwidget")
    assert security_anchors(site, version, created) == CREATE_SECURITY[version]
    own = text(created.select_one(".mp-security"))
    assert "widgets:write" in own
    assert "widgets:read" not in own
    # `security: []` turns the API's requirement off.
    for anchor in ("op-deletewidget", "op-get-health"):
        block = operation(site, version, anchor)
        assert security_anchors(site, version, block) == []
        assert text(block.select_one(".mp-security")) == "Authorization: none."


@pytest.mark.parametrize("version", ALL)
def test_every_auth_link_reaches_a_scheme_on_the_overview(feature_site, version):
    site = feature_site(version)
    count = 0
    for rel in api_pages(site, version):
        for a in article(site, rel).select('a[href*="#auth-"]:not(.headerlink)'):
            target = follow(site, rel, a["href"], page(version))
            assert target.name == "h3"
            assert target.find_parent(class_="mp-auth-scheme") is not None
            count += 1
    assert count > 20


SCHEMES = {
    "3.x": {
        "ApiKeyHeader": ["apiKey", "header", "X-Feat-Key"],
        "ApiKeyQuery": ["apiKey", "query parameter feat_key"],
        "ApiKeyCookie": ["apiKey", "cookie parameter feat_session"],
        "BasicAuth": ["http · basic", "Authorization: Basic"],
        "BearerAuth": ["http · bearer", "Authorization: Bearer", "JWT-feat"],
        "OAuth": [
            "oauth2",
            "authorizationCode",
            "https://auth.feat.example.com/authorize",
            "https://auth.feat.example.com/token",
            "https://auth.feat.example.com/refresh",
            "widgets:write: Change widgets",
            "clientCredentials",
            "https://auth.feat.example.com/cc-token",
            "widgets:admin: Administer widgets",
            "implicit",
            "https://auth.feat.example.com/implicit",
            "password",
            "https://auth.feat.example.com/password-token",
            "OAuth 2 with several flows.",
        ],
        "OpenId": [
            "openIdConnect",
            "https://auth.feat.example.com/.well-known/openid-configuration",
        ],
    },
    "2.0": {
        "BasicAuth": ["http · basic", "Authorization: Basic", "service account"],
        "ApiKeyHeader": ["apiKey", "header", "X-Feat-Key"],
        "ApiKeyQuery": ["apiKey", "query parameter feat_key"],
        "OAuthImplicit": [
            "implicit",
            "https://auth.feat20.example.com/implicit",
            "widgets:read: Read widgets",
        ],
        "OAuthPassword": ["password", "https://auth.feat20.example.com/password-token"],
        "OAuthApplication": [
            "https://auth.feat20.example.com/app-token",
            "widgets:admin: Administer widgets",
        ],
        "OAuthAccessCode": [
            "https://auth.feat20.example.com/authorize",
            "https://auth.feat20.example.com/token",
            "widgets:read: Read widgets",
            "widgets:write: Change widgets",
        ],
    },
}


def expected_schemes(version: str) -> dict[str, list[str]]:
    schemes = dict(SCHEMES["2.0" if version == "2.0" else "3.x"])
    if version == "3.1":
        schemes["MutualTls"] = [
            "mutualTLS",
            "client certificate",
            "Client certificates issued by the feature CA.",
        ]
    return schemes


@pytest.mark.parametrize("version", ALL)
def test_overview_describes_every_security_scheme(feature_site, version):
    site = feature_site(version)
    overview = article(site, page(version))
    blocks = {
        b.find("h3").get_text().removesuffix("¶"): b
        for b in overview.select(".mp-auth .mp-auth-scheme")
    }
    expected = expected_schemes(version)
    assert set(blocks) == set(expected)
    for key, fragments in expected.items():
        assert blocks[key].find("h3")["id"] == "auth-" + key.lower()
        shown = text(blocks[key])
        for fragment in fragments:
            assert fragment in shown, (key, fragment)


@pytest.mark.parametrize("version", ALL)
def test_overview_states_the_global_security(feature_site, version):
    site = feature_site(version)
    overview = article(site, page(version))
    heading = overview.find(id="authentication")
    statement = heading.find_next_sibling("p")
    anchors = [follow(site, page(version), a["href"])["id"] for a in statement.select("a")]
    assert anchors == GLOBAL_SECURITY[version]
    assert "(widgets:read)" in text(statement)
    assert " and " in text(statement)  # ApiKeyHeader and ApiKeyQuery, together


@pytest.mark.parametrize("version", ALL)
def test_api_key_in_header_is_worded_once(feature_site, version):
    overview = article(feature_site(version), page(version))
    block = overview.find(id="auth-apikeyheader").find_parent(class_="mp-auth-scheme")
    assert "header header" not in text(block)


# ==============================================================================================
# The overview: info, servers, tags
# ==============================================================================================

INFO = {
    "3.1": {
        "n": "31",
        "license": ("Apache License 2.0", None, "Apache-2.0"),
    },
    "3.0": {
        "n": "30",
        "license": ("MIT License", "https://opensource.org/licenses/MIT", None),
    },
    "2.0": {
        "n": "20",
        "license": ("BSD 3-Clause", "https://opensource.org/licenses/BSD-3-Clause", None),
    },
}


@pytest.mark.parametrize("version", ALL)
def test_overview_shows_info(feature_site, version):
    site = feature_site(version)
    overview = article(site, page(version))
    n = INFO[version]["n"]
    assert overview.select_one("h1").get_text().startswith(f"Features API {version}")
    # CommonMark in the description.
    description = overview.select_one(".mp-overview > .mp-description")
    assert description.select_one("strong").get_text() == "Feature"
    assert description.select_one("em").get_text() == "every"
    assert description.select_one("a")["href"] == f"https://docs.example.com/guide-{n}"
    contact = overview.select_one(".mp-info .mp-contact")
    assert f"Feature Desk {n}" in text(contact)
    assert contact.select_one(f'a[href="mailto:desk{n}@example.com"]') is not None
    assert contact.select_one(f'a[href="https://example.com/desk/feat{n}"]') is not None
    name, url, identifier = INFO[version]["license"]
    license_ = overview.select_one(".mp-info .mp-license")
    assert name in text(license_)
    if url:
        assert license_.select_one("a")["href"] == url
    if identifier:
        assert license_.select_one("code").get_text() == identifier
    terms = overview.select_one(".mp-info .mp-terms a")
    assert terms["href"] == f"https://example.com/terms/feat{n}"
    docs = overview.select_one(".mp-info .mp-external-docs a")
    assert docs["href"] == f"https://docs.example.com/feat{n}"
    assert docs.get_text() == f"Feature handbook {n}"
    summary = overview.select_one(".mp-summary")
    if version == "3.1":
        assert text(summary) == "Every renderer feature in one OpenAPI 3.1 document."
    else:
        assert summary is None


@pytest.mark.parametrize("version", V3)
def test_overview_lists_servers_and_their_variables(feature_site, version):
    site = feature_site(version)
    n = INFO[version]["n"]
    rows = article(site, page(version)).select(".mp-servers tbody tr")
    urls = [row.select_one("code").get_text() for row in rows]
    assert urls == [
        f"https://{{region}}.feat{n}.example.com/{{stage}}",
        f"https://sandbox.feat{n}.example.com",
    ]
    assert text(rows[0].find_all("td")[1]) == "Regional production"
    assert text(rows[1].find_all("td")[1]) == "Sandbox for experiments"
    variables = {li.select_one("code").get_text(): li for li in rows[0].select(".mp-variables li")}
    assert set(variables) == {"region", "stage"}
    region = text(variables["region"])
    assert "region = eu-central" in region
    assert "one of eu-central, us-east, ap-south" in region
    assert region.endswith("Data region of the cluster")
    assert variables["region"].select_one("em").get_text() == "region"
    stage = text(variables["stage"])
    assert f"stage = v{n}" in stage
    assert f"one of v{n}, v{n}-beta" in stage
    assert stage.endswith("Release stage")


def test_swagger2_servers_come_from_host_base_path_and_schemes(feature_site):
    site = feature_site("2.0")
    rows = article(site, page("2.0")).select(".mp-servers tbody tr")
    assert [row.select_one("code").get_text() for row in rows] == [
        "https://api.feat20.example.com/v20",
        "http://api.feat20.example.com/v20",
    ]


@pytest.mark.parametrize("version", V3)
def test_operation_servers_override(feature_site, version):
    site = feature_site(version)
    n = INFO[version]["n"]
    servers = operation(site, version, "op-deletewidget").select_one(".mp-op-servers")
    assert servers is not None
    assert [c.get_text() for c in servers.select("code")] == [
        f"https://legacy.feat{n}.example.com/v0"
    ]
    assert "Legacy cluster" in text(servers)
    assert operation(site, version, "op-getwidget").select_one(".mp-op-servers") is None


@pytest.mark.parametrize("version", ALL)
def test_tags_show_descriptions_and_external_docs(feature_site, version):
    site = feature_site(version)
    summaries = {
        s.select_one("a.mp-tag-link").get_text(): s
        for s in article(site, page(version)).select(".mp-tag-summary")
    }
    expected = ["widgets", "pets", "shapes", "Node trees", "gadgets", "Other operations"]
    if version == "2.0":
        expected.remove("shapes")
    assert list(summaries) == expected
    widgets = summaries["widgets"]
    assert widgets.select_one(".mp-tag-description strong").get_text() == "widgets"
    follow_to = resolve(page(version), widgets.select_one("a.mp-tag-link")["href"])[0]
    assert follow_to == page(version, "widgets")
    assert summaries["pets"].select_one(".mp-tag-description em").get_text() == "discriminated"
    tag_page = article(site, page(version, "widgets"))
    assert tag_page.select_one("h1#tag-widgets") is not None
    assert text(tag_page.select_one(".mp-tag-description")) == ("Manage widgets and their parts.")
    docs = tag_page.select_one(".mp-tag-page > .mp-external-docs a")
    assert docs["href"] == "https://docs.example.com/tags/widgets"
    assert docs.get_text() == "Widget guide"
    nodes = article(site, page(version, "node-trees"))
    assert nodes.select_one("h1#tag-node-trees").get_text().startswith("Node trees")


# ==============================================================================================
# Request bodies
# ==============================================================================================


def subhead(block: Tag, prefix: str) -> Tag:
    """The operation's first sub-heading that starts with `prefix`."""
    return next(h for h in block.select("h3.mp-subhead") if text(h).startswith(prefix))


def request_body(block: Tag) -> Tag:
    body = block.select_one(".mp-request-body")
    assert body is not None
    return body


def example_values(media: Tag) -> dict[str, Any]:
    """Example title -> the JSON value shown."""
    return {
        text(ex.select_one(".mp-example-title")): json.loads(ex.select_one("pre code").get_text())
        for ex in media.select(".mp-example-block")
    }


@pytest.mark.parametrize("version", V3)
def test_request_body_media_types_and_named_examples(feature_site, version):
    site = feature_site(version)
    spec = load_spec(version)
    created = operation(site, version, "op-createwidget")
    assert text(subhead(created, "Request body")) == "Request body required"
    body = request_body(created)
    assert text(body.find("p", recursive=False)) == "The widget to create."
    assert media_types(body) == ["application/json", "multipart/form-data"]
    json_media = media(body, "application/json")
    form_media = media(body, "multipart/form-data")
    link = json_media.select_one(".mp-schema-type a.mp-model-link")
    assert follow(site, page(version, "widgets"), link["href"], page(version, "models"))["id"] == (
        "schema-widget"
    )
    declared = spec["paths"]["/widgets"]["post"]["requestBody"]["content"]["application/json"]
    assert example_values(json_media) == {
        "Example minimal: A minimal widget": declared["examples"]["minimal"]["value"],
        "Example complete: Every field set": declared["examples"]["complete"]["value"],
    }
    assert json_media.select_one(".mp-example-block strong").get_text() == "all"
    form = props(form_media)
    assert list(form) == ["manifest", "blueprint"]
    assert prop_type(form["manifest"]) == "Widget"
    assert prop_flags(form["manifest"]) == ["required"]
    assert "The blueprint as a PDF." in text(form["blueprint"])
    if version == "3.0":
        assert prop_type(form["blueprint"]) == "string (binary)"


@pytest.mark.parametrize("version", V3)
def test_request_body_single_example(feature_site, version):
    site = feature_site(version)
    body = request_body(operation(site, version, "op-updatewidget"))
    assert media_types(body) == ["application/merge-patch+json"]
    assert example_values(body.select_one(".mp-media")) == {"Example": {"name": "Sprocket-Renamed"}}


def test_content_media_type_of_a_file_part_is_shown(feature_site):
    site = feature_site("3.1")
    form = request_body(operation(site, "3.1", "op-createwidget")).select_one(
        '.mp-media[data-media-type="multipart/form-data"]'
    )
    assert "application/pdf" in text(props(form)["blueprint"])


def test_swagger2_body_parameter_is_the_request_body(feature_site):
    site = feature_site("2.0")
    created = operation(site, "2.0", "op-createwidget")
    assert created.select("tr.mp-parameter") == []  # `in: body` is not a parameter row
    body = request_body(created)
    assert text(body.find("p", recursive=False)) == "The widget to create."
    # The operation's `consumes` overrides the document's.
    assert media_types(body) == ["application/json", "application/xml"]
    for offered in body.select(".mp-media"):
        link = offered.select_one(".mp-schema-type a.mp-model-link")
        target = follow(site, page("2.0", "widgets"), link["href"], page("2.0", "models"))
        assert target["id"] == "schema-widget"
    assert text(subhead(created, "Request body")) == "Request body required"


def test_swagger2_form_data_upload(feature_site):
    site = feature_site("2.0")
    upload = operation(site, "2.0", "op-uploadblueprint")
    assert {r["data-name"] for r in upload.select("tr.mp-parameter")} == {"widgetId"}
    body = request_body(upload)
    assert media_types(body) == ["multipart/form-data"]
    form = props(body)
    assert list(form) == ["blueprint", "note"]
    assert prop_type(form["blueprint"]) == "string (binary)"  # type: file
    assert prop_flags(form["blueprint"]) == ["required"]
    assert "The blueprint as a PDF." in text(form["blueprint"])
    assert constraints(form["note"]) == ["max length 140"]
    assert prop_flags(form["note"]) == []


# ==============================================================================================
# Responses: status codes, headers, media types, links
# ==============================================================================================


@pytest.mark.parametrize("version", ALL)
def test_responses_by_status_with_headers(feature_site, version):
    site = feature_site(version)
    listed = operation(site, version, "op-listwidgets")
    statuses = [r["data-status"] for r in listed.select(".mp-responses > .mp-response")]
    assert statuses == ["200", "default"]
    ok = response(listed, "200")
    assert text(ok.select_one(".mp-status")) == "200 A page of widgets."
    rows = {r.select_one("td code").get_text(): r for r in ok.select(".mp-headers tbody tr")}
    assert list(rows) == ["X-Rate-Limit-Remaining", "X-Next-Cursor"]
    remaining = cells(rows["X-Rate-Limit-Remaining"])
    assert remaining[1] == "integer"
    assert constraints(rows["X-Rate-Limit-Remaining"]) == ["≥ 0", "≤ 5000"]
    assert "Requests left in this window." in remaining[2]
    if version in V3:
        assert remaining[0] == "X-Rate-Limit-Remaining required"
    location = response(operation(site, version, "op-createwidget"), "201")
    header = location.select_one(".mp-headers tbody tr")
    assert cells(header)[:2] == ["Location", "string (uri)"]
    error = response(listed, "default")
    link = error.select_one("a.mp-model-link")
    target = follow(site, page(version, "widgets"), link["href"], page(version, "models"))
    assert target["id"] == "schema-problem"


@pytest.mark.parametrize("version", V3)
def test_response_header_example_is_shown(feature_site, version):
    ok = response(operation(feature_site(version), version, "op-listwidgets"), "200")
    row = ok.select_one(".mp-headers tbody tr")
    assert "4999" in text(row)


@pytest.mark.parametrize("version", ALL)
def test_response_media_types(feature_site, version):
    site = feature_site(version)
    listed = response(operation(site, version, "op-listwidgets"), "200")
    got = response(operation(site, version, "op-getwidget"), "200")
    if version == "2.0":
        # The operation's `produces`, else the document's.
        assert media_types(listed) == ["application/json", "text/csv"]
        assert media_types(got) == ["application/json", "application/xml"]
        json_media = listed.select_one('.mp-media[data-media-type="application/json"]')
        assert example_values(json_media) == {"Example": [{"name": "Sprocket-Listed"}]}
    else:
        assert media_types(listed) == ["application/json", "application/x-ndjson", "text/csv"]
        assert media_types(got) == ["application/json", "application/xml"]
    array = listed.select_one('.mp-media[data-media-type="application/json"] .mp-schema-type')
    assert text(array) == "array of Widget"
    link = array.select_one("a.mp-model-link")
    assert follow(site, page(version, "widgets"), link["href"])["id"] == "schema-widget"


@pytest.mark.parametrize("version", V3)
def test_text_example_is_shown_as_text(feature_site, version):
    ok = response(operation(feature_site(version), version, "op-listwidgets"), "200")
    csv = ok.select_one('.mp-media[data-media-type="text/csv"] .mp-example-block pre code')
    assert csv.get_text() == "id,name\n1,Sprocket-Csv\n"


@pytest.mark.parametrize("version", V3)
def test_text_example_is_not_highlighted_as_json(feature_site, version):
    ok = response(operation(feature_site(version), version, "op-listwidgets"), "200")
    block = ok.select_one('.mp-media[data-media-type="text/csv"] .mp-example-block')
    assert block.select('[class*="language-json"]') == []
    assert block.select("span.err") == []


@pytest.mark.parametrize("version", V3)
def test_response_links_reach_the_target_operation(feature_site, version):
    site = feature_site(version)
    widgets = page(version, "widgets")
    first = response(operation(site, version, "op-listwidgets"), "200").select(".mp-links li")
    assert len(first) == 1
    assert first[0].select_one("code").get_text() == "FirstWidget"
    target = follow(site, widgets, first[0].select_one("a")["href"], widgets)
    assert target["id"] == "op-getwidget"
    assert target.find_parent(class_="mp-operation")["data-operation-id"] == "getWidget"
    assert "widgetId = $response.body#/0/id" in text(first[0])
    assert first[0].select_one("em").get_text() == "first"
    created = response(operation(site, version, "op-createwidget"), "201").select(".mp-links li")
    reached = {
        li.select_one("code").get_text(): follow(site, widgets, li.select_one("a")["href"])["id"]
        for li in created
    }
    assert reached == {
        "GetCreatedWidget": "op-getwidget",
        "RemoveCreatedWidget": "op-deletewidget",
    }


# ==============================================================================================
# Callbacks and webhooks
# ==============================================================================================


@pytest.mark.parametrize("version", V3)
def test_callbacks_are_described(feature_site, version):
    site = feature_site(version)
    created = operation(site, version, "op-createwidget")
    callbacks = created.select(".mp-callback")
    assert len(callbacks) == 1
    callback = callbacks[0]
    assert callback.select_one("strong").get_text() == "widgetBuilt"
    assert callback.select_one("p > code").get_text() == "{$request.body#/callbackUrl}/built"
    inner = callback.select_one(".mp-callback-operation")
    assert text(inner.find("h4")) == "POST Widget built notification"
    assert inner.select_one(".mp-description strong").get_text() == "built"
    body = props(inner.select_one(".mp-request-body"))
    assert prop_type(body["builtAt"]) == "string (date-time)"
    assert constraints(body["assemblyLine"]) == ["≥ 1", "≤ 12"]
    assert [r["data-status"] for r in inner.select(".mp-response")] == ["204"]
    assert operation(site, version, "op-listwidgets").select(".mp-callback") == []


def test_webhooks_page(feature_site):
    site = feature_site("3.1")
    webhooks = page("3.1", "webhooks")
    overview_link = next(
        a
        for a in article(site, page("3.1")).select(".mp-more-pages a")
        if a.get_text() == "Webhooks"
    )
    assert resolve(page("3.1"), overview_link["href"])[0] == webhooks
    content = article(site, webhooks)
    assert [h["id"] for h in content.select('h2[id^="op-"]')] == [
        "op-widgetrecalled",
        "op-webhook-post-nightlyreport",
    ]
    recalled = content.find(id="op-widgetrecalled").find_parent(class_="mp-operation")
    assert "A widget was recalled" in text(recalled.find("h2"))
    assert recalled.select_one(".mp-path").get_text() == "widgetRecalled"
    assert recalled.select_one(".mp-opid").get_text() == "widgetRecalled"
    body = props(request_body(recalled))
    assert enum_values(body["recallReason"]) == ["defect", "safety"]
    widget = body["widget"].select_one("a.mp-model-link")
    assert follow(site, webhooks, widget["href"], page("3.1", "models"))["id"] == "schema-widget"
    nightly = content.find(id="op-webhook-post-nightlyreport").find_parent(class_="mp-operation")
    assert media_types(request_body(nightly)) == ["text/plain"]
    nav = site.soup(page("3.1")).select_one("nav.md-nav--primary")
    assert any(resolve(page("3.1"), a["href"])[0] == webhooks for a in nav.select("a[href]")), (
        "the webhooks page is in the nav"
    )


@pytest.mark.parametrize("version", ["3.0", "2.0"])
def test_no_webhooks_page_without_webhooks(feature_site, version):
    site = feature_site(version)
    assert not (site.dir / page(version, "webhooks")).exists()
    assert (site.dir / page(version, "models")).exists()


# ==============================================================================================
# Schemas: the models page and the trees
# ==============================================================================================


def schema_names(version: str) -> list[str]:
    spec = load_spec(version)
    return list(spec["definitions"] if version == "2.0" else spec["components"]["schemas"])


@pytest.mark.parametrize("version", ALL)
def test_models_page_holds_every_named_schema_once(feature_site, version):
    site = feature_site(version)
    names = schema_names(version)
    models = article(site, page(version, "models"))
    assert [m["data-schema"] for m in models.select("div.mp-model")] == names
    for name in names:
        anchor = "schema-" + name.lower()
        holders = [
            rel
            for rel in api_pages(site, version)
            if article(site, rel).find(id=anchor) is not None
        ]
        assert holders == [page(version, "models")], name
        assert model(site, version, name).find("h2")["id"] == anchor


@pytest.mark.parametrize("version", ALL)
def test_every_model_link_reaches_its_schema(feature_site, version):
    site = feature_site(version)
    models = page(version, "models")
    used = set()
    for rel in api_pages(site, version):
        for a in article(site, rel).select("a.mp-model-link"):
            target = follow(site, rel, a["href"], models)
            assert target.name == "h2"
            assert target.find_parent(class_="mp-model")["data-schema"] == a.get_text()
            if rel != models:
                used.add(a.get_text())
    assert {"Widget", "Problem", "Pet", "Node"} <= used


WIDGET_PROPERTIES = {
    "id",
    "createdAt",
    "name",
    "secret",
    "nickname",
    "weightGrams",
    "status",
    "dimensions",
    "parts",
    "labels",
    "metadata",
    "callbackUrl",
}


@pytest.mark.parametrize("version", ALL)
def test_all_of_merges_the_named_base(feature_site, version):
    site = feature_site(version)
    widget = model(site, version, "Widget")
    includes = widget.select(".mp-includes a.mp-model-link")
    assert [a.get_text() for a in includes] == ["Base"]
    assert follow(site, page(version, "models"), includes[0]["href"])["id"] == "schema-base"
    expected = WIDGET_PROPERTIES - ({"secret", "callbackUrl"} if version == "2.0" else set())
    assert set(props(widget)) == expected
    assert widget.select_one(".mp-schema > p strong").get_text() == "widget"


@pytest.mark.parametrize("version", ALL)
def test_schema_tree_flags_and_facts(feature_site, version):
    site = feature_site(version)
    widget = props(model(site, version, "Widget"))
    assert prop_flags(widget["id"]) == ["required", "read-only"]
    assert prop_type(widget["id"]) == "string (uuid)"
    assert prop_flags(widget["createdAt"]) == ["read-only"]
    assert prop_flags(widget["name"]) == ["required"]
    assert constraints(widget["name"]) == [
        "min length 3",
        "max length 40",
        "pattern ^[A-Z][A-Za-z-]+$",
    ]
    assert text(widget["name"].select_one(".mp-example")) == "example Sprocket"
    if version in V3:
        assert prop_flags(widget["secret"]) == ["write-only"]
    # 3.1: type [string, "null"]; 3.0: nullable: true; 2.0: x-nullable: true.
    assert prop_type(widget["nickname"]) == "string | null"
    assert prop_type(widget["name"]) == "string"
    assert prop_type(widget["weightGrams"]) == "number (float)"
    assert constraints(widget["weightGrams"]) == ["≥ 0.5", "< 9999"]
    assert enum_values(widget["status"]) == ["draft", "active", "retired"]
    assert default_value(widget["status"]) == "draft"


@pytest.mark.parametrize("version", ALL)
def test_schema_tree_nests_objects_and_arrays(feature_site, version):
    site = feature_site(version)
    widget = props(model(site, version, "Widget"))
    outer = props(widget["dimensions"])
    assert list(outer) == ["outer"]
    corner = props(outer["outer"])
    assert list(corner) == ["corner"]
    leaf = props(corner["corner"])
    assert list(leaf) == ["radiusMillimetres"]
    assert prop_type(leaf["radiusMillimetres"]) == "number (double)"
    parts = widget["parts"]
    assert prop_type(parts) == "array of object"
    items = parts.select_one(".mp-items")
    assert items is not None
    part = props(items)
    assert list(part) == ["partNumber", "quantity"]
    assert prop_flags(part["partNumber"]) == ["required"]
    assert constraints(part["partNumber"]) == ["pattern ^P-[0-9]{4}$"]
    assert constraints(part["quantity"]) == ["≥ 1"]


@pytest.mark.parametrize("version", ALL)
def test_additional_properties(feature_site, version):
    site = feature_site(version)
    widget = props(model(site, version, "Widget"))
    labels = widget["labels"].select_one(".mp-additional")
    assert text(labels).startswith("Other properties:")
    assert text(labels.select_one(".mp-type")) == "string"
    assert text(widget["metadata"].select_one(".mp-additional")) == "Other properties are allowed."


@pytest.mark.parametrize("version", ALL)
def test_additional_properties_schema_keeps_its_constraints(feature_site, version):
    widget = props(model(feature_site(version), version, "Widget"))
    assert constraints(widget["labels"].select_one(".mp-additional")) == ["max length 32"]


def alternatives(schema: Tag) -> tuple[str, list[Tag]]:
    block = schema.select_one(".mp-alternatives")
    assert block is not None
    return text(block.find("p")), block.select("li.mp-alternative")


def mapping(site: Site, version: str, schema: Tag) -> dict[str, str | None]:
    """Discriminator value -> the schema anchor its entry links to (None: not a link)."""
    result = {}
    for li in schema.select(".mp-discriminator .mp-mapping li"):
        link = li.select_one("a.mp-model-link")
        result[li.select_one("code").get_text()] = (
            follow(site, page(version, "models"), link["href"])["id"] if link else None
        )
    return result


@pytest.mark.parametrize("version", V3)
def test_one_of_with_discriminator_mapping(feature_site, version):
    site = feature_site(version)
    pet = model(site, version, "Pet")
    label, options = alternatives(pet)
    assert label == "One of:"
    assert [o.select_one(".mp-alt-title").get_text() for o in options] == ["Cat", "Dog"]
    reached = [
        follow(site, page(version, "models"), o.select_one("a.mp-model-link")["href"])["id"]
        for o in options
    ]
    assert reached == ["schema-cat", "schema-dog"]
    assert pet.select_one(".mp-discriminator code").get_text() == "petType"
    assert mapping(site, version, pet) == {"cat": "schema-cat", "dog": "schema-dog"}


@pytest.mark.parametrize("version", V3)
def test_any_of_with_discriminator_mapping(feature_site, version):
    site = feature_site(version)
    shape = model(site, version, "Shape")
    label, options = alternatives(shape)
    assert label == "Any of:"
    assert [o.select_one(".mp-alt-title").get_text() for o in options] == ["Circle", "Square"]
    assert shape.select_one(".mp-discriminator code").get_text() == "kind"
    assert mapping(site, version, shape)["round"] == "schema-circle"
    assert set(mapping(site, version, shape)) == {"round", "boxy"}


@pytest.mark.parametrize("version", V3)
def test_discriminator_mapping_by_schema_name_links_the_model(feature_site, version):
    site = feature_site(version)
    assert mapping(site, version, model(site, version, "Shape"))["boxy"] == "schema-square"


def test_swagger2_discriminator_and_subtypes(feature_site):
    site = feature_site("2.0")
    pet = model(site, "2.0", "Pet")
    assert pet.select_one(".mp-discriminator code").get_text() == "petType"
    cat = model(site, "2.0", "Cat")
    includes = cat.select_one(".mp-includes a.mp-model-link")
    assert follow(site, page("2.0", "models"), includes["href"])["id"] == "schema-pet"
    assert list(props(cat)) == ["petType", "huntingSkill"]
    assert prop_flags(props(cat)["petType"]) == ["required"]


def test_swagger2_discriminator_lists_its_subtypes(feature_site):
    site = feature_site("2.0")
    pet = model(site, "2.0", "Pet")
    assert mapping(site, "2.0", pet) == {"Cat": "schema-cat", "Dog": "schema-dog"}


@pytest.mark.parametrize("version", ALL)
def test_recursive_schema_is_rendered_once_and_links_to_itself(feature_site, version):
    site = feature_site(version)
    models = page(version, "models")
    assert len(article(site, models).select('[id="schema-node"]')) == 1
    node = props(model(site, version, "Node"))
    assert list(node) == ["label", "children"]
    assert prop_type(node["children"]) == "array of Node"
    link = node["children"].select_one("a.mp-model-link")
    assert follow(site, models, link["href"], models)["id"] == "schema-node"
    # The operation that takes a tree links to it too, listing its first level only.
    planted = operation(site, version, "op-post-trees")
    body = request_body(planted)
    assert text(body.select_one(".mp-schema-type")) == "Node"
    fields = props(body)
    assert list(fields) == ["label", "children"]
    assert prop_type(fields["children"]) == "array of Node"
    assert len(body.select(".mp-props")) == 1
    target = follow(site, page(version, "node-trees"), body.select_one("a")["href"], models)
    assert target["id"] == "schema-node"


# ==============================================================================================
# Search
# ==============================================================================================


@pytest.mark.parametrize("version", ALL)
def test_search_index_has_an_entry_per_operation(feature_site, version):
    site = feature_site(version)
    docs = json.loads((site.dir / "search/search_index.json").read_text(encoding="utf-8"))["docs"]
    by_location = {d["location"]: d for d in docs}
    for op in OPERATIONS:
        if version not in op.versions:
            continue
        location = f"apis/{VERSIONS[version]}/{op.page}/#{op.anchor}"
        entries = [d for loc, d in by_location.items() if loc.endswith(f"#{op.anchor}")]
        assert [d["location"] for d in entries] == [location]
        found = entries[0]["title"] + " " + entries[0]["text"]
        assert op.path in found, op.anchor
        assert op.summary in found, op.anchor
        if op.operation_id:
            assert op.operation_id in found, op.anchor


# ==============================================================================================
# pages: operation
# ==============================================================================================


def operation_page(version: str, anchor: str) -> str:
    return page(version, "operations/" + anchor.removeprefix("op-"))


@pytest.mark.parametrize("version", ALL)
def test_operation_split_gives_each_operation_its_own_page(feature_site, version):
    site = feature_site(version, pages="operation")
    ops = [op for op in OPERATIONS if version in op.versions]
    for op in ops:
        content = article(site, operation_page(version, op.anchor))
        heading = content.find(id=op.anchor)
        assert heading is not None
        assert heading.name == "h1"
        assert op.summary in text(heading)
        assert content.select_one(".mp-endpoint code.mp-path").get_text() == op.path
    # Tag pages list their operations and link to those pages instead of holding them.
    for tag in {op.page for op in ops}:
        tag_page = page(version, tag)
        content = article(site, tag_page)
        assert content.select('[id^="op-"]') == []
        reached = {}
        for a in content.select(".mp-operation-list a"):
            target, fragment = resolve(tag_page, a["href"])
            reached[fragment] = target
            assert follow(site, tag_page, a["href"])["id"] == fragment
        assert reached == {
            op.anchor: operation_page(version, op.anchor) for op in ops if op.page == tag
        }


@pytest.mark.parametrize("version", ALL)
def test_operation_pages_stay_out_of_the_nav(feature_site, version):
    site = feature_site(version, pages="operation")
    for rel in api_pages(site, version):
        nav = site.soup(rel).select_one("nav.md-nav--primary")
        targets = {resolve(rel, a["href"])[0] for a in nav.select("a[href]")}
        assert page(version, "widgets") in targets, rel  # the nav is there, with tag pages
        assert not any("/operations/" in t for t in targets), rel


@pytest.mark.parametrize("version", V3)
def test_operation_split_links_reach_operation_pages(feature_site, version):
    site = feature_site(version, pages="operation")
    listed = operation_page(version, "op-listwidgets")
    link = article(site, listed).select_one(".mp-links a")
    assert follow(site, listed, link["href"], operation_page(version, "op-getwidget"))["id"] == (
        "op-getwidget"
    )
    for a in article(site, page(version)).select(".mp-op-index a"):
        target, fragment = resolve(page(version), a["href"])
        assert target == operation_page(version, fragment)


# ==============================================================================================
# Circular, deep and much-referenced schemas
# ==============================================================================================

DEPTH = 200
HOLDERS = 5
REFS_PER_HOLDER = 100


def stress_spec() -> dict[str, Any]:
    deep: dict[str, Any] = {"type": "string"}
    for level in reversed(range(DEPTH)):
        deep = {"type": "object", "properties": {f"level{level}": deep}}
    holders = {
        f"Holder{h}": {
            "type": "object",
            "properties": {
                f"target{h}x{i}": {"$ref": "#/components/schemas/Target"}
                for i in range(REFS_PER_HOLDER)
            },
        }
        for h in range(HOLDERS)
    }
    return {
        "openapi": "3.0.3",
        "info": {"title": "Stress", "version": "1.0.0"},
        "paths": {
            "/deep": {
                "post": {
                    "operationId": "postDeep",
                    "tags": ["stress"],
                    # Not a copy of `Deep` (which would link to it): its own deep tree.
                    "requestBody": {
                        "content": {"application/json": {"schema": {**deep, "title": "Deep body"}}}
                    },
                    "responses": {
                        "200": {
                            "description": "A.",
                            "content": {
                                "application/json": {"schema": {"$ref": "#/components/schemas/A"}}
                            },
                        }
                    },
                }
            }
        },
        "components": {
            "schemas": {
                "Deep": deep,
                "A": {"type": "object", "properties": {"toB": {"$ref": "#/components/schemas/B"}}},
                "B": {"type": "object", "properties": {"toA": {"$ref": "#/components/schemas/A"}}},
                "Target": {"type": "object", "properties": {"value": {"type": "integer"}}},
                **holders,
            }
        },
    }


@pytest.fixture(scope="module")
def stress_site(tmp_path_factory) -> Site:
    root = tmp_path_factory.mktemp("stress")
    write_files(root / "repos/stress", {"openapi.json": stress_spec()})
    return build_site(root, {"sources": [{"name": "stress", "path": "repos/stress"}]})


STRESS_MODELS = "apis/stress/models/index.html"


def shown_levels(tree: Tag) -> list[str]:
    """The nested property names a deep tree shows; it must show them all or say it was cut."""
    names = [c.get_text() for c in tree.select("code.mp-prop-name")]
    assert names == [f"level{n}" for n in range(len(names))], "levels shown out of order"
    assert len(names) >= 3
    if len(names) < DEPTH:
        assert tree.select_one(".mp-truncated") is not None, f"cut after {len(names)} levels"
    return names


def test_deeply_nested_inline_schema_builds(stress_site):
    site = stress_site
    deep = site.article(STRESS_MODELS).select('div.mp-model[data-schema="Deep"]')
    assert len(deep) == 1
    shown_levels(deep[0])
    body = site.article("apis/stress/stress/index.html").select_one(".mp-request-body")
    shown_levels(body)


def test_circular_named_schemas_link_to_each_other(stress_site):
    site = stress_site
    models = site.article(STRESS_MODELS)
    for name, prop, other in (("A", "toB", "schema-b"), ("B", "toA", "schema-a")):
        blocks = models.select(f'div.mp-model[data-schema="{name}"]')
        assert len(blocks) == 1
        link = props(blocks[0])[prop].select_one("a.mp-model-link")
        target, fragment = resolve(STRESS_MODELS, link["href"])
        assert (target, fragment) == (STRESS_MODELS, other)
        assert len(models.select(f'[id="{other}"]')) == 1


def test_schema_referenced_500_times_is_rendered_once_and_linked_500_times(stress_site):
    site = stress_site
    pages = sorted(
        p.relative_to(site.dir).as_posix() for p in (site.dir / "apis/stress").rglob("*.html")
    )
    definitions = 0
    links = 0
    for rel in pages:
        content = site.article(rel)
        definitions += len(content.select('[id="schema-target"]'))
        own = content.select_one('div.mp-model[data-schema="Target"]')
        for a in content.select('a[href$="#schema-target"]:not(.headerlink)'):
            if own is not None and own in a.parents:
                continue  # the model's own type line names itself
            assert resolve(rel, a["href"]) == (STRESS_MODELS, "schema-target")
            links += 1
    assert definitions == 1
    assert links == HOLDERS * REFS_PER_HOLDER


# ==============================================================================================
# Each schema and example once per page: bundled copies, repeats, lean highlighting
# ==============================================================================================

OWNER = {
    "type": "object",
    "description": "Who owns a repository.",
    "properties": {
        "login": {"type": "string", "description": "The owner's handle."},
        "id": {"type": "integer", "format": "int64"},
    },
    "required": ["login"],
}
SETTINGS = {
    "type": "object",
    "description": "How the repository behaves.",
    "properties": {
        name: {"type": "boolean", "description": f"Whether {name.replace('_', ' ')} is on."}
        for name in ("has_issues", "has_wiki", "has_pages", "allow_forking", "archived")
    },
}
REPO_EXAMPLE = {"name": "Hello-World", "stars": 80, "private": False, "topics": ["octocat"]}
LONG_EXAMPLE = {f"field{n:03}": n for n in range(100)}
"""102 lines as indented JSON."""


def bundled_spec() -> dict[str, Any]:
    """A spec as bundlers write them: named schemas inlined again, objects written twice."""
    owner_ref = {"$ref": "#/components/schemas/Owner"}
    repo_ref = {"$ref": "#/components/schemas/Repo"}

    def get(operation_id: str, example: Any) -> dict[str, Any]:
        return {
            "get": {
                "operationId": operation_id,
                "tags": ["repos"],
                "responses": {
                    "200": {
                        "description": "The repository.",
                        "content": {"application/json": {"schema": repo_ref, "example": example}},
                    }
                },
            }
        }

    return {
        "openapi": "3.0.3",
        "info": {"title": "Bundled", "version": "1.0.0"},
        "paths": {
            "/repos/{id}": get("getRepo", REPO_EXAMPLE),
            "/repos/{id}/parent": get("getParent", REPO_EXAMPLE),
            "/repos/{id}/fields": get("getFields", LONG_EXAMPLE),
        },
        "components": {
            "schemas": {
                "Owner": OWNER,
                "Repo": {
                    "type": "object",
                    "properties": {
                        "owner": owner_ref,
                        "creator": json.loads(json.dumps(OWNER)),  # Owner, inlined
                        "maintainer": {"allOf": [owner_ref], "description": "Keeps it."},
                        "fork_of": {
                            "allOf": [
                                owner_ref,
                                {"type": "object", "properties": {"forks": {"type": "integer"}}},
                            ]
                        },
                        "settings": SETTINGS,
                        "saved_settings": json.loads(json.dumps(SETTINGS)),  # the same again
                    },
                },
            }
        },
    }


BUNDLED = "apis/bundled/"


@pytest.fixture(scope="module")
def bundled_site(tmp_path_factory) -> Site:
    root = tmp_path_factory.mktemp("bundled")
    write_files(root / "repos/bundled", {"openapi.json": bundled_spec()})
    return build_site(root, {"sources": [{"name": "bundled", "path": "repos/bundled"}]})


def test_named_schema_nested_in_another_is_linked_not_expanded(bundled_site):
    site = bundled_site
    models = BUNDLED + "models/index.html"
    repo = article(site, models).select_one('div.mp-model[data-schema="Repo"]')
    repo_props = props(repo)
    # Through its `$ref`, inlined by a bundler, or wrapped in `allOf`: always the link.
    for name in ("owner", "creator", "maintainer"):
        link = repo_props[name].select_one(".mp-type a.mp-model-link")
        assert link is not None, name
        assert follow(site, models, link["href"], models)["id"] == "schema-owner"
        assert repo_props[name].select(".mp-props, details") == [], name
    # Extending a named schema inside another: the extension is shown, the base linked.
    fork_of = repo_props["fork_of"]
    assert [a.get_text() for a in fork_of.select(".mp-includes a.mp-model-link")] == ["Owner"]
    assert list(props(fork_of)) == ["forks"]
    # Owner's own properties are on its entry, nowhere else on the page.
    shown = [c.get_text() for c in article(site, models).select("code.mp-prop-name")]
    assert shown.count("login") == 1


def test_inline_object_shown_again_links_to_its_first_showing(bundled_site):
    site = bundled_site
    models = BUNDLED + "models/index.html"
    repo_props = props(article(site, models).select_one('div.mp-model[data-schema="Repo"]'))
    first = props(repo_props["settings"])
    assert list(first) == list(SETTINGS["properties"])
    again = repo_props["saved_settings"]
    assert again.select(".mp-props, details") == []
    assert "How the repository behaves." in text(again)  # its own description stays
    link = again.select_one(".mp-same a")
    target = follow(site, models, link["href"], models)
    assert list(props(target)) == list(SETTINGS["properties"])
    assert target in repo_props["settings"].descendants
    assert text(link) == "Repo › settings"


def operation_in(site: Site, anchor: str) -> Tag:
    heading = article(site, BUNDLED + "repos/index.html").find(id=anchor)
    assert heading is not None
    return heading.find_parent(class_="mp-operation")


def test_example_is_highlighted_with_few_spans(bundled_site):
    code = operation_in(bundled_site, "op-getrepo").select_one(".mp-example-block pre code")
    assert json.loads(code.get_text()) == REPO_EXAMPLE
    keys = [s.get_text() for s in code.select("span.nt")]
    assert keys == [f'"{k}"' for k in REPO_EXAMPLE]
    assert [s.get_text() for s in code.select("span.s2")] == ['"Hello-World"', '"octocat"']
    assert [s.get_text() for s in code.select("span.mi")] == ["80"]
    assert [s.get_text() for s in code.select("span.kc")] == ["false"]
    # Whitespace and punctuation are plain text: the theme does not colour them.
    assert code.select("span.w, span.p") == []
    assert code.find_parent("div")["class"] == ["language-json", "highlight"]


def test_example_shown_again_on_the_page_links_to_the_first(bundled_site):
    site = bundled_site
    tag_page = BUNDLED + "repos/index.html"
    first = operation_in(site, "op-getrepo").select_one(".mp-example-block .highlight")
    again = operation_in(site, "op-getparent").select_one(".mp-example-block")
    assert again.select("pre") == []
    link = again.select_one(".mp-same a")
    assert text(link) == "the example of the 200 response of GET /repos/{id}"
    assert follow(site, tag_page, link["href"], tag_page) == first


def test_long_example_is_cut_and_says_so(bundled_site):
    code = operation_in(bundled_site, "op-getfields").select_one(".mp-example-block pre code")
    lines = code.get_text().splitlines()
    full = json.dumps(LONG_EXAMPLE, indent=2).splitlines()
    assert len(lines) == MAX_EXAMPLE_LINES + 1
    assert lines[:-1] == full[:MAX_EXAMPLE_LINES]
    assert lines[-1] == f"… {len(full) - MAX_EXAMPLE_LINES} more lines"


def test_a_page_lists_a_discriminators_values_once(tmp_path):
    """Each subtype of a polymorphic base shows its discriminator; the models page lists the
    values once (Microsoft Graph's `entity` has over a thousand subtypes), later ones link there."""
    schemas: dict[str, Any] = {
        "Shape": {
            "type": "object",
            "required": ["kind"],
            "properties": {"kind": {"type": "string"}},
            "discriminator": {
                "propertyName": "kind",
                "mapping": {name.lower(): f"#/components/schemas/{name}" for name in "ABC"},
            },
        }
    }
    for name in "ABC":
        schemas[name] = {
            "allOf": [{"$ref": "#/components/schemas/Shape"}],
            "properties": {name.lower(): {"type": "integer"}},
        }
    body = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Shape"}}}}
    spec = {
        "openapi": "3.0.3",
        "info": {"title": "Shapes", "version": "1"},
        "tags": [{"name": "shapes"}],
        "paths": {
            "/shapes": {
                method: {
                    "operationId": f"{method}Shape",
                    "tags": ["shapes"],
                    "requestBody": body,
                    "responses": {"200": {"description": "The shape.", **body}},
                }
                for method in ("put", "post")
            }
        },
        "components": {"schemas": schemas},
    }
    write_files(tmp_path / "repos/shapes", {"openapi.json": spec})
    site = build_site(tmp_path, {"sources": [{"name": "shapes", "path": "repos/shapes"}]})
    models = site.article("apis/shapes/models/index.html")
    selectors = models.select(".mp-discriminator")
    assert len(selectors) == 1 + 3  # the base and each subtype
    listings = models.select(".mp-discriminator .mp-mapping")
    assert len(listings) == 1
    assert [li.code.get_text() for li in listings[0].select("li")] == ["a", "b", "c"]
    later = [s.select_one(".mp-same a") for s in selectors if s.select_one(".mp-mapping") is None]
    assert later
    assert all(a is not None and a["href"] == f"#{listings[0]['id']}" for a in later)


# ==============================================================================================
# Bodies that are a named schema
# ==============================================================================================


def test_body_that_is_a_model_lists_its_fields_and_links_to_it(tmp_path):
    pet = {
        "type": "object",
        "required": ["name"],
        "properties": {
            "id": {"type": "integer", "format": "int64", "readOnly": True},
            "name": {"type": "string", "description": "What the pet answers to.\n\nMore."},
            "owner": {"$ref": "#/components/schemas/Owner"},
            "toys": {
                "type": "array",
                "items": {"type": "object", "properties": {"kind": {"type": "string"}}},
            },
        },
    }
    owner = {"type": "object", "properties": {"login": {"type": "string"}}}
    ref = {"$ref": "#/components/schemas/Pet"}
    spec = {
        "openapi": "3.0.3",
        "info": {"title": "Pets", "version": "1"},
        "tags": [{"name": "pets"}],
        "paths": {
            "/pets": {
                "post": {
                    "operationId": "addPet",
                    "tags": ["pets"],
                    "requestBody": {"content": {"application/json": {"schema": ref}}},
                    "responses": {
                        "200": {
                            "description": "The pet.",
                            "content": {"application/json": {"schema": ref}},
                        }
                    },
                }
            },
            "/pets/all": {
                "get": {
                    "operationId": "listPets",
                    "tags": ["pets"],
                    "responses": {
                        "200": {
                            "description": "Every pet.",
                            "content": {
                                "application/json": {"schema": {"type": "array", "items": ref}}
                            },
                        }
                    },
                }
            },
        },
        "components": {"schemas": {"Pet": pet, "Owner": owner}},
    }
    write_files(tmp_path / "repos/pets", {"openapi.json": spec})
    site = build_site(tmp_path, {"sources": [{"name": "pets", "path": "repos/pets"}]})
    tag = "apis/pets/pets/index.html"
    models = "apis/pets/models/index.html"
    add = article(site, tag).find(id="op-addpet").find_parent(class_="mp-operation")
    body = request_body(add)
    fields = props(body)
    assert list(fields) == ["id", "name", "owner", "toys"]
    assert prop_flags(fields["name"]) == ["required"]
    assert prop_flags(fields["id"]) == ["read-only"]
    assert text(fields["name"]) == "name string required What the pet answers to."
    # One level: a named field links to its model, an inline one is not expanded.
    owner_link = fields["owner"].select_one("a.mp-model-link")
    assert follow(site, tag, owner_link["href"], models)["id"] == "schema-owner"
    assert fields["toys"].select(".mp-props") == []
    assert "login" not in text(body)
    model_links = [a for a in body.select("a.mp-model-link") if text(a) == "Pet"]
    assert model_links
    for link in model_links:
        assert follow(site, tag, link["href"], models)["id"] == "schema-pet"
    # The 200 response is Pet too: it links to the model and to the fields listed above.
    response = add.select_one('.mp-response[data-status="200"]')
    assert text(response.select_one(".mp-schema-type")) == "Pet"
    listing = follow(site, tag, response.select_one(".mp-same a[href^='#']")["href"], tag)
    assert list(props(listing)) == ["id", "name", "owner", "toys"]
    # An array of Pet lists Pet's fields as well, here linking to that same listing.
    listed = article(site, tag).find(id="op-listpets").find_parent(class_="mp-operation")
    assert text(listed.select_one(".mp-schema-type")) == "array of Pet"
    assert listed.select_one(".mp-same a[href^='#']")["href"] == f"#{listing['id']}"
