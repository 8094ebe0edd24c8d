"""Downstream of `openapi/`, nothing branches on the spec version or reads the raw document.

Every module outside `mkdocs_platform/openapi/` and `mkdocs_platform/models/` is parsed with
`ast`; a version name used as a check (a comparison, an `in` test, a `startswith` call, a
subscript or `.get` key) or a read of `.document` fails the test. Text that merely mentions
Swagger (messages, docstrings, file-name patterns) is not a check and passes.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "mkdocs_platform"
UPSTREAM = ("openapi", "models")
"""Packages that may read the document and the version: they define the neutral model."""

VERSION_WORDS = frozenset({"swagger", "2.0", "3.0", "3.1", "spec_version"})
"""Keys and values that tell OpenAPI versions apart."""

DOCUMENT_READS_ALLOWED = frozenset(
    {
        # The download of `openapi.json` serves the spec as loaded: `ApiEntry.document`.
        ("render/site.py", "api.document"),
        # The pipeline hands the bundled document to `ApiEntry.document` for that download.
        ("portal.py", "reading.document"),
        # The history stores the spec as loaded, named by its hash, for the next build's diff.
        ("history/records.py", "api.document"),
        # The spec as loaded is what the history stores, so a later build compares like with like.
        ("history/timeline.py", "api.document"),
        ("history/backfill.py", "api.document"),
        # Following a `$ref` while keeping the pointer of where it leads, for a change's pointer.
        ("changes/compare.py", "side.api.document"),
        ("changes/compare.py", "api.document"),
        # A bundle carries the spec as loaded, for tools that read bundles; the portal reads
        # the bundle's files instead.
        ("bundles/format.py", "bundle.document"),
        ("bundles/write.py", "api.document"),
    }
)
"""(module, expression) pairs that read a raw document on purpose, each for the download."""


def _is_version_word(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        value = node.value.lower()
        return value in VERSION_WORDS or value.startswith(("3.0.", "3.1."))
    if isinstance(node, ast.Name):
        return "swagger" in node.id.lower() or node.id == "spec_version"
    if isinstance(node, ast.Attribute):
        return "swagger" in node.attr.lower() or node.attr == "spec_version"
    return False


def _mentions_version(node: ast.AST) -> bool:
    return any(_is_version_word(inner) for inner in ast.walk(node))


def violations(source: str, module: str) -> list[str]:
    """Every version check and raw-document read in `source`, as `module:line: what`."""
    tree = ast.parse(source)
    found: list[str] = []

    def report(node: ast.AST, what: str) -> None:
        found.append(f"{module}:{getattr(node, 'lineno', 0)}: {what}")

    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            if any(_mentions_version(part) for part in (node.left, *node.comparators)):
                report(node, f"compares with a version: {ast.unparse(node)}")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            receiver, name = node.func.value, node.func.attr
            arguments = [*node.args, *(k.value for k in node.keywords)]
            if name in ("startswith", "endswith") and (
                _mentions_version(receiver) or any(_mentions_version(a) for a in arguments)
            ):
                report(node, f"tests a version prefix: {ast.unparse(node)}")
            elif name in ("get", "pop", "setdefault") and any(
                _is_version_word(a) for a in node.args[:1]
            ):
                report(node, f"reads a version key: {ast.unparse(node)}")
        elif isinstance(node, ast.Subscript) and _is_version_word(node.slice):
            report(node, f"reads a version key: {ast.unparse(node)}")
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and (
            "swagger" in node.name.lower()
        ):
            report(node, f"defines a version test: {node.name}")
        elif (
            isinstance(node, ast.Attribute)
            and node.attr == "document"
            and isinstance(node.ctx, ast.Load)
            and (module, ast.unparse(node)) not in DOCUMENT_READS_ALLOWED
        ):
            report(node, f"reads the raw document: {ast.unparse(node)}")
    return found


def _downstream_modules() -> list[Path]:
    return sorted(
        path for path in PACKAGE.rglob("*.py") if path.relative_to(PACKAGE).parts[0] not in UPSTREAM
    )


def test_nothing_downstream_branches_on_the_version_or_reads_the_document() -> None:
    modules = _downstream_modules()
    assert any(
        p.relative_to(PACKAGE).as_posix() == "scorecard/rules/correctness.py" for p in modules
    )
    found = [
        problem
        for path in modules
        for problem in violations(
            path.read_text(encoding="utf-8"), path.relative_to(PACKAGE).as_posix()
        )
    ]
    assert found == []


def test_the_allowed_document_reads_exist() -> None:
    # An allowance nothing uses any more is removed, so the list stays narrow.
    for module, expression in DOCUMENT_READS_ALLOWED:
        source = (PACKAGE / module).read_text(encoding="utf-8")
        reads = {
            ast.unparse(node)
            for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.Attribute) and node.attr == "document"
        }
        assert expression in reads, (module, expression)


@pytest.mark.parametrize(
    "source",
    [
        "swagger = 'swagger' in document",
        "if model.spec_version.startswith('3.1'): pass",
        "x = document['swagger']",
        "x = document.get('swagger')",
        "v2 = version == '2.0'",
        "def _is_swagger(d): return False",
        "x = ctx.document",
        "x = self.model.document",
        "x = family in ('3.0', '3.1')",
    ],
)
def test_version_checks_and_document_reads_are_caught(source: str) -> None:
    assert violations(source, "scorecard/rules/example.py")


@pytest.mark.parametrize(
    "source",
    [
        '"""Reads Swagger 2.0 and OpenAPI 3.x."""',
        "help = 'searches openapi.*, swagger.* and *.openapi.*'",
        "log.warning('%s has no top-level openapi or swagger key', path)",
        "NAME = re.compile(r'^(?:openapi|swagger)\\.(?:ya?ml|json)$')",
        "message = f'the {what} of the document is missing'",
        "x = model.servers[0].pointer",
    ],
)
def test_text_that_mentions_a_version_passes(source: str) -> None:
    assert violations(source, "cli.py") == []
