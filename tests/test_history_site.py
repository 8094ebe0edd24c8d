"""History over real builds: records kept between builds, trends, and breaking changes between
releases of a real git repository."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml
from mkdocs.commands.build import build
from mkdocs.config import load_config

from .conftest import Site, build_site, git, make_config, minimal_spec, run_cli


class Service:
    """A service's repository whose spec is released under tags."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir(parents=True)
        git("init", "--quiet", "--initial-branch", "main", cwd=path)

    @property
    def url(self) -> str:
        return self.path.as_uri()

    def release(self, tag: str, spec: dict[str, Any]) -> None:
        (self.path / "openapi.yaml").write_text(yaml.safe_dump(spec, sort_keys=False))
        git("add", "openapi.yaml", cwd=self.path)
        git("commit", "--quiet", "-m", f"Release {tag}", cwd=self.path)
        git("tag", "-a", tag, "-m", tag, cwd=self.path)


def pets_spec(version: str, *, by_id: bool = True, required_limit: bool = False) -> dict[str, Any]:
    spec = minimal_spec("Pets")
    spec["info"]["version"] = version
    spec["paths"]["/pets"]["get"]["parameters"] = [
        {
            "name": "limit",
            "in": "query",
            "required": required_limit,
            "description": "How many pets to list.",
            "schema": {"type": "integer"},
        }
    ]
    if by_id:
        spec["paths"]["/pets/{petId}"] = {
            "get": {
                "operationId": "getPet",
                "summary": "Get a pet",
                "parameters": [
                    {"name": "petId", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "responses": {"200": {"description": "The pet."}},
            }
        }
    return spec


def _plugin(service: Service, history: Path) -> dict[str, Any]:
    return {
        "sources": [{"name": "pets", "git": service.url}],
        "cache_dir": "cache",
        "history": {"path": str(history)},
    }


def _records(history: Path, api_id: str) -> list[dict[str, Any]]:
    lines = (history / "apis" / f"{api_id}.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines[1:]]


def _check(site: Site, rule: str) -> dict[str, Any]:
    report = json.loads((site.dir / "scorecards.json").read_text())
    (api,) = report["apis"]
    return next(c for c in api["checks"] if c["id"] == rule)


def test_three_builds_over_released_history(tmp_path):
    service = Service(tmp_path / "remotes" / "pets")
    history = tmp_path / "history"
    portal = tmp_path / "portal"
    service.release("v1.0.0", pets_spec("1.0.0"))
    build_site(portal, _plugin(service, history))
    # v1.1.0 removes GET /pets/{petId}: it breaks clients, but the version only took a minor step.
    service.release("v1.1.0", pets_spec("1.1.0", by_id=False))
    build_site(portal, _plugin(service, history))
    service.release("v2.0.0", pets_spec("2.0.0", by_id=False, required_limit=True))
    site = build_site(portal, _plugin(service, history))

    assert len(_records(history, "pets")) == 3
    report = json.loads((site.dir / "scorecards.json").read_text())
    (api,) = report["apis"]
    releases = [c for c in api["changes"] if c["kind"] == "release"]
    assert [(c["old"]["label"], c["new"]["label"]) for c in releases] == [
        ("v1.1.0", "v2.0.0"),
        ("v1.0.0", "v1.1.0"),
    ]

    check = _check(site, "own-breaking-vs-version")
    assert check["passed"] < check["applicable"]
    messages = [f["message"] for f in api["findings"] if f["rule"] == "own-breaking-vs-version"]
    assert any("v1.1.0" in m for m in messages)
    assert not any("release v2.0.0" in m for m in messages)


def test_serve_reads_the_history_and_leaves_it_untouched(tmp_path):
    service = Service(tmp_path / "remotes" / "pets")
    history = tmp_path / "history"
    portal = tmp_path / "portal"
    service.release("v1.0.0", pets_spec("1.0.0"))
    build_site(portal, _plugin(service, history))
    before = {p: p.read_bytes() for p in history.rglob("*") if p.is_file()}
    service.release("v1.1.0", pets_spec("1.1.0", by_id=False))
    config = load_config(str(make_config(portal, _plugin(service, history))))
    config.plugins.on_startup(command="serve", dirty=False)
    try:
        build(config, serve_url="http://127.0.0.1:8000/")
    finally:
        config.plugins.on_shutdown()
    after = {p: p.read_bytes() for p in history.rglob("*") if p.is_file()}
    assert after == before
    # What serve shows still comes from the history: the earlier build is compared.
    site = Site(portal, Path(config.site_dir))
    assert "/pets/{petId}" in site.article("apis/pets/changes/index.html").get_text()


def _local_plugin(root: Path, history: Path) -> dict[str, Any]:
    return {
        "sources": [{"name": "pets", "path": str(root)}],
        "cache_dir": "cache",
        "history": {"path": str(history)},
    }


def test_a_corrupt_and_a_newer_history_file_are_findings_and_the_build_goes_on(tmp_path):
    service = tmp_path / "pets"
    service.mkdir()
    (service / "openapi.yaml").write_text(yaml.safe_dump(pets_spec("1.0.0")))
    history = tmp_path / "history"
    build_site(tmp_path / "portal", _local_plugin(service, history))
    records = history / "apis" / "pets.jsonl"
    header, first = records.read_text().splitlines()
    records.write_text(f"{header}\n{first}\n{{not json\n")
    newer = history / "portfolio.jsonl"
    newer.write_text(
        json.dumps({"format": "mkdocs-platform-history", "version": 99, "kind": "portfolio"}) + "\n"
    )
    before = newer.read_bytes(), records.read_bytes()

    site = build_site(tmp_path / "portal", _local_plugin(service, history))

    problems = site.article("apis/index.html").get_text(" ", strip=True)
    assert "history/apis/pets.jsonl" in problems
    assert "line 3" in problems or "pets.jsonl:3" in problems
    assert "history/portfolio.jsonl" in problems
    assert "newer" in problems
    # Both are left as they were, and the site is complete.
    assert (newer.read_bytes(), records.read_bytes()) == before
    assert (site.dir / "apis" / "pets" / "scorecard" / "index.html").is_file()


def _unprivileged_build(config: Path) -> subprocess.CompletedProcess[str]:
    """`mkdocs build` in a process of its own that file permissions bind, even as root."""
    command = [sys.executable, "-m", "mkdocs", "build", "-f", str(config)]
    if os.geteuid() == 0:
        # Root ignores a folder's mode unless it gives up the capabilities that let it.
        dropped = "-dac_override,-dac_read_search"
        command = ["setpriv", f"--bounding-set={dropped}", f"--inh-caps={dropped}", *command]
    checkout = str(Path(__file__).resolve().parent.parent)
    return subprocess.run(
        command,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": checkout},
    )


def test_a_read_only_history_folder_is_a_warning_and_the_site_is_complete(tmp_path):
    service = tmp_path / "pets"
    service.mkdir()
    (service / "openapi.yaml").write_text(yaml.safe_dump(pets_spec("1.0.0")))
    history = tmp_path / "history"
    portal = tmp_path / "portal"
    build_site(portal, _local_plugin(service, history))
    before = {p: p.read_bytes() for p in history.rglob("*") if p.is_file()}
    folders = [history, *(p for p in history.rglob("*") if p.is_dir())]
    shutil.rmtree(portal / "site")
    for folder in folders:
        folder.chmod(0o555)
    try:
        result = _unprivileged_build(make_config(portal, _local_plugin(service, history)))
    finally:
        for folder in folders:
            folder.chmod(0o755)
    assert result.returncode == 0, result.stderr
    assert f"cannot write the history folder {history}" in result.stderr
    assert "this build is not recorded" in result.stderr
    assert "Traceback" not in result.stderr
    assert {p: p.read_bytes() for p in history.rglob("*") if p.is_file()} == before
    assert (portal / "site" / "apis" / "pets" / "scorecard" / "index.html").is_file()
    assert (portal / "site" / "scorecards.json").is_file()


def test_backfill_scores_each_release_once_and_a_build_continues_the_trend(tmp_path):
    service = Service(tmp_path / "remotes" / "pets")
    service.release("v1.0.0", pets_spec("1.0.0"))
    service.release("v1.1.0", pets_spec("1.1.0", by_id=False))
    service.release("v2.0.0", pets_spec("2.0.0", by_id=False, required_limit=True))
    history = tmp_path / "history"
    portal = tmp_path / "portal"
    config = make_config(portal, _plugin(service, history))

    for _ in range(2):  # a second run replaces the records of the first
        result = run_cli("history", "backfill", "--config", str(config))
        assert result.returncode == 0, result.stderr
    assert "pets: 3 releases scored (v1.0.0 to v2.0.0)" in result.stdout
    records = _records(history, "pets")
    assert [r["release"] for r in records] == ["v1.0.0", "v1.1.0", "v2.0.0"]
    assert [r["version"] for r in records] == ["1.0.0", "1.1.0", "2.0.0"]
    assert [r["breaking"] for r in records] == [0, 1, 1]

    build_site(portal, _plugin(service, history))
    assert len(_records(history, "pets")) == 4


def test_backfill_without_a_history_folder_says_what_to_set(tmp_path):
    service = Service(tmp_path / "remotes" / "pets")
    service.release("v1.0.0", pets_spec("1.0.0"))
    plugin = {"sources": [{"name": "pets", "git": service.url}], "cache_dir": "cache"}
    result = run_cli("history", "backfill", "--config", str(make_config(tmp_path, plugin)))
    assert result.returncode == 2
    assert "history: {path: ...}" in result.stderr
    assert "Traceback" not in result.stderr
