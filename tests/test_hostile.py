"""The hostile corpus (tests/fixtures/hostile): every case through `check`, then one portal of all.

Each case is a source folder (or a `mkdocs.yml`) listed in `manifest.json`; big ones, symlinks
and named pipes are made here at run time. Whatever a case holds, `check` exits 0 or 1 (2 only
for a refused git URL or ref in a config file, or a catalog entity that takes a reserved id,
with a message naming the source or the file), prints no traceback and reports a finding naming
the bad file. Cases that may hang or eat memory run in a child process with a timeout and a
memory limit. Then one real MkDocs build of every spec and catalog case beside a good API: it
succeeds, every case has its pages or its finding, and no payload reaches any page as markup.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import resource
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import lxml.html
import pytest
import yaml
from bs4 import BeautifulSoup

from mkdocs_platform import cli
from mkdocs_platform.portal import read_portal

from .conftest import FIXTURES, make_config, minimal_spec, write_files

HOSTILE = FIXTURES / "hostile"
MANIFEST: list[dict] = json.loads((HOSTILE / "manifest.json").read_text())
CASES = {case["id"]: case for case in MANIFEST}
SOURCE_CASES = [case for case in MANIFEST if case["kind"] in ("spec", "catalog")]
CONFIG_CASES = [case for case in MANIFEST if case["kind"] == "config"]

CHILD_TIMEOUT = 180
"""Seconds a possibly hanging case may take in its own process before the test fails."""
CHILD_MEMORY = 4 * 1024**3
"""Address space of that process: a bomb that is not bounded fails the test, not the machine."""
BUILD_TIMEOUT = 600
RESERVED_ID_CASES = {"catalog-name-reserved"}
"""Cases whose outcome may be a configuration error naming the file instead of a finding."""

PAYLOAD_MARK = "__pwned"
"""Every script payload of the corpus sets `window.__pwned`."""


# -- cases made at run time -------------------------------------------------------------


def _spec_text(title: str = "Generated") -> str:
    return json.dumps(minimal_spec(title))


def _deep_json(folder: Path) -> None:
    depth = 100_000
    text = '{"openapi": "3.0.3", "info": {"title": "Deep", "version": "1"}, "paths": {}, "x-deep": '
    (folder / "openapi.json").write_text(text + "[" * depth + "]" * depth + "}")


def _deep_yaml(folder: Path) -> None:
    depth = 100_000
    text = "openapi: 3.0.3\ninfo: {title: Deep, version: '1'}\npaths: {}\nx-deep: "
    (folder / "openapi.yaml").write_text(text + "[" * depth + "]" * depth + "\n")


def _deep_schema(folder: Path) -> None:
    text = '{"type": "string"}'
    for _ in range(2_000):
        text = '{"type": "object", "properties": {"child": ' + text + "}}"
    spec = json.dumps(minimal_spec("Deep schema"))
    (folder / "openapi.json").write_text(
        spec[:-1] + ', "components": {"schemas": {"Deep": ' + text + "}}}"
    )


def _deep_allof(folder: Path) -> None:
    text = '{"type": "string"}'
    for _ in range(2_000):
        text = '{"allOf": [' + text + "]}"
    spec = json.dumps(minimal_spec("Deep allOf"))
    (folder / "openapi.json").write_text(
        spec[:-1] + ', "components": {"schemas": {"Deep": ' + text + "}}}"
    )


def _long_ref_chain(folder: Path) -> None:
    schemas = {f"S{i}": {"$ref": f"#/components/schemas/S{i + 1}"} for i in range(3_000)}
    schemas["S3000"] = {"type": "string"}
    spec = minimal_spec("Ref chain")
    spec["components"] = {"schemas": schemas}
    spec["paths"]["/pets"]["get"]["responses"]["200"]["content"] = {
        "application/json": {"schema": {"$ref": "#/components/schemas/S0"}}
    }
    (folder / "openapi.json").write_text(json.dumps(spec))


def _huge_string(folder: Path) -> None:
    spec = minimal_spec("Huge string")
    spec["info"]["description"] = "<b>" + "x" * 5_000_000
    (folder / "openapi.json").write_text(json.dumps(spec))


def _many_keys(folder: Path) -> None:
    spec = minimal_spec("Many keys")
    spec["x-many"] = {f"k{i}": i for i in range(100_000)}
    spec["components"] = {
        "schemas": {
            "Wide": {
                "type": "object",
                "properties": {f"p{i}": {"type": "string"} for i in range(3_000)},
            }
        }
    }
    (folder / "openapi.json").write_text(json.dumps(spec))


def _many_operations(folder: Path) -> None:
    spec = minimal_spec("Many operations")
    spec["paths"] = {
        f"/items{i}": {
            "get": {
                "operationId": f"get{i}",
                "tags": ["items"],
                "responses": {"200": {"description": "ok"}},
            }
        }
        for i in range(600)
    }
    (folder / "openapi.json").write_text(json.dumps(spec))


def _long_names(folder: Path) -> None:
    spec = minimal_spec("Long names")
    long_id = "op" + "x" * 10_000
    long_tag = "tag" + "y" * 10_000
    spec["tags"] = [{"name": long_tag}]
    spec["paths"]["/pets"]["get"].update(operationId=long_id, tags=[long_tag], summary=None)
    del spec["paths"]["/pets"]["get"]["summary"]
    (folder / "openapi.json").write_text(json.dumps(spec))
    # `pages: operation` gives each operation a page named after it.
    _plugin_config(folder, pages="operation")


def _huge_file(folder: Path) -> None:
    spec = minimal_spec("Huge file")
    spec["x-padding"] = "x" * (2 * 1024 * 1024)
    (folder / "openapi.json").write_text(json.dumps(spec))
    _plugin_config(folder, max_spec_size="1MB")


def _plugin_config(folder: Path, **options: object) -> None:
    plugin = {"sources": [{"name": folder.name, "path": "."}], "cache": False, **options}
    config = {"site_name": "Hostile", "plugins": [{"platform": plugin}]}
    (folder / "mkdocs.yml").write_text(yaml.safe_dump(config))


def _outside(folder: Path) -> Path:
    """A folder beside the case's source: outside it, holding secrets it must never show."""
    outside = folder.parent / f"{folder.name}-outside"
    outside.mkdir(exist_ok=True)
    (outside / "secret.yaml").write_text("type: string\ndescription: SECRET-OUTSIDE-THE-SOURCE\n")
    (outside / "openapi.json").write_text(_spec_text("SECRET-OUTSIDE-THE-SOURCE"))
    (outside / "catalog-info.yaml").write_text(
        "kind: API\nmetadata: {name: outside, title: SECRET-OUTSIDE-THE-SOURCE}\n"
        "spec: {type: openapi, definition: {$text: ./openapi.json}}\n"
    )
    return outside


