"""What functions' bodies do (raise, return a value, yield), read from source with `ast`.

Griffe keeps signatures and docstrings but not bodies; the returns-and-raises rule needs to
know what a function raises. Source is parsed, never imported or run.
"""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

from mkdocs_platform.models.sdk import BodyFacts

_NESTED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
_NOT_IMPLEMENTED = "NotImplementedError"


def _exception_name(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _is_stub(body: list[ast.stmt]) -> bool:
    statements = list(body)
    if (
        statements
        and isinstance(statements[0], ast.Expr)
        and isinstance(statements[0].value, ast.Constant)
        and isinstance(statements[0].value.value, str)
    ):
        statements = statements[1:]  # the docstring
    for statement in statements:
        if isinstance(statement, ast.Pass):
            continue
        if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
            continue  # `...`
        if isinstance(statement, ast.Raise) and _exception_name(statement.exc) == _NOT_IMPLEMENTED:
            continue
        return False
    return True


def _facts(function: ast.FunctionDef | ast.AsyncFunctionDef) -> BodyFacts:
    raises: list[str] = []
    returns_value = False
    yields = False
    stack: list[ast.AST] = list(function.body)
    while stack:
        node = stack.pop()
        if isinstance(node, _NESTED):
            continue  # what a nested function does is not what this one does
        if isinstance(node, ast.Raise):
            name = _exception_name(node.exc)
            if name and name != _NOT_IMPLEMENTED and name not in raises:
                raises.append(name)
        elif isinstance(node, ast.Return) and node.value is not None:
            if not (isinstance(node.value, ast.Constant) and node.value.value is None):
                returns_value = True
        elif isinstance(node, (ast.Yield, ast.YieldFrom)):
            yields = True
        stack.extend(ast.iter_child_nodes(node))
    return BodyFacts(
        raises=tuple(raises),
        returns_value=returns_value,
        yields=yields,
        stub=_is_stub(function.body),
    )


class BodyIndex:
    """Facts about functions, read from their own lines of source (files read once each).

    Only the function's lines are parsed, not its whole file: in generated SDKs most of a
    file is models and overload stubs nobody asks about.
    """

    def __init__(self) -> None:
        self._lines: dict[Path, list[str]] = {}

    def facts(self, file: Path, line: int | None, end_line: int | None) -> BodyFacts | None:
        """The facts of the function from `line` (its `def` or first decorator) to `end_line`."""
        if line is None or end_line is None or end_line < line:
            return None
        if file not in self._lines:
            try:
                text = file.read_text(encoding="utf-8-sig")
            except (OSError, ValueError):
                text = ""
            self._lines[file] = text.splitlines(keepends=True)
        snippet = textwrap.dedent("".join(self._lines[file][line - 1 : end_line]))
        try:
            tree = ast.parse(snippet)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None  # griffe read it, so this is rare; the function just has no facts
        function = next(
            (n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))),
            None,
        )
        return None if function is None else _facts(function)
