"""Stage results kept on disk: a build with nothing changed redoes no spec work, an edit redoes
one API, and a damaged or planted entry is never trusted."""

from __future__ import annotations

import os
import pickle
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig

from mkdocs_platform import openapi
from mkdocs_platform.cache import StageCache
from mkdocs_platform.render.site import PortalRenderer
from mkdocs_platform.scorecard import engine

from .conftest import site_files

EXAMPLE = Path(__file__).resolve().parents[1] / "example_site"


@pytest.fixture(autouse=True)
def user_cache(private_user_cache: Path) -> Path:
    """A signing secret of this test's own, as a user's cache folder holds one."""
    return private_user_cache


@pytest.fixture
def work(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Counts the spec work done: readings (load, bundle, validate, normalize), scorings and
    renderings of API pages, by API."""
    done: Counter[str] = Counter()
    read_loaded = openapi.read_loaded
    score_guarded = engine._score_guarded
    render = PortalRenderer._render

    def counted_read(loaded: Any, *args: Any, **kwargs: Any) -> Any:
        done[f"read {loaded.path.name}"] += 1
        return read_loaded(loaded, *args, **kwargs)

    def counted_score(api: Any, *args: Any, **kwargs: Any) -> Any:
        done[f"score {api.id}"] += 1
        return score_guarded(api, *args, **kwargs)

    def counted_render(self: PortalRenderer, plan: Any, links: Any) -> Any:
        if plan.api_id is not None:
            done[f"render {plan.api_id}"] += 1
        return render(self, plan, links)

    monkeypatch.setattr(openapi, "read_loaded", counted_read)
    monkeypatch.setattr(engine, "_score_guarded", counted_score)
    monkeypatch.setattr(PortalRenderer, "_render", counted_render)
    return done


def _build(config_file: Path, command: str = "build") -> None:
    """Build as `mkdocs <command>` does; a `build` starts afresh, as a new process would, while
    `serve` rebuilds with the plugin it kept."""
    if command == "build":
        MkDocsConfig.plugins.plugin_cache.clear()
    config = load_config(str(config_file))
    config.plugins.on_startup(command=command, dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """A copy of the example portal (five APIs, two with SDKs, waivers), built into tmp_path.

    In one process, where the counters see the work (tests/test_workers.py shows that workers
    give the same site)."""
    root = tmp_path / "example"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns("site", ".cache"))
    config = yaml.safe_load((root / "mkdocs.yml").read_text())
    config["plugins"][1]["platform"]["concurrency"] = 1
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config))
    return root / "mkdocs.yml"


def _entries(root: Path) -> list[Path]:
    return sorted((root / ".cache/plugin/platform/stages").rglob("*.pickle"))


def test_a_build_with_nothing_changed_does_no_spec_work(example: Path, work: Counter[str]):
    _build(example)
    first = dict(work)
    first_site = site_files(example.parent / "site")
    assert sum(n for k, n in first.items() if k.startswith("read ")) >= 5
    assert sum(n for k, n in first.items() if k.startswith("score ")) >= 5
    assert sum(n for k, n in first.items() if k.startswith("render ")) >= 5
    stages = {path.parent.parent.name for path in _entries(example.parent)}
    assert stages == {"reading", "score", "page"}

    work.clear()
    _build(example)
    assert dict(work) == {}
    assert site_files(example.parent / "site") == first_site


def test_cache_false_keeps_nothing_and_redoes_everything(example: Path, work: Counter[str]):
    config = yaml.safe_load(example.read_text())
    config["plugins"][1]["platform"]["cache"] = False
    example.write_text(yaml.safe_dump(config))
    _build(example)
    first = dict(work)
    work.clear()
    _build(example)
    assert dict(work) == first
    assert _entries(example.parent) == []


def test_an_edited_spec_under_serve_redoes_that_api_only(example: Path, work: Counter[str]):
    _build(example, "serve")
    before = site_files(example.parent / "site")
    work.clear()
    spec = example.parent / "services/inventory/swagger.yaml"
    text = spec.read_text()
    assert "summary: List warehouses" in text
    spec.write_text(text.replace("summary: List warehouses", "summary: List depots", 1))

    _build(example, "serve")
    assert {key.split()[0] for key in work} == {"read", "score", "render"}
    assert {key.split()[1] for key in work if not key.startswith("read")} == {"inventory"}
    assert [key for key in work if key.startswith("read")] == ["read swagger.yaml"]
    after = site_files(example.parent / "site")
    pages = "".join(v.decode() for k, v in after.items() if k.startswith("apis/inventory/"))
    assert "List depots" in pages
    assert "List warehouses" not in pages
    # Every page's navigation shows the new title; the other APIs' downloads are untouched.
    for other in ("payments", "orders", "shipping"):
        assert after[f"apis/{other}/openapi.json"] == before[f"apis/{other}/openapi.json"]
    assert after["apis/inventory/openapi.json"] != before["apis/inventory/openapi.json"]


def _damage(path: Path, how: str) -> None:
    raw = path.read_bytes()
    if how == "truncated":
        path.write_bytes(raw[: len(raw) // 2])
    elif how == "flipped":
        path.write_bytes(raw[:-1] + bytes([raw[-1] ^ 0xFF]))
    elif how == "empty":
        path.write_bytes(b"")
    elif how == "folder":
        path.unlink()
        path.mkdir()


DAMAGES = ("truncated", "flipped", "empty", "folder")


def test_a_damaged_entry_is_computed_again(example: Path, work: Counter[str]):
    _build(example)
    first = dict(work)
    first_site = site_files(example.parent / "site")
    entries = _entries(example.parent)
    assert len(entries) > len(DAMAGES)
    # Each entry is damaged in one of the ways a crash, a full disk or a person can.
    for number, entry in enumerate(entries):
        _damage(entry, DAMAGES[number % len(DAMAGES)])

    work.clear()
    _build(example)
    assert dict(work) == first
    assert site_files(example.parent / "site") == first_site
    # The damaged entries were replaced: the next build is served from the cache again.
    work.clear()
    _build(example)
    assert dict(work) == {}


class _Planted:
    """A pickle that writes a file when it is loaded."""

    def __init__(self, target: Path) -> None:
        self.target = target

    def __reduce__(self) -> tuple[Any, ...]:
        return (Path.write_text, (self.target, "owned"))


def test_an_entry_signed_with_another_secret_is_never_unpickled(
    example: Path, work: Counter[str], tmp_path: Path
):
    _build(example)
    first = dict(work)
    target = tmp_path / "owned.txt"
    # Someone with write access to the repository's cache folder, but not to the user's
    # secret, replaces every entry with a payload signed with a secret of their own.
    forger = StageCache(example.parent / ".cache/plugin/platform/stages", tmp_path / "forger")
    for entry in _entries(example.parent):
        stage, key = entry.parent.parent.name, entry.stem
        forger.put(stage, key, _Planted(target))
        assert entry.read_bytes().endswith(pickle.dumps(_Planted(target), protocol=5))

    work.clear()
    _build(example)
    assert not target.exists()
    assert dict(work) == first


def test_a_copy_of_the_portal_elsewhere_reads_its_own_files(
    example: Path, work: Counter[str], tmp_path: Path
):
    """A reading holds the paths of the files it was read from: a copy reads its own."""
    _build(example)
    other = tmp_path / "moved"
    shutil.copytree(example.parent, other)
    work.clear()
    _build(other / "mkdocs.yml")
    assert sum(n for k, n in work.items() if k.startswith("read ")) >= 5


def test_the_store_round_trips_and_rejects_other_keys(tmp_path: Path):
    store = StageCache(tmp_path / "stages", tmp_path / "secret")
    store.put("score", "ab" * 32, {"value": [1, 2]})
    assert store.get("score", "ab" * 32) == {"value": [1, 2]}
    assert store.get("score", "cd" * 32) is None
    # An entry copied under another key or stage does not verify.
    moved = store.path("page", "ab" * 32)
    moved.parent.mkdir(parents=True)
    shutil.copy(store.path("score", "ab" * 32), moved)
    assert store.get("page", "ab" * 32) is None


def _code_digest_of(package_parent: Path) -> str:
    script = "from mkdocs_platform.cache import tool_versions; print(tool_versions()[-1])"
    env = {**os.environ, "PYTHONPATH": str(package_parent)}
    done = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        cwd=package_parent,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def test_a_change_to_a_template_invalidates_entries_under_the_same_version(tmp_path) -> None:
    # An install from a checkout keeps its version number while its templates change.
    import mkdocs_platform

    copy = tmp_path / "copy"
    shutil.copytree(Path(mkdocs_platform.__file__).parent, copy / "mkdocs_platform")
    before = _code_digest_of(copy)
    assert before.startswith("code=")
    assert _code_digest_of(copy) == before
    template = copy / "mkdocs_platform" / "render" / "templates" / "overview.html"
    template.write_text(template.read_text(encoding="utf-8") + "\n<p>edited</p>\n", "utf-8")
    assert _code_digest_of(copy) != before