def _ref_to(folder: Path, target: str) -> None:
    spec = minimal_spec("Refs")
    spec["paths"]["/pets"]["get"]["responses"]["200"]["content"] = {
        "application/json": {"schema": {"$ref": target}}
    }
    (folder / "openapi.json").write_text(json.dumps(spec))


def _beside(folder: Path) -> None:
    # `check` of a folder without any API is a usage error: a good spec keeps the case an API.
    (folder / "good.openapi.json").write_text(_spec_text("Beside the hostile file"))


def _symlink_spec_out(folder: Path) -> None:
    _beside(folder)
    (folder / "openapi.yaml").symlink_to("/etc/passwd")
    (folder / "swagger.json").symlink_to(_outside(folder) / "openapi.json")


def _symlink_ref_out(folder: Path) -> None:
    (folder / "inside.yaml").symlink_to(_outside(folder) / "secret.yaml")
    _ref_to(folder, "inside.yaml")


def _symlink_dir_out(folder: Path) -> None:
    (folder / "linked").symlink_to(_outside(folder), target_is_directory=True)
    _ref_to(folder, "linked/secret.yaml")


def _symlink_catalog_out(folder: Path) -> None:
    (folder / "catalog-info.yaml").symlink_to(_outside(folder) / "catalog-info.yaml")
    (folder / "openapi.json").write_text(_spec_text("Inside"))


def _symlink_catalog_text_out(folder: Path) -> None:
    _beside(folder)
    (folder / "api.json").symlink_to(_outside(folder) / "openapi.json")
    (folder / "catalog-info.yaml").write_text(
        "kind: API\nmetadata: {name: linked}\nspec: {type: openapi, definition: {$text: ./api.json}}\n"
    )


def _symlink_loop(folder: Path) -> None:
    (folder / "a.yaml").symlink_to(folder / "b.yaml")
    (folder / "b.yaml").symlink_to(folder / "a.yaml")
    (folder / "up").symlink_to(folder, target_is_directory=True)
    _ref_to(folder, "a.yaml")


