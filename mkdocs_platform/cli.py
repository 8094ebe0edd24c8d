"""`mkdocs-platform check`: the portal's scorecards, without a site; `changes OLD NEW`: what
changed between two versions of a spec; `history backfill`: past releases into the history.

The build's pipeline (`portal.read_portal`, `portal.score_portal`, `scorecard.outputs`) runs on
the sources of a `mkdocs.yml` (`--config`, validated by the plugin's own config classes) or on
the paths given. Reports: text (default), json (`scorecards.json`), sarif (SARIF 2.1.0) or
junit (JUnit XML). The text report sums each API up (score, grade, level, findings counted by
severity, the checks that cost the most points); `--findings` lists the findings as well, and
`--severity` keeps those at or above a severity. Under GitHub Actions (`GITHUB_ACTIONS=true`)
findings at the configured severity and above are also printed to stderr as
`::error`/`::warning` annotations. Exit status: 0 when the gate passes, 1 when it fails, 2 on a
usage, configuration or tool error.

`mkdocs-platform changes OLD NEW` compares two versions of one spec file (any OpenAPI version)
and lists what changed for clients, the breaking changes first, as text, JSON or Markdown
(a pull-request comment). Exit status: 1 when a change at or above `--fail-on` (default:
error) is found, 0 otherwise, 2 when a file cannot be read as an OpenAPI document.
"""

from __future__ import annotations

import argparse
import dataclasses
import re
import sys
import traceback
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from mkdocs.config.base import ValidationError

from mkdocs_platform.bundles.storage import secret_option
from mkdocs_platform.bundles.write import publish_bundles
from mkdocs_platform.cache import stage_store, user_cache_dir
from mkdocs_platform.changes import CHANGE_FORMATS, compare_versions, format_comparison
from mkdocs_platform.config import WholeNumber, read_config_file
from mkdocs_platform.discovery.ids import RESERVED_IDS
from mkdocs_platform.discovery.specs import CONVENTIONAL_NAME
from mkdocs_platform.errors import PlatformError, UsageError
from mkdocs_platform.history.backfill import backfill_history
from mkdocs_platform.models import (
    SEVERITY_ORDER,
    Portal,
    PortalSettings,
    Severity,
    SourceSettings,
    SpecSelector,
)
from mkdocs_platform.models.api import ApiModel, slugify
from mkdocs_platform.models.changes import CHANGE_LEVELS, ChangeLevel
from mkdocs_platform.models.scorecard import LEVELS, GateResult, Scorecard
from mkdocs_platform.openapi import ReadingCache, read_spec
from mkdocs_platform.portal import read_portal, score_portal
from mkdocs_platform.scorecard.outputs import (
    REPORT_FORMATS,
    portal_scorecards,
    print_portal_annotations,
    report_text,
)
from mkdocs_platform.scorecard.report import TOOL, package_version, write_atomic
from mkdocs_platform.scorecard.score import SCORING_VERSION
from mkdocs_platform.sources import SourceError

EXIT_PASSED = 0
EXIT_GATE_FAILED = 1
EXIT_ERROR = 2

TOP_REASONS = 3

SEVERITIES: tuple[Severity, ...] = ("info", "warn", "error")
"""Finding severities, lowest first."""

FORMATS = ("text", *REPORT_FORMATS)

