"""Build the reference of one spec and print its largest pages.

    python benchmarks/page_sizes.py SPEC [--pages tag|operation] [--theme material|mkdocs]
                                         [--top N] [--bound MB] [--site DIR]

SPEC is an OpenAPI file (GitHub's REST description, e.g. `benchmarks/.data/api.github.com.json`
as github_reference.py fetches it). The portal is built with `mkdocs build` in a child process,
with this checkout first on PYTHONPATH, from a temporary folder holding the spec as the only
source. Printed: the number of pages, their total size, the N largest pages with their sizes,
and how many exceed `--bound` (default 1.5 MB). `--site` keeps the built site in DIR. Nothing
is asserted; the exit code is 1 when the build fails.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from github_reference import write_config  # noqa: E402

MB = 1e6


def build(spec: Path, portal: Path, pages: str, theme: str) -> float:
    """Seconds `mkdocs build` took on a portal of `spec` alone, built into `portal/site`."""
    source = portal / "repos" / "api"
    source.mkdir(parents=True)
    shutil.copy(spec, source / f"openapi{spec.suffix or '.json'}")
    plugin = {"sources": [{"name": "api", "path": "repos/api"}], "pages": pages}
    config_file = write_config(portal, theme, plugin)
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    # A fresh cache: the pages are those this checkout renders, none kept from another.
    env["XDG_CACHE_HOME"] = str(portal / ".xdg")
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config_file)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        check=False,
    )
    if result.returncode != 0:
        sys.stderr.write(result.stderr.decode("utf-8", "replace"))
        sys.exit(1)
    return time.perf_counter() - start


def report(site: Path, top: int, bound: float) -> None:
    sizes = sorted(
        ((path.stat().st_size, path.relative_to(site).as_posix()) for path in site.rglob("*.html")),
        reverse=True,
    )
    total = sum(size for size, _ in sizes)
    over = sum(1 for size, _ in sizes if size > bound * MB)
    print(f"{len(sizes)} pages, {total / MB:.1f} MB of HTML; {over} over {bound:g} MB")
    for size, name in sizes[:top]:
        print(f"{size / MB:10.2f} MB  {name}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("spec", type=Path)
    parser.add_argument("--pages", choices=("tag", "operation"), default="tag")
    parser.add_argument("--theme", choices=("material", "mkdocs"), default="material")
    parser.add_argument("--top", type=int, default=10)
    parser.add_argument("--bound", type=float, default=1.5, help="MB a page should not exceed")
    parser.add_argument("--site", type=Path, help="keep the built site in this folder")
    args = parser.parse_args()
    if not args.spec.is_file():
        sys.exit(f"{args.spec}: no such file")
    with tempfile.TemporaryDirectory() as tmp:
        portal = Path(tmp) / "portal"
        seconds = build(args.spec.resolve(), portal, args.pages, args.theme)
        print(
            f"{args.spec.name}: built in {seconds:.1f} s (theme {args.theme}, pages: {args.pages})"
        )
        report(portal / "site", args.top, args.bound)
        if args.site is not None:
            shutil.rmtree(args.site, ignore_errors=True)
            shutil.copytree(portal / "site", args.site)


if __name__ == "__main__":
    main()
