"""The `sdk` category: the Python SDK checks, measured by `mkdocs_platform.sdk.rules`.

Each rule hands the API's SDKs to its measuring function and adopts the tally. An API without
an SDK has nothing to count, so the category drops out of its score.
"""

from __future__ import annotations

from collections.abc import Callable

from mkdocs_platform.scorecard.context import CheckResult, RuleContext
from mkdocs_platform.scorecard.registry import rule
from mkdocs_platform.sdk.rules import (
    SDK_RULES,
    SdkCheck,
    docstring_coverage,
    docstring_parses,
    no_phantom_params,
    operation_coverage,
    params_documented,
    returns_raises,
)

_FIXES = {
    "py-docstring-coverage": "Write a docstring for each public module, class and function.",
    "py-params-documented": "Describe each parameter in the docstring's parameters section.",
    "py-no-phantom-params": "Remove or rename documented parameters the signature lacks.",
    "py-returns-raises": "Document what the function returns and the exceptions it raises.",
    "py-docstring-parses": "Write the docstring in the configured style (google, numpy, sphinx).",
    "py-operation-coverage": "Add an SDK method for the operation, or name it in x-sdk-method.",
}


def _adopt(context: RuleContext, check: SdkCheck) -> CheckResult:
    result = context.result()
    result.applicable, result.passed = check.applicable, check.passed
    result.findings, result.unlisted = list(check.findings), check.unlisted
    return result


def _measure(context: RuleContext, rule_id: str) -> SdkCheck:
    api = context.api
    severity = context.severity
    if rule_id == "py-operation-coverage":
        if api.sdk_links is None:
            return SdkCheck(rule_id, severity)
        return operation_coverage(api.sdk_links, severity, api.spec_path, context.locate)
    measures: dict[str, Callable[..., SdkCheck]] = {
        "py-docstring-coverage": docstring_coverage,
        "py-params-documented": params_documented,
        "py-no-phantom-params": no_phantom_params,
        "py-returns-raises": returns_raises,
        "py-docstring-parses": docstring_parses,
    }
    return measures[rule_id](api.sdks, severity)


def _register(rule_id: str) -> None:
    info = SDK_RULES[rule_id]

    def check(context: RuleContext) -> CheckResult:
        return _adopt(context, _measure(context, rule_id))

    check.__doc__ = info.title + "."
    rule(
        rule_id,
        "sdk",
        info.severity,
        info.level,  # type: ignore[arg-type]
        title=info.title,
        items=info.items,
        threshold=info.threshold,
        fix=_FIXES[rule_id],
    )(check)


for _rule_id in SDK_RULES:
    _register(_rule_id)
