"""Docstrings parsed by griffe in the SDK's style, turned into our sections.

Parsing is where griffe warns about a docstring (unparseable lines, duplicates); the warnings
are caught per docstring, so each lands on the object it is about, never in MkDocs' log.
"""

from __future__ import annotations

import re
import textwrap
from typing import Any

import griffe

from mkdocs_platform.models.sdk import DocItem, DocSection, ParsedDocstring, SectionKind
from mkdocs_platform.sdk.griffe_log import capture_griffe

_OPTIONS: dict[str, Any] = {"warn_unknown_params": False, "warn_missing_types": False}
"""Unknown parameters and missing types are measured by their own rules, from the model, so
griffe's messages for them would only count the same problem twice."""

_WARNING = re.compile(r"^(?P<prefix>.*?):(?P<line>\d+): (?P<message>.*)$", re.DOTALL)

_NOT_PARSE_PROBLEMS = re.compile(
    r"^(No type or annotation for|No return type or annotation|No matching parameter for|"
    r"Parameter '.*' does not appear in the function signature|"
    # Sphinx's `:type x:` next to an annotated parameter: griffe calls the type "duplicate",
    # but writing both is ordinary Sphinx practice, not a docstring that fails to parse.
    r"Duplicate parameter information for|Duplicate attribute information for)"
)

_DEPRECATED_DIRECTIVE = re.compile(
    r"^\.\. deprecated::[ \t]*(?P<version>[^\n]*)\n?(?P<body>(?:[ \t]+[^\n]*\n?|[ \t]*\n)*)",
    re.MULTILINE,
)

_ITEM_KINDS: dict[str, SectionKind] = {
    "parameters": "parameters",
    "other parameters": "other_parameters",
    "type parameters": "type_parameters",
    "attributes": "attributes",
    "returns": "returns",
    "yields": "yields",
    "receives": "receives",
    "raises": "raises",
    "warns": "warns",
    "functions": "functions",
    "classes": "classes",
    "modules": "modules",
}


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _section(section: Any) -> DocSection | None:
    kind = getattr(section.kind, "value", str(section.kind))
    value = section.value
    title = section.title or ""
    if kind == "text":
        return DocSection("text", title, text=_text(value))
    if kind in _ITEM_KINDS:
        with_default = kind in ("parameters", "other parameters")
        items = [
            DocItem(
                name=_text(getattr(item, "name", "")),
                annotation=_text(getattr(item, "annotation", None)),
                description=_text(getattr(item, "description", "")),
                default=_text(getattr(item, "value", None)) if with_default else "",
            )
            for item in value
        ]
        return DocSection(_ITEM_KINDS[kind], title, items=items)
    if kind == "examples":
        return DocSection(
            "examples",
            title,
            examples=[
                ("code" if getattr(part, "value", part) == "examples" else "text", _text(text))
                for part, text in value
            ],
        )
    if kind == "admonition":
        name = _text(getattr(value, "annotation", "")).lower()
        text = _text(getattr(value, "description", ""))
        if name == "deprecated":
            return DocSection("deprecated", title or "Deprecated", text=text)
        return DocSection("admonition", title or name.capitalize() or "Note", text=text)
    if kind == "deprecated":
        version = _text(getattr(value, "annotation", ""))
        return DocSection("deprecated", version, text=_text(getattr(value, "description", "")))
    return None


def _split_directive(section: DocSection) -> list[DocSection]:
    """A text section holding a reST `.. deprecated::` directive, as text plus deprecation."""
    match = _DEPRECATED_DIRECTIVE.search(section.text)
    if match is None:
        return [section]
    before = section.text[: match.start()].rstrip()
    after = section.text[match.end() :].strip()
    result = [DocSection("text", section.title, text=before)] if before else []
    body = textwrap.dedent(match["body"]).strip()
    result.append(DocSection("deprecated", match["version"].strip(), text=body))
    if after:
        result.append(DocSection("text", text=after))
    return result


def _warning(message: str) -> tuple[int | None, str] | None:
    match = _WARNING.match(message)
    line, text = (int(match["line"]) or None, match["message"]) if match else (None, message)
    if _NOT_PARSE_PROBLEMS.match(text):
        return None
    return line, text.strip()


def _style_of(docstring: griffe.Docstring, style: str) -> str:
    if style != "auto":
        return style
    try:
        detected, _ = griffe.infer_docstring_style(docstring, default="google")
    except Exception:  # noqa: BLE001 - detection is a guess; Google is the safe default
        return "google"
    return _text(getattr(detected, "value", detected)) or "google"


def parse_docstring(docstring: griffe.Docstring | None, style: str) -> ParsedDocstring | None:
    """A griffe docstring parsed in `style` (`auto` detects it); None when empty."""
    if docstring is None or not docstring.value.strip():
        return None
    used = _style_of(docstring, style)
    with capture_griffe() as messages:
        try:
            raw = docstring.parse(used, **_OPTIONS)  # type: ignore[arg-type]
        except Exception as error:  # noqa: BLE001 - untrusted text must never stop a build
            raw = []
            messages.append(f"?:{docstring.lineno or 0}: the {used} parser failed: {error}")
    parsed = ParsedDocstring(text=docstring.value, line=docstring.lineno, style=used)
    for item in raw:
        section = _section(item)
        if section is None:
            continue
        parsed.sections.extend(_split_directive(section) if section.kind == "text" else [section])
    if not parsed.sections:
        parsed.sections.append(DocSection("text", text=docstring.value))
    parsed.warnings = [w for w in (_warning(m) for m in messages) if w is not None]
    return parsed
