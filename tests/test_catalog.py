"""Backstage catalog files: API entities, components, relations and every kind of bad input."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import pytest
import yaml
from mkdocs.exceptions import Abort

from mkdocs_platform.discovery.catalog import read_catalog
from mkdocs_platform.models import Finding, PortalSettings, Source, SourceSettings
from mkdocs_platform.openapi import ReadingCache
from mkdocs_platform.portal import read_portal

from .conftest import build_site, minimal_spec, write_files


def _entities(*docs: dict) -> str:
    return "".join("---\n" + yaml.safe_dump(d, sort_keys=False) for d in docs)


def _api(name: str, definition, **spec) -> dict:
    return {
        "apiVersion": "backstage.io/v1alpha1",
        "kind": "API",
        "metadata": {
            "name": name,
            "description": f"The {name} API.",
            "tags": ["rest"],
            "links": [{"url": "https://wiki.example.com/" + name, "title": "Runbook"}],
        },
        "spec": {
            "type": "openapi",
            "lifecycle": "production",
            "owner": "group:team-" + name,
            "system": "commerce",
            "definition": definition,
            **spec,
        },
    }


def _component(name: str, provides=(), consumes=(), owner="team-x") -> dict:
    return {
        "apiVersion": "backstage.io/v1alpha1",
        "kind": "Component",
        "metadata": {"name": name},
        "spec": {
            "type": "service",
            "lifecycle": "production",
            "owner": owner,
            "providesApis": list(provides),
            "consumesApis": list(consumes),
        },
    }


@pytest.fixture
def catalog_portal(tmp_path):
    inline_spec = yaml.safe_dump(minimal_spec("Inline API"))
    write_files(
        tmp_path / "repos/commerce",
        {
            "catalog-info.yaml": _entities(
                _api("payments", {"$text": "./api/openapi.yaml"}),
                _api("orders", {"$json": "./orders.json"}),
                _api("refunds", {"$yaml": "specs/refunds.yml"}),
                _api("inline", inline_spec),
                _component("checkout", provides=["payments"], consumes=["api:default/orders"]),
                {
                    "apiVersion": "backstage.io/v1alpha1",
                    "kind": "System",
                    "metadata": {"name": "commerce"},
                    "spec": {"owner": "x"},
                },
            ),
            "api/openapi.yaml": minimal_spec("Payments"),
            "orders.json": json.dumps(minimal_spec("Orders")),
            "specs/refunds.yml": minimal_spec("Refunds"),
        },
    )
    write_files(
        tmp_path / "repos/web",
        {
            "catalog-info.yaml": _entities(
                _component("storefront", consumes=["payments", "orders"], owner="team-web")
            )
        },
    )
    return {
        "sources": [
            {"name": "commerce", "path": "repos/commerce"},
            {"name": "web", "path": "repos/web"},
        ]
    }


def _rows(site) -> dict:
    soup = site.soup("apis/index.html")
    headers = [th.get_text(strip=True) for th in soup.select("thead")[0].select("th")]
    rows = {}
    for row in soup.select("tr.mp-catalog-row"):
        cells = dict(
            zip(headers, (td.get_text(" ", strip=True) for td in row.select("td")), strict=True)
        )
        cells["API"] = row.select_one("td a").get_text(strip=True)
        cells["Source"] = row.select_one(".mp-api-source").get_text(" ", strip=True)
        rows[row["data-api-id"]] = cells
    return rows


def test_every_kind_of_definition(tmp_path, catalog_portal):
    site = build_site(tmp_path, catalog_portal)
    rows = _rows(site)
    assert set(rows) == {"payments", "orders", "refunds", "inline"}
    assert rows["payments"]["API"] == "Payments"
    assert rows["orders"]["Spec"] == "OpenAPI 3.0.3"
    assert rows["inline"]["API"] == "Inline API"
    for row in rows.values():
        assert row["Validity"].startswith("valid")


def test_the_same_document_appears_once_under_the_catalog_id(tmp_path, catalog_portal):
    # api/openapi.yaml is also found by its conventional name; only the catalog's id is kept.
    site = build_site(tmp_path, catalog_portal)
    assert "commerce" not in _rows(site)
    assert not (site.dir / "apis/commerce").exists()


def test_owner_lifecycle_system_and_links_are_shown(tmp_path, catalog_portal):
    site = build_site(tmp_path, catalog_portal)
    page = site.article("apis/payments/index.html")
    assert page.select_one("dd.mp-owner").get_text() == "group:team-payments"
    assert page.select_one("dd.mp-lifecycle").get_text() == "production"
    assert page.select_one("dd.mp-system").get_text() == "commerce"
    assert page.select_one("a[href='https://wiki.example.com/payments']").get_text() == "Runbook"
    assert _rows(site)["payments"]["Owner"] == "group:team-payments"


def test_relations_across_sources(tmp_path, catalog_portal):
    site = build_site(tmp_path, catalog_portal)
    page = site.article("apis/payments/index.html")
    assert "checkout" in page.select_one(".mp-providers").get_text()
    consumers = page.select_one(".mp-consumers").get_text()
    assert "storefront" in consumers
    assert "team-web" in consumers
    rows = _rows(site)
    assert rows["payments"]["Consumers"] == "1"
    assert rows["orders"]["Consumers"] == "2"
    assert rows["refunds"]["Consumers"] == "0"


def test_catalog_groups_by_system_owner_or_none(tmp_path, catalog_portal):
    write_files(tmp_path / "repos/loose", {"openapi.yaml": minimal_spec("Loose")})
    catalog_portal["sources"].append({"name": "loose", "path": "repos/loose"})
    site = build_site(tmp_path, catalog_portal)
    headings = [
        h.get_text(strip=True).rstrip("¶") for h in site.article("apis/index.html").select("h2")
    ]
    assert headings[:2] == ["commerce", "No system"]
    catalog_portal["group_by"] = "owner"
    site = build_site(tmp_path, catalog_portal)
    headings = [
        h.get_text(strip=True).rstrip("¶") for h in site.article("apis/index.html").select("h2")
    ]
    assert "group:team-orders" in headings
    assert headings[-1] == "No owner"
    catalog_portal["group_by"] = "none"
    site = build_site(tmp_path, catalog_portal)
    assert site.article("apis/index.html").select("h2") == []


def test_catalog_false_ignores_catalog_files(tmp_path, catalog_portal):
    catalog_portal["sources"][0]["catalog"] = False
    site = build_site(tmp_path, catalog_portal)
    assert set(_rows(site)) == {"commerce"}


def test_inline_definition_findings_point_into_the_catalog_file(tmp_path):
    broken = minimal_spec("Broken inline")
    broken["paths"]["/pets"]["get"]["responses"] = {}
    definition = "\n".join("      " + line for line in yaml.safe_dump(broken).splitlines())
    text = (
        "apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata:\n  name: broken\n"
        "spec:\n  type: openapi\n  owner: team\n  lifecycle: beta\n  definition: |\n"
        + definition
        + "\n"
    )
    write_files(tmp_path / "repo", {"catalog-info.yaml": text})
    site = build_site(tmp_path, {"sources": [{"name": "repo", "path": "repo"}]})
    row = (
        site.article("apis/broken/index.html")
        .select_one(".mp-findings tbody tr")
        .get_text(" ", strip=True)
    )
    lines = text.splitlines()
    line = next(i for i, t in enumerate(lines, 1) if t.strip().startswith("responses:"))
    assert f"catalog-info.yaml:{line}" in row


def test_bad_catalog_input_is_a_finding_each(tmp_path, caplog):
    write_files(tmp_path / "outside", {"openapi.yaml": minimal_spec("Outside")})
    write_files(
        tmp_path / "repo",
        {
            "catalog-info.yaml": _entities(
                _api("good", {"$text": "openapi.yaml"}),
                {"apiVersion": "v1", "kind": "Gadget", "metadata": {"name": "widget"}},
                _api("escape", {"$text": "../outside/openapi.yaml"}),
                _api("remote", {"$text": "https://specs.example.com/openapi.yaml"}),
                _api("nodef", None),
                _component("lonely", consumes=["ghost"]),
                _api("good", {"$text": "openapi.yaml"}),
            ),
            "openapi.yaml": minimal_spec("Good"),
            "broken/catalog-info.yaml": "kind: API\nmetadata: {name: [unclosed\n",
        },
    )
    caplog.set_level(logging.INFO)
    # An unknown kind and definitions that cannot be read leave things out: warnings.
    with pytest.raises(Abort):
        build_site(tmp_path, {"sources": [{"name": "repo", "path": "repo"}]})
    warned = "\n".join(r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING)
    assert "unknown kind 'Gadget'" in warned
    for api_id in ("escape", "remote", "nodef"):
        assert f"the API '{api_id}' has no reference and scores 0" in warned
    assert "'ghost'" not in warned  # a dangling relation leaves nothing out
    site = build_site(tmp_path, {"sources": [{"name": "repo", "path": "repo"}]}, strict=False)
    rows = _rows(site)
    assert rows["good"]["Validity"].startswith("valid")
    problems = site.article("apis/index.html").select(".mp-findings tbody tr")
    text = "\n".join(row.get_text(" ", strip=True) for row in problems)
    assert "unknown kind 'Gadget'" in text
    assert "'ghost'" in text
    assert "defined twice" in text
    assert "broken/catalog-info.yaml:3" in text
    for api_id, expected in (
        ("escape", "leaves the source's checkout"),
        ("remote", "not in allow_hosts"),
        ("nodef", "spec.definition must be"),
    ):
        assert rows[api_id]["Validity"].startswith("unloadable")
        finding = (
            site.article(f"apis/{api_id}/index.html")
            .select_one(".mp-findings tbody tr")
            .get_text(" ", strip=True)
        )
        assert expected in finding
        assert "catalog-info.yaml:" in finding
    assert "Outside" not in site.html("apis/escape/index.html")


def test_source_with_only_components(tmp_path, catalog_portal):
    site = build_site(tmp_path, catalog_portal)
    assert not any(row["Source"].startswith("web") for row in _rows(site).values())


def _touch(path: Path, text: str) -> None:
    """Rewrite `path` and move its mtime on, so that the change is seen at any clock resolution."""
    path.write_text(text, encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))


def test_catalog_definitions_are_read_again_only_when_their_files_change(tmp_path):
    root = write_files(
        tmp_path / "repo",
        {
            "catalog-info.yaml": _entities(
                _api("payments", {"$text": "./api/openapi.yaml"}),
                _api("inline", yaml.safe_dump(minimal_spec("Inline API"))),
            ),
            "api/openapi.yaml": minimal_spec("Payments"),
        },
    )
    source = Source(settings=SourceSettings(name="repo", path=root), root=root)
    settings = PortalSettings(sources=(source.settings,), cache=False)

    def models(cache: ReadingCache | None) -> dict[str, object]:
        catalog = read_catalog(source, settings, ["catalog-info.yaml"], cache)
        return {api.entity.name: api.reading.model for api in catalog.apis}

    uncached = models(None)
    assert all(models(None)[name] is not model for name, model in uncached.items())

    cache = ReadingCache()
    first = models(cache)
    assert set(first) == {"payments", "inline"}
    assert all(model is not None for model in first.values())
    again = models(cache)
    assert all(again[name] is model for name, model in first.items())

    # A finding added to one build's API does not reach the kept reading.
    built = read_catalog(source, settings, ["catalog-info.yaml"], cache)
    built.apis[0].reading.findings.append(
        Finding(rule="sdk-load", severity="warn", finding_class="sdk", message="added")
    )
    kept = read_catalog(source, settings, ["catalog-info.yaml"], cache)
    assert all(f.message != "added" for api in kept.apis for f in api.reading.findings)

    # The spec a `$text` names changed: only that API is read again.
    _touch(root / "api/openapi.yaml", yaml.safe_dump(minimal_spec("Payments v2")))
    changed = models(cache)
    assert changed["payments"] is not first["payments"]
    assert changed["payments"].title == "Payments v2"
    assert changed["inline"] is first["inline"]

    # The catalog file changed: the inline definition written in it is read again.
    _touch(root / "catalog-info.yaml", (root / "catalog-info.yaml").read_text() + "\n")
    assert models(cache)["inline"] is not first["inline"]


def test_two_inline_definitions_of_one_file_keep_their_own_findings(tmp_path):
    broken = minimal_spec("Broken")
    broken["paths"]["/pets"]["get"]["responses"] = {"200": {"description": 5}}
    root = write_files(
        tmp_path / "repo",
        {
            "catalog-info.yaml": _entities(
                _api("broken", yaml.safe_dump(broken)),
                _api("fine", yaml.safe_dump(minimal_spec("Fine"))),
            )
        },
    )
    source = Source(settings=SourceSettings(name="repo", path=root), root=root)
    # Validation kept on disk between builds, and readings kept in memory.
    settings = PortalSettings(sources=(source.settings,), cache_dir=tmp_path / "cache", cache=True)
    cache = ReadingCache()
    for _ in range(2):
        catalog = read_catalog(source, settings, ["catalog-info.yaml"], cache)
        rules = {api.entity.name: {f.rule for f in api.reading.findings} for api in catalog.apis}
        assert "oas-valid" in rules["broken"]
        assert rules["fine"] == set()


def test_a_portal_read_again_with_its_cache_reuses_catalog_readings(tmp_path):
    root = write_files(
        tmp_path / "repo",
        {
            "catalog-info.yaml": _entities(
                _api("payments", {"$text": "./api/openapi.yaml"}),
                _api("inline", yaml.safe_dump(minimal_spec("Inline API"))),
            ),
            "api/openapi.yaml": minimal_spec("Payments"),
        },
    )
    settings = PortalSettings(sources=(SourceSettings(name="repo", path=root),), cache=False)
    cache = ReadingCache()
    first = {api.id: api for api in read_portal(settings, cache).apis}
    again = {api.id: api for api in read_portal(settings, cache).apis}
    assert set(first) == {"payments", "inline"}
    assert all(again[i].model is first[i].model for i in first)
    # Without the cache, each read gives new models.
    fresh = {api.id: api for api in read_portal(settings).apis}
    assert all(fresh[i].model is not first[i].model for i in first)
