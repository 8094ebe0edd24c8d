"""`mkdocs-platform check` on real folders: exit codes, text and JSON reports, errors."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from mkdocs_platform.cli import main
from mkdocs_platform.scorecard.report import load_schema
from mkdocs_platform.scorecard.score import SCORING_VERSION

from .conftest import minimal_spec, write_files

FIXTURES = Path(__file__).parent / "fixtures" / "scorecard"


@pytest.fixture(autouse=True)
def user_cache(private_user_cache: Path) -> Path:
    """The user's cache folder, where a check keeps its validation cache: here, a temporary one."""
    return private_user_cache


@pytest.fixture
def good_repo(tmp_path: Path) -> Path:
    """A service repository whose only spec passes every check."""
    repo = tmp_path / "pets-service"
    repo.mkdir()
    shutil.copy(FIXTURES / "good.yaml", repo / "openapi.yaml")
    return repo


@pytest.fixture
def weak_repo(tmp_path: Path) -> Path:
    """A repository with a valid but thin spec (no servers, security, owner, descriptions)."""
    repo = tmp_path / "orders-service"
    write_files(repo, {"api/openapi.yaml": minimal_spec("Orders")})
    return repo


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["check", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_passing_repository_exits_0_with_a_text_block(capsys, good_repo):
    code, out, err = run(capsys, str(good_repo), "--fail-under", "90")
    assert code == 0
    assert err == ""
    assert out.startswith("pets-service  openapi.yaml  (Pets 1.2.0)\n")
    assert "  score 100 (A), gold\n" in out
    assert "findings" not in out
    assert out.endswith(
        f"The scorecard gate passes for all 1 APIs.\n"
        f"mkdocs-platform 0.1.0, scoring version {SCORING_VERSION}\n"
    )


def test_text_report_shows_control_characters_from_a_spec_as_escapes(capsys, tmp_path):
    # An ESC sequence in a title would drive the reader's terminal; a line break would forge
    # a line of the report.
    spec = minimal_spec("Pets\x1b]0;owned\x07\nfindings (0):")
    spec["paths"]["/pets"]["get"]["summary"] = "List\x9b2J"
    write_files(tmp_path / "repo", {"openapi.yaml": spec})
    code, out, _ = run(capsys, str(tmp_path / "repo"))
    assert code == 0
    assert "\x1b" not in out
    assert "\x07" not in out
    assert "\x9b" not in out
    assert "repo  openapi.yaml  (Pets\\x1b]0;owned\\x07\\x0afindings (0): 1.0.0)\n" in out


def test_gate_failure_exits_1_and_lists_reasons_and_findings_with_lines(capsys, weak_repo):
    code, out, _ = run(capsys, str(weak_repo), "--fail-under", "90", "--findings")
    assert code == 1
    block = out.split("\n\n")[0]
    assert block.startswith("orders-service  api/openapi.yaml  (Orders 1.0.0)")
    assert "top reasons:" in block
    assert "    own-owner " in block
    assert "    api/openapi.yaml" in block
    assert "  error  sec-schemes-defined  the API defines no security scheme" in block
    assert "  warn  doc-operation-summary" not in block
    assert (
        "  warn  doc-operation-description  GET /pets has no description  [#/paths/~1pets/get]"
        in block
    )
    assert "The scorecard gate fails for 1 of 1 APIs. orders-service scores" in out


@pytest.fixture
def mixed_repo(tmp_path: Path) -> Path:
    """A repository whose spec has findings of every severity: error, warn and info."""
    from .test_reports import weak_spec

    repo = tmp_path / "shelter"
    write_files(repo, {"openapi.yaml": weak_spec()})
    return repo


def finding_lines(out: str) -> list[str]:
    """The listed findings of a text report: `file:line:column  severity  rule  message`."""
    return [line for line in out.splitlines() if line.startswith("    openapi.yaml:")]


def test_text_report_sums_up_findings_by_default(capsys, mixed_repo):
    code, out, _ = run(capsys, str(mixed_repo), "--format", "json")
    (api,) = json.loads(out)["apis"]
    counts = dict.fromkeys(("error", "warn", "info"), 0)
    for finding in api["findings"]:
        counts[finding["severity"]] += 1
    assert all(counts.values())
    total = sum(counts.values())
    code, out, _ = run(capsys, str(mixed_repo))
    assert code == 0
    block = out.split("\n\n")[0]
    head, score, summary = block.splitlines()[:3]
    assert head == "shelter  openapi.yaml  (Pets 1.2.0)"
    assert score.startswith(f"  score {api['score']} ({api['grade']}), ")
    assert summary == (
        f"  {total} findings: {counts['error']} error, {counts['warn']} warn, {counts['info']} info"
    )
    assert "  top reasons:" in block
    assert "    sec-https-only " in block  # the error-level check that costs points
    assert finding_lines(out) == []
    assert "findings (" not in out
    assert (
        f"\n\n{total} findings not listed: add --findings to list them; --severity warn or "
        "--severity error for fewer.\n\n"
    ) in out


def test_findings_option_lists_every_finding(capsys, mixed_repo):
    code, out, _ = run(capsys, str(mixed_repo), "--findings")
    assert code == 0
    listed = finding_lines(out)
    total = int(out.splitlines()[2].split()[0])
    assert len(listed) == total
    assert f"  findings ({total}):" in out
    assert "not listed" not in out
    assert {line.split()[1] for line in listed} == {"error", "warn", "info"}
    assert any(
        "  error  sec-https-only  " in line and line.endswith("[#/servers/0]") for line in listed
    ), listed
    # The short and the long names of the option that experienced users reach for.
    assert run(capsys, str(mixed_repo), "-v")[1] == out
    assert run(capsys, str(mixed_repo), "--verbose")[1] == out


def test_severity_option_counts_and_lists_only_findings_at_or_above_it(capsys, mixed_repo):
    everything = finding_lines(run(capsys, str(mixed_repo), "--findings")[1])
    code, out, _ = run(capsys, str(mixed_repo), "--severity", "warn", "--findings")
    assert code == 0
    listed = finding_lines(out)
    assert listed == [line for line in everything if line.split()[1] in ("warn", "error")]
    warns = sum(1 for line in listed if line.split()[1] == "warn")
    errors = len(listed) - warns
    assert f"  {len(listed)} findings: {errors} error, {warns} warn\n" in out
    code, out, _ = run(capsys, str(mixed_repo), "--severity", "error")
    assert f"  {errors} finding{'' if errors == 1 else 's'}: {errors} error\n" in out
    assert finding_lines(out) == []
    assert f"{errors} finding{'' if errors == 1 else 's'} not listed: add --findings to " in out
    assert "--severity warn" not in out  # nothing narrower than errors only to suggest


def test_severity_option_leaves_the_gates_alone(capsys, mixed_repo):
    code, out, _ = run(capsys, str(mixed_repo), "--severity", "error", "--fail-on", "info")
    assert code == 1
    assert "The scorecard gate fails for 1 of 1 APIs." in out


def test_findings_and_severity_are_for_the_text_report(capsys, mixed_repo):
    for report_format in ("json", "sarif", "junit"):
        for option in (["--findings"], ["--severity", "warn"]):
            code, out, err = run(capsys, str(mixed_repo), "--format", report_format, *option)
            assert code == 2
            assert out == ""
            assert err == (
                "mkdocs-platform: error: --findings and --severity shape the text report; the "
                "json, sarif and junit reports always hold every finding\n"
            )
    code, _, err = run(capsys, str(mixed_repo), "--severity", "warning")
    assert code == 2
    assert "invalid choice: 'warning' (choose from 'error', 'warn', 'info')" in err


def test_without_a_gate_a_weak_api_still_exits_0(capsys, weak_repo):
    assert run(capsys, str(weak_repo))[0] == 0


def test_target_level_and_fail_on_options_gate_too(capsys, good_repo, weak_repo):
    assert run(capsys, str(good_repo), "--target-level", "gold", "--fail-on", "info")[0] == 0
    assert run(capsys, str(weak_repo), "--target-level", "bronze")[0] == 1
    assert run(capsys, str(weak_repo), "--fail-on", "error")[0] == 1


def test_json_report_to_a_file_validates_and_stdout_stays_empty(
    capsys, tmp_path, good_repo, weak_repo
):
    output = tmp_path / "out" / "scorecards.json"
    code, out, err = run(
        capsys,
        str(good_repo),
        str(weak_repo),
        "--format",
        "json",
        "--output",
        str(output),
        "--fail-under",
        "90",
    )
    assert code == 1
    assert out == ""
    assert "orders-service scores" in err  # the gate's paragraph still reaches the log
    report = json.loads(output.read_text())
    jsonschema.validate(report, load_schema(), cls=jsonschema.Draft202012Validator)
    # In the portal's order (by id), as a build's scorecards.json lists them.
    assert [a["id"] for a in report["apis"]] == ["orders-service", "pets-service"]
    assert report["apis"][1]["score"] == 100


@pytest.mark.skipif(os.name == "nt", reason="POSIX file modes")
def test_output_files_get_the_usual_mode_of_new_files(capsys, tmp_path, good_repo):
    previous = os.umask(0o022)
    try:
        for report_format in ("text", "json", "sarif", "junit"):
            output = tmp_path / f"report.{report_format}"
            code, _, _ = run(
                capsys, str(good_repo), "--format", report_format, "--output", str(output)
            )
            assert code == 0
            assert stat.S_IMODE(output.stat().st_mode) == 0o644, report_format
    finally:
        os.umask(previous)


def test_json_report_on_stdout_parses(capsys, good_repo):
    code, out, _ = run(capsys, str(good_repo), "--format", "json")
    assert code == 0
    assert json.loads(out)["apis"][0]["grade"] == "A"


def test_a_spec_file_is_read_directly_and_named_after_itself(capsys, tmp_path):
    spec = tmp_path / "specs" / "billing.yaml"
    write_files(tmp_path, {"specs/billing.yaml": minimal_spec("Billing")})
    code, out, _ = run(capsys, str(spec))
    assert code == 0
    assert out.startswith("billing  billing.yaml  (Billing 1.0.0)")


def test_a_spec_file_in_a_repository_keeps_its_path_and_may_refer_to_siblings(capsys, tmp_path):
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURES / "split", repo / "services" / "split")
    (repo / ".git").mkdir()
    code, out, _ = run(capsys, str(repo / "services" / "split" / "openapi.yaml"), "--findings")
    assert code == 0
    assert out.startswith("split  services/split/openapi.yaml  (Split 1.0)")
    finding = next(line for line in out.splitlines() if "doc-property-description" in line)
    assert "the property 'name' of the 200 response of GET /pets" in finding
    # With the pipeline's locator the finding names the schema file and its line; without it,
    # the spec and the pointer.
    assert finding.strip().startswith(
        ("services/split/schemas/pet.yaml:", "services/split/openapi.yaml")
    )
    assert "oas-refs-resolve" not in out


