"""The `sdk` scorecard category: checks of an API's Python SDKs, as plain functions.

Each check counts items (its denominator) and passing items over every SDK of the API and
returns an `SdkCheck`; a failing item is one finding (`finding_class="sdk"`, `symbol` = the
Python path, `file`/`line` relative to the source root). Objects are counted once, at the
public path where they are documented, so a re-export is never counted twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from mkdocs_platform.models import Finding, Severity
from mkdocs_platform.models.sdk import (
    DocItem,
    ParsedDocstring,
    SdkLinks,
    SdkModel,
    SdkModule,
    SdkObject,
    operation_name,
)
from mkdocs_platform.openapi.locate import to_pointer

MAX_LISTED_FINDINGS = 500
"""Findings listed per check; further failing items are counted in `unlisted` (and in one
more finding), so the ratio stays exact."""

_GENERATOR_TYPES = frozenset(
    {"Iterator", "Generator", "Iterable", "AsyncIterator", "AsyncGenerator", "AsyncIterable"}
)
_NO_VALUE = frozenset({"None", "NoReturn", "Never"})

Locate = Callable[[list[str]], tuple[str | None, int | None, int | None, str]]


@dataclass(frozen=True)
class SdkRuleInfo:
    """A check's defaults, for registering it with the scorecard."""

    id: str
    severity: Severity
    level: str | None
    threshold: float
    title: str
    items: str


SDK_RULES: dict[str, SdkRuleInfo] = {
    info.id: info
    for info in (
        SdkRuleInfo(
            "py-docstring-coverage",
            "warn",
            "silver",
            0.8,
            "Public modules, classes and functions have a docstring",
            "public objects",
        ),
        SdkRuleInfo(
            "py-params-documented",
            "warn",
            "gold",
            0.9,
            "Parameters of documented callables are documented",
            "parameters",
        ),
        SdkRuleInfo(
            "py-no-phantom-params",
            "warn",
            "silver",
            1.0,
            "Documented parameters exist in the signature",
            "documented parameters",
        ),
        SdkRuleInfo(
            "py-returns-raises",
            "info",
            None,
            1.0,
            "Returns, Yields and Raises sections match the code",
            "documented callables",
        ),
        SdkRuleInfo(
            "py-docstring-parses",
            "info",
            None,
            1.0,
            "Docstrings parse without warnings in the SDK's style",
            "docstrings",
        ),
        SdkRuleInfo(
            "py-operation-coverage",
            "warn",
            "gold",
            0.8,
            "Every operation has an SDK method",
            "operations",
        ),
    )
}
"""Defaults of every check of this module (SCORECARD.md 10.3, rows 31-35, and coverage)."""


@dataclass
class SdkCheck:
    """The tally of one check: applicable and passing items, and a finding per failure."""

    id: str
    severity: Severity
    applicable: int = 0
    passed: int = 0
    findings: list[Finding] = field(default_factory=list)
    unlisted: int = 0
    """Failing items past `MAX_LISTED_FINDINGS`."""

    @property
    def ratio(self) -> float | None:
        """passed / applicable; None when nothing applies."""
        return self.passed / self.applicable if self.applicable else None

    def succeed(self, count: int = 1) -> None:
        """Count `count` passing items."""
        self.applicable += count
        self.passed += count

    def fail(
        self,
        message: str,
        *,
        count: int = 1,
        file: str | None = None,
        line: int | None = None,
        symbol: str | None = None,
        pointer: str | None = None,
    ) -> None:
        """Count `count` failing items, reported by one finding."""
        self.applicable += count
        if len(self.findings) >= MAX_LISTED_FINDINGS:
            self.unlisted += count
            return
        self.findings.append(
            Finding(
                rule=self.id,
                severity=self.severity,
                finding_class="sdk",
                message=message,
                file=file,
                line=line,
                symbol=symbol,
                pointer=pointer,
            )
        )

    def listed(self) -> list[Finding]:
        """The findings, plus one that counts the unlisted failing items, if any."""
        if not self.unlisted:
            return self.findings
        more = Finding(
            rule=self.id,
            severity=self.severity,
            finding_class="sdk",
            message=f"{self.unlisted} more failing items are not listed",
        )
        return [*self.findings, more]


def _sdks(sdks: SdkModel | Sequence[SdkModel]) -> list[SdkModel]:
    return [sdks] if isinstance(sdks, SdkModel) else list(sdks)


