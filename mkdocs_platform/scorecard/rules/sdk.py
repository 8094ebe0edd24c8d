"""The `sdk` category: checks of an API's Python SDKs, over every SDK of the API.

A failing item is one finding of class `sdk`: `symbol` is the Python path, `file` and `line`
are relative to the source root. An API without an SDK has nothing to count, so the category
drops out of its score.
"""

from __future__ import annotations

from mkdocs_platform.models import Finding
from mkdocs_platform.models.sdk import SdkModule, SdkObject, operation_name
from mkdocs_platform.scorecard.context import CheckResult, RuleContext
from mkdocs_platform.scorecard.registry import rule
from mkdocs_platform.sdk.documented import (
    checked_callables,
    docstring_counted,
    docstrings_of,
    documented_parameters,
    public_objects,
    returns_and_raises_problems,
    undocumented_parameters,
)


def _fail_in_code(
    result: CheckResult,
    obj: SdkModule | SdkObject,
    message: str,
    *,
    line: int | None = None,
    count: int = 1,
) -> None:
    """Count `count` failing items of `obj`, reported by one finding at its code."""
    finding = Finding(
        rule=result.rule_id,
        severity=result.severity,
        finding_class="sdk",
        message=message,
        file=obj.file,
        line=line or obj.line,
        symbol=obj.path,
    )
    result.fail_with(finding, count)


@rule(
    "py-docstring-coverage",
    "sdk",
    "warn",
    "silver",
    threshold=0.8,
    title="Public modules, classes and functions have a docstring",
    items="public objects",
    fix="Write a docstring for each public module, class and function.",
)
def docstring_coverage(ctx: RuleContext) -> CheckResult:
    """Public modules, classes and functions have a docstring.

    Methods and properties count too; attributes do not, as with interrogate and ruff's D1xx.
    """
    result = ctx.result()
    for obj in docstring_counted(ctx.api.sdks):
        if obj.documented:
            result.succeed()
        else:
            _fail_in_code(result, obj, f"{obj.kind} {obj.path} has no docstring")
    return result


@rule(
    "py-params-documented",
    "sdk",
    "warn",
    "gold",
    threshold=0.9,
    title="Parameters of documented callables are documented",
    items="parameters",
    fix="Describe each parameter in the docstring's parameters section.",
)
def params_documented(ctx: RuleContext) -> CheckResult:
    """Parameters of documented callables are documented.

    Callables without a docstring are `py-docstring-coverage`'s business and not counted here,
    as ruff's D417 and pydoclint do. One finding per callable names all its missing parameters.
    """
    result = ctx.result()
    for obj in checked_callables(ctx.api.sdks):
        missing = undocumented_parameters(obj)
        result.succeed(len(obj.parameters) - len(missing))
        if missing:
            many = len(missing) > 1
            _fail_in_code(
                result,
                obj,
                f"{obj.path}: parameter{'s' if many else ''} {', '.join(missing)} "
                f"{'are' if many else 'is'} not documented",
                count=len(missing),
            )
    return result


@rule(
    "py-no-phantom-params",
    "sdk",
    "warn",
    "silver",
    title="Documented parameters exist in the signature",
    items="documented parameters",
    fix="Remove or rename documented parameters the signature lacks.",
)
def no_phantom_params(ctx: RuleContext) -> CheckResult:
    """Documented parameters exist in the signature.

    Entries of an "Other Parameters" section count only when the signature has no `**kwargs`.
    """
    result = ctx.result()
    for obj in checked_callables(ctx.api.sdks):
        for item, doc, exists in documented_parameters(obj):
            if exists:
                result.succeed()
            else:
                _fail_in_code(
                    result,
                    obj,
                    f"{obj.path}: the docstring documents {item.name}, "
                    "which is not in the signature",
                    line=doc.line,
                )
    return result


@rule(
    "py-returns-raises",
    "sdk",
    "info",
    None,
    title="Returns, Yields and Raises sections match the code",
    items="documented callables",
    fix="Document what the function returns and the exceptions it raises.",
)
def returns_raises(ctx: RuleContext) -> CheckResult:
    """Returns, Yields and Raises sections match the code.

    An item is a documented public function or method (properties and `__init__` excluded),
    held against its annotations and its body.
    """
    result = ctx.result()
    for obj in checked_callables(ctx.api.sdks):
        if not obj.is_callable or obj.docstring is None:
            continue
        problems = returns_and_raises_problems(obj, obj.docstring)
        if problems:
            _fail_in_code(result, obj, f"{obj.path} {'; '.join(problems)}")
        else:
            result.succeed()
    return result


@rule(
    "py-docstring-parses",
    "sdk",
    "info",
    None,
    title="Docstrings parse without warnings in the SDK's style",
    items="docstrings",
    fix="Write the docstring in the configured style (google, numpy, sphinx).",
)
def docstring_parses(ctx: RuleContext) -> CheckResult:
    """Docstrings parse without warnings in the SDK's style.

    Warnings about unknown parameters and missing types are left to their own checks.
    """
    result = ctx.result()
    for obj in public_objects(ctx.api.sdks):
        for doc in docstrings_of(obj):
            if not doc.warnings:
                result.succeed()
                continue
            line, first = doc.warnings[0]
            more = f" (and {len(doc.warnings) - 1} more)" if len(doc.warnings) > 1 else ""
            _fail_in_code(
                result,
                obj,
                f"{obj.path}: the {doc.style} docstring does not parse cleanly: {first}{more}",
                line=line or doc.line,
            )
    return result


@rule(
    "py-operation-coverage",
    "sdk",
    "warn",
    "gold",
    threshold=0.8,
    title="Every operation has an SDK method",
    items="operations",
    fix="Add an SDK method for the operation, or name it in x-sdk-method.",
)
def operation_coverage(ctx: RuleContext) -> CheckResult:
    """Every operation has an SDK method.

    Operations under `paths` count; without SDK links (no SDK) there is nothing to count.
    """
    result = ctx.result()
    links = ctx.api.sdk_links
    if links is None:
        return result
    for op in links.operations:
        if links.methods_for(op):
            result.succeed()
            continue
        file, line, column, pointer = ctx.locate(list(op.pointer))
        name = operation_name(op)
        finding = Finding(
            rule=result.rule_id,
            severity=result.severity,
            finding_class="sdk",
            message=f"{op.label}{f' ({name})' if name != op.label else ''} has no SDK method",
            file=file,
            line=line,
            column=column,
            pointer=pointer,
        )
        result.fail_with(finding)
    return result
