"""Build the reference of GitHub's REST API (1,200+ operations, 13 MB of JSON) and compare.

    python benchmarks/github_reference.py [--pages tag|operation] [--theme material|mkdocs]

The spec is fetched at run time from the npm package `@octokit/openapi` (with `npm pack`) into
`benchmarks/.data/` and never committed. Each build runs in its own process so that its peak
memory is its own. Printed: build time, peak memory, total HTML size, search index size and the
largest page, for the portal and for MkDocs building the same number of plain pages; nothing is
asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import yaml

DATA = Path(__file__).resolve().parent / ".data"
SPEC_MEMBER = "package/generated/api.github.com.json"


def fetch_spec() -> Path:
    """GitHub's REST description, from the npm registry, cached in benchmarks/.data."""
    target = DATA / "api.github.com.json"
    if target.exists():
        return target
    DATA.mkdir(parents=True, exist_ok=True)
    npm = shutil.which("npm")
    if npm is None:
        sys.exit("npm is needed to fetch @octokit/openapi")
    subprocess.run(
        [npm, "pack", "--silent", "@octokit/openapi"], cwd=DATA, check=True, capture_output=True
    )
    tarball = max(DATA.glob("octokit-openapi-*.tgz"), key=lambda p: p.stat().st_mtime)
    with tarfile.open(tarball) as archive:
        member = archive.getmember(SPEC_MEMBER)
        extracted = archive.extractfile(member)
        if extracted is None:
            sys.exit(f"{SPEC_MEMBER} is missing from {tarball.name}")
        target.write_bytes(extracted.read())
    tarball.unlink()
    return target


def run_build(config_file: Path) -> tuple[float, float]:
    """(seconds, peak resident MiB) of `mkdocs build` in a child process."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    command = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config_file)]
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(
            f"build of {config_file} failed: {process.stderr.read().decode() if process.stderr else ''}"
        )
    return elapsed, usage.ru_maxrss / 1024


def site_figures(site: Path) -> dict[str, float]:
    pages = list(site.rglob("*.html"))
    sizes = [p.stat().st_size for p in pages]
    index = site / "search" / "search_index.json"
    return {
        "pages": len(pages),
        "html_mb": sum(sizes) / 1e6,
        "largest_mb": max(sizes) / 1e6,
        "index_mb": index.stat().st_size / 1e6 if index.exists() else 0.0,
    }


def write_config(root: Path, theme: str, plugin: dict | None) -> Path:
    plugins: list = ["search"]
    if plugin is not None:
        plugins.append({"platform": plugin})
    config = {"site_name": "GitHub REST benchmark", "theme": {"name": theme}, "plugins": plugins}
    path = root / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config))
    (root / "docs").mkdir(exist_ok=True)
    (root / "docs" / "index.md").write_text("# Benchmark\n")
    return path


def plain_pages(root: Path, count: int, words: int) -> None:
    """`count` Markdown pages of about `words` words each, with a few headings."""
    paragraph = " ".join(["lorem ipsum dolor sit amet consectetur"] * max(1, words // 6))
    for i in range(count):
        text = f"# Page {i}\n\n## Section one\n\n{paragraph}\n\n## Section two\n\n{paragraph}\n"
        (root / "docs" / f"page-{i:05d}.md").write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", choices=("tag", "operation"), default="tag")
    parser.add_argument("--theme", choices=("material", "mkdocs"), default="material")
    args = parser.parse_args()
    spec = fetch_spec()
    operations = sum(
        1
        for item in json.loads(spec.read_bytes())["paths"].values()
        for method in item
        if method in ("get", "put", "post", "delete", "patch", "head", "options", "trace")
    )
    with tempfile.TemporaryDirectory() as tmp:
        portal = Path(tmp) / "portal"
        (portal / "repos" / "github").mkdir(parents=True)
        shutil.copy(spec, portal / "repos" / "github" / "openapi.json")
        plugin = {"sources": [{"name": "github", "path": "repos/github"}], "pages": args.pages}
        config_file = write_config(portal, args.theme, plugin)
        seconds, memory = run_build(config_file)
        ours = site_figures(portal / "site")
        # The same build again: validation results now come from the cache folder.
        again, _ = run_build(config_file)
        words = int(ours["html_mb"] * 1e6 / 6 / max(1, ours["pages"]) / 4)
        baseline = Path(tmp) / "plain"
        baseline.mkdir()
        config = write_config(baseline, args.theme, None)
        plain_pages(baseline, int(ours["pages"]) - 1, words)
        base_seconds, base_memory = run_build(config)
        theirs = site_figures(baseline / "site")
    print(
        f"GitHub REST API: {spec.stat().st_size / 1e6:.1f} MB of JSON, {operations} operations; theme {args.theme}, pages: {args.pages}"
    )
    print(f"{'':34}{'portal':>12}{'plain pages':>14}{'ratio':>8}")
    rows = [
        ("build time (s)", seconds, base_seconds),
        ("peak memory (MiB)", memory, base_memory),
        ("HTML pages", ours["pages"], theirs["pages"]),
        ("total HTML (MB)", ours["html_mb"], theirs["html_mb"]),
        ("largest page (MB)", ours["largest_mb"], theirs["largest_mb"]),
        ("search index (MB)", ours["index_mb"], theirs["index_mb"]),
    ]
    for label, value, base in rows:
        ratio = f"{value / base:.2f}x" if base else "-"
        print(f"{label:34}{value:12.2f}{base:14.2f}{ratio:>8}")
    print(
        f"{'second build, validation cached (s)':34}{again:12.2f}{base_seconds:14.2f}{again / base_seconds:7.2f}x"
    )


if __name__ == "__main__":
    main()
