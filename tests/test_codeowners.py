"""CODEOWNERS matched as GitHub documents it ("About code owners"), read once per file version."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from mkdocs_platform.scorecard import codeowners
from mkdocs_platform.scorecard.codeowners import (
    MAX_CODEOWNERS_SIZE,
    owners_of,
    parse_codeowners,
    read_codeowners,
)

from .conftest import FIXTURES, write_files

DOCUMENTED = (FIXTURES / "codeowners" / "documented-example").read_text(encoding="utf-8")

# pattern, path (relative to the repository root), whether the pattern owns the path
TABLE = [
    # `*`: every file, at any depth.
    ("*", "openapi.yaml", True),
    ("*", "deeply/nested/spec/openapi.json", True),
    # `*.js`, `*.go`, `*.txt`: no slash, so any depth.
    ("*.js", "app.js", True),
    ("*.js", "src/web/app.js", True),
    ("*.js", "app.jsx", False),
    ("*.js", "app.ts", False),
    ("*.go", "cmd/server/main.go", True),
    ("*.txt", "notes/todo.txt", True),
    # Paths are case sensitive.
    ("*.JS", "app.js", False),
    # `/build/logs/`: that directory at the root and everything below it.
    ("/build/logs/", "build/logs/today.log", True),
    ("/build/logs/", "build/logs/2024/01/today.log", True),
    ("/build/logs/", "src/build/logs/today.log", False),
    ("/build/logs/", "build/logs", False),
    ("/build/logs/", "build/logs.txt", False),
    # `docs/*`: the files directly in docs, not those further down.
    ("docs/*", "docs/getting-started.md", True),
    ("docs/*", "docs/build-app/troubleshooting.md", False),
    ("docs/*", "src/docs/getting-started.md", False),
    # `apps/`: an apps directory anywhere in the repository.
    ("apps/", "apps/web/index.js", True),
    ("apps/", "src/apps/web/index.js", True),
    ("apps/", "apps", False),
    ("apps/", "myapps/index.js", False),
    # `/docs/`: docs at the root and everything below it.
    ("/docs/", "docs/index.md", True),
    ("/docs/", "docs/guides/deep/page.md", True),
    ("/docs/", "src/docs/index.md", False),
    # `/scripts/`: scripts at the root only.
    ("/scripts/", "scripts/deploy.sh", True),
    ("/scripts/", "tools/scripts/deploy.sh", False),
    # `**/logs`: a logs directory at any depth.
    ("**/logs", "build/logs/a.log", True),
    ("**/logs", "scripts/logs/a.log", True),
    ("**/logs", "deeply/nested/logs/a.log", True),
    ("**/logs", "logs/a.log", True),
    ("**/logs", "catalogs/a.log", False),
    # `/apps/github`: a directory named without a trailing slash owns what is below it.
    ("/apps/", "apps/github/workflow.yml", True),
    ("/apps/github", "apps/github/workflow.yml", True),
    ("/apps/github", "apps/githubber/workflow.yml", False),
    ("/apps/github", "src/apps/github/workflow.yml", False),
    # `*` does not cross a `/`: an anchored `/api/*` owns the files directly in api only.
    ("/api/*", "api/v1/openapi.yaml", False),
    ("/api/*", "api/openapi.yaml", True),
    ("api/*", "api/openapi.yaml", True),
    ("api/*", "api/v1/openapi.yaml", False),
    ("/api/*/openapi.yaml", "api/v1/openapi.yaml", True),
    ("/api/*/openapi.yaml", "api/v1/beta/openapi.yaml", False),
    ("/api/**/openapi.yaml", "api/v1/beta/openapi.yaml", True),
    ("/api/**/openapi.yaml", "api/openapi.yaml", True),
    ("/api/**", "api/v1/openapi.yaml", True),
    ("/api/**", "apis/openapi.yaml", False),
    # Not supported in CODEOWNERS: `!` negation, `[ ]` ranges, escaping a leading `#`.
    ("!*.js", "app.js", False),
    ("!*.js", "!app.js", False),
    ("[ab].js", "a.js", False),
    ("[ab].js", "[ab].js", False),
    ("\\#notes.md", "#notes.md", False),
]


@pytest.mark.parametrize(("pattern", "path", "owned"), TABLE)
def test_documented_patterns(pattern, path, owned):
    rules = parse_codeowners(f"{pattern} @owner\n")
    assert (rules.owners_of(path) == ["@owner"]) is owned


@pytest.mark.parametrize(
    ("path", "owners"),
    [
        ("README.md", ["@global-owner1", "@global-owner2"]),
        ("app.jsx", ["@global-owner1", "@global-owner2"]),
        ("src/app.js", ["@js-owner"]),
        ("cmd/main.go", ["docs@example.com"]),
        ("notes/todo.txt", ["@octo-org/octocats"]),
        ("docs/getting-started.md", ["@doctocat"]),
        ("docs/build-app/troubleshooting.md", ["@doctocat"]),
        ("src/apps/web/main.py", ["@octocat"]),
        ("scripts/deploy.sh", ["@doctocat", "@octocat"]),
        ("build/logs/today.log", ["@octocat"]),
        ("deeply/nested/logs/trace.txt", ["@octocat"]),
        ("apps/web/index.html", ["@octocat"]),
        ("apps/github/workflow.yml", ["@doctocat"]),
    ],
)
def test_the_documented_example_file_last_match_wins(path, owners):
    assert parse_codeowners(DOCUMENTED).owners_of(path) == owners


def test_a_line_without_owners_leaves_its_paths_unowned():
    rules = parse_codeowners("/apps/ @octocat\n/apps/github\n")
    assert rules.owners_of("apps/web/index.html") == ["@octocat"]
    assert rules.owners_of("apps/github/workflow.yml") == []
    assert parse_codeowners("* @all\n/openapi.yaml\n").owners_of("openapi.yaml") == []


def test_comments_and_blank_lines_are_not_patterns():
    text = "# *.yaml @comment\n\n   # indented comment\n*.yaml @yaml # trailing words\t#too\n"
    rules = parse_codeowners(text)
    assert [rule.pattern for rule in rules.rules] == ["*.yaml"]
    assert rules.owners_of("openapi.yaml") == ["@yaml"]


def test_unsupported_lines_are_skipped_and_do_not_unown():
    rules = parse_codeowners("* @all\n!openapi.yaml\n[o]penapi.yaml\n\\#openapi.yaml\n")
    assert rules.owners_of("openapi.yaml") == ["@all"]
    assert rules.owners_of("#openapi.yaml") == ["@all"]


def test_gitlab_section_headers_are_skipped():
    text = "[Docs] @docs-team\ndocs/ @writers\n^[Optional][2] @reviewers\n*.yaml @api-team\n"
    rules = parse_codeowners(text)
    assert [rule.pattern for rule in rules.rules] == ["docs/", "*.yaml"]
    assert rules.owners_of("docs/index.md") == ["@writers"]
    assert rules.owners_of("api/openapi.yaml") == ["@api-team"]
    assert rules.owners_of("D") == []


def test_an_escaped_space_belongs_to_the_pattern():
    rules = parse_codeowners("/My\\ Service/ @team\n")
    assert rules.owners_of("My Service/openapi.yaml") == ["@team"]
    assert rules.owners_of("My/openapi.yaml") == []


def test_many_stars_do_not_make_matching_slow():
    rules = parse_codeowners("*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b @x\n" * 50)
    start = time.perf_counter()
    assert rules.owners_of("a" * 300) == []
    assert time.perf_counter() - start < 1


# -- reading the file ----------------------------------------------------------------------


def test_owners_of_finds_the_file_where_github_looks(tmp_path):
    write_files(tmp_path, {"docs/CODEOWNERS": "/api/* @team\n"})
    assert owners_of(tmp_path, "api/openapi.yaml") == ["@team"]
    assert owners_of(tmp_path, "api/v1/openapi.yaml") == []
    write_files(tmp_path, {".github/CODEOWNERS": "/api/** @platform\n"})
    assert owners_of(tmp_path, "api/v1/openapi.yaml") == ["@platform"]


def test_the_file_is_parsed_once_per_version(tmp_path, monkeypatch):
    parsed: list[str] = []
    real = codeowners.parse_codeowners

    def counting(text: str) -> codeowners.Codeowners:
        parsed.append(text)
        return real(text)

    monkeypatch.setattr(codeowners, "parse_codeowners", counting)
    write_files(tmp_path, {"CODEOWNERS": "/api/* @team\n"})
    for spec in ("api/a.yaml", "api/b.yaml", "api/v1/c.yaml", "other.yaml"):
        owners_of(tmp_path, spec)
    assert len(parsed) == 1
    assert read_codeowners(tmp_path) is read_codeowners(tmp_path)

    # An edit of the same size is seen through the modification time, as `mkdocs serve` needs.
    path = tmp_path / "CODEOWNERS"
    stat = path.stat()
    path.write_text("/api/* @mine\n", encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert owners_of(tmp_path, "api/a.yaml") == ["@mine"]
    path.write_text("/api/** @everything\n", encoding="utf-8")
    assert owners_of(tmp_path, "api/v1/c.yaml") == ["@everything"]
    assert len(parsed) == 3


def test_a_huge_codeowners_is_ignored(tmp_path):
    line = b"* @everyone\n"
    write_files(tmp_path, {"CODEOWNERS": line * (MAX_CODEOWNERS_SIZE // len(line) + 1)})
    assert owners_of(tmp_path, "openapi.yaml") == []


def test_a_binary_codeowners_is_ignored(tmp_path):
    write_files(tmp_path, {"CODEOWNERS": b"* @everyone\n\x00\xff\xfe\x89PNG\r\n\x1a\n"})
    assert owners_of(tmp_path, "openapi.yaml") == []


def test_invalid_utf8_does_not_raise(tmp_path):
    write_files(tmp_path, {"CODEOWNERS": b"\xff\xfe* @everyone\n*.yaml @api \xc3\x28\n"})
    assert owners_of(tmp_path, "openapi.yaml") == ["@api", "\ufffd("]


def test_an_unreadable_codeowners_does_not_raise(tmp_path, monkeypatch):
    write_files(tmp_path, {"CODEOWNERS": "* @everyone\n"})
    real_open = Path.open

    def refuse(self: Path, *args, **kwargs):
        if self.name == "CODEOWNERS":
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", refuse)
    assert owners_of(tmp_path, "openapi.yaml") == []


def test_a_codeowners_outside_the_checkout_is_not_read(tmp_path):
    write_files(tmp_path, {"outside/CODEOWNERS": "* @intruder\n"})
    (tmp_path / "repo").mkdir()
    (tmp_path / "repo/CODEOWNERS").symlink_to(tmp_path / "outside/CODEOWNERS")
    assert owners_of(tmp_path / "repo", "openapi.yaml") == []


def test_no_codeowners_means_no_owners(tmp_path):
    assert owners_of(tmp_path, "openapi.yaml") == []
    assert owners_of(tmp_path / "missing", "openapi.yaml") == []
