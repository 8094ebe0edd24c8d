"""Hostile input: each bad API becomes findings on its own pages, never a crash of the portal."""

from __future__ import annotations

import io
import json
import logging
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
import yaml
from mkdocs.exceptions import Abort

from mkdocs_platform import plugin as plugin_module
from mkdocs_platform import portal as portal_module
from mkdocs_platform.cli import main
from mkdocs_platform.discovery.catalog import read_catalog
from mkdocs_platform.models import Finding, PortalSettings, Source, SourceSettings
from mkdocs_platform.openapi.loader import LoadError, load_file, load_yaml_documents
from mkdocs_platform.portal import read_portal, score_portal
from mkdocs_platform.render.reference import Reference
from mkdocs_platform.scorecard import engine
from mkdocs_platform.scorecard.annotations import print_annotations
from mkdocs_platform.scorecard.outputs import portal_scorecards, report_text, write_reports
from mkdocs_platform.sources.git import GitError, check_url

from .conftest import Site, build_site, minimal_spec, write_files

BIG = 64 * 1024 * 1024
HUGE_INT = "1" * 4301
"""One digit past Python's limit for converting text to int."""

FORMATS = ("json", "text", "junit", "sarif")


def check(capsys: pytest.CaptureFixture[str], root: Path, fmt: str) -> tuple[int, str]:
    code = main(["check", str(root), "--format", fmt])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    assert "internal error" not in captured.err
    return code, captured.out


def assert_report_parses(fmt: str, out: str) -> None:
    if fmt in ("json", "sarif"):
        json.loads(out)
    elif fmt == "junit":
        ET.fromstring(out.encode())
    else:
        assert out.strip()


def raw_spec(title: str = "Raw", *, info_extra: str = "", paths: str = "{}") -> str:
    """A JSON spec written by hand, so that it may hold escapes no JSON writer produces."""
    return (
        f'{{"openapi": "3.0.3", "info": {{"title": {title}, "version": "1"{info_extra}}}, '
        f'"paths": {paths}}}'
    )


# -- huge integers --------------------------------------------------------------------------


def test_huge_json_integer_is_kept_as_its_text(tmp_path):
    (tmp_path / "a.json").write_text(f'{{"n": {HUGE_INT}, "m": -{HUGE_INT}, "small": 7}}')
    data = load_file(tmp_path / "a.json", BIG).data
    assert data == {"n": HUGE_INT, "m": f"-{HUGE_INT}", "small": 7}


def test_huge_yaml_integer_is_kept_as_its_text(tmp_path):
    (tmp_path / "a.yaml").write_text(f"n: {HUGE_INT}\nsmall: 0x10\n")
    data = load_file(tmp_path / "a.yaml", BIG).data
    assert data == {"n": HUGE_INT, "small": 16}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("suffix", ["json", "yaml"])
def test_check_reports_a_spec_with_a_huge_integer(tmp_path, capsys, suffix, fmt):
    spec = minimal_spec("Huge")
    spec["x-count"] = "HUGE"
    text = json.dumps(spec).replace('"HUGE"', HUGE_INT)
    write_files(tmp_path, {f"openapi.{suffix}": text})
    code, out = check(capsys, tmp_path, fmt)
    assert code in (0, 1)
    assert_report_parses(fmt, out)
    assert f"openapi.{suffix}" in out


# -- lone surrogates and NULs ---------------------------------------------------------------

UNSAFE_PLACES = {
    "title": raw_spec('"A\\ud800B\\u0000C"'),
    "description": raw_spec(
        '"Unsafe"', info_extra=', "description": "Bad \\udc00 text \\u0000 here."'
    ),
    "path key": raw_spec(
        '"Unsafe"',
        paths='{"/pets\\ud800\\u0000": {"get": {"responses": {"200": {"description": "ok"}}}}}',
    ),
}