def _objects(sdks: SdkModel | Sequence[SdkModel]) -> Iterator[SdkModule | SdkObject]:
    for sdk in _sdks(sdks):
        yield from sdk.documentables()


def _bare(name: str) -> str:
    return name.lstrip("*")


def _checked_callables(sdks: SdkModel | Sequence[SdkModel]) -> Iterator[SdkObject]:
    """Documented functions and methods, and documented classes with their own `__init__`."""
    for obj in _objects(sdks):
        if isinstance(obj, SdkModule) or not obj.documented:
            continue
        if obj.is_callable or (obj.kind == "class" and obj.has_init):
            yield obj


def _docs(obj: SdkObject) -> list[ParsedDocstring]:
    return [d for d in (obj.docstring, obj.init_docstring) if d is not None]


def _described(items: list[DocItem]) -> set[str]:
    """Names of the items that say something: a bare name documents nothing."""
    return {_bare(item.name) for item in items if item.description.strip()}


def _documented_names(obj: SdkObject) -> set[str]:
    names = {n for d in _docs(obj) for n in _described(d.items("parameters", "other_parameters"))}
    if obj.kind == "class":
        # Dataclass fields and other constructor arguments are often documented as
        # attributes, in the class docstring's Attributes section or by their own docstring.
        names |= {n for d in _docs(obj) for n in _described(d.items("attributes"))}
        names |= {m.name for m in obj.members if m.kind == "attribute" and m.docstring}
    return names


def docstring_coverage(
    sdks: SdkModel | Sequence[SdkModel], severity: Severity = "warn"
) -> SdkCheck:
    """Public modules, classes, functions, methods and properties have a docstring."""
    check = SdkCheck("py-docstring-coverage", severity)
    for obj in _objects(sdks):
        if obj.kind == "attribute":
            continue  # like interrogate and ruff's D1xx: attributes are not counted
        if obj.documented:
            check.succeed()
        else:
            check.fail(
                f"{obj.kind} {obj.path} has no docstring",
                file=obj.file,
                line=obj.line,
                symbol=obj.path,
            )
    return check


def params_documented(sdks: SdkModel | Sequence[SdkModel], severity: Severity = "warn") -> SdkCheck:
    """Every parameter of a documented public callable is described in its docstring.

    Callables without a docstring are `py-docstring-coverage`'s business and not counted here,
    as ruff's D417 and pydoclint do. One finding per callable names all its missing parameters.
    """
    check = SdkCheck("py-params-documented", severity)
    for obj in _checked_callables(sdks):
        documented = _documented_names(obj)
        missing = [p.display_name for p in obj.parameters if p.name not in documented]
        check.succeed(len(obj.parameters) - len(missing))
        if missing:
            check.fail(
                f"{obj.path}: parameter{'s' if len(missing) > 1 else ''} "
                f"{', '.join(missing)} {'are' if len(missing) > 1 else 'is'} not documented",
                count=len(missing),
                file=obj.file,
                line=obj.line,
                symbol=obj.path,
            )
    return check


def no_phantom_params(sdks: SdkModel | Sequence[SdkModel], severity: Severity = "warn") -> SdkCheck:
    """Every documented parameter exists in the signature.

    Entries of an "Other Parameters" section are keyword arguments passed through `**kwargs`,
    so they only count when the signature has no `**kwargs`.
    """
    check = SdkCheck("py-no-phantom-params", severity)
    for obj in _checked_callables(sdks):
        names = {p.name for p in obj.parameters}
        takes_kwargs = any(p.kind == "variadic keyword" for p in obj.parameters)
        entries: list[tuple[DocItem, ParsedDocstring]] = [
            (item, doc) for doc in _docs(obj) for item in doc.items("parameters")
        ]
        if not takes_kwargs:
            entries += [(item, doc) for doc in _docs(obj) for item in doc.items("other_parameters")]
        for item, doc in entries:
            if _bare(item.name) in names:
                check.succeed()
            else:
                check.fail(
                    f"{obj.path}: the docstring documents {item.name}, "
                    "which is not in the signature",
                    file=obj.file,
                    line=doc.line or obj.line,
                    symbol=obj.path,
                )
    return check


def _type_name(annotation: str) -> str:
    head = annotation.split("[", 1)[0].strip()
    return head.rsplit(".", 1)[-1]


