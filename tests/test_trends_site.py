"""What readers see of the portal's memory: score trends, changelogs and portfolio measures.

The portal is read and scored for real from files in `tmp_path`; the history and the changes
the pipeline would find are set on it by hand (real model values), and its pages are rendered
by the portal's renderer. One real MkDocs build checks the changelog pages and their links.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup, Tag

from mkdocs_platform.cache import StageCache
from mkdocs_platform.models import Portal, PortalSettings, SourceSettings
from mkdocs_platform.models.changes import ApiChanges, Change, Comparison
from mkdocs_platform.models.history import ApiRecord, History, HistorySettings, PortfolioRecord
from mkdocs_platform.portal import build_portal
from mkdocs_platform.render.search import searchable
from mkdocs_platform.render.site import PagePlan, PortalRenderer
from mkdocs_platform.scorecard.score import SCORING_VERSION

from .conftest import build_site, minimal_spec, write_files
from .strategies import PlainLinks

HOSTILE = "<script>alert('changed')</script>"


def _spec(title: str) -> dict[str, Any]:
    spec = minimal_spec(title)
    spec["paths"]["/pets/{id}"] = {
        "get": {
            "operationId": "getPet",
            "summary": "One pet",
            "tags": ["pets"],
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {}}],
            "responses": {"200": {"description": "The pet."}},
        }
    }
    return spec


def _portal(tmp_path: Path, *, history: bool = True) -> Portal:
    write_files(
        tmp_path / "src",
        {"pets/openapi.json": _spec("Pets"), "shop/openapi.json": _spec("Shop")},
    )
    settings = PortalSettings(
        sources=(
            SourceSettings(name="pets", path=tmp_path / "src" / "pets"),
            SourceSettings(name="shop", path=tmp_path / "src" / "shop"),
        ),
        cache=False,
        cache_dir=tmp_path / "cache",
        concurrency=1,
        history=HistorySettings(path=tmp_path / "history" if history else None),
    )
    return build_portal(settings)


def _at(day: int) -> datetime:
    return datetime(2026, 11, day, 10, 30, tzinfo=UTC)


def _record(api_id: str, day: int, score: int, version: int = SCORING_VERSION) -> ApiRecord:
    return ApiRecord(time=_at(day), api_id=api_id, scoring_version=version, score=score,
                     grade="C", level=None)  # fmt: skip


def _release() -> Comparison:
    return Comparison(
        kind="release",
        old_label="v1.0.0",
        new_label="v1.1.0",
        old_version="1.0.0",
        new_version="1.1.0",
        at=_at(20),
        new_commit="a" * 40,
        changes=(
            Change(
                "request-parameter-removed",
                "error",
                f"the parameter 'id' was removed {HOSTILE}",
                operation="GET /pets/{id}",
                old_pointer="#/paths/~1pets~1{id}/get/parameters/0",
            ),
            Change(
                "operation-removed",
                "error",
                "the operation was removed",
                operation="DELETE /pets/{id}",
                old_pointer="#/paths/~1pets~1{id}/delete",
            ),
            Change(
                "response-property-added",
                "info",
                "a property was added",
                operation="GET /pets",
                new_pointer="#/paths/~1pets/get/responses/200",
            ),
        ),
        sdk_changes=(Change("sdk-function-removed", "error", "pets_sdk.remove was removed"),),
        major=False,
    )


def _build() -> Comparison:
    return Comparison(
        kind="build",
        old_label=_at(27).isoformat(),
        new_label="this build",
        old_version="1.1.0",
        new_version="1.1.0",
        at=_at(28),
        changes=(Change("operation-summary-changed", "info", "the summary changed", "GET /pets"),),
        major=False,
    )


def _render(portal: Portal, kind: str, api_id: str | None = None) -> BeautifulSoup:
    renderer = PortalRenderer(portal)
    site = renderer.plan()
    plan = next(p for p in site.pages if p.kind == kind and p.api_id == api_id)
    return _soup(renderer, plan)


def _soup(renderer: PortalRenderer, plan: PagePlan) -> BeautifulSoup:
    return BeautifulSoup(str(renderer.render(plan, PlainLinks()).html), "html.parser")


def _one(soup: BeautifulSoup | Tag, selector: str) -> Tag:
    found = soup.select_one(selector)
    assert found is not None, selector
    return found


@pytest.fixture
def portal(tmp_path: Path) -> Portal:
    portal = _portal(tmp_path)
    pets = next(api for api in portal.apis if api.id == "pets")
    assert pets.scorecard is not None
    now = pets.scorecard.score
    pets.history = [_record("pets", 1, now - 12), _record("pets", 2, now - 4)]
    comparisons = (_build(), _release())
    pets.changes = ApiChanges(
        comparisons=comparisons,
        problems=(f"the release v0.9.0 could not be read {HOSTILE}",),
    )
    # The pipeline gives the scorecard the same comparisons: the portfolio counts them there.
    pets.scorecard = dataclasses.replace(pets.scorecard, changes=comparisons)
    return portal


def test_overview_shows_the_score_sparkline_its_text_and_the_delta(portal: Portal) -> None:
    soup = _render(portal, "overview", "pets")
    now = next(api for api in portal.apis if api.id == "pets").scorecard.score  # type: ignore[union-attr]
    trend = _one(soup, ".mp-trend")
    assert trend["data-points"] == "3"
    svg = _one(trend, "svg.mp-sparkline")
    assert svg["role"] == "img"
    assert svg["aria-label"]
    assert svg.find("title") is not None
    assert len(svg.select("circle")) == 3
    assert len(svg.select("polyline")) == 1
    text = _one(trend, ".mp-trend-text").get_text()
    assert f"Score {now - 12} → {now - 4} → {now} over 3 builds" in text
    assert "+4 since the previous build" in text
    delta = _one(trend, ".mp-delta")
    assert "▲ +4" in _one(delta, "[aria-hidden=true]").get_text()
    assert _one(delta, ".mp-sr").get_text() == "up 4 since the previous build"
    assert "mp-delta--better" in delta["class"]


def test_overview_links_the_changelog_with_its_breaking_count(portal: Portal) -> None:
    soup = _render(portal, "overview", "pets")
    link = _one(soup, "a.mp-changes-link")
    assert link["href"] == "apis/pets/changes/index.md"
    # Three breaking changes in the release (two in the spec, one in the SDK), none since.
    assert link.get_text(" ", strip=True) == "Changes · 3 breaking"


def test_a_scoring_version_change_breaks_the_line_and_says_so(portal: Portal) -> None:
    pets = next(api for api in portal.apis if api.id == "pets")
    now = pets.scorecard.score  # type: ignore[union-attr]
    pets.history = [
        _record("pets", 1, 40, SCORING_VERSION - 1),
        _record("pets", 2, 45, SCORING_VERSION - 1),
        _record("pets", 3, now - 2),
    ]
    soup = _render(portal, "scorecard", "pets")
    trend = _one(soup, ".mp-score-trend .mp-trend")
    svg = _one(trend, "svg.mp-sparkline")
    assert len(svg.select("polyline")) == 2
    assert len(svg.select("circle")) == 4
    gap = _one(svg, "line.mp-spark-break")
    assert _one(gap, "title").get_text() == "scoring changed"
    assert "scoring changed" in _one(trend, ".mp-trend-break").get_text()
    assert "scoring changed at the build of 2026-11-03" in _one(trend, ".mp-trend-text").get_text()
    # The delta compares the two builds of the current scoring version.
    assert "+2" in _one(trend, ".mp-delta").get_text()


def test_no_delta_across_a_scoring_change(portal: Portal) -> None:
    pets = next(api for api in portal.apis if api.id == "pets")
    pets.history = [_record("pets", 1, 10, SCORING_VERSION - 1)]
    soup = _render(portal, "overview", "pets")
    trend = _one(soup, ".mp-trend")
    assert trend.select_one(".mp-delta") is None
    assert "scoring changed" in _one(trend, ".mp-trend-break").get_text()


def test_a_first_build_has_no_line_only_words(portal: Portal) -> None:
    shop = next(api for api in portal.apis if api.id == "shop")
    assert shop.history == []
    soup = _render(portal, "overview", "shop")
    trend = _one(soup, ".mp-trend")
    assert trend.select_one("svg") is None
    assert _one(trend, ".mp-trend-first").get_text() == "first build recorded"
    assert "first build recorded" in _one(trend, ".mp-trend-text").get_text()


def test_without_history_no_trend_is_shown(tmp_path: Path) -> None:
    portal = _portal(tmp_path, history=False)
    assert _render(portal, "overview", "pets").select_one(".mp-trend") is None
    assert _render(portal, "catalog").select_one(".mp-trend") is None


def test_catalog_shows_a_compact_trend_in_the_grade_cell(portal: Portal) -> None:
    soup = _render(portal, "catalog")
    row = _one(soup, "tr[data-api-id=pets]")
    assert len(row.select("td")) == 9
    cell = _one(row, "td.mp-grade-cell")
    assert len(_one(cell, ".mp-trend--compact svg").select("circle")) == 3
    assert "+4" in _one(cell, ".mp-delta").get_text()
    assert len(soup.select("thead th")) == 9


def test_changelog_groups_newest_first_with_badges_counts_and_links(portal: Portal) -> None:
    soup = _render(portal, "changes", "pets")
    groups = soup.select("section.mp-comparison")
    titles = [_one(g, "h2").get_text().removesuffix("¶") for g in groups]
    assert titles == [
        "Build of 2026-11-28 (since the build of 2026-11-27 10:30 UTC)",
        "Release v1.1.0 (from v1.0.0)",
    ]
    release = groups[1]
    badge = _one(release, ".mp-unversioned-break")
    assert badge.get_text() == "breaks clients without a major version: 1.0.0 → 1.1.0"
    assert groups[0].select_one(".mp-unversioned-break") is None
    counts = {c["data-level"]: c["data-count"] for c in release.select(".mp-change-count")}
    assert counts == {"error": "3", "warning": "0", "info": "1"}
    spec_changes = release.select(".mp-spec-changes > li")
    assert [li["data-level"] for li in spec_changes] == ["error", "error", "info"]
    # An operation that still exists links to its anchor; a removed one is named, unlinked.
    link = _one(spec_changes[0], "a.mp-change-op")
    assert link["href"].endswith("#op-getpet")
    assert spec_changes[1].select_one("a.mp-change-op") is None
    assert _one(spec_changes[1], ".mp-change-op--gone").get_text() == "DELETE /pets/{id}"
    assert (
        "#/paths/~1pets~1{id}/get/parameters/0"
        in _one(spec_changes[0], ".mp-change-where").get_text()
    )
    sdk = release.select(".mp-sdk-changes > li")
    assert [li["data-change"] for li in sdk] == ["sdk-function-removed"]


def test_many_non_breaking_changes_are_folded_and_rows_name_the_operation_once(
    portal: Portal,
) -> None:
    pets = next(api for api in portal.apis if api.id == "pets")
    added = tuple(
        Change("operation-added", "info", f"GET /new/{n}: the operation is new", f"GET /new/{n}")
        for n in range(12)
    )
    removed = Change(
        "operation-removed", "error", "GET /pets/{id}: the operation was removed", "GET /pets/{id}"
    )
    many = dataclasses.replace(_release(), changes=(removed, *added))
    few = dataclasses.replace(_build(), changes=added[:2])
    pets.changes = ApiChanges(comparisons=(few, many))
    soup = _render(portal, "changes", "pets")
    few_group, many_group = soup.select("section.mp-comparison")
    # The breaking change stays in view; the twelve additions fold under their count.
    assert [li["data-level"] for li in many_group.select("ul.mp-spec-changes")[0]("li")] == [
        "error"
    ]
    folded = _one(many_group, "details.mp-change-more")
    assert folded.get("open") is None
    assert _one(folded, "summary").get_text() == "12 non-breaking changes"
    assert len(folded.select("li.mp-change")) == 12
    # A few are listed open.
    assert _one(few_group, "details.mp-change-more").get("open") is not None
    # The operation leads the row once; the sentence does not repeat it.
    row = many_group.select("li.mp-change")[0]
    assert _one(row, ".mp-change-op").get_text() == "GET /pets/{id}"
    assert _one(row, ".mp-change-message").get_text() == "the operation was removed"


def test_changelog_escapes_messages_and_problems(portal: Portal) -> None:
    renderer = PortalRenderer(portal)
    plan = next(p for p in renderer.plan().pages if p.kind == "changes" and p.api_id == "pets")
    html = str(renderer.render(plan, PlainLinks()).html)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(" in html
    soup = BeautifulSoup(html, "html.parser")
    assert HOSTILE in _one(soup, ".mp-changes-problems").get_text()
    messages = [m.get_text() for m in soup.select(".mp-change-message")]
    assert f"the parameter 'id' was removed {HOSTILE}" in messages


def test_changelog_without_history_says_how_to_turn_it_on(tmp_path: Path) -> None:
    portal = _portal(tmp_path, history=False)
    soup = _render(portal, "changes", "shop")
    off = _one(soup, ".mp-changes-off")
    text = off.get_text()
    assert "history: {path: .history}" in text
    assert "mkdocs.yml" in text
    assert "breaking changes" in text
    assert soup.select("section.mp-comparison") == []


def test_changelog_with_history_but_nothing_compared_yet(portal: Portal) -> None:
    soup = _render(portal, "changes", "shop")
    assert "No changes recorded yet" in _one(soup, ".mp-changes-empty").get_text()
    assert soup.select_one(".mp-changes-off") is None


def test_every_api_has_a_changes_page_in_its_nav_section(portal: Portal) -> None:
    site = PortalRenderer(portal).plan()
    for api in portal.apis:
        uri = f"apis/{api.id}/changes/index.md"
        plan = site.page(uri)
        assert plan is not None
        assert plan.kind == "changes"
        section = next(node for node in site.nav.children if node.api_id == api.id)
        assert uri in [child.src_uri for child in section.children]


def test_a_tag_named_changes_does_not_take_the_changelog_folder(tmp_path: Path) -> None:
    spec = minimal_spec("Pets")
    spec["paths"]["/pets"]["get"]["tags"] = ["Changes"]
    write_files(tmp_path / "src", {"openapi.json": spec})
    settings = PortalSettings(
        sources=(SourceSettings(name="pets", path=tmp_path / "src"),),
        cache=False,
        cache_dir=tmp_path / "cache",
        concurrency=1,
    )
    site = PortalRenderer(build_portal(settings)).plan()
    uris = [plan.src_uri for plan in site.pages]
    assert len(uris) == len(set(uris))
    assert site.page("apis/pets/changes/index.md").kind == "changes"  # type: ignore[union-attr]


def _portfolio_records() -> list[PortfolioRecord]:
    def record(day: int, version: int, median: float, breaking: int) -> PortfolioRecord:
        return PortfolioRecord(
            time=_at(day),
            scoring_version=version,
            apis=2,
            median_score=median,
            silver_or_above=0.0,
            owner_coverage=0.5,
            sdk_coverage=0.0,
            consumed=0.0,
            breaking_changes=breaking,
            releases=1,
            releases_breaking_without_major=1,
        )

    return [record(1, SCORING_VERSION - 1, 30.0, 0), record(2, SCORING_VERSION, 40.0, 1)]


def test_dashboard_measures_show_values_trends_and_breaks(portal: Portal) -> None:
    portal.history = History(portfolio=_portfolio_records())
    soup = _render(portal, "dashboard")
    measures = {m["data-measure"]: m for m in soup.select(".mp-measure")}
    assert list(measures) == [
        "adoption",
        "ownership",
        "sdk",
        "median",
        "silver",
        "breaking",
        "unversioned",
    ]
    for measure in measures.values():
        assert measure["data-points"] == "3"
        chart = _one(measure, "svg.mp-trend-chart")
        assert chart["role"] == "img"
        assert len(chart.select("circle")) == 3
        # Min/max values and first/last dates on the axes.
        axis = [t.get_text() for t in chart.select("text.mp-trend-axis")]
        assert axis[-2:] == ["2026-11-01", "this build"]
        # The lowest and highest values, or the one value of a flat line, once.
        values = [float(v.rstrip("%")) for v in axis[:-2]]
        assert len(values) == len(set(values)) in (1, 2)
        assert "scoring changed" in _one(chart, ".mp-trend-break-label").get_text()
        assert (
            "scoring changed at the build of 2026-11-02"
            in _one(measure, ".mp-trend-break").get_text()
        )
    # This build: the release of `pets` breaks 3 times without a major version bump.
    assert _one(measures["breaking"], ".mp-kpi-value").get_text() == "3"
    assert _one(measures["unversioned"], ".mp-kpi-value").get_text() == "1 of 1"
    worse = _one(measures["breaking"], ".mp-delta")
    assert "mp-delta--worse" in worse["class"]
    assert "+2" in worse.get_text()
    assert _one(measures["ownership"], ".mp-kpi-value").get_text() == "0 of 2"
    assert (
        "Breaking changes 0 → 1 → 3 over 3 builds"
        in _one(measures["breaking"], ".mp-trend-text").get_text()
    )


def test_dashboard_lists_breaking_changes_by_api_with_changelog_links(portal: Portal) -> None:
    soup = _render(portal, "dashboard")
    rows = soup.select(".mp-change-summary tbody tr")
    assert [row["data-api-id"] for row in rows] == ["pets"]
    link = _one(rows[0], "a")
    assert link["href"] == "apis/pets/changes/index.md"
    assert _one(rows[0], ".mp-breaking-count").get_text() == "3"


def test_dashboard_adoption_names_the_most_consumed(portal: Portal) -> None:
    pets = next(api for api in portal.apis if api.id == "pets")
    assert pets.scorecard is not None
    pets.scorecard = dataclasses.replace(pets.scorecard, consumers=("web", "app"))
    soup = _render(portal, "dashboard")
    adoption = _one(soup, ".mp-measure[data-measure=adoption]")
    assert _one(adoption, ".mp-kpi-value").get_text() == "1 of 2"
    assert re.sub(r"\s+", " ", _one(adoption, ".mp-most-consumed").get_text()) == (
        "Most consumed: Pets (2)"
    )


def test_a_real_build_has_a_changelog_for_every_api_linked_from_its_overview(
    tmp_path: Path,
) -> None:
    write_files(tmp_path, {"pets/openapi.json": _spec("Pets"), "shop/openapi.json": _spec("Shop")})
    site = build_site(
        tmp_path,
        {
            "sources": [
                {"name": "pets", "path": "pets"},
                {"name": "shop", "path": "shop"},
            ],
            "cache": False,
        },
    )
    for api_id in ("pets", "shop"):
        page = site.article(f"apis/{api_id}/changes/index.html")
        assert _one(page, "h1").get_text().startswith("Changes")
        assert page.select_one(".mp-changes-off") is not None
        overview = site.article(f"apis/{api_id}/index.html")
        assert _one(overview, "a.mp-changes-link")["href"] == "changes/"
        nav = site.soup(f"apis/{api_id}/index.html").select("nav a[href='changes/']")
        assert nav, "the changelog is in the API's nav section"


def test_a_kept_page_is_rendered_again_when_the_history_grew(tmp_path: Path) -> None:
    store = StageCache(tmp_path / "stages", tmp_path / "secret")

    def overview(history: list[ApiRecord]) -> BeautifulSoup:
        portal = _portal(tmp_path)
        pets = next(api for api in portal.apis if api.id == "pets")
        # The same spec every build: what the page cache keys API pages by.
        pets.cache_key = "pets-spec"
        pets.history = history
        return _render_with(PortalRenderer(portal, store), "overview", "pets")

    first = overview([_record("pets", 1, 10)])
    assert len(first.select("svg.mp-sparkline circle")) == 2
    again = overview([_record("pets", 1, 10), _record("pets", 2, 20)])
    assert len(again.select("svg.mp-sparkline circle")) == 3


def _render_with(renderer: PortalRenderer, kind: str, api_id: str | None) -> BeautifulSoup:
    plan = next(p for p in renderer.plan().pages if p.kind == kind and p.api_id == api_id)
    return _soup(renderer, plan)


def test_changelog_is_searchable_and_trends_are_not(portal: Portal) -> None:
    renderer = PortalRenderer(portal)
    site = renderer.plan()
    changes = site.page("apis/pets/changes/index.md")
    overview = site.page("apis/pets/index.md")
    assert changes is not None
    assert overview is not None
    indexed = searchable(str(renderer.render(changes, PlainLinks()).html))
    assert "the operation was removed" in indexed
    assert "Release v1.1.0 (from v1.0.0)" in indexed
    indexed_overview = searchable(str(renderer.render(overview, PlainLinks()).html))
    assert "mp-sparkline" not in indexed_overview
    assert "Changes · 3 breaking" in indexed_overview
