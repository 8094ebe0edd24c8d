"""Work of many APIs spread over worker processes, with results in the order it was asked.

Each task is one API's work (reading a spec, rendering its pages), a plain function over
plain data, so it runs the same in a worker as in the build's own process, and one worker or
many give the same results. A large task runs in the build's own process, one at a time, while
the workers take the small ones: the peak memory of a huge spec is not multiplied by the number
of workers, and its result is not copied between processes.
"""

from __future__ import annotations

import copy
import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, TypeVar

from mkdocs.plugins import get_plugin_logger

if TYPE_CHECKING:
    from mkdocs_platform.models import ApiEntry

log = get_plugin_logger(__name__)

Task = TypeVar("Task")
Result = TypeVar("Result")

LARGE_TASK = 4 * 1024 * 1024
"""A task weighing this much (a spec of this many bytes) runs in the build's own process."""


def api_weight(api: ApiEntry) -> int:
    """The weight of an API's task: the size of its spec file (0 when it cannot be read)."""
    try:
        return (api.source.root / api.spec_path).stat().st_size
    except OSError:
        return 0


def task_copy(api: ApiEntry) -> ApiEntry:
    """A copy of the API for a task, with a findings list of its own: findings the task adds
    come back once, whether it ran here or in a worker. `copy.copy` keeps attributes a stage set
    on the entry (`spec_changed_at`), which `dataclasses.replace` would drop."""
    copied = copy.copy(api)
    copied.findings = list(api.findings)
    return copied


def _guarded(work: Callable[[Task], Result], task: Task) -> Result | Exception:
    try:
        return work(task)
    except Exception as exc:  # noqa: BLE001 - the caller turns it into a finding of its API
        return exc


def _collected(
    future: Future[Result | Exception], work: Callable[[Task], Result], task: Task
) -> Result | Exception:
    try:
        return future.result()
    except BrokenProcessPool:
        raise
    except Exception:  # noqa: BLE001
        # The result could not come back (it does not pickle): it is made here instead.
        return _guarded(work, task)


def spread(
    work: Callable[[Task], Result],
    tasks: Sequence[Task],
    weights: Sequence[int],
    concurrency: int,
) -> list[Result | Exception]:
    """`work` of every task, in the order of `tasks`; an exception a task raised is its result.

    `work` must be a module-level function and tasks and results must pickle. With one worker,
    or too few small tasks to pay for starting workers, everything runs in this process.
    """
    small = [i for i, weight in enumerate(weights) if weight < LARGE_TASK]
    if concurrency < 2 or len(small) <= concurrency:
        return [_guarded(work, task) for task in tasks]
    log.debug("%d tasks over %d worker processes", len(small), concurrency)
    results: dict[int, Result | Exception] = {}
    # Spawned, not forked: `mkdocs serve` runs threads, which a fork would copy mid-work.
    context = multiprocessing.get_context("spawn")
    try:
        with ProcessPoolExecutor(max_workers=concurrency, mp_context=context) as pool:
            futures: dict[int, Future[Result | Exception]] = {
                i: pool.submit(_guarded, work, tasks[i]) for i in small
            }
            for i, _ in enumerate(tasks):
                if i not in futures:
                    results[i] = _guarded(work, tasks[i])
            for i, future in futures.items():
                results[i] = _collected(future, work, tasks[i])
    except (BrokenProcessPool, OSError) as exc:
        # A worker died (killed for memory, say): what it left undone is done here.
        log.warning("a worker process stopped (%s); the rest of the work is done in this one", exc)
    return [results[i] if i in results else _guarded(work, task) for i, task in enumerate(tasks)]
