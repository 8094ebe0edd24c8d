"""Reports for machines: SARIF 2.1.0, JUnit XML, GitHub annotations, and writing them."""

from __future__ import annotations

import dataclasses
import io
import json
import os
import stat
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from mkdocs_platform.models import (
    ApiEntry,
    Finding,
    Portal,
    PortalSettings,
    ReportSettings,
    Source,
    SourceSettings,
)
from mkdocs_platform.models.scorecard import Scorecard
from mkdocs_platform.openapi import read_spec
from mkdocs_platform.scorecard import ScorecardSettings, score_api, score_apis
from mkdocs_platform.scorecard.annotations import (
    annotations,
    escape_data,
    escape_property,
    print_annotations,
)
from mkdocs_platform.scorecard.junit import build_junit, dumps_junit
from mkdocs_platform.scorecard.locations import repository_prefix, source_prefixes
from mkdocs_platform.scorecard.outputs import print_portal_annotations, write_reports
from mkdocs_platform.scorecard.portfolio import build_portfolio
from mkdocs_platform.scorecard.report import build_report, load_schema, portfolio_json
from mkdocs_platform.scorecard.rules import all_rules
from mkdocs_platform.scorecard.sarif import FINGERPRINT_KEY, build_sarif, dumps_sarif

from .conftest import build_site, minimal_spec, write_files
from .test_scorecard import BIG, NOW, good_spec, load_api, pet

SARIF_SCHEMA = Path(__file__).parent / "fixtures" / "reports" / "sarif-schema-2.1.0.json"


def sarif_validator() -> jsonschema.Draft4Validator:
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema)


def weak_spec() -> dict[str, Any]:
    """The good spec with an error-level failure, warn-level failures and an info one."""
    spec = good_spec()
    spec["servers"] = [{"url": "http://api.shelter.test/v1"}]  # sec-https-only: error
    del pet(spec)["get"]["summary"]  # doc-operation-summary: warn
    del spec["info"]["license"]  # own-contact-license: warn
    del spec["components"]["schemas"]["Pet"]["properties"]["name"]["description"]  # info
    return spec


def portal_cards(
    root: Path, settings: ScorecardSettings | None = None, *, shift: int = 0
) -> tuple[list[ApiEntry], list[Scorecard]]:
    """Two APIs in one repository (a monorepo: sources are folders under its root).

    `shift` puts that many comment lines atop the weak spec, moving every line down.
    """
    (root / ".git").mkdir(parents=True, exist_ok=True)
    write_files(root / "services/pets", {"openapi.yaml": good_spec()})
    write_files(root / "services/shelter", {"openapi.yaml": weak_spec()})
    if shift:
        spec_file = root / "services/shelter/openapi.yaml"
        spec_file.write_text("# moved\n" * shift + spec_file.read_text())
    apis = []
    for name in ("pets", "shelter"):
        api = load_api(root / "services" / name, "openapi.yaml", api_id=name)
        api.source = Source(settings=SourceSettings(name=name), root=root / "services" / name)
        apis.append(api)
    return apis, score_apis(apis, settings, now=NOW)


def unloadable_card(root: Path) -> Scorecard:
    write_files(root, {"openapi.yaml": "openapi: 3.0.3\ninfo: [unclosed\n"})
    reading = read_spec(root / "openapi.yaml", root, BIG)
    broken = ApiEntry(
        id="broken",
        source=Source(settings=SourceSettings(name="broken"), root=root),
        spec_path="openapi.yaml",
        findings=reading.findings,
    )
    return score_api(broken, now=NOW)


# -- SARIF -------------------------------------------------------------------------------


def test_sarif_validates_against_the_official_schema(tmp_path):
    _, cards = portal_cards(tmp_path / "repo")
    cards.append(unloadable_card(tmp_path / "broken"))
    log = build_sarif(cards)
    sarif_validator().validate(log)
    assert log["version"] == "2.1.0"
    assert len(log["runs"]) == 1
    # Through its own text too: what is written is what was validated.
    sarif_validator().validate(json.loads(dumps_sarif(log)))


