"""What a new user gets wrong is said out loud: MkDocs warnings (so `--strict` fails) for
sources that give nothing, named files that are not OpenAPI, specs that cannot be loaded and
catalog kinds that do not exist; ids for several specs at a root; the README's examples as
written; and a source's own title, owner, lifecycle and system."""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

from mkdocs_platform.config import parse_scorecard, read_config_file

from .conftest import build_site, make_config, minimal_spec, run_cli, write_files

README = Path(__file__).resolve().parents[1] / "README.md"


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


def _catalog_ids(site) -> set[str]:
    return {row["data-api-id"] for row in site.soup("apis/index.html").select("tr.mp-catalog-row")}


@pytest.fixture
def good_source(tmp_path: Path) -> dict:
    """A source with one good API, so that every portal here has something to show."""
    write_files(tmp_path / "repos/good", {"openapi.yaml": minimal_spec("Good")})
    return {"name": "good", "path": "repos/good"}


# -- sources that give nothing ----------------------------------------------------------------


def test_specs_that_match_no_file_are_a_warning_naming_the_source_and_patterns(
    tmp_path, good_source, caplog
):
    write_files(tmp_path / "repos/orders", {"api/orders.yaml": minimal_spec("Orders")})
    plugin = {
        "sources": [
            good_source,
            {"name": "orders", "path": "repos/orders", "specs": ["api/*.json"]},
        ]
    }
    caplog.set_level(logging.INFO)
    build_site(tmp_path, plugin, strict=False)
    warned = [w for w in _warnings(caplog) if "'orders'" in w]
    assert len(warned) == 1
    assert "no file matches its specs 'api/*.json'" in warned[0]
    with pytest.raises(Abort):
        build_site(tmp_path, plugin, strict=True)


def test_a_source_that_gives_nothing_is_a_warning_naming_what_was_searched(
    tmp_path, good_source, caplog
):
    write_files(tmp_path / "repos/empty", {"README.md": "# Nothing here\n"})
    caplog.set_level(logging.INFO)
    build_site(
        tmp_path,
        {"sources": [good_source, {"name": "empty", "path": "repos/empty"}]},
        strict=False,
    )
    (warned,) = [w for w in _warnings(caplog) if "'empty'" in w]
    assert "gives no API and no catalog entity" in warned
    assert "openapi.{yaml,yml,json}" in warned
    assert "catalog-info.yaml" in warned


def test_a_glob_matching_only_other_files_gives_nothing_and_warns(tmp_path, good_source, caplog):
    write_files(tmp_path / "repos/configs", {"config/app.yaml": {"services": {"web": {}}}})
    caplog.set_level(logging.INFO)
    build_site(
        tmp_path,
        {
            "sources": [
                good_source,
                {"name": "configs", "path": "repos/configs", "specs": ["config/*.yaml"]},
            ]
        },
        strict=False,
    )
    (warned,) = [w for w in _warnings(caplog) if "'configs'" in w]
    assert "gives no API" in warned
    assert "'config/*.yaml'" in warned


def test_a_source_of_components_only_passes_strict_without_a_warning(tmp_path, caplog):
    write_files(
        tmp_path / "repos/payments",
        {
            "openapi.yaml": minimal_spec("Payments"),
            "catalog-info.yaml": {
                "apiVersion": "backstage.io/v1alpha1",
                "kind": "API",
                "metadata": {"name": "payments"},
                "spec": {"type": "openapi", "definition": {"$text": "openapi.yaml"}},
            },
        },
    )
    write_files(
        tmp_path / "repos/storefront",
        {
            "catalog-info.yaml": {
                "apiVersion": "backstage.io/v1alpha1",
                "kind": "Component",
                "metadata": {"name": "storefront"},
                "spec": {"type": "website", "consumesApis": ["payments"]},
            }
        },
    )
    caplog.set_level(logging.INFO)
    site = build_site(
        tmp_path,
        {
            "sources": [
                {"name": "payments", "path": "repos/payments"},
                {"name": "storefront", "path": "repos/storefront"},
            ]
        },
        strict=True,
    )
    assert _catalog_ids(site) == {"payments"}
    assert _warnings(caplog) == []


