"""Pages list a bounded number of findings per rule, count them all, and say where the rest are."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from mkdocs_platform.models.findings import Finding
from mkdocs_platform.render import findings as listing
from mkdocs_platform.render.findings import list_findings

from .conftest import Site, build_site, write_files


def _finding(rule: str, n: int, severity: Any = "warn") -> Finding:
    return Finding(rule, severity, "rule", f"{rule} number {n}", "openapi.yaml", n + 1)


def test_each_rule_keeps_its_first_findings_in_the_given_order() -> None:
    findings = [_finding("a", n, "error") for n in range(5)] + [_finding("b", n) for n in range(3)]
    shown = list_findings(findings, per_rule=2, limit=100)
    assert [f.message for f in shown.listed] == [
        "a number 0",
        "a number 1",
        "b number 0",
        "b number 1",
    ]
    assert [(r.rule, r.severity, r.count, r.listed) for r in shown.rules] == [
        ("a", "error", 5, 2),
        ("b", "warn", 3, 2),
    ]
    assert shown.total == 8
    assert shown.unlisted == 4


def test_the_overall_limit_takes_from_every_rule_before_more_of_any() -> None:
    findings = [_finding("many", n) for n in range(50)] + [_finding("few", n) for n in range(2)]
    shown = list_findings(findings, per_rule=50, limit=6)
    assert Counter(f.rule for f in shown.listed) == {"many": 4, "few": 2}
    # The order given is kept: the rule listed first stays first.
    assert [f.rule for f in shown.listed] == ["many"] * 4 + ["few"] * 2


def _spec_with_undescribed_operations(count: int) -> dict[str, Any]:
    paths = {
        f"/things{n}": {
            "get": {
                "operationId": f"getThing{n}",
                "tags": ["things"],
                "responses": {"200": {"description": "A thing."}},
            }
        }
        for n in range(count)
    }
    return {
        "openapi": "3.0.3",
        "info": {"title": "Loose", "version": "1.0.0", "description": "Loose API."},
        "tags": [{"name": "things", "description": "Things."}],
        "paths": paths,
    }


@pytest.fixture(scope="module")
def loose_site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    root: Path = tmp_path_factory.mktemp("loose")
    count = listing.SCORECARD_PER_RULE + 20
    write_files(root, {"repos/loose/openapi.json": _spec_with_undescribed_operations(count)})
    return build_site(root, {"sources": [{"name": "loose", "path": "repos/loose"}]}, strict=False)


def _stated_count(site: Site, rel: str) -> int:
    paragraph = site.article(rel).find(id="findings").find_next("p")
    return int(paragraph.get_text(" ", strip=True).split()[0])


def _listed(site: Site, rel: str) -> Counter[str]:
    rows = site.article(rel).select(".mp-findings tbody tr")
    return Counter(row.select("td")[2].get_text(strip=True) for row in rows)


def test_pages_list_a_bounded_share_and_count_every_finding(loose_site: Site) -> None:
    report = json.loads((loose_site.dir / "scorecards.json").read_text(encoding="utf-8"))
    findings = report["apis"][0]["findings"]
    per_rule = Counter(f["rule"] for f in findings)
    busy = "doc-operation-summary"
    assert per_rule[busy] > listing.SCORECARD_PER_RULE

    scorecard = "apis/loose/scorecard/index.html"
    overview = "apis/loose/index.html"
    assert _stated_count(loose_site, scorecard) == _stated_count(loose_site, overview)
    assert _stated_count(loose_site, scorecard) >= len(findings)

    on_scorecard = _listed(loose_site, scorecard)
    on_overview = _listed(loose_site, overview)
    assert on_scorecard[busy] == listing.SCORECARD_PER_RULE
    assert on_overview[busy] == listing.OVERVIEW_PER_RULE
    # Every rule with findings is listed on both pages, the bound only trims the busy ones.
    assert set(on_scorecard) >= set(per_rule)
    assert set(on_overview) >= set(per_rule)


def test_a_trimmed_list_says_how_many_are_left_and_counts_each_rule(loose_site: Site) -> None:
    for rel in ("apis/loose/scorecard/index.html", "apis/loose/index.html"):
        article = loose_site.article(rel)
        more = article.select_one(".mp-findings-more")
        assert more is not None, rel
        stated = _stated_count(loose_site, rel)
        listed = sum(_listed(loose_site, rel).values())
        assert int(more["data-unlisted"]) == stated - listed
        assert "check --findings" in more.get_text()
        counts = {
            row["data-rule"]: int(row.select("td")[2].get_text())
            for row in more.select("tr[data-rule]")
        }
        assert sum(counts.values()) == stated
    overview_more = loose_site.article("apis/loose/index.html").select_one(".mp-findings-more a")
    assert overview_more is not None
    assert overview_more["href"].endswith("scorecard/#findings")