def test_lone_surrogates_and_nuls_become_replacement_characters(tmp_path):
    (tmp_path / "a.json").write_text(
        '{"k\\ud800": ["\\udfff", "\\u0000"], "pair": "\\ud83d\\ude00"}'
    )
    (tmp_path / "b.yaml").write_text('k: ["\\0", "\\x00 \\u0000"]\n"\\0key": 1\n')
    assert load_file(tmp_path / "a.json", BIG).data == {
        "k\ufffd": ["\ufffd", "\ufffd"],
        "pair": "\U0001f600",
    }
    assert load_file(tmp_path / "b.yaml", BIG).data == {
        "k": ["\ufffd", "\ufffd \ufffd"],
        "\ufffdkey": 1,
    }


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("place", sorted(UNSAFE_PLACES))
def test_check_reports_unsafe_text(tmp_path, capsys, place, fmt):
    write_files(tmp_path, {"openapi.json": UNSAFE_PLACES[place]})
    code, out = check(capsys, tmp_path, fmt)
    assert code in (0, 1)
    assert_report_parses(fmt, out)
    assert "\x00" not in out


# -- YAML expansion -------------------------------------------------------------------------


def test_yaml_aliases_expanding_past_max_spec_size_are_refused_where_they_expand(tmp_path):
    long_text = "x" * 4096
    lines = ["openapi: 3.0.3", f"x-text: &t {long_text}", "x-copies:"]
    lines += ["  - *t"] * 1000  # 4 MB expanded from 10 KB, with only 1,000 aliases
    path = tmp_path / "openapi.yaml"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(LoadError, match="max_spec_size") as caught:
        load_file(path, 1024 * 1024)
    assert caught.value.line == 4  # the sequence of copies, not the document's first line
    assert load_file(path, 8 * 1024 * 1024).data["x-copies"][999] == long_text


def test_catalog_yaml_aliases_are_bounded_by_size_too(tmp_path):
    text = "a: &t " + "y" * 2048 + "\nb: [" + ", ".join(["*t"] * 600) + "]\n"
    (tmp_path / "catalog-info.yaml").write_text("---\n" + text)
    with pytest.raises(LoadError, match="max_spec_size"):
        load_yaml_documents(tmp_path / "catalog-info.yaml", 1024 * 1024)


# -- names from a spec that become file names -----------------------------------------------


def _long_names_spec() -> dict[str, Any]:
    long_tag = "T" * 300
    spec = minimal_spec("Long names")
    spec["paths"] = {
        f"/p{n}": {
            "get": {
                "operationId": "op" * 150 + str(n),  # equal for 300 characters, then distinct
                "tags": [long_tag],
                "responses": {"200": {"description": "ok"}},
            }
        }
        for n in (1, 2)
    }
    spec["paths"]["/short"] = {
        "get": {
            "operationId": "listPets",
            "tags": ["pets"],
            "responses": {"200": {"description": "ok"}},
        }
    }
    return spec


def test_long_tag_names_and_operation_ids_get_bounded_distinct_pages(tmp_path):
    write_files(tmp_path / "src", {"openapi.yaml": _long_names_spec()})
    site = build_site(
        tmp_path, {"sources": [{"name": "long", "path": "src"}], "pages": "operation"}
    )
    api_dir = site.dir / "apis" / "long"
    for path in api_dir.rglob("*"):
        assert len(path.name.encode()) <= 255
    operation_pages = sorted(p.name for p in (api_dir / "operations").iterdir())
    assert len(operation_pages) == 3
    assert "listpets" in operation_pages  # ordinary names keep their slug
    long_pages = [name for name in operation_pages if name != "listpets"]
    for name in long_pages:
        assert name.startswith("opopop")
        page = site.article(f"apis/long/operations/{name}/index.html")
        assert page.find(id=f"op-{name}") is not None
    tag_dirs = [p.name for p in api_dir.iterdir() if p.name.startswith("t")]
    assert len(tag_dirs) == 1
    assert site.article(f"apis/long/{tag_dirs[0]}/index.html").find(string="T" * 300)