def _fifo_spec(folder: Path) -> None:
    _beside(folder)
    os.mkfifo(folder / "openapi.yaml")


def _fifo_ref(folder: Path) -> None:
    os.mkfifo(folder / "pipe.yaml")
    _ref_to(folder, "pipe.yaml")


def _fifo_catalog(folder: Path) -> None:
    os.mkfifo(folder / "catalog-info.yaml")
    (folder / "openapi.json").write_text(_spec_text("Beside a pipe"))


def _dangling_spec(folder: Path) -> None:
    (folder / "openapi.yaml").symlink_to(folder / "nothing-here.yaml")
    (folder / "swagger.json").write_text(_spec_text("Beside a dangling link"))


RUNTIME: dict[str, Callable[[Path], None]] = {
    "deep_json": _deep_json,
    "deep_yaml": _deep_yaml,
    "deep_schema": _deep_schema,
    "deep_allof": _deep_allof,
    "long_ref_chain": _long_ref_chain,
    "huge_string": _huge_string,
    "many_keys": _many_keys,
    "many_operations": _many_operations,
    "long_names": _long_names,
    "huge_file": _huge_file,
    "symlink_spec_out": _symlink_spec_out,
    "symlink_ref_out": _symlink_ref_out,
    "symlink_dir_out": _symlink_dir_out,
    "symlink_catalog_out": _symlink_catalog_out,
    "symlink_catalog_text_out": _symlink_catalog_text_out,
    "symlink_loop": _symlink_loop,
    "fifo_spec": _fifo_spec,
    "fifo_ref": _fifo_ref,
    "fifo_catalog": _fifo_catalog,
    "dangling_spec": _dangling_spec,
}


def prepare(case: dict, parent: Path) -> Path:
    """The case as a folder under `parent`: copied from the corpus, or made now."""
    folder = parent / case["id"]
    fixture = HOSTILE / case["id"]
    if fixture.is_dir():
        shutil.copytree(fixture, folder, symlinks=True)
    else:
        folder.mkdir(parents=True)
    if "runtime" in case:
        RUNTIME[case["runtime"]](folder)
    return folder


def check_args(folder: Path) -> list[str]:
    config = folder / "mkdocs.yml"
    target = ["--config", str(config)] if config.exists() else [str(folder)]
    return ["check", *target, "--format", "json"]


# -- running check ----------------------------------------------------------------------


def run_in_process(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(argv)
    return code, out.getvalue(), err.getvalue()


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (CHILD_MEMORY, CHILD_MEMORY))


CHILD = """
import json, sys
from mkdocs_platform import cli
from mkdocs_platform.portal import read_portal
argv, side = sys.argv[2:], sys.argv[1]
code = cli.main(argv)
findings = []
if code in (0, 1):
    args = cli.build_parser().parse_args(argv)
    sources = [s for _, s in cli.path_sources(args.paths)]
    portal = read_portal(cli.check_settings(args, sources))
    findings = [{"file": f.file, "message": f.message} for _, f in portal.findings]
with open(side, "w") as handle:
    json.dump(findings, handle)
sys.exit(code)
"""


def run_in_child(argv: list[str], cwd: Path) -> tuple[int, str, str, list[dict]]:
    side = cwd / "portal-findings.json"
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    env["PYTHONPATH"] = os.pathsep.join(
        [str(Path(__file__).resolve().parents[1]), env.get("PYTHONPATH", "")]
    )
    try:
        done = subprocess.run(
            [sys.executable, "-c", CHILD, str(side), *argv],
            capture_output=True,
            text=True,
            errors="replace",
            timeout=CHILD_TIMEOUT,
            cwd=cwd,
            env=env,
            preexec_fn=_limit_memory,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"check did not finish within {CHILD_TIMEOUT} s: {argv}")
    findings = json.loads(side.read_text()) if side.exists() else []
    return done.returncode, done.stdout, done.stderr, findings


def portal_findings(argv: list[str]) -> list[dict]:
    """The findings not tied to one API (catalog problems), which the report does not carry."""
    args = cli.build_parser().parse_args(argv)
    sources = [source for _, source in cli.path_sources(args.paths)]
    portal = read_portal(cli.check_settings(args, sources))
    return [{"file": f.file, "message": f.message} for _, f in portal.findings]