def test_several_specs_in_a_folder_get_path_ids(capsys, tmp_path):
    write_files(
        tmp_path / "mono",
        {
            "a/openapi.yaml": minimal_spec("A"),
            "b/openapi.json": minimal_spec("B"),
            "notes/readme.yaml": {"not": "a spec"},
        },
    )
    code, out, _ = run(capsys, str(tmp_path / "mono"))
    assert code == 0
    ids = [line.split()[0] for line in out.split("\n\n") if line.startswith("mono")]
    assert ids == ["mono-a-openapi", "mono-b-openapi"]


def test_unloadable_spec_scores_0_and_fails_a_gate(capsys, tmp_path):
    write_files(tmp_path / "svc", {"openapi.yaml": "openapi: 3.0.3\ninfo: [unclosed\n"})
    code, out, _ = run(capsys, str(tmp_path / "svc"), "--fail-under", "1", "--findings")
    assert code == 1
    assert "score 0 (F), no level" in out
    assert "the spec could not be loaded" in out
    assert "    openapi.yaml:3:1  error  oas-parse  the spec cannot be loaded: invalid YAML" in out


def test_missing_path_exits_2(capsys, tmp_path):
    code, out, err = run(capsys, str(tmp_path / "nowhere"))
    assert code == 2
    assert out == ""
    assert "nowhere: no such file or folder" in err


