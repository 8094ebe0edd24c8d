"""Python SDKs in a real portal build: pages, links both ways, coverage and the sdk category."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup
from mkdocs.commands.build import build
from mkdocs.config import load_config

from .conftest import EXAMPLE_SITE, Site


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Site:
    root = tmp_path_factory.mktemp("sdk-portal")
    config = load_config(str(EXAMPLE_SITE / "mkdocs.yml"), site_dir=str(root / "site"))
    config.plugins.on_startup(command="build", dirty=False)
    build(config)
    return Site(root, root / "site")


def _follow(site: Site, page: str, href: str) -> tuple[Path, str]:
    """The built file and the anchor a relative link on `page` leads to."""
    url = urljoin("http://portal/" + page, href)
    parts = urlsplit(url)
    path = site.dir / parts.path.lstrip("/")
    if path.is_dir() or parts.path.endswith("/"):
        path = path / "index.html"
    return path, parts.fragment


def test_operation_links_to_its_sdk_method_and_back(site):
    page = "apis/payments/payments/"
    operation = (
        site.article(page + "index.html")
        .select_one("h2#op-capturepayment")
        .find_parent(class_="mp-operation")
    )
    link = operation.select_one(".mp-sdk-methods a")
    assert link.get_text() == "acme_payments.Payments.capture"
    target, anchor = _follow(site, page, link["href"])
    method_page = BeautifulSoup(target.read_text(), "html.parser")
    method = method_page.find(id=anchor)
    assert method is not None
    # The method's entry links back to the operation it calls.
    block = method.find_parent(class_="mp-sdk-object") or method.parent
    back = block.select("a[href*='#op-capturepayment']")
    assert back
    source_page = target.relative_to(site.dir).parent.as_posix() + "/"
    back_target, back_anchor = _follow(site, source_page, back[0]["href"])
    assert back_anchor == "op-capturepayment"
    assert (
        BeautifulSoup(back_target.read_text(), "html.parser").find(id="op-capturepayment")
        is not None
    )


def test_coverage_on_the_overview_matches_the_report(site):
    report = {a["id"]: a for a in json.loads((site.dir / "scorecards.json").read_text())["apis"]}
    for api_id in ("payments", "orders"):
        sdk = report[api_id]["sdk"]
        assert 0 < sdk["coverage"] < 1
        overview = site.article(f"apis/{api_id}/index.html")
        assert float(overview.select_one(".mp-sdk-coverage")["data-coverage"]) == pytest.approx(
            sdk["coverage"], abs=1e-4
        )
        missing = [li.get_text(" ", strip=True) for li in overview.select(".mp-sdk-missing li")]
        assert len(missing) == len(sdk["operations_without_method"])
        for operation_id in sdk["operations_without_method"]:
            assert any(operation_id in item for item in missing)
        assert "sdk" in report[api_id]["categories"]
    assert report["inventory"]["sdk"] is None
    assert "sdk" not in report["inventory"]["categories"]


def test_sdk_findings_are_reported_with_their_python_path(site):
    report = {a["id"]: a for a in json.loads((site.dir / "scorecards.json").read_text())["apis"]}
    phantom = [f for f in report["orders"]["findings"] if f["rule"] == "py-no-phantom-params"]
    assert phantom
    assert "warehouse" in phantom[0]["message"]
    assert phantom[0]["file"].endswith("acme_orders/client.py")
    checks = {c["id"]: c for c in report["orders"]["checks"]}
    assert checks["py-no-phantom-params"]["passed"] < checks["py-no-phantom-params"]["applicable"]


def test_sdk_pages_are_in_the_nav_sparingly(site):
    nav = (
        site.soup("apis/payments/index.html")
        .select_one("nav.md-nav--primary")
        .get_text(" ", strip=True)
    )
    assert "acme_payments SDK" in nav
    assert "acme_payments._client" not in nav