def report_findings(stdout: str) -> list[dict]:
    report = json.loads(stdout)
    return [f for api in report["apis"] for f in api["findings"]]


def _finding_names(findings: list[dict], wanted: str) -> bool:
    return any(f.get("file") == wanted or wanted in (f.get("message") or "") for f in findings)


@pytest.mark.parametrize("case", SOURCE_CASES, ids=[c["id"] for c in SOURCE_CASES])
def test_check_survives_case(case, tmp_path, monkeypatch):
    folder = prepare(case, tmp_path / "cases")
    argv = check_args(folder)
    monkeypatch.chdir(tmp_path)
    if case.get("hang"):
        code, out, err, portal = run_in_child(argv, tmp_path)
    else:
        code, out, err = run_in_process(argv)
        portal = portal_findings(argv) if code in (0, 1) else []
    output = out + err
    assert "Traceback" not in output, output[-3000:]
    assert "internal error" not in output, output[-3000:]
    if code == 2 and case["id"] in RESERVED_ID_CASES:
        assert "catalog-info.yaml" in err, err
        return
    assert code in (0, 1), f"exit {code}: {output[-3000:]}"
    findings = report_findings(out) + portal
    wanted = case.get("finding_file")
    if wanted:
        assert _finding_names(findings, wanted), (
            f"no finding names {wanted}: {[(f['file'], f['message']) for f in findings][:20]}"
        )
    assert "SECRET-OUTSIDE-THE-SOURCE" not in output
    assert "root:x:0:0" not in output
    assert not (tmp_path / "pwned").exists()
    if case.get("loads"):
        report = json.loads(out)
        assert report["apis"], "the case's API is reported"
        assert all(api["score"] > 0 for api in report["apis"]), "the API loaded and was scored"


@pytest.mark.parametrize("case", CONFIG_CASES, ids=[c["id"] for c in CONFIG_CASES])
def test_check_refuses_config_case(case, tmp_path, monkeypatch):
    folder = prepare(case, tmp_path / "cases")
    monkeypatch.chdir(folder)
    code, out, err = run_in_process(check_args(folder))
    assert "Traceback" not in out + err, err[-3000:]
    assert "internal error" not in err, err[-3000:]
    assert code == 2, f"exit {code}: {out[-2000:]} {err[-2000:]}"
    assert err.startswith("mkdocs-platform: error:"), err
    assert "'evil'" in err or "Config value" in err, err
    assert not list(tmp_path.rglob("pwned"))
    # The refused source never reached git: no checkout was started in its cache.
    assert not (folder / "cache" / "git" / "evil" / "checkout").exists()


def test_corpus_is_large_and_described():
    kinds = {kind: sum(c["kind"] == kind for c in MANIFEST) for kind in ("spec", "catalog")}
    assert len(MANIFEST) >= 100
    assert kinds["spec"] >= 50
    assert kinds["catalog"] >= 10
    described = (HOSTILE / "CASES.md").read_text()
    for case in MANIFEST:
        assert f"`{case['id']}`" in described, case["id"]
        assert case["runtime"] in RUNTIME if "runtime" in case else (HOSTILE / case["id"]).is_dir()


# -- one portal of every case -------------------------------------------------------------

BUILD = """
import sys
from mkdocs.commands.build import build
from mkdocs.config import load_config
config = load_config(sys.argv[1], strict=False)
config.plugins.on_startup(command="build", dirty=False)
try:
    build(config)
finally:
    config.plugins.on_shutdown()
"""

BUILD_CASES = [c for c in SOURCE_CASES if c["id"] not in RESERVED_ID_CASES]


def _unique_entity_names(folder: Path, case_id: str) -> None:
    # One catalog name per case: cases share the entity name `hostile`, and a portal keeps one.
    catalog = folder / "catalog-info.yaml"
    if catalog.is_file() and not catalog.is_symlink():
        raw = catalog.read_bytes()
        catalog.write_bytes(raw.replace(b"hostile", f"{case_id}-entity".encode()))


EXAMPLE = Path(__file__).resolve().parents[1] / "example_site"


def example_sources(root: Path) -> list[dict]:
    """The example portal's sources (with their SDKs), copied under `root/example`."""
    shutil.copytree(EXAMPLE / "services", root / "example" / "services", dirs_exist_ok=True)
    config = yaml.safe_load((EXAMPLE / "mkdocs.yml").read_text())
    (plugin,) = [p["platform"] for p in config["plugins"] if isinstance(p, dict)]
    return [{**source, "path": f"example/{source['path']}"} for source in plugin["sources"]]


