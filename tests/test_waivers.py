"""Waivers: applied, expired, stale and malformed, and what every report says about them."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from mkdocs.exceptions import Abort

from mkdocs_platform.cli import main
from mkdocs_platform.config import parse_scorecard
from mkdocs_platform.errors import ConfigError
from mkdocs_platform.models import Finding
from mkdocs_platform.models.scorecard import Scorecard, Waiver
from mkdocs_platform.scorecard import ScorecardSettings, build_report, evaluate_gates, score_apis
from mkdocs_platform.scorecard.annotations import annotations
from mkdocs_platform.scorecard.context import CheckResult
from mkdocs_platform.scorecard.junit import build_junit, dumps_junit
from mkdocs_platform.scorecard.report import load_schema
from mkdocs_platform.scorecard.rules import all_rules
from mkdocs_platform.scorecard.sarif import STAGE_RULES, build_sarif
from mkdocs_platform.scorecard.waivers import (
    display_path,
    known_rule_ids,
    load_waivers,
    normalize_pointer,
    waive_check,
)

from .conftest import build_site, run_cli, write_files
from .test_scorecard import NOW, check_of, good_spec, load_api, pet, pets

WAIVERS = Path(__file__).parent / "fixtures" / "waivers"
GET_PET = "#/paths/~1pets~1{petId}/get"


def spec_with_failures() -> dict[str, Any]:
    """Two operations without a summary, and no license."""
    spec = good_spec()
    del pet(spec)["get"]["summary"]
    del pets(spec)["post"]["summary"]
    del spec["info"]["license"]
    return spec


def score(
    tmp_path: Path,
    waivers: str | dict[str, Any] | None,
    spec: dict[str, Any] | None = None,
    **kw: Any,
) -> Scorecard:
    """Score the spec (`pets` API) with a waiver file of this content (text or data)."""
    write_files(tmp_path / "api", {"openapi.yaml": spec or spec_with_failures()})
    settings_data: dict[str, Any] = {}
    if waivers is not None:
        path = tmp_path / "waivers.yaml"
        path.write_text(waivers if isinstance(waivers, str) else yaml.safe_dump(waivers))
        settings_data["waivers"] = str(path)
    settings = parse_scorecard({**settings_data, **kw})
    api = load_api(tmp_path / "api", "openapi.yaml")
    return score_apis([api], settings, now=NOW)[0]


def rules_of(card: Scorecard) -> list[str]:
    return [f.rule for f in card.findings]


# -- applied -----------------------------------------------------------------------------


def test_an_exact_waiver_makes_its_item_pass_and_is_reported_as_waived(tmp_path):
    unwaived = score(tmp_path / "a", None)
    card = score(tmp_path / "b", (WAIVERS / "applied.yaml").read_text())
    before, after = (
        check_of(unwaived, "doc-operation-summary"),
        check_of(card, "doc-operation-summary"),
    )
    assert (before.applicable, before.passed, before.waived) == (4, 2, 0)
    assert (after.applicable, after.passed, after.waived) == (4, 3, 1)
    assert [f.pointer for f in after.findings] == ["#/paths/~1pets/post"]
    (waived,) = after.waived_findings
    assert waived.finding.pointer == GET_PET
    assert waived.waiver.reason == "Everyone knows what this does."
    assert waived.waiver.owner == "team-pets"
    assert waived.waiver.expires == date(2027, 6, 30)
    assert [w.finding for w in card.waived_findings] == [waived.finding]
    assert waived.finding not in card.findings
    assert card.score > unwaived.score
    assert not [r for r in rules_of(card) if r.startswith("waiver-")]


def test_a_prefix_waiver_covers_every_place_below_it(tmp_path):
    waivers = {
        "pets": {
            "doc-operation-summary": [
                {"pointer": "#/paths/*", "reason": "summaries come later"},
            ],
            "own-contact-license": [{"pointer": "/info", "reason": "internal API"}],
        }
    }
    card = score(tmp_path, waivers)
    assert check_of(card, "doc-operation-summary").waived == 2
    assert check_of(card, "own-contact-license").failing is False
    assert not card.findings
    assert card.score == 100


def test_waived_findings_leave_gates_and_annotations_and_are_marked_in_reports(tmp_path):
    card = score(tmp_path, (WAIVERS / "applied.yaml").read_text())
    gate = evaluate_gates([card], ScorecardSettings(fail_on="warn"))
    assert "it has 2 findings at or above warn" in gate.message
    assert not any("{petId}/get" in line for line in annotations([card], "warn", 50))
    report = build_report([card])
    jsonschema.validate(report, load_schema(), cls=jsonschema.Draft202012Validator)
    entry = report["apis"][0]
    (waived,) = entry["waived_findings"]
    assert waived["waived"] is True
    assert waived["pointer"] == GET_PET
    assert waived["waiver"] == {
        "reason": "Everyone knows what this does.",
        "owner": "team-pets",
        "expires": "2027-06-30",
        "file": display_path(tmp_path / "waivers.yaml"),
        "line": 3,
    }
    assert all("waived" not in f for f in entry["findings"])
    check = next(c for c in entry["checks"] if c["id"] == "doc-operation-summary")
    assert (check["passed"], check["waived"]) == (3, 1)
    # SARIF keeps the result, suppressed with the waiver's reason.
    results = build_sarif([card])["runs"][0]["results"]
    suppressed = [r for r in results if "suppressions" in r]
    assert len(suppressed) == 1
    assert suppressed[0]["suppressions"][0]["justification"] == "Everyone knows what this does."
    assert suppressed[0]["suppressions"][0]["status"] == "accepted"
    # JUnit: still one failing item of a warn check, so skipped, and it says one was waived.
    assert "(1 waived)" in dumps_junit(build_junit([card]))


def test_a_waiver_for_a_file_only_waives_findings_in_that_file(tmp_path):
    waivers = {
        "pets": {
            "doc-operation-summary": [
                {"pointer": GET_PET, "file": "other.yaml", "reason": "elsewhere"},
            ]
        }
    }
    card = score(tmp_path, waivers)
    assert check_of(card, "doc-operation-summary").waived == 0
    assert "waiver-stale" in rules_of(card)


def test_one_item_with_several_findings_passes_only_when_all_are_waived():
    def tally() -> CheckResult:
        result = CheckResult(
            rule_id="oas-valid", severity="error", locate=lambda t: ("f", 1, 1, "#")
        )
        for pointer in ("#/a", "#/b"):
            result.claim(Finding("oas-valid", "error", "structure", pointer, "f", 1, 1, pointer))
        result.note(Finding("oas-valid", "info", "tool", "1 more not shown", "f", 1, 1, "#"))
        result.applicable, result.passed = 1, 0
        return result

    def waiving(*pointers: str):
        def match(finding: Finding) -> Waiver | None:
            if finding.pointer in pointers:
                return Waiver(api="x", rule="oas-valid", reason="r", pointer=finding.pointer)
            return None

        return match

    kept, waived, rise = waive_check(tally(), "documents", waiving("#/a"))
    assert (len(kept), len(waived), rise) == (2, 1, 0)
    kept, waived, rise = waive_check(tally(), "documents", waiving("#/a", "#/b"))
    assert (len(kept), len(waived), rise) == (1, 2, 1)
    # A noted finding (context, not an item) may be waived; nothing passes because of it.
    _, waived, rise = waive_check(tally(), "documents", waiving("#"))
    assert (len(waived), rise) == (1, 0)


# -- expired and stale -------------------------------------------------------------------


def test_an_expired_waiver_waives_nothing_and_is_a_finding_at_its_line(tmp_path):
    text = (WAIVERS / "applied.yaml").read_text().replace("2027-06-30", "2026-11-26")
    card = score(tmp_path, text)
    assert check_of(card, "doc-operation-summary").waived == 0
    expired = [f for f in card.findings if f.rule == "waiver-expired"]
    assert len(expired) == 1
    finding = expired[0]
    assert (finding.severity, finding.finding_class) == ("warn", "rule")
    assert finding.file == display_path(tmp_path / "waivers.yaml")
    assert finding.line == 6  # the line of its `expires`
    assert finding.pointer == "#/pets/doc-operation-summary/0/expires"
    assert "expired on 2026-11-26 (owner team-pets)" in finding.message
    # It holds through its last day.
    text = (WAIVERS / "applied.yaml").read_text().replace("2027-06-30", "2026-11-27")
    assert check_of(score(tmp_path / "2", text), "doc-operation-summary").waived == 1


def test_a_waiver_that_matches_nothing_is_stale(tmp_path):
    card = score(tmp_path, (WAIVERS / "stale.yaml").read_text())
    stale = [f for f in card.findings if f.rule == "waiver-stale"]
    assert [f.line for f in stale] == [4, 7]
    assert "the waiver of doc-tags at #/paths/~1pets/get for pets matches no finding" in (
        stale[0].message
    )
    assert stale[1].pointer == "#/pets/no-such-rule/0"
    assert "(no rule has the id 'no-such-rule')" in stale[1].message
    # The used waiver in the same file is not stale.
    assert check_of(card, "doc-operation-summary").waived == 1


def test_a_waiver_of_a_known_rule_that_does_not_run_says_so(tmp_path):
    waivers = {"pets": {"py-type-annotations": [{"symbol": "pets.*", "reason": "later"}]}}
    (stale,) = [f for f in score(tmp_path, waivers).findings if f.rule == "waiver-stale"]
    assert "(the rule py-type-annotations does not run for this API)" in stale.message


def test_a_misspelt_rule_id_is_named_with_the_nearest_one(tmp_path):
    waivers = {"pets": {"doc-operation-sumary": [{"pointer": GET_PET, "reason": "typo"}]}}
    card = score(tmp_path, waivers)
    (stale,) = [f for f in card.findings if f.rule == "waiver-stale"]
    assert stale.message == (
        f"the waiver of doc-operation-sumary at {GET_PET} for pets matches no finding any "
        "more (no rule has the id 'doc-operation-sumary'; did you mean "
        "'doc-operation-summary'?); remove it"
    )
    assert (stale.line, stale.pointer) == (3, "#/pets/doc-operation-sumary/0")
    # The findings of the stages before scoring have rule ids a waiver may name as well.
    loose = {"pets": {"catalog": [{"pointer": "#", "reason": "no catalog file yet"}]}}
    (stale,) = [f for f in score(tmp_path / "2", loose).findings if f.rule == "waiver-stale"]
    assert "no rule has the id" not in stale.message


def test_every_rule_id_a_report_describes_may_be_waived():
    assert set(STAGE_RULES) <= known_rule_ids()
    assert set(all_rules()) <= known_rule_ids()


def test_a_misspelt_api_id_is_named_with_the_nearest_one(tmp_path):
    waivers = {"pest": {"own-owner": [{"pointer": "#", "reason": "typo in the id"}]}}
    (stale,) = [f for f in score(tmp_path, waivers).findings if f.rule == "waiver-stale"]
    assert stale.message == (
        "the waivers for 'pest' match no API of the portal (no API has that id; did you mean "
        "'pets'?); remove them or correct the id"
    )
    far = {"inventory": {"own-owner": [{"pointer": "#", "reason": "gone"}]}}
    (stale,) = [f for f in score(tmp_path / "2", far).findings if f.rule == "waiver-stale"]
    assert "(no API has that id any more)" in stale.message


def test_a_build_and_a_check_word_misspelt_ids_alike(tmp_path, private_user_cache, capsys):
    write_files(tmp_path / "api", {"openapi.yaml": spec_with_failures()})
    (tmp_path / "waivers.yaml").write_text(
        yaml.safe_dump(
            {
                "pets": {"doc-operation-sumary": [{"pointer": GET_PET, "reason": "typo"}]},
                "pest": {"own-owner": [{"pointer": "#", "reason": "typo"}]},
            }
        )
    )
    plugin = {
        "sources": [{"name": "pets", "path": "api"}],
        "scorecard": {"waivers": "waivers.yaml"},
    }
    site = build_site(tmp_path, plugin)
    (built,) = json.loads((site.dir / "scorecards.json").read_text())["apis"]
    in_build = sorted(f["message"] for f in built["findings"] if f["rule"] == "waiver-stale")
    assert main(["check", "--config", str(tmp_path / "mkdocs.yml"), "--format", "json"]) == 0
    (checked,) = json.loads(capsys.readouterr().out)["apis"]
    in_check = sorted(f["message"] for f in checked["findings"] if f["rule"] == "waiver-stale")
    assert in_build == in_check
    assert len(in_build) == 2
    assert "did you mean 'doc-operation-summary'?" in in_build[0]
    assert "did you mean 'pets'?" in in_build[1]


def test_a_missing_waiver_file_fails_the_build_and_the_check(tmp_path, private_user_cache, caplog):
    write_files(tmp_path / "api", {"openapi.yaml": spec_with_failures()})
    plugin = {
        "sources": [{"name": "pets", "path": "api"}],
        "scorecard": {"waivers": "waivers.yaml"},
    }
    missing = tmp_path / "waivers.yaml"
    with pytest.raises(Abort):
        build_site(tmp_path, plugin)
    assert (
        "Plugin 'platform' option 'scorecard': Sub-option 'waivers': "
        f"The path '{missing}' isn't an existing file."
    ) in caplog.text
    assert not (tmp_path / "site").exists()
    done = run_cli("check", "--config", "mkdocs.yml", cwd=tmp_path)
    assert done.returncode == 2, done.stdout
    assert f"The path '{missing}' isn't an existing file." in done.stderr
    done = run_cli("check", "api", "--waivers", "nowhere.yaml", cwd=tmp_path)
    assert done.returncode == 2, done.stdout
    assert "nowhere.yaml: no such waiver file" in done.stderr


def test_waivers_for_an_api_the_portal_lacks_are_stale_on_every_api(tmp_path):
    waivers = {"pest": {"own-owner": [{"pointer": "#", "reason": "typo in the id"}]}}
    card = score(tmp_path, waivers)
    (stale,) = [f for f in card.findings if f.rule == "waiver-stale"]
    assert stale.line == 1
    assert "the waivers for 'pest' match no API of the portal" in stale.message
    # A run over some APIs only (the CLI) cannot tell.
    path = tmp_path / "waivers.yaml"
    api = load_api(tmp_path / "api", "openapi.yaml")
    partial = score_apis([api], ScorecardSettings(waivers=str(path)), now=NOW, complete=False)[0]
    assert "waiver-stale" not in rules_of(partial)


def test_an_unloadable_api_has_no_stale_waivers(tmp_path):
    write_files(tmp_path / "api", {"openapi.yaml": "openapi: 3.0.3\ninfo: [unclosed\n"})
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(yaml.safe_dump({"pets": {"own-owner": [{"pointer": "#", "reason": "r"}]}}))
    from mkdocs_platform.models import ApiEntry, Source, SourceSettings
    from mkdocs_platform.openapi import read_spec

    reading = read_spec(tmp_path / "api/openapi.yaml", tmp_path / "api", 1 << 20)
    api = ApiEntry(
        id="pets",
        source=Source(settings=SourceSettings(name="s"), root=tmp_path / "api"),
        spec_path="openapi.yaml",
        findings=reading.findings,
    )
    card = score_apis([api], ScorecardSettings(waivers=str(waivers)), now=NOW)[0]
    assert rules_of(card) == ["oas-parse"]


# -- malformed ---------------------------------------------------------------------------


def test_a_waiver_file_that_is_not_yaml_is_an_error_finding_not_a_crash(tmp_path):
    card = score(tmp_path, (WAIVERS / "broken.yaml").read_text())
    (invalid,) = [f for f in card.findings if f.rule == "waiver-invalid"]
    assert invalid.severity == "error"
    assert invalid.line == 4
    assert "cannot be read (invalid YAML" in invalid.message
    assert check_of(card, "doc-operation-summary").waived == 0
    gate = evaluate_gates([card], ScorecardSettings(fail_on="error"))
    assert gate.failed


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("- pets\n", "must map API ids to rules; it holds a list"),
        ("pets: [1]\n", "the waivers for 'pets' must map rule ids to lists"),
        (
            "pets:\n  own-owner: {pointer: '#'}\n",
            "the waivers of own-owner for 'pets' must be a list",
        ),
        ("pets:\n  own-owner: [text]\n", "must be a mapping with pointer or symbol, reason"),
        ("pets:\n  own-owner:\n    - {pointer: '#'}\n", "has no reason"),
        ("pets:\n  own-owner:\n    - {reason: r}\n", "must name exactly one of pointer or symbol"),
        (
            "pets:\n  own-owner:\n    - {pointer: '#', symbol: a.b, reason: r}\n",
            "must name exactly one of pointer or symbol",
        ),
        (
            "pets:\n  own-owner:\n    - {pointer: '#', reason: r, expiry: 2030-01-01}\n",
            "has the unknown key 'expiry'",
        ),
        (
            "pets:\n  own-owner:\n    - {pointer: '#', reason: r, expires: next year}\n",
            "expires must be an ISO date (2027-06-30), got 'next year'",
        ),
        ("pets:\n  own-owner:\n    - {pointer: 3, reason: r}\n", "'pointer' must be text"),
    ],
)
def test_malformed_entries_are_findings_and_waive_nothing(tmp_path, content, message):
    card = score(tmp_path, content)
    invalid = [f for f in card.findings if f.rule == "waiver-invalid"]
    assert len(invalid) == 1, card.findings
    assert message in invalid[0].message
    assert invalid[0].line is not None
    assert invalid[0].file == display_path(tmp_path / "waivers.yaml")
    assert check_of(card, "own-contact-license").waived == 0


def test_a_malformed_item_does_not_stop_the_others(tmp_path):
    content = (
        "pets:\n"
        "  doc-operation-summary:\n"
        "    - {pointer: '#/paths/~1pets/post'}\n"
        "    - {pointer: '#/paths/~1pets~1{petId}/get', reason: fine}\n"
    )
    card = score(tmp_path, content)
    assert check_of(card, "doc-operation-summary").waived == 1
    (invalid,) = [f for f in card.findings if f.rule == "waiver-invalid"]
    assert invalid.line == 3
    assert invalid.pointer == "#/pets/doc-operation-summary/0"


def test_a_missing_or_empty_waiver_file(tmp_path):
    missing = load_waivers(tmp_path / "nowhere.yaml")
    (problem,) = missing.problems
    assert problem.rule == "waiver-invalid"
    assert "cannot be read" in problem.message
    (tmp_path / "empty.yaml").write_text("# nothing waived yet\n")
    empty = load_waivers(tmp_path / "empty.yaml")
    assert (empty.problems, empty.waivers) == ([], {})


def test_a_json_waiver_file_works_too(tmp_path):
    path = tmp_path / "waivers.json"
    path.write_text(
        json.dumps({"pets": {"own-contact-license": [{"pointer": "#/info", "reason": "internal"}]}})
    )
    write_files(tmp_path / "api", {"openapi.yaml": spec_with_failures()})
    api = load_api(tmp_path / "api", "openapi.yaml")
    card = score_apis([api], ScorecardSettings(waivers=str(path)), now=NOW)[0]
    assert check_of(card, "own-contact-license").waived == 1


def test_pointers_are_normalized():
    assert normalize_pointer("/paths/~1pets") == "#/paths/~1pets"
    assert normalize_pointer("#/") == "#"
    assert normalize_pointer("#/info/") == "#/info"


def test_display_path_is_relative_to_the_repository(tmp_path):
    (tmp_path / "repo/.git").mkdir(parents=True)
    assert display_path(tmp_path / "repo/config/waivers.yaml") == "config/waivers.yaml"


# -- settings ----------------------------------------------------------------------------


def test_settings_take_a_waiver_path_and_annotation_options(tmp_path):
    absolute = tmp_path / "abs" / "waivers.yaml"
    write_files(absolute.parent, {"waivers.yaml": "{}\n"})
    settings = parse_scorecard(
        {"waivers": str(absolute), "annotations": {"severity": "error", "cap": 5}}
    )
    assert settings.waivers == str(absolute)
    assert (settings.annotations_severity, settings.annotations_cap) == ("error", 5)
    defaults = parse_scorecard({"waivers": None})
    assert (defaults.waivers, defaults.annotations_severity, defaults.annotations_cap) == (
        None,
        "warn",
        50,
    )
    # A relative waiver path is the config file's neighbour, wherever the build runs from.
    config_file = tmp_path / "portal" / "mkdocs.yml"
    write_files(config_file.parent, {"waivers.yml": "{}\n"})
    relative = parse_scorecard({"waivers": "waivers.yml"}, str(config_file))
    assert relative.waivers == str(tmp_path.resolve() / "portal" / "waivers.yml")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"waivers": 3}, "Sub-option 'waivers': Expected type: <class 'str'>"),
        ({"waivers": "/no/such/waivers.yaml"}, "'/no/such/waivers.yaml' isn't an existing file"),
        ({"annotations": "warn"}, "Sub-option 'annotations': The configuration is invalid"),
        ({"annotations": {"level": "warn"}}, "Unrecognised configuration name: level"),
        (
            {"annotations": {"severity": "warning"}},
            "Sub-option 'annotations': Sub-option 'severity': Expected one of",
        ),
        ({"annotations": {"cap": -1}}, "Sub-option 'cap': expected a whole number of 0 or more"),
        ({"annotations": {"cap": True}}, "Sub-option 'cap': expected a whole number"),
    ],
)
def test_settings_reject_bad_waiver_and_annotation_values(data, message):
    with pytest.raises(ConfigError) as caught:
        parse_scorecard(data)
    assert message in str(caught.value)


def test_waiving_every_structure_error_lifts_the_cap_and_the_invalid_flag(tmp_path):
    spec = good_spec()
    spec["paths"]["/pets"]["get"]["responses"] = {}
    invalid = score(tmp_path / "a", None, spec)
    assert (invalid.valid, invalid.capped_by) == (False, ("oas-valid",))
    pointers = sorted({f.pointer for f in invalid.findings if f.finding_class == "structure"})
    waivers = {"pets": {"oas-valid": [{"pointer": p, "reason": "validator bug"} for p in pointers]}}
    card = score(tmp_path / "b", waivers, spec)
    assert (card.valid, card.capped_by) == (True, ())
    assert check_of(card, "oas-valid").waived == 1
