"""Hostile input meets bounded reading: odd `$ref`s, pipes, huge files, symlinks out of the
source, redirects to other hosts, patterns that backtrack, planted cache entries.

Each case runs `mkdocs-platform check` in a subprocess with a generous timeout (its expiry fails
the test: the check hung) and expects a report with a located finding; builds with the bad spec
beside a good one keep the good one.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from .conftest import build_site, minimal_spec, write_files

REPO = Path(__file__).resolve().parents[1]
CHECK_TIMEOUT = 120
"""Seconds a check may take before the test calls it hung; a real check takes a few."""


def run_check(
    cwd: Path, *args: str, env: dict[str, str] | None = None
) -> tuple[int, dict[str, Any], str]:
    """`mkdocs-platform check ARGS --format json` in a subprocess: exit code, report, stderr."""
    environment = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "NO_MKDOCS_2_WARNING": "1",
        "XDG_CACHE_HOME": str(cwd / "user-cache"),
        **(env or {}),
    }
    try:
        result = subprocess.run(
            [sys.executable, "-m", "mkdocs_platform.cli", "check", *args, "--format", "json"],
            cwd=cwd,
            env=environment,
            capture_output=True,
            text=True,
            timeout=CHECK_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"the check did not finish in {CHECK_TIMEOUT} s")
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    return result.returncode, json.loads(result.stdout), result.stderr


def ref_findings(report: dict[str, Any]) -> list[dict[str, Any]]:
    (api,) = report["apis"]
    return [f for f in api["findings"] if f["rule"] == "oas-refs-resolve"]


def spec_with_schema(schema: dict[str, Any], title: str = "Pets") -> dict[str, Any]:
    spec = minimal_spec(title)
    spec["paths"]["/pets"]["get"]["responses"]["200"]["content"] = {
        "application/json": {"schema": schema}
    }
    return spec


def spec_text(ref: str) -> str:
    """A spec whose one schema is `$ref: ref`, written as YAML escapes it."""
    return yaml.safe_dump(spec_with_schema({"$ref": ref}), sort_keys=False, allow_unicode=False)


def schema_line(text: str) -> int:
    """The line of the `schema:` key holding the `$ref`, where its findings are located."""
    return next(i for i, line in enumerate(text.splitlines(), 1) if line.strip() == "schema:")


# -- `$ref`s that are not usable references -------------------------------------------


@pytest.mark.parametrize("ref", ["http://[x", "a%00.yaml", "\ud800.yaml", "a\x00b.yaml#/x"])
def test_unusable_ref_is_a_located_finding(tmp_path, ref):
    # JSON, where a lone surrogate can be written (`\ud800`); YAML refuses it while parsing.
    text = json.dumps(spec_with_schema({"$ref": ref}), indent=2)
    write_files(tmp_path / "api", {"openapi.json": text})
    _, report, _ = run_check(tmp_path, "api")
    (finding,) = ref_findings(report)
    assert finding["class"] == "structure"
    assert finding["file"] == "openapi.json"
    assert finding["line"] == next(
        i for i, line in enumerate(text.splitlines(), 1) if '"schema"' in line
    )
    assert "$ref" in finding["message"]


# -- files that are not regular files, or too large -----------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_ref_to_a_named_pipe_is_refused_without_waiting(tmp_path):
    text = spec_text("./pipe.yaml")
    write_files(tmp_path / "api", {"openapi.yaml": text})
    os.mkfifo(tmp_path / "api" / "pipe.yaml")
    _, report, _ = run_check(tmp_path, "api")
    (finding,) = ref_findings(report)
    assert "named pipe" in finding["message"]
    assert finding["line"] == schema_line(text)


def test_ref_to_a_huge_file_is_neither_loaded_nor_hashed(tmp_path):
    text = spec_text("./huge.yaml")
    write_files(tmp_path / "api", {"openapi.yaml": text})
    with (tmp_path / "api" / "huge.yaml").open("wb") as handle:
        handle.truncate(3 * 1024**3)  # sparse: costs no disk, but 3 GB to anyone reading it
    # Far less memory than the file: reading it whole (to parse or to hash) fails the check.
    limit = "import resource; resource.setrlimit(resource.RLIMIT_AS, (1536 * 1024**2,) * 2)"
    code = f"{limit}\nimport runpy; runpy.run_module('mkdocs_platform.cli', run_name='__main__')"
    environment = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "NO_MKDOCS_2_WARNING": "1",
        "XDG_CACHE_HOME": str(tmp_path / "user-cache"),
    }
    # With a config, the validation cache is on (in the project): the spec's files are hashed.
    plugin = {"sources": [{"name": "api", "path": "api"}]}
    write_files(tmp_path, {"mkdocs.yml": {"site_name": "x", "plugins": [{"platform": plugin}]}})
    result = subprocess.run(
        [sys.executable, "-c", code, "check", "--config", "mkdocs.yml", "--format", "json"],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=CHECK_TIMEOUT,
        check=False,
    )
    assert result.returncode in (0, 1), result.stderr
    (finding,) = ref_findings(json.loads(result.stdout))
    assert "max_spec_size" in finding["message"]


# -- symlinks out of the source ------------------------------------------------------------


def test_catalog_file_linking_out_of_the_source_is_not_read(tmp_path):
    secret = write_files(
        tmp_path / "elsewhere",
        {
            "catalog-info.yaml": {
                "apiVersion": "backstage.io/v1alpha1",
                "kind": "API",
                "metadata": {"name": "leaked", "description": "SECRET-OUTSIDE"},
                "spec": {"type": "openapi", "owner": "team", "definition": "openapi: 3.0.3"},
            }
        },
    )
    repo = write_files(tmp_path / "repo", {"openapi.yaml": minimal_spec("Pets")})
    (repo / "catalog-info.yaml").symlink_to(secret / "catalog-info.yaml")
    (repo / "inside.yaml").symlink_to(repo / "openapi.yaml")
    from mkdocs_platform.discovery.specs import walk_files
    from mkdocs_platform.models import Source, SourceSettings

    files = walk_files(Source(settings=SourceSettings(name="repo", path=repo), root=repo))
    assert files == ["inside.yaml", "openapi.yaml"]
    site = build_site(tmp_path / "site", {"sources": [{"name": "repo", "path": str(repo)}]})
    pages = "".join(p.read_text(encoding="utf-8") for p in site.dir.rglob("*.html"))
    assert "SECRET-OUTSIDE" not in pages
    assert "Pets" in pages


# -- redirects ------------------------------------------------------------------------------


class _CountingServer:
    """An HTTP server on 127.0.0.1 that counts requests by the Host they were sent to."""

    def __init__(self, root: Path) -> None:
        self.hosts: list[str] = []
        counter = self

        class Handler(http.server.SimpleHTTPRequestHandler):
            def do_GET(self) -> None:
                counter.hosts.append(self.headers.get("Host", "").split(":")[0])
                if self.path == "/moved":
                    port = self.server.server_address[1]
                    self.send_response(302)
                    self.send_header("Location", f"http://localhost:{port}/pet.yaml")
                    self.end_headers()
                    return
                super().do_GET()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(Handler, directory=str(root))
        )
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def counting_server(tmp_path: Path) -> Iterator[_CountingServer]:
    write_files(tmp_path / "www", {"pet.yaml": {"type": "object", "description": "SERVED"}})
    server = _CountingServer(tmp_path / "www")
    yield server
    server.close()


def test_redirect_to_a_host_not_allowed_is_never_requested(tmp_path, counting_server):
    base = f"http://127.0.0.1:{counting_server.port}"
    write_files(tmp_path / "api", {"openapi.yaml": spec_text(f"{base}/moved")})
    config = {
        "site_name": "x",
        "plugins": [
            {
                "platform": {
                    "sources": [{"name": "api", "path": "api"}],
                    "allow_hosts": ["127.0.0.1"],
                }
            }
        ],
    }
    write_files(tmp_path, {"mkdocs.yml": config})
    _, report, _ = run_check(tmp_path, "--config", "mkdocs.yml")
    (finding,) = ref_findings(report)
    assert "redirects to 'localhost'" in finding["message"]
    assert counting_server.hosts == ["127.0.0.1"]


def test_fetch_url_follows_a_redirect_between_allowed_hosts(tmp_path, counting_server):
    from mkdocs_platform.openapi.fetch import fetch_url

    raw = fetch_url(
        f"http://127.0.0.1:{counting_server.port}/moved", ("127.0.0.1", "localhost"), 10_000
    )
    assert b"SERVED" in raw
    assert counting_server.hosts == ["127.0.0.1", "localhost"]


# -- good APIs survive a bad one ------------------------------------------------------------


def test_build_keeps_the_good_api_beside_hostile_refs(tmp_path):
    bad = write_files(tmp_path / "bad", {"openapi.yaml": spec_text("http://[x")})
    if hasattr(os, "mkfifo"):
        write_files(bad, {"pipe/openapi.yaml": spec_text("./pipe.yaml")})
        os.mkfifo(bad / "pipe" / "pipe.yaml")
    good = write_files(tmp_path / "good", {"openapi.yaml": minimal_spec("Goodpets")})
    plugin = {
        "sources": [{"name": "bad", "path": str(bad)}, {"name": "good", "path": str(good)}],
        "cache": False,
    }
    done = threading.Event()
    errors: list[BaseException] = []

    def build() -> None:
        try:
            build_site(tmp_path / "site", plugin, strict=False)
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread
            errors.append(exc)
        finally:
            done.set()

    threading.Thread(target=build, daemon=True).start()
    assert done.wait(CHECK_TIMEOUT), "the build hung"
    assert not errors, errors
    pages = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "site/site").rglob("*.html"))
    assert "Goodpets" in pages


# -- the validation cache -------------------------------------------------------------------


def _invalid_spec(title: str) -> dict[str, Any]:
    spec = minimal_spec(title)
    del spec["info"]["version"]  # a structure finding from the validator
    return spec


def _sign(user_cache: Path, entry: dict[str, Any]) -> dict[str, Any]:
    """`entry` signed as the program signs it, with the user's own key."""
    import hashlib
    import hmac

    from mkdocs_platform.cache import KEY_FILE

    secret = (user_cache / "mkdocs-platform" / KEY_FILE).read_bytes()
    body = json.dumps([entry["format"], entry["key"], entry["findings"]], sort_keys=True)
    return {**entry, "signature": hmac.new(secret, body.encode(), hashlib.sha256).hexdigest()}