# -- catalog files --------------------------------------------------------------------------


def _catalog_api(name: str, **metadata: Any) -> dict[str, Any]:
    return {
        "apiVersion": "backstage.io/v1alpha1",
        "kind": "API",
        "metadata": {"name": name, **metadata},
        "spec": {"type": "openapi", "owner": "team-a", "definition": {"$text": "openapi.yaml"}},
    }


def test_malformed_catalog_values_are_findings_of_their_api(tmp_path):
    bad_url = _catalog_api("badurl")
    bad_url["spec"]["definition"] = {"$text": "http://[x"}
    nul_path = _catalog_api("nulpath")
    nul_path["spec"]["definition"] = {"$text": "a\0"}
    root = write_files(
        tmp_path,
        {
            "catalog-info.yaml": "".join(
                "---\n" + yaml.safe_dump(doc)
                for doc in (_catalog_api("links", links=5), bad_url, nul_path)
            ),
            "openapi.yaml": minimal_spec("Linked"),
        },
    )
    source = Source(settings=SourceSettings(name="repo", path=root), root=root)
    settings = PortalSettings(sources=(source.settings,), cache=False)
    catalog = read_catalog(source, settings, ["catalog-info.yaml"])
    apis = {api.entity.name: api for api in catalog.apis}
    assert set(apis) == {"links", "badurl", "nulpath"}
    assert apis["links"].entity.links == ()
    assert apis["links"].reading.model is not None
    assert apis["links"].reading.model.title == "Linked"
    for name, expected in (("badurl", "not a valid URL"), ("nulpath", "cannot read the file")):
        (finding,) = apis[name].reading.findings
        assert expected in finding.message
        assert finding.file == "catalog-info.yaml"
        assert finding.line is not None
        assert finding.line > 1


# -- git URLs -------------------------------------------------------------------------------

UNPARSABLE_GIT_URLS = ("https://tok@127.0.0.1:abc/org/repo.git", "https://[::1/org/repo.git")


@pytest.mark.parametrize("url", UNPARSABLE_GIT_URLS)
def test_unparsable_git_url_is_refused(url):
    with pytest.raises(GitError, match="cannot be parsed"):
        check_url(url)


@pytest.mark.parametrize("url", UNPARSABLE_GIT_URLS)
def test_unparsable_git_url_fails_the_build_naming_the_source(tmp_path, caplog, url):
    plugin = {"sources": [{"name": "pets", "git": url}], "cache_dir": "cache"}
    with pytest.raises(Abort, match="BuildError"):
        build_site(tmp_path, plugin)
    errors = "\n".join(r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR)
    assert "source 'pets'" in errors
    assert "cannot be parsed" in errors
    assert "tok" not in errors


@pytest.mark.parametrize("url", UNPARSABLE_GIT_URLS)
def test_unparsable_git_url_beside_a_local_checkout_gets_no_web_links(tmp_path, url):
    write_files(tmp_path / "pets", {"openapi.yaml": minimal_spec("Pets")})
    site = build_site(tmp_path, {"sources": [{"name": "pets", "path": "pets", "git": url}]})
    assert "Pets" in site.html("apis/pets/index.html")


# -- the barrier per API --------------------------------------------------------------------


def _good_sources(root: Path) -> list[dict[str, str]]:
    write_files(root / "good", {"openapi.yaml": minimal_spec("Good pets")})
    write_files(root / "other", {"openapi.json": minimal_spec("Other pets")})
    return [{"name": "good", "path": "good"}, {"name": "other", "path": "other"}]


def _internal_messages(site: Site, api_id: str) -> str:
    rows = site.article(f"apis/{api_id}/index.html").select(".mp-findings tbody tr")
    return "\n".join(row.get_text(" ", strip=True) for row in rows)


