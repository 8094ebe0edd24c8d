"""Ownership and lifecycle: is there an owner, and is the API maintained?"""

from __future__ import annotations

import re
from datetime import date, datetime, timezone

from mkdocs_platform.models.changes import Comparison
from mkdocs_platform.scorecard.codeowners import owners_of
from mkdocs_platform.scorecard.context import CheckResult, RuleContext
from mkdocs_platform.scorecard.registry import rule

MAX_SPEC_AGE_DAYS = 365
"""A spec untouched for longer (and not deprecated) counts as unmaintained."""

DEPRECATION_WORDS = re.compile(
    r"deprecat|instead|replac|sunset|remov|migrat|supersed|retir", re.IGNORECASE
)
"""Words by which a description explains a deprecation."""


@rule(
    "own-owner",
    "ownership",
    "error",
    "bronze",
    title="The API has an owner",
    items="APIs",
    fix=(
        "Name the owning team: spec.owner in catalog-info.yaml, a CODEOWNERS entry covering "
        "the spec, x-owner in the spec, or the source's owner in mkdocs.yml."
    ),
)
def owner(ctx: RuleContext) -> CheckResult:
    """An owner comes from the catalog (`spec.owner`), the source's `owner` in mkdocs.yml, the
    spec's `x-owner`, or CODEOWNERS."""
    result = ctx.result()
    owned = bool(ctx.api.owner) or bool(owners_of(ctx.api.source.root, ctx.api.spec_path))
    result.check(
        owned,
        ("info",),
        "no owner: add a catalog-info.yaml with spec.owner, an x-owner in the spec, a "
        "CODEOWNERS line covering the spec, or an owner to the source in mkdocs.yml",
    )
    return result


@rule(
    "own-contact-license",
    "ownership",
    "warn",
    "silver",
    title="Contact and license are given",
    items="contact and license",
    fix="Fill in info.contact (name, and a URL or email) and info.license.",
)
def contact_license(ctx: RuleContext) -> CheckResult:
    """`info.contact` has a name and a URL or email; `info.license` has a name."""
    result = ctx.result()
    contact, license_ = ctx.model.contact, ctx.model.license
    if contact is None:
        result.fail(("info",), "info.contact is missing: say who answers questions")
    else:
        result.check(
            bool(contact.name.strip()) and bool(contact.url.strip() or contact.email.strip()),
            ("info", "contact"),
            "info.contact needs a name and a url or email",
        )
    result.check(
        license_ is not None and bool(license_.name.strip()),
        ("info", "license") if license_ is not None else ("info",),
        "info.license is missing or has no name",
    )
    return result


def _parse_rfc3339(value: object) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=timezone.utc)
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return datetime(day.year, day.month, day.day, tzinfo=timezone.utc)
        # Python 3.10 reads no `Z` suffix.
        return datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None


def _describe_break(comparison: Comparison) -> str:
    """What broke in which release or build, and the version step that should have said so."""
    if comparison.kind == "release":
        what = f"release {comparison.new_label} (from {comparison.old_label})"
    else:
        what = (
            f"the spec change between the build of {comparison.old_label} and "
            f"{comparison.new_label}"
        )
    first = next(c for c in (*comparison.changes, *comparison.sdk_changes) if c.level == "error")
    count = comparison.breaking
    versions = (
        f"info.version went from {comparison.old_version or 'none'} to "
        f"{comparison.new_version or 'none'}"
    )
    more = f" and {count - 1} more" if count > 1 else ""
    return (
        f"{what} breaks clients ({first.message}{more}) but {versions}, which is not a major "
        "version step"
    )


@rule(
    "own-breaking-vs-version",
    "ownership",
    "error",
    "silver",
    title="Breaking changes come with a major version",
    items="compared releases and builds",
    fix=(
        "Raise the major part of info.version (the minor part below 1.0) in the release that "
        "breaks clients, or keep the old behaviour beside the new one until the next major "
        "version; see the API's changes page for what broke."
    ),
)
def breaking_vs_version(ctx: RuleContext) -> CheckResult:
    """Every release, and every build whose spec changed, that breaks existing clients raises
    the major version of `info.version` (the minor one below 1.0); a spec whose
    `x-stability-level` is `draft` or `alpha` is exempt."""
    # Applies only where there is something to compare: release tags of a git source, or the
    # spec the previous build recorded in the history.
    result = ctx.result()
    for comparison in ctx.api.changes.comparisons:
        if comparison.exempt:
            continue
        result.check(
            not comparison.breaks_without_major,
            ("info", "version"),
            _describe_break(comparison) if comparison.breaks_without_major else "",
        )
    return result


@rule(
    "own-lifecycle",
    "ownership",
    "info",
    "gold",
    title="Deprecations are explained and the spec is maintained",
    items="deprecated operations and the spec's age",
    fix=(
        "Give each deprecated operation an x-sunset date (RFC 3339) or a description that "
        "says what to use instead, and keep the spec up to date."
    ),
)
def lifecycle(ctx: RuleContext) -> CheckResult:
    """Deprecations carry `x-sunset` or an explanation; the spec changed within a year."""
    # The age counts only when the pipeline knows when the spec last changed
    # (`ApiEntry.spec_changed_at`), and not for an API whose lifecycle is `deprecated`.
    result = ctx.result()
    for op in ctx.documented_operations:
        if not op.deprecated:
            continue
        sunset = op.extensions.get("x-sunset")
        explained = _parse_rfc3339(sunset) is not None or bool(
            DEPRECATION_WORDS.search(op.description)
        )
        result.check(
            explained,
            (*op.pointer, "x-sunset") if sunset is not None else (*op.pointer, "deprecated"),
            f"{op.label} is deprecated without an RFC 3339 x-sunset or a description saying "
            "what replaces it",
        )
    changed = ctx.api.spec_changed_at
    if isinstance(changed, datetime) and ctx.api.lifecycle.lower() != "deprecated":
        if changed.tzinfo is None:
            changed = changed.replace(tzinfo=timezone.utc)
        age = (ctx.now - changed).days
        result.check(
            age <= MAX_SPEC_AGE_DAYS,
            (),
            f"the spec last changed {age} days ago (on {changed.date().isoformat()}); "
            f"more than {MAX_SPEC_AGE_DAYS} days suggests nobody maintains it",
        )
    return result
