"""What changed between two versions of an API: the values the `changes` stage gives."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

ChangeLevel = Literal["error", "warning", "info"]
"""`error`: breaks existing clients; `warning`: may break them; `info`: breaks nobody."""

CHANGE_LEVELS: tuple[ChangeLevel, ...] = ("error", "warning", "info")
"""Every level, the most severe first."""


@dataclass(frozen=True)
class Change:
    """One difference between two versions of an API, as a client sees it."""

    id: str
    """Stable id of the kind of change (`request-parameter-removed`), never renamed."""
    level: ChangeLevel
    """Whether it breaks existing clients."""
    message: str
    """A sentence a reader understands, naming what changed."""
    operation: str = ""
    """The operation it concerns (`GET /pets`), or '' for the API as a whole."""
    old_pointer: str = ""
    """JSON pointer of the place in the old version (`#/paths/~1pets/get`), '' when new."""
    new_pointer: str = ""
    """JSON pointer of the place in the new version, '' when removed."""


ComparisonKind = Literal["release", "build"]
"""`release`: between consecutive release tags; `build`: between the previous build and this."""


@dataclass(frozen=True)
class Comparison:
    """The changes from one version of an API to the next."""

    kind: ComparisonKind
    """Whether it compares two release tags or two builds."""
    old_label: str
    """The older version's name: its tag (`v1.0.0`), or when it was built."""
    new_label: str
    """The newer version's name: its tag, or when it was built (`this build`)."""
    old_version: str = ""
    """`info.version` of the older spec."""
    new_version: str = ""
    """`info.version` of the newer spec."""
    at: datetime | None = None
    """When the newer version was made: the tag's commit time, or the build's time."""
    old_commit: str | None = None
    new_commit: str | None = None
    changes: tuple[Change, ...] = ()
    """The spec's changes, the most severe first."""
    sdk_changes: tuple[Change, ...] = ()
    """The SDKs' API breakages found by griffe (`sdk-` ids)."""
    major: bool | None = None
    """Whether `info.version` took a major step (a minor one below 1.0); None when either
    version does not read as semver."""
    exempt: str = ""
    """Why the version rule does not apply (`x-stability-level: alpha`), or ''."""

    def count(self, level: ChangeLevel) -> int:
        """How many of its changes (spec and SDK) have this level."""
        return sum(c.level == level for c in (*self.changes, *self.sdk_changes))

    @property
    def breaking(self) -> int:
        """How many changes break existing clients."""
        return self.count("error")

    @property
    def breaks_without_major(self) -> bool:
        """Whether it breaks clients without a major version step, and is not exempt."""
        return self.breaking > 0 and not self.major and not self.exempt


@dataclass(frozen=True)
class ApiChanges:
    """Every comparison known for one API, the newest first."""

    comparisons: tuple[Comparison, ...] = ()
    problems: tuple[str, ...] = field(default=())
    """Why a release or an earlier build could not be compared, for the changelog page."""
