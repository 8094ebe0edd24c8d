"""The SDK model: what griffe learned about a package, as plain values.

Nothing downstream (links, rules, pages) touches griffe; these classes answer.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from mkdocs_platform.models.api import Operation
from mkdocs_platform.models.findings import Finding

ObjectKind = Literal["module", "class", "function", "method", "property", "attribute"]
"""What an object is; methods are functions defined in a class."""

PublicBy = Literal["__all__", "name"]
"""How a module's public names were decided: its `__all__`, or names without a leading `_`."""

SectionKind = Literal[
    "text",
    "parameters",
    "other_parameters",
    "type_parameters",
    "returns",
    "yields",
    "receives",
    "raises",
    "warns",
    "examples",
    "attributes",
    "functions",
    "classes",
    "modules",
    "admonition",
    "deprecated",
]


@dataclass
class DocItem:
    """One entry of a docstring section: a parameter, return value, exception ..."""

    name: str = ""
    annotation: str = ""
    """The type written in the docstring (griffe fills it from the signature when missing)."""
    description: str = ""
    default: str = ""


@dataclass
class DocSection:
    """One section of a parsed docstring, in the order written."""

    kind: SectionKind
    title: str = ""
    text: str = ""
    """Markdown of a text, admonition or deprecation section."""
    items: list[DocItem] = field(default_factory=list)
    examples: list[tuple[Literal["text", "code"], str]] = field(default_factory=list)
    """For examples sections: prose and `>>>` code blocks, in order."""


@dataclass
class ParsedDocstring:
    """A docstring, split into sections by griffe in the SDK's style."""

    text: str
    """The docstring as written (dedented)."""
    line: int | None
    """1-based line where it starts, in the object's file."""
    style: str
    """The style it was parsed in (`google`, `numpy`, `sphinx`)."""
    sections: list[DocSection] = field(default_factory=list)
    warnings: list[tuple[int | None, str]] = field(default_factory=list)
    """Griffe's parser warnings: (1-based line, message)."""

    def items(self, *kinds: SectionKind) -> list[DocItem]:
        """Every item of the sections of these kinds."""
        return [item for s in self.sections if s.kind in kinds for item in s.items]

    @property
    def summary(self) -> str:
        """The first line of the docstring."""
        for line in self.text.strip().splitlines():
            if line.strip():
                return line.strip()
        return ""

    @property
    def deprecated(self) -> str | None:
        """The deprecation notice, when a section says the object is deprecated."""
        for section in self.sections:
            if section.kind == "deprecated" or (
                section.kind == "admonition" and section.title.lower().startswith("deprecated")
            ):
                return section.text.strip() or "Deprecated."
        return None


@dataclass
class SdkParameter:
    """A parameter of a function's signature."""

    name: str
    kind: str
    """`positional-only`, `positional or keyword`, `variadic positional`, `keyword-only` or
    `variadic keyword` (griffe's names)."""
    annotation: str = ""
    default: str | None = None

    @property
    def display_name(self) -> str:
        """The name as written in a signature: `*args`, `**kwargs`, `name`."""
        if self.kind == "variadic positional":
            return f"*{self.name}"
        if self.kind == "variadic keyword":
            return f"**{self.name}"
        return self.name


@dataclass(frozen=True)
class BodyFacts:
    """What a function's body does, read from its source (never run)."""

    raises: tuple[str, ...] = ()
    """Exceptions raised directly (last part of the name), in order, once each."""
    returns_value: bool = False
    """Some `return` gives a value other than None."""
    yields: bool = False
    """The body yields: it is a generator."""
    stub: bool = False
    """The body is only a docstring, `pass`, `...` or `raise NotImplementedError`."""


@dataclass
class SdkBase:
    """A base class as written, and where it is defined when known."""

    text: str
    path: str | None = None
    """Its definition path (resolved through imports); None when it cannot be followed."""


