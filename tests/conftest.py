"""Helpers shared by the tests: real source folders and real MkDocs builds in `tmp_path`."""

from __future__ import annotations

import gzip
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import yaml
from bs4 import BeautifulSoup
from mkdocs.commands.build import build
from mkdocs.config import load_config

FIXTURES = Path(__file__).parent / "fixtures"
CORPUS = FIXTURES / "corpus"
SDK_RULES = (
    "py-docstring-coverage",
    "py-params-documented",
    "py-no-phantom-params",
    "py-returns-raises",
    "py-docstring-parses",
    "py-operation-coverage",
)
"""The SDK checks, in the order the scorecard lists them."""

EXAMPLE_SITE = Path(__file__).resolve().parents[1] / "example_site"

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")


def write_files(root: Path, files: dict[str, Any]) -> Path:
    """Write `files` (path -> text, bytes, or a dict/list dumped as YAML or JSON) under `root`."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        elif isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        elif rel.endswith(".json"):
            path.write_text(json.dumps(content, indent=2), encoding="utf-8")
        else:
            path.write_text(yaml.safe_dump(content, sort_keys=False), encoding="utf-8")
    return root


def minimal_spec(title: str = "Pets", version: str = "3.0.3", **extra: Any) -> dict[str, Any]:
    """A small valid OpenAPI 3 document."""
    spec: dict[str, Any] = {
        "openapi": version,
        "info": {"title": title, "version": "1.0.0", "description": f"The {title} API."},
        "paths": {
            "/pets": {
                "get": {
                    "operationId": "listPets",
                    "summary": "List pets",
                    "tags": ["pets"],
                    "responses": {"200": {"description": "The pets."}},
                }
            }
        },
    }
    spec.update(extra)
    return spec


class Site:
    """A built site: its folder and helpers to read its pages."""

    def __init__(self, root: Path, site_dir: Path) -> None:
        self.root = root
        self.dir = site_dir

    def html(self, rel: str) -> str:
        return (self.dir / rel).read_text(encoding="utf-8")

    def soup(self, rel: str) -> BeautifulSoup:
        return BeautifulSoup(self.html(rel), "html.parser")

    def article(self, rel: str) -> BeautifulSoup:
        """The page's own content, without the theme's nav and header."""
        soup = self.soup(rel)
        found = soup.select_one("article") or soup.select_one("div[role=main]") or soup
        return BeautifulSoup(str(found), "html.parser")


def make_config(root: Path, plugin: dict[str, Any], **extra: Any) -> Path:
    config: dict[str, Any] = {
        "site_name": "Test portal",
        "theme": {"name": "material", "font": False},
        "plugins": ["search", {"platform": plugin}],
    }
    config.update(extra)
    (root / "docs").mkdir(parents=True, exist_ok=True)
    if not (root / "docs" / "index.md").exists():
        (root / "docs" / "index.md").write_text("# Home\n\nWelcome.\n", encoding="utf-8")
    path = root / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


def build_site(root: Path, plugin: dict[str, Any], *, strict: bool = True, **extra: Any) -> Site:
    """Build a real site from `root/mkdocs.yml` (written from the arguments) into `root/site`."""
    config_file = make_config(root, plugin, **extra)
    config = load_config(str(config_file), strict=strict)
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()
    return Site(root, Path(config.site_dir))


@pytest.fixture
def build_portal_site(tmp_path: Path) -> Callable[..., Site]:
    def _build(plugin: dict[str, Any], **extra: Any) -> Site:
        return build_site(tmp_path, plugin, **extra)

    return _build


def site_files(site: Path) -> dict[str, bytes]:
    """Every file of a built site; the sitemap's gzip header holds the time it was written."""
    files = {}
    for path in sorted(site.rglob("*")):
        if path.is_file():
            raw = path.read_bytes()
            files[path.relative_to(site).as_posix()] = (
                gzip.decompress(raw) if path.suffix == ".gz" else raw
            )
    return files


@pytest.fixture
def private_user_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The user's cache folder (where the signing secret of cache entries lives): a temporary
    one of this test's own."""
    folder = tmp_path / "user-cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    return folder


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """`mkdocs-platform ARGS` in a process of its own, as a user runs it, with this checkout."""
    checkout = str(Path(__file__).resolve().parent.parent)
    return subprocess.run(
        [sys.executable, "-m", "mkdocs_platform.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": checkout},
    )


def git(*args: str, cwd: Path, date: str | None = None) -> str:
    """Run git in `cwd` as a fixed author, untouched by the machine's own git configuration;
    `date` (ISO 8601) sets the author and committer dates of a commit."""
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}
    if date:
        env.update(GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
    result = subprocess.run(
        ["git", "-c", "user.name=Dev", "-c", "user.email=dev@example.com", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    return result.stdout.strip()


def free_port() -> int:
    """A port free on 127.0.0.1 now; released before the caller binds it, so another process
    could take it in between (which shows as a server that never answers)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_for_page(url: str, needle: str, deadline: float) -> str:
    """The page at `url` once it holds `needle`, or as it last was at `deadline`
    (`time.monotonic()`)."""
    last = ""
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                body: bytes = response.read()
            last = body.decode()
            if needle in last:
                return last
        except OSError:
            pass
        time.sleep(0.3)
    return last


@contextmanager
def serving(config: Path, cwd: Path) -> Iterator[str]:
    """`mkdocs serve` of `config` in a process of its own; its base URL, until the block ends."""
    port = free_port()
    mkdocs = Path(sys.executable).parent / "mkdocs"
    server = subprocess.Popen(
        [str(mkdocs), "serve", "-a", f"127.0.0.1:{port}", "-f", str(config)],
        cwd=cwd,
        env=dict(os.environ, NO_MKDOCS_2_WARNING="1"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)