def test_a_stage_failing_on_one_api_is_a_finding_of_that_api(tmp_path, monkeypatch):
    # No input is known to break these stages any more: a stage that raises stands for the
    # next bug, and must cost only its own API.
    original_read = portal_module.read_spec

    def read_spec(path: Path, *args: Any, **kwargs: Any) -> Any:
        if path.parent.name == "unreadable":
            raise RuntimeError("reader bug")
        return original_read(path, *args, **kwargs)

    original_score = engine.score_api

    def score_api(api: Any, *args: Any, **kwargs: Any) -> Any:
        if api.id == "unscorable" and api.model is not None:
            raise RuntimeError("scorer bug")
        return original_score(api, *args, **kwargs)

    original_samples = Reference.samples

    def samples(self: Reference, op: Any) -> Any:
        if self.api.id == "unrenderable":
            raise RuntimeError("renderer bug")
        return original_samples(self, op)

    monkeypatch.setattr(portal_module, "read_spec", read_spec)
    monkeypatch.setattr(engine, "score_api", score_api)
    monkeypatch.setattr(Reference, "samples", samples)
    sources = _good_sources(tmp_path)
    for name in ("unreadable", "unscorable", "unrenderable"):
        write_files(tmp_path / name, {"openapi.yaml": minimal_spec(name.title())})
        sources.append({"name": name, "path": name})
    # One process: the stand-in bugs are patched into this one, not into workers.
    site = build_site(tmp_path, {"sources": sources, "concurrency": 1}, strict=False)

    assert "reading the spec failed (RuntimeError: reader bug)" in _internal_messages(
        site, "unreadable"
    )
    assert "scoring the API failed (RuntimeError: scorer bug)" in _internal_messages(
        site, "unscorable"
    )
    tag_page = site.article("apis/unrenderable/pets/index.html").get_text(" ", strip=True)
    assert "This page could not be rendered" in tag_page
    assert "RuntimeError: renderer bug" in tag_page
    cards = {card["id"]: card for card in json.loads(site.html("scorecards.json"))["apis"]}
    assert cards["unscorable"]["score"] == 0
    assert any(f["rule"] == "platform-internal" for f in cards["unscorable"]["findings"])
    assert cards["good"]["score"] > 0
    assert "Good pets" in site.html("apis/good/pets/index.html")


# -- reports --------------------------------------------------------------------------------


def test_reports_and_annotations_never_raise_on_text_utf8_cannot_encode(tmp_path):
    root = write_files(tmp_path / "src", {"openapi.yaml": minimal_spec("Pets")})
    settings = PortalSettings(sources=(SourceSettings(name="src", path=root),), cache=False)
    portal = read_portal(settings)
    # Text that was not loaded by the spec loader (an SDK docstring quoted in a message).
    portal.apis[0].findings.append(
        Finding(
            rule="sdk-load",
            severity="error",
            finding_class="sdk",
            message="docstring \ud800 with a NUL \x00",
            file="sdk/\udc00.py",
            line=3,
            pointer="#/paths/~1a\ud800",
        )
    )
    score_portal(portal)
    for fmt in ("json", "sarif", "junit"):
        text = report_text(portal, fmt)
        assert "\ufffd" in text
        text.encode("utf-8")
    written = write_reports(portal, tmp_path / "site")
    assert written
    stream = io.StringIO()
    count = print_annotations(
        portal_scorecards(portal), "info", 50, stream=stream, environ={"GITHUB_ACTIONS": "true"}
    )
    assert count > 0
    stream.getvalue().encode("utf-8")


# -- a portal of bad APIs beside good ones --------------------------------------------------