@dataclass
class SdkObject:
    """A public class, function, method, property or attribute, documented at its home."""

    kind: ObjectKind
    name: str
    """The public name (an alias's name when re-exported under another)."""
    path: str
    """Its home: the one public path where it is documented."""
    defined_at: str
    """Where it is defined (`pkg._client.Pets`)."""
    module: str
    """Path of the module page that documents it."""
    file: str | None = None
    """Its file, relative to the source root, with forward slashes."""
    line: int | None = None
    docstring: ParsedDocstring | None = None
    init_docstring: ParsedDocstring | None = None
    """For classes: the docstring of their own `__init__`."""
    labels: tuple[str, ...] = ()
    """griffe's labels (`async`, `property`, `classmethod`, `dataclass` ...) and ours (`enum`)."""
    parameters: list[SdkParameter] = field(default_factory=list)
    """Functions: their parameters without `self`/`cls`; classes: those of `__init__`."""
    has_init: bool = False
    """For classes: whether the class defines (or generates) its own `__init__`."""
    returns: str = ""
    """The return annotation, as written."""
    signature: str = ""
    """The signature as Python text, ready to highlight."""
    overloads: list[str] = field(default_factory=list)
    """Signatures of the `@overload` variants."""
    bases: list[SdkBase] = field(default_factory=list)
    annotation: str = ""
    """For attributes and properties: their type."""
    annotation_path: str | None = None
    """Definition path of the SDK class the annotation names, when it names exactly one."""
    value: str | None = None
    """For attributes: the value as written (enum members, constants)."""
    deprecated: str | None = None
    """The deprecation notice (docstring section or `@deprecated`), or None."""
    body: BodyFacts | None = None
    members: list[SdkObject] = field(default_factory=list)
    """For classes: public members, in source order."""
    reached_by: str | None = None
    """For classes public only as the type of a public attribute: that attribute's path."""
    exposed_as: list[str] = field(default_factory=list)
    """Other public paths of the same object (re-exports)."""

    @property
    def documented(self) -> bool:
        """Whether it has a docstring (for classes, on the class or its `__init__`)."""
        return self.docstring is not None or self.init_docstring is not None

    @property
    def summary(self) -> str:
        """First line of its docstring, or ''."""
        doc = self.docstring or self.init_docstring
        return doc.summary if doc else ""

    @property
    def is_callable(self) -> bool:
        """Functions and methods."""
        return self.kind in ("function", "method")

    def walk(self) -> Iterator[SdkObject]:
        """This object and every member below it."""
        yield self
        for member in self.members:
            yield from member.walk()


@dataclass
class Reexport:
    """A public name of a module documented elsewhere, or that cannot be followed."""

    name: str
    path: str
    """The public path (`pkg.Client`)."""
    target: str
    """What it imports (`pkg._client.Client`)."""
    home: str | None = None
    """Where the object is documented; None when it is outside the SDK or unresolved."""
    problem: str = ""
    """Why it cannot be followed, if it cannot."""


@dataclass
class SdkModule:
    """A public module: one page of the SDK reference."""

    path: str
    name: str
    file: str | None = None
    line: int | None = None
    docstring: ParsedDocstring | None = None
    public_by: PublicBy = "name"
    is_package: bool = False
    objects: list[SdkObject] = field(default_factory=list)
    """Objects documented on this module's page, in source order."""
    reexports: list[Reexport] = field(default_factory=list)
    submodules: list[str] = field(default_factory=list)
    """Paths of its public submodules."""

    kind: Literal["module"] = "module"

    @property
    def documented(self) -> bool:
        return self.docstring is not None

    @property
    def summary(self) -> str:
        return self.docstring.summary if self.docstring else ""


PUBLIC_RULE = (
    "Public means: the names a module lists in `__all__`, where it defines `__all__`; "
    "otherwise names without a leading underscore that the module defines or brings in with "
    "`from ... import *`, and, in a package's `__init__`, the names it imports from the SDK "
    "(re-exports). Modules are public when no part of their path starts with an underscore. "
    "Each object is documented once: where it is defined when that place is public, else at "
    "its first re-export; a class reached only as the type of a public attribute is "
    "documented on the page of its nearest public module."
)
"""How the loader decides what is public, shown on the SDK's pages."""


@dataclass
class SdkModel:
    """Everything known about one SDK."""

    settings: SdkSettings
    package: str
    loaded: bool = False
    """False when the package could not be found or its top module not read."""
    style: str = "auto"
    modules: list[SdkModule] = field(default_factory=list)
    """Public modules, the package first, then breadth first."""
    findings: list[Finding] = field(default_factory=list)
    """Problems loading it (rule `sdk-load`); docstring problems are the rules' business."""
    aliases: dict[str, str] = field(default_factory=dict)
    """Every known path of a documented object (public, re-exported, defined) -> its home."""
    public_rule: str = PUBLIC_RULE

    def __post_init__(self) -> None:
        self._objects: dict[str, SdkObject] | None = None
        self._modules: dict[str, SdkModule] | None = None

    def reindex(self) -> None:
        """Forget the lookup tables (after the model was changed)."""
        self._objects = None
        self._modules = None

    @property
    def objects(self) -> dict[str, SdkObject]:
        """Every documented object, members included, by its home path."""
        if self._objects is None:
            self._objects = {
                obj.path: obj
                for module in self.modules
                for top in module.objects
                for obj in top.walk()
            }
        return self._objects

    def module(self, path: str) -> SdkModule | None:
        """The public module at `path`."""
        if self._modules is None:
            self._modules = {m.path: m for m in self.modules}
        return self._modules.get(path)

    def home(self, path: str) -> str | None:
        """Where the object known by `path` (public, re-exported or defined) is documented."""
        if path in self.objects or self.module(path) is not None:
            return path
        return self.aliases.get(path)

    def find(self, path: str) -> SdkObject | None:
        """The documented object known by `path`, if any."""
        home = self.home(path)
        return self.objects.get(home) if home else None

    def documentables(self) -> Iterator[SdkModule | SdkObject]:
        """Every public module and object, each once."""
        yield from self.modules
        yield from self.objects.values()