def test_folder_without_specs_exits_2(capsys, tmp_path):
    (tmp_path / "empty").mkdir()
    code, _, err = run(capsys, str(tmp_path / "empty"))
    assert code == 2
    assert "no OpenAPI spec found" in err


def test_a_file_that_is_not_openapi_exits_2(capsys, tmp_path):
    write_files(tmp_path, {"config.yaml": {"site_name": "x"}})
    code, _, err = run(capsys, str(tmp_path / "config.yaml"))
    assert code == 2
    assert "not an OpenAPI document" in err


def test_two_apis_with_one_id_exit_2(capsys, tmp_path):
    write_files(
        tmp_path, {"x/pets/openapi.yaml": minimal_spec(), "y/pets/openapi.yaml": minimal_spec()}
    )
    code, _, err = run(
        capsys, str(tmp_path / "x/pets/openapi.yaml"), str(tmp_path / "y/pets/openapi.yaml")
    )
    assert code == 2
    assert "two APIs have the id 'pets'" in err


@pytest.mark.parametrize("value", ["101", "-1", "ninety"])
def test_fail_under_outside_0_to_100_exits_2(capsys, good_repo, value):
    code, _, err = run(capsys, str(good_repo), "--fail-under", value)
    assert code == 2
    assert "--fail-under" in err