# -- files named in `specs` that are not OpenAPI ----------------------------------------------


@pytest.fixture
def named_files(tmp_path: Path, good_source: dict) -> dict:
    write_files(
        tmp_path / "repos/mixed",
        {
            "openapi.yaml": minimal_spec("Mixed"),
            "docker-compose.yml": {"services": {"api": {"image": "acme/api"}}},
            "schemas/pet.json": {"$schema": "https://json-schema.org/draft/2020-12/schema"},
            "legacy/api-docs.json": {"swaggerVersion": "1.2", "apis": []},
            "api/notes.yaml": {"title": "not a spec either"},
        },
    )
    return {
        "sources": [
            good_source,
            {
                "name": "mixed",
                "path": "repos/mixed",
                "specs": [
                    "openapi.yaml",
                    "docker-compose.yml",
                    {"path": "schemas/pet.json", "id": "pets"},
                    "legacy/api-docs.json",
                    "api/*.yaml",
                ],
            },
        ]
    }


def test_a_named_file_that_is_not_openapi_is_a_problem_on_the_catalog_page(tmp_path, named_files):
    site = build_site(tmp_path, named_files, strict=False)
    assert _catalog_ids(site) == {"good", "mixed"}
    page = site.article("apis/index.html")
    assert page.select_one("#catalog-problems") is not None
    rows = {
        row.select("td")[2].get_text(strip=True): row.get_text(" ", strip=True)
        for row in page.select(".mp-findings tbody tr")
    }
    assert set(rows) == {"docker-compose.yml:1", "schemas/pet.json:1", "legacy/api-docs.json:1"}
    assert "Docker Compose" in rows["docker-compose.yml:1"]
    assert "JSON Schema" in rows["schemas/pet.json:1"]
    assert "Swagger 1.2" in rows["legacy/api-docs.json:1"]
    assert all("mixed" in text and "is not an OpenAPI document" in text for text in rows.values())


def test_a_named_file_that_is_not_openapi_is_a_warning_and_a_glob_match_is_not(
    tmp_path, named_files, caplog
):
    caplog.set_level(logging.INFO)
    build_site(tmp_path, named_files, strict=False)
    warned = _warnings(caplog)
    for path in ("docker-compose.yml", "schemas/pet.json", "legacy/api-docs.json"):
        assert any(f"source 'mixed': {path}:1 " in w for w in warned), (path, warned)
    # The glob's match is quiet, as any file a glob happens to match is.
    assert not any("api/notes.yaml" in w for w in warned)
    assert "api/notes.yaml has no top-level 'openapi' or 'swagger' key" in caplog.text
    with pytest.raises(Abort):
        build_site(tmp_path, named_files, strict=True)


def test_named_non_openapi_files_reach_the_sarif_report_of_check(tmp_path, named_files):
    make_config(tmp_path, named_files)
    result = run_cli("check", "--config", str(tmp_path / "mkdocs.yml"), "--format", "sarif")
    assert result.returncode == 0, result.stderr
    results = json.loads(result.stdout)["runs"][0]["results"]
    assert {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in results
        if r["ruleId"] == "spec-not-openapi"
    } == {"docker-compose.yml", "schemas/pet.json", "legacy/api-docs.json"}
    assert "source 'mixed': docker-compose.yml:1" in result.stderr


# -- specs that cannot be loaded --------------------------------------------------------------

BROKEN_YAML = "openapi: 3.0.3\ninfo:\n  title: Broken\n  version: '1'\npaths: {\n"