_SCORE_BOUND = WholeNumber(0, 100)

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def terminal_line(text: str) -> str:
    """`text` as one printable line: control characters from a spec (escape sequences that
    would drive the terminal, line breaks that would forge report lines) shown as `\\xNN`."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def _score_bound(text: str) -> int:
    try:
        return _SCORE_BOUND.run_validation(int(text))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a whole number from 0 to 100, got {text!r}"
        ) from None
    except ValidationError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _storage_option(text: str) -> tuple[str, str]:
    name, equals, value = text.partition("=")
    if not equals or not name.strip():
        raise argparse.ArgumentTypeError(f"{text!r} is not NAME=VALUE")
    if secret_option({name: value}) is not None:
        raise argparse.ArgumentTypeError(
            f"{name!r} would put a credential on the command line; give it in the environment"
        )
    return name.strip(), value


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
            "files), or every API of the portal a mkdocs.yml configures (--config). Exit 0 "
            "when the gate passes, 1 when it fails, 2 on an error."
        ),
    )
    check.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        type=Path,
        help="spec files, folders or repositories (default: the current folder, or the "
        "sources of --config)",
    )
    check.add_argument(
        "--config",
        metavar="MKDOCS_YML",
        type=Path,
        help="read the platform plugin's settings from this mkdocs.yml: its sources (with their "
        "SDKs), scorecard rules, weights, overrides, waivers and gates; PATHs, when given, "
        "replace its sources",
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
        "-v",
        "--findings",
        "--verbose",
        dest="findings",
        action="store_true",
        help="list every finding with its file:line (and every waived one) after each API's "
        "summary; the text report otherwise counts them by severity",
    )
    check.add_argument(
        "--severity",
        choices=SEVERITIES[::-1],
        help="count and list only findings at or above this severity (info, warn or error); "
        "the gates still see every finding",
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
    check.add_argument(
        "--bundle",
        metavar="DEST",
        help="publish one bundle per API (its spec, findings, scorecard, catalog entity and SDK) "
        "to DEST, a folder or an fsspec URL (s3://, gs://, az://, file://, memory://), for a "
        "portal whose source names 'bundles:'; each bundle is written whole or not at all",
    )
    check.add_argument(
        "--storage-option",
        metavar="NAME=VALUE",
        action="append",
        default=[],
        type=_storage_option,
        help="an fsspec option for --bundle (endpoint_url=..., region_name=...); credentials "
        "come from the environment, never from here",
    )
    changes = commands.add_parser(
        "changes",
        help="list what changed between two versions of a spec, breaking changes first",
        description=(
            "Compare two versions of an OpenAPI spec (2.0, 3.0 or 3.1, in any mix) and list "
            "what changed for clients: errors break them, warnings may, info breaks nobody. "
            "Exit 1 when a change at or above --fail-on is found, 0 otherwise, 2 on an error."
        ),
    )
    changes.add_argument("old", metavar="OLD", type=Path, help="the older spec file")
    changes.add_argument("new", metavar="NEW", type=Path, help="the newer spec file")
    changes.add_argument(
        "--format",
        choices=CHANGE_FORMATS,
        default="text",
        help="text, json, or markdown (a pull-request comment); default: text",
    )
    changes.add_argument(
        "--fail-on",
        choices=CHANGE_LEVELS[:2],
        default="error",
        help="exit 1 when a change at or above this level is found; default: error",
    )
    history = commands.add_parser(
        "history",
        help="work on the portal's score history",
        description="Work on the history folder set by the plugin's `history: {path: ...}`.",
    )
    actions = history.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True
    backfill = actions.add_parser(
        "backfill",
        help="score each release tag of every git source into the history",
        description=(
            "Score each release tag of every git source (its `releases` pattern, default: "
            "semver tags) as a past build at the time of its commit, so that a new portal "
            "starts with a trend. A release scored before is scored again and replaced."
        ),
    )
    backfill.add_argument(
        "--config",
        required=True,
        metavar="MKDOCS_YML",
        type=Path,
        help="the mkdocs.yml whose platform plugin names the sources and the history folder",
    )
    return parser


def _repository_root(path: Path) -> Path:
    """The git work tree holding `path`, else its folder: `$ref`s may not leave it."""
    for folder in path.parents:
        if (folder / ".git").exists():
            return folder
    return path.parent


def _unique(name: str, taken: set[str]) -> str:
    unique, number = name, 1
    while unique in taken:
        number += 1
        unique = f"{name}-{number}"
    taken.add(unique)
    return unique


def _usable(slug: str) -> str:
    """`slug` as an id a portal accepts: `search.json` is checked as `search-api`."""
    if not slug:
        return "api"
    return f"{slug}-api" if slug in RESERVED_IDS else slug


def path_sources(paths: Sequence[Path]) -> list[tuple[Path, SourceSettings]]:
    """A portal source for each path given on the command line, beside that path.

    A folder is a source as a build reads it (spec files by their names, catalog files). A spec
    file is the one spec of a source rooted at its repository (its `$ref`s may reach siblings),
    named after the file (`pets.yaml`) or its folder (`pets/openapi.yaml`).

    Raises:
        UsageError: a path does not exist.
    """
    taken: set[str] = set()
    result = []
    for given in paths:
        if not given.exists():
            raise UsageError(f"{given}: no such file or folder")
        path = given.resolve()
        if path.is_dir():
            name = _unique(_usable(slugify(path.name)), taken)
            result.append((given, SourceSettings(name=name, path=path)))
            continue
        root = _repository_root(path)
        api_name = path.parent.name if CONVENTIONAL_NAME.match(path.name) else path.stem
        name = _unique(_usable(slugify(root.name)), taken)
        api_slug = slugify(api_name)
        spec = SpecSelector(
            pattern=path.relative_to(root).as_posix(),
            api_id=_usable(api_slug) if api_slug else name,
        )
        result.append((given, SourceSettings(name=name, path=root, specs=(spec,), catalog=False)))
    return result


def check_settings(
    args: argparse.Namespace, sources: Sequence[SourceSettings] = ()
) -> PortalSettings:
    """The settings of `--config` or the defaults, with `sources` (if any) and the flags' gates.

    Raises:
        ConfigError: the config file is invalid.
        UsageError: the waiver file does not exist.
    """
    if args.config is not None:
        settings = read_config_file(args.config)
    else:
        # A check writes nothing beside the report: its cache lives in the user's cache folder.
        settings = PortalSettings(sources=(), cache_dir=user_cache_dir())
    if sources:
        settings = dataclasses.replace(settings, sources=tuple(sources))
    gates: dict[str, Any] = {
        key: value
        for key in ("fail_under", "target_level", "fail_on")
        if (value := getattr(args, key)) is not None
    }
    if args.waivers is not None:
        if not args.waivers.is_file():
            raise UsageError(f"{args.waivers}: no such waiver file")
        gates["waivers"] = str(args.waivers.resolve())
    scorecard = dataclasses.replace(settings.scorecard, **gates)
    return dataclasses.replace(settings, scorecard=scorecard)


def _require_apis(portal: Portal, sources: Sequence[tuple[Path, SourceSettings]]) -> None:
    """Every path given yields an API: checking nothing must not pass a gate."""
    found = {api.source.name for api in portal.apis}
    for path, source in sources:
        if source.name in found:
            continue
        if source.specs:
            raise UsageError(
                f"{path}: not an OpenAPI document (no top-level 'openapi' or 'swagger')"
            )
        raise UsageError(f"{path}: no OpenAPI spec found (openapi.*, swagger.*, *.openapi.*)")


def check_portal(args: argparse.Namespace) -> Portal:
    """The portal the arguments describe, read and scored as a build reads and scores it.

    Raises:
        PlatformError: on a mistake in the arguments or the configuration.
        SourceError: when a source cannot be made available.
    """
    given = args.paths or ([] if args.config is not None else [Path()])
    sources = path_sources(given)
    settings = check_settings(args, [source for _, source in sources])
    readings = ReadingCache(stage_store(settings.stages_dir))
    portal = read_portal(settings, readings)
    _require_apis(portal, sources)
    # Some folders of a portal are not all of it: waivers for its other APIs are not stale.
    score_portal(portal, complete=not sources, store=readings.store)
    return portal


def _listed_severities(severity: Severity | None) -> tuple[Severity, ...]:
    """The severities the text report counts and lists: `severity` and those above it."""
    floor = SEVERITY_ORDER[severity] if severity is not None else 0
    return tuple(level for level in SEVERITIES if SEVERITY_ORDER[level] >= floor)


def _finding_counts(card: Scorecard, shown: Sequence[Severity]) -> str:
    """`73 findings: 2 error, 61 warn, 10 info; 3 waived`, for the severities shown, worst
    first."""
    counts = Counter(f.severity for f in card.findings)
    waived = sum(1 for w in card.waived_findings if w.finding.severity in shown)
    total = sum(counts[level] for level in shown)
    line = f"  {total} finding{'' if total == 1 else 's'}: "
    line += ", ".join(f"{counts[level]} {level}" for level in reversed(shown))
    return line + (f"; {waived} waived" if waived else "")


def format_text(
    scorecards: Sequence[Scorecard],
    gate: GateResult,
    *,
    list_findings: bool = False,
    severity: Severity | None = None,
) -> str:
    """A block per API: score, grade, level, findings counted by severity and top reasons.

    With `list_findings`, each finding follows with file:line (and the waived ones with their
    waiver); otherwise a closing line says how many were left out and how to list them.
    `severity` keeps findings at or above it, in the counts and in the lists.
    """
    shown = _listed_severities(severity)
    blocks = []
    unlisted = 0
    for card in scorecards:
        findings = [f for f in card.findings if f.severity in shown]
        waived_findings = [w for w in card.waived_findings if w.finding.severity in shown]
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
        if card.findings or card.waived_findings:
            lines.append(_finding_counts(card, shown))
        top = card.top_reasons(TOP_REASONS)
        if top:
            lines.append("  top reasons:")
            lines.extend(
                f"    {c.id:<28} +{c.points_available:<6g} points  "
                f"{c.passed}/{c.applicable} {c.items}"
                for c in top
            )
        if not list_findings:
            unlisted += len(findings)
        if findings and list_findings:
            lines.append(f"  findings ({len(findings)}):")
            # The pointer locates a finding where no line is known, and in one-line JSON.
            lines.extend(
                f"    {f.location()}  {f.severity}  {f.rule}  {f.message}"
                + (f"  [{f.pointer}]" if f.pointer else "")
                for f in findings
            )
        if waived_findings and list_findings:
            lines.append(f"  waived ({len(waived_findings)}):")
            for waived in waived_findings:
                f, waiver = waived.finding, waived.waiver
                until = f", until {waiver.expires.isoformat()}" if waiver.expires else ""
                owner = f", {waiver.owner}" if waiver.owner else ""
                lines.append(
                    f"    {f.location()}  {f.rule}  {f.message}  (waived: {waiver.reason}"
                    f"{owner}{until})"
                )
        blocks.append("\n".join(map(terminal_line, lines)))
    if unlisted:
        narrower = " or ".join(f"--severity {level}" for level in _listed_severities(severity)[1:])
        hint = f"; {narrower} for fewer" if narrower else ""
        blocks.append(
            f"{unlisted} finding{'' if unlisted == 1 else 's'} not listed: add --findings to "
            f"list them{hint}."
        )
    blocks.append(f"{gate.message}\n{TOOL} {package_version()}, scoring version {SCORING_VERSION}")
    return "\n\n".join(blocks) + "\n"


def run_check(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    """Score the portal, report, publish its bundles if asked, and apply the gate; returns the
    exit status.

    Raises:
        UsageError: `--findings` or `--severity` with a report for machines, which lists
            every finding whatever they say.
    """
    if args.format != "text" and (args.findings or args.severity is not None):
        raise UsageError(
            "--findings and --severity shape the text report; the json, sarif and junit "
            "reports always hold every finding"
        )
    portal = check_portal(args)
    gate = portal.gate or GateResult(failed=False, message="No scorecard gate is configured.")
    if args.format == "text":
        text = format_text(
            portal_scorecards(portal), gate, list_findings=args.findings, severity=args.severity
        )
    else:
        text = report_text(portal, args.format)
    # On stderr: stdout may carry a machine-readable report.
    print_portal_annotations(portal, stream=stderr)
    if args.bundle is not None:
        written = publish_bundles(portal, args.bundle, dict(args.storage_option))
        stderr.write(f"published {len(written)} bundle(s) to {args.bundle}\n")
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


CHANGES_MAX_SIZE = PortalSettings.max_spec_size
"""The largest spec file `changes` reads: the build's default limit."""