def _return_problems(obj: SdkObject, doc: ParsedDocstring) -> list[str]:
    facts = obj.body
    annotation = obj.returns.strip()
    generator = (facts is not None and facts.yields) or _type_name(annotation) in _GENERATOR_TYPES
    has_returns = bool(doc.items("returns"))
    has_yields = bool(doc.items("yields"))
    problems: list[str] = []
    if annotation:
        gives_value = _type_name(annotation) not in _NO_VALUE
    elif facts is not None and not facts.stub:
        gives_value = facts.returns_value or generator
    else:
        return problems  # neither an annotation nor a body says what it returns
    if gives_value and not (has_returns or (generator and has_yields)):
        what = "yields values" if generator else f"returns {annotation or 'a value'}"
        section = "Yields" if generator else "Returns"
        problems.append(f"{what} but the docstring has no {section} section")
    if not gives_value and has_returns:
        problems.append("documents a return value but returns nothing")
    if has_yields and not generator:
        problems.append("documents Yields but is not a generator")
    return problems


def returns_raises(sdks: SdkModel | Sequence[SdkModel], severity: Severity = "info") -> SdkCheck:
    """Returns, Yields and Raises sections match the annotations and the body.

    An item is a documented public function or method (properties and `__init__` excluded). It
    fails when it returns or yields a value its docstring does not describe, describes a return
    value it does not give, or raises an exception (directly, in its own body) that its Raises
    section does not name. `NotImplementedError` and re-raises are not counted.
    """
    check = SdkCheck("py-returns-raises", severity)
    for obj in _checked_callables(sdks):
        if not obj.is_callable or obj.docstring is None:
            continue
        doc = obj.docstring
        problems = _return_problems(obj, doc)
        documented = {_type_name(i.annotation or i.name) for i in doc.items("raises")}
        undocumented = [e for e in (obj.body.raises if obj.body else ()) if e not in documented]
        if undocumented:
            problems.append(f"raises {', '.join(undocumented)} without a Raises entry")
        if problems:
            check.fail(
                f"{obj.path} {'; '.join(problems)}",
                file=obj.file,
                line=obj.line,
                symbol=obj.path,
            )
        else:
            check.succeed()
    return check


def docstring_parses(sdks: SdkModel | Sequence[SdkModel], severity: Severity = "info") -> SdkCheck:
    """Every docstring parses in the SDK's style without griffe warnings.

    Warnings about unknown parameters and missing types are left to their own checks.
    """
    check = SdkCheck("py-docstring-parses", severity)
    for obj in _objects(sdks):
        docs = [obj.docstring] if isinstance(obj, SdkModule) else _docs(obj)
        for doc in docs:
            if doc is None:
                continue
            if not doc.warnings:
                check.succeed()
                continue
            line, first = doc.warnings[0]
            more = f" (and {len(doc.warnings) - 1} more)" if len(doc.warnings) > 1 else ""
            check.fail(
                f"{obj.path}: the {doc.style} docstring does not parse cleanly: {first}{more}",
                file=obj.file,
                line=line or doc.line or obj.line,
                symbol=obj.path,
            )
    return check


def operation_coverage(
    links: SdkLinks,
    severity: Severity = "warn",
    spec_path: str | None = None,
    locate: Locate | None = None,
) -> SdkCheck:
    """Every operation of the API has a method in one of its SDKs."""
    check = SdkCheck("py-operation-coverage", severity)
    for op in links.operations:
        if links.methods_for(op):
            check.succeed()
            continue
        tokens = list(op.pointer)
        file, line, _, pointer = (
            locate(tokens) if locate else (spec_path, None, None, to_pointer(tokens))
        )
        name = operation_name(op)
        check.fail(
            f"{op.label}{f' ({name})' if name != op.label else ''} has no SDK method",
            file=file,
            line=line,
            pointer=pointer,
        )
    return check


def run_sdk_checks(
    sdks: Sequence[SdkModel],
    links: SdkLinks | None,
    severities: dict[str, Severity] | None = None,
    spec_path: str | None = None,
    locate: Locate | None = None,
) -> list[SdkCheck]:
    """Every check of the category with its configured (or default) severity."""
    severity = {rule_id: info.severity for rule_id, info in SDK_RULES.items()}
    severity.update(severities or {})
    checks = [
        docstring_coverage(sdks, severity["py-docstring-coverage"]),
        params_documented(sdks, severity["py-params-documented"]),
        no_phantom_params(sdks, severity["py-no-phantom-params"]),
        returns_raises(sdks, severity["py-returns-raises"]),
        docstring_parses(sdks, severity["py-docstring-parses"]),
    ]
    if links is not None:
        checks.append(
            operation_coverage(links, severity["py-operation-coverage"], spec_path, locate)
        )
    return checks
