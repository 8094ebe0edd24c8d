"""Bundles: services publish them from their own CI, a portal assembles them.

Real parts only: service repositories made with git in `tmp_path` (the example portal's
services), `mkdocs-platform check --bundle` in a process of its own, a real S3 server on
127.0.0.1 (moto's standalone server, see `s3server.py`), and real MkDocs builds compared file
by file with a portal that reads the same repositories directly.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import time
from pathlib import Path
from typing import Any

import fsspec
import pytest
import yaml
from mkdocs.exceptions import Abort

from mkdocs_platform.bundles.format import (
    FORMAT_VERSION,
    SUFFIX,
    content_digest,
    load_schema,
    parse_bundle,
)
from mkdocs_platform.bundles.storage import storage_for

from .conftest import (
    build_site,
    git,
    make_config,
    minimal_spec,
    run_cli,
    serving,
    site_files,
    wait_for_page,
    write_files,
)
from .s3server import s3_bucket_fixture, s3_server_fixture  # noqa: F401

EXAMPLE = Path(__file__).resolve().parents[1] / "example_site" / "services"
SERVICES = {
    "payments": {"sdks": [{"path": "sdk/python", "package": "acme_payments"}]},
    "orders": {"sdks": [{"path": "sdk", "package": "acme_orders", "docstring_style": "numpy"}]},
    "notifications": {},
    "storefront": {},
}
"""The services (one gives only catalog components consuming the others) and their SDKs."""
HOSTILE = "<script>alert('bundle')</script>"


def _repositories(root: Path) -> dict[str, Path]:
    """Each service as a git repository with an origin, as its CI checks it out."""
    repos = {}
    for name in SERVICES:
        repo = root / "repos" / name
        shutil.copytree(EXAMPLE / name, repo)
        git("init", "--quiet", "--initial-branch", "main", cwd=repo)
        git("add", "-A", cwd=repo)
        git("commit", "--quiet", "-m", "release", cwd=repo)
        git("remote", "add", "origin", f"https://github.com/acme/{name}.git", cwd=repo)
        repos[name] = repo
    return repos


def _service_config(repo: Path, name: str) -> Path:
    """The service's own mkdocs.yml: its one source, and scorecard settings of its own that
    the portal must not take over."""
    source = {"name": name, "path": ".", **SERVICES[name]}
    plugin = {
        "sources": [source],
        "cache_dir": str(repo.parent.parent / "ci-cache" / name),
        "scorecard": {"rules": {"sec-https-only": "off"}},
    }
    config = {"site_name": name, "plugins": [{"platform": plugin}]}
    path = repo.parent.parent / "ci" / name / "mkdocs.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    # The service's config sits outside the checkout here, so name its path from there.
    source["path"] = str(repo)
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


def _publish(repos: dict[str, Path], destination: str, *options: str) -> None:
    for name, repo in repos.items():
        config = _service_config(repo, name)
        done = run_cli("check", "--config", str(config), "--bundle", destination, *options)
        assert done.returncode in (0, 1), done.stderr
        assert "Traceback" not in done.stderr
        assert f"to {destination}" in done.stderr


def _direct_sources(repos: dict[str, Path]) -> list[dict[str, Any]]:
    return [{"name": name, "path": str(repo), **SERVICES[name]} for name, repo in repos.items()]


def _portal(root: Path, sources: list[dict[str, Any]]) -> dict[str, bytes]:
    site = build_site(root, {"sources": sources, "cache_dir": "cache"})
    return site_files(site.dir)


def _compared(files: dict[str, bytes]) -> dict[str, bytes]:
    """The pages and reports; the search index is built from the pages."""
    return {
        name: data
        for name, data in files.items()
        if name.endswith((".html", ".json", ".svg")) and not name.startswith("assets/")
    }


@pytest.fixture(scope="module")
def services(tmp_path_factory) -> tuple[dict[str, Path], dict[str, bytes]]:
    """The repositories, and the portal built from them directly."""
    root = tmp_path_factory.mktemp("services")
    repos = _repositories(root)
    direct = _compared(_portal(root / "direct", _direct_sources(repos)))
    return repos, direct


def test_a_portal_of_bundles_in_s3_equals_the_portal_of_the_repositories(
    services, tmp_path, s3_bucket
):
    repos, direct = services
    endpoint = f"endpoint_url={s3_bucket.endpoint_url}"
    destination = f"{s3_bucket.url}bundles/"
    _publish(repos, destination, "--storage-option", endpoint)
    fs = fsspec.filesystem("s3", **s3_bucket.storage_options)
    published = sorted(Path(p).name for p in fs.ls(destination))
    assert published == [
        "notifications.bundle.json",
        "orders.bundle.json",
        "payments.bundle.json",
        "storefront.catalog.bundle.json",
    ]
    source = {
        "name": "published",
        "bundles": destination,
        "storage_options": dict(s3_bucket.storage_options),
    }
    assembled = _compared(_portal(tmp_path, [source]))
    assert sorted(assembled) == sorted(direct)
    different = [name for name in direct if assembled[name] != direct[name]]
    assert different == []
    # The pages are those of the services' APIs, with the consumers read from a catalog bundle.
    cards = json.loads(assembled["scorecards.json"])
    assert sorted(api["id"] for api in cards["apis"]) == ["notifications", "orders", "payments"]
    assert b"storefront" in assembled["apis/payments/index.html"]


def test_a_portal_of_bundles_in_a_folder_equals_the_portal_of_the_repositories(services, tmp_path):
    repos, direct = services
    folder = tmp_path / "published"
    _publish(repos, str(folder))
    assembled = _compared(_portal(tmp_path / "portal", [{"name": "p", "bundles": str(folder)}]))
    assert [name for name in direct if assembled.get(name) != direct[name]] == []


def test_the_portal_scores_bundles_by_its_own_settings(services, tmp_path):
    repos, direct = services
    folder = tmp_path / "published"
    _publish({"payments": repos["payments"]}, str(folder))
    bundle = parse_bundle((folder / f"payments{SUFFIX}").read_bytes())
    assert bundle.scorecard is not None
    # The service turned a check off; its own scorecard says so, the portal's does not.
    checks = {c["id"]: c for c in bundle.scorecard["checks"]}
    assert "sec-https-only" not in checks
    portal = json.loads(direct["scorecards.json"])
    (payments,) = [api for api in portal["apis"] if api["id"] == "payments"]
    assert "sec-https-only" in {c["id"] for c in payments["checks"]}


def test_a_written_bundle_matches_its_schema_and_digest(services, tmp_path):
    import jsonschema

    repos, _ = services
    folder = tmp_path / "published"
    _publish({"payments": repos["payments"]}, str(folder))
    data = json.loads((folder / f"payments{SUFFIX}").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(load_schema()).validate(data)
    assert data["format_version"] == FORMAT_VERSION
    assert data["digest"] == content_digest(data["content"])
    content = data["content"]
    assert content["api"] == {"id": "payments", "spec_path": "openapi.yaml"}
    assert content["source"]["commit"] == git("rev-parse", "HEAD", cwd=repos["payments"])
    assert "openapi.yaml" in content["files"]
    assert "sdk/python/acme_payments/__init__.py" in content["files"]
    assert content["document"]["info"]["title"]
    (sdk,) = content["sdks"]
    assert sdk["package"] == "acme_payments"
    assert sdk["calls"]
    assert set(content["producer"]) >= {"mkdocs-platform", "openapi-spec-validator", "python"}
    # Nothing half written is left beside the bundles.
    assert sorted(p.name for p in folder.iterdir()) == [f"payments{SUFFIX}"]


# -- bundles that must not be used -------------------------------------------------------------


def _bundle(title: str, api_id: str, source: str = "svc") -> dict[str, Any]:
    """A bundle as `check --bundle` writes one, for a spec with `title`."""
    spec = minimal_spec(title)
    text = json.dumps(spec)
    content = {
        "api": {"id": api_id, "spec_path": "openapi.json"},
        "source": {
            "name": source,
            "commit": None,
            "branch": None,
            "view_template": None,
            "edit_template": None,
            "line_template": "",
            "specs": [{"pattern": "openapi.json", "id": api_id}],
            "exclude": [],
            "catalog": True,
            "sdks": [],
            "title": "",
            "owner": "",
            "lifecycle": "",
            "system": "",
        },
        "files": {"openapi.json": text},
        "validation": [],
        "document": spec,
        "findings": [],
        "scorecard": None,
        "catalog": None,
        "sdks": [],
        "producer": {"mkdocs-platform": "test"},
    }
    return {
        "format": "mkdocs-platform-bundle",
        "format_version": FORMAT_VERSION,
        "digest": content_digest(content),
        "content": content,
    }


def _write(folder: Path, name: str, bundle: dict[str, Any] | bytes) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    data = bundle if isinstance(bundle, bytes) else json.dumps(bundle).encode()
    (folder / f"{name}{SUFFIX}").write_bytes(data)


def _build_with(tmp_path: Path, *extra_sources: dict[str, Any]):
    sources = [{"name": "published", "bundles": "bundles"}, *extra_sources]
    return build_site(tmp_path, {"sources": sources, "cache_dir": "cache"}, strict=False)


def test_tampered_truncated_and_newer_bundles_are_findings_and_the_others_stay(tmp_path, caplog):
    folder = tmp_path / "bundles"
    _write(folder, "good", _bundle("Good API", "good", "good-svc"))
    tampered = _bundle("Tampered API", "tampered", "t-svc")
    tampered["content"]["files"]["openapi.json"] = json.dumps(minimal_spec(HOSTILE))
    _write(folder, "tampered", tampered)
    whole = json.dumps(_bundle("Truncated API", "truncated", "c-svc")).encode()
    _write(folder, "truncated", whole[: len(whole) // 2])
    newer = _bundle("Newer API", "newer", "n-svc")
    newer["format_version"] = FORMAT_VERSION + 1
    _write(folder, "newer", newer)

    site = _build_with(tmp_path)

    assert site.article("apis/good/index.html").select_one("h1") is not None
    for api_id in ("tampered", "truncated", "newer"):
        assert not (site.dir / "apis" / api_id).exists()
    messages = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]

    def said(name: str) -> str:
        (message,) = [m for m in messages if f"{name}{SUFFIX}" in m]
        return message

    assert "does not match its digest" in said("tampered")
    assert "cut short" in said("truncated")
    assert f"format version {FORMAT_VERSION + 1}, newer" in said("newer")
    assert "Traceback" not in caplog.text
    # The findings reach the catalog page too, naming each bundle.
    catalog = site.article("apis/index.html")
    rows = [row.get_text() for row in catalog.select("#catalog-problems ~ div tr.mp-finding")]
    for name in ("tampered", "truncated", "newer"):
        assert any(f"{name}{SUFFIX}" in row for row in rows), rows
    assert HOSTILE not in site.html("apis/index.html")


def test_a_bundle_whose_id_clashes_is_a_finding_and_the_first_stays(tmp_path, caplog):
    folder = tmp_path / "bundles"
    _write(folder, "a-first", _bundle("First API", "pets", "first-svc"))
    _write(folder, "b-twin", _bundle("Twin API", "pets", "twin-svc"))
    own = write_files(tmp_path / "own", {"openapi.json": minimal_spec("Own API")})
    _write(folder, "c-own", _bundle("Bundled own API", "own", "other-svc"))

    site = _build_with(tmp_path, {"name": "own", "path": str(own)})

    title = site.article("apis/pets/index.html").select_one("h1").get_text()
    assert "First API" in title
    # The portal's own source keeps its id; the bundle giving the same id is left out.
    assert "Own API" in site.article("apis/own/index.html").select_one("h1").get_text()
    warnings = "\n".join(r.getMessage() for r in caplog.records if r.levelname == "WARNING")
    assert f"b-twin{SUFFIX}: it gives the API id 'pets'" in warnings
    assert f"c-own{SUFFIX}: it gives the API id 'own'" in warnings


def _at_commit(bundle: dict[str, Any], commit: str) -> dict[str, Any]:
    bundle["content"]["source"]["commit"] = commit
    bundle["digest"] = content_digest(bundle["content"])
    return bundle


@pytest.mark.parametrize("old_name", ["a-old", "z-old"])
def test_bundles_left_from_an_older_commit_are_findings_and_the_newest_commit_stays(
    tmp_path, caplog, old_name
):
    folder = tmp_path / "bundles"
    # The service renamed its API: the bundle of its old name stays in the storage.
    _write(folder, old_name, _at_commit(_bundle("Old name", "old-name", "svc"), "1" * 40))
    _write(folder, "m-new", _at_commit(_bundle("New name", "new-name", "svc"), "2" * 40))
    _write(folder, "other", _bundle("Other API", "other", "other-svc"))
    hour_ago = (folder / f"m-new{SUFFIX}").stat().st_mtime - 3600
    os.utime(folder / f"{old_name}{SUFFIX}", (hour_ago, hour_ago))

    site = _build_with(tmp_path)

    assert "New name" in site.article("apis/new-name/index.html").select_one("h1").get_text()
    assert (site.dir / "apis" / "other" / "index.html").is_file()
    assert not (site.dir / "apis" / "old-name").exists()
    warnings = "\n".join(r.getMessage() for r in caplog.records if r.levelname == "WARNING")
    assert (
        f"{old_name}{SUFFIX}: it is of source 'svc' at commit {'1' * 12}, older than the "
        f"bundles of commit {'2' * 12}"
    ) in warnings
    assert "m-new" not in warnings


def test_object_storage_says_when_each_bundle_was_written(s3_bucket):
    storage = storage_for(s3_bucket.url, s3_bucket.storage_options)
    before = time.time()
    storage.write_whole(f"pets{SUFFIX}", json.dumps(_bundle("Pets", "pets")).encode())

    (listed,) = storage.list_bundles(SUFFIX)

    assert listed.path.endswith(f"pets{SUFFIX}")
    assert listed.stamp is not None
    # S3 keeps whole seconds; a day either way leaves room for any clock on the machine.
    assert listed.modified is not None
    assert abs(listed.modified - before) < 86_400


def test_a_bundle_naming_a_file_outside_its_folder_is_refused(tmp_path, caplog):
    folder = tmp_path / "bundles"
    escape = _bundle("Escape API", "escape", "e-svc")
    escape["content"]["files"]["../../outside.txt"] = "written outside"
    escape["digest"] = content_digest(escape["content"])
    _write(folder, "escape", escape)
    _write(folder, "good", _bundle("Good API", "good", "g-svc"))
    site = _build_with(tmp_path)
    assert not list(tmp_path.rglob("outside.txt"))
    assert not (site.dir / "apis" / "escape").exists()
    assert any("would leave the folder" in r.getMessage() for r in caplog.records)


def _without_its_spec() -> dict[str, Any]:
    bundle = _bundle("Empty API", "empty", "x-svc")
    bundle["content"]["files"] = {"README.md": "no spec here"}
    bundle["digest"] = content_digest(bundle["content"])
    return bundle


def _lone_surrogate() -> bytes:
    bundle = _bundle("Surrogate API", "surrogate", "x-svc")
    bundle["content"]["files"]["notes.txt"] = "\ud800"
    bundle["digest"] = content_digest(bundle["content"])
    return json.dumps(bundle).encode()


@pytest.mark.parametrize(
    ("name", "data", "problem"),
    [
        ("empty", _without_its_spec(), "publishes the API 'empty', but its files give no such API"),
        ("deep", b'{"format":' + b"[" * 500 + b"]" * 500 + b"}", "not a bundle"),
        ("deeper", b"[" * 1_000_000 + b"]" * 1_000_000, "nested too deeply"),
        ("surrogate", _lone_surrogate(), "cannot be unpacked"),
        ("list", b"[]", "not a bundle"),
        ("schema", json.dumps({**_bundle("S", "s"), "format_version": 0}).encode(), "minimum"),
    ],
)
def test_a_bundle_that_cannot_be_used_is_a_finding_naming_it(tmp_path, caplog, name, data, problem):
    folder = tmp_path / "bundles"
    _write(folder, name, data)
    _write(folder, "good", _bundle("Good API", "good", "g-svc"))
    site = _build_with(tmp_path)
    assert (site.dir / "apis" / "good" / "index.html").is_file()
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert any(f"{name}{SUFFIX}" in m and problem in m for m in warnings), warnings
    assert "Traceback" not in caplog.text


def test_a_pipe_a_link_and_a_loop_among_the_bundles_are_not_followed(tmp_path, caplog):
    folder = tmp_path / "bundles"
    _write(folder, "good", _bundle("Good API", "good", "g-svc"))
    os.mkfifo(folder / f"pipe{SUFFIX}")
    (folder / f"link{SUFFIX}").symlink_to(folder / f"good{SUFFIX}")
    (folder / "loop").symlink_to(folder)
    site = _build_with(tmp_path)
    assert (site.dir / "apis" / "good" / "index.html").is_file()
    warnings = "\n".join(r.getMessage() for r in caplog.records if r.levelname == "WARNING")
    assert f"pipe{SUFFIX}: it is a named pipe" in warnings
    assert f"link{SUFFIX}: it is a symbolic link" in warnings


def test_a_bundle_is_escaped_like_a_spec(tmp_path):
    folder = tmp_path / "bundles"
    hostile = _bundle(HOSTILE, "hostile", "h-svc")
    spec = minimal_spec(HOSTILE, description=f"**bold** {HOSTILE} <img src=x onerror=alert(1)>")
    hostile["content"]["files"]["openapi.json"] = json.dumps(spec)
    hostile["content"]["document"] = spec
    hostile["digest"] = content_digest(hostile["content"])
    _write(folder, "hostile", hostile)
    site = _build_with(tmp_path)
    page = site.html("apis/hostile/index.html")
    assert "<script>alert" not in page
    assert "onerror" not in page
    assert "&lt;script&gt;" in page


def test_unchanged_bundles_are_not_unpacked_or_read_again(tmp_path, caplog):
    folder = tmp_path / "bundles"
    _write(folder, "good", _bundle("Good API", "good", "good-svc"))
    _build_with(tmp_path)
    (unpacked,) = (tmp_path / "cache" / "bundles").iterdir()
    spec = unpacked / "openapi.json"
    before = spec.stat()
    stages = sorted(p for p in (tmp_path / "cache").rglob("*") if p.is_file())
    caplog.set_level(logging.DEBUG)
    caplog.clear()
    _build_with(tmp_path)
    assert "good.bundle.json: unchanged since it was read, not read again" in caplog.text
    assert spec.stat().st_ino == before.st_ino
    assert spec.stat().st_mtime_ns == before.st_mtime_ns
    # No new entry in any stage's cache: every reading and score came back from it.
    assert sorted(p for p in (tmp_path / "cache").rglob("*") if p.is_file()) == stages
    # A changed bundle is unpacked anew, and the folder of the old one goes.
    _write(folder, "good", _bundle("Better API", "good", "good-svc"))
    site = _build_with(tmp_path)
    (again,) = (tmp_path / "cache" / "bundles").iterdir()
    assert again != unpacked
    assert "Better API" in site.article("apis/good/index.html").select_one("h1").get_text()


def test_the_digest_is_of_sorted_ascii_json():
    expected = hashlib.sha256(b'{"a":"\\u00e9","b":1}').hexdigest()
    assert content_digest({"b": 1, "a": "\u00e9"}) == f"sha256:{expected}"


# -- configuration -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (
            {"name": "p", "bundles": "b", "storage_options": {"secret": "x"}},
            "would hold a credential",
        ),
        ({"name": "p", "bundles": "b", "path": "."}, "drop 'path'"),
        ({"name": "p", "path": ".", "storage_options": {"anon": True}}, "go with 'bundles'"),
    ],
)
def test_bundle_sources_are_checked(tmp_path, source, message, caplog):
    with pytest.raises(Abort):
        build_site(tmp_path, {"sources": [source]})
    assert message in caplog.text


def test_check_refuses_a_credential_on_the_command_line(tmp_path):
    write_files(tmp_path, {"openapi.json": minimal_spec()})
    done = run_cli(
        "check", str(tmp_path), "--bundle", "memory://x/", "--storage-option", "secret=abc"
    )
    assert done.returncode == 2
    assert "credential" in done.stderr
    assert "abc" not in done.stderr.replace("secret=abc", "")


def test_a_missing_folder_of_bundles_names_the_source(tmp_path, caplog):
    source = {"name": "published", "bundles": "not-there"}
    with pytest.raises(Abort):
        build_site(tmp_path, {"sources": [source], "cache_dir": "cache"})
    assert "source 'published'" in caplog.text
    assert "not-there does not exist" in caplog.text
    assert "Traceback" not in caplog.text


def test_an_empty_bucket_is_a_warning_not_an_error(tmp_path, s3_bucket, caplog):
    source = {
        "name": "published",
        "bundles": s3_bucket.url,
        "storage_options": dict(s3_bucket.storage_options),
    }
    own = write_files(tmp_path / "own", {"openapi.json": minimal_spec("Own API")})
    site = build_site(
        tmp_path,
        {"sources": [source, {"name": "own", "path": str(own)}], "cache_dir": "cache"},
        strict=False,
    )
    assert (site.dir / "apis" / "own" / "index.html").is_file()
    assert f"source 'published': no bundle found at {s3_bucket.url}" in caplog.text


def test_serve_shows_a_bundle_published_into_its_folder(tmp_path):
    folder = tmp_path / "bundles"
    _write(folder, "pets", _bundle("Pets first", "pets"))
    config = make_config(
        tmp_path, {"sources": [{"name": "published", "bundles": "bundles"}], "cache_dir": "cache"}
    )
    with serving(config, tmp_path) as base:
        url = f"{base}/apis/pets/"
        assert "Pets first" in wait_for_page(url, "Pets first", time.monotonic() + 120)
        # The service's CI publishes again: the file is replaced whole, as `check` writes it.
        upload = tmp_path / "upload.json"
        upload.write_text(json.dumps(_bundle("Pets again", "pets")))
        upload.replace(folder / f"pets{SUFFIX}")
        assert "Pets again" in wait_for_page(url, "Pets again", time.monotonic() + 120)


def test_offline_reads_no_bundle_from_object_storage(tmp_path, caplog):
    own = write_files(tmp_path / "own", {"openapi.json": minimal_spec("Own API")})
    source = {"name": "published", "bundles": "s3://acme-portal/bundles/"}
    plugin = {
        "sources": [source, {"name": "own", "path": str(own)}],
        "cache_dir": "cache",
        "offline": True,
    }
    site = build_site(tmp_path, plugin, strict=False)
    assert (site.dir / "apis" / "own" / "index.html").is_file()
    assert "offline is on, so the bundles at s3://acme-portal/bundles/ are not read" in caplog.text
