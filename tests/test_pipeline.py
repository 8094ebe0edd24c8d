"""The build and `mkdocs-platform check --config` are one pipeline: same settings, same scores."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from mkdocs_platform.cli import main

EXAMPLE_SITE = Path(__file__).parents[1] / "example_site"


def summary(report: dict[str, Any]) -> dict[str, tuple[Any, ...]]:
    """API id -> (score, grade, level, findings, waived findings) of a `scorecards.json`."""
    return {
        api["id"]: (
            api["score"],
            api["grade"],
            api["level"],
            len(api["findings"]),
            len(api["waived_findings"]),
        )
        for api in report["apis"]
    }


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """A copy of the example portal, built once: (its mkdocs.yml, its `scorecards.json`)."""
    root = tmp_path_factory.mktemp("pipeline")
    shutil.copytree(EXAMPLE_SITE, root / "example", ignore=shutil.ignore_patterns(".cache"))
    config_file = root / "example" / "mkdocs.yml"
    config = load_config(str(config_file), site_dir=str(root / "site"))
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()
    return config_file, json.loads((root / "site" / "scorecards.json").read_text())


def test_check_with_the_portal_config_agrees_with_the_build(example, capsys, monkeypatch):
    config_file, built = example
    # Relative paths in the file (sources, waivers) are the file's neighbours, not the cwd's.
    monkeypatch.chdir(config_file.parents[1])
    code = main(["check", "--config", str(config_file), "--format", "json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    checked = json.loads(out)
    assert [a["id"] for a in checked["apis"]] == [a["id"] for a in built["apis"]]
    assert summary(checked) == summary(built)
    # The comparison covers what once differed: the SDKs' checks and the waiver file.
    with_sdks = {api["id"] for api in built["apis"] if api["sdk"]}
    assert with_sdks >= {"payments", "orders"}
    assert any(f["rule"].startswith("py-") for a in checked["apis"] for f in a["findings"])
    waived = {a["id"]: a["waived_findings"] for a in checked["apis"] if a["waived_findings"]}
    assert set(waived) == {"notifications", "shipping"}
    assert waived["notifications"][0]["rule"] == "sec-https-only"
    assert waived["notifications"][0]["waiver"]["file"].endswith("waivers.yml")


def test_check_as_a_process_agrees_with_the_build(example):
    config_file, built = example
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs_platform.cli",
            "check",
            "--config",
            str(config_file),
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    checked = json.loads(result.stdout)
    assert [a["id"] for a in checked["apis"]] == [a["id"] for a in built["apis"]]
    assert summary(checked) == summary(built)


def test_the_waivers_of_the_example_portal_keep_its_grades(example, capsys):
    config_file, built = example
    without = config_file.with_name("no-waivers.yml")
    text = config_file.read_text(encoding="utf-8")
    assert "waivers: waivers.yml" in text
    without.write_text(text.replace("waivers: waivers.yml", "waivers: null"), encoding="utf-8")
    assert main(["check", "--config", str(without), "--format", "json"]) == 0
    unwaived = summary(json.loads(capsys.readouterr().out))
    waived = summary(built)
    for api_id, (score, grade, level, findings, waived_count) in waived.items():
        before = unwaived[api_id]
        assert (grade, level) == (before[1], before[2])
        # Each waived finding leaves the findings; the score cannot fall for it.
        assert findings + waived_count == before[3]
        assert score >= before[0]


def test_flags_override_the_gates_of_the_config_file(example, capsys):
    config_file, built = example
    lowest = min(api["score"] for api in built["apis"])
    code = main(["check", "--config", str(config_file), "--fail-under", str(lowest + 1)])
    out, _ = capsys.readouterr()
    assert code == 1
    failing = [api["id"] for api in built["apis"] if api["score"] == lowest]
    assert f"The scorecard gate fails for {len(failing)} of {len(built['apis'])} APIs." in out
    assert all(f"{api_id} scores {lowest}" in out for api_id in failing)
    assert main(["check", "--config", str(config_file), "--fail-under", str(lowest)]) == 0
    capsys.readouterr()