def load_model(path: Path) -> ApiModel:
    """The normalized model of the spec file at `path`.

    Raises:
        UsageError: the file is missing, does not parse (the message gives its line), is not
            an OpenAPI document, or cannot be read into the model.
    """
    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    resolved = path.resolve()
    reading = read_spec(resolved, resolved.parent, CHANGES_MAX_SIZE, (), None, None, "fast")
    if reading is None:
        raise UsageError(f"{path}: not an OpenAPI document (no top-level 'openapi' or 'swagger')")
    if reading.model is None:
        failure = next((f for f in reading.findings if f.rule == "oas-parse"), None)
        if failure is None:
            raise UsageError(f"{path}: the spec cannot be loaded")
        line = f":{failure.line}" if failure.line else ""
        raise UsageError(f"{path}{line}: {failure.message}")
    return reading.model


def run_changes(args: argparse.Namespace, stdout: TextIO) -> int:
    """Compare the two spec files and report; returns the exit status.

    Raises:
        UsageError: a file cannot be read as an OpenAPI document.
    """
    old, new = load_model(args.old), load_model(args.new)
    comparison = compare_versions("build", str(args.old), str(args.new), old, new)
    stdout.write(format_comparison(comparison, args.format))
    threshold: ChangeLevel = args.fail_on
    failing = CHANGE_LEVELS[: CHANGE_LEVELS.index(threshold) + 1]
    found = any(comparison.count(level) for level in failing)
    return EXIT_GATE_FAILED if found else EXIT_PASSED


