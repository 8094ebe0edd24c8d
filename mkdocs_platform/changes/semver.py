"""Versions and release tags read as semver: which tags are releases, and what a step is."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable
from dataclasses import dataclass

_SEMVER = re.compile(
    r"^[vV]?(?P<major>0|[1-9]\d*)\.(?P<minor>0|[1-9]\d*)(?:\.(?P<patch>0|[1-9]\d*))?"
    r"(?:-(?P<pre>[0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$"
)
"""`1.2.3`, `v1.2.3`, `1.2` (the patch taken as 0), with a pre-release and build part."""


@dataclass(frozen=True, order=True)
class Semver:
    """A version read as semver; ordered as semver orders releases (pre-releases first)."""

    major: int
    minor: int
    patch: int
    final: bool
    """False for a pre-release (`1.0.0-rc.1`), which comes before the release."""
    pre: tuple[tuple[int, int | str], ...] = ()
    """The pre-release's parts, numbers before words as semver orders them."""


def _pre_parts(text: str) -> tuple[tuple[int, int | str], ...]:
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in text.split("."))


def parse_semver(text: str) -> Semver | None:
    """`text` as a version (`v1.2.0`, `1.2.0-rc.1`), or None when it is not one."""
    match = _SEMVER.match(text.strip())
    if match is None:
        return None
    pre = match.group("pre") or ""
    return Semver(
        major=int(match.group("major")),
        minor=int(match.group("minor")),
        patch=int(match.group("patch") or 0),
        final=not pre,
        pre=_pre_parts(pre) if pre else (),
    )


def _api_version(text: str) -> Semver | None:
    """An `info.version` as semver; a bare major number (`3`, `v4`) counts as `3.0.0`."""
    bare = re.fullmatch(r"[vV]?(0|[1-9]\d{0,8})", text.strip())
    return parse_semver(f"{bare.group(1)}.0.0") if bare else parse_semver(text)


def major_step(old: str, new: str) -> bool | None:
    """Whether going from `old` to `new` is a major step: a higher major number, or below 1.0 a
    higher minor one (semver's 0.x rule). None when either does not read as semver (a bare
    major number, as many APIs give, reads as one)."""
    before, after = _api_version(old), _api_version(new)
    if before is None or after is None:
        return None
    if before.major == 0 and after.major == 0:
        return after.minor > before.minor
    return after.major > before.major


def is_release_tag(tag: str, pattern: str | None) -> bool:
    """Whether `tag` names a release: it matches the glob `pattern`, or without one it reads as
    a final semver version (`v1.2.0`, `1.2.0`; not `1.2.0-rc.1`)."""
    if pattern is not None:
        return fnmatch.fnmatchcase(tag, pattern)
    version = parse_semver(tag)
    return version is not None and version.final


def release_order(tags: Iterable[str]) -> list[str]:
    """The tags oldest release first: by semver where they read as it, the others after them
    by name."""
    versions = [(parse_semver(tag), tag) for tag in tags]
    semver = sorted((v, tag) for v, tag in versions if v is not None)
    others = sorted(tag for v, tag in versions if v is None)
    return [tag for _, tag in semver] + others
