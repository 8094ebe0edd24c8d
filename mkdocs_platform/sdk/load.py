"""Load a Python SDK statically with griffe and keep its public surface as an `SdkModel`.

No user code is imported or run: griffe reads the sources (`allow_inspection=False`), compiled
modules are skipped, and nothing outside the source's checkout is read. Every bound that cuts
work (module size and count, members, objects) and every file that cannot be read becomes a
finding (rule `sdk-load`), and the rest of the SDK still loads.
"""

from __future__ import annotations

import ast
import contextlib
import os
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import griffe

from mkdocs_platform.models import Finding, Severity
from mkdocs_platform.models.sdk import (
    DEFAULT_LIMITS,
    PublicBy,
    Reexport,
    SdkBase,
    SdkLimits,
    SdkModel,
    SdkModule,
    SdkObject,
    SdkParameter,
    SdkSettings,
)
from mkdocs_platform.sdk.body import BodyIndex
from mkdocs_platform.sdk.docstrings import parse_docstring
from mkdocs_platform.sdk.griffe_log import capture_griffe

LOAD_RULE = "sdk-load"
"""Rule id of the loader's findings."""

SOURCE_SUFFIXES = (".py", ".pyi")
COMPILED_SUFFIXES = (".so", ".pyd")
ENUM_BASES = frozenset(
    {"enum.Enum", "enum.IntEnum", "enum.StrEnum", "enum.Flag", "enum.IntFlag", "enum.ReprEnum"}
)
MAX_LISTED = 50
"""Findings listed per kind of skipped module; the rest are counted in one more."""
SIGNATURE_WIDTH = 88
"""Signatures longer than this are shown one parameter per line."""
VALUE_WIDTH = 200
"""Attribute values longer than this are cut (generated tables would fill the page)."""

_OPTIONAL_NAMES = frozenset({"Optional", "None"})
_UNION_TOKENS = frozenset({"None", "|", " | ", "[", "]"})


class _Finder(griffe.ModuleFinder):
    """Griffe's module finder, bounded: what it skips is kept for findings."""

    def __init__(self, search_path: Path, root: Path, limits: SdkLimits) -> None:
        super().__init__(search_paths=[search_path])
        self.root = root
        self.limits = limits
        self.kept: list[Path] = []
        self.skipped: list[tuple[Path, str]] = []

    def submodules(self, module: griffe.Module) -> list[tuple[tuple[str, ...], Path]]:
        """The package's submodules that pass the bounds, shallowest first."""
        filepath = module.filepath
        found = super().submodules(module) if isinstance(filepath, list) else self._walk(filepath)
        kept: list[tuple[tuple[str, ...], Path]] = []
        for parts, path in found:
            reason = self._reason_to_skip(path, len(kept))
            if reason:
                self.skipped.append((path, reason))
            else:
                kept.append((parts, path))
        self.kept.extend(path for _, path in kept)
        return kept

    def _reason_to_skip(self, path: Path, count: int) -> str:
        if path.suffix not in SOURCE_SUFFIXES:
            return "compiled"
        try:
            real = path.resolve()
            size = path.stat().st_size
        except OSError:
            return "unreadable"
        if not real.is_relative_to(self.root):
            return "outside"
        if size > self.limits.max_module_bytes:
            return "large"
        if count >= self.limits.max_modules:
            return "count"
        return ""

    @staticmethod
    def _walk(init: Path) -> list[tuple[tuple[str, ...], Path]]:
        if init.stem != "__init__":
            return []  # a single-module SDK has no submodules
        base = init.parent
        found: list[tuple[tuple[str, ...], Path]] = []
        # Symlinked folders are not followed: one could point anywhere on the machine, or
        # at itself.
        for folder, dirnames, filenames in os.walk(base):
            dirnames[:] = sorted(d for d in dirnames if d != "__pycache__" and "." not in d)
            rel = Path(folder).relative_to(base)
            for filename in sorted(filenames):
                stem, suffix = os.path.splitext(filename)  # noqa: PTH122 - on plain names
                if suffix not in SOURCE_SUFFIXES + COMPILED_SUFFIXES:
                    continue
                stem = stem.split(".", 1)[0]  # `name.cpython-311-x86_64-linux-gnu.so`
                if stem == "__init__":
                    if rel == Path():
                        continue  # the package itself
                    parts = rel.parts
                else:
                    parts = (*rel.parts, stem)
                found.append((tuple(parts), Path(folder, filename)))
        found.sort(key=lambda item: len(item[0]))
        return found


