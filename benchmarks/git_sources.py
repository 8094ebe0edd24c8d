"""Build a portal from 50 local git repositories, cold (empty cache) then warm, and compare.

    python benchmarks/git_sources.py [--repos 50] [--concurrency 4]

Prints both build times and their ratio; nothing is asserted. The repositories, fetched by
file:// URL, are made in a temporary folder.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
import time
from pathlib import Path

import yaml
from mkdocs.commands.build import build
from mkdocs.config import load_config

from mkdocs_platform.models import PortalSettings, SourceSettings
from mkdocs_platform.sources import resolve_sources


def make_repo(path: Path, index: int) -> None:
    path.mkdir(parents=True)
    paths = {}
    for n in range(20):
        paths[f"/things{index}/{n}"] = {
            "get": {
                "operationId": f"getThing{index}x{n}",
                "summary": f"Get thing {n}",
                "tags": ["things"],
                "responses": {"200": {"description": "The thing."}},
            }
        }
    spec = {
        "openapi": "3.0.3",
        "info": {"title": f"Service {index}", "version": "1.0.0"},
        "paths": paths,
    }
    (path / "openapi.yaml").write_text(yaml.safe_dump(spec))
    env = dict(
        os.environ,
        GIT_AUTHOR_NAME="b",
        GIT_AUTHOR_EMAIL="b@x",
        GIT_COMMITTER_NAME="b",
        GIT_COMMITTER_EMAIL="b@x",
    )
    for args in (["init", "-q", "-b", "main"], ["add", "."], ["commit", "-qm", "spec"]):
        subprocess.run(["git", *args], cwd=path, check=True, env=env)


def timed_build(config_file: Path) -> float:
    config = load_config(str(config_file))
    config.plugins.on_startup(command="build", dirty=False)
    start = time.perf_counter()
    build(config)
    elapsed = time.perf_counter() - start
    config.plugins.on_shutdown()
    return elapsed


def timed(work) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repos", type=int, default=50)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        sources = []
        for i in range(args.repos):
            make_repo(root / "remotes" / f"svc{i}", i)
            sources.append(
                {"name": f"svc{i}", "git": (root / "remotes" / f"svc{i}").as_uri(), "ref": "main"}
            )
        (root / "docs").mkdir()
        (root / "docs" / "index.md").write_text("# Portal\n")
        config = {
            "site_name": "Benchmark",
            "theme": {"name": "material"},
            "plugins": [
                "search",
                {
                    "platform": {
                        "sources": sources,
                        "cache_dir": "cache",
                        "concurrency": args.concurrency,
                    }
                },
            ],
        }
        config_file = root / "mkdocs.yml"
        config_file.write_text(yaml.safe_dump(config))
        cold = timed_build(config_file)
        warm = timed_build(config_file)
        settings = PortalSettings(
            sources=tuple(
                SourceSettings(name=s["name"], git=s["git"], ref="main") for s in sources
            ),
            cache_dir=root / "cache-sources-only",
            concurrency=args.concurrency,
        )
        fetch_cold = timed(lambda: resolve_sources(settings))
        fetch_warm = timed(lambda: resolve_sources(settings))
        print(f"repositories: {args.repos}, concurrency: {args.concurrency}")
        print(f"whole build, cold (empty cache, every repository fetched): {cold:.2f} s")
        print(f"whole build, warm (cache filled, one ls-remote per repository): {warm:.2f} s")
        print(f"whole build cold / warm: {cold / warm:.2f}x")
        print(
            f"sources only, cold: {fetch_cold:.2f} s, warm: {fetch_warm:.2f} s, ratio {fetch_cold / fetch_warm:.2f}x"
        )


if __name__ == "__main__":
    main()
