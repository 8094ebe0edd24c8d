"""History records: made from a scored API or portfolio, and written to / read from JSON.

A record is one compact JSON object per line of a history file. Reading is strict: a key that
is missing or holds a value of the wrong type or range raises `RecordError`, so a damaged file
is reported instead of feeding wrong numbers to trends. Keys a later release may add are
ignored, so a file stays readable by the release that wrote its format.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

from mkdocs_platform.models.findings import SEVERITY_ORDER
from mkdocs_platform.models.history import ApiRecord, PortfolioRecord
from mkdocs_platform.models.portal import ApiEntry
from mkdocs_platform.models.scorecard import LEVELS, Portfolio, Scorecard
from mkdocs_platform.scorecard.score import SCORING_VERSION

DIGEST = re.compile(r"[0-9a-f]{64}")
"""A SHA-256 as stored: 64 lowercase hex digits (the name of a stored spec or SDK surface)."""

SEVERITIES: tuple[str, ...] = tuple(
    sorted(SEVERITY_ORDER, key=SEVERITY_ORDER.__getitem__, reverse=True)
)
"""`error`, `warn`, `info`: the keys of a record's finding counts."""


class RecordError(ValueError):
    """A history record that does not hold what its format says; the message names the key."""


# -- making records ----------------------------------------------------------------------


def canonical_json(value: Any) -> bytes:
    """`value` as canonical JSON bytes: sorted keys, no spaces, ASCII only.

    ASCII escapes keep the bytes the same whatever the text holds (lone surrogates included),
    so equal documents always hash alike.
    """
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode(
        "ascii"
    )


def spec_hash(document: Any) -> str:
    """SHA-256 (hex) of `document`'s canonical JSON: the name it is stored under."""
    return hashlib.sha256(canonical_json(document)).hexdigest()


