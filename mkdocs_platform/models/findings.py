"""`Finding`: one problem, from any stage, carried to every output."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from typing import Any, Literal, get_args

Severity = Literal["error", "warn", "info"]
"""How much a finding matters: `error`, `warn` or `info`."""


FindingClass = Literal["structure", "example", "tool", "rule", "catalog", "sdk", "fetch"]
"""What kind of problem a finding is.

`structure`: the document is not OpenAPI (only these make an API invalid);
`example`: an example, default or pattern that the validator rejects;
`tool`: the validator itself failed; `rule`: a scorecard check;
`catalog`, `sdk`, `fetch`: problems with catalog files, SDKs and git sources.
"""


SEVERITY_ORDER: dict[str, int] = {"info": 0, "warn": 1, "error": 2}


Location = tuple[str | None, int | None, int | None, str]
"""(file relative to the source, line, column, JSON pointer in that file)."""


Locate = Callable[[Sequence[str]], Location]
"""Where a place of a bundled spec (given as JSON pointer tokens) was written."""


@dataclass(frozen=True)
class Finding:
    """One problem, from any stage, carried to every output."""

    rule: str
    """Stable id of what found it, for example `oas-valid` or `oas-refs-resolve`."""
    severity: Severity
    """How much it matters."""
    finding_class: FindingClass
    """What kind of problem it is (see `FindingClass`)."""
    message: str
    """One sentence a person can act on."""
    file: str | None = None
    """Path of the file, relative to its source's root, with forward slashes."""
    line: int | None = None
    """1-based line in `file`."""
    column: int | None = None
    """1-based column in `file`."""
    pointer: str | None = None
    """JSON pointer inside `file` (`#/paths/~1pets/get`)."""
    symbol: str | None = None
    """Python path, for findings in an SDK."""

    def location(self) -> str:
        """`file:line:column`, as far as known."""
        parts = [self.file or "?"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)


INTERNAL_RULE = "platform-internal"
"""The rule of a finding that says a stage of the pipeline failed on one API or file."""


def internal_finding(
    what: str, exc: BaseException, file: str | None, line: int | None = 1, outcome: str = ""
) -> Finding:
    """The `tool` finding that stands for what `what` (`scoring the API`) would have given."""
    message = f"{what} failed ({type(exc).__name__}: {str(exc)[:200]})"
    return Finding(
        rule=INTERNAL_RULE,
        severity="error",
        finding_class="tool",
        message=f"{message}; {outcome}" if outcome else message,
        file=file,
        line=line if file else None,
    )


_FIELDS = frozenset(f.name for f in fields(Finding))
_SEVERITIES = frozenset(get_args(Severity))
_CLASSES = frozenset(get_args(FindingClass))


def finding_from_dict(item: Any) -> Finding | None:
    """The finding a stored dict (`dataclasses.asdict` of one) describes; None unless it has
    exactly Finding's fields, each of its type, with a known severity and class."""
    if not isinstance(item, dict) or set(item) != _FIELDS:
        return None
    if not all(isinstance(item[k], str) for k in ("rule", "severity", "finding_class", "message")):
        return None
    if item["severity"] not in _SEVERITIES or item["finding_class"] not in _CLASSES:
        return None
    if not all(item[k] is None or isinstance(item[k], str) for k in ("file", "pointer", "symbol")):
        return None
    if not all(
        item[k] is None or (isinstance(item[k], int) and not isinstance(item[k], bool))
        for k in ("line", "column")
    ):
        return None
    return Finding(**item)