DOCSTRING_STYLES = ("auto", "google", "numpy", "sphinx")
"""Docstring styles griffe parses; `auto` detects the style per docstring (Google if unsure)."""


@dataclass(frozen=True)
class SdkSettings:
    """One SDK of a source: where its package lives and which API it belongs to."""

    path: Path
    """Folder holding the package (what would be on `sys.path`): relative to the source root as
    configured, absolute once the source is resolved (a git source has no root before)."""
    package: str
    """Importable name of the package (`payments_sdk`, or dotted for a subpackage)."""
    api: str | None = None
    """Id of the API the SDK calls; None lets the source's only API take it."""
    docstring_style: str = "auto"
    """`auto`, `google`, `numpy` or `sphinx`."""


@dataclass(frozen=True)
class SdkLimits:
    """Bounds on the work one SDK may cost; what they cut is reported as a finding."""

    max_module_bytes: int = 2_000_000
    """Modules larger than this are skipped (generated tables, vendored code)."""
    max_modules: int = 5_000
    """Modules loaded per SDK; the deepest past this count are skipped."""
    max_members: int = 2_000
    """Public members documented per module or class."""
    max_objects: int = 100_000
    """Objects documented per SDK in all."""
    max_depth: int = 10
    """Nesting of classes inside classes that is documented."""


DEFAULT_LIMITS = SdkLimits()
"""The bounds used unless the caller gives others."""


LinkHow = Literal["x-sdk-method", "docstring", "name"]
"""How a link was made: the operation's marker, the method's docstring, or the names."""


@dataclass(frozen=True)
class MethodLink:
    """A method of an SDK that calls an operation."""

    package: str
    """The SDK's package."""
    path: str
    """The method's home path."""
    how: LinkHow


@dataclass
class SdkLinks:
    """Operations and SDK methods of one API, linked both ways."""

    operations: list[Operation]
    """The operations that count for coverage (paths; webhooks and callbacks have no method)."""
    by_operation: dict[str, list[MethodLink]] = field(default_factory=dict)
    """Operation anchor -> the methods calling it."""
    by_method: dict[tuple[str, str], list[Operation]] = field(default_factory=dict)
    """(package, method path) -> the operations it calls."""
    findings: list[Finding] = field(default_factory=list)
    """Markers naming no method (rule `sdk-link`)."""

    def methods_for(self, op: Operation) -> list[MethodLink]:
        """The methods calling `op`."""
        return self.by_operation.get(_op_key(op), [])

    def operations_for(self, package: str, path: str) -> list[Operation]:
        """The operations the method at `path` of SDK `package` calls."""
        return self.by_method.get((package, path), [])

    @property
    def covered(self) -> list[Operation]:
        """Operations with at least one method."""
        return [op for op in self.operations if self.methods_for(op)]

    @property
    def coverage(self) -> float | None:
        """Share of operations with a method, 0..1; None when the API has no operations."""
        if not self.operations:
            return None
        return len(self.covered) / len(self.operations)

    @property
    def operations_without_method(self) -> list[str]:
        """operationId (or `METHOD path`) of every operation no method calls."""
        return [operation_name(op) for op in self.operations if not self.methods_for(op)]

    def report(self) -> dict[str, Any]:
        """The `sdk` value of an API in `scorecards.json`."""
        coverage = self.coverage
        return {
            "coverage": None if coverage is None else round(coverage, 4),
            "operations_without_method": self.operations_without_method,
        }

    def add(self, op: Operation, sdk: SdkModel, method: SdkObject, how: LinkHow) -> None:
        """Link `op` and `method` (once)."""
        links = self.by_operation.setdefault(_op_key(op), [])
        if any(link.package == sdk.package and link.path == method.path for link in links):
            return
        links.append(MethodLink(sdk.package, method.path, how))
        self.by_method.setdefault((sdk.package, method.path), []).append(op)


def operation_name(op: Operation) -> str:
    """How reports name an operation: its operationId, else `METHOD path`."""
    return op.operation_id or op.label


def _op_key(op: Operation) -> str:
    return op.anchor or op.label
