"""What an API's overview and its scorecard say about the same findings, and how the
SDK index explains which objects are public: read from the HTML of real builds."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from .conftest import EXAMPLE_SITE, Site, build_site, minimal_spec, write_files


@pytest.fixture(scope="module")
def example_site(tmp_path_factory) -> Site:
    root = tmp_path_factory.mktemp("example")
    site_dir = root / "site"
    config = load_config(str(EXAMPLE_SITE / "mkdocs.yml"), site_dir=str(site_dir))
    # A cache of its own: pages cached by another build of the example would hide this code's.
    config.plugins["platform"].config.cache_dir = str(root / "cache")
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()
    return Site(root, site_dir)


def _count(site: Site, rel: str) -> int:
    """The number a page's Findings section states ("3 findings ...", or "No findings.")."""
    article = site.article(rel)
    heading = article.find(id="findings")
    assert heading is not None, rel
    text = heading.find_next("p").get_text(" ", strip=True)
    if text.startswith("No findings"):
        return 0
    match = re.match(r"(\d+) findings?\b", text)
    assert match, text
    return int(match.group(1))


def _rows(site: Site, rel: str) -> list[str]:
    heading = site.article(rel).find(id="findings")
    table = heading.find_next(class_="mp-findings")
    return [] if table is None else [r.get_text(" ", strip=True) for r in table.select("tbody tr")]


def _catalog_row(site: Site, api_id: str) -> str:
    row = site.article("apis/index.html").select_one(f"tr[data-api-id='{api_id}']")
    return row.get_text(" ", strip=True)


def test_overview_and_scorecard_count_and_list_the_same_findings(tmp_path: Path) -> None:
    # Undocumented operations (rule findings the scorecard reports), a validation error (which
    # its check reports, once) and a finding a waiver accepts (listed apart as waived).
    spec = minimal_spec("Loose")
    spec["paths"]["/pets"]["get"].pop("summary")
    spec["paths"]["/pets/{id}"] = {
        "get": {"responses": {"200": {"description": "A pet."}}},
        "delete": {"operationId": "deletePet", "responses": "not an object"},
    }
    spec["servers"] = [{"url": "http://pets.example"}]
    write_files(
        tmp_path,
        {
            "repos/loose/openapi.json": spec,
            "waivers.yml": (
                "loose:\n  sec-https-only:\n    - pointer: '#/servers/0'\n"
                "      reason: Reached only inside the mesh.\n      owner: team-pets\n"
            ),
        },
    )
    site = build_site(
        tmp_path,
        {
            "sources": [{"name": "loose", "path": "repos/loose"}],
            "scorecard": {"waivers": str(tmp_path / "waivers.yml")},
        },
        strict=False,
    )
    scorecard = _count(site, "apis/loose/scorecard/index.html")
    overview = _count(site, "apis/loose/index.html")
    assert scorecard > 0
    assert overview == scorecard
    # The catalog states no count of its own that could disagree.
    assert "finding" not in _catalog_row(site, "loose")
    assert _rows(site, "apis/loose/index.html") == _rows(site, "apis/loose/scorecard/index.html")
    # What makes the document invalid first, then the most severe.
    rows = [row.split() for row in _rows(site, "apis/loose/index.html")]
    assert rows[0][1] == "structure"
    rest = [row[0] for row in rows if row[1] != "structure"]
    rank = {"error": 0, "warn": 1, "info": 2}
    assert rest == sorted(rest, key=rank.__getitem__)
    assert "error" in rest
    # The waived finding is in neither count, and both pages say it is waived.
    for rel in ("apis/loose/index.html", "apis/loose/scorecard/index.html"):
        assert not any("sec-https-only" in row for row in _rows(site, rel)), rel
        assert "1 waived" in site.article(rel).find(id="findings").find_next("p").get_text()


def test_example_portal_counts_agree_for_every_api(example_site: Site) -> None:
    for api_id in ("payments", "orders", "inventory", "notifications", "shipping"):
        scorecard = _count(example_site, f"apis/{api_id}/scorecard/index.html")
        assert _count(example_site, f"apis/{api_id}/index.html") == scorecard, api_id
        assert "finding" not in _catalog_row(example_site, api_id), api_id


def test_sdk_index_folds_what_public_means(example_site: Site) -> None:
    page = example_site.article("apis/payments/sdk/acme_payments/index.html")
    rule = page.select_one(".mp-sdk-public-rule")
    details = rule.find_parent("details")
    assert details is not None
    assert details.get("open") is None
    summary = details.find("summary").get_text(" ", strip=True)
    assert "__all__" in summary
    assert len(summary) < 90
