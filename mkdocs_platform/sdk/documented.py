"""What an SDK's docstrings document, held against its code: the items the `sdk` checks count.

Plain functions over the SDK model. Objects are taken once, at the public path where they are
documented, so a re-export is never counted twice.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from mkdocs_platform.models.sdk import DocItem, ParsedDocstring, SdkModel, SdkModule, SdkObject

_GENERATOR_TYPES = frozenset(
    {"Iterator", "Generator", "Iterable", "AsyncIterator", "AsyncGenerator", "AsyncIterable"}
)
_NO_VALUE = frozenset({"None", "NoReturn", "Never"})


def public_objects(sdks: Sequence[SdkModel]) -> Iterator[SdkModule | SdkObject]:
    """Every public module and object of the SDKs, each once."""
    for sdk in sdks:
        yield from sdk.documentables()


def docstring_counted(sdks: Sequence[SdkModel]) -> Iterator[SdkModule | SdkObject]:
    """What docstring coverage counts: modules, classes, functions, methods and properties.

    Attributes are left out, as interrogate and ruff's D1xx do.
    """
    return (obj for obj in public_objects(sdks) if obj.kind != "attribute")


def docstring_coverage(sdks: Sequence[SdkModel]) -> tuple[int, int]:
    """(documented, counted) objects of `docstring_counted`."""
    counted = list(docstring_counted(sdks))
    return sum(1 for obj in counted if obj.documented), len(counted)


def _bare_name(name: str) -> str:
    """`**kwargs` -> `kwargs`: docstrings name variadic parameters with or without stars."""
    return name.lstrip("*")


def checked_callables(sdks: Sequence[SdkModel]) -> Iterator[SdkObject]:
    """Documented functions and methods, and documented classes with their own `__init__`."""
    for obj in public_objects(sdks):
        if isinstance(obj, SdkModule) or not obj.documented:
            continue
        if obj.is_callable or (obj.kind == "class" and obj.has_init):
            yield obj


def docstrings_of(obj: SdkModule | SdkObject) -> list[ParsedDocstring]:
    """Its docstring, and for a class the docstring of its `__init__`, where written."""
    if isinstance(obj, SdkModule):
        return [obj.docstring] if obj.docstring is not None else []
    return [d for d in (obj.docstring, obj.init_docstring) if d is not None]


def _described(items: list[DocItem]) -> set[str]:
    """Names of the items that say something: a bare name documents nothing."""
    return {_bare_name(item.name) for item in items if item.description.strip()}


def _documented_names(obj: SdkObject) -> set[str]:
    docs = docstrings_of(obj)
    names = {n for d in docs for n in _described(d.items("parameters", "other_parameters"))}
    if obj.kind == "class":
        # Dataclass fields and other constructor arguments are often documented as
        # attributes, in the class docstring's Attributes section or by their own docstring.
        names |= {n for d in docs for n in _described(d.items("attributes"))}
        names |= {m.name for m in obj.members if m.kind == "attribute" and m.docstring}
    return names


def undocumented_parameters(obj: SdkObject) -> list[str]:
    """Display names (`**params`) of the parameters its docstrings do not describe."""
    documented = _documented_names(obj)
    return [p.display_name for p in obj.parameters if p.name not in documented]


def documented_parameters(obj: SdkObject) -> list[tuple[DocItem, ParsedDocstring, bool]]:
    """Each documented parameter, the docstring documenting it, and whether the signature has it.

    Entries of an "Other Parameters" section are keyword arguments passed through `**kwargs`,
    so they only count when the signature has no `**kwargs`.
    """
    names = {p.name for p in obj.parameters}
    takes_kwargs = any(p.kind == "variadic keyword" for p in obj.parameters)
    docs = docstrings_of(obj)
    entries = [(item, doc) for doc in docs for item in doc.items("parameters")]
    if not takes_kwargs:
        entries += [(item, doc) for doc in docs for item in doc.items("other_parameters")]
    return [(item, doc, _bare_name(item.name) in names) for item, doc in entries]


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


def returns_and_raises_problems(obj: SdkObject, doc: ParsedDocstring) -> list[str]:
    """Where the Returns, Yields and Raises sections of `doc` disagree with the code.

    It returns or yields a value the docstring does not describe, describes a return value it
    does not give, or raises an exception (directly, in its own body) that the Raises section
    does not name. `NotImplementedError` and re-raises are not counted.
    """
    problems = _return_problems(obj, doc)
    documented = {_type_name(i.annotation or i.name) for i in doc.items("raises")}
    undocumented = [e for e in (obj.body.raises if obj.body else ()) if e not in documented]
    if undocumented:
        problems.append(f"raises {', '.join(undocumented)} without a Raises entry")
    return problems
