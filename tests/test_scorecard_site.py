"""Scorecards in a real portal build: pages, scorecards.json, gates under build and serve."""

from __future__ import annotations

import json
import logging

import jsonschema
import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

from mkdocs_platform.scorecard.report import load_schema
from mkdocs_platform.scorecard.score import SCORING_VERSION

from .conftest import build_site, make_config, minimal_spec, write_files


def _good_spec() -> dict:
    spec = minimal_spec("Good")
    spec["info"]["description"] = "A well described API that lists pets and explains itself fully."
    return spec


def _poor_spec() -> dict:
    spec = minimal_spec("Poor")
    spec["servers"] = [{"url": "http://poor.example.net"}]
    spec["paths"]["/pets"]["post"] = {"responses": {"200": {"description": "ok"}}}
    return spec


@pytest.fixture
def portal(tmp_path):
    write_files(tmp_path / "repos/good", {"openapi.yaml": _good_spec()})
    write_files(tmp_path / "repos/poor", {"openapi.yaml": _poor_spec()})
    return {
        "sources": [{"name": "good", "path": "repos/good"}, {"name": "poor", "path": "repos/poor"}]
    }


def test_scorecards_json_has_every_api_and_validates(tmp_path, portal):
    site = build_site(tmp_path, portal)
    report = json.loads((site.dir / "scorecards.json").read_text())
    jsonschema.validate(report, load_schema())
    assert report["tool"] == "mkdocs-platform"
    assert report["scoring_version"] == SCORING_VERSION
    by_id = {api["id"]: api for api in report["apis"]}
    assert set(by_id) == {"good", "poor"}
    assert by_id["good"]["score"] > by_id["poor"]["score"]
    poor = by_id["poor"]
    assert {"correctness", "documentation", "design", "security", "ownership"} <= set(
        poor["categories"]
    )
    https = [f for f in poor["findings"] if f["rule"] == "sec-https-only"]
    assert https
    assert https[0]["file"] == "openapi.yaml"
    assert https[0]["line"] is not None
    assert https[0]["pointer"].startswith("#/servers/0")


def test_scorecard_page_explains_every_lost_point(tmp_path, portal):
    site = build_site(tmp_path, portal)
    report = {a["id"]: a for a in json.loads((site.dir / "scorecards.json").read_text())["apis"]}
    page = site.article("apis/poor/scorecard/index.html")
    assert int(page.select_one(".mp-score-value")["data-score"]) == report["poor"]["score"]
    assert page.select_one(".mp-grade")["data-grade"] == report["poor"]["grade"]
    categories = {c["data-category"] for c in page.select(".mp-category")}
    assert categories == set(report["poor"]["categories"])
    https = page.select_one("tr[data-check='sec-https-only']")
    assert "0 / 1" in https.get_text(" ", strip=True)
    assert float(https.select_one(".mp-points").get_text()) > 0
    rows = [r.get_text(" ", strip=True) for r in page.select(".mp-findings tbody tr")]
    assert any("sec-https-only" in r and "#/servers/0" in r and "openapi.yaml:" in r for r in rows)
    overview = site.article("apis/poor/index.html")
    chip = overview.select_one(".mp-grade-chip")
    assert chip.select_one(".mp-grade-letter").get_text() == report["poor"]["grade"]


def test_next_level_lists_what_to_fix(tmp_path, portal):
    site = build_site(tmp_path, portal)
    page = site.article("apis/poor/scorecard/index.html")
    todo = page.select(".mp-todo li")
    assert todo
    assert any("sec-https-only" in item.get_text() for item in todo)


def test_failed_gate_fails_the_build_after_writing_everything(tmp_path, portal, caplog):
    portal["scorecard"] = {"fail_under": 99}
    with pytest.raises(Abort, match="BuildError"):
        build_site(tmp_path, portal)
    errors = " ".join(r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR)
    assert "poor scores" in errors
    assert "fail_under 99" in errors
    assert "sec-https-only" in errors
    # The site and the report are whole: the gate is checked once they are written.
    assert json.loads((tmp_path / "site/scorecards.json").read_text())["apis"]
    assert (tmp_path / "site/apis/poor/scorecard/index.html").exists()


def test_passing_gate_and_findings_never_warn(tmp_path, portal):
    portal["scorecard"] = {"fail_under": 10, "fail_on": None}
    site = build_site(tmp_path, portal, strict=True)
    assert (site.dir / "scorecards.json").exists()