@pytest.mark.parametrize(
    ("content", "location"),
    [(BROKEN_YAML, "openapi.yaml:6"), ("", "openapi.yaml:1")],
    ids=["yaml-syntax-error", "empty-file"],
)
def test_an_unloadable_spec_fails_a_strict_build_naming_file_and_line(
    tmp_path, good_source, caplog, content, location
):
    write_files(tmp_path / "repos/broken", {"openapi.yaml": content})
    plugin = {"sources": [good_source, {"name": "broken", "path": "repos/broken"}]}
    caplog.set_level(logging.INFO)
    with pytest.raises(Abort, match="strict"):
        build_site(tmp_path, plugin, strict=True)
    (warned,) = [w for w in _warnings(caplog) if "'broken'" in w]
    assert re.search(rf"source 'broken': {location}(:\d+)? the spec cannot be loaded", warned)
    caplog.clear()
    # Without --strict the portal builds: the API is there, unloadable, scored 0.
    site = build_site(tmp_path, plugin, strict=False)
    assert _catalog_ids(site) == {"good", "broken"}


def test_an_unloadable_spec_is_a_warning_in_check_too(tmp_path):
    write_files(tmp_path / "repo", {"openapi.yaml": BROKEN_YAML})
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs_platform.cli", "check", str(tmp_path / "repo")],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "XDG_CACHE_HOME": str(tmp_path / "user-cache")},
    )
    assert re.search(r"openapi\.yaml:6(:\d+)? the spec cannot be loaded", result.stderr)
    assert "score 0 (F)" in result.stdout


def test_quality_findings_are_still_no_warning(tmp_path, good_source, caplog):
    invalid = minimal_spec("Invalid")
    invalid["paths"]["/pets"]["get"]["responses"] = {}
    write_files(tmp_path / "repos/invalid", {"openapi.yaml": invalid})
    caplog.set_level(logging.INFO)
    site = build_site(
        tmp_path,
        {"sources": [good_source, {"name": "invalid", "path": "repos/invalid"}]},
        strict=True,
    )
    assert site.article("apis/invalid/index.html").select(".mp-findings tbody tr")
    assert _warnings(caplog) == []


# -- catalog kinds ----------------------------------------------------------------------------


def test_an_unknown_kind_is_a_warning_naming_the_nearest_kind(tmp_path, good_source, caplog):
    entities = [
        {
            "apiVersion": "backstage.io/v1alpha1",
            "kind": "Api",
            "metadata": {"name": "billing"},
            "spec": {"type": "openapi", "definition": {"$text": "openapi.yaml"}},
        },
        {"apiVersion": "backstage.io/v1alpha1", "kind": "Service", "metadata": {"name": "svc"}},
        {"apiVersion": "backstage.io/v1alpha1", "kind": "Sytem", "metadata": {"name": "core"}},
        {"apiVersion": "backstage.io/v1alpha1", "kind": "Gadget", "metadata": {"name": "w"}},
    ]
    write_files(
        tmp_path / "repos/billing",
        {
            "openapi.yaml": minimal_spec("Billing"),
            "catalog-info.yaml": "".join("---\n" + yaml.safe_dump(e) for e in entities),
        },
    )
    caplog.set_level(logging.INFO)
    site = build_site(
        tmp_path,
        {"sources": [good_source, {"name": "billing", "path": "repos/billing"}]},
        strict=False,
    )
    warned = "\n".join(_warnings(caplog))
    assert (
        "catalog-info.yaml:2 the entity 'billing' has the unknown kind 'Api'; did you mean API?"
        in warned
    )
    assert "'Service'; did you mean Component (with spec.type: service)?" in warned
    assert "'Sytem'; did you mean System?" in warned
    assert "'Gadget'; it is left out" in warned
    problems = site.article("apis/index.html").select_one("#catalog-problems").find_next("table")
    assert "did you mean API?" in problems.get_text()


# -- ids of several specs at a root -----------------------------------------------------------