def run_backfill(args: argparse.Namespace, stdout: TextIO) -> int:
    """`history backfill`: one line per source, what it scored or why it scored nothing."""
    settings = read_config_file(args.config)
    result = backfill_history(settings, stage_store(settings.stages_dir))
    lines = []
    for done in result.sources:
        if done.releases:
            lines.append(
                f"{done.source}: {len(done.releases)} releases scored ({done.releases[0]} to "
                f"{done.releases[-1]}), {done.records} records"
            )
        else:
            lines.append(f"{done.source}: no release scored")
        lines.extend(f"  {note}" for note in done.notes)
    lines.extend(f"{f.location()}: {f.message}" for f in result.findings)
    lines.append(f"history: {settings.history.path}")
    stdout.write("".join(terminal_line(line) + "\n" for line in lines))
    return EXIT_PASSED


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 after --help
        return exc.code if isinstance(exc.code, int) else EXIT_ERROR
    try:
        if args.command == "changes":
            return run_changes(args, sys.stdout)
        if args.command == "history":
            return run_backfill(args, sys.stdout)
        return run_check(args, sys.stdout, sys.stderr)
    except (PlatformError, SourceError, OSError) as exc:
        message = "\n".join(map(terminal_line, str(exc).splitlines()))
        sys.stderr.write(f"mkdocs-platform: error: {message}\n")
        return EXIT_ERROR
    except Exception:  # noqa: BLE001 - a crash must not exit 1, which means "the gate failed"
        sys.stderr.write("mkdocs-platform: internal error\n" + traceback.format_exc())
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