def test_unknown_format_or_command_exits_2(capsys, good_repo):
    assert run(capsys, str(good_repo), "--format", "xml")[0] == 2
    assert main(["score"]) == 2
    assert main([]) == 2
    capsys.readouterr()


def test_default_path_is_the_current_folder(capsys, good_repo, monkeypatch):
    monkeypatch.chdir(good_repo)
    code, out, _ = run(capsys)
    assert code == 0
    assert out.startswith("pets-service  openapi.yaml")


def test_installed_entry_point_runs_as_a_process(tmp_path, good_repo):
    spec = yaml.safe_load((good_repo / "openapi.yaml").read_text())
    del spec["x-owner"]
    (good_repo / "openapi.yaml").write_text(yaml.safe_dump(spec))
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs_platform.cli",
            "check",
            str(good_repo),
            "--target-level",
            "bronze",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    assert "does not reach the target level bronze" in result.stdout


VALIDATORS_LOADED = """
import sys
from mkdocs_platform.cli import main
code = main(["check", sys.argv[1], "--output", sys.argv[2]])
validators = ("openapi_spec_validator", "openapi_schema_validator", "jsonschema")
print(code, sorted(m for m in validators if m in sys.modules))
"""


def test_a_check_with_nothing_changed_never_loads_the_validators(tmp_path, good_repo):
    def check() -> str:
        result = subprocess.run(
            [sys.executable, "-c", VALIDATORS_LOADED, str(good_repo), str(tmp_path / "out.txt")],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    report = tmp_path / "out.txt"
    assert check() == "0 ['jsonschema', 'openapi_schema_validator', 'openapi_spec_validator']"
    first = report.read_text()
    # Validation and scoring come from the cache: the validators' second of imports is saved.
    assert check() == "0 []"
    assert report.read_text() == first


def test_sarif_report_on_stdout_validates_with_repository_paths(capsys, tmp_path):
    from .test_reports import sarif_validator

    repo = tmp_path / "mono"
    (repo / ".git").mkdir(parents=True)
    write_files(repo / "services/orders", {"openapi.yaml": minimal_spec("Orders")})
    code, out, _ = run(capsys, str(repo / "services/orders"), "--format", "sarif")
    assert code == 0
    log = json.loads(out)
    sarif_validator().validate(log)
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in log["runs"][0]["results"]
    }
    assert uris == {"services/orders/openapi.yaml"}


def test_junit_report_to_a_file(capsys, tmp_path, good_repo, weak_repo):
    import xml.etree.ElementTree as ET

    output = tmp_path / "junit.xml"
    code, out, err = run(
        capsys,
        str(good_repo),
        str(weak_repo),
        "--format",
        "junit",
        "--output",
        str(output),
        "--fail-on",
        "error",
    )
    assert (code, out) == (1, "")
    assert "orders-service" in err
    root = ET.parse(output).getroot()
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert set(suites) == {"pets-service", "orders-service"}
    assert suites["pets-service"].get("failures") == "0"
    gate = suites["orders-service"].find("testcase[@name='gate:fail_on']/failure")
    assert gate is not None
    assert int(suites["orders-service"].get("failures")) >= 2  # the gate and sec-schemes-defined


def test_waivers_option_applies_a_waiver_file(capsys, tmp_path, weak_repo):
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(
        "orders-service:\n"
        "  sec-schemes-defined:\n"
        "    - pointer: '#'\n"
        "      reason: a public API\n"
        "      owner: team-orders\n"
        "  own-owner:\n"
        "    - pointer: '#/info'\n"
        "      reason: owned through the platform team's catalog\n"
    )
    code, out, _ = run(
        capsys, str(weak_repo), "--fail-on", "error", "--waivers", str(waivers), "--findings"
    )
    assert code == 0, out
    assert "  waived (2):" in out
    assert "sec-schemes-defined  the API defines no security scheme" in out
    assert "(waived: a public API, team-orders)" in out
    code, _, err = run(capsys, str(weak_repo), "--waivers", str(tmp_path / "none.yaml"))
    assert code == 2
    assert "no such waiver file" in err


