"""Run generated hostile sources through the whole pipeline, many more than the tests do.

    python benchmarks/fuzz_pipeline.py [--examples 10000] [--seed S] [--timeout 60]

The strategies of tests/strategies.py make each source (an OpenAPI-shaped document mixing
valid structure with junk, maybe a catalog file and files its `$ref`s name); one worker process
reads, scores, reports and renders it (`run_whole_pipeline`), one example at a time, with a
timeout per example after which the worker is replaced. Printed: examples run, crashes (with the
first few distinct causes: exception and the innermost frame of mkdocs_platform), hangs and the
peak memory of the worker; nothing is asserted.
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import signal
import sys
import tempfile
import time
import traceback
from collections import Counter
from multiprocessing.connection import Connection
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from hypothesis import HealthCheck, Phase, given, seed, settings

import strategies

WORKER_MEMORY = 4 * 1024**3
"""Address space of the worker: a bomb becomes a MemoryError (a crash), not a frozen machine."""
SHOWN_CAUSES = 8


def cause_of(exc: BaseException) -> str:
    """The exception's type and the innermost frame of our package that it passed through."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "mkdocs_platform" in f.filename] or frames
    where = f"{Path(ours[-1].filename).name}:{ours[-1].lineno} in {ours[-1].name}" if ours else "?"
    return f"{type(exc).__name__} at {where}"


def worker(connection: Connection) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (WORKER_MEMORY, WORKER_MEMORY))
    while True:
        folder = connection.recv()
        if folder is None:
            return
        try:
            strategies.run_whole_pipeline(Path(folder))
        except Exception as exc:  # noqa: BLE001 - every escaping exception is what we count
            message = str(exc).splitlines()[0][:160] if str(exc) else ""
            connection.send(("crash", cause_of(exc), message))
        else:
            connection.send(("ok", "", ""))


class Worker:
    """One worker process; replaced when an example hangs."""

    def __init__(self) -> None:
        self.context = multiprocessing.get_context("fork")
        self.started = 0
        self._start()

    def _start(self) -> None:
        self.connection, child = self.context.Pipe()
        self.process = self.context.Process(target=worker, args=(child,), daemon=True)
        self.process.start()
        self.started += 1

    def run(self, folder: Path, timeout: float) -> tuple[str, str, str]:
        self.connection.send(str(folder))
        if self.connection.poll(timeout):
            try:
                return self.connection.recv()
            except EOFError:
                pass  # the worker died (killed by the kernel, or a crash in C)
            self.process.join()
            code = self.process.exitcode
            self._start()
            return ("crash", f"worker died (exit {code})", "")
        self.process.kill()
        self.process.join()
        self._start()
        return ("hang", "", "")

    def stop(self) -> None:
        self.connection.send(None)
        self.process.join(timeout=30)


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=10_000)
    parser.add_argument("--seed", type=int, help="random seed (default: derandomized)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per example")
    args = parser.parse_args()

    runner = Worker()
    # Stopped with kill (a background run ignores Ctrl-C): still print what was measured.
    signal.signal(signal.SIGTERM, _interrupt)
    outcomes: Counter[str] = Counter()
    causes: Counter[str] = Counter()
    examples_of: dict[str, str] = {}
    slowest: list[tuple[float, int]] = []
    start = time.perf_counter()

    @settings(
        max_examples=args.examples,
        deadline=None,
        database=None,
        derandomize=args.seed is None,
        phases=(Phase.generate,),
        suppress_health_check=list(HealthCheck),
    )
    @given(source=strategies.source_files())
    def one(source: strategies.SourceFiles) -> None:
        with tempfile.TemporaryDirectory(prefix="fuzz-") as temporary:
            folder = Path(temporary) / "source"
            strategies.write_source(folder, source)
            began = time.perf_counter()
            outcome, cause, message = runner.run(folder, args.timeout)
            slowest.append((time.perf_counter() - began, sum(outcomes.values())))
        outcomes[outcome] += 1
        if outcome == "crash":
            causes[cause] += 1
            examples_of.setdefault(cause, message)
        done = sum(outcomes.values())
        if done % 500 == 0:
            print(
                f"{done} examples, {outcomes['crash']} crashes, {outcomes['hang']} hangs, "
                f"{time.perf_counter() - start:.0f} s",
                flush=True,
            )

    if args.seed is not None:
        one = seed(args.seed)(one)
    try:
        one()
    except KeyboardInterrupt:
        print("interrupted", flush=True)
    runner.stop()
    total = time.perf_counter() - start
    peak_worker = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    peak_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print()
    print(f"examples run: {sum(outcomes.values())}")
    print(f"passed: {outcomes['ok']}")
    print(f"crashes: {outcomes['crash']} ({len(causes)} distinct causes)")
    for cause, count in causes.most_common(SHOWN_CAUSES):
        print(f"  {count:6d}  {cause}: {examples_of[cause]}")
    print(f"hangs (over {args.timeout:g} s): {outcomes['hang']}")
    slowest.sort(reverse=True)
    print(f"slowest example: {slowest[0][0]:.1f} s" if slowest else "slowest example: -")
    print(f"peak memory: worker {peak_worker:.0f} MiB, generator {peak_self:.0f} MiB")
    print(f"workers started: {runner.started}")
    print(f"total: {total:.0f} s")


if __name__ == "__main__":
    main()