def utc(moment: datetime) -> datetime:
    """`moment` in UTC; a naive time is taken to be UTC already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def api_record(
    api: ApiEntry,
    card: Scorecard,
    time: datetime,
    *,
    release: str = "",
    sdk_hashes: tuple[str, ...] | list[str] = (),
) -> ApiRecord:
    """What the history keeps of `api` as scored in `card` by the build (or backfill) at `time`."""
    counts = dict.fromkeys(SEVERITIES, 0)
    for finding in card.findings:
        counts[finding.severity] = counts.get(finding.severity, 0) + 1
    # The stored spec is the one the portal loaded, so the next build compares like with like.
    document = api.document
    return ApiRecord(
        time=utc(time),
        api_id=api.id,
        scoring_version=SCORING_VERSION,
        score=card.score,
        grade=card.grade,
        level=card.level,
        categories={str(cid): round(category.score) for cid, category in card.categories.items()},
        findings=counts,
        spec_hash=spec_hash(document) if document is not None else "",
        commit=card.commit,
        version=card.version,
        release=release,
        consumers=len(api.consumers),
        owned=bool(api.owner),
        sdk_coverage=_coverage(card.sdk),
        breaking=sum(comparison.breaking for comparison in api.changes.comparisons),
        sdk_hashes=tuple(sdk_hashes),
    )


def _coverage(sdk: Mapping[str, Any] | None) -> float | None:
    # `SdkLinks.report` gives a share 0-1 (rounded), or None when the API has no operations.
    if sdk is None:
        return None
    value = sdk.get("coverage")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    share = float(value)
    return share if 0.0 <= share <= 1.0 else None


def portfolio_record(portfolio: Portfolio, time: datetime) -> PortfolioRecord:
    """What the history keeps of the portfolio as the build at `time` saw it."""

    def share(count: int) -> float | None:
        return count / portfolio.apis if portfolio.apis else None

    return PortfolioRecord(
        time=utc(time),
        scoring_version=SCORING_VERSION,
        apis=portfolio.apis,
        median_score=portfolio.median_score,
        silver_or_above=share(portfolio.at_silver_or_above),
        owner_coverage=share(portfolio.owned),
        sdk_coverage=share(portfolio.with_sdk),
        consumed=share(portfolio.consumed),
        breaking_changes=portfolio.breaking_changes,
        releases=portfolio.releases,
        releases_breaking_without_major=portfolio.releases_breaking_without_major,
    )


# -- JSON --------------------------------------------------------------------------------


def format_time(moment: datetime) -> str:
    """ISO 8601 in UTC with a `Z` (`2026-11-27T09:30:00Z`)."""
    return utc(moment).isoformat().replace("+00:00", "Z")


def api_record_json(record: ApiRecord) -> dict[str, Any]:
    """One API record as its line holds it (the API id is in the file's header)."""
    return {
        "time": format_time(record.time),
        "scoring": record.scoring_version,
        "score": record.score,
        "grade": record.grade,
        "level": record.level,
        "categories": dict(record.categories),
        "findings": dict(record.findings),
        "spec": record.spec_hash,
        "commit": record.commit,
        "version": record.version,
        "release": record.release,
        "consumers": record.consumers,
        "owned": record.owned,
        "sdk_coverage": record.sdk_coverage,
        "breaking": record.breaking,
        "sdks": list(record.sdk_hashes),
    }


def portfolio_record_json(record: PortfolioRecord) -> dict[str, Any]:
    """One portfolio record as its line holds it."""
    return {
        "time": format_time(record.time),
        "scoring": record.scoring_version,
        "apis": record.apis,
        "median_score": record.median_score,
        "silver_or_above": record.silver_or_above,
        "owner_coverage": record.owner_coverage,
        "sdk_coverage": record.sdk_coverage,
        "consumed": record.consumed,
        "breaking_changes": record.breaking_changes,
        "releases": record.releases,
        "releases_breaking_without_major": record.releases_breaking_without_major,
    }


def api_record_from_json(data: object, api_id: str) -> ApiRecord:
    """The API record a line holds.

    Raises:
        RecordError: when a key is missing or its value has the wrong type or range.
    """
    item = _object(data)
    level = _optional_text(item, "level")
    if level is not None and level not in LEVELS:
        raise RecordError(f"'level' is {level!r}, not one of {', '.join(LEVELS)} or null")
    findings = _counts(item, "findings")
    unknown = sorted(set(findings) - set(SEVERITIES))
    if unknown:
        raise RecordError(f"'findings' counts an unknown severity {unknown[0]!r}")
    spec = _text(item, "spec")
    if spec and not DIGEST.fullmatch(spec):
        raise RecordError("'spec' is not a SHA-256 (64 lowercase hex digits)")
    sdks = item.get("sdks", _MISSING)
    if not isinstance(sdks, list) or not all(
        isinstance(d, str) and DIGEST.fullmatch(d) for d in sdks
    ):
        raise RecordError(_wrong("sdks", sdks, "a list of SHA-256 digests"))
    return ApiRecord(
        time=_time(item),
        api_id=api_id,
        scoring_version=_count(item, "scoring", least=1),
        score=_count(item, "score", most=100),
        grade=_text(item, "grade"),
        level=level,
        categories=_counts(item, "categories", most=100),
        findings=findings,
        spec_hash=spec,
        commit=_optional_text(item, "commit"),
        version=_text(item, "version"),
        release=_text(item, "release"),
        consumers=_count(item, "consumers"),
        owned=_flag(item, "owned"),
        sdk_coverage=_share(item, "sdk_coverage"),
        breaking=_count(item, "breaking"),
        sdk_hashes=tuple(sdks),
    )


def portfolio_record_from_json(data: object) -> PortfolioRecord:
    """The portfolio record a line holds.

    Raises:
        RecordError: when a key is missing or its value has the wrong type or range.
    """
    item = _object(data)
    median = _optional_number(item, "median_score")
    if median is not None and not 0 <= median <= 100:
        raise RecordError(f"'median_score' is {median}, outside 0-100")
    return PortfolioRecord(
        time=_time(item),
        scoring_version=_count(item, "scoring", least=1),
        apis=_count(item, "apis"),
        median_score=median,
        silver_or_above=_share(item, "silver_or_above"),
        owner_coverage=_share(item, "owner_coverage"),
        sdk_coverage=_share(item, "sdk_coverage"),
        consumed=_share(item, "consumed"),
        breaking_changes=_count(item, "breaking_changes"),
        releases=_count(item, "releases"),
        releases_breaking_without_major=_count(item, "releases_breaking_without_major"),
    )


# -- strict reading of values -------------------------------------------------------------

_MISSING = object()


def _object(data: object) -> Mapping[str, Any]:
    if not isinstance(data, dict):
        raise RecordError(f"the record is {_kind(data)}, not a JSON object")
    return data


def _kind(value: object) -> str:
    if value is _MISSING:
        return "missing"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object"


def _wrong(key: str, value: object, expected: str) -> str:
    if value is _MISSING:
        return f"'{key}' is missing"
    return f"'{key}' is {_kind(value)}, not {expected}"


def _time(item: Mapping[str, Any]) -> datetime:
    value = item.get("time", _MISSING)
    if not isinstance(value, str):
        raise RecordError(_wrong("time", value, "an ISO 8601 time"))
    # Python 3.10 reads no `Z`; every release writes one.
    text = value[:-1] + "+00:00" if value.endswith(("Z", "z")) else value
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise RecordError(f"'time' {value[:40]!r} is not an ISO 8601 time") from None
    if moment.tzinfo is None:
        raise RecordError(f"'time' {value[:40]!r} has no time zone")
    return moment.astimezone(timezone.utc)


def _count(item: Mapping[str, Any], key: str, *, least: int = 0, most: int | None = None) -> int:
    value = item.get(key, _MISSING)
    if isinstance(value, bool) or not isinstance(value, int):
        raise RecordError(_wrong(key, value, "a whole number"))
    if value < least or (most is not None and value > most):
        bounds = f"{least}-{most}" if most is not None else f"{least} or more"
        raise RecordError(f"'{key}' is {value}, outside {bounds}")
    return value


def _counts(item: Mapping[str, Any], key: str, *, most: int | None = None) -> dict[str, int]:
    value = item.get(key, _MISSING)
    if not isinstance(value, dict):
        raise RecordError(_wrong(key, value, "an object"))
    return {name: _count(value, name, most=most) for name in value}


def _text(item: Mapping[str, Any], key: str) -> str:
    value = item.get(key, _MISSING)
    if not isinstance(value, str):
        raise RecordError(_wrong(key, value, "a string"))
    return value


def _optional_text(item: Mapping[str, Any], key: str) -> str | None:
    value = item.get(key, _MISSING)
    if value is not None and not isinstance(value, str):
        raise RecordError(_wrong(key, value, "a string or null"))
    return value


def _flag(item: Mapping[str, Any], key: str) -> bool:
    value = item.get(key, _MISSING)
    if not isinstance(value, bool):
        raise RecordError(_wrong(key, value, "true or false"))
    return value


def _optional_number(item: Mapping[str, Any], key: str) -> float | None:
    value = item.get(key, _MISSING)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise RecordError(_wrong(key, value, "a number or null"))
    if not math.isfinite(value):
        raise RecordError(f"'{key}' is {value}, not a finite number")
    return float(value)


def _share(item: Mapping[str, Any], key: str) -> float | None:
    value = _optional_number(item, key)
    if value is not None and not 0 <= value <= 1:
        raise RecordError(f"'{key}' is {value}, outside 0-1")
    return value