def test_failed_gate_under_serve_is_logged_and_serving_goes_on(tmp_path, portal, caplog):
    portal["scorecard"] = {"target_level": "gold"}
    config = load_config(str(make_config(tmp_path, portal)))
    config.plugins.on_startup(command="serve", dirty=False)
    build(config)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("target level gold" in w for w in warnings)
    # The dashboard shows it too, for whoever is looking at the served portal.
    dashboard = (tmp_path / "site/apis/dashboard/index.html").read_text()
    assert "A gate fails" in dashboard
    assert "target level gold" in dashboard


def test_rule_overrides_change_the_score(tmp_path, portal):
    portal["scorecard"] = {"overrides": [{"apis": ["poor"], "rules": {"sec-https-only": "off"}}]}
    site = build_site(tmp_path, portal)
    report = {a["id"]: a for a in json.loads((site.dir / "scorecards.json").read_text())["apis"]}
    assert not [f for f in report["poor"]["findings"] if f["rule"] == "sec-https-only"]


def test_unknown_rule_is_a_config_error(tmp_path, portal, caplog):
    portal["scorecard"] = {"rules": {"no-such-rule": "off"}}
    with pytest.raises(Abort):
        load_config(str(make_config(tmp_path, portal)))
    assert "no-such-rule" in caplog.text


def test_report_can_be_moved_or_turned_off(tmp_path, portal):
    portal["scorecard"] = {"reports": {"json": "reports/apis.json"}}
    site = build_site(tmp_path, portal)
    assert (site.dir / "reports/apis.json").exists()
    assert not (site.dir / "scorecards.json").exists()
    portal["scorecard"] = {"reports": {"json": None}}
    site = build_site(tmp_path, portal)
    assert not (site.dir / "scorecards.json").exists()


def test_example_portal_shows_a_spread_of_grades(tmp_path):
    from .conftest import EXAMPLE_SITE

    config = load_config(str(EXAMPLE_SITE / "mkdocs.yml"), site_dir=str(tmp_path / "site"))
    config.plugins.on_startup(command="build", dirty=False)
    build(config)
    report = json.loads((tmp_path / "site/scorecards.json").read_text())
    grades = {api["grade"] for api in report["apis"]}
    assert len(grades) >= 3
    assert "F" in grades


