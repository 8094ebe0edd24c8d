"""`mkdocs-platform changes OLD NEW`: run as a user runs it, on spec files in `tmp_path`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.conftest import minimal_spec, run_cli, write_files


def with_limit(required: bool) -> dict[str, Any]:
    """The Pets spec, its list taking a `limit` query parameter."""
    spec = minimal_spec()
    spec["paths"]["/pets"]["get"]["parameters"] = [
        {"name": "limit", "in": "query", "required": required, "schema": {"type": "integer"}}
    ]
    return spec


def specs(tmp_path: Path, old: dict[str, Any], new: dict[str, Any]) -> tuple[str, str]:
    write_files(tmp_path, {"old/openapi.yaml": old, "new/openapi.json": new})
    return str(tmp_path / "old" / "openapi.yaml"), str(tmp_path / "new" / "openapi.json")


def test_breaking_change_exits_1_with_text_report(tmp_path: Path) -> None:
    old, new = specs(tmp_path, with_limit(required=False), with_limit(required=True))
    result = run_cli("changes", old, new)
    assert result.returncode == 1, result.stderr
    assert "1 error, 0 warning, 0 info" in result.stdout.splitlines()[0]
    assert "request-parameter-became-required" in result.stdout
    assert "GET /pets: the query parameter 'limit' is now required" in result.stdout
    assert result.stderr == ""


def test_no_breaking_change_exits_0(tmp_path: Path) -> None:
    old, new = specs(tmp_path, with_limit(required=True), with_limit(required=False))
    result = run_cli("changes", old, new)
    assert result.returncode == 0, result.stderr
    assert "request-parameter-became-optional" in result.stdout


def test_identical_specs_report_no_changes(tmp_path: Path) -> None:
    old, new = specs(tmp_path, minimal_spec(), minimal_spec())
    result = run_cli("changes", old, new)
    assert result.returncode == 0
    assert "No changes." in result.stdout


def test_fail_on_warning(tmp_path: Path) -> None:
    old_spec, new_spec = minimal_spec(), minimal_spec()
    new_spec["paths"]["/pets"]["put"] = {"responses": {"200": {"description": "ok"}}}
    old_spec["paths"]["/pets"]["put"] = {
        "requestBody": {"content": {"application/json": {"schema": {"type": "object"}}}},
        "responses": {"200": {"description": "ok"}},
    }
    old, new = specs(tmp_path, old_spec, new_spec)
    assert run_cli("changes", old, new).returncode == 0
    result = run_cli("changes", old, new, "--fail-on", "warning")
    assert result.returncode == 1
    assert "request-body-removed" in result.stdout


def test_json_format(tmp_path: Path) -> None:
    old, new = specs(tmp_path, with_limit(required=False), with_limit(required=True))
    result = run_cli("changes", old, new, "--format", "json")
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert data["counts"] == {"error": 1, "warning": 0, "info": 0}
    (change,) = data["changes"]
    assert change["id"] == "request-parameter-became-required"
    assert change["new_pointer"] == "#/paths/~1pets/get/parameters/0"
    assert data["old"]["version"] == "1.0.0"
    assert data["major"] is False
    assert data["breaks_without_major"] is True


def test_markdown_format(tmp_path: Path) -> None:
    old, new = specs(tmp_path, with_limit(required=False), with_limit(required=True))
    result = run_cli("changes", old, new, "--format", "markdown")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0] == "### API changes: 1 error, 0 warning, 0 info"
    assert "#### Breaking changes" in lines
    assert any(line.startswith("| error |") for line in lines)


def test_swagger_against_its_openapi_migration(tmp_path: Path) -> None:
    swagger = {
        "swagger": "2.0",
        "info": {"title": "Pets", "version": "1.0.0"},
        "paths": {
            "/pets/{id}": {
                "get": {
                    "produces": ["application/json"],
                    "parameters": [
                        {"name": "id", "in": "path", "required": True, "type": "integer"}
                    ],
                    "responses": {
                        "200": {"description": "ok", "schema": {"$ref": "#/definitions/Pet"}}
                    },
                }
            }
        },
        "definitions": {
            "Pet": {"type": "object", "properties": {"tag": {"type": "string", "x-nullable": True}}}
        },
    }
    openapi = {
        "openapi": "3.1.0",
        "info": {"title": "Pets", "version": "1.0.0"},
        "paths": {
            "/pets/{petId}": {
                "get": {
                    "parameters": [
                        {
                            "name": "petId",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "integer"},
                        }
                    ],
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {
                                "application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}
                            },
                        }
                    },
                }
            }
        },
        "components": {
            "schemas": {
                "Pet": {"type": "object", "properties": {"tag": {"type": ["string", "null"]}}}
            }
        },
    }
    old, new = specs(tmp_path, swagger, openapi)
    result = run_cli("changes", old, new, "--fail-on", "warning")
    assert result.returncode == 0, result.stdout
    assert "0 error, 0 warning, 0 info" in result.stdout


def test_yaml_error_names_file_and_line(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            "old.yaml": "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /pets: [\n",
            "new.yaml": minimal_spec(),
        },
    )
    result = run_cli("changes", str(tmp_path / "old.yaml"), str(tmp_path / "new.yaml"))
    assert result.returncode == 2
    assert result.stdout == ""
    assert f"{tmp_path / 'old.yaml'}:5:" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_file_exits_2(tmp_path: Path) -> None:
    write_files(tmp_path, {"new.yaml": minimal_spec()})
    result = run_cli("changes", str(tmp_path / "gone.yaml"), str(tmp_path / "new.yaml"))
    assert result.returncode == 2
    assert "gone.yaml: no such file" in result.stderr
    assert "Traceback" not in result.stderr


def test_not_openapi_exits_2(tmp_path: Path) -> None:
    write_files(tmp_path, {"old.yaml": {"name": "not a spec"}, "new.yaml": minimal_spec()})
    result = run_cli("changes", str(tmp_path / "old.yaml"), str(tmp_path / "new.yaml"))
    assert result.returncode == 2
    assert "old.yaml: not an OpenAPI document" in result.stderr


def test_usage_error_exits_2(tmp_path: Path) -> None:
    write_files(tmp_path, {"a.yaml": minimal_spec()})
    assert run_cli("changes", str(tmp_path / "a.yaml")).returncode == 2
    result = run_cli("changes", str(tmp_path / "a.yaml"), str(tmp_path / "a.yaml"), "--format", "x")
    assert result.returncode == 2
    assert "invalid choice" in result.stderr