@pytest.fixture(scope="module")
def hostile_portal(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile-portal")
    repos = root / "repos"
    sources = []
    for case in BUILD_CASES:
        folder = prepare(case, repos)
        (folder / "mkdocs.yml").unlink(missing_ok=True)
        _unique_entity_names(folder, case["id"])
        sources.append({"name": case["id"], "path": f"repos/{case['id']}"})
    good = minimal_spec("Good API")
    good["components"] = {"schemas": {"Pet": {"type": "object"}}}
    write_files(repos / "good", {"openapi.json": good})
    sources.append({"name": "good", "path": "repos/good"})
    sources.extend(example_sources(root))
    write_files(root / "docs", {"index.md": "# Home\n\nSix times seven is {{ 6 * 7 }}.\n"})
    plugin = {"sources": sources, "pages": "operation", "cache": False}
    config = make_config(
        root,
        plugin,
        markdown_extensions=[
            "attr_list",
            {"pymdownx.snippets": {"base_path": ["/"], "check_paths": False}},
        ],
        plugins=["search", "macros", {"platform": plugin}],
    )
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    env["PYTHONPATH"] = os.pathsep.join(
        [str(Path(__file__).resolve().parents[1]), env.get("PYTHONPATH", "")]
    )
    try:
        done = subprocess.run(
            [sys.executable, "-c", BUILD, str(config)],
            capture_output=True,
            text=True,
            errors="replace",
            timeout=BUILD_TIMEOUT,
            cwd=root,
            env=env,
            preexec_fn=_limit_memory,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"the portal of every hostile case did not build within {BUILD_TIMEOUT} s")
    return root, done


def _built(hostile_portal) -> Path:
    root, done = hostile_portal
    assert done.returncode == 0, done.stderr[-5000:]
    assert "Traceback" not in done.stderr, done.stderr[-5000:]
    return root / "site"


def test_portal_of_every_case_builds(hostile_portal):
    site = _built(hostile_portal)
    assert (site / "apis/index.html").is_file()
    assert (site / "scorecards.json").is_file()


def test_good_api_is_whole_beside_the_hostile_ones(hostile_portal):
    site = _built(hostile_portal)
    overview = BeautifulSoup((site / "apis/good/index.html").read_text(), "html.parser")
    assert "Good API" in overview.get_text()
    assert (site / "apis/good/pets/index.html").is_file()
    assert (site / "apis/good/models/index.html").is_file()
    assert (site / "apis/good/scorecard/index.html").is_file()
    assert list((site / "apis/good/operations").rglob("index.html"))


def test_example_apis_are_unchanged_beside_the_hostile_ones(hostile_portal, tmp_path):
    site = _built(hostile_portal)
    beside = {api["id"]: api for api in json.loads((site / "scorecards.json").read_text())["apis"]}
    config = make_config(tmp_path, {"sources": example_sources(tmp_path), "cache": False})
    alone_report = tmp_path / "alone.json"
    code = cli.main(
        ["check", "--config", str(config), "--format", "json", "--output", str(alone_report)]
    )
    assert code in (0, 1)
    alone = json.loads(alone_report.read_text())["apis"]
    assert len(alone) == 5
    for api in alone:
        other = beside[api["id"]]
        assert (other["score"], other["grade"], other["level"]) == (
            api["score"],
            api["grade"],
            api["level"],
        )
        assert [f["message"] for f in other["findings"]] == [f["message"] for f in api["findings"]]
        assert (site / "apis" / api["id"] / "index.html").is_file()


def test_every_case_has_its_pages_or_its_finding(hostile_portal):
    site = _built(hostile_portal)
    report = json.loads((site / "scorecards.json").read_text())
    by_source: dict[str, list[dict]] = {}
    for api in report["apis"]:
        by_source.setdefault(api["source"], []).append(api)
    catalog_page = (site / "apis/index.html").read_text()
    missing = []
    for case in BUILD_CASES:
        apis = by_source.get(case["id"], [])
        pages = [site / "apis" / api["id"] / "index.html" for api in apis]
        if case.get("loads") and not (apis and all(p.is_file() for p in pages)):
            missing.append(f"{case['id']}: no API page")
        wanted = case.get("finding_file")
        if wanted:
            findings = [f for api in apis for f in api["findings"]]
            if not _finding_names(findings, wanted) and wanted not in catalog_page:
                missing.append(f"{case['id']}: no finding naming {wanted}")
    assert not missing, missing


TEMPLATE_RESULT = str(7 * 191)
"""What the corpus's template payload `{{ 7 * 191 }}` would show if it were evaluated."""

GENERATED_CASES = {case["id"] for case in MANIFEST if "runtime" in case}
"""Cases made at run time: no payload in them, and numbers of every size on their pages."""


def _scan(html: str, where: str) -> list[str]:
    """What on one page could run a payload: scripts, handlers, dangerous URLs and elements.

    lxml's parser decodes attributes as a browser does, and is fast enough for the portal's
    hundreds of megabytes of pages.
    """
    problems = []
    for element in lxml.html.document_fromstring(html).iter():
        tag = element.tag
        if not isinstance(tag, str):
            continue  # a comment or a processing instruction
        if tag in ("iframe", "object", "embed", "base") or (
            tag == "meta" and "http-equiv" in element.attrib
        ):
            problems.append(f"{where}: a <{tag}> element")
        if tag == "script" and (
            PAYLOAD_MARK in (element.text or "") or PAYLOAD_MARK in element.get("src", "")
        ):
            problems.append(f"{where}: a payload script")
        for name, value in element.attrib.items():
            if name.startswith("on") and PAYLOAD_MARK in value:
                problems.append(f"{where}: <{tag} {name}>")
            squeezed = "".join(value.split()).lower()
            if name in ("href", "src", "action", "formaction", "data", "xlink:href") and (
                squeezed.startswith(("javascript:", "data:text/html", "vbscript:"))
            ):
                problems.append(f"{where}: <{tag} {name}={value[:60]!r}>")
    return problems


def _harmless(html: str, where: str) -> list[str]:
    problems = _scan(html, where)
    problems.extend(
        f"{where}: {leaked!r} is on the page"
        for leaked in ("root:x:0:0", "SECRET-OUTSIDE-THE-SOURCE")
        if leaked in html
    )
    generated = any(where.startswith(f"apis/{case}/") for case in GENERATED_CASES)
    if not generated and TEMPLATE_RESULT in html:
        problems.append(f"{where}: an evaluated template ({TEMPLATE_RESULT}) is on the page")
    return problems


def test_the_payload_scan_sees_what_would_run():
    # The scan must catch each way a payload runs, or passing proves nothing.
    page = (
        "<script>window.__pwned=1</script><img src=x onerror='window.__pwned=1'>"
        "<a href='&#106;avascript:alert(1)'>x</a><iframe></iframe>"
        "<meta http-equiv=refresh content='0;url=x'><p>1337</p>"
    )
    problems = _harmless(page, "apis/payload-summary/index.html")
    assert len(problems) == 6, problems
    assert _harmless("<p>&lt;script&gt;window.__pwned=1&lt;/script&gt;</p>", "x.html") == []


def test_no_payload_runs_in_any_page(hostile_portal):
    site = _built(hostile_portal)
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > len(BUILD_CASES)
    problems = [
        p for page in pages for p in _harmless(page.read_text(), str(page.relative_to(site)))
    ]
    assert not problems, problems[:30]
    # Macros still run on the user's own page: only spec text is kept from them.
    assert "Six times seven is 42." in (site / "index.html").read_text()


def test_no_payload_in_the_search_index(hostile_portal):
    site = _built(hostile_portal)
    index = (site / "search/search_index.json").read_text()
    docs = json.loads(index)["docs"]
    ours = [d for d in docs if d["location"].startswith("apis/")]
    assert ours
    for doc in ours:
        # Material shows these strings as HTML: every payload must be escaped there.
        for field in ("text", "title"):
            lowered = doc[field].lower()
            for tag in ("<script", "<img", "<iframe", "<svg", "<object", '<a href="javascript'):
                assert tag not in lowered, (doc["location"], field, doc[field][:200])
    for leaked in ("root:x:0:0", "SECRET-OUTSIDE-THE-SOURCE"):
        assert leaked not in index


def test_nothing_is_written_outside_the_site(hostile_portal):
    root, _ = hostile_portal
    _built(hostile_portal)
    # Names from specs (tags, operationIds, entity names) never leave the site folder.
    written = {p.name for p in root.iterdir()}
    assert written <= {"docs", "repos", "example", "site", "mkdocs.yml", ".cache"}, written
    assert not list(root.rglob("pwned"))