def test_dashboard_figures_match_scorecards_json(tmp_path):
    from .conftest import EXAMPLE_SITE, Site

    config = load_config(str(EXAMPLE_SITE / "mkdocs.yml"), site_dir=str(tmp_path / "site"))
    config.plugins.on_startup(command="build", dirty=False)
    build(config)
    site = Site(tmp_path, tmp_path / "site")
    report = json.loads((site.dir / "scorecards.json").read_text())
    apis = report["apis"]
    page = site.article("apis/dashboard/index.html")
    assert int(page.select_one("[data-kpi=apis]").get_text()) == len(apis)
    median = sorted(a["score"] for a in apis)[len(apis) // 2]
    assert (
        float(page.select_one("[data-kpi=median]").get_text())
        == median
        == report["portfolio"]["median_score"]
    )
    for grade, count in report["portfolio"]["grades"].items():
        assert (
            int(page.select_one(f"[data-chart=grades] td[data-grade='{grade}']").get_text())
            == count
        )
    for level, count in report["portfolio"]["levels"].items():
        assert (
            int(page.select_one(f"[data-chart=levels] td[data-level='{level}']").get_text())
            == count
        )
    rows = {r["data-api-id"]: r for r in page.select("tr.mp-dashboard-row")}
    assert set(rows) == {a["id"] for a in apis}
    for api in apis:
        cells = rows[api["id"]].select("td")
        assert int(cells[1]["data-value"]) == api["score"]
        assert cells[2].get_text(strip=True) == api["grade"]
    owners = {r["data-group"]: r for r in page.select("[data-rollup=owners] tbody tr")}
    for owner in {a["owner"] for a in apis}:
        scores = sorted(a["score"] for a in apis if a["owner"] == owner)
        expected = (scores[(len(scores) - 1) // 2] + scores[len(scores) // 2]) / 2
        assert float(owners[owner].select_one(".mp-median").get_text()) == expected
    silver = report["portfolio"]["levels"]["silver"] + report["portfolio"]["levels"]["gold"]
    assert int(page.select_one("[data-kpi=silver]").get_text()) == silver
    hotspots = page.select(".mp-hotspots tbody tr")
    assert hotspots
    shown = [float(row.select_one(".mp-points").get_text()) for row in hotspots]
    assert shown == sorted(shown, reverse=True)
    for row in hotspots:
        check_id = row["data-check"]
        costs = {
            api["id"]: check["points_available"]
            for api in apis
            for check in api["checks"]
            if check["id"] == check_id and check["points_available"] > 0
        }
        assert float(row.select_one(".mp-points").get_text()) == round(sum(costs.values()), 1)
        assert [a.get_text() for a in row.select("a")] == list(costs)
    # Each category's bar has the colour of the grade its shown score would earn.
    bounds = ((90, "A"), (80, "B"), (70, "C"), (60, "D"))
    for api in apis:
        card = site.article(f"apis/{api['id']}/scorecard/index.html")
        for category_id, category in api["categories"].items():
            grade = next((g for bound, g in bounds if category["score"] >= bound), "F")
            bar = card.select_one(f"[data-category={category_id}] .mp-bar-fill")
            assert f"mp-bar--{grade}" in bar["class"]
    # Charts are SVG made at build time, with accessible titles.
    chart = page.select_one("[data-chart=grades] svg")
    assert chart["role"] == "img"
    assert chart.select_one("title").get_text() == "APIs by grade"


def test_badges_and_catalog_grades(tmp_path, portal):
    site = build_site(tmp_path, portal)
    report = {a["id"]: a for a in json.loads((site.dir / "scorecards.json").read_text())["apis"]}
    for api_id, api in report.items():
        endpoint = json.loads((site.dir / f"apis/{api_id}/badge.json").read_text())
        assert endpoint["schemaVersion"] == 1
        assert endpoint["message"].startswith(f"{api['score']} · {api['grade']}")
        svg = (site.dir / f"apis/{api_id}/badge.svg").read_text()
        assert svg.startswith("<svg")
        assert f"{api['score']} · {api['grade']}" in svg
        cell = site.soup("apis/index.html").select_one(
            f"tr[data-api-id='{api_id}'] .mp-grade-cell [data-grade]"
        )
        assert cell["data-grade"] == api["grade"]


def test_waivers_in_a_portal_build(tmp_path, portal):
    write_files(
        tmp_path,
        {
            "waivers.yaml": (
                "poor:\n"
                "  sec-https-only:\n"
                "    - pointer: '#/servers/0'\n"
                "      reason: The internal gateway terminates TLS.\n"
                "      owner: team-poor\n"
                "      expires: 2999-01-01\n"
                "  doc-operation-summary:\n"
                "    - pointer: '#/paths/~1nowhere/get'\n"
                "      reason: Gone already.\n"
            )
        },
    )
    portal["scorecard"] = {"waivers": "waivers.yaml"}
    site = build_site(tmp_path, portal)
    report = {a["id"]: a for a in json.loads((site.dir / "scorecards.json").read_text())["apis"]}
    poor = report["poor"]
    assert not [f for f in poor["findings"] if f["rule"] == "sec-https-only"]
    assert [f["rule"] for f in poor["waived_findings"]] == ["sec-https-only"]
    stale = [f for f in poor["findings"] if f["rule"] == "waiver-stale"]
    assert stale
    assert stale[0]["file"].endswith("waivers.yaml")
    page = site.article("apis/poor/scorecard/index.html")
    waived = page.select_one("tr.mp-waived-finding")
    assert waived["data-rule"] == "sec-https-only"
    assert "The internal gateway terminates TLS." in waived.get_text()
    assert "1 waived" in page.select_one("tr[data-check='sec-https-only']").get_text()


def test_github_annotations_are_printed_under_github_actions(tmp_path, portal, monkeypatch, capsys):
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    portal["scorecard"] = {"annotations": {"severity": "error", "cap": 2}}
    build_site(tmp_path, portal)
    captured = capsys.readouterr()
    lines = [line for line in (captured.out + captured.err).splitlines() if line.startswith("::")]
    errors = [line for line in lines if line.startswith("::error ")]
    assert len(errors) == 2
    assert all("file=" in line and "line=" in line and "title=" in line for line in errors)
    assert not any(line.startswith("::warning ") for line in lines)
    # The cap leaves the rest out and says so in one more line.
    assert "more findings at or above error" in lines[-1]
    portal["scorecard"] = {"annotations": {"severity": "error", "cap": 50}}
    build_site(tmp_path, portal)
    captured = capsys.readouterr()
    assert (
        "title=sec-https-only::poor: the server http://poor.example.net"
        in captured.out + captured.err
    )


def test_no_annotations_outside_github_actions(tmp_path, portal, monkeypatch, capsys):
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    build_site(tmp_path, portal)
    captured = capsys.readouterr()
    assert "::error" not in captured.out + captured.err