def test_github_actions_gets_annotations_on_stderr(capsys, monkeypatch, weak_repo):
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    code, out, err = run(capsys, str(weak_repo), "--format", "json")
    assert code == 0
    json.loads(out)  # the report on stdout stays parseable
    lines = err.splitlines()
    assert lines
    assert lines[0].startswith("::error file=api/openapi.yaml,")
    assert (
        "title=sec-schemes-defined::orders-service: the API defines no security scheme"
        in (lines[0])
    )
    monkeypatch.setenv("GITHUB_ACTIONS", "false")
    assert run(capsys, str(weak_repo))[2] == ""


def test_a_folder_is_read_like_a_portal_source_with_its_catalog(capsys, tmp_path):
    write_files(
        tmp_path / "svc",
        {
            "api/openapi.yaml": minimal_spec("Pets"),
            "catalog-info.yaml": yaml.safe_dump(
                {
                    "apiVersion": "backstage.io/v1alpha1",
                    "kind": "API",
                    "metadata": {"name": "pet-store"},
                    "spec": {
                        "type": "openapi",
                        "owner": "group:pets-team",
                        "lifecycle": "production",
                        "definition": {"$text": "api/openapi.yaml"},
                    },
                }
            ),
        },
    )
    assert main(["check", str(tmp_path / "svc"), "--format", "json"]) == 0
    (api,) = json.loads(capsys.readouterr().out)["apis"]
    assert (api["id"], api["owner"]) == ("pet-store", "group:pets-team")
    assert not [f for f in api["findings"] if f["rule"] == "own-owner"]


# -- --config: the portal's own settings -------------------------------------------------


def write_portal(root: Path, scorecard: str = "", sources: str = "") -> Path:
    """A mkdocs.yml whose platform plugin has the orders repository and these settings."""
    write_files(root / "repos/orders", {"api/openapi.yaml": minimal_spec("Orders")})
    config = root / "portal" / "mkdocs.yml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(
        "site_name: Portal\n"
        "plugins:\n"
        "  - search\n"
        "  - platform:\n"
        "      sources:\n"
        "        - {name: orders, path: ../repos/orders}\n"
        f"{sources}"
        "      scorecard:\n"
        "        fail_on: error\n"
        f"{scorecard}",
        encoding="utf-8",
    )
    return config