def test_several_specs_at_a_root_are_named_after_their_files(tmp_path):
    write_files(
        tmp_path / "repos/payments",
        {
            "openapi.yaml": minimal_spec("Payments"),
            "admin.openapi.yaml": minimal_spec("Payments admin"),
            "internal.swagger.json": json.dumps(minimal_spec("Internal")),
            "services/refunds/openapi.yaml": minimal_spec("Refunds"),
        },
    )
    write_files(
        tmp_path / "repos/shop",
        {"a.openapi.yaml": minimal_spec("A"), "b.openapi.yml": minimal_spec("B")},
    )
    write_files(
        tmp_path / "repos/one",
        {"openapi.json": json.dumps(minimal_spec("One")), "tools/openapi.yaml": minimal_spec("T")},
    )
    site = build_site(
        tmp_path,
        {
            "sources": [
                {
                    "name": "payments",
                    "path": "repos/payments",
                    "specs": [
                        "openapi.yaml",
                        "admin.openapi.yaml",
                        "services/**/openapi.yaml",
                        {"path": "internal.swagger.json", "id": "backoffice"},
                    ],
                },
                {"name": "shop", "path": "repos/shop"},
                {"name": "one", "path": "repos/one"},
            ]
        },
    )
    assert _catalog_ids(site) == {
        "payments",
        "payments-admin",
        "backoffice",
        "payments-services-refunds-openapi",
        "shop-a",
        "shop-b",
        "one",
        "one-tools-openapi",
    }
    title = site.article("apis/payments-admin/index.html").select_one("h1").get_text(strip=True)
    assert title.startswith("Payments admin")


# -- the README's examples, as written --------------------------------------------------------