def test_sarif_describes_every_rule_that_ran_and_every_finding(tmp_path):
    apis, cards = portal_cards(tmp_path / "repo")
    run = build_sarif(cards, prefixes=source_prefixes(apis))["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "mkdocs-platform"
    assert driver["version"]
    assert driver["informationUri"].startswith("https://")
    rules = {r["id"]: r for r in driver["rules"]}
    assert {c.id for c in cards[0].checks} <= set(rules)
    summary = rules["doc-operation-summary"]
    assert summary["shortDescription"]["text"] == "Operations have a summary"
    assert summary["name"] == "DocOperationSummary"
    assert summary["defaultConfiguration"]["level"] == "warning"
    assert summary["properties"]["category"] == "documentation"
    assert summary["properties"]["level"] == "silver"
    assert "summary" in summary["help"]["text"].lower()
    assert summary["help"]["text"].endswith(all_rules()["doc-operation-summary"].fix)
    assert rules["sec-https-only"]["defaultConfiguration"]["level"] == "error"
    assert rules["doc-property-description"]["defaultConfiguration"]["level"] == "note"
    assert rules["doc-property-description"]["properties"]["level"] == "none"
    # One result per finding, each naming a described rule by index.
    shelter = cards[1]
    assert len(run["results"]) == len(shelter.findings) + len(cards[0].findings)
    for result in run["results"]:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["partialFingerprints"][FINGERPRINT_KEY]
    levels = {r["ruleId"]: r["level"] for r in run["results"]}
    assert levels["sec-https-only"] == "error"
    assert levels["doc-operation-summary"] == "warning"
    assert levels["doc-property-description"] == "note"


def test_sarif_locations_are_repository_relative_with_line_and_pointer(tmp_path):
    apis, cards = portal_cards(tmp_path / "repo")
    assert source_prefixes(apis) == {"pets": "services/pets/", "shelter": "services/shelter/"}
    run = build_sarif(cards, prefixes=source_prefixes(apis))["runs"][0]
    result = next(r for r in run["results"] if r["ruleId"] == "doc-operation-summary")
    location = result["locations"][0]
    physical = location["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == "services/shelter/openapi.yaml"
    finding = next(f for f in cards[1].findings if f.rule == "doc-operation-summary")
    assert physical["region"] == {"startLine": finding.line, "startColumn": finding.column}
    assert location["logicalLocations"] == [
        {"name": "get", "fullyQualifiedName": "#/paths/~1pets~1{petId}/get"}
    ]
    assert result["properties"]["api"] == "shelter"
    # Without prefixes, paths stay relative to the source's root.
    plain = build_sarif(cards)["runs"][0]["results"][0]
    assert plain["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "openapi.yaml"


def test_repository_prefix_finds_the_work_tree(tmp_path):
    (tmp_path / "repo/.git").mkdir(parents=True)
    (tmp_path / "repo/a/b").mkdir(parents=True)
    assert repository_prefix(tmp_path / "repo/a/b") == "a/b/"
    assert repository_prefix(tmp_path / "repo") == ""
    (tmp_path / "loose").mkdir()
    assert repository_prefix(tmp_path / "loose") == ""


def test_sarif_fingerprints_are_stable_across_builds_and_line_shifts(tmp_path):
    _, first = portal_cards(tmp_path / "one")
    _, second = portal_cards(tmp_path / "two")

    def prints(cards: list[Scorecard]) -> dict[tuple[str, str], str]:
        results = build_sarif(cards)["runs"][0]["results"]
        return {
            (r["ruleId"], r["message"]["text"]): r["partialFingerprints"][FINGERPRINT_KEY]
            for r in results
        }

    one = prints(first)
    assert one == prints(second)
    assert len(set(one.values())) == len(one), "fingerprints are unique within a run"
    # Lines move (a comment block on top): the lines change, the fingerprints do not.
    _, shifted = portal_cards(tmp_path / "two", shift=3)
    before = {f.message: f.line for f in second[1].findings}
    after = {f.message: f.line for f in shifted[1].findings}
    assert all(after[m] == before[m] + 3 for m in before if before[m])
    assert prints(shifted) == one


def test_sarif_findings_without_api_and_unknown_rules_are_described(tmp_path):
    _, cards = portal_cards(tmp_path / "repo")
    catalog = Finding(
        rule="catalog",
        severity="warn",
        finding_class="catalog",
        message="the entity names an unknown system",
        file="catalog-info.yaml",
        line=3,
    )
    log = build_sarif(cards, extra=[("pets", catalog)])
    sarif_validator().validate(log)
    run = log["runs"][0]
    result = run["results"][-1]
    assert result["ruleId"] == "catalog"
    assert "api" not in result["properties"]
    assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["shortDescription"]["text"]


# -- JUnit -------------------------------------------------------------------------------


def suites(xml_text: str) -> dict[str, ET.Element]:
    root = ET.fromstring(xml_text)
    assert root.tag == "testsuites"
    return {s.get("name"): s for s in root.findall("testsuite")}


def test_junit_has_a_suite_per_api_and_a_case_per_check_with_consistent_counts(tmp_path):
    _, cards = portal_cards(tmp_path / "repo")
    cards.append(unloadable_card(tmp_path / "broken"))
    settings = ScorecardSettings(fail_under=90, target_level="gold")
    text = dumps_junit(build_junit(cards, settings))
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    by_api = suites(text)
    assert set(by_api) == {"pets", "shelter", "broken"}
    root = ET.fromstring(text)
    totals = {"tests": 0, "failures": 0, "skipped": 0, "errors": 0}
    for suite in by_api.values():
        cases = suite.findall("testcase")
        counts = {
            "tests": len(cases),
            "failures": sum(1 for c in cases if c.find("failure") is not None),
            "skipped": sum(1 for c in cases if c.find("skipped") is not None),
            "errors": sum(1 for c in cases if c.find("error") is not None),
        }
        assert {k: int(suite.get(k)) for k in counts} == counts
        assert all(c.get("classname") == suite.get("name") for c in cases)
        for key in totals:
            totals[key] += counts[key]
    assert {k: int(root.get(k)) for k in totals} == totals
    pets = by_api["pets"]
    names = [c.get("name") for c in pets.findall("testcase")]
    assert names == [c.id for c in cards[0].checks] + ["gate:fail_under", "gate:target_level"]
    assert pets.get("failures") == "0"
    assert pets.find("properties/property[@name='grade']").get("value") == "A"


def test_junit_error_checks_fail_with_findings_and_warn_checks_are_skipped(tmp_path):
    _, cards = portal_cards(tmp_path / "repo")
    shelter = suites(dumps_junit(build_junit(cards, ScorecardSettings(fail_under=99))))["shelter"]
    cases = {c.get("name"): c for c in shelter.findall("testcase")}
    failure = cases["sec-https-only"].find("failure")
    assert failure is not None
    assert failure.get("message") == "0/1 absolute server URLs pass: Servers use HTTPS"
    finding = next(f for f in cards[1].findings if f.rule == "sec-https-only")
    assert f"openapi.yaml:{finding.line}:{finding.column}  the server" in failure.text
    assert "[#/servers/0]" in failure.text
    skipped = cases["doc-operation-summary"].find("skipped")
    assert skipped is not None
    assert skipped.get("message").startswith("warn: 3/4 operations pass")
    assert cases["doc-property-description"].find("skipped").get("message").startswith("info:")
    assert len(cases["doc-tags"]) == 0  # a passing check is an empty test case
    gate = cases["gate:fail_under"].find("failure")
    assert gate is not None
    assert "its score is under fail_under 99" in gate.get("message")


def test_junit_unloadable_spec_and_not_applicable_checks(tmp_path):
    card = unloadable_card(tmp_path / "broken")
    suite = suites(dumps_junit(build_junit([card])))["broken"]
    cases = {c.get("name"): c for c in suite.findall("testcase")}
    assert set(cases) == {"oas-parse"}
    assert "invalid YAML" in cases["oas-parse"].find("failure").text
    spec = minimal_spec()  # no request bodies, no servers: some checks have nothing to count
    write_files(tmp_path / "thin", {"openapi.yaml": spec})
    thin = score_api(load_api(tmp_path / "thin", "openapi.yaml"), now=NOW)
    suite = suites(dumps_junit(build_junit([thin])))["pets"]
    skipped = [
        c.find("skipped").get("message")
        for c in suite.findall("testcase")
        if c.find("skipped") is not None
    ]
    assert any(m.startswith("not applicable: the API has no") for m in skipped)


def test_junit_strips_characters_xml_cannot_hold(tmp_path):
    _, cards = portal_cards(tmp_path / "repo")
    card = cards[1]
    bad = dataclasses.replace(card.checks[0], severity="error", passed=0, applicable=1)
    bad = dataclasses.replace(
        bad,
        findings=(Finding("oas-valid", "error", "rule", "a \x00 b \x1b c", "openapi.yaml", 1),),
    )
    card = dataclasses.replace(card, checks=(bad,))
    text = dumps_junit(build_junit([card]))
    failure = suites(text)["shelter"].find("testcase/failure")
    assert "a \ufffd b \ufffd c" in failure.text


# -- GitHub annotations ------------------------------------------------------------------


def test_escaping_follows_githubs_toolkit():
    assert escape_data("50%\r\nnext: a, b") == "50%25%0D%0Anext: a, b"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"


def test_annotations_at_or_above_a_severity_worst_first(tmp_path):
    apis, cards = portal_cards(tmp_path / "repo")
    lines = annotations(cards, "warn", 50, prefixes=source_prefixes(apis))
    assert lines[0].startswith("::error file=services/shelter/openapi.yaml,line=")
    assert "title=sec-https-only::shelter: the server http://api.shelter.test/v1 uses" in (lines[0])
    assert all(line.startswith(("::error ", "::warning ")) for line in lines)
    assert not any("doc-property-description" in line for line in lines)
    warnings = [line for line in lines if line.startswith("::warning ")]
    assert any("title=doc-operation-summary::" in line for line in warnings)
    everything = annotations(cards, "info", 50)
    assert any(line.startswith("::notice ") for line in everything)
    assert annotations(cards, "error", 50, prefixes=source_prefixes(apis)) == lines[:1]


def test_annotations_are_capped_with_one_summary_line(tmp_path):
    _, cards = portal_cards(tmp_path / "repo")
    total = len(annotations(cards, "info", 1000))
    assert total > 3
    lines = annotations(cards, "info", 2)
    assert len(lines) == 3
    assert lines[-1] == (
        f"::notice title=mkdocs-platform::{total - 2} more findings at or above info are not "
        "shown as annotations; see the scorecard reports for all of them"
    )
    assert len(annotations(cards, "info", 0)) == 1


def test_annotation_messages_with_newlines_and_commas_are_escaped(tmp_path):
    _, cards = portal_cards(tmp_path / "repo")
    finding = Finding(
        "own-owner", "error", "rule", "line one\nline two, 100%", "dir,x/open:api.yaml", 4, 2
    )
    card = dataclasses.replace(cards[0], findings=(finding,))
    (line,) = annotations([card], "warn", 50)
    assert line == (
        "::error file=dir%2Cx/open%3Aapi.yaml,line=4,col=2,title=own-owner::"
        "pets: line one%0Aline two, 100%25"
    )


def test_print_annotations_only_under_github_actions(tmp_path):
    _, cards = portal_cards(tmp_path / "repo")
    stream = io.StringIO()
    assert print_annotations(cards, stream=stream, environ={}) == 0
    assert print_annotations(cards, stream=stream, environ={"GITHUB_ACTIONS": "false"}) == 0
    assert stream.getvalue() == ""
    count = print_annotations(cards, "warn", 50, stream=stream, environ={"GITHUB_ACTIONS": "true"})
    assert count == len(stream.getvalue().splitlines()) > 0
    with pytest.raises(ValueError, match="min_severity"):
        annotations(cards, "warning", 50)


# -- writing them ------------------------------------------------------------------------


def _portal(apis: list[ApiEntry], cards: list[Scorecard], reports: ReportSettings) -> Portal:
    for api, card in zip(apis, cards, strict=True):
        api.scorecard = card
    settings = PortalSettings(
        sources=(), scorecard=ScorecardSettings(fail_on="error"), reports=reports
    )
    return Portal(settings=settings, apis=apis)


def test_write_reports_writes_each_report_asked_for(tmp_path, monkeypatch):
    apis, cards = portal_cards(tmp_path / "repo")
    site = tmp_path / "site"
    reports = ReportSettings(
        json="scorecards.json", sarif="reports/scorecard.sarif", junit="reports/junit.xml"
    )
    written = write_reports(_portal(apis, cards, reports), site)
    assert written == [
        site / "scorecards.json",
        site / "reports/scorecard.sarif",
        site / "reports/junit.xml",
    ]
    sarif_validator().validate(json.loads((site / "reports/scorecard.sarif").read_text()))
    by_api = suites((site / "reports/junit.xml").read_text())
    assert by_api["shelter"].find("testcase[@name='gate:fail_on']/failure") is not None
    assert sorted(p.name for p in (site / "reports").iterdir()) == ["junit.xml", "scorecard.sarif"]
    # None turns a report off.
    site2 = tmp_path / "site2"
    assert write_reports(_portal(apis, cards, ReportSettings(json=None)), site2) == []
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert print_portal_annotations(_portal(apis, cards, ReportSettings())) > 0


def test_a_failed_write_leaves_the_old_report_whole(tmp_path, monkeypatch):
    apis, cards = portal_cards(tmp_path / "repo")
    site = tmp_path / "site"
    reports = ReportSettings(json=None, sarif="out.sarif", junit="out.xml")
    write_reports(_portal(apis, cards, reports), site)
    before = (site / "out.xml").read_text()

    def broken(*_: Any, **__: Any) -> str:
        raise OSError("disk full")

    monkeypatch.setattr("os.fsync", broken)
    with pytest.raises(OSError, match="disk full"):
        write_reports(_portal(apis, cards, reports), site)
    assert (site / "out.xml").read_text() == before
    assert sorted(p.name for p in site.iterdir()) == ["out.sarif", "out.xml"]


@pytest.fixture
def umask_022() -> Iterator[None]:
    """The umask most systems run with, whatever this process had; restored afterwards."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.skipif(os.name == "nt", reason="POSIX file modes")
def test_reports_get_the_usual_mode_of_new_files(tmp_path, umask_022):
    apis, cards = portal_cards(tmp_path / "repo")
    site = tmp_path / "site"
    reports = ReportSettings(json="scorecards.json", sarif="out.sarif", junit="out.xml")
    written = write_reports(_portal(apis, cards, reports), site)
    assert [(p.name, _mode(p)) for p in written] == [
        ("scorecards.json", 0o644),
        ("out.sarif", 0o644),
        ("out.xml", 0o644),
    ]
    # Replacing a report that a stricter umask wrote gives the mode of the umask now in force.
    os.umask(0o077)
    write_reports(_portal(apis, cards, reports), site)
    assert _mode(site / "out.xml") == 0o600
    os.umask(0o022)
    write_reports(_portal(apis, cards, reports), site)
    assert _mode(site / "out.xml") == 0o644
    assert sorted(p.name for p in site.iterdir()) == ["out.sarif", "out.xml", "scorecards.json"]


@pytest.mark.skipif(os.name == "nt", reason="POSIX file modes")
def test_a_site_build_writes_readable_reports(tmp_path, umask_022):
    write_files(tmp_path / "repos/pets", {"openapi.yaml": minimal_spec("Pets")})
    plugin = {
        "sources": [{"name": "pets", "path": "repos/pets"}],
        "scorecard": {"reports": {"sarif": "apis.sarif", "junit": "apis.xml"}},
    }
    site = build_site(tmp_path, plugin)
    for name in ("scorecards.json", "apis.sarif", "apis.xml"):
        assert _mode(site.dir / name) == 0o644, name


def test_site_build_writes_sarif_and_junit_into_the_site(tmp_path):
    write_files(tmp_path / "repos/pets", {"openapi.yaml": minimal_spec("Pets")})
    plugin = {
        "sources": [{"name": "pets", "path": "repos/pets"}],
        "scorecard": {"reports": {"sarif": "reports/apis.sarif", "junit": "reports/apis.xml"}},
    }
    site = build_site(tmp_path, plugin)
    log = json.loads((site.dir / "reports/apis.sarif").read_text())
    sarif_validator().validate(log)
    assert {r["properties"]["api"] for r in log["runs"][0]["results"]} == {"pets"}
    assert set(suites((site.dir / "reports/apis.xml").read_text())) == {"pets"}
    report = json.loads((site.dir / "scorecards.json").read_text())
    jsonschema.validate(report, load_schema(), cls=jsonschema.Draft202012Validator)


def test_junit_reports_a_crashed_check_as_an_error(tmp_path, monkeypatch):
    from mkdocs_platform.scorecard import registry

    def broken(ctx: Any) -> Any:
        raise KeyError("surprise")

    spec = dataclasses.replace(registry.RULES["doc-tags"], function=broken)
    monkeypatch.setitem(registry.RULES, "doc-tags", spec)
    _, cards = portal_cards(tmp_path / "repo")
    suite = suites(dumps_junit(build_junit(cards[:1])))["pets"]
    error = suite.find("testcase[@name='doc-tags']/error")
    assert error is not None
    assert "KeyError" in error.get("message")
    assert suite.get("errors") == "1"


def test_portfolio_figures_come_from_the_scorecards_once(tmp_path):
    _, (pets, shelter) = portal_cards(tmp_path / "repo")
    kennel = dataclasses.replace(shelter, api_id="kennel", owner="team-kennel", system="care")
    cards = [pets, shelter, kennel]
    portfolio = build_portfolio(cards)
    assert portfolio.apis == 3
    assert portfolio.median_score == sorted(c.score for c in cards)[1]
    assert list(portfolio.grades) == ["A", "B", "C", "D", "F"]
    assert portfolio.grades == {g: sum(c.grade == g for c in cards) for g in portfolio.grades}
    assert list(portfolio.levels) == ["bronze", "silver", "gold", "none"]
    assert portfolio.levels == {
        level: sum((c.level or "none") == level for c in cards) for level in portfolio.levels
    }
    assert portfolio.at_silver_or_above == sum(c.level in ("silver", "gold") for c in cards)
    # Groups by name, the APIs without one last.
    assert [(g.name, g.api_ids) for g in portfolio.by_system] == [
        ("care", ("kennel",)),
        ("", ("pets", "shelter")),
    ]
    owners = {g.name: g for g in portfolio.by_owner}
    assert owners["team-kennel"].median_score == kennel.score
    assert sum(len(g.api_ids) for g in portfolio.by_owner) == 3
    # The costliest checks: points summed over the APIs where the check costs any.
    assert portfolio.costliest_checks
    points = [c.points for c in portfolio.costliest_checks]
    assert points == sorted(points, reverse=True)
    for costly in portfolio.costliest_checks:
        costs = [
            (card.api_id, check.points_available)
            for card in cards
            for check in card.checks
            if check.id == costly.id and check.points_available > 0
        ]
        assert costly.api_ids == tuple(api_id for api_id, _ in costs)
        assert costly.points == pytest.approx(sum(p for _, p in costs))
    # scorecards.json writes the same figures, and they validate.
    report = build_report(cards)
    assert report["portfolio"] == portfolio_json(portfolio)
    assert report["portfolio"]["median_score"] == portfolio.median_score
    jsonschema.validate(report, load_schema())


def test_category_grades_are_the_grades_of_their_shown_scores(tmp_path):
    _, cards = portal_cards(tmp_path / "repo")
    bounds = ((90, "A"), (80, "B"), (70, "C"), (60, "D"))
    categories = [c for card in cards for c in card.categories.values()]
    assert {c.grade for c in categories} - {"A"}
    for category in categories:
        assert category.grade == next((g for b, g in bounds if category.score >= b), "F")
