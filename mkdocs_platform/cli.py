"""`mkdocs-platform check`: the portal's scorecard for a service repository, without a site.

Reports: text (default), json (`scorecards.json`), sarif (SARIF 2.1.0) or junit (JUnit XML).
Under GitHub Actions (`GITHUB_ACTIONS=true`) findings at warn and above are also printed to
stderr as `::error`/`::warning` annotations. Exit status: 0 when the gate passes, 1 when it
fails, 2 on a usage or tool error.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from mkdocs_platform.discovery.specs import CONVENTIONAL_NAME
from mkdocs_platform.models import ApiEntry, PortalSettings, Source, SourceSettings
from mkdocs_platform.models.api import slugify
from mkdocs_platform.models.scorecard import LEVELS, GateResult, Scorecard
from mkdocs_platform.openapi import read_spec
from mkdocs_platform.portal import PortalError, read_portal
from mkdocs_platform.scorecard.annotations import print_annotations
from mkdocs_platform.scorecard.engine import score_apis
from mkdocs_platform.scorecard.gates import evaluate_gates
from mkdocs_platform.scorecard.junit import build_junit, dumps_junit
from mkdocs_platform.scorecard.locations import source_prefixes
from mkdocs_platform.scorecard.report import (
    TOOL,
    build_report,
    dumps_report,
    package_version,
    write_atomic,
)
from mkdocs_platform.scorecard.sarif import build_sarif, dumps_sarif
from mkdocs_platform.scorecard.score import SCORING_VERSION
from mkdocs_platform.scorecard.settings import ScorecardSettings
from mkdocs_platform.sources import SourceError
from mkdocs_platform.sources.git import read_local_head

EXIT_PASSED = 0
EXIT_GATE_FAILED = 1
EXIT_ERROR = 2

MAX_SPEC_SIZE = 64 * 1024 * 1024
"""Larger spec files are a finding and are not loaded (the portal's default)."""

TOP_REASONS = 3

FORMATS = ("text", "json", "sarif", "junit")


class UsageError(Exception):
    """A mistake in what the command was asked to do; the message says which."""


def _score_bound(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a whole number from 0 to 100, got {text!r}"
        ) from None
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(f"expected a whole number from 0 to 100, got {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The command line: `mkdocs-platform check [PATH ...] [options]`."""
    parser = argparse.ArgumentParser(
        prog="mkdocs-platform",
        description="Score OpenAPI specs with the developer portal's scorecard.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True
    check = commands.add_parser(
        "check",
        help="score the specs in files, folders or repositories",
        description=(
            "Score every OpenAPI spec found in the given paths (a spec file is read as it is; "
            "a folder or repository is searched for openapi.*, swagger.* and *.openapi.* "
            "files). Exit 0 when the gate passes, 1 when it fails, 2 on an error."
        ),
    )
    check.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        type=Path,
        help="spec files, folders or repositories (default: the current folder)",
    )
    check.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help="report format: text, json (scorecards.json), sarif (SARIF 2.1.0) or junit "
        "(JUnit XML); default: text",
    )
    check.add_argument(
        "--output", metavar="FILE", type=Path, help="write the report to FILE instead of stdout"
    )
    check.add_argument(
        "--fail-under",
        metavar="N",
        type=_score_bound,
        help="fail when an API scores under N (0-100)",
    )
    check.add_argument(
        "--target-level", choices=LEVELS, help="fail when an API does not reach this level"
    )
    check.add_argument(
        "--fail-on",
        choices=("info", "warn", "error"),
        help="fail when an API has a finding at or above this severity",
    )
    check.add_argument(
        "--waivers",
        metavar="FILE",
        type=Path,
        help="a waiver file: findings it accepts count as passing and are reported as waived",
    )
    return parser


def _repository_root(path: Path) -> Path:
    """The git work tree holding `path`, else its folder: `$ref`s may not leave it."""
    for folder in path.parents:
        if (folder / ".git").exists():
            return folder
    return path.parent


def _local_source(root: Path) -> Source:
    commit, branch = read_local_head(root)
    name = slugify(root.name) or "api"
    return Source(
        settings=SourceSettings(name=name, path=root), root=root, commit=commit, branch=branch
    )


def _entry(source: Source, path: Path, api_id: str) -> ApiEntry | None:
    reading = read_spec(path, source.root, MAX_SPEC_SIZE)
    if reading is None:
        return None
    return ApiEntry(
        id=api_id,
        source=source,
        spec_path=path.relative_to(source.root).as_posix(),
        model=reading.model,
        document=reading.document,
        findings=reading.findings,
        locate=reading.locate,
    )


def _read_file(path: Path) -> ApiEntry:
    source = _local_source(_repository_root(path))
    # `pets/openapi.yaml` is the pets API; `pets.yaml` is too.
    name = path.parent.name if CONVENTIONAL_NAME.match(path.name) else path.stem
    entry = _entry(source, path, slugify(name) or source.name)
    if entry is None:
        raise UsageError(f"{path}: not an OpenAPI document (no top-level 'openapi' or 'swagger')")
    return entry


def _read_folder(folder: Path) -> list[ApiEntry]:
    # A folder is read as a portal source: spec files by their names, catalog-info.yaml files
    # (owners, lifecycles, ids) and the relations between them, exactly as a build reads it.
    name = slugify(folder.name) or "api"
    settings = PortalSettings(
        sources=(SourceSettings(name=name, path=folder),), max_spec_size=MAX_SPEC_SIZE
    )
    try:
        apis = read_portal(settings).apis
    except (PortalError, SourceError) as exc:
        raise UsageError(f"{folder}: {exc}") from None
    if not apis:
        raise UsageError(f"{folder}: no OpenAPI spec found (openapi.*, swagger.*, *.openapi.*)")
    return apis


def collect_apis(paths: Sequence[Path]) -> list[ApiEntry]:
    """Every API in `paths`, read as the portal reads it.

    Raises:
        UsageError: a path is missing or holds no spec, or two APIs get one id.
    """
    apis: list[ApiEntry] = []
    for given in paths:
        if not given.exists():
            raise UsageError(f"{given}: no such file or folder")
        path = given.resolve()
        apis.extend(_read_folder(path) if path.is_dir() else [_read_file(path)])
    seen: dict[str, ApiEntry] = {}
    for api in apis:
        other = seen.setdefault(api.id, api)
        if other is not api:
            raise UsageError(
                f"two APIs get the id '{api.id}': {other.source.root / other.spec_path} and "
                f"{api.source.root / api.spec_path}; check them one at a time"
            )
    return apis


def format_text(scorecards: Sequence[Scorecard], gate: GateResult) -> str:
    """A block per API: score, grade, level, top reasons and findings with file:line."""
    blocks = []
    for card in scorecards:
        version = f" {card.version}" if card.version else ""
        lines = [f"{card.api_id}  {card.spec}  ({card.title}{version})"]
        level = card.level or "no level"
        headline = f"  score {card.score} ({card.grade}), {level}"
        if card.next_level is not None and card.loaded:
            headline += f"; next: {card.next_level.describe()}"
        lines.append(headline)
        if not card.loaded:
            lines.append("  the spec could not be loaded")
        if card.capped_by:
            lines.append(f"  capped by failing critical checks: {', '.join(card.capped_by)}")
        top = card.top_reasons(TOP_REASONS)
        if top:
            lines.append("  top reasons:")
            lines.extend(
                f"    {c.id:<28} +{c.points_available:<6g} points  "
                f"{c.passed}/{c.applicable} {c.items}"
                for c in top
            )
        if card.findings:
            lines.append(f"  findings ({len(card.findings)}):")
            # The pointer locates a finding where no line is known, and in one-line JSON.
            lines.extend(
                f"    {f.location()}  {f.severity}  {f.rule}  {f.message}"
                + (f"  [{f.pointer}]" if f.pointer else "")
                for f in card.findings
            )
        if card.waived_findings:
            lines.append(f"  waived ({len(card.waived_findings)}):")
            for waived in card.waived_findings:
                f, waiver = waived.finding, waived.waiver
                until = f", until {waiver.expires.isoformat()}" if waiver.expires else ""
                owner = f", {waiver.owner}" if waiver.owner else ""
                lines.append(
                    f"    {f.location()}  {f.rule}  {f.message}  (waived: {waiver.reason}"
                    f"{owner}{until})"
                )
        blocks.append("\n".join(lines))
    blocks.append(f"{gate.message}\n{TOOL} {package_version()}, scoring version {SCORING_VERSION}")
    return "\n\n".join(blocks) + "\n"


def run_check(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    """Score the paths, report, and apply the gate; returns the exit status."""
    waivers = None
    if args.waivers is not None:
        if not args.waivers.is_file():
            raise UsageError(f"{args.waivers}: no such waiver file")
        waivers = str(args.waivers.resolve())
    settings = ScorecardSettings(
        fail_under=args.fail_under,
        target_level=args.target_level,
        fail_on=args.fail_on,
        waivers=waivers,
    )
    apis = collect_apis(args.paths or [Path()])
    # Only some APIs of a portal may be checked here: waivers for others are not stale.
    scorecards = score_apis(apis, settings, complete=False)
    gate = evaluate_gates(scorecards, settings)
    prefixes = source_prefixes(apis)
    if args.format == "json":
        text = dumps_report(build_report(scorecards))
    elif args.format == "sarif":
        text = dumps_sarif(build_sarif(scorecards, prefixes=prefixes))
    elif args.format == "junit":
        text = dumps_junit(build_junit(scorecards, settings))
    else:
        text = format_text(scorecards, gate)
    # On stderr: stdout may carry a machine-readable report.
    print_annotations(
        scorecards,
        settings.annotations_severity,
        settings.annotations_cap,
        prefixes=prefixes,
        stream=stderr,
    )
    if args.output is not None:
        write_atomic(args.output, text)
    else:
        stdout.write(text)
    if gate.failed:
        if args.format != "text" or args.output is not None:
            # The text report ends with it already; a machine report on stdout stays parseable.
            stderr.write(gate.message + "\n")
        return EXIT_GATE_FAILED
    return EXIT_PASSED


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 after --help
        return exc.code if isinstance(exc.code, int) else EXIT_ERROR
    try:
        return run_check(args, sys.stdout, sys.stderr)
    except UsageError as exc:
        sys.stderr.write(f"mkdocs-platform: error: {exc}\n")
        return EXIT_ERROR
    except OSError as exc:
        sys.stderr.write(f"mkdocs-platform: error: {exc}\n")
        return EXIT_ERROR
    except Exception:  # noqa: BLE001 - a crash must not exit 1, which means "the gate failed"
        sys.stderr.write("mkdocs-platform: internal error\n" + traceback.format_exc())
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