def _plant(kind: str, entry_path: Path, other_entry: Path, user_cache: Path) -> None:
    entry = json.loads(entry_path.read_text())
    if kind == "empty list":
        entry_path.write_text("[]")
    elif kind == "truncated":
        text = entry_path.read_text()
        entry_path.write_text(text[: len(text) // 2])
    elif kind == "another key":
        entry_path.write_text(other_entry.read_text())
    elif kind == "wrong signature":
        entry_path.write_text(json.dumps({**entry, "findings": []}))
    elif kind == "newer format":
        entry_path.write_text(
            json.dumps(_sign(user_cache, {**entry, "format": 99, "findings": []}))
        )
    elif kind == "named pipe":
        entry_path.unlink()
        os.mkfifo(entry_path)


@pytest.mark.parametrize(
    "kind",
    ["empty list", "truncated", "another key", "wrong signature", "newer format", "named pipe"],
)
def test_planted_cache_entry_never_removes_a_finding(tmp_path, monkeypatch, kind):
    from mkdocs_platform.openapi import read_spec

    if kind == "named pipe" and not hasattr(os, "mkfifo"):
        pytest.skip("named pipes are POSIX")
    user_cache = tmp_path / "user"
    monkeypatch.setenv("XDG_CACHE_HOME", str(user_cache))
    repo = write_files(
        tmp_path / "repo",
        {"bad/openapi.yaml": _invalid_spec("Bad"), "good/openapi.yaml": minimal_spec("Good")},
    )
    store = tmp_path / "cache"

    def structure(name: str) -> list[str]:
        reading = read_spec(repo / name / "openapi.yaml", repo, 10**6, validation_dir=store)
        assert reading is not None
        return [f.message for f in reading.findings if f.finding_class == "structure"]

    expected = structure("bad")
    assert expected
    bad_entry = next(p for p in store.rglob("*.json") if "version" in p.read_text())
    assert structure("good") == []
    good_entry = next(p for p in store.rglob("*.json") if p != bad_entry)
    _plant(kind, bad_entry, good_entry, user_cache)
    done = threading.Event()
    found: list[list[str]] = []

    def read() -> None:
        found.append(structure("bad"))
        done.set()

    threading.Thread(target=read, daemon=True).start()
    assert done.wait(CHECK_TIMEOUT), "reading the cache hung"
    assert found == [expected]
    # The entry was written anew, and answers the next reading.
    assert json.loads(bad_entry.read_text())["findings"]
    assert structure("bad") == expected


def test_check_keeps_its_cache_in_the_user_cache_folder(tmp_path):
    write_files(tmp_path / "api", {"openapi.yaml": _invalid_spec("Bad")})
    _, first, _ = run_check(tmp_path, "api")
    entries = list((tmp_path / "user-cache" / "mkdocs-platform" / "validation").rglob("*.json"))
    assert len(entries) == 1
    assert not (tmp_path / ".cache").exists()
    assert not list((tmp_path / "api").rglob("*.json"))
    entries[0].write_text("[]")
    _, second, _ = run_check(tmp_path, "api")
    assert second["apis"][0]["findings"] == first["apis"][0]["findings"]
    assert any(f["class"] == "structure" for f in second["apis"][0]["findings"])


# -- patterns that backtrack ----------------------------------------------------------------

EVIL = "^(a+)+$"
"""Exponential in Python's `re` on `'a' * n + '!'`."""
EVIL_TEXT = "a" * 40 + "!"


def _pattern_spec(pattern: str, text: str, version: str = "3.0.3") -> dict[str, Any]:
    spec = minimal_spec("Patterns", version)
    name = {"type": "string", "pattern": pattern, "example": text, "default": text}
    keyed = {
        "type": "object",
        "patternProperties": {pattern: {"type": "string"}},
        "additionalProperties": False,
        "example": {text: "x"},
    }
    spec["components"] = {"schemas": {"Name": name, "Keyed": keyed}}
    spec["paths"]["/pets"]["get"]["parameters"] = [
        {"name": "name", "in": "query", "schema": {"$ref": "#/components/schemas/Name"}}
    ]
    return spec


@pytest.mark.parametrize("version", ["3.0.3", "3.1.0"])
def test_pattern_that_backtracks_is_checked_in_bounded_time(tmp_path, version):
    write_files(tmp_path / "api", {"openapi.yaml": _pattern_spec(EVIL, EVIL_TEXT, version)})
    _, report, _ = run_check(tmp_path, "api")
    (api,) = report["apis"]
    messages = [f["message"] for f in api["findings"]]
    # The default is the validator's finding, the example the scorecard's: both say it fails.
    assert any("default value does not match" in m and "does not match" in m for m in messages)
    assert any(
        f["rule"] == "oas-examples-valid" and EVIL_TEXT in f["message"] for f in api["findings"]
    )


def test_pattern_past_the_backtracking_limit_is_a_finding_that_says_so(tmp_path):
    # A backreference: only a backtracking engine runs it, here with a limit.
    hostile = r"^(?=a)(a|aa)+\1$"
    write_files(tmp_path / "api", {"openapi.yaml": _pattern_spec(hostile, "a" * 60 + "!")})
    _, report, _ = run_check(tmp_path, "api")
    (api,) = report["apis"]
    unchecked = [f for f in api["findings"] if "cannot be checked" in f["message"]]
    assert unchecked
    assert all(f["file"] == "openapi.yaml" and f["line"] for f in unchecked)
    assert any(f["class"] == "example" for f in unchecked)


def test_bounded_matching_agrees_with_python_on_ordinary_patterns():
    import re

    from mkdocs_platform.openapi.patterns import pattern_matches

    cases = [
        ("^[a-z]+$", "pets"),
        ("^[a-z]+$", "Pets"),
        (r"^\d{3}-\d{4}$", "555-1234"),
        (r"^\d{3}-\d{4}$", "5551234"),
        ("pet", "carpet"),
        ("^(a|b)*c$", "ababab"),
        (EVIL, "a" * 30),
    ]
    for pattern, text in cases:
        assert pattern_matches(pattern, text) is bool(re.search(pattern, text)), (pattern, text)
    assert pattern_matches(EVIL, EVIL_TEXT) is False


def test_sample_of_a_pattern_with_a_huge_repeat_is_not_made():
    from mkdocs_platform.openapi.examples import pattern_example

    assert pattern_example("^a{1000000000}$") is None
    assert pattern_example("^(?:(?:ab){100000}){100000}$") is None
    assert pattern_example("^[a-z]{3}$") == "aaa"
    assert pattern_example(EVIL) == "a"