def _bad_sources(root: Path) -> list[dict[str, str]]:
    huge = minimal_spec("Huge")
    huge["x-count"] = "HUGE"
    bomb_lines = ["openapi: 3.0.3", "x-text: &t " + "x" * 4096, "x-copies:"]
    bomb_lines += ["  - *t"] * 1000
    schema_text = "d" * 600_000  # each external file is under the limit; the bundle is not
    big = minimal_spec("Big")
    big["components"] = {
        "schemas": {
            "A": {"$ref": "a.yaml#/A"},
            "B": {"$ref": "b.yaml#/B"},
        }
    }
    bad_url = _catalog_api("badurl", links=5)
    bad_url["spec"]["definition"] = {"$text": "http://[x"}
    files: dict[str, dict[str, Any]] = {
        "huge": {"openapi.json": json.dumps(huge).replace('"HUGE"', HUGE_INT)},
        "unsafe": {
            "openapi.json": raw_spec(
                '"Unsafe \\ud800 title \\u0000"',
                info_extra=', "description": "Bad \\udc00 text \\u0000 here."',
                paths='{"/pets\\ud800": {"get": {"tags": ["pets"], '
                '"responses": {"200": {"description": "ok"}}}}}',
            )
        },
        "bomb": {"openapi.yaml": "\n".join(bomb_lines) + "\n"},
        "long": {"openapi.yaml": _long_names_spec()},
        "big": {
            "openapi.yaml": big,
            "a.yaml": {"A": {"type": "string", "description": schema_text}},
            "b.yaml": {"B": {"type": "string", "description": schema_text}},
        },
        "catalog": {"catalog-info.yaml": "---\n" + yaml.safe_dump(bad_url)},
    }
    for name, content in files.items():
        write_files(root / name, content)
    return [{"name": name, "path": name} for name in files]


PLUGIN_OPTIONS = {"pages": "operation", "max_spec_size": "1MB"}


def test_bad_apis_beside_good_ones_cost_only_themselves(tmp_path):
    alone = build_site(
        tmp_path / "alone",
        {"sources": _good_sources(tmp_path / "alone"), **PLUGIN_OPTIONS},
        strict=False,
    )
    mixed_root = tmp_path / "mixed"
    sources = _good_sources(mixed_root) + _bad_sources(mixed_root)
    mixed = build_site(mixed_root, {"sources": sources, **PLUGIN_OPTIONS}, strict=False)

    for page in ("apis/good/index.html", "apis/good/pets/index.html", "apis/other/index.html"):
        assert str(mixed.article(page)) == str(alone.article(page))
    alone_cards = {c["id"]: c for c in json.loads(alone.html("scorecards.json"))["apis"]}
    mixed_cards = {c["id"]: c for c in json.loads(mixed.html("scorecards.json"))["apis"]}
    for api_id in ("good", "other"):
        assert mixed_cards[api_id] == alone_cards[api_id]

    assert {"huge", "unsafe", "bomb", "long", "big", "badurl"} <= set(mixed_cards)
    assert "Unsafe \ufffd title \ufffd" in mixed.html("apis/unsafe/index.html")
    assert "Bad \ufffd text \ufffd here." in mixed.html("apis/unsafe/index.html")
    assert "max_spec_size" in _internal_messages(mixed, "bomb")
    assert "openapi.json is not offered for download" in _internal_messages(mixed, "big")
    assert not (mixed.dir / "apis/big/openapi.json").exists()
    assert (mixed.dir / "apis/huge/openapi.json").exists()
    assert HUGE_INT in (mixed.dir / "apis/huge/openapi.json").read_text()
    assert "not a valid URL" in _internal_messages(mixed, "badurl")
    for api_id in mixed_cards:
        assert (mixed.dir / "apis" / api_id / "index.html").is_file()


def test_a_failure_outside_every_api_fails_the_build_with_a_message(tmp_path, monkeypatch, caplog):
    def build_portal(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("portal bug")

    monkeypatch.setattr(plugin_module, "build_portal", build_portal)
    with pytest.raises(Abort, match="BuildError"):
        build_site(tmp_path, {"sources": _good_sources(tmp_path)})
    errors = "\n".join(r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR)
    assert "building the portal failed (RuntimeError: portal bug)" in errors