def test_config_file_gives_sources_rules_and_gates(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # relative paths are the config file's, not the cwd's
    config = write_portal(tmp_path)
    code, out, _ = run(capsys, "--config", str(config))
    assert code == 1  # fail_on: error, and the spec defines no security scheme
    assert out.startswith("orders  api/openapi.yaml  (Orders 1.0.0)")
    assert "fails for 1 of 1 APIs" in out
    # A bare YAML `off` is the severity off, not false.
    quiet = write_portal(tmp_path / "quiet", "        rules:\n          sec-schemes-defined: off\n")
    code, out, _ = run(capsys, "--config", str(quiet))
    assert "sec-schemes-defined" not in out
    assert "sec-schemes-defined" in run(capsys, "--config", str(config))[1]


def test_flags_override_the_config_files_gates_and_waivers(capsys, tmp_path):
    waivers = tmp_path / "portal" / "waivers.yml"
    config = write_portal(tmp_path, "        waivers: waivers.yml\n")
    waivers.write_text(
        "orders:\n"
        "  sec-schemes-defined:\n    - pointer: '#'\n      reason: a public API\n"
        "  own-owner:\n    - pointer: '#/info'\n      reason: owned by the platform team\n"
    )
    code, out, _ = run(capsys, "--config", str(config), "--findings")
    assert code == 0, out  # the waiver file next to mkdocs.yml takes both errors
    assert "(waived: a public API)" in out
    assert run(capsys, "--config", str(config), "--fail-under", "100")[0] == 1
    other = tmp_path / "none.yml"
    other.write_text("{}\n")
    code, out, _ = run(capsys, "--config", str(config), "--waivers", str(other))
    assert code == 1
    assert "waived" not in out


def test_paths_with_a_config_file_replace_its_sources(capsys, tmp_path, good_repo):
    config = write_portal(tmp_path)
    code, out, _ = run(capsys, str(good_repo), "--config", str(config))
    assert code == 0  # its fail_on gate applies to the good repository, which passes it
    assert out.startswith("pets-service  openapi.yaml")
    assert "orders" not in out


@pytest.mark.parametrize(
    ("scorecard", "message"),
    [
        (
            "        rules:\n          doc-exampels: warn\n",
            (
                "Config value 'plugins': Plugin 'platform' option 'scorecard': Sub-option 'rules': "
                "unknown rule id 'doc-exampels'; did you mean 'doc-examples'?"
            ),
        ),
        (
            "        fail_under: 120\n",
            (
                "Plugin 'platform' option 'scorecard': Sub-option 'fail_under': expected a whole "
                "number from 0 to 100, got 120"
            ),
        ),
        (
            "        overrides:\n          - {apis: [orders], rules: {own-owner: loud}}\n",
            (
                "Sub-option 'overrides': override #1: Sub-option 'rules': rule 'own-owner': expected "
                "off, info, warn, error"
            ),
        ),
    ],
)
def test_config_file_mistakes_exit_2_naming_the_key(capsys, tmp_path, scorecard, message):
    config = write_portal(tmp_path, scorecard)
    code, out, err = run(capsys, "--config", str(config))
    assert (code, out) == (2, "")
    assert message in err
    assert "Traceback" not in err


def test_config_file_source_and_sdk_mistakes_exit_2(capsys, tmp_path):
    config = write_portal(tmp_path, sources="        - {name: gone, path: ../repos/gone}\n")
    code, _, err = run(capsys, "--config", str(config))
    assert code == 2
    assert "option 'sources': source 'gone': the path '../repos/gone'" in err
    config = write_portal(
        tmp_path,
        sources="        - {name: sdk, path: ../repos/orders, sdks: [{package: not-a-name}]}\n",
    )
    code, _, err = run(capsys, "--config", str(config))
    assert code == 2
    assert "source 'sdk': Sub-option 'sdks': Sub-option 'package': expected an importable" in err


def test_config_file_without_the_plugin_or_missing_exits_2(capsys, tmp_path):
    write_files(tmp_path, {"mkdocs.yml": "site_name: x\nplugins: [search]\n"})
    code, _, err = run(capsys, "--config", str(tmp_path / "mkdocs.yml"))
    assert code == 2
    assert "the 'platform' plugin is not configured" in err
    code, _, err = run(capsys, "--config", str(tmp_path / "nowhere.yml"))
    assert code == 2
    assert "nowhere.yml" in err


def test_config_file_is_read_as_mkdocs_reads_it(capsys, tmp_path, monkeypatch):
    write_files(tmp_path / "repos/orders", {"api/openapi.yaml": minimal_spec("Orders")})
    write_files(
        tmp_path / "portal",
        {
            "base.yml": "site_name: Base\nmarkdown_extensions:\n"
            "  - pymdownx.snippets:\n      base_path: !relative $config_dir\n",
            "mkdocs.yml": "INHERIT: base.yml\nplugins:\n  - platform:\n"
            "      sources: [{name: orders, path: ../repos/orders}]\n"
            "      scorecard: {fail_under: !ENV [PORTAL_FAIL_UNDER, 0]}\n",
        },
    )
    config = str(tmp_path / "portal/mkdocs.yml")
    assert run(capsys, "--config", config)[0] == 0
    monkeypatch.setenv("PORTAL_FAIL_UNDER", "100")
    code, out, _ = run(capsys, "--config", config)
    assert code == 1
    assert "its score is under fail_under 100" in out


def test_a_spec_named_after_a_reserved_id_is_checked_under_another(capsys, tmp_path):
    # `search`, `dashboard` and `assets` are the portal's own pages; a check has no pages.
    write_files(tmp_path / "apis", {"search.json": minimal_spec("Search")})
    write_files(tmp_path / "dashboard", {"openapi.yaml": minimal_spec("Dashboard")})
    code, out, err = run(
        capsys,
        str(tmp_path / "apis" / "search.json"),
        str(tmp_path / "dashboard"),
        "--format",
        "json",
    )
    assert (code, err) == (0, "")
    assert sorted(api["id"] for api in json.loads(out)["apis"]) == ["dashboard-api", "search-api"]