@contextlib.contextmanager
def _without_git() -> Iterator[None]:
    """Keep griffe from running git in the checkout (it asks git for source links we never use).

    A checkout is untrusted: git reading its configuration could run helpers it names. Pointing
    GIT_DIR nowhere makes every git call fail at once. Sources are all fetched before SDKs are
    loaded, so no other thread is running git meanwhile.
    """
    saved = os.environ.get("GIT_DIR")
    os.environ["GIT_DIR"] = os.devnull
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("GIT_DIR", None)
        else:
            os.environ["GIT_DIR"] = saved


@dataclass
class _Entry:
    """A public name of a module and what it is."""

    name: str
    path: str
    member: Any
    target: Any | None
    problem: str = ""
    external: bool = False


def _diagnose(path: Path) -> tuple[str, int | None]:
    """Why griffe could not load a file: the parse error and its line, when there is one."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        return "is not UTF-8 text", None
    except OSError as error:
        return f"cannot be read ({error.strerror})", None
    try:
        ast.parse(text, filename=path.name)
    except SyntaxError as error:
        return f"has a syntax error: {error.msg}", error.lineno
    except (ValueError, RecursionError, MemoryError):
        return "cannot be parsed", None
    return "could not be loaded", None


def _cycle(chain: list[str]) -> list[str]:
    """A chain of aliases up to the first path seen twice (griffe may repeat the loop)."""
    seen: list[str] = []
    for path in chain:
        seen.append(path)
        if seen.count(path) > 1:
            break
    return seen


def _params_text(parameters: list[SdkParameter]) -> list[str]:
    parts: list[str] = []
    star = False
    for index, parameter in enumerate(parameters):
        if parameter.kind == "keyword-only" and not star:
            parts.append("*")
        if parameter.kind in ("keyword-only", "variadic positional"):
            star = True
        text = parameter.display_name
        if parameter.annotation:
            text += f": {parameter.annotation}"
        if parameter.default is not None:
            text += (" = " if parameter.annotation else "=") + parameter.default
        parts.append(text)
        following = parameters[index + 1].kind if index + 1 < len(parameters) else ""
        if parameter.kind == "positional-only" and following != "positional-only":
            parts.append("/")
    return parts


def format_signature(prefix: str, name: str, parameters: list[SdkParameter], returns: str) -> str:
    """Python text of a signature, one parameter per line when it is long."""
    parts = _params_text(parameters)
    head = f"{prefix}{name}("
    tail = ")" + (f" -> {returns}" if returns else "")
    one_line = head + ", ".join(parts) + tail
    if len(one_line) <= SIGNATURE_WIDTH:
        return one_line
    return head + "\n" + "".join(f"    {part},\n" for part in parts) + tail


def _short(value: Any) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text if len(text) <= VALUE_WIDTH else text[: VALUE_WIDTH - 1] + "…"


def _deprecation_of_decorators(obj: Any) -> str | None:
    for decorator in getattr(obj, "decorators", None) or []:
        if str(decorator.callable_path).rsplit(".", 1)[-1] != "deprecated":
            continue
        arguments = getattr(decorator.value, "arguments", None) or []
        if arguments:
            try:
                message = ast.literal_eval(str(arguments[0]))
            except (ValueError, SyntaxError, TypeError, RecursionError, MemoryError):
                message = None
            if isinstance(message, str) and message.strip():
                return message.strip()
        return "Deprecated."
    return None


class _Loading:
    """One SDK being loaded: the griffe tree, what is public, and the findings so far."""

    def __init__(self, settings: SdkSettings, root: Path, limits: SdkLimits) -> None:
        self.settings = settings
        self.root = root.resolve()
        self.limits = limits
        self.model = SdkModel(settings=settings, package=settings.package)
        self.model.style = settings.docstring_style
        self.top_name = settings.package.split(".", 1)[0]
        self.bodies = BodyIndex()
        self.collection: Any = None
        self.count = 0
        self.truncated = False
        self.home: dict[str, str] = {}
        self.by_home: dict[str, SdkObject] = {}
        self.pages: dict[str, SdkModule] = {}
        self.typed: list[SdkObject] = []
        self.failed_modules: set[str] = set()
        self._rel: dict[Path, str] = {}
        self._inits: dict[str, Any] = {}

    # -- findings ---------------------------------------------------------------------

    def rel(self, path: Any) -> str | None:
        """`path` relative to the source root, with forward slashes."""
        if isinstance(path, list):
            path = path[0] if path else None
        if not isinstance(path, Path):
            return None
        known = self._rel.get(path)
        if known is None:
            known = self._rel[path] = self._relative(path)
        return known

    def _relative(self, path: Path) -> str:
        # The path as found first: a symlink is named where it is, not where it points.
        if path.is_relative_to(self.root):
            return path.relative_to(self.root).as_posix()
        real = path.resolve()
        if real.is_relative_to(self.root):
            return real.relative_to(self.root).as_posix()
        return path.name

    def finding(
        self,
        severity: Severity,
        message: str,
        file: str | None = None,
        line: int | None = None,
        symbol: str | None = None,
    ) -> None:
        self.model.findings.append(
            Finding(
                rule=LOAD_RULE,
                severity=severity,
                finding_class="sdk",
                message=message,
                file=file,
                line=line,
                symbol=symbol,
            )
        )

    # -- loading ----------------------------------------------------------------------

    def run(self) -> SdkModel:
        search = self._search_path()
        if search is None:
            return self.model
        finder = _Finder(search, self.root, self.limits)
        loader = griffe.GriffeLoader(
            search_paths=[search], allow_inspection=False, store_source=False
        )
        # `finder` is a cached property: an instance value takes its place.
        loader.__dict__["finder"] = finder
        with capture_griffe() as messages, _without_git():
            try:
                top = loader.load(self.settings.package, try_relative_path=False)
            except Exception as error:  # noqa: BLE001 - one broken SDK never stops the portal
                self._top_failed(search, error)
                return self.model
        self.collection = loader.modules_collection
        for message in messages:
            self.finding("info", f"griffe: {message}")
        if not isinstance(top, griffe.Module) or top.is_alias:
            self.finding("error", f"{self.settings.package} is not a module")
            return self.model
        if self.rel(top.filepath) is None or not self._inside(top.filepath):
            self.finding("error", f"{self.settings.package} was found outside the source")
            return self.model
        self._report_skipped(finder, top)
        self._report_star_imports(top)
        self.model.loaded = True
        self._document(top)
        self.model.reindex()
        return self.model

    def _inside(self, filepath: Any) -> bool:
        paths = filepath if isinstance(filepath, list) else [filepath]
        return all(Path(p).resolve().is_relative_to(self.root) for p in paths)

    def _search_path(self) -> Path | None:
        path = self.settings.path
        parts = self.settings.package.split(".")
        shown = self.rel(path) or str(path)
        if not path.is_dir():
            self.finding("error", f"The SDK path {shown} does not exist", file=shown)
            return None
        if not path.resolve().is_relative_to(self.root):
            self.finding("error", f"The SDK path {shown} is outside the source", file=shown)
            return None
        target = path.joinpath(*parts)
        if target.is_dir() or target.with_suffix(".py").is_file():
            return path
        # The path may name the package folder itself rather than the folder holding it.
        if len(parts) == 1 and path.name == parts[0] and (path / "__init__.py").is_file():
            return path.parent
        self.finding(
            "error",
            f"The package {self.settings.package} is not in {shown} "
            f"(expected {'/'.join(parts)}/__init__.py or {'/'.join(parts)}.py)",
            file=shown,
        )
        return None

    def _top_failed(self, search: Path, error: Exception) -> None:
        parts = self.settings.package.split(".")
        candidates = [
            search.joinpath(*parts, "__init__.py"),
            search.joinpath(*parts[:-1], f"{parts[-1]}.py"),
        ]
        top = next((c for c in candidates if c.is_file()), None)
        if top is not None:
            reason, line = _diagnose(top)
            if line is not None or reason != "could not be loaded":
                self.finding(
                    "error",
                    f"The SDK cannot be loaded: {self.rel(top)} {reason}",
                    file=self.rel(top),
                    line=line,
                )
                return
        self.finding("error", f"The SDK cannot be loaded: {type(error).__name__}: {error}")

    def _report_skipped(self, finder: _Finder, top: griffe.Module) -> None:
        loaded = {self.rel(m.filepath) for m in self._griffe_modules(top)}
        by_reason: dict[str, list[Path]] = {}
        for path, reason in finder.skipped:
            by_reason.setdefault(reason, []).append(path)
            self.failed_modules.add(self._dotted(path))
        texts: dict[str, tuple[Severity, str]] = {
            "compiled": ("info", "is a compiled module; static analysis cannot read it"),
            "unreadable": ("warn", "cannot be read"),
            "outside": ("warn", "links outside the source and is not read"),
            "large": (
                "warn",
                f"is larger than {self.limits.max_module_bytes} bytes and is not documented",
            ),
        }
        for reason, paths in by_reason.items():
            if reason == "count":
                self.finding(
                    "warn",
                    f"The SDK has more than {self.limits.max_modules} modules; "
                    f"{len(paths)} were not loaded, the deepest first",
                )
                continue
            severity, text = texts[reason]
            for path in paths[:MAX_LISTED]:
                self.finding(severity, f"{self.rel(path)} {text}", file=self.rel(path))
            if len(paths) > MAX_LISTED:
                self.finding(severity, f"{len(paths) - MAX_LISTED} more modules {text}")
        for path in finder.kept:
            rel = self.rel(path)
            if rel in loaded or path.suffix != ".py" or not self._parent_loaded(path, loaded):
                continue
            reason, line = _diagnose(path)
            self.failed_modules.add(self._dotted(path))
            self.finding("error", f"{rel} {reason}; it is left out", file=rel, line=line)

    def _parent_loaded(self, path: Path, loaded: set[str | None]) -> bool:
        folder = path.parent.parent if path.stem == "__init__" else path.parent
        return self.rel(folder / "__init__.py") in loaded

    def _dotted(self, path: Path) -> str:
        search = self.settings.path
        try:
            rel = path.relative_to(search)
        except ValueError:
            return path.stem
        parts = list(rel.with_suffix("").parts)
        if parts and parts[-1] == "__init__":
            parts.pop()
        return ".".join(p.split(".", 1)[0] for p in parts)

    def _griffe_modules(self, module: Any) -> Iterator[Any]:
        yield module
        for member in list(module.members.values()):
            if not member.is_alias and member.is_module:
                yield from self._griffe_modules(member)

    def _report_star_imports(self, top: griffe.Module) -> None:
        for module in self._griffe_modules(top):
            expanded: dict[str, int | None] = {}
            for member in module.members.values():
                if not member.is_alias:
                    continue
                if member.wildcard and not getattr(member, "wildcard_imported", False):
                    source = str(member.wildcard).removesuffix("/*").removesuffix(".*")
                    self.finding(
                        "warn" if source.split(".")[0] == self.top_name else "info",
                        f"{module.path}: `from {source} import *` cannot be followed "
                        f"({source} is not part of the loaded SDK); the names it brings are "
                        "not documented",
                        file=self.rel(module.filepath),
                        line=member.alias_lineno,
                        symbol=module.path,
                    )
                elif getattr(member, "wildcard_imported", False) and module.exports is None:
                    source = str(member.target_path).rsplit(".", 1)[0]
                    expanded.setdefault(source, member.alias_lineno)
            for source, line in expanded.items():
                self.finding(
                    "info",
                    f"{module.path}: `from {source} import *` decides its public names; "
                    "list them in `__all__` to make them explicit",
                    file=self.rel(module.filepath),
                    line=line,
                    symbol=module.path,
                )

    # -- the public surface -----------------------------------------------------------

    def _public_modules(self, top: griffe.Module) -> list[Any]:
        modules: list[Any] = []
        queue: deque[Any] = deque([top])
        while queue:
            module = queue.popleft()
            modules.append(module)
            children = [
                member
                for name, member in module.members.items()
                if not member.is_alias and member.is_module and not name.startswith("_")
            ]
            queue.extend(sorted(children, key=lambda m: m.name))
        return modules

    def _follow(self, member: Any) -> tuple[Any | None, str, bool]:
        """What a member is: the object, or why it cannot be followed and if it is external."""
        if not member.is_alias:
            return member, "", False
        target_path = str(member.target_path)
        external = target_path.split(".", 1)[0] != self.top_name
        try:
            target = member.final_target
        except griffe.CyclicAliasError as error:
            chain = " -> ".join(_cycle(getattr(error, "chain", None) or [target_path]))
            return None, f"its imports go round in a circle ({chain})", external
        except griffe.AliasResolutionError as error:
            # A chain of imports may leave the SDK after a few hops (`pkg.Timeout` ->
            # `pkg._types.Timeout` -> `httpx.Timeout`): where it broke decides.
            broken = getattr(getattr(error, "alias", None), "target_path", None)
            if broken:
                target_path = str(broken)
                external = target_path.split(".", 1)[0] != self.top_name
            if external:
                return None, "", True
            failed = next((m for m in self.failed_modules if target_path.startswith(m + ".")), None)
            if failed:
                return None, f"{target_path} is in {failed}, which was not loaded", False
            return None, f"{target_path} does not exist", False
        return target, "", external

    def _is_reexport(self, module: Any, alias: Any) -> bool:
        """Whether an import makes a name public in a module without `__all__`.

        A package's `__init__` is its public face: what it imports from the SDK, it
        re-exports. Elsewhere an import is just used (griffe's rule too), unless it is a star
        import, which Python itself passes on.
        """
        target_path = str(alias.target_path)
        if target_path.split(".", 1)[0] != self.top_name:
            return False  # what a module imports from elsewhere is not the SDK's surface
        return bool(getattr(alias, "wildcard_imported", False) or module.is_init_module)

    def _entries(self, module: Any) -> tuple[PublicBy, list[_Entry]]:
        entries: list[_Entry] = []
        exports = module.exports
        if exports is not None:
            names: list[str] = []
            for export in exports:
                if isinstance(export, str) and export not in names:
                    names.append(export)
            all_line = getattr(module.members.get("__all__"), "lineno", None)
            for name in names:
                member = module.members.get(name)
                if member is None:
                    self.finding(
                        "warn",
                        f"{module.path}.__all__ lists {name}, which the module does not define",
                        file=self.rel(module.filepath),
                        line=all_line,
                        symbol=f"{module.path}.{name}",
                    )
                    continue
                entries.append(self._entry(module, name, member))
            return "__all__", entries
        for name, member in module.members.items():
            if name.startswith("_"):
                continue
            if member.is_alias and (member.wildcard or not self._is_reexport(module, member)):
                continue
            if not member.is_alias and member.is_module:
                continue
            entries.append(self._entry(module, name, member))
        return "name", entries

    def _entry(self, module: Any, name: str, member: Any) -> _Entry:
        target, problem, external = self._follow(member)
        path = f"{module.path}.{name}"
        if problem:
            self.finding(
                "warn",
                f"{path} cannot be documented: {problem}",
                file=self.rel(module.filepath),
                line=member.alias_lineno if member.is_alias else member.lineno,
                symbol=path,
            )
        return _Entry(name, path, member, target, problem, external)

    def _document(self, top: griffe.Module) -> None:
        modules = self._public_modules(top)
        public_paths = {m.path for m in modules}
        plan: list[tuple[Any, PublicBy, list[_Entry]]] = []
        for module in modules:
            public_by, entries = self._entries(module)
            plan.append((module, public_by, entries))
        # Homes: where an object is defined when that is public, else its first re-export
        # (breadth first, so the shortest public path wins).
        for pass_aliases in (False, True):
            for _, _, entries in plan:
                for entry in entries:
                    target = entry.target
                    if target is None or target.is_module:
                        continue
                    if entry.member.is_alias == pass_aliases and target.path not in self.home:
                        self.home[target.path] = entry.path
        for module, public_by, entries in plan:
            self.model.modules.append(self._module(module, public_by, entries, public_paths))
        self._document_attribute_types(public_paths)
        for module in self.model.modules:
            for reexport in module.reexports:
                home = self.by_home.get(reexport.home or "")
                if home is not None:
                    home.exposed_as.append(reexport.path)

    def _module(
        self, module: Any, public_by: PublicBy, entries: list[_Entry], public_paths: set[str]
    ) -> SdkModule:
        page = SdkModule(
            path=module.path,
            name=module.name,
            file=self.rel(module.filepath),
            line=1 if module.docstring is None else module.docstring.lineno,
            docstring=parse_docstring(module.docstring, self.settings.docstring_style),
            public_by=public_by,
            is_package=bool(module.is_init_module or module.is_namespace_package),
        )
        self.pages[page.path] = page
        page.submodules = sorted(
            member.path
            for member in module.members.values()
            if not member.is_alias and member.is_module and member.path in public_paths
        )
        if len(entries) > self.limits.max_members:
            self.finding(
                "warn",
                f"{module.path} has {len(entries)} public names; only the first "
                f"{self.limits.max_members} are documented",
                file=page.file,
                symbol=module.path,
            )
            entries = entries[: self.limits.max_members]
        for entry in entries:
            target = entry.target
            if target is not None and target.is_module:
                continue
            if target is None:
                page.reexports.append(
                    Reexport(
                        entry.name,
                        entry.path,
                        str(getattr(entry.member, "target_path", entry.path)),
                        problem=entry.problem,
                    )
                )
                continue
            home = self.home[target.path]
            self.model.aliases[entry.path] = home
            self.model.aliases[target.path] = home
            if home != entry.path:
                page.reexports.append(Reexport(entry.name, entry.path, target.path, home))
                continue
            obj = self._convert(target, entry.name, home, page.path, depth=0)
            if obj is not None:
                page.objects.append(obj)
        return page

    def _document_attribute_types(self, public_paths: set[str]) -> None:
        """Classes public only as the type of a public attribute (`client.pets: Pets`)."""
        while self.typed:
            attribute = self.typed.pop(0)
            path = attribute.annotation_path
            if not path or path in self.home:
                continue
            try:
                target = self.collection.get_member(path)
                if target.is_alias:
                    target = target.final_target
            except (KeyError, ValueError, griffe.AliasResolutionError, griffe.CyclicAliasError):
                continue
            if not target.is_class or target.path in self.home:
                continue
            module = target.parent
            while module is not None and module.path not in public_paths:
                module = module.parent
            if module is None:
                continue
            self.home[target.path] = target.path
            self.model.aliases[path] = target.path
            obj = self._convert(target, target.name, target.path, module.path, depth=0)
            if obj is not None:
                obj.reached_by = attribute.path
                self.pages[module.path].objects.append(obj)

    # -- conversion -------------------------------------------------------------------

    def _count(self) -> bool:
        self.count += 1
        if self.count <= self.limits.max_objects:
            return True
        if not self.truncated:
            self.truncated = True
            self.finding(
                "warn",
                f"The SDK has more than {self.limits.max_objects} public objects; "
                "the rest are not documented",
            )
        return False

    def _convert(self, obj: Any, name: str, home: str, page: str, depth: int) -> SdkObject | None:
        if not self._count():
            return None
        style = self.settings.docstring_style
        result = SdkObject(
            kind="attribute",
            name=name,
            path=home,
            defined_at=obj.path,
            module=page,
            file=self.rel(obj.filepath),
            line=obj.lineno,
            docstring=parse_docstring(obj.docstring, style),
            labels=tuple(sorted(str(label) for label in obj.labels)),
        )
        self.by_home[home] = result
        if obj.is_class:
            self._class(obj, result, depth)
        elif obj.is_function:
            self._function(obj, result)
        else:
            self._attribute(obj, result)
        deprecated = _deprecation_of_decorators(obj)
        doc_deprecated = result.docstring.deprecated if result.docstring else None
        result.deprecated = doc_deprecated or deprecated
        return result

    def _parameters(self, function: Any, drop_first: bool) -> list[SdkParameter]:
        parameters = [
            SdkParameter(
                name=p.name,
                kind=str(getattr(p.kind, "value", p.kind)),
                annotation="" if p.annotation is None else str(p.annotation),
                default=None
                if p.default is None or "variadic" in str(getattr(p.kind, "value", p.kind))
                else _short(p.default),
            )
            for p in function.parameters
        ]
        if drop_first and parameters and parameters[0].kind.startswith("positional"):
            parameters = parameters[1:]
        return parameters

    def _function(self, obj: Any, result: SdkObject) -> None:
        in_class = obj.parent is not None and obj.parent.is_class
        result.kind = "method" if in_class else "function"
        drop = in_class and "staticmethod" not in obj.labels
        result.parameters = self._parameters(obj, drop)
        result.returns = "" if obj.returns is None else str(obj.returns)
        prefix = "async def " if "async" in obj.labels else "def "
        result.signature = format_signature(prefix, result.name, result.parameters, result.returns)
        for overload in getattr(obj, "overloads", None) or []:
            params = self._parameters(overload, drop)
            returns = "" if overload.returns is None else str(overload.returns)
            result.overloads.append(format_signature(prefix, result.name, params, returns))
        if isinstance(obj.filepath, Path):
            result.body = self.bodies.facts(obj.filepath, obj.lineno, obj.endlineno)

    def _attribute(self, obj: Any, result: SdkObject) -> None:
        result.kind = "property" if "property" in obj.labels else "attribute"
        annotation = getattr(obj, "annotation", None)
        result.annotation = "" if annotation is None else str(annotation)
        value = getattr(obj, "value", None)
        result.value = _short(value)
        result.annotation_path = self._class_named(annotation)
        if annotation is None and isinstance(value, griffe.ExprCall):
            # `self.pets = Pets(self)`: the attribute holds an instance of the class it calls.
            result.annotation_path = self._class_named(value.function)
        if result.annotation_path:
            self.typed.append(result)
        shown = f"{result.name}: {result.annotation}" if result.annotation else result.name
        if result.value is not None and result.kind == "attribute":
            shown += f" = {result.value}"
        result.signature = shown

    def _class_named(self, annotation: Any) -> str | None:
        """The SDK class an annotation names: `Pets`, `Pets | None`, `Optional[Pets]`."""
        if annotation is None or isinstance(annotation, str):
            return None
        names: list[Any] = []
        try:
            # The shape first, from the text alone: resolving names through imports is what
            # costs, so only the one name of a plausible annotation is resolved.
            for part in annotation.iterate(flat=True):
                if isinstance(part, griffe.ExprName):
                    if part.name not in _OPTIONAL_NAMES:
                        names.append(part)
                elif str(part) not in _UNION_TOKENS:
                    return None
            if len(names) != 1:
                return None
            path = str(names[0].canonical_path)
        except Exception:  # noqa: BLE001 - an odd annotation just names no class
            return None
        return path if path.split(".", 1)[0] == self.top_name else None

    def _inherited_init(self, obj: Any, seen: frozenset[str] = frozenset()) -> Any | None:
        """The `__init__` a class inherits from a class of the SDK, if it can be followed.

        Bases are searched depth first and each class's answer is kept: generated SDKs derive
        thousands of classes from a few bases, and griffe's `all_members` would rebuild every
        inherited member of each.
        """
        path = str(obj.path)
        if path in self._inits:
            return self._inits[path]
        found = None
        try:
            bases = list(obj.resolved_bases)
        except Exception:  # noqa: BLE001 - bases that cannot be followed just give no signature
            bases = []
        for base in bases:
            if str(base.path) in seen or str(base.path).split(".", 1)[0] != self.top_name:
                continue
            init = base.members.get("__init__")
            if init is not None and not init.is_alias and init.is_function:
                found = init
            else:
                found = self._inherited_init(base, seen | {path})
            if found is not None:
                break
        self._inits[path] = found
        return found

    def _class(self, obj: Any, result: SdkObject, depth: int) -> None:
        result.kind = "class"
        labels = set(result.labels)
        for base in obj.bases:
            path = getattr(base, "canonical_path", None)
            result.bases.append(SdkBase(str(base), None if path is None else str(path)))
            if path is not None and str(path) in ENUM_BASES:
                labels.add("enum")
        result.labels = tuple(sorted(labels))
        init = obj.members.get("__init__")
        if init is not None and not init.is_alias and init.is_function:
            result.has_init = True
            result.parameters = self._parameters(init, drop_first=True)
            result.init_docstring = parse_docstring(init.docstring, self.settings.docstring_style)
        else:
            init = self._inherited_init(obj)
        if init is not None:
            parameters = result.parameters or self._parameters(init, drop_first=True)
            result.signature = format_signature("", result.name, parameters, "")
        if depth >= self.limits.max_depth:
            self.finding(
                "info",
                f"{result.path} is nested {depth} classes deep; its members are not documented",
                file=result.file,
                line=result.line,
                symbol=result.path,
            )
            return
        members = [
            (name, member)
            for name, member in obj.members.items()
            if not member.is_alias and (not name.startswith("_") or name == "__call__")
        ]
        if len(members) > self.limits.max_members:
            self.finding(
                "warn",
                f"{result.path} has {len(members)} public members; only the first "
                f"{self.limits.max_members} are documented",
                file=result.file,
                line=result.line,
                symbol=result.path,
            )
            members = members[: self.limits.max_members]
        for name, member in members:
            converted = self._convert(
                member, name, f"{result.path}.{name}", result.module, depth + 1
            )
            if converted is not None:
                result.members.append(converted)
                self.model.aliases.setdefault(member.path, converted.path)


def load_sdk(
    settings: SdkSettings, source_root: Path | None = None, limits: SdkLimits = DEFAULT_LIMITS
) -> SdkModel:
    """Load one SDK statically; problems become findings in `SdkModel.findings`."""
    return _Loading(settings, source_root or settings.path, limits).run()