def _readme_yaml_blocks() -> list[str]:
    return [
        textwrap.dedent(block)
        for block in re.findall(r"```yaml\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL)
    ]


def test_every_scorecard_example_of_the_readme_is_valid_as_written(tmp_path):
    examples = [yaml.safe_load(b) for b in _readme_yaml_blocks() if b.startswith("scorecard:")]
    assert len(examples) >= 2
    # A waiver file an example names must exist beside mkdocs.yml, as in a real portal.
    config_file = str(tmp_path / "mkdocs.yml")
    for example in examples:
        waivers = example["scorecard"].get("waivers")
        if waivers:
            (tmp_path / waivers).write_text("waivers: []\n", encoding="utf-8")
        parse_scorecard(example["scorecard"], config_file)
    first = parse_scorecard(examples[0]["scorecard"], config_file)
    assert first.overrides[0].rules["sec-https-only"].severity == "off"


def test_the_readme_first_example_builds_as_written(tmp_path):
    block = next(b for b in _readme_yaml_blocks() if b.startswith("# mkdocs.yml"))
    site_root = tmp_path / "portal"
    write_files(tmp_path / "payments", {"openapi.yaml": minimal_spec("Payments")})
    write_files(tmp_path / "orders", {"api/orders.json": json.dumps(minimal_spec("Orders"))})
    write_files(site_root, {"mkdocs.yml": block, "docs/index.md": "# Home\n"})
    settings = read_config_file(site_root / "mkdocs.yml")
    assert [s.name for s in settings.sources] == ["payments", "orders"]
    config = load_config(str(site_root / "mkdocs.yml"), strict=True)
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()
    assert (site_root / "site/apis/orders/index.html").is_file()


def test_the_readme_waiver_example_is_read_without_a_finding(tmp_path):
    waivers = next(b for b in _readme_yaml_blocks() if b.startswith("# .platform-waivers.yaml"))
    spec = minimal_spec("Payments")
    spec["paths"]["/health"] = {"get": {"responses": {"200": {"description": "Up."}}}}
    write_files(tmp_path / "repos/payments", {"openapi.yaml": spec})
    write_files(tmp_path, {".platform-waivers.yaml": waivers})
    site = build_site(
        tmp_path,
        {
            "sources": [{"name": "payments", "path": "repos/payments"}],
            "scorecard": {"waivers": ".platform-waivers.yaml"},
        },
    )
    report = json.loads((site.dir / "scorecards.json").read_text())
    rules = {f["rule"] for api in report["apis"] for f in api["findings"]}
    assert "waiver-invalid" not in rules


@pytest.mark.parametrize("written", ["off", "null"])
def test_fail_on_off_as_yaml_reads_it_is_no_gate(tmp_path, written):
    settings = parse_scorecard(yaml.safe_load(f"fail_on: {written}\nfail_under: 10\n"))
    assert settings.fail_on is None
    assert settings.fail_under == 10


# -- a source's own title, owner, lifecycle and system ----------------------------------------


def _scorecards(site) -> dict:
    report = json.loads((site.dir / "scorecards.json").read_text())
    return {api["id"]: api for api in report["apis"]}


@pytest.fixture
def described_sources(tmp_path: Path) -> dict:
    unowned = minimal_spec("Spec title")
    write_files(tmp_path / "repos/ledger", {"openapi.yaml": unowned})
    write_files(
        tmp_path / "repos/catalogued",
        {
            "openapi.yaml": minimal_spec("Catalogued spec"),
            "catalog-info.yaml": {
                "apiVersion": "backstage.io/v1alpha1",
                "kind": "API",
                "metadata": {"name": "catalogued", "title": "Catalog title"},
                "spec": {
                    "type": "openapi",
                    "owner": "team-catalog",
                    "definition": {"$text": "openapi.yaml"},
                },
            },
        },
    )
    return {
        "group_by": "owner",
        "sources": [
            {
                "name": "ledger",
                "path": "repos/ledger",
                "title": "General ledger",
                "owner": "team-finance",
                "lifecycle": "production",
                "system": "accounting",
            },
            {
                "name": "catalogued",
                "path": "repos/catalogued",
                "title": "Source title",
                "owner": "team-source",
                "lifecycle": "experimental",
                "system": "platform",
            },
        ],
    }


def test_source_metadata_shows_on_the_catalog_and_overview(tmp_path, described_sources):
    site = build_site(tmp_path, described_sources)
    catalog = site.soup("apis/index.html")
    ledger = catalog.select_one('tr[data-api-id="ledger"]')
    assert ledger.select_one("td a").get_text(strip=True) == "General ledger"
    assert ledger.select_one(".mp-owner").get_text(strip=True) == "team-finance"
    assert ledger.select_one(".mp-lifecycle").get_text(strip=True) == "production"
    assert "accounting" in ledger.select_one(".mp-api-source").get_text()
    overview = site.article("apis/ledger/index.html")
    assert overview.select_one("h1").get_text(strip=True).startswith("General ledger")
    terms = {
        dt.get_text(strip=True): dt.find_next_sibling("dd").get_text(strip=True)
        for dt in overview.select(".mp-ownership dt")
    }
    assert terms == {"Owner": "team-finance", "Lifecycle": "production", "System": "accounting"}
    # The catalog wins where it says something; the source fills in the rest.
    catalogued = catalog.select_one('tr[data-api-id="catalogued"]')
    assert catalogued.select_one("td a").get_text(strip=True) == "Catalog title"
    assert catalogued.select_one(".mp-owner").get_text(strip=True) == "team-catalog"
    assert catalogued.select_one(".mp-lifecycle").get_text(strip=True) == "experimental"


def test_source_owner_is_in_scorecards_json_and_counts_for_ownership(tmp_path, described_sources):
    site = build_site(tmp_path, described_sources)
    report = _scorecards(site)
    assert report["ledger"]["owner"] == "team-finance"
    assert report["ledger"]["title"] == "General ledger"
    assert report["catalogued"]["owner"] == "team-catalog"
    assert "own-owner" not in {f["rule"] for f in report["ledger"]["findings"]}


def test_without_source_metadata_the_owner_rule_still_fails(tmp_path, described_sources):
    del described_sources["sources"][0]["owner"]
    site = build_site(tmp_path, described_sources)
    report = _scorecards(site)
    assert not report["ledger"]["owner"]
    assert "own-owner" in {f["rule"] for f in report["ledger"]["findings"]}
