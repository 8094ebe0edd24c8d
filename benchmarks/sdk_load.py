"""Load large real SDKs statically and render every SDK page: time, pages and peak memory.

Each SDK's wheel is downloaded from PyPI at run time (`pip download --no-deps`) into
`benchmarks/.data/sdk/` (ignored by git, reused by later runs), unpacked, loaded with
`load_sdk` (griffe, no import), checked with every `sdk` rule, and every page is rendered.

    .venv/bin/python benchmarks/sdk_load.py                 # openai and stripe
    .venv/bin/python benchmarks/sdk_load.py openai==1.54.0  # one pinned SDK
    .venv/bin/python benchmarks/sdk_load.py --trace         # also tracemalloc's peak (slower)
"""

from __future__ import annotations

import argparse
import gc
import resource
import subprocess
import sys
import time
import tracemalloc
import zipfile
from pathlib import Path

from mkdocs_platform.models import ApiEntry, Source, SourceSettings
from mkdocs_platform.models.api import ApiModel
from mkdocs_platform.render.sdk_pages import SdkPageMap, plan_sdk_pages, render_sdk_page
from mkdocs_platform.render.site import PageToc
from mkdocs_platform.scorecard import score_api
from mkdocs_platform.sdk import SdkSettings, load_sdk

DATA = Path(__file__).parent / ".data" / "sdk"
DEFAULT = ("openai", "stripe")


class Links:
    """Site-relative URLs, as a link resolver gives them (no MkDocs site needed)."""

    def page(self, src_uri: str, anchor: str | None = None) -> str:
        url = "/" + src_uri.removesuffix("index.md")
        return f"{url}#{anchor}" if anchor else url


def fetch(requirement: str) -> tuple[Path, str, str]:
    """Download and unpack the wheel; (folder holding the package, package, version)."""
    name = requirement.split("==", 1)[0].strip()
    dest = DATA / requirement.replace("==", "-")
    wheels = sorted(dest.glob("*.whl"))
    if not wheels:
        dest.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--quiet",
                "--no-deps",
                "--only-binary=:all:",
                "--dest",
                str(dest),
                requirement,
            ],
            check=True,
        )
        wheels = sorted(dest.glob("*.whl"))
    wheel = wheels[-1]
    unpacked = dest / "unpacked"
    if not unpacked.exists():
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(unpacked)
    version = wheel.name.split("-")[1]
    return unpacked, name.replace("-", "_"), version


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(requirement: str, *, trace: bool) -> None:
    folder, package, version = fetch(requirement)
    files = sum(1 for _ in (folder / package).rglob("*.py"))
    size = sum(p.stat().st_size for p in (folder / package).rglob("*.py")) / 1e6
    gc.collect()
    rss_before = peak_rss_mb()
    if trace:
        tracemalloc.start()

    start = time.perf_counter()
    sdk = load_sdk(SdkSettings(folder, package, None, "auto"), folder)
    loaded = time.perf_counter()
    # An API with no operations: the spec rules have next to nothing to do.
    api = ApiEntry(
        id=package,
        source=Source(settings=SourceSettings(name=package), root=folder),
        spec_path="openapi.yaml",
        model=ApiModel(spec_version="3.0.3"),
        sdks=[sdk],
    )
    checks = [c for c in score_api(api).checks if c.category == "sdk"]
    checked = time.perf_counter()
    pages = plan_sdk_pages(sdk, f"apis/{package}/sdk/{package}")
    page_map = SdkPageMap(sdk, pages)
    html_bytes = 0
    largest = (0, "")
    for page in pages:
        html, _ = render_sdk_page(sdk, page, Links(), page_map=page_map, toc=PageToc())
        html_bytes += len(html)
        largest = max(largest, (len(html), page.title))
    rendered = time.perf_counter()

    traced = ""
    if trace:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        traced = f", tracemalloc peak {peak / 1e6:.0f} MB"
    imported = sorted(m for m in sys.modules if m == package or m.startswith(package + "."))
    methods = sum(1 for o in sdk.objects.values() if o.is_callable)
    print(f"\n{package} {version}: {files} .py files, {size:.1f} MB of source")
    print(
        f"  loaded: {len(sdk.modules)} public modules, {len(sdk.objects)} public objects "
        f"({methods} functions and methods), {len(sdk.findings)} load findings"
    )
    print(f"  load   {loaded - start:7.2f} s")
    print(
        f"  checks {checked - loaded:7.2f} s  "
        + ", ".join(f"{c.id.removeprefix('py-')} {c.passed}/{c.applicable}" for c in checks)
    )
    print(
        f"  render {rendered - checked:7.2f} s  {len(pages)} pages, {html_bytes / 1e6:.1f} MB "
        f"of HTML, largest {largest[0] / 1e6:.2f} MB ({largest[1]})"
    )
    print(
        f"  memory: peak RSS {peak_rss_mb():.0f} MB (was {rss_before:.0f} MB before loading)"
        f"{traced}"
    )
    print(f"  SDK modules imported into this process: {imported or 'none'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("requirements", nargs="*", default=list(DEFAULT))
    parser.add_argument("--trace", action="store_true", help="measure with tracemalloc too")
    args = parser.parse_args()
    for requirement in args.requirements:
        run(requirement, trace=args.trace)


if __name__ == "__main__":
    main()
